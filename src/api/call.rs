//! Every request the tool makes, as a value: the one place a method and a path are written.
//! The client sends a [`Call`]; the dry run, the app's preview and the audit trail show the
//! [`Endpoint`] of the same value, so what is shown is what is sent.

use std::fmt;

use serde_json::json;

use super::ApiError;
use crate::domain::{GroupId, NewGroup, OperationKind, Person, Photo};

/// One request to the Graph API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// `GET /{v}/{group}?fields=…`: a group's subject, members and counts.
    GroupInfo { group: String },
    /// `GET /{v}/{phone_number_id}/groups?limit=…[&after=…]`: one page of the group list.
    ListGroups { after: Option<String> },
    /// `POST /{v}/{group}/participants`: add 1 to 8 participants, by phone number.
    AddParticipants {
        group: String,
        participants: Vec<Person>,
    },
    /// `DELETE /{v}/{group}/participants`: remove 1 to 8 participants, each by phone number
    /// when it is known, else by BSUID.
    RemoveParticipants {
        group: String,
        participants: Vec<Person>,
    },
    /// `POST /{v}/{phone_number_id}/groups`: create a group (§1.1). Not idempotent: sent twice,
    /// it makes two groups.
    CreateGroup { new: NewGroup },
    /// `POST /{v}/{group}` with JSON: a new subject and/or description (§1.4).
    UpdateSettings {
        group: String,
        subject: Option<String>,
        description: Option<String>,
    },
    /// `POST /{v}/{group}` as `multipart/form-data`: the photo as the part `file` (§1.4).
    UpdatePhoto { group: String, photo: Photo },
    /// `DELETE /{v}/{group}`: delete the group (§1.5).
    DeleteGroup { group: String },
    /// `GET /{v}/{group}/invite_link` (§1.6, R only).
    GetInviteLink { group: String },
    /// `POST /{v}/{group}/invite_link`: a new link; earlier ones stop working.
    ResetInviteLink { group: String },
    /// `DELETE /{v}/{group}/invite_link` (§1.6, C only).
    DeleteInviteLink { group: String },
    /// `GET /{v}/{group}/join_requests[?after=…]`: one page of pending join requests (§1.7).
    ListJoinRequests {
        group: String,
        after: Option<String>,
    },
    /// `POST /{v}/{group}/join_requests`: approve join requests by id.
    ApproveJoinRequests { group: String, ids: Vec<String> },
    /// `DELETE /{v}/{group}/join_requests`: reject join requests by id.
    RejectJoinRequests { group: String, ids: Vec<String> },
}

/// The HTTP method of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a call goes: its method and the path segments after the base URL's path, the API
/// version first (`["v23.0", "<group>", "participants"]`). Query parameters are the client's
/// business (fields, paging), not part of what a preview shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub method: Method,
    pub segments: Vec<String>,
}

impl Endpoint {
    /// The path as shown to the operator and kept in the audit trail: `/v23.0/<group>/participants`.
    pub fn path(&self) -> String {
        let mut path = String::new();
        for segment in &self.segments {
            path.push('/');
            path.push_str(segment);
        }
        path
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path())
    }
}

impl Call {
    /// Adding (`add`) or removing participants of `group`.
    pub fn change_participants(
        kind: OperationKind,
        group: &str,
        participants: Vec<Person>,
    ) -> Call {
        let group = group.to_owned();
        match kind {
            OperationKind::Add => Call::AddParticipants {
                group,
                participants,
            },
            _ => Call::RemoveParticipants {
                group,
                participants,
            },
        }
    }

    /// Where this call goes, for API version `version` and the account's `phone_number_id`
    /// (digits, checked by the client's settings). A group that is not a Graph id (`..`, a
    /// slash, a space, …) has no endpoint: [`ApiError::Invalid`], and nothing is sent.
    pub fn endpoint(&self, version: &str, phone_number_id: &str) -> Result<Endpoint, ApiError> {
        let rest: Vec<String> = match self {
            Call::GroupInfo { group }
            | Call::UpdateSettings { group, .. }
            | Call::UpdatePhoto { group, .. }
            | Call::DeleteGroup { group } => vec![checked(group)?],
            Call::ListGroups { .. } | Call::CreateGroup { .. } => {
                vec![phone_number_id.to_owned(), "groups".to_owned()]
            }
            Call::AddParticipants { group, .. } | Call::RemoveParticipants { group, .. } => {
                vec![checked(group)?, "participants".to_owned()]
            }
            Call::GetInviteLink { group }
            | Call::ResetInviteLink { group }
            | Call::DeleteInviteLink { group } => {
                vec![checked(group)?, "invite_link".to_owned()]
            }
            Call::ListJoinRequests { group, .. }
            | Call::ApproveJoinRequests { group, .. }
            | Call::RejectJoinRequests { group, .. } => {
                vec![checked(group)?, "join_requests".to_owned()]
            }
        };
        let mut segments = Vec::with_capacity(rest.len() + 1);
        segments.push(version.to_owned());
        segments.extend(rest);
        Ok(Endpoint {
            method: self.method(),
            segments,
        })
    }

