//! API adapters: each turns one HetrixTools API's responses into the
//! shared [`Snapshot`](crate::model::Snapshot). They are the only code that
//! knows field names.

pub mod rate_limit;
pub mod v1;

mod lenient;
