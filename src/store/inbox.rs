//! The webhook inbox as the store keeps it: each group event once, what processing it
//! settled, and what processing asks the store to apply in one commit.

use serde::{Deserialize, Serialize};

use super::{Outcome, StateChange, StoredJoinRequest, UnixMs};
use crate::domain::{GroupEvent, JoinApprovalMode, OpId, OperationState, Person};

/// An event as received, with the key that recognises it when it comes again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent {
    pub key: String,
    pub event: GroupEvent,
}

/// The events of one delivery for one business phone number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberBatch {
    pub phone_number_id: String,
    pub events: Vec<NewEvent>,
}

/// What receiving did: events new to the store, and events it already had (delivered again).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    pub new: usize,
    pub repeated: usize,
}

impl Received {
    pub fn add(&mut self, other: Received) {
        self.new += other.new;
        self.repeated += other.repeated;
    }
}

/// An operation an event settled, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettledOp {
    pub id: OpId,
    pub state: OperationState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What processing an event did (stored with it as JSON).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventEffects {
    /// Operations it settled (each operation is settled once, by whichever comes first: an
    /// event or a read).
    #[serde(default)]
    pub operations: Vec<SettledOp>,
    /// Members the mirror gained or lost by it, as people are shown ([`Person::label`]).
    #[serde(default)]
    pub joined: Vec<String>,
    #[serde(default)]
    pub left: Vec<String>,
    /// The people who joined had asked to join (their join request was approved).
    #[serde(default)]
    pub by_approval: bool,
    /// Anything else worth saying (the mirror already newer, a group not in the mirror…).
    #[serde(default)]
    pub notes: Vec<String>,
    /// People it named as added who were members already (as the mirror showed them before
    /// it): an add of theirs changed nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub already_members: Vec<Person>,
}

/// A stored event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    pub id: i64,
    pub received_at: UnixMs,
    /// How many times it was delivered.
    pub deliveries: u32,
    pub event: GroupEvent,
    /// Its place in the order processing took events (`None`: not processed yet).
    pub seq: Option<i64>,
    pub processed_at: Option<UnixMs>,
    pub effects: EventEffects,
}

/// A member change to apply to the mirror, at the event's time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberChange {
    pub group_id: String,
    /// Who, with every key the event gave (phone, BSUID, username).
    pub person: Person,
    pub joined: bool,
    pub at: UnixMs,
}

/// What an event changes of a group in the mirror (besides its members). Each applies only
/// when newer than the mirror's last read of what it changes (by more than a second: an
/// event's time is in whole seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupChange {
    /// A create's group, with what its `group_create` event gives.
    Created {
        id: String,
        subject: String,
        description: Option<String>,
        invite_link: Option<String>,
        join_approval_mode: Option<JoinApprovalMode>,
        at: UnixMs,
    },
    Deleted {
        id: String,
        at: UnixMs,
    },
    /// A settings change applied: the new subject, description, or both.
    Settings {
        id: String,
        subject: Option<String>,
        description: Option<String>,
        at: UnixMs,
    },
    /// Suspended by WhatsApp, or the suspension lifted.
    Suspended {
        id: String,
        suspended: bool,
        at: UnixMs,
    },
    /// Someone asked to join: a pending join request.
    JoinRequestOpened(StoredJoinRequest),
    /// A join request no longer pending: withdrawn (by its id), or its asker is in now (by
    /// the person, whichever of their requests it was).
    JoinRequestClosed {
        group_id: String,
        join_request_id: Option<String>,
        person: Option<Person>,
        at: UnixMs,
    },
}

/// What processing one event applies, in one commit. Operation moves are made only for
/// operations still `accepted` when the commit runs (one already settled, by a read or another
/// event, is left as it is, and its outcome row is not written). Member changes are applied
/// only when newer than both the group's last read (by more than a second) and the member's
/// last applied change; group changes as [`GroupChange`] says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventApplication {
    pub event_id: i64,
    /// Each move with the outcome row it writes.
    pub settle: Vec<(StateChange, Outcome)>,
    pub members: Vec<MemberChange>,
    pub groups: Vec<GroupChange>,
    pub by_approval: bool,
    pub notes: Vec<String>,
    /// The people it named as added who were members before it (its first processing).
    pub already_members: Vec<Person>,
    /// Marks the event processed (its first processing); a later settlement of operations
    /// that took its request id afterwards only adds to its effects.
    pub first: bool,
}

/// Where the webhook events that may speak of a request just answered would be: those naming
/// its `request_id`, and those of its `group` from `since` on (ms since the epoch, by the
/// event's time, or its arrival when it has none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventProbe {
    pub request_id: Option<String>,
    pub group: Option<String>,
    pub since: UnixMs,
}

/// Which events to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub group: Option<String>,
    /// Only processed events after this place in the processing order.
    pub after_seq: Option<i64>,
    /// Only events that happened (or, without a time, came) at or after this.
    pub since: Option<UnixMs>,
    /// At most this many (oldest first).
    pub limit: Option<usize>,
}
