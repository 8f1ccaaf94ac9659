//! One API call as a value: where it goes, how it is authenticated, which
//! cache entry holds its answer and how that answer is judged. Each
//! endpoint's module builds its own; `main` only runs them.

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

pub struct Request {
    pub api: Version,
    pub url: String,
    pub key: cache::Key,
    pub headers: Vec<(&'static str, String)>,
    pub refusal: Refusal,
    pub judge: Judge,
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
        }
    }

    /// A v3 call: the key travels in a bearer header.
    pub fn v3(
        url: String,
        key: cache::Key,
        token: &str,
        refusal: impl Fn(&Response, i64) -> Option<Failure> + 'static,
        judge: impl Fn(u16, &[u8]) -> Result<Snapshot, Failure> + 'static,
    ) -> Request {
        Request {
            api: Version::V3,
            url,
            key,
            headers: vec![v3::authorization(token)],
            refusal: Box::new(refusal),
            judge: Box::new(judge),
        }
    }

    /// The headers as `fetch::get` takes them.
    pub fn header_pairs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect()
    }
}
