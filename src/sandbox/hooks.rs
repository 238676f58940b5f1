//! The test hooks under `/_sandbox/` (not part of the Graph API, no token): counters, and a
//! WhatsApp user's or WhatsApp's own actions for tests and the demo.
//!
//! | hook | body | answer |
//! |---|---|---|
//! | `GET /_sandbox/stats` | | the counters |
//! | `POST /_sandbox/join` | `{"invite_link","user","username"?,"hide_phone"?}` | `{"group_id","user_id"}` |
//! | `POST /_sandbox/ask` | the same | `{"group_id","join_request_id"}` |
//! | `POST /_sandbox/withdraw` | `{"group_id","user"}` | `{"join_request_id"}` |
//! | `POST /_sandbox/leave` | `{"group_id","user"}` (phone or BSUID) | `{"user_id"}` |
//! | `POST /_sandbox/suspend`, `/_sandbox/unsuspend` | `{"group_id"}` | `{"changed"}` |
//! | `POST /_sandbox/account` | `{"eligible"?,"creation_enabled"?}` | the account now |
//!
//! Refusals answer `{"error":"<why>"}` with 400 (malformed), 404 (no such hook, group, link
//! or request) or 409 (not allowed now).

use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::errors::json_response;
use super::shared::Shared;
use super::state::UserError;
use super::users::{self, User};

const BODY_LIMIT: usize = 16 * 1024;

/// The hooks there are, as `METHOD PATH`.
const HOOKS: &[&str] = &[
    "GET /_sandbox/stats",
    "POST /_sandbox/join",
    "POST /_sandbox/ask",
    "POST /_sandbox/withdraw",
    "POST /_sandbox/leave",
    "POST /_sandbox/suspend",
    "POST /_sandbox/unsuspend",
    "POST /_sandbox/account",
];

/// Whether a path is for the hooks (everything else is a Graph request).
pub fn is_hook(path: &str) -> bool {
    path.starts_with("/_sandbox/")
}

/// Serves one hook and counts it.
pub async fn handle(
    shared: &Shared,
    method: &Method,
    path: &str,
    body: axum::body::Body,
) -> Response {
    let route = format!("{method} {path}");
    if !HOOKS.contains(&route.as_str()) {
        let why = format!(
            "no sandbox hook {route}; the hooks are {}",
            HOOKS.join(", ")
        );
        return refuse(StatusCode::NOT_FOUND, &why);
    }
    let response = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => serve(shared, path, &bytes),
        Err(_) => refuse(
            StatusCode::BAD_REQUEST,
            "the body is too large or unreadable",
        ),
    };
    if path != "/_sandbox/stats" {
        shared
            .stats()
            .record_hook(&route, response.status().as_u16());
    }
    response
}

fn refuse(status: StatusCode, why: &str) -> Response {
    json_response(status, &json!({"error": why}))
}

/// A refused hook: its status and why.
struct Refusal(StatusCode, String);

impl From<UserError> for Refusal {
    fn from(e: UserError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::CONFLICT);
        Refusal(status, e.to_string())
    }
}

fn text<'a>(body: &'a Map<String, Value>, name: &str) -> Result<&'a str, Refusal> {
    body.get(name).and_then(Value::as_str).ok_or_else(|| {
        Refusal(
            StatusCode::BAD_REQUEST,
            format!("`{name}` (a string) is required"),
        )
    })
}

fn flag(body: &Map<String, Value>, name: &str) -> Result<Option<bool>, Refusal> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(Refusal(
            StatusCode::BAD_REQUEST,
            format!("`{name}` must be true or false"),
        )),
    }
}

fn serve(shared: &Shared, path: &str, bytes: &Bytes) -> Response {
    if path == "/_sandbox/stats" {
        return json_response(StatusCode::OK, &shared.stats_json());
    }
    let body: Map<String, Value> = match serde_json::from_slice(bytes) {
        Ok(Value::Object(map)) => map,
        _ => return refuse(StatusCode::BAD_REQUEST, "the body must be a JSON object"),
    };
    match act(shared, path, &body) {
        Ok(answer) => json_response(StatusCode::OK, &answer),
        Err(Refusal(status, why)) => refuse(status, &why),
    }
}

fn act(shared: &Shared, path: &str, body: &Map<String, Value>) -> Result<Value, Refusal> {
    let hook = path.trim_start_matches("/_sandbox/");
    match hook {
        "join" | "ask" => {
            let link = text(body, "invite_link")?;
            let username = match body.get("username") {
                None | Some(Value::Null) => None,
                Some(_) => Some(text(body, "username")?),
            };
            let user = User {
                phone: text(body, "user")?,
                username,
                hide_phone: flag(body, "hide_phone")?,
            };
            if hook == "join" {
                let (group_id, person) = users::join_by_link(shared, link, &user)?;
                Ok(json!({"group_id": group_id, "user_id": person.user_id}))
            } else {
                let (group_id, request_id) = users::ask_to_join(shared, link, &user)?;
                Ok(json!({"group_id": group_id, "join_request_id": request_id}))
            }
        }
        "withdraw" => {
            let (group_id, user) = (text(body, "group_id")?, text(body, "user")?);
            let id = users::withdraw_request(shared, group_id, user)?;
            Ok(json!({"join_request_id": id}))
        }
        "leave" => {
            let (group_id, user) = (text(body, "group_id")?, text(body, "user")?);
            let person = users::leave(shared, group_id, user)?;
            Ok(json!({"user_id": person.user_id}))
        }
        "suspend" | "unsuspend" => {
            let group_id = text(body, "group_id")?;
            let changed = users::set_suspended(shared, group_id, hook == "suspend")?;
            Ok(json!({"changed": changed}))
        }
        _ => {
            let (eligible, creation) = (flag(body, "eligible")?, flag(body, "creation_enabled")?);
            let mut groups = shared.groups();
            if let Some(eligible) = eligible {
                groups.account.eligible = eligible;
            }
            if let Some(creation) = creation {
                groups.account.creation_enabled = creation;
            }
            let account = groups.account;
            Ok(json!({"eligible": account.eligible, "creation_enabled": account.creation_enabled}))
        }
    }
}
