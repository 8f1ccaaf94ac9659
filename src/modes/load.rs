//! `load`: the 1, 5 and 15 minute load averages, check_load style:
//! `-w 5,4,3 -c 10,8,6` (one range stands for all three), `--per-cpu`
//! divides by the logical CPU count first. Unlike check_load, the first
//! line parts the three with ` / `: commas separate first-line items.

use super::{Context, ListShape, Mode, OptionGroup, Outcome, ThresholdKind};
use crate::api;
use crate::failure::Failure;
use crate::model::Sample;
use crate::output::{Perfdata, State, Unit};

pub const MODE: Mode = Mode {
    name: "load",
    label: "LOAD",
    thresholds: ThresholdKind::Lists(&THRESHOLDS),
    accepts: &[OptionGroup::PerCpu],
    check,
    source: api::AGENT_SAMPLES,
    ..Mode::DEFAULT
};

const THRESHOLDS: ListShape = ListShape {
    positions: &["load1", "load5", "load15"],
    one_for_all: true,
    example: "5,4,3",
};

/// A negative load average (some agents send -1) is not a reading.
const READERS: [fn(&Sample) -> Option<f64>; 3] = [
    |s| s.load_1.filter(|l| *l >= 0.0),
    |s| s.load_5.filter(|l| *l >= 0.0),
    |s| s.load_15.filter(|l| *l >= 0.0),
];

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let newest = ctx.snapshot.newest_samples(1);
    let loads: Vec<f64> = newest
        .first()
        .and_then(|sample| READERS.iter().map(|read| read(sample)).collect())
        .ok_or_else(|| {
            Failure::missing("load averages not reported by the agent in the newest Stats minute")
        })?;
    let mut details = Vec::new();
    let divisor = match (ctx.options.args.per_cpu, &ctx.snapshot.cpus) {
        (false, _) => 1.0,
        (true, Some(cpus)) => {
            if ctx.verbose >= 1 {
                details.push(format!(
                    "per CPU: divided by {} logical CPUs ({})",
                    cpus.logical, cpus.basis
                ));
            }
            cpus.logical as f64
        }
        (true, None) => {
            return Err(Failure::new(
                "the agent did not report the logical CPU count, so --per-cpu cannot divide by it (drop --per-cpu)",
            ));
        }
    };
    let mut state = State::Ok;
    let mut perfdata = Vec::new();
    let mut shown = Vec::new();
    for (index, (load, name)) in loads.iter().zip(THRESHOLDS.positions).enumerate() {
        let value = load / divisor;
        let thresholds = ctx.options.lists.at(index);
        let judged =
            thresholds.judge(Perfdata::new(*name, value, Unit::None).bounds(Some(0.0), None));
        state = state.worst(judged.state);
        perfdata.push(judged.perfdata);
        shown.push(thresholds.shown(value));
    }
    let per_cpu = match ctx.options.args.per_cpu {
        true => format!(" per CPU ({divisor} threads)"),
        false => String::new(),
    };
    Ok(Outcome {
        state,
        summary: format!("load average{per_cpu}: {}", shown.join(" / ")),
        details,
        perfdata,
        subchecks: Vec::new(),
    })
}
