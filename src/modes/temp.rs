//! `temp`: CPU temperature in °C from the newest Stats minute(s).
//! Perfdata has no unit: Icinga 2 rejects `°C` and the Monitoring
//! Plugins guidelines define no temperature unit.

use super::usage::{Column, window_note};
use super::{Context, Mode, OptionGroup, Outcome};
use crate::api;
use crate::failure::Failure;
use crate::output::{Perfdata, Unit};

pub const MODE: Mode = Mode {
    name: "temp",
    label: "TEMP",
    default_warning: Some("80"),
    default_critical: Some("90"),
    accepts: &[OptionGroup::Window],
    check,
    source: api::AGENT_SAMPLES,
    ..Mode::DEFAULT
};

/// Below absolute zero, or above what any chip survives by far, is no
/// temperature: a broken sensor's reading, not a state (and `1e300` would
/// print 301 digits on the first line).
const TEMPERATURE: Column = Column {
    name: "cpu_temp",
    read: |s| {
        s.cpu_temp
            .filter(|celsius| (-273.15..=1000.0).contains(celsius))
    },
};

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let samples = ctx.snapshot.newest_samples(ctx.window);
    let mean = TEMPERATURE.mean(&samples).ok_or_else(|| {
        Failure::missing(
            "CPU temperature not reported by the agent in the newest Stats minutes (the agent reads it from the CPU's sensors and some virtual machines have none)",
        )
    })?;
    let window = window_note(ctx, mean.readings);
    let summary = format!(
        "CPU temperature {} °C{window}",
        ctx.thresholds.shown(mean.value)
    );
    Ok(ctx
        .thresholds
        .judge(Perfdata::new(TEMPERATURE.name, mean.value, Unit::None))
        .outcome(summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sample;

    #[test]
    fn impossible_readings_are_no_temperature() {
        let sample = |celsius| Sample {
            cpu_temp: Some(celsius),
            ..Sample::default()
        };
        let samples = [sample(-300.0), sample(1e300), sample(-5.0), sample(125.0)];
        let samples: Vec<&Sample> = samples.iter().collect();
        assert_eq!(TEMPERATURE.mean(&samples).map(|m| m.value), Some(60.0));
        assert!(TEMPERATURE.mean(&samples[..2]).is_none());
    }
}
