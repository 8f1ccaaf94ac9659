//! Variants of the v1 example payload that several test files check
//! (tests/it/v3.rs turns each into its v3 twin).

use serde_json::{Value, json};

use super::now;

pub fn healthy(_: &mut Value) {}

pub fn degraded_raid(p: &mut Value) {
    let raid = &mut p["Disks"][0]["RAID"];
    raid["Health"] = json!("Degraded");
    raid["ActiveDrives"] = json!(1);
    raid["FailedDrives"] = json!(1);
}

pub fn resyncing_raid(p: &mut Value) {
    p["Disks"][2]["RAID"]["State"] = json!("Active, resyncing (42%)");
}

pub fn failed_drive(p: &mut Value) {
    p["Drives"][1]["SMARTTest"] = json!("FAILED");
}

pub fn offline_service(p: &mut Value) {
    p["Services"][1]["Status"] = json!("offline");
}

pub fn old_data(p: &mut Value) {
    p["AgentLastData"] = json!(now() - 3600);
}

/// /bak at 96.7 %.
pub fn full_bak(p: &mut Value) {
    p["Disks"][1]["Used"] = json!(5_799_038_128_128u64);
}

/// An agent older than the current Server Stats page: its Stats minutes
/// have no Steal, User, System, Temp, Load1/5/15, Buffered or Cached.
pub fn older_agent(p: &mut Value) {
    for sample in p["Stats"].as_array_mut().unwrap() {
        let sample = sample.as_object_mut().unwrap();
        for field in NEWER_STATS_FIELDS {
            sample.remove(field);
        }
    }
}

/// The `Stats` fields the current v1 Server Stats page added.
pub const NEWER_STATS_FIELDS: [&str; 9] = [
    "Steal", "User", "System", "Temp", "Load1", "Load5", "Load15", "Buffered", "Cached",
];

/// Every minute of `samples` (v1 `Stats`, v3 `stats`) without `field`, as
/// from an agent that stopped sending it.
pub fn without(samples: &mut Value, field: &str) {
    for sample in samples.as_array_mut().unwrap() {
        sample[field] = Value::Null;
    }
}
