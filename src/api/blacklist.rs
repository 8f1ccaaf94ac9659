//! `GET <base>/v3/blacklist-monitors/<identifier>/report`: where a
//! blacklist monitor's IP or domain is listed today. The identifier is the
//! monitor's ID, its IP or its hostname.

use serde_json::Value;

use super::request::{Call, Request};
use super::typed::Text;
use super::{plain_name, v3};
use crate::cache;
use crate::failure::Failure;
use crate::model::{BlacklistReport, Listing, Snapshot, unnamed};

pub fn url(base: &str, identifier: &str) -> String {
    format!(
        "{}/v3/blacklist-monitors/{identifier}/report",
        base.trim_end_matches('/')
    )
}

fn endpoint(not_found: &str) -> v3::Endpoint<'_> {
    v3::Endpoint {
        scope: "v3 blacklist monitor report",
        not_found,
        v1_instead: false,
        takes_monitor: true,
    }
}

/// What mode blacklist reads (a v3 call, whatever `--api` says).
pub const CALL: Call = Call {
    name: "blacklist report",
    needs_monitor: true,
    request: |access, _| request(access.base_url, access.token, access.monitor),
};

pub fn request(base: &str, token: &str, identifier: &str) -> Request {
    let not_found = format!(
        "no blacklist monitor for {identifier}: check -i (a blacklist monitor's ID, IP or hostname)"
    );
    Request::v3(
        url(base, identifier),
        cache::Key::new("v3-blacklist-report", base, identifier, token),
        token,
        move |response, now| v3::refused(response, now, &endpoint(&not_found)),
        judge,
    )
}

pub fn judge(body: &[u8]) -> Result<Snapshot, Failure> {
    let report = v3::object::<RawReport>(body, &endpoint("check -i"))?;
    Ok(Snapshot {
        blacklist: Some(BlacklistReport {
            target: report.target.0.as_deref().and_then(plain_name),
            report_id: report
                .report_id
                .0
                .filter(|id| id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())),
            listed: listed(&report.listed),
        }),
        ..Snapshot::default()
    })
}

super::typed::fields! {
    RawReport {
        "target" => target: Text,
        "report_id" => report_id: Text,
        "listed" => listed: Value,
    }
}

/// The RBLs of `listed`; `None` unless it is an array, since a missing or
/// garbled list says nothing about the target. An entry that names no RBL
/// still counts: the API listed the target somewhere.
fn listed(value: &Value) -> Option<Vec<Listing>> {
    let items = value.as_array()?;
    Some(
        items
            .iter()
            .map(|item| Listing {
                rbl: item
                    .get("rbl")
                    .and_then(Value::as_str)
                    .and_then(plain_name)
                    .unwrap_or_else(unnamed),
                delist: item
                    .get("delist")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|url| is_plain_url(url))
                    .map(str::to_string),
            })
            .collect(),
    )
}

/// An http(s) address with nothing in it that could break a line of output.
fn is_plain_url(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://"))
        && text.len() <= 300
        && text.bytes().all(|b| b.is_ascii_graphic() && b != b'|')
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use serde_json::json;

    fn report(body: Value) -> BlacklistReport {
        judge(body.to_string().as_bytes())
            .unwrap()
            .blacklist
            .unwrap()
    }

    #[rstest]
    #[case::empty(json!([]), Some(0))]
    #[case::two(json!([{"rbl": "zen.spamhaus.org", "delist": "https://x"}, {"rbl": "b.barracudacentral.org"}]), Some(2))]
    #[case::odd_entries(json!([7, {"rbl": null}, "bl.spamcop.net"]), Some(3))]
    #[case::missing(json!("absent"), None)]
    #[case::null(json!(null), None)]
    #[case::text(json!("zen.spamhaus.org"), None)]
    #[case::object(json!({"rbl": "zen.spamhaus.org"}), None)]
    fn an_empty_list_differs_from_a_missing_one(
        #[case] listed: Value,
        #[case] expected: Option<usize>,
    ) {
        let body = match listed.as_str() {
            Some("absent") => json!({"target": "192.0.2.1"}),
            _ => json!({"target": "192.0.2.1", "listed": listed}),
        };
        assert_eq!(report(body).listed.map(|l| l.len()), expected);
    }

    #[test]
    fn names_and_links_are_kept_only_when_safe_to_print() {
        let read = report(json!({
            "target": "mail.example.com",
            "report_id": "abc|def",
            "listed": [{"rbl": "evil|rbl, x", "delist": "https://ok.example/delist?ip=1"},
                       {"rbl": "two", "delist": "javascript:alert(1)"},
                       {"rbl": "three", "delist": "https://a b"}]
        }));
        let listed = read.listed.unwrap();
        assert_eq!(listed[0].rbl, "evil_rbl__x");
        assert_eq!(
            listed[0].delist.as_deref(),
            Some("https://ok.example/delist?ip=1")
        );
        assert_eq!(listed[1].delist, None);
        assert_eq!(listed[2].delist, None);
        assert_eq!(read.report_id, None);
        assert_eq!(read.target.as_deref(), Some("mail.example.com"));
    }

    #[test]
    fn a_404_names_the_identifier() {
        let request = request("http://h", "tok3nSECRETabc123", "192.0.2.1");
        assert_eq!(
            request.url,
            "http://h/v3/blacklist-monitors/192.0.2.1/report"
        );
        let response = crate::fetch::Response {
            status: 404,
            headers: Vec::new(),
            body: br#"{"status":"not_found","message":"error message"}"#.to_vec(),
        };
        let message = (request.refusal)(&response, 0).unwrap().to_string();
        assert!(
            message.contains("no blacklist monitor for 192.0.2.1"),
            "{message}"
        );
    }
}
