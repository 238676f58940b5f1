//! Operation kinds: what the engine does with each kind of change, one module per kind behind
//! one trait. This file is the only place that dispatches on the kind; adding a kind is a spec
//! variant in `domain::operation`, a module here, a [`Call`] in `api` and a sandbox route.

mod participants;

use std::collections::HashMap;

use crate::api::{Answer, ApiError, Call};
use crate::domain::plan::{PendingOp, Plan, PlannedRequest};
use crate::domain::{Members, OpSpec, OperationKind};
use crate::store::{AccountStore, StoreError};

pub use participants::short_message;

/// What one operation's part of an answer means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Acknowledged; a confirmation read will settle it.
    Accepted,
    /// Seen applied.
    Confirmed,
    Failed {
        code: Option<i64>,
        message: String,
    },
    /// Nothing to do (already so).
    Skipped(String),
}

/// How an accepted operation (or one whose answer was lost) is confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Confirmation {
    /// Read the group and look.
    ReadGroup(String),
}

impl Confirmation {
    /// The read that confirms.
    pub fn call(&self) -> Call {
        match self {
            Confirmation::ReadGroup(group) => Call::GroupInfo {
                group: group.clone(),
            },
        }
    }
}

/// What the mirror knows of the groups a plan touches: members by group (groups never read
/// are absent, and planned without checks).
#[derive(Clone, Debug, Default)]
pub struct Mirror {
    pub members: HashMap<String, Members>,
}

impl Mirror {
    /// What the store's mirror knows of the groups `ops` touch, and the groups it does not
    /// know (never read, or gone).
    pub async fn of(
        store: &AccountStore,
        ops: &[PendingOp],
    ) -> Result<(Mirror, Vec<String>), StoreError> {
        let mut groups: Vec<String> = ops
            .iter()
            .filter_map(|op| op.spec.group().map(str::to_owned))
            .collect();
        groups.sort();
        groups.dedup();
        let mut mirror = Mirror::default();
        for group in store.groups_of(groups.clone()).await? {
            if group.gone_at.is_none() {
                mirror
                    .members
                    .insert(group.id.clone(), Members::of(&group.members));
            }
        }
        let unknown = groups
            .into_iter()
            .filter(|g| !mirror.members.contains_key(g))
            .collect();
        Ok((mirror, unknown))
    }
}

/// The behaviour of one kind of operation. Pure: the engine's call policy does the sending.
pub trait Kind {
    /// The most operations one request carries.
    const BATCH: usize;
    /// Plans this kind's pending operations against the mirror: requests in sending order,
    /// with the operations held back or skipped and why.
    fn plan(ops: &[&PendingOp], mirror: &Mirror) -> Plan;
    /// The request that carries a planned batch.
    fn request(request: &PlannedRequest) -> Call;
    /// Each operation's verdict from what the server answered (in the request's order). An
    /// error here is a permanent one (the call policy retried what could be retried).
    fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict>;
    /// How the operation's effect is confirmed.
    fn confirmation(spec: &OpSpec) -> Confirmation;
    /// Whether what the confirmation read shows the operation applied: `None` when the read
    /// cannot tell (the person is named by a key the read does not show).
    fn applied(spec: &OpSpec, read: &Answer) -> Option<bool>;
}

/// Plans every pending operation, kind by kind.
pub fn plan(ops: &[PendingOp], mirror: &Mirror) -> Plan {
    let mut out = Plan::default();
    // By reference: a queue of many thousands is planned without a copy of it.
    let participant_ops: Vec<&PendingOp> = ops
        .iter()
        .filter(|op| op.spec.kind().is_participant_change())
        .collect();
    out.extend(participants::Participants::plan(&participant_ops, mirror));
    out
}

/// The request of a planned batch.
pub fn request(request: &PlannedRequest) -> Call {
    match request.kind {
        OperationKind::Add | OperationKind::Remove => participants::Participants::request(request),
    }
}

/// The verdicts of an answer.
pub fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict> {
    match request.kind {
        OperationKind::Add | OperationKind::Remove => {
            participants::Participants::settle(request, answer)
        }
    }
}

/// How an operation is confirmed.
pub fn confirmation(spec: &OpSpec) -> Confirmation {
    match spec.kind() {
        OperationKind::Add | OperationKind::Remove => {
            participants::Participants::confirmation(spec)
        }
    }
}

/// Whether a confirmation read shows the operation applied (`None`: it cannot tell).
pub fn applied(spec: &OpSpec, read: &Answer) -> Option<bool> {
    match spec.kind() {
        OperationKind::Add | OperationKind::Remove => {
            participants::Participants::applied(spec, read)
        }
    }
}

/// The most operations one request of this kind carries.
pub fn batch_size(kind: OperationKind) -> usize {
    match kind {
        OperationKind::Add | OperationKind::Remove => participants::Participants::BATCH,
    }
}
