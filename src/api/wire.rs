//! The shapes on the wire: request bodies, and answers read leniently from JSON.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::Serialize;
use serde_json::Value;

use super::error::{GraphError, ParticipantFailure};
use super::lenient;
use crate::domain::group::MAX_DESCRIPTION_CHARS;
use crate::domain::text::sanitize;
use crate::domain::{GroupId, JoinApprovalMode, Participant, Person, UserId};

/// The most characters of one text field kept from an answer (a subject has at most 128; an
/// error message a few hundred).
pub const MAX_TEXT_CHARS: usize = 1024;

/// Text from the server, made safe where the answer is read: control characters (escape
/// sequences, bells, C1 controls, bidi overrides) become visible escapes, and it is cut to
/// [`MAX_TEXT_CHARS`]. Every string field of every answer goes through here, so no later path
/// (Display, CSV, JSON, the app) can carry a control character from a server.
pub fn text(v: Option<&Value>) -> Option<String> {
    text_up_to(v, MAX_TEXT_CHARS)
}

/// [`text`] cut to `max` characters instead (a description may have 2048).
pub fn text_up_to(v: Option<&Value>, max: usize) -> Option<String> {
    lenient::string(v).map(|s| {
        let safe = sanitize(&s);
        match safe.char_indices().nth(max) {
            Some((cut, _)) => format!("{}…", &safe[..cut]),
            None => safe,
        }
    })
}

/// A write answer's `request_id`, made safe.
pub fn request_id(body: &Value) -> Option<String> {
    text(body.get("request_id"))
}

/// A group id from an answer: the id, or why it cannot be one.
fn group_id(v: Option<&Value>) -> Result<String, String> {
    let raw = lenient::string(v).ok_or_else(|| "a group without an `id`".to_owned())?;
    GroupId::parse(&raw)
        .map(GroupId::into_string)
        .map_err(|e| format!("a group id in the answer is refused: {e}"))
}

/// The body of an add or remove participants call, as the contract gives it.
#[derive(Serialize)]
pub struct ParticipantsBody<'a> {
    pub messaging_product: &'static str,
    pub participants: Vec<UserRef<'a>>,
}

/// One participant of a body: `{"user": …}` with the phone number in E.164 when it is known,
/// else the BSUID (the contract's `user` takes either for a removal, `groups-api-2026.md`
/// §1.8; an add always has the phone).
#[derive(Serialize)]
pub struct UserRef<'a> {
    pub user: &'a str,
}

impl<'a> ParticipantsBody<'a> {
    pub fn new(participants: &'a [Person]) -> Self {
        ParticipantsBody {
            messaging_product: "whatsapp",
            participants: participants
                .iter()
                .map(|p| UserRef { user: p.user_ref() })
                .collect(),
        }
    }
}

