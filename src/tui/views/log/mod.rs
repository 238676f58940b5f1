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
    /// Where it sorts (ms since the epoch): the order of arrival for the engine's events and
    /// the app's own steps, the time it happened for a line that carries its own.
    pub order: i64,
    /// How many lines the log had taken before this one ([`LogView::written`]).
    pub seq: u64,
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
    /// Lines taken so far, dropped ones included.
    pub written: u64,
}

/// Rows of the view in `area` (inside the border).
fn rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2))
}

impl LogView {
    /// Adds a line stamped `at` after every line already there: the engine's events and the
    /// app's own steps keep the order they came in, whatever their stamps (a clock set back,
    /// a batch of events stamped alike). A log moved away from the newest line keeps showing
    /// (and pointing at) the same lines.
    pub fn push(&mut self, at: i64, line: Line) {
        self.push_with(at, line, Vec::new());
    }

    /// [`LogView::push`] with the line's detail.
    pub fn push_with(&mut self, at: i64, line: Line, detail: Vec<Line>) {
        let order = self.lines.back().map_or(at, |l| l.order.max(at));
        self.insert(at, order, line, detail);
    }

    /// Puts a line that carries the time it happened (`at`, a webhook event's, read
    /// `received` later) in its place in time, so that the log reads in the order things
    /// happened. A time of whole seconds (a webhook's `timestamp`) may be any moment of that
    /// second: it goes after the lines of its second that came before it was received, never
    /// before the engine's line of the request that caused it.
    pub fn place_with(&mut self, at: i64, received: i64, line: Line, detail: Vec<Line>) {
        let order = if at % 1000 == 0 {
            (at + 999).min(received.max(at))
        } else {
            at
        };
        self.insert(at, order, line, detail);
    }

    /// Shows the newest line (the operator acted: what it did must be seen).
    pub fn follow(&mut self) {
        self.scroll = 0;
        self.cursor = 0;
    }

    fn insert(&mut self, at: i64, order: i64, line: Line, detail: Vec<Line>) {
        let place = self.lines.partition_point(|l| l.order <= order);
        self.lines.insert(
            place,
            LogLine {
                at,
                tone: line.tone,
                text: line.text,
                detail,
                order,
                seq: self.written,
            },
        );
        self.written += 1;
        // Counted from the newest: the lines newer than the new one.
        let newer = self.lines.len() - 1 - place;
        if self.lines.len() > LOG_CAPACITY {
            self.lines.pop_front();
        }
        let last = self.lines.len().saturating_sub(1);
        // A log moved away from the newest line (scrolled, or a line under the cursor) stays
        // put: the lines it shows stay where they are on the screen.
        if (self.scroll > 0 || self.cursor > 0) && newer <= self.scroll {
            self.scroll = (self.scroll + 1).min(last);
        }
        if self.cursor > 0 && newer <= self.cursor {
            self.cursor = (self.cursor + 1).min(last);
        }
    }

    /// Whether a line written since `written` was [`LogView::written`] reads `text`.
    pub fn wrote_since(&self, written: u64, text: &str) -> bool {
        self.lines
            .iter()
            .rev()
            .any(|l| l.seq >= written && l.text == text)
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

    fn withheld(&self) -> &'static [Action] {
        &[
            Action::Select,
            Action::PickAll,
            Action::Remove,
            Action::Undo,
        ]
    }
}
