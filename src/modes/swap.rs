//! `swap`: swap usage % from the newest Stats minute(s); RAM alongside.

use super::usage::{RAM, SWAP, check};
use super::{Mode, OptionGroup, ThresholdKind};
use crate::api;

pub const MODE: Mode = Mode {
    name: "swap",
    label: "SWAP",
    default_warning: Some("50"),
    default_critical: Some("80"),
    thresholds: ThresholdKind::Percent,
    accepts: &[OptionGroup::Window],
    check: |ctx| check(ctx, SWAP, RAM),
    source: api::AGENT_SAMPLES,
    ..Mode::DEFAULT
};
