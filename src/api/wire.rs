//! The shapes on the wire: request bodies, and answers read leniently from JSON.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::Serialize;
use serde_json::Value;

use super::error::{GraphError, ParticipantFailure};
use super::lenient;
use crate::domain::Participant;
use crate::domain::text::sanitize;

/// Text from the server, made safe to show: control characters become visible escapes.
fn text(v: Option<&Value>) -> Option<String> {
    lenient::string(v).map(|s| sanitize(&s))
}

/// The body of an add or remove participants call, as the contract gives it.
#[derive(Serialize)]
pub struct ParticipantsBody<'a> {
    pub messaging_product: &'static str,
    pub participants: Vec<UserRef<'a>>,
}

#[derive(Serialize)]
pub struct UserRef<'a> {
    pub user: &'a str,
}

impl<'a> ParticipantsBody<'a> {
    pub fn new(participants: &'a [Participant]) -> Self {
        ParticipantsBody {
            messaging_product: "whatsapp",
            participants: participants
                .iter()
                .map(|p| UserRef { user: p.e164() })
                .collect(),
        }
    }
}

/// A write the server took: 200 (whatever the body), or 206 with the participants it could
/// not change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteAccepted {
    pub status: u16,
    pub request_id: Option<String>,
    /// True for a partial success (206 / 131201).
    pub partial: bool,
    /// The participants the server said it could not change; may be empty even when
    /// `partial`, if the server did not say which (then the group must be read).
    pub failed: Vec<ParticipantFailure>,
}

/// One group of the group list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupSummary {
    pub id: String,
    pub subject: String,
    pub created_at: Option<i64>,
}

/// One page of the group list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupPage {
    pub groups: Vec<GroupSummary>,
    /// The cursor of the next page, when the server says there is one.
    pub next_after: Option<String>,
}

/// A group as its info call describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupInfo {
    pub id: String,
    pub subject: String,
    pub description: Option<String>,
    /// Members as wa_ids (digits, no `+`), as the server reports them.
    pub participants: Vec<String>,
    pub total_participant_count: Option<u64>,
    pub suspended: Option<bool>,
    pub creation_timestamp: Option<i64>,
}

/// Reads the Graph error envelope out of a body, when it has one.
pub fn graph_error(status: u16, headers: &HeaderMap, body: &Value) -> Option<GraphError> {
    let err = body.get("error")?;
    if !err.is_object() {
        return None;
    }
    let data = err.get("error_data");
    let details = data
        .and_then(|d| text(d.get("details")))
        .or_else(|| data.and_then(lenient::string_value).map(|s| sanitize(&s)));
    Some(GraphError {
        status,
        code: lenient::int(err.get("code")).unwrap_or(-1),
        subcode: lenient::int(err.get("error_subcode")),
        error_type: lenient::string(err.get("type")),
        message: text(err.get("message"))
            .or_else(|| text(err.get("error_user_msg")))
            .unwrap_or_else(|| "(no message)".into()),
        details,
        fbtrace_id: lenient::string(err.get("fbtrace_id")),
        is_transient: lenient::boolean(err.get("is_transient")),
        request_id: lenient::string(body.get("request_id")),
        retry_after: retry_after(headers),
        failed_participants: failed_participants(body),
    })
}

/// The participants a 206 or 400 answer names as failed. Accepts the list at the top level,
/// inside `error.error_data`, or under `errors`; each item as `{input|user|wa_id, errors:[..]}`
/// or `{input, code, message}`.
pub fn failed_participants(body: &Value) -> Vec<ParticipantFailure> {
    let list = body
        .get("failed_participants")
        .or_else(|| {
            body.get("error")
                .and_then(|e| e.get("error_data"))
                .and_then(|d| d.get("failed_participants"))
        })
        .and_then(Value::as_array);
    let Some(list) = list else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|item| {
            let user = lenient::string(item.get("input"))
                .or_else(|| lenient::string(item.get("user")))
                .or_else(|| lenient::string(item.get("wa_id")))?;
            let first = item
                .get("errors")
                .and_then(Value::as_array)
                .and_then(|errors| errors.first())
                .unwrap_or(item);
            let code = lenient::int(first.get("code"));
            let message = text(first.get("message"))
                .or_else(|| text(first.get("title")))
                .or_else(|| first.get("error_data").and_then(|d| text(d.get("details"))))
                .unwrap_or_else(|| "failed (no reason given)".into());
            Some(ParticipantFailure {
                user,
                code,
                message,
            })
        })
        .collect()
}

/// How long the server asks to wait: `Retry-After` in seconds, or the longest
/// `estimated_time_to_regain_access` (minutes) of `x-business-use-case-usage`.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let from_header = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let from_usage = headers
        .get("x-business-use-case-usage")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| serde_json::from_str::<Value>(v).ok())
        .and_then(|usage| {
            let minutes = usage
                .as_object()?
                .values()
                .filter_map(Value::as_array)
                .flatten()
                .filter_map(|entry| lenient::int(entry.get("estimated_time_to_regain_access")))
                .max()?;
            (minutes > 0).then(|| Duration::from_secs(minutes as u64 * 60))
        });
    match (from_header, from_usage) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

