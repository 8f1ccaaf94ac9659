//! A run that cannot give a verdict on the server: it ends UNKNOWN with
//! one sentence saying what went wrong and what to do.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    kind: Kind,
    message: String,
    /// The label of the mode it happened in, when a failure before the
    /// check (an argument error) already knew the mode: `LOAD UNKNOWN`
    /// reads better on a service than the plugin's generic label.
    mode_label: Option<&'static str>,
}

/// What went wrong, as far as it changes what a run does: every kind ends
/// UNKNOWN unless said otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Not an outage, so no option maps it: arguments that cannot run, the
    /// API's own refusals (key, scope, HTTP 429, monitor ID) and answers
    /// that are not what the call returns (an HTML page, truncated JSON).
    General,
    /// The agent did not send what the check needs (a feature it lacks or
    /// that is not enabled). Still UNKNOWN on its own, but mode `all` skips
    /// such checks instead of failing them.
    MissingData,
    /// The API could not be reached or had an outage: network errors,
    /// timeouts, HTTP 5xx. Operators may map these to another state
    /// (`--unreachable-state`).
    Unreachable,
}

impl Failure {
    pub fn of(kind: Kind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
            mode_label: None,
        }
    }

    /// See [`Kind::General`].
    pub fn new(message: impl Into<String>) -> Self {
        Failure::of(Kind::General, message)
    }

    /// The same failure, said of mode `label`.
    pub fn in_mode(self, label: &'static str) -> Self {
        Failure {
            mode_label: Some(label),
            ..self
        }
    }

    /// See [`Kind::MissingData`].
    pub fn missing(message: impl Into<String>) -> Self {
        Failure::of(Kind::MissingData, message)
    }

    /// See [`Kind::Unreachable`].
    pub fn unreachable(message: impl Into<String>) -> Self {
        Failure::of(Kind::Unreachable, message)
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn is_missing_data(&self) -> bool {
        self.kind() == Kind::MissingData
    }

    pub fn is_unreachable(&self) -> bool {
        self.kind() == Kind::Unreachable
    }

    pub fn mode_label(&self) -> Option<&'static str> {
        self.mode_label
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
