//! What the engine asks the store to record when an answer settles operations.

use serde::{Deserialize, Serialize};

use super::{Exchange, MirrorChange, Outcome};
use crate::domain::{OpId, OperationState};

/// A new state for one operation, with the server's error when there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    pub id: OpId,
    pub state: OperationState,
    pub code: Option<i64>,
    pub message: Option<String>,
    /// The group a create made, once found: the operation names it from then on.
    pub group: Option<String>,
}

/// What recording an answer did: the operations that moved (those settled elsewhere
/// meanwhile are left as they were), and whether webhook events the answer's probe names are
/// stored (then they may settle what the answer left `accepted`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SettledAnswer {
    pub moved: Vec<OpId>,
    pub events_waiting: bool,
}

/// Everything one answer settles, committed together (all or nothing): the operations' new
/// states (with the request id when the server gave one; an earlier one is kept otherwise),
/// the participant outcomes for the audit trail, and the exchange that led to them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settlement {
    pub changes: Vec<StateChange>,
    pub request_id: Option<String>,
    pub outcomes: Vec<Outcome>,
    pub exchange: Option<Exchange>,
    /// What the answer changes in the mirror.
    pub mirror: Vec<MirrorChange>,
}
