//! API adapters: each turns one HetrixTools API's responses into the
//! shared [`Snapshot`](crate::model::Snapshot). They are the only code that
//! knows field names.

pub mod blacklist;
pub mod processes;
pub mod rate_limit;
pub mod request;
pub mod uptime_monitors;
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

/// A name the API sent (a location, an RBL) as the first line and perfdata
/// labels can carry it: letters, digits, `_`, `-` and `.`, anything else as
/// `_`; `None` when it is blank.
fn plain_name(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| {
        text.chars()
            .take(NAME_CHARS)
            .map(|c| match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' | '.' => c,
                _ => '_',
            })
            .collect()
    })
}

/// The longest name kept: real location and RBL names are far shorter.
const NAME_CHARS: usize = 64;
