//! Adding and removing participants: batches of 8 per group (removals first), settled per
//! participant from the answer (200, 206 naming who failed, 400), confirmed by reading the
//! group.

use crate::api::{Answer, ApiError, Call, ErrorClass, ParticipantFailure, WriteAccepted};
use crate::domain::plan::{self, PendingOp, Plan, PlannedRequest};
use crate::domain::{
    EventType, GroupEvent, MAX_PARTICIPANTS_PER_REQUEST, Members, OpSpec, OperationKind,
    Participant,
};

use super::{Confirmation, EventMatch, Kind, Mirror, Verdict};

/// The add and remove kinds.
pub struct Participants;

impl Kind for Participants {
    const BATCH: usize = MAX_PARTICIPANTS_PER_REQUEST;

    fn plan(ops: &[PendingOp], mirror: &Mirror) -> Plan {
        plan::plan(ops, |group| mirror.members.get(group).cloned())
    }

    fn request(request: &PlannedRequest) -> Call {
        let participants: Vec<Participant> = request.participants().cloned().collect();
        Call::change_participants(request.kind, request.group_id(), participants)
    }

    fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict> {
        let people: Vec<Participant> = request.participants().cloned().collect();
        match answer {
            Ok(Answer::Write(accepted)) => from_answer(request.kind, &people, accepted),
            Ok(_) => people
                .iter()
                .map(|_| Verdict::Failed {
                    code: None,
                    message: "the server's answer was not a write's".into(),
                })
                .collect(),
            Err(e) => from_error(request.kind, &people, e),
        }
    }

    fn confirmation(spec: &OpSpec) -> Confirmation {
        Confirmation::ReadGroup(spec.group().unwrap_or_default().to_owned())
    }

    fn applied(spec: &OpSpec, read: &Answer) -> bool {
        let (Answer::Group(info), Some(person)) = (read, spec.participant()) else {
            return false;
        };
        let members = Members::of_wa_ids(info.participants.iter().map(String::as_str));
        (spec.kind() == OperationKind::Add) == members.contains(person)
    }

    /// A `group_participants_add` settles an add, a `group_participants_remove` a removal. By
    /// request id: named among the done participants, confirmed; among the failed ones, failed
    /// with its code (a removal of a non-member, 131212, skipped as at answer time); not
    /// named, nothing (a read settles it). By group and person: a join shows an add applied,
    /// a leave a removal (what a read would show); a failure of someone else's request says
    /// nothing of ours.
    fn settle_by_event(spec: &OpSpec, event: &GroupEvent, how: EventMatch) -> Option<Verdict> {
        let person = spec.participant()?;
        let wanted = match spec.kind() {
            OperationKind::Add => EventType::ParticipantsAdd,
            OperationKind::Remove => EventType::ParticipantsRemove,
        };
        if event.kind != wanted
            || event
                .group_id
                .as_deref()
                .is_some_and(|g| Some(g) != spec.group())
        {
            return None;
        }
        if event.names(person) {
            return Some(Verdict::Confirmed);
        }
        match (how, event.failure_of(person)) {
            (EventMatch::Request, Some(failed)) => {
                let (code, message) = match &failed.error {
                    Some(e) => (e.code, e.message.clone()),
                    // W's "all failed" example names who failed without saying why.
                    None => (
                        event.errors.first().and_then(|e| e.code),
                        event.errors.first().map_or_else(
                            || "failed (no reason given)".to_owned(),
                            |e| e.message.clone(),
                        ),
                    ),
                };
                let f = ParticipantFailure {
                    user: person.e164().to_owned(),
                    code,
                    message,
                };
                Some(verdict_of_failure(spec.kind(), &f))
            }
            _ => None,
        }
    }
}

fn failure_of<'a>(
    failed: &'a [ParticipantFailure],
    p: &Participant,
) -> Option<&'a ParticipantFailure> {
    failed
        .iter()
        .find(|f| f.user.trim_start_matches('+') == p.wa_id())
}

fn verdict_of_failure(kind: OperationKind, f: &ParticipantFailure) -> Verdict {
    if kind == OperationKind::Remove && f.code == Some(131212) {
        Verdict::Skipped("not a member".into())
    } else {
        Verdict::Failed {
            code: f.code,
            message: f.message.clone(),
        }
    }
}

