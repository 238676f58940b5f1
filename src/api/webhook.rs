//! Group webhooks as they arrive: Meta's envelope read leniently (`groups-api-2026.md` §2,
//! with every contract-versus-prose difference of §1.12), each item of `groups[]` made a
//! [`GroupEvent`] with its strings made safe, and a key that recognises the same item
//! delivered again.
//!
//! Envelope: `{"object":"whatsapp_business_account","entry":[{"id":WABA,"changes":[{"field",
//! "value":{"messaging_product","metadata":{"display_phone_number","phone_number_id"},
//! "groups":[items]}}]}]}`. Fields other than the four group fields (`messages`…) are counted
//! and left alone.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::lenient;
use super::wire::text;
use crate::domain::event::{EventError, EventPerson, FailedPerson, SettingOutcome};
use crate::domain::{EventField, EventType, GroupEvent, GroupId};

/// One POST body, read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    /// The group events of each business number the body speaks of, in body order.
    pub changes: Vec<NumberEvents>,
    /// Changes of other fields (`messages`…), or without a phone number id: not kept.
    pub ignored: usize,
}

impl Delivery {
    /// How many group events it holds.
    pub fn event_count(&self) -> usize {
        self.changes.iter().map(|c| c.events.len()).sum()
    }
}

/// The events of one change, for one business phone number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberEvents {
    /// `value.metadata.phone_number_id`: whose account the events are.
    pub phone_number_id: String,
    pub events: Vec<ReceivedEvent>,
}

/// An item of `groups[]`, and its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedEvent {
    /// Lowercase hex SHA-256 of the number, the field and the item's JSON with its keys
    /// sorted: the same for the same item however often and in whatever company it comes
    /// (§2.1: Meta retries, and order is not guaranteed).
    pub key: String,
    pub event: GroupEvent,
}

/// Why a body is not a delivery. The text never quotes the body.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    #[error("not JSON ({0})")]
    NotJson(String),
    #[error("not a webhook envelope: {0}")]
    NotAnEnvelope(&'static str),
}

/// Reads a body. Items of the four group fields become events; anything else in a valid
/// envelope is counted as ignored.
pub fn parse_delivery(body: &[u8]) -> Result<Delivery, DeliveryError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        // Only where and what kind of fault: serde's message may quote the body.
        let what = match e.classify() {
            serde_json::error::Category::Eof => "cut short",
            serde_json::error::Category::Syntax => "bad syntax",
            serde_json::error::Category::Data => "bad data",
            serde_json::error::Category::Io => "unreadable",
        };
        DeliveryError::NotJson(format!("{what} at line {} column {}", e.line(), e.column()))
    })?;
    parse_envelope(&value)
}

/// Reads an envelope already parsed as JSON.
pub fn parse_envelope(value: &Value) -> Result<Delivery, DeliveryError> {
    let Some(object) = value.as_object() else {
        return Err(DeliveryError::NotAnEnvelope("not a JSON object"));
    };
    let Some(entries) = object.get("entry").and_then(Value::as_array) else {
        return Err(DeliveryError::NotAnEnvelope("no `entry` list"));
    };
    if let Some(kind) = object.get("object").and_then(Value::as_str)
        && kind != "whatsapp_business_account"
    {
        return Err(DeliveryError::NotAnEnvelope(
            "`object` is not whatsapp_business_account",
        ));
    }
    let mut delivery = Delivery::default();
    for entry in entries {
        let changes = entry.get("changes").and_then(Value::as_array);
        for change in changes.into_iter().flatten() {
            let field = change
                .get("field")
                .and_then(Value::as_str)
                .and_then(EventField::parse);
            let value = change.get("value").unwrap_or(&Value::Null);
            let number = value
                .get("metadata")
                .and_then(|m| lenient::string(m.get("phone_number_id")))
                .filter(|n| is_number_id(n));
            let items = value.get("groups").and_then(Value::as_array);
            let (Some(field), Some(number), Some(items)) = (field, number, items) else {
                delivery.ignored += 1;
                continue;
            };
            let events = items
                .iter()
                .map(|item| ReceivedEvent {
                    key: key_of(&number, field, item),
                    event: read_item(field, item, value),
                })
                .collect();
            delivery.changes.push(NumberEvents {
                phone_number_id: number,
                events,
            });
        }
    }
    Ok(delivery)
}

/// A phone number id: digits only (so it can name an account and nothing else).
fn is_number_id(text: &str) -> bool {
    !text.is_empty() && text.len() <= 32 && text.bytes().all(|b| b.is_ascii_digit())
}

