//! `--api v3` against a mock that serves the same server data on both API
//! versions: shared modes agree with v1, the v3-only modes work, v3 errors
//! become UNKNOWN with advice, and `--list-monitors` pages through an
//! account. The key must travel only in the Authorization header.

use crate::common;

use common::variants::{
    degraded_raid, failed_drive, full_bak, healthy, offline_service, old_data, resyncing_raid,
    without,
};
use common::{
    MONITOR, MockApi, Reply, Request, Run, TOKEN, check, check_on, example, example_v3, execute,
    list_monitors as list, now,
};
use rstest::rstest;
use serde_json::{Value, json};

fn v1_path() -> String {
    format!("/v1/{TOKEN}/server/stats/{MONITOR}/")
}

fn v3_path() -> String {
    format!("/v3/uptime-monitors/{MONITOR}/server-agent/metrics")
}

fn bearer(request: &Request) -> Option<&str> {
    request
        .headers
        .iter()
        .find(|(name, _)| name == "authorization")
        .map(|(_, value)| value.as_str())
}

fn v3_error(status: u16, code: &str, message: &str) -> Reply {
    Reply::raw(
        status,
        "application/json",
        json!({"status": code, "message": message}).to_string(),
    )
}

/// The v1 payload's server as v3 reports it, plus the metrics only v3 has.
fn to_v3(v1: &Value) -> Value {
    let lower = |v: &Value| v.as_str().map_or(Value::Null, |s| s.to_lowercase().into());
    let list = |v: &Value, map: &dyn Fn(&Value) -> Value| -> Value {
        v.as_array()
            .map_or(json!([]), |items| items.iter().map(map).collect())
    };
    let raid = |r: &Value| {
        if !r.is_object() {
            return Value::Null;
        }
        let health = match r["Health"].as_str() {
            Some("Healthy") => "healthy",
            Some(_) => "danger",
            None => "unknown",
        };
        json!({
            "type": r["Type"], "zfs": false, "health": health, "state": r["State"],
            "persistence": r["Persistence"], "total_drives": r["TotalDrives"],
            "active_drives": r["ActiveDrives"], "working_drives": r["WorkingDrives"],
            "spare_drives": r["SpareDrives"], "failed_drives": r["FailedDrives"],
        })
    };
    let disk = |d: &Value| {
        let percent = match (d["Used"].as_f64(), d["Size"].as_f64()) {
            (Some(used), Some(size)) if size > 0.0 => json!(used / size * 100.0),
            _ => Value::Null,
        };
        json!({
            "mount": d["Mount"], "size": d["Size"], "used": d["Used"],
            "available": d["Available"], "usage_percent": percent,
            "io_read": d["IORead"], "io_write": d["IOWrite"], "inodes": d["Inodes"],
            "inodes_used": d["InodesUsed"], "raid": raid(&d["RAID"]),
        })
    };
    let drive = |d: &Value| {
        json!({
            "name": d["Name"], "type": lower(&d["Type"]), "model": null, "serial": null,
            "smart_test": d["SMARTTest"], "wearout_percent": null,
            "power_on_hours": d["PowerOnHours"], "power_cycles": d["PowerCycles"],
            "unsafe_shutdowns": d["UnsafeShutdowns"], "error_count": d["ErrorCount"],
            "error_details": if d["ErrorDetails"].is_object() { d["ErrorDetails"].clone() } else { json!([]) },
        })
    };
    let sample = |s: &Value| {
        json!({
            "timestamp": s["Minute"], "cpu": s["CPU"], "iowait": s["IOWait"], "steal": 0.4,
            "user": null, "system": null, "cpu_temp": 54.5, "load_1": 1.52, "load_5": 1.31,
            "load_15": 1.2, "ram": s["RAM"], "swap": s["Swap"], "buffered": null,
            "cached": null, "disk": s["Disk"], "net_in": s["NetIn"], "net_out": s["NetOut"],
        })
    };
    json!({
        "agent": {"version": v1["AgentVersion"], "type": lower(&v1["AgentType"]),
                  "ip_address": v1["AgentIPAddress"], "date_added": v1["AgentAddTime"]},
        "system": {"hostname": "demo", "operating_system": v1["OperatingSystem"],
                   "kernel": v1["Kernel"], "uptime": v1["SystemUptime"],
                   "reboot_required": v1["RebootRequired"]},
        "cpu": {"model": v1["CPUModel"], "speed": v1["CPUSpeed"], "sockets": 1,
                "cores": 6, "threads": v1["CPUCores"]},
        "memory": {"ram_size": 67457896448u64, "swap_size": 0},
        "disk": {"total_size": v1["Disk"], "disks": list(&v1["Disks"], &disk),
                 "drives": list(&v1["Drives"], &drive)},
        "network_interfaces": list(&v1["NetworkInterfaces"], &|n| json!({
            "name": n["Name"], "net_in": n["NetIn"], "net_out": n["NetOut"], "ipv4": [], "ipv6": []})),
        "services": list(&v1["Services"], &|s| json!({"name": s["Name"], "status": s["Status"]})),
        "port_connections": list(&v1["PortConnections"], &|p| json!({
            "port": p["Port"], "connections": p["Connections"]})),
        "outgoing_pings": [
            {"name": "gateway", "target": "10.0.0.1", "port": null,
             "packet_loss_percent": 0, "response_time": 0.42},
            {"name": "google", "target": "8.8.8.8", "port": null,
             "packet_loss_percent": 0, "response_time": 12.3},
        ],
        "custom_variables": [{"name": "queue", "value": 12}, {"name": "workers", "value": 0}],
        "stats": list(&v1["Stats"], &sample),
        "meta": {"last_updated": v1["AgentLastData"]},
    })
}

/// Serves `v1` on the v1 path and its v3 twin (edited by `v3_only`) on the
/// v3 path, the latter only with the right Bearer header.
fn serving(v1: Value, v3_only: fn(&mut Value)) -> MockApi {
    let mut v3 = to_v3(&v1);
    v3_only(&mut v3);
    MockApi::start(move |request| {
        if request.path == v1_path() {
            Reply::json(&v1)
        } else if request.path == v3_path() {
            match bearer(request) {
                Some(auth) if auth == format!("Bearer {TOKEN}") => Reply::json(&v3),
                _ => v3_error(401, "unauthorized", "invalid authorization"),
            }
        } else {
            v3_error(400, "bad_request", "invalid endpoint")
        }
    })
}

