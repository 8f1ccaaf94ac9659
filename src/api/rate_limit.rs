//! HTTP 429 from any HetrixTools API: which limit was hit and, from
//! `Retry-After` or v3's `ratelimit-reset-*` headers, when it resets.

use crate::failure::Failure;
use crate::fetch::Response;
use crate::output::duration;

/// v3's per-user and per-endpoint limits, in the order they are named.
const SCOPES: [&str; 2] = ["user", "endpoint"];

/// The failure for a rate-limited v1 response, `None` for any other.
/// `limit` names the API's documented limits; `now` is unix seconds.
pub fn refusal(response: &Response, limit: &str, now: i64) -> Option<Failure> {
    if response.status != 429 {
        return None;
    }
    let mut limits = vec![limit.to_string()];
    for scope in SCOPES {
        if let Some(Ok(calls)) = response
            .header(&format!("ratelimit-limit-{scope}"))
            .map(str::parse::<u64>)
        {
            limits.push(format!("{scope} limit {calls}"));
        }
    }
    Some(Failure::new(format!(
        "HetrixTools API answered HTTP 429: rate limited ({}) and {}: {ADVICE}",
        limits.join(", "),
        reset(response, now)
    )))
}

/// What to tell about a v3 429: the limit that ran out and when it resets.
pub fn advice(response: &Response, now: i64) -> String {
    let scope = exhausted(response)
        .first()
        .map(|scope| format!(" (per-{scope} limit)"))
        .unwrap_or_default();
    format!("rate limited{scope} and {}: {ADVICE}", reset(response, now))
}

/// The `ratelimit-remaining-*` headers for `-v`, if the API sent any,
/// naming the `endpoint` the call went to.
pub fn remaining(response: &Response, endpoint: &str, now: i64) -> Option<String> {
    let parts: Vec<String> = SCOPES
        .iter()
        .filter_map(|scope| {
            // A number, not the header's text: `-v` lines are plugin
            // output, and a `|` in them would start perfdata.
            let left: u64 = response
                .header(&format!("ratelimit-remaining-{scope}"))?
                .parse()
                .ok()?;
            let reset = reset_in(response, scope, now)
                .map(|s| format!(" (resets in {})", duration(s)))
                .unwrap_or_default();
            Some(format!("{left} calls left for the {scope}{reset}"))
        })
        .collect();
    (!parts.is_empty()).then(|| format!("rate limit ({endpoint}): {}", parts.join(", ")))
}

const ADVICE: &str = "check less often or raise --cache-ttl";

/// The scopes whose remaining calls are 0.
fn exhausted(response: &Response) -> Vec<&'static str> {
    SCOPES
        .into_iter()
        .filter(|scope| response.header(&format!("ratelimit-remaining-{scope}")) == Some("0"))
        .collect()
}

/// Seconds until the `scope` limit resets. HetrixTools documents a unix
/// time; small numbers can only be seconds to wait, as the IETF RateLimit
/// draft has it.
fn reset_in(response: &Response, scope: &str, now: i64) -> Option<i64> {
    // Neither a time nor a wait is negative: such a header says nothing.
    let at: i64 = response
        .header(&format!("ratelimit-reset-{scope}"))?
        .parse()
        .ok()
        .filter(|at| *at >= 0)?;
    Some(if at > 1_000_000_000 { at - now } else { at }.max(0))
}

/// When calls are allowed again: `Retry-After`, else the reset of the
/// exhausted limit (or, if none says it ran out, the latest reset).
fn reset(response: &Response, now: i64) -> String {
    if let Some(value) = response.header("retry-after") {
        if let Ok(seconds) = value.parse::<u32>() {
            return format!("it resets in {} (Retry-After)", duration(seconds.into()));
        }
        // An HTTP date; shown as sent, if it looks like one.
        if value.bytes().any(|b| b.is_ascii_alphabetic())
            && value.len() <= 40
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b" ,:-".contains(&b))
        {
            return format!("it resets at {value} (Retry-After)");
        }
    }
    let exhausted = exhausted(response);
    let scopes = if exhausted.is_empty() {
        SCOPES.to_vec()
    } else {
        exhausted
    };
    scopes
        .iter()
        .filter_map(|scope| Some((reset_in(response, scope, now)?, *scope)))
        .max()
        .map_or(
            "the API did not say when it resets".to_string(),
            |(wait, scope)| format!("it resets in {} (ratelimit-reset-{scope})", duration(wait)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const NOW: i64 = 1_800_000_000;

    fn answer(status: u16, headers: &[(&str, &str)]) -> Option<String> {
        let response = Response {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: Vec::new(),
        };
        refusal(&response, "120 a minute", NOW).map(|f| f.to_string())
    }

    #[rstest]
    #[case(&[("retry-after", "30")], "it resets in 30 s (Retry-After)")]
    #[case(&[("Retry-After", "120")], "it resets in 2 min (Retry-After)")]
    #[case(
        &[("retry-after", "Wed, 21 Oct 2026 07:28:00 GMT")],
        "it resets at Wed, 21 Oct 2026 07:28:00 GMT (Retry-After)"
    )]
    #[case(&[("retry-after", "<script>")], "did not say when it resets")]
    #[case(
        &[("ratelimit-reset-user", "1800000090")],
        "it resets in 1 min (ratelimit-reset-user)"
    )]
    #[case(
        &[("ratelimit-reset-endpoint", "45")],
        "it resets in 45 s (ratelimit-reset-endpoint)"
    )]
    #[case(&[], "the API did not say when it resets")]
    #[case(&[("ratelimit-reset-user", "-1"), ("retry-after", "-5")], "did not say when it resets")]
    fn says_when_the_limit_resets(#[case] headers: &[(&str, &str)], #[case] expected: &str) {
        let message = answer(429, headers).unwrap();
        assert!(message.contains(expected), "{message}");
        assert!(message.contains("HTTP 429: rate limited (120 a minute"));
    }

    #[test]
    fn names_the_limits_the_api_reports() {
        let message = answer(429, &[("ratelimit-limit-user", "300")]).unwrap();
        assert!(
            message.contains("(120 a minute, user limit 300)"),
            "{message}"
        );
    }

    #[test]
    fn other_statuses_pass() {
        assert_eq!(answer(200, &[("retry-after", "30")]), None);
        assert_eq!(answer(500, &[]), None);
    }
}
