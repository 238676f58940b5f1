//! The groups view: the mirror's groups through the filter (text, or a phone number, BSUID or
//! username that finds the groups a person is in), in the order asked (subject, members, pending, failures, last
//! change), a cursor and the groups picked with Space (kept while the filter changes).

mod draw;
mod update;

pub use update::{reset, sort_next, start_filter};

use std::collections::{BTreeMap, BTreeSet};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::domain::{Person, Query};
use crate::store::OpId;
use crate::tui::action::{Action, Hint};
use crate::tui::model::{GroupRow, Mirror};

use super::cursor::{Cursor, MOVES};
use super::{Ctx, Reply, View, ViewMsg};

/// The groups filter: text typed after `/`. Text that reads as a phone number or a BSUID
/// searches for the groups that person is in; so does a username (`@` optional) that a member
/// of the mirror has, else it filters subjects as any text does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
    pub editing: bool,
    /// The person searched for and the groups the mirror has them in (each with the member as
    /// that group lists them), once the store answered.
    pub person: Option<(Query, BTreeMap<String, Person>)>,
    /// The groups with an add of the searched person pending (held back ones too), each with
    /// the operation: listed with their groups, and withdrawn by a removal from all of them.
    pub adding: BTreeMap<String, OpId>,
    /// Why text that reads as a phone number is none the tool can search for (`"(201)
    /// 629-6041": no country code: …`), said in place of "no group matches".
    pub unreadable: Option<String>,
    /// The text `visible` was last filtered with (lower case), so that typing more only
    /// searches the groups still shown; `None` after the list changed.
    pub applied: Option<String>,
}

/// The order the groups are listed in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// By subject, as the store gives them.
    #[default]
    Subject,
    /// Fullest first.
    Members,
    /// Most pending changes first.
    Pending,
    /// Most failed changes first.
    Failures,
    /// The group whose changes moved last first.
    LastChange,
}

impl SortBy {
    /// The next order `o` gives.
    pub fn next(self) -> SortBy {
        match self {
            SortBy::Subject => SortBy::Members,
            SortBy::Members => SortBy::Pending,
            SortBy::Pending => SortBy::Failures,
            SortBy::Failures => SortBy::LastChange,
            SortBy::LastChange => SortBy::Subject,
        }
    }

    /// How the title says it.
    pub fn name(self) -> &'static str {
        match self {
            SortBy::Subject => "subject",
            SortBy::Members => "members",
            SortBy::Pending => "pending",
            SortBy::Failures => "failures",
            SortBy::LastChange => "last change",
        }
    }

    /// How a narrow title says it: one word.
    pub fn short_name(self) -> &'static str {
        match self {
            SortBy::LastChange => "last",
            other => other.name(),
        }
    }
}

/// The groups view's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupsView {
    /// Indices into the mirror's rows that pass the filter, in the order asked: what the view
    /// lists.
    pub visible: Vec<usize>,
    pub cursor: Cursor,
    /// Groups picked with Space (ids), shown or not.
    pub picked: BTreeSet<String>,
    pub filter: Filter,
    pub sort: SortBy,
    /// The id of the group the cursor was last put on: a reload (a rename that re-sorts the
    /// list, a group made or gone) keeps the cursor on it by id, never on the row's index.
    pub at: Option<String>,
}

/// Whether a group answers the filter's `needle` (lower case): its subject or id holds it, or
/// it is a label as the app writes it, a subject and the end of the id after `…` (or `...`):
/// `cedar park neighbours …NTAx`, the end as `typed` (ids are base64: their case counts).
fn matches(g: &GroupRow, needle: &str, typed: &str) -> bool {
    if g.haystack.contains(needle) {
        return true;
    }
    let (Some((subject, _)), Some((_, ending))) = (label_parts(needle), label_parts(typed)) else {
        return false;
    };
    let (subject, ending) = (subject.trim(), ending.trim());
    !ending.is_empty()
        && g.id.ends_with(ending)
        && (subject.is_empty() || g.haystack.contains(subject))
}

/// A label's subject and id ending: the text around its last `…` (or `...`).
fn label_parts(text: &str) -> Option<(&str, &str)> {
    text.rsplit_once('…').or_else(|| text.rsplit_once("..."))
}

/// List rows of the view in `area` (inside the border, below the column header).
fn list_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3))
}