fn key_of(number: &str, field: EventField, item: &Value) -> String {
    let mut canonical = String::new();
    write_canonical(item, &mut canonical);
    let mut hash = Sha256::new();
    hash.update(number.as_bytes());
    hash.update(b"\n");
    hash.update(field.as_str().as_bytes());
    hash.update(b"\n");
    hash.update(canonical.as_bytes());
    hex::encode(hash.finalize())
}

/// JSON with every object's keys sorted, whatever order the sender wrote them in.
fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// One item, read from the field meanings. `value` is the change's value, where some of W's
/// examples put `initiated_by`.
fn read_item(field: EventField, item: &Value, value: &Value) -> GroupEvent {
    let kind = kind_of(field, item);
    let mut e = GroupEvent::new(field, kind);
    e.group_id =
        text(item.get("group_id")).and_then(|g| GroupId::parse(&g).ok().map(GroupId::into_string));
    e.request_id = text(item.get("request_id")).filter(|r| !r.is_empty());
    e.at = lenient::int(item.get("timestamp")).map(seconds_to_ms);
    e.initiated_by = text(item.get("initiated_by")).or_else(|| text(value.get("initiated_by")));
    e.reason = text(item.get("reason"));
    e.errors = errors(item.get("errors"));
    e.subject = text(item.get("subject"));
    e.description = text(item.get("description"));
    e.invite_link = text(item.get("invite_link"));
    e.join_approval_mode = text(item.get("join_approval_mode"));
    e.join_request_id = text(item.get("join_request_id"));
    match &e.kind {
        EventType::ParticipantsAdd => e.people = people(item.get("added_participants")),
        EventType::ParticipantsRemove => e.people = people(item.get("removed_participants")),
        EventType::JoinRequestCreated | EventType::JoinRequestRevoked => {
            e.people = vec![person(item)];
        }
        EventType::SettingsUpdate => e.settings = settings(item),
        _ => {}
    }
    e.failed = item
        .get("failed_participants")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|f| FailedPerson {
            person: person(f),
            error: errors(f.get("errors")).into_iter().next().or_else(|| {
                // `{input, code, message}` flat, as some answers give it.
                lenient::int(f.get("code")).map(|code| error_of(f, Some(code)))
            }),
        })
        .collect();
    e
}

/// The type, W's or C's; a participants item whose type contradicts its field (C's remove
/// example says `group_create`) is read by the list it carries.
fn kind_of(field: EventField, item: &Value) -> EventType {
    let named = text(item.get("type")).map(|t| EventType::parse(&t));
    let participant_kind = matches!(
        named,
        Some(
            EventType::ParticipantsAdd
                | EventType::ParticipantsRemove
                | EventType::JoinRequestCreated
                | EventType::JoinRequestRevoked
        )
    );
    if field == EventField::Participants && !participant_kind {
        if item.get("removed_participants").is_some() {
            return EventType::ParticipantsRemove;
        }
        if item.get("added_participants").is_some() {
            return EventType::ParticipantsAdd;
        }
    }
    named.unwrap_or_else(|| EventType::Other(String::new()))
}

/// Seconds as W writes them; a value already in milliseconds is kept.
fn seconds_to_ms(t: i64) -> i64 {
    if t > 100_000_000_000 {
        t
    } else {
        t.saturating_mul(1000)
    }
}

fn person(v: &Value) -> EventPerson {
    EventPerson {
        input: text(v.get("input")),
        wa_id: text(v.get("wa_id")).map(|w| w.trim_start_matches('+').to_owned()),
        user_id: text(v.get("user_id")),
        username: text(v.get("username")),
    }
}

fn people(list: Option<&Value>) -> Vec<EventPerson> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(person)
        .collect()
}

fn error_of(v: &Value, code: Option<i64>) -> EventError {
    let details = v.get("error_data").and_then(|d| text(d.get("details")));
    let message = text(v.get("message"))
        .or_else(|| text(v.get("title")))
        .or(details)
        .unwrap_or_else(|| "(no message)".to_owned());
    EventError { code, message }
}

fn errors(list: Option<&Value>) -> Vec<EventError> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| error_of(v, lenient::int(v.get("code"))))
        .collect()
}

