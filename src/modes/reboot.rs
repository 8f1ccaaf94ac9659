//! `reboot`: whether installed updates wait for a reboot; WARNING by
//! default, `--reboot-state critical` to page.

use super::{Context, Mode, OptionGroup, Outcome, ThresholdKind, not_reported};
use crate::failure::Failure;
use crate::output::{Perfdata, State, Unit};

pub const MODE: Mode = Mode {
    name: "reboot",
    label: "REBOOT",
    accepts: &[OptionGroup::RebootState],
    thresholds: ThresholdKind::Refused(
        "mode reboot takes no -w/-c: use --reboot-state critical to page on a pending reboot",
    ),
    check,
    ..Mode::DEFAULT
};

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let required = ctx.snapshot.reboot_required.ok_or_else(|| {
        not_reported(
            ctx.snapshot,
            "reboot-required flag",
            "update the agent (https://docs.hetrixtools.com/reboot-required-warning/)",
        )
    })?;
    let (state, summary) = if required {
        (
            ctx.options.reboot_state,
            "reboot required to finish installing updates",
        )
    } else {
        (State::Ok, "no reboot required")
    };
    Ok(Outcome {
        state,
        summary: summary.to_string(),
        details: Vec::new(),
        perfdata: vec![
            Perfdata::new("reboot_required", f64::from(u8::from(required)), Unit::None)
                .bounds(Some(0.0), Some(1.0)),
        ],
        subchecks: Vec::new(),
    })
}
