//! The group view: the selected group's members (from the mirror) and its changes with their
//! state, a cursor over both, the rows picked with Space (or all of a list), and the whole of
//! a member or a change on Enter.

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
    /// The group the groups cursor is on (what `detail` is read for).
    pub selected: Option<String>,
}

/// Rows of the view in `area` (inside the border).
fn list_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2))
}

impl GroupView {
    /// The group it shows, if that is `id` (its members as last read).
    pub fn showing(&self, id: &str) -> Option<&GroupDetail> {
        self.detail.as_ref().filter(|g| g.id == id)
    }

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
            Hint {
                text: "the whole of the member or change under the cursor",
                ..Action::Open.hint()
            },
            Action::Select.hint(),
            Hint {
                text: "pick every member (or every change, with the cursor on one); again: none",
                ..Action::PickAll.hint()
            },
            Action::Remove.hint(),
            Hint {
                text: "undo the change under the cursor (on a member: their latest change here)",
                ..Action::Undo.hint()
            },
            Hint {
                text: "queue the failed change under the cursor again (or every failed one here)",
                ..Action::Retry.hint()
            },
        ]);
        hints
    }

    fn group(&self, _ctx: &Ctx) -> Option<String> {
        self.detail.as_ref().map(|g| g.id.clone())
    }
}
