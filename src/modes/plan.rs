//! A configured check and the one function that runs it: the binary, mode
//! `all` for each of its sub-checks and the property tests all go through
//! [`evaluate`], so none of them runs a copy of the pipeline.

#[cfg(doc)]
use super::fresh_enough;
use super::{Context, Mode, Options, Outcome, Subcheck, ThresholdLists, Thresholds};
use crate::api::Version;
use crate::failure::Failure;
use crate::model::Snapshot;
use crate::output::Report;

/// What the command line set for a check: everything but the data and the
/// clock.
pub struct Plan {
    pub mode: &'static Mode,
    /// The text after `mode:`, if any.
    pub argument: Option<String>,
    pub thresholds: Thresholds,
    /// Options only some modes read.
    pub options: Options,
    /// The API the snapshot comes from.
    pub api: Version,
    /// Number of newest Stats minutes to average (`--window`).
    pub window: usize,
    /// `--max-age` in seconds (0: off).
    pub max_age: u64,
    /// `-v` count.
    pub verbose: u8,
}

/// `mode`'s own default thresholds (single ranges or comma lists), and
/// `options` with its lists set to them: how `all` judges a sub-check.
/// The caller builds the [`Plan`] with the rest of its settings.
pub fn own_defaults(mode: &Mode, options: Options) -> Result<(Thresholds, Options), Failure> {
    let lists = ThresholdLists::parse(mode, None, None)?.unwrap_or_default();
    Ok((mode.default_thresholds()?, Options { lists, ..options }))
}

/// Runs `plan` on `snapshot` at `now` (Unix seconds). A `Failure` rather
/// than an UNKNOWN report, so that `all` can tell missing data from the
/// rest. Whether the data is fresh enough to run it at all is the caller's
/// question ([`fresh_enough`]): a single mode ends UNKNOWN on old data, `all`
/// sums up the sub-checks it did not run. The outcome lists the state of
/// each mode it checked.
pub fn evaluate(plan: &Plan, snapshot: &Snapshot, now: i64) -> Result<Outcome, Failure> {
    let mut outcome = (plan.mode.check)(&Context {
        snapshot,
        api: plan.api,
        argument: plan.argument.as_deref(),
        thresholds: plan.thresholds,
        window: plan.window,
        now,
        max_age: plan.max_age,
        options: &plan.options,
        verbose: plan.verbose,
    })?;
    // A mode that runs no sub-checks of its own is its one sub-check.
    if outcome.subchecks.is_empty() {
        outcome.subchecks.push(Subcheck {
            mode: plan.mode.name,
            state: outcome.state,
        });
    }
    Ok(outcome)
}

impl Outcome {
    /// The plugin answer of a mode labelled `label`.
    pub fn into_report(self, label: &str) -> Report {
        Report {
            label: label.to_string(),
            state: self.state,
            summary: self.summary,
            details: self.details,
            perfdata: self.perfdata,
        }
    }
}
