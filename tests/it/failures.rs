//! Every way a run can fail ends UNKNOWN (exit 3) with one line saying what
//! went wrong, and never shows the token. `common::run` asserts the exit
//! code/state agreement, empty stderr and token absence on every run.

use crate::common;

use std::net::TcpListener;
use std::time::Duration;

use common::{MockApi, Reply, TOKEN, check, example, run};
use rstest::rstest;
use serde_json::json;

fn assert_unknown(run: &common::Run, message: &str) {
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.first_line().contains(message),
        "{:?} should contain {message:?}",
        run.first_line()
    );
}

/// Once `-m` names a known mode, its errors carry the mode's label, as its
/// checks do; before that, the plugin's.
#[rstest]
#[case(&[], "HETRIX UNKNOWN - no mode given")]
#[case(&["-m", "cpu"], "CPU UNKNOWN - no monitor given")]
#[case(&["-m", "cpu", "-i", "abc"], "CPU UNKNOWN - no API token")]
#[case(&["-m", "nope", "--demo"], "HETRIX UNKNOWN - unknown mode 'nope'")]
#[case(&["-m", "cpu", "--demo", "-w", "NaN"], "CPU UNKNOWN - -w: invalid range 'NaN'")]
#[case(&["-m", "disk:/", "--demo", "-c", "20:10"], "DISK UNKNOWN - -c: invalid range '20:10': start is greater than end")]
#[case(&["-m", "cpu", "--demo", "--frobnicate"], "HETRIX UNKNOWN - unknown option --frobnicate")]
#[case(&["-m", "cpu", "--demo", "-vx"], "HETRIX UNKNOWN - unknown option -x")]
#[case(&["-m", "cpu", "--demo", "-t"], "HETRIX UNKNOWN - -t/--timeout needs a value")]
#[case(&["-m", "cpu", "-i", "abc", "--token-file", "/nonexistent/token"], "CPU UNKNOWN - cannot read the token file /nonexistent/token")]
#[case(&["-m", "ping", "--demo", "--api", "v1"], "PING UNKNOWN - mode ping needs --api v3")]
#[case(&["-m", "cpu", "--demo", "-t", "0"], "CPU UNKNOWN - -t/--timeout takes whole seconds (1..3600), not '0'")]
#[case(&["-m", "cpu", "--demo", "-t", "18446744073709551615"], "CPU UNKNOWN - -t/--timeout takes whole seconds (1..3600), not '18446744073709551615'")]
#[case(&["-m", "cpu", "--demo", "-t", "2.5"], "HETRIX UNKNOWN - -t/--timeout takes whole seconds (1..3600), not '2.5'")]
#[case(&["-m", "cpu", "--demo", "-w", "80", "-w", "90"], "HETRIX UNKNOWN - -w/--warning is given twice: give it once")]
#[case(&["-m", "cpu", "--demo", "stray"], "HETRIX UNKNOWN - unexpected argument 'stray': is an option missing before it?")]
#[case(&["--list-monitors", "-t", "3601"], "HETRIX UNKNOWN - -t/--timeout takes whole seconds (1..3600), not '3601'")]
fn argument_errors_are_unknown(#[case] args: &[&str], #[case] start: &str) {
    let run = run(args, &[]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.first_line().starts_with(start), "{run:?}");
}

/// A host check's argument error says nothing about the server: OK, as
/// argh's own errors and the plugin's checks after it, while a word that
/// is only the value of another option makes no host check.
#[rstest]
#[case(&["-m", "cpu", "--demo", "--host-check", "--frobnicate"], 0, "HETRIX OK - no verdict on the server (unknown option --frobnicate")]
#[case(&["--host-check", "-m", "cpu", "--demo", "-t", "0"], 0, "CPU OK - no verdict on the server (-t/--timeout takes whole seconds")]
#[case(&["-m", "cpu", "--demo", "--cache-dir", "--host-check", "-t", "0"], 3, "CPU UNKNOWN - -t/--timeout takes whole seconds")]
fn argument_errors_of_a_host_check_are_no_verdict(
    #[case] args: &[&str],
    #[case] code: i32,
    #[case] start: &str,
) {
    let run = run(args, &[]);
    assert_eq!(run.code, code, "{run:?}");
    assert!(run.first_line().starts_with(start), "{run:?}");
}

