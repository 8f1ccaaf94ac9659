//! `ram`: RAM usage % from the newest Stats minute(s); swap alongside.

use super::usage::{RAM, SWAP, check};
use super::{Argument, Mode};

pub const MODE: Mode = Mode {
    name: "ram",
    argument: Argument::None,
    label: "RAM",
    default_warning: Some("80"),
    default_critical: Some("90"),
    needs_fresh_data: true,
    check: |ctx| check(ctx, RAM, SWAP),
};
