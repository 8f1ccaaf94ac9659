//! API v3: `GET <base>/v3/uptime-monitors/<id>/server-agent/metrics` for one
//! server, and `GET <base>/v3/uptime-monitors` to discover them.
//!
//! The key travels in an `Authorization: Bearer` header, never in the URL.
//! Errors come as real HTTP statuses with `{"status": ..., "message": ...}`,
//! and every response carries `ratelimit-*` headers.

use super::rate_limit;
use super::typed::{
    self, AgentType, Bool, Convert, Converted, Count, Fields, Flag, Name, Number, Object, Section,
    Text, Timestamp, Without,
};
use super::v1::{Reply, not_json};
use crate::failure::Failure;
use crate::fetch::Response;
use crate::model::{
    CpuCount, Disk, Drive, Interface, Ping, Port, Quota, Raid, Sample, Service, Snapshot, Variable,
};

/// Monitors per page of the list; 200 is the API's maximum.
pub const PAGE_SIZE: u32 = 200;

pub fn metrics_url(base: &str, monitor: &str) -> String {
    format!(
        "{}/v3/uptime-monitors/{monitor}/server-agent/metrics",
        base.trim_end_matches('/')
    )
}

/// The account's usage counters, among them the v1/v2 monthly quota.
pub fn limits_url(base: &str) -> String {
    format!("{}/v3/account/limits", base.trim_end_matches('/'))
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

/// What error advice needs to know about a v3 call.
pub struct Endpoint<'a> {
    /// The call as HetrixTools' API key scope settings name it.
    pub scope: &'static str,
    /// Advice for HTTP 404.
    pub not_found: &'a str,
    /// Whether `--api v1` is a way around a key scope without this call.
    pub v1_instead: bool,
    /// Whether the request carries `-i`, which HTTP 400 may be about.
    pub takes_monitor: bool,
}

const METRICS: Endpoint<'static> = Endpoint {
    scope: "v3 server agent metrics",
    not_found: "the monitor does not exist or has no server agent: check -i (check_hetrix --list-monitors lists yours)",
    v1_instead: true,
    takes_monitor: true,
};

const LIMITS: Endpoint<'static> = Endpoint {
    scope: "v3 account limits",
    not_found: "check --api-url",
    v1_instead: true,
    takes_monitor: false,
};

const MONITORS: Endpoint<'static> = Endpoint {
    scope: "v3 uptime monitors",
    not_found: "check --api-url",
    v1_instead: false,
    takes_monitor: false,
};

/// Why the metrics call failed, judged with the response headers (429
/// says when to retry); `None` for a 200.
pub fn refusal(response: &Response, now: i64) -> Option<Failure> {
    refused(response, now, &METRICS)
}

/// Why any v3 call failed, `None` for a 200.
pub fn refused(response: &Response, now: i64, endpoint: &Endpoint) -> Option<Failure> {
    (response.status != 200).then(|| error(response, now, endpoint))
}

/// Why the account limits call failed; `None` for a 200.
pub fn limits_refusal(response: &Response, now: i64) -> Option<Failure> {
    (response.status != 200).then(|| error(response, now, &LIMITS))
}

/// An account limits response that [`limits_refusal`] let through, as a
/// snapshot holding only the v1/v2 monthly quota: `limit - usage`.
pub fn parse_limits(body: &[u8]) -> Result<Snapshot, Failure> {
    let counter = object::<Limits>(body, &LIMITS)?
        .api_v1_v2
        .0
        .unwrap_or_default();
    let (Some(limit), Some(used)) = (counter.limit.0, counter.usage.0) else {
        return Err(Failure::new(
            "the HetrixTools API v3 account limits hold no readable api_v1_v2 limit and usage (check --api-url)",
        ));
    };
    Ok(Snapshot {
        quota: Some(Quota {
            remaining: limit.saturating_sub(used),
            max: Some(limit),
            used: Some(used),
        }),
        ..Snapshot::default()
    })
}

