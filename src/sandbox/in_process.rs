//! What tests and the demo read of a running sandbox and do in it, in process: groups with
//! their settings, links and join requests, people and their ids, and the actions of simulated
//! WhatsApp users (the same as the `/_sandbox/` hooks, webhooks included).

use super::people::{Person, UserRef};
use super::server::Sandbox;
use super::state::UserError;
use super::users::{self, User};

/// A group as the sandbox holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupView {
    pub id: String,
    pub subject: String,
    pub description: String,
    /// `auto_approve` or `approval_required`.
    pub join_approval_mode: &'static str,
    pub suspended: bool,
    /// Unix seconds.
    pub created_at: u64,
    /// wa_ids, sorted (hidden phones included: the sandbox knows them).
    pub members: Vec<String>,
    /// The live invite link, if one was issued and not reset or deleted since.
    pub invite_link: Option<String>,
    /// SHA-256 (lowercase hex) of the group photo, if one was uploaded.
    pub photo_sha256: Option<String>,
}

/// A pending join request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinRequestView {
    pub join_request_id: String,
    pub wa_id: String,
    /// Unix seconds.
    pub created_at: u64,
}

impl Sandbox {
    /// The whole group, `None` when there is none.
    pub fn group(&self, group_id: &str) -> Option<GroupView> {
        let groups = self.shared.groups();
        groups.get(group_id).map(|g| GroupView {
            id: g.id.clone(),
            subject: g.subject.clone(),
            description: g.description.clone(),
            join_approval_mode: g.join_approval_mode.as_str(),
            suspended: g.suspended,
            created_at: g.created_at,
            members: g.members.iter().cloned().collect(),
            invite_link: g.invite_link.clone(),
            photo_sha256: g.photo_sha256.clone(),
        })
    }

    /// Each member's identity (wa_id, BSUID, username, whether the phone is hidden), sorted by
    /// wa_id; `None` for an unknown group.
    pub fn participants(&self, group_id: &str) -> Option<Vec<Person>> {
        let mut groups = self.shared.groups();
        let members: Vec<String> = groups.get(group_id)?.members.iter().cloned().collect();
        Some(members.iter().map(|m| groups.people.person(m)).collect())
    }

    /// The identity of the user with this phone number (`+digits` or digits) or BSUID, as
    /// the business sees them; `None` for text that is neither (or an unknown BSUID).
    pub fn person(&self, user: &str) -> Option<Person> {
        let mut groups = self.shared.groups();
        match UserRef::parse(user.trim())? {
            UserRef::Phone(wa_id) => Some(groups.people.person(&wa_id)),
            UserRef::Bsuid(id) => {
                let wa_ids: Vec<String> = groups
                    .ids()
                    .iter()
                    .filter_map(|g| groups.get(g))
                    .flat_map(|g| {
                        g.members
                            .iter()
                            .chain(g.join_requests.values().map(|r| &r.wa_id))
                            .cloned()
                    })
                    .collect();
                let wa_id = wa_ids
                    .into_iter()
                    .find(|m| groups.people.user_id(m) == id)?;
                Some(groups.people.person(&wa_id))
            }
        }
    }

    /// The live invite link, issuing one when the group has none (as `GET /invite_link`);
    /// `None` for an unknown or suspended group.
    pub fn invite_link(&self, group_id: &str) -> Option<String> {
        self.shared.groups().invite_link(group_id).ok()
    }

    /// The pending join requests, oldest first; `None` for an unknown group.
    pub fn join_requests(&self, group_id: &str) -> Option<Vec<JoinRequestView>> {
        let groups = self.shared.groups();
        let group = groups.get(group_id)?;
        Some(
            group
                .join_requests
                .values()
                .map(|r| JoinRequestView {
                    join_request_id: r.id.clone(),
                    wa_id: r.wa_id.clone(),
                    created_at: r.created_at,
                })
                .collect(),
        )
    }

    /// The group a create with this `request_id` made, once it exists.
    pub fn group_for_request(&self, request_id: &str) -> Option<String> {
        self.shared
            .groups()
            .created_by(request_id)
            .map(str::to_owned)
    }

    /// A user joins by a live invite link (as `POST /_sandbox/join`). Returns the group id
    /// and who joined.
    pub fn join_by_link(&self, link: &str, user: &User<'_>) -> Result<(String, Person), UserError> {
        users::join_by_link(&self.shared, link, user)
    }

    /// A user asks to join by a live link (as `POST /_sandbox/ask`). Returns the group id and
    /// the join request id.
    pub fn ask_to_join(&self, link: &str, user: &User<'_>) -> Result<(String, String), UserError> {
        users::ask_to_join(&self.shared, link, user)
    }

    /// A user withdraws their join request (as `POST /_sandbox/withdraw`). Returns its id.
    pub fn withdraw_request(&self, group_id: &str, phone: &str) -> Result<String, UserError> {
        users::withdraw_request(&self.shared, group_id, phone)
    }

    /// A member (phone or BSUID) leaves (as `POST /_sandbox/leave`).
    pub fn leave(&self, group_id: &str, user: &str) -> Result<Person, UserError> {
        users::leave(&self.shared, group_id, user)
    }

    /// WhatsApp suspends the group or lifts the suspension (as `POST /_sandbox/suspend` and
    /// `/unsuspend`). Returns whether it changed.
    pub fn set_suspended(&self, group_id: &str, suspended: bool) -> Result<bool, UserError> {
        users::set_suspended(&self.shared, group_id, suspended)
    }

    /// Whether the number may use the Groups API (else 131215) and create groups (else
    /// 131214), as `POST /_sandbox/account`.
    pub fn set_account(&self, eligible: bool, creation_enabled: bool) {
        let mut groups = self.shared.groups();
        groups.account.eligible = eligible;
        groups.account.creation_enabled = creation_enabled;
    }
}
