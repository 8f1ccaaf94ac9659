//! `all`: every mode the payload has data for, from the one fetch, each
//! against its own default thresholds. The worst state wins (OK < WARNING
//! < UNKNOWN < CRITICAL); the first line names the problems, most severe
//! first; every sub-check gets one long-output line; perfdata of all.
//!
//! Modes that need an argument (`service:<name>`, `port:<n>`) are covered
//! by their plural twins. Core data the agent did not send is an UNKNOWN
//! sub-check like any other; optional features it did not send are
//! skipped and listed with `-v`.

use std::collections::HashMap;

use super::{
    Apis, Argument, Context, Item, MODES, Mode, OptionGroup, Outcome, Plan, Subcheck,
    ThresholdKind, evaluate, fresh_enough, own_defaults, summarize,
};
use crate::api::{self, Version};
use crate::failure::Failure;
use crate::output::{Perfdata, State, shorten};

pub const MODE: Mode = Mode {
    name: "all",
    label: "HETRIX",
    thresholds: ThresholdKind::Refused(
        "mode all checks every mode against its own default thresholds, so -w/-c do not apply \
         (use --mount-warning/--mount-critical for mounts, or a single mode)",
    ),
    accepts: &[
        OptionGroup::Mounts,
        OptionGroup::RebootState,
        OptionGroup::Window,
        OptionGroup::Top,
    ],
    check,
    // It gates its sub-checks itself (see `check`), so freshness still runs.
    needs_fresh_data: false,
    source: api::AGENT_SAMPLES,
    ..Mode::DEFAULT
};

/// Longest text of one sub-check (in characters), so that the human text
/// stays under 4 KiB however many mounts, drives or ports a server has.
const TEXT_LIMIT: usize = 160;
/// How much of a shortened text's end is kept: numbers and "… and N more"
/// sit at the end.
const KEPT_END: usize = 60;

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let mut items = Vec::new();
    let mut details = Vec::new();
    let mut perfdata = Merged::default();
    let mut skipped = Vec::new();
    let mut subchecks = Vec::new();
    // On stale data only the freshness check speaks: the others would judge
    // a dead agent's last numbers. (Not an UNKNOWN for all of it, as single
    // modes end: that would rank below freshness' own CRITICAL.)
    let stale = fresh_enough(ctx.snapshot, ctx.now, ctx.max_age).err();
    let mut not_run = 0;
    for mode in MODES.iter().filter(|m| included(m)) {
        if ctx.api == Version::V1 && mode.api == Apis::V3Only {
            skipped.push(format!("skipped {}: a metric only --api v3 has", mode.name));
            continue;
        }
        if stale.is_some() && mode.needs_fresh_data {
            not_run += 1;
            continue;
        }
        let (thresholds, options) = own_defaults(mode, ctx.options.clone())?;
        let plan = Plan {
            mode,
            argument: None,
            thresholds,
            options,
            api: ctx.api,
            window: ctx.window,
            max_age: ctx.max_age,
            verbose: ctx.verbose,
        };
        let (state, summary) = match evaluate(&plan, ctx.snapshot, ctx.now) {
            Ok(outcome) => {
                perfdata.add(outcome.perfdata);
                subchecks.extend(outcome.subchecks);
                (outcome.state, outcome.summary)
            }
            Err(failure) if failure.is_missing_data() && !is_core(mode, ctx) => {
                skipped.push(shorten_to(&format!("skipped {}: {failure}", mode.name)));
                continue;
            }
            Err(failure) => {
                subchecks.push(Subcheck {
                    mode: mode.name,
                    state: State::Unknown,
                });
                (State::Unknown, failure.to_string())
            }
        };
        let summary = shorten_to(&summary);
        details.push(format!("[{state}] {}: {summary}", mode.label));
        // The first line separates its items with `, ` (Nagios turns `;`
        // into `:`), so a sub-check's own items are joined by `and` there,
        // in parentheses.
        items.push(Item {
            state,
            text: format!(
                "{} {state} ({})",
                mode.label,
                summary.replace(", ", " and ")
            ),
        });
    }
    if let Some(stale) = stale.filter(|_| not_run > 0) {
        // The freshness sub-check already says how old the data is.
        let why = match ctx.snapshot.last_data {
            Some(_) => format!(
                "data older than --max-age {} s: is the agent running?",
                ctx.max_age
            ),
            None => stale.to_string(),
        };
        details.push(format!("[UNKNOWN] {not_run} checks not run: {why}"));
        items.push(Item {
            state: State::Unknown,
            text: format!("{not_run} checks not run ({why})"),
        });
    }
    if items.is_empty() {
        return Err(Failure::new(
            "the agent reported no data any mode could check (is it a HetrixTools server agent?)",
        ));
    }
    let all_ok = format!("all {} checks OK", items.len());
    let mut outcome = summarize(&items, all_ok, perfdata.values);
    outcome.details = details;
    outcome.subchecks = subchecks;
    if ctx.verbose >= 1 {
        outcome.details.extend(skipped);
    }
    Ok(outcome)
}

