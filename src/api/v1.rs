//! The v1 "Server Stats" call: `GET <base>/v1/<token>/server/stats/<id>/`,
//! and the account status call `GET <base>/v1/<token>/status/` that
//! reports the API call quota.
//!
//! v1 reports its own errors as HTTP 200 with
//! `{"status":"ERROR","error_message":"..."}`, so both the status and the
//! body are checked.

use serde::de::MapAccess;

use super::typed::{
    self, AgentType, Convert, Converted, Count, Fields, Flag, Name, Number, Object, Section, Text,
    Timestamp, Without,
};
use crate::failure::Failure;
use crate::fetch::Response;
use crate::model::{
    CpuCount, Disk, Drive, Interface, Port, Quota, Raid, Sample, Service, Snapshot,
};

/// v1's documented limits, named when HTTP 429 says one was hit.
pub const RATE_LIMIT: &str = "v1 allows 120 calls a minute and a monthly quota by plan";

/// What `-v` says on every `--api v1` call.
pub const DEPRECATED: &str = "API v1 is deprecated by HetrixTools and its calls count against a monthly quota (v3, the default, has none)";

pub fn status_url(base: &str, token: &str) -> String {
    format!("{}/v1/{token}/status/", base.trim_end_matches('/'))
}

pub fn url(base: &str, token: &str, monitor: &str) -> String {
    format!(
        "{}/v1/{token}/server/stats/{monitor}/",
        base.trim_end_matches('/')
    )
}

/// The failure for a rate-limited response, `None` for any other.
pub fn refusal(response: &Response, now: i64) -> Option<Failure> {
    super::rate_limit::refusal(response, RATE_LIMIT, now)
}

/// Turns an HTTP response into a snapshot, or into the reason it is not one.
pub fn parse(status: u16, body: &[u8]) -> Result<Snapshot, Failure> {
    object::<ServerStats>(status, body, &SERVER_STATS)
}

/// [`parse`] leaving the per-minute samples, most of the body, unread.
pub fn parse_latest(status: u16, body: &[u8]) -> Result<Snapshot, Failure> {
    object::<Without<ServerStats, Samples>>(status, body, &SERVER_STATS)
}

/// The key of the per-minute samples.
struct Samples;

impl typed::SkippedKey for Samples {
    const NAME: &str = "Stats";
}

/// Turns a status call response into a snapshot holding only the quota.
pub fn parse_status(status: u16, body: &[u8]) -> Result<Snapshot, Failure> {
    let account = object::<Account>(status, body, &ACCOUNT_STATUS)?;
    let remaining = account.remaining.0.ok_or_else(|| {
        Failure::new(
            "the HetrixTools API status reply holds no Remaining_API_Calls (check --api-url)",
        )
    })?;
    Ok(Snapshot {
        quota: Some(Quota {
            remaining,
            max: account.max.0,
            used: None,
        }),
        ..Snapshot::default()
    })
}

/// What to check when a v1 call fails: only what the call sends (the
/// status call sends no monitor ID).
struct Call {
    /// For HTTP 404.
    not_found: &'static str,
    /// For `{"status":"ERROR"}`.
    refused: &'static str,
}

const SERVER_STATS: Call = Call {
    not_found: "check --api-url and the monitor ID",
    refused: "check the API token, its permissions and the monitor ID",
};

const ACCOUNT_STATUS: Call = Call {
    not_found: "check --api-url",
    refused: "check the API token and its permissions",
};

/// The fields of a successful response, or why there is none.
fn object<T: Fields>(status: u16, body: &[u8], call: &Call) -> Result<T::Target, Failure> {
    // An outage first: a 5xx with a JSON body is still an outage, not a
    // problem with the token.
    if (500..=599).contains(&status) {
        return Err(Failure::unreachable(http_status_advice(status, call)));
    }
    let json = typed::read::<Reply<T>>(body);
    if let Some(message) = json.as_ref().and_then(|j| j.as_ref().ok()?.api_error()) {
        return Err(Failure::new(format!(
            "HetrixTools API error: {message} ({})",
            call.refused
        )));
    }
    if status != 200 {
        return Err(Failure::new(http_status_advice(status, call)));
    }
    match json {
        Some(Ok(reply)) => Ok(reply.data),
        Some(Err(kind)) => Err(Failure::new(format!(
            "HetrixTools API returned {kind} instead of a JSON object (check --api-url)"
        ))),
        None => Err(Failure::new(not_json(body))),
    }
}

/// A v1 reply: its data, or `{"status":"ERROR", "error_message": ...}`
/// (which v3's key scope refusals still send).
pub(super) struct Reply<T: Fields> {
    pub status: Text,
    pub error_message: Text,
    pub message: Text,
    pub data: T::Target,
}

impl<T: Fields> Fields for Reply<T> {
    type Target = Reply<T>;

    fn start() -> Reply<T> {
        Reply {
            status: Text::default(),
            error_message: Text::default(),
            message: Text::default(),
            data: T::start(),
        }
    }

    fn read<'de, A: MapAccess<'de>>(
        target: &mut Reply<T>,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match key {
            "status" => target.status = map.next_value()?,
            "error_message" => target.error_message = map.next_value()?,
            "message" => target.message = map.next_value()?,
            _ => T::read(&mut target.data, key, map)?,
        }
        Ok(())
    }
}

impl<T: Fields> Reply<T> {
    /// The error message when the reply says `"status":"ERROR"`, with or
    /// without a message.
    pub fn api_error(&self) -> Option<String> {
        if !self.status.0.as_ref()?.eq_ignore_ascii_case("error") {
            return None;
        }
        Some(
            self.error_message
                .0
                .clone()
                .or_else(|| self.message.0.clone())
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| "no error message given".to_string()),
        )
    }
}