    /// The HTTP method of the call.
    pub fn method(&self) -> Method {
        match self {
            Call::GroupInfo { .. }
            | Call::ListGroups { .. }
            | Call::GetInviteLink { .. }
            | Call::ListJoinRequests { .. } => Method::Get,
            Call::AddParticipants { .. }
            | Call::CreateGroup { .. }
            | Call::UpdateSettings { .. }
            | Call::UpdatePhoto { .. }
            | Call::ResetInviteLink { .. }
            | Call::ApproveJoinRequests { .. } => Method::Post,
            Call::RemoveParticipants { .. }
            | Call::DeleteGroup { .. }
            | Call::DeleteInviteLink { .. }
            | Call::RejectJoinRequests { .. } => Method::Delete,
        }
    }

    /// Whether sending it twice is harmless (a read), so a lost answer may simply be asked
    /// again; a write whose answer is lost must be settled by reading instead.
    pub fn is_read(&self) -> bool {
        matches!(
            self,
            Call::GroupInfo { .. }
                | Call::ListGroups { .. }
                | Call::GetInviteLink { .. }
                | Call::ListJoinRequests { .. }
        )
    }

    /// Whether a write may be sent again after an answer that says nothing of its outcome (a
    /// 5xx, an HTML page). A create may not: a peer saw a create answer 500 although the group
    /// was made (`green-api/issues#1016`), so its outcome is settled by finding the group.
    pub fn may_repeat(&self) -> bool {
        !matches!(self, Call::CreateGroup { .. })
    }

    /// The group the call is about, if it is about one.
    pub fn group(&self) -> Option<&str> {
        match self {
            Call::GroupInfo { group }
            | Call::AddParticipants { group, .. }
            | Call::RemoveParticipants { group, .. }
            | Call::UpdateSettings { group, .. }
            | Call::UpdatePhoto { group, .. }
            | Call::DeleteGroup { group }
            | Call::GetInviteLink { group }
            | Call::ResetInviteLink { group }
            | Call::DeleteInviteLink { group }
            | Call::ListJoinRequests { group, .. }
            | Call::ApproveJoinRequests { group, .. }
            | Call::RejectJoinRequests { group, .. } => Some(group),
            Call::ListGroups { .. } | Call::CreateGroup { .. } => None,
        }
    }

    /// The JSON body the call is sent with (`None` for reads and for a delete, which has none):
    /// the one the client sends and the dry run shows. The photo goes as multipart; its body
    /// here names the parts (`file` as `<640x640 JPEG, N bytes>`).
    pub fn body(&self) -> Option<serde_json::Value> {
        match self {
            Call::AddParticipants { participants, .. }
            | Call::RemoveParticipants { participants, .. } => {
                serde_json::to_value(super::wire::ParticipantsBody::new(participants)).ok()
            }
            Call::CreateGroup { new } => {
                let mut body = json!({"messaging_product": "whatsapp", "subject": new.subject});
                if let Some(d) = &new.description {
                    body["description"] = json!(d);
                }
                body["join_approval_mode"] = json!(new.join_approval_mode.as_str());
                Some(body)
            }
            Call::UpdateSettings {
                subject,
                description,
                ..
            } => {
                let mut body = json!({"messaging_product": "whatsapp"});
                if let Some(s) = subject {
                    body["subject"] = json!(s);
                }
                if let Some(d) = description {
                    body["description"] = json!(d);
                }
                Some(body)
            }
            Call::UpdatePhoto { photo, .. } => Some(json!({
                "messaging_product": "whatsapp",
                "file": format!("<{}>", photo.describe()),
            })),
            Call::ResetInviteLink { .. } | Call::DeleteInviteLink { .. } => {
                Some(json!({"messaging_product": "whatsapp"}))
            }
            Call::ApproveJoinRequests { ids, .. } | Call::RejectJoinRequests { ids, .. } => {
                Some(json!({"messaging_product": "whatsapp", "join_requests": ids}))
            }
            Call::GroupInfo { .. }
            | Call::ListGroups { .. }
            | Call::DeleteGroup { .. }
            | Call::GetInviteLink { .. }
            | Call::ListJoinRequests { .. } => None,
        }
    }

