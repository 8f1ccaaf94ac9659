//! HTTP GET with a deadline, a size cap, a redirect policy that keeps the
//! token at home, and failures turned into sentences an operator can act
//! on.

use std::io::ErrorKind;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::http::Uri;
use ureq::tls::{RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    ConnectProxyConnector, ConnectionDetails, Connector, NextTimeout, RustlsConnector,
    TcpConnector, Transport,
};

use crate::failure::Failure;
use crate::files::{Links, read_regular};
use crate::proxy;

/// The largest real payloads are tens of KiB; a body this large is an
/// error page gone wrong or an attack, and is not worth the memory.
pub const MAX_BODY_BYTES: u64 = 8 * 1024 * 1024;

/// Enough for an http→https or a trailing-slash hop, few enough that a
/// loop ends at once.
const MAX_REDIRECTS: usize = 3;

pub struct Response {
    pub status: u16,
    /// Names in lower case; values that are not text are left out.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// What `-vv` says of a response: status, size and time since `started`.
    pub fn verbose_line(&self, started: Instant) -> String {
        format!(
            "HTTP {} with {} bytes after {} ms",
            self.status,
            self.body.len(),
            started.elapsed().as_millis()
        )
    }

    /// The value of header `name` (any case), trimmed, if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

/// Which certificates an https API must present.
#[derive(Debug, Clone, PartialEq)]
pub enum Trust {
    /// The system trust store (`SSL_CERT_FILE`/`SSL_CERT_DIR` replace it,
    /// as for OpenSSL).
    System,
    /// Only CAs from this PEM file (`--ca-file`).
    CaFile(String),
    /// No verification at all (`-k`).
    Insecure,
}

/// How a run talks HTTP: the certificates it trusts, the proxy variables
/// of its environment and the deadline it gives up at. Built once per run
/// and handed to whatever calls the API.
pub struct Client {
    pub trust: Trust,
    /// The values of [`proxy::VARIABLES`] that were set.
    proxy_env: Vec<(&'static str, String)>,
    pub deadline: Instant,
}

impl Client {
    /// `env` looks up environment variables (only the proxy's are kept).
    pub fn new(trust: Trust, env: impl Fn(&str) -> Option<String>, deadline: Instant) -> Client {
        let proxy_env = proxy::VARIABLES
            .iter()
            .filter_map(|name| Some((*name, env(name)?)))
            .collect();
        Client {
            trust,
            proxy_env,
            deadline,
        }
    }

    fn env(&self, name: &str) -> Option<String> {
        self.proxy_env
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, value)| value.clone())
    }

    /// Fetches `url`, giving up at the deadline whatever stage the request is
    /// in. `host` names the server in messages (never the URL: v1 URLs hold the
    /// token).
    /// `headers` are sent with the request (v3 authenticates with one).
    pub fn get(
        &self,
        url: &str,
        host: &str,
        headers: &[(&str, &str)],
    ) -> Result<Response, Failure> {
        let deadline = self.deadline;
        let seconds = deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64()
            .ceil();
        let timed_out = |stage: Stage, server: &str| {
            Failure::unreachable(format!(
                "timeout after {seconds} s {} {server} (raise -t, or check the network path to the API)",
                stage.describe()
            ))
        };
        let start: Uri = url
            .parse()
            .map_err(|_| Failure::new(format!("invalid API URL {host} (check --api-url)")))?;
        let mut target = start.clone();
        for _ in 0..=MAX_REDIRECTS {
            let scheme = target.scheme_str().unwrap_or("http");
            let proxy = proxy::for_request(scheme, target.host().unwrap_or_default(), |name| {
                self.env(name)
            })?;
            // Messages say which proxy was in the way, as it may be the culprit.
            let server = match &proxy {
                Some((variable, _)) => format!("{host} via the proxy in {variable}"),
                None => host.to_string(),
            };
            let progress = Progress::default();
            let agent = agent(
                &target,
                deadline,
                proxy.map(|(_, p)| p),
                &progress,
                &self.trust,
            )?;
            let mut request = agent.get(target.clone());
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let mut response = request.call().map_err(|error| match error {
                ureq::Error::Timeout(_) => timed_out(progress.stage(), &server),
                other => describe(other, &server, progress.stage(), &self.trust),
            })?;
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get("location")
                .and_then(|value| value.to_str().ok());
            if let (301 | 302 | 303 | 307 | 308, Some(location)) = (status, location) {
                target = redirect(&start, &target, location, host)?;
                continue;
            }
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
                    ureq::Error::Timeout(_) => timed_out(Stage::Body, &server),
                    other => describe(other, &server, Stage::Body, &self.trust),
                })?;
            return Ok(Response {
                status,
                headers: response_headers,
                body,
            });
        }
        Err(Failure::new(format!(
            "{host} redirected too often (more than {MAX_REDIRECTS} times, a loop?): check --api-url"
        )))
    }
}

