//! What every view may read: the account, the keymap, the terminal's size, the latest time, the
//! work in flight and the mirror's groups. Only the root `update` changes it.

use std::collections::BTreeSet;

use crate::domain::Region;
use crate::domain::text::sanitize;

use super::keymap::Keymap;
use super::model::Mirror;

/// The facts shared by every view.
#[derive(Clone, Debug, Default)]
pub struct Shared {
    /// The account, as the status bar names it (the business phone number id).
    pub account: String,
    /// The API version, for the request paths shown in previews.
    pub api_version: String,
    /// The region national numbers are read in.
    pub region: Option<Region>,
    pub keymap: Keymap,
    pub width: u16,
    pub height: u16,
    /// The latest time the app was told (ms since the epoch).
    pub now: i64,
    pub work: Work,
    pub mirror: Mirror,
    /// The log is enlarged over the groups and the group.
    pub zoom: bool,
    /// The store ends with the app (the demo's): quitting with changes queued loses them, so
    /// it asks first.
    pub ephemeral: bool,
    /// The queued changes an ephemeral store holds (what quitting would lose), as last counted.
    pub unsent: usize,
}

impl Shared {
    pub fn new(account: &str, api_version: &str, region: Option<Region>, keymap: Keymap) -> Shared {
        Shared {
            account: sanitize(account),
            api_version: sanitize(api_version),
            region,
            keymap,
            width: 80,
            height: 24,
            ..Shared::default()
        }
    }
}

/// What the engine is doing, as far as the app knows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Work {
    #[default]
    Idle,
    /// A sync was asked for; the engine has not said it started.
    SyncAsked,
    Syncing {
        done: usize,
        total: usize,
    },
    /// A submit was sent to the engine for these groups (`None`: everything).
    Submitting {
        groups: Option<BTreeSet<String>>,
    },
    /// Quitting: cancel was sent; the app ends when the engine's task does.
    Cancelling,
}

impl Work {
    pub fn is_busy(&self) -> bool {
        !matches!(self, Work::Idle)
    }

    /// Whether a group is part of the submit in flight.
    pub fn is_submitting(&self, group_id: &str) -> bool {
        match self {
            Work::Submitting { groups: None } => true,
            Work::Submitting { groups: Some(g) } => g.contains(group_id),
            _ => false,
        }
    }
}
