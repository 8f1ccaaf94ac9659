//! The server snapshot every check mode works on.
//!
//! API adapters fill it; modes read it. Nothing here knows an API's field
//! names. A value the agent did not send (missing, null, or of the wrong
//! type) is `None`, and a section it did not send is an empty list: modes
//! decide whether that matters, so a field a mode does not use never fails
//! a check.

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// Unix seconds of the agent's latest post to HetrixTools.
    pub last_data: Option<i64>,
    pub disks: Vec<Disk>,
    pub drives: Vec<Drive>,
    pub services: Vec<Service>,
    /// Per-minute samples, in whatever order the API sent them; empty
    /// unless the mode's call reads them (`api::AGENT_SAMPLES`).
    pub stats: Vec<Sample>,
    /// The agent's platform, lowercase (`linux`, `windows`, ...).
    pub agent_type: Option<String>,
    /// Seconds since the server booted, as of `last_data`.
    pub uptime: Option<u64>,
    /// Whether installed updates wait for a reboot.
    pub reboot_required: Option<bool>,
    pub interfaces: Vec<Interface>,
    pub ports: Vec<Port>,
    /// The account's API call budget, when the call made reports it.
    pub quota: Option<Quota>,

    /// Logical CPUs, for load per CPU.
    pub cpus: Option<CpuCount>,

    // Only API v3 reports these; the v1 adapter leaves them empty.
    /// Pings the agent sends to targets of the user's choice.
    pub pings: Vec<Ping>,
    /// Numbers the user's own scripts hand to the agent.
    pub variables: Vec<Variable>,

    // Filled by other v3 calls than the agent's metrics.
    /// The uptime monitor as HetrixTools' own checks see it.
    pub uptime_monitor: Option<UptimeMonitor>,
    /// A blacklist monitor's report for today.
    pub blacklist: Option<BlacklistReport>,
}

impl Snapshot {
    /// Windows agents send no services, RAID, drives or reboot flag, so
    /// those modes explain that instead of asking to enable a feature.
    pub fn windows_agent(&self) -> bool {
        self.agent_type.as_deref() == Some("windows")
    }

    /// The samples of the newest `minutes` minutes, newest first. "Newest"
    /// is the largest minute: the API promises an order, but we do not rely
    /// on it. Minutes, not samples: after a gap in the agent's posts the
    /// samples before it are older than the window and stay out of it.
    pub fn newest_samples(&self, minutes: usize) -> Vec<&Sample> {
        let mut samples: Vec<&Sample> = self.stats.iter().collect();
        samples.sort_by_key(|s| std::cmp::Reverse(s.minute));
        let newest = samples.first().and_then(|s| s.minute).unwrap_or_default();
        let window = i64::try_from(minutes)
            .unwrap_or(i64::MAX)
            .saturating_mul(60);
        samples.retain(|s| s.minute.is_some_and(|m| newest.saturating_sub(m) < window));
        samples.truncate(minutes);
        samples
    }

    /// Moves every timestamp by `seconds` (the demo shifts its old example
    /// payload so that it looks current).
    pub fn shift_time(&mut self, seconds: i64) {
        if let Some(last) = self.last_data.as_mut() {
            *last += seconds;
        }
        for sample in &mut self.stats {
            if let Some(minute) = sample.minute.as_mut() {
                *minute += seconds;
            }
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Disk {
    pub mount: String,
    /// Bytes.
    pub size: Option<u64>,
    /// Bytes.
    pub used: Option<u64>,
    pub inodes: Option<u64>,
    pub inodes_used: Option<u64>,
    pub raid: Option<Raid>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Raid {
    pub kind: Option<String>,
    pub health: Option<String>,
    pub state: Option<String>,
    pub total_drives: Option<u64>,
    pub active_drives: Option<u64>,
    pub failed_drives: Option<u64>,
}

/// A physical drive and what its SMART self-assessment says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drive {
    pub name: String,
    /// Result of the drive's SMART self-assessment, e.g. `PASSED`.
    pub smart_test: Option<String>,
    pub error_count: Option<u64>,
    /// Percent of the rated write endurance used up (v3 only).
    pub wearout: Option<f64>,
}

/// A service the agent watches, `online` or not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Service {
    pub name: String,
    pub status: Option<String>,
}

/// One minute of usage percentages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sample {
    /// Unix seconds of the minute the sample describes; adapters keep only
    /// samples that have one ([`Sample::is_timed`]).
    pub minute: Option<i64>,
    pub cpu: Option<f64>,
    pub iowait: Option<f64>,
    pub ram: Option<f64>,
    pub swap: Option<f64>,
    // Older v1 agents do not send these.
    pub steal: Option<f64>,
    /// Degrees Celsius.
    pub cpu_temp: Option<f64>,
    pub load_1: Option<f64>,
    pub load_5: Option<f64>,
    pub load_15: Option<f64>,
}

impl Sample {
    /// A sample without its minute cannot be placed in time, so it is none.
    pub fn is_timed(&self) -> bool {
        self.minute.is_some()
    }
}

/// A network interface's latest traffic.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Interface {
    pub name: String,
    /// Bytes per second received.
    pub net_in: Option<f64>,
    /// Bytes per second sent.
    pub net_out: Option<f64>,
}