/// One request's agent: the time left until `deadline`, no redirects
/// followed by ureq (see [`redirect`]), the proxy and trust policy, and a
/// connector chain that records in `progress` how far the connection got.
fn agent(
    target: &Uri,
    deadline: Instant,
    proxy: Option<ureq::Proxy>,
    progress: &Progress,
    trust: &Trust,
) -> Result<Agent, Failure> {
    let left = deadline.saturating_duration_since(Instant::now());
    let proxied = proxy.is_some();
    let mut config = Agent::config_builder()
        .timeout_global(Some(left.max(Duration::from_millis(1))))
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(proxy)
        .user_agent(concat!("check_hetrix/", env!("CARGO_PKG_VERSION")));
    // Loading the system trust store costs time; plain-http URLs (tests,
    // local relays) do not need it.
    if target.scheme_str() == Some("https") {
        config = config.tls_config(tls_config(trust)?);
    }
    let connector =
        ().chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(progress.reached(Stage::Handshake, proxied))
            .chain(RustlsConnector::default())
            .chain(progress.reached(Stage::Response, proxied));
    let resolver = Resolving {
        progress: progress.clone(),
        inner: DefaultResolver::default(),
    };
    Ok(Agent::with_parts(config.build(), connector, resolver))
}

fn tls_config(trust: &Trust) -> Result<TlsConfig, Failure> {
    let builder = TlsConfig::builder();
    Ok(match trust {
        Trust::System => builder.root_certs(RootCerts::PlatformVerifier),
        Trust::Insecure => builder.disable_verification(true),
        Trust::CaFile(path) => {
            // A whole system bundle is a few hundred KiB.
            let pem = read_regular(Path::new(path), 16 * 1024 * 1024, Links::Follow)
                .map_err(|e| Failure::new(format!("cannot read the --ca-file {path}: {e}")))?;
            let certificates: Vec<_> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(certificate)) => Some(certificate),
                    _ => None,
                })
                .collect();
            if certificates.is_empty() {
                return Err(Failure::new(format!(
                    "the --ca-file {path} holds no PEM certificate"
                )));
            }
            builder.root_certs(RootCerts::Specific(Arc::new(certificates)))
        }
    }
    .build())
}

/// The next URL after a redirect to `location`, if following it cannot
/// hand the token to someone else: v1 carries it in the path, so only the
/// original host and port may be asked, over the original scheme or an
/// upgrade from http to https.
fn redirect(start: &Uri, current: &Uri, location: &str, host: &str) -> Result<Uri, Failure> {
    let invalid = || Failure::new(format!("{host} redirected to an invalid location"));
    let scheme = current.scheme_str().unwrap_or("http");
    let authority = current.authority().ok_or_else(invalid)?;
    let text = if location.starts_with("//") {
        format!("{scheme}:{location}")
    } else if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else if location.contains("://") {
        location.to_string()
    } else {
        let directory = current.path().rsplit_once('/').map_or("", |(dir, _)| dir);
        format!("{scheme}://{authority}{directory}/{location}")
    };
    let next: Uri = text.parse().map_err(|_| invalid())?;
    let (from, to) = (Origin::of(start), Origin::of(&next));
    if from.scheme == "https" && to.scheme != "https" {
        return Err(Failure::new(format!(
            "{host} redirected from https to {}: refusing to send the API token unencrypted (check --api-url)",
            to.scheme
        )));
    }
    let upgrade = from.scheme == "http" && to.scheme == "https" && to.port == 443;
    if from.host != to.host || !(from == to || upgrade) {
        return Err(Failure::new(format!(
            "{host} redirected to another server ({}:{}): refusing to send the API token there (check --api-url)",
            to.host, to.port
        )));
    }
    Ok(next)
}

/// Scheme, host and port: who gets to see the request.
#[derive(PartialEq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    fn of(uri: &Uri) -> Origin {
        let scheme = uri.scheme_str().unwrap_or_default().to_ascii_lowercase();
        let default_port = if scheme == "https" { 443 } else { 80 };
        Origin {
            host: uri.host().unwrap_or_default().to_ascii_lowercase(),
            port: uri.port_u16().unwrap_or(default_port),
            scheme,
        }
    }
}

/// How far a request got, for naming the stage a timeout hit.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Resolve,
    Connect,
    Handshake,
    Response,
    Body,
}

