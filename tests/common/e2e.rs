//! The HetrixTools account the end-to-end tests generate their daemon
//! configuration from (`--list-monitors`) and check against: a normal
//! server, one with 1,000 mounts, one whose API calls hit an outage and
//! one that is rate limited. Metrics are served on v1 and v3 alike, so the
//! tests hold whichever API a command uses.

use serde_json::{Value, json};

use super::{MockApi, Reply, Request, TOKEN, example, example_v3};

pub const NORMAL: &str = "normal00000000000000000000000000";
pub const BIG: &str = "big00000000000000000000000000000";
pub const OUTAGE: &str = "outage00000000000000000000000000";
pub const LIMITED: &str = "limited0000000000000000000000000";
/// Mounts of the BIG server.
pub const MOUNTS: usize = 1000;

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
        if path.starts_with("/v3/uptime-monitors?") {
            return Reply::json(&monitor_list());
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

fn authorized(request: &Request) -> bool {
    request
        .headers
        .iter()
        .any(|(name, value)| name == "authorization" && *value == format!("Bearer {TOKEN}"))
}

fn monitor_list() -> Value {
    let monitors: Vec<Value> = [
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
                   "uptime_status": "up", "monitor_status": "active", "has_agent": true})
    })
    .collect();
    json!({"monitors": monitors, "meta": {"total": 4, "pagination": {"current": 1, "next": null}}})
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
