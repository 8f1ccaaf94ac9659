//! End to end through a real Nagios 4: `nagios4 -v` accepts Debian's stock
//! object files plus the shipped definitions plus what
//! `--list-monitors --format nagios` prints, unchanged; then a daemon
//! running as the current user with every path in a temporary directory
//! runs forced checks against the mock API, and the test reads status.dat:
//! hosts stay UP through an API outage and a 429, the hosts of uptime
//! monitors without an agent and of blacklist monitors are UP by their own
//! host checks with their status, ssl, domain and blacklist services OK,
//! every shipped command runs in a service of its own and prints its mode's
//! result, the services of the README's examples (read from README.md as
//! printed) run OK, and the 1,000-mount server's output arrives whole in
//! every one of 20 rounds.
//!
//! Runs only where `nagios4` is installed (Debian: nagios4-core; .ci/run
//! installs it) and passes with a SKIPPED message elsewhere. With
//! CHECK_HETRIX_E2E_INSTALLED=1 it uses the installed package
//! (/usr/lib/nagios/plugins/check_hetrix and
//! /etc/nagios-plugins/config/check_hetrix.cfg) instead of this build and
//! packaging/.

use crate::common;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::TOKEN;
use common::e2e::{self, MOUNTS, WEBSITE};
use common::nagios_definitions;

/// Debian's stock object files the generated configuration relies on
/// (contacts, time periods, generic templates).
const STOCK_OBJECTS: [&str; 4] = [
    "/etc/nagios4/objects/commands.cfg",
    "/etc/nagios4/objects/contacts.cfg",
    "/etc/nagios4/objects/timeperiods.cfg",
    "/etc/nagios4/objects/templates.cfg",
];
const ROUNDS: usize = 20;
/// The hosts --list-monitors generates from the mock account.
const HOSTS: [&str; 4] = ["normal", "big", "outage", "limited"];
/// The host with a service for every shipped command. Its monitor is the
/// account's website, which has an SSL and a domain date; the mock serves
/// the example server's metrics and a clean blacklist report for it too.
const COMMANDS_HOST: &str = "shipped-commands";
/// The blacklist monitor of the README's Nagios example, by its IP.
const README_BLACKLIST_HOST: &str = "mail1";
/// Generous: two busy cores run several engineers' builds.
const DEADLINE: Duration = Duration::from_secs(120);

