//! API adapters: each turns one HetrixTools API's responses into the
//! shared [`Snapshot`](crate::model::Snapshot). They are the only code that
//! knows field names.

pub mod rate_limit;
pub mod v1;
pub mod v3;

mod lenient;
mod typed;

/// Which HetrixTools API a run talks to (`--api`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Version {
    #[default]
    V1,
    V3,
}
