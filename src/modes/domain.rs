//! `domain`: days until the registration of an uptime monitor's domain
//! expires, as HetrixTools tracks it. API v3 only.

use super::Mode;
use super::expiry::{self, Expiry, check};

pub const MODE: Mode = Mode {
    name: "domain",
    label: "DOMAIN",
    default_warning: Some("30:"),
    default_critical: Some("14:"),
    check: |ctx| {
        let domain = Expiry {
            name: "domain",
            what: "domain",
            date: |m| m.domain_expiration.as_deref(),
        };
        check(ctx, domain)
    },
    ..expiry::MODE
};
