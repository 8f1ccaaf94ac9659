//! `ram`: RAM usage % from the newest Stats minute(s); swap alongside.

use super::usage::{RAM, SWAP, check};
use super::{Mode, OptionGroup, ThresholdKind};
use crate::api;

pub const MODE: Mode = Mode {
    name: "ram",
    label: "RAM",
    default_warning: Some("80"),
    default_critical: Some("90"),
    thresholds: ThresholdKind::Percent,
    accepts: &[OptionGroup::Window, OptionGroup::Top],
    check: |ctx| check(ctx, RAM, SWAP),
    source: api::AGENT_SAMPLES,
    ..Mode::DEFAULT
};