#[test]
fn nagios4_runs_the_generated_configuration() {
    let Some(nagios) = e2e::daemon_or_skip(
        "nagios4",
        "nagios4_runs_the_generated_configuration",
        "nagios4-core",
    ) else {
        return;
    };
    let (plugin, definitions) = if e2e::installed() {
        (
            PathBuf::from("/usr/lib/nagios/plugins/check_hetrix"),
            PathBuf::from("/etc/nagios-plugins/config/check_hetrix.cfg"),
        )
    } else {
        (
            PathBuf::from(env!("CARGO_BIN_EXE_check_hetrix")),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/nagios/check_hetrix.cfg"),
        )
    };
    let api = e2e::account_api();
    // Uptime monitors, then blacklist monitors, as printed.
    let generated = e2e::generated(&plugin, &api.url, "nagios");
    let monitor_hosts = generated_hosts(&generated);
    assert_eq!(monitor_hosts.len(), 7, "{generated}");

    let commands = nagios_definitions::commands(&std::fs::read_to_string(&definitions).unwrap());
    assert_eq!(commands.len(), nagios_definitions::SHIPPED, "{commands:?}");
    let readme = common::readme_config("define service");
    let extra = extra_config(&commands, &readme);
    let daemon = Nagios::configure(&nagios, &plugin, &definitions, &generated, &extra, &api.url);
    daemon.verify();
    let daemon = daemon.start();

    // Outage and rate limit: hosts stay UP, their services say why.
    let readme_services = readme_services(&readme);
    let everything: Vec<&str> = HOSTS
        .iter()
        .copied()
        .chain(monitor_hosts.iter().map(String::as_str))
        .chain([COMMANDS_HOST])
        .chain(readme_services.iter().map(|(host, _, _)| host.as_str()))
        .collect();
    daemon.force(&everything);
    let status = daemon.wait_for_checks(&everything, 0.0);
    assert_monitor_checks(&status, &monitor_hosts);
    assert_shipped_commands(&status, &commands);
    assert_readme_services(&status, &readme_services);
    for host in ["outage", "limited"] {
        let check = &status[&(host.to_string(), None)];
        assert_eq!(
            check["current_state"], "0",
            "host {host} must stay UP: {check:?}"
        );
        assert!(
            check["plugin_output"].starts_with("FRESHNESS OK - no verdict on the server ("),
            "{check:?}"
        );
        let disk = &status[&(host.to_string(), Some("HetrixTools disk".to_string()))];
        assert_eq!(disk["current_state"], "3", "{disk:?}");
    }
    for host in ["normal", "big"] {
        let check = &status[&(host.to_string(), None)];
        assert_eq!(check["current_state"], "0", "{check:?}");
        assert!(
            check["plugin_output"].starts_with("FRESHNESS OK - last agent data"),
            "{check:?}"
        );
    }
    let disk = &status[&("normal".to_string(), Some("HetrixTools disk".to_string()))];
    assert!(
        disk["plugin_output"].starts_with("DISK OK - 4 mounts OK"),
        "{disk:?}"
    );
    assert_eq!(
        disk["long_plugin_output"].matches("[OK] /").count(),
        4,
        "{disk:?}"
    );
    assert!(
        disk["performance_data"].starts_with("'/'=763354265949B;"),
        "{disk:?}"
    );
    for check in status.values() {
        assert!(!format!("{check:?}").contains(TOKEN), "token in status.dat");
    }

    // The 1,000-mount server, ROUNDS times: the readable text whole, every
    // perfdata value whole, and as many values as the note says are there.
    // Nagios records whole seconds: each round starts in the second after
    // the last round's newest check, so its results cannot be the last's.
    let mut newest = newest_check(&status);
    for round in 0..ROUNDS {
        while unix_now() < newest + 1.0 {
            std::thread::sleep(Duration::from_millis(50));
        }
        let since = unix_now();
        daemon.force(&HOSTS);
        let status = daemon.wait_for_checks(&HOSTS, since);
        newest = newest_check(&status);
        for service in ["HetrixTools disk", "HetrixTools all"] {
            let check = &status[&("big".to_string(), Some(service.to_string()))];
            assert_whole(check, &format!("round {round}, {service}"));
        }
    }
}

/// What the test adds to the generated configuration: mode all on the big
/// server, a host with a service for every shipped command (named after
/// it), and the README's examples as printed, with the host its blacklist
/// example names.
fn extra_config(commands: &[(String, String)], readme: &[String]) -> String {
    let service = |host: &str, description: &str, command: &str| {
        format!(
            "define service {{\n  use                  hetrix-service\n  host_name            {host}\n  \
             service_description  {description}\n  check_command        {command}\n}}\n"
        )
    };
    let host = |template: &str, name: &str, address: &str, monitor: &str| {
        format!(
            "define host {{\n  use              {template}\n  host_name        {name}\n  \
             address          {address}\n  _HETRIX_MONITOR  {monitor}\n}}\n"
        )
    };
    let mut config = service("big", "HetrixTools all", "check_hetrix!all");
    config.push_str(&host("hetrix-host", COMMANDS_HOST, "192.0.2.20", WEBSITE));
    for (name, _) in commands {
        let (args, _) = nagios_definitions::expected(name);
        let command: Vec<&str> = std::iter::once(name.as_str())
            .chain(args.iter().copied())
            .collect();
        config.push_str(&service(COMMANDS_HOST, name, &command.join("!")));
    }
    config.push_str(&host(
        "hetrix-blacklist-host",
        README_BLACKLIST_HOST,
        "192.0.2.25",
        "192.0.2.25",
    ));
    config.extend(readme.iter().map(String::as_str));
    config
}

