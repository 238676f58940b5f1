//! What the app read from the store, made safe for the screen: the mirror's groups (the list
//! every view names groups from) and one group's members and changes.

use std::sync::Arc;

use crate::domain::group_names::Label;
use crate::domain::queue::{self, GroupFacts};
use crate::domain::text::sanitize;
use crate::domain::{GroupNames, Members, OperationKind, OperationState, Person};
use crate::engine::sync::UnreadGroup;
use crate::store::{GroupSummary, MirrorGroup, OpId, Operation};

/// The mirror's groups as last read, in the store's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mirror {
    pub rows: Vec<GroupRow>,
    /// Whether the mirror has been read once (an empty list before that means "loading").
    pub loaded: bool,
    /// How every view names the groups; made from `rows` in their order, so a group's
    /// position there ([`GroupNames::position`]) is its row.
    pub names: GroupNames,
    /// The groups the last sync could not read: kept in the list, marked, with why.
    pub unread: Vec<UnreadGroup>,
    /// When the least recently read live group was read (Unix ms): every group listed is at
    /// least this fresh. `None` before any group was read (a mirror a sync has not filled).
    pub read_since: Option<i64>,
    /// How many of `rows` are gone from the server (listed, marked, after a delete or a sync
    /// that no longer found them).
    pub gone: usize,
}

impl Mirror {
    /// Takes a fresh read of the groups; the groups the last sync could not read are kept in
    /// it (after the others when the store has none of theirs), marked with why.
    ///
    /// Memory: the list given becomes the rows in place (a row is no larger than a summary),
    /// a row shares its id and subject with the names, which are its index too; the previous
    /// read is dropped first, so a reload never holds two lists of rows.
    pub fn load(&mut self, mut list: Vec<GroupSummary>) {
        self.rows = Vec::new();
        self.names = GroupNames::default();
        let known = list.len();
        for g in &self.unread {
            if !list.iter().any(|s| s.id == g.id) {
                list.push(GroupSummary::named(&g.id, &g.subject));
            }
        }
        if list.len() > known {
            // In the store's order: by subject, then id.
            list.sort_by(|a, b| {
                (a.subject.to_lowercase(), &a.id).cmp(&(b.subject.to_lowercase(), &b.id))
            });
        }
        self.read_since = list
            .iter()
            .filter(|g| g.gone_at.is_none() && g.read_at > 0)
            .map(|g| g.read_at)
            .min();
        // The ids and subjects go to the names as they are read (each summary's freed as its
        // name is made), and the rows share them from there: position for position.
        self.names = GroupNames::new(list.iter_mut().map(|g| {
            (
                std::mem::take(&mut g.id),
                std::mem::take(&mut g.subject),
                g.gone_at.is_some(),
            )
        }));
        let names = &self.names;
        let unread = &self.unread;
        self.rows = list
            .into_iter()
            .enumerate()
            .filter_map(|(position, g)| {
                let (id, subject) = names.shared_at(position)?;
                let label = names.parts_at(position)?;
                let why = unread
                    .iter()
                    .find(|u| *u.id == *id)
                    .map(|u| sanitize(&u.why).into_boxed_str());
                Some(GroupRow {
                    unread: why,
                    ..GroupRow::from_summary(g, id, subject, label)
                })
            })
            .collect();
        self.rows.shrink_to_fit();
        self.gone = self.rows.iter().filter(|r| r.gone).count();
        self.loaded = true;
    }

    /// The row of a group, if the mirror has it.
    pub fn get(&self, id: &str) -> Option<&GroupRow> {
        self.names.position(id).and_then(|i| self.rows.get(i))
    }

    /// A group as every line and dialog names it ([`GroupNames::label`]): its subject, with
    /// the end of its id where another group has the same subject.
    pub fn label(&self, id: &str) -> String {
        self.names.label(id)
    }

    /// A group's name in a pane title of `room` columns: its label, and, where its subject is
    /// cut there and another group's subject begins the same, the end of its id (as the
    /// list keeps it), so that two such groups never look the same.
    pub fn title_name(&self, id: &str, room: usize) -> String {
        use unicode_width::UnicodeWidthStr;
        let label = self.label(id);
        let Some(row) = self.get(id) else {
            return label;
        };
        if row.suffix.is_some() || row.subject.width() <= room {
            return label;
        }
        let shown = crate::tui::widgets::fit_width(&row.subject, room.saturating_sub(7));
        let prefix = shown.trim_end_matches('…');
        let mut ids = vec![id];
        ids.extend(
            self.rows
                .iter()
                .filter(|r| &*r.id != id && r.subject != row.subject)
                .filter(|r| r.subject.starts_with(prefix))
                .map(|r| &*r.id),
        );
        if ids.len() == 1 {
            return label;
        }
        let end = crate::domain::group_names::distinct_endings(&ids).swap_remove(0);
        format!("{label} …{end}")
    }
}

