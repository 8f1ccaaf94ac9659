//! End to end through a real Icinga 2: the shipped CheckCommand `hetrix` is
//! loaded by an `icinga2 daemon` running as the current user with every
//! path under a temporary directory, checks against the mock API are forced
//! through the REST API, and the states, outputs, command lines (each
//! custom variable reaches the plugin as its option and takes effect) and
//! Icinga's own parse of the perfdata are asserted; the generated hosts of
//! every monitor type (also blacklist monitors) load and run their
//! services, each host check in its own mode; and the README's Icinga 2
//! examples, read from README.md as printed, create and run the services
//! they promise.
//!
//! Runs only where `icinga2` is installed (Debian: icinga2-bin
//! icinga2-common; .ci/run installs them) and passes with a SKIPPED message
//! elsewhere. With CHECK_HETRIX_E2E_INSTALLED=1 it uses the installed
//! package (/usr/lib/nagios/plugins/check_hetrix and the CheckCommand in
//! Icinga's plugins-contrib.d) instead of this build and packaging/.

use crate::common;

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::e2e::{self, BLACKLISTED_IP, MAINTENANCE, MOUNTS, NORMAL, WEBSITE};
use common::{MONITOR, MockApi, Reply, Request, TOKEN, example, example_v3};
use serde_json::{Value, json};
use ureq::Agent;
use ureq::config::IpFamily;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

const HOST: &str = "hetrix-e2e";
/// A host without `vars.hetrix_monitor`, for mode quota, which needs none.
const ACCOUNT_HOST: &str = "hetrix-e2e-account";
const API_USER: &str = "check_hetrix";
/// `Basic` credentials of API_USER with password "e2e".
const AUTHORIZATION: &str = "Basic Y2hlY2tfaGV0cml4OmUyZQ==";
/// A monitor whose agent reports a stopped service.
const MONITOR_SERVICE_DOWN: &str = "servicedown01";
/// A monitor whose agent reports that a reboot is required.
const MONITOR_REBOOT: &str = "reboot01";

/// One service in the Icinga 2 configuration and what Icinga must report.
struct Case {
    name: &'static str,
    /// `vars.hetrix_*` lines of the service.
    vars: &'static str,
    state: u64,
    output_starts: &'static str,
    /// Text the whole output (first line and long output) must hold, and
    /// must not.
    output_has: &'static [&'static str],
    output_lacks: &'static [&'static str],
    /// Groups of arguments that must each follow each other on the command
    /// line Icinga ran (which orders options by name): proof that a custom
    /// variable reached the plugin as its option. `{dir}` stands for the
    /// daemon's temporary directory.
    args: &'static [&'static [&'static str]],
    /// (label, unit as Icinga names it) of every perfdata value.
    perfdata: &'static [(&'static str, &'static str)],
}

const DISK_PERFDATA: &[(&str, &str)] = &[
    ("/", "bytes"),
    ("/bak", "bytes"),
    ("/boot", "bytes"),
    ("/etc/pve", "bytes"),
];

