//! What one operation asks of the Graph API: one typed spec per kind of change.

use serde::{Deserialize, Serialize};

use super::OperationKind;
use crate::domain::Participant;
use crate::domain::group::{JoinRequestRef, NewGroup, Photo};

/// One change, as queued. Every kind of change is a variant; what the engine does with each
/// lives in one module per kind (`engine::kinds`), and how the store keeps it is
/// [`OpSpec::parts`] / [`OpSpec::from_parts`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpSpec {
    /// Add `participant` to `group`.
    Add {
        group: String,
        participant: Participant,
    },
    /// Remove `participant` from `group`.
    Remove {
        group: String,
        participant: Participant,
    },
    /// Create a group; `group` is the id it got, once found.
    Create {
        group: Option<String>,
        new: NewGroup,
    },
    /// Set `group`'s subject (checked: trimmed, 1 to 128 characters).
    Subject { group: String, subject: String },
    /// Set `group`'s description (checked: at most 2048 characters).
    Description { group: String, description: String },
    /// Set `group`'s photo (checked: a square JPEG of at least 192 px, at most 5 MB).
    Photo { group: String, photo: Photo },
    /// Delete `group` (every participant leaves, the business too).
    Delete { group: String },
    /// Reset `group`'s invite link: the old one stops working.
    ResetLink { group: String },
    /// Revoke `group`'s invite link.
    RevokeLink { group: String },
    /// Approve a join request of `group`.
    Approve {
        group: String,
        request: JoinRequestRef,
    },
    /// Reject a join request of `group`.
    Reject {
        group: String,
        request: JoinRequestRef,
    },
}

/// Why stored parts are not a spec (the store reports it as a corrupt row).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SpecError(pub String);

/// How a spec is kept: its kind, the group it changes, the person it is about, and what else
/// it carries as JSON (`None` for kinds that carry nothing more).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecParts {
    pub kind: OperationKind,
    pub group: Option<String>,
    pub participant: Option<Participant>,
    pub payload: Option<String>,
}

impl OpSpec {
    /// A participant change of `kind` (add; anything else is a removal).
    pub fn for_participant(
        kind: OperationKind,
        group: impl Into<String>,
        p: Participant,
    ) -> OpSpec {
        let group = group.into();
        match kind {
            OperationKind::Add => OpSpec::Add {
                group,
                participant: p,
            },
            // The participant actions are the only callers' kinds.
            _ => OpSpec::Remove {
                group,
                participant: p,
            },
        }
    }

    pub fn kind(&self) -> OperationKind {
        match self {
            OpSpec::Add { .. } => OperationKind::Add,
            OpSpec::Remove { .. } => OperationKind::Remove,
            OpSpec::Create { .. } => OperationKind::Create,
            OpSpec::Subject { .. } => OperationKind::Subject,
            OpSpec::Description { .. } => OperationKind::Description,
            OpSpec::Photo { .. } => OperationKind::Photo,
            OpSpec::Delete { .. } => OperationKind::Delete,
            OpSpec::ResetLink { .. } => OperationKind::ResetLink,
            OpSpec::RevokeLink { .. } => OperationKind::RevokeLink,
            OpSpec::Approve { .. } => OperationKind::Approve,
            OpSpec::Reject { .. } => OperationKind::Reject,
        }
    }

    /// The group the change is for (`None` for a create whose group is not found yet).
    pub fn group(&self) -> Option<&str> {
        match self {
            OpSpec::Create { group, .. } => group.as_deref(),
            OpSpec::Add { group, .. }
            | OpSpec::Remove { group, .. }
            | OpSpec::Subject { group, .. }
            | OpSpec::Description { group, .. }
            | OpSpec::Photo { group, .. }
            | OpSpec::Delete { group }
            | OpSpec::ResetLink { group }
            | OpSpec::RevokeLink { group }
            | OpSpec::Approve { group, .. }
            | OpSpec::Reject { group, .. } => Some(group),
        }
    }

    /// The person the change is about, for kinds that are about one (a join request's asker
    /// when their phone number is shown).
    pub fn participant(&self) -> Option<&Participant> {
        match self {
            OpSpec::Add { participant, .. } | OpSpec::Remove { participant, .. } => {
                Some(participant)
            }
            _ => None,
        }
    }

    /// The join request a decision is about.
    pub fn join_request(&self) -> Option<&JoinRequestRef> {
        match self {
            OpSpec::Approve { request, .. } | OpSpec::Reject { request, .. } => Some(request),
            _ => None,
        }
    }

