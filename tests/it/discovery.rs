//! `--list-monitors` (and `--blacklists`) against the mock account of the
//! end-to-end tests: every monitor type, several pages, hostile fields.
//! That the generated configuration loads and runs in real daemons is
//! the icinga2 and nagios4 modules' part.

use crate::common;

use common::e2e::{self, BLACKLISTED_DOMAIN, HEARTBEAT, HOSTILE, MAINTENANCE, PING, WEBSITE};
use common::{MockApi, Reply, TOKEN, execute, list_monitors as list};
use rstest::rstest;
use serde_json::json;

fn paths(api: &MockApi) -> Vec<String> {
    api.requests().into_iter().map(|r| r.path).collect()
}

#[test]
fn the_table_lists_every_monitor_with_its_type_over_all_pages() {
    let api = e2e::account_api();
    let run = list(&api, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("ID  ") && lines[0].contains("  TYPE       AGENT  STATUS"),
        "{}",
        run.stdout
    );
    let row = |id: &str| *lines.iter().find(|l| l.starts_with(id)).expect(id);
    assert!(
        row(WEBSITE).contains("  website    no     up, active"),
        "{}",
        run.stdout
    );
    assert!(row(PING).contains("  ping       no "), "{}", run.stdout);
    assert!(
        row(HEARTBEAT).contains("  heartbeat  no "),
        "{}",
        run.stdout
    );
    assert!(
        row(e2e::NORMAL).contains("  ping       yes "),
        "{}",
        run.stdout
    );
    assert!(
        row(MAINTENANCE).ends_with("(MAINTENANCE: in maintenance, notifications off)"),
        "{}",
        run.stdout
    );
    // The hostile name and type stay on their row.
    assert!(row(HOSTILE).contains("  smtp }  "), "{}", run.stdout);
    assert_eq!(lines.len(), 11, "{}", run.stdout);
    assert_eq!(lines[10], "9 monitors, 4 with a server agent.");
    assert_eq!(
        paths(&api),
        [1, 2, 3].map(|p| format!("/v3/uptime-monitors?per_page=200&page={p}"))
    );
}

/// Every line of an Icinga 2 listing is a comment, an object's first or
/// last line, or one attribute with a quoted value: nothing a name holds
/// can end a string or start an object.
fn assert_icinga2_shape(text: &str) {
    for line in text.lines().filter(|l| !l.is_empty()) {
        let shaped = line.starts_with("// ")
            || line == "}"
            || (line.starts_with("object Host \"") || line.starts_with("object Service \"hetrix-"))
                && line.ends_with("\" {")
            || line.starts_with("  ") && {
                let value = match line.strip_prefix("  import ") {
                    Some(template) => template,
                    None => line.split_once(" = ").map(|(_, v)| v).unwrap_or_default(),
                };
                let inner = value.strip_prefix('"').and_then(|v| v.strip_suffix('"'));
                // Inside the quotes, every `"` is escaped and every `\`
                // escapes something.
                inner.is_some_and(|inner| {
                    let mut chars = inner.chars();
                    let mut fine = true;
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => fine &= matches!(chars.next(), Some('\\' | '"')),
                            '"' => fine = false,
                            _ => {}
                        }
                    }
                    fine
                })
            };
        assert!(shaped, "line out of shape: {line:?}\n{text}");
    }
}

/// Every line of a Nagios listing is a comment, a `define` line, `}`, or a
/// known directive; no value holds an unescaped `;` or ends with `\`.
fn assert_nagios_shape(text: &str) {
    const DIRECTIVES: [&str; 9] = [
        "use",
        "host_name",
        "alias",
        "address",
        "_HETRIX_MONITOR",
        "_HETRIX_TYPE",
        "service_description",
        "check_command",
        "display_name",
    ];
    for line in text.lines().filter(|l| !l.is_empty()) {
        let shaped = line.starts_with("# ")
            || line == "define host {"
            || line == "define service {"
            || line == "}"
            || line.strip_prefix("  ").is_some_and(|rest| {
                let (key, value) = rest.split_once(' ').unwrap_or((rest, ""));
                DIRECTIVES.contains(&key)
                    && !value.trim().is_empty()
                    && !value.ends_with('\\')
                    && value
                        .match_indices(';')
                        .all(|(i, _)| value[..i].ends_with('\\'))
            });
        assert!(shaped, "line out of shape: {line:?}\n{text}");
    }
}

