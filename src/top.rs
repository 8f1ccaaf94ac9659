//! The heaviest processes, shown when `cpu` or `ram` (alone or inside
//! `all`) ends WARNING or CRITICAL on API v3: the on-call engineer's first
//! question is "which process?". One extra call, made only on alert; its
//! failure never changes the state (the check then says nothing more, and
//! `-v` says why).

use crate::api::processes::{self, Order};
use crate::api::request::Access;
use crate::api::{Verbose, Version};
use crate::cli::{Config, Source};
use crate::fetch::Client;
use crate::model::Process;
use crate::modes::{Outcome, Thresholds};
use crate::output::{Perfdata, State};
use crate::range::format_number;

/// Adds the processes to an alerting outcome, if `--top` and the API allow.
pub fn show(
    config: &Config,
    client: &Client,
    verbose: Verbose,
    outcome: &mut Outcome,
    log: &mut Vec<String>,
) {
    let Source::Api {
        base_url,
        token,
        monitor,
    } = &config.source
    else {
        return;
    };
    let count = config.plan.options.top;
    if config.plan.api != Version::V3 || count == 0 {
        return;
    }
    let Some(order) = alerting(outcome) else {
        return;
    };
    let access = Access {
        base_url,
        token,
        monitor,
    };
    match processes::fetch(client, &access, order, count, verbose, log) {
        Ok(found) => add(outcome, order, &found, count, config.plan.verbose, log),
        Err(failure) => {
            if config.plan.verbose >= 1 {
                log.push(format!("top processes not shown: {failure}"));
            }
        }
    }
}

/// Which resource alerts: `cpu` before `ram`. Read from the perfdata, which
/// carries the thresholds each check was judged by and so agrees with its
/// state, because `all` reports its sub-checks' states only as text.
fn alerting(outcome: &Outcome) -> Option<Order> {
    if !matches!(outcome.state, State::Warning | State::Critical) {
        return None;
    }
    let state_of = |label: &str| {
        outcome
            .perfdata
            .iter()
            .find(|p| p.label == label)
            .map_or(State::Ok, judged)
    };
    [Order::Cpu, Order::Ram]
        .into_iter()
        .find(|order| matches!(state_of(order.name()), State::Warning | State::Critical))
}

fn judged(perfdata: &Perfdata) -> State {
    Thresholds {
        warning: perfdata.warning,
        critical: perfdata.critical,
    }
    .state_of(perfdata.value)
}

/// The largest share shown, in percent: a hundred cores' worth even if
/// an agent did not normalise. Beyond it, or below 0, a share is junk that
/// would flood the first line (`1e308` prints as 309 digits).
const MAX_SHARE: f64 = 10_000.0;

fn add(
    outcome: &mut Outcome,
    order: Order,
    found: &[Process],
    count: usize,
    verbose: u8,
    log: &mut Vec<String>,
) {
    let ranked: Vec<(&Process, f64)> = found
        .iter()
        .filter_map(|p| Some((p, order.share(p).filter(|s| (0.0..=MAX_SHARE).contains(s))?)))
        .take(count)
        .collect();
    let Some((first, share)) = ranked.first() else {
        if verbose >= 1 {
            log.push("top processes not shown: the process snapshot lists none".to_string());
        }
        return;
    };
    // An item of the first line: no comma or semicolon inside.
    let name: String = first
        .name
        .chars()
        .take(40)
        .map(|c| if matches!(c, ',' | ';' | '|') { ' ' } else { c })
        .collect();
    outcome
        .summary
        .push_str(&format!(", top: {} {share:.0}%", name.trim()));
    for (process, share) in ranked {
        let mut about = Vec::new();
        about.extend(process.pid.map(|pid| format!("pid {pid}")));
        about.extend(process.user.clone());
        let about = match about.is_empty() {
            true => String::new(),
            false => format!(" ({})", about.join(", ")),
        };
        outcome.details.push(format!(
            "[top] {}% {}{about}",
            format_number(share),
            process.command.as_deref().unwrap_or(&process.name)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Unit;
    use rstest::rstest;

    fn outcome(state: State, perfdata: Vec<Perfdata>) -> Outcome {
        Outcome {
            state,
            summary: "cpu 95%".to_string(),
            details: Vec::new(),
            perfdata,
        }
    }

    fn percent(label: &str, value: f64, warning: Option<&str>) -> Perfdata {
        Perfdata::new(label, value, Unit::Percent)
            .thresholds(warning.map(|w| w.parse().unwrap()), None)
    }

    #[rstest]
    #[case::cpu(State::Critical, vec![percent("cpu", 95.0, Some("80")), percent("ram", 95.0, Some("80"))], Some(Order::Cpu))]
    #[case::ram_in_all(State::Warning, vec![percent("cpu", 5.0, Some("80")), percent("ram", 85.0, Some("80"))], Some(Order::Ram))]
    #[case::companion_without_thresholds(State::Warning, vec![percent("cpu", 5.0, Some("80")), percent("ram", 99.0, None)], None)]
    #[case::ok(State::Ok, vec![percent("cpu", 95.0, Some("80"))], None)]
    #[case::other_check_alerts(State::Critical, vec![percent("cpu", 5.0, Some("80")), percent("disk", 99.0, Some("80"))], None)]
    #[case::unknown(State::Unknown, vec![percent("cpu", 95.0, Some("80"))], None)]
    fn asks_only_for_an_alerting_cpu_or_ram(
        #[case] state: State,
        #[case] perfdata: Vec<Perfdata>,
        #[case] expected: Option<Order>,
    ) {
        assert_eq!(alerting(&outcome(state, perfdata)), expected);
    }

    #[test]
    fn names_the_heaviest_on_the_first_line_and_all_below() {
        let process = |name: &str, cpu: Option<f64>| Process {
            pid: Some(812),
            user: Some("www-data".into()),
            name: name.into(),
            command: Some(format!("{name}: worker")),
            cpu,
            ram: None,
        };
        let mut checked = outcome(State::Critical, Vec::new());
        let found = [
            process("junk", Some(1e308)),
            process("ngi,nx", Some(41.2)),
            process("negative", Some(-3.0)),
            process("odd", None),
            process("php", Some(7.0)),
            process("late", Some(1.0)),
        ];
        let mut log = Vec::new();
        add(&mut checked, Order::Cpu, &found, 2, 1, &mut log);
        assert_eq!(checked.summary, "cpu 95%, top: ngi nx 41%");
        assert_eq!(
            checked.details,
            [
                "[top] 41.2% ngi,nx: worker (pid 812, www-data)",
                "[top] 7% php: worker (pid 812, www-data)"
            ]
        );
        let mut empty = outcome(State::Critical, Vec::new());
        add(&mut empty, Order::Cpu, &[], 5, 1, &mut log);
        assert_eq!(empty.summary, "cpu 95%");
        assert!(log[0].contains("lists none"), "{log:?}");
    }
}
