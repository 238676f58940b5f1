//! What one operation asks of the Graph API: one typed spec per kind of change.

use serde::{Deserialize, Serialize};

use super::OperationKind;
use crate::domain::group::{JoinRequestRef, NewGroup, Photo};
use crate::domain::{Participant, Person};

/// One change, as queued. Every kind of change is a variant; what the engine does with each
/// lives in one module per kind (`engine::kinds`), and how the store keeps it is
/// [`OpSpec::parts`] / [`OpSpec::from_parts`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpSpec {
    /// Add `person` to `group`. The person's phone number is known: participants are added by
    /// phone number (`groups-api-2026.md` §1.8), so [`OpSpec::for_person`] refuses an add of
    /// someone known only by BSUID.
    Add { group: String, person: Person },
    /// Remove `person` from `group`: by phone number, or by BSUID alone.
    Remove { group: String, person: Person },
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

/// Why a change cannot be a spec: an add of someone known only by BSUID, or stored parts that
/// are not a spec (the store reports those as a corrupt row).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SpecError(pub String);

/// How a spec is kept: its kind, the group it changes, the person it is about, and what else
/// it carries as JSON (`None` for kinds that carry nothing more).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecParts {
    pub kind: OperationKind,
    pub group: Option<String>,
    pub person: Option<Person>,
    pub payload: Option<String>,
}

impl OpSpec {
    /// A participant change of `kind` (add; anything else is a removal) of someone known by
    /// phone number.
    pub fn for_participant(
        kind: OperationKind,
        group: impl Into<String>,
        p: Participant,
    ) -> OpSpec {
        let group = group.into();
        let person = Person::by_phone(p);
        match kind {
            OperationKind::Add => OpSpec::Add { group, person },
            // The participant actions are the only callers' kinds.
            _ => OpSpec::Remove { group, person },
        }
    }

