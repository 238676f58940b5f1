//! Operation kinds: what the engine does with each kind of change, one module per family of
//! kinds behind one trait. This file is the only place that dispatches on the kind; adding a
//! kind is a spec variant in `domain::operation`, a module here (and its arm in [`family`]), a
//! [`Call`] in `api` and a sandbox route.
//!
//! An operation's life, for every kind: planned into a request ([`Kind::plan`],
//! [`Kind::request`]); the answer gives each operation a [`Verdict`] ([`Kind::settle`]) and may
//! change the mirror ([`Kind::mirror`]); an accepted operation, or one whose answer was lost, is
//! confirmed by what a read shows ([`Kind::confirmation`], [`Kind::applied`]); and an event
//! from outside the exchange (a webhook, matched by the `request_id` the answer carried and the
//! store keeps with the operation, or by group and person) may settle it first
//! ([`Kind::settle_by_event`], reached only through `engine::inbox`).

mod create;
mod delete;
mod join_requests;
mod links;
mod participants;
mod photo;
mod settings;

use std::collections::{HashMap, HashSet};

use crate::api::{Answer, ApiError, Call, GroupInfo, GroupSummary, JoinRequest};
use crate::domain::event::EventError;
use crate::domain::plan::{PendingOp, Plan, PlannedRequest};
use crate::domain::{GroupEvent, Members, OpId, OpSpec, OperationKind, OperationState};
use crate::store::{AccountStore, MirrorChange, Outcome, StateChange, StoreError, UnixMs};

pub use participants::short_message;

/// What one operation's part of an answer means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Acknowledged; a confirmation read will settle it.
    Accepted,
    /// Seen applied.
    Confirmed,
    /// A create, found: the group it made (the operation is confirmed, and now names it).
    Created(String),
    Failed {
        code: Option<i64>,
        message: String,
    },
    /// Nothing to do (already so).
    Skipped(String),
}

impl Verdict {
    /// What recording this verdict of operation `id` (the change `spec`) writes at `at`: its
    /// state change, and its audit row (none while it is only accepted), naming the
    /// `request_id` that settled it. A create found names its group in both.
    pub fn recorded(
        &self,
        id: OpId,
        spec: &OpSpec,
        at: UnixMs,
        request_id: Option<String>,
    ) -> (StateChange, Option<Outcome>) {
        let (state, code, message) = match self {
            Verdict::Accepted => (OperationState::Accepted, None, None),
            Verdict::Confirmed | Verdict::Created(_) => (OperationState::Confirmed, None, None),
            Verdict::Skipped(m) => (OperationState::Skipped, None, Some(m.clone())),
            Verdict::Failed { code, message } => {
                (OperationState::Failed, *code, Some(message.clone()))
            }
        };
        let made = match self {
            Verdict::Created(group) => Some(group.clone()),
            _ => None,
        };
        let outcome = (state != OperationState::Accepted).then(|| Outcome {
            at,
            group_id: made.clone().unwrap_or_else(|| spec.group_text().to_owned()),
            participant: spec.person_ref().to_owned(),
            username: spec.who().and_then(|p| p.username()).map(str::to_owned),
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
            group: made,
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
    /// The event has no `request_id` (a user joined, left, asked to join; an approval), or one
    /// no operation carried, and names the operation's group and person (for a join decision,
    /// the person who asked): it shows where that person now stands.
    Member,
    /// The event is about a whole group (a deletion, a settings change) and names a
    /// `request_id` no operation carried: the answer gave none (C answers a delete
    /// `{"success":true}` and a settings change a bare 200, §1.4, §1.5, §1.12.3), so it is put
    /// to the group's open operations whose answer carried no `request_id` either.
    Group,
}

/// The verdict of an event's `errors[]` (a failed create, delete or settings change, §2.2,
/// §2.4): failed with the first error's code and message; `None` when there are none.
fn event_failure(errors: &[EventError]) -> Option<Verdict> {
    errors.first().map(|e| Verdict::Failed {
        code: e.code,
        message: e.message.clone(),
    })
}

/// How an accepted operation (or one whose answer was lost) is confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Confirmation {
    /// Read the group and look (131041 means it is gone).
    ReadGroup(String),
    /// Read the whole group list and find the group a create made.
    ListGroups,
    /// Read a group's pending join requests (every page).
    ReadJoinRequests(String),
    /// Nothing to read: the answer was the proof, and a lost answer is sent again (sending
    /// these twice does no harm: a photo, a link reset or revoke).
    SendAgain,
}

/// What a confirmation read saw.
#[derive(Clone, Debug, PartialEq)]
pub enum Seen {
    Group(GroupInfo),
    /// The group does not exist (any more): the server's code and message.
    Gone {
        code: Option<i64>,
        message: String,
    },
    /// The whole group list, and the groups other creates already made (nobody else's to
    /// claim).
    Groups {
        listed: Vec<GroupSummary>,
        claimed: HashSet<String>,
    },
    JoinRequests(Vec<JoinRequest>),
    Nothing,
}

/// An operation sent, as its confirmation sees it.
#[derive(Clone, Copy, Debug)]
pub struct Sent<'a> {
    pub spec: &'a OpSpec,
    /// When it was (last) claimed for sending, or queued: a create's group is not older than
    /// this, less the clocks' skew.
    pub since: UnixMs,
    /// No answer came: it may or may not have been applied.
    pub unknown: bool,
}

/// What a confirmation read says of one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// Applied.
    Yes,
    /// A create's group.
    Made(String),
    /// Not applied.
    No,
    /// The read cannot tell: the person is named by a key the read does not show (a member
    /// known only by BSUID against a read of phone numbers, or the other way round).
    Unknown,
    /// Not visible yet; a later look may show it (a create's group appears a while after).
    NotYet,
    /// Can never apply (the group is gone), with the reason.
    Failed { code: Option<i64>, message: String },
}

