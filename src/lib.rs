//! check_hetrix: a Nagios/Icinga/Checkmk plugin for servers monitored by
//! HetrixTools. See README.md. The binary hands the command line and the
//! environment to [`app::run`] and prints its [`app::Answer`].

pub mod app;

mod api;
mod cache;
mod cli;
mod discovery;
mod failure;
mod fetch;
mod help;
mod model;
mod modes;
mod output;
#[cfg(test)]
mod properties;
mod proxy;
mod range;
mod top;

/// Seconds since the epoch at `time`; 0 before it.
fn unix_seconds(time: std::time::SystemTime) -> i64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
