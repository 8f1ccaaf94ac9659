//! `GET <base>/v3/blacklist-monitors`: the account's blacklist monitors
//! (an IPv4 address or a domain each), page by page, for
//! `--list-monitors --blacklists`.

use super::typed::{Object, Section, Text};
use super::v3::{self, ListMeta};
use crate::failure::Failure;
use crate::fetch::Response;

/// Blacklist monitors per page: the API's maximum for this list (1024),
/// so most accounts take one call.
pub const PAGE_SIZE: u32 = 1024;

pub fn url(base: &str, page: u64) -> String {
    format!(
        "{}/v3/blacklist-monitors?per_page={PAGE_SIZE}&page={page}",
        base.trim_end_matches('/')
    )
}

const ENDPOINT: v3::Endpoint<'static> = v3::Endpoint {
    scope: "v3 blacklist monitors",
    not_found: "check --api-url",
    v1_instead: false,
    takes_monitor: false,
};

#[derive(Debug, Clone, PartialEq)]
pub struct BlacklistMonitor {
    pub id: String,
    pub name: String,
    /// `ipv4` or `domain`.
    pub kind: Option<String>,
    /// The IP address or domain watched.
    pub target: Option<String>,
    /// `active`, `disabled` or `processing`.
    pub status: Option<String>,
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct BlacklistPage {
    pub monitors: Vec<BlacklistMonitor>,
    /// The next page's number; `None` on the last page.
    pub next: Option<u64>,
}

pub fn parse(response: &Response, now: i64) -> Result<BlacklistPage, Failure> {
    if let Some(refusal) = v3::refused(response, now, &ENDPOINT) {
        return Err(refusal);
    }
    let list = v3::object::<BlacklistList>(&response.body, &ENDPOINT)?;
    Ok(BlacklistPage {
        monitors: list
            .monitors
            .0
            .into_iter()
            .chain(list.blacklist_monitors.0)
            .filter_map(|m| {
                Some(BlacklistMonitor {
                    id: v3::plain_id(m.id.0)?,
                    name: m.name.0.unwrap_or_default(),
                    kind: m.kind.0,
                    target: m.target.0,
                    status: m.status.0,
                })
            })
            .collect(),
        next: v3::next_page(list.meta.0),
    })
}

super::typed::fields! {
    /// The facts do not name the list's key: `monitors` as in the uptime
    /// monitor list, or `blacklist_monitors`; either is read.
    BlacklistList {
        "monitors" => monitors: Section<RawBlacklistMonitor>,
        "blacklist_monitors" => blacklist_monitors: Section<RawBlacklistMonitor>,
        "meta" => meta: Object<ListMeta>,
    }

    RawBlacklistMonitor {
        "id" => id: Text,
        "name" => name: Text,
        "type" => kind: Text,
        "target" => target: Text,
        "status" => status: Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn response(status: u16, body: &Value) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        }
    }

    #[test]
    fn the_url_asks_for_the_largest_page() {
        assert_eq!(
            url("http://h/", 3),
            "http://h/v3/blacklist-monitors?per_page=1024&page=3"
        );
    }

    #[test]
    fn reads_monitors_and_the_next_page_tolerantly() {
        let body = json!({
            "monitors": [
                {"id": "abc123", "name": "mail", "type": "ipv4", "target": "192.0.2.25",
                 "status": "active", "listed": [{"rbl": "x", "delist": "https://x"}]},
                {"id": 42, "name": null, "type": 7, "target": null},
                {"name": "no id"},
                {"id": "a\"b", "name": "bad id"},
                "not an object"
            ],
            "meta": {"pagination": {"current": 1, "next": 2}}
        });
        let page = parse(&response(200, &body), 0).unwrap();
        assert_eq!(page.next, Some(2));
        assert_eq!(page.monitors.len(), 2, "{:?}", page.monitors);
        assert_eq!(page.monitors[0].target.as_deref(), Some("192.0.2.25"));
        assert_eq!(page.monitors[0].kind.as_deref(), Some("ipv4"));
        assert_eq!(page.monitors[1].id, "42");
        assert_eq!(page.monitors[1].name, "");
        assert_eq!(page.monitors[1].target, None);
        let other_key = json!({"blacklist_monitors": [{"id": "x1", "target": "example.com"}]});
        let page = parse(&response(200, &other_key), 0).unwrap();
        assert_eq!(page.monitors[0].target.as_deref(), Some("example.com"));
        assert_eq!(page.next, None);
    }

    #[test]
    fn refusals_name_the_call() {
        let failure = parse(&response(403, &json!({"message": "scope"})), 0).unwrap_err();
        assert!(
            failure.to_string().contains("v3 blacklist monitors"),
            "{failure}"
        );
        let empty = parse(&response(200, &json!({"meta": {}})), 0).unwrap();
        assert_eq!(
            empty,
            BlacklistPage {
                monitors: Vec::new(),
                next: None
            }
        );
    }
}
