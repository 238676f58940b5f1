//! A group webhook event as the tool keeps it: what happened to which group, and to whom, in
//! the Graph API's terms (`groups-api-2026.md` §2). Read from any of the documented shapes by
//! `api::webhook`; settled against operations by `engine::inbox`.

use serde::{Deserialize, Serialize};

use super::{Participant, Person, UserId};

/// The four group webhook fields (§2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventField {
    /// `group_lifecycle_update`: creates and deletes.
    Lifecycle,
    /// `group_participants_update` (C's enum spells it `group_participant_update`).
    Participants,
    /// `group_settings_update`.
    Settings,
    /// `group_status_update`: suspensions.
    Status,
}

impl EventField {
    /// The field's name as W spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            EventField::Lifecycle => "group_lifecycle_update",
            EventField::Participants => "group_participants_update",
            EventField::Settings => "group_settings_update",
            EventField::Status => "group_status_update",
        }
    }

    /// Reads a field name: W's four, and C's singular `group_participant_update` (§1.12.6).
    pub fn parse(name: &str) -> Option<EventField> {
        match name.trim() {
            "group_lifecycle_update" => Some(EventField::Lifecycle),
            "group_participants_update" | "group_participant_update" => {
                Some(EventField::Participants)
            }
            "group_settings_update" => Some(EventField::Settings),
            "group_status_update" => Some(EventField::Status),
            _ => None,
        }
    }
}

/// What happened: the item's `type` (§2.2–2.5), with C's names read as W's (§1.12.7).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    GroupCreate,
    GroupDelete,
    /// Added by the business, joined by the invite link, or let in by an approval.
    ParticipantsAdd,
    /// Removed by the business, or left.
    ParticipantsRemove,
    JoinRequestCreated,
    JoinRequestRevoked,
    SettingsUpdate,
    Suspend,
    SuspendCleared,
    /// A type this build does not know: kept and shown, never applied.
    Other(String),
}

impl EventType {
    /// W's name of the type.
    pub fn as_str(&self) -> &str {
        match self {
            EventType::GroupCreate => "group_create",
            EventType::GroupDelete => "group_delete",
            EventType::ParticipantsAdd => "group_participants_add",
            EventType::ParticipantsRemove => "group_participants_remove",
            EventType::JoinRequestCreated => "group_join_request_created",
            EventType::JoinRequestRevoked => "group_join_request_revoked",
            EventType::SettingsUpdate => "group_settings_update",
            EventType::Suspend => "group_suspend",
            EventType::SuspendCleared => "group_suspend_cleared",
            EventType::Other(name) => name,
        }
    }

    /// Reads a type name, W's or C's (`group_add_participants`, `group_remove_participants`).
    pub fn parse(name: &str) -> EventType {
        match name.trim() {
            "group_create" => EventType::GroupCreate,
            "group_delete" => EventType::GroupDelete,
            "group_participants_add" | "group_add_participants" => EventType::ParticipantsAdd,
            "group_participants_remove" | "group_remove_participants" => {
                EventType::ParticipantsRemove
            }
            "group_join_request_created" => EventType::JoinRequestCreated,
            "group_join_request_revoked" => EventType::JoinRequestRevoked,
            "group_settings_update" => EventType::SettingsUpdate,
            "group_suspend" => EventType::Suspend,
            "group_suspend_cleared" => EventType::SuspendCleared,
            other => EventType::Other(other.to_owned()),
        }
    }
}

/// Someone an event names: what the business sent (`input`, on its own changes), and who the
/// person is (`wa_id`, missing when the phone is hidden; `user_id`, the BSUID; `username`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventPerson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wa_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

