//! The modes that read other v3 calls than the agent's metrics: `status`,
//! `ssl` and `domain` (one uptime monitor from the list call), `blacklist`
//! (a blacklist monitor's report), and the top processes an alerting `cpu`
//! or `ram` check shows. Every run passes `--api v3` explicitly.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use common::{MONITOR, MockApi, Reply, Run, TOKEN, TempDir, check, check_on, execute, now};
use rstest::rstest;
use serde_json::{Value, json};

const DAY: i64 = 86_400;

fn list_path() -> String {
    format!("/v3/uptime-monitors?id={MONITOR}")
}

fn processes_path(order: &str) -> String {
    format!("/v3/uptime-monitors/{MONITOR}/server-agent/processes?order_by={order}&per_page=5")
}

fn v3(api: &MockApi, args: &[&str]) -> Run {
    check_on(api, &["--api", "v3"], args)
}

/// `YYYY-MM-DD` of the UTC day `days` from now.
fn date_in(days: i64) -> String {
    // The era-based conversion from days since 1970 to a civil date.
    let z = (now() + days * DAY).div_euclid(DAY) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A website monitor, up from three locations, with `changes` applied to
/// its list item.
fn monitor(changes: fn(&mut Value)) -> Value {
    let mut item = json!({
        "id": MONITOR, "name": "shop, main|site", "type": "website",
        "target": "https://shop.example", "uptime_status": "up", "monitor_status": "active",
        "uptime": 99.9588, "uptime_incl_maint": 99.9,
        "locations": {
            "london": {"uptime_status": "up", "response_time": 120, "last_check": now()},
            "new_york": {"uptime_status": "up", "response_time": 310, "last_check": now()},
            "tokyo": {"uptime_status": "up", "response_time": 812, "last_check": now()}
        },
        "ssl_expiration_date": date_in(60), "ssl_expiration_warn": true,
        "domain_expiration_date": date_in(200), "domain_expiration_warn": true,
        "has_agent": false
    });
    changes(&mut item);
    json!({"monitors": [item], "meta": {"total": 1, "returned": 1,
           "pagination": {"current": 1, "last": 1, "previous": null, "next": null}}})
}

fn serving_monitor(changes: fn(&mut Value)) -> MockApi {
    let body = monitor(changes);
    MockApi::start(move |request| match request.path == list_path() {
        true => Reply::json(&body),
        false => Reply::raw(404, "application/json", "{}"),
    })
}

fn unchanged(_: &mut Value) {}
fn as_array(m: &mut Value) {
    let object = m["locations"].as_object().unwrap().clone();
    m["locations"] = object
        .into_iter()
        .map(|(name, entry)| json!({ name: [entry] }))
        .collect();
}
fn only_london(m: &mut Value) {
    let london = m["locations"]["london"].clone();
    m["locations"] = json!({ "london": london });
}
fn london_down(m: &mut Value) {
    m["locations"]["london"]["uptime_status"] = "down".into();
}
fn all_down(m: &mut Value) {
    m["uptime_status"] = "down".into();
    for location in m["locations"].as_object_mut().unwrap().values_mut() {
        location["uptime_status"] = "down".into();
    }
}
fn heartbeat(m: &mut Value) {
    m["type"] = "heartbeat".into();
    m["locations"] = Value::Null;
}
fn no_locations_key(m: &mut Value) {
    m.as_object_mut().unwrap().remove("locations");
}
fn maint(m: &mut Value) {
    m["monitor_status"] = "maint".into();
    london_down(m);
}
fn maint_dnd(m: &mut Value) {
    m["monitor_status"] = "maint_dnd".into();
}
fn paused(m: &mut Value) {
    m["monitor_status"] = "paused".into();
}
fn disabled(m: &mut Value) {
    m["monitor_status"] = "disabled".into();
}
fn no_verdict(m: &mut Value) {
    m["uptime_status"] = Value::Null;
}
fn uptime_as_text(m: &mut Value) {
    m["uptime"] = "99.5".into();
}
fn hostile_locations(m: &mut Value) {
    m["locations"] = json!({"lon|don, x": {"uptime_status": "up", "response_time": "90"},
                            "tokyo": "down", "ams": [], "syd": {"response_time": true}});
}

#[rstest]
#[case::all_up(unchanged, &[], 0, "STATUS OK - up at all 3 locations, slowest tokyo 812 ms", "'tokyo_ms'=812;;;0 ")]
#[case::array_shape(as_array, &[], 0, "STATUS OK - up at all 3 locations, slowest tokyo 812 ms", "'london_ms'=120;;;0 ")]
#[case::one_location(only_london, &[], 0, "STATUS OK - up at its one location, london 120 ms", "'london_ms'=120;;;0 ")]
#[case::one_location_down(london_down, &[], 1, "STATUS WARNING - up but down at 1 of 3 locations: london down", "'locations_down'=1;;;0;3")]
#[case::slow_location_warns(unchanged, &["-w", "500", "-c", "1000"], 1, "STATUS WARNING - up at all 3 locations: tokyo 812 ms", "'tokyo_ms'=812;500;1000;0 ")]
#[case::slow_location_critical(unchanged, &["-w", "200", "-c", "800"], 2, "STATUS CRITICAL - up at all 3 locations: tokyo 812 ms, new_york 310 ms", "'new_york_ms'=310;200;800;0 ")]
#[case::down(all_down, &[], 2, "STATUS CRITICAL - down at 3 of 3 locations: london down, new_york down, tokyo down", "'locations_down'=3;;;0;3")]
#[case::heartbeat(heartbeat, &[], 0, "STATUS OK - up", "'uptime'=99.9588%;;;0;100 'locations_down'=0;;;0;0")]
#[case::no_locations_key(no_locations_key, &["-w", "1"], 0, "STATUS OK - up", "'locations_down'=0")]
#[case::maintenance(maint, &["-w", "1"], 0, "STATUS OK - in maintenance at HetrixTools", "'tokyo_ms'=812;;;0 ")]
#[case::maintenance_state(maint, &["--maintenance-state", "critical"], 2, "STATUS CRITICAL - in maintenance at HetrixTools", "'uptime'")]
#[case::maintenance_dnd(maint_dnd, &[], 0, "STATUS OK - in maintenance at HetrixTools (notifications off)", "'uptime'")]
#[case::paused(paused, &[], 3, "STATUS UNKNOWN - the monitor is paused: not being checked by HetrixTools", "")]
#[case::disabled(disabled, &[], 3, "STATUS UNKNOWN - the monitor is disabled: not being checked by HetrixTools", "")]
#[case::no_verdict(no_verdict, &[], 3, "STATUS UNKNOWN - HetrixTools did not say whether the monitor is up or down", "")]
#[case::uptime_as_text(uptime_as_text, &[], 0, "STATUS OK", "'uptime'=99.5%;;;0;100")]
#[case::hostile_locations(hostile_locations, &["-w", "100"], 0, "STATUS OK - up at 1 of 2 locations (1 unreported), slowest lon_don__x 90 ms", "'lon_don__x_ms'=90;100;;0 ")]
fn status_judges_the_monitor_and_its_locations(
    #[case] changes: fn(&mut Value),
    #[case] args: &[&str],
    #[case] code: i32,
    #[case] first_line: &str,
    #[case] perfdata: &str,
) {
    let api = serving_monitor(changes);
    let mut all = vec!["-m", "status"];
    all.extend_from_slice(args);
    let run = v3(&api, &all);
    run.assert_outcome(code, first_line, perfdata);
    assert!(
        !run.first_line().contains("shop"),
        "no monitor name: {run:?}"
    );
    let paths: Vec<String> = api.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, [list_path()]);
}