/// Every shipped command ran in the daemon and printed what it prints for
/// the mock's data, in the state its first line names: no "command not
/// found", return code 127 or UNKNOWN from a macro or quoting mistake.
fn assert_shipped_commands(status: &Status, commands: &[(String, String)]) {
    for (name, _) in commands {
        let check = &status[&(COMMANDS_HOST.to_string(), Some(name.clone()))];
        let (_, expected) = nagios_definitions::expected(name);
        let state = match expected.split_whitespace().nth(1) {
            Some("OK") => "0",
            Some("WARNING") => "1",
            other => panic!("{name}: no state in {other:?}"),
        };
        assert!(
            check["plugin_output"].starts_with(&expected),
            "{name}: {check:?}"
        );
        assert_eq!(check["current_state"], state, "{name}: {check:?}");
    }
}

/// (host, service description, check_command) of every service the
/// README's Nagios examples define.
fn readme_services(readme: &[String]) -> Vec<(String, String, String)> {
    readme
        .iter()
        .flat_map(|block| block.split("define service {").skip(1))
        .map(|service| {
            let field = |name: &str| {
                service
                    .lines()
                    .find_map(|line| line.trim().strip_prefix(name))
                    .unwrap_or_else(|| panic!("no {name} in {service}"))
                    .trim()
                    .to_string()
            };
            (
                field("host_name"),
                field("service_description"),
                field("check_command"),
            )
        })
        .collect()
}

/// Each service of the README's examples runs OK in its own mode: the
/// per-mode command's (check_hetrix_disk: DISK) or the one `check_hetrix`
/// takes as `$ARG1$` (check_hetrix!service:nginx: SERVICE).
fn assert_readme_services(status: &Status, services: &[(String, String, String)]) {
    // The Install/Nagios example and the blacklist example, at least.
    assert!(services.len() >= 3, "{services:?}");
    assert!(
        services
            .iter()
            .any(|(host, ..)| host == README_BLACKLIST_HOST),
        "{services:?}"
    );
    for (host, description, command) in services {
        let mut parts = command.split('!');
        let mode = match parts.next().unwrap() {
            "check_hetrix" | "check_hetrix_v1" | "check_hetrix_v3" => {
                parts.next().unwrap().split(':').next().unwrap()
            }
            other => other.trim_start_matches("check_hetrix_"),
        };
        let check = &status[&(host.clone(), Some(description.clone()))];
        let context = format!("README's {host} {description} ({command}): {check:?}");
        assert_eq!(check["current_state"], "0", "{context}");
        assert!(
            check["plugin_output"].starts_with(&format!("{} OK - ", mode.to_uppercase())),
            "{context}"
        );
    }
}

/// The hosts of the generated configuration other than the agent servers
/// of `HOSTS`: uptime monitors without an agent and blacklist monitors.
fn generated_hosts(generated: &str) -> Vec<String> {
    generated
        .split("define host {\n")
        .skip(1)
        .filter_map(|block| {
            let line = block
                .lines()
                .find(|l| l.trim_start().starts_with("host_name"))?;
            let name = line.split_whitespace().nth(1)?.to_string();
            (!HOSTS.contains(&name.as_str())).then_some(name)
        })
        .collect()
}

/// Every host of an uptime or blacklist monitor is UP by its own mode,
/// and every service it got runs OK: status, ssl, domain, blacklist.
fn assert_monitor_checks(status: &Status, hosts: &[String]) {
    let mut services = 0;
    for ((host, service), check) in status {
        if !hosts.contains(host) {
            continue;
        }
        assert_eq!(check["current_state"], "0", "{host} {service:?}: {check:?}");
        let expected = match service {
            Some(service) => {
                services += 1;
                format!(
                    "{} OK - ",
                    service.trim_start_matches("HetrixTools ").to_uppercase()
                )
            }
            None if host.starts_with("blacklist-") => "BLACKLIST OK - ".to_string(),
            None => "STATUS OK - ".to_string(),
        };
        assert!(
            check["plugin_output"].starts_with(&expected),
            "{host} {service:?}: {check:?}"
        );
    }
    // status on five, ssl on two, domain on three, blacklist on two.
    assert_eq!(services, 12, "{status:#?}");
}

