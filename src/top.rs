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
use crate::modes::{Outcome, first_line_words};
use crate::output::State;
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

/// Which resource alerts: `cpu` before `ram`, by the state each ended in
/// (alone, or as a sub-check of `all`).
fn alerting(outcome: &Outcome) -> Option<Order> {
    let alerts = |order: &Order| {
        outcome.subchecks.iter().any(|check| {
            check.mode == order.name() && matches!(check.state, State::Warning | State::Critical)
        })
    };
    [Order::Cpu, Order::Ram].into_iter().find(alerts)
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
    let name: String = first.name.chars().take(40).collect();
    outcome
        .summary
        .push_str(&format!(", top: {} {share:.0}%", first_line_words(&name)));
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
    use crate::modes::Subcheck;
    use rstest::rstest;

    fn outcome(state: State, subchecks: &[(&'static str, State)]) -> Outcome {
        Outcome {
            state,
            summary: "cpu 95%".to_string(),
            details: Vec::new(),
            perfdata: Vec::new(),
            subchecks: subchecks
                .iter()
                .map(|&(mode, state)| Subcheck { mode, state })
                .collect(),
        }
    }

    #[rstest]
    #[case::cpu(State::Critical, &[("cpu", State::Critical)], Some(Order::Cpu))]
    #[case::ram(State::Warning, &[("ram", State::Warning)], Some(Order::Ram))]
    #[case::cpu_first_in_all(State::Critical, &[("ram", State::Critical), ("cpu", State::Warning)], Some(Order::Cpu))]
    #[case::ram_in_all(State::Critical, &[("cpu", State::Ok), ("ram", State::Warning), ("disk", State::Critical)], Some(Order::Ram))]
    #[case::ok(State::Ok, &[("cpu", State::Ok)], None)]
    #[case::other_check_alerts(State::Critical, &[("cpu", State::Ok), ("ram", State::Ok), ("disk", State::Critical)], None)]
    #[case::unknown(State::Unknown, &[("cpu", State::Unknown)], None)]
    // WARNING < UNKNOWN: `all` ends UNKNOWN, yet its cpu check alerts.
    #[case::alert_beside_an_unknown_in_all(State::Unknown, &[("cpu", State::Warning), ("disk", State::Unknown)], Some(Order::Cpu))]
    fn asks_only_for_an_alerting_cpu_or_ram(
        #[case] state: State,
        #[case] subchecks: &[(&'static str, State)],
        #[case] expected: Option<Order>,
    ) {
        assert_eq!(alerting(&outcome(state, subchecks)), expected);
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
        let mut checked = outcome(State::Critical, &[]);
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
        let mut empty = outcome(State::Critical, &[]);
        add(&mut empty, Order::Cpu, &[], 5, 1, &mut log);
        assert_eq!(empty.summary, "cpu 95%");
        assert!(log[0].contains("lists none"), "{log:?}");
    }
}
