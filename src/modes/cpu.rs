//! `cpu`: CPU usage % from the newest Stats minute(s); iowait alongside.

use super::usage::{Column, check};
use super::{Argument, Mode};

pub const MODE: Mode = Mode {
    name: "cpu",
    argument: Argument::None,
    label: "CPU",
    default_warning: Some("80"),
    default_critical: Some("90"),
    needs_fresh_data: true,
    check: |ctx| {
        check(
            ctx,
            Column {
                name: "cpu",
                read: |s| s.cpu,
            },
            Column {
                name: "iowait",
                read: |s| s.iowait,
            },
        )
    },
};
