//! `disk`, `disk:<mount>`: used space per mount as Used / Size, with
//! check_disk-style perfdata (used bytes, thresholds converted to bytes).

use super::{Argument, Context, Item, Mode, Outcome, summarize};
use crate::failure::Failure;
use crate::model::Disk;
use crate::output::{Perfdata, State, Unit, bytes_of};

pub const MODE: Mode = Mode {
    name: "disk",
    argument: Argument::Optional("mount"),
    label: "DISK",
    default_warning: Some("80"),
    default_critical: Some("90"),
    needs_fresh_data: true,
    check,
};

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let disks = &ctx.snapshot.disks;
    if disks.is_empty() {
        return Err(Failure::new("no mount points reported by the agent"));
    }
    let selected: Vec<&Disk> = match ctx.argument {
        None => disks.iter().collect(),
        Some(mount) => vec![disks.iter().find(|d| d.mount == mount).ok_or_else(|| {
            let mounts: Vec<&str> = disks.iter().map(|d| d.mount.as_str()).collect();
            Failure::new(format!(
                "mount '{mount}' not reported by the agent; it reports: {}",
                mounts.join(", ")
            ))
        })?],
    };

    let mut items = Vec::new();
    let mut perfdata = Vec::new();
    let mut fullest: Option<(f64, usize)> = None;
    for disk in selected {
        let (state, text) = match (disk.size, disk.used) {
            (Some(0), _) => (State::Ok, format!("{} has size 0, skipped", disk.mount)),
            (Some(size), Some(used)) => {
                let percent = used as f64 / size as f64 * 100.0;
                let to_bytes = size as f64 / 100.0;
                perfdata.push(
                    Perfdata::new(disk.mount.as_str(), used as f64, Unit::Bytes)
                        .thresholds(
                            ctx.thresholds.warning.map(|r| r.scaled(to_bytes)),
                            ctx.thresholds.critical.map(|r| r.scaled(to_bytes)),
                        )
                        .bounds(Some(0.0), Some(size as f64)),
                );
                if fullest.is_none_or(|(p, _)| percent > p) {
                    fullest = Some((percent, items.len()));
                }
                (
                    ctx.thresholds.state_of(percent),
                    format!(
                        "{} {percent:.1}% used ({})",
                        disk.mount,
                        bytes_of(used, size)
                    ),
                )
            }
            _ => (
                State::Unknown,
                format!("{} size or used space not reported", disk.mount),
            ),
        };
        items.push(Item { state, text });
    }

    let all_ok = match (items.len(), fullest) {
        (1, _) => items[0].text.clone(),
        (n, Some((_, index))) => format!("{n} mounts OK, fullest {}", items[index].text),
        (n, None) => format!("{n} mounts OK"),
    };
    Ok(summarize(&items, all_ok, perfdata))
}
