//! The items of `value.groups[]`, one builder for each case of `groups-api-2026.md` §2.2–2.5,
//! written from the field meanings (valid JSON, W's type names, `timestamp` as a string as W's
//! examples mostly write it, `initiated_by` inside the item, `request_id` only on what the
//! business asked for).

use serde_json::{Map, Value, json};

use crate::sandbox::errors::ItemError;
use crate::sandbox::people::Person;
use crate::sandbox::state::{ApprovalMode, FieldUpdate, SettingsOutcome};

fn item(timestamp: u64, group_id: Option<&str>, kind: &str) -> Map<String, Value> {
    let mut item = Map::new();
    item.insert("timestamp".into(), json!(timestamp.to_string()));
    if let Some(group_id) = group_id {
        item.insert("group_id".into(), json!(group_id));
    }
    item.insert("type".into(), json!(kind));
    item
}

fn errors(list: &[ItemError]) -> Value {
    Value::Array(list.iter().map(ItemError::to_json).collect())
}

/// `group_create` done: the new group's id, subject, invite link and approval mode (W).
pub fn group_created(
    at: u64,
    request_id: &str,
    group_id: &str,
    subject: &str,
    invite_link: &str,
    mode: ApprovalMode,
) -> Value {
    let mut v = item(at, Some(group_id), "group_create");
    v.insert("request_id".into(), json!(request_id));
    v.insert("subject".into(), json!(subject));
    v.insert("invite_link".into(), json!(invite_link));
    v.insert("join_approval_mode".into(), json!(mode.as_str()));
    Value::Object(v)
}

/// `group_create` failed: what was asked for and `errors[]`; no group id (none was made).
pub fn group_create_failed(
    at: u64,
    request_id: &str,
    subject: &str,
    description: &str,
    error: &ItemError,
) -> Value {
    let mut v = item(at, None, "group_create");
    v.insert("request_id".into(), json!(request_id));
    v.insert("subject".into(), json!(subject));
    if !description.is_empty() {
        v.insert("description".into(), json!(description));
    }
    v.insert("errors".into(), errors(std::slice::from_ref(error)));
    Value::Object(v)
}

/// `group_delete` done.
pub fn group_deleted(at: u64, request_id: &str, group_id: &str) -> Value {
    let mut v = item(at, Some(group_id), "group_delete");
    v.insert("request_id".into(), json!(request_id));
    Value::Object(v)
}

/// What a business add or remove did: the participants done (as sent) and those that failed.
pub struct BusinessChange<'a> {
    pub request_id: &'a str,
    pub group_id: &'a str,
    pub add: bool,
    /// (input, who) of each participant the change applied to.
    pub done: Vec<(String, Person)>,
    pub failed: Vec<(String, ItemError)>,
    /// The whole-request error when some or all failed (131201 and the like).
    pub error: Option<ItemError>,
}

/// `group_participants_remove` (W: `removed_participants[{input}]`) or, for the contract's add
/// call that W never shows, `group_participants_add` with `added_participants[{input, wa_id,
/// user_id…}]`; both `initiated_by: business`, with `failed_participants` and `errors` when
/// something failed.
pub fn business_change(at: u64, change: &BusinessChange<'_>) -> Value {
    let kind = if change.add {
        "group_participants_add"
    } else {
        "group_participants_remove"
    };
    let mut v = item(at, Some(change.group_id), kind);
    v.insert("request_id".into(), json!(change.request_id));
    v.insert("initiated_by".into(), json!("business"));
    let done: Vec<Value> = change
        .done
        .iter()
        .map(|(input, person)| {
            let mut entry = Map::new();
            entry.insert("input".into(), json!(input));
            if change.add {
                entry.extend(person.identity_json());
            }
            Value::Object(entry)
        })
        .collect();
    let list = if change.add {
        "added_participants"
    } else {
        "removed_participants"
    };
    v.insert(list.into(), Value::Array(done));
    if !change.failed.is_empty() {
        v.insert(
            "failed_participants".into(),
            failed_participants(&change.failed),
        );
    }
    if let Some(error) = &change.error {
        v.insert("errors".into(), errors(std::slice::from_ref(error)));
    }
    Value::Object(v)
}

/// `failed_participants`: `[{input, errors: [{code, message, title, error_data}]}]`, as in
/// the 206 answer and the webhook.
pub fn failed_participants(failed: &[(String, ItemError)]) -> Value {
    failed
        .iter()
        .map(|(input, e)| json!({"input": input, "errors": [e.to_json()]}))
        .collect()
}

