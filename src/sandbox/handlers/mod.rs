//! The Graph group calls, one module for each family; here what they share: errors, write
//! bodies, paging, and the documented shapes of a write's answer.

pub mod groups;
pub mod join_requests;
pub mod links;
pub mod participants;
mod photo;
pub mod settings;

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rand::RngExt;
use serde_json::{Map, Value, json};

use super::config::AnswerShapes;
use super::errors::{GraphError, json_response};
use super::ids;
use super::shared::Shared;
use super::state::GroupError;

const DEFAULT_LIMIT: usize = 25;
const MAX_LIMIT: usize = 1024;

/// A Graph error answer.
pub fn error(shared: &Shared, error: GraphError) -> Response {
    error.into_response(&shared.trace_id(), Map::new())
}

/// 131041 for an unknown group, 131207 for a suspended one.
pub fn group_error(shared: &Shared, group_id: &str, e: GroupError) -> Response {
    error(
        shared,
        match e {
            GroupError::Unknown => GraphError::unknown_group(group_id),
            GroupError::Suspended => GraphError::suspended(group_id),
        },
    )
}

/// A write body: a JSON object with `"messaging_product":"whatsapp"`, or the 400 / code 100
/// saying what is wrong.
pub fn write_body(body: &[u8]) -> Result<Map<String, Value>, GraphError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| GraphError::invalid("Invalid JSON in request body").details(e.to_string()))?;
    let Value::Object(object) = value else {
        return Err(GraphError::invalid(
            "The request body must be a JSON object",
        ));
    };
    check_product(object.get("messaging_product"))?;
    Ok(object)
}

/// An optional string field of a body: absent or null is `None`, anything but a string a 400.
pub fn optional_text(
    object: &Map<String, Value>,
    name: &str,
) -> Result<Option<String>, GraphError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(
            GraphError::invalid(format!("Param {name} must be a string"))
                .details(format!("{name} was {other}")),
        ),
    }
}

/// `messaging_product` must be there and be `whatsapp`.
pub fn check_product(value: Option<&Value>) -> Result<(), GraphError> {
    match value {
        Some(Value::String(p)) if p == "whatsapp" => Ok(()),
        Some(other) => Err(
            GraphError::invalid("Param messaging_product must be \"whatsapp\"")
                .details(format!("messaging_product was {other}")),
        ),
        None => Err(GraphError::invalid(
            "The parameter messaging_product is required",
        )),
    }
}

/// `limit`, `after` and `before` of a list request, checked (a bad cursor is 131059).
pub fn paging(
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
        Some(text) => ids::parse_cursor(text)
            .map(Some)
            .ok_or_else(|| GraphError::invalid_cursor(name, text)),
    };
    Ok((limit, cursor("after")?, cursor("before")?))
}

/// One page's position in a list.
pub struct PageSpot {
    pub first: u64,
    pub last: u64,
    pub has_next: bool,
    pub has_previous: bool,
}

/// `{"cursors":{"before","after"},"next"?,"previous"?}`; `list_url` is the list's whole URL
/// without a query.
pub fn paging_json(list_url: &str, limit: usize, spot: &PageSpot) -> Value {
    let (first, last) = (ids::cursor(spot.first), ids::cursor(spot.last));
    let mut paging = json!({"cursors": {"before": first, "after": last}});
    if spot.has_next {
        paging["next"] = json!(format!("{list_url}?limit={limit}&after={last}"));
    }
    if spot.has_previous {
        paging["previous"] = json!(format!("{list_url}?limit={limit}&before={first}"));
    }
    paging
}

/// The writes whose answer the sources disagree on (§1.12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    DeleteGroup,
    Settings,
    Participants,
}

/// The 200 answer of an accepted write, in the configured shapes: a `request_id`
/// (observed), the contract's (`{"success":true}` for a delete, else an empty body), or one of
/// those and R's empty body at random (mixed).
pub fn accepted(shared: &Shared, write: Write, request_id: &str) -> Response {
    let with_request_id = || {
        json_response(
            StatusCode::OK,
            &json!({"messaging_product": "whatsapp", "request_id": request_id}),
        )
    };
    let contract = || match write {
        Write::DeleteGroup => json_response(StatusCode::OK, &json!({"success": true})),
        Write::Settings | Write::Participants => StatusCode::OK.into_response(),
    };
    match shared.answer_shapes {
        AnswerShapes::Observed => with_request_id(),
        AnswerShapes::Contract => contract(),
        AnswerShapes::Mixed => match shared.rng().random_range(0..3u8) {
            0 => with_request_id(),
            1 => contract(),
            _ => StatusCode::OK.into_response(),
        },
    }
}
