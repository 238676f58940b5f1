//! The help popup, generated from the keymap so it always tells the keys in force.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Widget};

use crate::tui::layout::popup;
use crate::tui::state::State;
use crate::tui::text::Tone;
use crate::tui::theme;
use crate::tui::widgets::{pane, put};

pub fn draw(buf: &mut Buffer, area: Rect, state: &State, scroll: usize) {
    let keymap = state.keymap();
    let lines: Vec<(String, &str)> = state
        .commands()
        .iter()
        .map(|h| (keymap.keys_text(h.action), h.text))
        .collect();
    let height = u16::try_from(lines.len() + 4).unwrap_or(u16::MAX);
    let rect = popup(
        area,
        96.min(area.width.saturating_sub(2)),
        height.min(area.height.saturating_sub(2)),
    );
    Clear.render(rect, buf);
    let inner = pane(
        buf,
        rect,
        " Keys (keymap.toml in the config directory) ",
        true,
    );
    if inner.height < 2 {
        return;
    }
    let key_w = lines
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(20) as u16;
    let rows = usize::from(inner.height - 1);
    let start = scroll.min(lines.len().saturating_sub(rows));
    for (n, (keys, what)) in lines.iter().skip(start).take(rows).enumerate() {
        let y = inner.y + n as u16;
        put(buf, inner.x + 1, y, keys, key_w, theme::key());
        let x = inner.x + 2 + key_w;
        put(
            buf,
            x,
            y,
            what,
            (inner.x + inner.width).saturating_sub(x),
            ratatui::style::Style::default(),
        );
    }
    let hint = super::dialog::close_hint(keymap, lines.len() > rows);
    put(
        buf,
        inner.x + 1,
        inner.y + inner.height - 1,
        &hint,
        inner.width.saturating_sub(1),
        theme::tone(Tone::Dim),
    );
}
