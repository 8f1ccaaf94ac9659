//! `status`: an uptime monitor (website, ping, service, SMTP, heartbeat) as
//! HetrixTools sees it. Down is CRITICAL; up but down at some locations is
//! WARNING naming them; `-w`/`-c` are response-time ranges in milliseconds
//! for each location (worst wins, no default). Maintenance at HetrixTools
//! is OK unless `--maintenance-state` says otherwise; a paused or disabled
//! monitor is UNKNOWN. API v3 only.

use super::{Apis, Context, Item, Judged, Mode, OptionGroup, Outcome, Thresholds, summarize};
use crate::api;
use crate::failure::Failure;
use crate::model::{Location, UptimeMonitor};
use crate::output::{Perfdata, State, Unit};
use crate::range::format_number;

pub const MODE: Mode = Mode {
    name: "status",
    label: "STATUS",
    needs_fresh_data: false,
    api: Apis::V3Only,
    source: api::uptime_monitors::CALL,
    accepts: &[OptionGroup::MaintenanceState],
    check,
    ..Mode::DEFAULT
};

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let monitor = uptime_monitor(ctx)?;
    let maintenance = match monitor.monitor_status.as_deref() {
        Some("maint") => Some("in maintenance at HetrixTools"),
        Some("maint_dnd") => Some("in maintenance at HetrixTools (notifications off)"),
        Some(status @ ("paused" | "disabled")) => {
            return Err(Failure::new(format!(
                "the monitor is {status}: not being checked by HetrixTools"
            )));
        }
        _ => None,
    };
    // In maintenance the numbers are still graphed, but judged by nothing.
    let thresholds = match maintenance {
        Some(_) => Thresholds::default(),
        None => ctx.thresholds,
    };
    let down: Vec<&Location> = monitor
        .locations
        .iter()
        .filter(|l| l.status.as_deref() == Some("down"))
        .collect();
    let response_times: Vec<Option<Judged>> = monitor
        .locations
        .iter()
        .map(|l| response_time(l, thresholds))
        .collect();
    let perfdata = perfdata(monitor, &response_times, &down);
    if let Some(note) = maintenance {
        return Ok(Outcome {
            state: ctx.options.maintenance_state,
            summary: note.to_string(),
            details: monitor.locations.iter().map(location_text).collect(),
            perfdata,
            subchecks: Vec::new(),
        });
    }
    let overall = match monitor.uptime_status.as_deref().map(str::trim) {
        Some(s) if s.eq_ignore_ascii_case("up") => State::Ok,
        Some(s) if s.eq_ignore_ascii_case("down") => State::Critical,
        _ => {
            return Err(Failure::new(
                "HetrixTools did not say whether the monitor is up or down (uptime_status)",
            ));
        }
    };
    let items: Vec<Item> = monitor
        .locations
        .iter()
        .zip(&response_times)
        .map(|(l, time)| item(l, time.as_ref(), overall))
        .collect();
    let total = monitor.locations.len();
    let up = monitor
        .locations
        .iter()
        .filter(|l| l.status.as_deref() == Some("up"))
        .count();
    let verdict = match (overall, down.len(), total) {
        (State::Critical, 0, _) => "down".to_string(),
        (State::Critical, n, _) => format!("down at {n} of {total} locations"),
        (_, 0, 0) => "up".to_string(),
        (_, 0, 1) if up == 1 => "up at its one location".to_string(),
        (_, 0, _) if up == total => format!("up at all {total} locations"),
        // Never "all" for locations whose status HetrixTools did not send.
        (_, 0, _) => format!(
            "up at {up} of {total} locations ({} unreported)",
            total - up
        ),
        (_, n, _) => format!("up but down at {n} of {total} locations"),
    };
    let all_ok = match slowest(&monitor.locations) {
        Some(l) if overall == State::Ok && total == 1 => format!("{verdict}, {}", location_text(l)),
        Some(l) if overall == State::Ok => format!("{verdict}, slowest {}", location_text(l)),
        _ => verdict.clone(),
    };
    let mut outcome = summarize(&items, all_ok, perfdata);
    if items.iter().any(|i| i.state != State::Ok) {
        outcome.summary = format!("{verdict}: {}", outcome.summary);
    }
    outcome.state = outcome.state.worst(overall);
    Ok(outcome)
}

/// The monitor from the uptime monitor call (`--demo` bundles none).
pub fn uptime_monitor<'a>(ctx: &Context<'a>) -> Result<&'a UptimeMonitor, Failure> {
    ctx.snapshot.uptime_monitor.as_ref().ok_or_else(|| {
        Failure::new("no uptime monitor data to check (--demo bundles agent data only)")
    })
}

/// The response time of a location that answered, judged; none for a
/// location that is down or sent no time.
fn response_time(location: &Location, thresholds: Thresholds) -> Option<Judged> {
    let answered = location.status.as_deref() != Some("down");
    let ms = location.response_time.filter(|_| answered)?;
    // Milliseconds without a unit, as `ping` does: seconds would round fast
    // answers to nothing.
    let metric = Perfdata::new(format!("{}_ms", location.name), ms, Unit::None);
    Some(thresholds.judge(metric.bounds(Some(0.0), None)))
}

/// A down location is a WARNING while the monitor as a whole is up (when
/// it is down, that is CRITICAL already); an up one is judged by its
/// response time.
fn item(location: &Location, response_time: Option<&Judged>, overall: State) -> Item {
    let state = match (location.status.as_deref(), response_time) {
        (Some("down"), _) => overall.worst(State::Warning),
        (_, Some(judged)) => judged.state,
        (_, None) => State::Ok,
    };
    Item {
        state,
        text: location_text(location),
    }
}

fn location_text(location: &Location) -> String {
    match (location.status.as_deref(), location.response_time) {
        (Some("down"), _) => format!("{} down", location.name),
        (_, Some(ms)) => format!("{} {} ms", location.name, format_number(ms)),
        (_, None) => format!("{} no response time", location.name),
    }
}

fn slowest(locations: &[Location]) -> Option<&Location> {
    locations
        .iter()
        .filter(|l| l.status.as_deref() != Some("down"))
        .filter(|l| l.response_time.is_some())
        .max_by(|a, b| {
            let ms = |l: &Location| l.response_time.unwrap_or(0.0);
            ms(a).total_cmp(&ms(b))
        })
}

/// Response time per location that answered, overall uptime, and how many
/// locations see the monitor down.
fn perfdata(
    monitor: &UptimeMonitor,
    response_times: &[Option<Judged>],
    down: &[&Location],
) -> Vec<Perfdata> {
    let mut perfdata: Vec<Perfdata> = response_times
        .iter()
        .flatten()
        .map(|judged| judged.perfdata.clone())
        .collect();
    if let Some(uptime) = monitor.uptime {
        perfdata
            .push(Perfdata::new("uptime", uptime, Unit::Percent).bounds(Some(0.0), Some(100.0)));
    }
    perfdata.push(
        Perfdata::new("locations_down", down.len() as f64, Unit::None)
            .bounds(Some(0.0), Some(monitor.locations.len() as f64)),
    );
    perfdata
}
