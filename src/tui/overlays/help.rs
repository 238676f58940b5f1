//! The help popup: the commands in force (the focused view's and the app's global ones) with
//! the keys the keymap binds them to, so it always tells the truth; long lines wrap, and it
//! scrolls when it does not fit.

use ratatui::buffer::Buffer;
use ratatui::widgets::{Clear, Widget};

use crate::tui::action::Hint;
use crate::tui::keymap::Keymap;
use crate::tui::layout::popup;
use crate::tui::text::Tone;
use crate::tui::theme;
use crate::tui::views::{Ctx, ViewMsg};
use crate::tui::widgets::{pane, put, wrap};

use super::{Answer, Scroll, close_hint, scroll_or_close};

/// The help popup: one line a command, as it was when opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Help {
    /// Each command's keys and what it does.
    pub lines: Vec<(String, &'static str)>,
    /// Commands scrolled past, no further than where the last ones show whole at the size
    /// last drawn.
    pub scroll: Scroll,
}

/// The marks the lists put on their rows, each with what it says, after the keys.
const MARKS: [(&str, &str); 9] = [
    ("", "Marks on the rows:"),
    ("•", "picked"),
    (
        "+ − ~",
        "a change of the group: an add, a removal, any other (rename, link, join request)",
    ),
    (
        "!",
        "a change of the group failed (Enter on it in the group says why)",
    ),
    (
        "?",
        "the group could not be read by the last sync (Enter says why)",
    ),
    ("⇡", "the group's pending changes are being sent now"),
    (
        "+3",
        "people asking to join (also `3 ask`, `(3 asking)`): the join requests view shows them",
    ),
    ("◂", "the person searched, among the group's members"),
    (
        "(!)",
        "a queued change was flagged when it was queued (Enter shows the flag)",
    ),
];

impl Help {
    /// The help of these commands, with their keys in `keymap`, then what the rows' marks
    /// say.
    pub fn new(commands: &[Hint], keymap: &Keymap) -> Help {
        Help {
            lines: commands
                .iter()
                .map(|h| (keymap.keys_text(h.action), h.text))
                .chain(MARKS.iter().map(|(mark, what)| ((*mark).to_owned(), *what)))
                .collect(),
            scroll: Scroll::default(),
        }
    }

    pub fn update(&mut self, msg: &ViewMsg) -> Vec<Answer> {
        scroll_or_close(&mut self.scroll, msg)
    }

    pub fn draw(&self, ctx: &Ctx, buf: &mut Buffer) {
        let area = ctx.area;
        let lines = &self.lines;
        let width = 96.min(area.width.saturating_sub(2));
        let key_w = lines
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0)
            .min(20) as u16;
        // Each command's text, wrapped to what is left beside its keys.
        let text_w = usize::from(width.saturating_sub(key_w + 5)).max(10);
        let wrapped: Vec<Vec<String>> = lines.iter().map(|(_, what)| wrap(what, text_w)).collect();
        let total: usize = wrapped.iter().map(Vec::len).sum();
        let height = u16::try_from(total + 3).unwrap_or(u16::MAX);
        let rect = popup(area, width, height.min(area.height.saturating_sub(2)));
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
        let rows = usize::from(inner.height - 1);
        // Scrolled a command at a time, to no further than where the last ones show whole.
        let start = self.scroll.at_most(last_start(&wrapped, rows));
        let mut y = inner.y;
        let end = inner.y + inner.height - 1;
        'commands: for ((keys, _), texts) in lines.iter().zip(&wrapped).skip(start) {
            for (n, text) in texts.iter().enumerate() {
                if y >= end {
                    break 'commands;
                }
                if n == 0 {
                    put(buf, inner.x + 1, y, keys, key_w, theme::key());
                }
                let x = inner.x + 2 + key_w;
                put(
                    buf,
                    x,
                    y,
                    text,
                    (inner.x + inner.width).saturating_sub(x),
                    ratatui::style::Style::default(),
                );
                y += 1;
            }
        }
        let hint = close_hint(ctx.keymap, total > rows);
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

/// The first command shown when scrolled to the end: the last commands, as many as fit whole
/// in `rows` (at least the last one).
fn last_start(wrapped: &[Vec<String>], rows: usize) -> usize {
    let mut start = wrapped.len().saturating_sub(1);
    while start > 0 && wrapped[start - 1..].iter().map(Vec::len).sum::<usize>() <= rows {
        start -= 1;
    }
    start
}
