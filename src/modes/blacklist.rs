//! `blacklist`: on how many RBLs a blacklist monitor's IP or domain is
//! listed today; `-i` takes the monitor's ID, its IP or its hostname. Any
//! listing warns by default (`-w 0`); the output names the RBLs with their
//! delist links. API v3 only.

use super::{Apis, Context, Mode, Outcome};
use crate::api;
use crate::failure::Failure;
use crate::output::{Perfdata, Unit};

pub const MODE: Mode = Mode {
    name: "blacklist",
    label: "BLACKLIST",
    default_warning: Some("0"),
    needs_fresh_data: false,
    api: Apis::V3Only,
    source: api::blacklist::CALL,
    check,
    ..Mode::DEFAULT
};

/// RBLs the first line names before "and N more".
const NAMED: usize = 3;

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let report = ctx.snapshot.blacklist.as_ref().ok_or_else(|| {
        Failure::new("no blacklist report to check (--demo bundles agent data only)")
    })?;
    let target = report.target.as_deref().unwrap_or("the target");
    let listed = report.listed.as_ref().ok_or_else(|| {
        Failure::new(format!(
            "the blacklist report did not say where {target} is listed (no 'listed' list)"
        ))
    })?;
    let count = listed.len();
    let summary = match count {
        0 => format!("{target} is listed on no RBL"),
        _ => {
            let mut names: Vec<&str> = listed.iter().take(NAMED).map(|l| l.rbl.as_str()).collect();
            let more = (count > NAMED).then(|| format!("and {} more", count - NAMED));
            names.extend(more.as_deref());
            let plural = if count == 1 { "" } else { "s" };
            format!(
                "{target} is listed on {count} RBL{plural} ({})",
                names.join(" ")
            )
        }
    };
    let mut details: Vec<String> = listed
        .iter()
        .map(|l| match &l.delist {
            Some(link) => format!("[listed] {}: delist at {link}", l.rbl),
            None => format!("[listed] {}", l.rbl),
        })
        .collect();
    if let Some(id) = &report.report_id {
        details.push(format!(
            "report: https://hetrixtools.com/report/blacklist/{id}/"
        ));
    }
    let listings = Perfdata::new("listed", count as f64, Unit::None).bounds(Some(0.0), None);
    Ok(Outcome {
        details,
        ..ctx.thresholds.judge(listings).outcome(summary)
    })
}
