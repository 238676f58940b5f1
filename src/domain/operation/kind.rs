//! The kind of an operation: the name it has in the queue, in CSV files and on the command line.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What an operation does. Its name (`add`, `remove`, `create`, …) is what the store's `kind`
/// column holds; the participant actions (`add`, `remove`) are also the CSV `action` column's
/// and `--action`'s values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    /// Add one participant to a group (`POST /{group}/participants`).
    Add,
    /// Remove one participant from a group (`DELETE /{group}/participants`).
    Remove,
    /// Create a group (`POST /{phone_number_id}/groups`).
    Create,
    /// Change a group's subject (`POST /{group}`, JSON).
    Subject,
    /// Change a group's description (`POST /{group}`, JSON).
    Description,
    /// Change a group's photo (`POST /{group}`, multipart).
    Photo,
    /// Delete a group (`DELETE /{group}`).
    Delete,
    /// Reset a group's invite link (`POST /{group}/invite_link`): the old link dies.
    ResetLink,
    /// Revoke a group's invite link (`DELETE /{group}/invite_link`).
    RevokeLink,
    /// Approve a join request (`POST /{group}/join_requests`).
    Approve,
    /// Reject a join request (`DELETE /{group}/join_requests`).
    Reject,
}

impl OperationKind {
    /// The participant actions, in the order help texts list them (what `FromStr` reads).
    pub const ALL: [OperationKind; 2] = [OperationKind::Add, OperationKind::Remove];

    /// Every kind, as the store may hold it.
    pub const EVERY: [OperationKind; 11] = [
        OperationKind::Add,
        OperationKind::Remove,
        OperationKind::Create,
        OperationKind::Subject,
        OperationKind::Description,
        OperationKind::Photo,
        OperationKind::Delete,
        OperationKind::ResetLink,
        OperationKind::RevokeLink,
        OperationKind::Approve,
        OperationKind::Reject,
    ];

    /// The kind with this stored name (exact), any kind.
    pub fn from_name(name: &str) -> Option<OperationKind> {
        OperationKind::EVERY
            .into_iter()
            .find(|k| k.as_str() == name)
    }

    /// The kind's name in the store, files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::Add => "add",
            OperationKind::Remove => "remove",
            OperationKind::Create => "create",
            OperationKind::Subject => "subject",
            OperationKind::Description => "description",
            OperationKind::Photo => "photo",
            OperationKind::Delete => "delete",
            OperationKind::ResetLink => "reset_link",
            OperationKind::RevokeLink => "revoke_link",
            OperationKind::Approve => "approve",
            OperationKind::Reject => "reject",
        }
    }

    /// Whether this kind changes one participant of a group (and so carries a person).
    pub fn is_participant_change(self) -> bool {
        matches!(self, OperationKind::Add | OperationKind::Remove)
    }
}

impl fmt::Display for OperationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OperationKind {
    type Err = String;

    /// Reads a participant action (`add`, `remove`; any case, surrounding spaces ignored), as
    /// the CSV `action` column and `--action` take it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        OperationKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == wanted)
            .ok_or_else(|| format!("action `{wanted}` is neither `add` nor `remove`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_leniently_and_round_trip() {
        assert_eq!(" ADD ".parse::<OperationKind>(), Ok(OperationKind::Add));
        assert_eq!("remove".parse::<OperationKind>(), Ok(OperationKind::Remove));
        assert!(
            "delete".parse::<OperationKind>().is_err(),
            "not a participant action"
        );
        for kind in OperationKind::EVERY {
            assert_eq!(OperationKind::from_name(kind.as_str()), Some(kind));
        }
        for kind in OperationKind::ALL {
            assert_eq!(kind.as_str().parse::<OperationKind>(), Ok(kind));
        }
    }
}
