//! `ping`, `ping:<name>`: the outgoing pings the agent measures. Both
//! numbers are thresholded in one service, check_ping style:
//! `-w <ms>,<loss>%` (default `-w 200,20% -c 500,60%`). A ping's state is
//! the worse of its response time and its packet loss; at 100 % loss there
//! is no response time to judge. API v3 only.

use super::{
    Apis, Argument, Context, Finding, Item, ListShape, Mode, Outcome, ThresholdKind, problem_first,
    select, summarize,
};
use crate::failure::Failure;
use crate::model::Ping;
use crate::output::{Perfdata, State, Unit};

pub const MODE: Mode = Mode {
    name: "ping",
    argument: Argument::Optional("name"),
    label: "PING",
    default_warning: Some("200,20%"),
    default_critical: Some("500,60%"),
    api: Apis::V3Only,
    thresholds: ThresholdKind::Lists(&THRESHOLDS),
    check,
    ..Mode::DEFAULT
};

const THRESHOLDS: ListShape = ListShape {
    positions: &["ms", "loss%"],
    one_for_all: false,
    example: "200,20%",
};

const RESPONSE_TIME: usize = 0;
const PACKET_LOSS: usize = 1;

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let pings = &ctx.snapshot.pings;
    if pings.is_empty() {
        return Err(Failure::missing(
            "no outgoing pings reported by the agent: add ping targets to the agent's configuration",
        ));
    }
    let selected = select(pings, ctx.argument, "ping", |p| p.name.clone())?;
    let mut items = Vec::new();
    let mut perfdata = Vec::new();
    for ping in selected {
        items.push(assess(ctx, ping, &mut perfdata));
    }
    let all_ok = match items.len() {
        1 => items[0].first_line_text(),
        n => format!("all {n} pings OK"),
    };
    Ok(summarize(&items, all_ok, perfdata))
}

fn assess(ctx: &Context, ping: &Ping, perfdata: &mut Vec<Perfdata>) -> Item {
    let target = ping
        .target
        .as_deref()
        .map(|t| format!(" ({t})"))
        .unwrap_or_default();
    let name = format!("{}{target}", ping.name);
    // A share outside 0-100 % is no measurement.
    let Some(loss) = ping.packet_loss.filter(|loss| (0.0..=100.0).contains(loss)) else {
        return problem_first(
            &name,
            vec![Finding::new(State::Unknown, "packet loss not reported")],
        );
    };
    let loss_limits = ctx.options.lists.at(PACKET_LOSS);
    let judged = loss_limits.judge(
        Perfdata::new(format!("{}_pl", ping.name), loss, Unit::Percent)
            .bounds(Some(0.0), Some(100.0)),
    );
    perfdata.push(judged.perfdata);
    let mut findings = vec![Finding::new(
        judged.state,
        format!("{}% loss", loss_limits.shown(loss)),
    )];
    // At 100 % loss there is no response time to judge.
    if loss < 100.0 {
        // A negative time is no measurement, and outside every 0..N range.
        findings.push(match ping.response_time.filter(|ms| *ms >= 0.0) {
            None => Finding::new(State::Unknown, "response time not reported"),
            Some(ms) => {
                let time_limits = ctx.options.lists.at(RESPONSE_TIME);
                // Milliseconds without a unit: perfdata's time unit is the
                // second, and seconds at three decimals would round a LAN
                // ping to nothing.
                let judged = time_limits.judge(
                    Perfdata::new(format!("{}_rta_ms", ping.name), ms, Unit::None)
                        .bounds(Some(0.0), None),
                );
                perfdata.push(judged.perfdata);
                Finding::new(judged.state, format!("{} ms", time_limits.shown(ms)))
            }
        });
    }
    problem_first(&name, findings)
}
