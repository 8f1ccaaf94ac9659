//! The shipped Nagios/Naemon command definitions run as Nagios would run
//! them: macros expanded, then the command line through `sh -c`, against
//! the mock API.

mod common;

use std::path::Path;
use std::process::Command;

use common::{MONITOR, MockApi, Reply, Run, TOKEN, TempDir, example, example_v3};

const DEFINITIONS: &str = include_str!("../packaging/nagios/check_hetrix.cfg");
const TOKEN_FILE: &str = "/etc/nagios/hetrix.token";

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
    let v1_path = format!("/v1/{TOKEN}/server/stats/{MONITOR}/");
    let v3_path = format!("/v3/uptime-monitors/{MONITOR}/server-agent/metrics");
    let api = {
        let v1_path = v1_path.clone();
        MockApi::start(move |request| match request.path == v1_path {
            true => Reply::json(&example()),
            false => Reply::json(&example_v3()),
        })
    };
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
            "check_hetrix_v3" => (&["cpu"], "CPU OK".into()),
            "check_hetrix_v1" => (&["ram"], "RAM OK".into()),
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
    // One host's services share the cached response: one call per API, the
    // v1 one only from the command that asks for v1.
    assert_eq!(paths, [v3_path, v1_path]);
    std::fs::remove_file(token_file).unwrap();
}
