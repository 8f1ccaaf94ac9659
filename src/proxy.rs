//! The proxy for a request, chosen from the environment the way curl
//! chooses it, so a plugin host configured for curl works unchanged.
//!
//! ureq's own `Proxy::try_from_env` differs from curl in ways that matter
//! here: it prefers `ALL_PROXY` over `HTTPS_PROXY`, uses `HTTP_PROXY` for
//! https URLs, and its `NO_PROXY` entry `example.com` does not cover
//! `api.example.com`.

use crate::failure::Failure;

/// Every variable [`for_request`] may look up, so that a run can take them
/// from its environment once.
pub const VARIABLES: &[&str] = &[
    "no_proxy",
    "NO_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "http_proxy",
    "all_proxy",
    "ALL_PROXY",
];

/// The proxy for a request to `scheme://host` with the variable that named
/// it, or `None` to connect directly. `env` looks up environment variables.
///
/// curl's rules: `https_proxy`/`HTTPS_PROXY` for https, `http_proxy` (only
/// lower case: CGI servers set `HTTP_PROXY` from a request header) for
/// http, then `all_proxy`/`ALL_PROXY`; lower case first, empty means unset;
/// hosts matching `no_proxy`/`NO_PROXY` go direct.
pub fn for_request(
    scheme: &str,
    host: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<(&'static str, ureq::Proxy)>, Failure> {
    let set = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    let no_proxy = set("no_proxy").or_else(|| set("NO_PROXY"));
    if no_proxy.is_some_and(|list| bypasses(&list, host)) {
        return Ok(None);
    }
    let candidates: &[&'static str] = if scheme.eq_ignore_ascii_case("https") {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "all_proxy", "ALL_PROXY"]
    };
    let Some((name, value)) = candidates
        .iter()
        .find_map(|name| set(name).map(|value| (*name, value)))
    else {
        return Ok(None);
    };
    // The value is never quoted in messages: it may hold a password.
    if value.trim().to_ascii_lowercase().starts_with("socks") {
        return Err(Failure::new(format!(
            "{name} names a SOCKS proxy, which check_hetrix does not support (use an HTTP proxy, or exempt the API host in NO_PROXY)"
        )));
    }
    let proxy = ureq::Proxy::new(value.trim()).map_err(|_| {
        Failure::new(format!(
            "{name} is not a valid proxy URL (expected http://host:port)"
        ))
    })?;
    Ok(Some((name, proxy)))
}

/// Whether a `NO_PROXY` list exempts `host`: `*` exempts every host, an
/// entry exempts itself and its subdomains, a leading dot is ignored.
fn bypasses(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    list.split([',', ' ', '\t'])
        .map(|entry| entry.trim().trim_start_matches('.').to_ascii_lowercase())
        .filter(|entry| !entry.is_empty())
        .any(|entry| {
            let entry = entry.trim_start_matches('[').trim_end_matches(']');
            entry == "*"
                || host == entry
                || host
                    .strip_suffix(entry)
                    .is_some_and(|rest| rest.ends_with('.'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use std::cell::RefCell;

    #[rstest]
    fn asks_only_for_the_listed_variables(
        #[values("https", "http")] scheme: &str,
        #[values("example.com", "other.org")] host: &str,
    ) {
        let asked = RefCell::new(Vec::new());
        let env = |name: &str| {
            asked.borrow_mut().push(name.to_string());
            (name == "no_proxy").then(|| "example.com".to_string())
        };
        for_request(scheme, host, env).unwrap();
        let asked = asked.into_inner();
        assert!(!asked.is_empty());
        for name in &asked {
            assert!(VARIABLES.contains(&name.as_str()), "{name}");
        }
    }

    /// The proxy host chosen for a request, from an environment of
    /// `name=value` pairs.
    fn chosen(scheme: &str, host: &str, vars: &[(&str, &str)]) -> Option<String> {
        let env = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        for_request(scheme, host, env)
            .unwrap()
            .map(|(_, proxy)| proxy.host().to_string())
    }

    #[rstest]
    #[case("https", &[("HTTPS_PROXY", "http://a:1")], Some("a"))]
    #[case("https", &[("https_proxy", "http://a:1"), ("HTTPS_PROXY", "http://b:1")], Some("a"))]
    #[case("https", &[("ALL_PROXY", "http://c:1")], Some("c"))]
    #[case("https", &[("HTTPS_PROXY", "http://a:1"), ("ALL_PROXY", "http://c:1")], Some("a"))]
    #[case("https", &[("HTTP_PROXY", "http://a:1"), ("http_proxy", "http://a:1")], None)]
    #[case("https", &[("HTTPS_PROXY", ""), ("ALL_PROXY", "http://c:1")], Some("c"))]
    #[case("http", &[("http_proxy", "http://a:1")], Some("a"))]
    #[case("http", &[("HTTP_PROXY", "http://a:1")], None)]
    #[case("http", &[("HTTPS_PROXY", "http://a:1")], None)]
    #[case("http", &[("all_proxy", "http://c:1")], Some("c"))]
    #[case("https", &[], None)]
    fn chooses_the_variable_curl_would(
        #[case] scheme: &str,
        #[case] vars: &[(&str, &str)],
        #[case] expected: Option<&str>,
    ) {
        assert_eq!(chosen(scheme, "api.example.com", vars).as_deref(), expected);
    }

    #[rstest]
    #[case("*", "api.example.com", true)]
    #[case("example.com", "api.example.com", true)]
    #[case(".example.com", "api.example.com", true)]
    #[case("EXAMPLE.com", "api.example.com", true)]
    #[case("example.com", "example.com", true)]
    #[case("other.org, example.com", "api.example.com", true)]
    #[case("ample.com", "api.example.com", false)]
    #[case("api.example.com.evil", "api.example.com", false)]
    #[case("127.0.0.1", "127.0.0.1", true)]
    #[case("::1", "[::1]", true)]
    #[case("", "api.example.com", false)]
    fn no_proxy_matches_hosts_and_subdomains(
        #[case] list: &str,
        #[case] host: &str,
        #[case] bypassed: bool,
    ) {
        assert_eq!(bypasses(list, host), bypassed);
        let vars = [("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", list)];
        assert_eq!(chosen("https", host, &vars).is_none(), bypassed);
    }

    #[rstest]
    #[case("socks5://user:s3cret@p:1080", "SOCKS")]
    #[case("http://p a:1", "not a valid proxy URL")]
    fn refuses_what_it_cannot_use_without_quoting_it(#[case] value: &str, #[case] message: &str) {
        let env = |name: &str| (name == "HTTPS_PROXY").then(|| value.to_string());
        let error = for_request("https", "api.example.com", env)
            .unwrap_err()
            .to_string();
        assert!(error.contains(message), "{error}");
        assert!(error.contains("HTTPS_PROXY"), "{error}");
        assert!(!error.contains("s3cret"), "{error}");
    }
}