/// A metrics response that [`refusal`] let through, as a snapshot.
pub fn parse(body: &[u8]) -> Result<Snapshot, Failure> {
    object::<Metrics>(body, &METRICS)
}

/// [`parse`] leaving the per-minute samples, most of the body, unread.
pub fn parse_latest(body: &[u8]) -> Result<Snapshot, Failure> {
    object::<Without<Metrics, Samples>>(body, &METRICS)
}

/// The key of the per-minute samples.
struct Samples;

impl typed::SkippedKey for Samples {
    const NAME: &str = "stats";
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
    /// The IP address HetrixTools resolved the target to (for heartbeat
    /// monitors, the one the agent sends from).
    pub address: Option<String>,
    /// `website`, `ping`, `service`, `smtp` or `heartbeat`.
    pub kind: Option<String>,
    /// What HetrixTools checks: a URL, host name or IP; none for heartbeats.
    pub target: Option<String>,
    /// Whether HetrixTools tracks the certificate's expiry (a date is set).
    pub tracks_ssl: bool,
    /// Whether HetrixTools tracks the domain's expiry (a date is set).
    pub tracks_domain: bool,
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
    if response.status != 200 {
        return Err(error(response, now, &MONITORS));
    }
    let list = object::<MonitorList>(&response.body, &MONITORS)?;
    Ok(MonitorPage {
        monitors: list
            .monitors
            .0
            .into_iter()
            .filter_map(|m| {
                Some(Monitor {
                    id: plain_id(m.id.0)?,
                    name: m.name.0.unwrap_or_default(),
                    uptime: m.uptime.0,
                    status: m.status.0,
                    has_agent: m.has_agent.0 == Some(true),
                    address: m.address.0,
                    kind: m.kind.0,
                    target: m.target.0,
                    tracks_ssl: m.ssl_expiration.0.is_some(),
                    tracks_domain: m.domain_expiration.0.is_some(),
                })
            })
            .collect(),
        next: next_page(list.meta.0),
    })
}

/// A monitor ID as listed, if it is one `-i` accepts (letters, digits,
/// `-`, `_`, `.`): a monitor with another could not be checked anyway, and
/// the ID goes into generated configuration unquoted.
pub(super) fn plain_id(id: Option<String>) -> Option<String> {
    id.filter(|id| {
        id.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    })
}

/// The next page's number from a list's `meta`; `None` on the last page.
pub(super) fn next_page(meta: Option<ListMeta>) -> Option<u64> {
    meta.and_then(|m| m.pagination.0).and_then(|p| p.next.0)
}

/// The fields of a 200 response's body. HetrixTools' key scope refusals
/// may still come in the v1/v2 shape, `{"status":"ERROR",
/// "error_message": ...}`, and an empty body is no data at all.
pub(super) fn object<T: Fields>(body: &[u8], endpoint: &Endpoint) -> Result<T::Target, Failure> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(no_data("an empty body", endpoint));
    }
    match typed::read::<Reply<T>>(body) {
        Some(Ok(reply)) => match reply.api_error() {
            Some(message) => Err(Failure::new(format!(
                "HetrixTools API v3 error: {}: {}",
                quote(Some(message)).unwrap_or_default(),
                scope_advice(endpoint)
            ))),
            None => Ok(reply.data),
        },
        Some(Err(kind)) => Err(Failure::new(format!(
            "HetrixTools API returned {kind} instead of a JSON object (check --api-url)"
        ))),
        None => Err(Failure::new(not_json(body))),
    }
}

/// A success that holds nothing to check.
fn no_data(what: &str, endpoint: &Endpoint) -> Failure {
    Failure::new(format!(
        "no data: HetrixTools API v3 answered with {what} (if it persists: {})",
        endpoint.not_found
    ))
}