impl EventPerson {
    /// Who this is, with every key the event gives: the phone (their `wa_id`, or an `input`
    /// that is a phone number: `+15550100003`, `15550100004`), the BSUID (their `user_id`,
    /// or an `input` that is one, per B), the username; `None` when the entry names no one
    /// the tool can know.
    pub fn person(&self) -> Option<Person> {
        let input = self.input.as_deref().map(str::trim);
        let phone = self
            .wa_id
            .as_deref()
            .and_then(|w| Participant::from_wa_id(w).ok())
            .or_else(|| {
                input
                    .filter(|i| !UserId::is_meant(i))
                    .and_then(|i| Participant::from_wa_id(i).ok())
            });
        let user_id = self
            .user_id
            .as_deref()
            .and_then(|u| UserId::parse(u.trim()).ok())
            .or_else(|| input.and_then(|i| UserId::parse(i).ok()));
        Person::known(phone, user_id).map(|p| p.with_username(self.username.clone()))
    }

    /// Whether this entry is surely `p`: a strong key both hold matches (the phone in any of
    /// WhatsApp's forms, or the BSUID).
    pub fn is(&self, p: &Person) -> bool {
        self.person().is_some_and(|me| me.is(p))
    }

    /// Who, for the operator, as every output names a person ([`Person::label`]:
    /// `+15550100001 @ana.k`, or the BSUID when no phone is shown); what was sent when it
    /// names no one the tool can know.
    pub fn label(&self) -> String {
        self.person().map_or_else(
            || self.input.clone().unwrap_or_else(|| "someone".to_owned()),
            |p| p.label(),
        )
    }

    /// The keys this person may be known by in the store: the key of their phone (any of
    /// WhatsApp's forms of it gives the same) and their BSUID.
    pub fn keys(&self) -> Vec<String> {
        let Some(person) = self.person() else {
            return Vec::new();
        };
        let mut keys: Vec<String> = person.phone_key().into_iter().collect();
        keys.extend(person.user_id().map(|u| u.as_str().to_owned()));
        keys
    }
}

/// An error item (`{code, message, title, error_data:{details}}`): the code (W quotes it at
/// times) and the most telling text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventError {
    pub code: Option<i64>,
    pub message: String,
}

/// A participant the business's change could not be applied to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FailedPerson {
    pub person: EventPerson,
    /// The first of its errors; W's "all failed" example gives none.
    pub error: Option<EventError>,
}

/// One part of a settings change (§2.4): `subject`, `description` or `profile_picture`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SettingOutcome {
    pub part: String,
    /// The new subject or description; the picture's SHA-256.
    pub text: Option<String>,
    pub ok: bool,
    pub error: Option<EventError>,
}

/// One item of `value.groups[]`, every string made safe where it was read.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GroupEvent {
    pub field: EventField,
    #[serde(rename = "type")]
    pub kind: EventType,
    /// A checked group id (`None` when missing or not one: a failed create may have none).
    pub group_id: Option<String>,
    /// On what the business asked for (creates, deletes, adds, removals, settings), never on
    /// what users did (§2.3 "Correlation rule").
    pub request_id: Option<String>,
    /// When it happened (ms since the epoch; the item's `timestamp` is in seconds).
    pub at: Option<i64>,
    /// `business` or `participant`, read inside the item or beside it (§1.12.12).
    pub initiated_by: Option<String>,
    pub reason: Option<String>,
    /// `added_participants` or `removed_participants`; for a join request, who asked.
    #[serde(default)]
    pub people: Vec<EventPerson>,
    #[serde(default)]
    pub failed: Vec<FailedPerson>,
    /// The item's own `errors` (a failed create or delete, 131201 on a partial change).
    #[serde(default)]
    pub errors: Vec<EventError>,
    pub join_request_id: Option<String>,
    /// A create's subject, description, invite link and approval mode.
    pub subject: Option<String>,
    pub description: Option<String>,
    pub invite_link: Option<String>,
    pub join_approval_mode: Option<String>,
    #[serde(default)]
    pub settings: Vec<SettingOutcome>,
}

/// A change of one person's membership an event shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberMove {
    pub person: EventPerson,
    pub joined: bool,
}

