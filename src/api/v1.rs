//! The v1 "Server Stats" call: `GET <base>/v1/<token>/server/stats/<id>/`.
//!
//! v1 reports its own errors as HTTP 200 with
//! `{"status":"ERROR","error_message":"..."}`, so both the status and the
//! body are checked.

use serde_json::{Map, Value};

use super::lenient::{count, number, objects, text, timestamp};
use crate::failure::Failure;
use crate::model::{Disk, Drive, Raid, Sample, Service, Snapshot};

pub fn url(base: &str, token: &str, monitor: &str) -> String {
    format!(
        "{}/v1/{token}/server/stats/{monitor}/",
        base.trim_end_matches('/')
    )
}

/// Turns an HTTP response into a snapshot, or into the reason it is not one.
pub fn parse(status: u16, body: &[u8]) -> Result<Snapshot, Failure> {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    if let Some(message) = json.as_ref().and_then(api_error) {
        return Err(Failure::new(format!(
            "HetrixTools API error: {message} (check the API token, its permissions and the monitor ID)"
        )));
    }
    if (500..=599).contains(&status) {
        return Err(Failure::unreachable(http_status_advice(status)));
    }
    if status != 200 {
        return Err(Failure::new(http_status_advice(status)));
    }
    match json {
        Some(Value::Object(object)) => Ok(snapshot(&object)),
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

fn not_json(body: &[u8]) -> String {
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

fn kind(json: &Value) -> &'static str {
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
                })
            })
            .collect(),
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
