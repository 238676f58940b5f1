//! What one operation asks of the Graph API: one typed spec per kind of change.

use serde::{Deserialize, Serialize};

use super::OperationKind;
use crate::domain::Participant;

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
    /// A participant change of `kind` (add or remove).
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
            OperationKind::Remove => OpSpec::Remove {
                group,
                participant: p,
            },
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
    pub fn participant(&self) -> Option<&Participant> {
        match self {
            OpSpec::Add { participant, .. } | OpSpec::Remove { participant, .. } => {
                Some(participant)
            }
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

    /// What the open (pending) change holds a place for: two pending changes with the same
    /// slot cannot coexist, and the queue rules decide between them. An add and a removal of
    /// one person in one group share a slot (the later wins).
    pub fn slot(&self) -> String {
        match self {
            OpSpec::Add { group, participant } | OpSpec::Remove { group, participant } => {
                format!("participant:{group}:{}", participant.wa_id())
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
        }
    }

    /// The spec as the store keeps it.
    pub fn parts(&self) -> SpecParts {
        SpecParts {
            kind: self.kind(),
            group: self.group().map(str::to_owned),
            participant: self.participant().cloned(),
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
                let participant = parts
                    .participant
                    .clone()
                    .ok_or_else(|| missing("participant"))?;
                Ok(OpSpec::for_participant(parts.kind, group, participant))
            }
        }
    }
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
        for spec in [
            OpSpec::for_participant(OperationKind::Add, "g", p("12025550143")),
            OpSpec::for_participant(OperationKind::Remove, "g", p("12025550143")),
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
    }
}