/// One group of the list, its text made safe for the screen.
///
/// Kept small (a mirror may hold 100,000 of them): no larger than the [`GroupSummary`] it is
/// made from, its id and subject shared with the mirror's names, its label in parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    /// The id as the server gave it (used for the store and the engine, never drawn raw).
    pub id: Arc<str>,
    /// Made safe for the screen.
    pub subject: Arc<str>,
    /// The subject as its label shows it ([`Label::subject`]: trimmed, a stand-in for none),
    /// where that differs from `subject`.
    shown: Option<Box<str>>,
    /// The end of the id its label shows, where another group shares its subject.
    pub suffix: Option<Box<str>>,
    /// The subject and id in lower case, for the filter.
    pub haystack: Box<str>,
    pub members: u32,
    pub pending: u32,
    pub failed: u32,
    pub gone: bool,
    /// Suspended by WhatsApp.
    pub suspended: bool,
    /// When one of its changes last moved (ms since the epoch); `i64::MIN` when none has
    /// (first in the order, as "longest ago"), kept in 8 bytes rather than an option's 16.
    pub last_change: i64,
    /// Why the last sync could not read it, if it could not.
    pub unread: Option<Box<str>>,
    /// Pending join requests, as last read (at most a few thousand).
    pub join_requests: u32,
    /// The invite link as last read, made safe.
    pub invite_link: Option<Box<str>>,
}

// The rows are made from the summaries in place ([`Mirror::load`]): the standard library
// reuses a vector's memory only for items no larger than those it held. A row grown past a
// summary made 100,000 groups peak 25 MB higher (a second list, grown by doubling).
const _: () = assert!(
    std::mem::size_of::<GroupRow>() <= std::mem::size_of::<GroupSummary>()
        && std::mem::align_of::<GroupRow>() == std::mem::align_of::<GroupSummary>()
);

impl GroupRow {
    /// `id`: the summary's id, shared; `subject`: its subject made safe, shared; `label`: its
    /// name as the mirror's names give it. The summary's own id and subject are not read.
    pub fn from_summary(
        g: GroupSummary,
        id: Arc<str>,
        subject: Arc<str>,
        label: Label,
    ) -> GroupRow {
        let haystack = format!("{} {}", subject.to_lowercase(), id.to_lowercase());
        GroupRow {
            shown: (*label.subject != *subject).then(|| label.subject.into_boxed_str()),
            suffix: label.suffix.map(String::into_boxed_str),
            id,
            subject,
            haystack: haystack.into_boxed_str(),
            members: g.member_count,
            pending: u32::try_from(g.pending).unwrap_or(u32::MAX),
            failed: u32::try_from(g.failed).unwrap_or(u32::MAX),
            gone: g.gone_at.is_some(),
            last_change: g.last_change.unwrap_or(i64::MIN),
            unread: None,
            suspended: g.suspended,
            join_requests: u32::try_from(g.join_requests).unwrap_or(u32::MAX),
            invite_link: g
                .invite_link
                .as_deref()
                .map(|l| sanitize(l).into_boxed_str()),
        }
    }

    /// Its name on screen: the subject and, where another group shares it, the id's end.
    pub fn label(&self) -> Label {
        Label {
            subject: self.shown.as_deref().unwrap_or(&self.subject).to_owned(),
            suffix: self.suffix.as_deref().map(str::to_owned),
        }
    }
}

/// One operation of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpRow {
    pub id: OpId,
    /// Whom it is about, for a change that names a person (an add, a removal, a join
    /// decision); `None` for the group's own changes (create, subject, link, delete…).
    pub person: Option<Person>,
    pub kind: OperationKind,
    pub state: OperationState,
    /// The failure (`131203 recipient…`) or the flag stored with it, made safe.
    pub note: Option<String>,
    /// The whole of it, for its detail.
    pub source: Operation,
}