/// What to do about a key whose scope lacks the call.
fn scope_advice(endpoint: &Endpoint) -> String {
    let v1 = match endpoint.v1_instead {
        true => " (or use --api v1)",
        false => "",
    };
    format!(
        "the API key's scope does not allow this call: in HetrixTools → API keys → API key scope, allow the {} call{v1}",
        endpoint.scope
    )
}

/// The longest server message quoted; anything longer is not a message.
const MESSAGE_CHARS: usize = 200;

/// A message from the server, cut to one short line; masked before the
/// cut, since a cut through an echoed token would leave a piece that
/// masking no longer recognises.
fn quote(text: Option<String>) -> Option<String> {
    text.map(|t| {
        let masked = crate::output::redact(t.trim());
        masked.chars().take(MESSAGE_CHARS).collect::<String>()
    })
    .filter(|t| !t.is_empty())
}

fn error(response: &Response, now: i64, endpoint: &Endpoint) -> Failure {
    let status = response.status;
    if status == 204 {
        return no_data("HTTP 204 (no content)", endpoint);
    }
    let reply = typed::read::<Reply<Ignored>>(&response.body)
        .and_then(Result::ok)
        .unwrap_or_else(Reply::start);
    // v3 says `message`; the older shape HetrixTools still sends for key
    // scope refusals says `error_message`.
    let message = reply.error_message.0.or(reply.message.0);
    let said = match (quote(reply.status.0), quote(message)) {
        (Some(code), Some(message)) => format!(" ({code}: {message})"),
        (Some(only), None) | (None, Some(only)) => format!(" ({only})"),
        (None, None) => String::new(),
    };
    let advice = match status {
        403 => scope_advice(endpoint),
        429 => rate_limit::advice(response, now),
        // A malformed ID is the likelier mistake once the URL has worked.
        400 if endpoint.takes_monitor => {
            "the API refused the request: check -i and --api-url (the base URL, without /v1 or /v3)"
                .to_string()
        }
        _ => super::status_advice(status, endpoint.not_found).to_string(),
    };
    let message = format!("HetrixTools API v3 answered HTTP {status}{said}: {advice}");
    match status {
        // An outage, which --unreachable-state may map to another state.
        500..=599 => Failure::unreachable(message),
        _ => Failure::new(message),
    }
}

typed::fields! {
    MonitorList {
        "monitors" => monitors: Section<RawMonitor>,
        "meta" => meta: Object<ListMeta>,
    }

    ListMeta {
        "pagination" => pagination: Object<Pagination>,
    }

    Pagination {
        "next" => next: Count,
    }

    RawMonitor {
        "id" => id: Text,
        "name" => name: Text,
        "uptime_status" => uptime: Text,
        "monitor_status" => status: Text,
        "has_agent" => has_agent: Bool,
        "resolve_address" => address: Text,
        "type" => kind: Text,
        "target" => target: Text,
        "ssl_expiration_date" => ssl_expiration: Text,
        "domain_expiration_date" => domain_expiration: Text,
    }

    Limits {
        "api_v1_v2" => api_v1_v2: Object<Counter>,
    }

    Counter {
        "usage" => usage: Count,
        "limit" => limit: Count,
    }

    /// A body whose fields do not matter, only its error fields.
    Ignored {}

    Cpu {
        "cores" => cores: Count,
        "threads" => threads: Count,
    }
}

