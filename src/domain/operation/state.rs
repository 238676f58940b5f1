//! Where an operation stands, and the one table of moves allowed between states.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where an operation stands. It moves `pending -> sending -> accepted -> confirmed | failed`,
/// or back to `pending` for a retry; `skipped` when there was nothing to do. The moves allowed
/// are those of [`OperationState::can_move_to`], for every kind of operation and every store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OperationState {
    /// Queued; nothing sent (or what was sent is known not to have been applied).
    Pending,
    /// Claimed by a sender: a request carrying it may be on the wire, its outcome unknown.
    Sending,
    /// The server acknowledged it; a read (or a webhook) confirms it.
    Accepted,
    /// Seen applied.
    Confirmed,
    /// Known not applied, with the reason.
    Failed,
    /// Nothing to do (already so), or superseded by a later change.
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

    /// A final state: nothing more will be done for this operation unless the operator asks
    /// for a retry (failed, skipped).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OperationState::Confirmed | OperationState::Failed | OperationState::Skipped
        )
    }

    /// Whether an operation may move from this state to `next`:
    ///
    /// | from      | to                                                  |
    /// |-----------|-----------------------------------------------------|
    /// | pending   | sending (claimed), skipped, failed (gave up)        |
    /// | sending   | pending (not applied), accepted, confirmed, failed, skipped |
    /// | accepted  | confirmed, failed, skipped (a webhook says there was nothing to do) |
    /// | failed    | pending (retried by the operator)                   |
    /// | skipped   | pending (retried by the operator)                   |
    /// | confirmed | nothing: it is done; undo queues a new change       |
    ///
    /// An accepted operation never goes back to pending: the server took it, and sending it
    /// again could apply it twice.
    pub fn can_move_to(self, next: OperationState) -> bool {
        use OperationState::*;
        matches!(
            (self, next),
            (Pending, Sending | Skipped | Failed)
                | (Sending, Pending | Accepted | Confirmed | Failed | Skipped)
                | (Accepted, Confirmed | Failed | Skipped)
                | (Failed | Skipped, Pending)
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
    fn the_moves_table() {
        use OperationState::*;
        assert!(Pending.can_move_to(Sending));
        assert!(Sending.can_move_to(Pending));
        assert!(Accepted.can_move_to(Confirmed));
        assert!(
            Accepted.can_move_to(Skipped),
            "a webhook may say a removal found no member"
        );
        assert!(Failed.can_move_to(Pending));
        assert!(
            !Accepted.can_move_to(Pending),
            "never resend what the server took"
        );
        assert!(
            !Pending.can_move_to(Confirmed),
            "nothing is confirmed unsent"
        );
        for next in OperationState::ALL {
            assert!(!Confirmed.can_move_to(next), "confirmed is done");
            assert!(!next.can_move_to(next), "a move changes the state");
        }
    }
}