    /// The same change, for the group a create made (other kinds unchanged).
    pub fn with_group(&self, made: &str) -> OpSpec {
        match self {
            OpSpec::Create { new, .. } => OpSpec::Create {
                group: Some(made.to_owned()),
                new: new.clone(),
            },
            other => other.clone(),
        }
    }

    /// What the change is, in a few words: `create "Spring cohort"`, `subject "New name"`,
    /// `approve +15550100001`.
    pub fn describe(&self) -> String {
        use crate::domain::text::sanitize;
        match self {
            OpSpec::Add { participant, .. } => format!("add {participant}"),
            OpSpec::Remove { participant, .. } => format!("remove {participant}"),
            OpSpec::Create { new, .. } => format!(
                "create \"{}\"{}",
                sanitize(&new.subject),
                if new.join_approval_mode == crate::domain::JoinApprovalMode::ApprovalRequired {
                    " (approval required)"
                } else {
                    ""
                }
            ),
            OpSpec::Subject { subject, .. } => format!("subject \"{}\"", sanitize(subject)),
            OpSpec::Description { description, .. } => {
                let short: String = description.chars().take(40).collect();
                let more = if description.chars().count() > 40 {
                    "…"
                } else {
                    ""
                };
                format!("description \"{}{more}\"", sanitize(&short))
            }
            OpSpec::Photo { photo, .. } => format!("photo ({})", photo.describe()),
            OpSpec::Delete { .. } => "delete the group".into(),
            OpSpec::ResetLink { .. } => "reset the invite link".into(),
            OpSpec::RevokeLink { .. } => "revoke the invite link".into(),
            OpSpec::Approve { request, .. } => format!("approve {}", sanitize(&request.label())),
            OpSpec::Reject { request, .. } => format!("reject {}", sanitize(&request.label())),
        }
    }

    /// The group as text, empty for a change that makes one (for lines and audit rows).
    pub fn group_text(&self) -> &str {
        self.group().unwrap_or_default()
    }

    /// The person as E.164 text, empty for kinds about no one (for lines and audit rows).
    pub fn person_text(&self) -> &str {
        self.participant().map_or("", Participant::e164)
    }

    /// Who the change is about, for audit rows: the participant (E.164), a join request's
    /// asker, or nothing.
    pub fn who_text(&self) -> String {
        match self {
            OpSpec::Add { participant, .. } | OpSpec::Remove { participant, .. } => {
                participant.e164().to_owned()
            }
            OpSpec::Approve { request, .. } | OpSpec::Reject { request, .. } => request.label(),
            _ => String::new(),
        }
    }

    /// What the open (pending) change holds a place for: two pending changes with the same
    /// slot cannot coexist, and the queue rules decide between them. An add and a removal of
    /// one person in one group share a slot (the later wins).
    ///
    /// The lifecycle kinds: one pending create per subject (a second is the same create, and
    /// a create is matched to its group by subject); one pending subject, description, photo,
    /// delete and link change per group (the later wins); one decision per join request.
    pub fn slot(&self) -> String {
        match self {
            OpSpec::Add { group, participant } | OpSpec::Remove { group, participant } => {
                format!("participant:{group}:{}", participant.wa_id())
            }
            OpSpec::Create { new, .. } => format!("create:{}", new.subject),
            OpSpec::Subject { group, .. } => format!("subject:{group}"),
            OpSpec::Description { group, .. } => format!("description:{group}"),
            OpSpec::Photo { group, .. } => format!("photo:{group}"),
            OpSpec::Delete { group } => format!("delete:{group}"),
            OpSpec::ResetLink { group } | OpSpec::RevokeLink { group } => format!("link:{group}"),
            OpSpec::Approve { group, request } | OpSpec::Reject { group, request } => {
                format!("join_request:{group}:{}", request.id)
            }
        }
    }

    /// The change that takes this one back, when there is one (undo of a change made).
    pub fn reverse(&self) -> Option<OpSpec> {
        match self {
            OpSpec::Add { group, participant } => Some(OpSpec::Remove {
                group: group.clone(),
                participant: participant.clone(),
            }),
            OpSpec::Remove { group, participant } => Some(OpSpec::Add {
                group: group.clone(),
                participant: participant.clone(),
            }),
            _ => None,
        }
    }

