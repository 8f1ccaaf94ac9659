//! Hostile networks and payloads: every run stays bounded, says clearly
//! what went wrong, never crashes and never shows the token. `common::run`
//! asserts exit code/state agreement, empty stderr and token absence on
//! every run.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::{MONITOR, MockApi, Reply, Run, TOKEN, check, example, run, test_ca_file};
use rstest::rstest;
use serde_json::{Value, json};

fn assert_line(run: &Run, state: &str, message: &str) {
    assert_eq!(run.state(), state, "{run:?}");
    assert!(
        run.first_line().contains(message),
        "{:?} should contain {message:?}",
        run.first_line()
    );
}

/// Runs a check against `url` with the test token plus `env`.
fn check_url(url: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    // The example payload is a v1 body.
    let mut all = vec!["--api-url", url, "-i", MONITOR, "--api", "v1"];
    all.extend_from_slice(args);
    let mut env = env.to_vec();
    env.push(("HETRIX_API_TOKEN", TOKEN));
    run(&all, &env)
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A server that accepts connections and never says a word.
fn mute_server() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    (listener, address)
}

// --- 1. One deadline, named by stage -------------------------------------

#[test]
fn a_stalled_tls_handshake_is_named() {
    let (_listener, address) = mute_server();
    let run = check_url(
        &format!("https://{address}"),
        &["-m", "cpu", "-t", "1"],
        &[],
    );
    assert_line(
        &run,
        "UNKNOWN",
        &format!("timeout after 1 s during the TLS handshake with https://{address}"),
    );
}

#[rstest]
#[case::headers(None, Some(Duration::from_secs(3)), "waiting for the response from")]
#[case::body(
    Some(Duration::from_millis(100)),
    None,
    "while reading the response from"
)]
fn timeouts_name_the_stage(
    #[case] byte_delay: Option<Duration>,
    #[case] pause: Option<Duration>,
    #[case] stage: &str,
) {
    let mut reply = Reply::json(&example());
    reply.byte_delay = byte_delay;
    let api = MockApi::start(move |_| {
        if let Some(pause) = pause {
            thread::sleep(pause);
        }
        reply.clone()
    });
    let run = check(&api, &["-m", "cpu", "-t", "1"]);
    assert_line(&run, "UNKNOWN", &format!("timeout after 1 s {stage}"));
}

#[test]
fn a_name_that_does_not_resolve_is_named() {
    // `.invalid` never resolves (RFC 2606); without any DNS server the
    // lookup may hang instead, which the deadline turns into a timeout.
    let run = check_url(
        "https://nonexistent.invalid",
        &["-m", "cpu", "-t", "2"],
        &[],
    );
    assert_eq!(run.code, 3, "{run:?}");
    let line = run.first_line();
    assert!(
        line.contains("cannot resolve the host name of https://nonexistent.invalid")
            || line.contains("while looking up the address of https://nonexistent.invalid"),
        "{line}"
    );
}

#[test]
fn the_default_deadline_stays_below_icingas_60_seconds() {
    let help = common::execute(&["--help"], &[]).stdout;
    let line = help
        .lines()
        .skip_while(|line| !line.contains("--timeout"))
        .take(2)
        .collect::<String>();
    let default: u64 = line
        .split("default ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no default in {line:?}"));
    assert!(default < 60, "{line}");
}

// --- 2 and 10. Bodies the plugin must refuse ------------------------------

#[test]
fn a_200_mib_body_is_refused_without_reading_it_all() {
    let mut reply = Reply::raw(200, "application/json", "{\"Disks\": [");
    reply.padding = 200 * 1024 * 1024;
    let api = MockApi::replying(reply);
    let run = check(&api, &["-m", "cpu"]);
    assert_line(&run, "UNKNOWN", "response larger than 8 MiB");
}