fn v3(api: &MockApi, args: &[&str]) -> Run {
    check_on(api, &["--api", "v3"], args)
}

// Variants of the v1 payload; the v3 twin follows through `to_v3`.

fn busy_minute(p: &mut Value) {
    let newest = p["Stats"][0]["Minute"].as_i64().unwrap() + 60;
    let stats = p["Stats"].as_array_mut().unwrap();
    stats.push(json!({"Minute": newest, "CPU": 95.5, "IOWait": 3, "RAM": 85, "Swap": 1.5}));
}

fn empty_sections(p: &mut Value) {
    for section in ["Disks", "Drives", "Services", "Stats"] {
        p[section] = json!([]);
    }
}

#[rstest]
#[case("cpu", &[], healthy, 0)]
#[case("cpu", &["-w", "9", "-c", "20"], healthy, 1)]
#[case("cpu", &["--window", "2"], busy_minute, 0)]
#[case("cpu", &[], busy_minute, 2)]
#[case("cpu", &[], old_data, 3)]
#[case("cpu", &[], empty_sections, 3)]
#[case("ram", &[], healthy, 0)]
#[case("ram", &[], busy_minute, 1)]
#[case("disk", &[], healthy, 0)]
#[case("disk", &["-w", "70"], healthy, 1)]
#[case("disk", &[], full_bak, 2)]
#[case("disk:/boot", &[], healthy, 0)]
#[case("disk:/nope", &[], healthy, 3)]
#[case("disk", &[], empty_sections, 3)]
#[case("raid", &[], healthy, 0)]
#[case("raid", &[], degraded_raid, 2)]
#[case("raid", &[], resyncing_raid, 1)]
#[case("smart", &[], healthy, 1)]
#[case("smart", &["-w", "100"], healthy, 0)]
#[case("smart", &["-w", "100"], failed_drive, 2)]
#[case("smart", &[], empty_sections, 3)]
#[case("services", &[], healthy, 0)]
#[case("services", &[], offline_service, 2)]
#[case("service:mysql", &[], offline_service, 2)]
#[case("service:redis", &[], healthy, 3)]
#[case("freshness", &[], healthy, 0)]
#[case("freshness", &[], old_data, 2)]
fn shared_modes_agree_on_v1_and_v3(
    #[case] mode: &str,
    #[case] thresholds: &[&str],
    #[case] variant: fn(&mut Value),
    #[case] code: i32,
) {
    let mut payload = example();
    variant(&mut payload);
    let api = serving(payload, healthy);
    let mut args = vec!["-m", mode];
    args.extend_from_slice(thresholds);
    let on_v1 = check(&api, &args);
    let on_v3 = v3(&api, &args);
    assert_eq!(on_v1.code, code, "{on_v1:?}");
    assert_eq!(on_v3.code, code, "{on_v3:?}");
    if mode == "freshness" || mode == "raid" {
        // freshness measures the age at each run, a second apart at most;
        // v3 words RAID health as healthy/warning/danger, v1 freely.
        assert_eq!(on_v1.state(), on_v3.state());
    } else {
        assert_eq!(on_v1.stdout, on_v3.stdout);
    }
    let paths: Vec<String> = api.requests().iter().map(|r| r.path.clone()).collect();
    let mut expected = vec![v1_path(), v3_path()];
    if matches!(code, 1 | 2) && matches!(mode, "cpu" | "ram") {
        // Only v3 names the heaviest processes of an alert.
        expected.push(format!(
            "/v3/uptime-monitors/{MONITOR}/server-agent/processes?order_by={mode}&per_page=5"
        ));
    }
    assert_eq!(paths, expected);
}

/// With no `--api`, every mode reads v3: the metrics call, or for quota
/// the account limits; never a metered v1 call.
#[rstest]
#[case("cpu", "CPU OK")]
#[case("ram", "RAM OK")]
#[case("swap", "SWAP OK")]
#[case("iowait", "IOWAIT OK")]
#[case("disk", "DISK OK")]
#[case("inodes", "INODES OK")]
#[case("raid", "RAID OK")]
#[case("smart", "SMART WARNING")]
#[case("services", "SERVICES OK")]
#[case("service:nginx", "SERVICE OK")]
#[case("freshness", "FRESHNESS OK")]
#[case("net", "NET OK")]
#[case("ports", "PORTS OK")]
#[case("port:443", "PORT OK")]
#[case("reboot", "REBOOT OK")]
#[case("uptime", "UPTIME OK")]
#[case("all", "HETRIX WARNING")]
#[case("load", "LOAD OK")]
#[case("temp", "TEMP OK")]
#[case("steal", "STEAL OK")]
#[case("ping", "PING OK")]
#[case("var:queue", "VAR OK")]
#[case("quota", "QUOTA OK - 700 of 1000 v1/v2 API calls left this month")]
fn without_api_every_mode_calls_v3(#[case] mode: &str, #[case] first_line: &str) {
    let api = MockApi::start(|request| match request.path.as_str() {
        "/v3/account/limits" => Reply::json(&json!({"api_v1_v2": {"usage": 300, "limit": 1000}})),
        path if path == v3_path() => Reply::json(&example_v3()),
        _ => v3_error(400, "bad_request", "invalid endpoint"),
    });
    let run = check_on(&api, &[], &["-m", mode]);
    assert!(run.first_line().starts_with(first_line), "{run:?}");
    let paths: Vec<String> = api.requests().into_iter().map(|r| r.path).collect();
    let expected = match mode {
        "quota" => "/v3/account/limits".to_string(),
        _ => v3_path(),
    };
    assert_eq!(paths, [expected]);
}

