//! `cpu`: CPU usage % from the newest Stats minute(s); iowait alongside.

use super::usage::{CPU, IOWAIT, check};
use super::{Argument, Mode};

pub const MODE: Mode = Mode {
    name: "cpu",
    argument: Argument::None,
    label: "CPU",
    default_warning: Some("80"),
    default_critical: Some("90"),
    needs_fresh_data: true,
    check: |ctx| check(ctx, CPU, IOWAIT),
};
