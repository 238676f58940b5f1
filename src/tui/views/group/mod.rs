//! The group view: the selected group's members (from the mirror) and its changes with their
//! state, a cursor over both, and the rows picked with Space.

mod draw;
mod update;

use std::collections::BTreeSet;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::domain::Query;
use crate::tui::action::{Action, Hint};
use crate::tui::model::{GroupDetail, RowKey};

use super::cursor::{Cursor, MOVES};
use super::{Ctx, Reply, View, ViewMsg};

/// The group view's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupView {
    /// The group shown, once read (`None`: none selected, or not in the mirror).
    pub detail: Option<GroupDetail>,
    pub cursor: Cursor,
    /// Rows picked with Space.
    pub picked: BTreeSet<RowKey>,
    /// The person the groups filter searched, marked among the members.
    pub searched: Option<Query>,
}

/// Rows of the view in `area` (inside the border).
fn list_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2))
}

impl GroupView {
    fn fit(&mut self, area: Rect) {
        let len = self.detail.as_ref().map_or(0, GroupDetail::row_count);
        self.cursor.fit(len, list_rows(area));
    }
}

impl View for GroupView {
    fn update(&mut self, ctx: &Ctx, msg: &ViewMsg) -> Vec<Reply> {
        update::update(self, ctx, msg)
    }

    fn draw(&self, ctx: &Ctx, buf: &mut Buffer) {
        draw::draw(self, ctx, buf);
    }

    fn commands(&self) -> Vec<Hint> {
        let mut hints: Vec<Hint> = MOVES.iter().map(|a| a.hint()).collect();
        hints.extend([
            Action::Select.hint(),
            Action::Remove.hint(),
            Action::Undo.hint(),
        ]);
        hints
    }

    fn group(&self, _ctx: &Ctx) -> Option<String> {
        self.detail.as_ref().map(|g| g.id.clone())
    }
}