#[test]
fn verbose_on_v1_says_it_is_deprecated_and_metered() {
    let api = serving(example(), healthy);
    let run = check(&api, &["-m", "cpu", "-v"]);
    assert!(
        run.stdout.contains("\nAPI v1 is deprecated by HetrixTools and its calls count against a monthly quota (v3, the default, has none)\n"),
        "{run:?}"
    );
    let on_v3 = v3(&api, &["-m", "cpu", "-v"]);
    assert!(!on_v3.stdout.contains("deprecated"), "{on_v3:?}");
    let quiet = check(&api, &["-m", "cpu"]);
    assert!(!quiet.stdout.contains("deprecated"), "{quiet:?}");
}

#[test]
fn the_demo_is_v3_unless_told_v1() {
    let run = common::run(&["--demo", "-m", "ping"], &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let run = common::run(&["--demo", "--api", "v1", "-m", "load", "-w", "5,4,5"], &[]);
    assert!(
        run.first_line()
            .starts_with("LOAD OK - load average: 2.29 / 3.72 / 4.04"),
        "the v1 demo is the current v1 page: {run:?}"
    );
}

/// Items the agent sent without a name.
fn nameless(p: &mut Value) {
    p["Disks"][1]["Mount"] = Value::Null;
    p["Services"][0]["Name"] = Value::Null;
    p["NetworkInterfaces"][0]["Name"] = json!("");
}

/// A nameless item gets the same stand-in name on either API, never an
/// empty perfdata label.
#[rstest]
#[case("disk", "'(unnamed)'=3413452694905B;")]
#[case("services", "\n[OK] (unnamed) online\n")]
#[case("net", "'(unnamed)_in'=534350B;")]
fn nameless_items_read_alike_on_v1_and_v3(#[case] mode: &str, #[case] expected: &str) {
    let mut payload = example();
    nameless(&mut payload);
    let api = serving(payload, healthy);
    let on_v1 = check(&api, &["-m", mode]);
    let on_v3 = v3(&api, &["-m", mode]);
    assert!(on_v1.stdout.contains(expected), "{on_v1:?}");
    assert!(!on_v1.stdout.contains("''="), "{on_v1:?}");
    assert_eq!(on_v1.stdout, on_v3.stdout);
}

// Edits of the v3 payload for the v3-only modes.

fn loads(p: &mut Value, values: [Value; 3]) {
    for sample in p["stats"].as_array_mut().unwrap() {
        sample["load_1"] = values[0].clone();
        sample["load_5"] = values[1].clone();
        sample["load_15"] = values[2].clone();
    }
}

fn busy_load(p: &mut Value) {
    loads(p, [json!(20.5), json!(9), json!(4)]);
}

fn no_load(p: &mut Value) {
    loads(p, [Value::Null, json!(1), json!(1)]);
}

/// Load as an agent might garble it: negative, NaN as text, a word.
fn garbled_load(p: &mut Value) {
    loads(p, [json!(-1), json!("NaN"), json!("high")]);
}

fn no_threads(p: &mut Value) {
    p["cpu"]["threads"] = Value::Null;
    p["cpu"]["cores"] = Value::Null;
}

/// What the Linux agent sends: threads per core, not logical CPUs.
fn threads_per_core(p: &mut Value) {
    p["cpu"]["cores"] = json!(6);
    p["cpu"]["threads"] = json!(2);
    busy_load(p);
}

fn hot(p: &mut Value) {
    p["stats"][0]["cpu_temp"] = json!(93);
}

fn no_temp(p: &mut Value) {
    without(&mut p["stats"], "cpu_temp");
}

fn no_cpu(p: &mut Value) {
    without(&mut p["stats"], "cpu");
}

fn no_ram(p: &mut Value) {
    without(&mut p["stats"], "ram");
}

fn stolen(p: &mut Value) {
    p["stats"][0]["steal"] = json!(25);
}

fn lossy_ping(p: &mut Value) {
    p["outgoing_pings"][1]["packet_loss_percent"] = json!(30);
}

fn dead_ping(p: &mut Value) {
    p["outgoing_pings"][0]["packet_loss_percent"] = json!(100);
    p["outgoing_pings"][0]["response_time"] = json!(0);
}

fn slow_ping(p: &mut Value) {
    p["outgoing_pings"][1]["response_time"] = json!(612.5);
}

fn negative_ping(p: &mut Value) {
    p["outgoing_pings"][1]["response_time"] = json!(-1);
}

fn impossible_loss(p: &mut Value) {
    p["outgoing_pings"][1]["packet_loss_percent"] = json!(150);
}

fn no_pings(p: &mut Value) {
    p["outgoing_pings"] = json!([]);
}

fn no_variables(p: &mut Value) {
    p["custom_variables"] = Value::Null;
}

fn raid_health(word: &str) -> impl Fn(&mut Value) + use<'_> {
    move |p: &mut Value| p["disk"]["disks"][0]["raid"]["health"] = json!(word)
}

fn raid_warning(p: &mut Value) {
    raid_health("warning")(p);
}

fn raid_danger(p: &mut Value) {
    raid_health("danger")(p);
}

fn raid_unknown(p: &mut Value) {
    raid_health("unknown")(p);
}

fn raid_unknown_with_a_failed_drive(p: &mut Value) {
    raid_health("unknown")(p);
    p["disk"]["disks"][0]["raid"]["failed_drives"] = json!(1);
}

fn worn(p: &mut Value) {
    p["disk"]["drives"][0]["wearout_percent"] = json!(3);
    p["disk"]["drives"][1]["wearout_percent"] = json!(85);
}

fn worn_out(p: &mut Value) {
    p["disk"]["drives"][1]["wearout_percent"] = json!(97);
}

