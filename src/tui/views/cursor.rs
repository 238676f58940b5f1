//! The window over the rows of a list: the row under the cursor and the first row drawn, and
//! how far the move actions take it.

use crate::tui::action::Action;

/// A cursor over `len` rows of which `rows` are visible at a time.
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

    /// Keeps the cursor within `len` rows and in view of `rows` visible rows.
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

    /// Moves by `delta` rows (clamped), as a key asks.
    pub fn step(&mut self, delta: isize, len: usize, rows: usize) {
        self.go(self.index.saturating_add_signed(delta), len, rows);
    }
}

/// Rows a page key moves: a page of `rows`, less one row kept for context.
pub fn page(rows: usize) -> usize {
    rows.saturating_sub(1).max(1)
}

/// How far a move action goes in a list of `rows` visible rows, if it is one.
pub fn delta(action: Action, rows: usize) -> Option<isize> {
    let page = page(rows) as isize;
    Some(match action {
        Action::MoveUp => -1,
        Action::MoveDown => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        _ => return None,
    })
}

/// The move actions every list offers.
pub const MOVES: [Action; 6] = [
    Action::MoveUp,
    Action::MoveDown,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
];
