//! API v3: `GET <base>/v3/uptime-monitors/<id>/server-agent/metrics` for one
//! server, and `GET <base>/v3/uptime-monitors` to discover them.
//!
//! The key travels in an `Authorization: Bearer` header, never in the URL.
//! Errors come as real HTTP statuses with `{"status": ..., "message": ...}`,
//! and every response carries `ratelimit-*` headers.

use serde_json::{Map, Value};

use super::lenient::{count, flag, number, objects, text, timestamp};
use super::rate_limit;
use super::v1::{kind, not_json};
use crate::failure::Failure;
use crate::fetch::Response;
use crate::model::{Disk, Drive, Interface, Ping, Port, Raid, Sample, Service, Snapshot, Variable};

/// Monitors per page of the list; 200 is the API's maximum.
pub const PAGE_SIZE: u32 = 200;

pub fn metrics_url(base: &str, monitor: &str) -> String {
    format!(
        "{}/v3/uptime-monitors/{monitor}/server-agent/metrics",
        base.trim_end_matches('/')
    )
}

pub fn monitors_url(base: &str, page: u64) -> String {
    format!(
        "{}/v3/uptime-monitors?per_page={PAGE_SIZE}&page={page}",
        base.trim_end_matches('/')
    )
}

/// The header that authenticates every v3 call.
pub fn authorization(token: &str) -> (&'static str, String) {
    ("Authorization", format!("Bearer {token}"))
}

const METRICS_NOT_FOUND: &str = "the monitor does not exist or has no server agent: check -i (check_hetrix --list-monitors lists yours)";

/// Why the metrics call failed, judged with the response headers (429
/// says when to retry); `None` for a 200.
pub fn refusal(response: &Response, now: i64) -> Option<Failure> {
    (response.status != 200).then(|| {
        let json: Option<Value> = serde_json::from_slice(&response.body).ok();
        error(response, json.as_ref(), now, METRICS_NOT_FOUND)
    })
}

/// A metrics response that [`refusal`] let through, as a snapshot.
pub fn parse(status: u16, body: &[u8]) -> Result<Snapshot, Failure> {
    let response = Response {
        status,
        headers: Vec::new(),
        body: body.to_vec(),
    };
    Ok(snapshot(&object(&response, 0, METRICS_NOT_FOUND)?))
}

/// One page of the monitor list.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorPage {
    pub monitors: Vec<Monitor>,
    /// The next page's number; `None` on the last page.
    pub next: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Monitor {
    pub id: String,
    pub name: String,
    /// `up` or `down`.
    pub uptime: Option<String>,
    /// `active`, `paused`, `disabled`, `maint` or `maint_dnd`.
    pub status: Option<String>,
    /// A server agent is attached (whether it sends data or not).
    pub has_agent: bool,
}

impl Monitor {
    /// How the monitor is marked when in maintenance at HetrixTools.
    pub fn maintenance(&self) -> Option<&'static str> {
        match self.status.as_deref() {
            Some("maint") => Some("in maintenance"),
            Some("maint_dnd") => Some("in maintenance, notifications off"),
            _ => None,
        }
    }
}

pub fn parse_monitors(response: &Response, now: i64) -> Result<MonitorPage, Failure> {
    let json = object(response, now, "check --api-url")?;
    Ok(MonitorPage {
        monitors: objects(json.get("monitors"))
            .filter_map(|m| {
                Some(Monitor {
                    // `-i` accepts no other IDs, so such a monitor could
                    // not be checked anyway.
                    id: text(m.get("id")).filter(|id| {
                        id.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
                    })?,
                    name: text(m.get("name")).unwrap_or_default(),
                    uptime: text(m.get("uptime_status")),
                    status: text(m.get("monitor_status")),
                    has_agent: m.get("has_agent").and_then(Value::as_bool) == Some(true),
                })
            })
            .collect(),
        next: count(field(field(json.get("meta"), "pagination"), "next")),
    })
}

/// The JSON object of a 200 response; any other status is an error.
fn object(response: &Response, now: i64, not_found: &str) -> Result<Map<String, Value>, Failure> {
    let json: Option<Value> = serde_json::from_slice(&response.body).ok();
    if response.status != 200 {
        return Err(error(response, json.as_ref(), now, not_found));
    }
    match json {
        Some(Value::Object(object)) => Ok(object),
        Some(other) => Err(Failure::new(format!(
            "HetrixTools API returned JSON {} instead of an object (check --api-url)",
            kind(&other)
        ))),
        None => Err(Failure::new(not_json(&response.body))),
    }
}

