//! The app's state: everything drawn comes from here, and only `update` changes it.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use crate::domain::text::sanitize;
use crate::domain::{OperationKind, OperationState, Participant, Region};
use crate::engine::{Progress, Scope};
use crate::store::{GroupSummary, MirrorGroup, OpId, Operation};

use super::action::Mode;
use super::dialog::Dialog;
use super::keymap::Keymap;
use super::msg::Msg;
use super::text::{Line, Tone};
use crossterm::event::KeyEvent;

/// The log pane keeps this many lines; older ones are dropped.
pub const LOG_CAPACITY: usize = 2_000;

/// Which pane has the keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pane {
    #[default]
    Groups,
    Group,
    Log,
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
        }
    }
}

/// One operation of the group pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpRow {
    pub id: OpId,
    pub participant: Participant,
    pub kind: OperationKind,
    pub state: OperationState,
    /// The failure (`131203 recipient…`) or the flag stored with it, made safe.
    pub note: Option<String>,
}

/// The selected group as the group pane shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDetail {
    pub id: String,
    pub subject: String,
    pub members: Vec<Participant>,
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
            .map(|op| {
                let failure = match (op.error_code, op.error_message.as_deref()) {
                    (Some(code), Some(m)) => Some(format!("{code} {}", sanitize(m))),
                    (Some(code), None) => Some(code.to_string()),
                    (None, Some(m)) => Some(sanitize(m)),
                    (None, None) => None,
                };
                let note = match op.state {
                    OperationState::Failed | OperationState::Skipped => failure,
                    _ => op.flag.as_deref().map(sanitize).or(failure),
                };
                OpRow {
                    id: op.id,
                    participant: op.participant,
                    kind: op.kind,
                    state: op.state,
                    note,
                }
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

    /// The pending operation for this member, if any.
    pub fn pending_for(&self, p: &Participant) -> Option<&OpRow> {
        self.ops
            .iter()
            .find(|o| o.state == OperationState::Pending && &o.participant == p)
    }

    /// Members and operations, as the cursor walks them.
    pub fn row_count(&self) -> usize {
        self.members.len() + self.ops.len()
    }

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

/// A selectable row of the group pane.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowKey {
    Member(Participant),
    Op(OpId),
}

/// The groups filter: text typed after `/`. Text that reads as a phone number searches for the
/// groups that person is in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
    pub editing: bool,
    /// The person searched for and the groups the mirror has them in, once the store answered.
    pub person: Option<(Participant, BTreeSet<String>)>,
    /// The text `visible` was last filtered with (lower case), so that typing more only
    /// searches the groups still shown; `None` after the list changed.
    pub applied: Option<String>,
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
}

/// One line of the log pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub at: i64,
    pub tone: Tone,
    pub text: String,
}

/// The log pane: a bounded list and how far it is scrolled up from the newest line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Log {
    pub lines: VecDeque<LogLine>,
    /// Lines scrolled up from the bottom; 0 follows the newest.
    pub scroll: usize,
}

impl Log {
    pub fn push(&mut self, at: i64, tone: Tone, text: String) {
        if self.lines.len() == LOG_CAPACITY {
            self.lines.pop_front();
        }
        self.lines.push_back(LogLine { at, tone, text });
        if self.scroll > 0 {
            self.scroll = (self.scroll + 1).min(self.lines.len().saturating_sub(1));
        }
    }
}

/// The status bar's facts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Status {
    pub counts: BTreeMap<OperationState, usize>,
    pub progress: Option<Progress>,
    /// When recent requests were sent, for the rate shown.
    pub sent_at: VecDeque<i64>,
    /// The last throttle: when, for how long, and the rate the engine slowed to.
    pub throttle: Option<(i64, u64, Option<f64>)>,
    pub last_sync: Option<i64>,
    /// The latest time the app was told (ms since the epoch).
    pub now: i64,
    pub spinner: usize,
}

/// The window over the rows of a list: the cursor and the first row drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    pub index: usize,
    pub offset: usize,
}

impl Cursor {
    /// Moves to `index` (clamped to `len`) and scrolls so it is among `rows` visible rows.
    pub fn go(&mut self, index: usize, len: usize, rows: usize) {
        self.index = index.min(len.saturating_sub(1));
        self.fit(len, rows);
    }

    pub fn fit(&mut self, len: usize, rows: usize) {
        let rows = rows.max(1);
        self.index = self.index.min(len.saturating_sub(1));
        if self.index < self.offset {
            self.offset = self.index;
        } else if self.index >= self.offset + rows {
            self.offset = self.index + 1 - rows;
        }
        self.offset = self.offset.min(len.saturating_sub(rows));
    }
}