/// What the mirror knows of the groups a plan touches: members by group (groups never read
/// are absent, and planned without checks), and the groups it shows gone (their changes fail
/// unsent: [`crate::domain::plan::fail_in_gone_groups`]).
#[derive(Clone, Debug, Default)]
pub struct Mirror {
    pub members: HashMap<String, Members>,
    pub gone: HashSet<String>,
    /// Members each group gains (adds) or loses (removals) by the participant requests
    /// planned for it, which are sent before its other kinds: approvals of join requests
    /// count their room after them. Filled by [`plan`].
    pub planned: HashMap<String, isize>,
}

impl Mirror {
    /// What the store's mirror knows of the groups `ops` change: the members of those whose
    /// members they change (adds, removals and approvals of join requests), and which are
    /// gone; then the groups a submit reads before planning: those of the first kind it does
    /// not know (never read), and every group it shows gone (the read says whether it still
    /// is).
    pub async fn of(
        store: &AccountStore,
        ops: &[PendingOp],
    ) -> Result<(Mirror, Vec<String>), StoreError> {
        let mut by_members: Vec<&str> = ops
            .iter()
            .filter(|op| changes_members(&op.spec))
            .filter_map(|op| op.spec.group())
            .collect();
        by_members.sort_unstable();
        by_members.dedup();
        let mut groups: Vec<String> = ops
            .iter()
            .filter_map(|op| op.spec.group().map(str::to_owned))
            .collect();
        groups.sort();
        groups.dedup();
        let mut mirror = Mirror::default();
        for group in store.groups_of(groups.clone()).await? {
            if group.gone_at.is_some() {
                mirror.gone.insert(group.id);
            } else if by_members.binary_search(&group.id.as_str()).is_ok() {
                mirror
                    .members
                    .insert(group.id.clone(), Members::of(&group.members));
            }
        }
        let unknown = groups
            .into_iter()
            .filter(|g| {
                mirror.gone.contains(g)
                    || (by_members.binary_search(&g.as_str()).is_ok()
                        && !mirror.members.contains_key(g))
            })
            .collect();
        Ok((mirror, unknown))
    }
}

/// Whether a change is planned against its group's members: adds, removals and approvals
/// of join requests.
fn changes_members(spec: &OpSpec) -> bool {
    spec.kind().is_participant_change() || spec.kind() == OperationKind::Approve
}