#[rstest]
// load
#[case("load", &[], healthy, 0, "LOAD OK - load average: 1.52 / 1.31 / 1.2", "'load1'=1.52;;;0 'load5'=1.31;;;0 'load15'=1.2;;;0")]
#[case("load", &["-w", "5,4,3", "-c", "10,8,6"], healthy, 0, "LOAD OK", "'load1'=1.52;5;10;0")]
#[case("load", &["-w", "5,4,3", "-c", "10,8,6"], busy_load, 2, "LOAD CRITICAL - load average: 20.5 / 9 / 4", "'load15'=4;3;6;0")]
#[case("load", &["-w", "25,8,6", "-c", "30,20,10"], busy_load, 1, "LOAD WARNING", "'load5'=9;8;20;0")]
#[case("load", &["-w", "1.4"], healthy, 1, "LOAD WARNING", "'load1'=1.52;1.4;;0 'load5'=1.31;1.4;;0")]
#[case("load", &["--per-cpu", "-w", "1", "-c", "2"], busy_load, 1, "LOAD WARNING - load average per CPU (12 threads): 1.708 / 0.75 / 0.333", "'load1'=1.7083333333333333;1;2;0")]
#[case("load", &["--per-cpu", "-w", "1", "-c", "2"], threads_per_core, 2, "LOAD CRITICAL - load average per CPU (6 threads): 3.417 / 1.5 / 0.667", "'load1'=3.4166666666666665;1;2;0")]
#[case("load", &["-w", "5"], garbled_load, 3, "LOAD UNKNOWN - load averages not reported", "")]
#[case("load", &[], no_load, 3, "LOAD UNKNOWN - load averages not reported", "")]
#[case("load", &["--per-cpu"], no_threads, 3, "LOAD UNKNOWN - the agent did not report the logical CPU count", "")]
#[case("load", &["-w", "5,4"], healthy, 3, "LOAD UNKNOWN - -w: mode load takes 3 comma-separated ranges (load1,load5,load15), e.g. -w 5,4,3", "")]
#[case("load", &["-c", "5,x,3"], healthy, 3, "LOAD UNKNOWN - -c (load5): invalid range", "")]
// temp
#[case("temp", &[], healthy, 0, "TEMP OK - CPU temperature 54.5 °C", "'cpu_temp'=54.5;80;90")]
#[case("temp", &[], hot, 2, "TEMP CRITICAL - CPU temperature 93 °C", "'cpu_temp'=93;80;90")]
#[case("temp", &["--window", "2", "-w", "70"], hot, 1, "TEMP WARNING - CPU temperature 73.75 °C (mean of 2 of the last 2 min)", "")]
#[case("temp", &[], no_temp, 3, "TEMP UNKNOWN - CPU temperature not reported", "")]
// steal
#[case("steal", &[], healthy, 0, "STEAL OK - steal 0.4%, cpu 9.26%", "'steal'=0.4%;10;20;0;100 'cpu'=9.26%;;;0;100")]
#[case("steal", &[], stolen, 2, "STEAL CRITICAL - steal 25%", "'steal'=25%;10;20")]
// ping
#[case("ping", &[], healthy, 0, "PING OK - all 2 pings OK", "'gateway_pl'=0%;20;60;0;100 'gateway_rta_ms'=0.42;200;500;0 'google_pl'=0%")]
#[case("ping:google", &[], healthy, 0, "PING OK - google (8.8.8.8): 0% loss (12.3 ms)", "'google_rta_ms'=12.3;200;500;0")]
#[case("ping", &[], lossy_ping, 1, "PING WARNING - google (8.8.8.8): 30% loss (12.3 ms)", "'google_pl'=30%;20;60")]
#[case("ping", &[], dead_ping, 2, "PING CRITICAL - gateway (10.0.0.1): 100% loss", "'gateway_pl'=100%")]
#[case("ping", &[], slow_ping, 2, "PING CRITICAL - google (8.8.8.8): 612.5 ms (0% loss)", "'google_rta_ms'=612.5;200;500;0")]
#[case("ping", &[], negative_ping, 3, "PING UNKNOWN - google (8.8.8.8): response time not reported", "'google_pl'=0%")]
#[case("ping", &[], impossible_loss, 3, "PING UNKNOWN - google (8.8.8.8): packet loss not reported", "")]
#[case("ping", &["-w", "10,50%", "-c", "1000,90%"], healthy, 1, "PING WARNING - google (8.8.8.8): 12.3 ms (0% loss)", "'google_pl'=0%;50;90")]
#[case("ping", &["-w", "100"], healthy, 3, "PING UNKNOWN - -w: mode ping takes 2 comma-separated ranges (ms,loss%), e.g. -w 200,20%", "")]
#[case("ping:nope", &[], healthy, 3, "PING UNKNOWN - ping 'nope' not reported by the agent (it reports: gateway, google)", "")]
#[case("ping", &[], no_pings, 3, "PING UNKNOWN - no outgoing pings reported by the agent", "")]
// var
#[case("var:queue", &[], healthy, 0, "VAR OK - queue = 12", "'queue'=12")]
#[case("var:queue", &["-w", "10", "-c", "100"], healthy, 1, "VAR WARNING - queue = 12", "'queue'=12;10;100")]
#[case("var:workers", &["-c", "1:"], healthy, 2, "VAR CRITICAL - workers = 0", "'workers'=0;;1:")]
#[case("var:nope", &[], healthy, 3, "VAR UNKNOWN - custom variable 'nope' not reported by the agent (it reports: queue, workers)", "")]
#[case("var:queue", &[], no_variables, 3, "VAR UNKNOWN - no custom variables reported by the agent", "")]
// RAID health words of v3
#[case("raid", &[], healthy, 0, "RAID OK - 2 arrays healthy", "")]
#[case("raid", &[], raid_warning, 1, "RAID WARNING - / RAID1 warning: 2/2 drives active (health warning)", "")]
#[case("raid", &[], raid_danger, 2, "RAID CRITICAL - / RAID1 danger: 2/2 drives active (health danger)", "")]
#[case("raid", &[], raid_unknown, 3, "RAID UNKNOWN - / RAID1 unknown: 2/2 drives active (HetrixTools could not tell the array's health)", "")]
#[case("raid", &[], raid_unknown_with_a_failed_drive, 2, "RAID CRITICAL - / RAID1 unknown: 2/2 drives active (1 failed)", "")]
// smart with wear
#[case("smart", &["-w", "100"], worn, 0, "SMART OK - 3 drives healthy", "'nvme0n1_wearout'=3%;;;0;100")]
#[case("smart", &["-w", "100", "--wear-warning", "80", "--wear-critical", "90"], worn, 1,
       "SMART WARNING - nvme1n1: 85% worn out (SMART PASSED and 0 errors)", "'nvme1n1_wearout'=85%;80;90;0;100")]
