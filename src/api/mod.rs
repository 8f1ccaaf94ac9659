//! API adapters: each turns one HetrixTools API's responses into the
//! shared [`Snapshot`](crate::model::Snapshot). They are the only code that
//! knows field names.

pub mod rate_limit;
pub mod v1;
pub mod v3;

mod lenient;
mod typed;

/// Which HetrixTools API a run talks to (`--api`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Version {
    #[default]
    V1,
    V3,
}

/// What to do about an HTTP status other than 200, worded the same for
/// every API. `not_found` is the call's own advice for 404.
fn status_advice(status: u16, not_found: &str) -> &str {
    match status {
        400 => "the API refused the request: check --api-url (the base URL, without /v1 or /v3)",
        401 => "the API key was not accepted: check HETRIX_API_TOKEN, --token-file or -T",
        403 => {
            "the API key lacks permission for this call: allow it in HetrixTools under Account, API keys"
        }
        404 => not_found,
        429 => "rate limited; check less often",
        500..=599 => "HetrixTools or a proxy in between has a problem; try again later",
        _ => "check --api-url",
    }
}