#[test]
fn status_lists_every_location_below() {
    let run = v3(
        &serving_monitor(london_down),
        &["-m", "status", "-w", "500"],
    );
    let details = run.long_output();
    assert_eq!(
        details,
        [
            "[WARNING] london down",
            "[OK] new_york 310 ms",
            "[WARNING] tokyo 812 ms"
        ]
    );
}

fn ssl_in_10_days(m: &mut Value) {
    m["ssl_expiration_date"] = date_in(10).into();
    m["domain_expiration_date"] = date_in(20).into();
}
fn ssl_in_3_days(m: &mut Value) {
    m["ssl_expiration_date"] = date_in(3).into();
    m["domain_expiration_date"] = date_in(10).into();
}
fn expired(m: &mut Value) {
    m["ssl_expiration_date"] = date_in(-5).into();
    m["domain_expiration_date"] = date_in(-5).into();
}
fn expired_today(m: &mut Value) {
    m["ssl_expiration_date"] = date_in(0).into();
}
fn untracked(m: &mut Value) {
    m["ssl_expiration_date"] = Value::Null;
    m.as_object_mut().unwrap().remove("domain_expiration_date");
}
fn bad_dates(m: &mut Value) {
    m["ssl_expiration_date"] = "06/03/2027".into();
    m["domain_expiration_date"] = 20_270_603.into();
}
fn impossible_dates(m: &mut Value) {
    m["ssl_expiration_date"] = "2027-02-30".into();
    m["domain_expiration_date"] = "2027-13-01|x".into();
}