/// The longest server message quoted; anything longer is not a message.
const MESSAGE_CHARS: usize = 200;

fn error(response: &Response, json: Option<&Value>, now: i64, not_found: &str) -> Failure {
    let status = response.status;
    let quoted = |key| {
        text(json.and_then(|j| j.get(key)))
            .map(|t| t.trim().chars().take(MESSAGE_CHARS).collect::<String>())
            .filter(|t| !t.is_empty())
    };
    let said = match (quoted("status"), quoted("message")) {
        (Some(code), Some(message)) => format!(" ({code}: {message})"),
        (Some(only), None) | (None, Some(only)) => format!(" ({only})"),
        (None, None) => String::new(),
    };
    let advice = match status {
        400 => "the API refused the request: check --api-url (the base URL, without /v3)".into(),
        401 => "the API key was not accepted: check HETRIX_API_TOKEN, --token-file or -T".into(),
        403 => "the API key lacks permission for this call: allow it in HetrixTools under Account, API keys".into(),
        404 => not_found.to_string(),
        429 => rate_limit::advice(response, now),
        500..=599 => "HetrixTools or a proxy in between has a problem; try again later".into(),
        _ => "check --api-url".into(),
    };
    let message = format!("HetrixTools API v3 answered HTTP {status}{said}: {advice}");
    match status {
        // An outage, which --unreachable-state may map to another state.
        500..=599 => Failure::unreachable(message),
        _ => Failure::new(message),
    }
}

fn field<'a>(value: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    value?.get(key)
}