impl OpRow {
    /// Whether it is about this person (however it names them).
    pub fn is(&self, p: &Person) -> bool {
        self.person.as_ref().is_some_and(|q| q.is(p))
    }

    /// What it does, in a few words: the person of an add or a removal (`+1212…`), else its
    /// kind in words and what it names or sets (`approve +1555… @ana.k`, `subject "New"`,
    /// `reset invite link`).
    pub fn what(&self) -> String {
        match (&self.person, self.kind.is_participant_change()) {
            (Some(p), true) => p.row_label(),
            // A join request's asker: named as a member row names them.
            (Some(p), false)
                if matches!(self.kind, OperationKind::Approve | OperationKind::Reject) =>
            {
                format!(
                    "{} {}",
                    crate::present::kind_words(self.kind),
                    p.row_label()
                )
            }
            _ => {
                let words = crate::present::kind_words(self.kind);
                match self.source.spec.detail() {
                    d if d.is_empty() => words.to_owned(),
                    d => format!("{words} {d}"),
                }
            }
        }
    }
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
    /// The description as the mirror last read it (made safe), if it was read.
    pub description: Option<String>,
    pub ops: Vec<OpRow>,
}

impl GroupDetail {
    /// From the mirror and the queue (oldest first); every server string is sanitised here.
    /// A pending change's flag is what holds now ([`current_flags`]), not what held when it
    /// was queued.
    pub fn new(group: MirrorGroup, mut ops: Vec<Operation>) -> GroupDetail {
        current_flags(&group, &mut ops);
        let ops = ops
            .into_iter()
            .rev()
            // Every change of the group, of every kind.
            .map(|op| OpRow {
                id: op.id,
                person: op.person().cloned(),
                kind: op.kind(),
                state: op.state,
                note: crate::present::note(&op),
                source: op,
            })
            .collect();
        GroupDetail {
            subject: sanitize(&group.subject),
            id: group.id,
            member_count: group.member_count,
            gone: group.gone_at.is_some(),
            description: group.about.description.as_deref().map(sanitize),
            members: group.members,
            ops,
        }
    }

    /// The pending add or removal of this member (however it names them), if any.
    pub fn pending_for(&self, p: &Person) -> Option<&OpRow> {
        self.ops.iter().find(|o| {
            o.state == OperationState::Pending && o.kind.is_participant_change() && o.is(p)
        })
    }

    /// Members and operations, as a cursor walks them.
    pub fn row_count(&self) -> usize {
        self.members.len() + self.ops.len()
    }

    /// Where `key` is listed now, if it still is.
    pub fn index_of(&self, key: &RowKey) -> Option<usize> {
        match key {
            RowKey::Member(p) => self.members.iter().position(|m| m == p),
            RowKey::Op(id) => self
                .ops
                .iter()
                .position(|o| o.id == *id)
                .map(|i| i + self.members.len()),
        }
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

/// Puts on each pending change of `group` (`ops` oldest first) the flag the queue's rules
/// give it now (`domain::queue::flag`): against the members now, the removals pending now and
/// the adds pending before it, as a submit would plan them. A queue-time note such as
/// `would be 9 of 8 members: 8 now, 1 removal(s) pending` goes once a run has made room, and
/// from a change that went through.
fn current_flags(group: &MirrorGroup, ops: &mut [Operation]) {
    let mut facts = GroupFacts {
        gone: group.gone_at.is_some(),
        member_count: group.member_count,
        members: Members::of(&group.members),
        suspended: group.about.suspended,
        ..GroupFacts::default()
    };
    // A change that went through (sent, accepted, confirmed) settled what its flag doubted.
    for op in ops.iter_mut().filter(|op| {
        matches!(
            op.state,
            OperationState::Sending | OperationState::Accepted | OperationState::Confirmed
        )
    }) {
        op.flag = None;
    }
    let pending = |op: &&mut Operation| op.state == OperationState::Pending;
    for op in ops.iter_mut().filter(pending) {
        if op.kind() == OperationKind::Remove {
            facts.count(&op.spec, 1);
        }
    }
    for op in ops.iter_mut().filter(pending) {
        op.flag = queue::flag(&op.spec, Some(&facts));
        if matches!(op.kind(), OperationKind::Add | OperationKind::Approve) {
            facts.count(&op.spec, 1);
        }
    }
}

/// A selectable row of a group: a member or one of its operations.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowKey {
    Member(Person),
    Op(OpId),
}