/// The behaviour of one family of operation kinds. Pure: the engine's call policy does the
/// sending and the reading.
pub trait Kind {
    /// The most operations one request carries.
    const BATCH: usize;
    /// Whether an operation whose answer was lost, and that a read shows not applied, is sent
    /// again (within the attempts). Not for a create: a create is only ever settled by finding
    /// its group.
    const SEND_AGAIN: bool = true;
    /// Plans this family's pending operations against the mirror: requests in sending order,
    /// with the operations held back or skipped and why.
    /// The operations are taken: a request carries them, not a copy.
    fn plan(ops: Vec<PendingOp>, mirror: &Mirror) -> Plan;
    /// The request that carries a planned batch.
    fn request(request: &PlannedRequest) -> Call;
    /// Each operation's verdict from what the server answered (in the request's order). An
    /// error here is a permanent one (the call policy retried what could be retried).
    fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict>;
    /// What an answer changes in the mirror (a new invite link, join requests answered),
    /// committed with the verdicts.
    fn mirror(_request: &PlannedRequest, _answer: &Answer) -> Vec<MirrorChange> {
        Vec::new()
    }
    /// How the operation's effect is confirmed.
    fn confirmation(spec: &OpSpec) -> Confirmation;
    /// What the confirmation read shows of each operation (in order).
    fn applied(ops: &[Sent], seen: &Seen) -> Vec<Found>;
    /// **Where an event from outside the request and its answer settles an operation** (a
    /// webhook, `groups-api-2026.md` §2): the verdict `event` gives an operation of this kind
    /// that is still open, or `None` when the event says nothing of it (then a read settles
    /// it, once the configured wait for webhooks is over). `how` says why the event was put
    /// to it: by the `request_id` the operation's answer carried (the store keeps it with the
    /// operation; the event is that request's outcome), or by group and person for events
    /// that carry none (a join, a leave, an approval: §2.3 "Correlation rule"). `engine::inbox`
    /// finds the operations, asks here, and records each verdict (`Verdict::recorded`) only
    /// for an operation still open when it commits, so each is settled once, by an event or
    /// by a read, whichever comes first. The default, nothing, is for kinds their answer
    /// settles (a photo, a link reset or revoke: see their modules).
    fn settle_by_event(_spec: &OpSpec, _event: &GroupEvent, _how: EventMatch) -> Option<Verdict> {
        None
    }
}

/// The families of kinds, each one module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Family {
    Participants,
    Settings,
    Photo,
    Links,
    JoinRequests,
    Delete,
    Create,
}

fn family(kind: OperationKind) -> Family {
    match kind {
        OperationKind::Add | OperationKind::Remove => Family::Participants,
        OperationKind::Create => Family::Create,
        OperationKind::Subject | OperationKind::Description => Family::Settings,
        OperationKind::Photo => Family::Photo,
        OperationKind::Delete => Family::Delete,
        OperationKind::ResetLink | OperationKind::RevokeLink => Family::Links,
        OperationKind::Approve | OperationKind::Reject => Family::JoinRequests,
    }
}

/// Calls `$f` on the module of `$family`'s [`Kind`].
macro_rules! on_family {
    ($family:expr, $k:ident => $body:expr) => {
        match $family {
            Family::Participants => {
                type $k = participants::Participants;
                $body
            }
            Family::Create => {
                type $k = create::Create;
                $body
            }
            Family::Settings => {
                type $k = settings::Settings;
                $body
            }
            Family::Photo => {
                type $k = photo::PhotoKind;
                $body
            }
            Family::Delete => {
                type $k = delete::Delete;
                $body
            }
            Family::Links => {
                type $k = links::Links;
                $body
            }
            Family::JoinRequests => {
                type $k = join_requests::JoinRequests;
                $body
            }
        }
    };
}

/// Plans every pending operation, family by family; a group's requests go together, its
/// members' changes first and its deletion last; creates after everything else.
pub fn plan(ops: Vec<PendingOp>, mirror: &mut Mirror) -> Plan {
    mirror.planned.clear();
    let (failing, ops) = crate::domain::plan::fail_in_gone_groups(ops, |g| mirror.gone.contains(g));
    // Taken, not copied: a queue of many thousands is planned without a second copy of it.
    // Sorted by family in place (stable: each keeps the queue's order), then each family's
    // run is split off the end, so the usual queue of one family is handed on whole.
    let mut ops = ops;
    ops.sort_by_key(|op| family(op.spec.kind()));
    let mut parts: Vec<(Family, Vec<PendingOp>)> = Vec::new();
    while let Some(f) = ops.last().map(|op| family(op.spec.kind())) {
        let start = ops.partition_point(|op| family(op.spec.kind()) < f);
        let run = if start == 0 {
            std::mem::take(&mut ops)
        } else {
            ops.split_off(start)
        };
        parts.push((f, run));
    }
    parts.reverse();
    let mut out = Plan {
        failing,
        ..Plan::default()
    };
    let mut ranked: Vec<(Family, usize, PlannedRequest)> = Vec::new();
    for (f, ops) in parts {
        let part = on_family!(f, K => K::plan(ops, mirror));
        if f == Family::Participants {
            for r in &part.requests {
                let change = match r.kind {
                    OperationKind::Add => r.ops.len() as isize,
                    _ => -(r.ops.len() as isize),
                };
                *mirror.planned.entry(r.group_id().to_owned()).or_default() += change;
            }
        }
        ranked.extend(
            part.requests
                .into_iter()
                .enumerate()
                .map(|(i, r)| (f, i, r)),
        );
        out.held.extend(part.held);
        out.skipped.extend(part.skipped);
    }
    // Creates (no group) after the groups, in the order planned.
    ranked.sort_by(|(fa, ia, a), (fb, ib, b)| {
        (a.group.is_none(), &a.group, fa, ia).cmp(&(b.group.is_none(), &b.group, fb, ib))
    });
    out.requests = ranked.into_iter().map(|(.., r)| r).collect();
    out
}

