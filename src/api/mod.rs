//! API adapters: each turns one HetrixTools API's responses into the
//! shared [`Snapshot`](crate::model::Snapshot). They are the only code that
//! knows field names, URLs, cache-key names and refusals: a mode names the
//! [`Call`] it reads, and a new endpoint is one file here.

pub mod blacklist;
pub mod blacklist_monitors;
pub mod processes;
pub mod rate_limit;
pub mod request;
pub mod uptime_monitors;
pub mod v1;
pub mod v3;

mod lenient;
mod typed;

use std::time::{Duration, Instant};

use crate::cache;
use crate::failure::Failure;
use crate::fetch::{Client, Response};
use crate::model::Snapshot;
use request::{Access, Call, Request};

/// Which HetrixTools API a run talks to (`--api`): v3 unless told
/// otherwise, as HetrixTools deprecated v1 and meters it monthly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Version {
    V1,
    #[default]
    V3,
}

/// The monitored server's agent data, v1's server stats or v3's metrics,
/// without their per-minute samples: the latest values, which is what
/// most modes judge. The samples are most of a response, so a check that
/// does not judge them does not read them.
pub const AGENT_DATA: Call = Call {
    name: "agent data",
    needs_monitor: true,
    request: |access, api| agent_data(access, api, false),
};

/// The same response (and cache entry) with its per-minute samples read:
/// for the modes that judge them (cpu, ram, load, ...).
pub const AGENT_SAMPLES: Call = Call {
    name: "agent data with samples",
    needs_monitor: true,
    request: |access, api| agent_data(access, api, true),
};

fn agent_data(access: &Access, api: Version, samples: bool) -> Request {
    let Access {
        base_url,
        token,
        monitor,
    } = *access;
    let request = match api {
        Version::V1 => Request::v1(
            v1::url(base_url, token, monitor),
            cache::Key::new("v1-server-stats", base_url, monitor, token),
            if samples { v1::parse } else { v1::parse_latest },
        ),
        Version::V3 => Request::v3(
            v3::metrics_url(base_url, monitor),
            cache::Key::new("v3-metrics", base_url, monitor, token),
            token,
            v3::refusal,
            if samples { v3::parse } else { v3::parse_latest },
        ),
    };
    request.with_inventory(if samples {
        |snapshot| {
            format!(
                "{}, {} Stats minutes",
                latest(snapshot),
                snapshot.stats.len()
            )
        }
    } else {
        latest
    })
}

/// What `-v` says a response held, samples aside.
fn latest(snapshot: &Snapshot) -> String {
    format!(
        "{} mounts, {} drives, {} services",
        snapshot.disks.len(),
        snapshot.drives.len(),
        snapshot.services.len(),
    )
}

/// The account's v1/v2 call quota: v3's account limits (no v1 call spent),
/// or v1's status call. No monitor ID is needed.
pub const ACCOUNT_QUOTA: Call = Call {
    name: "account quota",
    needs_monitor: false,
    request: |access, api| {
        let Access {
            base_url, token, ..
        } = *access;
        match api {
            Version::V1 => Request::v1(
                v1::status_url(base_url, token),
                cache::Key::new("v1-status", base_url, "", token),
                v1::parse_status,
            ),
            Version::V3 => Request::v3(
                v3::limits_url(base_url),
                cache::Key::new("v3-account-limits", base_url, "", token),
                token,
                v3::limits_refusal,
                v3::parse_limits,
            ),
        }
    },
};

/// The example payload `--demo --api v1` evaluates: HetrixTools' v1 page.
const DEMO_V1: &[u8] = include_bytes!("../demo.json");

/// The same server as `--demo` (API v3, the default) sees it, with the
/// metrics only v3 has.
const DEMO_V3: &[u8] = include_bytes!("../demo_v3.json");

/// The bundled example agent data `--demo` evaluates, as `api` sends it.
pub fn demo(api: Version) -> Result<Snapshot, Failure> {
    match api {
        Version::V1 => v1::parse(200, DEMO_V1),
        Version::V3 => v3::parse(DEMO_V3),
    }
}

/// How long to wait before retrying a v3 HTTP 503, which HetrixTools
/// documents as temporary ("please retry").
const RETRY_PAUSE: Duration = Duration::from_secs(1);

/// What must be left of `-t` after the pause for a retry to be worth it.
const RETRY_ROOM: Duration = Duration::from_secs(3);

/// One GET to the API, as [`send`] makes it.
pub struct Get<'a> {
    pub api: Version,
    pub url: &'a str,
    /// The API's base URL, which names the server in failures (the URL
    /// may hold the token).
    pub base_url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
}

/// What the `-v` lines of an API call need, and the run's clock, which
/// also judges the answer (a rate limit's reset is told from now).
#[derive(Debug, Clone, Copy)]
pub struct Verbose {
    /// How many `-v` were given.
    pub level: u8,
    /// When the process started: `-vv` times each response from then.
    pub started: Instant,
    /// Unix seconds: when a rate limit resets is told from now.
    pub now: i64,
}

