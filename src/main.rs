//! check_hetrix: a Nagios/Icinga/Checkmk plugin for servers monitored by
//! HetrixTools. See README.md.

mod api;
mod cli;
mod failure;
mod fetch;
mod model;
mod modes;
mod output;
#[cfg(test)]
mod properties;
mod proxy;
mod range;

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use cli::{Command, Config, Source};
use failure::Failure;
use model::Snapshot;
use modes::Context;
use output::{Report, State, duration, emit};

/// First word of output lines written before a mode is known.
const PLUGIN_LABEL: &str = "HETRIX";

/// The example payload `--demo` evaluates.
const DEMO_PAYLOAD: &[u8] = include_bytes!("demo.json");

fn main() {
    let started = Instant::now();
    // A panic must still be a plugin answer: UNKNOWN and exit 3, not Rust's
    // exit 101 that Nagios shows as CRITICAL.
    std::panic::set_hook(Box::new(|info| {
        emit(&format!(
            "{PLUGIN_LABEL} UNKNOWN - internal error ({info}); please report this as a bug\n"
        ));
        std::process::exit(State::Unknown.exit_code());
    }));

    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match cli::parse(&args, |name| std::env::var(name).ok()) {
        Ok(Command::Check(config)) => config,
        Ok(Command::Print(text)) => {
            emit(&text);
            std::process::exit(0);
        }
        Err(failure) => finish(&Report::unknown(PLUGIN_LABEL, failure.to_string()), &[]),
    };
    if let Source::Api { token, .. } = &config.source {
        output::set_secrets(vec![token.clone()]);
    }
    fetch::set_trust(config.trust.clone());
    let mut log = Vec::new();
    let report = check(&config, started, &mut log).unwrap_or_else(|failure| {
        let mut report = Report::unknown(config.mode.label, failure.to_string());
        if failure.is_unreachable() {
            report.state = config.unreachable_state;
        }
        report
    });
    finish(&report, &log);
}

/// Prints the report, then the `-v` lines, and exits with the state's code.
fn finish(report: &Report, log: &[String]) -> ! {
    let mut text = report.render();
    for line in log {
        text.push_str(line);
        text.push('\n');
    }
    emit(&text);
    std::process::exit(report.state.exit_code());
}

fn check(config: &Config, started: Instant, log: &mut Vec<String>) -> Result<Report, Failure> {
    let now = unix_now();
    let snapshot = load(config, started, now, log)?;
    let mode = config.mode;

    if mode.needs_fresh_data && config.max_age > 0 {
        let last = snapshot.last_data.ok_or_else(|| {
            Failure::new("the API did not say when the agent last sent data, so its age is unknown (--max-age 0 skips this check)")
        })?;
        let age = now - last;
        if age > config.max_age as i64 {
            return Err(Failure::new(format!(
                "data is stale: last agent data {} ago (--max-age {} s); is the agent running?",
                duration(age),
                config.max_age
            )));
        }
    }

    let context = Context {
        snapshot: &snapshot,
        argument: config.mode_argument.as_deref(),
        thresholds: config.thresholds,
        window: config.window,
        now,
    };
    if config.verbose >= 1 {
        log.push(format!(
            "thresholds: warning {}, critical {}",
            show_range(config.thresholds.warning),
            show_range(config.thresholds.critical)
        ));
    }
    let outcome = (mode.check)(&context)?;
    Ok(Report {
        label: mode.label.to_string(),
        state: outcome.state,
        summary: outcome.summary,
        details: outcome.details,
        perfdata: outcome.perfdata,
    })
}

/// The snapshot from the API, or from the bundled example with its clock
/// moved to now.
fn load(
    config: &Config,
    started: Instant,
    now: i64,
    log: &mut Vec<String>,
) -> Result<Snapshot, Failure> {
    match &config.source {
        Source::Demo => {
            let mut snapshot = api::v1::parse(200, DEMO_PAYLOAD)?;
            let shift = snapshot.last_data.map_or(0, |last| now - last);
            snapshot.shift_time(shift);
            if config.verbose >= 1 {
                log.push("demo: bundled example payload, timestamps moved to now".to_string());
            }
            Ok(snapshot)
        }
        Source::Api {
            base_url,
            token,
            monitor,
        } => {
            let url = api::v1::url(base_url, token, monitor);
            if config.verbose >= 3 {
                // Printed through the redaction in `emit`: the token shows as ***.
                log.push(format!("GET {url}"));
            }
            let response = fetch::get(&url, base_url, started + config.timeout)?;
            if config.verbose >= 2 {
                log.push(format!(
                    "HTTP {} with {} bytes after {} ms",
                    response.status,
                    response.body.len(),
                    started.elapsed().as_millis()
                ));
            }
            let snapshot = api::v1::parse(response.status, &response.body)?;
            if config.verbose >= 1 {
                log.push(format!(
                    "monitor {monitor}: {} mounts, {} drives, {} services, {} Stats minutes",
                    snapshot.disks.len(),
                    snapshot.drives.len(),
                    snapshot.services.len(),
                    snapshot.stats.len()
                ));
            }
            Ok(snapshot)
        }
    }
}

fn show_range(range: Option<range::Range>) -> String {
    range.map_or("none".to_string(), |r| r.to_string())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
