//! The first line's text never holds a `;` (Nagios rewrites it to `:`)
//! nor a `|` (which would start perfdata early): every mode, on both APIs,
//! against the demo payloads, payloads in trouble, HTTP error replies and
//! a redirect loop, and the argument errors.

use crate::common;

use common::variants::{
    degraded_raid, failed_drive, full_bak, healthy, offline_service, old_data, older_agent,
    resyncing_raid,
};
use common::{MONITOR, MockApi, Reply, Run, TOKEN, example, example_v3, execute, now};
use rstest::rstest;
use serde_json::{Value, json};

/// Fails when the text before the perfdata holds a `;` or a `|`.
fn assert_clean_first_line(run: &Run, what: &str) {
    let first = run.first_line();
    let text = first.split_once(" | ").map_or(first, |(text, _)| text);
    assert!(
        !text.contains(';'),
        "a ';' in the first line ({what}): {first:?}"
    );
    assert!(
        !text.contains('|'),
        "a '|' before perfdata ({what}): {first:?}"
    );
    assert!(
        ["OK", "WARNING", "CRITICAL", "UNKNOWN"].contains(&run.state()),
        "({what}): {run:?}"
    );
}

/// An edit of a payload.
type Change = fn(&mut Value);

/// The v3 payload with `change` applied.
fn v3_with(change: Change) -> Value {
    let mut payload = example_v3();
    change(&mut payload);
    payload
}

fn v3_busy(p: &mut Value) {
    for sample in p["stats"].as_array_mut().unwrap() {
        sample["cpu"] = json!(95.5);
        sample["ram"] = json!(97.25);
    }
}

fn v3_in_trouble(p: &mut Value) {
    p["disk"]["disks"][0]["raid"]["health"] = json!("danger");
    p["disk"]["drives"][1]["smart_test"] = json!("FAILED");
    p["services"][1]["status"] = json!("offline");
    p["outgoing_pings"][1]["packet_loss_percent"] = json!(100);
    p["system"]["reboot_required"] = json!(true);
}

fn v3_old(p: &mut Value) {
    p["meta"]["last_updated"] = json!(now() - 3600);
}

/// Serves `v1` and `v3` as the agent's data, plus an uptime monitor, a
/// blacklist report and a process list whose names hold `;`, `|` and `,`.
fn serving(v1: Value, v3: Value) -> MockApi {
    let monitor = json!({"monitors": [{
        "id": MONITOR, "name": "shop; main|site", "type": "website",
        "uptime_status": "up", "monitor_status": "active", "uptime": 99.9,
        "locations": {
            "lon;don": {"uptime_status": "down", "response_time": 120, "last_check": now()},
            "new|york": {"uptime_status": "up", "response_time": 3100, "last_check": now()}
        },
        "ssl_expiration_date": "2000-01-01", "domain_expiration_date": "2999-01-01"
    }], "meta": {"total": 1}});
    let report = json!({"target": "192.0.2.25", "report_id": "c".repeat(32),
        "listed": [{"rbl": "a;b|c", "delist": "https://x.example/?a=1;b|c"}, {"rbl": "d, e"}]});
    let processes = json!({"processes": [
        {"pid": 1, "user": "a;b", "cpu": 90, "ram": 90, "process": "x|y; z, w", "command": "x|y; z, w"}
    ]});
    MockApi::start(move |request| {
        let path = request.path.as_str();
        if path.starts_with(&format!("/v1/{TOKEN}/server/stats/")) {
            Reply::json(&v1)
        } else if path.ends_with("/server-agent/metrics") {
            Reply::json(&v3)
        } else if path.contains("/server-agent/processes") {
            Reply::json(&processes)
        } else if path.starts_with("/v3/uptime-monitors?") {
            Reply::json(&monitor)
        } else if path.starts_with("/v3/blacklist-monitors/") {
            Reply::json(&report)
        } else {
            Reply::raw(
                404,
                "application/json",
                r#"{"status":"not_found","message":"no; such|thing"}"#,
            )
        }
    })
}

/// HTTP replies other than data: errors of every kind the API or a proxy
/// sends, with server messages that hold `;` and `|`.
fn error_replies() -> Vec<(&'static str, Reply)> {
    let error = |status: u16, code: &str| {
        Reply::raw(
            status,
            "application/json",
            json!({"status": code, "message": "try; again|later", "error_message": "x; y"})
                .to_string(),
        )
    };
    vec![
        ("400", error(400, "bad_request")),
        ("401", error(401, "unauthorized")),
        ("403", error(403, "forbidden")),
        ("404", error(404, "not_found")),
        (
            "429",
            error(429, "too_many_requests")
                .header("Retry-After", "30")
                .header("ratelimit-limit-user", "300")
                .header("ratelimit-remaining-user", "0")
                .header("ratelimit-reset-user", "30"),
        ),
        ("429 without headers", error(429, "too_many_requests")),
        ("500", error(500, "internal_server_error")),
        ("503", error(503, "service_unavailable")),
        (
            "502 HTML",
            Reply::raw(
                502,
                "text/html",
                "<html><body>Bad gateway; sorry</body></html>",
            ),
        ),
        (
            "200 HTML",
            Reply::raw(200, "text/html", "<html><body>Cloudflare</body></html>"),
        ),
        ("200 empty", Reply::raw(200, "application/json", "")),
        (
            "200 truncated",
            Reply::raw(200, "application/json", "{\"Stats\": ["),
        ),
        (
            "200 v1 error",
            Reply::raw(
                200,
                "application/json",
                r#"{"status":"ERROR","error_message":"a; b|c"}"#,
            ),
        ),
        (
            "redirect loop",
            Reply::raw(302, "text/plain", "").header("Location", "/loop"),
        ),
    ]
}

