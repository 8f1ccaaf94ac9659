//! The HetrixTools account the end-to-end tests generate their daemon
//! configuration from (`--list-monitors`, also `--blacklists`) and check
//! against: a normal server, one with 1,000 mounts, one whose API calls hit
//! an outage and one that is rate limited (all four with an agent); a
//! website with certificate and domain expiry, a ping, a heartbeat, a site
//! in maintenance and one whose fields try to break out of the generated
//! configuration (no agent); two blacklist monitors. Lists come a few
//! monitors a page. Metrics are served on v1 and v3 alike, so the tests
//! hold whichever API a command uses.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use super::{MockApi, Reply, Request, TOKEN, account_limits, example, example_v3};

pub const NORMAL: &str = "normal00000000000000000000000000";
pub const BIG: &str = "big00000000000000000000000000000";
pub const OUTAGE: &str = "outage00000000000000000000000000";
pub const LIMITED: &str = "limited0000000000000000000000000";
/// Mounts of the BIG server.
pub const MOUNTS: usize = 1000;
/// Uptime monitors without an agent.
pub const WEBSITE: &str = "website0000000000000000000000000";
pub const PING: &str = "ping0000000000000000000000000000";
pub const HEARTBEAT: &str = "heartbeat00000000000000000000000";
pub const MAINTENANCE: &str = "maint000000000000000000000000000";
pub const HOSTILE: &str = "hostile0000000000000000000000000";
/// Blacklist monitors.
pub const BLACKLISTED_IP: &str = "blip0000000000000000000000000000";
pub const BLACKLISTED_DOMAIN: &str = "bldomain000000000000000000000000";
/// A name that would end a string, a comment and a line, start a macro,
/// and continue a Nagios line, were it not escaped.
pub const HOSTILE_NAME: &str = "evil\"; } # $USER1$ \\\nobject Host \"x\" { \\";
/// Monitors per page of the mock's lists.
const PAGE: usize = 4;

pub fn account_api() -> MockApi {
    let normal = (example(), example_v3());
    let big = (with_mounts_v1(example()), with_mounts_v3(example_v3()));
    MockApi::start(move |request| {
        let path = request.path.as_str();
        if path.starts_with("/v3/") && !authorized(request) {
            return Reply::raw(
                401,
                "application/json",
                r#"{"status":"error","message":"invalid authorization"}"#,
            );
        }
        if path.starts_with("/v1/") && !path.starts_with(&format!("/v1/{TOKEN}/")) {
            return Reply::json(&json!({"status": "ERROR", "error_message": "invalid API key"}));
        }
        if path == "/v3/account/limits" {
            return Reply::json(&account_limits());
        }
        if let Some(query) = path.strip_prefix("/v3/uptime-monitors?") {
            return Reply::json(&uptime_monitors(query));
        }
        if let Some(query) = path.strip_prefix("/v3/blacklist-monitors?") {
            return Reply::json(&page(blacklist_monitors(), "blacklist_monitors", query));
        }
        if let Some(rest) = path.strip_prefix("/v3/blacklist-monitors/") {
            let id = rest.split('/').next().unwrap_or_default();
            return Reply::json(&json!({"id": id, "target": "192.0.2.25", "listed": []}));
        }
        if path.contains(OUTAGE) {
            Reply::raw(
                503,
                "text/html",
                "<html><body>503 Service Unavailable</body></html>",
            )
        } else if path.contains(LIMITED) {
            Reply::raw(
                429,
                "application/json",
                r#"{"status":"error","message":"Too Many Requests"}"#,
            )
            .header("Retry-After", "60")
        } else {
            let (v1, v3) = if path.contains(BIG) { &big } else { &normal };
            Reply::json(if path.starts_with("/v3/") { v3 } else { v1 })
        }
    })
}

/// Whether CI asks to test the installed package
/// (CHECK_HETRIX_E2E_INSTALLED): then a missing daemon fails the test.
pub fn installed() -> bool {
    std::env::var_os("CHECK_HETRIX_E2E_INSTALLED").is_some()
}

/// The daemon `name` (on PATH, or in /usr/sbin or /usr/bin). Where it is
/// missing, `test` is skipped, saying so and that `packages` bring it,
/// unless CI asked for the installed package: that must not pass by
/// skipping.
pub fn daemon_or_skip(name: &str, test: &str, packages: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/usr/bin".into()])
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file());
    if found.is_none() {
        assert!(
            !installed(),
            "CHECK_HETRIX_E2E_INSTALLED is set but {name} is not installed"
        );
        // Straight to stderr, not eprintln!: the test harness would capture
        // that and hide the skip from a passing run.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: {name} is not installed (apt-get install {packages} to run it)"
        );
    }
    found
}

/// What `plugin --list-monitors --format <format>` prints for the account
/// at `api_url`: the uptime monitors, then the blacklist monitors.
pub fn generated(plugin: &Path, api_url: &str, format: &str) -> String {
    [&[][..], &["--blacklists"]]
        .iter()
        .map(|extra| {
            let mut command = Command::new(plugin);
            super::without_plugin_env(&mut command);
            let generated = command
                .args(["--list-monitors", "--format", format, "--api-url", api_url])
                .args(*extra)
                .env("HETRIX_API_TOKEN", TOKEN)
                .output()
                .expect("run --list-monitors");
            assert!(generated.status.success(), "{generated:?}");
            String::from_utf8(generated.stdout).unwrap()
        })
        .collect()
}

