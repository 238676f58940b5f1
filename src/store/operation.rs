//! The queue's rows as the store gives them, and how to pick and take them out.

use serde::{Deserialize, Serialize};

use super::UnixMs;
use crate::domain::{OpId, OpSpec, OperationKind, OperationState, Person};

/// One operation of the queue, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    pub id: OpId,
    /// What it asks of the Graph API.
    pub spec: OpSpec,
    pub state: OperationState,
    /// How many times it was claimed for sending.
    pub attempts: u32,
    /// The engine's id of the latest attempt.
    pub attempt_id: Option<String>,
    pub error_code: Option<i64>,
    pub error_message: Option<String>,
    pub request_id: Option<String>,
    /// A warning stored with it at enqueue (full group, already a member, ambiguous number).
    pub flag: Option<String>,
    pub created_at: UnixMs,
    pub updated_at: UnixMs,
}

impl Operation {
    pub fn kind(&self) -> OperationKind {
        self.spec.kind()
    }

    /// The group it changes (`None` for a change that makes a group).
    pub fn group(&self) -> Option<&str> {
        self.spec.group()
    }

    /// The person it is about, for kinds that are about one.
    pub fn person(&self) -> Option<&Person> {
        self.spec.person()
    }
}

/// Which operations to list; `None` means any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OperationFilter {
    pub group: Option<String>,
    pub state: Option<OperationState>,
    pub ids: Option<Vec<OpId>>,
}

impl OperationFilter {
    /// Every operation in `state`.
    pub fn in_state(state: OperationState) -> Self {
        OperationFilter {
            state: Some(state),
            ..OperationFilter::default()
        }
    }

    /// Whether `op` passes the filter.
    pub fn matches(&self, op: &Operation) -> bool {
        self.group.as_deref().is_none_or(|g| op.group() == Some(g))
            && self.state.is_none_or(|s| op.state == s)
            && self.ids.as_ref().is_none_or(|ids| ids.contains(&op.id))
    }
}

/// Which operations to drop from the queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DropScope {
    Ids(Vec<OpId>),
    Group(String),
    All,
}

/// What a drop did: only pending operations are dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DropReport {
    pub dropped: usize,
    /// Operations that matched and are in flight (`sending`, or `accepted` and awaiting their
    /// confirmation): kept, since whether the server applied them is not settled yet.
    pub kept_in_flight: usize,
    /// Operations that matched and are finished (`confirmed`, `failed`, `skipped`): kept, as
    /// the history the app's per-group changes and undo read.
    pub kept_finished: usize,
}

/// What undoing an operation did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Undone {
    /// A pending operation, taken out of the queue before it was sent.
    Withdrawn,
    /// An operation the server took: the change that reverses it is now pending (this one).
    Reversed(OpId),
    /// An operation the server took whose reversal was already pending (this one): nothing new
    /// was queued.
    ReversalPending(OpId),
    /// A failed or skipped operation changed nothing, so there is nothing to undo.
    NothingToUndo(OperationState),
    /// A later change of the same person or setting of the group, which the server took
    /// (this one): it stands instead, so reversing the earlier one would repeat or undo it.
    /// Nothing was queued.
    FollowedBy(OpId),
}
