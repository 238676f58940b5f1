//! What the app read from the store, made safe for the screen: the mirror's groups (the list
//! every view names groups from) and one group's members and changes.

use std::collections::HashMap;

use crate::domain::text::sanitize;
use crate::domain::{OperationKind, OperationState, Person};
use crate::store::{GroupSummary, MirrorGroup, OpId, Operation};

/// The mirror's groups as last read, in the store's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mirror {
    pub rows: Vec<GroupRow>,
    /// Group id to its index in `rows`.
    pub index: HashMap<String, usize>,
    /// Whether the mirror has been read once (an empty list before that means "loading").
    pub loaded: bool,
}

impl Mirror {
    /// Takes a fresh read of the groups.
    pub fn load(&mut self, list: Vec<GroupSummary>) {
        self.rows = list.into_iter().map(GroupRow::from_summary).collect();
        self.index = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, g)| (g.id.clone(), i))
            .collect();
        self.loaded = true;
    }

    pub fn get(&self, id: &str) -> Option<&GroupRow> {
        self.index.get(id).and_then(|i| self.rows.get(*i))
    }

    /// A group's subject for log lines and dialogs, or its (sanitised) id when the mirror
    /// lacks it.
    pub fn label(&self, id: &str) -> String {
        match self.get(id) {
            Some(g) if !g.subject.is_empty() => g.subject.clone(),
            _ => sanitize(id),
        }
    }
}

/// One group of the list, its text made safe for the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    /// The id as the server gave it (used for the store and the engine, never drawn raw).
    pub id: String,
    pub subject: String,
    /// The subject and id in lower case, for the filter.
    pub haystack: String,
    pub members: u32,
    pub pending: usize,
    pub failed: usize,
    pub gone: bool,
    /// Suspended by WhatsApp.
    pub suspended: bool,
    /// Pending join requests, as last read.
    pub join_requests: usize,
    /// The invite link as last read, made safe.
    pub invite_link: Option<String>,
}

impl GroupRow {
    pub fn from_summary(g: GroupSummary) -> GroupRow {
        let subject = sanitize(&g.subject);
        let haystack = format!("{} {}", subject.to_lowercase(), g.id.to_lowercase());
        GroupRow {
            id: g.id,
            subject,
            haystack,
            members: g.member_count,
            pending: g.pending,
            failed: g.failed,
            gone: g.gone_at.is_some(),
            suspended: g.suspended,
            join_requests: g.join_requests,
            invite_link: g.invite_link.as_deref().map(sanitize),
        }
    }
}

/// One operation of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpRow {
    pub id: OpId,
    pub person: Person,
    pub kind: OperationKind,
    pub state: OperationState,
    /// The failure (`131203 recipient…`) or the flag stored with it, made safe.
    pub note: Option<String>,
}

/// One group's members (from the mirror) and changes (from the queue, newest first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDetail {
    pub id: String,
    pub subject: String,
    /// Members as the mirror lists them, each with every key known (their usernames made
    /// safe where the answer was read).
    pub members: Vec<Person>,
    pub member_count: u32,
    pub gone: bool,
    pub ops: Vec<OpRow>,
}

impl GroupDetail {
    /// From the mirror and the queue; every server string is sanitised here.
    pub fn new(group: MirrorGroup, ops: Vec<Operation>) -> GroupDetail {
        let ops = ops
            .into_iter()
            .rev()
            .filter_map(|op| {
                let note = crate::present::note(&op);
                Some(OpRow {
                    id: op.id,
                    person: op.person()?.clone(),
                    kind: op.kind(),
                    state: op.state,
                    note,
                })
            })
            .collect();
        GroupDetail {
            subject: sanitize(&group.subject),
            id: group.id,
            member_count: group.member_count,
            gone: group.gone_at.is_some(),
            members: group.members,
            ops,
        }
    }

    /// The pending operation for this member (however it names them), if any.
    pub fn pending_for(&self, p: &Person) -> Option<&OpRow> {
        self.ops
            .iter()
            .find(|o| o.state == OperationState::Pending && o.person.is(p))
    }

    /// Members and operations, as a cursor walks them.
    pub fn row_count(&self) -> usize {
        self.members.len() + self.ops.len()
    }

    /// The member or operation at `index` of that walk.
    pub fn row(&self, index: usize) -> Option<RowKey> {
        match self.members.get(index) {
            Some(m) => Some(RowKey::Member(m.clone())),
            None => self
                .ops
                .get(index - self.members.len())
                .map(|o| RowKey::Op(o.id)),
        }
    }
}

/// A selectable row of a group: a member or one of its operations.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowKey {
    Member(Person),
    Op(OpId),
}