/// Sends `get` with `client` until its deadline, retried once after a
/// pause when [`retry_pause`] allows it, so that every call retries alike.
/// Its `-v` lines go to `log`: the URL (`-vvv`; a v1 URL holds the token,
/// which the secret registry masks, as in all output), the retry, the
/// final response (`-vv`) and v3's remaining rate limits.
pub fn send(
    client: &Client,
    get: &Get,
    verbose: Verbose,
    log: &mut Vec<String>,
) -> Result<Response, Failure> {
    if verbose.level >= 3 {
        log.push(format!("GET {}", get.url));
    }
    let mut response = client.get(get.url, get.base_url, get.headers)?;
    if let Some(pause) = retry_pause(get.api, response.status, client.deadline, Instant::now()) {
        if verbose.level >= 1 {
            log.push(format!(
                "HTTP {}, which HetrixTools calls temporary: retrying once in {} ms",
                response.status,
                pause.as_millis()
            ));
        }
        std::thread::sleep(pause);
        response = client.get(get.url, get.base_url, get.headers)?;
    }
    if verbose.level >= 2 {
        log.push(response.verbose_line(verbose.started));
    }
    if get.api == Version::V3 && verbose.level >= 1 {
        log.extend(rate_limit::remaining(
            &response,
            endpoint(get.url),
            verbose.now,
        ));
    }
    Ok(response)
}

/// The last segment of `url`'s path (`metrics`, `processes`, `limits`):
/// a run with `--top` or a listing of several pages makes several calls,
/// and each has its own endpoint limit.
fn endpoint(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

/// The pause before the one retry a response deserves, if any: only a v3
/// 503 (a v1 retry would spend a metered call), and only when the deadline
/// leaves room for the pause and the retry.
fn retry_pause(api: Version, status: u16, deadline: Instant, now: Instant) -> Option<Duration> {
    let left = deadline.saturating_duration_since(now);
    (api == Version::V3 && status == 503 && left >= RETRY_PAUSE + RETRY_ROOM).then_some(RETRY_PAUSE)
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
        429 => "rate limited (check less often)",
        500..=599 => "HetrixTools or a proxy in between has a problem (try again later)",
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
#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn each_call_builds_its_request_for_either_api() {
        let access = Access {
            base_url: "http://h/",
            token: "TOKEN",
            monitor: "m1",
        };
        let snapshot = demo(Version::V1).unwrap();
        for api in [Version::V1, Version::V3] {
            let agent = (AGENT_DATA.request)(&access, api);
            let samples = (AGENT_SAMPLES.request)(&access, api);
            assert_eq!((agent.api, samples.api), (api, api));
            assert!(agent.url.contains("/m1/"), "{}", agent.url);
            assert_eq!(agent.url, samples.url);
            let inventory = |request: Request| request.inventory.unwrap()(&snapshot);
            assert_eq!(inventory(agent), "4 mounts, 3 drives, 2 services");
            assert_eq!(
                inventory(samples),
                "4 mounts, 3 drives, 2 services, 60 Stats minutes"
            );
            let quota = (ACCOUNT_QUOTA.request)(&access, api);
            assert!(!quota.url.contains("m1"), "{}", quota.url);
            assert!(quota.inventory.is_none());
        }
        const { assert!(AGENT_DATA.needs_monitor && !ACCOUNT_QUOTA.needs_monitor) };
        assert!(AGENT_DATA != ACCOUNT_QUOTA && AGENT_DATA != AGENT_SAMPLES);
    }

    #[rstest]
    #[case("http://h/v3/uptime-monitors/m1/server-agent/metrics", "metrics")]
    #[case("http://h/v3/uptime-monitors?per_page=200&page=2", "uptime-monitors")]
    #[case("http://h/v3/account/limits/", "limits")]
    fn the_endpoint_is_the_last_path_segment(#[case] url: &str, #[case] expected: &str) {
        assert_eq!(endpoint(url), expected);
    }

    #[test]
    fn a_failure_names_the_server_not_the_url() {
        let deadline = Instant::now() + Duration::from_secs(5);
        let client = Client::new(crate::fetch::Trust::System, |_| None, deadline);
        let get = Get {
            api: Version::V1,
            // Not a valid URI: the call fails before any network is used.
            url: "http://bad host/v1/TOKEN/status/",
            base_url: "http://bad host",
            headers: &[],
        };
        let verbose = Verbose {
            level: 3,
            started: Instant::now(),
            now: 0,
        };
        let mut log = Vec::new();
        let Err(failure) = send(&client, &get, verbose, &mut log) else {
            panic!("an invalid URL was fetched");
        };
        assert!(!failure.to_string().contains("TOKEN"), "{failure}");
        assert_eq!(log, ["GET http://bad host/v1/TOKEN/status/"]);
    }

    #[rstest]
    #[case(Version::V3, 503, 10, Some(RETRY_PAUSE))]
    #[case(Version::V3, 503, 4, Some(RETRY_PAUSE))]
    #[case(Version::V3, 503, 3, None)]
    #[case(Version::V3, 500, 10, None)]
    #[case(Version::V3, 429, 10, None)]
    #[case(Version::V1, 503, 10, None)]
    fn only_a_v3_503_with_time_left_is_retried(
        #[case] api: Version,
        #[case] status: u16,
        #[case] seconds_left: u64,
        #[case] expected: Option<Duration>,
    ) {
        let now = Instant::now();
        let deadline = now + Duration::from_secs(seconds_left);
        assert_eq!(retry_pause(api, status, deadline, now), expected);
    }
}
