//! `swap`: swap usage % from the newest Stats minute(s); RAM alongside.

use super::usage::{RAM, SWAP, check};
use super::{Argument, Mode};

pub const MODE: Mode = Mode {
    name: "swap",
    argument: Argument::None,
    label: "SWAP",
    default_warning: Some("50"),
    default_critical: Some("80"),
    needs_fresh_data: true,
    check: |ctx| check(ctx, SWAP, RAM),
};