#[rstest]
#[case::ssl_ok("ssl", unchanged, &[], 0, "SSL OK - certificate expires in 59 days", "'ssl_days'=59;14:;7:")]
#[case::ssl_warning("ssl", ssl_in_10_days, &[], 1, "SSL WARNING - certificate expires in 9 days", "'ssl_days'=9;14:;7:")]
#[case::ssl_critical("ssl", ssl_in_3_days, &[], 2, "SSL CRITICAL - certificate expires in 2 days", "'ssl_days'=2;")]
#[case::ssl_own_thresholds("ssl", unchanged, &["-w", "90:", "-c", "30:"], 1, "SSL WARNING", "'ssl_days'=59;90:;30:")]
#[case::ssl_expired("ssl", expired, &["-w", "0:", "-c", "~:"], 2, "SSL CRITICAL - certificate expired 5 days ago", "'ssl_days'=-6;0:")]
// The perfdata of a date that began today alerts like the state beside it.
#[case::ssl_expired_today("ssl", expired_today, &["-w", "0:", "-c", "0:"], 2, "SSL CRITICAL - certificate expired today", "'ssl_days'=-1;0:;0:")]
#[case::ssl_untracked("ssl", untracked, &[], 3, "SSL UNKNOWN - HetrixTools tracks no certificate expiry for this monitor", "")]
#[case::ssl_not_a_date("ssl", bad_dates, &[], 3, "SSL UNKNOWN - HetrixTools sent a certificate expiry date that is not YYYY-MM-DD ('06/03/2027')", "")]
#[case::ssl_impossible_date("ssl", impossible_dates, &[], 3, "SSL UNKNOWN - HetrixTools sent a certificate expiry date that is not YYYY-MM-DD", "")]
#[case::domain_ok("domain", unchanged, &[], 0, "DOMAIN OK - domain expires in 199 days", "'domain_days'=199;30:;14:")]
#[case::domain_warning("domain", ssl_in_10_days, &[], 1, "DOMAIN WARNING - domain expires in 19 days", "'domain_days'=19;")]
#[case::domain_critical("domain", ssl_in_3_days, &[], 2, "DOMAIN CRITICAL - domain expires in 9 days", "'domain_days'=9;")]
#[case::domain_expired("domain", expired, &[], 2, "DOMAIN CRITICAL - domain expired 5 days ago", "'domain_days'=-6;30:;14:")]
#[case::domain_untracked("domain", untracked, &[], 3, "DOMAIN UNKNOWN - HetrixTools tracks no domain expiry for this monitor", "")]
#[case::domain_a_number("domain", bad_dates, &[], 3, "DOMAIN UNKNOWN - HetrixTools sent a domain expiry date that is not YYYY-MM-DD ('20270603')", "")]
#[case::domain_hostile("domain", impossible_dates, &[], 3, "DOMAIN UNKNOWN - HetrixTools sent a domain expiry date that is not YYYY-MM-DD ('2027-13-01?x')", "")]
fn expiry_counts_days_left(
    #[case] mode: &str,
    #[case] changes: fn(&mut Value),
    #[case] args: &[&str],
    #[case] code: i32,
    #[case] first_line: &str,
    #[case] perfdata: &str,
) {
    let mut all = vec!["-m", mode];
    all.extend_from_slice(args);
    let run = v3(&serving_monitor(changes), &all);
    run.assert_outcome(code, first_line, perfdata);
}

