//! `net`, `net:<iface>`: each interface's traffic in and out, in bytes per
//! second as the agent reports it. No alert unless `-w/-c` are given; they
//! apply to each direction.

use super::{Argument, Context, Item, Mode, Outcome, ThresholdKind, crossed, select, summarize};
use crate::failure::Failure;
use crate::output::{Perfdata, State, Unit, bytes};

pub const MODE: Mode = Mode {
    name: "net",
    argument: Argument::Optional("iface"),
    label: "NET",
    thresholds: ThresholdKind::Sizes,
    check,
    ..Mode::DEFAULT
};

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let interfaces = &ctx.snapshot.interfaces;
    if interfaces.is_empty() {
        return Err(Failure::missing(
            "no network interfaces reported by the agent",
        ));
    }
    let selected = select(interfaces, ctx.argument, "interface", |i| i.name.clone())?;
    let thresholds = ctx.thresholds;
    let mut items = Vec::new();
    let mut perfdata = Vec::new();
    let mut busiest: Option<(f64, usize)> = None;
    for interface in selected {
        let mut state = State::Ok;
        let mut texts = Vec::new();
        for (direction, rate) in [("in", interface.net_in), ("out", interface.net_out)] {
            // A negative rate is no measurement (and below perfdata's 0).
            match rate.filter(|rate| *rate >= 0.0) {
                Some(rate) => {
                    // Whole bytes, as perfdata prints them: judged on the
                    // printed number, the graph agrees with the state.
                    let rate = rate.round();
                    let judged = thresholds.judge(
                        Perfdata::new(format!("{}_{direction}", interface.name), rate, Unit::Bytes)
                            .bounds(Some(0.0), None),
                    );
                    state = state.worst(judged.state);
                    let mut text = format!("{direction} {}/s", bytes(rate));
                    if let Some(range) = thresholds.alerting(judged.state) {
                        let limit = crossed(range, rate, |x| format!("{}/s", bytes(x)));
                        text.push_str(&format!(" ({limit})"));
                    }
                    texts.push(text);
                    perfdata.push(judged.perfdata);
                }
                None => {
                    state = state.worst(State::Unknown);
                    texts.push(format!("{direction} not reported"));
                }
            }
        }
        let total = interface.net_in.unwrap_or(0.0) + interface.net_out.unwrap_or(0.0);
        if busiest.is_none_or(|(t, _)| total > t) {
            busiest = Some((total, items.len()));
        }
        items.push(Item {
            state,
            // No comma: commas separate the items of the first line.
            text: format!("{} {}", interface.name, texts.join(" ")),
        });
    }
    let all_ok = match (items.len(), busiest) {
        (n, Some((_, index))) if n > 1 => {
            format!(
                "{n} interfaces OK, busiest {}",
                items[index].first_line_text()
            )
        }
        _ => items[0].first_line_text(),
    };
    Ok(summarize(&items, all_ok, perfdata))
}
