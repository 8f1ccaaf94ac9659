//! Every mode against the mock API: mode × thresholds × payload → exit
//! code, state word, summary and perfdata.

use crate::common;

use common::variants::{
    degraded_raid, failed_drive, full_bak, healthy, offline_service, old_data, older_agent,
    resyncing_raid,
};
use common::{MockApi, Reply, check, example};
use rstest::rstest;
use serde_json::{Value, json};

fn no_raid(p: &mut Value) {
    for disk in p["Disks"].as_array_mut().unwrap() {
        disk["RAID"] = Value::Null;
    }
}

fn unsupported_drive(p: &mut Value) {
    p["Drives"][2]["SMARTTest"] = json!("UNSUPPORTED");
    p["Drives"][2]["ErrorCount"] = json!(0);
}

fn no_drives(p: &mut Value) {
    p["Drives"] = json!([]);
}

fn no_services(p: &mut Value) {
    p["Services"] = Value::Null;
}

fn spaced_mount(p: &mut Value) {
    p["Disks"][3]["Mount"] = json!("/mnt/my disk");
}

/// The busiest minute is the newest by `Minute` but sits last in the
/// array: "newest" must mean the timestamp, not the position.
fn busy_cpu_out_of_order(p: &mut Value) {
    let newest = p["Stats"][0]["Minute"].as_i64().unwrap() + 60;
    let stats = p["Stats"].as_array_mut().unwrap();
    stats.push(json!({"Minute": newest, "CPU": 95.5, "IOWait": 3, "RAM": 85, "Swap": 1.5}));
}

/// The newest minute's load, temperature and steal as an agent might
/// garble them: none may become a made-up 0 or an OK.
fn garbled_newest_minute(p: &mut Value) {
    let newest = &mut p["Stats"][0];
    newest["Load1"] = json!(-1);
    newest["Load5"] = json!("NaN");
    newest["Temp"] = Value::Null;
    newest["Steal"] = json!("n/a");
}

fn busy_v1_load(p: &mut Value) {
    let newest = &mut p["Stats"][0];
    newest["Load1"] = json!(12.5);
    newest["Load5"] = json!("9");
    newest["Load15"] = json!(4);
    newest["Temp"] = json!(91.5);
    newest["Steal"] = json!(12);
}

fn numbers_as_strings(p: &mut Value) {
    p["Disks"][0]["Used"] = json!("763354265949");
    p["Disks"][0]["Size"] = json!("1005869371392");
    p["Stats"][0]["CPU"] = json!("9.26");
}

#[rstest]
// cpu
#[case("cpu", &[], healthy, 0, "CPU OK - cpu 9.26%", "'cpu'=9.26%;80;90;0;100 'iowait'=0.05%;;;0;100")]
#[case("cpu", &["-w", "9", "-c", "20"], healthy, 1, "CPU WARNING", "'cpu'=9.26%;9;20;0;100")]
#[case("cpu", &["-w", "5", "-c", "9"], healthy, 2, "CPU CRITICAL", "'cpu'=9.26%;5;9;0;100")]
#[case("cpu", &["-w", "9.26"], healthy, 0, "CPU OK", "'cpu'=9.26%;9.26;90")]
#[case("cpu", &[], busy_cpu_out_of_order, 2, "CPU CRITICAL - cpu 95.5%", "'cpu'=95.5%")]
#[case("cpu", &["--window", "2"], busy_cpu_out_of_order, 0, "CPU OK - cpu 52.38%, iowait 1.525% (mean of 2 of the last 2 min)", "'cpu'=52.38%")]
#[case("cpu", &[], numbers_as_strings, 0, "CPU OK - cpu 9.26%", "'cpu'=9.26%")]
#[case("cpu", &[], old_data, 3, "CPU UNKNOWN - data is stale: last agent data 1 h 0 min ago", "")]
#[case("cpu", &["--max-age", "0"], old_data, 0, "CPU OK", "'cpu'=9.26%")]
// ram
#[case("ram", &[], healthy, 0, "RAM OK - ram 53.51%, swap 0%", "'ram'=53.51%;80;90;0;100 'swap'=0%;;;0;100")]
#[case("ram", &["-w", "50"], healthy, 1, "RAM WARNING", "'ram'=53.51%;50;90")]
#[case("ram", &[], busy_cpu_out_of_order, 1, "RAM WARNING - ram 85%", "'swap'=1.5%")]
// disk
#[case("disk", &[], healthy, 0, "DISK OK - 4 mounts OK, fullest / 75.9% used (710.9 of 936.8 GiB)",
       "'/'=763354265949B;804695497113;905282434252;0;1005869371392")]
