//! Black-box tests of the binary, one module per subject, all in one test
//! crate: one link instead of one per file, and `common` compiled once.
//! The binary runs against the mock HetrixTools API in `common`. The
//! end-to-end modules `icinga2` and `nagios4` skip (and say so) where the
//! daemon is not installed; `cargo test --test it icinga2::` runs one alone.

mod common;

mod cache;
mod discovery;
mod failures;
mod first_line;
mod golden;
mod hardening;
mod hostile;
mod icinga2;
mod manpage;
mod modes;
mod modes_more;
mod nagios4;
mod nagios_commands;
mod precision;
mod process;
mod quota;
mod uptime_monitors;
mod v3;
