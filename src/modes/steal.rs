//! `steal`: CPU time % the hypervisor gave to other guests, from the newest
//! Stats minute(s); CPU usage alongside.

use super::usage::{CPU, STEAL, check};
use super::{Mode, OptionGroup, ThresholdKind};
use crate::api;

pub const MODE: Mode = Mode {
    name: "steal",
    label: "STEAL",
    default_warning: Some("10"),
    default_critical: Some("20"),
    thresholds: ThresholdKind::Percent,
    accepts: &[OptionGroup::Window],
    check: |ctx| check(ctx, STEAL, CPU),
    source: api::AGENT_SAMPLES,
    ..Mode::DEFAULT
};
