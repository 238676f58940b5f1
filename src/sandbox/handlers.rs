//! The Graph group calls themselves: list, info, delete, add and remove participants.

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::errors::{GraphError, json_response};
use super::ids;
use super::seed::GROUP_CAPACITY;
use super::shared::Shared;
use super::state::{
    Change, ChangeOutcome, Failure, FailureKind, Group, Participant, normalise_user,
};

const DEFAULT_LIMIT: usize = 25;
const MAX_LIMIT: usize = 1024;
const INFO_FIELDS: &[&str] = &[
    "id",
    "messaging_product",
    "subject",
    "description",
    "participants",
    "total_participant_count",
    "suspended",
    "creation_timestamp",
    "join_approval_mode",
];

fn error(shared: &Shared, error: GraphError) -> Response {
    error.into_response(&shared.trace_id(), Map::new())
}

/// `GET /{v}/{phone_number_id}/groups?limit=&after=&before=`.
pub fn list_groups(
    shared: &Shared,
    version: &str,
    phone_number_id: &str,
    query: &HashMap<String, String>,
) -> Response {
    if phone_number_id != shared.phone_number_id {
        return error(
            shared,
            GraphError::invalid(format!(
                "Unsupported get request. Object with ID '{phone_number_id}' does not exist, \
                 cannot be loaded due to missing permissions, or does not support this operation"
            ))
            .subcode(33),
        );
    }
    let (limit, after, before) = match paging_params(query) {
        Ok(params) => params,
        Err(e) => return error(shared, e),
    };
    let body = {
        let groups = shared.groups();
        let page = groups.page(after, before, limit);
        let items: Vec<Value> = page
            .groups
            .iter()
            .map(|g| json!({"id": g.id, "subject": g.subject, "created_at": g.created_at.to_string()}))
            .collect();
        let mut body = json!({"data": {"groups": items}});
        if let (Some(first), Some(last)) = (page.groups.first(), page.groups.last()) {
            let (first, last) = (ids::cursor(first.position), ids::cursor(last.position));
            let link = |key: &str, cursor: &str| {
                format!(
                    "{}/{version}/{phone_number_id}/groups?limit={limit}&{key}={cursor}",
                    shared.base_url
                )
            };
            let mut paging = json!({"cursors": {"before": first, "after": last}});
            if page.has_next {
                paging["next"] = json!(link("after", &last));
            }
            if page.has_previous {
                paging["previous"] = json!(link("before", &first));
            }
            body["paging"] = paging;
        }
        body
    };
    json_response(StatusCode::OK, &body)
}

/// `limit`, `after` and `before` of a list request, checked.
fn paging_params(
    query: &HashMap<String, String>,
) -> Result<(usize, Option<u64>, Option<u64>), GraphError> {
    let limit = match query.get("limit") {
        None => DEFAULT_LIMIT,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(GraphError::invalid(format!(
                    "Param limit must be an integer between 1 and {MAX_LIMIT}"
                ))
                .details(format!("limit was `{text}`")));
            }
        },
    };
    let cursor = |name: &str| match query.get(name) {
        None => Ok(None),
        Some(text) => ids::parse_cursor(text).map(Some).ok_or_else(|| {
            GraphError::invalid(format!("Param {name} is not a valid cursor"))
                .details(format!("{name} was `{text}`"))
        }),
    };
    Ok((limit, cursor("after")?, cursor("before")?))
}

fn info_field(group: &Group, field: &str) -> Value {
    match field {
        "id" => json!(group.id),
        "messaging_product" => json!("whatsapp"),
        "subject" => json!(group.subject),
        "description" => json!(group.description),
        "participants" => Value::Array(
            group
                .members
                .iter()
                .map(|wa_id| json!({"wa_id": wa_id}))
                .collect(),
        ),
        "total_participant_count" => json!(group.members.len()),
        "suspended" => json!(group.suspended),
        "creation_timestamp" => json!(group.created_at),
        "join_approval_mode" => json!(group.join_approval_mode),
        _ => Value::Null,
    }
}

/// `GET /{v}/{group_id}?fields=...`.
pub fn group_info(shared: &Shared, group_id: &str, query: &HashMap<String, String>) -> Response {
    let requested: Vec<&str> = match query.get("fields") {
        Some(fields) => fields
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .collect(),
        None => Vec::new(),
    };
    let requested = if requested.is_empty() {
        vec!["subject"]
    } else {
        requested
    };
    let body = {
        let groups = shared.groups();
        let Some(group) = groups.get(group_id) else {
            drop(groups);
            return error(shared, GraphError::unknown_group(group_id));
        };
        if let Some(unknown) = requested.iter().find(|f| !INFO_FIELDS.contains(f)) {
            let unknown = (*unknown).to_owned();
            drop(groups);
            return error(
                shared,
                GraphError::invalid(format!(
                    "(#100) Tried accessing nonexisting field ({unknown}) on node type (Group)"
                )),
            );
        }
        let mut body = Map::new();
        body.insert("id".into(), json!(group.id));
        body.insert("messaging_product".into(), json!("whatsapp"));
        for field in requested {
            body.insert(field.to_owned(), info_field(group, field));
        }
        Value::Object(body)
    };
    json_response(StatusCode::OK, &body)
}

/// `DELETE /{v}/{group_id}`.
pub fn delete_group(shared: &Shared, group_id: &str) -> Response {
    let removed = shared.groups().remove(group_id);
    if !removed {
        return error(shared, GraphError::unknown_group(group_id));
    }
    shared.stats().record_applied_write();
    json_response(StatusCode::OK, &json!({"success": true}))
}