#[case("smart", &["-w", "100", "--wear-critical", "90"], worn_out, 2, "SMART CRITICAL - nvme1n1: 97% worn out (SMART PASSED and 0 errors)", "")]
// all, with the sub-checks only v3 has
#[case("all", &[], healthy, 1, "HETRIX WARNING - SMART WARNING (sda: 56 SMART errors (SMART PASSED))", "'gateway_pl'=0%;20;60;0;100")]
#[case("all", &[], dead_ping, 2, "HETRIX CRITICAL - PING CRITICAL (gateway (10.0.0.1): 100% loss), SMART WARNING", "'gateway_pl'=100%;20;60;0;100")]
#[case("all", &[], raid_unknown, 3, "HETRIX UNKNOWN - RAID UNKNOWN (/ RAID1 unknown: 2/2 drives active (HetrixTools could not tell the array's health)), SMART WARNING", "")]
// An optional feature the agent does not send is skipped, not UNKNOWN…
#[case("all", &[], no_pings, 1, "HETRIX WARNING - SMART WARNING (sda: 56 SMART errors (SMART PASSED))", "'steal'=0.4%;10;20;0;100")]
// …core data is not.
#[case("all", &[], no_cpu, 3, "HETRIX UNKNOWN - CPU UNKNOWN (cpu usage not reported by the agent in the newest Stats minutes), SMART WARNING", "'ram'=53.51%;80;90;0;100")]
#[case("all", &[], no_ram, 3, "HETRIX UNKNOWN - RAM UNKNOWN (ram usage not reported by the agent in the newest Stats minutes), SMART WARNING", "'cpu'=9.26%;80;90;0;100")]
fn v3_only_modes(
    #[case] mode: &str,
    #[case] options: &[&str],
    #[case] variant: fn(&mut Value),
    #[case] code: i32,
    #[case] first_line: &str,
    #[case] perfdata: &str,
) {
    let api = serving(example(), variant);
    let mut args = vec!["-m", mode];
    args.extend_from_slice(options);
    let run = v3(&api, &args);
    run.assert_outcome(code, first_line, perfdata);
}

#[test]
fn verbose_shows_what_per_cpu_divides_by() {
    let api = serving(example(), threads_per_core);
    let run = v3(&api, &["-m", "load", "--per-cpu", "-v"]);
    assert!(
        run.stdout.contains(
            "\nper CPU: divided by 6 logical CPUs (the larger of cpu.cores 6 and cpu.threads 2)\n"
        ),
        "{run:?}"
    );
}

#[test]
fn wear_lines_name_drives_without_wear_data() {
    let api = serving(example(), worn);
    let run = v3(&api, &["-m", "smart", "--wear-warning", "80"]);
    assert!(
        run.stdout
            .contains("[WARNING] sda: 56 SMART errors (SMART PASSED and wear not reported)\n"),
        "{run:?}"
    );
}

#[rstest]
#[case(&["-m", "ping"], "mode ping needs --api v3")]
#[case(&["-m", "ping:google"], "mode ping needs --api v3")]
#[case(&["-m", "var:queue"], "mode var needs --api v3")]
#[case(&["-m", "smart", "--wear-warning", "80"], "--wear-warning and --wear-critical need --api v3")]
fn v3_only_features_on_v1_cost_no_call(#[case] args: &[&str], #[case] message: &str) {
    let api = serving(example(), healthy);
    let run = check(&api, args);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.first_line().contains(message), "{run:?}");
    assert!(api.requests().is_empty(), "no API call may be spent");
}

#[test]
fn an_unknown_api_costs_no_call() {
    let api = serving(example(), healthy);
    let run = check_on(&api, &["--api", "v2"], &["-m", "cpu"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.first_line()
            .contains("--api must be v1 or v3, not 'v2'"),
        "{run:?}"
    );
    assert!(api.requests().is_empty());
}

#[test]
fn v3_only_modes_are_refused_on_the_v1_demo() {
    let run = common::run(&["--demo", "--api", "v1", "-m", "ping"], &[]);
    assert_eq!(run.code, 3);
    assert!(run.first_line().contains("needs --api v3"), "{run:?}");
}

#[test]
fn the_key_travels_only_in_the_authorization_header() {
    let api = serving(example(), healthy);
    let run = v3(&api, &["-m", "cpu", "-vvv"]);
    assert_eq!(run.code, 0, "{run:?}");
    let requests = api.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, v3_path());
    assert!(!requests[0].path.contains(TOKEN));
    assert_eq!(
        bearer(&requests[0]),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(
        run.stdout
            .contains(&format!("GET {}{}", api.url, v3_path())),
        "{run:?}"
    );
}

#[test]
fn a_wrong_key_is_unknown_with_advice() {
    let api = serving(example(), healthy);
    let args = [
        "--api-url",
        &api.url,
        "-i",
        MONITOR,
        "--api",
        "v3",
        "-m",
        "cpu",
    ];
    let run = common::run(&args, &[("HETRIX_API_TOKEN", "someoneElsesKey")]);
    assert_eq!(run.code, 3);
    assert_eq!(
        run.first_line(),
        "CPU UNKNOWN - HetrixTools API v3 answered HTTP 401 (unauthorized: invalid authorization): the API key was not accepted: check HETRIX_API_TOKEN, --token-file or -T"
    );
}

#[rstest]
#[case(
    v3_error(400, "bad_request", "invalid endpoint"),
    "HTTP 400 (bad_request: invalid endpoint): the API refused the request: check -i and --api-url"
)]
#[case(
    v3_error(401, "unauthorized", "invalid authorization"),
    "HTTP 401 (unauthorized: invalid authorization): the API key was not accepted"
)]
#[case(
    v3_error(403, "forbidden", "api key not allowed to perform this action"),
    "HTTP 403 (forbidden: api key not allowed to perform this action): the API key's scope does not allow this call: in HetrixTools → API keys → API key scope, allow the v3 server agent metrics call (or use --api v1)"
)]
#[case(
    Reply::raw(403, "application/json", r#"{"status":"ERROR","error_message":"api key does not have access to perform this api call"}"#),
    "HTTP 403 (ERROR: api key does not have access to perform this api call): the API key's scope does not allow this call"
)]
#[case(
    Reply::raw(200, "application/json", r#"{"status":"ERROR","error_message":"api key does not have access to perform this api call"}"#),
    "HetrixTools API v3 error: api key does not have access to perform this api call: the API key's scope does not allow this call"
)]
#[case(
    Reply::raw(204, "application/json", ""),
    "no data: HetrixTools API v3 answered with HTTP 204 (no content)"
)]
#[case(
    Reply::raw(200, "application/json", " \n"),
    "no data: HetrixTools API v3 answered with an empty body"
)]
#[case(
    v3_error(404, "not_found", "monitor not found"),
    "HTTP 404 (not_found: monitor not found): the monitor does not exist or has no server agent: check -i (check_hetrix --list-monitors lists yours)"
)]
#[case(v3_error(429, "too_many_requests", "user api rate limit exceeded")
           .header("ratelimit-remaining-user", "0")
           .header("ratelimit-reset-user", &(now() + 150).to_string())
           .header("ratelimit-remaining-endpoint", "3")
           .header("ratelimit-reset-endpoint", &(now() + 20).to_string()),
       "HTTP 429 (too_many_requests: user api rate limit exceeded): rate limited (per-user limit) and it resets in 2 min (ratelimit-reset-user): check less often")]
