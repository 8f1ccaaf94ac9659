//! HTTP GET with a deadline and a size cap, and failures turned into
//! sentences an operator can act on.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::tls::{RootCerts, TlsConfig};

use crate::failure::Failure;

/// The largest real payloads are tens of KiB; a body this large is an
/// error page gone wrong or an attack, and is not worth the memory.
pub const MAX_BODY_BYTES: u64 = 8 * 1024 * 1024;

pub struct Response {
    pub status: u16,
    /// Names in lower case; values that are not text are left out.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The value of header `name` (lower case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Fetches `url`, giving up at `deadline` whatever stage the request is
/// in. `host` names the server in messages (never the URL: v1 URLs hold the
/// token). `headers` are sent with the request (v3 authenticates with one).
pub fn get(
    url: &str,
    host: &str,
    deadline: Instant,
    headers: &[(&str, &str)],
) -> Result<Response, Failure> {
    let budget = deadline.saturating_duration_since(Instant::now());
    let seconds = budget.as_secs_f64().ceil();
    let timed_out = |stage: &str| {
        Failure::new(format!(
            "timeout after {seconds} s {stage} {host} (raise -t, or check the network path to the API)"
        ))
    };
    let mut config = Agent::config_builder()
        .timeout_global(Some(budget.max(Duration::from_millis(1))))
        .http_status_as_error(false)
        .max_redirects(3)
        .user_agent(concat!("check_hetrix/", env!("CARGO_PKG_VERSION")));
    // Loading the system trust store costs time; plain-http URLs (tests,
    // local relays) do not need it.
    if url.starts_with("https:") {
        config = config.tls_config(
            TlsConfig::builder()
                .root_certs(RootCerts::PlatformVerifier)
                .build(),
        );
    }
    let agent: Agent = config.build().into();

    let mut request = agent.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.call().map_err(|error| match error {
        ureq::Error::Timeout(_) => timed_out("waiting for"),
        other => describe(other, host),
    })?;
    let status = response.status().as_u16();
    let response_headers = response
        .headers()
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_vec()
        .map_err(|error| match error {
            ureq::Error::Timeout(_) => timed_out("while reading the response from"),
            other => describe(other, host),
        })?;
    Ok(Response {
        status,
        headers: response_headers,
        body,
    })
}

fn too_large() -> Failure {
    Failure::new(format!(
        "response larger than {} MiB; refusing it (is --api-url pointing at the HetrixTools API?)",
        MAX_BODY_BYTES / 1024 / 1024
    ))
}

fn describe(error: ureq::Error, host: &str) -> Failure {
    let message = match error {
        ureq::Error::HostNotFound => {
            format!("cannot resolve the host name of {host} (check DNS, or --api-url)")
        }
        ureq::Error::ConnectionFailed => {
            format!("cannot connect to {host} (check the network, firewall or proxy)")
        }
        ureq::Error::Io(e) if e.kind() == ErrorKind::ConnectionRefused => {
            format!("connection refused by {host} (check --api-url and the network)")
        }
        ureq::Error::Io(e) => format!("network error talking to {host}: {e}"),
        ureq::Error::Tls(e) => format!("TLS error talking to {host}: {e}"),
        ureq::Error::Rustls(e) => format!(
            "TLS error talking to {host}: {e} (check the system CA certificates and the clock)"
        ),
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => {
            format!("{host} redirected too often or to an invalid location")
        }
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => {
            format!("invalid API URL {host} (check --api-url)")
        }
        ureq::Error::InvalidProxyUrl => {
            "invalid proxy URL in HTTPS_PROXY/ALL_PROXY (check the environment)".to_string()
        }
        ureq::Error::BodyExceedsLimit(_) => return too_large(),
        other => format!("request to {host} failed: {other}"),
    };
    Failure::new(message)
}