fn authorized(request: &Request) -> bool {
    request
        .headers
        .iter()
        .any(|(name, value)| name == "authorization" && *value == format!("Bearer {TOKEN}"))
}

/// `?id=` gives that one monitor, as the API does; else a page of all.
fn uptime_monitors(query: &str) -> Value {
    let all = uptime_monitor_list();
    match query.strip_prefix("id=") {
        Some(id) => {
            let found: Vec<Value> = all.into_iter().filter(|m| m["id"] == json!(id)).collect();
            json!({"monitors": found, "meta": {"pagination": {"current": 1, "next": null}}})
        }
        None => page(all, "monitors", query),
    }
}

/// Page `page=N` of `items`, `PAGE` a page, under `key`.
fn page(items: Vec<Value>, key: &str, query: &str) -> Value {
    let number: usize = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let pages = items.len().div_ceil(PAGE);
    let chunk: Vec<&Value> = items.iter().skip((number - 1) * PAGE).take(PAGE).collect();
    let next = (number < pages).then_some(number + 1);
    json!({key: chunk, "meta": {"total": items.len(),
           "pagination": {"current": number, "last": pages, "next": next}}})
}

fn uptime_monitor_list() -> Vec<Value> {
    let up = json!({"london": {"uptime_status": "up", "response_time": 80},
                    "new_york": {"uptime_status": "up", "response_time": 120}});
    let mut monitors: Vec<Value> = [
        (NORMAL, "normal"),
        (BIG, "big"),
        (OUTAGE, "outage"),
        (LIMITED, "limited"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (id, name))| {
        json!({"id": id, "name": name, "type": "ping", "target": "192.0.2.1",
                   "resolve_address": format!("192.0.2.{}", i + 1), "category": "",
                   "uptime_status": "up", "monitor_status": "active", "has_agent": true,
                   "uptime": 100, "locations": up, "ssl_expiration_date": null,
                   "domain_expiration_date": null})
    })
    .collect();
    let site = |id: &str, name: &str, status: &str| {
        json!({"id": id, "name": name, "type": "website",
               "target": "https://shop.example.com/health?x=1", "resolve_address": "192.0.2.20",
               "uptime_status": "up", "monitor_status": status, "has_agent": false,
               "uptime": "99.95", "locations": up, "ssl_expiration_date": "2099-01-01",
               "domain_expiration_date": "2099-06-01"})
    };
    monitors.extend([
        site(WEBSITE, "shop", "active"),
        json!({"id": PING, "name": "router", "type": "ping", "target": "192.0.2.30",
               "resolve_address": "192.0.2.30", "uptime_status": "up",
               "monitor_status": "active", "has_agent": false, "uptime": 99.9,
               "locations": [up], "ssl_expiration_date": null,
               "domain_expiration_date": null}),
        json!({"id": HEARTBEAT, "name": "nightly backup", "type": "heartbeat",
               "target": null, "resolve_address": null, "uptime_status": "up",
               "monitor_status": "active", "has_agent": false, "uptime": 100,
               "locations": null}),
        site(MAINTENANCE, "old shop", "maint_dnd"),
        json!({"id": HOSTILE, "name": HOSTILE_NAME, "type": "smtp\n}", "target": "mail host:25\"",
               "resolve_address": "192.0.2.40\n}", "uptime_status": "up",
               "monitor_status": "active", "has_agent": "yes", "uptime": 100,
               "locations": up, "ssl_expiration_date": null,
               "domain_expiration_date": "2099-01-01"}),
        json!({"id": null, "name": "no ID: left out"}),
    ]);
    monitors
}

fn blacklist_monitors() -> Vec<Value> {
    vec![
        json!({"id": BLACKLISTED_IP, "name": "mail", "type": "ipv4", "target": "192.0.2.25",
               "status": "active", "listed": []}),
        json!({"id": BLACKLISTED_DOMAIN, "name": HOSTILE_NAME, "type": "domain",
               "target": "example.com", "status": "active", "listed": []}),
    ]
}

fn big_mount(i: usize) -> (String, u64, u64) {
    // Inode counts that end in different digits, so a cut number shows.
    (
        format!("/srv/vol{i:04}"),
        3413452694905 + i as u64 * 1234567,
        153 + i as u64,
    )
}

fn with_mounts_v1(mut payload: Value) -> Value {
    let template = payload["Disks"][1].clone();
    payload["Disks"] = (0..MOUNTS)
        .map(|i| {
            let (mount, used, inodes_used) = big_mount(i);
            let mut disk = template.clone();
            disk["Mount"] = json!(mount);
            disk["Used"] = json!(used);
            disk["InodesUsed"] = json!(inodes_used);
            disk
        })
        .collect();
    payload
}

fn with_mounts_v3(mut payload: Value) -> Value {
    let template = payload["disk"]["disks"][1].clone();
    payload["disk"]["disks"] = (0..MOUNTS)
        .map(|i| {
            let (mount, used, inodes_used) = big_mount(i);
            let mut disk = template.clone();
            disk["mount"] = json!(mount);
            disk["used"] = json!(used);
            disk["inodes_used"] = json!(inodes_used);
            disk
        })
        .collect();
    payload
}
