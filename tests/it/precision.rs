//! Numbers as sent and as printed: a value is read exactly as the API
//! sent it, one unreadable number fails only a mode that needs it, and the
//! printed perfdata, re-checked against its printed ranges by an
//! independent range reader, reaches the printed state.

use crate::common;

use std::sync::{Arc, Mutex};

use common::{MONITOR, MockApi, Reply, Run, check_on};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rstest::rstest;
use serde_json::{Value, json};

/// The v3 demo server with custom variables whose values are `values`,
/// written into the body as raw JSON text (`1e400` has no `Value`).
fn body_with_variables(values: &[(&str, &str)]) -> String {
    let mut payload: Value =
        serde_json::from_str(include_str!("../../src/demo_v3.json")).expect("demo payload");
    let placeholders: Vec<Value> = values
        .iter()
        .map(|(name, _)| json!({"name": name, "value": format!("@{name}@")}))
        .collect();
    payload["custom_variables"] = Value::Array(placeholders);
    values
        .iter()
        .fold(payload.to_string(), |body, (name, raw)| {
            body.replace(&format!("\"@{name}@\""), raw)
        })
}

/// A v3 mock serving whatever body `body` holds at the time of a request.
fn serving(body: Arc<Mutex<String>>) -> MockApi {
    let path = format!("/v3/uptime-monitors/{MONITOR}/server-agent/metrics");
    MockApi::start(move |request| {
        assert_eq!(request.path, path);
        let body = body.lock().unwrap().clone();
        Reply::raw(200, "application/json", body)
    })
}

fn v3(api: &MockApi, args: &[&str]) -> Run {
    let mut all = vec!["--max-age", "0"];
    all.extend_from_slice(args);
    check_on(api, &["--api", "v3"], &all)
}

#[rstest]
// One ULP below 1 is below 1, as a number as well as as a string.
#[case("0.9999999999999999", &["-w", "1:"], "VAR WARNING - q = 0.9999999999999999", "'q'=0.9999999999999999;1:")]
#[case("\"0.9999999999999999\"", &["-w", "1:"], "VAR WARNING - q = 0.9999999999999999", "'q'=0.9999999999999999;1:")]
// Past the threshold by less than the rounding: the summary says so.
#[case("10.0004", &["-w", "10"], "VAR WARNING - q = 10.0004", "'q'=10.0004;10")]
#[case("12.3456789", &["-w", "20"], "VAR OK - q = 12.346", "'q'=12.3456789;20")]
fn values_are_read_and_printed_exactly(
    #[case] raw: &str,
    #[case] options: &[&str],
    #[case] first_line: &str,
    #[case] perfdata: &str,
) {
    let api = serving(Arc::new(Mutex::new(body_with_variables(&[("q", raw)]))));
    let mut args = vec!["-m", "var:q"];
    args.extend_from_slice(options);
    let run = v3(&api, &args);
    assert_eq!(run.first_line(), format!("{first_line} | {perfdata}"));
}

#[rstest]
#[case(&["-m", "var:q"], "VAR OK - q = 5 | 'q'=5")]
#[case(&["-m", "cpu"], "CPU OK - cpu ")]
#[case(&["-m", "var:huge"], "VAR UNKNOWN - custom variable 'huge' has no numeric value")]
fn a_number_beyond_f64_fails_only_the_mode_that_reads_it(
    #[case] args: &[&str],
    #[case] first_line: &str,
) {
    let body = body_with_variables(&[("huge", "1e400"), ("q", "5")]);
    let api = serving(Arc::new(Mutex::new(body)));
    let run = v3(&api, args);
    assert!(
        run.first_line().starts_with(first_line),
        "{:?} should start with {first_line:?}",
        run.first_line()
    );
}

/// A range as the Monitoring Plugins guidelines define it, read without
/// the plugin's code: `(start, end, inside)`.
fn reference_range(text: &str) -> (f64, f64, bool) {
    let (inside, body) = match text.strip_prefix('@') {
        Some(body) => (true, body),
        None => (false, text),
    };
    let number = |s: &str| s.parse::<f64>().expect("a printed endpoint is a number");
    let (start, end) = match body.split_once(':') {
        None => (0.0, number(body)),
        Some((start, end)) => (
            match start {
                "~" => f64::NEG_INFINITY,
                "" => 0.0,
                s => number(s),
            },
            if end.is_empty() {
                f64::INFINITY
            } else {
                number(end)
            },
        ),
    };
    assert!(start <= end, "printed range {text:?} has start > end");
    (start, end, inside)
}

fn alerts(range: &str, value: f64) -> bool {
    let (start, end, inside) = reference_range(range);
    (start <= value && value <= end) == inside
}

/// The state a reader of `value` against the printed ranges reaches.
fn reference_state(value: f64, warning: &str, critical: &str) -> &'static str {
    if !critical.is_empty() && alerts(critical, value) {
        "CRITICAL"
    } else if !warning.is_empty() && alerts(warning, value) {
        "WARNING"
    } else {
        "OK"
    }
}

/// Decimals near a few round numbers, as thresholds are typed.
fn endpoint() -> impl Strategy<Value = String> {
    (-3i64..=12, 0u32..4, -5i64..=5).prop_map(|(base, places, nudge)| {
        let scale = 10f64.powi(places as i32);
        let units = (base * 10 + nudge) as f64 / 10.0;
        format!("{}", (units * scale).round() / scale)
    })
}

