//! `iowait`: CPU time waiting for I/O, % from the newest Stats minute(s);
//! CPU usage alongside.

use super::usage::{CPU, IOWAIT, check};
use super::{Mode, OptionGroup, ThresholdKind};
use crate::api;

pub const MODE: Mode = Mode {
    name: "iowait",
    label: "IOWAIT",
    default_warning: Some("10"),
    default_critical: Some("20"),
    thresholds: ThresholdKind::Percent,
    accepts: &[OptionGroup::Window],
    check: |ctx| check(ctx, IOWAIT, CPU),
    source: api::AGENT_SAMPLES,
    ..Mode::DEFAULT
};
