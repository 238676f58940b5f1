//! What queueing changes did: rows stored, duplicates, changes withdrawn for later ones, flags.
//! The rules themselves are `domain::queue`'s.

use serde::{Deserialize, Serialize};

use crate::domain::{OpId, OpSpec, OperationKind};

/// An open change withdrawn because a later, opposite change for the same slot was queued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replacement {
    /// The change that took its place.
    pub spec: OpSpec,
    /// The withdrawn operation and its kind.
    pub replaced: OpId,
    pub replaced_kind: OperationKind,
    /// The operation that took its place.
    pub by: OpId,
}

/// A pending change withdrawn by its opposite, which was not stored either: the mirror shows
/// the group already as the later one asks (a removal of someone whose add was pending but
/// who is not a member).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    /// The change asked, not stored.
    pub spec: OpSpec,
    /// The withdrawn operation and its kind.
    pub withdrawn: OpId,
    pub withdrawn_kind: OperationKind,
}

/// An operation stored with a warning for the operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flagged {
    pub id: OpId,
    pub spec: OpSpec,
    pub flag: String,
}

/// What queueing a list of changes did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnqueueReport {
    /// New rows in the queue.
    pub stored: usize,
    /// Changes that were already pending, unchanged.
    pub duplicates: usize,
    pub replaced: Vec<Replacement>,
    /// Pending changes withdrawn with the changes asked that cancelled them.
    #[serde(default)]
    pub cancelled: Vec<Cancellation>,
    pub flagged: Vec<Flagged>,
    /// The pending operation that now stands for each change asked, in the order asked (a new
    /// row, or the pending one a duplicate matched); a change that cancelled a pending one has
    /// none.
    pub ids: Vec<OpId>,
}

/// What happened to one change pushed into the queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pushed {
    /// The same change was already pending; nothing stored.
    Duplicate { existing: OpId },
    /// A new pending row, possibly replacing an opposite pending one, possibly flagged.
    Stored {
        id: OpId,
        replaced: Option<(OpId, OperationKind)>,
        flag: Option<String>,
    },
    /// The opposite change was pending and the group is already as this one asks: that one
    /// was withdrawn, nothing stored.
    Cancelled {
        withdrawn: OpId,
        withdrawn_kind: OperationKind,
    },
}

impl EnqueueReport {
    /// Adds what one push did.
    pub fn count(&mut self, spec: &OpSpec, pushed: Pushed) {
        match pushed {
            Pushed::Duplicate { existing } => {
                self.duplicates += 1;
                self.ids.push(existing);
            }
            Pushed::Cancelled {
                withdrawn,
                withdrawn_kind,
            } => self.cancelled.push(Cancellation {
                spec: spec.clone(),
                withdrawn,
                withdrawn_kind,
            }),
            Pushed::Stored { id, replaced, flag } => {
                self.stored += 1;
                self.ids.push(id);
                if let Some((old, old_kind)) = replaced {
                    self.replaced.push(Replacement {
                        spec: spec.clone(),
                        replaced: old,
                        replaced_kind: old_kind,
                        by: id,
                    });
                }
                if let Some(flag) = flag {
                    self.flagged.push(Flagged {
                        id,
                        spec: spec.clone(),
                        flag,
                    });
                }
            }
        }
    }
}