/// The request of a planned batch.
pub fn request(request: &PlannedRequest) -> Call {
    on_family!(family(request.kind), K => K::request(request))
}

/// The verdicts of an answer.
pub fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict> {
    on_family!(family(request.kind), K => K::settle(request, answer))
}

/// What an answer changes in the mirror.
pub fn mirror_changes(request: &PlannedRequest, answer: &Answer) -> Vec<MirrorChange> {
    on_family!(family(request.kind), K => K::mirror(request, answer))
}

/// How an operation is confirmed.
pub fn confirmation(spec: &OpSpec) -> Confirmation {
    on_family!(family(spec.kind()), K => K::confirmation(spec))
}

/// What a confirmation read shows of each operation (in order), each family judging its own.
pub fn applied(ops: &[Sent], seen: &Seen) -> Vec<Found> {
    let mut out = vec![Found::No; ops.len()];
    let mut by_family: HashMap<Family, Vec<usize>> = HashMap::new();
    for (i, op) in ops.iter().enumerate() {
        by_family.entry(family(op.spec.kind())).or_default().push(i);
    }
    for (f, indices) in by_family {
        let mine: Vec<Sent> = indices.iter().map(|i| ops[*i]).collect();
        let found = on_family!(f, K => K::applied(&mine, seen));
        for (i, found) in indices.into_iter().zip(found) {
            out[i] = found;
        }
    }
    out
}

/// Whether a lost answer's operation that a read shows not applied may be sent again.
pub fn send_again(kind: OperationKind) -> bool {
    on_family!(family(kind), K => K::SEND_AGAIN)
}

/// Why an operation whose answer was lost is given up after looking for it for `waited_ms`.
pub fn given_up(spec: &OpSpec, waited_ms: i64) -> String {
    create::not_found(spec, u64::try_from(waited_ms).unwrap_or(0))
}

/// How a webhook event settles an open operation (see [`Kind::settle_by_event`]).
pub fn settle_by_event(spec: &OpSpec, event: &GroupEvent, how: EventMatch) -> Option<Verdict> {
    on_family!(family(spec.kind()), K => K::settle_by_event(spec, event, how))
}

/// The most operations one request of this kind carries.
pub fn batch_size(kind: OperationKind) -> usize {
    on_family!(family(kind), K => K::BATCH)
}

/// One request per operation, in queue order (for kinds that carry one change a request).
fn one_each(ops: Vec<PendingOp>) -> Plan {
    Plan {
        requests: ops
            .into_iter()
            .map(|op| {
                PlannedRequest::of(op.spec.kind(), op.spec.group().map(str::to_owned), vec![op])
            })
            .collect(),
        ..Plan::default()
    }
}

/// Every operation of a request failed with the error (the message without its code).
fn all_failed(request: &PlannedRequest, err: &ApiError) -> Vec<Verdict> {
    request
        .ops
        .iter()
        .map(|_| Verdict::Failed {
            code: err.code(),
            message: short_message(err),
        })
        .collect()
}

