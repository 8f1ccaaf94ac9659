//! A run that cannot give a verdict on the server: it ends UNKNOWN with
//! one sentence saying what went wrong and what to do.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Failure(String);

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure(message.into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
