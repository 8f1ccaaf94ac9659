//! One run of the plugin, from the command line to the answer it prints:
//! parse, load the snapshot (API through the cache, or the demo payload),
//! evaluate the mode, and turn any failure into an UNKNOWN report.

use std::time::{Instant, SystemTime};

use crate::api::request::Access;
use crate::api::{self, Version};
use crate::cache::{self, Notes};
use crate::cli::{Command, CommandLine, Config, Source};
use crate::discovery::{self, Listing};
use crate::failure::Failure;
use crate::fetch::{Client, Trust};
use crate::model::Snapshot;
use crate::modes::{self, OptionGroup, Thresholds, evaluate};
use crate::output::{self, Report, State};
use crate::range::Range;
use crate::top;

/// First word of output lines written before a mode is known.
const PLUGIN_LABEL: &str = "HETRIX";

/// What every answer of a run with `-k` says: the API's data may be forged.
const UNVERIFIED: &str = "TLS not verified";

/// Registers a secret that no output may show (the panic hook's test needs
/// it before any run).
pub use crate::output::add_secret;

/// What the process prints on stdout and the code it exits with.
pub struct Answer {
    pub text: String,
    pub exit_code: i32,
}

impl Answer {
    /// Printed through the secret registry: a registered token shows as `***`.
    pub fn print(&self) {
        output::emit(&self.text);
    }
}

/// Runs the plugin on `args` (after the program name); `env` looks up
/// environment variables, `clock` tells the time, `started` is when the
/// process started.
pub fn run(
    args: &[String],
    env: impl Fn(&str) -> Option<String>,
    clock: fn() -> SystemTime,
    started: Instant,
) -> Answer {
    // Registered before parsing: an argument error may quote what the user
    // typed, and that may be the token.
    let command_line = CommandLine::new(args);
    for secret in command_line.token_candidates(&env) {
        output::add_secret(&secret);
    }
    let host_check = command_line.host_check();
    let config = match command_line.parse(&env) {
        Ok(Command::Check(config)) => config,
        Ok(Command::Print(text)) => return Answer { text, exit_code: 0 },
        Ok(Command::ListMonitors(listing)) => return list_monitors(&listing, &env, clock, started),
        Err(failure) => {
            let label = failure.mode_label().unwrap_or(PLUGIN_LABEL);
            let report = Report::unknown(label, failure.to_string());
            return finish(host_verdict(report, host_check), &[]);
        }
    };
    if let Source::Api { token, .. } = &config.source {
        output::add_secret(token);
    }
    let client = Client::new(config.trust.clone(), &env, started + config.timeout);
    let mut log = Vec::new();
    let unverified = config.trust == Trust::Insecure && matches!(config.source, Source::Api { .. });
    if unverified && config.plan.verbose >= 1 {
        log.push("tls: -k: the API's certificate is not verified, so anyone on the network path can read the token and forge the results".to_string());
    }
    let mut report = check(&config, &client, clock, started, &mut log).unwrap_or_else(|failure| {
        let mut report = Report::unknown(config.plan.mode.label, failure.to_string());
        if failure.is_unreachable() {
            report.state = config.unreachable_state;
        }
        report
    });
    if unverified {
        mark_unverified(&mut report);
    }
    finish(host_verdict(report, host_check), &log)
}

/// `--list-monitors`: the listing, with what `-v` and `-k` have to say
/// after it as comments (the icinga2 and nagios formats stay ready to
/// paste), or an UNKNOWN line.
fn list_monitors(
    listing: &Listing,
    env: impl Fn(&str) -> Option<String>,
    clock: fn() -> SystemTime,
    started: Instant,
) -> Answer {
    output::add_secret(&listing.token);
    let client = Client::new(listing.trust.clone(), &env, started + listing.timeout);
    let mut log = Vec::new();
    let unverified = listing.trust == Trust::Insecure;
    if unverified {
        log.push(format!(
            "{UNVERIFIED}: anyone on the network path can read the token and alter this listing"
        ));
    }
    let now = crate::unix_seconds(clock());
    match discovery::list(listing, &client, started, now, &mut log) {
        Ok(text) => Answer {
            text: log
                .iter()
                .fold(text, |text, line| text + "# " + line + "\n"),
            exit_code: 0,
        },
        Err(failure) => {
            let mut report = Report::unknown(PLUGIN_LABEL, failure.to_string());
            if unverified {
                mark_unverified(&mut report);
            }
            finish(report, &log)
        }
    }
}

