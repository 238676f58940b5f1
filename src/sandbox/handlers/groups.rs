//! Groups themselves: list, info, create and delete.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::{
    PageSpot, Write, accepted, error, group_error, optional_text, paging, paging_json, write_body,
};
use crate::sandbox::errors::{GraphError, ItemError, json_response};
use crate::sandbox::shared::Shared;
use crate::sandbox::state::{
    ApprovalMode, CreateError, CreateOutcome, Group, Groups, NewGroup, check_description,
    check_subject, now,
};
use crate::sandbox::webhook::{Field, events};

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

/// `GET /{v}/{phone_number_id}/groups?limit=&after=&before=`.
pub fn list_groups(
    shared: &Shared,
    version: &str,
    phone_number_id: &str,
    query: &HashMap<String, String>,
) -> Response {
    if let Err(e) = check_number(shared, phone_number_id) {
        return error(shared, e);
    }
    let (limit, after, before) = match paging(query) {
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
            let spot = PageSpot {
                first: first.position,
                last: last.position,
                has_next: page.has_next,
                has_previous: page.has_previous,
            };
            let url = format!("{}/{version}/{phone_number_id}/groups", shared.base_url);
            body["paging"] = paging_json(&url, limit, &spot);
        }
        body
    };
    json_response(StatusCode::OK, &body)
}

/// Only the sandbox's own business number has groups.
fn check_number(shared: &Shared, phone_number_id: &str) -> Result<(), GraphError> {
    if phone_number_id == shared.phone_number_id {
        return Ok(());
    }
    Err(GraphError::invalid(format!(
        "Unsupported request. Object with ID '{phone_number_id}' does not exist, cannot be \
         loaded due to missing permissions, or does not support this operation"
    ))
    .subcode(33))
}

fn info_field(groups: &mut Groups, group: &Group, field: &str) -> Value {
    match field {
        "id" => json!(group.id),
        "messaging_product" => json!("whatsapp"),
        "subject" => json!(group.subject),
        "description" => json!(group.description),
        "participants" => Value::Array(
            group
                .members
                .iter()
                .map(|wa_id| Value::Object(groups.people.person(wa_id).identity_json()))
                .collect(),
        ),
        "total_participant_count" => json!(group.members.len()),
        "suspended" => json!(group.suspended),
        "creation_timestamp" => json!(group.created_at),
        "join_approval_mode" => json!(group.join_approval_mode.as_str()),
        _ => Value::Null,
    }
}

/// `GET /{v}/{group_id}?fields=...`; answered for suspended groups too (`suspended: true`).
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
    if let Some(unknown) = requested.iter().find(|f| !INFO_FIELDS.contains(f)) {
        return error(
            shared,
            GraphError::invalid(format!(
                "(#100) Tried accessing nonexisting field ({unknown}) on node type (Group)"
            )),
        );
    }
    let body = {
        let mut groups = shared.groups();
        let Some(group) = groups.get(group_id).cloned() else {
            drop(groups);
            return error(shared, GraphError::unknown_group(group_id));
        };
        let mut body = Map::new();
        body.insert("id".into(), json!(group.id));
        body.insert("messaging_product".into(), json!("whatsapp"));
        for field in requested {
            body.insert(field.to_owned(), info_field(&mut groups, &group, field));
        }
        Value::Object(body)
    };
    json_response(StatusCode::OK, &body)
}

/// The checked fields of a create body.
fn parse_create(body: &[u8]) -> Result<NewGroup, GraphError> {
    let object = write_body(body)?;
    let text = |name: &str| optional_text(&object, name);
    let Some(subject) = text("subject")? else {
        return Err(GraphError::invalid("The parameter subject is required"));
    };
    let subject = check_subject(&subject).map_err(|why| {
        GraphError::invalid("Param subject is not a valid group subject").details(why)
    })?;
    let description = check_description(&text("description")?.unwrap_or_default())
        .map_err(|why| GraphError::invalid("Param description is too long").details(why))?;
    let mode = match text("join_approval_mode")? {
        None => ApprovalMode::AutoApprove,
        Some(mode) => ApprovalMode::parse(&mode).ok_or_else(|| {
            GraphError::invalid(
                "Param join_approval_mode must be one of {approval_required, auto_approve}",
            )
            .details(format!("join_approval_mode was `{mode}`"))
        })?,
    };
    Ok(NewGroup {
        subject,
        description,
        mode,
    })
}

fn create_error(e: CreateError) -> ItemError {
    match e {
        CreateError::LimitReached => ItemError {
            code: 131211,
            title: "Group create limit reached",
            message: "Group creation limit reached",
            details: "The business phone number already has the most active groups it may have"
                .to_owned(),
        },
        CreateError::CreationDisabled => ItemError {
            code: 131214,
            title: "Group creation temporarily disabled",
            message: "Group creation is temporarily disabled",
            details: "Too many marketing messages inside customer service windows over the \
                      past 7 days"
                .to_owned(),
        },
    }
}

/// `POST /{v}/{phone_number_id}/groups`: answers a `request_id` at once; the group exists
/// (and its `group_create` webhook goes) `create_delay` later, or the webhook carries
/// `errors[]` when the limit was reached meanwhile.
pub fn create_group(shared: &Arc<Shared>, phone_number_id: &str, body: &[u8]) -> Response {
    if let Err(e) = check_number(shared, phone_number_id) {
        return error(shared, e);
    }
    let new = match parse_create(body) {
        Ok(new) => new,
        Err(e) => return error(shared, e),
    };
    if let Err(e) = shared.groups().may_create() {
        return error(shared, create_error(e).to_graph(StatusCode::BAD_REQUEST));
    }
    let request_id = shared.request_id();
    let done = {
        let (shared, request_id) = (shared.clone(), request_id.clone());
        move || complete_create(&shared, &request_id, new)
    };
    if shared.create_delay.is_zero() {
        done();
    } else {
        let delay = shared.create_delay;
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            done();
        });
    }
    json_response(
        StatusCode::OK,
        &json!({"messaging_product": "whatsapp", "request_id": request_id}),
    )
}

fn complete_create(shared: &Shared, request_id: &str, new: NewGroup) {
    let at = now();
    let (subject, description, mode) = (new.subject.clone(), new.description.clone(), new.mode);
    let outcome = shared.groups().complete_create(request_id, new, at);
    let item = match outcome {
        CreateOutcome::Created {
            group_id,
            invite_link,
        } => {
            shared.stats().record_applied_write();
            events::group_created(at, request_id, &group_id, &subject, &invite_link, mode)
        }
        CreateOutcome::Failed(e) => {
            events::group_create_failed(at, request_id, &subject, &description, &create_error(e))
        }
    };
    shared.emit(Field::Lifecycle, item);
}

/// `DELETE /{v}/{group_id}`: the group, its link and join requests go; a `group_delete`
/// webhook follows.
pub fn delete_group(shared: &Shared, group_id: &str) -> Response {
    if let Err(e) = shared.groups().delete_group(group_id) {
        return group_error(shared, group_id, e);
    }
    shared.stats().record_applied_write();
    let request_id = shared.request_id();
    shared.emit(
        Field::Lifecycle,
        events::group_deleted(now(), &request_id, group_id),
    );
    accepted(shared, Write::DeleteGroup, &request_id)
}
