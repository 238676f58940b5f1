//! A join request as a change names it: its id and who asked.

use serde::{Deserialize, Serialize};

use crate::domain::Person;

/// One pending join request (`join_request_id`, `groups-api-2026.md` §1.7) and the person who
/// made it, with every key the server showed (the phone may be hidden: then the BSUID and
/// username name them).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JoinRequestRef {
    pub id: String,
    /// Who asked; `None` when the server named no one the tool can know (no valid wa_id nor
    /// BSUID).
    pub person: Option<Person>,
}

impl JoinRequestRef {
    /// The asker for lines and dialogs: [`Person::label`] (`+15550100001`,
    /// `US.13491208655302741918 @nora_b7`), or the request id when no one is named.
    pub fn label(&self) -> String {
        self.person
            .as_ref()
            .map_or_else(|| format!("request {}", self.id), Person::label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Participant, UserId};

    #[test]
    fn an_asker_is_named_as_every_person_is() {
        let hidden = Person::by_user_id(UserId::parse("US.1349").expect("bsuid"))
            .with_username(Some("nora_b7".into()));
        let shown = Person::by_phone(Participant::from_wa_id("15550100001").expect("wa_id"));
        let named = |person: Option<Person>| {
            JoinRequestRef {
                id: "SlJR1".into(),
                person,
            }
            .label()
        };
        assert_eq!(named(Some(hidden)), "US.1349 @nora_b7");
        assert_eq!(named(Some(shown)), "+15550100001");
        assert_eq!(named(None), "request SlJR1");
    }
}
