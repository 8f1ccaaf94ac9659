//! The modes that cover the rest of the payload (swap, iowait, inodes, net,
//! ports, reboot, uptime, all), the mount options of disk and inodes, and
//! Windows agents, against the mock API.

use crate::common;

use common::variants::{full_bak, healthy, without};
use common::{MockApi, Reply, Run, check, example};
use rstest::rstest;
use serde_json::{Value, json};

fn swapping(p: &mut Value) {
    p["Stats"][0]["Swap"] = json!(65.5);
}

fn io_bound(p: &mut Value) {
    p["Stats"][0]["IOWait"] = json!(25);
    p["Stats"][1]["IOWait"] = json!(5);
}

fn inodes_full_boot(p: &mut Value) {
    p["Disks"][2]["InodesUsed"] = json!(60000); // 91.6 %
}

/// /bak at exactly 55 % used: 55 of 100 GiB.
fn bak_at_55(p: &mut Value) {
    p["Disks"][1]["Size"] = json!(107_374_182_400u64);
    p["Disks"][1]["Used"] = json!(59_055_800_320u64);
}

/// /boot one inode past 80 % (80 % of 65536 is 52428.8).
fn boot_inodes_past_80(p: &mut Value) {
    p["Disks"][2]["InodesUsed"] = json!(52429);
}

fn btrfs_root(p: &mut Value) {
    p["Disks"][0]["Inodes"] = json!(0);
    p["Disks"][0]["InodesUsed"] = json!(0);
}

fn no_inodes_anywhere(p: &mut Value) {
    for disk in p["Disks"].as_array_mut().unwrap() {
        disk["Inodes"] = json!(0);
        disk["InodesUsed"] = json!(0);
    }
}

/// A second mount named `/` (a bind mount the agent lists twice), 10 GB used.
fn two_roots(p: &mut Value) {
    let mut second = p["Disks"][0].clone();
    second["Used"] = json!(10_000_000_000u64);
    p["Disks"].as_array_mut().unwrap().push(second);
}

fn no_ports(p: &mut Value) {
    p.as_object_mut().unwrap().remove("PortConnections");
}

fn reboot_pending(p: &mut Value) {
    p["RebootRequired"] = json!(true);
}

fn just_booted(p: &mut Value) {
    p["SystemUptime"] = json!(600);
}

fn negative_rate(p: &mut Value) {
    p["NetworkInterfaces"][1]["NetIn"] = json!(-3);
}

fn no_interfaces(p: &mut Value) {
    p["NetworkInterfaces"] = json!([]);
}

/// The agent sometimes sends numbers and flags as strings.
fn strings_everywhere(p: &mut Value) {
    p["RebootRequired"] = json!("true");
    p["SystemUptime"] = json!("600");
    p["NetworkInterfaces"][0]["NetIn"] = json!("2097152");
    p["PortConnections"][0]["Port"] = json!("80");
    p["PortConnections"][0]["Connections"] = json!("44");
    p["Disks"][2]["Inodes"] = json!("65536");
    p["Disks"][2]["InodesUsed"] = json!("60000");
}

/// Fields of the wrong type are "not reported", never OK.
fn garbage(p: &mut Value) {
    p["RebootRequired"] = json!("perhaps");
    p["SystemUptime"] = json!({"days": 3});
    p["NetworkInterfaces"][0]["NetOut"] = json!(null);
    p["PortConnections"][1]["Connections"] = json!("many");
    p["Disks"][2]["InodesUsed"] = json!([]);
}

/// What a Windows agent sends: no services, RAID, drives or reboot flag,
/// and no inode counts.
fn windows(p: &mut Value) {
    p["AgentType"] = json!("Windows");
    p["OperatingSystem"] = json!("Windows Server 2022");
    p.as_object_mut().unwrap().remove("RebootRequired");
    p["Services"] = json!([]);
    p["Drives"] = json!([]);
    p["Disks"] = json!([
        {"Mount": "C:", "Size": 107374182400u64, "Used": 42949672960u64, "Inodes": 0, "InodesUsed": 0, "RAID": null},
        {"Mount": "D:", "Size": 536870912000u64, "Used": 107374182400u64, "Inodes": 0, "InodesUsed": 0, "RAID": null}
    ]);
}

