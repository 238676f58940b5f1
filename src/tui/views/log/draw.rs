//! The log view's drawing: the lines that fit, the newest at the bottom unless scrolled, the
//! line under the cursor marked when the log has the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::domain::when::clock;
use crate::tui::text::Tone;
use crate::tui::theme;
use crate::tui::views::Ctx;
use crate::tui::widgets::{pane, placeholder, put};

use super::LogView;

pub fn draw(view: &LogView, ctx: &Ctx, buf: &mut Buffer) {
    let area = ctx.area;
    if area.height < 3 || area.width < 4 {
        return;
    }
    let focused = ctx.focused;
    let log = view;
    let title = if log.scroll > 0 {
        format!(" Log (UTC) · {} newer line(s) below ", log.scroll)
    } else {
        " Log (UTC) ".to_string()
    };
    let inner = pane(buf, area, &title, focused);
    let rows = usize::from(inner.height);
    if log.lines.is_empty() {
        placeholder(buf, inner, "Requests and their outcomes appear here.");
        return;
    }
    let end = log.lines.len().saturating_sub(log.scroll);
    let start = end.saturating_sub(rows);
    let selected = log.lines.len().checked_sub(1 + log.cursor);
    for (n, line) in log.lines.range(start..end).enumerate() {
        let y = inner.y + n as u16;
        let x = put(buf, inner.x, y, &clock(line.at), 8, theme::tone(Tone::Dim));
        // A line cut here ends with `…`: Enter shows it whole.
        put(
            buf,
            x + 1,
            y,
            &line.text,
            inner.width.saturating_sub(9),
            theme::tone(line.tone),
        );
        if focused && selected == Some(start + n) {
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), theme::cursor(true));
        }
    }
}