/// `group_participants_add` with `reason: invite_link`: users who came in by the link, or
/// whose join requests were approved (one event for a bulk approval; no `request_id`).
pub fn joined(at: u64, group_id: &str, people: &[Person]) -> Value {
    let mut v = item(at, Some(group_id), "group_participants_add");
    v.insert("reason".into(), json!("invite_link"));
    let added: Vec<Value> = people
        .iter()
        .map(|p| Value::Object(p.identity_json()))
        .collect();
    v.insert("added_participants".into(), Value::Array(added));
    Value::Object(v)
}

/// `group_participants_add` for approved join requests: as [`joined`] (`reason: invite_link`,
/// no `request_id`), each entry with the `input` W's approval example shows (the phone, when
/// the person shows it).
pub fn approved(at: u64, group_id: &str, people: &[Person]) -> Value {
    let mut v = joined(at, group_id, people);
    if let Some(added) = v
        .get_mut("added_participants")
        .and_then(Value::as_array_mut)
    {
        for (entry, person) in added.iter_mut().zip(people) {
            if let (Some(entry), false) = (entry.as_object_mut(), person.phone_hidden) {
                entry.insert("input".into(), json!(format!("+{}", person.wa_id)));
            }
        }
    }
    v
}

/// `group_participants_remove` with `initiated_by: participant`: a member left.
pub fn left(at: u64, group_id: &str, person: &Person) -> Value {
    let mut v = item(at, Some(group_id), "group_participants_remove");
    v.insert("initiated_by".into(), json!("participant"));
    let removed = vec![Value::Object(person.identity_json())];
    v.insert("removed_participants".into(), Value::Array(removed));
    Value::Object(v)
}

/// `group_join_request_created` or `group_join_request_revoked`: the request id and who asked,
/// at the item's top level (W). W's `reason` has no documented values and is left out.
pub fn join_request(
    at: u64,
    group_id: &str,
    join_request_id: &str,
    person: &Person,
    created: bool,
) -> Value {
    let kind = if created {
        "group_join_request_created"
    } else {
        "group_join_request_revoked"
    };
    let mut v = item(at, Some(group_id), kind);
    v.insert("join_request_id".into(), json!(join_request_id));
    v.extend(person.identity_json());
    Value::Object(v)
}

fn field_json(update: &FieldUpdate) -> Value {
    let mut v = Map::new();
    v.insert("text".into(), json!(update.text));
    v.insert("update_successful".into(), json!(update.error.is_none()));
    if let Some(why) = &update.error {
        let error = ItemError {
            code: 100,
            title: "Invalid parameter",
            message: "Invalid parameter",
            details: why.clone(),
        };
        v.insert("errors".into(), errors(&[error]));
    }
    Value::Object(v)
}

/// `group_settings_update`: each part sent, with its own `update_successful` and `errors`, and
/// a top-level `errors` when some (131201) or all parts failed (W §2.4).
pub fn settings_updated(
    at: u64,
    request_id: &str,
    group_id: &str,
    outcome: &SettingsOutcome,
) -> Value {
    let mut v = item(at, Some(group_id), "group_settings_update");
    v.insert("request_id".into(), json!(request_id));
    if let Some(sha) = &outcome.photo_sha256 {
        let photo = json!({"mime_type": "image/jpeg", "sha256": sha, "update_successful": true});
        v.insert("profile_picture".into(), photo);
    }
    let parts = [
        ("group_subject", &outcome.subject),
        ("group_description", &outcome.description),
    ];
    let mut sent = usize::from(outcome.photo_sha256.is_some());
    let mut failed = Vec::new();
    for (name, part) in parts {
        if let Some(update) = part {
            sent += 1;
            if let Some(why) = &update.error {
                failed.push(why.clone());
            }
            v.insert(name.into(), field_json(update));
        }
    }
    if !failed.is_empty() {
        let (code, title, message) = if failed.len() < sent {
            (
                131201,
                "Not All Settings Updated",
                "Failed to update some group settings",
            )
        } else {
            (
                100,
                "Invalid parameter",
                "Failed to update the group settings",
            )
        };
        let error = ItemError {
            code,
            title,
            message,
            details: failed.join("; "),
        };
        v.insert("errors".into(), errors(&[error]));
    }
    Value::Object(v)
}

/// `group_suspend` or `group_suspend_cleared` (W §2.5: no reason, no `request_id`).
pub fn suspension(at: u64, group_id: &str, suspended: bool) -> Value {
    let kind = if suspended {
        "group_suspend"
    } else {
        "group_suspend_cleared"
    };
    Value::Object(item(at, Some(group_id), kind))
}
