//! `raid`: software RAID arrays as the agent sees them (mdadm, ZFS).

use super::{Context, Item, Mode, Outcome, ThresholdKind, not_reported, summarize};
use crate::failure::Failure;
use crate::model::Raid;
use crate::output::State;

pub const MODE: Mode = Mode {
    name: "raid",
    label: "RAID",
    thresholds: ThresholdKind::Refused(
        "mode raid takes no -w/-c: a failed or missing drive is CRITICAL, a resync or check \
         WARNING",
    ),
    check,
    ..Mode::DEFAULT
};

/// Words in an array's state that mean it is degraded-but-working on its
/// way back, or being scrubbed: worth a warning, not a page.
const BUSY_STATES: [&str; 5] = ["resync", "recover", "rebuild", "reshape", "check"];

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let items: Vec<Item> = ctx
        .snapshot
        .disks
        .iter()
        .filter_map(|disk| {
            let raid = disk.raid.as_ref()?;
            let (state, why) = assess(raid);
            let text = format!(
                "{} {} {}, {}/{} drives active{}",
                disk.mount,
                raid.kind.as_deref().unwrap_or("RAID"),
                raid.health.as_deref().unwrap_or("health unknown"),
                show(raid.active_drives),
                show(raid.total_drives),
                why.map(|w| format!(" ({w})")).unwrap_or_default(),
            );
            Some(Item { state, text })
        })
        .collect();
    if items.is_empty() {
        return Err(not_reported(
            ctx.snapshot,
            "RAID data",
            "enable software RAID monitoring on the agent \
             (https://docs.hetrixtools.com/software-raid-monitoring/)",
        ));
    }
    let all_ok = match items.len() {
        1 => items[0].text.clone(),
        n => format!("{n} arrays healthy"),
    };
    Ok(summarize(&items, all_ok, Vec::new()))
}

fn show(count: Option<u64>) -> String {
    count.map_or("?".to_string(), |c| c.to_string())
}

/// The array's state and, when it is not OK, why.
fn assess(raid: &Raid) -> (State, Option<String>) {
    let (Some(health), Some(total), Some(active), Some(failed)) = (
        raid.health.as_deref(),
        raid.total_drives,
        raid.active_drives,
        raid.failed_drives,
    ) else {
        return (
            State::Unknown,
            Some("health or drive counts not reported".into()),
        );
    };
    if !health.eq_ignore_ascii_case("healthy") {
        return (State::Critical, Some(format!("health {health}")));
    }
    if failed > 0 {
        return (State::Critical, Some(format!("{failed} failed")));
    }
    if active < total {
        return (State::Critical, Some("degraded".into()));
    }
    let state_text = raid.state.as_deref().unwrap_or_default();
    let lower = state_text.to_ascii_lowercase();
    if BUSY_STATES.iter().any(|word| lower.contains(word)) {
        return (State::Warning, Some(format!("state {state_text}")));
    }
    (State::Ok, None)
}
