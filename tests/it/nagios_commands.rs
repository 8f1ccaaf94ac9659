//! The shipped Nagios/Naemon command definitions run as Nagios would run
//! them: macros expanded, then the command line through `sh -c`, against
//! the mock API.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::nagios_definitions::{self, MONITOR_COMMANDS};
use common::{MONITOR, MockApi, Reply, Run, TOKEN, TempDir, example, example_v3, serving_both};
use rstest::rstest;
use serde_json::json;

const DEFINITIONS: &str = include_str!("../../packaging/nagios/check_hetrix.cfg");
/// The macro the commands take the token file's path from (resource.cfg).
const TOKEN_FILE: &str = "$USER32$";
const HOST_ADDRESS: &str = "192.0.2.25";

/// (command_name, command_line) of every shipped command.
fn commands() -> Vec<(String, String)> {
    nagios_definitions::commands(DEFINITIONS)
}

fn expand(line: &str, token_file: &Path, args: &[&str]) -> String {
    let plugin_dir = Path::new(env!("CARGO_BIN_EXE_check_hetrix"))
        .parent()
        .unwrap();
    let mut line = line
        .replace("$USER1$", &plugin_dir.display().to_string())
        .replace("$_HOSTHETRIX_MONITOR$", MONITOR)
        .replace("$HOSTADDRESS$", HOST_ADDRESS)
        .replace(TOKEN_FILE, &token_file.display().to_string());
    for n in 1..=2 {
        line = line.replace(&format!("$ARG{n}$"), args.get(n - 1).unwrap_or(&""));
    }
    assert!(!line.contains('$'), "unexpanded macro in {line}");
    line
}

fn run_shell(line: &str, api: &MockApi, cache: &TempDir) -> Run {
    let output = Command::new("sh")
        .arg("-c")
        .arg(line)
        .env_remove("HETRIX_API_TOKEN")
        .env("CHECK_HETRIX_CACHE_DIR", cache.path())
        .env("HETRIX_API_URL", &api.url)
        .output()
        .expect("run sh");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    run.assert_contract();
    run
}