/// The output as the plugin wrote it: the long output ends with the note
/// that counts the left-out values, and every value that came is whole.
fn assert_whole(check: &HashMap<String, String>, context: &str) {
    // status.dat writes the line breaks as `\n`.
    let long = check["long_plugin_output"].trim_end_matches("\\n");
    let note = long
        .rsplit("\\n")
        .next()
        .filter(|line| line.contains(" perfdata values left out"))
        .unwrap_or_else(|| panic!("{context}: no note at the end of the long output: {check:?}"));
    let (left, total) = note
        .trim_start_matches("… ")
        .split_once(" of ")
        .map(|(left, rest)| (left, rest.split(' ').next().unwrap()))
        .unwrap();
    let (left, total): (usize, usize) = (left.parse().unwrap(), total.parse().unwrap());
    let values: Vec<&str> = check["performance_data"].split(' ').collect();
    assert_eq!(values.len(), total - left, "{context}: {check:?}");
    assert!(total >= MOUNTS, "{context}: {note}");
    for value in values {
        // 'label'=value[UOM];warn;crit;min;max: every value ends with its
        // maximum (disk and inode values) or a unit/number it always has.
        let (_, number) = value
            .split_once("'=")
            .unwrap_or_else(|| panic!("{context}: {value}"));
        let fields: Vec<&str> = number.split(';').collect();
        assert!(
            fields[0]
                .trim_end_matches(['B', '%', 's'])
                .parse::<f64>()
                .is_ok(),
            "{context}: {value}"
        );
        if value.starts_with("'/srv/vol") {
            assert_eq!(fields.len(), 5, "{context}: cut value {value}");
        }
    }
    assert!(check["plugin_output"].len() > 20, "{context}: {check:?}");
}

