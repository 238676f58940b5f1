//! The help popup: the commands in force (the focused view's and the app's global ones) with
//! the keys the keymap binds them to, so it always tells the truth.

use ratatui::buffer::Buffer;
use ratatui::widgets::{Clear, Widget};

use crate::tui::action::Hint;
use crate::tui::keymap::Keymap;
use crate::tui::layout::popup;
use crate::tui::text::Tone;
use crate::tui::theme;
use crate::tui::views::{Ctx, ViewMsg};
use crate::tui::widgets::{pane, put};

use super::{Answer, close_hint, scroll_or_close};

/// The help popup: one line a command, as it was when opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Help {
    /// Each command's keys and what it does.
    pub lines: Vec<(String, &'static str)>,
    pub scroll: usize,
}

impl Help {
    /// The help of these commands, with their keys in `keymap`.
    pub fn new(commands: &[Hint], keymap: &Keymap) -> Help {
        Help {
            lines: commands
                .iter()
                .map(|h| (keymap.keys_text(h.action), h.text))
                .collect(),
            scroll: 0,
        }
    }

    pub fn update(&mut self, msg: &ViewMsg) -> Vec<Answer> {
        scroll_or_close(&mut self.scroll, self.lines.len(), msg)
    }

    pub fn draw(&self, ctx: &Ctx, buf: &mut Buffer) {
        let area = ctx.area;
        let lines = &self.lines;
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
        let start = self.scroll.min(lines.len().saturating_sub(rows));
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
        let hint = close_hint(ctx.keymap, lines.len() > rows);
        put(
            buf,
            inner.x + 1,
            inner.y + inner.height - 1,
            &hint,
            inner.width.saturating_sub(1),
            theme::tone(Tone::Dim),
        );
    }
}