/// Open connections to one listening port.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Port {
    pub port: Option<u64>,
    pub connections: Option<u64>,
}

/// The v1/v2 API calls the account may still make this month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Quota {
    pub remaining: u64,
    pub max: Option<u64>,
    /// Calls made this month, when the API says (v3 does, v1 does not).
    pub used: Option<u64>,
}

/// The logical CPU count, and how the adapter arrived at it (for `-v`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CpuCount {
    pub logical: u64,
    pub basis: String,
}

/// An outgoing ping the agent measures (v3 only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ping {
    pub name: String,
    pub target: Option<String>,
    /// Percent.
    pub packet_loss: Option<f64>,
    /// Milliseconds.
    pub response_time: Option<f64>,
}

/// A custom variable the agent reports (v3 only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variable {
    pub name: String,
    pub value: Option<f64>,
}

/// One HetrixTools location's latest check of an uptime monitor.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Location {
    /// E.g. `new_york`; only letters, digits, `_`, `-` and `.`.
    pub name: String,
    /// `up` or `down`.
    pub status: Option<String>,
    /// Milliseconds.
    pub response_time: Option<f64>,
}

/// An uptime monitor (website, ping, service, SMTP or heartbeat) as
/// HetrixTools checks it from its locations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UptimeMonitor {
    /// `up` or `down`: HetrixTools' overall verdict.
    pub uptime_status: Option<String>,
    /// `active`, `paused`, `disabled`, `maint` or `maint_dnd`.
    pub monitor_status: Option<String>,
    /// Percent, excluding maintenance.
    pub uptime: Option<f64>,
    /// Sorted by name; empty for monitors checked from no location
    /// (heartbeats).
    pub locations: Vec<Location>,
    /// `YYYY-MM-DD` as sent (unchecked), when HetrixTools tracks it.
    pub ssl_expiration: Option<String>,
    pub domain_expiration: Option<String>,
}

/// Where a blacklist monitor's IP or domain is listed today.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BlacklistReport {
    /// The IP or domain watched.
    pub target: Option<String>,
    /// For the report's web address.
    pub report_id: Option<String>,
    /// `None` when the report did not say (not the same as listed nowhere).
    pub listed: Option<Vec<Listing>>,
}

/// One RBL that lists the target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    pub rbl: String,
    /// Where to ask for removal.
    pub delist: Option<String>,
}

/// One process of the agent's latest process snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Process {
    pub pid: Option<u64>,
    pub user: Option<String>,
    /// Short name, e.g. `nginx`.
    pub name: String,
    /// Command line, e.g. `nginx: worker process`.
    pub command: Option<String>,
    /// Percent of all CPUs.
    pub cpu: Option<f64>,
    /// Percent of RAM.
    pub ram: Option<f64>,
}

/// The name of a mount, drive, service, interface, ping or variable the
/// agent sent without one, so output never shows a blank name or an empty
/// perfdata label; the adapters of both APIs use it.
pub fn unnamed() -> String {
    "(unnamed)".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_samples_sorts_by_minute_not_position() {
        let sample = |minute| Sample {
            minute: Some(minute),
            ..Sample::default()
        };
        let snapshot = Snapshot {
            stats: vec![sample(60), sample(180), sample(120)],
            ..Snapshot::default()
        };
        let minutes: Vec<Option<i64>> = snapshot
            .newest_samples(2)
            .iter()
            .map(|s| s.minute)
            .collect();
        assert_eq!(minutes, vec![Some(180), Some(120)]);
    }

    #[test]
    fn newest_samples_stop_at_a_gap_in_the_agents_posts() {
        let sample = |minute| Sample {
            minute: Some(minute),
            ..Sample::default()
        };
        let snapshot = Snapshot {
            stats: vec![sample(6000), sample(3600), sample(3540), sample(5940)],
            ..Snapshot::default()
        };
        let minutes = |window| -> Vec<Option<i64>> {
            let newest = snapshot.newest_samples(window);
            newest.iter().map(|s| s.minute).collect()
        };
        assert_eq!(minutes(5), vec![Some(6000), Some(5940)]);
        assert_eq!(minutes(1), vec![Some(6000)]);
        assert_eq!(minutes(41), vec![Some(6000), Some(5940), Some(3600)]);
    }
}