#[rstest]
// swap, iowait: Stats percentages like cpu and ram
#[case("swap", &[], healthy, 0, "SWAP OK - swap 0%, ram 53.51%", "'swap'=0%;50;80;0;100 'ram'=53.51%;;;0;100")]
#[case("swap", &[], swapping, 1, "SWAP WARNING - swap 65.5%", "'swap'=65.5%;50;80;0;100")]
#[case("swap", &["-c", "60"], swapping, 2, "SWAP CRITICAL", "'swap'=65.5%;50;60;0;100")]
#[case("iowait", &[], healthy, 0, "IOWAIT OK - iowait 0.05%, cpu 9.26%", "'iowait'=0.05%;10;20;0;100 'cpu'=9.26%")]
#[case("iowait", &[], io_bound, 2, "IOWAIT CRITICAL - iowait 25%", "'iowait'=25%;10;20")]
#[case("iowait", &["--window", "2"], io_bound, 1, "IOWAIT WARNING - iowait 15%, cpu 8.83% (mean of 2 of the last 2 min)", "'iowait'=15%")]
// inodes
#[case("inodes", &[], healthy, 0, "INODES OK - 4 mounts OK, fullest /boot 0.5% inodes used (350 of 65536)", "'/_inodes'=65095;49951539;56195481;0;62439424")]
#[case("inodes", &[], inodes_full_boot, 2, "INODES CRITICAL - /boot 91.6% inodes used (60000 of 65536)", "'/boot_inodes'=60000;52428;58982;0;65536")]
#[case("inodes:/boot", &["-w", "95", "-c", "99"], inodes_full_boot, 0, "INODES OK - /boot 91.6% inodes used", "'/boot_inodes'=60000;62259;64880;0;65536")]
#[case("inodes", &[], btrfs_root, 0, "INODES OK - 4 mounts OK", "'/bak_inodes'=780")]
// A value equal to a threshold is OK, and perfdata shows the state's own
// integer threshold.
#[case("disk:/bak", &["-w", "55", "-c", "90"], bak_at_55, 0, "DISK OK - /bak 55.0% used", "'/bak'=59055800320B;59055800320;")]
#[case("disk:/bak", &["--free", "-w", "45:", "-c", "10:"], bak_at_55, 0, "DISK OK - /bak 45.0% free", "'/bak_free'=48318382080B;48318382080:;")]
#[case("inodes:/boot", &[], boot_inodes_past_80, 1, "INODES WARNING - /boot 80.0003% inodes used (52429 of 65536)", "'/boot_inodes'=52429;52428;58982;0;65536")]
#[case("inodes:/", &[], btrfs_root, 3, "INODES UNKNOWN - no mount reports inode counts (btrfs and Windows report 0)", "")]
#[case("inodes", &[], no_inodes_anywhere, 3, "INODES UNKNOWN - no mount reports inode counts", "")]
#[case("inodes", &["--free"], healthy, 0, "INODES OK - 4 mounts OK, fullest /boot 99.5% inodes free (65186 of 65536)", "'/boot_inodes_free'=65186;13108:;6554:;0;65536")]
#[case("inodes", &["--free", "-w", "100K:", "-c", "10K:"], healthy, 2, "INODES CRITICAL - /etc/pve 99.8% inodes free (9976 of 10000) < 10240 inodes, /boot 99.5% inodes free", "'/boot_inodes_free'=65186;102400:;10240:;0;65536")]
// disk: --free in percent and in bytes, per-mount thresholds, include/exclude
// Both mounts named `/` keep their values, the second numbered, in disk
// and in all (which merges only what two sub-checks both report).
#[case("disk", &[], two_roots, 0, "DISK OK - 5 mounts OK", "'/ #2'=10000000000B;804695497113;905282434252;0;1005869371392")]
#[case("all", &[], two_roots, 1, "HETRIX WARNING", "'/ #2'=10000000000B;804695497113;905282434252;0;1005869371392")]
#[case("disk", &["--free"], healthy, 0, "DISK OK - 4 mounts OK, fullest / 24.1% free (225.9 of 936.8 GiB)", "'/_free'=242515105443B;201173874279:;100586937140:;0;1005869371392")]
#[case("disk", &["--free", "-w", "30:"], healthy, 1, "DISK WARNING - / 24.1% free", "")]
#[case("disk:/", &["--free", "-w", "300G:", "-c", "200G:"], healthy, 1, "DISK WARNING - / 24.1% free (225.9 of 936.8 GiB)", "'/_free'=242515105443B;322122547200:;214748364800:;0;1005869371392")]
#[case("disk:/", &["--free", "-w", "300G:", "-c", "250G:"], healthy, 2, "DISK CRITICAL", "")]
#[case("disk", &["-w", "700G", "-c", "5T"], healthy, 1, "DISK WARNING - / 75.9% used (710.9 of 936.8 GiB)", "'/'=763354265949B;751619276800;5497558138880;0;1005869371392")]
#[case("disk", &[], full_bak, 2, "DISK CRITICAL - /bak 96.7% used", "")]
#[case("disk", &["--mount-warning", "/bak=95", "--mount-critical", "/bak=98"], full_bak, 1, "DISK WARNING - /bak 96.7% used", "'/bak'=5799038128128B;5699086221721;5879057365565;0;5999038128128")]
#[case("disk", &["--mount-critical=/bak=98"], full_bak, 1, "DISK WARNING - /bak 96.7% used", "'/'=763354265949B;804695497113;905282434252")]
#[case("disk", &["-w", "70", "--mount-warning", "/=76"], healthy, 0, "DISK OK - 4 mounts OK", "'/'=763354265949B;764460722257;")]
#[case("disk", &["--exclude", "^/bak$"], full_bak, 0, "DISK OK - 3 mounts OK, fullest / 75.9% used", "'/boot'=")]
#[case("disk", &["--include", "^/b", "--include", "pve"], healthy, 0, "DISK OK - 3 mounts OK, fullest /bak 56.9% used", "'/etc/pve'=")]
#[case("disk", &["--include", "^/b", "--exclude", "oo"], healthy, 0, "DISK OK - /bak 56.9% used (3.1 of 5.5 TiB)", "'/bak'=")]
#[case("disk", &["--include", "^/nothing"], healthy, 3, "DISK UNKNOWN - --include/--exclude leave no mount to check (the agent reports: /, /bak, /boot, /etc/pve)", "")]
#[case("disk:/", &["--include", "^/"], healthy, 3, "DISK UNKNOWN - --include/--exclude choose among all mounts", "")]
#[case("disk", &["--mount-warning", "/bakk=95"], healthy, 3, "DISK UNKNOWN - --mount-warning/--mount-critical name mount '/bakk' which the agent does not report", "")]
// net: bytes per second, no alert unless asked, sizes in powers of 1024
#[case("net", &[], healthy, 0, "NET OK - 2 interfaces OK, busiest eno1 in 521.8 KiB/s out 70.1 KiB/s", "'eno1_in'=534350B;;;0 'eno1_out'=71742B;;;0 'vmbr0_in'=145B;;;0 'vmbr0_out'=152B;;;0")]
#[case("net", &["-w", "500K", "-c", "1M"], healthy, 1, "NET WARNING - eno1 in 521.8 KiB/s (> 500.0 KiB/s) out 70.1 KiB/s", "'eno1_in'=534350B;512000;1048576;0")]
#[case("net", &["-w", "50K", "-c", "500K"], healthy, 2, "NET CRITICAL - eno1", "'eno1_out'=71742B;51200;512000;0")]
#[case("net:vmbr0", &["-w", "100", "-c", "1K"], healthy, 1, "NET WARNING - vmbr0 in 145 B/s (> 100 B/s) out 152 B/s (> 100 B/s)", "'vmbr0_in'=145B;100;1024;0 'vmbr0_out'=152B;100;1024;0")]
#[case("net:eth9", &[], healthy, 3, "NET UNKNOWN - interface 'eth9' not reported by the agent (it reports: eno1, vmbr0)", "")]
#[case("net", &[], no_interfaces, 3, "NET UNKNOWN - no network interfaces reported by the agent", "")]
#[case("net:vmbr0", &[], negative_rate, 3, "NET UNKNOWN - vmbr0 in not reported out 152 B/s", "'vmbr0_out'=152B;;;0")]
// ports, port:<n>
#[case("ports", &[], healthy, 0, "PORTS OK - 2 ports, 189 connections", "'port_80'=44;;;0 'port_443'=145;;;0")]
#[case("ports", &["-w", "100", "-c", "500"], healthy, 1, "PORTS WARNING - port 443: 145 connections", "'port_443'=145;100;500;0")]
#[case("port:80", &["-w", "40"], healthy, 1, "PORT WARNING - port 80: 44 connections", "'port_80'=44;40;;0")]
#[case("port:443", &["-c", "100"], healthy, 2, "PORT CRITICAL - port 443: 145 connections", "'port_443'=145;;100;0")]
#[case("port:22", &[], healthy, 3, "PORT UNKNOWN - port '22' not reported by the agent (it reports: 80, 443)", "")]
#[case("port:ssh", &[], healthy, 3, "PORT UNKNOWN - port 'ssh' is not a port number from 1 to 65535 (use e.g. -m port:443)", "")]
#[case("port:70000", &[], healthy, 3, "PORT UNKNOWN - port '70000' is not a port number from 1 to 65535 (use e.g. -m port:443)", "")]
#[case("port:0", &[], healthy, 3, "PORT UNKNOWN - port '0' is not a port number from 1 to 65535 (use e.g. -m port:443)", "")]
#[case("ports", &[], no_ports, 3, "PORTS UNKNOWN - no port connection data reported by the agent", "")]
// reboot
#[case("reboot", &[], healthy, 0, "REBOOT OK - no reboot required", "'reboot_required'=0;;;0;1")]
#[case("reboot", &[], reboot_pending, 1, "REBOOT WARNING - reboot required to finish installing updates", "'reboot_required'=1;;;0;1")]
#[case("reboot", &["--reboot-state", "critical"], reboot_pending, 2, "REBOOT CRITICAL - reboot required", "")]
#[case("reboot", &["--reboot-state=CRITICAL"], healthy, 0, "REBOOT OK", "")]
// uptime
#[case("uptime", &[], healthy, 0, "UPTIME OK - up 166 d 21 h", "'uptime'=14420141s;;;0")]
#[case("uptime", &["-w", "3600:"], just_booted, 1, "UPTIME WARNING - up 10 min", "'uptime'=600s;3600:;;0")]
#[case("uptime", &["-w", "3600:", "-c", "300:"], healthy, 0, "UPTIME OK", "'uptime'=14420141s;3600:;300:;0")]
// numbers as strings are read; garbage is UNKNOWN
#[case("reboot", &[], strings_everywhere, 1, "REBOOT WARNING", "'reboot_required'=1")]
#[case("uptime", &["-w", "3600:"], strings_everywhere, 1, "UPTIME WARNING - up 10 min", "")]
#[case("net:eno1", &["-w", "1M"], strings_everywhere, 1, "NET WARNING - eno1 in 2.0 MiB/s", "'eno1_in'=2097152B;1048576;;0")]
#[case("port:80", &[], strings_everywhere, 0, "PORT OK - port 80: 44 connections", "'port_80'=44")]
#[case("inodes:/boot", &[], strings_everywhere, 2, "INODES CRITICAL - /boot 91.6%", "")]
#[case("reboot", &[], garbage, 3, "REBOOT UNKNOWN - no reboot-required flag reported by the agent", "")]
#[case("uptime", &[], garbage, 3, "UPTIME UNKNOWN - the agent did not report the system uptime", "")]
#[case("net", &[], garbage, 3, "NET UNKNOWN - eno1 in 521.8 KiB/s out not reported", "'eno1_in'=534350B")]
#[case("ports", &[], garbage, 3, "PORTS UNKNOWN - port 443: connection count not reported", "'port_80'=44")]
#[case("inodes", &[], garbage, 3, "INODES UNKNOWN - /boot inode counts not reported", "")]
// Windows agents: what they never send is UNKNOWN with the reason
#[case("services", &[], windows, 3, "SERVICES UNKNOWN - Windows agents do not report service data: this mode needs a Linux agent", "")]
#[case("raid", &[], windows, 3, "RAID UNKNOWN - Windows agents do not report RAID data", "")]
#[case("smart", &[], windows, 3, "SMART UNKNOWN - Windows agents do not report drive health data", "")]
#[case("reboot", &[], windows, 3, "REBOOT UNKNOWN - Windows agents do not report reboot-required flag", "")]
#[case("inodes", &[], windows, 3, "INODES UNKNOWN - no mount reports inode counts", "")]
#[case("disk", &[], windows, 0, "DISK OK - 2 mounts OK, fullest C: 40.0% used (40.0 of 100.0 GiB)", "'C:'=42949672960B")]
fn mode_on_payload(
    #[case] mode: &str,
    #[case] options: &[&str],
    #[case] variant: fn(&mut Value),
    #[case] code: i32,
    #[case] first_line: &str,
    #[case] perfdata: &str,
) {
    let run = run_mode(mode, options, variant);
    run.assert_outcome(code, first_line, perfdata);
}