#[case("disk", &["-w", "70", "-c", "90"], healthy, 1, "DISK WARNING - / 75.9% used (710.9 of 936.8 GiB)", "'/boot'=216118723B;727322624;935129088;0;1039032320")]
#[case("disk", &[], full_bak, 2, "DISK CRITICAL - /bak 96.7% used", "'/bak'=5799038128128B")]
#[case("disk", &["-w", "70"], full_bak, 2, "DISK CRITICAL - /bak 96.7% used (5.3 of 5.5 TiB), / 75.9% used", "")]
#[case("disk:/boot", &[], healthy, 0, "DISK OK - /boot 20.8% used (206.1 of 990.9 MiB)", "'/boot'=216118723B;831225856;935129088;0;1039032320")]
#[case("disk:/boot", &["-w", "10:"], healthy, 0, "DISK OK", "'/boot'=216118723B;103903232:;")]
#[case("disk:/mnt/my disk", &[], spaced_mount, 0, "DISK OK - /mnt/my disk 0.1% used", "'/mnt/my disk'=15729B")]
#[case("disk:/nope", &[], healthy, 3, "DISK UNKNOWN - mount '/nope' not reported by the agent (it reports: /, /bak, /boot, /etc/pve)", "")]
#[case("disk", &[], numbers_as_strings, 0, "DISK OK", "'/'=763354265949B")]
// raid
#[case("raid", &[], healthy, 0, "RAID OK - 2 arrays healthy", "")]
#[case("raid", &[], degraded_raid, 2, "RAID CRITICAL - / RAID1 Degraded: 1/2 drives active (health Degraded)", "")]
#[case("raid", &[], resyncing_raid, 1, "RAID WARNING - /boot RAID1 Healthy: 2/2 drives active (state Active resyncing (42%))", "")]
#[case("raid", &[], no_raid, 3, "RAID UNKNOWN - no RAID data reported by the agent: enable software RAID monitoring", "")]
// smart
#[case("smart", &[], healthy, 1, "SMART WARNING - sda: 56 SMART errors (SMART PASSED)", "'sda_errors'=56;0;;0")]
#[case("smart", &["-w", "100"], healthy, 0, "SMART OK - 3 drives healthy", "'nvme0n1_errors'=0;100;;0")]
#[case("smart", &["-w", "10", "-c", "50"], healthy, 2, "SMART CRITICAL - sda", "'sda_errors'=56;10;50;0")]
#[case("smart", &["-w", "100"], failed_drive, 2, "SMART CRITICAL - nvme1n1: SMART FAILED (0 errors)", "")]
#[case("smart", &[], unsupported_drive, 0, "SMART OK - 3 drives healthy", "'sda_errors'=0;0;;0")]
#[case("smart", &[], no_drives, 3, "SMART UNKNOWN - no drive health data reported by the agent", "")]
// services
#[case("services", &[], healthy, 0, "SERVICES OK - all 2 services online", "'online'=2;;;0;2")]
#[case("services", &[], offline_service, 2, "SERVICES CRITICAL - mysql offline", "'online'=1;;;0;2")]
#[case("services", &[], no_services, 3, "SERVICES UNKNOWN - no service data reported by the agent", "")]
#[case("service:nginx", &[], offline_service, 0, "SERVICE OK - nginx online", "'online'=1;;;0;1")]
#[case("service:mysql", &[], offline_service, 2, "SERVICE CRITICAL - mysql offline", "'online'=0;;;0;1")]
#[case("service:redis", &[], healthy, 3, "SERVICE UNKNOWN - service 'redis' not reported by the agent (it reports: nginx, mysql)", "")]
// freshness
#[case("freshness", &[], healthy, 0, "FRESHNESS OK - last agent data", "'age'=")]
// The age is measured when the binary runs, a second or more after the
// payload was made on a loaded machine: the exact seconds are not pinned.
#[case("freshness", &[], old_data, 2, "FRESHNESS CRITICAL - last agent data 1 h 0 min ago", "s;300;600;0")]
#[case("freshness", &["-w", "1800", "-c", "7200"], old_data, 1, "FRESHNESS WARNING - last agent data 1 h 0 min ago", "s;1800;7200;0")]
// load, temp and steal: the current v1 page sends them; older agents do not
#[case("load", &["-w", "5,4,3", "-c", "10,8,6"], healthy, 1, "LOAD WARNING - load average: 2.29 / 3.72 / 4.04", "'load1'=2.29;5;10;0 'load5'=3.72;4;8;0 'load15'=4.04;3;6;0")]
#[case("load", &["-w", "5,4,5", "-c", "10,8,6"], healthy, 0, "LOAD OK - load average: 2.29 / 3.72 / 4.04", "'load15'=4.04;5;6;0")]
#[case("load", &["-w", "5,4,3", "-c", "10,8,6"], busy_v1_load, 2, "LOAD CRITICAL - load average: 12.5 / 9 / 4", "'load5'=9;4;8;0")]
#[case("load", &["--per-cpu", "-w", "1", "-c", "2"], busy_v1_load, 1, "LOAD WARNING - load average per CPU (12 threads): 1.042 / 0.75 / 0.333", "'load1'=1.0416666666666667;1;2;0")]
#[case("load", &["-w", "5,4,3", "-c", "10,8,6"], older_agent, 3, "LOAD UNKNOWN - load averages not reported by the agent", "")]
#[case("load", &[], garbled_newest_minute, 3, "LOAD UNKNOWN - load averages not reported by the agent", "")]
#[case("temp", &[], healthy, 0, "TEMP OK - CPU temperature 24.65 °C", "'cpu_temp'=24.65;80;90")]
#[case("temp", &[], busy_v1_load, 2, "TEMP CRITICAL - CPU temperature 91.5 °C", "'cpu_temp'=91.5;80;90")]
#[case("temp", &[], older_agent, 3, "TEMP UNKNOWN - CPU temperature not reported by the agent", "")]
#[case("temp", &["--window", "2"], garbled_newest_minute, 0, "TEMP OK - CPU temperature 25.07 °C (mean of 1 of the last 2 min)", "'cpu_temp'=25.07;80;90")]
#[case("temp", &[], garbled_newest_minute, 3, "TEMP UNKNOWN - CPU temperature not reported by the agent", "")]
#[case("steal", &[], healthy, 0, "STEAL OK - steal 0%, cpu 9.26%", "'steal'=0%;10;20;0;100 'cpu'=9.26%;;;0;100")]
#[case("steal", &[], busy_v1_load, 1, "STEAL WARNING - steal 12%", "'steal'=12%;10;20")]
#[case("steal", &[], older_agent, 3, "STEAL UNKNOWN - steal usage not reported by the agent", "")]
#[case("steal", &[], garbled_newest_minute, 3, "STEAL UNKNOWN - steal usage not reported by the agent", "")]
fn mode_on_payload(
    #[case] mode: &str,
    #[case] thresholds: &[&str],
    #[case] variant: fn(&mut Value),
    #[case] code: i32,
    #[case] first_line: &str,
    #[case] perfdata: &str,
) {
    let mut payload = example();
    variant(&mut payload);
    let api = MockApi::replying(Reply::json(&payload));
    let mut args = vec!["-m", mode];
    args.extend_from_slice(thresholds);
    let run = check(&api, &args);
    run.assert_outcome(code, first_line, perfdata);
    assert_eq!(api.requests().len(), 1, "one check, one API call");
}

