//! Creating groups: one create a request. A create is not idempotent (sent twice, it makes two
//! groups), so its outcome is only ever settled by finding its group in the group list (the
//! subject, created no earlier than the attempt less the clocks' skew, and not a group another
//! create made), or by the `group_create` webhook of its `request_id`; never by sending it
//! again.

use crate::api::{Answer, ApiError, Call};
use crate::domain::plan::{PendingOp, Plan, PlannedRequest};
use crate::domain::text::sanitize;
use crate::domain::{EventType, GroupEvent, NewGroup, OpSpec};

use super::{
    Confirmation, EventMatch, Found, Kind, Mirror, Seen, Sent, Verdict, all_failed, event_failure,
    one_each,
};

/// How far the server's clock may be behind ours, in ms: a group created up to this long
/// before the attempt may still be the attempt's.
pub const SKEW_MS: i64 = 5 * 60 * 1000;

/// The create kind.
pub struct Create;

fn new_group(spec: &OpSpec) -> Option<&NewGroup> {
    match spec {
        OpSpec::Create { new, .. } => Some(new),
        _ => None,
    }
}

impl Kind for Create {
    const BATCH: usize = 1;
    const SEND_AGAIN: bool = false;

    fn plan(ops: Vec<PendingOp>, _mirror: &Mirror) -> Plan {
        one_each(ops)
    }

    fn request(request: &PlannedRequest) -> Call {
        // A request without its create carries an empty subject, which the client refuses
        // before sending.
        let new = request
            .ops
            .first()
            .and_then(|op| new_group(&op.spec))
            .cloned()
            .unwrap_or_else(|| NewGroup {
                subject: String::new(),
                description: None,
                join_approval_mode: Default::default(),
            });
        Call::CreateGroup { new }
    }

    fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict> {
        match answer {
            // The answer is a `request_id` (C): the group comes a moment later, and is found by
            // reading the list.
            Ok(Answer::Write(_)) => request.ops.iter().map(|_| Verdict::Accepted).collect(),
            Ok(_) => request
                .ops
                .iter()
                .map(|_| Verdict::Failed {
                    code: None,
                    message: "the server's answer was not a create's".into(),
                })
                .collect(),
            Err(e) => all_failed(request, e),
        }
    }

    fn confirmation(_spec: &OpSpec) -> Confirmation {
        Confirmation::ListGroups
    }

    fn applied(ops: &[Sent], seen: &Seen) -> Vec<Found> {
        let Seen::Groups { listed, claimed } = seen else {
            return ops.iter().map(|_| Found::NotYet).collect();
        };
        let mut taken = claimed.clone();
        ops.iter()
            .map(|op| {
                let Some(new) = new_group(op.spec) else {
                    return Found::NotYet;
                };
                if let Some(made) = op.spec.group() {
                    // Found before (a recovered create that knows its group).
                    return Found::Made(made.to_owned());
                }
                let wanted = sanitize(new.subject.trim());
                let earliest_s = (op.since - SKEW_MS).div_euclid(1000);
                let found = listed
                    .iter()
                    .filter(|g| g.subject == wanted && !taken.contains(&g.id))
                    .filter(|g| g.created_at.is_none_or(|at| at >= earliest_s))
                    .min_by_key(|g| g.created_at.unwrap_or(i64::MAX));
                match found {
                    Some(g) => {
                        taken.insert(g.id.clone());
                        Found::Made(g.id.clone())
                    }
                    None => Found::NotYet,
                }
            })
            .collect()
    }

    /// `group_lifecycle_update` of type `group_create` with the create's `request_id`
    /// (`groups-api-2026.md` §2.2, W): without `errors`, its `group_id` is the group made (the
    /// operation then names it); with `errors`, the create failed with the first one's code (W
    /// gives a `group_id` even then: not relied on). A create has no group to be matched by
    /// before it is made, so only its `request_id` finds it.
    fn settle_by_event(_spec: &OpSpec, event: &GroupEvent, how: EventMatch) -> Option<Verdict> {
        if how != EventMatch::Request || event.kind != EventType::GroupCreate {
            return None;
        }
        if let Some(failed) = event_failure(&event.errors) {
            return Some(failed);
        }
        event.group_id.clone().map(Verdict::Created)
    }
}

/// Why a create whose answer was lost is given up after looking for its group.
pub fn not_found(spec: &OpSpec, looked_for_ms: u64) -> String {
    let subject = new_group(spec)
        .map(|n| sanitize(&n.subject))
        .unwrap_or_default();
    format!(
        "no answer, and no new group \"{subject}\" in the group list {:.0} s later: most likely not created (never sent again, as a create is not idempotent); `groups list` shows what exists before creating it again",
        looked_for_ms as f64 / 1000.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::GroupSummary;
    use std::collections::HashSet;

    fn create(subject: &str) -> OpSpec {
        OpSpec::Create {
            group: None,
            new: NewGroup {
                subject: subject.into(),
                description: None,
                join_approval_mode: Default::default(),
            },
        }
    }

    fn listed(id: &str, subject: &str, at: i64) -> GroupSummary {
        GroupSummary {
            id: id.into(),
            subject: subject.into(),
            created_at: Some(at),
        }
    }

    #[test]
    fn a_create_finds_the_new_group_of_its_subject_never_an_older_or_claimed_one() {
        let since = 1_700_000_000_000;
        let seen = Seen::Groups {
            listed: vec![
                listed("OLD", "Cohort", 1_600_000_000),
                listed("MINE", "Cohort", 1_700_000_002),
                listed("TAKEN", "Cohort B", 1_700_000_001),
                listed("SECOND", "Cohort", 1_700_000_005),
            ],
            claimed: HashSet::from(["TAKEN".to_owned()]),
        };
        let specs = [
            create("Cohort"),
            create(" Cohort "),
            create("Cohort B"),
            create("Cohort"),
        ];
        let sent: Vec<Sent> = specs
            .iter()
            .map(|spec| Sent {
                spec,
                since,
                unknown: true,
            })
            .collect();
        assert_eq!(
            Create::applied(&sent, &seen),
            [
                Found::Made("MINE".into()),
                Found::Made("SECOND".into()),
                Found::NotYet,
                Found::NotYet,
            ]
        );
    }

    #[test]
    fn a_lost_create_is_never_sent_again() {
        const { assert!(!Create::SEND_AGAIN) };
        assert!(
            !Create::request(&PlannedRequest::of(
                crate::domain::OperationKind::Create,
                None,
                Vec::new()
            ))
            .may_repeat()
        );
    }
}
