//! The log view's update: scrolling, and a line (or a few) for each engine event.

use crate::present::event_sentence;
use crate::tui::msg::{Effect, Loaded};
use crate::tui::views::cursor::delta;
use crate::tui::views::{Broadcast, Ctx, Reply, ViewMsg};

use super::{LogView, lines, rows};

pub fn update(view: &mut LogView, ctx: &Ctx, msg: &ViewMsg) -> Vec<Reply> {
    match msg {
        ViewMsg::Key {
            action: Some(action),
            ..
        } => {
            let rows = rows(ctx.area);
            if let Some(delta) = delta(*action, rows) {
                let max = view.lines.len().saturating_sub(rows);
                view.scroll = view.scroll.saturating_add_signed(-delta).min(max);
            }
        }
        ViewMsg::Engine { at, event } => {
            for line in lines::lines(ctx.mirror, event) {
                view.push(*at, line);
            }
        }
        ViewMsg::Broadcast(Broadcast::StoreChanged) if view.events_loaded => {
            return vec![Reply::Effect(Effect::LoadEvents {
                after: Some(view.events_seen.unwrap_or(0)),
            })];
        }
        ViewMsg::Loaded(Loaded::Events { records, latest }) => {
            view.events_loaded = true;
            if latest.is_some() {
                view.events_seen = *latest;
            }
            for record in records {
                let at = record.event.at.unwrap_or(record.received_at);
                let line = event_sentence(&record.event, &record.effects, |g| ctx.mirror.label(g));
                view.push(at, line);
            }
        }
        _ => {}
    }
    Vec::new()
}