/// The three services of one monitor, started together, share one call.
#[test]
fn status_ssl_and_domain_of_one_monitor_make_one_call() {
    let api = serving_monitor(london_down);
    let cache = TempDir::new();
    let cache_dir = cache.path().to_string_lossy().into_owned();
    let runs: Vec<Run> = thread::scope(|scope| {
        let started: Vec<_> = ["status", "ssl", "domain"]
            .into_iter()
            .map(|mode| {
                let (url, cache_dir) = (&api.url, &cache_dir);
                scope.spawn(move || {
                    execute(
                        &["--api-url", url, "--api", "v3", "-i", MONITOR, "-m", mode],
                        &[
                            ("HETRIX_API_TOKEN", TOKEN),
                            ("CHECK_HETRIX_CACHE_DIR", cache_dir),
                        ],
                    )
                })
            })
            .collect();
        started.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for run in &runs {
        run.assert_contract();
    }
    let codes: Vec<i32> = runs.iter().map(|r| r.code).collect();
    assert_eq!(codes, [1, 0, 0], "{runs:?}");
    assert_eq!(api.requests().len(), 1, "{:?}", api.requests());
    let names: Vec<String> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.contains(TOKEN) && !n.contains(MONITOR)),
        "{names:?}"
    );
}

fn v3_error(status: u16, code: &str) -> Reply {
    Reply::raw(
        status,
        "application/json",
        json!({"status": code, "message": "from the mock"}).to_string(),
    )
}

#[rstest]
// A malformed -i gets a 400: the advice names -i.
#[case::bad_request(
    v3_error(400, "bad_request"),
    "HTTP 400 (bad_request: from the mock): the API refused the request: check -i and --api-url"
)]
#[case::unauthorized(
    v3_error(401, "unauthorized"),
    "HTTP 401 (unauthorized: from the mock): the API key was not accepted"
)]
#[case::forbidden(
    v3_error(403, "forbidden"),
    "HTTP 403 (forbidden: from the mock): the API key's scope does not allow this call"
)]
#[case::not_found(v3_error(404, "not_found"), "HTTP 404 (not_found: from the mock): ")]
#[case::rate_limited(v3_error(429, "too_many_requests").header("ratelimit-remaining-user", "0").header("ratelimit-reset-user", "30"), "rate limited (per-user limit) and it resets in 30 s")]
#[case::server_error(
    v3_error(500, "internal_server_error"),
    "HTTP 500 (internal_server_error: from the mock): HetrixTools or a proxy"
)]
#[case::unavailable(v3_error(503, "service_unavailable"), "HTTP 503")]
#[case::no_content(Reply::raw(204, "application/json", ""), "HTTP 204")]
#[case::html(
    Reply::raw(200, "text/html", "<html><body>Cloudflare</body></html>"),
    "an HTML page instead of JSON"
)]
#[case::truncated(
    Reply::raw(200, "application/json", "{\"monitors\": [{\"id\""),
    "not valid JSON"
)]
#[case::array(
    Reply::raw(200, "application/json", "[]"),
    "an array instead of a JSON object"
)]
#[case::empty(Reply::raw(200, "application/json", ""), "an empty body")]
fn every_error_ends_unknown_with_advice(
    #[case] reply: Reply,
    #[case] message: &str,
    #[values("status", "ssl", "domain", "blacklist")] mode: &str,
) {
    let api = MockApi::replying(reply);
    let run = v3(&api, &["-m", mode]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.first_line().contains(message), "{run:?}");
    // A 503 is the one status v3 documents as temporary: retried once.
    let calls = if message == "HTTP 503" { 2 } else { 1 };
    assert_eq!(api.requests().len(), calls);
}