#[test]
fn every_shipped_command_runs_its_mode() {
    let v1_path = format!("/v1/{TOKEN}/server/stats/{MONITOR}/");
    let v3_path = format!("/v3/uptime-monitors/{MONITOR}/server-agent/metrics");
    let api = serving_both(example(), example_v3());
    // Its own directory, gone with the test even when an assertion fails.
    let token_dir = TempDir::new();
    let token_file = token_dir.path().join("hetrix.token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();

    let cache = TempDir::new();
    let commands = commands();
    assert_eq!(commands.len(), nagios_definitions::SHIPPED, "{commands:?}");
    let agent_commands = commands
        .iter()
        .filter(|(name, _)| !MONITOR_COMMANDS.contains(&name.as_str()));
    for (name, line) in agent_commands {
        assert!(
            line.contains("--token-file"),
            "{name} must not need the token in argv"
        );
        let (args, expected) = nagios_definitions::expected(name);
        let run = run_shell(&expand(line, &token_file, args), &api, &cache);
        assert!(run.first_line().starts_with(&expected), "{name}: {run:?}");
    }
    let paths: Vec<String> = api.requests().into_iter().map(|r| r.path).collect();
    // One host's services share the cached response: one call per API, the
    // v1 one only from the command that asks for v1; quota asks the account.
    assert_eq!(paths, [v3_path, v1_path, "/v3/account/limits".into()]);
}

#[test]
fn uptime_and_blacklist_commands_run_their_modes() {
    let monitors = json!({"monitors": [{
        "id": MONITOR, "uptime_status": "up", "monitor_status": "active", "uptime": 100,
        "locations": {"london": {"uptime_status": "up", "response_time": 80}},
        "ssl_expiration_date": "2999-01-01", "domain_expiration_date": "2999-01-01"
    }]});
    let report = json!({"target": HOST_ADDRESS, "listed": []});
    let api = MockApi::start(
        move |request| match request.path.contains("/blacklist-monitors/") {
            true => Reply::json(&report),
            false => Reply::json(&monitors),
        },
    );
    // Its own directory, gone with the test even when an assertion fails.
    let token_dir = TempDir::new();
    let token_file = token_dir.path().join("hetrix.token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let cache = TempDir::new();
    let commands: Vec<(String, String)> = commands()
        .into_iter()
        .filter(|(name, _)| MONITOR_COMMANDS.contains(&name.as_str()))
        .collect();
    assert_eq!(commands.len(), MONITOR_COMMANDS.len(), "{commands:?}");
    for (name, line) in &commands {
        let (args, expected) = nagios_definitions::expected(name);
        let run = run_shell(&expand(line, &token_file, args), &api, &cache);
        assert_eq!(
            line.contains("--host-check"),
            name.starts_with("check_hetrix_host_"),
            "{name}"
        );
        assert!(run.first_line().starts_with(&expected), "{name}: {run:?}");
    }
    let mut paths: Vec<String> = api.requests().into_iter().map(|r| r.path).collect();
    paths.sort();
    // status, ssl, domain and the host check of an uptime monitor share one
    // response, and so do the blacklist service and its host check.
    assert_eq!(
        paths,
        [
            format!("/v3/blacklist-monitors/{MONITOR}/report"),
            format!("/v3/uptime-monitors?id={MONITOR}"),
        ]
    );
}

/// The host check says nothing about the server when the API cannot answer
/// or the token is missing: OK (host UP) with a note, never UNKNOWN, which
/// Nagios would show as DOWN; a stale agent still takes the host down.
#[rstest]
#[case(
    Reply::raw(503, "text/html", "<html>down for maintenance</html>"),
    true,
    0,
    "FRESHNESS OK - no verdict on the server ("
)]
#[case(
    Reply::raw(
        429,
        "application/json",
        r#"{"status":"ERROR","message":"rate limited"}"#
    ),
    true,
    0,
    "FRESHNESS OK - no verdict on the server ("
)]
#[case(Reply::json(&common::example_v3()), false, 0, "FRESHNESS OK - no verdict on the server (cannot read the token file")]
#[case(Reply::json(&stale_v3()), true, 2, "FRESHNESS CRITICAL")]
fn the_host_check_is_down_only_for_the_server(
    #[case] reply: Reply,
    #[case] token_file_exists: bool,
    #[case] code: i32,
    #[case] first_line: &str,
) {
    let api = MockApi::replying(reply);
    let dir = TempDir::new();
    let token_file = dir.path().join("hetrix.token");
    if token_file_exists {
        std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    }
    let line = commands()
        .into_iter()
        .find(|(name, _)| name == "check_hetrix_host")
        .expect("check_hetrix_host is shipped")
        .1;
    let cache = TempDir::new();
    let run = run_shell(&expand(&line, &token_file, &[]), &api, &cache);
    assert_eq!(run.code, code, "{run:?}");
    assert!(run.first_line().starts_with(first_line), "{run:?}");
}

/// The host check of a monitor without an agent is HetrixTools' own
/// verdict: DOWN only when HetrixTools sees the monitor down, UP with a
/// note when the API cannot say.
#[rstest]
#[case(json!({"monitors": [{"id": MONITOR, "uptime_status": "down", "monitor_status": "active"}]}), 2, "STATUS CRITICAL")]
#[case(json!({"monitors": [{"id": MONITOR, "uptime_status": "up", "monitor_status": "active",
    "locations": {"london": {"uptime_status": "down"}, "tokyo": {"uptime_status": "up"}}}]}), 1, "STATUS WARNING")]
#[case(json!({"monitors": [{"id": MONITOR, "uptime_status": "down", "monitor_status": "maint"}]}), 0, "STATUS OK")]
#[case(json!({"monitors": []}), 0, "STATUS OK - no verdict on the server (")]
#[case(json!("<html>"), 0, "STATUS OK - no verdict on the server (")]
fn the_uptime_host_check_is_hetrixtools_verdict(
    #[case] body: serde_json::Value,
    #[case] code: i32,
    #[case] first_line: &str,
) {
    let api = MockApi::replying(match body.as_str() {
        Some(html) => Reply::raw(503, "text/html", html),
        None => Reply::json(&body),
    });
    let dir = TempDir::new();
    let token_file = dir.path().join("hetrix.token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let line = commands()
        .into_iter()
        .find(|(name, _)| name == "check_hetrix_host_status")
        .expect("check_hetrix_host_status is shipped")
        .1;
    let cache = TempDir::new();
    let run = run_shell(&expand(&line, &token_file, &[]), &api, &cache);
    assert_eq!(run.code, code, "{run:?}");
    assert!(run.first_line().starts_with(first_line), "{run:?}");
}

fn stale_v3() -> serde_json::Value {
    let mut payload = common::example_v3();
    payload["meta"]["last_updated"] = (common::now() - 3600).into();
    payload
}