/// Everything the screen shows.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// The account, as the status bar names it (the business phone number id).
    pub account: String,
    /// The API version, for the request paths shown in previews.
    pub api_version: String,
    pub region: Option<Region>,
    pub keymap: Keymap,
    pub width: u16,
    pub height: u16,
    pub focus: Pane,
    /// Whether the mirror has been loaded once (an empty list before that means "loading").
    pub loaded: bool,
    pub groups: Vec<GroupRow>,
    /// Group id to its index in `groups`.
    pub index: HashMap<String, usize>,
    /// Indices into `groups` that pass the filter, in order: what the groups pane lists.
    pub visible: Vec<usize>,
    pub groups_cursor: Cursor,
    /// Groups picked with Space (ids).
    pub picked_groups: BTreeSet<String>,
    pub filter: Filter,
    pub group: Option<GroupDetail>,
    pub group_cursor: Cursor,
    /// Rows of the group pane picked with Space.
    pub picked_rows: BTreeSet<RowKey>,
    pub log: Log,
    pub status: Status,
    pub work: Work,
    pub dialog: Option<Dialog>,
    /// A one-line message in the footer until the next key.
    pub notice: Option<Line>,
    pub quit: bool,
}

impl State {
    pub fn new(account: &str, api_version: &str, region: Option<Region>, keymap: Keymap) -> State {
        State {
            account: sanitize(account),
            api_version: sanitize(api_version),
            region,
            keymap,
            width: 80,
            height: 24,
            ..State::default()
        }
    }

    /// The message a key press stands for here: the keymap's action in the context of the
    /// press (a dialog's keys while a dialog is open or the filter is typed, else the panes'),
    /// and the key itself, for typing.
    pub fn key(&self, key: KeyEvent) -> Msg {
        let mode = if self.dialog.is_some() || self.filter.editing {
            Mode::Dialog
        } else {
            Mode::App
        };
        Msg::Key {
            action: self.keymap.resolve(mode, &key),
            key,
        }
    }

    /// The group under the groups cursor.
    pub fn current_group(&self) -> Option<&GroupRow> {
        self.visible
            .get(self.groups_cursor.index)
            .and_then(|i| self.groups.get(*i))
    }

    /// A group's subject for log lines, or its (sanitised) id when the mirror lacks it.
    pub fn group_label(&self, id: &str) -> String {
        match self.index.get(id).and_then(|i| self.groups.get(*i)) {
            Some(g) if !g.subject.is_empty() => g.subject.clone(),
            _ => sanitize(id),
        }
    }

    /// The groups a submit of "the selected group" takes: the picked ones, or the current one.
    pub fn submit_scope(&self) -> Option<Scope> {
        if !self.picked_groups.is_empty() {
            return Some(Scope::Groups(self.picked_groups.iter().cloned().collect()));
        }
        let id = match self.focus {
            Pane::Group => self.group.as_ref().map(|g| g.id.clone()),
            _ => self.current_group().map(|g| g.id.clone()),
        }?;
        Some(Scope::Groups(vec![id]))
    }

    /// Whether a group is part of the submit in flight.
    pub fn is_submitting(&self, id: &str) -> bool {
        match &self.work {
            Work::Submitting { groups: None } => true,
            Work::Submitting { groups: Some(g) } => g.contains(id),
            _ => false,
        }
    }

    /// Recomputes `visible` from the filter; keeps the cursor on the same group if it stays.
    pub fn refilter(&mut self) {
        let keep = self.current_group().map(|g| g.id.clone());
        let needle = self.filter.text.trim().to_lowercase();
        let narrowing = self.filter.person.is_none()
            && self
                .filter
                .applied
                .as_deref()
                .is_some_and(|old| !old.is_empty() && needle.contains(old));
        self.visible = match self.filter.person.as_ref().map(|(_, ids)| ids) {
            Some(ids) => self
                .groups
                .iter()
                .enumerate()
                .filter(|(_, g)| ids.contains(&g.id))
                .map(|(i, _)| i)
                .collect(),
            None if needle.is_empty() => (0..self.groups.len()).collect(),
            // Typing more: only the groups still shown can match.
            None if narrowing => std::mem::take(&mut self.visible)
                .into_iter()
                .filter(|i| {
                    self.groups
                        .get(*i)
                        .is_some_and(|g| g.haystack.contains(&needle))
                })
                .collect(),
            None => self
                .groups
                .iter()
                .enumerate()
                .filter(|(_, g)| g.haystack.contains(&needle))
                .map(|(i, _)| i)
                .collect(),
        };
        self.filter.applied = self.filter.person.is_none().then_some(needle);
        let index = keep
            .and_then(|id| {
                self.visible
                    .iter()
                    .position(|i| self.groups.get(*i).is_some_and(|g| g.id == id))
            })
            .unwrap_or(0);
        let rows = super::layout::groups_rows(self.width, self.height);
        self.groups_cursor.go(index, self.visible.len(), rows);
    }
}
