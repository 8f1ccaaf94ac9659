//! `GET <base>/v3/uptime-monitors?id=<ID>`: one uptime monitor as
//! HetrixTools' own checks see it (status per location, uptime, SSL and
//! domain expiry). Modes status, ssl and domain share this one response.

use serde_json::Value;

use super::request::{Call, Request};
use super::typed::{Section, Text};
use super::{plain_name, v3};
use crate::cache;
use crate::failure::Failure;
use crate::model::{Location, Snapshot, UptimeMonitor};

pub fn url(base: &str, monitor: &str) -> String {
    format!(
        "{}/v3/uptime-monitors?id={monitor}",
        base.trim_end_matches('/')
    )
}

const ENDPOINT: v3::Endpoint<'static> = v3::Endpoint {
    scope: "v3 uptime monitors",
    not_found: "check -i and --api-url",
    v1_instead: false,
    takes_monitor: true,
};

/// What modes status, ssl and domain read (a v3 call, whatever `--api` says).
pub const CALL: Call = Call {
    name: "uptime monitor",
    needs_monitor: true,
    request: |access, _| request(access.base_url, access.token, access.monitor),
};

pub fn request(base: &str, token: &str, monitor: &str) -> Request {
    let id = monitor.to_string();
    Request::v3(
        url(base, monitor),
        cache::Key::new("v3-uptime-monitor", base, monitor, token),
        token,
        |response, now| v3::refused(response, now, &ENDPOINT),
        move |body| judge(body, &id),
    )
}

/// The monitor `id` from a list response that the refusal let through.
pub fn judge(body: &[u8], id: &str) -> Result<Snapshot, Failure> {
    let list = v3::object::<MonitorList>(body, &ENDPOINT)?;
    let found = list
        .monitors
        .0
        .into_iter()
        .find(|m| {
            m.id.0
                .as_deref()
                .is_some_and(|i| i.eq_ignore_ascii_case(id))
        })
        .ok_or_else(|| {
            Failure::new(format!(
                "HetrixTools has no uptime monitor {id} that this API key may see: check -i \
                 (check_hetrix --list-monitors lists yours)"
            ))
        })?;
    Ok(Snapshot {
        uptime_monitor: Some(UptimeMonitor {
            uptime_status: found.uptime_status.0,
            monitor_status: found.monitor_status.0,
            uptime: uptime(&found.uptime),
            locations: locations(&found.locations),
            ssl_expiration: found.ssl_expiration.0,
            domain_expiration: found.domain_expiration.0,
        }),
        ..Snapshot::default()
    })
}

super::typed::fields! {
    MonitorList {
        "monitors" => monitors: Section<RawMonitor>,
    }

    RawMonitor {
        "id" => id: Text,
        "uptime_status" => uptime_status: Text,
        "monitor_status" => monitor_status: Text,
        "uptime" => uptime: Value,
        "locations" => locations: Value,
        "ssl_expiration_date" => ssl_expiration: Text,
        "domain_expiration_date" => domain_expiration: Text,
    }
}