/// Each operation judged on a group read by `shows` (`Some(applied)`, or `None` when the read
/// cannot tell); a gone group fails them all, anything else read shows nothing.
fn on_group_read(
    ops: &[Sent],
    seen: &Seen,
    shows: impl Fn(&Sent, &GroupInfo) -> Option<bool>,
) -> Vec<Found> {
    if let Some(gone) = gone_failure(seen) {
        return ops.iter().map(|_| gone.clone()).collect();
    }
    let Seen::Group(info) = seen else {
        return ops.iter().map(|_| Found::No).collect();
    };
    ops.iter()
        .map(|op| match shows(op, info) {
            Some(true) => Found::Yes,
            Some(false) => Found::No,
            None => Found::Unknown,
        })
        .collect()
}

/// The Graph code of a group that does not exist (any more).
pub const UNKNOWN_GROUP: i64 = 131041;

/// What a read of a gone group means for an operation that needed the group.
fn gone_failure(seen: &Seen) -> Option<Found> {
    match seen {
        Seen::Gone { code, message } => Some(Found::Failed {
            code: *code,
            message: message.clone(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OpId;
    use crate::testing::{add, remove};

    fn pending(id: i64, spec: OpSpec) -> PendingOp {
        PendingOp { id: OpId(id), spec }
    }

    #[test]
    fn a_groups_requests_go_together_members_first_deletion_last_creates_at_the_end() {
        let ops = [
            pending(1, OpSpec::Delete { group: "g".into() }),
            pending(
                2,
                OpSpec::Create {
                    group: None,
                    new: crate::domain::NewGroup {
                        subject: "New".into(),
                        description: None,
                        join_approval_mode: Default::default(),
                    },
                },
            ),
            pending(3, add("g", 1)),
            pending(
                4,
                OpSpec::Subject {
                    group: "g".into(),
                    subject: "S".into(),
                },
            ),
            pending(
                5,
                OpSpec::Description {
                    group: "g".into(),
                    description: "D".into(),
                },
            ),
            pending(6, remove("g", 2)),
            pending(7, OpSpec::ResetLink { group: "a".into() }),
        ];
        let p = plan(ops.to_vec(), &mut Mirror::default());
        let order: Vec<(Option<&str>, OperationKind, usize)> = p
            .requests
            .iter()
            .map(|r| (r.group.as_deref(), r.kind, r.ops.len()))
            .collect();
        assert_eq!(
            order,
            [
                (Some("a"), OperationKind::ResetLink, 1),
                (Some("g"), OperationKind::Remove, 1),
                (Some("g"), OperationKind::Add, 1),
                (Some("g"), OperationKind::Subject, 2),
                (Some("g"), OperationKind::Delete, 1),
                (None, OperationKind::Create, 1),
            ]
        );
        assert_eq!(p.operation_count(), ops.len());
    }

    /// A full group with a removal and two approvals queued: the removal is sent first and
    /// makes room for one approval; the other is held, its reason counting the removal. An
    /// add planned for the group takes room the same way.
    #[test]
    fn approvals_count_the_room_the_same_runs_removals_and_adds_leave() {
        let approve = |id: i64| {
            pending(
                id,
                OpSpec::Approve {
                    group: "g".into(),
                    request: crate::domain::JoinRequestRef {
                        id: format!("R{id}"),
                        person: None,
                    },
                },
            )
        };
        let full = Members::of(
            &(1..=8)
                .map(|n| crate::testing::person(n).into())
                .collect::<Vec<_>>(),
        );
        let mut mirror = Mirror::default();
        mirror.members.insert("g".into(), full);
        let ops = vec![approve(1), approve(2), pending(3, remove("g", 1))];
        let p = plan(ops, &mut mirror);
        let order: Vec<(OperationKind, usize)> =
            p.requests.iter().map(|r| (r.kind, r.ops.len())).collect();
        assert_eq!(
            order,
            [(OperationKind::Remove, 1), (OperationKind::Approve, 1)]
        );
        let held: Vec<&str> = p.held.iter().map(|l| l.reason.as_str()).collect();
        assert_eq!(
            held,
            ["would be 9 of 8 members: 8 now, 1 removal(s) planned first, 1 approval(s) before it"]
        );

        // Seven members and an add: no room left for an approval.
        let seven = Members::of(
            &(1..=7)
                .map(|n| crate::testing::person(n).into())
                .collect::<Vec<_>>(),
        );
        mirror.members.insert("g".into(), seven);
        let p = plan(vec![approve(1), pending(2, add("g", 30))], &mut mirror);
        assert_eq!(p.requests.len(), 1, "{p:?}");
        assert_eq!(
            p.held[0].reason,
            "would be 9 of 8 members: 7 now, 1 add(s) planned first"
        );
    }
}