#[rstest]
#[case::empty_list(json!({"monitors": [], "meta": {"total": 0}}))]
#[case::another_monitor(json!({"monitors": [{"id": "ffffffffffffffffffffffffffffffff", "uptime_status": "up"}]}))]
fn an_unknown_monitor_is_named(
    #[case] body: Value,
    #[values("status", "ssl", "domain")] mode: &str,
) {
    let run = v3(&MockApi::replying(Reply::json(&body)), &["-m", mode]);
    assert_eq!(run.code, 3);
    assert!(
        run.first_line()
            .contains(&format!("HetrixTools has no uptime monitor {MONITOR}")),
        "{run:?}"
    );
}

#[rstest]
fn v1_refuses_before_any_call(#[values("status", "ssl", "domain", "blacklist")] mode: &str) {
    let api = MockApi::replying(Reply::json(&monitor(unchanged)));
    let run = check(&api, &["-m", mode]);
    assert_eq!(run.code, 3);
    assert!(
        run.first_line()
            .contains(&format!("mode {mode} needs --api v3")),
        "{run:?}"
    );
    assert!(api.requests().is_empty());
}

fn report(listed: Value) -> Value {
    let mut body = json!({"id": "b".repeat(32), "name": "mail", "type": "ipv4",
                          "target": "192.0.2.25", "report_id": "c".repeat(32)});
    if listed != json!("absent") {
        body["listed"] = listed;
    }
    body
}

fn rbls(count: usize) -> Value {
    (1..=count)
        .map(|n| json!({"rbl": format!("rbl{n}.example"), "delist": format!("https://rbl{n}.example/delist")}))
        .collect()
}

#[rstest]
#[case::clean(json!([]), &[], 0, "BLACKLIST OK - 192.0.2.25 is listed on no RBL", "'listed'=0;0;;0")]
#[case::one(rbls(1), &[], 1, "BLACKLIST WARNING - 192.0.2.25 is listed on 1 RBL (rbl1.example)", "'listed'=1;0;;0")]
#[case::five(rbls(5), &[], 1, "BLACKLIST WARNING - 192.0.2.25 is listed on 5 RBLs (rbl1.example rbl2.example rbl3.example and 2 more)", "'listed'=5")]
#[case::critical(rbls(3), &["-c", "2"], 2, "BLACKLIST CRITICAL - 192.0.2.25 is listed on 3 RBLs", "'listed'=3;0;2;0")]
#[case::tolerated(rbls(2), &["-w", "2"], 0, "BLACKLIST OK - 192.0.2.25 is listed on 2 RBLs", "'listed'=2;2;;0")]
#[case::missing(json!("absent"), &[], 3, "BLACKLIST UNKNOWN - the blacklist report did not say where 192.0.2.25 is listed", "")]
#[case::null(json!(null), &[], 3, "BLACKLIST UNKNOWN - the blacklist report did not say", "")]
#[case::wrong_type(json!({"rbl": "x"}), &[], 3, "BLACKLIST UNKNOWN - the blacklist report did not say", "")]
#[case::hostile_entries(json!([{"rbl": "a|b, c"}, 5, null]), &[], 1, "BLACKLIST WARNING - 192.0.2.25 is listed on 3 RBLs (a_b__c (unnamed) (unnamed))", "'listed'=3")]
fn blacklist_counts_listings(
    #[case] listed: Value,
    #[case] args: &[&str],
    #[case] code: i32,
    #[case] first_line: &str,
    #[case] perfdata: &str,
) {
    let api = MockApi::replying(Reply::json(&report(listed)));
    let mut all = vec!["-m", "blacklist"];
    all.extend_from_slice(args);
    let run = v3(&api, &all);
    run.assert_outcome(code, first_line, perfdata);
    let paths: Vec<String> = api.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, [format!("/v3/blacklist-monitors/{MONITOR}/report")]);
}

