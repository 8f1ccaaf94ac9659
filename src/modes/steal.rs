//! `steal`: CPU time % the hypervisor gave to other guests, from the newest
//! Stats minute(s); CPU usage alongside. API v3 only.

use super::usage::{CPU, STEAL, check};
use super::{Apis, Mode, OptionGroup, ThresholdKind};

pub const MODE: Mode = Mode {
    name: "steal",
    label: "STEAL",
    default_warning: Some("10"),
    default_critical: Some("20"),
    api: Apis::V3Only,
    thresholds: ThresholdKind::Percent,
    accepts: &[OptionGroup::Window],
    check: |ctx| check(ctx, STEAL, CPU),
    ..Mode::DEFAULT
};
