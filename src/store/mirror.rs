//! The groups mirror: what the server last said about each group, kept when a group goes away.

use serde::{Deserialize, Serialize};

use super::UnixMs;
use crate::domain::Person;

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
    /// Operations that failed.
    pub failed: usize,
}
