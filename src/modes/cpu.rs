//! `cpu`: CPU usage % from the newest Stats minute(s); iowait alongside.

use super::usage::{CPU, IOWAIT, check};
use super::{Mode, OptionGroup, ThresholdKind};
use crate::api;

pub const MODE: Mode = Mode {
    name: "cpu",
    label: "CPU",
    default_warning: Some("80"),
    default_critical: Some("90"),
    thresholds: ThresholdKind::Percent,
    accepts: &[OptionGroup::Window, OptionGroup::Top],
    check: |ctx| check(ctx, CPU, IOWAIT),
    source: api::AGENT_SAMPLES,
    ..Mode::DEFAULT
};