/// The newest `last_check` of the generated hosts and their services.
fn newest_check(status: &Status) -> f64 {
    status
        .iter()
        .filter(|((host, _), _)| HOSTS.contains(&host.as_str()))
        .filter_map(|(_, check)| check["last_check"].parse::<f64>().ok())
        .fold(0.0, f64::max)
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

fn whoami(flag: &str) -> String {
    let output = Command::new("id").arg(flag).output().expect("run id");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// (host, service) → the fields of its status block; a host's own check
/// has no service.
type Status = HashMap<(String, Option<String>), HashMap<String, String>>;

struct Nagios {
    binary: PathBuf,
    dir: PathBuf,
    config: PathBuf,
    api_url: String,
    child: Option<Child>,
}

impl Nagios {
    fn configure(
        binary: &Path,
        plugin: &Path,
        definitions: &Path,
        generated: &str,
        extra: &str,
        api_url: &str,
    ) -> Nagios {
        let dir = std::env::temp_dir().join(format!("check_hetrix_nagios4_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["spool", "rw", "cache"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let token_file = dir.join("hetrix.token");
        std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
        // As the README says: the plugin directory and the token file once
        // in resource.cfg.
        std::fs::write(
            dir.join("resource.cfg"),
            format!(
                "$USER1$={}\n$USER32$={}\n",
                plugin.parent().unwrap().display(),
                token_file.display()
            ),
        )
        .unwrap();
        std::fs::write(dir.join("generated.cfg"), generated).unwrap();
        std::fs::write(dir.join("extra.cfg"), extra).unwrap();
        let path = |name: &str| dir.join(name).display().to_string();
        let mut config = String::new();
        for file in STOCK_OBJECTS {
            config.push_str(&format!("cfg_file={file}\n"));
        }
        config.push_str(&format!(
            "cfg_file={}\ncfg_file={}\ncfg_file={}\n",
            definitions.display(),
            path("generated.cfg"),
            path("extra.cfg")
        ));
        config.push_str(&format!(
            "resource_file={}\nlog_file={}\nstatus_file={}\nstatus_update_interval=1\n\
             nagios_user={}\nnagios_group={}\ncheck_external_commands=1\ncommand_file={}\n\
             lock_file={}\ntemp_file={}\ntemp_path={}\ncheck_result_path={}\n\
             query_socket={}\nretain_state_information=0\nuse_syslog=0\n\
             enable_notifications=0\nenable_flap_detection=0\ncheck_result_reaper_frequency=1\n\
             max_concurrent_checks=4\nservice_check_timeout=60\nhost_check_timeout=60\n\
             illegal_macro_output_chars=`~$&|'\"<>\n",
            path("resource.cfg"),
            path("nagios.log"),
            path("status.dat"),
            whoami("-un"),
            whoami("-gn"),
            path("rw/nagios.cmd"),
            path("nagios.lock"),
            path("nagios.tmp"),
            path(""),
            path("spool"),
            path("rw/nagios.qh"),
        ));
        let file = dir.join("nagios.cfg");
        std::fs::write(&file, config).unwrap();
        Nagios {
            binary: binary.to_path_buf(),
            dir,
            config: file,
            api_url: api_url.to_string(),
            child: None,
        }
    }

    /// `nagios4 -v`: no errors with the configuration exactly as generated.
    fn verify(&self) {
        let output = Command::new(&self.binary)
            .arg("-v")
            .arg(&self.config)
            .output()
            .expect("run nagios4 -v");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && text.contains("Total Errors:   0"),
            "nagios4 -v failed:\n{text}"
        );
    }

    fn start(mut self) -> Nagios {
        let log = std::fs::File::create(self.dir.join("daemon.log")).unwrap();
        let mut command = Command::new(&self.binary);
        // The developer's own HetrixTools settings must not reach the plugin.
        common::without_plugin_env(&mut command);
        command
            .arg(&self.config)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            // Nagios passes its environment on to the plugins: the mock's
            // URL and a cache of the test's own.
            .env("HETRIX_API_URL", &self.api_url)
            .env("CHECK_HETRIX_CACHE_DIR", self.dir.join("cache"));
        self.child = Some(command.spawn().expect("start nagios4"));
        let deadline = Instant::now() + DEADLINE;
        while !self.dir.join("rw/nagios.cmd").exists() || !self.dir.join("status.dat").exists() {
            if let Ok(Some(status)) = self.child.as_mut().unwrap().try_wait() {
                panic!("nagios4 exited ({status}):\n{}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "nagios4 did not start:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        self
    }

    fn log(&self) -> String {
        let read = |name: &str| std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        format!("{}{}", read("daemon.log"), read("nagios.log"))
    }

    /// Forces a check of `hosts` and all their services now.
    fn force(&self, hosts: &[&str]) {
        let now = unix_now() as u64;
        let mut commands = String::new();
        for host in hosts {
            commands.push_str(&format!(
                "[{now}] SCHEDULE_FORCED_HOST_CHECK;{host};{now}\n"
            ));
            commands.push_str(&format!(
                "[{now}] SCHEDULE_FORCED_HOST_SVC_CHECKS;{host};{now}\n"
            ));
        }
        let mut pipe = std::fs::OpenOptions::new()
            .write(true)
            .open(self.dir.join("rw/nagios.cmd"))
            .expect("open the external command file");
        pipe.write_all(commands.as_bytes()).unwrap();
    }

    /// status.dat once every one of `hosts` and their services has a check
    /// that started after `since` (Unix seconds; Nagios has whole seconds,
    /// so a round waits for the next second).
    fn wait_for_checks(&self, hosts: &[&str], since: f64) -> Status {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let status = self.status();
            let done = !status.is_empty()
                && status
                    .iter()
                    .filter(|((host, _), _)| hosts.contains(&host.as_str()))
                    .all(|(_, check)| {
                        check["last_check"].parse::<f64>().unwrap_or(0.0) >= since.floor()
                            && check["last_check"] != "0"
                    });
            if done {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "not every check ran within {DEADLINE:?}: {status:#?}\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn status(&self) -> Status {
        let text = std::fs::read_to_string(self.dir.join("status.dat")).unwrap_or_default();
        let mut status = Status::new();
        for block in text.split("\n\t}") {
            let Some((kind, body)) = block.rsplit_once(" {\n") else {
                continue;
            };
            let kind = kind.trim();
            if kind != "hoststatus" && kind != "servicestatus" {
                continue;
            }
            let fields: HashMap<String, String> = body
                .lines()
                .filter_map(|line| line.trim_start().split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let key = (
                fields["host_name"].clone(),
                fields.get("service_description").cloned(),
            );
            status.insert(key, fields);
        }
        status
    }
}

impl Drop for Nagios {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    let _ = std::fs::remove_dir_all(&self.dir);
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
