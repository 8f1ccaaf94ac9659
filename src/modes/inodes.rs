//! `inodes`, `inodes:<mount>`: used (or `--free`) inodes per mount from
//! InodesUsed / Inodes. Mounts reporting 0 inodes are skipped.

use super::Mode;
use super::mounts::{self, Capacity, check};
use crate::output::Unit;
use crate::range::format_integer;

pub const MODE: Mode = Mode {
    name: "inodes",
    label: "INODES",
    check: |ctx| check(ctx, &INODES),
    ..mounts::CAPACITY_MODE
};

const INODES: Capacity = Capacity {
    noun: "inodes ",
    label_suffix: "_inodes",
    unit: Unit::Count,
    read: |disk| (disk.inodes, disk.inodes_used),
    show: |amount, total| format!("{amount} of {total}"),
    amount: |x| format!("{} inodes", format_integer(x)),
    zero: "reports 0 inodes (btrfs and Windows do)",
    unreported: "inode counts not reported",
    none_measured: "no mount reports inode counts (btrfs and Windows report 0)",
};
