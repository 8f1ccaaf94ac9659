//! `steal`: CPU time % the hypervisor gave to other guests, from the newest
//! Stats minute(s); CPU usage alongside. API v3 only.

use super::usage::{Column, check};
use super::{Argument, Mode};

pub const MODE: Mode = Mode {
    name: "steal",
    argument: Argument::None,
    label: "STEAL",
    default_warning: Some("10"),
    default_critical: Some("20"),
    needs_fresh_data: true,
    check: |ctx| {
        check(
            ctx,
            Column {
                name: "steal",
                read: |s| s.steal,
            },
            Column {
                name: "cpu",
                read: |s| s.cpu,
            },
        )
    },
};
