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
    Ok(Outcome {
        state: ctx.thresholds.state_of(uptime as f64),
        summary: format!("up {}", duration(uptime.min(i64::MAX as u64) as i64)),
        details: Vec::new(),
        perfdata: vec![
            Perfdata::new("uptime", uptime as f64, Unit::Seconds)
                .thresholds(ctx.thresholds.warning, ctx.thresholds.critical)
                .bounds(Some(0.0), None),
        ],
    })
}