typed::model_fields! {
    Metrics => Snapshot {
        "network_interfaces" => interfaces: Section<V3Interface>,
        "port_connections" => ports: Section<V3Port>,
        "services" => services: Section<V3Service>,
        "stats" => stats: Section<V3Sample>,
        "cpu" => cpus: Converted<LogicalCpus>,
        "outgoing_pings" => pings: Section<V3Ping>,
        "custom_variables" => variables: Section<V3Variable>,
        nested {
            "meta" => Meta,
            "agent" => Agent,
            "system" => System,
            "disk" => DiskSection,
        }
    }

    Meta => Snapshot {
        "last_updated" => last_data: Timestamp,
    }

    Agent => Snapshot {
        "type" => agent_type: Converted<AgentType>,
    }

    System => Snapshot {
        "uptime" => uptime: Count,
        "reboot_required" => reboot_required: Flag,
    }

    DiskSection => Snapshot {
        "disks" => disks: Section<V3Disk>,
        "drives" => drives: Section<V3Drive>,
    }

    V3Interface => Interface {
        "name" => name: Name,
        "net_in" => net_in: Number,
        "net_out" => net_out: Number,
    }

    V3Port => Port {
        "port" => port: Count,
        "connections" => connections: Count,
    }

    V3Disk => Disk {
        "mount" => mount: Name,
        "size" => size: Count,
        "used" => used: Count,
        "inodes" => inodes: Count,
        "inodes_used" => inodes_used: Count,
        "raid" => raid: Object<V3Raid>,
    }

    V3Raid => Raid {
        "type" => kind: Text,
        "health" => health: Text,
        "state" => state: Text,
        "total_drives" => total_drives: Count,
        "active_drives" => active_drives: Count,
        "failed_drives" => failed_drives: Count,
    }

    V3Drive => Drive {
        "name" => name: Name,
        "smart_test" => smart_test: Text,
        "error_count" => error_count: Count,
        "wearout_percent" => wearout: Number,
    }

    V3Service => Service {
        "name" => name: Name,
        "status" => status: Text,
    }

    V3Sample => Sample if Sample::is_timed {
        "timestamp" => minute: Timestamp,
        "cpu" => cpu: Number,
        "iowait" => iowait: Number,
        "ram" => ram: Number,
        "swap" => swap: Number,
        "steal" => steal: Number,
        "cpu_temp" => cpu_temp: Number,
        "load_1" => load_1: Number,
        "load_5" => load_5: Number,
        "load_15" => load_15: Number,
    }

    V3Ping => Ping {
        "name" => name: Name,
        "target" => target: Text,
        "packet_loss_percent" => packet_loss: Number,
        "response_time" => response_time: Number,
    }

    V3Variable => Variable {
        "name" => name: Name,
        "value" => value: Number,
    }
}

/// `cpu`: `threads` is documented as the logical CPU count, but the Linux
/// agent reports threads per core there; the larger of `cores` and
/// `threads` is the logical count either way.
struct LogicalCpus;

impl Convert for LogicalCpus {
    type From = Object<Cpu>;
    type Value = Option<CpuCount>;

