//! `uptime`: seconds since the server booted, as of the agent's last data.
//! No alert by default; `-w 3600:` warns within an hour of a reboot.

use super::{Context, Mode, Outcome};
use crate::failure::Failure;
use crate::output::{Perfdata, Unit, duration};

pub const MODE: Mode = Mode {
    name: "uptime",
    label: "UPTIME",
    check,
    ..Mode::DEFAULT
};

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let uptime = ctx
        .snapshot
        .uptime
        .ok_or_else(|| Failure::missing("the agent did not report the system uptime"))?;
    let seconds = Perfdata::new("uptime", uptime as f64, Unit::Seconds).bounds(Some(0.0), None);
    let summary = format!("up {}", duration(uptime.min(i64::MAX as u64) as i64));
    Ok(ctx.thresholds.judge(seconds).outcome(summary))
}
