//! A text popup: lines to read (the preview, the report of a queue write), long ones wrapped,
//! scrollable, closed by any other key (a command key then does its command).

use ratatui::buffer::Buffer;

use crate::tui::text::{Line, Tone};
use crate::tui::theme;
use crate::tui::views::{Ctx, ViewMsg};
use crate::tui::widgets::{frame, lines_in, put, rows_of, text_width, width_for, wrapped_rows};

use super::{Answer, Scroll, close_hint, scroll_close_or_pass};

/// A titled list of lines and how far it is scrolled (in rows as wrapped).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextPopup {
    pub title: String,
    pub lines: Vec<Line>,
    pub scroll: Scroll,
}

impl TextPopup {
    pub fn new(title: impl Into<String>, lines: Vec<Line>) -> TextPopup {
        TextPopup {
            title: title.into(),
            lines,
            scroll: Scroll::default(),
        }
    }

    pub fn update(&mut self, msg: &ViewMsg) -> Vec<Answer> {
        scroll_close_or_pass(&mut self.scroll, msg)
    }

    pub fn draw(&self, ctx: &Ctx, buf: &mut Buffer) {
        let (area, lines) = (ctx.area, &self.lines);
        let title = format!(" {} ", self.title);
        let w = width_for(lines, &title);
        let rows = wrapped_rows(lines, text_width(area, w));
        let wanted = u16::try_from(rows + 3).unwrap_or(u16::MAX);
        let inner = frame(buf, area, w, wanted.max(6), &title);
        if inner.height < 2 {
            return;
        }
        let room = inner.height - 1;
        let rows = rows_of(lines, usize::from(inner.width.saturating_sub(2)));
        let start = self.scroll.start(rows.len(), usize::from(room));
        lines_in(buf, inner, inner.y, &rows[start..], room);
        let hint = if rows.len() > usize::from(room) {
            let last = (start + usize::from(room)).min(rows.len());
            format!(
                "{} ({}-{last}/{} rows)",
                close_hint(ctx.keymap, true),
                start + 1,
                rows.len()
            )
        } else {
            close_hint(ctx.keymap, false)
        };
        put(
            buf,
            inner.x + 1,
            inner.y + room,
            &hint,
            inner.width.saturating_sub(2),
            theme::tone(Tone::Dim),
        );
    }
}
