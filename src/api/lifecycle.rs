//! The answers of the group lifecycle calls (`groups-api-2026.md` §1.6, §1.7), read leniently
//! and made safe where they are read: an invite link, and what an approve or reject did to
//! each id (a page of join requests is read in `wire`, with the members: both name people).

use serde::Serialize;
use serde_json::Value;

use super::lenient;
use super::wire::{request_id, text};

/// The start every invite link has (R, §1.6).
pub const LINK_PREFIX: &str = "https://chat.whatsapp.com/";

/// `{"invite_link": "https://chat.whatsapp.com/<LINK_ID>"}`: a get's or a reset's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InviteLink {
    pub invite_link: String,
}

impl InviteLink {
    /// Reads the link; refused when missing, or when it is not a `https://` URL of one piece
    /// (R says every link starts `https://chat.whatsapp.com/`; another host is taken, an
    /// address with spaces or controls is not).
    pub fn from_json(body: &Value) -> Result<InviteLink, String> {
        let link = lenient::string(body.get("invite_link"))
            .ok_or_else(|| "an invite link answer without `invite_link`".to_owned())?;
        let link = link.trim();
        let one_piece = !link.is_empty()
            && link.len() <= 512
            && link
                .chars()
                .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\'));
        if !link.starts_with("https://") || !one_piece {
            return Err(format!(
                "the invite link `{}` is not an https:// address",
                text(Some(&Value::String(link.chars().take(80).collect()))).unwrap_or_default()
            ));
        }
        Ok(InviteLink {
            invite_link: link.to_owned(),
        })
    }
}

/// One id an approve or reject could not answer, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JoinRequestFailure {
    pub join_request_id: String,
    pub code: Option<i64>,
    pub message: String,
}

/// What an approve (`approved_join_requests`) or reject (`rejected_join_requests`) did, with
/// `failed_join_requests` when some failed (R, C).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JoinRequestsAnswered {
    pub done: Vec<String>,
    pub failed: Vec<JoinRequestFailure>,
    pub request_id: Option<String>,
}

impl JoinRequestsAnswered {
    /// Reads an approve's or a reject's answer. Each failed item's first error gives its code
    /// and message; an item without its own errors takes the top-level one.
    pub fn from_json(body: &Value) -> JoinRequestsAnswered {
        let ids = |key: &str| -> Vec<String> {
            body.get(key)
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(|v| text(Some(v))).collect())
                .unwrap_or_default()
        };
        let mut done = ids("approved_join_requests");
        done.extend(ids("rejected_join_requests"));
        let top = body
            .get("errors")
            .and_then(Value::as_array)
            .and_then(|e| e.first());
        let failed = body
            .get("failed_join_requests")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|item| {
                        let id = text(item.get("join_request_id"))?;
                        let first = item
                            .get("errors")
                            .and_then(Value::as_array)
                            .and_then(|e| e.first())
                            .or(top);
                        let (code, message) = error_item(first);
                        Some(JoinRequestFailure {
                            join_request_id: id,
                            code,
                            message,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        JoinRequestsAnswered {
            done,
            failed,
            request_id: request_id(body),
        }
    }
}

/// The code and message of one `{code, message, title, error_data:{details}}` item.
fn error_item(item: Option<&Value>) -> (Option<i64>, String) {
    let Some(item) = item else {
        return (None, "failed (no reason given)".into());
    };
    let message = text(item.get("message"))
        .or_else(|| text(item.get("title")))
        .unwrap_or_else(|| "failed (no reason given)".into());
    let details = item.get("error_data").and_then(|d| text(d.get("details")));
    let message = match details {
        Some(d) if !d.is_empty() && d != message => format!("{message} ({d})"),
        _ => message,
    };
    (lenient::int(item.get("code")), message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn links_must_be_https_addresses_of_one_piece() {
        let ok = InviteLink::from_json(&json!({"invite_link": "https://chat.whatsapp.com/AbC123"}));
        assert_eq!(
            ok.map(|l| l.invite_link),
            Ok("https://chat.whatsapp.com/AbC123".to_owned())
        );
        for bad in [
            json!({}),
            json!({"invite_link": "http://x/y"}),
            json!({"invite_link": "https://a b"}),
            json!({"invite_link": "https://x/\u{1b}]52;c;x\u{7}"}),
        ] {
            let err = InviteLink::from_json(&bad).expect_err("refused");
            assert!(!err.chars().any(char::is_control), "{err:?}");
        }
    }

    #[test]
    fn answers_name_each_failed_id_with_its_own_or_the_top_error() {
        let answered = JoinRequestsAnswered::from_json(&json!({
            "messaging_product": "whatsapp",
            "approved_join_requests": ["A"],
            "failed_join_requests": [
                {"join_request_id": "B", "errors": [{"code": 131203, "message": "Unable to add participant to group",
                    "error_data": {"details": "Recipient has not accepted our new Terms"}}]},
                {"join_request_id": "C"}
            ],
            "errors": [{"code": "131201", "message": "Not all succeeded"}]
        }));
        assert_eq!(answered.done, ["A"]);
        assert_eq!(answered.failed[0].code, Some(131203));
        assert!(answered.failed[0].message.contains("Terms"));
        assert_eq!(answered.failed[1].code, Some(131201));
        let rejected =
            JoinRequestsAnswered::from_json(&json!({"rejected_join_requests": ["X", "Y"]}));
        assert_eq!(rejected.done, ["X", "Y"]);
        assert!(rejected.failed.is_empty());
    }
}