    /// The spec as the store keeps it: the lifecycle kinds carry their fields as JSON (a
    /// photo as base64), a join decision its asker as the participant when shown.
    pub fn parts(&self) -> SpecParts {
        use serde_json::json;
        let payload = match self {
            OpSpec::Add { .. } | OpSpec::Remove { .. } => None,
            OpSpec::Delete { .. } | OpSpec::ResetLink { .. } | OpSpec::RevokeLink { .. } => None,
            OpSpec::Create { new, .. } => Some(json!({
                "subject": new.subject,
                "description": new.description,
                "join_approval_mode": new.join_approval_mode.as_str(),
            })),
            OpSpec::Subject { subject, .. } => Some(json!({ "subject": subject })),
            OpSpec::Description { description, .. } => Some(json!({ "description": description })),
            OpSpec::Photo { photo, .. } => {
                use base64::Engine as _;
                Some(json!({
                    "jpeg": base64::engine::general_purpose::STANDARD.encode(&photo.jpeg),
                    "sha256": photo.sha256,
                }))
            }
            OpSpec::Approve { request, .. } | OpSpec::Reject { request, .. } => Some(json!({
                "join_request_id": request.id,
                "wa_id": request.wa_id,
                "who": request.who,
            })),
        };
        let participant = match self.join_request() {
            Some(r) => r
                .wa_id
                .as_deref()
                .and_then(|w| Participant::from_wa_id(w).ok()),
            None => self.participant().cloned(),
        };
        SpecParts {
            kind: self.kind(),
            group: self.group().map(str::to_owned),
            participant,
            payload: payload.map(|p| p.to_string()),
        }
    }

    /// The spec back from what the store kept.
    pub fn from_parts(parts: SpecParts) -> Result<OpSpec, SpecError> {
        let missing =
            |what: &str| SpecError(format!("a `{}` change without its {what}", parts.kind));
        match parts.kind {
            OperationKind::Add | OperationKind::Remove => {
                let group = parts.group.clone().ok_or_else(|| missing("group"))?;
                let participant = parts
                    .participant
                    .clone()
                    .ok_or_else(|| missing("participant"))?;
                Ok(OpSpec::for_participant(parts.kind, group, participant))
            }
            OperationKind::Create => {
                let payload = payload_of(&parts)?;
                let subject = text_field(&payload, "subject").ok_or_else(|| missing("subject"))?;
                let mode = text_field(&payload, "join_approval_mode")
                    .unwrap_or_default()
                    .parse()
                    .map_err(SpecError)?;
                Ok(OpSpec::Create {
                    group: parts.group.clone(),
                    new: NewGroup {
                        subject,
                        description: text_field(&payload, "description"),
                        join_approval_mode: mode,
                    },
                })
            }
            kind => {
                let group = parts.group.clone().ok_or_else(|| missing("group"))?;
                group_change(kind, group, &parts)
            }
        }
    }
}

/// The JSON a kind keeps, or why it is not there.
fn payload_of(parts: &SpecParts) -> Result<serde_json::Value, SpecError> {
    let text = parts
        .payload
        .as_deref()
        .ok_or_else(|| SpecError(format!("a `{}` change without its fields", parts.kind)))?;
    serde_json::from_str(text).map_err(|e| {
        SpecError(format!(
            "a `{}` change with unreadable fields: {e}",
            parts.kind
        ))
    })
}

