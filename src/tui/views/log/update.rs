//! The log view's update: the cursor, the detail of a line, and a line (or a few) for each
//! engine event.

use crate::domain::text::sanitize;
use crate::domain::when::rfc3339;
use crate::present::event_sentence;
use crate::tui::action::Action;
use crate::tui::msg::{Effect, Loaded};
use crate::tui::overlays::TextPopup;
use crate::tui::text::{Line, Tone};
use crate::tui::views::cursor::delta;
use crate::tui::views::{Broadcast, Ctx, Reply, ViewMsg};

use super::{LogView, lines, rows};

pub fn update(view: &mut LogView, ctx: &Ctx, msg: &ViewMsg) -> Vec<Reply> {
    match msg {
        ViewMsg::Key {
            action: Some(Action::Open),
            ..
        } => return open(view),
        ViewMsg::Key {
            action: Some(action),
            ..
        } => {
            // Up is older: the cursor counts from the newest line.
            if let Some(delta) = delta(*action, rows(ctx.area)) {
                view.step(-delta, rows(ctx.area));
            }
        }
        ViewMsg::Resize => view.step(0, rows(ctx.area)),
        ViewMsg::Engine { at, event } => {
            let retry = ctx.keymap.keys_text(Action::Sync);
            let mut detail = crate::present::event_detail(event, |g| ctx.mirror.label(g));
            for line in lines::lines(ctx.mirror, event, &retry) {
                view.push_with(*at, line, std::mem::take(&mut detail));
            }
        }
        ViewMsg::Broadcast(Broadcast::StoreChanged) if view.events_loaded => {
            return vec![Reply::Effect(Effect::LoadEvents {
                after: Some(view.events_seen.unwrap_or(0)),
            })];
        }
        // What earlier runs settled, in its place in time, before this run's lines.
        ViewMsg::Loaded(Loaded::History(outcomes)) => {
            for (o, set) in outcomes {
                let line = crate::present::outcome_line(o, set.as_deref(), |g| ctx.mirror.label(g));
                view.place_with(o.at, o.at, line, crate::present::outcome_detail(o));
            }
        }
        ViewMsg::Loaded(Loaded::Events { records, latest }) => {
            view.events_loaded = true;
            if latest.is_some() {
                view.events_seen = *latest;
            }
            for record in records {
                let at = record.event.at.unwrap_or(record.received_at);
                let line = event_sentence(&record.event, &record.effects, |g| ctx.mirror.label(g));
                view.place_with(at, record.received_at, line, webhook_detail(ctx, record));
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The line under the cursor, whole, with its time to the millisecond and its detail.
fn open(view: &LogView) -> Vec<Reply> {
    let Some(line) = view.current() else {
        return vec![Reply::notice(Tone::Plain, "the log is empty")];
    };
    let mut lines = vec![
        Line::new(Tone::Dim, format!("{:<9}{}", "at", rfc3339(line.at))),
        Line::new(line.tone, line.text.clone()),
    ];
    if !line.detail.is_empty() {
        lines.push(Line::new(Tone::Plain, String::new()));
        lines.extend(line.detail.iter().cloned());
    }
    vec![Reply::Popup(TextPopup::new("Log line", lines))]
}

/// What a webhook event's line leaves out: its group by name and id, when it came, what it
/// settled, its request id.
fn webhook_detail(ctx: &Ctx, record: &crate::store::EventRecord) -> Vec<Line> {
    let row = |tone, name: &str, value: String| Line::new(tone, format!("{name:<9}{value}"));
    let mut lines = Vec::new();
    if let Some(id) = record.event.group_id.as_deref() {
        let name = format!("{} ({})", ctx.mirror.label(id), sanitize(id));
        lines.push(row(Tone::Plain, "group", name));
    }
    lines.push(row(Tone::Dim, "received", rfc3339(record.received_at)));
    if let Some(id) = record.event.request_id.as_deref() {
        lines.push(row(Tone::Dim, "request", sanitize(id)));
    }
    if let Some(settled) = crate::present::settled_text(&record.effects) {
        lines.push(row(Tone::Info, "settled", settled));
    }
    lines
}
