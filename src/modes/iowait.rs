//! `iowait`: CPU time waiting for I/O, % from the newest Stats minute(s);
//! CPU usage alongside.

use super::usage::{CPU, IOWAIT, check};
use super::{Argument, Mode};

pub const MODE: Mode = Mode {
    name: "iowait",
    argument: Argument::None,
    label: "IOWAIT",
    default_warning: Some("10"),
    default_critical: Some("20"),
    needs_fresh_data: true,
    check: |ctx| check(ctx, IOWAIT, CPU),
};
