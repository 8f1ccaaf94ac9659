//! check_hetrix: a Nagios/Icinga/Checkmk plugin for servers monitored by
//! HetrixTools. See README.md.

mod api;
mod cache;
mod cli;
mod discovery;
mod failure;
mod fetch;
mod help;
mod model;
mod modes;
mod output;
#[cfg(test)]
mod properties;
mod proxy;
mod range;
mod top;

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use api::Version;
use api::request::Access;
use cli::{Command, Config, Source};
use failure::Failure;
use model::Snapshot;
use modes::Context;
use output::{Report, State, emit};

/// First word of output lines written before a mode is known.
const PLUGIN_LABEL: &str = "HETRIX";

fn main() {
    let started = Instant::now();
    install_panic_hook();

    // Arguments that are not UTF-8 cannot be a valid option; lossy text
    // lets the parser say so instead of panicking.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let env = |name: &str| std::env::var(name).ok();
    // Registered before parsing: an argument error may quote what the user
    // typed, and that may be the token.
    for secret in cli::token_candidates(&args, env) {
        output::add_secret(&secret);
    }
    let host_check = args.iter().any(|arg| arg == cli::HOST_CHECK);
    let config = match cli::parse(&args, env) {
        Ok(Command::Check(config)) => config,
        Ok(Command::Print(text)) => {
            emit(&text);
            std::process::exit(0);
        }
        Ok(Command::ListMonitors(listing)) => {
            output::add_secret(&listing.token);
            fetch::set_trust(listing.trust.clone());
            let mut log = Vec::new();
            match discovery::list(&listing, started, unix_now(), &mut log) {
                Ok(text) => {
                    emit(&text);
                    // After the listing, as comments: the icinga2 and nagios
                    // formats stay ready to paste.
                    for line in log {
                        emit(&format!("# {line}\n"));
                    }
                    std::process::exit(0);
                }
                Err(failure) => finish(&Report::unknown(PLUGIN_LABEL, failure.to_string()), &log),
            }
        }
        Err(failure) => {
            let label = failure.mode_label().unwrap_or(PLUGIN_LABEL);
            let report = Report::unknown(label, failure.to_string());
            finish(&host_verdict(report, host_check), &[])
        }
    };
    if let Source::Api { token, .. } = &config.source {
        output::add_secret(token);
    }
    fetch::set_trust(config.trust.clone());
    let mut log = Vec::new();
    let unverified =
        config.trust == fetch::Trust::Insecure && matches!(config.source, Source::Api { .. });
    if unverified && config.verbose >= 1 {
        log.push("tls: -k: the API's certificate is not verified, so anyone on the network path can read the token and forge the results".to_string());
    }
    let mut report = check(&config, started, &mut log).unwrap_or_else(|failure| {
        let mut report = Report::unknown(config.mode.label, failure.to_string());
        if failure.is_unreachable() {
            report.state = config.unreachable_state;
        }
        report
    });
    if unverified {
        report.summary.push_str(" (TLS not verified)");
    }
    finish(&host_verdict(report, config.host_check), &log);
}

/// A host check's answer: Nagios and Icinga take UNKNOWN as host DOWN, but
/// an API or configuration problem says nothing about the server, so with
/// `--host-check` it ends OK and says so. The services still report it.
fn host_verdict(report: Report, host_check: bool) -> Report {
    if !host_check || report.state != State::Unknown {
        return report;
    }
    Report {
        state: State::Ok,
        summary: format!("no verdict on the server ({})", report.summary),
        ..report
    }
}

/// A panic must still be a plugin answer: UNKNOWN and exit 3, not Rust's
/// exit 101 that Nagios shows as CRITICAL; rendered like any report, so
/// the message's own line break cannot split the first line.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let report = Report::unknown(
            PLUGIN_LABEL,
            format!("internal error ({info}): please report this as a bug"),
        );
        emit(&report.render());
        std::process::exit(State::Unknown.exit_code());
    }));
}

/// Prints the report, then the `-v` lines, and exits with the state's code.
fn finish(report: &Report, log: &[String]) -> ! {
    // As long-output lines they get the same care as any detail: no `|` or
    // newline from an API header or error starts perfdata, no endless line.
    let mut report = report.clone();
    report.details.extend_from_slice(log);
    emit(&report.render());
    std::process::exit(report.state.exit_code());
}