    fn convert(cpu: Option<Cpu>) -> Option<CpuCount> {
        let cpu = cpu?;
        let (cores, threads) = (cpu.cores.0.unwrap_or(0), cpu.threads.0.unwrap_or(0));
        let logical = cores.max(threads);
        (logical > 0).then(|| CpuCount {
            logical,
            basis: format!("the larger of cpu.cores {cores} and cpu.threads {threads}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

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
        let snapshot = parse(body.to_string().as_bytes()).unwrap();
        assert_eq!(snapshot.last_data, Some(120));
        assert_eq!(snapshot.cpus.map(|c| c.logical), Some(8));
        assert_eq!(snapshot.disks[0].used, Some(40));
        assert_eq!(snapshot.drives[0].wearout, Some(7.0));
        assert_eq!(snapshot.stats[0].steal, None);
        assert_eq!(snapshot.stats[0].load_1, Some(0.5));
        assert_eq!(snapshot.pings[0].response_time, Some(1.2));
        assert_eq!(snapshot.variables[0].value, Some(12.0));
    }

    #[rstest::rstest]
    #[case(json!({"cores": 6, "threads": 12}), Some(12))]
    #[case(json!({"cores": 4, "threads": 2}), Some(4))]
    #[case(json!({"cores": null, "threads": 8}), Some(8))]
    #[case(json!({"cores": "x", "threads": -1}), None)]
    #[case(json!({"cores": 0, "threads": 0}), None)]
    fn logical_cpus_are_the_larger_count(#[case] cpu: Value, #[case] expected: Option<u64>) {
        let body = json!({"cpu": cpu}).to_string();
        let snapshot = parse(body.as_bytes()).unwrap();
        assert_eq!(snapshot.cpus.map(|c| c.logical), expected);
    }

    #[rstest::rstest]
    #[case(json!({"api_v1_v2": {"usage": 300, "limit": 1000}}), Ok((700, 300, 1000)))]
    #[case(json!({"api_v1_v2": {"usage": "1200", "limit": 1000}}), Ok((0, 1200, 1000)))]
    #[case(json!({"api_v1_v2": {"usage": -1, "limit": 1000}}), Err("no readable api_v1_v2"))]
    #[case(json!({"api_v1_v2": {"usage": 1, "limit": null}}), Err("no readable api_v1_v2"))]
    #[case(json!({"api_v1_v2": {"usage": 1, "limit": "NaN"}}), Err("no readable api_v1_v2"))]
    #[case(json!({"api_v1_v2": "1000"}), Err("no readable api_v1_v2"))]
    #[case(json!({"uptime": {"monitors": {"usage": 1, "limit": 5}}}), Err("no readable api_v1_v2"))]
    #[case(json!([]), Err("an array instead of a JSON object"))]
    fn reads_the_v1_v2_quota_from_the_account_limits(
        #[case] body: Value,
        #[case] expected: Result<(u64, u64, u64), &str>,
    ) {
        let read = parse_limits(body.to_string().as_bytes()).map(|s| s.quota.unwrap());
        match (read, expected) {
            (Ok(quota), Ok((remaining, used, max))) => {
                assert_eq!(
                    (quota.remaining, quota.used, quota.max),
                    (remaining, Some(used), Some(max))
                );
            }
            (Err(failure), Err(message)) => {
                assert!(failure.to_string().contains(message), "{failure}");
            }
            (read, expected) => panic!("{read:?} is not {expected:?}"),
        }
        assert_eq!(limits_url("http://h/"), "http://h/v3/account/limits");
    }

    #[rstest::rstest]
    #[case(403, json!({"status": "ERROR", "error_message": "scope"}), false)]
    #[case(404, json!({}), false)]
    #[case(429, json!({}), false)]
    #[case(502, json!({}), true)]
    #[case(204, json!(null), false)]
    fn only_server_errors_count_as_unreachable(
        #[case] status: u16,
        #[case] body: Value,
        #[case] unreachable: bool,
    ) {
        let failure = refusal(&response(status, &[], &body), 0).unwrap();
        assert_eq!(failure.is_unreachable(), unreachable, "{failure}");
        let scope = json!({"status": "ERROR", "error_message": "scope"}).to_string();
        assert!(!parse(scope.as_bytes()).unwrap_err().is_unreachable());
        assert!(!parse(b" ").unwrap_err().is_unreachable());
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
    fn has_agent_is_a_json_boolean_only_and_errors_quote_any_body() {
        let body = json!({"monitors": [{"id": "a", "has_agent": "true"},
                                       {"id": "b", "has_agent": 1},
                                       {"id": "c", "has_agent": true}],
                          "meta": {"pagination": null}});
        let page = parse_monitors(&response(200, &[], &body), 0).unwrap();
        let agents: Vec<bool> = page.monitors.iter().map(|m| m.has_agent).collect();
        assert_eq!(agents, [false, false, true]);
        assert_eq!(page.next, None);
        let quoted = |body: &Value| error(&response(404, &[], body), 0, &LIMITS).to_string();
        assert!(
            quoted(&json!([1]))
                .starts_with("HetrixTools API v3 answered HTTP 404: check --api-url")
        );
        assert!(quoted(&json!({"message": 7, "status": " "})).contains("HTTP 404 (7): check"));
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