impl Stage {
    const ALL: [Stage; 5] = [
        Stage::Resolve,
        Stage::Connect,
        Stage::Handshake,
        Stage::Response,
        Stage::Body,
    ];

    fn describe(self) -> &'static str {
        match self {
            Stage::Resolve => "while looking up the address of",
            Stage::Connect => "while connecting to",
            Stage::Handshake => "during the TLS handshake with",
            Stage::Response => "waiting for the response from",
            Stage::Body => "while reading the response from",
        }
    }
}

/// The stage one request is in, shared with the resolver and connectors
/// that move it on. ureq's own timeout reasons cannot say this: with one
/// budget for the whole run they all report the global timeout.
#[derive(Debug, Clone, Default)]
struct Progress(Arc<AtomicU8>);

impl Progress {
    fn set(&self, stage: Stage) {
        self.0.store(stage as u8, Ordering::SeqCst);
    }

    fn stage(&self) -> Stage {
        Stage::ALL[usize::from(self.0.load(Ordering::SeqCst)).min(Stage::ALL.len() - 1)]
    }

    /// A pass-through connector that records `stage` once the connectors
    /// before it have produced a transport. `proxied`: the agent connects
    /// through a CONNECT proxy.
    fn reached(&self, stage: Stage, proxied: bool) -> Reached {
        Reached {
            progress: self.clone(),
            stage,
            proxied,
        }
    }
}

#[derive(Debug)]
struct Reached {
    progress: Progress,
    stage: Stage,
    proxied: bool,
}

impl<In: Transport> Connector<In> for Reached {
    type Out = In;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<In>, ureq::Error> {
        // ureq runs the chain once more for the connection to the proxy
        // itself, with the proxy taken out of the config; until the tunnel
        // stands, the request is still connecting.
        let to_proxy = self.proxied && details.config.proxy().is_none();
        if chained.is_some() && !to_proxy {
            self.progress.set(self.stage);
        }
        Ok(chained)
    }
}

/// ureq's resolver, recording that connecting starts once it is done. (It
/// also resolves a proxy's name, which is part of connecting.)
#[derive(Debug)]
struct Resolving {
    progress: Progress,
    inner: DefaultResolver,
}

impl Resolver for Resolving {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        self.progress.set(Stage::Resolve);
        let addresses = self.inner.resolve(uri, config, timeout)?;
        self.progress.set(Stage::Connect);
        Ok(addresses)
    }
}

fn too_large() -> Failure {
    Failure::new(format!(
        "response larger than {} MiB refused (is --api-url pointing at the HetrixTools API?)",
        MAX_BODY_BYTES / 1024 / 1024
    ))
}

/// `stage` tells TLS failures apart: rustls reports a refused certificate
/// as invalid data on the connection.
fn describe(error: ureq::Error, host: &str, stage: Stage, trust: &Trust) -> Failure {
    let tls_refused =
        |e: &std::io::Error| stage == Stage::Handshake && e.kind() == ErrorKind::InvalidData;
    let unreachable = match error {
        ureq::Error::Io(_) | ureq::Error::HostNotFound if stage == Stage::Resolve => {
            format!("cannot resolve the host name of {host} (check DNS, or --api-url)")
        }
        ureq::Error::HostNotFound => {
            format!("cannot resolve the host name of {host} (check DNS, or --api-url)")
        }
        ureq::Error::ConnectionFailed => {
            format!("cannot connect to {host} (check the network, firewall or proxy)")
        }
        ureq::Error::Io(e) if e.kind() == ErrorKind::ConnectionRefused => {
            format!("connection refused by {host} (check --api-url and the network)")
        }
        ureq::Error::Io(e) if !tls_refused(&e) => {
            format!("network error talking to {host}: {e}")
        }
        ureq::Error::ConnectProxyFailed(reason) => {
            format!("cannot reach {host}: {reason} (check the proxy, or NO_PROXY)")
        }
        other => return Failure::new(misconfigured(other, host, trust)),
    };
    Failure::unreachable(unreachable)
}

/// Failures that retrying will not fix: certificates, URLs, limits.
fn misconfigured(error: ureq::Error, host: &str, trust: &Trust) -> String {
    let trust_advice = match trust {
        Trust::CaFile(_) => "check --ca-file and the clock",
        _ => "check the system CA certificates or SSL_CERT_FILE, --ca-file, and the clock",
    };
    if let Some(problem) = rustls_error(&error).and_then(|e| certificate_problem(e, host, trust)) {
        return problem;
    }
    match error {
        ureq::Error::Io(e) => format!("TLS error talking to {host}: {e} ({trust_advice})"),
        ureq::Error::Tls(e) => format!("TLS error talking to {host}: {e} ({trust_advice})"),
        ureq::Error::Rustls(e) => format!("TLS error talking to {host}: {e} ({trust_advice})"),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => {
            format!("invalid API URL {host} (check --api-url)")
        }
        ureq::Error::BodyExceedsLimit(_) => too_large().to_string(),
        other => format!("request to {host} failed: {other}"),
    }
}

