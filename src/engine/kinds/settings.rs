//! A group's subject and description: both changes of one group go in one JSON request,
//! confirmed by reading the group (the answer says nothing of the outcome; the
//! `group_settings_update` webhook does).

use std::collections::BTreeMap;

use crate::api::{Answer, ApiError, Call};
use crate::domain::plan::{PendingOp, Plan, PlannedRequest};
use crate::domain::text::sanitize;
use crate::domain::{EventType, GroupEvent, OpSpec};

use super::{
    Confirmation, EventMatch, Found, Kind, Mirror, Seen, Sent, Verdict, all_failed, event_failure,
    on_group_read,
};

/// The subject and description kinds.
pub struct Settings;

impl Kind for Settings {
    const BATCH: usize = 2;

    fn plan(ops: Vec<PendingOp>, _mirror: &Mirror) -> Plan {
        let mut by_group: BTreeMap<String, Vec<PendingOp>> = BTreeMap::new();
        for op in ops {
            if let Some(group) = op.spec.group() {
                by_group.entry(group.to_owned()).or_default().push(op);
            }
        }
        let mut plan = Plan::default();
        for (group, mut ops) in by_group {
            ops.sort_by_key(|op| op.spec.kind());
            plan.requests.push(PlannedRequest::of(
                ops[0].spec.kind(),
                Some(group.to_owned()),
                ops,
            ));
        }
        plan
    }

    fn request(request: &PlannedRequest) -> Call {
        let mut subject = None;
        let mut description = None;
        for op in &request.ops {
            match &op.spec {
                OpSpec::Subject { subject: s, .. } => subject = Some(s.clone()),
                OpSpec::Description { description: d, .. } => description = Some(d.clone()),
                _ => {}
            }
        }
        Call::UpdateSettings {
            group: request.group_id().to_owned(),
            subject,
            description,
        }
    }

    fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict> {
        match answer {
            Ok(_) => request.ops.iter().map(|_| Verdict::Accepted).collect(),
            Err(e) => all_failed(request, e),
        }
    }

    fn confirmation(spec: &OpSpec) -> Confirmation {
        Confirmation::ReadGroup(spec.group().unwrap_or_default().to_owned())
    }

    fn applied(ops: &[Sent], seen: &Seen) -> Vec<Found> {
        on_group_read(ops, seen, |op, info| {
            Some(match op.spec {
                OpSpec::Subject { subject, .. } => info.subject == sanitize(subject.trim()),
                OpSpec::Description { description, .. } => {
                    info.description.as_deref().unwrap_or("") == sanitize(description)
                }
                _ => false,
            })
        })
    }

    /// `group_settings_update` (`groups-api-2026.md` §2.4, W): each part sent comes back with
    /// its own `update_successful` and `errors`; a subject change is settled by
    /// `group_subject`, a description change by `group_description` (confirmed, or failed with
    /// the part's error, else the item's). A part the event lacks says nothing of its change,
    /// unless the event has no part at all and `errors` (W's "total fail"). Matched by the
    /// change's `request_id`, or, when its answer carried none (C: a bare 200), by its group,
    /// and then only when the event's text of the part is the text this change sets.
    fn settle_by_event(spec: &OpSpec, event: &GroupEvent, how: EventMatch) -> Option<Verdict> {
        if event.kind != EventType::SettingsUpdate
            || how == EventMatch::Member
            || event
                .group_id
                .as_deref()
                .is_some_and(|g| Some(g) != spec.group())
        {
            return None;
        }
        let (name, wanted) = match spec {
            OpSpec::Subject { subject, .. } => ("subject", sanitize(subject.trim())),
            OpSpec::Description { description, .. } => ("description", sanitize(description)),
            _ => return None,
        };
        let Some(part) = event.settings.iter().find(|s| s.part == name) else {
            return match how {
                EventMatch::Request if event.settings.is_empty() => event_failure(&event.errors),
                _ => None,
            };
        };
        if how == EventMatch::Group && part.text.as_deref() != Some(wanted.as_str()) {
            return None;
        }
        if part.ok {
            return Some(Verdict::Confirmed);
        }
        let errors: Vec<_> = part.error.iter().chain(&event.errors).cloned().collect();
        Some(event_failure(&errors).unwrap_or_else(|| Verdict::Failed {
            code: None,
            message: format!("the server did not apply the {}", spec.kind()),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::GroupInfo;

    #[test]
    fn subject_and_description_of_a_group_go_in_one_request_and_a_read_confirms_each() {
        let ops = [
            PendingOp {
                id: crate::domain::OpId(1),
                spec: OpSpec::Description {
                    group: "g".into(),
                    description: "a\nb".into(),
                },
            },
            PendingOp {
                id: crate::domain::OpId(2),
                spec: OpSpec::Subject {
                    group: "g".into(),
                    subject: "New".into(),
                },
            },
        ];
        let plan = Settings::plan(ops[..2].to_vec(), &Mirror::default());
        assert_eq!(plan.requests.len(), 1);
        let call = Settings::request(&plan.requests[0]);
        assert_eq!(
            call.body(),
            Some(
                serde_json::json!({"messaging_product": "whatsapp", "subject": "New", "description": "a\nb"})
            )
        );
        let info = GroupInfo {
            id: "g".into(),
            subject: "New".into(),
            description: Some("a b".into()),
            participants: vec![],
            total_participant_count: Some(0),
            suspended: None,
            creation_timestamp: None,
            join_approval_mode: None,
        };
        let sent: Vec<Sent> = ops
            .iter()
            .map(|op| Sent {
                spec: &op.spec,
                since: 0,
                unknown: false,
            })
            .collect();
        assert_eq!(
            Settings::applied(&sent, &Seen::Group(info)),
            [Found::Yes, Found::Yes]
        );
    }
}