#[case(
    v3_error(429, "too_many_requests", "user api rate limit exceeded"),
    "HTTP 429 (too_many_requests: user api rate limit exceeded): rate limited and the API did not say when it resets"
)]
#[case(
    v3_error(500, "internal_server_error", ""),
    "HTTP 500 (internal_server_error): HetrixTools or a proxy in between has a problem (try again later)"
)]
#[case(
    v3_error(
        503,
        "service_unavailable",
        "temporary history storage error, please retry"
    ),
    "HTTP 503 (service_unavailable: temporary history storage error, please retry): HetrixTools or a proxy in between has a problem (try again later)"
)]
#[case(
    Reply::raw(502, "text/html", "<html>Bad gateway TRACE-XYZ</html>"),
    "HetrixTools API v3 answered HTTP 502: HetrixTools or a proxy in between has a problem"
)]
#[case(
    Reply::raw(200, "text/html", "<html>Cloudflare</html>"),
    "returned an HTML page instead of JSON"
)]
#[case(
    Reply::raw(200, "application/json", "[]"),
    "returned an array instead of a JSON object"
)]
fn v3_errors_are_unknown_with_status_message_and_advice(
    #[case] reply: Reply,
    #[case] message: &str,
) {
    let api = MockApi::replying(reply);
    let run = v3(&api, &["-m", "disk"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.first_line().contains(message),
        "{:?} should contain {message:?}",
        run.first_line()
    );
    assert!(!run.stdout.contains("TRACE-XYZ"), "never dump an HTML body");
}

/// A mock whose first `failures` answers are HTTP 503, then the v3 payload.
fn unavailable_at_first(failures: usize) -> MockApi {
    let mut payload = to_v3(&example());
    payload["meta"]["last_updated"] = json!(now());
    let answered = std::sync::atomic::AtomicUsize::new(0);
    MockApi::start(move |_| {
        if answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < failures {
            v3_error(
                503,
                "service_unavailable",
                "temporary history storage error, please retry",
            )
        } else {
            Reply::json(&payload)
        }
    })
}

#[test]
fn a_503_is_retried_once_when_the_deadline_leaves_room() {
    let api = unavailable_at_first(1);
    let run = v3(&api, &["-m", "cpu", "-t", "30", "-v"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("\nHTTP 503, which HetrixTools calls temporary: retrying once in 1000 ms\n"),
        "{run:?}"
    );
    assert_eq!(api.requests().len(), 2);
}

#[test]
fn a_second_503_is_unknown_after_one_retry() {
    let api = unavailable_at_first(usize::MAX);
    let run = v3(&api, &["-m", "cpu", "-t", "30"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.first_line().contains("HTTP 503 (service_unavailable"),
        "{run:?}"
    );
    assert_eq!(api.requests().len(), 2);
}

#[test]
fn a_503_is_not_retried_when_the_deadline_is_near() {
    let api = unavailable_at_first(1);
    let run = v3(&api, &["-m", "cpu", "-t", "3"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(api.requests().len(), 1);
}

#[test]
fn a_503_on_v1_is_not_retried_as_it_would_spend_a_metered_call() {
    let api = MockApi::replying(Reply::raw(503, "text/html", "<html>down</html>"));
    let run = check(&api, &["-m", "cpu", "-t", "30"]);
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(api.requests().len(), 1);
}

#[test]
fn a_long_error_message_is_cut_and_kept_on_one_line() {
    let message = format!("line one\nline two {}", "x".repeat(5000));
    let api = MockApi::replying(v3_error(403, "forbidden", &message));
    let run = v3(&api, &["-m", "cpu"]);
    assert_eq!(run.code, 3);
    assert_eq!(run.stdout.lines().count(), 1, "{run:?}");
    assert!(run.stdout.len() < 600, "{}", run.stdout.len());
}

#[test]
fn verbose_shows_the_remaining_rate_limits() {
    let mut v3_payload = to_v3(&example());
    v3_payload["meta"]["last_updated"] = json!(now());
    let reply = Reply::json(&v3_payload)
        .header("ratelimit-limit-user", "60")
        .header("ratelimit-remaining-user", "58")
        .header("ratelimit-reset-user", &(now() + 30).to_string())
        .header("ratelimit-remaining-endpoint", "9");
    let api = MockApi::replying(reply);
    let run = v3(&api, &["-m", "cpu", "-v"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("rate limit (metrics): 58 calls left for the user (resets in "),
        "{run:?}"
    );
    assert!(
        run.stdout.contains(", 9 calls left for the endpoint\n"),
        "{run:?}"
    );
    let quiet = v3(&api, &["-m", "cpu"]);
    assert!(!quiet.stdout.contains("rate limit"), "{quiet:?}");
}

// Discovery

fn monitor(id: &str, name: &str, agent: bool, status: &str) -> Value {
    json!({"id": id, "name": name, "type": "heartbeat", "target": null, "category": "",
           "uptime_status": "up", "monitor_status": status, "has_agent": agent,
           "last_check": now(), "resolve_address": "192.0.2.10"})
}

/// An account of five monitors over three pages: three with an agent
/// (one in maintenance without notifications), two without.
fn account() -> MockApi {
    let pages = [
        vec![
            monitor("aaa111", "web 1", true, "active"),
            monitor("bbb222", "shop website", false, "active"),
        ],
        vec![
            monitor("ccc333", "db-1", true, "maint_dnd"),
            monitor("ddd444", "ping only", false, "paused"),
        ],
        vec![monitor("eee555", "backup \"nas\"", true, "maint")],
    ];
    MockApi::start(move |request| {
        if bearer(request) != Some(format!("Bearer {TOKEN}").as_str()) {
            return v3_error(401, "unauthorized", "invalid authorization");
        }
        let Some(query) = request
            .path
            .strip_prefix("/v3/uptime-monitors?per_page=200&page=")
        else {
            return v3_error(400, "bad_request", "invalid endpoint");
        };
        let page: usize = query.parse().unwrap();
        let next = (page < pages.len()).then_some(page + 1);
        Reply::json(&json!({
            "monitors": pages[page - 1],
            "meta": {"total": 5, "total_filtered": 5, "returned": pages[page - 1].len(),
                     "pagination": {"current": page, "last": pages.len(),
                                    "previous": page.checked_sub(1).filter(|p| *p > 0), "next": next}}
        }))
    })
}

#[test]
fn list_monitors_pages_through_the_account() {
    let api = account();
    let run = list(&api, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "ID      NAME          TYPE       AGENT  STATUS\n\
         aaa111  web 1         heartbeat  yes    up, active\n\
         bbb222  shop website  heartbeat  no     up, active\n\
         ccc333  db-1          heartbeat  yes    up, maint_dnd (MAINTENANCE: in maintenance, notifications off)\n\
         ddd444  ping only     heartbeat  no     up, paused\n\
         eee555  backup \"nas\"  heartbeat  yes    up, maint (MAINTENANCE: in maintenance)\n\
         5 monitors, 3 with a server agent.\n"
    );
    let requests = api.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [1, 2, 3].map(|p| format!("/v3/uptime-monitors?per_page=200&page={p}"))
    );
    assert!(requests.iter().all(|r| !r.path.contains(TOKEN)));
}

#[test]
fn list_monitors_writes_icinga2_hosts() {
    let run = list(&account(), &["--format", "icinga2"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with("// check_hetrix --list-monitors --format icinga2: 5 uptime monitors.")
    );
    assert!(
        run.stdout.contains(
            "object Host \"web_1\" {\n  import \"hetrix-host\"\n  display_name = \"web 1\"\n  \
         address = \"192.0.2.10\"\n  vars.hetrix_monitor = \"aaa111\"\n  \
         vars.hetrix_type = \"heartbeat\"\n}\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "// in maintenance, notifications off at HetrixTools\nobject Host \"db-1\" {"
        )
    );
    assert!(
        run.stdout
            .contains("  vars.hetrix_maintenance = \"maint_dnd\"\n")
    );
    assert!(
        run.stdout
            .contains("object Host \"backup__nas\" {\n  import \"hetrix-host\"\n  display_name = \"backup \\\"nas\\\"\"\n")
    );
    assert!(
        run.stdout
            .contains("object Host \"shop_website\" {\n  import \"hetrix-uptime-host\"\n"),
        "monitors without an agent are listed with their own host check: {}",
        run.stdout
    );
}

#[test]
fn list_monitors_writes_nagios_hosts_and_services() {
    let run = list(&account(), &["--format", "nagios"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(
            "define host {\n  use                  hetrix-host\n  host_name            web_1\n  \
         alias                web 1\n  address              192.0.2.10\n  \
         _HETRIX_MONITOR      aaa111\n  _HETRIX_TYPE         heartbeat\n}\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("  host_name            db-1\n  service_description  HetrixTools disk\n  check_command        check_hetrix!disk\n"));
    assert!(
        run.stdout
            .contains("# in maintenance at HetrixTools\ndefine host {")
    );
    // cpu, ram, disk and status on the three servers, status on the others.
    assert_eq!(run.stdout.matches("define service {").count(), 14);
}

#[test]
fn list_monitors_logs_each_page_with_vvv_as_comments() {
    let run = list(&account(), &["--format", "nagios", "-vvv"]);
    assert_eq!(run.code, 0, "{run:?}");
    let log: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("# GET ") || l.starts_with("# HTTP "))
        .collect();
    assert_eq!(log.len(), 6, "{}", run.stdout);
    assert!(
        log[0].starts_with("# GET http://127.0.0.1:")
            && log[0].ends_with("/v3/uptime-monitors?per_page=200&page=1"),
        "{log:?}"
    );
    assert!(log[1].starts_with("# HTTP 200 with "), "{log:?}");
}

#[test]
fn list_monitors_without_a_token_does_not_suggest_the_demo() {
    let api = account();
    let run = execute(&["--api-url", api.url.as_str(), "--list-monitors"], &[]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.first_line().contains("no API token"), "{run:?}");
    assert!(!run.first_line().contains("--demo"), "{run:?}");
}

#[rstest]
#[case(&["--format", "yaml"], "--format must be table, icinga2 or nagios, not 'yaml'")]
#[case(&["--api", "v1"], "--list-monitors uses API v3")]
fn list_monitors_argument_errors(#[case] args: &[&str], #[case] message: &str) {
    let api = account();
    let run = list(&api, args);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.first_line().starts_with("HETRIX UNKNOWN - "), "{run:?}");
    assert!(run.first_line().contains(message), "{run:?}");
    assert!(api.requests().is_empty());
}

#[test]
fn format_without_list_monitors_is_refused() {
    let api = account();
    let run = check(&api, &["-m", "cpu", "--format", "nagios"]);
    assert_eq!(run.code, 3);
    assert!(
        run.first_line()
            .contains("--format only applies to --list-monitors")
    );
}

#[test]
fn list_monitors_with_a_wrong_key_is_unknown() {
    let api = account();
    let args = ["--api-url", &api.url, "--list-monitors"];
    let run = common::run(&args, &[("HETRIX_API_TOKEN", "someoneElsesKey")]);
    assert_eq!(run.code, 3);
    assert!(
        run.first_line()
            .starts_with("HETRIX UNKNOWN - HetrixTools API v3 answered HTTP 401"),
        "{run:?}"
    );
}

/// A page's call says under `-v` what a check's call says: the retry,
/// the response and the rate limits left, as `#` comments.
#[test]
fn list_monitors_retries_a_503_once_and_logs_it_like_a_check() {
    let answered = std::sync::atomic::AtomicUsize::new(0);
    let api =
        MockApi::start(
            move |_| match answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => v3_error(
                    503,
                    "service_unavailable",
                    "temporary server error, please retry",
                ),
                _ => Reply::json(&json!({
                    "monitors": [monitor("aaa111", "web", true, "active")],
                    "meta": {"pagination": {"current": 1, "next": null}}
                }))
                .header("ratelimit-remaining-user", "58")
                .header("ratelimit-remaining-endpoint", "9"),
            },
        );
    let run = list(&api, &["-t", "30", "-vvv"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(api.requests().len(), 2);
    let log: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("# ")).collect();
    assert_eq!(log.len(), 4, "{}", run.stdout);
    assert_eq!(
        log[0],
        format!("# GET {}/v3/uptime-monitors?per_page=200&page=1", api.url)
    );
    assert_eq!(
        log[1],
        "# HTTP 503, which HetrixTools calls temporary: retrying once in 1000 ms"
    );
    assert!(log[2].starts_with("# HTTP 200 with "), "{log:?}");
    assert_eq!(
        log[3],
        "# rate limit (uptime-monitors): 58 calls left for the user, 9 calls left for the endpoint"
    );
    let quiet = list(&api, &[]);
    assert_eq!(quiet.code, 0, "{quiet:?}");
    assert!(!quiet.stdout.contains("# "), "{quiet:?}");
}

#[test]
fn a_pagination_loop_is_stopped() {
    let api = MockApi::replying(Reply::json(&json!({
        "monitors": [monitor("aaa111", "web", true, "active")],
        "meta": {"pagination": {"current": 1, "next": 1}}
    })));
    let run = list(&api, &[]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.first_line().contains("names page 1 as the next one"),
        "{run:?}"
    );
    assert_eq!(api.requests().len(), 1);
}

#[rstest]
#[case("cpu", 0)]
#[case("ram", 0)]
#[case("disk", 0)]
#[case("raid", 0)]
#[case("smart", 1)]
#[case("services", 0)]
#[case("freshness", 0)]
fn the_v3_demo_is_the_v1_demo_server(#[case] mode: &str, #[case] code: i32) {
    let on_v1 = common::run(&["--demo", "--api", "v1", "-m", mode], &[]);
    let on_v3 = common::run(&["--demo", "-m", mode], &[]);
    assert_eq!(on_v1.code, code, "{on_v1:?}");
    assert_eq!(on_v3.code, code, "{on_v3:?}");
}

#[rstest]
#[case(&["-m", "load", "-w", "5,4,3"], "LOAD OK - load average: 1.1 / 1.31 / 1.2")]
#[case(&["-m", "temp"], "TEMP OK - CPU temperature 52 °C")]
#[case(&["-m", "steal"], "STEAL OK - steal 0.4%")]
#[case(&["-m", "ping"], "PING OK - all 2 pings OK")]
#[case(&["-m", "var:queue"], "VAR OK - queue = 12")]
#[case(&["-m", "smart", "-w", "100", "--wear-warning", "80"], "SMART OK - 3 drives healthy")]
fn the_v3_demo_has_the_v3_only_metrics(#[case] args: &[&str], #[case] first_line: &str) {
    let mut all = vec!["--demo", "--api", "v3"];
    all.extend_from_slice(args);
    let run = common::run(&all, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.first_line().starts_with(first_line), "{run:?}");
}

fn wrong_types(p: &mut Value) {
    p["disk"] = json!("oops");
    p["stats"] = json!({"timestamp": 1});
    p["outgoing_pings"] = json!([1, null, "x"]);
    p["custom_variables"] = json!([{"name": "queue", "value": "many"}]);
    p["cpu"] = json!([]);
}

#[rstest]
#[case(&["-m", "disk"], "DISK UNKNOWN - no mount points reported by the agent")]
#[case(&["-m", "smart"], "SMART UNKNOWN - no drive health data reported by the agent")]
#[case(&["-m", "cpu"], "CPU UNKNOWN - cpu usage not reported by the agent")]
#[case(&["-m", "load"], "LOAD UNKNOWN - load averages not reported")]
#[case(&["-m", "ping"], "PING UNKNOWN - no outgoing pings reported by the agent")]
#[case(&["-m", "var:queue"], "VAR UNKNOWN - custom variable 'queue' has no numeric value")]
fn v3_sections_of_the_wrong_type_are_unknown_not_ok(#[case] args: &[&str], #[case] line: &str) {
    let api = serving(example(), wrong_types);
    let run = v3(&api, args);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.first_line().starts_with(line), "{run:?}");
}

#[test]
fn a_rate_limit_header_cannot_inject_perfdata() {
    let mut v3_payload = to_v3(&example());
    v3_payload["meta"]["last_updated"] = json!(now());
    let reply = Reply::json(&v3_payload).header("ratelimit-remaining-user", "5 | x=1;2");
    let api = MockApi::replying(reply);
    let run = v3(&api, &["-m", "cpu", "-v"]);
    assert_eq!(run.stdout.matches('|').count(), 1, "{run:?}");
}