const CASES: &[Case] = &[
    Case {
        name: "disk",
        vars: r#"vars.hetrix_mode = "disk""#,
        state: 0,
        output_starts: "DISK OK - 4 mounts OK",
        perfdata: DISK_PERFDATA,
        output_has: &[],
        output_lacks: &[],
        args: &[],
    },
    Case {
        name: "disk-warning",
        vars: r#"vars.hetrix_mode = "disk"
                 vars.hetrix_warning = "70"
                 vars.hetrix_critical = "~:"
                 vars.hetrix_verbose = true"#,
        state: 1,
        output_starts: "DISK WARNING - / 75.9% used",
        perfdata: DISK_PERFDATA,
        output_has: &[],
        output_lacks: &[],
        args: &[],
    },
    Case {
        name: "boot",
        vars: r#"vars.hetrix_mode = "disk:/boot""#,
        state: 0,
        output_starts: "DISK OK - /boot 20.8% used",
        perfdata: &[("/boot", "bytes")],
        output_has: &[],
        output_lacks: &[],
        args: &[],
    },
    Case {
        name: "cpu",
        vars: r#"vars.hetrix_mode = "cpu"
                 vars.hetrix_window = 5
                 vars.hetrix_timeout = 20"#,
        state: 0,
        output_starts: "CPU OK",
        perfdata: &[("cpu", "percent"), ("iowait", "percent")],
        output_has: &[],
        output_lacks: &[],
        args: &[],
    },
    Case {
        name: "freshness",
        vars: r#"vars.hetrix_mode = "freshness"
                 vars.hetrix_max_age = 0"#,
        state: 0,
        output_starts: "FRESHNESS OK",
        perfdata: &[("age", "seconds")],
        output_has: &[],
        output_lacks: &[],
        args: &[],
    },
    Case {
        name: "services",
        vars: r#"vars.hetrix_mode = "services"
                 vars.hetrix_monitor = "servicedown01""#,
        state: 2,
        output_starts: "SERVICES CRITICAL",
        perfdata: &[("online", "")],
        output_has: &[],
        output_lacks: &[],
        args: &[],
    },
    Case {
        name: "token-file",
        vars: r#"vars.hetrix_mode = "ram"
                 vars.hetrix_token = null
                 vars.hetrix_token_file = TokenFile"#,
        state: 0,
        output_starts: "RAM OK",
        perfdata: &[("ram", "percent"), ("swap", "percent")],
        output_has: &[],
        output_lacks: &[],
        args: &[],
    },
    Case {
        name: "wrong-token",
        vars: r#"vars.hetrix_mode = "disk"
                 vars.hetrix_token = "someone-elses-wrong-token""#,
        state: 3,
        output_starts: "DISK UNKNOWN - HetrixTools API error: invalid API key",
        perfdata: &[],
        output_has: &[],
        output_lacks: &[],
        args: &[],
    },
    Case {
        name: "demo",
        vars: r#"vars.hetrix_mode = "raid"
                 vars.hetrix_api_url = "http://127.0.0.1:9"
                 vars.hetrix_demo = true"#,
        state: 0,
        output_starts: "RAID OK",
        perfdata: &[],
        output_has: &[],
        output_lacks: &[],
        args: &[],
    },
    // The custom variables a review found no e2e service setting; each
    // case shows its variable took effect on the command line and in the
    // result.
    Case {
        name: "include",
        vars: r#"vars.hetrix_mode = "disk"
                 vars.hetrix_include = [ "^/boot$$", "^/bak" ]"#,
        state: 0,
        output_starts: "DISK OK - 2 mounts OK",
        perfdata: &[("/bak", "bytes"), ("/boot", "bytes")],
        output_has: &[],
        output_lacks: &[],
        args: &[&["--include", "^/boot$", "--include", "^/bak"]],
    },
    Case {
        name: "exclude",
        vars: r#"vars.hetrix_mode = "disk"
                 vars.hetrix_exclude = [ "^/etc/pve$$", "^/bak$$" ]"#,
        state: 0,
        output_starts: "DISK OK - 2 mounts OK",
        perfdata: &[("/", "bytes"), ("/boot", "bytes")],
        output_has: &[],
        output_lacks: &[],
        args: &[&["--exclude", "^/etc/pve$", "--exclude", "^/bak$"]],
    },
    Case {
        name: "mount-ranges",
        vars: r#"vars.hetrix_mode = "disk"
                 vars.hetrix_mount_warning = [ "/=70" ]
                 vars.hetrix_mount_critical = [ "/boot=10", "/bak=50" ]"#,
        state: 2,
        output_starts: "DISK CRITICAL - /bak 56.9% used",
        perfdata: DISK_PERFDATA,
        output_has: &["[WARNING] / 75.9% used", "[CRITICAL] /boot 20.8% used"],
        output_lacks: &[],
        args: &[
            &["--mount-warning", "/=70"],
            &[
                "--mount-critical",
                "/boot=10",
                "--mount-critical",
                "/bak=50",
            ],
        ],
    },
    Case {
        name: "free",
        vars: r#"vars.hetrix_mode = "disk"
                 vars.hetrix_free = true
                 vars.hetrix_warning = "30:""#,
        state: 1,
        output_starts: "DISK WARNING - / 24.1% free",
        perfdata: &[
            ("/_free", "bytes"),
            ("/bak_free", "bytes"),
            ("/boot_free", "bytes"),
            ("/etc/pve_free", "bytes"),
        ],
        output_has: &[],
        output_lacks: &[],
        args: &[&["--free"]],
    },
    Case {
        name: "cache-dir",
        // The entry it stores there: see the test's end.
        vars: r#"vars.hetrix_mode = "ram"
                 vars.hetrix_cache_dir = HetrixCacheDir
                 vars.hetrix_cache_ttl = 600"#,
        state: 0,
        output_starts: "RAM OK",
        perfdata: &[("ram", "percent"), ("swap", "percent")],
        output_has: &[],
        output_lacks: &[],
        args: &[
            &["--cache-ttl", "600"],
            &["--cache-dir", "{dir}/hetrix-cache"],
        ],
    },
    Case {
        name: "cache-off",
        vars: r#"vars.hetrix_mode = "ram"
                 vars.hetrix_cache_ttl = 0
                 vars.hetrix_verbose = true"#,
        state: 0,
        output_starts: "RAM OK",
        perfdata: &[("ram", "percent"), ("swap", "percent")],
        output_has: &["cache: off (--cache-ttl 0)"],
        output_lacks: &[],
        args: &[&["--cache-ttl", "0"]],
    },
    // Over TLS, uncached so each run makes its own connection: the mock's
    // certificate is signed by the test CA, which only --ca-file trusts.
    Case {
        name: "ca-file",
        vars: r#"vars.hetrix_mode = "ram"
                 vars.hetrix_api_url = TlsApi
                 vars.hetrix_ca_file = CaFile
                 vars.hetrix_cache_ttl = 0"#,
        state: 0,
        output_starts: "RAM OK",
        perfdata: &[("ram", "percent"), ("swap", "percent")],
        output_has: &[],
        output_lacks: &["TLS not verified"],
        args: &[&["--ca-file", "{dir}/ca.pem"]],
    },
    Case {
        name: "insecure",
        vars: r#"vars.hetrix_mode = "ram"
                 vars.hetrix_api_url = TlsApi
                 vars.hetrix_insecure = true
                 vars.hetrix_cache_ttl = 0"#,
        state: 0,
        output_starts: "RAM OK",
        perfdata: &[("ram", "percent"), ("swap", "percent")],
        output_has: &["(TLS not verified)"],
        output_lacks: &[],
        args: &[&["--insecure"]],
    },
    Case {
        name: "per-cpu",
        vars: r#"vars.hetrix_mode = "load"
                 vars.hetrix_per_cpu = true
                 vars.hetrix_verbose = true"#,
        state: 0,
        output_starts: "LOAD OK - load average per CPU (12 threads)",
        perfdata: &[("load1", ""), ("load5", ""), ("load15", "")],
        output_has: &["per CPU: divided by 12 logical CPUs"],
        output_lacks: &[],
        args: &[&["--per-cpu"]],
    },
    Case {
        name: "wear",
        vars: r#"vars.hetrix_mode = "smart"
                 vars.hetrix_api = "v3"
                 vars.hetrix_wear_warning = 1
                 vars.hetrix_wear_critical = 3"#,
        state: 2,
        output_starts: "SMART CRITICAL - nvme1n1: 4% worn out",
        perfdata: &[
            ("nvme0n1_errors", ""),
            ("nvme0n1_wearout", "percent"),
            ("nvme1n1_errors", ""),
            ("nvme1n1_wearout", "percent"),
            ("sda_errors", ""),
        ],
        output_has: &["[WARNING] nvme0n1: 3% worn out"],
        output_lacks: &[],
        args: &[&["--wear-warning", "1"], &["--wear-critical", "3"]],
    },
    Case {
        name: "top",
        vars: r#"vars.hetrix_mode = "cpu"
                 vars.hetrix_api = "v3"
                 vars.hetrix_warning = 1
                 vars.hetrix_top = 1"#,
        state: 1,
        output_starts: "CPU WARNING - cpu 9.26%, iowait 0.05%, top: nginx 41%",
        perfdata: &[("cpu", "percent"), ("iowait", "percent")],
        output_has: &["[top] 41.2% nginx"],
        output_lacks: &["mysqld"],
        args: &[&["--top", "1"]],
    },
    Case {
        name: "top-off",
        vars: r#"vars.hetrix_mode = "cpu"
                 vars.hetrix_api = "v3"
                 vars.hetrix_warning = 1
                 vars.hetrix_top = 0"#,
        state: 1,
        output_starts: "CPU WARNING - cpu 9.26%, iowait 0.05%",
        perfdata: &[("cpu", "percent"), ("iowait", "percent")],
        output_has: &[],
        output_lacks: &["top"],
        args: &[&["--top", "0"]],
    },
    Case {
        name: "maintenance-state",
        vars: r#"vars.hetrix_mode = "status"
                 vars.hetrix_api = "v3"
                 vars.hetrix_api_url = AccountApi
                 vars.hetrix_monitor = MaintenanceMonitor
                 vars.hetrix_maintenance_state = "critical""#,
        state: 2,
        output_starts: "STATUS CRITICAL - ",
        perfdata: &[
            ("london_ms", ""),
            ("new_york_ms", ""),
            ("uptime", "percent"),
            ("locations_down", ""),
        ],
        output_has: &["maintenance"],
        output_lacks: &[],
        args: &[&["--maintenance-state", "critical"]],
    },
    Case {
        name: "reboot-state",
        vars: r#"vars.hetrix_mode = "reboot"
                 vars.hetrix_monitor = "reboot01"
                 vars.hetrix_reboot_state = "critical""#,
        state: 2,
        output_starts: "REBOOT CRITICAL",
        perfdata: &[("reboot_required", "")],
        output_has: &[],
        output_lacks: &[],
        args: &[&["--reboot-state", "critical"]],
    },
    Case {
        name: "unreachable-state",
        vars: r#"vars.hetrix_mode = "disk"
                 vars.hetrix_api_url = "http://127.0.0.1:9"
                 vars.hetrix_unreachable_state = "warning""#,
        state: 1,
        output_starts: "DISK WARNING - ",
        perfdata: &[],
        output_has: &[],
        output_lacks: &[],
        args: &[&["--unreachable-state", "warning"]],
    },
];