fn text_field(payload: &serde_json::Value, name: &str) -> Option<String> {
    payload
        .get(name)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// A change of one existing group, from its stored parts.
fn group_change(
    kind: OperationKind,
    group: String,
    parts: &SpecParts,
) -> Result<OpSpec, SpecError> {
    let field = |name: &str| -> Result<String, SpecError> {
        let payload = payload_of(parts)?;
        text_field(&payload, name)
            .ok_or_else(|| SpecError(format!("a `{kind}` change without its {name}")))
    };
    Ok(match kind {
        OperationKind::Subject => OpSpec::Subject {
            group,
            subject: field("subject")?,
        },
        OperationKind::Description => OpSpec::Description {
            group,
            description: field("description")?,
        },
        OperationKind::Photo => {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(field("jpeg")?)
                .map_err(|e| SpecError(format!("a `photo` change with a bad photo: {e}")))?;
            let photo = Photo::check(bytes)
                .map_err(|e| SpecError(format!("a `photo` change with a bad photo: {e}")))?;
            OpSpec::Photo { group, photo }
        }
        OperationKind::Delete => OpSpec::Delete { group },
        OperationKind::ResetLink => OpSpec::ResetLink { group },
        OperationKind::RevokeLink => OpSpec::RevokeLink { group },
        OperationKind::Approve | OperationKind::Reject => {
            let payload = payload_of(parts)?;
            let request = JoinRequestRef {
                id: text_field(&payload, "join_request_id").ok_or_else(|| {
                    SpecError(format!("a `{kind}` change without its join request"))
                })?,
                wa_id: text_field(&payload, "wa_id"),
                who: text_field(&payload, "who"),
            };
            if kind == OperationKind::Approve {
                OpSpec::Approve { group, request }
            } else {
                OpSpec::Reject { group, request }
            }
        }
        OperationKind::Add | OperationKind::Remove | OperationKind::Create => {
            return Err(SpecError(format!(
                "`{kind}` is not a change of a group's own"
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(n: &str) -> Participant {
        Participant::from_wa_id(n).expect("wa_id")
    }

    #[test]
    fn an_add_and_a_remove_of_one_person_share_a_slot_and_reverse_each_other() {
        let add = OpSpec::for_participant(OperationKind::Add, "g", p("12025550143"));
        let remove = add.reverse().expect("reversible");
        assert_eq!(remove.kind(), OperationKind::Remove);
        assert_eq!(add.slot(), remove.slot());
        assert_eq!(remove.reverse(), Some(add.clone()));
        let other = OpSpec::for_participant(OperationKind::Add, "g", p("12025550144"));
        assert_ne!(add.slot(), other.slot());
        let elsewhere = OpSpec::for_participant(OperationKind::Add, "h", p("12025550143"));
        assert_ne!(add.slot(), elsewhere.slot());
    }

    #[test]
    fn parts_round_trip() {
        use crate::domain::JoinApprovalMode;
        let jpeg = {
            let mut bytes = vec![
                0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0x00, 0x01, 0x00,
            ];
            bytes.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
            bytes
        };
        let request = JoinRequestRef {
            id: "SlJRXzAwMQ".into(),
            wa_id: Some("15550100002".into()),
            who: None,
        };
        for spec in [
            OpSpec::for_participant(OperationKind::Add, "g", p("12025550143")),
            OpSpec::for_participant(OperationKind::Remove, "g", p("12025550143")),
            OpSpec::Create {
                group: None,
                new: NewGroup {
                    subject: "Spring cohort A".into(),
                    description: Some("Weekly check-ins".into()),
                    join_approval_mode: JoinApprovalMode::ApprovalRequired,
                },
            },
            OpSpec::Create {
                group: Some("G9".into()),
                new: NewGroup {
                    subject: "Made".into(),
                    description: None,
                    join_approval_mode: JoinApprovalMode::AutoApprove,
                },
            },
            OpSpec::Subject {
                group: "g".into(),
                subject: "New name".into(),
            },
            OpSpec::Description {
                group: "g".into(),
                description: "two\nlines".into(),
            },
            OpSpec::Photo {
                group: "g".into(),
                photo: Photo::check(jpeg).expect("photo"),
            },
            OpSpec::Delete { group: "g".into() },
            OpSpec::ResetLink { group: "g".into() },
            OpSpec::RevokeLink { group: "g".into() },
            OpSpec::Approve {
                group: "g".into(),
                request: request.clone(),
            },
            OpSpec::Reject {
                group: "g".into(),
                request: JoinRequestRef {
                    wa_id: None,
                    who: Some("US.1234".into()),
                    ..request
                },
            },
        ] {
            assert_eq!(OpSpec::from_parts(spec.parts()), Ok(spec));
        }
        let broken = SpecParts {
            kind: OperationKind::Add,
            group: None,
            participant: None,
            payload: None,
        };
        assert!(OpSpec::from_parts(broken).is_err());
        let no_fields = SpecParts {
            kind: OperationKind::Create,
            group: None,
            participant: None,
            payload: Some("{not json".into()),
        };
        assert!(OpSpec::from_parts(no_fields).is_err());
    }

    #[test]
    fn lifecycle_slots_keep_one_open_change_where_it_matters() {
        let reset = OpSpec::ResetLink { group: "g".into() };
        let revoke = OpSpec::RevokeLink { group: "g".into() };
        assert_eq!(reset.slot(), revoke.slot(), "the later link change wins");
        let subject = OpSpec::Subject {
            group: "g".into(),
            subject: "a".into(),
        };
        let description = OpSpec::Description {
            group: "g".into(),
            description: "a".into(),
        };
        assert_ne!(subject.slot(), description.slot(), "both go in one request");
        assert_eq!(subject.reverse(), None);
    }
}