/// The rustls error behind a failed handshake, if that is what failed.
fn rustls_error(error: &ureq::Error) -> Option<&rustls::Error> {
    match error {
        ureq::Error::Rustls(e) => Some(e),
        ureq::Error::Io(e) => e.get_ref()?.downcast_ref::<rustls::Error>(),
        _ => None,
    }
}

/// What is wrong with the server's certificate and what to do, for the
/// problems people make themselves; `None` for the rest.
fn certificate_problem(error: &rustls::Error, host: &str, trust: &Trust) -> Option<String> {
    use rustls::CertificateError as Problem;
    let rustls::Error::InvalidCertificate(problem) = error else {
        return None;
    };
    let (what, advice) = match problem {
        Problem::Expired | Problem::ExpiredContext { .. } => {
            ("has expired", "renew it, or check this machine's clock")
        }
        Problem::NotValidYet | Problem::NotValidYetContext { .. } => {
            ("is not valid yet", "check this machine's clock")
        }
        Problem::NotValidForName | Problem::NotValidForNameContext { .. } => (
            "is made for another host name",
            "use the name the certificate is for in --api-url, or a certificate for this one",
        ),
        Problem::UnknownIssuer => match trust {
            Trust::CaFile(_) => (
                "is not signed by a CA in --ca-file",
                "give --ca-file the CA that signed it, or the certificate itself if it is self-signed",
            ),
            _ => (
                "is not signed by a CA this system trusts",
                "add its CA to the system store or SSL_CERT_FILE, or give it with --ca-file",
            ),
        },
        // webpki's reason is only in the text of an opaque error.
        Problem::Other(other) if other.to_string().contains("CaUsedAsEndEntity") => (
            "is a CA certificate (CA:TRUE as 'openssl req -x509' makes by default) that rustls refuses as a server's own",
            "give the server a certificate signed by that CA and that CA to --ca-file, or remake the self-signed one with -addext basicConstraints=critical,CA:FALSE",
        ),
        _ => return None,
    };
    Some(format!(
        "TLS error talking to {host}: its certificate {what} ({advice})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("https://a.example/v1/T/x/", "/v1/T/y/", "https://a.example/v1/T/y/")]
    #[case("https://a.example/v1/T/x", "y/", "https://a.example/v1/T/y/")]
    #[case(
        "https://a.example/v1/T/x/",
        "https://A.example:443/z",
        "https://A.example:443/z"
    )]
    #[case(
        "http://a.example/v1/T/x/",
        "https://a.example/v1/T/x/",
        "https://a.example/v1/T/x/"
    )]
    #[case(
        "http://a.example:8080/v1/",
        "//a.example:8080/v2/",
        "http://a.example:8080/v2/"
    )]
    fn follows_redirects_within_the_origin(
        #[case] from: &str,
        #[case] location: &str,
        #[case] expected: &str,
    ) {
        let from: Uri = from.parse().unwrap();
        let next = redirect(&from, &from, location, "the API").unwrap();
        assert_eq!(next.to_string(), expected);
    }

    #[rstest]
    #[case(
        "https://a.example/v1/T/",
        "https://b.example/v1/T/",
        "another server (b.example:443)"
    )]
    #[case(
        "https://a.example/v1/T/",
        "https://a.example:8443/v1/T/",
        "another server"
    )]
    #[case("https://a.example/v1/T/", "//evil.example/v1/T/", "another server")]
    #[case(
        "https://a.example/v1/T/",
        "http://a.example/v1/T/",
        "from https to http"
    )]
    #[case(
        "http://127.0.0.1:1/v1/T/",
        "http://127.0.0.2:1/v1/T/",
        "another server"
    )]
    #[case(
        "http://a.example/v1/T/",
        "https://a.example:8443/v1/T/",
        "another server"
    )]
    #[case("https://a.example/v1/T/", "https://a.example\n/", "invalid location")]
    fn refuses_redirects_that_would_leak_the_token(
        #[case] from: &str,
        #[case] location: &str,
        #[case] message: &str,
    ) {
        let from: Uri = from.parse().unwrap();
        let error = redirect(&from, &from, location, "the API").unwrap_err();
        assert!(error.to_string().contains(message), "{error}");
        assert!(!error.to_string().contains("/v1/T/"), "{error}");
    }
}
