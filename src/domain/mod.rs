//! Pure rules of the domain: people (phone numbers, BSUIDs, usernames) and how operators write
//! them, operations and their states, the queue's rules, membership, batch planning. No I/O.

pub mod event;
pub mod group;
pub mod group_id;
pub mod group_names;
pub mod group_ref;
pub mod id_endings;
pub mod list;
pub mod members;
pub mod number_forms;
pub mod operation;
pub mod participant;
pub mod person;
pub mod phone_text;
pub mod plan;
pub mod queue;
pub mod reading;
pub mod region;
pub mod similar;
pub mod text;
pub mod when;

pub use event::{EventField, EventPerson, EventType, GroupEvent};
pub use group::{JoinApprovalMode, JoinRequestRef, NewGroup, Photo};
pub use group_id::{GroupId, GroupIdError};
pub use group_names::GroupNames;
pub use group_ref::GroupRefError;
pub use list::{ListEntry, Named, read_numbers};
pub use members::{Members, Membership};
pub use operation::{OpId, OpSpec, OperationKind, OperationState};
pub use participant::{Participant, ParticipantError};
pub use person::{Key, Person, Query, Sameness, UserId};
pub use reading::Reading;
pub use region::Region;

/// The Graph API takes at most this many participants in one add or remove request.
pub const MAX_PARTICIPANTS_PER_REQUEST: usize = 8;

/// A WhatsApp group holds at most this many participants (the business not counted).
pub const MAX_GROUP_MEMBERS: usize = 8;

/// A business phone number has at most this many active groups (`api-facts.md`, Limits); the
/// group list is not read past it.
pub const MAX_GROUPS_PER_NUMBER: usize = 10_000;
