//! The kind of an operation: the name it has in the queue, in CSV files and on the command line.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What an operation does. Its name (`add`, `remove`) is what the store's `kind` column, the
/// CSV `action` column and `--action` hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    /// Add one participant to a group (`POST /{group}/participants`).
    Add,
    /// Remove one participant from a group (`DELETE /{group}/participants`).
    Remove,
}

impl OperationKind {
    /// Every kind, in the order help texts list them.
    pub const ALL: [OperationKind; 2] = [OperationKind::Add, OperationKind::Remove];

    /// The kind's name in the store, files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::Add => "add",
            OperationKind::Remove => "remove",
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
        assert!("delete".parse::<OperationKind>().is_err());
        for kind in OperationKind::ALL {
            assert_eq!(kind.as_str().parse::<OperationKind>(), Ok(kind));
        }
    }
}