fn check(api: &MockApi, version: &str, mode: &str) -> Run {
    execute(
        &[
            "--api-url",
            &api.url,
            "--api",
            version,
            "-i",
            MONITOR,
            "-m",
            mode,
            // Below the 4 s a v3 503's retry needs: no pause per mode.
            "-t",
            "3",
        ],
        &[("HETRIX_API_TOKEN", TOKEN)],
    )
}

/// The v1 payload with `change` applied.
fn v1_with(change: Change) -> Value {
    let mut payload = example();
    change(&mut payload);
    payload
}

#[rstest]
fn no_mode_line_holds_a_semicolon_or_a_pipe(
    #[values(
        "all",
        "cpu",
        "iowait",
        "ram",
        "swap",
        "steal",
        "load",
        "temp",
        "disk",
        "disk:/boot",
        "disk:/nope",
        "inodes",
        "inodes:/",
        "raid",
        "smart",
        "services",
        "service:nginx",
        "service:nope",
        "freshness",
        "net",
        "net:eno1",
        "net:nope",
        "ports",
        "port:443",
        "port:9",
        "reboot",
        "uptime",
        "ping",
        "ping:nope",
        "var:queue",
        "var:nope",
        "quota",
        "status",
        "ssl",
        "domain",
        "blacklist"
    )]
    mode: &str,
) {
    for api in [&["--demo"][..], &["--demo", "--api", "v1"]] {
        let run = execute(&[api, &["-m", mode]].concat(), &[]);
        assert_clean_first_line(&run, &format!("{api:?}"));
    }
    let v1_variants: [(&str, Change); 8] = [
        ("healthy", healthy),
        ("degraded RAID", degraded_raid),
        ("resyncing RAID", resyncing_raid),
        ("failed drive", failed_drive),
        ("offline service", offline_service),
        ("old data", old_data),
        ("full /bak", full_bak),
        ("older agent", older_agent),
    ];
    for (name, change) in v1_variants {
        let api = serving(v1_with(change), example_v3());
        assert_clean_first_line(&check(&api, "v1", mode), &format!("v1 {name}"));
    }
    let v3_variants: [(&str, Change); 4] = [
        ("healthy", healthy),
        ("busy", v3_busy),
        ("in trouble", v3_in_trouble),
        ("old data", v3_old),
    ];
    for (name, change) in v3_variants {
        let api = serving(example(), v3_with(change));
        assert_clean_first_line(&check(&api, "v3", mode), &format!("v3 {name}"));
    }
}

/// Errors end a run before its mode looks at data, so one mode per API
/// call covers them.
#[rstest]
fn no_error_line_holds_a_semicolon_or_a_pipe(
    #[values("cpu", "all", "quota", "status", "blacklist")] mode: &str,
) {
    for (name, reply) in error_replies() {
        let api = MockApi::replying(reply);
        for version in ["v3", "v1"] {
            let run = check(&api, version, mode);
            assert_clean_first_line(&run, &format!("{version} {name}"));
        }
    }
}

#[rstest]
#[case(&["--demo", "-m", "nope"])]
#[case(&["--demo", "-m", "cpu", "-w", "80", "-w", "90"])]
#[case(&["--demo", "-m", "cpu", "-w", "1 0"])]
#[case(&["--demo", "-m", "net", "-w", "1 0"])]
#[case(&["--demo", "-m", "disk", "--free", "-w", "20G:"])]
#[case(&["--demo", "-m", "disk", "--include", "^/nothing"])]
#[case(&["--demo", "-m", "disk:/", "--include", "^/"])]
#[case(&["--demo", "-m", "disk", "--mount-warning", "/bakk=95"])]
#[case(&["--demo", "-m", "cpu", "--max-age", "1", "--api", "v1"])]
#[case(&["--list-monitors", "--api", "v1"])]
fn no_argument_error_holds_a_semicolon_or_a_pipe(#[case] args: &[&str]) {
    let run = execute(args, &[("HETRIX_API_TOKEN", TOKEN)]);
    assert_clean_first_line(&run, &format!("{args:?}"));
}

