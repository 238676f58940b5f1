//! The log view: the engine's events and the app's own steps (queued, submitted, undone),
//! time-stamped and toned, bounded, the newest at the bottom unless scrolled up.

mod draw;
pub mod lines;
mod update;

use std::collections::VecDeque;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::action::Hint;
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
}

/// The log view's state: a bounded list and how far it is scrolled up from the newest line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogView {
    pub lines: VecDeque<LogLine>,
    /// Lines scrolled up from the bottom; 0 follows the newest.
    pub scroll: usize,
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
    /// Appends a line at `at`; a scrolled log keeps showing the same lines.
    pub fn push(&mut self, at: i64, line: Line) {
        if self.lines.len() == LOG_CAPACITY {
            self.lines.pop_front();
        }
        self.lines.push_back(LogLine {
            at,
            tone: line.tone,
            text: line.text,
        });
        if self.scroll > 0 {
            self.scroll = (self.scroll + 1).min(self.lines.len().saturating_sub(1));
        }
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
        MOVES.iter().map(|a| a.hint()).collect()
    }
}
