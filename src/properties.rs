//! Property tests across modules: whatever the API sends, every mode ends
//! in a valid plugin line, and perfdata always follows the Monitoring
//! Plugins grammar as Icinga 2 parses it. In-process (not through the
//! binary) so hundreds of cases stay fast.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::api;
use crate::failure::Failure;
use crate::model::Snapshot;
use crate::modes::{self, Argument, Options, Plan};
use crate::output::{Perfdata, Report, State, Unit};
use crate::range::Range;

/// A fixed clock, near the example payload's time.
const NOW: i64 = 1_584_985_000;

/// Arguments that name something the example payloads have (`-m disk:/`);
/// a mode without an entry here is run with [`UNKNOWN_ARGUMENT`].
const SAMPLE_ARGUMENTS: &[(&str, &[&str])] = &[
    ("disk", &["/"]),
    ("service", &["nginx", "8080"]),
    ("inodes", &["/"]),
    ("net", &["eno1"]),
    ("port", &["80"]),
    ("var", &["queue"]),
    ("ping", &["gateway"]),
];

/// The argument of a mode with no [`SAMPLE_ARGUMENTS`] entry.
const UNKNOWN_ARGUMENT: &str = "example";

/// `-m` values covering every registered mode, with and without its
/// arguments: a new mode is in the property tests without a line here.
fn mode_texts() -> Vec<String> {
    modes::MODES
        .iter()
        .flat_map(|mode| {
            let samples = match mode.argument {
                Argument::None => &[][..],
                Argument::Optional(_) | Argument::Required(_) => SAMPLE_ARGUMENTS
                    .iter()
                    .find(|(name, _)| *name == mode.name)
                    .map_or(&[UNKNOWN_ARGUMENT][..], |(_, samples)| *samples),
            };
            let bare = (!matches!(mode.argument, Argument::Required(_))).then(|| mode.name.into());
            bare.into_iter().chain(
                samples
                    .iter()
                    .map(|sample| format!("{}:{sample}", mode.name)),
            )
        })
        .collect()
}

/// What the binary prints for `body`, for every mode: read as the mode's
/// call reads agent data (with or without the samples), then
/// [`modes::evaluate`] and render, as `app` does (the staleness gate aside,
/// which only ever adds an UNKNOWN line). Modes of other calls see the
/// agent data whole.
fn render_every_mode(status: u16, body: &[u8], window: usize) -> Vec<String> {
    let latest = api::v1::parse_latest(status, body);
    let whole = api::v1::parse(status, body);
    mode_texts()
        .iter()
        .map(|text| {
            let (mode, _) = modes::find(text).expect("known mode");
            let snapshot = if mode.source == api::AGENT_DATA {
                &latest
            } else {
                &whole
            };
            render_mode(text, snapshot, window, api::Version::V1)
        })
        .collect()
}

/// What the binary prints for mode `text` (`-m`) with its default
/// thresholds on `snapshot`.
fn render_mode(
    text: &str,
    snapshot: &Result<Snapshot, Failure>,
    window: usize,
    api: api::Version,
) -> String {
    let (mode, argument) = modes::find(text).expect("known mode");
    let (thresholds, options) =
        modes::own_defaults(mode, Options::default()).expect("default thresholds");
    let plan = Plan {
        mode,
        argument,
        thresholds,
        options,
        api,
        window,
        max_age: 0,
        verbose: 0,
    };
    match snapshot
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|snapshot| modes::evaluate(&plan, snapshot, NOW))
    {
        Ok(outcome) => outcome.into_report(mode.label),
        Err(failure) => Report::unknown(mode.label, failure.to_string()),
    }
    .render()
}

/// A mode reads agent data without its samples only if it does not judge
/// them: every mode text's output on the example payload, read as its own
/// call reads it, is the output it gives with everything read.
#[test]
fn a_mode_that_judges_samples_reads_them() {
    let access = api::request::Access {
        base_url: "http://h",
        token: "TOKEN",
        monitor: "m1",
    };
    let examples: [(api::Version, &[u8]); 2] = [
        (api::Version::V1, include_bytes!("demo.json")),
        (api::Version::V3, include_bytes!("demo_v3.json")),
    ];
    let mut skipping = Vec::new();
    for (version, body) in examples {
        let whole = api::demo(version);
        for text in mode_texts() {
            let (mode, _) = modes::find(&text).expect("known mode");
            if ![api::AGENT_DATA, api::AGENT_SAMPLES].contains(&mode.source) {
                continue;
            }
            let read = ((mode.source.request)(&access, version).judge)(200, body);
            if read
                .as_ref()
                .is_ok_and(|snapshot| snapshot.stats.is_empty())
            {
                skipping.push(mode.name);
            }
            assert_eq!(
                render_mode(&text, &read, 1, version),
                render_mode(&text, &whole, 1, version),
                "-m {text} on {version:?}"
            );
        }
    }
    // The guard guards something: most modes skip the samples, and the
    // ones that judge them see them.
    assert!(
        skipping.contains(&"disk") && skipping.len() > 10,
        "{skipping:?}"
    );
    assert!(!skipping.contains(&"cpu"), "{skipping:?}");
    let cpu = render_mode("cpu", &api::demo(api::Version::V1), 1, api::Version::V1);
    assert!(cpu.starts_with("CPU OK"), "{cpu}");
}

