//! The groups mirror: what the server last said about each group, kept when a group goes away.

use serde::{Deserialize, Serialize};

use super::UnixMs;
use crate::domain::{JoinApprovalMode, Person};

/// A group as last read from the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MirrorGroup {
    pub id: String,
    pub subject: String,
    /// The members the server listed (the business itself not included), each with every key
    /// it gave: phone, BSUID, parent BSUID, username.
    pub members: Vec<Person>,
    /// The server's `total_participant_count`, which may differ from `members.len()`.
    pub member_count: u32,
    /// When this was read from the server.
    pub read_at: UnixMs,
    /// When a complete group list first lacked this group; `None` while it exists.
    pub gone_at: Option<UnixMs>,
    /// Its settings, suspension, creation time and invite link.
    #[serde(default)]
    pub about: GroupAbout,
}

/// What the mirror knows of a group besides its members (the group lifecycle).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAbout {
    pub description: Option<String>,
    pub join_approval_mode: Option<JoinApprovalMode>,
    pub suspended: bool,
    /// When the server says it was created.
    pub created_at: Option<UnixMs>,
    /// The invite link as last read (or set by a reset), and when; not written by
    /// `upsert_groups` (a group read does not carry it), kept by it.
    pub invite_link: Option<String>,
    pub invite_link_read_at: Option<UnixMs>,
}

/// A pending join request as the mirror keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredJoinRequest {
    pub group_id: String,
    pub join_request_id: String,
    /// Who asked, with every key the server gave (the phone may be hidden: then the BSUID and
    /// username); `None` when it named no one the tool can know.
    pub person: Option<Person>,
    /// When the person asked.
    pub created_at: Option<UnixMs>,
    /// When the group's requests were read.
    pub read_at: UnixMs,
}

impl StoredJoinRequest {
    /// The request as a join decision names it.
    pub fn reference(&self) -> crate::domain::JoinRequestRef {
        crate::domain::JoinRequestRef {
            id: self.join_request_id.clone(),
            person: self.person.clone(),
        }
    }

    /// The asker as every output names a person ([`Person::label`]), or the request id when
    /// no one is named.
    pub fn label(&self) -> String {
        self.reference().label()
    }
}

/// What an answer changes in the mirror, committed with its verdicts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MirrorChange {
    /// The group's invite link is now this (a reset), or none (a revoke); stamped now.
    InviteLink { group: String, link: Option<String> },
    /// These join requests of the group were answered: no longer pending.
    JoinRequestsAnswered { group: String, ids: Vec<String> },
    /// The server answered a change of the group that it does not exist (131041, deleted):
    /// marked gone now, as a read that gets the same answer marks it.
    Gone { group: String },
}

/// One line of the group list: the mirror's facts and the queue's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub id: String,
    pub subject: String,
    pub member_count: u32,
    pub read_at: UnixMs,
    pub gone_at: Option<UnixMs>,
    /// Operations waiting to be sent.
    pub pending: usize,
    /// Operations that failed and were not queued again since (a later change of the same
    /// person, or setting, in the group).
    pub failed: usize,
    /// When an operation of the group last changed state (queued, sent, settled), if any.
    pub last_change: Option<UnixMs>,
    /// Suspended by WhatsApp (every call but its info answers 131207).
    #[serde(default)]
    pub suspended: bool,
    /// Pending join requests, as last read.
    #[serde(default)]
    pub join_requests: usize,
    /// The invite link as last read.
    #[serde(default)]
    pub invite_link: Option<String>,
}

impl GroupSummary {
    /// A line for a group known by its id and subject alone (as a group list names it): no
    /// member read, nothing queued.
    pub fn named(id: &str, subject: &str) -> GroupSummary {
        GroupSummary {
            id: id.to_owned(),
            subject: subject.to_owned(),
            member_count: 0,
            read_at: 0,
            gone_at: None,
            pending: 0,
            failed: 0,
            last_change: None,
            suspended: false,
            join_requests: 0,
            invite_link: None,
        }
    }
}
