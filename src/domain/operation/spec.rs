//! What one operation asks of the Graph API: one typed spec per kind of change.

use serde::{Deserialize, Serialize};

use super::OperationKind;
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
    /// A participant change of `kind` (add or remove) of someone known by phone number.
    pub fn for_participant(
        kind: OperationKind,
        group: impl Into<String>,
        p: Participant,
    ) -> OpSpec {
        let group = group.into();
        let person = Person::by_phone(p);
        match kind {
            OperationKind::Add => OpSpec::Add { group, person },
            OperationKind::Remove => OpSpec::Remove { group, person },
        }
    }

    /// A participant change of `kind` of `person`.
    ///
    /// # Errors
    /// An add of someone without a phone number (known only by BSUID): the Graph API adds
    /// participants by phone number.
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
        }
    }

    pub fn kind(&self) -> OperationKind {
        match self {
            OpSpec::Add { .. } => OperationKind::Add,
            OpSpec::Remove { .. } => OperationKind::Remove,
        }
    }

    /// The group the change is for (`None` for a change that makes a group).
    pub fn group(&self) -> Option<&str> {
        match self {
            OpSpec::Add { group, .. } | OpSpec::Remove { group, .. } => Some(group),
        }
    }

    /// The person the change is about, for kinds that are about one.
    pub fn person(&self) -> Option<&Person> {
        match self {
            OpSpec::Add { person, .. } | OpSpec::Remove { person, .. } => Some(person),
        }
    }

    /// The group as text, empty for a change that makes one (for lines and audit rows).
    pub fn group_text(&self) -> &str {
        self.group().unwrap_or_default()
    }

    /// The person in one token ([`Person::user_ref`]: the phone in E.164, else the BSUID),
    /// empty for kinds about no one (audit rows, one-column outputs).
    pub fn person_ref(&self) -> &str {
        self.person().map_or("", Person::user_ref)
    }

    /// The person as shown ([`Person::label`]), empty for kinds about no one.
    pub fn person_label(&self) -> String {
        self.person().map(Person::label).unwrap_or_default()
    }

    /// What the open (pending) change holds a place for: two pending changes with the same
    /// slot cannot coexist, and the queue rules decide between them. An add and a removal of
    /// one person in one group share a slot (the later wins); the person is keyed by
    /// [`Person::key`], so one number written in two of WhatsApp's forms holds one slot.
    pub fn slot(&self) -> String {
        match self {
            OpSpec::Add { group, person } | OpSpec::Remove { group, person } => {
                format!("participant:{group}:{}", person.key())
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
        }
    }

    /// The same change about `person` as the group lists them (what the mirror knows of the
    /// same person completes what was given: a username, the BSUID, the phone).
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
        }
    }

    /// The spec as the store keeps it.
    pub fn parts(&self) -> SpecParts {
        SpecParts {
            kind: self.kind(),
            group: self.group().map(str::to_owned),
            person: self.person().cloned(),
            payload: None,
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
        }
    }
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
        for spec in [
            OpSpec::for_participant(OperationKind::Add, "g", p("12025550143")),
            OpSpec::for_participant(OperationKind::Remove, "g", p("12025550143")),
            OpSpec::for_person(OperationKind::Remove, "g", by_bsuid("BR.7")).expect("spec"),
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
    }
}