/// `locations` in any shape seen: the example's object keyed by location,
/// the spec's array of such objects, each value an object or a one-element
/// array of one, or null (heartbeats). Sorted by name; a name seen twice
/// keeps its first entry.
fn locations(value: &Value) -> Vec<Location> {
    let keyed: Vec<(&String, &Value)> = match value {
        Value::Object(map) => map.iter().collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|map| map.iter())
            .collect(),
        _ => Vec::new(),
    };
    let mut found: Vec<Location> = Vec::new();
    for (key, entry) in keyed {
        let entry = match entry {
            Value::Array(items) => items.first().unwrap_or(&Value::Null),
            other => other,
        };
        let (Some(name), Some(fields)) = (plain_name(key), entry.as_object()) else {
            continue;
        };
        if found.iter().any(|l| l.name == name) {
            continue;
        }
        found.push(Location {
            name,
            status: fields
                .get("uptime_status")
                .and_then(Value::as_str)
                .map(|s| s.trim().to_ascii_lowercase()),
            // A negative time is no measurement, and outside every 0..N range.
            response_time: fields
                .get("response_time")
                .and_then(number)
                .filter(|ms| *ms >= 0.0),
        });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// The overall uptime %: declared a string, sent as a number in the
/// example; `"99.95%"` reads too. Outside 0..=100 it is no percentage.
fn uptime(value: &Value) -> Option<f64> {
    match value {
        Value::String(s) => s.trim().trim_end_matches('%').trim().parse().ok(),
        other => number(other),
    }
    .filter(|p: &f64| (0.0..=100.0).contains(p))
}

/// A number, or a string holding one, as the other fields read them.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use serde_json::json;

    const ID: &str = "0123456789abcdef0123456789abcdef";

    fn monitor(fields: Value) -> Result<UptimeMonitor, Failure> {
        let mut item = json!({"id": ID});
        for (key, value) in fields.as_object().unwrap() {
            item[key] = value.clone();
        }
        let body = json!({"monitors": [item]}).to_string();
        judge(body.as_bytes(), ID).map(|s| s.uptime_monitor.unwrap())
    }

    fn names_and_times(locations: &[Location]) -> Vec<(String, Option<f64>)> {
        locations
            .iter()
            .map(|l| (l.name.clone(), l.response_time))
            .collect()
    }

    #[rstest]
    #[case::object(json!({"new_york": {"uptime_status": "up", "response_time": 120, "last_check": 1},
                          "london": {"uptime_status": "down", "response_time": "80"}}))]
    #[case::array_of_objects(json!([{"new_york": {"uptime_status": "up", "response_time": 120}},
                                    {"london": [{"uptime_status": "down", "response_time": 80}]}]))]
    #[case::object_of_arrays(json!({"london": [{"uptime_status": "DOWN", "response_time": 80.0}],
                                    "new_york": [{"uptime_status": "up", "response_time": 120}]}))]
    fn reads_locations_in_either_shape(#[case] locations: Value) {
        let read = monitor(json!({"locations": locations})).unwrap().locations;
        assert_eq!(
            names_and_times(&read),
            [
                ("london".into(), Some(80.0)),
                ("new_york".into(), Some(120.0))
            ]
        );
        assert_eq!(read[0].status.as_deref(), Some("down"));
    }

    #[rstest]
    #[case::null(json!(null))]
    #[case::missing(json!("absent"))]
    #[case::text(json!("new_york"))]
    #[case::number(json!(7))]
    #[case::empty_object(json!({}))]
    #[case::junk_entries(json!({"new_york": 5, "": {"uptime_status": "up"}, "x": [], "|'=": null}))]
    fn reads_no_locations_from_anything_else(#[case] locations: Value) {
        let fields = match locations.as_str() {
            Some("absent") => json!({}),
            _ => json!({"locations": locations}),
        };
        assert_eq!(monitor(fields).unwrap().locations, []);
    }

    #[rstest]
    #[case(json!(-1), None)]
    #[case(json!("-5"), None)]
    #[case(json!(0), Some(0.0))]
    #[case(json!("250"), Some(250.0))]
    fn a_negative_response_time_is_no_reading(#[case] ms: Value, #[case] expected: Option<f64>) {
        let read =
            monitor(json!({"locations": {"london": {"uptime_status": "up", "response_time": ms}}}))
                .unwrap()
                .locations;
        assert_eq!(read[0].response_time, expected);
    }

    #[test]
    fn location_names_are_made_safe_for_labels() {
        let read = monitor(json!({"locations": {"new york|x": {"uptime_status": "up"}}}))
            .unwrap()
            .locations;
        assert_eq!(read[0].name, "new_york_x");
    }

    #[rstest]
    #[case(json!(99.9588), Some(99.9588))]
    #[case(json!("99.95"), Some(99.95))]
    #[case(json!(null), None)]
    #[case(json!("n/a"), None)]
    #[case(json!("99.95%"), Some(99.95))]
    #[case(json!(" 100 % "), Some(100.0))]
    #[case(json!(150), None)]
    #[case(json!("-1"), None)]
    #[case(json!([99]), None)]
    fn uptime_as_string_or_number(#[case] uptime: Value, #[case] expected: Option<f64>) {
        assert_eq!(monitor(json!({"uptime": uptime})).unwrap().uptime, expected);
    }

    #[rstest]
    #[case::empty(json!({"monitors": []}))]
    #[case::other_monitor(json!({"monitors": [{"id": "ffffffffffffffffffffffffffffffff"}]}))]
    #[case::no_list(json!({"status": "ok"}))]
    #[case::list_is_null(json!({"monitors": null}))]
    fn an_unknown_id_is_named(#[case] body: Value) {
        let error = judge(body.to_string().as_bytes(), ID)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&format!("no uptime monitor {ID}")),
            "{error}"
        );
    }

    #[rstest]
    #[case(b"<html>502 Bad Gateway</html>".as_slice(), "HTML page")]
    #[case(b"{\"monitors\": [".as_slice(), "not valid JSON")]
    #[case(b"[]".as_slice(), "an array instead of a JSON object")]
    fn bodies_that_are_no_object_fail(#[case] body: &[u8], #[case] message: &str) {
        let error = judge(body, ID).unwrap_err().to_string();
        assert!(error.contains(message), "{error}");
    }

    #[test]
    fn the_url_carries_the_id_and_never_the_key() {
        let request = request("http://h/", "tok3nSECRETabc123", ID);
        assert_eq!(request.url, format!("http://h/v3/uptime-monitors?id={ID}"));
        assert_eq!(request.headers[0].1, "Bearer tok3nSECRETabc123");
    }
}