/// Every text is one `-m` takes, and none of the texts this list held when
/// it was written by hand is lost.
#[test]
fn mode_texts_are_valid_and_cover_the_hand_written_list() {
    let texts = mode_texts();
    for text in &texts {
        assert!(modes::find(text).is_ok(), "{text}");
    }
    let hand_written = [
        "cpu",
        "ram",
        "disk",
        "disk:/",
        "raid",
        "smart",
        "services",
        "service:nginx",
        "service:8080",
        "freshness",
        "swap",
        "iowait",
        "inodes",
        "inodes:/",
        "net",
        "net:eno1",
        "ports",
        "port:80",
        "reboot",
        "uptime",
        "all",
        "quota",
        "load",
        "temp",
        "steal",
        "ping",
        "var:queue",
    ];
    for old in hand_written {
        assert!(texts.iter().any(|t| t == old), "{old} in {texts:?}");
    }
}

/// Checks a whole rendered output against the plugin contract.
fn assert_valid_output(output: &str) -> Result<(), TestCaseError> {
    prop_assert!(output.ends_with('\n'), "{output:?}");
    let first = output.lines().next().unwrap_or_default();
    let (line, perfdata) = match first.split_once(" | ") {
        Some((line, perfdata)) => (line, Some(perfdata)),
        None => (first, None),
    };
    let mut words = line.splitn(4, ' ');
    let label = words.next().unwrap_or_default();
    prop_assert!(
        !label.is_empty() && label.bytes().all(|b| b.is_ascii_uppercase()),
        "label in {first:?}"
    );
    let state = words.next().unwrap_or_default();
    prop_assert!(
        ["OK", "WARNING", "CRITICAL", "UNKNOWN"].contains(&state),
        "state in {first:?}"
    );
    prop_assert_eq!(words.next(), Some("-"), "{}", first);
    prop_assert!(
        !words.next().unwrap_or_default().trim().is_empty(),
        "summary in {first:?}"
    );
    prop_assert!(!line.contains('|'), "a pipe before perfdata: {first:?}");
    prop_assert!(
        !output.chars().any(|c| c.is_control() && c != '\n'),
        "{output:?}"
    );
    if let Some(perfdata) = perfdata {
        for item in split_perfdata(perfdata)? {
            assert_valid_perfdata(&item)?;
        }
    }
    Ok(())
}

/// Splits perfdata at the spaces between items (labels are quoted and may
/// hold spaces).
fn split_perfdata(text: &str) -> Result<Vec<String>, TestCaseError> {
    let mut items = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        prop_assert!(rest.starts_with('\''), "item must start quoted: {text:?}");
        let close = rest[1..].find('\'').map(|i| i + 1);
        prop_assert!(close.is_some(), "unclosed label: {text:?}");
        let end = rest[close.unwrap()..]
            .find(' ')
            .map_or(rest.len(), |i| i + close.unwrap());
        items.push(rest[..end].to_string());
        rest = rest[end..].strip_prefix(' ').unwrap_or_default();
    }
    Ok(items)
}

