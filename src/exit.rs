//! Exit codes and the one-line errors the commands end with.

use std::process::ExitCode;

/// 0: everything done. 1: some participant or request failed. 2: usage, configuration or
/// input error (nothing was sent). 3: another process is sending for this account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done = 0,
    SomeFailed = 1,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        ExitCode::from(o as u8)
    }
}

/// An error that ends a command: one line for the operator, and its exit code.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    /// Usage, configuration or input error: exit 2.
    pub fn input(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    /// A request failed as a whole: exit 1.
    pub fn request(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }

    /// Another process holds the account: exit 3.
    pub fn busy(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 3,
        }
    }
}

impl From<crate::api::ApiError> for Failure {
    fn from(e: crate::api::ApiError) -> Self {
        use crate::api::ApiError;
        match e {
            ApiError::Config(_) | ApiError::Invalid(_) => Failure::input(e.to_string()),
            other => Failure::request(other.to_string()),
        }
    }
}

impl From<crate::config::ConfigError> for Failure {
    fn from(e: crate::config::ConfigError) -> Self {
        Failure::input(e.to_string())
    }
}

impl From<crate::session::SessionError> for Failure {
    fn from(e: crate::session::SessionError) -> Self {
        Failure::input(e.to_string())
    }
}