fn settings(item: &Value) -> Vec<SettingOutcome> {
    let parts = [
        ("subject", "group_subject", "text"),
        ("description", "group_description", "text"),
        ("profile_picture", "profile_picture", "sha256"),
    ];
    parts
        .into_iter()
        .filter_map(|(part, key, text_key)| {
            let v = item.get(key)?;
            let error = errors(v.get("errors")).into_iter().next();
            Some(SettingOutcome {
                part: part.to_owned(),
                text: text(v.get(text_key)),
                ok: lenient::boolean(v.get("update_successful")).unwrap_or(error.is_none()),
                error,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn envelope(field: &str, items: Value) -> Value {
        json!({"object": "whatsapp_business_account", "entry": [{"id": "208765432109876",
            "changes": [{"field": field, "value": {"messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "15550109999", "phone_number_id": "109876543210987"},
                "groups": items}}]}]})
    }

    fn one(field: &str, item: Value) -> GroupEvent {
        let d = parse_envelope(&envelope(field, json!([item]))).expect("envelope");
        d.changes[0].events[0].event.clone()
    }

    #[test]
    fn the_key_ignores_key_order_and_company() {
        let a = json!({"type": "group_suspend", "group_id": "Z3Jw", "timestamp": "1"});
        let b: Value =
            serde_json::from_str(r#"{"timestamp":"1","group_id":"Z3Jw","type":"group_suspend"}"#)
                .expect("json");
        let other = json!({"type": "group_suspend_cleared", "group_id": "Z3Jw", "timestamp": "1"});
        let alone = parse_envelope(&envelope("group_status_update", json!([a]))).expect("a");
        let together =
            parse_envelope(&envelope("group_status_update", json!([other, b]))).expect("b");
        assert_eq!(
            alone.changes[0].events[0].key,
            together.changes[0].events[1].key
        );
        assert_ne!(
            together.changes[0].events[0].key,
            together.changes[0].events[1].key
        );
    }

    #[test]
    fn contract_spellings_and_quoted_numbers_are_read() {
        let e = one(
            "group_participant_update",
            json!({"timestamp": 1767262000, "group_id": "Z3Jw", "type": "group_create",
                   "request_id": "RQ-1", "removed_participants": [{"input": "+15550100003"}],
                   "failed_participants": [{"input": "15550100005",
                       "errors": [{"code": "131212", "message": "not in group"}]}]}),
        );
        assert_eq!(e.field, EventField::Participants);
        assert_eq!(e.kind, EventType::ParticipantsRemove);
        assert_eq!(e.at, Some(1_767_262_000_000));
        assert_eq!(
            e.failed[0].error.as_ref().and_then(|x| x.code),
            Some(131212)
        );
        assert_eq!(e.people[0].label(), "+15550100003");
    }

    #[test]
    fn initiated_by_is_read_beside_the_item_too() {
        let mut v = envelope(
            "group_participants_update",
            json!([{"type": "group_participants_remove", "group_id": "Z3Jw",
                    "removed_participants": [{"wa_id": "15550100006"}]}]),
        );
        v["entry"][0]["changes"][0]["value"]["initiated_by"] = json!("participant");
        let d = parse_envelope(&v).expect("envelope");
        let e = &d.changes[0].events[0].event;
        assert_eq!(e.initiated_by.as_deref(), Some("participant"));
        assert!(!e.by_business());
    }

    #[test]
    fn what_is_not_an_envelope_is_refused_without_quoting_it() {
        let secret_looking = br#"{"entry": "EAAB-not-quoted"#;
        let err = parse_delivery(secret_looking).expect_err("cut short");
        assert!(!err.to_string().contains("EAAB"), "{err}");
        assert!(matches!(
            parse_delivery(b"[1,2]"),
            Err(DeliveryError::NotAnEnvelope(_))
        ));
        assert!(matches!(
            parse_delivery(br#"{"object":"page","entry":[]}"#),
            Err(DeliveryError::NotAnEnvelope(_))
        ));
        let messages = envelope("messages", json!([]));
        let d = parse_envelope(&messages).expect("other fields are fine");
        assert_eq!((d.event_count(), d.ignored), (0, 1));
    }

    #[test]
    fn server_text_is_made_safe_and_bad_group_ids_dropped() {
        let e = one(
            "group_lifecycle_update",
            json!({"type": "group_create", "group_id": "../etc", "subject": "a\u{1b}]52;c;x\u{7}",
                   "request_id": "RQ-2"}),
        );
        assert_eq!(e.group_id, None);
        assert!(!e.subject.unwrap_or_default().contains('\u{1b}'));
    }
}