fn run_mode(mode: &str, options: &[&str], variant: fn(&mut Value)) -> Run {
    let mut payload = example();
    variant(&mut payload);
    let api = MockApi::replying(Reply::json(&payload));
    let mut args = vec!["-m", mode];
    args.extend_from_slice(options);
    let run = check(&api, &args);
    assert_eq!(api.requests().len(), 1, "one check, one API call");
    run
}

#[rstest]
#[case(&["-m", "cpu", "-w", "5K"], "-w: size suffixes (K, M, G, T) apply to modes net, disk, inodes only, not cpu")]
#[case(&["-m", "cpu", "-w", "fooG"], "-w: invalid range 'fooG': 'fooG' is not a number")]
#[case(&["-m", "all", "--mount-warning", "/bak=1T"], "--mount-warning: size suffixes (K, M, G, T) apply to modes net, disk, inodes only, not all")]
#[case(&["-m", "net", "-w", "50MB"], "-w: invalid range '50MB'")]
#[case(&["-m", "disk", "--free", "-w", "20G:"], "mix a size and a percentage")]
#[case(&["-m", "cpu", "--free"], "--free applies to modes disk, inodes only, not to mode cpu")]
#[case(&["-m", "services", "--include", "x"], "--include applies to modes disk, inodes, all only")]
#[case(&["-m", "disk", "--exclude", "(["], "--exclude: invalid regular expression '(['")]
#[case(&["-m", "disk", "--mount-warning", "/bak"], "--mount-warning '/bak': expected MOUNT=RANGE")]
#[case(&["-m", "reboot", "--reboot-state", "unknown"], "--reboot-state must be warning or critical")]
#[case(&["-m", "all", "-w", "80"], "mode all checks every mode against its own default thresholds")]
#[case(&["-m", "all", "--free"], "--free applies to modes disk, inodes only")]
// Modes that judge by state words, not numbers, would ignore -w/-c.
#[case(&["-m", "services", "-w", "3:"], "SERVICES UNKNOWN - modes services and service take no -w/-c")]
#[case(&["-m", "service:nginx", "-c", "5"], "SERVICE UNKNOWN - modes services and service take no -w/-c")]
#[case(&["-m", "raid", "-w", "1", "-c", "2"], "RAID UNKNOWN - mode raid takes no -w/-c")]
#[case(&["-m", "reboot", "-c", "0"], "REBOOT UNKNOWN - mode reboot takes no -w/-c: use --reboot-state critical")]
fn options_that_do_not_fit_are_unknown(#[case] args: &[&str], #[case] message: &str) {
    let mut all = vec!["--demo"];
    all.extend_from_slice(args);
    let run = common::run(&all, &[]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.first_line().contains(message), "{run:?}");
}