#[test]
fn icinga2_hosts_get_a_service_per_thing_hetrixtools_tracks() {
    let run = list(&e2e::account_api(), &["--format", "icinga2"]);
    assert_eq!(run.code, 0, "{run:?}");
    let out = &run.stdout;
    assert_icinga2_shape(out);
    assert_eq!(out.matches("object Host \"").count(), 9, "{out}");
    // status everywhere, ssl and domain where a date is set.
    assert_eq!(
        out.matches("object Service \"hetrix-status\"").count(),
        9,
        "{out}"
    );
    assert_eq!(
        out.matches("object Service \"hetrix-ssl\"").count(),
        2,
        "{out}"
    );
    assert_eq!(
        out.matches("object Service \"hetrix-domain\"").count(),
        3,
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "object Host \"shop\" {{\n  import \"hetrix-uptime-host\"\n  display_name = \"shop\"\n  \
             address = \"shop.example.com\"\n  vars.hetrix_monitor = \"{WEBSITE}\"\n  \
             vars.hetrix_type = \"website\"\n}}\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "object Host \"normal\" {{\n  import \"hetrix-host\"\n  display_name = \"normal\"\n  \
             address = \"192.0.2.1\"\n  vars.hetrix_monitor = \"{}\"\n",
            e2e::NORMAL
        )),
        "{out}"
    );
    assert!(
        out.contains(
            "// in maintenance, notifications off at HetrixTools\nobject Host \"old_shop\" {"
        ),
        "{out}"
    );
    // A heartbeat has no target and no address to give.
    let heartbeat = &out[out.find("object Host \"nightly_backup\"").unwrap()..];
    let heartbeat = &heartbeat[..heartbeat.find("}\n").unwrap()];
    assert!(!heartbeat.contains("address"), "{heartbeat}");
    // Agent checks come from the README's apply rules, never twice.
    assert!(!out.contains("hetrix-cpu"), "{out}");
}

#[test]
fn nagios_hosts_get_a_service_per_thing_hetrixtools_tracks() {
    let run = list(&e2e::account_api(), &["--format", "nagios"]);
    assert_eq!(run.code, 0, "{run:?}");
    let out = &run.stdout;
    assert_nagios_shape(out);
    assert_eq!(out.matches("define host {").count(), 9, "{out}");
    let count = |mode: &str| {
        out.matches(&format!("  check_command        check_hetrix!{mode}\n"))
            .count()
    };
    assert_eq!(
        ["cpu", "ram", "disk", "status", "ssl", "domain"].map(count),
        [4, 4, 4, 9, 2, 3],
        "{out}"
    );
    assert_eq!(out.matches("define service {").count(), 26, "{out}");
    assert!(
        out.contains(&format!(
            "define host {{\n  use                  hetrix-uptime-host\n  host_name            router\n  \
             alias                router\n  address              192.0.2.30\n  \
             _HETRIX_MONITOR      {PING}\n  _HETRIX_TYPE         ping\n}}\n"
        )),
        "{out}"
    );
    assert_eq!(out.matches("use                  hetrix-host\n").count(), 4);
}

