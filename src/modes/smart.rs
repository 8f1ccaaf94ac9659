//! `smart`: each drive's SMART self-assessment, and its error count
//! against `-w/-c` (default `-w 0`: any error warns, as check_smart does).
//! On API v3 also each SSD's wearout % against `--wear-warning` and
//! `--wear-critical` (no default: drives without wear data never alert).

use super::{
    Context, Finding, Mode, OptionGroup, Outcome, Thresholds, not_reported, problem_first,
    summarize,
};
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
                let judged = ctx.thresholds.judge(
                    Perfdata::new(format!("{}_errors", drive.name), errors as f64, Unit::None)
                        .bounds(Some(0.0), None),
                );
                perfdata.push(judged.perfdata);
                judged.state
            }
            None => State::Unknown,
        };
        let test_text = match test {
            Some(t) if t.eq_ignore_ascii_case("unsupported") => "SMART unsupported".to_string(),
            Some(t) => format!("SMART {t}"),
            None => "SMART result not reported".to_string(),
        };
        let mut findings = vec![
            Finding::new(test_state, test_text),
            match drive.error_count {
                Some(errors) => Finding {
                    state: errors_state,
                    lead: format!("{errors} SMART errors"),
                    detail: format!("{errors} errors"),
                },
                None => Finding::new(errors_state, "error count not reported"),
            },
        ];
        match drive.wearout {
            Some(wear) => {
                let judged = ctx.options.wear.judge(
                    Perfdata::new(format!("{}_wearout", drive.name), wear, Unit::Percent)
                        .bounds(Some(0.0), Some(100.0)),
                );
                perfdata.push(judged.perfdata);
                findings.push(Finding::new(
                    judged.state,
                    format!("{}% worn out", ctx.options.wear.shown(wear)),
                ));
            }
            None if ctx.options.wear != Thresholds::default() => {
                findings.push(Finding::new(State::Ok, "wear not reported"));
            }
            None => {}
        }
        items.push(problem_first(&drive.name, findings));
    }
    let all_ok = format!("{} drives healthy", items.len());
    Ok(summarize(&items, all_ok, perfdata))
}
