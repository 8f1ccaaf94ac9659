//! A run that cannot give a verdict on the server: it ends UNKNOWN with
//! one sentence saying what went wrong and what to do.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    message: String,
    missing_data: bool,
    /// The API could not be reached or had an outage: network errors,
    /// timeouts, HTTP 5xx. Operators may map these to another state
    /// (`--unreachable-state`).
    unreachable: bool,
    /// The label of the mode it happened in, when a failure before the
    /// check (an argument error) already knew the mode: `LOAD UNKNOWN`
    /// reads better on a service than the plugin's generic label.
    mode_label: Option<&'static str>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            missing_data: false,
            unreachable: false,
            mode_label: None,
        }
    }

    /// The same failure, said of mode `label`.
    pub fn in_mode(self, label: &'static str) -> Self {
        Failure {
            mode_label: Some(label),
            ..self
        }
    }

    /// The agent did not send what the check needs (a feature it lacks or
    /// that is not enabled). Still UNKNOWN on its own, but mode `all` skips
    /// such checks instead of failing them.
    pub fn missing(message: impl Into<String>) -> Self {
        Failure {
            missing_data: true,
            ..Failure::new(message)
        }
    }

    /// A failure to reach the API (see [`Failure::is_unreachable`]).
    pub fn unreachable(message: impl Into<String>) -> Self {
        Failure {
            unreachable: true,
            ..Failure::new(message)
        }
    }

    pub fn is_missing_data(&self) -> bool {
        self.missing_data
    }

    pub fn is_unreachable(&self) -> bool {
        self.unreachable
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
