//! Shared by the modes that check a usage percentage from the per-minute
//! Stats (cpu, ram, swap, iowait, steal): the mean over `--window` minutes,
//! thresholded, with a companion percentage reported alongside.

use super::{Context, Outcome};
use crate::failure::Failure;
use crate::model::Sample;
use crate::output::{Perfdata, Unit};
use crate::range::format_number;

/// One percentage column of the Stats samples.
pub struct Column {
    pub name: &'static str,
    pub read: fn(&Sample) -> Option<f64>,
}

pub const CPU: Column = Column {
    name: "cpu",
    read: |s| reading(s.cpu),
};
pub const IOWAIT: Column = Column {
    name: "iowait",
    read: |s| reading(s.iowait),
};
pub const RAM: Column = Column {
    name: "ram",
    read: |s| reading(s.ram),
};
pub const SWAP: Column = Column {
    name: "swap",
    read: |s| reading(s.swap),
};
pub const STEAL: Column = Column {
    name: "steal",
    read: |s| reading(s.steal),
};

/// A negative share is no reading (an agent's stand-in for "none"), not a
/// value to page on: `-1` is outside every `0..N` range. One a little above
/// 100 is judged as sent (counters overshoot, and a pegged server must not
/// turn UNKNOWN); beyond [`MAX_PERCENT`] it is junk that would page with a
/// number nobody can read (`1e300` prints as 301 digits).
fn reading(percent: Option<f64>) -> Option<f64> {
    percent.filter(|p| (0.0..=MAX_PERCENT).contains(p))
}

/// The largest usage share judged, in percent.
const MAX_PERCENT: f64 = 110.0;

/// A column's mean over the samples that report it.
pub struct Mean {
    pub value: f64,
    /// How many samples reported the column (what the mean is of).
    pub readings: usize,
}

impl Column {
    /// Mean over the samples that report this column, to 9 decimals: the
    /// agent sends 2, and the noise of a float sum (79.9, 80.01 and 80.09
    /// average to 80.00000000000001) would make a mean equal to a
    /// threshold alert.
    pub fn mean(&self, samples: &[&Sample]) -> Option<Mean> {
        let values: Vec<f64> = samples.iter().filter_map(|s| (self.read)(s)).collect();
        (!values.is_empty()).then(|| {
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            // Beyond 1e9 there are no decimals to round, and scaling
            // could overflow to infinity.
            let value = if mean.abs() < 1e9 {
                (mean * 1e9).round() / 1e9
            } else {
                mean
            };
            Mean {
                value,
                readings: values.len(),
            }
        })
    }
}

/// ` (mean of 3 of the last 5 min)` when `--window` asks for a mean of
/// several minutes, else nothing; `readings` counts the minutes that
/// reported the value.
pub fn window_note(ctx: &Context, readings: usize) -> String {
    match ctx.window {
        1 => String::new(),
        window => format!(" (mean of {readings} of the last {window} min)"),
    }
}

/// Thresholds apply to `checked`; `companion` is shown and graphed only.
pub fn check(ctx: &Context, checked: Column, companion: Column) -> Result<Outcome, Failure> {
    let samples = ctx.snapshot.newest_samples(ctx.window);
    let mean = checked.mean(&samples).ok_or_else(|| {
        Failure::missing(format!(
            "{} usage not reported by the agent in the newest Stats minutes",
            checked.name
        ))
    })?;
    let percent = |name: &str, value: f64| {
        Perfdata::new(name, value, Unit::Percent).bounds(Some(0.0), Some(100.0))
    };
    let judged = ctx.thresholds.judge(percent(checked.name, mean.value));
    let mut summary = format!("{} {}%", checked.name, ctx.thresholds.shown(mean.value));
    let mut perfdata = vec![judged.perfdata];
    if let Some(other) = companion.mean(&samples) {
        summary.push_str(&format!(
            ", {} {}%",
            companion.name,
            format_number(other.value)
        ));
        perfdata.push(percent(companion.name, other.value));
    }
    summary.push_str(&window_note(ctx, mean.readings));
    Ok(Outcome {
        state: judged.state,
        summary,
        details: Vec::new(),
        perfdata,
        subchecks: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mean_equal_to_a_threshold_is_that_threshold() {
        let samples: Vec<Sample> = [79.9, 80.01, 80.09]
            .into_iter()
            .map(|cpu| Sample {
                cpu: Some(cpu),
                ..Sample::default()
            })
            .collect();
        let samples: Vec<&Sample> = samples.iter().collect();
        assert_eq!(value(CPU.mean(&samples)), Some(80.0));
    }

    #[test]
    fn a_small_overshoot_is_judged_junk_is_no_reading_and_a_huge_mean_stays_finite() {
        let sample = |cpu| Sample {
            cpu: Some(cpu),
            ..Sample::default()
        };
        let samples = [sample(100.4), sample(1e300), sample(110.5)];
        let samples: Vec<&Sample> = samples.iter().collect();
        assert_eq!(value(CPU.mean(&samples[..1])), Some(100.4));
        assert_eq!(value(CPU.mean(&samples[1..])), None);
        let huge = Column {
            name: "huge",
            read: |s| s.cpu,
        };
        assert_eq!(value(huge.mean(&samples[1..2])), Some(1e300));
    }

    fn value(mean: Option<Mean>) -> Option<f64> {
        mean.map(|m| m.value)
    }

    #[test]
    fn a_negative_percentage_is_no_reading() {
        let samples: Vec<Sample> = [Some(-1.0), Some(50.0), Some(-0.0)]
            .into_iter()
            .map(|steal| Sample {
                steal,
                ram: steal,
                ..Sample::default()
            })
            .collect();
        let samples: Vec<&Sample> = samples.iter().collect();
        let steal = STEAL.mean(&samples).unwrap();
        assert_eq!((steal.value, steal.readings), (25.0, 2));
        assert_eq!(value(RAM.mean(&samples[..1])), None);
    }
}