/// The checked participants of an add or remove body, or the 400 / code 100 saying what is wrong.
fn parse_participants(body: &[u8]) -> Result<Vec<Participant>, GraphError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| GraphError::invalid("Invalid JSON in request body").details(e.to_string()))?;
    let Some(object) = value.as_object() else {
        return Err(GraphError::invalid(
            "The request body must be a JSON object",
        ));
    };
    match object.get("messaging_product") {
        Some(Value::String(p)) if p == "whatsapp" => {}
        Some(other) => {
            return Err(
                GraphError::invalid("Param messaging_product must be \"whatsapp\"")
                    .details(format!("messaging_product was {other}")),
            );
        }
        None => {
            return Err(GraphError::invalid(
                "The parameter messaging_product is required",
            ));
        }
    }
    let items = match object.get("participants") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) => {
            return Err(GraphError::invalid("Param participants must not be empty")
                .details("participants must hold 1 to 8 items"));
        }
        Some(_) => {
            return Err(
                GraphError::invalid("Param participants must be an array").details(
                    "participants must hold 1 to 8 items such as {\"user\":\"+15551234567\"}",
                ),
            );
        }
        None => {
            return Err(GraphError::invalid(
                "The parameter participants is required",
            ));
        }
    };
    if items.len() > GROUP_CAPACITY {
        return Err(GraphError::invalid(format!(
            "Param participants must have at most {GROUP_CAPACITY} items"
        ))
        .details(format!("participants had {} items", items.len())));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let user = item.get("user").and_then(Value::as_str);
            let wa_id = user.and_then(normalise_user);
            match (user, wa_id) {
                (Some(user), Some(wa_id)) => Ok(Participant {
                    input: user.to_owned(),
                    wa_id,
                }),
                _ => Err(GraphError::invalid(format!(
                    "Param participants[{i}][user] is not a valid phone number or WhatsApp ID"
                ))
                .details(format!(
                    "participants[{i}] was {item}; expected {{\"user\":\"+<7 to 15 digits>\"}}"
                ))),
            }
        })
        .collect()
}

fn failure_json(failure: &Failure) -> (GraphError, Value) {
    let (code, title, message, details) = match failure.kind {
        FailureKind::TermsNotAccepted => (
            131203,
            "Unable to add participant",
            "Recipient has not accepted the current terms",
            format!(
                "{} has not accepted the current WhatsApp terms and cannot be added",
                failure.input
            ),
        ),
        FailureKind::NotAMember => (
            131212,
            "Participant not in group",
            "Participant is not in the group",
            format!("{} is not a participant of this group", failure.input),
        ),
    };
    let item = json!({
        "input": failure.input,
        "errors": [{
            "code": code,
            "message": message,
            "title": title,
            "error_data": {"details": details},
        }],
    });
    let error = GraphError::new(StatusCode::BAD_REQUEST, code, message).details(details);
    (error, item)
}

/// `POST` / `DELETE /{v}/{group_id}/participants`: checked and applied under one lock.
pub fn change_participants(
    shared: &Shared,
    group_id: &str,
    change: Change,
    body: &[u8],
) -> Response {
    let participants = match parse_participants(body) {
        Ok(p) => p,
        Err(e) => return error(shared, e),
    };
    let outcome = shared
        .groups()
        .change_participants(group_id, change, &participants);
    let (changed, failures) = match outcome {
        ChangeOutcome::UnknownGroup => return error(shared, GraphError::unknown_group(group_id)),
        ChangeOutcome::Duplicate { input } => {
            return error(
                shared,
                GraphError::new(
                    StatusCode::BAD_REQUEST,
                    131202,
                    "Duplicate participant in the request",
                )
                .details(format!("{input} appears more than once")),
            );
        }
        ChangeOutcome::OverCapacity { members, adding } => {
            return error(
                shared,
                GraphError::new(
                    StatusCode::BAD_REQUEST,
                    131204,
                    "Group size limit exceeded",
                )
                .details(format!(
                    "The group has {members} of {GROUP_CAPACITY} participants; adding {adding} would exceed the limit"
                )),
            );
        }
        ChangeOutcome::Done {
            changed,
            failures,
            redundant,
        } => {
            shared.stats().record_redundant(redundant);
            (changed, failures)
        }
    };
    if changed > 0 {
        shared.stats().record_applied_write();
    }
    if failures.is_empty() {
        return json_response(
            StatusCode::OK,
            &json!({"messaging_product": "whatsapp", "request_id": shared.request_id()}),
        );
    }
    let mut first_error = None;
    let mut items = Vec::with_capacity(failures.len());
    for failure in &failures {
        let (error, item) = failure_json(failure);
        first_error.get_or_insert(error);
        items.push(item);
    }
    let mut extra = Map::new();
    if failures.len() < participants.len() {
        let partial = GraphError::new(StatusCode::PARTIAL_CONTENT, 131201, "Partial success");
        extra.insert("messaging_product".into(), json!("whatsapp"));
        extra.insert("request_id".into(), json!(shared.request_id()));
        extra.insert("failed_participants".into(), Value::Array(items));
        return partial.into_response(&shared.trace_id(), extra);
    }
    extra.insert("failed_participants".into(), Value::Array(items));
    let top = first_error.unwrap_or_else(|| GraphError::invalid("All participants failed"));
    top.into_response(&shared.trace_id(), extra)
}
