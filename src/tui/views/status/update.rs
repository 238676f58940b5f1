//! The status bar's update: its facts from engine events and the store's counts, and a
//! recount when the store changes.

use crate::engine::Event;
use crate::tui::msg::{Effect, Loaded};
use crate::tui::views::{Broadcast, Reply, ViewMsg};

use super::{Problem, StatusView};

/// How many send times the rate is computed from.
const RATE_SAMPLES: usize = 256;

pub fn update(view: &mut StatusView, msg: &ViewMsg) -> Vec<Reply> {
    match msg {
        ViewMsg::Tick => view.spinner = view.spinner.wrapping_add(1),
        ViewMsg::Engine { at, event } => engine(view, *at, event),
        ViewMsg::Loaded(Loaded::Counts(counts)) => view.counts = counts.clone(),
        ViewMsg::Broadcast(
            Broadcast::OperationSettled { .. } | Broadcast::StoreChanged | Broadcast::SyncDone,
        ) => return vec![Reply::Effect(Effect::LoadCounts)],
        _ => {}
    }
    Vec::new()
}

fn engine(view: &mut StatusView, at: i64, event: &Event) {
    match event {
        Event::Wire { in_flight, sent } => {
            for _ in 0..sent.saturating_sub(view.sent).min(RATE_SAMPLES) {
                if view.sent_at.len() == RATE_SAMPLES {
                    view.sent_at.pop_front();
                }
                view.sent_at.push_back(at);
            }
            view.sent = view.sent.max(*sent);
            view.in_flight = *in_flight;
        }
        Event::Throttled { pause_ms, rate } => view.throttle = Some((at, *pause_ms, *rate)),
        Event::Progress(p) => view.progress = Some(p.clone()),
        Event::Halted { class, message } => {
            view.problem = Some(Problem {
                class,
                message: message.clone(),
            });
        }
        // An answer, a sync that read, a run that was not stopped: the problem is behind.
        Event::Answer {
            status: Some(_), ..
        } => view.problem = None,
        Event::SyncFinished { error: None, .. } => {
            view.last_sync = Some(at);
            view.problem = None;
        }
        Event::RunFinished(summary) => {
            view.progress = Some(summary.progress.clone());
            if summary.stopped.is_none() && !summary.another_sender {
                view.problem = None;
            }
        }
        _ => {}
    }
}
