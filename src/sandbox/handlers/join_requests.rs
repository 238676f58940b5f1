//! Join requests of an `approval_required` group: list (paged), approve and reject (§1.7).

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::{PageSpot, error, group_error, paging, paging_json, write_body};
use crate::sandbox::errors::{GraphError, ItemError, json_response};
use crate::sandbox::shared::Shared;
use crate::sandbox::state::{ItemFailure, now};
use crate::sandbox::webhook::{Field, events};

/// `GET /{v}/{group_id}/join_requests?limit=&after=&before=`: `{"data":[{join_request_id,
/// wa_id?, user_id, parent_user_id?, username?, creation_timestamp}],"paging":{..}}`, oldest
/// first, 25 a page unless `limit` says (1 to 1024; the page size is not documented).
pub fn list(
    shared: &Shared,
    version: &str,
    group_id: &str,
    query: &HashMap<String, String>,
) -> Response {
    let (limit, after, before) = match paging(query) {
        Ok(params) => params,
        Err(e) => return error(shared, e),
    };
    let body = {
        let mut groups = shared.groups();
        let page = match groups.join_requests_page(group_id, after, before, limit) {
            Ok(page) => page,
            Err(e) => {
                drop(groups);
                return group_error(shared, group_id, e);
            }
        };
        let items: Vec<Value> = page
            .requests
            .iter()
            .map(|(_, r)| {
                let mut item = Map::new();
                item.insert("join_request_id".into(), json!(r.id));
                item.extend(groups.people.person(&r.wa_id).identity_json());
                item.insert("creation_timestamp".into(), json!(r.created_at));
                Value::Object(item)
            })
            .collect();
        let mut body = json!({"data": items});
        if let (Some((first, _)), Some((last, _))) = (page.requests.first(), page.requests.last()) {
            let spot = PageSpot {
                first: *first,
                last: *last,
                has_next: page.has_next,
                has_previous: page.has_previous,
            };
            let url = format!("{}/{version}/{group_id}/join_requests", shared.base_url);
            body["paging"] = paging_json(&url, limit, &spot);
        }
        body
    };
    json_response(StatusCode::OK, &body)
}

/// The ids of an approve or reject body: a non-empty array of non-empty strings.
fn parse_ids(body: &[u8]) -> Result<Vec<String>, GraphError> {
    let object = write_body(body)?;
    let expected = "join_requests must be an array of join request ids such as [\"MTY0Njc...\"]";
    let Some(value) = object.get("join_requests") else {
        return Err(
            GraphError::invalid("The parameter join_requests is required").details(expected),
        );
    };
    let items = match value {
        Value::Array(items) if !items.is_empty() => items,
        _ => {
            return Err(
                GraphError::invalid("Param join_requests must be a non-empty array")
                    .details(expected),
            );
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item.as_str().map(str::trim) {
            Some(id) if !id.is_empty() => Ok(id.to_owned()),
            _ => Err(GraphError::invalid(format!(
                "Param join_requests[{i}] must be a join request id"
            ))
            .details(format!("join_requests[{i}] was {item}"))),
        })
        .collect()
}

fn failure_error(id: &str, failure: ItemFailure) -> ItemError {
    match failure {
        ItemFailure::UnknownRequest => ItemError {
            code: 131213,
            title: "Join request not found",
            message: "Join request does not exist",
            details: format!("No pending join request has the id {id}"),
        },
        ItemFailure::TermsNotAccepted => ItemError::terms_not_accepted(format!(
            "The user of join request {id} has not accepted the current terms"
        )),
        ItemFailure::GroupFull => ItemError {
            code: 131204,
            title: "Group size limit exceeded",
            message: "Group size limit exceeded",
            details: format!("The group is full; join request {id} stays pending"),
        },
    }
}

/// `POST` (approve) / `DELETE` (reject) `/{v}/{group_id}/join_requests`: `approved_` or
/// `rejected_join_requests`, plus `failed_join_requests` and `errors` when any failed.
/// Approved users are in at once and one `group_participants_add` webhook names them all;
/// rejections send none (R).
pub fn answer(shared: &Shared, group_id: &str, approve: bool, body: &[u8]) -> Response {
    let ids = match parse_ids(body) {
        Ok(ids) => ids,
        Err(e) => return error(shared, e),
    };
    let (outcome, people) = {
        let mut groups = shared.groups();
        match groups.answer_join_requests(group_id, &ids, approve) {
            Ok(outcome) => {
                let people: Vec<_> = outcome
                    .done
                    .iter()
                    .map(|(_, wa_id)| groups.people.person(wa_id))
                    .collect();
                (outcome, people)
            }
            Err(e) => {
                drop(groups);
                return group_error(shared, group_id, e);
            }
        }
    };
    if !outcome.done.is_empty() {
        shared.stats().record_applied_write();
        if approve {
            shared.emit(
                Field::Participants,
                events::approved(now(), group_id, &people),
            );
        }
    }
    let done: Vec<&String> = outcome.done.iter().map(|(id, _)| id).collect();
    let key = if approve {
        "approved_join_requests"
    } else {
        "rejected_join_requests"
    };
    let mut body = json!({"messaging_product": "whatsapp", key: done});
    if !outcome.failed.is_empty() {
        let errors: Vec<ItemError> = outcome
            .failed
            .iter()
            .map(|(id, f)| failure_error(id, *f))
            .collect();
        let failed: Vec<Value> = outcome
            .failed
            .iter()
            .zip(&errors)
            .map(|((id, _), e)| json!({"join_request_id": id, "errors": [e.to_json()]}))
            .collect();
        body["failed_join_requests"] = Value::Array(failed);
        let top = if outcome.done.is_empty() {
            errors[0].clone()
        } else {
            ItemError {
                code: 131201,
                title: "Not All Join Requests Succeeded",
                message: "Failed to answer some join requests",
                details: format!("{} of {} join requests failed", errors.len(), ids.len()),
            }
        };
        body["errors"] = json!([top.to_json()]);
    }
    json_response(StatusCode::OK, &body)
}