impl GroupPage {
    pub fn from_json(body: &Value) -> Option<GroupPage> {
        // The contract has `data` as an object holding `groups`; Graph edges elsewhere put the
        // list straight in `data`. Both are read.
        let data = body.get("data")?;
        let list = data
            .get("groups")
            .and_then(Value::as_array)
            .or_else(|| data.as_array())?;
        let groups = list
            .iter()
            .filter_map(|g| {
                Some(GroupSummary {
                    id: lenient::string(g.get("id"))?,
                    subject: text(g.get("subject")).unwrap_or_default(),
                    created_at: lenient::int(g.get("created_at")),
                })
            })
            .collect();
        let paging = body.get("paging");
        let has_next = paging
            .and_then(|p| p.get("next"))
            .is_some_and(|n| !n.is_null());
        let after = paging
            .and_then(|p| p.get("cursors"))
            .and_then(|c| lenient::string(c.get("after")));
        Some(GroupPage {
            groups,
            next_after: if has_next { after } else { None },
        })
    }
}

impl GroupInfo {
    pub fn from_json(body: &Value) -> Option<GroupInfo> {
        let id = lenient::string(body.get("id"))?;
        let total =
            lenient::int(body.get("total_participant_count")).and_then(|n| u64::try_from(n).ok());
        let participants = match body.get("participants") {
            Some(Value::Array(list)) => member_ids(list),
            Some(Value::Object(edge)) => member_ids(edge.get("data").and_then(Value::as_array)?),
            // No list: an empty group may be shown so, but a group said to have members
            // without naming them tells nothing about who is in it.
            None | Some(Value::Null) if total == Some(0) => Vec::new(),
            _ => return None,
        };
        Some(GroupInfo {
            id,
            subject: text(body.get("subject")).unwrap_or_default(),
            description: text(body.get("description")),
            participants,
            total_participant_count: total,
            suspended: lenient::boolean(body.get("suspended")),
            creation_timestamp: lenient::int(body.get("creation_timestamp")),
        })
    }
}

fn member_ids(list: &[Value]) -> Vec<String> {
    list.iter()
        .filter_map(|m| match m {
            Value::String(s) => Some(s.trim_start_matches('+').to_owned()),
            other => lenient::string(other.get("wa_id"))
                .or_else(|| lenient::string(other.get("user")))
                .map(|s| s.trim_start_matches('+').to_owned()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_body_matches_the_contract() {
        let people = [Participant::parse("+12025550143", None).expect("valid")];
        let body = serde_json::to_value(ParticipantsBody::new(&people)).expect("json");
        assert_eq!(
            body,
            json!({"messaging_product":"whatsapp","participants":[{"user":"+12025550143"}]})
        );
    }

    #[test]
    fn group_info_reads_strings_as_numbers() {
        let info = GroupInfo::from_json(&json!({
            "id": "Y2Fw", "subject": "Team", "participants": [{"wa_id": "12025550143"}, "+447911123456"],
            "total_participant_count": "2", "suspended": "false", "creation_timestamp": 1700000000
        }))
        .expect("info");
        assert_eq!(info.participants, vec!["12025550143", "447911123456"]);
        assert_eq!(info.total_participant_count, Some(2));
        assert_eq!(info.suspended, Some(false));
        assert!(GroupInfo::from_json(&json!({"subject": "no id"})).is_none());
        // Members unknown: refused rather than read as an empty group.
        assert!(GroupInfo::from_json(&json!({"id": "g", "total_participant_count": 3})).is_none());
        assert!(GroupInfo::from_json(&json!({"id": "g"})).is_none());
        let empty = GroupInfo::from_json(&json!({"id": "g", "total_participant_count": "0"}));
        assert_eq!(empty.map(|g| g.participants.len()), Some(0));
    }

    #[test]
    fn group_page_reads_both_data_shapes() {
        let page = GroupPage::from_json(&json!({
            "data": {"groups": [{"id": "a", "subject": "A", "created_at": "1700000000"}]},
            "paging": {"cursors": {"before": "b0", "after": "a1"}, "next": "https://x/next"}
        }))
        .expect("page");
        assert_eq!(page.groups.len(), 1);
        assert_eq!(page.next_after.as_deref(), Some("a1"));
        let last = GroupPage::from_json(&json!({
            "data": [{"id": "b"}], "paging": {"cursors": {"after": "zz"}}
        }))
        .expect("page");
        assert_eq!(last.groups[0].id, "b");
        assert_eq!(last.next_after, None);
    }

    #[test]
    fn failed_participants_in_every_known_place() {
        let top = json!({"failed_participants": [{"input": "+1", "errors": [{"code": 131203, "message": "terms"}]}]});
        let nested = json!({"error": {"code": 131201, "error_data": {"failed_participants": [{"user": "+1", "code": "131212", "message": "not in group"}]}}});
        assert_eq!(failed_participants(&top)[0].code, Some(131203));
        assert_eq!(failed_participants(&nested)[0].code, Some(131212));
        assert!(failed_participants(&json!({"success": true})).is_empty());
    }

    #[test]
    fn retry_after_from_either_header() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().expect("header"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            "x-business-use-case-usage",
            r#"{"123":[{"type":"whatsapp","call_count":100,"estimated_time_to_regain_access":2}]}"#
                .parse()
                .expect("header"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