/// `'label'=value[UOM];[warn];[crit];[min];[max]` with plain decimals, a
/// unit Icinga 2 knows, no comma, no `U`, no trailing `;`.
fn assert_valid_perfdata(item: &str) -> Result<(), TestCaseError> {
    let (label, data) = item[1..]
        .split_once("'=")
        .ok_or_else(|| TestCaseError::fail(format!("no '= in {item:?}")))?;
    prop_assert!(!label.is_empty(), "empty label: {item:?}");
    prop_assert!(!label.contains(['\'', '=', '|']), "label: {item:?}");
    prop_assert!(!data.contains([',', ' ', 'U', 'e', 'E']), "data: {item:?}");
    prop_assert!(!data.ends_with(';'), "trailing ';': {item:?}");
    let fields: Vec<&str> = data.split(';').collect();
    prop_assert!(fields.len() <= 5, "too many fields: {item:?}");
    let value = fields[0];
    let number_end = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(number_end);
    prop_assert!(is_decimal(number), "value: {item:?}");
    prop_assert!(["", "%", "s", "B"].contains(&unit), "unit: {item:?}");
    if unit == "B" {
        prop_assert!(!number.contains('.'), "bytes are integers: {item:?}");
    }
    for range in fields.iter().skip(1).take(2).filter(|r| !r.is_empty()) {
        prop_assert!(
            range.parse::<Range>().is_ok(),
            "range {range:?} in {item:?}"
        );
    }
    for bound in fields.iter().skip(3).filter(|b| !b.is_empty()) {
        prop_assert!(is_decimal(bound), "bound {bound:?} in {item:?}");
    }
    Ok(())
}

fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Numbers as the agent, a proxy or a bug might send them.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-1000i64..1000).prop_map(Value::from),
        (0u64..2_000_000_000_000).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|x| json!(x)),
        (-200.0f64..200.0).prop_map(|x| json!(x)),
        (NOW - 7200..NOW + 60).prop_map(Value::from),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        number(),
        number().prop_map(|n| Value::from(n.to_string())),
        prop::sample::select(vec![
            "",
            " ",
            "online",
            "offline",
            "PASSED",
            "FAILED",
            "Healthy",
            "Degraded",
            "nginx",
            "8080",
            "/",
            "NaN",
            "inf",
            "-1",
            "1e400",
            "a'b=c|d",
            "line\nbreak",
            "…",
        ])
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ]
}

/// Field names the v1 adapter reads, so generated objects reach the modes.
const FIELDS: [&str; 20] = [
    "Mount",
    "Size",
    "Used",
    "RAID",
    "Type",
    "Health",
    "State",
    "TotalDrives",
    "ActiveDrives",
    "FailedDrives",
    "Name",
    "SMARTTest",
    "ErrorCount",
    "Status",
    "Minute",
    "CPU",
    "IOWait",
    "RAM",
    "Swap",
    "Other",
];

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(FIELDS.to_vec()), inner, 0..8)
                .prop_map(|fields| {
                    Value::Object(
                        fields
                            .into_iter()
                            .map(|(k, v)| (k.to_string(), v))
                            .collect(),
                    )
                }),
        ]
    })
}

/// A v1-shaped payload: the sections the modes read, each anything.
fn payload() -> impl Strategy<Value = Value> {
    let section = prop_oneof![
        json_value(),
        prop::collection::vec(json_value(), 0..5).prop_map(Value::Array)
    ];
    (
        prop::option::of(leaf()),
        prop::option::of(section.clone()),
        prop::option::of(section.clone()),
        prop::option::of(section.clone()),
        prop::option::of(section),
        prop::option::of(json_value()),
    )
        .prop_map(|(last, disks, drives, services, stats, status)| {
            let mut object = Map::new();
            for (key, value) in [
                ("AgentLastData", last),
                ("Disks", disks),
                ("Drives", drives),
                ("Services", services),
                ("Stats", stats),
                ("status", status),
            ] {
                if let Some(value) = value {
                    object.insert(key.to_string(), value);
                }
            }
            Value::Object(object)
        })
}

fn range() -> impl Strategy<Value = Range> {
    let decimal = (-10_000_000i64..10_000_000).prop_map(|n| n as f64 / 1000.0);
    (
        prop::option::of(decimal.clone()),
        prop::option::of(decimal),
        any::<bool>(),
    )
        .prop_map(|(a, b, inside)| {
            let (start, end) = match (a, b) {
                (Some(a), Some(b)) => (a.min(b), a.max(b)),
                (Some(a), None) => (a, f64::INFINITY),
                (None, Some(b)) => (f64::NEG_INFINITY, b),
                (None, None) => (f64::NEG_INFINITY, f64::INFINITY),
            };
            Range { start, end, inside }
        })
}

