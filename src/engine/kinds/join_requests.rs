//! Approving and rejecting join requests: up to 8 ids of one group a request (the most per call
//! is not documented; 8 is a safe guess), each id judged by the answer's
//! `approved_`/`rejected_join_requests` and `failed_join_requests`; what the answer took (or
//! did not name, or whose answer was lost) is confirmed by reading the group's pending
//! requests and the group itself, so the mirror shows who is in now.

use std::collections::BTreeMap;

use crate::api::{Answer, ApiError, Call, ErrorClass};
use crate::domain::plan::{Leftover, PendingOp, Plan, PlannedRequest};
use crate::domain::{EventType, GroupEvent, MAX_GROUP_MEMBERS, OpSpec, OperationKind};
use crate::store::MirrorChange;

use super::{
    Confirmation, EventMatch, Found, Kind, Mirror, Seen, Sent, Verdict, all_failed, gone_failure,
};

/// A join request that does not exist (§1.11, `pywa/errors.py`).
const NO_SUCH_REQUEST: i64 = 131213;

/// The approve and reject kinds.
pub struct JoinRequests;

fn id_of(op: &PendingOp) -> String {
    op.spec
        .join_request()
        .map(|r| r.id.clone())
        .unwrap_or_default()
}

/// Why an approval waits: `would be 9 of 8 members: 8 now, 1 removal(s) planned first, 1
/// approval(s) before it` (`planned`: the adds less the removals planned before it).
fn no_room(now: usize, planned: isize, approved_before: usize) -> String {
    crate::domain::plan::approvals_over_capacity(
        now,
        planned,
        "planned first",
        approved_before,
        "before it",
    )
}

fn gone_request() -> Verdict {
    Verdict::Skipped("no such pending join request: withdrawn, or answered already".into())
}

impl Kind for JoinRequests {
    const BATCH: usize = 8;

    /// Approvals past the group's room (8 less its members, as the mirror knows them, after
    /// the adds and removals planned for it, which are sent first) are held back with the
    /// count, as adds are: the server would refuse them (131204, the group is full) and the
    /// requests would be lost to a failure the operator did not choose.
    fn plan(ops: Vec<PendingOp>, mirror: &Mirror) -> Plan {
        let mut by: BTreeMap<(String, OperationKind), Vec<PendingOp>> = BTreeMap::new();
        for op in ops {
            if let Some(group) = op.spec.group() {
                by.entry((group.to_owned(), op.spec.kind()))
                    .or_default()
                    .push(op);
            }
        }
        let mut plan = Plan::default();
        for ((group, kind), mut ops) in by {
            if kind == OperationKind::Approve
                && let Some(members) = mirror.members.get(&group)
            {
                let planned = mirror.planned.get(&group).copied().unwrap_or(0);
                let after = members.len().saturating_add_signed(planned);
                let room = MAX_GROUP_MEMBERS.saturating_sub(after);
                if ops.len() > room {
                    // Each with the size the group would reach with it.
                    for (k, op) in ops.split_off(room).into_iter().enumerate() {
                        let reason = no_room(members.len(), planned, room + k);
                        plan.held.push(Leftover::no_room(op, reason));
                    }
                }
            }
            for chunk in ops.chunks(Self::BATCH) {
                plan.requests.push(PlannedRequest::of(
                    kind,
                    Some(group.clone()),
                    chunk.to_vec(),
                ));
            }
        }
        plan
    }

    fn request(request: &PlannedRequest) -> Call {
        let group = request.group_id().to_owned();
        let ids = request.ops.iter().map(id_of).collect();
        if request.kind == OperationKind::Reject {
            Call::RejectJoinRequests { group, ids }
        } else {
            Call::ApproveJoinRequests { group, ids }
        }
    }

    fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict> {
        match answer {
            Ok(Answer::Decided { answered, .. }) => request
                .ops
                .iter()
                .map(|op| {
                    let id = id_of(op);
                    if answered.done.contains(&id) {
                        return Verdict::Accepted;
                    }
                    match answered.failed.iter().find(|f| f.join_request_id == id) {
                        Some(f) if f.code == Some(NO_SUCH_REQUEST) => gone_request(),
                        Some(f) => Verdict::Failed {
                            code: f.code,
                            message: f.message.clone(),
                        },
                        // Not named: the read settles it too.
                        None => Verdict::Accepted,
                    }
                })
                .collect(),
            Ok(_) => request.ops.iter().map(|_| Verdict::Accepted).collect(),
            Err(e) if e.code() == Some(NO_SUCH_REQUEST) && request.ops.len() == 1 => {
                vec![gone_request()]
            }
            Err(e) if e.class() == ErrorClass::Participant && request.ops.len() == 1 => {
                all_failed(request, e)
            }
            Err(e) => all_failed(request, e),
        }
    }

    fn mirror(request: &PlannedRequest, answer: &Answer) -> Vec<MirrorChange> {
        match answer {
            Answer::Decided { answered, .. } if !answered.done.is_empty() => {
                vec![MirrorChange::JoinRequestsAnswered {
                    group: request.group_id().to_owned(),
                    ids: answered.done.clone(),
                }]
            }
            _ => Vec::new(),
        }
    }

    fn confirmation(spec: &OpSpec) -> Confirmation {
        Confirmation::ReadJoinRequests(spec.group().unwrap_or_default().to_owned())
    }