/// Names and words from the agent with commas in them: each is alone in
/// its section (the one-item summaries) or next to an item in trouble.
fn commas_alone(p: &mut Value) {
    p["Disks"] = json!([{"Mount": "/srv/a,b", "Size": 100, "Used": 50,
        "Inodes": 100, "InodesUsed": 5,
        "RAID": {"Type": "raid,1", "Health": "Healthy, mostly", "State": "clean, active",
                 "TotalDrives": 2, "ActiveDrives": 2, "FailedDrives": 0}}]);
    p["Services"] = json!([{"Name": "web, api", "Status": "online"}]);
    p["NetworkInterfaces"] = json!([{"Name": "eth0,1", "NetIn": 5, "NetOut": 7}]);
    p["Drives"] = json!([{"Name": "sd,a", "SMARTTest": "PASSED", "ErrorCount": 0}]);
}

fn commas_in_trouble(p: &mut Value) {
    commas_alone(p);
    p["Disks"][0]["Used"] = json!(99);
    p["Disks"][0]["RAID"]["Health"] = json!("Degraded, rebuilding");
    p["Disks"][0]["RAID"]["State"] = json!("clean, degraded, recovering");
    p["Services"] = json!([{"Name": "web, api", "Status": "stopped, failed"},
                           {"Name": "db", "Status": "online"}]);
    p["Drives"][0]["SMARTTest"] = json!("FAILED, see log");
}

/// Commas separate the items of a first line: words of the agent's that
/// hold one are written with spaces there, whichever way the summary is
/// made (one item, items in trouble, `all`); long output keeps them.
#[rstest]
fn agent_words_with_commas_stay_inside_their_item(
    #[values("disk", "raid", "services", "net", "smart", "all")] mode: &str,
    #[values(commas_alone, commas_in_trouble)] change: Change,
) {
    let payload = v1_with(change);
    let api = serving(payload.clone(), example_v3());
    let run = check(&api, "v1", mode);
    let first = run.first_line();
    let text = first.split_once(" | ").map_or(first, |(text, _)| text);
    let joins = comma_joins(&payload);
    assert!(joins.len() >= 7, "the variant plants commas: {joins:?}");
    for join in joins {
        assert!(!text.contains(&join), "{join:?} in the first line: {run:?}");
    }
    assert!(
        ["OK", "WARNING", "CRITICAL"].contains(&run.state()),
        "{run:?}"
    );
}

/// Each comma in the payload's texts with the characters either side of it
/// (`"a, b"` gives `"a, b"`, `"x,y"` gives `"x,y"`): how an agent word would
/// show in a first line that kept its commas.
fn comma_joins(payload: &Value) -> Vec<String> {
    match payload {
        Value::String(text) => text
            .match_indices(',')
            .filter_map(|(at, _)| {
                let before = text[..at].chars().next_back()?;
                let after = text[at + 1..].trim_start();
                let gap = &text[at + 1..text.len() - after.len()];
                Some(format!("{before},{gap}{}", after.chars().next()?))
            })
            .collect(),
        Value::Array(items) => items.iter().flat_map(comma_joins).collect(),
        Value::Object(fields) => fields.values().flat_map(comma_joins).collect(),
        _ => Vec::new(),
    }
}

/// Inside `all`'s first line a sub-check's own items stay apart, joined by
/// `and` in its parentheses rather than run together or comma-separated.
#[test]
fn all_keeps_a_sub_checks_items_apart_without_commas() {
    let run = common::run(
        &[
            "--demo",
            "--api",
            "v1",
            "-m",
            "all",
            "--mount-critical",
            "/=50",
            "--mount-critical",
            "/bak=50",
        ],
        &[],
    );
    assert!(
        run.first_line().starts_with(
            "HETRIX CRITICAL - DISK CRITICAL (/ 75.9% used (710.9 of 936.8 GiB) and /bak 56.9% used (3.1 of 5.5 TiB)), "
        ),
        "{run:?}"
    );
    assert!(
        run.long_output().contains(
            &"[CRITICAL] DISK: / 75.9% used (710.9 of 936.8 GiB), /bak 56.9% used (3.1 of 5.5 TiB)"
        ),
        "{run:?}"
    );
}

/// A custom variable's name and the heaviest process's name come from the
/// agent too: inside their first-line item their commas become spaces.
#[test]
fn variable_and_process_names_lose_their_commas_on_the_first_line() {
    let v3 = v3_with(|p| {
        p["custom_variables"] = json!([{"name": "queue,depth", "value": 12}]);
        v3_busy(p);
    });
    let api = serving(example(), v3);
    let var = check(&api, "v3", "var:queue,depth");
    assert!(
        var.first_line().starts_with("VAR OK - queue depth = 12"),
        "{var:?}"
    );
    let top = check(&api, "v3", "cpu");
    let first = top.first_line();
    assert!(first.contains(", top: x¦y: z w 90%"), "{top:?}");
}
