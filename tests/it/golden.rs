//! The output of every mode on the bundled `--demo` payloads of both APIs,
//! byte for byte, so that a refactoring cannot change what users see.
//! `UPDATE_GOLDEN=1 cargo test --test it golden::` rewrites the record after a
//! change that is meant to be visible.

use std::process::Command;

/// Every mode (with an argument where it needs one), and `-v` once per API
/// for the lines the demo adds.
const RUNS: &[&[&str]] = &[
    &["-m", "all"],
    &["-m", "all", "-v"],
    &["-m", "cpu"],
    &["-m", "iowait"],
    &["-m", "ram"],
    &["-m", "swap"],
    &["-m", "steal"],
    &["-m", "load"],
    &["-m", "temp"],
    &["-m", "disk"],
    &["-m", "disk:/boot"],
    &["-m", "inodes"],
    &["-m", "inodes:/"],
    &["-m", "raid"],
    &["-m", "smart"],
    &["-m", "services"],
    &["-m", "service:nginx"],
    &["-m", "freshness"],
    &["-m", "net"],
    &["-m", "net:eno1"],
    &["-m", "ports"],
    &["-m", "port:443"],
    &["-m", "reboot"],
    &["-m", "uptime"],
    &["-m", "ping"],
    &["-m", "ping:google"],
    &["-m", "var:queue"],
    &["-m", "quota"],
    &["-m", "status"],
    &["-m", "ssl"],
    &["-m", "domain"],
    &["-m", "blacklist"],
];

const RECORD: &str = "tests/golden/demo.txt";

fn run(api: &str, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_check_hetrix"))
        .args(["--demo", "--api", api])
        .args(args)
        .env_remove("HETRIX_API_TOKEN")
        .env_remove("HETRIX_API_URL")
        .env_remove("HETRIX_MONITOR_ID")
        .output()
        .expect("the binary runs");
    assert!(output.stderr.is_empty(), "{args:?} wrote to stderr");
    format!(
        "$ --api {api} {}\nexit {}\n{}",
        args.join(" "),
        output.status.code().unwrap_or(-1),
        normalise(&String::from_utf8_lossy(&output.stdout))
    )
}

/// `--demo` moves the payload's clock to now, so the data's age is the
/// seconds the run took (more than a few on a busy machine), written as `N`.
fn normalise(text: &str) -> String {
    let ages = [
        (
            regex_lite::Regex::new(r"last agent data \d+ s ago").unwrap(),
            "last agent data N s ago",
        ),
        (regex_lite::Regex::new(r"'age'=\d+s;").unwrap(), "'age'=Ns;"),
    ];
    ages.iter().fold(text.to_string(), |out, (age, written)| {
        age.replace_all(&out, *written).into_owned()
    })
}

#[test]
fn every_mode_on_the_demo_payloads_prints_what_it_printed() {
    let mut actual = String::new();
    for api in ["v3", "v1"] {
        for args in RUNS {
            actual.push_str(&run(api, args));
            actual.push('\n');
        }
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(RECORD);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        let line = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or(actual.lines().count().min(expected.lines().count()));
        panic!(
            "output differs from {RECORD} at line {}:\n  now: {:?}\n  was: {:?}",
            line + 1,
            actual.lines().nth(line),
            expected.lines().nth(line)
        );
    }
}
