//! Shared by the modes that check a capacity per mount (disk: bytes,
//! inodes: inode counts): mount selection (`<mode>:<mount>`, `--include`,
//! `--exclude`), per-mount thresholds, used or `--free`, in percent or,
//! with size-suffixed thresholds, in absolute amounts.

use super::{
    Argument, Context, Item, Mode, OptionGroup, Outcome, ThresholdKind, Thresholds, crossed,
    select, summarize,
};
use crate::failure::Failure;
use crate::model::Disk;
use crate::output::{Perfdata, State, Unit};
use crate::range::Range;

/// What every capacity mode shares: `<mode>[:<mount>]`, used above 80 %
/// warns and above 90 % is critical, thresholds in percent or sizes, the
/// mount options and `--free`. A mode adds its name, label and check.
pub const CAPACITY_MODE: Mode = Mode {
    argument: Argument::Optional("mount"),
    default_warning: Some("80"),
    default_critical: Some("90"),
    thresholds: ThresholdKind::PercentOrSizes,
    accepts: &[OptionGroup::Mounts, OptionGroup::Free],
    ..Mode::DEFAULT
};

/// What one capacity mode measures.
pub struct Capacity {
    /// Inserted before "used"/"free" in texts: `""`, `"inodes "`.
    pub noun: &'static str,
    /// Appended to the mount in perfdata labels: `""`, `"_inodes"`.
    pub label_suffix: &'static str,
    pub unit: Unit,
    /// Total and used amount of a mount.
    pub read: fn(&Disk) -> (Option<u64>, Option<u64>),
    /// An amount and the total for people, e.g. `710.9 of 936.8 GiB`.
    pub show: fn(u64, u64) -> String,
    /// One amount for people, e.g. `10.0 GiB`.
    pub amount: fn(f64) -> String,
    /// Said of a mount whose total is 0, e.g. `has size 0`.
    pub zero: &'static str,
    /// Said of a mount whose numbers are missing or unreadable.
    pub unreported: &'static str,
    /// The failure when every selected mount has a total of 0.
    pub none_measured: &'static str,
}

/// How many mounts an error message lists before "… and N more".
const LISTED_MOUNTS: usize = 10;

pub fn check(ctx: &Context, capacity: &Capacity) -> Result<Outcome, Failure> {
    let disks = &ctx.snapshot.disks;
    if disks.is_empty() {
        return Err(Failure::missing("no mount points reported by the agent"));
    }
    let options = ctx.options;
    if let Some(unknown) = options
        .per_mount
        .iter()
        .find(|m| !disks.iter().any(|d| d.mount == m.mount))
    {
        return Err(Failure::new(format!(
            "--mount-warning/--mount-critical name mount '{}' which the agent does not report (it reports: {})",
            unknown.mount,
            mount_list(disks)
        )));
    }
    if ctx.argument.is_some() && options.selects_mounts() {
        return Err(Failure::new(
            "--include/--exclude choose among all mounts and do not combine with a mode's :<mount>",
        ));
    }
    let mut selected = select(disks, ctx.argument, "mount", |d| d.mount.clone())?;
    selected.retain(|d| options.selects(&d.mount));
    if selected.is_empty() {
        return Err(Failure::new(format!(
            "--include/--exclude leave no mount to check (the agent reports: {})",
            mount_list(disks)
        )));
    }

    let (used_or_free, free_suffix) = if options.args.free {
        ("free", "_free")
    } else {
        ("used", "")
    };
    let mut items = Vec::new();
    let mut perfdata = Vec::new();
    let mut fullest: Option<(f64, usize)> = None;
    for disk in selected {
        let mount = disk.mount.as_str();
        let (state, text) = match (capacity.read)(disk) {
            (Some(0), _) => (State::Ok, format!("{mount} {}, skipped", capacity.zero)),
            (Some(total), Some(used)) => {
                let used_percent = used as f64 / total as f64 * 100.0;
                let (percent, amount) = if options.args.free {
                    (100.0 - used_percent, total.saturating_sub(used))
                } else {
                    (used_percent, used)
                };
                // Judged on the integer amount against integer thresholds,
                // the ones perfdata shows: state and graph always agree.
                let in_amounts = |range: Range| {
                    if options.absolute {
                        range
                    } else {
                        range.percent_of(total as f64)
                    }
                    .for_integers()
                };
                let given = options.thresholds_for(mount, ctx.thresholds);
                let thresholds = Thresholds {
                    warning: given.warning.map(in_amounts),
                    critical: given.critical.map(in_amounts),
                };
                let judged = thresholds.judge(
                    Perfdata::new(
                        format!("{mount}{}{free_suffix}", capacity.label_suffix),
                        amount as f64,
                        capacity.unit,
                    )
                    .bounds(Some(0.0), Some(total as f64)),
                );
                let state = judged.state;
                perfdata.push(judged.perfdata);
                if fullest.is_none_or(|(p, _)| used_percent > p) {
                    fullest = Some((used_percent, items.len()));
                }
                // To one decimal, or more where "80.0%" would hide that
                // 80.04 % is past -w 80.
                let shown = match options.absolute {
                    true => format!("{percent:.1}"),
                    false => given.shown_to(percent, state, 1, |x, d| format!("{x:.d$}")),
                };
                let mut text = format!(
                    "{mount} {shown}% {}{used_or_free} ({})",
                    capacity.noun,
                    (capacity.show)(amount, total)
                );
                // An absolute threshold is not a percentage the reader can
                // compare: say which one was crossed (`< 10.0 GiB`).
                if let Some(range) = thresholds.alerting(state).filter(|_| options.absolute) {
                    text.push(' ');
                    text.push_str(&crossed(range, amount as f64, capacity.amount));
                }
                (state, text)
            }
            _ => (State::Unknown, format!("{mount} {}", capacity.unreported)),
        };
        items.push(Item { state, text });
    }
    if fullest.is_none() && items.iter().all(|i| i.state == State::Ok) {
        return Err(Failure::missing(capacity.none_measured));
    }

    let all_ok = match (items.len(), fullest) {
        (n, Some((_, index))) if n > 1 => {
            format!("{n} mounts OK, fullest {}", items[index].first_line_text())
        }
        _ => items[0].first_line_text(),
    };
    Ok(summarize(&items, all_ok, perfdata))
}

fn mount_list(disks: &[Disk]) -> String {
    let mut names: Vec<&str> = disks
        .iter()
        .take(LISTED_MOUNTS)
        .map(|d| d.mount.as_str())
        .collect();
    let more = disks.len().saturating_sub(LISTED_MOUNTS);
    let more_text = format!("… and {more} more");
    if more > 0 {
        names.push(&more_text);
    }
    names.join(", ")
}
