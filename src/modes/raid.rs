//! `raid`: software RAID arrays as the agent sees them (mdadm, ZFS).
//!
//! v3 words health as `healthy`, `warning`, `danger` or `unknown` and each
//! maps to its own state; v1's free text is OK only when it says healthy.

use super::{Context, Item, Mode, Outcome, ThresholdKind, not_reported, summarize};
use crate::api::Version;
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
            let (state, why) = assess(raid, ctx.api);
            let text = format!(
                "{} {} {}: {}/{} drives active{}",
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
        1 => items[0].first_line_text(),
        n => format!("{n} arrays healthy"),
    };
    Ok(summarize(&items, all_ok, Vec::new()))
}

/// The state a health word stands for. v3's words are an enum; v1's are
/// free text, and so is a v3 word outside the enum: anything but healthy
/// pages.
fn health_state(health: &str, api: Version) -> State {
    let word = health.trim().to_ascii_lowercase();
    match (api, word.as_str()) {
        (_, "healthy") => State::Ok,
        (Version::V3, "warning") => State::Warning,
        (Version::V3, "unknown") => State::Unknown,
        _ => State::Critical,
    }
}

fn show(count: Option<u64>) -> String {
    count.map_or("?".to_string(), |c| c.to_string())
}

/// The array's state and, when it is not OK, why. What was reported is
/// judged even when other fields are missing: a `danger` health or a
/// failed drive pages, whatever else is absent.
fn assess(raid: &Raid, api: Version) -> (State, Option<String>) {
    let mut findings = Vec::new();
    match raid.health.as_deref().map(|h| (h, health_state(h, api))) {
        None | Some((_, State::Ok)) => {}
        Some((_, State::Unknown)) => findings.push((
            State::Unknown,
            "HetrixTools could not tell the array's health".to_string(),
        )),
        Some((health, state)) => findings.push((state, format!("health {health}"))),
    }
    // Lost drives are CRITICAL whatever the health word says.
    if let Some(failed) = raid.failed_drives.filter(|f| *f > 0) {
        findings.push((State::Critical, format!("{failed} failed")));
    }
    if let (Some(total), Some(active)) = (raid.total_drives, raid.active_drives)
        && active < total
    {
        findings.push((State::Critical, "degraded".into()));
    }
    let state_text = raid.state.as_deref().unwrap_or_default();
    let lower = state_text.to_ascii_lowercase();
    if BUSY_STATES.iter().any(|word| lower.contains(word)) {
        findings.push((State::Warning, format!("state {state_text}")));
    }
    let counts = [raid.total_drives, raid.active_drives, raid.failed_drives];
    if raid.health.is_none() || counts.contains(&None) {
        findings.push((
            State::Unknown,
            "health or drive counts not reported".to_string(),
        ));
    }
    // The most severe finding; of equals, the first.
    findings
        .into_iter()
        .fold((State::Ok, None), |(state, why), (found, reason)| {
            if found != state && state.worst(found) == found {
                (found, Some(reason))
            } else {
                (state, why)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn array(health: &str, state: &str, active: u64, failed: u64) -> Raid {
        Raid {
            kind: Some("RAID1".into()),
            health: Some(health.into()),
            state: Some(state.into()),
            total_drives: Some(2),
            active_drives: Some(active),
            failed_drives: Some(failed),
        }
    }

    #[rstest]
    #[case(Version::V3, "healthy", "clean", 2, 0, State::Ok)]
    #[case(Version::V3, "warning", "clean", 2, 0, State::Warning)]
    #[case(Version::V3, "danger", "clean", 2, 0, State::Critical)]
    #[case(Version::V3, "unknown", "clean", 2, 0, State::Unknown)]
    #[case(Version::V3, "Warning", "clean", 2, 0, State::Warning)]
    #[case(Version::V3, "exploded", "clean", 2, 0, State::Critical)]
    #[case(Version::V3, "healthy", "active, resyncing", 2, 0, State::Warning)]
    #[case(Version::V3, "warning", "active, recovering", 2, 0, State::Warning)]
    #[case(Version::V3, "unknown", "clean", 1, 1, State::Critical)]
    #[case(Version::V3, "healthy", "clean", 2, 1, State::Critical)]
    #[case(Version::V3, "warning", "clean", 1, 0, State::Critical)]
    #[case(Version::V1, "Healthy", "Active", 2, 0, State::Ok)]
    #[case(Version::V1, "Warning", "Active", 2, 0, State::Critical)]
    #[case(Version::V1, "Unknown", "Active", 2, 0, State::Critical)]
    #[case(Version::V1, "Degraded", "Active", 1, 1, State::Critical)]
    fn health_words_map_per_api(
        #[case] api: Version,
        #[case] health: &str,
        #[case] state: &str,
        #[case] active: u64,
        #[case] failed: u64,
        #[case] expected: State,
    ) {
        assert_eq!(
            assess(&array(health, state, active, failed), api).0,
            expected
        );
    }

    /// The spec marks no RAID field required: what did come is judged.
    #[rstest]
    #[case::danger_without_counts(Some("danger"), None, None, State::Critical, "health danger")]
    #[case::failed_without_health(None, Some(2), Some(1), State::Critical, "1 failed")]
    #[case::degraded_without_health(None, Some(1), None, State::Critical, "degraded")]
    #[case::healthy_without_counts(Some("healthy"), None, None, State::Unknown, "not reported")]
    #[case::warning_without_counts(Some("warning"), None, None, State::Unknown, "not reported")]
    #[case::nothing(None, None, None, State::Unknown, "not reported")]
    fn partial_reports_are_judged_by_what_they_say(
        #[case] health: Option<&str>,
        #[case] active: Option<u64>,
        #[case] failed: Option<u64>,
        #[case] expected: State,
        #[case] why: &str,
    ) {
        let raid = Raid {
            kind: Some("RAID1".into()),
            health: health.map(str::to_string),
            state: None,
            total_drives: active.map(|_| 2),
            active_drives: active,
            failed_drives: failed,
        };
        let (state, reason) = assess(&raid, Version::V3);
        assert_eq!(state, expected);
        assert!(
            reason.as_deref().unwrap_or_default().contains(why),
            "{reason:?}"
        );
    }

    #[test]
    fn unknown_health_says_hetrixtools_could_not_tell() {
        let (_, why) = assess(&array("unknown", "clean", 2, 0), Version::V3);
        assert_eq!(
            why.as_deref(),
            Some("HetrixTools could not tell the array's health")
        );
    }
}