#[rstest]
#[case::html_200(
    Reply::raw(200, "text/html", "<html><title>Just a moment...</title></html>"),
    "UNKNOWN",
    "an HTML page instead of JSON"
)]
#[case::html_502(
    Reply::raw(502, "text/html", "<html>502 Bad Gateway cloudflare</html>"),
    "CRITICAL",
    "HTTP 502"
)]
#[case::html_503(
    Reply::raw(503, "text/html", "<html>Service Unavailable</html>"),
    "CRITICAL",
    "HTTP 503"
)]
#[case::rate_limited(Reply::raw(429, "text/plain", "slow down").header("Retry-After", "60"), "UNKNOWN", "HTTP 429: rate limited")]
#[case::error_without_message(
    Reply::raw(200, "application/json", r#"{"status":"ERROR"}"#),
    "UNKNOWN",
    "API error: no error message given"
)]
#[case::error_lowercase(
    Reply::raw(200, "application/json", r#"{"status":"error","error_message":""}"#),
    "UNKNOWN",
    "API error: no error message given"
)]
#[case::truncated(
    Reply::raw(200, "application/json", r#"{"Stats": [{"CPU": 1"#),
    "UNKNOWN",
    "not valid JSON"
)]
#[case::empty(Reply::raw(200, "application/json", ""), "UNKNOWN", "empty response")]
#[case::array(
    Reply::raw(200, "application/json", "[]"),
    "UNKNOWN",
    "returned an array instead of a JSON object"
)]
#[case::null(
    Reply::raw(200, "application/json", "null"),
    "UNKNOWN",
    "returned null instead of a JSON object"
)]
#[case::binary(Reply::raw(200, "application/octet-stream", vec![0xff, 0x00, 0xfe, b'{']), "UNKNOWN", "not valid JSON")]
fn hostile_replies_end_in_a_clear_line(
    #[case] reply: Reply,
    #[case] unreachable_state: &str,
    #[case] message: &str,
) {
    let api = MockApi::replying(reply);
    let run = check(&api, &["-m", "disk"]);
    assert_line(&run, "UNKNOWN", message);
    assert!(!run.stdout.contains("<html"), "never dump a body: {run:?}");
    // Only outages follow --unreachable-state; answers that are wrong stay UNKNOWN.
    let run = check(&api, &["-m", "disk", "--unreachable-state", "critical"]);
    assert_line(&run, unreachable_state, message);
}

// --- 6. --unreachable-state -----------------------------------------------

#[rstest]
#[case("critical", "CRITICAL", 2)]
#[case("WARNING", "WARNING", 1)]
#[case("ok", "OK", 0)]
#[case("unknown", "UNKNOWN", 3)]
fn network_failures_take_the_unreachable_state(
    #[case] option: &str,
    #[case] state: &str,
    #[case] code: i32,
) {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let run = check_url(&url, &["-m", "cpu", "--unreachable-state", option], &[]);
    assert_eq!(run.code, code, "{run:?}");
    assert_line(&run, state, "connection refused by");
}

#[test]
fn timeouts_take_the_unreachable_state() {
    let mut reply = Reply::json(&example());
    reply.byte_delay = Some(Duration::from_millis(100));
    let api = MockApi::replying(reply);
    let run = check(
        &api,
        &["-m", "cpu", "-t", "1", "--unreachable-state", "critical"],
    );
    assert_line(&run, "CRITICAL", "timeout after 1 s");
}

#[test]
fn an_unreachable_state_typo_is_refused() {
    let run = run(&["-m", "cpu", "--demo", "--unreachable-state", "crit"], &[]);
    assert_line(
        &run,
        "UNKNOWN",
        "--unreachable-state must be ok, warning, critical or unknown",
    );
}

// --- 3. Redirects ----------------------------------------------------------

fn redirecting_to(location: String) -> MockApi {
    MockApi::start(move |request| {
        let target = format!("{location}{}", request.path);
        Reply::raw(302, "text/plain", "").header("Location", &target)
    })
}

