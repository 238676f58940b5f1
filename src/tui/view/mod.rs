//! Drawing: one function per pane, each reading `&State` only and drawing only what is visible.

mod dialog;
mod group;
mod groups;
pub mod help;
mod log;
mod status;
pub mod theme;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Borders};

use super::dialog::Dialog;
use super::layout;
use super::state::State;

/// Draws the whole screen from the state.
pub fn draw(frame: &mut Frame, state: &State) {
    let area = frame.area();
    let areas = layout::areas(area);
    let buf = frame.buffer_mut();
    status::draw_status(buf, areas.status, state);
    groups::draw(buf, areas.groups, state);
    group::draw(buf, areas.group, state);
    log::draw(buf, areas.log, state);
    status::draw_footer(buf, areas.footer, state);
    match &state.dialog {
        None => {}
        Some(Dialog::Help { scroll }) => help::draw(buf, area, state, *scroll),
        Some(d) => dialog::draw(buf, area, state, d),
    }
}

/// A bordered pane with a title; returns the inside.
fn pane(buf: &mut Buffer, area: Rect, title: &str, focused: bool) -> Rect {
    use ratatui::widgets::Widget;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(theme::border(focused))
        .title(ratatui::text::Span::styled(
            title.to_owned(),
            if focused {
                theme::header()
            } else {
                Style::default()
            },
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// Writes `text` at (x, y), cut to `width` columns.
fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, width: u16, style: Style) -> u16 {
    if width == 0 {
        return x;
    }
    buf.set_stringn(x, y, text, usize::from(width), style).0
}

/// Like [`put`], with `…` at the end when the text is cut.
fn put_cut(buf: &mut Buffer, x: u16, y: u16, text: &str, width: u16, style: Style) -> u16 {
    if width == 0 {
        return x;
    }
    if ratatui::text::Span::raw(text).width() <= usize::from(width) {
        return put(buf, x, y, text, width, style);
    }
    let end = put(buf, x, y, text, width - 1, style);
    put(buf, end, y, "…", 1, style)
}