/// Data every agent of the platform sends: without it `all` must not say
/// OK. The rest (RAID, SMART, services, ports, reboot flag, inodes, which
/// btrfs and Windows report as 0, and the v3-only metrics) depends on the
/// server's hardware or the agent's settings.
fn is_core(mode: &Mode, ctx: &Context) -> bool {
    match mode.name {
        "cpu" | "ram" | "disk" => true,
        "swap" | "iowait" | "net" => !ctx.snapshot.windows_agent(),
        _ => false,
    }
}

/// Modes that judge the server from the one snapshot: not `all` itself,
/// not those that need an argument, not `quota` (a different API call).
fn included(mode: &Mode) -> bool {
    mode.name != MODE.name
        && !matches!(mode.argument, Argument::Required(_))
        && [api::AGENT_DATA, api::AGENT_SAMPLES].contains(&mode.source)
}

/// The sub-checks' perfdata, a value two sub-checks report once (`cpu`
/// reports `iowait` alongside, `iowait` reports it again with its
/// thresholds): the one that carries thresholds is kept. A label repeated
/// within one sub-check is two items (two mounts named `/`): both stay,
/// and the report numbers them. Labels are found through a map: on a
/// server with 10,000 mounts and as many services, a search of the list
/// for each value took seconds.
#[derive(Default)]
struct Merged {
    values: Vec<Perfdata>,
    at: HashMap<String, usize>,
}

impl Merged {
    /// Adds one sub-check's values.
    fn add(&mut self, values: Vec<Perfdata>) {
        let has_thresholds = |p: &Perfdata| p.warning.is_some() || p.critical.is_some();
        let first_new = self.values.len();
        for perf in values {
            match self.at.get(&perf.label) {
                Some(&index) if index < first_new => {
                    let existing = &mut self.values[index];
                    if !has_thresholds(existing) && has_thresholds(&perf) {
                        *existing = perf;
                    }
                }
                _ => self.values.push(perf),
            }
        }
        for (index, perf) in self.values.iter().enumerate().skip(first_new) {
            self.at.entry(perf.label.clone()).or_insert(index);
        }
    }
}

fn shorten_to(text: &str) -> String {
    shorten(text, TEXT_LIMIT, KEPT_END).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Unit;

    #[test]
    fn merge_keeps_the_duplicate_with_thresholds() {
        let plain = Perfdata::new("iowait", 0.05, Unit::Percent);
        let checked = plain
            .clone()
            .thresholds(Some("10".parse().unwrap()), Some("20".parse().unwrap()));
        let mut perfdata = Merged::default();
        perfdata.add(vec![plain.clone()]);
        perfdata.add(vec![checked.clone()]);
        perfdata.add(vec![plain]);
        assert_eq!(perfdata.values, vec![checked]);
    }

    #[test]
    fn merge_keeps_the_items_one_sub_check_repeats() {
        let root = |used| Perfdata::new("/", used, Unit::Bytes);
        let mut perfdata = Merged::default();
        perfdata.add(vec![root(1.0), root(2.0)]);
        perfdata.add(vec![root(1.0)]);
        assert_eq!(perfdata.values, vec![root(1.0), root(2.0)]);
    }

    #[test]
    fn shorten_keeps_both_ends_of_long_texts() {
        let long = format!("{}, … and 997 more", "é".repeat(TEXT_LIMIT));
        let short = shorten_to(&long);
        assert_eq!(short.chars().count(), TEXT_LIMIT);
        assert!(short.starts_with("éé") && short.ends_with("é, … and 997 more"));
        assert_eq!(short.matches('…').count(), 2);
        assert_eq!(shorten_to("short"), "short");
    }
}