fn range_text() -> impl Strategy<Value = Option<String>> {
    let nonnegative = endpoint().prop_map(|e| e.trim_start_matches('-').to_string());
    let pair = || {
        (endpoint(), endpoint()).prop_map(|(a, b)| {
            let (a, b): (f64, f64) = (a.parse().unwrap(), b.parse().unwrap());
            (format!("{}", a.min(b)), format!("{}", a.max(b)))
        })
    };
    prop::option::of(prop_oneof![
        nonnegative,
        endpoint().prop_map(|e| format!("{e}:")),
        endpoint().prop_map(|e| format!("~:{e}")),
        pair().prop_map(|(a, b)| format!("{a}:{b}")),
        pair().prop_map(|(a, b)| format!("@{a}:{b}")),
    ])
}

/// Values on, a few ULPs beside, or a rounding step beside a threshold.
fn value() -> impl Strategy<Value = f64> {
    (
        endpoint(),
        -3i64..=3,
        prop_oneof![Just(0.0), Just(0.0004), Just(-0.0004)],
    )
        .prop_map(|(base, ulps, step)| {
            let base: f64 = base.parse::<f64>().unwrap() + step;
            let bits = base.to_bits() as i64 + if base >= 0.0 { ulps } else { -ulps };
            f64::from_bits(bits as u64)
        })
}

#[test]
fn printed_perfdata_reaches_the_printed_state() {
    let body = Arc::new(Mutex::new(String::new()));
    let api = serving(Arc::clone(&body));
    // A fixed seed: the same cases on every run and machine.
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 96,
            failure_persistence: None,
            ..Config::default()
        },
        proptest::test_runner::TestRng::deterministic_rng(Config::default().rng_algorithm),
    );
    let cases = (value(), range_text(), range_text());
    runner
        .run(&cases, |(value, warning, critical)| {
            let raw = serde_json::to_string(&value).unwrap();
            *body.lock().unwrap() = body_with_variables(&[("q", &raw)]);
            let mut args = vec!["-m", "var:q"];
            for (flag, range) in [("-w", &warning), ("-c", &critical)] {
                if let Some(range) = range {
                    args.extend([flag, range.as_str()]);
                }
            }
            let run = v3(&api, &args);
            let perfdata = run.perfdata();
            let fields: Vec<&str> = perfdata
                .strip_prefix("'q'=")
                .unwrap_or_else(|| panic!("no perfdata: {run:?}"))
                .split(';')
                .collect();
            let printed: f64 = fields[0].parse().expect("a plain number");
            prop_assert_eq!(printed, value, "perfdata changed the value: {:?}", run);
            let warning_printed = fields.get(1).copied().unwrap_or_default();
            let critical_printed = fields.get(2).copied().unwrap_or_default();
            let expected = reference_state(printed, warning_printed, critical_printed);
            prop_assert_eq!(run.state(), expected, "{:?}", run);
            // And the ranges as given mean the same: a plugin that ignored
            // -w/-c and printed none would pass the check above.
            let given = reference_state(
                value,
                warning.as_deref().unwrap_or_default(),
                critical.as_deref().unwrap_or_default(),
            );
            prop_assert_eq!(run.state(), given, "{:?}", run);
            // The summary's number, however rounded, reads the same way.
            let summary = run.first_line().split(" | ").next().unwrap();
            let shown: f64 = summary.rsplit(" = ").next().unwrap().parse().unwrap();
            prop_assert_eq!(
                reference_state(shown, warning_printed, critical_printed),
                expected,
                "{:?}",
                run
            );
            Ok(())
        })
        .unwrap();
}

#[rstest]
// No whole number of inodes lies in 0.241 % … 0.249 % of 10000: the range
// keeps its exact bounds instead of printing the invalid `25:24`.
#[case(&["-m", "inodes:/etc/pve", "-w", "0.241:0.249"],
       "INODES WARNING - /etc/pve 0.2% inodes used (24 of 10000)",
       "'/etc/pve_inodes'=24;24.1:24.9;9000;0;10000")]
#[case(&["-m", "disk:/boot", "--free", "-w", "20G:", "-c", "10G:"],
       "DISK CRITICAL - /boot 79.2% free (784.8 of 990.9 MiB) < 10.0 GiB",
       "'/boot_free'=822913597B;21474836480:;10737418240:;0;1039032320")]
#[case(&["-m", "disk:/etc/pve"], "DISK OK - /etc/pve 0.1% used (15.4 KiB of 30.0 MiB)", "'/etc/pve'=15729B;")]
fn amounts_and_crossed_thresholds_are_shown_as_they_are(
    #[case] args: &[&str],
    #[case] first_line: &str,
    #[case] perfdata: &str,
) {
    let mut all = vec!["--demo"];
    all.extend_from_slice(args);
    let run = common::run(&all, &[]);
    assert_eq!(run.first_line(), first_line, "{run:?}");
    assert!(run.perfdata().starts_with(perfdata), "{run:?}");
}

/// A percentage that rounds onto its threshold gets the decimals that
/// show it is past it; one exactly on it stays short.
#[rstest]
#[case(8004, "DISK WARNING - / 80.04% used")]
#[case(8000, "DISK OK - / 80.0% used")]
#[case(8001, "DISK WARNING - / 80.01% used")]
fn disk_percentages_are_not_rounded_onto_a_threshold(#[case] used: u64, #[case] first_line: &str) {
    let mut payload: Value =
        serde_json::from_str(include_str!("../../src/demo_v3.json")).expect("demo payload");
    payload["disk"]["disks"][0]["size"] = json!(10000);
    payload["disk"]["disks"][0]["used"] = json!(used);
    let api = serving(Arc::new(Mutex::new(payload.to_string())));
    let run = v3(&api, &["-m", "disk:/", "-w", "80"]);
    assert!(
        run.first_line().starts_with(first_line),
        "{:?} should start with {first_line:?}",
        run.first_line()
    );
}