    /// The participants the call carries (none for reads).
    pub fn participants(&self) -> &[Person] {
        match self {
            Call::AddParticipants { participants, .. }
            | Call::RemoveParticipants { participants, .. } => participants,
            _ => &[],
        }
    }
}

/// A group id as a path segment, or why it cannot be one.
fn checked(group: &str) -> Result<String, ApiError> {
    GroupId::parse(group)
        .map(GroupId::into_string)
        .map_err(|e| ApiError::Invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_call_has_one_method_and_path() {
        let p: Person = crate::domain::Participant::from_wa_id("12025550143")
            .expect("wa_id")
            .into();
        let cases = [
            (Call::GroupInfo { group: "G1".into() }, "GET /v23.0/G1"),
            (
                Call::ListGroups {
                    after: Some("c".into()),
                },
                "GET /v23.0/1000/groups",
            ),
            (
                Call::AddParticipants {
                    group: "G1".into(),
                    participants: vec![p.clone()],
                },
                "POST /v23.0/G1/participants",
            ),
            (
                Call::RemoveParticipants {
                    group: "G1".into(),
                    participants: vec![p],
                },
                "DELETE /v23.0/G1/participants",
            ),
        ];
        for (call, shown) in cases {
            let endpoint = call.endpoint("v23.0", "1000").expect("an endpoint");
            assert_eq!(endpoint.to_string(), shown);
        }
    }

    #[test]
    fn every_lifecycle_call_has_the_contracts_method_and_path() {
        let g = || "G1".to_string();
        let new = NewGroup {
            subject: "S".into(),
            description: None,
            join_approval_mode: crate::domain::JoinApprovalMode::ApprovalRequired,
        };
        let cases = [
            (Call::CreateGroup { new }, "POST /v23.0/1000/groups"),
            (
                Call::UpdateSettings {
                    group: g(),
                    subject: Some("x".into()),
                    description: None,
                },
                "POST /v23.0/G1",
            ),
            (Call::DeleteGroup { group: g() }, "DELETE /v23.0/G1"),
            (
                Call::GetInviteLink { group: g() },
                "GET /v23.0/G1/invite_link",
            ),
            (
                Call::ResetInviteLink { group: g() },
                "POST /v23.0/G1/invite_link",
            ),
            (
                Call::DeleteInviteLink { group: g() },
                "DELETE /v23.0/G1/invite_link",
            ),
            (
                Call::ListJoinRequests {
                    group: g(),
                    after: None,
                },
                "GET /v23.0/G1/join_requests",
            ),
            (
                Call::ApproveJoinRequests {
                    group: g(),
                    ids: vec!["a".into()],
                },
                "POST /v23.0/G1/join_requests",
            ),
            (
                Call::RejectJoinRequests {
                    group: g(),
                    ids: vec!["a".into()],
                },
                "DELETE /v23.0/G1/join_requests",
            ),
        ];
        for (call, shown) in cases {
            let endpoint = call.endpoint("v23.0", "1000").expect("an endpoint");
            assert_eq!(endpoint.to_string(), shown);
            assert_eq!(call.is_read(), endpoint.method == Method::Get, "{shown}");
        }
        let bad = Call::DeleteGroup { group: "..".into() };
        assert!(bad.endpoint("v23.0", "1").is_err());
    }

    #[test]
    fn ids_that_are_path_segments_have_no_endpoint() {
        for bad in ["..", ".", "", "a/b", "a?b", "x#", "%2e%2e", "a b"] {
            let calls = [
                Call::GroupInfo { group: bad.into() },
                Call::change_participants(OperationKind::Add, bad, Vec::new()),
                Call::change_participants(OperationKind::Remove, bad, Vec::new()),
            ];
            for call in calls {
                assert!(
                    matches!(call.endpoint("v23.0", "1"), Err(ApiError::Invalid(_))),
                    "{bad:?}"
                );
            }
        }
    }
}
