//! The shipped Nagios/Naemon command definitions run as Nagios would run
//! them: macros expanded, then the command line through `sh -c`, against
//! the mock API.

mod common;

use std::path::Path;
use std::process::Command;

use common::{MONITOR, MockApi, Reply, Run, TOKEN, TempDir, example, example_v3, serving_both};
use rstest::rstest;

const DEFINITIONS: &str = include_str!("../packaging/nagios/check_hetrix.cfg");
/// The macro the commands take the token file's path from (resource.cfg).
const TOKEN_FILE: &str = "$USER32$";

/// (command_name, command_line) of every `define command` block.
fn commands() -> Vec<(String, String)> {
    let mut commands = Vec::new();
    let mut name = None;
    for line in DEFINITIONS.lines().map(str::trim) {
        if let Some(value) = line.strip_prefix("command_name") {
            name = Some(value.trim().to_string());
        } else if let Some(value) = line.strip_prefix("command_line") {
            let name = name.take().expect("command_name before command_line");
            commands.push((name, value.trim().to_string()));
        }
    }
    commands
}

fn expand(line: &str, token_file: &Path, args: &[&str]) -> String {
    let plugin_dir = Path::new(env!("CARGO_BIN_EXE_check_hetrix"))
        .parent()
        .unwrap();
    let mut line = line
        .replace("$USER1$", &plugin_dir.display().to_string())
        .replace("$_HOSTHETRIX_MONITOR$", MONITOR)
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
    let api = serving_both(example(), example_v3());
    let token_file =
        std::env::temp_dir().join(format!("check_hetrix_nagios_{}", std::process::id()));
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();

    let cache = TempDir::new();
    let commands = commands();
    assert_eq!(commands.len(), 11, "{commands:?}");
    for (name, line) in &commands {
        assert!(
            line.contains("--token-file"),
            "{name} must not need the token in argv"
        );
        let (args, expected): (&[&str], String) = match name.as_str() {
            "check_hetrix" => (&["disk:/boot"], "DISK OK".into()),
            "check_hetrix_disk" => (&["-w 85 -c 95"], "DISK OK".into()),
            // The example's sda has 56 errors, which the default -w 0 warns on.
            "check_hetrix_smart" => (&["-w 100"], "SMART OK".into()),
            "check_hetrix_all" => (&[], "HETRIX WARNING - SMART WARNING".into()),
            "check_hetrix_v3" => (&["load"], "LOAD OK".into()),
            "check_hetrix_host" => (&[], "FRESHNESS OK".into()),
            other => (
                &[],
                format!(
                    "{} OK",
                    other.trim_start_matches("check_hetrix_").to_uppercase()
                ),
            ),
        };
        let run = run_shell(&expand(line, &token_file, args), &api, &cache);
        assert!(run.first_line().starts_with(&expected), "{name}: {run:?}");
    }
    let paths: Vec<String> = api.requests().into_iter().map(|r| r.path).collect();
    // One host's services share the cached response: one API call per API.
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(paths.iter().all(|p| p.contains(MONITOR)), "{paths:?}");
    std::fs::remove_file(token_file).unwrap();
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

fn stale_v3() -> serde_json::Value {
    let mut payload = common::example_v3();
    payload["meta"]["last_updated"] = (common::now() - 3600).into();
    payload
}