/// Labels of the sub-check lines of `all`, e.g. `[WARNING] SMART: ...` →
/// `SMART`.
fn sub_checks(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .skip(1)
        .filter(|l| l.starts_with('['))
        .map(|l| {
            l.split_once("] ")
                .unwrap()
                .1
                .split(':')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn all_on_the_example_has_one_line_per_sub_check_and_the_worst_state() {
    let run = run_mode("all", &[], healthy);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.first_line()
            .starts_with("HETRIX WARNING - SMART WARNING (sda: 56 SMART errors (SMART PASSED))"),
        "{run:?}"
    );
    assert_eq!(
        sub_checks(&run),
        [
            "CPU",
            "RAM",
            "DISK",
            "RAID",
            "SMART",
            "SERVICES",
            "FRESHNESS",
            "SWAP",
            "IOWAIT",
            "INODES",
            "NET",
            "PORTS",
            "REBOOT",
            "UPTIME",
            "LOAD",
            "TEMP",
            "STEAL"
        ]
    );
    assert!(
        run.stdout
            .contains("\n[OK] DISK: 4 mounts OK, fullest / 75.9% used")
    );
    assert!(
        run.stdout
            .contains("\n[WARNING] SMART: sda: 56 SMART errors (SMART PASSED)\n")
    );
}

#[test]
fn all_reports_each_perfdata_label_once_with_its_own_thresholds() {
    let run = run_mode("all", &[], healthy);
    let labels: Vec<&str> = run
        .perfdata()
        .split(' ')
        .map(|p| p.split('=').next().unwrap())
        .collect();
    let mut unique = labels.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(labels.len(), unique.len(), "duplicate labels: {labels:?}");
    for expected in [
        "'iowait'=0.05%;10;20;0;100",
        "'swap'=0%;50;80;0;100",
        "'/bak'=3413452694905B;",
        "'/boot_inodes'=350;",
        "'eno1_in'=534350B",
        "'port_443'=145",
        "'uptime'=14420141s",
        "'sda_errors'=56;0;;0",
    ] {
        assert!(run.perfdata().contains(expected), "{expected} in {run:?}");
    }
}

fn broken_raid_counts(p: &mut Value) {
    p["Disks"][0]["RAID"]["TotalDrives"] = Value::Null;
    p["Stats"][0]["Swap"] = json!(60);
}

fn critical_and_worse(p: &mut Value) {
    full_bak(p);
    swapping(p);
    p["Services"][1]["Status"] = json!("offline");
    p["RebootRequired"] = json!(true);
}

#[rstest]
// UNKNOWN outranks WARNING…
#[case(broken_raid_counts, &[], 3, "HETRIX UNKNOWN - RAID UNKNOWN (/ RAID1 Healthy: 2/? drives active (health or drive counts not reported)), SMART WARNING (sda")]
// …and CRITICAL outranks UNKNOWN; at most three problems are named.
#[case(critical_and_worse, &[], 2, "HETRIX CRITICAL - DISK CRITICAL (/bak 96.7% used (5.3 of 5.5 TiB)), SERVICES CRITICAL (mysql offline), SMART WARNING (sda: 56 SMART errors (SMART PASSED)), … and 2 more")]
// Mount options and --reboot-state reach the sub-checks of all.
#[case(critical_and_worse, &["--mount-warning", "/bak=97", "--mount-critical", "/bak=99", "--reboot-state", "critical"], 2, "HETRIX CRITICAL - SERVICES CRITICAL (mysql offline), REBOOT CRITICAL (reboot required to finish installing updates), SMART WARNING")]
#[case(critical_and_worse, &["--exclude", "^/bak$"], 2, "HETRIX CRITICAL - SERVICES CRITICAL")]
fn all_ranks_ok_warning_unknown_critical(
    #[case] variant: fn(&mut Value),
    #[case] options: &[&str],
    #[case] code: i32,
    #[case] first_line: &str,
) {
    let run = run_mode("all", options, variant);
    run.assert_outcome(code, first_line, "");
}

#[test]
fn all_skips_what_a_windows_agent_does_not_send_and_lists_it_with_v() {
    let quiet = run_mode("all", &[], windows);
    assert_eq!(quiet.code, 0, "{quiet:?}");
    assert!(
        quiet
            .first_line()
            .starts_with("HETRIX OK - all 12 checks OK"),
        "{quiet:?}"
    );
    assert_eq!(
        sub_checks(&quiet),
        [
            "CPU",
            "RAM",
            "DISK",
            "FRESHNESS",
            "SWAP",
            "IOWAIT",
            "NET",
            "PORTS",
            "UPTIME",
            "LOAD",
            "TEMP",
            "STEAL"
        ]
    );
    assert!(!quiet.stdout.contains("skipped"), "{quiet:?}");

    let verbose = run_mode("all", &["-v"], windows);
    assert_eq!(verbose.code, 0, "{verbose:?}");
    for line in [
        "skipped ping: a metric only --api v3 has",
        "skipped raid: Windows agents do not report RAID data",
        "skipped smart: Windows agents do not report drive health data",
        "skipped services: Windows agents do not report service data",
        "skipped reboot: Windows agents do not report reboot-required flag",
        "skipped inodes: no mount reports inode counts",
    ] {
        assert!(verbose.stdout.contains(line), "{line:?} in {verbose:?}");
    }
}

#[test]
fn all_stays_under_4_kib_with_1000_mounts_and_says_what_it_left_out() {
    let mut payload = example();
    let long = "x".repeat(300);
    let disks: Vec<Value> = (0..1000)
        .map(|i| {
            json!({
                "Mount": format!("/srv/{long}/{i}"),
                "Size": 1000, "Used": 990, "Inodes": 1000, "InodesUsed": 990, "RAID": null
            })
        })
        .collect();
    payload["Disks"] = json!(disks);
    let api = MockApi::replying(Reply::json(&payload));
    let run = check(&api, &["-m", "all"]);
    assert_eq!(run.code, 2, "{}", run.first_line());
    assert!(run.stdout.len() <= 4096, "{} bytes", run.stdout.len());
    // Every sub-check line is there; the perfdata that did not fit are
    // counted, never cut.
    assert_eq!(sub_checks(&run).len(), 16, "{run:?}");
    assert!(
        run.stdout.contains("… and 997 more"),
        "{}",
        run.first_line()
    );
    assert!(
        run.stdout
            .contains("perfdata values left out (output kept under 4096 bytes)"),
        "{run:?}"
    );
    for value in run.perfdata().split(' ') {
        assert!(value.starts_with('\'') && value.contains("'="), "{value}");
    }
}

fn no_disks(p: &mut Value) {
    p["Disks"] = json!([]);
}

fn no_cpu(p: &mut Value) {
    without(&mut p["Stats"], "CPU");
}

fn no_ram(p: &mut Value) {
    without(&mut p["Stats"], "RAM");
}

/// cpu, ram and disk (and swap, iowait, net on Linux) are what every agent
/// sends: `all` must not call a server without them OK.
/// The other sub-checks still run: those that show cpu or ram beside
/// their own value leave it out.
#[rstest]
#[case(
    no_disks,
    "DISK UNKNOWN (no mount points reported by the agent)",
    "[OK] CPU: cpu 9.26%"
)]
#[case(no_interfaces, "NET UNKNOWN", "[OK] DISK: 4 mounts OK")]
#[case(
    no_cpu,
    "CPU UNKNOWN (cpu usage not reported by the agent in the newest Stats minutes), SMART WARNING",
    "[OK] IOWAIT: iowait 0.05%\n"
)]
#[case(
    no_ram,
    "RAM UNKNOWN (ram usage not reported by the agent in the newest Stats minutes), SMART WARNING",
    "[OK] SWAP: swap 0%\n"
)]
fn all_without_core_data_is_unknown(
    #[case] variant: fn(&mut Value),
    #[case] named: &str,
    #[case] line: &str,
) {
    let run = run_mode("all", &[], variant);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.first_line()
            .starts_with(&format!("HETRIX UNKNOWN - {named}")),
        "{run:?}"
    );
    assert!(run.stdout.contains(&format!("\n{line}")), "{run:?}");
}

/// The longer the agent is dead, the worse `all` must look, never better:
/// stale data runs only the freshness sub-check (CRITICAL past 600 s) and
/// reports the rest as not run.
#[rstest]
#[case(700)]
#[case(3600)]
fn all_on_stale_data_stays_critical(#[case] age: i64) {
    let mut payload = example();
    payload["AgentLastData"] = json!(common::now() - age);
    let api = MockApi::replying(Reply::json(&payload));
    let run = check(&api, &["-m", "all"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.first_line()
            .starts_with("HETRIX CRITICAL - FRESHNESS CRITICAL"),
        "{run:?}"
    );
    if age > 900 {
        // Every v1 sub-check but freshness; v3-only ones are never run on v1.
        assert!(
            run.first_line().contains(
                "16 checks not run (data older than --max-age 900 s: is the agent running?)"
            ),
            "{run:?}"
        );
        assert_eq!(run.first_line().matches(" ago").count(), 1, "{run:?}");
        assert!(
            !run.stdout.contains("[WARNING] SMART"),
            "stale numbers judged: {run:?}"
        );
    }
}
