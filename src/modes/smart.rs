//! `smart`: each drive's SMART self-assessment, and its error count
//! against `-w/-c` (default `-w 0`: any error warns, as check_smart does).
//! On API v3 also each SSD's wearout % against `--wear-warning` and
//! `--wear-critical` (no default: drives without wear data never alert).

use super::{Context, Item, Mode, OptionGroup, Outcome, Thresholds, not_reported, summarize};
use crate::failure::Failure;
use crate::output::{Perfdata, State, Unit};

pub const MODE: Mode = Mode {
    name: "smart",
    label: "SMART",
    default_warning: Some("0"),
    accepts: &[OptionGroup::Wear],
    check,
    ..Mode::DEFAULT
};

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let drives = &ctx.snapshot.drives;
    if drives.is_empty() {
        return Err(not_reported(
            ctx.snapshot,
            "drive health data",
            "enable drive health monitoring on the agent \
             (https://docs.hetrixtools.com/hdd-ssd-nvme-drive-health-monitor/)",
        ));
    }
    let mut items = Vec::new();
    let mut perfdata = Vec::new();
    for drive in drives {
        let test = drive.smart_test.as_deref();
        let test_state = match test {
            None => State::Unknown,
            Some(t)
                if t.eq_ignore_ascii_case("passed") || t.eq_ignore_ascii_case("unsupported") =>
            {
                State::Ok
            }
            Some(_) => State::Critical,
        };
        let errors_state = match drive.error_count {
            Some(errors) => {
                perfdata.push(
                    Perfdata::new(format!("{}_errors", drive.name), errors as f64, Unit::None)
                        .thresholds(ctx.thresholds.warning, ctx.thresholds.critical)
                        .bounds(Some(0.0), None),
                );
                ctx.thresholds.state_of(errors as f64)
            }
            None => State::Unknown,
        };
        let test_text = match test {
            Some(t) if t.eq_ignore_ascii_case("unsupported") => {
                "SMART unsupported (no self-assessment)".to_string()
            }
            Some(t) => format!("SMART {t}"),
            None => "SMART result not reported".to_string(),
        };
        let errors_text = drive
            .error_count
            .map_or("error count not reported".to_string(), |e| {
                format!("{e} errors")
            });
        let wear_state = match drive.wearout {
            Some(wear) => {
                perfdata.push(
                    Perfdata::new(format!("{}_wearout", drive.name), wear, Unit::Percent)
                        .thresholds(ctx.options.wear.warning, ctx.options.wear.critical)
                        .bounds(Some(0.0), Some(100.0)),
                );
                ctx.options.wear.state_of(wear)
            }
            None => State::Ok,
        };
        let wear_text = match drive.wearout {
            Some(wear) => format!(", {}% worn out", ctx.options.wear.shown(wear)),
            None if ctx.options.wear != Thresholds::default() => ", wear not reported".to_string(),
            None => String::new(),
        };
        items.push(Item {
            state: test_state.worst(errors_state).worst(wear_state),
            text: format!("{} {test_text}, {errors_text}{wear_text}", drive.name),
        });
    }
    let all_ok = format!("{} drives healthy", items.len());
    Ok(summarize(&items, all_ok, perfdata))
}
