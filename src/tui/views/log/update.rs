//! The log view's update: scrolling, and a line (or a few) for each engine event.

use crate::tui::views::cursor::delta;
use crate::tui::views::{Ctx, Reply, ViewMsg};

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
            let retry = ctx.keymap.keys_text(crate::tui::action::Action::Sync);
            for line in lines::lines(ctx.mirror, event, &retry) {
                view.push(*at, line);
            }
        }
        _ => {}
    }
    Vec::new()
}
