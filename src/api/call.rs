//! Every request the tool makes, as a value: the one place a method and a path are written.
//! The client sends a [`Call`]; the dry run, the app's preview and the audit trail show the
//! [`Endpoint`] of the same value, so what is shown is what is sent.

use std::fmt;

use super::ApiError;
use crate::domain::{GroupId, OperationKind, Person};

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
            OperationKind::Remove => Call::RemoveParticipants {
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
            Call::GroupInfo { group } => vec![checked(group)?],
            Call::ListGroups { .. } => vec![phone_number_id.to_owned(), "groups".to_owned()],
            Call::AddParticipants { group, .. } | Call::RemoveParticipants { group, .. } => {
                vec![checked(group)?, "participants".to_owned()]
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
            Call::GroupInfo { .. } | Call::ListGroups { .. } => Method::Get,
            Call::AddParticipants { .. } => Method::Post,
            Call::RemoveParticipants { .. } => Method::Delete,
        }
    }

    /// Whether sending it twice is harmless (a read), so a lost answer may simply be asked
    /// again; a write whose answer is lost must be settled by reading instead.
    pub fn is_read(&self) -> bool {
        matches!(self, Call::GroupInfo { .. } | Call::ListGroups { .. })
    }

    /// The group the call is about, if it is about one.
    pub fn group(&self) -> Option<&str> {
        match self {
            Call::GroupInfo { group }
            | Call::AddParticipants { group, .. }
            | Call::RemoveParticipants { group, .. } => Some(group),
            Call::ListGroups { .. } => None,
        }
    }

    /// The JSON body the call is sent with (`None` for reads): the one the client sends and
    /// the dry run shows.
    pub fn body(&self) -> Option<serde_json::Value> {
        match self {
            Call::AddParticipants { participants, .. }
            | Call::RemoveParticipants { participants, .. } => {
                serde_json::to_value(super::wire::ParticipantsBody::new(participants)).ok()
            }
            Call::GroupInfo { .. } | Call::ListGroups { .. } => None,
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
