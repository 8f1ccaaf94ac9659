//! `quota`: the v1/v2 API calls the account has left this month. Reads the
//! account's counters instead of a server's data
//! ([`api::ACCOUNT_QUOTA`]): v3's account limits (no v1 call spent),
//! or v1's status call with `--api v1`. The monitor ID is not used.

use super::{Context, Mode, Outcome};
use crate::api::{self, Version};
use crate::failure::Failure;
use crate::output::{Perfdata, Unit};

pub const MODE: Mode = Mode {
    name: "quota",
    label: "QUOTA",
    default_warning: Some("500:"),
    default_critical: Some("100:"),
    needs_fresh_data: false,
    source: api::ACCOUNT_QUOTA,
    check,
    ..Mode::DEFAULT
};

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let quota = ctx.snapshot.quota.as_ref().ok_or_else(|| {
        Failure::missing(
            "no API call quota reported (mode quota reads the API's account data, which --demo does not have)",
        )
    })?;
    let calls = match ctx.api {
        Version::V1 => "API calls left",
        Version::V3 => "v1/v2 API calls left this month",
    };
    let summary = match quota.max {
        Some(max) => format!("{} of {max} {calls}", quota.remaining),
        None => format!("{} {calls}", quota.remaining),
    };
    let max = quota.max.map(|max| max as f64);
    let remaining =
        Perfdata::new("remaining", quota.remaining as f64, Unit::None).bounds(Some(0.0), max);
    let mut outcome = ctx.thresholds.judge(remaining).outcome(summary);
    let perfdata = &mut outcome.perfdata;
    if let Some(used) = quota.used {
        perfdata.push(Perfdata::new("used", used as f64, Unit::None).bounds(Some(0.0), max));
    }
    if let Some(max) = max {
        perfdata.push(Perfdata::new("max", max, Unit::None).bounds(Some(0.0), None));
    }
    Ok(outcome)
}
