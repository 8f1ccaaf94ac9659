//! `GET <base>/v3/uptime-monitors/<id>/server-agent/processes`: the
//! agent's latest process snapshot, the heaviest first. Not cached: it is
//! asked for only when a check alerts, and then the newest view counts.

use super::request::Access;
use super::typed::{Count, Number, Section, Text};
use super::{Get, Verbose, Version, send, v3};
use crate::failure::Failure;
use crate::fetch::Client;
use crate::model::{Process, unnamed};

/// What "heaviest" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Cpu,
    Ram,
}

impl Order {
    pub fn name(self) -> &'static str {
        match self {
            Order::Cpu => "cpu",
            Order::Ram => "ram",
        }
    }

    /// The process's share by this order, in percent.
    pub fn share(self, process: &Process) -> Option<f64> {
        match self {
            Order::Cpu => process.cpu,
            Order::Ram => process.ram,
        }
    }
}

pub fn url(base: &str, monitor: &str, order: Order, count: usize) -> String {
    format!(
        "{}/v3/uptime-monitors/{monitor}/server-agent/processes?order_by={}&per_page={count}",
        base.trim_end_matches('/'),
        order.name()
    )
}

const ENDPOINT: v3::Endpoint<'static> = v3::Endpoint {
    scope: "v3 server agent processes",
    not_found: "no recent process snapshot: enable \"View Running Processes\" in the agent's settings",
    v1_instead: false,
    takes_monitor: true,
};

/// The `count` heaviest processes by `order`, fetched by `client`; the
/// call's `-v` lines go to `log`.
pub fn fetch(
    client: &Client,
    access: &Access,
    order: Order,
    count: usize,
    verbose: Verbose,
    log: &mut Vec<String>,
) -> Result<Vec<Process>, Failure> {
    let (name, value) = v3::authorization(access.token);
    let get = Get {
        api: Version::V3,
        url: &url(access.base_url, access.monitor, order, count),
        base_url: access.base_url,
        headers: &[(name, &value)],
    };
    let response = send(client, &get, verbose, log)?;
    if let Some(failure) = v3::refused(&response, verbose.now, &ENDPOINT) {
        return Err(failure);
    }
    judge(&response.body)
}

pub fn judge(body: &[u8]) -> Result<Vec<Process>, Failure> {
    let list = v3::object::<ProcessList>(body, &ENDPOINT)?;
    Ok(list
        .processes
        .0
        .into_iter()
        .map(|p| Process {
            pid: p.pid.0,
            user: p.user.0,
            name: p
                .process
                .0
                .or_else(|| p.command.0.clone())
                .unwrap_or_else(unnamed),
            command: p.command.0,
            cpu: p.cpu.0,
            ram: p.ram.0,
        })
        .collect())
}

super::typed::fields! {
    ProcessList {
        "processes" => processes: Section<RawProcess>,
    }

    RawProcess {
        "pid" => pid: Count,
        "user" => user: Text,
        "process" => process: Text,
        "command" => command: Text,
        "cpu" => cpu: Number,
        "ram" => ram: Number,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_processes_with_odd_types_tolerantly() {
        let body = json!({"processes": [
            {"pid": 812, "user": "www-data", "process": "nginx", "command": "nginx: worker process",
             "cpu": 41.2, "ram": "3.5"},
            {"pid": "x", "user": 33, "process": null, "command": "kworker/0:1", "cpu": "n/a"},
            {"cpu": true},
            7
        ], "meta": {"total": 3}});
        let read = judge(body.to_string().as_bytes()).unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(read[0].ram, Some(3.5));
        assert_eq!(read[1].name, "kworker/0:1");
        assert_eq!(read[1].user.as_deref(), Some("33"));
        assert_eq!((read[1].pid, read[1].cpu), (None, None));
        assert_eq!(read[2].name, "(unnamed)");
    }

    #[test]
    fn asks_for_the_heaviest_few() {
        assert_eq!(
            url("http://h/", "m1", Order::Ram, 5),
            "http://h/v3/uptime-monitors/m1/server-agent/processes?order_by=ram&per_page=5"
        );
    }
}