fn check(config: &Config, started: Instant, log: &mut Vec<String>) -> Result<Report, Failure> {
    let now = unix_now();
    let (snapshot, stale_note) = load(config, started, now, log)?;
    let mode = config.mode;

    if mode.needs_fresh_data {
        modes::fresh_enough(&snapshot, now, config.max_age)?;
    }

    let context = Context {
        snapshot: &snapshot,
        api: config.api,
        max_age: config.max_age,
        argument: config.mode_argument.as_deref(),
        thresholds: config.thresholds,
        window: config.window,
        now,
        options: &config.options,
        verbose: config.verbose,
    };
    // Modes without single ranges (all, raid, services, load, ping) would
    // only show "none" here, which reads as if nothing were checked.
    if config.verbose >= 1 && config.thresholds != modes::Thresholds::default() {
        log.push(format!(
            "thresholds: warning {}, critical {}",
            show_range(config.thresholds.warning),
            show_range(config.thresholds.critical)
        ));
    }
    if config.verbose >= 1 {
        let lists = &config.options.lists;
        if !(lists.warning.is_empty() && lists.critical.is_empty()) {
            log.push(format!(
                "threshold lists: warning {}, critical {}",
                show_ranges(&lists.warning),
                show_ranges(&lists.critical)
            ));
        }
    }
    let mut outcome = (mode.check)(&context)?;
    if mode.accepts.contains(&modes::OptionGroup::Top) {
        top::show(config, started + config.timeout, now, &mut outcome, log);
    }
    Ok(Report {
        label: mode.label.to_string(),
        state: outcome.state,
        summary: match stale_note {
            Some(note) => format!("{} {note}", outcome.summary),
            None => outcome.summary,
        },
        details: outcome.details,
        perfdata: outcome.perfdata,
    })
}

/// The snapshot from the API (through the cache), or from the bundled
/// example with its clock moved to now; with the note saying so when it is
/// an old response standing in for a failed call.
fn load(
    config: &Config,
    started: Instant,
    now: i64,
    log: &mut Vec<String>,
) -> Result<(Snapshot, Option<String>), Failure> {
    match &config.source {
        Source::Demo => {
            let mut snapshot = api::demo(config.api)?;
            let shift = snapshot.last_data.map_or(0, |last| now - last);
            snapshot.shift_time(shift);
            if config.verbose >= 1 {
                log.push("demo: bundled example payload, timestamps moved to now".to_string());
            }
            Ok((snapshot, None))
        }
        Source::Api {
            base_url,
            token,
            monitor,
        } => {
            let access = Access {
                base_url,
                token,
                monitor,
            };
            let call = (config.mode.source.request)(&access, config.api);
            if call.api == Version::V1 && config.verbose >= 1 {
                log.push(api::v1::DEPRECATED.to_string());
            }
            let deadline = started + config.timeout;
            let fetch = |log: &mut Vec<String>| {
                if config.verbose >= 3 {
                    // Printed through the redaction in `emit`: the token shows as ***.
                    log.push(format!("GET {}", call.url));
                }
                let retrying = |status: u16, pause: std::time::Duration| {
                    if config.verbose >= 1 {
                        log.push(format!(
                            "HTTP {status}, which HetrixTools calls temporary: retrying once in {} ms",
                            pause.as_millis()
                        ));
                    }
                };
                let response = api::get(
                    call.api,
                    &call.url,
                    base_url,
                    deadline,
                    &call.header_pairs(),
                    retrying,
                )?;
                if config.verbose >= 2 {
                    log.push(response.verbose_line(started));
                }
                if call.api == Version::V3 && config.verbose >= 1 {
                    log.extend(api::rate_limit::remaining(&response, now));
                }
                match (call.refusal)(&response, now) {
                    Some(failure) => Err(failure),
                    None => Ok(response),
                }
            };
            let loaded = cache::load(
                &config.cache,
                &call.key,
                deadline,
                config.verbose,
                log,
                fetch,
                &call.judge,
            )?;
            let snapshot = loaded.value;
            if let Some(inventory) = call.inventory.filter(|_| config.verbose >= 1) {
                log.push(format!("monitor {monitor}: {}", inventory(&snapshot)));
            }
            Ok((snapshot, loaded.stale_note))
        }
    }
}

fn show_range(range: Option<range::Range>) -> String {
    range.map_or("none".to_string(), |r| r.to_string())
}

fn show_ranges(ranges: &[range::Range]) -> String {
    match ranges {
        [] => "none".to_string(),
        _ => ranges
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// Seconds since the epoch; 0 if the clock is before it.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// Set in the child process that [`a_panic_ends_unknown_on_one_line`]
    /// starts: the hook ends the process, so it cannot run in the harness.
    const IN_CHILD: &str = "CHECK_HETRIX_PANIC_HOOK_CHILD";
    const SECRET: &str = "secretToken0123456789";

    #[test]
    fn a_panic_ends_unknown_on_one_line() {
        if std::env::var_os(IN_CHILD).is_some() {
            output::add_secret(SECRET);
            install_panic_hook();
            panic!("on purpose\nwith the token {SECRET} in it");
        }
        let child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "tests::a_panic_ends_unknown_on_one_line"])
            .args(["--nocapture", "--test-threads=1"])
            .env(IN_CHILD, "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&child.stdout);
        assert_eq!(child.status.code(), Some(3), "{stdout}");
        // After the harness's "test … ... ", which ends in no newline.
        let line = stdout
            .lines()
            .find_map(|line| Some(&line[line.find("HETRIX UNKNOWN - internal error (")?..]))
            .unwrap_or_else(|| panic!("no UNKNOWN line in {stdout:?}"));
        assert!(
            line.contains("on purpose with the token *** in it"),
            "{line}"
        );
        assert!(line.ends_with("please report this as a bug"), "{line}");
        assert!(!stdout.contains(SECRET), "{stdout}");
    }
}