fn snapshot(json: &Map<String, Value>) -> Snapshot {
    let disk = json.get("disk");
    Snapshot {
        last_data: timestamp(field(json.get("meta"), "last_updated")),
        agent_type: text(field(json.get("agent"), "type")).map(|t| t.trim().to_ascii_lowercase()),
        uptime: count(field(json.get("system"), "uptime")),
        reboot_required: flag(field(json.get("system"), "reboot_required")),
        interfaces: objects(json.get("network_interfaces"))
            .map(|i| Interface {
                name: text(i.get("name")).unwrap_or_default(),
                net_in: number(i.get("net_in")),
                net_out: number(i.get("net_out")),
            })
            .collect(),
        ports: objects(json.get("port_connections"))
            .map(|p| Port {
                port: count(p.get("port")),
                connections: count(p.get("connections")),
            })
            .collect(),
        // v3 reports no call quota; its limits come as response headers.
        quota: None,
        disks: objects(field(disk, "disks"))
            .map(|d| Disk {
                mount: text(d.get("mount")).unwrap_or_default(),
                size: count(d.get("size")),
                used: count(d.get("used")),
                inodes: count(d.get("inodes")),
                inodes_used: count(d.get("inodes_used")),
                raid: d.get("raid").filter(|r| r.is_object()).map(|r| Raid {
                    kind: text(r.get("type")),
                    health: text(r.get("health")),
                    state: text(r.get("state")),
                    total_drives: count(r.get("total_drives")),
                    active_drives: count(r.get("active_drives")),
                    failed_drives: count(r.get("failed_drives")),
                }),
            })
            .collect(),
        drives: objects(field(disk, "drives"))
            .map(|d| Drive {
                name: text(d.get("name")).unwrap_or_default(),
                smart_test: text(d.get("smart_test")),
                error_count: count(d.get("error_count")),
                wearout: number(d.get("wearout_percent")),
            })
            .collect(),
        services: objects(json.get("services"))
            .map(|s| Service {
                name: text(s.get("name")).unwrap_or_default(),
                status: text(s.get("status")),
            })
            .collect(),
        stats: objects(json.get("stats"))
            .filter_map(|s| {
                Some(Sample {
                    minute: timestamp(s.get("timestamp"))?,
                    cpu: number(s.get("cpu")),
                    iowait: number(s.get("iowait")),
                    ram: number(s.get("ram")),
                    swap: number(s.get("swap")),
                    steal: number(s.get("steal")),
                    cpu_temp: number(s.get("cpu_temp")),
                    load_1: number(s.get("load_1")),
                    load_5: number(s.get("load_5")),
                    load_15: number(s.get("load_15")),
                })
            })
            .collect(),
        cpu_threads: count(field(json.get("cpu"), "threads")).filter(|t| *t > 0),
        pings: objects(json.get("outgoing_pings"))
            .map(|p| Ping {
                name: text(p.get("name")).unwrap_or_default(),
                target: text(p.get("target")),
                packet_loss: number(p.get("packet_loss_percent")),
                response_time: number(p.get("response_time")),
            })
            .collect(),
        variables: objects(json.get("custom_variables"))
            .map(|v| Variable {
                name: text(v.get("name")).unwrap_or_default(),
                value: number(v.get("value")),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn response(status: u16, headers: &[(&str, &str)], body: &Value) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.to_string().into_bytes(),
        }
    }

    #[test]
    fn urls_never_hold_the_key() {
        assert_eq!(
            metrics_url("http://h/", "abc"),
            "http://h/v3/uptime-monitors/abc/server-agent/metrics"
        );
        assert_eq!(
            monitors_url("http://h", 2),
            "http://h/v3/uptime-monitors?per_page=200&page=2"
        );
        assert_eq!(authorization("K").1, "Bearer K");
    }

    #[test]
    fn reads_nested_sections_and_v3_only_metrics() {
        let body = json!({
            "cpu": {"threads": 8},
            "disk": {"disks": [{"mount": "/", "size": 100, "used": 40, "raid": null}],
                     "drives": [{"name": "sda", "smart_test": "PASSED", "error_count": 0,
                                 "wearout_percent": 7, "error_details": []}]},
            "stats": [{"timestamp": 60, "cpu": 1.5, "steal": null, "load_1": 0.5}],
            "outgoing_pings": [{"name": "gw", "target": "10.0.0.1", "port": null,
                                "packet_loss_percent": 0, "response_time": 1.2}],
            "custom_variables": [{"name": "queue", "value": 12}],
            "meta": {"last_updated": 120}
        });
        let snapshot = parse(200, body.to_string().as_bytes()).unwrap();
        assert_eq!(snapshot.last_data, Some(120));
        assert_eq!(snapshot.cpu_threads, Some(8));
        assert_eq!(snapshot.disks[0].used, Some(40));
        assert_eq!(snapshot.drives[0].wearout, Some(7.0));
        assert_eq!(snapshot.stats[0].steal, None);
        assert_eq!(snapshot.stats[0].load_1, Some(0.5));
        assert_eq!(snapshot.pings[0].response_time, Some(1.2));
        assert_eq!(snapshot.variables[0].value, Some(12.0));
    }

    #[test]
    fn rate_limit_names_the_exhausted_scope_and_its_reset() {
        let limited = response(
            429,
            &[
                ("ratelimit-remaining-user", "5"),
                ("ratelimit-reset-user", "1090"),
                ("ratelimit-remaining-endpoint", "0"),
                ("ratelimit-reset-endpoint", "1000000042"),
            ],
            &json!({"status": "too_many_requests", "message": "rate limit exceeded"}),
        );
        let message = refusal(&limited, 1_000_000_000).unwrap().to_string();
        assert!(
            message.contains("HTTP 429 (too_many_requests: rate limit exceeded)"),
            "{message}"
        );
        assert!(message.contains("per-endpoint limit"), "{message}");
        assert!(message.contains("it resets in 42 s"), "{message}");
    }

    #[test]
    fn reads_pagination() {
        let body = json!({
            "monitors": [{"id": "a", "name": "web", "has_agent": true, "monitor_status": "maint_dnd"},
                         {"id": 7, "name": "site", "has_agent": false}, {"name": "no id"},
                         {"id": "x\"y", "name": "bad id"}],
            "meta": {"pagination": {"current": 1, "next": 2}}
        });
        let page = parse_monitors(&response(200, &[], &body), 0).unwrap();
        assert_eq!(page.next, Some(2));
        assert_eq!(page.monitors.len(), 2);
        assert_eq!(page.monitors[1].id, "7");
        assert_eq!(
            page.monitors[0].maintenance(),
            Some("in maintenance, notifications off")
        );
    }
}