/// A person as an answer names them: a bare wa_id string (older shapes), or an object with
/// any of `wa_id` (or `user`), `user_id`, `parent_user_id` and `username`, each optional and
/// read leniently (numbers as strings, `+` or not); text made safe ([`text`]). `None` when it
/// holds neither a valid wa_id nor a valid BSUID: nothing to know them by
/// (`groups-api-2026.md` §1.3, §1.7, §1.10).
pub fn person(item: &Value) -> Option<Person> {
    let wa_id = |v: Option<&Value>| text(v).and_then(|w| Participant::from_wa_id(&w).ok());
    let bsuid = |v: Option<&Value>| text(v).and_then(|id| UserId::parse(id.trim()).ok());
    match item {
        Value::String(_) | Value::Number(_) => Person::known(wa_id(Some(item)), bsuid(Some(item))),
        Value::Object(_) => {
            let phone = wa_id(item.get("wa_id")).or_else(|| wa_id(item.get("user")));
            let user_id = bsuid(item.get("user_id")).or_else(|| bsuid(item.get("user")));
            Person::known(phone, user_id).map(|p| {
                p.with_parent_user_id(bsuid(item.get("parent_user_id")))
                    .with_username(text(item.get("username")).map(|u| u.trim().to_owned()))
            })
        }
        _ => None,
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
    /// Members as the server reports them (each with every key it gave); items that name no
    /// one (no valid wa_id nor BSUID) are left out.
    pub participants: Vec<Person>,
    pub total_participant_count: Option<u64>,
    pub suspended: Option<bool>,
    pub creation_timestamp: Option<i64>,
    /// `approval_required` or `auto_approve`, when the server said (and said one of those).
    pub join_approval_mode: Option<JoinApprovalMode>,
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
        error_type: text(err.get("type")),
        message: text(err.get("message"))
            .or_else(|| text(err.get("error_user_msg")))
            .unwrap_or_else(|| "(no message)".into()),
        details,
        fbtrace_id: text(err.get("fbtrace_id")),
        is_transient: lenient::boolean(err.get("is_transient")),
        request_id: request_id(body),
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
            let user = text(item.get("input"))
                .or_else(|| text(item.get("user")))
                .or_else(|| text(item.get("wa_id")))?;
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
    /// Reads a page of the group list; an answer without the list, or naming a group by
    /// something that cannot be a group id, is refused with the reason.
    pub fn from_json(body: &Value) -> Result<GroupPage, String> {
        // The contract has `data` as an object holding `groups`; Graph edges elsewhere put the
        // list straight in `data`. Both are read.
        let list = body
            .get("data")
            .and_then(|data| {
                data.get("groups")
                    .and_then(Value::as_array)
                    .or_else(|| data.as_array())
            })
            .ok_or_else(|| "group list without `data`".to_owned())?;
        let groups = list
            .iter()
            .map(|g| {
                Ok(GroupSummary {
                    id: group_id(g.get("id"))?,
                    subject: text(g.get("subject")).unwrap_or_default(),
                    created_at: lenient::int(g.get("created_at")),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(GroupPage {
            groups,
            next_after: next_cursor(body),
        })
    }
}

/// The `after` cursor of a Graph edge's next page (`paging.cursors.after`), when
/// `paging.next` says there is one.
pub fn next_cursor(body: &Value) -> Option<String> {
    let paging = body.get("paging")?;
    if paging.get("next").is_none_or(Value::is_null) {
        return None;
    }
    paging
        .get("cursors")
        .and_then(|c| lenient::string(c.get("after")))
}

impl GroupInfo {
    /// Reads a group's info; refused with the reason when it has no valid `id`, or says it has
    /// members without naming them.
    pub fn from_json(body: &Value) -> Result<GroupInfo, String> {
        let id = group_id(body.get("id"))?;
        let total =
            lenient::int(body.get("total_participant_count")).and_then(|n| u64::try_from(n).ok());
        let unnamed = || "group info without its `participants`".to_owned();
        let participants = match body.get("participants") {
            Some(Value::Array(list)) => member_ids(list),
            Some(Value::Object(edge)) => member_ids(
                edge.get("data")
                    .and_then(Value::as_array)
                    .ok_or_else(unnamed)?,
            ),
            // No list: an empty group may be shown so, but a group said to have members
            // without naming them tells nothing about who is in it.
            None | Some(Value::Null) if total == Some(0) => Vec::new(),
            _ => return Err(unnamed()),
        };
        Ok(GroupInfo {
            id,
            subject: text(body.get("subject")).unwrap_or_default(),
            description: text_up_to(body.get("description"), MAX_DESCRIPTION_CHARS),
            participants,
            total_participant_count: total,
            suspended: lenient::boolean(body.get("suspended")),
            creation_timestamp: lenient::int(body.get("creation_timestamp")),
            join_approval_mode: lenient::string(body.get("join_approval_mode"))
                .filter(|m| !m.trim().is_empty())
                .and_then(|m| m.parse().ok()),
        })
    }
}

fn member_ids(list: &[Value]) -> Vec<Person> {
    list.iter().filter_map(person).collect()
}

/// One pending join request: its id, who asks (with every key given: `wa_id` may be missing,
/// `groups-api-2026.md` §1.7) and when (unix seconds).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JoinRequest {
    pub id: String,
    /// `None` when the item names no one the tool can know (no valid wa_id nor BSUID).
    pub person: Option<Person>,
    pub created_at: Option<i64>,
}

/// One page of a group's join requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinRequestPage {
    pub requests: Vec<JoinRequest>,
    /// The cursor of the next page, when the server says there is one.
    pub next_after: Option<String>,
}

impl JoinRequestPage {
    /// Reads `{"data":[{join_request_id, wa_id?, user_id, parent_user_id?, username?,
    /// creation_timestamp}], "paging"}` (`groups-api-2026.md` §1.7); an item without its id
    /// (or with a blank one) is refused with the reason: it could not be answered. An empty
    /// page has no next page, whatever its cursor says (a list read never loops on one).
    pub fn from_json(body: &Value) -> Result<JoinRequestPage, String> {
        let list = body
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| "join requests without `data`".to_owned())?;
        let requests = list
            .iter()
            .map(|item| {
                Ok(JoinRequest {
                    id: text(item.get("join_request_id"))
                        .filter(|id| !id.trim().is_empty())
                        .ok_or_else(|| "a join request without its `join_request_id`".to_owned())?,
                    person: person(item),
                    created_at: lenient::int(item.get("creation_timestamp")),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(JoinRequestPage {
            next_after: next_cursor(body).filter(|_| !requests.is_empty()),
            requests,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_body_matches_the_contract() {
        let phone = Participant::parse("+12025550143", None).expect("valid");
        let hidden = Person::by_user_id(UserId::parse("US.1349").expect("bsuid"));
        let both = Person::known(Some(phone.clone()), UserId::parse("US.7").ok()).expect("known");
        let people = [Person::by_phone(phone), hidden, both];
        let body = serde_json::to_value(ParticipantsBody::new(&people)).expect("json");
        assert_eq!(
            body,
            json!({"messaging_product":"whatsapp","participants":[
                {"user":"+12025550143"}, {"user":"US.1349"}, {"user":"+12025550143"}
            ]})
        );
    }

    #[test]
    fn members_and_join_requests_carry_every_key_each_optional() {
        let info = GroupInfo::from_json(&json!({
            "id": "g", "participants": [
                {"wa_id": "15550100001", "user_id": "US.4410982233", "username": "ana.k"},
                {"user_id": "US.7781", "parent_user_id": "US.1", "username": " bo_b "},
                {"wa_id": 15550100003_u64},
                {"username": "nobody"},
                {"wa_id": "not a number", "user_id": "US.9"},
                {"wa_id": "15550100004", "user_id": "not a bsuid"}
            ]
        }))
        .expect("info");
        let shown: Vec<String> = info.participants.iter().map(Person::label).collect();
        assert_eq!(
            shown,
            [
                "+15550100001 @ana.k",
                "US.7781 @bo_b",
                "+15550100003",
                "US.9",
                "+15550100004"
            ]
        );
        assert_eq!(
            info.participants[1].parent_user_id().map(UserId::as_str),
            Some("US.1")
        );
        assert_eq!(
            info.participants[0].user_id().map(UserId::as_str),
            Some("US.4410982233")
        );
        let page = JoinRequestPage::from_json(&json!({
            "data": [
                {"join_request_id": "SlJRXzAwMQ", "wa_id": "15550100002", "user_id": "US.7781", "creation_timestamp": "1767262000"},
                {"join_request_id": "SlJRXzAwMg", "user_id": "US.55", "username": "cy", "creation_timestamp": 1767262001}
            ],
            "paging": {"cursors": {"after": "QVFI"}, "next": "https://x/next"}
        }))
        .expect("page");
        assert_eq!(page.requests[0].created_at, Some(1_767_262_000));
        assert_eq!(
            page.requests[1]
                .person
                .as_ref()
                .map(Person::label)
                .as_deref(),
            Some("US.55 @cy")
        );
        assert_eq!(page.next_after.as_deref(), Some("QVFI"));
        assert!(JoinRequestPage::from_json(&json!({"data": [{"wa_id": "1"}]})).is_err());
        assert!(
            JoinRequestPage::from_json(
                &json!({"data": [{"join_request_id": " ", "user_id": "US.1"}]})
            )
            .is_err()
        );
        assert!(JoinRequestPage::from_json(&json!({"nope": 1})).is_err());
        let empty = JoinRequestPage::from_json(&json!({
            "data": [], "paging": {"cursors": {"after": "QVFI"}, "next": "https://x/next"}
        }))
        .expect("empty page");
        assert_eq!(empty.next_after, None, "an empty page ends the list");
    }

    #[test]
    fn group_info_reads_strings_as_numbers() {
        let info = GroupInfo::from_json(&json!({
            "id": "Y2Fw", "subject": "Team", "participants": [{"wa_id": "12025550143"}, "+447911123456"],
            "total_participant_count": "2", "suspended": "false", "creation_timestamp": 1700000000
        }))
        .expect("info");
        let members: Vec<&str> = info.participants.iter().map(Person::user_ref).collect();
        assert_eq!(members, ["+12025550143", "+447911123456"]);
        assert_eq!(info.total_participant_count, Some(2));
        assert_eq!(info.suspended, Some(false));
        assert!(GroupInfo::from_json(&json!({"subject": "no id"})).is_err());
        // Members unknown: refused rather than read as an empty group.
        assert!(GroupInfo::from_json(&json!({"id": "g", "total_participant_count": 3})).is_err());
        assert!(GroupInfo::from_json(&json!({"id": "g"})).is_err());
        let empty = GroupInfo::from_json(&json!({"id": "g", "total_participant_count": "0"}));
        assert_eq!(empty.map(|g| g.participants.len()), Ok(0));
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

    /// Every string an answer can carry, each holding an escape sequence.
    const EVIL: &str = "-2+3\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}2J\u{202e}\r\n";

    fn harmless(what: &str, text: &str) {
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{what}: {text:?}"
        );
    }

    #[test]
    fn every_string_of_an_error_answer_is_made_safe_where_it_is_read() {
        let body = json!({
            "request_id": EVIL,
            "error": {"message": EVIL, "type": EVIL, "code": 131201, "fbtrace_id": EVIL,
                "error_data": {"details": EVIL,
                    "failed_participants": [{"input": EVIL, "errors": [{"code": 131203, "message": EVIL}]},
                                            {"user": "+1", "title": EVIL}]}}
        });
        let g = graph_error(206, &HeaderMap::new(), &body).expect("error");
        for (what, text) in [
            ("message", g.message.as_str()),
            ("type", g.error_type.as_deref().unwrap_or("")),
            ("details", g.details.as_deref().unwrap_or("")),
            ("fbtrace_id", g.fbtrace_id.as_deref().unwrap_or("")),
            ("request_id", g.request_id.as_deref().unwrap_or("")),
            ("failed user", g.failed_participants[0].user.as_str()),
            ("failed message", g.failed_participants[0].message.as_str()),
            ("failed title", g.failed_participants[1].message.as_str()),
        ] {
            harmless(what, text);
            assert!(text.contains("^[]52;c;ZXZpbA==^G"), "{what}: {text}");
        }
        harmless("Display", &g.to_string());
        harmless("request id", &request_id(&body).unwrap_or_default());
        // An error_data given as a bare string is text too.
        let bare = json!({"error": {"message": "m", "code": 100, "error_data": EVIL}});
        let g = graph_error(400, &HeaderMap::new(), &bare).expect("error");
        harmless("bare details", g.details.as_deref().unwrap_or(""));
    }

    #[test]
    fn every_string_of_a_group_answer_is_made_safe_and_bounded() {
        let info = GroupInfo::from_json(&json!({
            "id": "g1", "subject": EVIL, "description": "x".repeat(10_000),
            "participants": [EVIL, {"wa_id": EVIL}, {"user_id": "US.1", "username": EVIL}],
            "total_participant_count": 3
        }))
        .expect("info");
        harmless("subject", &info.subject);
        let description = info.description.unwrap_or_default();
        assert_eq!(
            description.chars().count(),
            MAX_DESCRIPTION_CHARS + 1,
            "cut at a description's most, with an ellipsis"
        );
        assert_eq!(info.participants.len(), 1, "only the one known by a key");
        for member in &info.participants {
            harmless("member", &member.label());
        }
        let page = JoinRequestPage::from_json(&json!({"data": [
            {"join_request_id": EVIL, "user_id": "US.1", "username": EVIL}
        ]}))
        .expect("page");
        harmless("join request id", &page.requests[0].id);
        harmless(
            "join request username",
            &page.requests[0]
                .person
                .as_ref()
                .map(Person::label)
                .unwrap_or_default(),
        );
        let page =
            GroupPage::from_json(&json!({"data": {"groups": [{"id": "g1", "subject": EVIL}]}}))
                .expect("page");
        harmless("listed subject", &page.groups[0].subject);
    }

    #[test]
    fn a_group_id_that_cannot_be_one_refuses_the_answer() {
        for bad in ["..", ".", "a/b", "", "a?b", "x y", "\u{1b}[2J"] {
            let err = GroupInfo::from_json(&json!({"id": bad, "participants": []})).expect_err(bad);
            harmless("info error", &err);
            let err =
                GroupPage::from_json(&json!({"data": {"groups": [{"id": "ok"}, {"id": bad}]}}))
                    .expect_err(bad);
            harmless("page error", &err);
        }
        assert!(GroupPage::from_json(&json!({"data": [{"subject": "no id"}]})).is_err());
    }
}
