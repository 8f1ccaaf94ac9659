//! `services`: every service the agent watches must be online.
//! `service:<name>`: one of them.

use super::{
    Argument, Context, Item, Mode, Outcome, ThresholdKind, not_reported, select, summarize,
};
use crate::failure::Failure;
use crate::output::{Perfdata, State, Unit};

pub const ALL: Mode = Mode {
    name: "services",
    label: "SERVICES",
    thresholds: ThresholdKind::Refused(
        "modes services and service take no -w/-c: a service that is not online is CRITICAL",
    ),
    check,
    ..Mode::DEFAULT
};

pub const ONE: Mode = Mode {
    name: "service",
    argument: Argument::Required("name"),
    label: "SERVICE",
    ..ALL
};

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let services = &ctx.snapshot.services;
    if services.is_empty() {
        return Err(not_reported(
            ctx.snapshot,
            "service data",
            "add the services to watch to the agent's configuration \
             (https://docs.hetrixtools.com/service-monitoring/)",
        ));
    }
    let selected = select(services, ctx.argument, "service", |s| s.name.clone())?;
    let items: Vec<Item> = selected
        .iter()
        .map(|service| {
            let (state, status) = match service.status.as_deref() {
                Some(s) if s.eq_ignore_ascii_case("online") => (State::Ok, s),
                Some(s) => (State::Critical, s),
                None => (State::Unknown, "status not reported"),
            };
            Item {
                state,
                text: format!("{} {status}", service.name),
            }
        })
        .collect();
    let online = items.iter().filter(|i| i.state == State::Ok).count();
    let all_ok = match items.len() {
        1 => items[0].first_line_text(),
        n => format!("all {n} services online"),
    };
    let perfdata = vec![
        Perfdata::new("online", online as f64, Unit::None)
            .bounds(Some(0.0), Some(items.len() as f64)),
    ];
    Ok(summarize(&items, all_ok, perfdata))
}