/// Says on the first line that the API's answer may be forged (`-k`).
fn mark_unverified(report: &mut Report) {
    report.summary.push_str(&format!(" ({UNVERIFIED})"));
}

/// The answer to a panic: UNKNOWN and exit 3, not Rust's exit 101 that
/// Nagios shows as CRITICAL; rendered like any report, so the message's
/// own line break cannot split the first line.
pub fn internal_error(message: &str) -> Answer {
    finish(
        Report::unknown(
            PLUGIN_LABEL,
            format!("internal error ({message}): please report this as a bug"),
        ),
        &[],
    )
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

/// The report, then the `-v` lines, and the state's exit code.
fn finish(mut report: Report, log: &[String]) -> Answer {
    // As long-output lines they get the same care as any detail: no `|` or
    // newline from an API header or error starts perfdata, no endless line.
    report.details.extend_from_slice(log);
    Answer {
        text: report.render(),
        exit_code: report.state.exit_code(),
    }
}

fn check(
    config: &Config,
    client: &Client,
    clock: fn() -> SystemTime,
    started: Instant,
    log: &mut Vec<String>,
) -> Result<Report, Failure> {
    let now = crate::unix_seconds(clock());
    let verbose = api::Verbose {
        level: config.plan.verbose,
        started,
        now,
    };
    let (snapshot, stale_note) = load(config, client, clock, verbose, log)?;
    let plan = &config.plan;
    if plan.mode.needs_fresh_data {
        modes::fresh_enough(&snapshot, now, plan.max_age)?;
    }
    // Modes without single ranges (all, raid, services, load, ping) would
    // only show "none" here, which reads as if nothing were checked.
    if plan.verbose >= 1 && plan.thresholds != Thresholds::default() {
        log.push(format!(
            "thresholds: warning {}, critical {}",
            show_range(plan.thresholds.warning),
            show_range(plan.thresholds.critical)
        ));
    }
    if plan.verbose >= 1 {
        let lists = &plan.options.lists;
        if !(lists.warning.is_empty() && lists.critical.is_empty()) {
            log.push(format!(
                "threshold lists: warning {}, critical {}",
                show_ranges(&lists.warning),
                show_ranges(&lists.critical)
            ));
        }
    }
    let mut outcome = evaluate(plan, &snapshot, now)?;
    if plan.mode.accepts.contains(&OptionGroup::Top) {
        top::show(config, client, verbose, &mut outcome, log);
    }
    if let Some(note) = stale_note {
        outcome.summary = format!("{} {note}", outcome.summary);
    }
    Ok(outcome.into_report(plan.mode.label))
}

/// The snapshot from the API (through the cache), or from the bundled
/// example with its clock moved to now; with the note saying so when it is
/// an old response standing in for a failed call.
fn load(
    config: &Config,
    client: &Client,
    clock: fn() -> SystemTime,
    verbose: api::Verbose,
    log: &mut Vec<String>,
) -> Result<(Snapshot, Option<String>), Failure> {
    let now = verbose.now;
    match &config.source {
        Source::Demo => {
            let mut snapshot = api::demo(config.plan.api)?;
            let shift = snapshot.last_data.map_or(0, |last| now - last);
            snapshot.shift_time(shift);
            if config.plan.verbose >= 1 {
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
            let call = (config.plan.mode.source.request)(&access, config.plan.api);
            if call.api == Version::V1 && config.plan.verbose >= 1 {
                log.push(api::v1::DEPRECATED.to_string());
            }
            let fetch = |log: &mut Vec<String>| {
                let get = api::Get {
                    api: call.api,
                    url: &call.url,
                    base_url,
                    headers: &call.header_pairs(),
                };
                let response = api::send(client, &get, verbose, log)?;
                match (call.refusal)(&response, now) {
                    Some(failure) => Err(failure),
                    None => Ok(response),
                }
            };
            let loaded = cache::load(
                &config.cache,
                &call.key,
                client,
                clock,
                Notes {
                    log,
                    verbose: config.plan.verbose,
                },
                fetch,
                &call.judge,
            )?;
            let snapshot = loaded.value;
            if let Some(inventory) = call.inventory.filter(|_| config.plan.verbose >= 1) {
                log.push(format!("monitor {monitor}: {}", inventory(&snapshot)));
            }
            Ok((snapshot, loaded.stale_note))
        }
    }
}

fn show_range(range: Option<Range>) -> String {
    range.map_or("none".to_string(), |r| r.to_string())
}

fn show_ranges(ranges: &[Range]) -> String {
    match ranges {
        [] => "none".to_string(),
        _ => ranges
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(","),
    }
}
