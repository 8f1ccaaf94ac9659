//! `disk`, `disk:<mount>`: used (or `--free`) space per mount from Used /
//! Size, with check_disk-style perfdata (bytes, thresholds converted to
//! bytes).

use super::mounts::{Capacity, check};
use super::{Argument, Mode, OptionGroup, ThresholdKind};
use crate::output::{Unit, bytes, bytes_of};

pub const MODE: Mode = Mode {
    name: "disk",
    argument: Argument::Optional("mount"),
    label: "DISK",
    default_warning: Some("80"),
    default_critical: Some("90"),
    thresholds: ThresholdKind::PercentOrSizes,
    accepts: &[OptionGroup::Mounts, OptionGroup::Free],
    check: |ctx| check(ctx, &SPACE),
    ..Mode::DEFAULT
};

const SPACE: Capacity = Capacity {
    noun: "",
    label_suffix: "",
    unit: Unit::Bytes,
    read: |disk| (disk.size, disk.used),
    show: bytes_of,
    amount: bytes,
    zero: "has size 0",
    unreported: "size or used space not reported",
    none_measured: "no mount reports its size and used space",
};
