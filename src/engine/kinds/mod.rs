//! Operation kinds: what the engine does with each kind of change, one module per kind behind
//! one trait. This file is the only place that dispatches on the kind; adding a kind is a spec
//! variant in `domain::operation`, a module here, a [`Call`] in `api` and a sandbox route.

mod participants;

use std::collections::HashMap;

use crate::api::{Answer, ApiError, Call};
use crate::domain::plan::{PendingOp, Plan, PlannedRequest};
use crate::domain::{GroupEvent, Members, OpId, OpSpec, OperationKind, OperationState};
use crate::store::{AccountStore, Outcome, StateChange, StoreError, UnixMs};

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

impl Verdict {
    /// The state it moves an operation to, with the server's code and message.
    pub fn parts(&self) -> (OperationState, Option<i64>, Option<String>) {
        match self {
            Verdict::Accepted => (OperationState::Accepted, None, None),
            Verdict::Confirmed => (OperationState::Confirmed, None, None),
            Verdict::Skipped(m) => (OperationState::Skipped, None, Some(m.clone())),
            Verdict::Failed { code, message } => {
                (OperationState::Failed, *code, Some(message.clone()))
            }
        }
    }

    /// The operation's move, and the audit trail's outcome row for it (`None` for an
    /// acceptance, which is no outcome yet).
    pub fn record(
        &self,
        id: OpId,
        spec: &OpSpec,
        request_id: Option<String>,
        at: UnixMs,
    ) -> (StateChange, Option<Outcome>) {
        let (state, code, message) = self.parts();
        let outcome = (state != OperationState::Accepted).then(|| Outcome {
            at,
            group_id: spec.group_text().to_owned(),
            participant: spec.person_text().to_owned(),
            action: spec.kind(),
            result: state,
            code,
            message: message.clone(),
            request_id,
            operation_id: Some(id),
        });
        let change = StateChange {
            id,
            state,
            code,
            message,
        };
        (change, outcome)
    }
}

/// Why a webhook event was put to an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventMatch {
    /// The event names the `request_id` the server gave the request that carried the
    /// operation: it is that request's outcome (business-initiated events, §2.3).
    Request,
    /// The event has no `request_id` (a user joined, left, asked to join; an approval) and
    /// names the operation's group and person: it shows where that person now stands.
    Member,
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
    fn plan(ops: &[PendingOp], mirror: &Mirror) -> Plan;
    /// The request that carries a planned batch.
    fn request(request: &PlannedRequest) -> Call;
    /// Each operation's verdict from what the server answered (in the request's order). An
    /// error here is a permanent one (the call policy retried what could be retried).
    fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict>;
    /// How the operation's effect is confirmed.
    fn confirmation(spec: &OpSpec) -> Confirmation;
    /// Whether what the confirmation read shows the operation applied.
    fn applied(spec: &OpSpec, read: &Answer) -> bool;
    /// How a webhook event settles an `accepted` operation of this kind, or `None` when the
    /// event says nothing of it (then a read settles it, once the configured wait for
    /// webhooks is over). `how` says why the event was put to it: by the request's
    /// `request_id` (the request's outcome: each of its operations finds itself among the
    /// event's done or failed participants, or is not named), or by group and person for
    /// events of users (a join, a leave, an approval). The engine applies a verdict only to
    /// an operation still `accepted` when the verdict is committed, so each operation is
    /// settled once, by an event or by a read, whichever comes first.
    fn settle_by_event(spec: &OpSpec, event: &GroupEvent, how: EventMatch) -> Option<Verdict>;
}

/// Plans every pending operation, kind by kind.
pub fn plan(ops: &[PendingOp], mirror: &Mirror) -> Plan {
    let mut out = Plan::default();
    let participant_ops: Vec<PendingOp> = ops
        .iter()
        .filter(|op| op.spec.kind().is_participant_change())
        .cloned()
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

/// Whether a confirmation read shows the operation applied.
pub fn applied(spec: &OpSpec, read: &Answer) -> bool {
    match spec.kind() {
        OperationKind::Add | OperationKind::Remove => {
            participants::Participants::applied(spec, read)
        }
    }
}

/// How a webhook event settles an accepted operation (see [`Kind::settle_by_event`]).
///
/// The lifecycle kinds (create, delete, settings, invite links, join requests) get their arms
/// here with their modules. `engine::inbox` already finds their operations by the `request_id`
/// an event names (a create has no group: it is found by that id alone) and already moves the
/// mirror for `group_create` (the new group), `group_delete` (marked gone) and a settings
/// change's subject; what their `settle_by_event` adds is the verdict: a `group_create` without
/// `errors` confirms the create (the event's `group_id` and `invite_link` are its result), one
/// with `errors` fails it with the code; `group_delete` likewise; `group_settings_update` per
/// part (`SettingOutcome`: each with `ok` and its error). Approvals and rejections of join
/// requests carry no `request_id` (§2.3): they come as `EventMatch::Member`, and `inbox`'s
/// `candidates` then has to pick those operations by the requester too (today it picks by the
/// operation's participant).
pub fn settle_by_event(spec: &OpSpec, event: &GroupEvent, how: EventMatch) -> Option<Verdict> {
    match spec.kind() {
        OperationKind::Add | OperationKind::Remove => {
            participants::Participants::settle_by_event(spec, event, how)
        }
    }
}

/// The most operations one request of this kind carries.
pub fn batch_size(kind: OperationKind) -> usize {
    match kind {
        OperationKind::Add | OperationKind::Remove => participants::Participants::BATCH,
    }
}