#[test]
fn requests_the_v1_server_stats_path() {
    let api = MockApi::replying(Reply::json(&example()));
    check(&api, &["-m", "cpu"]);
    let requests = api.requests();
    assert_eq!(
        requests[0].path,
        format!("/v1/{}/server/stats/{}/", common::TOKEN, common::MONITOR)
    );
}

#[test]
fn disk_lists_every_mount_in_long_output() {
    let api = MockApi::replying(Reply::json(&example()));
    let run = check(&api, &["-m", "disk"]);
    let lines: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(
        lines[..4],
        [
            "[OK] / 75.9% used (710.9 of 936.8 GiB)",
            "[OK] /bak 56.9% used (3.1 of 5.5 TiB)",
            "[OK] /boot 20.8% used (206.1 of 990.9 MiB)",
            "[OK] /etc/pve 0.1% used (15.4 KiB of 30.0 MiB)",
        ]
    );
    // The perfdata follow the long output on a line of their own.
    assert_eq!(lines.len(), 5, "{run:?}");
    assert!(lines[4].starts_with("| '/'=763354265949B;"), "{run:?}");
}

#[test]
fn a_pipe_in_a_service_name_does_not_break_perfdata() {
    let mut payload = example();
    payload["Services"][0]["Name"] = json!("web|api");
    payload["Services"][0]["Status"] = json!("offline");
    let api = MockApi::replying(Reply::json(&payload));
    let run = check(&api, &["-m", "services"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout.matches('|').count(), 1, "{run:?}");
    assert_eq!(run.perfdata(), "'online'=1;;;0;2", "{run:?}");
    assert!(run.first_line().contains("web¦api offline"));
}

#[rstest]
#[case("cpu", 0)]
#[case("disk", 0)]
#[case("smart", 1)]
#[case("freshness", 0)]
fn demo_runs_without_token_or_network(#[case] mode: &str, #[case] code: i32) {
    let run = common::run(&["--demo", "-m", mode], &[]);
    assert_eq!(run.code, code, "{run:?}");
}
