//! Settling operations from what the server said: a write's answer, or the group read after.

use std::collections::HashSet;

use crate::api::{ApiError, ErrorClass, ParticipantFailure, WriteAccepted};
use crate::domain::{OperationKind, Participant};

/// What one participant's part of an answer means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Acknowledged; the group read will confirm it.
    Accepted,
    /// The group read shows the change.
    Confirmed,
    Failed {
        code: Option<i64>,
        message: String,
    },
    /// Nothing to do (a removal of someone not in the group).
    Skipped(String),
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
pub fn from_answer(
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
pub fn from_error(kind: OperationKind, people: &[Participant], err: &ApiError) -> Vec<Verdict> {
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

/// Whether the change of an operation shows in the members the server listed.
pub fn applied(kind: OperationKind, p: &Participant, members: &HashSet<&str>) -> bool {
    (kind == OperationKind::Add) == members.contains(p.wa_id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::GraphError;

    fn p(n: &str) -> Participant {
        Participant::from_wa_id(n).expect("wa_id")
    }

    #[test]
    fn a_partial_answer_settles_each_participant() {
        let people = [p("12025550143"), p("12125550000")];
        let answer = WriteAccepted {
            status: 206,
            request_id: None,
            partial: true,
            failed: vec![ParticipantFailure {
                user: "+12125550000".into(),
                code: Some(131203),
                message: "terms".into(),
            }],
        };
        let v = from_answer(OperationKind::Add, &people, &answer);
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
            from_error(OperationKind::Remove, &people, &err),
            vec![Verdict::Skipped("not a member".into())]
        );
    }

    #[test]
    fn applied_compares_by_wa_id() {
        let members: HashSet<&str> = ["12025550143"].into();
        assert!(applied(OperationKind::Add, &p("+12025550143"), &members));
        assert!(!applied(OperationKind::Remove, &p("12025550143"), &members));
        assert!(applied(OperationKind::Remove, &p("12025550199"), &members));
    }
}
