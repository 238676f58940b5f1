//! Participant operations: what is asked (add or remove) and where each one stands.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What an operation does to a participant of a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OperationKind {
    Add,
    Remove,
}

impl OperationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::Add => "add",
            OperationKind::Remove => "remove",
        }
    }

    /// The HTTP method of the participants call for this kind.
    pub fn http_method(self) -> &'static str {
        match self {
            OperationKind::Add => "POST",
            OperationKind::Remove => "DELETE",
        }
    }

    pub fn opposite(self) -> Self {
        match self {
            OperationKind::Add => OperationKind::Remove,
            OperationKind::Remove => OperationKind::Add,
        }
    }
}

impl fmt::Display for OperationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OperationKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "add" => Ok(OperationKind::Add),
            "remove" => Ok(OperationKind::Remove),
            other => Err(format!("action `{other}` is neither `add` nor `remove`")),
        }
    }
}

/// Where an operation stands. It moves `pending -> sending -> accepted -> confirmed | failed`,
/// or back to `pending` for a retry; `skipped` when there was nothing to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OperationState {
    Pending,
    Sending,
    Accepted,
    Confirmed,
    Failed,
    Skipped,
}

impl OperationState {
    pub const ALL: [OperationState; 6] = [
        OperationState::Pending,
        OperationState::Sending,
        OperationState::Accepted,
        OperationState::Confirmed,
        OperationState::Failed,
        OperationState::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OperationState::Pending => "pending",
            OperationState::Sending => "sending",
            OperationState::Accepted => "accepted",
            OperationState::Confirmed => "confirmed",
            OperationState::Failed => "failed",
            OperationState::Skipped => "skipped",
        }
    }

    /// A final state: nothing more will be done for this operation.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OperationState::Confirmed | OperationState::Failed | OperationState::Skipped
        )
    }
}

impl fmt::Display for OperationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OperationState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        OperationState::ALL
            .into_iter()
            .find(|state| state.as_str() == wanted)
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a state (pending, sending, accepted, confirmed, failed, skipped)"
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_text() {
        for state in OperationState::ALL {
            assert_eq!(state.as_str().parse::<OperationState>(), Ok(state));
        }
        assert!("done".parse::<OperationState>().is_err());
    }

    #[test]
    fn kinds_parse_leniently() {
        assert_eq!(" ADD ".parse::<OperationKind>(), Ok(OperationKind::Add));
        assert_eq!("remove".parse::<OperationKind>(), Ok(OperationKind::Remove));
        assert!("delete".parse::<OperationKind>().is_err());
    }
}