#[rstest]
#[case("table")]
#[case("icinga2")]
#[case("nagios")]
fn blacklists_list_the_blacklist_monitors(#[case] format: &str) {
    let api = e2e::account_api();
    let run = list(&api, &["--blacklists", "--format", format]);
    assert_eq!(run.code, 0, "{run:?}");
    let out = &run.stdout;
    match format {
        "table" => {
            assert!(out.starts_with("ID "), "{out}");
            assert!(out.contains("  ipv4    192.0.2.25   active\n"), "{out}");
            assert!(out.ends_with("\n2 blacklist monitors.\n"), "{out}");
        }
        "icinga2" => {
            assert_icinga2_shape(out);
            assert!(
                out.starts_with(
                    "// check_hetrix --list-monitors --blacklists --format icinga2: 2 blacklist monitors.\n"
                ),
                "{out}"
            );
            assert!(
                out.contains(
                    "object Host \"blacklist-mail\" {\n  import \"hetrix-blacklist-host\"\n  \
                     display_name = \"mail (192.0.2.25)\"\n  address = \"192.0.2.25\"\n"
                ),
                "{out}"
            );
            assert_eq!(
                out.matches("object Service \"hetrix-blacklist\"").count(),
                2
            );
            assert!(out.contains(&format!(
                "  vars.hetrix_monitor = \"{BLACKLISTED_DOMAIN}\"\n"
            )));
        }
        _ => {
            assert_nagios_shape(out);
            assert_eq!(
                out.matches("use                  hetrix-blacklist-host\n")
                    .count(),
                2
            );
            assert_eq!(
                out.matches("  check_command        check_hetrix!blacklist\n")
                    .count(),
                2,
                "{out}"
            );
            assert!(
                out.contains("  address              example.com\n"),
                "{out}"
            );
        }
    }
    assert_eq!(paths(&api), ["/v3/blacklist-monitors?per_page=1024&page=1"]);
}

#[test]
fn blacklists_page_through_the_list() {
    let pages = [
        json!({"blacklist_monitors": [{"id": "a1", "name": "one", "target": "192.0.2.1"}],
               "meta": {"pagination": {"current": 1, "next": 2}}}),
        json!({"blacklist_monitors": [{"id": "b2", "name": "two", "target": "192.0.2.2"}],
               "meta": {"pagination": {"current": 2, "next": null}}}),
    ];
    let api = MockApi::start(move |request| {
        let second = request.path.ends_with("&page=2");
        Reply::json(&pages[usize::from(second)])
    });
    let run = list(&api, &["--blacklists"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("\na1  ") && run.stdout.contains("\nb2  "),
        "{run:?}"
    );
    assert_eq!(paths(&api).len(), 2);
}

#[rstest]
#[case(&["--list-monitors"], "the account has no uptime monitors that this API key may see")]
#[case(&["--list-monitors", "--blacklists"], "the account has no blacklist monitors that this API key may see")]
fn an_empty_account_says_so(#[case] args: &[&str], #[case] message: &str) {
    let api = MockApi::replying(Reply::json(&json!({"monitors": [], "meta": {}})));
    let mut all = vec!["--api-url", api.url.as_str()];
    all.extend_from_slice(args);
    let run = execute(&all, &[("HETRIX_API_TOKEN", TOKEN)]);
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(run.first_line(), format!("HETRIX UNKNOWN - {message}"));
}

#[test]
fn blacklists_alone_is_refused() {
    let run = execute(
        &["-i", "x", "-m", "blacklist", "--blacklists"],
        &[("HETRIX_API_TOKEN", TOKEN)],
    );
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.first_line()
            .contains("--blacklists only applies to --list-monitors"),
        "{run:?}"
    );
}

/// `-k` is as visible in a listing as in a check: a comment after the
/// listing (which stays ready to paste), or the UNKNOWN line's suffix.
#[test]
fn a_listing_without_tls_verification_says_so() {
    let api = MockApi::start_tls(|_| {
        Reply::json(
            &json!({"monitors": [{"id": e2e::NORMAL, "name": "web1", "type": "ping",
            "uptime_status": "up", "monitor_status": "active"}], "meta": {}}),
        )
    });
    let run = list(&api, &["-k"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.lines().last(),
        Some(
            "# TLS not verified: anyone on the network path can read the token and alter this listing"
        ),
        "{run:?}"
    );
    let verified = list(&api, &["--ca-file", &common::test_ca_file()]);
    assert_eq!(verified.code, 0, "{verified:?}");
    assert!(
        verified.stdout.contains("web1") && !verified.stdout.contains("TLS not verified"),
        "{verified:?}"
    );
    let empty = MockApi::start_tls(|_| Reply::json(&json!({"monitors": [], "meta": {}})));
    let run = list(&empty, &["-k"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.first_line().ends_with("may see (TLS not verified)"),
        "{run:?}"
    );
}