    /// A participant change of `kind` of `person`.
    ///
    /// # Errors
    /// An add of someone without a phone number (known only by BSUID): the Graph API adds
    /// participants by phone number; a kind that is not a participant change.
    pub fn for_person(
        kind: OperationKind,
        group: impl Into<String>,
        person: Person,
    ) -> Result<OpSpec, SpecError> {
        let group = group.into();
        match kind {
            OperationKind::Add if person.phone().is_none() => Err(SpecError(format!(
                "{} is known only by BSUID: participants are added by phone number",
                person.label()
            ))),
            OperationKind::Add => Ok(OpSpec::Add { group, person }),
            OperationKind::Remove => Ok(OpSpec::Remove { group, person }),
            other => Err(SpecError(format!("`{other}` is not a participant change"))),
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

    /// The participant an add or a removal is about (kinds about no participant: `None`; a
    /// join request's asker is [`OpSpec::who`]).
    pub fn person(&self) -> Option<&Person> {
        match self {
            OpSpec::Add { person, .. } | OpSpec::Remove { person, .. } => Some(person),
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

    /// Whoever the change names: the participant of an add or removal ([`OpSpec::person`]),
    /// or the asker of a join request when the server named them.
    pub fn who(&self) -> Option<&Person> {
        self.person()
            .or_else(|| self.join_request().and_then(|r| r.person.as_ref()))
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

    /// The group as text, empty for a change that makes one (for lines and audit rows).
    pub fn group_text(&self) -> &str {
        self.group().unwrap_or_default()
    }

    /// Whoever the change names ([`OpSpec::who`]) in one token ([`Person::user_ref`]: the
    /// phone in E.164, else the BSUID), empty for kinds about no one (audit rows, one-column
    /// outputs).
    pub fn person_ref(&self) -> &str {
        self.who().map_or("", Person::user_ref)
    }

    /// Whoever the change names ([`OpSpec::who`]) as shown ([`Person::label`]), empty for
    /// kinds about no one.
    pub fn person_label(&self) -> String {
        self.who().map(Person::label).unwrap_or_default()
    }

    /// What the open (pending) change holds a place for: two pending changes with the same
    /// slot cannot coexist, and the queue rules decide between them. An add and a removal of
    /// one person in one group share a slot (the later wins); the person is keyed by
    /// [`Person::key`], so one number written in two of WhatsApp's forms holds one slot.
    ///
    /// The lifecycle kinds: one pending create per subject (a second is the same create, and
    /// a create is matched to its group by subject); one pending subject, description, photo,
    /// delete and link change per group (the later wins); one decision per join request.
    pub fn slot(&self) -> String {
        match self {
            OpSpec::Add { group, person } | OpSpec::Remove { group, person } => {
                format!("participant:{group}:{}", person.key())
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

    /// Whether `other` asks for the same change as this one: the same kind in the same slot
    /// (the same person in the same group, however they were written).
    pub fn same_change(&self, other: &OpSpec) -> bool {
        self.kind() == other.kind() && self.slot() == other.slot()
    }

    /// The change that takes this one back, when there is one (undo of a change made). A
    /// removal of someone known only by BSUID has none: they cannot be added back without a
    /// phone number.
    pub fn reverse(&self) -> Option<OpSpec> {
        match self {
            OpSpec::Add { group, person } => Some(OpSpec::Remove {
                group: group.clone(),
                person: person.clone(),
            }),
            OpSpec::Remove { group, person } => {
                OpSpec::for_person(OperationKind::Add, group.clone(), person.clone()).ok()
            }
            _ => None,
        }
    }

    /// The same change about `person` as the group lists them (what the mirror knows of the
    /// same person completes what was given: a username, the BSUID, the phone). Kinds about
    /// no participant are unchanged.
    pub fn completed_by(self, member: &Person) -> OpSpec {
        match self {
            OpSpec::Add { group, person } => OpSpec::Add {
                group,
                person: person.completed_by(member),
            },
            OpSpec::Remove { group, person } => OpSpec::Remove {
                group,
                person: person.completed_by(member),
            },
            other => other,
        }
    }

    /// The spec as the store keeps it: the lifecycle kinds carry their fields as JSON (a
    /// photo as base64); a join decision keeps its asker as the person, when named.
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
            OpSpec::Approve { request, .. } | OpSpec::Reject { request, .. } => {
                Some(json!({ "join_request_id": request.id }))
            }
        };
        SpecParts {
            kind: self.kind(),
            group: self.group().map(str::to_owned),
            person: self.who().cloned(),
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
                let person = parts.person.clone().ok_or_else(|| missing("participant"))?;
                OpSpec::for_person(parts.kind, group, person)
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
                person: parts.person.clone(),
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
    use crate::domain::UserId;

    fn p(n: &str) -> Participant {
        Participant::from_wa_id(n).expect("wa_id")
    }

    fn by_bsuid(id: &str) -> Person {
        Person::by_user_id(UserId::parse(id).expect("bsuid"))
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
    fn one_number_in_two_forms_holds_one_slot() {
        for (a, b) in [
            ("551187654321", "5511987654321"),
            ("5215512345678", "525512345678"),
            ("541123456789", "5491123456789"),
        ] {
            let first = OpSpec::for_participant(OperationKind::Remove, "g", p(a));
            let second = OpSpec::for_participant(OperationKind::Remove, "g", p(b));
            assert_eq!(first.slot(), second.slot(), "{a} {b}");
            assert!(first.same_change(&second));
        }
    }

    #[test]
    fn a_removal_may_name_a_bsuid_and_an_add_may_not() {
        let remove = OpSpec::for_person(OperationKind::Remove, "g", by_bsuid("US.42"))
            .expect("removal by BSUID");
        assert_eq!(remove.slot(), "participant:g:US.42");
        assert_eq!(remove.person_ref(), "US.42");
        assert_eq!(remove.reverse(), None, "no phone to add them back with");
        let err = OpSpec::for_person(OperationKind::Add, "g", by_bsuid("US.42"))
            .expect_err("an add needs a phone");
        assert_eq!(
            err.to_string(),
            "US.42 is known only by BSUID: participants are added by phone number"
        );
        let known = Person::known(Some(p("12025550143")), UserId::parse("US.42").ok())
            .expect("known")
            .with_username(Some("ana".into()));
        let completed = remove.completed_by(&known);
        assert_eq!(completed.person_label(), "+12025550143 @ana");
        assert!(completed.reverse().is_some());
    }

    #[test]
    fn parts_round_trip() {
        use crate::domain::JoinApprovalMode;
        let request = JoinRequestRef {
            id: "SlJRXzAwMQ".into(),
            person: Some(p("15550100002").into()),
        };
        for spec in [
            OpSpec::for_participant(OperationKind::Add, "g", p("12025550143")),
            OpSpec::for_participant(OperationKind::Remove, "g", p("12025550143")),
            OpSpec::for_person(OperationKind::Remove, "g", by_bsuid("BR.7")).expect("spec"),
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
                photo: Photo::check(crate::testing::jpeg(192, 192)).expect("photo"),
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
                    person: Some(by_bsuid("US.1234").with_username(Some("nora_b7".into()))),
                    ..request.clone()
                },
            },
            OpSpec::Reject {
                group: "g".into(),
                request: JoinRequestRef {
                    person: None,
                    ..request
                },
            },
        ] {
            assert_eq!(OpSpec::from_parts(spec.parts()), Ok(spec));
        }
        let broken = SpecParts {
            kind: OperationKind::Add,
            group: None,
            person: None,
            payload: None,
        };
        assert!(OpSpec::from_parts(broken).is_err());
        let unaddable = SpecParts {
            kind: OperationKind::Add,
            group: Some("g".into()),
            person: Some(by_bsuid("US.1")),
            payload: None,
        };
        assert!(OpSpec::from_parts(unaddable).is_err());
        let no_fields = SpecParts {
            kind: OperationKind::Create,
            group: None,
            person: None,
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