/// Mode blacklist for `identifier`, an IP or hostname instead of an ID.
fn blacklist_of(api: &MockApi, identifier: &str) -> Run {
    common::run(
        &[
            "--api-url",
            &api.url,
            "--api",
            "v3",
            "-i",
            identifier,
            "-m",
            "blacklist",
        ],
        &[("HETRIX_API_TOKEN", TOKEN)],
    )
}

#[test]
fn blacklist_names_every_rbl_with_its_delist_link_by_ip() {
    let api = MockApi::replying(Reply::json(&report(rbls(4))));
    let run = blacklist_of(&api, "192.0.2.25");
    let details = run.long_output();
    assert_eq!(details.len(), 5, "{run:?}");
    assert_eq!(
        details[3],
        "[listed] rbl4.example: delist at https://rbl4.example/delist"
    );
    assert_eq!(
        details[4],
        format!(
            "report: https://hetrixtools.com/report/blacklist/{}/",
            "c".repeat(32)
        )
    );
    assert_eq!(
        api.requests()[0].path,
        "/v3/blacklist-monitors/192.0.2.25/report"
    );
}

#[test]
fn an_unknown_blacklist_monitor_is_named() {
    let api = MockApi::replying(v3_error(404, "not_found"));
    let run = blacklist_of(&api, "mail.example.com");
    assert_eq!(run.code, 3);
    assert!(
        run.first_line()
            .contains("no blacklist monitor for mail.example.com"),
        "{run:?}"
    );
}

/// The demo server's v3 metrics, current, with every minute's CPU and RAM
/// at the given percentages.
fn metrics(cpu: f64, ram: f64) -> Value {
    let mut payload: Value = serde_json::from_str(include_str!("../../src/demo_v3.json")).unwrap();
    let shift = now() - payload["meta"]["last_updated"].as_i64().unwrap();
    payload["meta"]["last_updated"] = now().into();
    for sample in payload["stats"].as_array_mut().unwrap() {
        sample["timestamp"] = (sample["timestamp"].as_i64().unwrap() + shift).into();
        sample["cpu"] = cpu.into();
        sample["ram"] = ram.into();
    }
    payload
}

fn processes() -> Value {
    json!({"processes": [
        {"pid": 812, "ppid": 1, "uid": 33, "user": "www-data", "elapsed": 3600, "cpu": 41.2,
         "ram": 3.1, "process": "nginx", "command": "nginx: worker process"},
        {"pid": 900, "user": "mysql", "cpu": "12.5", "ram": 30, "process": "mysqld",
         "command": "/usr/sbin/mysqld"},
        {"pid": "odd", "user": null, "cpu": null, "process": 7}
    ], "meta": {"total": 3, "returned": 3, "last_updated": now()}})
}

/// Metrics at `cpu`/`ram` %, and `processes` for the processes call.
fn agent(cpu: f64, ram: f64, processes: Reply) -> MockApi {
    agent_answering(metrics(cpu, ram), move |_| processes.clone())
}

/// `metrics`, and `answer(n)` for the processes call asked `n` times
/// before.
fn agent_answering(
    metrics: Value,
    answer: impl Fn(usize) -> Reply + Send + Sync + 'static,
) -> MockApi {
    let asked = AtomicUsize::new(0);
    MockApi::start(move |request| {
        if request.path.contains("/server-agent/processes") {
            answer(asked.fetch_add(1, Ordering::SeqCst))
        } else {
            Reply::json(&metrics)
        }
    })
}

fn paths(api: &MockApi) -> Vec<String> {
    api.requests().iter().map(|r| r.path.clone()).collect()
}