#[rstest]
#[case::other_ip("127.0.0.2")]
#[case::other_port("127.0.0.1")]
fn a_redirect_to_another_server_never_gets_the_token(#[case] ip: &str) {
    let elsewhere = MockApi::start_on(ip, |_| Reply::json(&example()));
    let api = redirecting_to(elsewhere.url.clone());
    let run = check(&api, &["-m", "cpu", "--unreachable-state", "critical"]);
    assert_line(&run, "UNKNOWN", "redirected to another server");
    assert!(run.first_line().contains("refusing to send the API token"));
    assert!(elsewhere.requests().is_empty(), "the token went elsewhere");
}

#[test]
fn a_redirect_from_https_to_http_is_refused() {
    let plain = MockApi::start(|_| Reply::json(&example()));
    let location = plain.url.clone();
    let api = MockApi::start_tls(move |request| {
        Reply::raw(301, "text/plain", "").header("Location", &format!("{location}{}", request.path))
    });
    let run = check(&api, &["-m", "cpu", "--ca-file", &test_ca_file()]);
    assert_line(&run, "UNKNOWN", "redirected from https to http");
    assert!(
        plain.requests().is_empty(),
        "the token went out unencrypted"
    );
}

#[test]
fn a_redirect_on_the_same_server_is_followed() {
    let api = MockApi::start(|request| {
        if request.path.ends_with("/moved/") {
            Reply::json(&example())
        } else {
            Reply::raw(308, "text/plain", "").header("Location", &format!("{}moved/", request.path))
        }
    });
    let run = check(&api, &["-m", "cpu"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(api.requests().len(), 2);
}

// --- 4. TLS ------------------------------------------------------------------

fn tls_api() -> MockApi {
    MockApi::start_tls(|_| Reply::json(&example()))
}

#[test]
fn a_private_ca_is_trusted_with_ca_file() {
    let api = tls_api();
    let run = check(&api, &["-m", "cpu", "--ca-file", &test_ca_file()]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn the_system_trust_store_honours_ssl_cert_file() {
    let api = tls_api();
    let run = check_url(
        &api.url,
        &["-m", "cpu"],
        &[("SSL_CERT_FILE", &test_ca_file())],
    );
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn an_untrusted_certificate_is_unknown_even_when_unreachable_is_critical() {
    let api = tls_api();
    // A bundle without the test CA stands in for a system store without it.
    let other_bundle = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls/server.pem");
    let run = check_url(
        &api.url,
        &["-m", "cpu", "--unreachable-state", "critical"],
        &[("SSL_CERT_FILE", other_bundle)],
    );
    assert_line(&run, "UNKNOWN", "TLS error talking to https://127.0.0.1");
    assert!(run.first_line().contains("SSL_CERT_FILE"), "{run:?}");
    assert!(api.requests().is_empty());
}

#[test]
fn insecure_skips_verification_and_its_help_says_what_that_costs() {
    let api = tls_api();
    let run = check(&api, &["-m", "cpu", "-k"]);
    assert_eq!(run.code, 0, "{run:?}");
    let help = common::execute(&["--help"], &[]).stdout;
    assert!(help.contains("--insecure"), "{help}");
    assert!(
        help.contains("read the token and forge the results"),
        "{help}"
    );
}

#[rstest]
#[case("/nonexistent/ca.pem", "cannot read the --ca-file /nonexistent/ca.pem")]
#[case(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"), "holds no PEM certificate")]
fn a_bad_ca_file_is_explained(#[case] path: &str, #[case] message: &str) {
    let api = tls_api();
    assert_line(
        &check(&api, &["-m", "cpu", "--ca-file", path]),
        "UNKNOWN",
        message,
    );
}

// --- 5. Proxies ----------------------------------------------------------

/// A CONNECT proxy that records each request head's first line and tunnels
/// to the requested address.
struct Proxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let log = log.clone();
                thread::spawn(move || tunnel(client, &log));
            }
        });
        Proxy { url, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn tunnel(client: TcpStream, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut first = String::new();
    let _ = reader.read_line(&mut first);
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) if line.trim().is_empty() => break,
            Ok(_) => {}
        }
    }
    log.lock().unwrap().push(first.trim().to_string());
    let mut words = first.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
        let _ = (&client).write_all(b"HTTP/1.1 405 Only CONNECT\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let Ok(upstream) = TcpStream::connect(target) else {
        let _ = (&client).write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let _ = (&client).write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
    let (mut up_write, mut client_write) = (upstream.try_clone().unwrap(), client);
    let mut up_read = upstream;
    thread::spawn(move || std::io::copy(&mut reader, &mut up_write));
    let _ = std::io::copy(&mut up_read, &mut client_write);
}

#[rstest]
#[case::https_proxy("HTTPS_PROXY", true)]
#[case::all_proxy("ALL_PROXY", true)]
#[case::http_proxy_for_http("http_proxy", false)]
fn requests_go_through_the_proxy_from_the_environment(#[case] variable: &str, #[case] tls: bool) {
    let proxy = Proxy::start();
    let api = if tls {
        tls_api()
    } else {
        MockApi::replying(Reply::json(&example()))
    };
    let ca = test_ca_file();
    let run = check_url(
        &api.url,
        &["-m", "cpu", "--ca-file", &ca],
        &[(variable, &proxy.url)],
    );
    assert_eq!(run.code, 0, "{run:?}");
    let authority = api.url.split("://").nth(1).unwrap();
    assert_eq!(proxy.seen(), vec![format!("CONNECT {authority} HTTP/1.1")]);
}

#[test]
fn no_proxy_exempts_the_api_host() {
    let api = MockApi::replying(Reply::json(&example()));
    let dead_proxy = format!("http://127.0.0.1:{}", closed_port());
    let run = check_url(
        &api.url,
        &["-m", "cpu"],
        &[
            ("ALL_PROXY", &dead_proxy),
            ("NO_PROXY", "localhost, 127.0.0.1"),
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn a_proxy_that_fails_is_named_and_counts_as_unreachable() {
    let api = MockApi::replying(Reply::json(&example()));
    let refusing = MockApi::replying(Reply::raw(502, "text/plain", ""));
    let run = check_url(
        &api.url,
        &["-m", "cpu", "--unreachable-state", "critical"],
        &[("ALL_PROXY", &refusing.url)],
    );
    assert_line(
        &run,
        "CRITICAL",
        "via the proxy in ALL_PROXY: proxy server responded 502",
    );
    let (_listener, mute) = mute_server();
    let run = check_url(
        &api.url,
        &["-m", "cpu", "-t", "1"],
        &[("ALL_PROXY", &format!("http://{mute}"))],
    );
    assert_line(
        &run,
        "UNKNOWN",
        "timeout after 1 s while connecting to http://127.0.0.1:",
    );
    assert!(
        run.first_line().contains("via the proxy in ALL_PROXY"),
        "{run:?}"
    );
    assert!(api.requests().is_empty());
}

#[rstest]
#[case::dead_proxy("http://127.0.0.1:9", "connection refused by http://127.0.0.1:")]
#[case::socks("socks5://user:pw@127.0.0.1:1080", "names a SOCKS proxy")]
fn proxy_problems_are_explained(#[case] proxy: &str, #[case] message: &str) {
    let api = MockApi::replying(Reply::json(&example()));
    let run = check_url(&api.url, &["-m", "cpu"], &[("ALL_PROXY", proxy)]);
    assert_line(&run, "UNKNOWN", message);
    assert!(run.first_line().contains("ALL_PROXY"), "{run:?}");
    assert!(!run.stdout.contains("pw@"), "{run:?}");
    assert!(api.requests().is_empty());
}

// --- 7. Lenient where harmless, strict where it matters -------------------

fn run_payload(payload: &Value, mode: &str) -> Run {
    let api = MockApi::replying(Reply::json(payload));
    check(&api, &["-m", mode])
}

#[rstest]
fn extra_fields_and_numeric_strings_change_nothing(
    #[values(
        "cpu",
        "ram",
        "disk",
        "raid",
        "smart",
        "services",
        "service:nginx",
        "freshness"
    )]
    mode: &str,
) {
    let plain = run_payload(&example(), mode);
    // Two runs that both fail alike would compare equal: the plain one checks.
    assert_ne!(plain.code, 3, "{plain:?}");
    let mut payload = example();
    stringify_numbers(&mut payload);
    payload["SomethingNew"] = json!({"nested": [1, 2, 3]});
    for section in ["Disks", "Drives", "Services", "Stats"] {
        for item in payload[section].as_array_mut().unwrap() {
            item["FieldFromTheFuture"] = json!(true);
        }
    }
    assert_eq!(payload["Stats"][0]["CPU"], json!("9.26"));
    let stringly = run_payload(&payload, mode);
    assert_eq!(plain.code, stringly.code, "{stringly:?}");
    assert_eq!(perfdata_but_age(&plain), perfdata_but_age(&stringly));
}

/// The perfdata without freshness' age: each run measures the age anew, so
/// two runs a second apart may differ there and nowhere else.
fn perfdata_but_age(run: &Run) -> Vec<&str> {
    let metrics: Vec<&str> = run.perfdata().split(' ').collect();
    let (age, rest): (Vec<&str>, Vec<&str>) =
        metrics.into_iter().partition(|m| m.starts_with("'age'="));
    if let [age] = age[..] {
        let seconds: i64 = age["'age'=".len()..]
            .split('s')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            (0..=5).contains(&seconds),
            "a fresh payload is seconds old: {run:?}"
        );
    }
    rest
}

/// Turns every number into the string an agent might send instead.
fn stringify_numbers(value: &mut Value) {
    match value {
        Value::Number(number) => *value = json!(number.to_string()),
        Value::Array(items) => items.iter_mut().for_each(stringify_numbers),
        Value::Object(fields) => fields.values_mut().for_each(stringify_numbers),
        _ => {}
    }
}

#[rstest]
fn null_missing_and_empty_sections_read_alike(
    #[values("cpu", "ram", "disk", "raid", "smart", "services", "service:nginx")] mode: &str,
) {
    let with = |value: Option<Value>| {
        let mut payload = example();
        for section in ["Disks", "Drives", "Services", "Stats"] {
            match &value {
                Some(value) => payload[section] = value.clone(),
                None => {
                    payload.as_object_mut().unwrap().remove(section);
                }
            }
        }
        run_payload(&payload, mode)
    };
    let null = with(Some(Value::Null));
    assert_eq!(null.code, 3, "{null:?}");
    assert!(
        null.first_line().contains("reported by the agent"),
        "{null:?}"
    );
    for other in [with(None), with(Some(json!([]))), with(Some(json!("n/a")))] {
        assert_eq!(other.first_line(), null.first_line());
    }
}

#[rstest]
#[case::cpu_garbage_elsewhere("cpu", "Disks", json!("garbage"))]
#[case::disk_garbage_elsewhere("disk", "Stats", json!({"not": "a list"}))]
#[case::services_garbage_elsewhere("services", "Drives", json!(42))]
fn a_field_the_mode_does_not_use_never_fails(
    #[case] mode: &str,
    #[case] section: &str,
    #[case] garbage: Value,
) {
    let mut payload = example();
    payload[section] = garbage;
    assert_eq!(run_payload(&payload, mode).code, 0);
}

#[rstest]
#[case::cpu("cpu", "/Stats", json!([{"Minute": common::now(), "RAM": 5}]))]
#[case::ram("ram", "/Stats", json!([{"Minute": common::now(), "CPU": 5}]))]
#[case::raid("raid", "/Disks", json!([{"Mount": "/", "Size": 10, "Used": 1, "RAID": {"Type": "RAID1"}}]))]
#[case::smart("smart", "/Drives", json!([{"Name": "sda"}]))]
#[case::services("services", "/Services", json!([{"Name": "nginx"}]))]
#[case::service("service:nginx", "/Services", json!([{"Name": "nginx", "Status": null}]))]
fn a_field_the_mode_uses_never_passes_as_ok_when_missing(
    #[case] mode: &str,
    #[case] pointer: &str,
    #[case] section: Value,
) {
    let mut payload = example();
    *payload.pointer_mut(pointer).unwrap() = section;
    let run = run_payload(&payload, mode);
    assert_line(&run, "UNKNOWN", "not reported");
}

#[rstest]
fn a_payload_with_every_field_null_is_never_ok(
    #[values(
        "cpu",
        "ram",
        "disk",
        "raid",
        "smart",
        "services",
        "service:nginx",
        "freshness"
    )]
    mode: &str,
) {
    let mut payload = example();
    for value in payload.as_object_mut().unwrap().values_mut() {
        *value = Value::Null;
    }
    assert_eq!(run_payload(&payload, mode).code, 3);
}