#[test]
fn help_and_version_exit_zero_on_stdout() {
    // Help is not a check result, so it has no state word to check.
    for flag in ["-h", "--help"] {
        let help = common::execute(&[flag], &[]);
        assert_eq!(help.code, 0);
        assert!(help.stdout.contains("Modes (default thresholds):"));
        assert!(help.stderr.is_empty());
    }
    let version = common::execute(&["-V"], &[]);
    assert_eq!(version.code, 0);
    assert_eq!(
        version.stdout,
        format!("check_hetrix {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[rstest]
#[case(
    Reply::raw(500, "text/html", "<html><body>Internal error TRACE-XYZ</body></html>"),
    "HTTP 500: HetrixTools or a proxy in between has a problem (try again later)"
)]
#[case(Reply::raw(502, "text/html", "<html>Bad gateway</html>"), "HTTP 502")]
#[case(
    Reply::raw(403, "text/html", "<html>denied</html>"),
    "HTTP 403: the API key lacks permission for this call"
)]
#[case(Reply::raw(429, "application/json", "{}").header("Retry-After", "30"), "HTTP 429: rate limited")]
#[case(
    Reply::raw(200, "text/html", "<!DOCTYPE html><html>Cloudflare</html>"),
    "returned an HTML page instead of JSON"
)]
#[case(
    Reply::raw(
        200,
        "application/json",
        r#"{"status":"ERROR","error_message":"monitor id does not exist"}"#
    ),
    "HetrixTools API error: monitor id does not exist"
)]
#[case(
    Reply::raw(200, "application/json", r#"{"status":"ERROR"}"#),
    "HetrixTools API error: no error message given"
)]
#[case(
    Reply::raw(200, "application/json", r#"{"Disks": [{"Mount": "/", "Si"#),
    "not valid JSON (truncated?)"
)]
#[case(Reply::raw(200, "application/json", ""), "empty response")]
#[case(
    Reply::raw(200, "application/json", "[1, 2, 3]"),
    "returned an array instead of a JSON object"
)]
#[case(
    Reply::raw(200, "application/json", "\"just a string\""),
    "returned a string instead of a JSON object"
)]
fn bad_responses_are_unknown(#[case] reply: Reply, #[case] message: &str) {
    let api = MockApi::replying(reply);
    let run = check(&api, &["-m", "disk"]);
    assert_unknown(&run, message);
    assert!(
        !run.stdout.contains("<html"),
        "never dump an HTML body: {run:?}"
    );
    assert!(!run.stdout.contains("TRACE-XYZ"));
}

#[test]
fn a_closed_port_is_unknown() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let run = run(
        &["--api-url", &url, "-i", "abc", "-m", "cpu"],
        &[("HETRIX_API_TOKEN", TOKEN)],
    );
    assert_unknown(&run, &format!("127.0.0.1:{port}"));
}

#[test]
fn a_trickling_server_hits_the_deadline() {
    let mut reply = Reply::json(&example());
    reply.byte_delay = Some(Duration::from_millis(100));
    let api = MockApi::replying(reply);
    let run = check(&api, &["-m", "cpu", "-t", "1"]);
    assert_unknown(&run, "timeout after 1 s while reading the response from");
}

#[test]
fn a_silent_server_hits_the_deadline() {
    let mut reply = Reply::json(&example());
    reply.byte_delay = Some(Duration::from_secs(5));
    reply.body.clear();
    let api = MockApi::start(move |_| {
        std::thread::sleep(Duration::from_secs(3));
        reply.clone()
    });
    let run = check(&api, &["-m", "cpu", "-t", "1"]);
    assert_unknown(&run, "timeout after 1 s waiting for");
}

#[test]
fn a_huge_body_is_refused() {
    let body = vec![b' '; 9 * 1024 * 1024];
    let api = MockApi::replying(Reply::raw(200, "application/json", body));
    assert_unknown(&check(&api, &["-m", "cpu"]), "response larger than 8 MiB");
}

#[test]
fn a_redirect_loop_is_unknown() {
    let api = MockApi::start(|request| {
        Reply::raw(302, "text/plain", "").header("Location", &request.path)
    });
    assert_unknown(&check(&api, &["-m", "cpu"]), "redirected too often");
}

#[rstest]
#[case("cpu", "cpu usage not reported by the agent")]
#[case("ram", "ram usage not reported by the agent")]
#[case("disk", "no mount points reported by the agent")]
#[case("raid", "no RAID data reported by the agent")]
#[case("smart", "no drive health data reported by the agent")]
#[case("services", "no service data reported by the agent")]
#[case("freshness", "the API did not say when the agent last sent data")]
fn null_sections_are_unknown_not_ok(#[case] mode: &str, #[case] message: &str) {
    let mut payload = example();
    for section in ["Disks", "Drives", "Services", "Stats"] {
        payload[section] = serde_json::Value::Null;
    }
    if mode == "freshness" {
        payload["AgentLastData"] = serde_json::Value::Null;
    }
    let api = MockApi::replying(Reply::json(&payload));
    assert_unknown(&check(&api, &["-m", mode]), message);
}

