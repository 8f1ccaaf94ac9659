//! `disk`, `disk:<mount>`: used (or `--free`) space per mount from Used /
//! Size, with check_disk-style perfdata (bytes, thresholds converted to
//! bytes).

use super::Mode;
use super::mounts::{self, Capacity, check};
use crate::output::{Unit, bytes, bytes_of};

pub const MODE: Mode = Mode {
    name: "disk",
    label: "DISK",
    check: |ctx| check(ctx, &SPACE),
    ..mounts::CAPACITY_MODE
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