fn http_status_advice(status: u16, call: &Call) -> String {
    let advice = super::status_advice(status, call.not_found);
    format!("HetrixTools API answered HTTP {status}: {advice}")
}

pub(super) fn not_json(body: &[u8]) -> String {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &body[i..])
        .unwrap_or_default();
    if start.is_empty() {
        "HetrixTools API returned an empty response (try again later)".to_string()
    } else if start.starts_with(b"<") {
        "HetrixTools API returned an HTML page instead of JSON (a proxy or Cloudflare error page?): try again later or check --api-url".to_string()
    } else {
        "HetrixTools API returned a response that is not valid JSON (truncated?): try again later"
            .to_string()
    }
}

typed::fields! {
    Account {
        "Remaining_API_Calls" => remaining: Count,
        "Max_API_Calls" => max: Count,
    }
}

typed::model_fields! {
    ServerStats => Snapshot {
        "AgentLastData" => last_data: Timestamp,
        "Disks" => disks: Section<V1Disk>,
        "Drives" => drives: Section<V1Drive>,
        "Services" => services: Section<V1Service>,
        "Stats" => stats: Section<V1Sample>,
        "AgentType" => agent_type: Converted<AgentType>,
        "SystemUptime" => uptime: Count,
        "CPUCores" => cpus: Converted<CpuCores>,
        "RebootRequired" => reboot_required: Flag,
        "NetworkInterfaces" => interfaces: Section<V1Interface>,
        "PortConnections" => ports: Section<V1Port>,
    }

    V1Disk => Disk {
        "Mount" => mount: Name,
        "Size" => size: Count,
        "Used" => used: Count,
        "Inodes" => inodes: Count,
        "InodesUsed" => inodes_used: Count,
        "RAID" => raid: Object<V1Raid>,
    }

    V1Raid => Raid {
        "Type" => kind: Text,
        "Health" => health: Text,
        "State" => state: Text,
        "TotalDrives" => total_drives: Count,
        "ActiveDrives" => active_drives: Count,
        "FailedDrives" => failed_drives: Count,
    }

    V1Drive => Drive {
        "Name" => name: Name,
        "SMARTTest" => smart_test: Text,
        "ErrorCount" => error_count: Count,
    }

    V1Service => Service {
        "Name" => name: Name,
        "Status" => status: Text,
    }

    V1Sample => Sample if Sample::is_timed {
        "Minute" => minute: Timestamp,
        "CPU" => cpu: Number,
        "IOWait" => iowait: Number,
        "RAM" => ram: Number,
        "Swap" => swap: Number,
        "Steal" => steal: Number,
        "Temp" => cpu_temp: Number,
        "Load1" => load_1: Number,
        "Load5" => load_5: Number,
        "Load15" => load_15: Number,
    }

    V1Interface => Interface {
        "Name" => name: Name,
        "NetIn" => net_in: Number,
        "NetOut" => net_out: Number,
    }

    V1Port => Port {
        "Port" => port: Count,
        "Connections" => connections: Count,
    }
}

/// `CPUCores`: both agents count logical CPUs there, whatever the name
/// says.
struct CpuCores;

impl Convert for CpuCores {
    type From = Count;
    type Value = Option<CpuCount>;

    fn convert(cores: Option<u64>) -> Option<CpuCount> {
        cores.filter(|n| *n > 0).map(|logical| CpuCount {
            logical,
            basis: format!("CPUCores {logical}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &[u8] = include_bytes!("../demo.json");

    /// What only the samples hold fails only the modes that read them:
    /// skipped, a lone surrogate (not JSON text serde_json checks when it
    /// skips) and a number beyond f64 are not read at all.
    #[test]
    fn unread_samples_fail_nothing() {
        let lone = r#"[{"CPU": "\udead"}]"#;
        for stats in [lone, r#"[{"Minute": 60, "CPU": 1e400}]"#] {
            let body = format!(r#"{{"AgentLastData": 60, "Stats": {stats}}}"#);
            let latest = parse_latest(200, body.as_bytes()).unwrap();
            assert_eq!(
                (latest.last_data, latest.stats.len()),
                (Some(60), 0),
                "{stats}"
            );
        }
        let body = format!(r#"{{"AgentLastData": 60, "Stats": {lone}}}"#);
        assert!(
            parse(200, body.as_bytes()).is_err(),
            "the whole read refuses it"
        );
    }

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
        let newest = snapshot.newest_samples(1)[0];
        assert_eq!(
            (newest.load_1, newest.load_5, newest.load_15),
            (Some(2.29), Some(3.72), Some(4.04))
        );
        assert_eq!((newest.steal, newest.cpu_temp), (Some(0.0), Some(24.65)));
        assert_eq!(snapshot.cpus.map(|c| c.logical), Some(12));
    }

    /// Agents older than the current Server Stats page send no steal,
    /// temperature or load; a value of the wrong kind is no reading either.
    #[test]
    fn fields_older_agents_lack_are_none_not_zero() {
        let body = br#"{"CPUCores": null, "Stats": [
            {"Minute": 60, "CPU": 1.5, "IOWait": 0, "RAM": 20, "Swap": 0},
            {"Minute": 120, "Load1": "NaN", "Load5": null, "Load15": "1.5",
             "Temp": "hot", "Steal": true}
        ]}"#;
        let snapshot = parse(200, body).unwrap();
        for sample in &snapshot.stats {
            assert_eq!(sample.steal, None);
            assert_eq!(sample.cpu_temp, None);
            assert_eq!((sample.load_1, sample.load_5), (None, None));
        }
        assert_eq!(snapshot.stats[1].load_15, Some(1.5));
        assert_eq!(snapshot.cpus, None);
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
        assert!(!unreachable(200, b"[]"));
    }
}