/// Each participant's verdict from a write the server took (200, or 206 naming who failed).
fn from_answer(
    kind: OperationKind,
    people: &[Participant],
    answer: &WriteAccepted,
) -> Vec<Verdict> {
    people
        .iter()
        .map(|p| match failure_of(&answer.failed, p) {
            Some(f) => verdict_of_failure(kind, f),
            None => Verdict::Accepted,
        })
        .collect()
}

/// Each participant's verdict from a permanent error. A participant-level error that names
/// who failed is settled per participant; anything else fails them all with the error.
fn from_error(kind: OperationKind, people: &[Participant], err: &ApiError) -> Vec<Verdict> {
    let failed: &[ParticipantFailure] = match err {
        ApiError::Graph(g) => &g.failed_participants,
        _ => &[],
    };
    let whole = Verdict::Failed {
        code: err.code(),
        message: short_message(err),
    };
    if failed.is_empty() {
        if err.class() == ErrorClass::Participant && people.len() == 1 {
            let f = ParticipantFailure {
                user: people[0].e164().to_owned(),
                code: err.code(),
                message: short_message(err),
            };
            return vec![verdict_of_failure(kind, &f)];
        }
        return people.iter().map(|_| whole.clone()).collect();
    }
    people
        .iter()
        .map(|p| match failure_of(failed, p) {
            Some(f) => verdict_of_failure(kind, f),
            // Not named in a participant-level error: it was not the problem, but it was not
            // applied either (a 400 applies nothing).
            None => Verdict::Failed {
                code: err.code(),
                message: format!("not applied: {}", short_message(err)),
            },
        })
        .collect()
}

/// The message of an error without the code prefix (the code is stored on its own).
pub fn short_message(err: &ApiError) -> String {
    match err {
        ApiError::Graph(g) => match &g.details {
            Some(d) if !d.is_empty() && d != &g.message => format!("{} ({d})", g.message),
            _ => g.message.clone(),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{GraphError, GroupInfo};
    use crate::domain::OpId;

    fn p(n: &str) -> Participant {
        Participant::from_wa_id(n).expect("wa_id")
    }

    fn request(kind: OperationKind, people: &[Participant]) -> PlannedRequest {
        PlannedRequest {
            kind,
            group: Some("g".into()),
            ops: people
                .iter()
                .enumerate()
                .map(|(i, person)| PendingOp {
                    id: OpId(i as i64),
                    spec: OpSpec::for_participant(kind, "g", person.clone()),
                })
                .collect(),
        }
    }

    #[test]
    fn a_partial_answer_settles_each_participant() {
        let people = [p("12025550143"), p("12125550000")];
        let answer = Answer::Write(WriteAccepted {
            status: 206,
            request_id: None,
            partial: true,
            failed: vec![ParticipantFailure {
                user: "+12125550000".into(),
                code: Some(131203),
                message: "terms".into(),
            }],
        });
        let v = Participants::settle(&request(OperationKind::Add, &people), &Ok(answer));
        assert_eq!(v[0], Verdict::Accepted);
        assert_eq!(
            v[1],
            Verdict::Failed {
                code: Some(131203),
                message: "terms".into()
            }
        );
    }

    #[test]
    fn removing_a_non_member_is_skipped_not_failed() {
        let people = [p("12025550143")];
        let err = ApiError::Graph(Box::new(GraphError {
            status: 400,
            code: 131212,
            subcode: None,
            error_type: None,
            message: "not in group".into(),
            details: None,
            fbtrace_id: None,
            is_transient: None,
            request_id: None,
            retry_after: None,
            failed_participants: vec![],
        }));
        assert_eq!(
            Participants::settle(&request(OperationKind::Remove, &people), &Err(err)),
            vec![Verdict::Skipped("not a member".into())]
        );
    }

    #[test]
    fn a_read_confirms_by_membership() {
        let info = Answer::Group(GroupInfo {
            id: "g".into(),
            subject: "s".into(),
            description: None,
            participants: vec!["12025550143".into()],
            total_participant_count: Some(1),
            suspended: None,
            creation_timestamp: None,
        });
        let add = |n: &str| OpSpec::for_participant(OperationKind::Add, "g", p(n));
        let remove = |n: &str| OpSpec::for_participant(OperationKind::Remove, "g", p(n));
        assert!(Participants::applied(&add("+12025550143"), &info));
        assert!(!Participants::applied(&remove("12025550143"), &info));
        assert!(Participants::applied(&remove("12025550199"), &info));
        assert!(!Participants::applied(&add("12025550199"), &info));
    }
}
