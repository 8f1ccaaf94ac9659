//! One API call as a value: where it goes, how it is authenticated, which
//! cache entry holds its answer and how that answer is judged. Each
//! endpoint's module builds its own, and a mode names the [`Call`] it
//! reads; `app` only runs the request it gets.

use super::{Version, v1, v3};
use crate::cache;
use crate::failure::Failure;
use crate::fetch::Response;
use crate::model::Snapshot;

/// Why a response failed, judged while its headers still exist (the cache
/// hands the judge only status and body); `None` lets it through.
pub type Refusal = Box<dyn Fn(&Response, i64) -> Option<Failure>>;

/// A response that was let through, as a snapshot.
pub type Judge = Box<dyn Fn(u16, &[u8]) -> Result<Snapshot, Failure>>;

/// What a run may call: the API's base URL, the key and the monitor
/// (empty for calls about the account).
pub struct Access<'a> {
    pub base_url: &'a str,
    pub token: &'a str,
    pub monitor: &'a str,
}

/// The API call a mode reads its data from: each endpoint's module (or
/// [`api`](super) for one that differs by version) defines one as a
/// `const`, and a mode names it.
#[derive(Clone, Copy)]
pub struct Call {
    /// Tells calls apart (a mode's call is compared, never its request).
    pub name: &'static str,
    /// Whether the call is about one monitor, so `-i` is required.
    pub needs_monitor: bool,
    pub request: fn(&Access, Version) -> Request,
}

impl PartialEq for Call {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

pub struct Request {
    pub api: Version,
    pub url: String,
    pub key: cache::Key,
    pub headers: Vec<(&'static str, String)>,
    pub refusal: Refusal,
    pub judge: Judge,
    /// What `-v` says about the snapshot it read, if anything.
    pub inventory: Option<fn(&Snapshot) -> String>,
}

impl Request {
    /// A v1 call: the key is in `url`, refusals are v1's rate limit.
    pub fn v1(
        url: String,
        key: cache::Key,
        judge: fn(u16, &[u8]) -> Result<Snapshot, Failure>,
    ) -> Request {
        Request {
            api: Version::V1,
            url,
            key,
            headers: Vec::new(),
            refusal: Box::new(v1::refusal),
            judge: Box::new(judge),
            inventory: None,
        }
    }

    /// A v3 call: the key travels in a bearer header. Every status but
    /// 200 is the refusal's to explain, so `judge` reads only bodies of a
    /// 200; a cache entry of another status (never written by us) is not
    /// one to read.
    pub fn v3(
        url: String,
        key: cache::Key,
        token: &str,
        refusal: impl Fn(&Response, i64) -> Option<Failure> + 'static,
        judge: impl Fn(&[u8]) -> Result<Snapshot, Failure> + 'static,
    ) -> Request {
        Request {
            api: Version::V3,
            url,
            key,
            headers: vec![v3::authorization(token)],
            refusal: Box::new(refusal),
            judge: Box::new(move |status, body| match status {
                200 => judge(body),
                _ => Err(Failure::new(format!(
                    "HetrixTools API v3 answered HTTP {status}"
                ))),
            }),
            inventory: None,
        }
    }

    /// The same request, saying what it read under `-v`.
    pub fn with_inventory(self, inventory: fn(&Snapshot) -> String) -> Request {
        Request {
            inventory: Some(inventory),
            ..self
        }
    }

    /// The headers as `Client::get` takes them.
    pub fn header_pairs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect()
    }
}