#[rstest]
#[case(json!({"Mount": "/", "Size": null, "Used": 5}), "DISK UNKNOWN - / size or used space not reported")]
#[case(json!({"Mount": "/", "Size": "big", "Used": 5}), "DISK UNKNOWN - / size or used space not reported")]
fn a_missing_field_the_mode_uses_is_never_ok(#[case] disk: serde_json::Value, #[case] line: &str) {
    let mut payload = example();
    payload["Disks"] = json!([disk]);
    let api = MockApi::replying(Reply::json(&payload));
    let run = check(&api, &["-m", "disk"]);
    assert_eq!(run.code, 3);
    assert!(run.first_line().starts_with(line), "{run:?}");
}

#[test]
fn missing_agent_time_is_unknown_unless_max_age_is_off() {
    let mut payload = example();
    payload.as_object_mut().unwrap().remove("AgentLastData");
    let api = MockApi::replying(Reply::json(&payload));
    assert_unknown(&check(&api, &["-m", "cpu"]), "its age is unknown");
    assert_eq!(check(&api, &["-m", "cpu", "--max-age", "0"]).code, 0);
}

#[test]
fn verbose_shows_the_url_with_the_token_masked() {
    let api = MockApi::replying(Reply::json(&example()));
    let run = check(&api, &["-m", "cpu", "-vvv"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("/v1/***/server/stats/"),
        "{}",
        run.stdout
    );
}

#[test]
fn errors_that_echo_the_url_are_redacted() {
    // A token that is not URL-safe is refused before any request is made,
    // and the refusal does not quote it.
    let run = run(
        &["-m", "cpu", "-i", "abc", "--api-url", "http://127.0.0.1:9"],
        &[("HETRIX_API_TOKEN", "tok3nSECRETabc123/../x")],
    );
    assert_unknown(&run, "the API token holds characters");
    assert!(!run.stdout.contains("tok3nSECRET"));
}

/// A stray word may be the token pasted without its `-T`, or after it in a
/// cluster getopt would split: argument errors never quote such a word.
/// `run` asserts the token is printed nowhere.
#[rstest]
#[case(&["-m", "cpu", "-i", "abc", TOKEN], &[("HETRIX_API_TOKEN", TOKEN)], "unexpected argument")]
#[case(&["-m", "cpu", "-i", "abc", TOKEN], &[], "unexpected argument")]
#[case(&["-m", "cpu", "-i", "abc", "-T", TOKEN, TOKEN], &[], "unexpected argument")]
#[case(&["-m", "cpu", "-i", "abc", &format!("--token={TOKEN}"), TOKEN], &[], "unexpected argument")]
#[case(&["-m", "cpu", "-i", "abc", &format!("-xT{TOKEN}")], &[], "unknown option -x")]
#[case(&["-m", "cpu", "-i", "abc", &format!("--tokn={TOKEN}")], &[], "unknown option --tokn")]
fn argument_errors_never_quote_a_stray_token(
    #[case] args: &[&str],
    #[case] env: &[(&str, &str)],
    #[case] message: &str,
) {
    assert_unknown(&run(args, env), message);
}

/// Numbers past what a clock or an i64 holds are options like any other.
#[rstest]
#[case(&["-m", "cpu", "--max-age", "18446744073709551615"], "CPU OK - ")]
#[case(&["-m", "cpu", "--cache-ttl", "18446744073709551615"], "CPU OK - ")]
#[case(&["-m", "cpu", "--stale-if-error", "18446744073709551615"], "CPU OK - ")]
#[case(&["-m", "cpu", "-t", "3600"], "CPU OK - ")]
fn huge_option_values_are_no_crash(#[case] args: &[&str], #[case] start: &str) {
    let api = MockApi::replying(Reply::json(&example()));
    let run = check(&api, args);
    assert!(run.first_line().starts_with(start), "{run:?}");
}

#[test]
fn a_token_in_a_switch_cluster_is_read_and_never_shown() {
    let api = MockApi::replying(Reply::json(&example()));
    let cluster = format!("-vT{TOKEN}");
    let run = run(
        &[
            "--api-url",
            &api.url,
            "-i",
            "abc",
            "--api",
            "v1",
            "-m",
            "cpu",
            &cluster,
            "-vv",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("GET "), "-vvv shows the URL: {run:?}");
    assert_eq!(api.requests().len(), 1);
}

#[test]
fn a_5xx_with_a_json_error_body_is_an_outage_not_a_token_problem() {
    let api = MockApi::replying(Reply::raw(
        500,
        "application/json",
        r#"{"status":"error","message":"boom"}"#,
    ));
    let run = check(&api, &["-m", "cpu"]);
    assert_unknown(
        &run,
        "HTTP 500: HetrixTools or a proxy in between has a problem",
    );
    let mapped = check(&api, &["-m", "cpu", "--unreachable-state", "critical"]);
    assert_eq!(mapped.code, 2, "{mapped:?}");
}

#[test]
fn a_short_token_is_refused_and_never_masks_numbers() {
    let run = run(&["-m", "cpu", "-i", "abc"], &[("HETRIX_API_TOKEN", "9")]);
    assert_unknown(&run, "too short to be a HetrixTools API key");
    let demo = common::run(&["--demo", "-m", "cpu"], &[("HETRIX_API_TOKEN", "9")]);
    assert!(demo.first_line().contains("'cpu'=9.26%"), "{demo:?}");
}

#[rstest]
#[case(&["-m", "disk", "--window", "5"], "--window applies to modes")]
#[case(&["-m", "cpu", "--per-cpu"], "--per-cpu applies to mode load only")]
#[case(&["-m", "cpu", "--api", "v3", "--wear-warning", "80"], "--wear-warning/--wear-critical applies to mode smart only")]
fn options_the_mode_would_ignore_are_refused(#[case] args: &[&str], #[case] message: &str) {
    let mut args = args.to_vec();
    args.push("--demo");
    assert_unknown(&run(&args, &[]), message);
}

#[test]
fn a_range_that_never_alerts_leaves_the_perfdata_field_empty() {
    let run = run(&["--demo", "-m", "cpu", "-c", "~:"], &[]);
    assert!(
        run.perfdata().starts_with("'cpu'=9.26%;80;;0;100"),
        "{run:?}"
    );
}

#[test]
fn a_huge_name_from_the_agent_cannot_flood_the_first_line() {
    let mut payload = example();
    payload["Services"][0]["Name"] = json!("x".repeat(5000));
    payload["Services"][0]["Status"] = json!("offline");
    let api = MockApi::replying(Reply::json(&payload));
    let run = check(&api, &["-m", "services"]);
    assert_eq!(run.code, 2, "{run:?}");
    let summary = run.first_line().split(" | ").next().unwrap();
    assert!(
        summary.chars().count() < 450,
        "{} characters",
        summary.chars().count()
    );
    assert!(summary.ends_with("x offline"), "the end is kept: {summary}");
    for line in run.stdout.lines().skip(1) {
        assert!(
            line.chars().count() <= 1000,
            "{} characters",
            line.chars().count()
        );
    }
}

#[rstest]
#[case(&["--list-monitors", "-m", "disk"], "drop -m")]
#[case(&["--list-monitors", "-i", "abc"], "drop -i")]
#[case(&["--list-monitors", "--demo"], "drop --demo")]
fn a_listing_refuses_check_options(#[case] args: &[&str], #[case] message: &str) {
    assert_unknown(&run(args, &[("HETRIX_API_TOKEN", TOKEN)]), message);
}

#[test]
fn a_token_on_the_cut_of_a_shortened_line_is_still_masked() {
    // The API echoes the token deep inside a long message, right where
    // the first line is cut: both halves must not survive.
    for padding in [250, 280, 300, 320, 360] {
        let message = format!("{}{TOKEN}{}", "x".repeat(padding), " y".repeat(100));
        let body = json!({"status": "ERROR", "error_message": message}).to_string();
        let api = MockApi::replying(Reply::raw(200, "application/json", body));
        let run = check(&api, &["-m", "cpu"]);
        assert_eq!(run.code, 3, "{run:?}");
        assert!(
            !run.stdout.contains(&TOKEN[..8]),
            "token prefix leaked: {run:?}"
        );
        assert!(
            !run.stdout.contains(&TOKEN[TOKEN.len() - 8..]),
            "token suffix leaked: {run:?}"
        );
    }
}

#[rstest]
#[case("AgentLastData", json!(i64::MIN), "cpu", "data is stale")]
#[case("AgentLastData", json!(i64::MIN), "freshness", "FRESHNESS CRITICAL")]
#[case("AgentLastData", json!(i64::MAX), "freshness", "FRESHNESS OK")]
fn extreme_timestamps_do_not_panic(
    #[case] field: &str,
    #[case] value: serde_json::Value,
    #[case] mode: &str,
    #[case] expected: &str,
) {
    let mut payload = example();
    payload[field] = value;
    let api = MockApi::replying(Reply::json(&payload));
    let run = check(&api, &["-m", mode]);
    assert!(run.first_line().contains(expected), "{run:?}");
}

#[test]
fn connection_counts_at_the_integer_limit_do_not_panic() {
    let mut payload = example();
    payload["PortConnections"][0]["Connections"] = json!(u64::MAX);
    let api = MockApi::replying(Reply::json(&payload));
    let run = check(&api, &["-m", "ports"]);
    assert!(
        run.first_line()
            .starts_with("PORTS OK - 2 ports, 18446744073709551615 connections"),
        "{run:?}"
    );
}
