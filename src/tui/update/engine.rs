//! Engine events into the state: the work in flight (and the notice of a refused run) here;
//! every view then sees the event (the log writes its line, the status bar takes its facts)
//! and hears what it means for the store (an operation settled, a run or a sync ended).

use crate::engine::Event;
use crate::tui::msg::Effect;
use crate::tui::shared::Work;
use crate::tui::state::State;
use crate::tui::text::{Line, Tone};
use crate::tui::views::log::lines::refused;
use crate::tui::views::{Broadcast, ViewMsg};

use super::to_all;

/// Takes one engine event received at `at`.
pub fn event(state: &mut State, at: i64, event: Event) -> Vec<Effect> {
    state.shared.now = state.shared.now.max(at);
    work(&mut state.shared.work, &event);
    if let Event::SyncFinished {
        unread_groups,
        error: None,
        ..
    } = &event
    {
        // Kept in the list, marked, until a sync reads them.
        state.shared.mirror.unread = unread_groups.clone();
    }
    if let Event::RunFinished(summary) = &event
        && let Some(why) = refused(summary)
    {
        state.notice = Some(Line::new(Tone::Bad, format!("not sent: {why}")));
    }
    let mut effects = to_all(state, &ViewMsg::Engine { at, event: &event });
    if let Some(broadcast) = meaning(&event) {
        effects.extend(to_all(state, &ViewMsg::Broadcast(&broadcast)));
    }
    effects
}

/// What the engine is doing, after this event.
fn work(work: &mut Work, event: &Event) {
    match event {
        Event::RunStarted { .. } if !matches!(work, Work::Submitting { .. } | Work::Cancelling) => {
            *work = Work::Submitting { groups: None };
        }
        Event::SyncStarted => *work = Work::Syncing { done: 0, total: 0 },
        Event::SyncProgress { done, total }
            if matches!(work, Work::Syncing { .. } | Work::SyncAsked) =>
        {
            *work = Work::Syncing {
                done: *done,
                total: *total,
            };
        }
        Event::SyncFinished { .. } | Event::RunFinished(_) if *work != Work::Cancelling => {
            *work = Work::Idle;
        }
        _ => {}
    }
}

/// What an event means for what the views show.
fn meaning(event: &Event) -> Option<Broadcast> {
    match event {
        Event::Outcome { group_id, .. } => Some(Broadcast::OperationSettled {
            group_id: group_id.clone(),
        }),
        Event::SyncFinished { .. } => Some(Broadcast::SyncDone),
        Event::RunFinished(_) => Some(Broadcast::StoreChanged),
        _ => None,
    }
}