#[test]
fn icinga2_runs_the_shipped_check_command() {
    let Some(icinga2) = e2e::daemon_or_skip(
        "icinga2",
        "icinga2_runs_the_shipped_check_command",
        "icinga2-bin icinga2-common",
    ) else {
        return;
    };
    let (plugin_dir, command_file) = if e2e::installed() {
        (
            PathBuf::from("/usr/lib/nagios/plugins"),
            PathBuf::from("/usr/share/icinga2/include/plugins-contrib.d/check_hetrix.conf"),
        )
    } else {
        (
            Path::new(env!("CARGO_BIN_EXE_check_hetrix"))
                .parent()
                .unwrap()
                .to_path_buf(),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/icinga2/check_hetrix.conf"),
        )
    };
    let api = MockApi::start(answer);
    let tls_api = MockApi::start_tls(answer);
    // The account's hosts as --list-monitors prints them, loaded unchanged:
    // uptime monitors, then blacklist monitors.
    let account = e2e::account_api();
    let plugin = plugin_dir.join("check_hetrix");
    let generated = e2e::generated(&plugin, &account.url, "icinga2");
    let daemon = Daemon::start(
        &icinga2,
        &plugin_dir,
        &command_file,
        &api.url,
        &tls_api.url,
        &Generated {
            config: &generated,
            api_url: &account.url,
        },
    );

    let before = unix_now();
    daemon.post(
        "/v1/actions/reschedule-check",
        &json!({"type": "Service", "filter": format!("host.name == \"{HOST}\""), "force": true}),
    );
    let results = daemon.wait_for_results(before);

    for case in CASES {
        let result = &results[case.name];
        let context = format!("service {}: {result:#}", case.name);
        assert_eq!(result["exit_status"], json!(case.state), "{context}");
        assert_eq!(result["state"], json!(case.state), "{context}");
        let output = result["output"].as_str().unwrap_or_default();
        assert!(output.starts_with(case.output_starts), "{context}");
        assert!(!output.contains(TOKEN), "token in the output: {context}");
        let command = result["command"].to_string();
        assert!(
            !command.contains(TOKEN),
            "token on the command line: {context}"
        );
        assert!(
            !command.contains("someone-elses-wrong-token"),
            "token on the command line: {context}"
        );

        let dir = daemon.dir.display().to_string();
        for text in case.output_has {
            assert!(output.contains(text), "no {text:?} in {context}");
        }
        for text in case.output_lacks {
            assert!(!output.contains(text), "{text:?} in {context}");
        }
        for group in case.args {
            let group: Vec<String> = group.iter().map(|a| a.replace("{dir}", &dir)).collect();
            assert!(ran_with(result, &group), "{group:?} not run: {context}");
        }

        let parsed = daemon.parse_perfdata(case.name);
        let got: Vec<(&str, &str)> = parsed
            .iter()
            .map(|p| (p["label"].as_str().unwrap(), p["unit"].as_str().unwrap()))
            .collect();
        assert_eq!(got, case.perfdata, "{context}");
        for value in &parsed {
            assert!(value["value"].is_number(), "{context}: {value}");
        }
    }

    // hetrix_cache_dir: the cache-dir service stored its response there
    // (whichever of its runs did: Icinga may run it once before the forced
    // check).
    let cache_dir = daemon.dir.join("hetrix-cache");
    let entries: Vec<String> = std::fs::read_dir(&cache_dir)
        .map(|dir| {
            dir.filter_map(|entry| Some(entry.ok()?.file_name().to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        entries
            .iter()
            .any(|name| name.starts_with("v1-server-stats-")),
        "no cache entry in {cache_dir:?}: {entries:?}"
    );

    assert_quota_without_monitor(&daemon, before);
    assert_generated_hosts(&daemon, before);
    assert_generated_monitors(&daemon, before);
    assert_readme_config(&daemon, before);

    // The numbers Icinga parsed are the ones the plugin printed: the first
    // mount's used bytes, thresholds and size.
    let disk = daemon.parse_perfdata("disk");
    assert_eq!(
        [
            &disk[0]["value"],
            &disk[0]["warn"],
            &disk[0]["crit"],
            &disk[0]["min"],
            &disk[0]["max"]
        ],
        [
            &json!(763354265949u64),
            &json!(804695497113u64),
            &json!(905282434252u64),
            &json!(0),
            &json!(1005869371392u64)
        ]
    );
    let warned = daemon.parse_perfdata("disk-warning");
    assert_eq!(
        warned[0]["warn"],
        json!(704108559974u64),
        "-w 70 of the size"
    );
    assert_eq!(warned[0]["crit"], Value::Null, "-c ~: has no upper bound");
}

/// Mode quota runs on a host that names no monitor: the CheckCommand
/// passes no `--monitor` rather than refusing the check.
fn assert_quota_without_monitor(daemon: &Daemon, since: f64) {
    let filter = format!("host.name == \"{ACCOUNT_HOST}\"");
    daemon.post(
        "/v1/actions/reschedule-check",
        &json!({"type": "Service", "filter": filter, "force": true}),
    );
    let results = daemon.wait_for("services", &filter, 1, since);
    let result = &results[&format!("{ACCOUNT_HOST}!quota")];
    let output = result["output"].as_str().unwrap_or_default();
    assert!(
        output.starts_with("QUOTA OK - 900 of 1000 API calls left"),
        "{result:#}"
    );
    assert_eq!(result["state"], json!(0), "{result:#}");
    assert!(
        !result["command"].to_string().contains("--monitor"),
        "{result:#}"
    );
}

/// `--list-monitors --format icinga2` output and the mock account it
/// came from.
struct Generated<'a> {
    config: &'a str,
    api_url: &'a str,
}

/// The generated hosts: UP, also through the API outage and the 429, with
/// the token from HetrixTokenFile as the README sets it up; their disk
/// services report the outage, and the 1,000-mount server's perfdata are
/// whole values that Icinga parses, as many as the note says.
fn assert_generated_hosts(daemon: &Daemon, since: f64) {
    daemon.post(
        "/v1/actions/reschedule-check",
        &json!({"type": "Host", "filter": "\"hetrix-host\" in host.templates", "force": true}),
    );
    daemon.post(
        "/v1/actions/reschedule-check",
        &json!({"type": "Service", "filter": "service.name == \"generated-disk\"", "force": true}),
    );
    // The four generated, web1 of the README and host-mode.
    let hosts = daemon.wait_for("hosts", "\"hetrix-host\" in host.templates", 6, since);
    for (host, result) in &hosts {
        assert_eq!(
            result["state"],
            json!(0),
            "host {host} must be UP: {result:#}"
        );
        assert!(!result["command"].to_string().contains(TOKEN), "{result:#}");
        // Whatever mode the host gives its services (host-mode: disk).
        assert!(
            ran_with(result, &["--host-check"]) && ran_with(result, &["--mode", "freshness"]),
            "host {host}: {result:#}"
        );
        let output = result["output"].as_str().unwrap();
        assert!(
            output.starts_with("FRESHNESS OK - "),
            "host {host}: {result:#}"
        );
    }
    for host in ["outage", "limited"] {
        let output = hosts[host]["output"].as_str().unwrap();
        assert!(
            output.starts_with("FRESHNESS OK - no verdict on the server ("),
            "{output}"
        );
    }
    let disks = daemon.wait_for("services", "service.name == \"generated-disk\"", 6, since);
    assert_eq!(
        disks["normal!generated-disk"]["state"],
        json!(0),
        "{disks:#?}"
    );
    assert_eq!(
        disks["outage!generated-disk"]["state"],
        json!(3),
        "{disks:#?}"
    );
    assert_eq!(
        disks["limited!generated-disk"]["state"],
        json!(3),
        "{disks:#?}"
    );
    let big = &disks["big!generated-disk"];
    let output = big["output"].as_str().unwrap();
    let note = output
        .lines()
        .last()
        .filter(|line| line.contains(" perfdata values left out"))
        .unwrap_or_else(|| panic!("no note at the end: {big:#}"));
    let left: usize = note
        .trim_start_matches("… ")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let parsed = daemon.parse_perfdata_of("big", "generated-disk");
    assert_eq!(parsed.len(), MOUNTS - left, "{big:#}");
    for value in &parsed {
        assert!(
            value["value"].is_number() && value["max"].is_number(),
            "{value}"
        );
    }
}

/// The hosts of uptime monitors without an agent and of blacklist
/// monitors (one with a hostile name each) and every service the listing
/// gave them: UP and OK against the mock, each host check in its own mode.
fn assert_generated_monitors(daemon: &Daemon, since: f64) {
    const HOSTS: &str = "(\"hetrix-uptime-host\" in host.templates \
                         || \"hetrix-blacklist-host\" in host.templates) \
                         && !match(\"readme-*\", host.name)";
    let services = format!("match(\"hetrix-*\", service.name) && ({HOSTS})");
    // Five uptime monitors and two blacklist monitors; their services:
    // status on five, ssl on two, domain on three, blacklist on two.
    let (host_count, service_count) = (7, 12);
    daemon.post(
        "/v1/actions/reschedule-check",
        &json!({"type": "Host", "filter": HOSTS, "force": true}),
    );
    daemon.post(
        "/v1/actions/reschedule-check",
        &json!({"type": "Service", "filter": services, "force": true}),
    );
    let hosts = daemon.wait_for("hosts", HOSTS, host_count, since);
    for (host, result) in &hosts {
        assert_eq!(result["state"], json!(0), "host {host}: {result:#}");
        let output = result["output"].as_str().unwrap();
        let mode = match host.starts_with("blacklist-") {
            true => "blacklist",
            false => "status",
        };
        assert!(
            output.starts_with(&format!("{} OK - ", mode.to_uppercase())),
            "host {host}: {result:#}"
        );
        assert!(
            ran_with(result, &["--host-check"]) && ran_with(result, &["--mode", mode]),
            "host {host}: {result:#}"
        );
        assert!(!output.contains("no verdict"), "host {host}: {result:#}");
    }
    assert!(hosts.contains_key("blacklist-mail"), "{hosts:#?}");
    let results = daemon.wait_for("services", &services, service_count, since);
    for (service, result) in &results {
        let mode = service.rsplit("!hetrix-").next().unwrap().to_uppercase();
        let output = result["output"].as_str().unwrap();
        assert_eq!(result["state"], json!(0), "{service}: {result:#}");
        assert!(
            output.starts_with(&format!("{mode} OK - ")),
            "{service}: {result:#}"
        );
    }
    assert!(results.contains_key("shop!hetrix-ssl"), "{results:#?}");
    assert!(
        results.contains_key("old_shop!hetrix-domain"),
        "{results:#?}"
    );
}

/// The services the README's Icinga 2 examples (loaded as printed) must
/// create on web1 (its own example), on readme-site and readme-blacklist
/// (hosts as the uptime and blacklist rules expect them) and on the Icinga
/// server (NodeName, "localhost" here) for the quota rule,
/// the start of each one's first line against the mock account, and
/// argument groups its command line must hold.
const README_SERVICES: &[(&str, &str, &[&[&str]])] = &[
    ("web1!hetrix-cpu", "CPU OK - ", &[]),
    ("web1!hetrix-ram", "RAM OK - ", &[]),
    ("web1!hetrix-swap", "SWAP OK - ", &[]),
    ("web1!hetrix-iowait", "IOWAIT OK - ", &[]),
    (
        "web1!hetrix-disk",
        "DISK OK - 4 mounts OK",
        &[&["--exclude", "^/snap/", "--exclude", "^/run$"]],
    ),
    (
        "web1!hetrix-inodes",
        "INODES OK - ",
        &[&["--exclude", "^/snap/", "--exclude", "^/run$"]],
    ),
    ("web1!hetrix-raid", "RAID OK - ", &[]),
    // The example's sda has 56 errors.
    ("web1!hetrix-smart", "SMART WARNING - ", &[]),
    ("web1!hetrix-services", "SERVICES OK - ", &[]),
    ("web1!hetrix-net", "NET OK - ", &[]),
    ("web1!hetrix-ports", "PORTS OK - ", &[]),
    ("web1!hetrix-reboot", "REBOOT OK - ", &[]),
    ("web1!hetrix-uptime", "UPTIME OK - ", &[]),
    // The example server has no /var: the plugin says so.
    (
        "web1!hetrix-disk-var",
        "DISK UNKNOWN - mount '/var' not reported",
        &[
            &["--mode", "disk:/var"],
            &["--warning", "85"],
            &["--critical", "95"],
        ],
    ),
    (
        "web1!hetrix-service-nginx",
        "SERVICE OK - nginx online",
        &[],
    ),
    (
        "web1!hetrix-service-mysql",
        "SERVICE OK - mysql online",
        &[],
    ),
    ("readme-site!hetrix-status", "STATUS OK - ", &[]),
    ("readme-site!hetrix-ssl", "SSL OK - ", &[]),
    ("readme-site!hetrix-domain", "DOMAIN OK - ", &[]),
    (
        "readme-blacklist!hetrix-blacklist",
        "BLACKLIST OK - ",
        // The host's own monitor, as its host check uses: one cache entry.
        &[&["--monitor", BLACKLISTED_IP], &["--critical", "2"]],
    ),
    // The Icinga server (NodeName): the token file the rule names is the
    // only token it has.
    (
        "localhost!hetrix-quota",
        "QUOTA OK - 700 of 1000 v1/v2 API calls left this month",
        &[&["--mode", "quota"]],
    ),
];

/// The README's apply rules create exactly the services it promises, and
/// each runs its mode with the options the rule sets.
fn assert_readme_config(daemon: &Daemon, since: f64) {
    // The services of the README's rules, not the test's generated-disk.
    const SERVICES: &str = "match(\"hetrix-*\", service.name) \
                            && (host.name in [ \"web1\", \"localhost\" ] \
                                || match(\"readme-*\", host.name))";
    daemon.post(
        "/v1/actions/reschedule-check",
        &json!({"type": "Service", "filter": SERVICES, "force": true}),
    );
    let results = daemon.wait_for("services", SERVICES, README_SERVICES.len(), since);
    let mut names: Vec<&str> = results.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut expected: Vec<&str> = README_SERVICES.iter().map(|(name, ..)| *name).collect();
    expected.sort_unstable();
    assert_eq!(names, expected, "the README's apply rules");
    for (name, output_starts, args) in README_SERVICES {
        let result = &results[*name];
        let output = result["output"].as_str().unwrap_or_default();
        assert!(output.starts_with(output_starts), "{name}: {result:#}");
        for group in *args {
            assert!(
                ran_with(result, group),
                "{group:?} not run: {name}: {result:#}"
            );
        }
    }
}

/// Whether the command line of check result `result` holds `group`, one
/// argument after the other.
fn ran_with(result: &Value, group: &[impl AsRef<str>]) -> bool {
    let ran: Vec<&str> = result["command"]
        .as_array()
        .map(|args| args.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    ran.windows(group.len())
        .any(|window| window.iter().zip(group).all(|(a, b)| *a == b.as_ref()))
}

/// The mock of the services on HOST and ACCOUNT_HOST, plain and over TLS
/// (server.pem of tests/tls, signed by the test CA): v1 (the hosts set
/// `hetrix_api = "v1"`) and v3 alike, the account's quota and the example
/// payload for the known token and an API error for any other; a stopped
/// service or a pending reboot for the monitors named so, and on v3 the
/// processes an alert names.
fn answer(request: &Request) -> Reply {
    let path = request.path.as_str();
    let bearer = request
        .headers
        .iter()
        .any(|(name, value)| name == "authorization" && *value == format!("Bearer {TOKEN}"));
    if path == format!("/v1/{TOKEN}/status/") {
        Reply::json(&json!({"Max_API_Calls": 1000, "Remaining_API_Calls": 900}))
    } else if path.starts_with(&format!("/v1/{TOKEN}/")) {
        let mut payload = example();
        if path.contains(MONITOR_SERVICE_DOWN) {
            payload["Services"][1]["Status"] = json!("offline");
        }
        if path.contains(MONITOR_REBOOT) {
            payload["RebootRequired"] = json!(true);
        }
        Reply::json(&payload)
    } else if bearer && path == "/v3/account/limits" {
        Reply::json(&json!({"api_v1_v2": {"usage": 300, "limit": 1000}}))
    } else if bearer && path.ends_with("/server-agent/metrics") {
        Reply::json(&example_v3())
    } else if bearer && path.contains("/server-agent/processes") {
        Reply::json(&json!({"processes": [
            {"pid": 812, "user": "www-data", "cpu": 41.2, "ram": 3.1, "process": "nginx",
             "command": "nginx: worker process"},
            {"pid": 900, "user": "mysql", "cpu": 12.5, "ram": 30, "process": "mysqld",
             "command": "/usr/sbin/mysqld"}
        ]}))
    } else {
        Reply::json(&json!({"status": "ERROR", "error_message": "invalid API key"}))
    }
}

fn id(flag: &str) -> String {
    let output = Command::new("id").arg(flag).output().expect("run id");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// A free port for the daemon's API listener, taken below the kernel's
/// ephemeral range: a port asked of the kernel (`:0`) is free only until it
/// is released, and every mock API and client socket of the tests running
/// alongside draws from that range, so one could take it before the daemon
/// binds it. Nothing here binds a fixed port.
fn free_port() -> u16 {
    let ephemeral_start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse().ok())
        .unwrap_or(32768u16);
    // Two runs on one machine start their search in different places.
    let start = 10000 + (std::process::id() % 5000) as u16;
    (start..ephemeral_start)
        .chain(10000..start)
        .find(|&port| TcpListener::bind(("127.0.0.1", port)).is_ok())
        .unwrap_or_else(|| {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        })
}

/// An `icinga2 daemon` in a temporary directory; stopped by its PID and
/// cleaned up when dropped.
struct Daemon {
    child: Child,
    dir: PathBuf,
    base: String,
    agent: Agent,
}

impl Daemon {
    fn start(
        icinga2: &Path,
        plugin_dir: &Path,
        command_file: &Path,
        api_url: &str,
        tls_api_url: &str,
        generated: &Generated,
    ) -> Daemon {
        let dir = std::env::temp_dir().join(format!("check_hetrix_icinga2_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["etc", "lib", "cache", "log", "spool", "run"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        // Every path Icinga writes to, and the user it runs as: as root it
        // would otherwise drop to `nagios` and fail on these directories.
        let defines: Vec<String> = [
            ("ConfigDir", dir.join("etc").display().to_string()),
            ("DataDir", dir.join("lib").display().to_string()),
            ("CacheDir", dir.join("cache").display().to_string()),
            ("LogDir", dir.join("log").display().to_string()),
            ("SpoolDir", dir.join("spool").display().to_string()),
            ("InitRunDir", dir.join("run").display().to_string()),
            ("RunAsUser", id("-un")),
            ("RunAsGroup", id("-gn")),
            ("NodeName", "localhost".to_string()),
            ("ZoneName", "localhost".to_string()),
        ]
        .iter()
        .map(|(name, value)| format!("-D{name}={value}"))
        .collect();

        let setup = Command::new(icinga2)
            .args(["api", "setup", "--cn", "localhost"])
            .args(&defines)
            .current_dir(&dir)
            .output()
            .expect("run icinga2 api setup");
        assert!(
            setup.status.success(),
            "icinga2 api setup failed: {}{}",
            String::from_utf8_lossy(&setup.stdout),
            String::from_utf8_lossy(&setup.stderr)
        );

        let port = free_port();
        let token_file = dir.join("hetrix.token");
        std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
        std::fs::copy(common::test_ca_file(), dir.join("ca.pem")).unwrap();
        let services: String = CASES
            .iter()
            .map(|case| {
                format!(
                    "object Service \"{}\" {{\n  host_name = \"{HOST}\"\n  check_command = \"hetrix\"\n  check_interval = 1h\n  max_check_attempts = 1\n  {}\n}}\n",
                    case.name, case.vars
                )
            })
            .collect();
        // The api setup wrote an icinga2.conf for its own layout; this one
        // replaces it with exactly what the test needs.
        let generated_file = dir.join("etc/generated.conf");
        std::fs::write(&generated_file, generated.config).unwrap();
        // The README's examples with apply rules, as printed: they must load
        // and run too.
        let readme_file = dir.join("etc/readme.conf");
        std::fs::write(
            &readme_file,
            common::readme_config("apply Service").concat(),
        )
        .unwrap();
        let config = format!(
            r#"const PluginDir = "{plugin_dir}"
const TokenFile = "{token_file}"
const HetrixTokenFile = TokenFile
const AccountApi = "{account_api}"
const TlsApi = "{tls_api_url}"
const CaFile = "{dir}/ca.pem"
const HetrixCacheDir = "{dir}/hetrix-cache"
const MaintenanceMonitor = "{MAINTENANCE}"
include <itl>
include "{command_file}"
object ApiListener "api" {{
  bind_host = "127.0.0.1"
  bind_port = {port}
}}
object ApiUser "{API_USER}" {{
  password = "e2e"
  permissions = [ "*" ]
}}
object CheckerComponent "checker" {{ }}
object Endpoint NodeName {{ }}
object Zone ZoneName {{ endpoints = [ NodeName ] }}
object Host "{HOST}" {{
  check_command = "dummy"
  enable_active_checks = false
  vars.hetrix_monitor = "{MONITOR}"
  vars.hetrix_api_url = "{api_url}"
  vars.hetrix_token = "{TOKEN}"
  vars.hetrix_api = "v1"
}}
object Host "{ACCOUNT_HOST}" {{
  check_command = "dummy"
  enable_active_checks = false
  vars.hetrix_api_url = "{api_url}"
  vars.hetrix_token = "{TOKEN}"
  vars.hetrix_api = "v1"
}}
object Service "quota" {{
  host_name = "{ACCOUNT_HOST}"
  check_command = "hetrix"
  check_interval = 1h
  max_check_attempts = 1
  vars.hetrix_mode = "quota"
}}
{services}
include "{generated_file}"
include "{readme_file}"
// What the README's apply rules for uptime and blacklist monitors expect
// of hosts a user writes, and the Icinga server its quota rule names.
object Host NodeName {{
  check_command = "dummy"
  enable_active_checks = false
  vars.hetrix_api_url = "{api_url}"
}}
object Host "readme-site" {{
  import "hetrix-uptime-host"
  address = "shop.example.com"
  vars.hetrix_monitor = "{WEBSITE}"
  vars.hetrix_website = true
}}
object Host "readme-blacklist" {{
  import "hetrix-blacklist-host"
  address = "192.0.2.25"
  vars.hetrix_monitor = "{BLACKLISTED_IP}"
  vars.hetrix_blacklist = true
}}
// A server whose services' mode must not become its host check's.
object Host "host-mode" {{
  import "hetrix-host"
  vars.hetrix_monitor = "{NORMAL}"
  vars.hetrix_mode = "disk"
}}
apply Service "generated-disk" {{
  check_command = "hetrix"
  vars.hetrix_mode = "disk"
  check_interval = 1h
  max_check_attempts = 1
  assign where "hetrix-host" in host.templates
}}
"#,
            generated_file = generated_file.display(),
            readme_file = readme_file.display(),
            plugin_dir = plugin_dir.display(),
            token_file = token_file.display(),
            command_file = command_file.display(),
            account_api = generated.api_url,
            dir = dir.display(),
        );
        let config_file = dir.join("etc/icinga2.conf");
        std::fs::write(&config_file, config).unwrap();

        let log = std::fs::File::create(dir.join("daemon.log")).unwrap();
        let mut command = Command::new(icinga2);
        command
            .arg("daemon")
            .arg("-c")
            .arg(&config_file)
            .args(&defines)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        // The developer's own HetrixTools settings must not reach the plugin.
        common::without_plugin_env(&mut command);
        // The generated hosts set no API URL: the plugin takes it from the
        // environment, which Icinga passes on. Services without
        // hetrix_cache_dir cache in this run's directory, not the user's.
        command.env("HETRIX_API_URL", generated.api_url);
        command.env("CHECK_HETRIX_CACHE_DIR", dir.join("plugin-cache"));
        let child = command.spawn().expect("start icinga2 daemon");

        let ca = std::fs::read(dir.join("lib/ca/ca.crt")).expect("the CA from api setup");
        let ca = Certificate::from_pem(&ca).expect("parse the Icinga CA");
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            // The certificate names "localhost"; the listener is IPv4 only.
            .ip_family(IpFamily::Ipv4Only)
            .tls_config(
                TlsConfig::builder()
                    .root_certs(RootCerts::Specific(Arc::new(vec![ca])))
                    .build(),
            )
            .build()
            .into();
        let mut daemon = Daemon {
            child,
            dir,
            base: format!("https://localhost:{port}"),
            agent,
        };
        daemon.wait_until_up();
        daemon
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("daemon.log")).unwrap_or_default()
    }

    fn get(&self, path: &str) -> Result<Value, String> {
        let mut response = self
            .agent
            .get(format!("{}{path}", self.base))
            .header("Authorization", AUTHORIZATION)
            .header("Accept", "application/json")
            .call()
            .map_err(|e| e.to_string())?;
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?;
        serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))
    }

    fn post(&self, path: &str, body: &Value) -> Value {
        let mut response = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Authorization", AUTHORIZATION)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .unwrap_or_else(|e| panic!("POST {path}: {e}\n{}", self.log()));
        let status = response.status();
        let text = response.body_mut().read_to_string().unwrap();
        assert_eq!(status, 200, "POST {path}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    fn wait_until_up(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("icinga2 daemon exited ({status}):\n{}", self.log());
            }
            match self.get("/v1/status/ApiListener") {
                Ok(status) if status["results"].is_array() => return,
                _ if Instant::now() > deadline => {
                    panic!("icinga2 did not start within 60 s:\n{}", self.log())
                }
                _ => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// `last_check_result` of every service, once all ran after `since`.
    fn wait_for_results(&self, since: f64) -> serde_json::Map<String, Value> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let services = self
                .get("/v1/objects/services?attrs=last_check_result")
                .unwrap_or_else(|e| panic!("{e}\n{}", self.log()));
            let results: serde_json::Map<String, Value> = services["results"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|s| {
                    let result = &s["attrs"]["last_check_result"];
                    let fresh = result["schedule_start"].as_f64()? >= since - 1.0;
                    let name = s["name"].as_str()?.strip_prefix(&format!("{HOST}!"))?;
                    let name = CASES
                        .iter()
                        .find(|case| case.name == name)?
                        .name
                        .to_string();
                    fresh.then(|| (name, result.clone()))
                })
                .collect();
            if results.len() == CASES.len() {
                return results;
            }
            assert!(
                Instant::now() < deadline,
                "only {} of {} services reported within 60 s: {results:#?}\n{}",
                results.len(),
                CASES.len(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// `last_check_result` of the `count` objects of `kind` (hosts or
    /// services) that `filter` selects, by name, once all ran after `since`.
    fn wait_for(
        &self,
        kind: &str,
        filter: &str,
        count: usize,
        since: f64,
    ) -> HashMap<String, Value> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let objects = self
                .post_query(kind, filter)
                .unwrap_or_else(|e| panic!("{e}\n{}", self.log()));
            let results: HashMap<String, Value> = objects["results"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|o| {
                    let result = &o["attrs"]["last_check_result"];
                    let fresh = result["schedule_start"].as_f64()? >= since - 1.0;
                    let name = o["name"].as_str()?.to_string();
                    fresh.then(|| (name, result.clone()))
                })
                .collect();
            if results.len() == count {
                return results;
            }
            assert!(
                Instant::now() < deadline,
                "only {} of {count} {kind} reported within 60 s: {results:#?}\n{}",
                results.len(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Objects of `kind` matching `filter`, with their last check result
    /// (a GET with a body, as Icinga's API takes filters).
    fn post_query(&self, kind: &str, filter: &str) -> Result<Value, String> {
        let mut response = self
            .agent
            .post(format!("{}/v1/objects/{kind}", self.base))
            .header("Authorization", AUTHORIZATION)
            .header("Accept", "application/json")
            .header("X-HTTP-Method-Override", "GET")
            .send(json!({"filter": filter, "attrs": ["last_check_result"]}).to_string())
            .map_err(|e| e.to_string())?;
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?;
        serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))
    }

    /// Icinga's own parse of a service's perfdata: what graphing backends
    /// get from it.
    fn parse_perfdata(&self, service: &str) -> Vec<Value> {
        self.parse_perfdata_of(HOST, service)
    }

    fn parse_perfdata_of(&self, host: &str, service: &str) -> Vec<Value> {
        let script = format!(
            "get_service(\"{host}\", \"{service}\").last_check_result.performance_data.map(p => parse_performance_data(p))"
        );
        let answer = self.post("/v1/console/execute-script", &json!({"command": script}));
        let result = &answer["results"][0];
        assert_eq!(result["code"], json!(200), "{script}: {answer}");
        result["result"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // SIGTERM lets the umbrella process stop its workers; the wrapper
        // script execs, so this PID is the daemon's.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                let _ = std::fs::remove_dir_all(&self.dir);
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Every option of `--help` is mapped in the CheckCommand (the token only
/// through env; help, version and the monitor listing, which is no check,
/// not at all), so a new option cannot be forgotten there.
#[test]
fn check_command_maps_every_option() {
    let help = Command::new(env!("CARGO_BIN_EXE_check_hetrix"))
        .arg("--help")
        .output()
        .expect("run check_hetrix --help");
    let help = String::from_utf8(help.stdout).unwrap();
    let conf = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/icinga2/check_hetrix.conf"),
    )
    .unwrap();
    let long_options: Vec<&str> = help
        .lines()
        .filter(|line| line.starts_with("  -"))
        .filter_map(|line| line.split_whitespace().find(|w| w.starts_with("--")))
        .map(|option| option.split('=').next().unwrap_or(option))
        .collect();
    assert!(long_options.len() >= 10, "{long_options:?}");
    for option in long_options {
        let mapped = conf.contains(&format!("\"{option}\" = {{"));
        match option {
            "--token" | "--help" | "--version" | "--list-monitors" | "--blacklists"
            | "--format" => {
                assert!(!mapped, "{option} must not be in the CheckCommand")
            }
            _ => assert!(
                mapped,
                "{option} is not mapped in packaging/icinga2/check_hetrix.conf"
            ),
        }
    }
    assert!(conf.contains("\"HETRIX_API_TOKEN\" = \"$hetrix_token$\""));
}