#[rstest]
#[case::cpu_critical("cpu", 95.0, 10.0, &[], 2, "cpu", "CPU CRITICAL - cpu 95%, iowait 0.05%, top: nginx 41%")]
#[case::cpu_warning("cpu", 85.0, 10.0, &[], 1, "cpu", "CPU WARNING - cpu 85%, iowait 0.05%, top: nginx 41%")]
#[case::ram_critical("ram", 10.0, 95.0, &[], 2, "ram", "RAM CRITICAL - ram 95%, swap 0%, top: nginx 3%")]
#[case::inside_all("all", 10.0, 85.0, &["--max-age", "0"], 1, "ram", ", top: nginx 3%")]
fn an_alert_names_the_heaviest_processes(
    #[case] mode: &str,
    #[case] cpu: f64,
    #[case] ram: f64,
    #[case] args: &[&str],
    #[case] code: i32,
    #[case] order: &str,
    #[case] first_line: &str,
) {
    let api = agent(cpu, ram, Reply::json(&processes()));
    let mut all = vec!["-m", mode];
    all.extend_from_slice(args);
    let run = v3(&api, &all);
    assert_eq!(run.code, code, "{run:?}");
    assert!(run.first_line().ends_with(first_line), "{run:?}");
    let (nginx, mysqld) = match order {
        "cpu" => ("41.2", "12.5"),
        _ => ("3.1", "30"),
    };
    let top = format!(
        "\n[top] {nginx}% nginx: worker process (pid 812, www-data)\n\
         [top] {mysqld}% /usr/sbin/mysqld (pid 900, mysql)\n"
    );
    assert!(
        run.long_output().join("\n").ends_with(top.trim()),
        "{run:?}"
    );
    assert_eq!(paths(&api)[1], processes_path(order));
    assert_eq!(paths(&api).len(), 2);
}

/// WARNING ranks below UNKNOWN, so `all` ends UNKNOWN when a core
/// sub-check lacks its data: its cpu sub-check alerts all the same.
#[test]
fn a_cpu_alert_inside_an_unknown_all_names_the_heaviest_processes() {
    let mut metrics = metrics(85.0, 10.0);
    metrics["disk"]["disks"] = json!([]);
    let api = agent_answering(metrics, |_| Reply::json(&processes()));
    let run = v3(&api, &["-m", "all", "--max-age", "0"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.first_line().contains("DISK UNKNOWN"), "{run:?}");
    assert!(run.first_line().ends_with(", top: nginx 41%"), "{run:?}");
    assert_eq!(paths(&api)[1], processes_path("cpu"));
}

#[rstest]
#[case::ok("cpu", 10.0, &[])]
#[case::ok_in_all("all", 10.0, &["--max-age", "0"])]
#[case::top_off("cpu", 95.0, &["--top", "0"])]
#[case::other_mode_alerts("disk", 95.0, &["-w", "1"])]
fn no_alert_makes_no_processes_call(#[case] mode: &str, #[case] cpu: f64, #[case] args: &[&str]) {
    let api = agent(cpu, 10.0, Reply::json(&processes()));
    let mut all = vec!["-m", mode];
    all.extend_from_slice(args);
    let run = v3(&api, &all);
    assert!(!run.stdout.contains("[top]"), "{run:?}");
    assert_eq!(paths(&api).len(), 1, "{:?}", paths(&api));
}

#[test]
fn top_takes_the_count_asked_for() {
    let api = agent(95.0, 10.0, Reply::json(&processes()));
    let run = v3(&api, &["-m", "cpu", "--top", "1"]);
    assert_eq!(run.stdout.matches("[top]").count(), 1, "{run:?}");
    assert!(paths(&api)[1].ends_with("order_by=cpu&per_page=1"));
}

fn hanging() -> Reply {
    Reply {
        byte_delay: Some(std::time::Duration::from_secs(30)),
        ..Reply::json(&processes())
    }
}

#[rstest]
#[case::snapshot_off(
    v3_error(404, "not_found"),
    "HTTP 404 (not_found: from the mock): no recent process snapshot"
)]
#[case::rate_limited(v3_error(429, "too_many_requests"), "HTTP 429")]
#[case::server_error(v3_error(500, "internal_server_error"), "HTTP 500")]
#[case::html(Reply::raw(200, "text/html", "<html>oops</html>"), "HTML page")]
#[case::no_list(Reply::json(&json!({"processes": "none"})), "lists none")]
#[case::hang_up(Reply { hang_up: true, ..Reply::json(&json!({})) }, "network error talking to")]
#[case::past_the_deadline(hanging(), "timeout after")]
fn a_failed_processes_call_changes_nothing_but_verbose(#[case] reply: Reply, #[case] why: &str) {
    let api = agent(95.0, 10.0, reply);
    let quiet = v3(&api, &["-m", "cpu", "-t", "3"]);
    assert_eq!(quiet.code, 2, "{quiet:?}");
    assert_eq!(quiet.stdout.lines().count(), 1, "{quiet:?}");
    assert!(!quiet.stdout.contains("top"), "{quiet:?}");
    let verbose = v3(&api, &["-m", "cpu", "-t", "3", "-v"]);
    assert_eq!(verbose.code, 2, "{verbose:?}");
    let said = verbose
        .stdout
        .lines()
        .find(|l| l.starts_with("top processes not shown: "))
        .unwrap_or_else(|| panic!("-v should say why: {verbose:?}"));
    assert!(said.contains(why), "{said}");
}

