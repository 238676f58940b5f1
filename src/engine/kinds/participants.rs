//! Adding and removing participants: batches of 8 per group (removals first), settled per
//! participant from the answer (200, 206 naming who failed, 400), confirmed by reading the
//! group. People are matched by any strong key, in any of WhatsApp's forms of a number.

use crate::api::{Answer, ApiError, Call, ErrorClass, ParticipantFailure, WriteAccepted};
use crate::domain::plan::{self, PendingOp, Plan, PlannedRequest};
use crate::domain::{
    EventType, GroupEvent, MAX_PARTICIPANTS_PER_REQUEST, Members, Membership, OpSpec,
    OperationKind, Participant, Person, UserId,
};

use super::{Confirmation, EventMatch, Found, Kind, Mirror, Seen, Sent, Verdict, on_group_read};

/// The add and remove kinds.
pub struct Participants;

impl Kind for Participants {
    const BATCH: usize = MAX_PARTICIPANTS_PER_REQUEST;

    fn plan(ops: Vec<PendingOp>, mirror: &Mirror) -> Plan {
        plan::plan(ops, |group| mirror.members.get(group).cloned())
    }

    fn request(request: &PlannedRequest) -> Call {
        let participants: Vec<Person> = request.participants().cloned().collect();
        Call::change_participants(request.kind, request.group_id(), participants)
    }

    fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict> {
        let people: Vec<Person> = request.participants().cloned().collect();
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

    fn applied(ops: &[Sent], seen: &Seen) -> Vec<Found> {
        // The members once, however many operations the read confirms.
        let members = match seen {
            Seen::Group(info) => Members::of(&info.participants),
            _ => Members::default(),
        };
        on_group_read(ops, seen, |op, _| {
            let Some(person) = op.spec.person() else {
                return Some(false);
            };
            let adding = op.spec.kind() == OperationKind::Add;
            match members.find(person) {
                Membership::In(_) => Some(adding),
                Membership::Out => Some(!adding),
                Membership::Unknown => None,
            }
        })
    }

    /// A `group_participants_add` settles an add, a `group_participants_remove` a removal. By
    /// request id: named among the done participants, confirmed; among the failed ones, failed
    /// with its code (a removal of a non-member, 131212, skipped as at answer time); not
    /// named, nothing (a read settles it). By group and person: a join shows an add applied,
    /// a leave a removal (what a read would show); a failure of someone else's request says
    /// nothing of ours.
    fn settle_by_event(spec: &OpSpec, event: &GroupEvent, how: EventMatch) -> Option<Verdict> {
        let person = spec.person()?;
        let wanted = match spec.kind() {
            OperationKind::Add => EventType::ParticipantsAdd,
            _ => EventType::ParticipantsRemove,
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
                    user: person.user_ref().to_owned(),
                    code,
                    message,
                };
                Some(verdict_of_failure(spec.kind(), &f))
            }
            _ => None,
        }
    }
}

/// Whether the `user` of a failure names `p` as sent: the same text (with or without `+`), or
/// the same person written otherwise (another form of the number, the BSUID).
fn names(user: &str, p: &Person) -> bool {
    let user = user.trim();
    if user.trim_start_matches('+') == p.user_ref().trim_start_matches('+') {
        return true;
    }
    let named = UserId::parse(user)
        .map(Person::by_user_id)
        .ok()
        .or_else(|| Participant::from_wa_id(user).ok().map(Person::by_phone));
    named.is_some_and(|n| n.is(p))
}

fn failure_of<'a>(failed: &'a [ParticipantFailure], p: &Person) -> Option<&'a ParticipantFailure> {
    failed.iter().find(|f| names(&f.user, p))
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
fn from_answer(kind: OperationKind, people: &[Person], answer: &WriteAccepted) -> Vec<Verdict> {
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
fn from_error(kind: OperationKind, people: &[Person], err: &ApiError) -> Vec<Verdict> {
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
                user: people[0].user_ref().to_owned(),
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
        PlannedRequest::of(
            kind,
            Some("g".into()),
            people
                .iter()
                .enumerate()
                .map(|(i, person)| PendingOp {
                    id: OpId(i as i64),
                    spec: OpSpec::for_participant(kind, "g", person.clone()),
                })
                .collect(),
        )
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
        let info = Seen::Group(GroupInfo {
            id: "g".into(),
            subject: "s".into(),
            description: None,
            participants: vec![p("12025550143").into()],
            total_participant_count: Some(1),
            suspended: None,
            creation_timestamp: None,
            join_approval_mode: None,
        });
        let add = |n: &str| OpSpec::for_participant(OperationKind::Add, "g", p(n));
        let remove = |n: &str| OpSpec::for_participant(OperationKind::Remove, "g", p(n));
        let specs = [
            add("+12025550143"),
            remove("12025550143"),
            remove("12025550199"),
            add("12025550199"),
        ];
        let sent: Vec<Sent> = specs.iter().map(sent).collect();
        assert_eq!(
            Participants::applied(&sent, &info),
            [Found::Yes, Found::No, Found::Yes, Found::No]
        );
        let gone = Seen::Gone {
            code: Some(131041),
            message: "no group".into(),
        };
        assert!(matches!(
            Participants::applied(&sent[..1], &gone)[0],
            Found::Failed { .. }
        ));
    }

    fn sent(spec: &OpSpec) -> Sent<'_> {
        Sent {
            spec,
            since: 0,
            unknown: false,
        }
    }

    #[test]
    fn members_known_only_by_bsuid_confirm_by_it_and_a_phone_against_them_cannot_tell() {
        let hidden = Person::by_user_id(UserId::parse("US.7").expect("bsuid"));
        let info = |members: Vec<Person>| {
            Seen::Group(GroupInfo {
                id: "g".into(),
                subject: "s".into(),
                description: None,
                total_participant_count: Some(members.len() as u64),
                participants: members,
                suspended: None,
                creation_timestamp: None,
                join_approval_mode: None,
            })
        };
        let one = |spec: &OpSpec, seen: &Seen| Participants::applied(&[sent(spec)], seen).remove(0);
        let remove_hidden =
            OpSpec::for_person(OperationKind::Remove, "g", hidden.clone()).expect("spec");
        assert_eq!(one(&remove_hidden, &info(vec![hidden.clone()])), Found::No);
        assert_eq!(
            one(&remove_hidden, &info(vec![p("12025550143").into()])),
            Found::Unknown,
            "a member read without BSUIDs could be them"
        );
        let by_phone = OpSpec::for_participant(OperationKind::Remove, "g", p("12025550143"));
        assert_eq!(one(&by_phone, &info(vec![hidden])), Found::Unknown);
        // A member in the other form of the number: still a member.
        let br = OpSpec::for_participant(OperationKind::Remove, "g", p("5511987654321"));
        assert_eq!(one(&br, &info(vec![p("551187654321").into()])), Found::No);
    }

    #[test]
    fn a_failure_names_the_person_as_sent_or_in_another_form() {
        let sent = Person::by_user_id(UserId::parse("US.7").expect("bsuid"));
        assert!(names("US.7", &sent));
        assert!(!names("US.8", &sent));
        let br: Person = p("551187654321").into();
        assert!(names("+551187654321", &br));
        assert!(names("5511987654321", &br), "the ninth digit");
        assert!(!names("+12025550143", &br));
    }
}
