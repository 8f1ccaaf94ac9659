//! The v1 "Server Stats" call: `GET <base>/v1/<token>/server/stats/<id>/`,
//! and the account status call `GET <base>/v1/<token>/status/` that
//! reports the API call quota.
//!
//! v1 reports its own errors as HTTP 200 with
//! `{"status":"ERROR","error_message":"..."}`, so both the status and the
//! body are checked.

use serde_json::{Map, Value};

use super::lenient::{count, flag, number, objects, text, timestamp};
use crate::failure::Failure;
use crate::model::{Disk, Drive, Interface, Port, Quota, Raid, Sample, Service, Snapshot};

/// v1's documented limits, named when HTTP 429 says one was hit.
pub const RATE_LIMIT: &str = "v1 allows 120 calls a minute and a monthly quota by plan";

pub fn status_url(base: &str, token: &str) -> String {
    format!("{}/v1/{token}/status/", base.trim_end_matches('/'))
}

pub fn url(base: &str, token: &str, monitor: &str) -> String {
    format!(
        "{}/v1/{token}/server/stats/{monitor}/",
        base.trim_end_matches('/')
    )
}

/// Turns an HTTP response into a snapshot, or into the reason it is not one.
pub fn parse(status: u16, body: &[u8]) -> Result<Snapshot, Failure> {
    object(status, body).map(|json| snapshot(&json))
}

/// Turns a status call response into a snapshot holding only the quota.
pub fn parse_status(status: u16, body: &[u8]) -> Result<Snapshot, Failure> {
    let json = object(status, body)?;
    let remaining = count(json.get("Remaining_API_Calls")).ok_or_else(|| {
        Failure::new(
            "the HetrixTools API status reply holds no Remaining_API_Calls (check --api-url)",
        )
    })?;
    Ok(Snapshot {
        quota: Some(Quota {
            remaining,
            max: count(json.get("Max_API_Calls")),
        }),
        ..Snapshot::default()
    })
}

/// The JSON object of a successful response, or why there is none.
fn object(status: u16, body: &[u8]) -> Result<Map<String, Value>, Failure> {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    // An outage first: a 5xx with a JSON body is still an outage, not a
    // problem with the token.
    if (500..=599).contains(&status) {
        return Err(Failure::unreachable(http_status_advice(status)));
    }
    if let Some(message) = json.as_ref().and_then(api_error) {
        return Err(Failure::new(format!(
            "HetrixTools API error: {message} (check the API token, its permissions and the monitor ID)"
        )));
    }
    if status != 200 {
        return Err(Failure::new(http_status_advice(status)));
    }
    match json {
        Some(Value::Object(object)) => Ok(object),
        Some(other) => Err(Failure::new(format!(
            "HetrixTools API returned JSON {} instead of an object (check --api-url)",
            kind(&other)
        ))),
        None => Err(Failure::new(not_json(body))),
    }
}

/// `{"status":"ERROR", "error_message": ...}`, with or without the message.
fn api_error(json: &Value) -> Option<String> {
    let status = json.get("status")?.as_str()?;
    if !status.eq_ignore_ascii_case("error") {
        return None;
    }
    Some(
        text(json.get("error_message"))
            .or_else(|| text(json.get("message")))
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| "no error message given".to_string()),
    )
}

fn http_status_advice(status: u16) -> String {
    let advice = match status {
        401 | 403 => "check the API token and its permissions",
        404 => "check --api-url and the monitor ID",
        429 => "rate limited (120 calls a minute on v1); check less often",
        500..=599 => "HetrixTools or a proxy in between has a problem; try again later",
        _ => "check --api-url",
    };
    format!("HetrixTools API answered HTTP {status}: {advice}")
}

pub(super) fn not_json(body: &[u8]) -> String {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &body[i..])
        .unwrap_or_default();
    if start.is_empty() {
        "HetrixTools API returned an empty response; try again later".to_string()
    } else if start.starts_with(b"<") {
        "HetrixTools API returned an HTML page instead of JSON (a proxy or Cloudflare error page?); try again later or check --api-url".to_string()
    } else {
        "HetrixTools API returned a response that is not valid JSON (truncated?); try again later"
            .to_string()
    }
}

pub(super) fn kind(json: &Value) -> &'static str {
    match json {
        Value::Array(_) => "an array",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
        Value::Object(_) => "an object",
    }
}

/// The name of a mount, drive or service the agent sent without one, so
/// output never shows a blank name or an empty perfdata label.
fn unnamed() -> String {
    "(unnamed)".to_string()
}

