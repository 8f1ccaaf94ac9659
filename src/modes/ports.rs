//! `ports`: open connections per port the agent watches, against `-w/-c`.
//! `port:<n>`: one of them.

use super::{Argument, Context, Item, Mode, Outcome, select, summarize};
use crate::failure::Failure;
use crate::output::{Perfdata, State, Unit};

pub const ALL: Mode = Mode {
    name: "ports",
    label: "PORTS",
    check,
    ..Mode::DEFAULT
};

pub const ONE: Mode = Mode {
    name: "port",
    argument: Argument::Required("n"),
    label: "PORT",
    ..ALL
};

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let ports = &ctx.snapshot.ports;
    if ports.is_empty() {
        return Err(Failure::missing(
            "no port connection data reported by the agent: enable port connection monitoring \
             when installing the agent",
        ));
    }
    // `port:0443` means port 443.
    let wanted = match ctx.argument {
        None => None,
        Some(text) => Some(text.parse::<u16>().ok().filter(|&p| p > 0).ok_or_else(|| {
            Failure::new(format!(
                "port '{text}' is not a port number from 1 to 65535 (use e.g. -m port:443)"
            ))
        })?),
    };
    let selected = select(
        ports,
        wanted.map(|p| p.to_string()).as_deref(),
        "port",
        |p| show(p.port),
    )?;
    let mut items = Vec::new();
    let mut perfdata = Vec::new();
    for port in selected {
        let name = show(port.port);
        let item = match (port.port, port.connections) {
            (Some(_), Some(connections)) => {
                let judged = ctx.thresholds.judge(
                    Perfdata::new(format!("port_{name}"), connections as f64, Unit::None)
                        .bounds(Some(0.0), None),
                );
                perfdata.push(judged.perfdata);
                Item {
                    state: judged.state,
                    text: format!("port {name}: {connections} connections"),
                }
            }
            _ => Item {
                state: State::Unknown,
                text: format!("port {name}: connection count not reported"),
            },
        };
        items.push(item);
    }
    let all_ok = match items.len() {
        1 => items[0].first_line_text(),
        n => {
            let total = ports
                .iter()
                .filter_map(|p| p.connections)
                .fold(0u64, u64::saturating_add);
            format!("{n} ports, {total} connections")
        }
    };
    Ok(summarize(&items, all_ok, perfdata))
}

fn show(port: Option<u64>) -> String {
    port.map_or("?".to_string(), |p| p.to_string())
}