fn perfdata() -> impl Strategy<Value = Perfdata> {
    let unit = prop::sample::select(vec![Unit::None, Unit::Percent, Unit::Seconds, Unit::Bytes]);
    let float = prop_oneof![any::<f64>(), -1e6f64..1e6, Just(0.0), Just(-0.0)];
    (
        ".{1,10}",
        float.clone(),
        unit,
        prop::option::of(range()),
        prop::option::of(range()),
        prop::option::of(float.clone()),
        prop::option::of(float),
    )
        .prop_map(|(label, value, unit, warning, critical, min, max)| {
            Perfdata::new(label, value, unit)
                .thresholds(warning, critical)
                .bounds(min, max)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ranges_survive_print_and_parse(range in range()) {
        let text = range.to_string();
        prop_assert_eq!(text.parse::<Range>(), Ok(range), "{}", text);
    }

    /// Its fast path for whole numbers prints what f64's Display does.
    #[test]
    fn exact_numbers_print_as_f64_does(
        x in prop_oneof![
            any::<f64>(),
            any::<i64>().prop_map(|n| n as f64),
            (-(1i64 << 54)..(1i64 << 54)).prop_map(|n| n as f64),
            (0u32..1024).prop_map(|e| 2f64.powi(e as i32)),
        ]
    ) {
        prop_assume!(x.is_finite());
        prop_assert_eq!(crate::range::format_exact(x), format!("{}", x + 0.0));
    }

    #[test]
    fn any_text_parses_as_a_range_or_is_refused_without_panicking(text in "@?[-~0-9.:]{0,8}|.{0,8}") {
        if let Ok(range) = text.parse::<Range>() {
            prop_assert!(range.start <= range.end, "{text:?}");
            prop_assert_eq!(range.to_string().parse::<Range>(), Ok(range));
        }
    }

    #[test]
    fn any_json_payload_ends_in_valid_lines(payload in payload(), window in 1usize..=60) {
        for output in render_every_mode(200, payload.to_string().as_bytes(), window) {
            assert_valid_output(&output)?;
        }
    }

    /// Leaving the samples unread changes nothing else a body gives.
    #[test]
    fn agent_data_without_samples_is_the_whole_less_its_samples(
        body in prop_oneof![payload(), json_value()].prop_map(|v| v.to_string()),
    ) {
        let mut whole = api::v1::parse(200, body.as_bytes());
        if let Ok(snapshot) = whole.as_mut() {
            snapshot.stats.clear();
        }
        prop_assert_eq!(api::v1::parse_latest(200, body.as_bytes()), whole);
    }

    #[test]
    fn any_json_value_ends_in_valid_lines(value in json_value(), status in prop_oneof![Just(200u16), 100u16..600]) {
        for output in render_every_mode(status, value.to_string().as_bytes(), 1) {
            assert_valid_output(&output)?;
            prop_assert!(output.contains(" UNKNOWN - ") || status == 200, "{output}");
        }
    }

    #[test]
    fn any_bytes_end_in_valid_lines(body in prop::collection::vec(any::<u8>(), 0..256)) {
        for output in render_every_mode(200, &body, 1) {
            assert_valid_output(&output)?;
        }
    }

    #[test]
    fn damaged_real_payloads_end_in_valid_lines(
        cut in 0usize..20_000,
        flips in prop::collection::vec((0usize..20_000, any::<u8>()), 0..4),
    ) {
        let mut body = include_bytes!("demo.json").to_vec();
        for (at, byte) in flips {
            let at = at % body.len();
            body[at] = byte;
        }
        body.truncate(cut.max(body.len() / 2));
        for output in render_every_mode(200, &body, 5) {
            assert_valid_output(&output)?;
        }
    }

    #[test]
    fn rendered_perfdata_follows_the_grammar(items in prop::collection::vec(perfdata(), 1..4)) {
        let finite = items.iter().filter(|p| p.value.is_finite()).count();
        let output = Report {
            label: "TEST".into(),
            state: State::Ok,
            summary: "fine".into(),
            details: Vec::new(),
            perfdata: items,
        }
        .render();
        assert_valid_output(&output)?;
        let perfdata = output.lines().next().unwrap_or_default().split_once(" | ").map(|(_, p)| p);
        let rendered = perfdata.map_or(Ok(Vec::new()), split_perfdata)?;
        prop_assert_eq!(rendered.len(), finite, "NaN and infinities are left out: {}", output);
    }
}

/// The uptime monitor the generated list bodies describe.
const MONITOR_ID: &str = "0123456789abcdef0123456789abcdef";

/// A location entry: an object of some known fields, maybe in an array.
fn location_entry() -> impl Strategy<Value = Value> {
    let fields = prop::collection::btree_map(
        prop::sample::select(vec!["uptime_status", "response_time", "last_check", "x"]),
        prop_oneof![leaf(), Just(json!("up")), Just(json!("down"))],
        0..4,
    )
    .prop_map(|map| Value::Object(map.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
    .boxed();
    prop_oneof![
        fields.clone(),
        fields.prop_map(|entry| json!([entry])),
        leaf()
    ]
}

/// `locations` in the spec's shape, the example's, or neither.
fn locations() -> impl Strategy<Value = Value> {
    let keyed = prop::collection::btree_map(
        prop_oneof![Just("london".to_string()), ".{0,8}"],
        location_entry(),
        0..5,
    )
    .prop_map(|map| Value::Object(map.into_iter().collect::<Map<String, Value>>()))
    .boxed();
    prop_oneof![
        leaf(),
        keyed.clone(),
        prop::collection::vec(keyed, 0..3).prop_map(Value::from),
    ]
}

/// A date as HetrixTools sends it, or something else.
fn date() -> impl Strategy<Value = Value> {
    prop_oneof![
        "20[0-9]{2}-[01][0-9]-[0-3][0-9]".prop_map(Value::from),
        leaf()
    ]
}

fn uptime_monitor_list() -> impl Strategy<Value = Value> {
    let status = || {
        prop_oneof![
            prop::sample::select(vec![
                "up",
                "down",
                "Up",
                "active",
                "maint",
                "maint_dnd",
                "paused",
                "disabled"
            ])
            .prop_map(Value::from),
            leaf(),
        ]
    };
    (status(), status(), leaf(), locations(), date(), date()).prop_map(
        |(uptime_status, monitor_status, uptime, locations, ssl, domain)| {
            json!({"monitors": [{
                "id": MONITOR_ID, "uptime_status": uptime_status,
                "monitor_status": monitor_status, "uptime": uptime, "locations": locations,
                "ssl_expiration_date": ssl, "domain_expiration_date": domain
            }]})
        },
    )
}

fn blacklist_report() -> impl Strategy<Value = Value> {
    let listing = (leaf(), leaf()).prop_map(|(rbl, delist)| json!({"rbl": rbl, "delist": delist}));
    let listed = prop_oneof![
        json_value(),
        prop::collection::vec(prop_oneof![listing, leaf()], 0..6).prop_map(Value::from),
    ];
    (leaf(), leaf(), listed).prop_map(|(target, report_id, listed)| {
        json!({"target": target, "report_id": report_id, "listed": listed})
    })
}

/// Whether `text` is HetrixTools' word `word`, as the status mode reads it.
fn says(value: &Value, word: &str) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.trim().eq_ignore_ascii_case(word))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_uptime_monitor_ends_in_valid_lines_and_no_made_up_ok(body in uptime_monitor_list()) {
        let item = &body["monitors"][0];
        let snapshot = api::uptime_monitors::judge(body.to_string().as_bytes(), MONITOR_ID);
        let status = render_mode("status", &snapshot, 1, api::Version::V3);
        assert_valid_output(&status)?;
        let maintenance = matches!(item["monitor_status"].as_str(), Some("maint" | "maint_dnd"));
        if status.starts_with("STATUS OK") {
            prop_assert!(maintenance || says(&item["uptime_status"], "up"), "{status}");
        }
        for (mode, field) in [("ssl", "ssl_expiration_date"), ("domain", "domain_expiration_date")] {
            let output = render_mode(mode, &snapshot, 1, api::Version::V3);
            assert_valid_output(&output)?;
            if !output.contains(" UNKNOWN - ") {
                let date = item[field].as_str().unwrap_or_default().trim();
                let shaped = date.len() == 10
                    && date.bytes().enumerate().all(|(i, b)| match i {
                        4 | 7 => b == b'-',
                        _ => b.is_ascii_digit(),
                    });
                prop_assert!(shaped, "a verdict from {date:?}: {output}");
            }
        }
    }

    #[test]
    fn any_blacklist_report_ends_in_valid_lines_and_no_made_up_ok(body in blacklist_report()) {
        let snapshot = api::blacklist::judge(body.to_string().as_bytes());
        let output = render_mode("blacklist", &snapshot, 1, api::Version::V3);
        assert_valid_output(&output)?;
        if output.starts_with("BLACKLIST OK") {
            prop_assert_eq!(&body["listed"], &json!([]), "{}", output);
        }
    }

    #[test]
    fn any_bytes_end_the_new_modes_in_valid_lines(body in prop::collection::vec(any::<u8>(), 0..256)) {
        let monitor = api::uptime_monitors::judge(&body, MONITOR_ID);
        for mode in ["status", "ssl", "domain"] {
            assert_valid_output(&render_mode(mode, &monitor, 1, api::Version::V3))?;
        }
        assert_valid_output(&render_mode("blacklist", &api::blacklist::judge(&body), 1, api::Version::V3))?;
    }
}
