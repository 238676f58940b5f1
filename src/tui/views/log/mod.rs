//! The log view: the engine's events and the app's own steps (queued, submitted, undone),
//! time-stamped and toned, bounded, the newest at the bottom unless scrolled up; a cursor over
//! the lines, and the whole of the line under it (with what the event held) on Enter.

mod draw;
pub mod lines;
mod update;

use std::collections::VecDeque;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::action::{Action, Hint};
use crate::tui::text::{Line, Tone};

use super::cursor::MOVES;
use super::{Ctx, Reply, View, ViewMsg};

/// The log keeps this many lines; older ones are dropped.
pub const LOG_CAPACITY: usize = 2_000;

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// When (ms since the epoch).
    pub at: i64,
    pub tone: Tone,
    pub text: String,
    /// What the event held beyond the line (ids, codes, whole messages), for its detail.
    pub detail: Vec<Line>,
}

/// The log view's state: a bounded list, the line under the cursor and how far the view is
/// scrolled up, both counted from the newest line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogView {
    pub lines: VecDeque<LogLine>,
    /// Lines scrolled up from the bottom; 0 follows the newest.
    pub scroll: usize,
    /// The line under the cursor, counted from the newest (0); always in view.
    pub cursor: usize,
    /// Where the webhook events shown have got to in the processing order (`None`: not
    /// read yet; then nothing is asked for until the app's first read answers).
    pub events_seen: Option<i64>,
    /// The first read answered: later ones ask for what came after.
    pub events_loaded: bool,
}

/// Rows of the view in `area` (inside the border).
fn rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2))
}

impl LogView {
    /// Puts a line stamped `at` in its place in time (after the lines of the same time); a
    /// log moved away from the newest line keeps showing (and pointing at) the same lines.
    pub fn push(&mut self, at: i64, line: Line) {
        self.push_with(at, line, Vec::new());
    }

    /// [`LogView::push`] with the line's detail.
    pub fn push_with(&mut self, at: i64, line: Line, detail: Vec<Line>) {
        // Lines come from the engine, the operator's own steps and webhook events (stamped
        // when they happened, which may be before lines already shown): each goes where its
        // time puts it, so the log reads in the order things happened.
        let place = self.lines.partition_point(|l| l.at <= at);
        self.lines.insert(
            place,
            LogLine {
                at,
                tone: line.tone,
                text: line.text,
                detail,
            },
        );
        // Counted from the newest: the lines newer than the new one.
        let newer = self.lines.len() - 1 - place;
        if self.lines.len() > LOG_CAPACITY {
            self.lines.pop_front();
        }
        let last = self.lines.len().saturating_sub(1);
        if self.scroll > 0 && newer <= self.scroll {
            self.scroll = (self.scroll + 1).min(last);
        }
        if self.cursor > 0 && newer <= self.cursor {
            self.cursor = (self.cursor + 1).min(last);
        }
    }

    /// The line under the cursor.
    pub fn current(&self) -> Option<&LogLine> {
        let index = self.lines.len().checked_sub(1 + self.cursor)?;
        self.lines.get(index)
    }

    /// Moves the cursor by `delta` lines towards the oldest (positive) or the newest, keeping
    /// it in view of `rows` rows.
    fn step(&mut self, delta: isize, rows: usize) {
        let last = self.lines.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        let rows = rows.max(1);
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + rows {
            self.scroll = self.cursor + 1 - rows;
        }
        self.scroll = self.scroll.min(self.lines.len().saturating_sub(rows));
    }
}

impl View for LogView {
    fn update(&mut self, ctx: &Ctx, msg: &ViewMsg) -> Vec<Reply> {
        update::update(self, ctx, msg)
    }

    fn draw(&self, ctx: &Ctx, buf: &mut Buffer) {
        draw::draw(self, ctx, buf);
    }

    fn commands(&self) -> Vec<Hint> {
        let mut hints: Vec<Hint> = MOVES.iter().map(|a| a.hint()).collect();
        hints.push(Hint {
            text: "the whole of the log line under the cursor, with its ids and codes",
            ..Action::Open.hint()
        });
        hints
    }
}