impl GroupEvent {
    /// An event of `field` and `kind` with nothing else known yet (the reader fills it in).
    pub fn new(field: EventField, kind: EventType) -> GroupEvent {
        GroupEvent {
            field,
            kind,
            group_id: None,
            request_id: None,
            at: None,
            initiated_by: None,
            reason: None,
            people: Vec::new(),
            failed: Vec::new(),
            errors: Vec::new(),
            join_request_id: None,
            subject: None,
            description: None,
            invite_link: None,
            join_approval_mode: None,
            settings: Vec::new(),
        }
    }

    /// Whether the business caused it (it carries a `request_id`, or says so).
    pub fn by_business(&self) -> bool {
        self.request_id.is_some() || self.initiated_by.as_deref() == Some("business")
    }

    /// The memberships it changed, as the server says they now are: everyone added or removed
    /// (failures change nothing). Only participant adds and removals move anyone.
    pub fn member_moves(&self) -> Vec<MemberMove> {
        let joined = match self.kind {
            EventType::ParticipantsAdd => true,
            EventType::ParticipantsRemove => false,
            _ => return Vec::new(),
        };
        self.people
            .iter()
            .map(|person| MemberMove {
                person: person.clone(),
                joined,
            })
            .collect()
    }

    /// Whether the event names `p` as done (added or removed, or the one who asked to join).
    pub fn names(&self, p: &Person) -> bool {
        self.people.iter().any(|person| person.is(p))
    }

    /// The failure the event gives for `p`, if it names them as failed.
    pub fn failure_of(&self, p: &Person) -> Option<&FailedPerson> {
        self.failed.iter().find(|f| f.person.is(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_both_sources_are_read() {
        assert_eq!(
            EventField::parse("group_participant_update"),
            Some(EventField::Participants)
        );
        assert_eq!(EventField::parse("messages"), None);
        assert_eq!(
            EventType::parse("group_remove_participants"),
            EventType::ParticipantsRemove
        );
        assert_eq!(
            EventType::parse("group_add_participants"),
            EventType::ParticipantsAdd
        );
        assert_eq!(
            EventType::parse("group_renamed").as_str(),
            "group_renamed",
            "an unknown type is kept as it came"
        );
    }

    #[test]
    fn a_person_is_named_by_wa_id_input_or_bsuid_in_any_form() {
        let phone: Person = Participant::from_wa_id("15550100003")
            .expect("wa_id")
            .into();
        let bsuid = Person::by_user_id(UserId::parse("US.5512").expect("bsuid"));
        let by_input = EventPerson {
            input: Some("+15550100003".into()),
            ..EventPerson::default()
        };
        let by_wa_id = EventPerson {
            wa_id: Some("15550100003".into()),
            user_id: Some("US.5512".into()),
            username: Some("ana.k".into()),
            ..EventPerson::default()
        };
        let hidden = EventPerson {
            user_id: Some("US.5512".into()),
            ..EventPerson::default()
        };
        let bsuid_input = EventPerson {
            input: Some("US.5512".into()),
            ..EventPerson::default()
        };
        assert!(by_input.is(&phone) && by_wa_id.is(&phone) && !hidden.is(&phone));
        assert!(by_wa_id.is(&bsuid) && hidden.is(&bsuid) && bsuid_input.is(&bsuid));
        assert_eq!(by_wa_id.label(), "+15550100003 @ana.k");
        assert_eq!(hidden.label(), "US.5512");
        assert_eq!(by_wa_id.keys(), vec!["15550100003", "US.5512"]);
        // Brazil's old form of a number is the same person as its new one.
        let old_form = EventPerson {
            wa_id: Some("551187654321".into()),
            ..EventPerson::default()
        };
        let new_form: Person = Participant::from_wa_id("5511987654321")
            .expect("wa_id")
            .into();
        assert!(old_form.is(&new_form));
        assert_eq!(old_form.keys(), vec!["5511987654321"]);
        let nobody = EventPerson {
            input: Some("not a person".into()),
            ..EventPerson::default()
        };
        assert_eq!(
            (nobody.person(), nobody.label()),
            (None, "not a person".into())
        );
    }
}