impl GroupsView {
    /// The group under the cursor.
    pub fn current<'m>(&self, mirror: &'m Mirror) -> Option<&'m GroupRow> {
        self.visible
            .get(self.cursor.index)
            .and_then(|i| mirror.rows.get(*i))
    }

    /// The ids of the groups shown, in order.
    pub fn shown<'m>(&self, mirror: &'m Mirror) -> impl Iterator<Item = &'m str> {
        self.visible
            .iter()
            .filter_map(|i| mirror.rows.get(*i))
            .map(|g| &*g.id)
    }

    /// Recomputes `visible` from the filter and the order; keeps the cursor on the same group
    /// if it stays.
    pub fn refilter(&mut self, mirror: &Mirror, area: Rect) {
        let keep = self
            .at
            .clone()
            .or_else(|| self.current(mirror).map(|g| g.id.to_string()));
        let typed = self.filter.text.trim();
        let needle = typed.to_lowercase();
        // A label (`… …NDUy`) matches nothing while its ending is being typed, then its
        // group: typing more of it widens what it finds, so it never narrows.
        let narrowing = self.filter.person.is_none()
            && label_parts(&needle).is_none()
            && self
                .filter
                .applied
                .as_deref()
                .is_some_and(|old| !old.is_empty() && needle.contains(old));
        let rows = &mirror.rows;
        self.visible = match self.filter.person.as_ref().map(|(_, ids)| ids) {
            Some(ids) => rows
                .iter()
                .enumerate()
                .filter(|(_, g)| {
                    ids.contains_key(&*g.id) || self.filter.adding.contains_key(&*g.id)
                })
                .map(|(i, _)| i)
                .collect(),
            None if needle.is_empty() => (0..rows.len()).collect(),
            // Typing more: only the groups still shown can match.
            None if narrowing => std::mem::take(&mut self.visible)
                .into_iter()
                .filter(|i| rows.get(*i).is_some_and(|g| matches(g, &needle, typed)))
                .collect(),
            None => rows
                .iter()
                .enumerate()
                .filter(|(_, g)| matches(g, &needle, typed))
                .map(|(i, _)| i)
                .collect(),
        };
        self.sort_visible(mirror);
        self.filter.applied = self.filter.person.is_none().then_some(needle);
        let index = keep
            .and_then(|id| {
                self.visible
                    .iter()
                    .position(|i| rows.get(*i).is_some_and(|g| *g.id == *id))
            })
            .unwrap_or(0);
        self.cursor.go(index, self.visible.len(), list_rows(area));
        self.at = self.current(mirror).map(|g| g.id.to_string());
    }

    /// Puts `visible` in the order asked (ties, and the subject order, as the store gives).
    fn sort_visible(&mut self, mirror: &Mirror) {
        let rows = &mirror.rows;
        let key = |i: &usize| -> (std::cmp::Reverse<i64>, usize) {
            let g = rows.get(*i);
            let value = match (self.sort, g) {
                (_, None) | (SortBy::Subject, _) => 0,
                (SortBy::Members, Some(g)) => i64::from(g.members),
                (SortBy::Pending, Some(g)) => g.pending as i64,
                (SortBy::Failures, Some(g)) => g.failed as i64,
                (SortBy::LastChange, Some(g)) => g.last_change,
            };
            (std::cmp::Reverse(value), *i)
        };
        if self.sort != SortBy::Subject {
            self.visible.sort_by_key(key);
        } else {
            self.visible.sort_unstable();
        }
    }
}

impl View for GroupsView {
    fn update(&mut self, ctx: &Ctx, msg: &ViewMsg) -> Vec<Reply> {
        update::update(self, ctx, msg)
    }

    fn draw(&self, ctx: &Ctx, buf: &mut Buffer) {
        draw::draw(self, ctx, buf);
    }

    fn commands(&self) -> Vec<Hint> {
        let mut hints: Vec<Hint> = MOVES.iter().map(|a| a.hint()).collect();
        hints.extend([
            Action::Open.hint(),
            Action::Select.hint(),
            Action::PickAll.hint(),
            Action::Sort.hint(),
        ]);
        let remove = Action::Remove.hint();
        hints.push(match self.filter.person {
            Some(_) => Hint {
                text: "take the searched person out of the picked groups: a removal where a member, the pending add withdrawn where one is queued (none picked, or none of the picked has them: from all their groups)",
                ..remove
            },
            None => remove,
        });
        hints
    }

    fn typing(&self) -> bool {
        self.filter.editing
    }

    fn prompt(&self, ctx: &Ctx, width: u16) -> Option<ratatui::text::Line<'static>> {
        self.filter.editing.then(|| draw::prompt(self, ctx, width))
    }

    fn group(&self, ctx: &Ctx) -> Option<String> {
        self.current(ctx.mirror).map(|g| g.id.to_string())
    }
}

/// What a person search that found no group says: a phone number cannot be matched to a member
/// the server shows only by BSUID and username (Meta hides the phone of users with a username
/// and no contact with the business), so the operator is told what to search instead.
pub(super) fn in_no_group(person: &Query, clears: &str) -> String {
    match person {
        Query::Phone(_) => format!(
            "{person} is in no group of the mirror by this number; a member shown only by BSUID may still be them: search their @username or BSUID ({clears})"
        ),
        _ => format!("{person} is in no group of the mirror ({clears})"),
    }
}