    fn applied(ops: &[Sent], seen: &Seen) -> Vec<Found> {
        if let Some(gone) = gone_failure(seen) {
            return ops.iter().map(|_| gone.clone()).collect();
        }
        let Seen::JoinRequests(pending) = seen else {
            return ops.iter().map(|_| Found::No).collect();
        };
        ops.iter()
            .map(|op| {
                let id = op
                    .spec
                    .join_request()
                    .map(|r| r.id.as_str())
                    .unwrap_or_default();
                if pending.iter().any(|r| r.id == id) {
                    Found::No
                } else {
                    Found::Yes
                }
            })
            .collect()
    }

    /// An approval is confirmed by the `group_participants_add` that lets the asker in
    /// (`groups-api-2026.md` §2.3: one event for a bulk approval, `reason: invite_link`, and
    /// **no `request_id`**), matched by group and asker (phone in any of its forms, or BSUID).
    /// A rejection: nothing, Meta sends no webhook for it (R, §1.7); the read of the pending
    /// requests settles it.
    fn settle_by_event(spec: &OpSpec, event: &GroupEvent, how: EventMatch) -> Option<Verdict> {
        let OpSpec::Approve { group, request } = spec else {
            return None;
        };
        let asker = request.person.as_ref()?;
        let joined = how == EventMatch::Member
            && event.kind == EventType::ParticipantsAdd
            && event.group_id.as_deref() == Some(group.as_str())
            && event.names(asker);
        joined.then_some(Verdict::Confirmed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{JoinRequestFailure, JoinRequestsAnswered, WriteAccepted};
    use crate::domain::{JoinRequestRef, Members, OpId};

    fn approve(id: &str) -> PendingOp {
        PendingOp {
            id: OpId(id.len() as i64),
            spec: OpSpec::Approve {
                group: "g".into(),
                request: JoinRequestRef {
                    id: id.into(),
                    person: None,
                },
            },
        }
    }

    #[test]
    fn approvals_past_the_groups_room_are_held_each_with_its_count_and_one_cause() {
        let ops = [approve("A"), approve("BB"), approve("CCC"), approve("DDDD")];
        let six = Members::of(
            &(1..=6)
                .map(|n| crate::testing::person(n).into())
                .collect::<Vec<_>>(),
        );
        let mut mirror = Mirror::default();
        mirror.members.insert("g".into(), six);
        let plan = JoinRequests::plan(ops.to_vec(), &mirror);
        assert_eq!(plan.requests.len(), 1);
        assert_eq!(plan.requests[0].ops, ops[..2].to_vec(), "room for two");
        let held: Vec<(&str, &str)> = plan
            .held
            .iter()
            .map(|l| {
                (
                    l.spec.join_request().map_or("", |r| r.id.as_str()),
                    l.reason.as_str(),
                )
            })
            .collect();
        assert_eq!(
            held,
            [
                (
                    "CCC",
                    "would be 9 of 8 members: 6 now, 2 approval(s) before it"
                ),
                (
                    "DDDD",
                    "would be 10 of 8 members: 6 now, 3 approval(s) before it"
                ),
            ],
            "each with the size the group would reach with it"
        );
        assert!(
            plan.held
                .iter()
                .all(|l| l.cause() == "the group has no room: 8 members at most"),
            "one cause, for the summary to count them by"
        );

        let full = Members::of(
            &(1..=8)
                .map(|n| crate::testing::person(n).into())
                .collect::<Vec<_>>(),
        );
        mirror.members.insert("g".into(), full);
        let plan = JoinRequests::plan(ops[..1].to_vec(), &mirror);
        assert!(plan.requests.is_empty());
        assert_eq!(plan.held[0].reason, "would be 9 of 8 members: 8 now");

        let rejects: Vec<PendingOp> = ["R1", "R22"]
            .iter()
            .map(|id| PendingOp {
                spec: OpSpec::Reject {
                    group: "g".into(),
                    request: JoinRequestRef {
                        id: (*id).into(),
                        person: None,
                    },
                },
                ..approve(id)
            })
            .collect();
        let plan = JoinRequests::plan(rejects.to_vec(), &mirror);
        assert_eq!(
            plan.requests[0].ops.len(),
            2,
            "a full group's requests can be rejected"
        );
        assert!(plan.held.is_empty());
        let plan = JoinRequests::plan(ops.to_vec(), &Mirror::default());
        assert_eq!(
            plan.requests[0].ops.len(),
            4,
            "a group never read is left to the server"
        );
    }

    #[test]
    fn each_id_is_settled_by_the_answer_or_left_to_a_read() {
        let request = PlannedRequest::of(
            OperationKind::Approve,
            Some("g".into()),
            vec![approve("A"), approve("BB"), approve("CCC"), approve("DDDD")],
        );
        let answer = Answer::Decided {
            answered: JoinRequestsAnswered {
                done: vec!["A".into()],
                failed: vec![
                    JoinRequestFailure {
                        join_request_id: "BB".into(),
                        code: Some(131203),
                        message: "terms".into(),
                    },
                    JoinRequestFailure {
                        join_request_id: "CCC".into(),
                        code: Some(131213),
                        message: "none".into(),
                    },
                ],
                request_id: None,
            },
            write: WriteAccepted {
                status: 200,
                request_id: None,
                partial: false,
                failed: vec![],
            },
        };
        let verdicts = JoinRequests::settle(&request, &Ok(answer.clone()));
        assert_eq!(verdicts[0], Verdict::Accepted);
        assert_eq!(
            verdicts[1],
            Verdict::Failed {
                code: Some(131203),
                message: "terms".into()
            }
        );
        assert!(matches!(verdicts[2], Verdict::Skipped(_)));
        assert_eq!(verdicts[3], Verdict::Accepted);
        assert_eq!(
            JoinRequests::mirror(&request, &answer),
            [MirrorChange::JoinRequestsAnswered {
                group: "g".into(),
                ids: vec!["A".into()]
            }]
        );
    }
}
