//! A group's subject and description: both changes of one group go in one JSON request,
//! confirmed by reading the group (the answer says nothing of the outcome; the
//! `group_settings_update` webhook does).

use std::collections::BTreeMap;

use crate::api::{Answer, ApiError, Call};
use crate::domain::OpSpec;
use crate::domain::plan::{PendingOp, Plan, PlannedRequest};
use crate::domain::text::sanitize;

use super::{
    Confirmation, Found, Kind, Mirror, OutsideEvent, Seen, Sent, Verdict, all_failed, on_group_read,
};

/// The subject and description kinds.
pub struct Settings;

impl Kind for Settings {
    const BATCH: usize = 2;

    fn plan(ops: &[&PendingOp], _mirror: &Mirror) -> Plan {
        let mut by_group: BTreeMap<&str, Vec<PendingOp>> = BTreeMap::new();
        for op in ops {
            if let Some(group) = op.spec.group() {
                by_group.entry(group).or_default().push((*op).clone());
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

    fn outside(spec: &OpSpec, event: &OutsideEvent) -> Option<Verdict> {
        let part = match (spec, event) {
            (OpSpec::Subject { .. }, OutsideEvent::SettingsUpdated { subject, .. }) => *subject,
            (OpSpec::Description { .. }, OutsideEvent::SettingsUpdated { description, .. }) => {
                *description
            }
            (_, OutsideEvent::Failed { code, message }) => {
                return Some(Verdict::Failed {
                    code: *code,
                    message: message.clone(),
                });
            }
            _ => None,
        }?;
        Some(if part {
            Verdict::Confirmed
        } else {
            Verdict::Failed {
                code: None,
                message: format!("the server did not apply the {}", spec.kind()),
            }
        })
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
        let plan = Settings::plan(&[&ops[0], &ops[1]], &Mirror::default());
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