#[rstest]
#[case("Disks", &["disk", "raid"])]
#[case("Drives", &["smart"])]
#[case("Services", &["services", "service:nginx"])]
#[case("Stats", &["cpu", "ram"])]
fn items_with_every_field_null_are_never_ok(#[case] section: &str, #[case] modes: &[&str]) {
    let mut payload = example();
    for item in payload[section].as_array_mut().unwrap() {
        for value in item.as_object_mut().unwrap().values_mut() {
            *value = Value::Null;
        }
    }
    for mode in modes {
        let run = run_payload(&payload, mode);
        assert_ne!(run.code, 0, "{run:?}");
    }
}

// --- 8. The token never shows -------------------------------------------

/// Every way a run against the API can fail, each run with -vvv: the token
/// must never show, and the verbose URL shows it as ***.
#[test]
fn no_error_path_shows_the_token() {
    let mut trickle = Reply::json(&example());
    trickle.byte_delay = Some(Duration::from_millis(200));
    let mut huge = Reply::raw(200, "application/json", "");
    huge.padding = 9 * 1024 * 1024;
    let mut hang_up = Reply::json(&example());
    hang_up.hang_up = true;
    let echo_token = |status| {
        Reply::raw(
            status,
            "application/json",
            format!(r#"{{"status":"ERROR","error_message":"bad token {TOKEN}"}}"#),
        )
    };
    let replies = [
        Reply::raw(500, "text/html", format!("<html>{TOKEN}</html>")),
        Reply::raw(404, "text/plain", TOKEN),
        Reply::raw(429, "text/plain", "").header("Retry-After", "1"),
        Reply::raw(200, "text/html", format!("<html>{TOKEN}</html>")),
        Reply::raw(200, "application/json", format!("\"{TOKEN}\"")),
        Reply::raw(200, "application/json", format!("{{\"{TOKEN}\": 1")),
        Reply::raw(200, "application/json", ""),
        echo_token(200),
        echo_token(403),
        trickle,
        huge,
        hang_up,
        Reply::raw(302, "text/plain", "")
            .header("Location", &format!("http://127.0.0.2:1/v1/{TOKEN}/")),
        Reply::raw(302, "text/plain", "").header("Location", "/v1/again/"),
    ];
    let mut apis: Vec<MockApi> = replies.into_iter().map(MockApi::replying).collect();
    apis.push(redirecting_to(String::new()));
    for mode in ["disk", "service:nginx"] {
        for api in &apis {
            let run = check(api, &["-m", mode, "-vvv", "-t", "2"]);
            assert_eq!(run.code, 3, "{run:?}");
            assert!(run.stdout.contains("GET http://127.0.0.1:"), "{run:?}");
            assert!(run.stdout.contains("/v1/***/server/stats/"), "{run:?}");
        }
    }
    let closed = format!("http://127.0.0.1:{}", closed_port());
    for url in [closed.as_str(), "http://bad host", "https://127.0.0.1:1"] {
        let run = check_url(
            url,
            &["-m", "cpu", "-vvv"],
            &[("HTTPS_PROXY", "socks5://x")],
        );
        assert_eq!(run.code, 3, "{run:?}");
    }
}
