//! The groups view: the mirror's groups through the filter (text, or a phone number, BSUID or
//! username that finds the groups a person is in), a cursor and the groups picked with Space.

mod draw;
mod update;

use std::collections::{BTreeMap, BTreeSet};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::domain::{Person, Query};
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
    /// The text `visible` was last filtered with (lower case), so that typing more only
    /// searches the groups still shown; `None` after the list changed.
    pub applied: Option<String>,
}

/// The groups view's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupsView {
    /// Indices into the mirror's rows that pass the filter, in order: what the view lists.
    pub visible: Vec<usize>,
    pub cursor: Cursor,
    /// Groups picked with Space (ids).
    pub picked: BTreeSet<String>,
    pub filter: Filter,
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

    /// Starts typing the filter.
    pub fn start_filter(&mut self) {
        self.filter.editing = true;
    }

    /// Recomputes `visible` from the filter; keeps the cursor on the same group if it stays.
    pub fn refilter(&mut self, mirror: &Mirror, area: Rect) {
        let keep = self.current(mirror).map(|g| g.id.clone());
        let needle = self.filter.text.trim().to_lowercase();
        let narrowing = self.filter.person.is_none()
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
                .filter(|(_, g)| ids.contains_key(&g.id))
                .map(|(i, _)| i)
                .collect(),
            None if needle.is_empty() => (0..rows.len()).collect(),
            // Typing more: only the groups still shown can match.
            None if narrowing => std::mem::take(&mut self.visible)
                .into_iter()
                .filter(|i| rows.get(*i).is_some_and(|g| g.haystack.contains(&needle)))
                .collect(),
            None => rows
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
                    .position(|i| rows.get(*i).is_some_and(|g| g.id == id))
            })
            .unwrap_or(0);
        self.cursor.go(index, self.visible.len(), list_rows(area));
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
        hints.extend([Action::Open.hint(), Action::Select.hint()]);
        let remove = Action::Remove.hint();
        hints.push(match self.filter.person {
            Some(_) => Hint {
                text: "queue removal of the searched person from the picked groups (or this one)",
                ..remove
            },
            None => remove,
        });
        hints
    }

    fn typing(&self) -> bool {
        self.filter.editing
    }

    fn prompt(&self, ctx: &Ctx) -> Option<ratatui::text::Line<'static>> {
        self.filter.editing.then(|| draw::prompt(self, ctx))
    }

    fn group(&self, ctx: &Ctx) -> Option<String> {
        self.current(ctx.mirror).map(|g| g.id.clone())
    }
}
