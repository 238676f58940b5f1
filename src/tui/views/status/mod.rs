//! The status bar: the account and the queue's counts, the work in flight with what is on the
//! wire and its pace, a problem that stops every request (with what to do), the last throttle
//! and the last sync.

mod draw;
mod update;

use std::collections::{BTreeMap, VecDeque};

use ratatui::buffer::Buffer;

use crate::domain::OperationState;
use crate::engine::Progress;
use crate::tui::action::Hint;

use super::{Ctx, Reply, View, ViewMsg};

/// The window of the rate shown, in ms.
pub const RATE_WINDOW_MS: i64 = 5_000;

/// A problem that stops every request until the operator acts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The class of the error (`auth`, `permission`, `transient`).
    pub class: &'static str,
    pub message: String,
}

/// The status bar's facts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatusView {
    /// Operations of the queue by state.
    pub counts: BTreeMap<OperationState, usize>,
    pub progress: Option<Progress>,
    /// Requests out now, every job's (reads too), as the engine last said.
    pub in_flight: usize,
    /// Requests sent so far, as the engine last said.
    pub sent: usize,
    /// When recent requests were sent, for the rate shown.
    pub sent_at: VecDeque<i64>,
    /// The last throttle: when, for how long (ms), and the rate the engine slowed to.
    pub throttle: Option<(i64, u64, Option<f64>)>,
    pub last_sync: Option<i64>,
    /// What stops every request now, until a request is answered again.
    pub problem: Option<Problem>,
    pub spinner: usize,
}

impl StatusView {
    /// Requests per second over the last few seconds before `now`.
    pub fn rate(&self, now: i64) -> f64 {
        let recent = self
            .sent_at
            .iter()
            .filter(|t| **t > now - RATE_WINDOW_MS && **t <= now)
            .count();
        recent as f64 / (RATE_WINDOW_MS as f64 / 1000.0)
    }

    /// The pace shown: [`StatusView::rate`] while work is in flight (a job running or
    /// requests out); 0 once nothing is, so that an idle app never reads as sending.
    pub fn pace(&self, now: i64, work: &crate::tui::shared::Work) -> f64 {
        if work.is_busy() || self.in_flight > 0 {
            self.rate(now)
        } else {
            0.0
        }
    }

    /// Operations still open (sending or accepted), as last counted.
    pub fn open_operations(&self) -> usize {
        [OperationState::Sending, OperationState::Accepted]
            .iter()
            .filter_map(|s| self.counts.get(s))
            .sum()
    }
}

impl View for StatusView {
    fn update(&mut self, _ctx: &Ctx, msg: &ViewMsg) -> Vec<Reply> {
        update::update(self, msg)
    }

    fn draw(&self, ctx: &Ctx, buf: &mut Buffer) {
        draw::draw(self, ctx, buf);
    }

    fn commands(&self) -> Vec<Hint> {
        Vec::new()
    }
}
