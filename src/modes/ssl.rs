//! `ssl`: days until the SSL certificate of an uptime monitor's target
//! expires, as HetrixTools tracks it. API v3 only.

use super::Mode;
use super::expiry::{self, Expiry, check};

pub const MODE: Mode = Mode {
    name: "ssl",
    label: "SSL",
    default_warning: Some("14:"),
    default_critical: Some("7:"),
    check: |ctx| {
        let ssl = Expiry {
            name: "ssl",
            what: "certificate",
            date: |m| m.ssl_expiration.as_deref(),
        };
        check(ctx, ssl)
    },
    ..expiry::MODE
};