#[test]
fn the_processes_call_is_logged_like_the_checks_own() {
    let reply = Reply::json(&processes())
        .header("ratelimit-remaining-user", "41")
        .header("ratelimit-remaining-endpoint", "7");
    let api = agent(95.0, 10.0, reply);
    let run = v3(&api, &["-m", "cpu", "-vvv"]);
    assert_eq!(run.code, 2, "{run:?}");
    let log = run.long_output();
    let get = format!("GET {}{}", api.url, processes_path("cpu"));
    let at = log
        .iter()
        .position(|line| *line == get)
        .unwrap_or_else(|| panic!("-vvv should show the processes URL: {run:?}"));
    assert!(
        log[at + 1].starts_with("HTTP 200 with ") && log[at + 1].contains(" bytes after "),
        "{run:?}"
    );
    assert_eq!(
        log[at + 2],
        "rate limit (processes): 41 calls left for the user, 7 calls left for the endpoint"
    );
    // The metrics call is logged before it, in the same words.
    assert_eq!(log.iter().filter(|l| l.starts_with("GET ")).count(), 2);
    assert_eq!(
        log.iter()
            .filter(|l| l.starts_with("HTTP 200 with "))
            .count(),
        2
    );
    let quiet = v3(&api, &["-m", "cpu", "-v"]);
    let log = quiet.long_output();
    assert!(
        log.contains(
            &"rate limit (processes): 41 calls left for the user, 7 calls left for the endpoint"
        ),
        "{quiet:?}"
    );
    assert!(
        !log.iter()
            .any(|l| l.starts_with("GET ") || l.starts_with("HTTP ")),
        "{quiet:?}"
    );
}

#[rstest]
#[case::room_to_retry("30", 3, "CPU CRITICAL - cpu 95%, iowait 0.05%, top: nginx 41%")]
#[case::deadline_near("3", 2, "CPU CRITICAL - cpu 95%, iowait 0.05%")]
fn a_503_from_the_processes_call_is_retried_once_when_the_deadline_allows(
    #[case] timeout: &str,
    #[case] requests: usize,
    #[case] first_line: &str,
) {
    let api = agent_answering(metrics(95.0, 10.0), |asked| match asked {
        0 => v3_error(503, "service_unavailable"),
        _ => Reply::json(&processes()),
    });
    let run = v3(&api, &["-m", "cpu", "-t", timeout, "-v"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.first_line(), first_line, "{run:?}");
    assert_eq!(paths(&api).len(), requests, "{:?}", paths(&api));
    let log = run.long_output();
    let retried =
        log.contains(&"HTTP 503, which HetrixTools calls temporary: retrying once in 1000 ms");
    assert_eq!(retried, requests == 3, "{run:?}");
}
