//! A group's invite link: get (R only), reset (old links die) and delete (C only), §1.6.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::{error, group_error, write_body};
use crate::sandbox::errors::json_response;
use crate::sandbox::shared::Shared;

/// What a link call does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkCall {
    Get,
    Reset,
    Delete,
}

/// `GET` / `POST` / `DELETE /{v}/{group_id}/invite_link`. The writes need the contract's
/// `{"messaging_product":"whatsapp"}` body. A get after a delete issues a new link (what
/// happens then is not documented).
pub fn invite_link(shared: &Shared, group_id: &str, call: LinkCall, body: &[u8]) -> Response {
    if call != LinkCall::Get
        && let Err(e) = write_body(body)
    {
        return error(shared, e);
    }
    let outcome = {
        let mut groups = shared.groups();
        match call {
            LinkCall::Get => groups.invite_link(group_id).map(Some),
            LinkCall::Reset => groups.reset_invite_link(group_id).map(Some),
            LinkCall::Delete => groups.delete_invite_link(group_id).map(|()| None),
        }
    };
    match outcome {
        Err(e) => group_error(shared, group_id, e),
        Ok(link) => {
            if call != LinkCall::Get {
                shared.stats().record_applied_write();
            }
            let body = match link {
                Some(link) => json!({"messaging_product": "whatsapp", "invite_link": link}),
                // C: `success` is the string "true" here.
                None => json!({"messaging_product": "whatsapp", "success": "true"}),
            };
            json_response(StatusCode::OK, &body)
        }
    }
}