fn snapshot(json: &Map<String, Value>) -> Snapshot {
    Snapshot {
        last_data: timestamp(json.get("AgentLastData")),
        disks: objects(json.get("Disks"))
            .map(|d| Disk {
                mount: text(d.get("Mount")).unwrap_or_else(unnamed),
                size: count(d.get("Size")),
                used: count(d.get("Used")),
                inodes: count(d.get("Inodes")),
                inodes_used: count(d.get("InodesUsed")),
                raid: d.get("RAID").filter(|r| r.is_object()).map(|r| Raid {
                    kind: text(r.get("Type")),
                    health: text(r.get("Health")),
                    state: text(r.get("State")),
                    total_drives: count(r.get("TotalDrives")),
                    active_drives: count(r.get("ActiveDrives")),
                    failed_drives: count(r.get("FailedDrives")),
                }),
            })
            .collect(),
        drives: objects(json.get("Drives"))
            .map(|d| Drive {
                name: text(d.get("Name")).unwrap_or_else(unnamed),
                smart_test: text(d.get("SMARTTest")),
                error_count: count(d.get("ErrorCount")),
                ..Drive::default()
            })
            .collect(),
        services: objects(json.get("Services"))
            .map(|s| Service {
                name: text(s.get("Name")).unwrap_or_else(unnamed),
                status: text(s.get("Status")),
            })
            .collect(),
        stats: objects(json.get("Stats"))
            .filter_map(|s| {
                Some(Sample {
                    minute: timestamp(s.get("Minute"))?,
                    cpu: number(s.get("CPU")),
                    iowait: number(s.get("IOWait")),
                    ram: number(s.get("RAM")),
                    swap: number(s.get("Swap")),
                    ..Sample::default()
                })
            })
            .collect(),
        agent_type: text(json.get("AgentType")).map(|t| t.trim().to_ascii_lowercase()),
        uptime: count(json.get("SystemUptime")),
        reboot_required: flag(json.get("RebootRequired")),
        interfaces: objects(json.get("NetworkInterfaces"))
            .map(|i| Interface {
                name: text(i.get("Name")).unwrap_or_default(),
                net_in: number(i.get("NetIn")),
                net_out: number(i.get("NetOut")),
            })
            .collect(),
        ports: objects(json.get("PortConnections"))
            .map(|p| Port {
                port: count(p.get("Port")),
                connections: count(p.get("Connections")),
            })
            .collect(),
        ..Snapshot::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &[u8] = include_bytes!("../demo.json");

    #[test]
    fn reads_the_example_payload() {
        let snapshot = parse(200, EXAMPLE).unwrap();
        assert_eq!(snapshot.last_data, Some(1584984961));
        assert_eq!(snapshot.disks.len(), 4);
        assert_eq!(snapshot.disks[0].mount, "/");
        assert_eq!(snapshot.disks[0].used, Some(763354265949));
        assert_eq!(
            snapshot.disks[0].raid.as_ref().unwrap().health.as_deref(),
            Some("Healthy")
        );
        assert_eq!(snapshot.disks[1].raid, None);
        assert_eq!(snapshot.drives[2].error_count, Some(56));
        assert_eq!(snapshot.services.len(), 2);
        assert_eq!(snapshot.stats.len(), 60);
        assert_eq!(snapshot.newest_samples(1)[0].cpu, Some(9.26));
        assert_eq!(snapshot.disks[1].inodes_used, Some(780));
        assert_eq!(snapshot.agent_type.as_deref(), Some("linux"));
        assert_eq!(snapshot.uptime, Some(14420141));
        assert_eq!(snapshot.reboot_required, Some(false));
        assert_eq!(snapshot.interfaces[0].net_in, Some(534350.0));
        assert_eq!(snapshot.ports[1].port, Some(443));
        assert_eq!(snapshot.ports[1].connections, Some(145));
    }

    #[test]
    fn reads_the_quota_leniently() {
        let quota = |body: &str| parse_status(200, body.as_bytes()).map(|s| s.quota.unwrap());
        let both = quota(r#"{"Max_API_Calls": 50000, "Remaining_API_Calls": "41234"}"#).unwrap();
        assert_eq!((both.remaining, both.max), (41234, Some(50000)));
        let no_max = quota(r#"{"Max_API_Calls": null, "Remaining_API_Calls": 7}"#).unwrap();
        assert_eq!((no_max.remaining, no_max.max), (7, None));
        let error = quota(r#"{"Max_API_Calls": 50000}"#).unwrap_err();
        assert!(
            error.to_string().contains("no Remaining_API_Calls"),
            "{error}"
        );
        let error = quota(r#"{"status":"ERROR","error_message":"bad key"}"#).unwrap_err();
        assert!(error.to_string().contains("bad key"), "{error}");
        assert_eq!(
            status_url("http://h/", "TOKEN"),
            "http://h/v1/TOKEN/status/"
        );
    }

    #[test]
    fn url_has_no_double_slash() {
        assert_eq!(
            url("http://127.0.0.1:1/", "TOKEN", "abc"),
            "http://127.0.0.1:1/v1/TOKEN/server/stats/abc/"
        );
    }

    #[test]
    fn relays_the_v1_error_body_even_with_status_200() {
        let error = parse(
            200,
            br#"{"status":"ERROR","error_message":"monitor id does not exist"}"#,
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("monitor id does not exist"),
            "{error}"
        );
    }

    #[test]
    fn describes_bodies_that_are_not_snapshots() {
        let message = |status, body: &[u8]| parse(status, body).unwrap_err().to_string();
        assert!(message(200, b"<html>oops</html>").contains("HTML page"));
        assert!(message(200, b"  ").contains("empty response"));
        assert!(message(200, b"{\"Disks\": [").contains("not valid JSON"));
        assert!(message(200, b"[1,2]").contains("an array"));
        assert!(message(502, b"<html>Bad gateway</html>").contains("HTTP 502"));
        assert!(!message(502, b"<html>Bad gateway</html>").contains("Bad gateway"));
    }

    #[test]
    fn only_server_errors_count_as_unreachable() {
        let unreachable = |status, body: &[u8]| parse(status, body).unwrap_err().is_unreachable();
        assert!(unreachable(500, b"<html>oops</html>"));
        assert!(unreachable(503, b""));
        assert!(!unreachable(429, b"{}"));
        assert!(!unreachable(404, b""));
        assert!(!unreachable(200, b"<html>oops</html>"));
        assert!(!unreachable(200, br#"{"status":"ERROR"}"#));
    }
}
