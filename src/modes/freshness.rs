//! `freshness`: how long ago the agent last posted data. The only mode that
//! looks at stale data, since staleness is what it measures.

use super::{Context, Mode, Outcome};
use crate::failure::Failure;
use crate::output::{Perfdata, Unit, duration};

pub const MODE: Mode = Mode {
    name: "freshness",
    label: "FRESHNESS",
    default_warning: Some("300"),
    default_critical: Some("600"),
    needs_fresh_data: false,
    check,
    ..Mode::DEFAULT
};

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let last = ctx
        .snapshot
        .last_data
        .ok_or_else(|| Failure::missing("the API did not say when the agent last sent data"))?;
    // A clock a little ahead of ours is not "negative age".
    let age = ctx.now.saturating_sub(last).max(0);
    let seconds = Perfdata::new("age", age as f64, Unit::Seconds).bounds(Some(0.0), None);
    let summary = format!("last agent data {} ago", duration(age));
    Ok(ctx.thresholds.judge(seconds).outcome(summary))
}
