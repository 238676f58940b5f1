//! Drawing helpers every view and overlay uses: a bordered pane, text cut to a width, a dim
//! line in an empty pane, a centred popup box, and long lines wrapped at spaces.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Widget};

use super::layout::popup;
use super::text::Line;
use super::theme;

/// A bordered pane with a title; returns the inside.
pub fn pane(buf: &mut Buffer, area: Rect, title: &str, focused: bool) -> Rect {
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

/// A dim line of text on the first row of a pane with nothing else to show (`inner`: inside
/// its border): `Reading…`, `No group selected`.
pub fn placeholder(buf: &mut Buffer, inner: Rect, text: &str) {
    put(
        buf,
        inner.x + 1,
        inner.y,
        text,
        inner.width.saturating_sub(1),
        theme::tone(super::text::Tone::Dim),
    );
}

/// Writes `text` at (x, y), cut to `width` columns.
pub fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, width: u16, style: Style) -> u16 {
    if width == 0 {
        return x;
    }
    buf.set_stringn(x, y, text, usize::from(width), style).0
}

/// Like [`put`], with `…` at the end when the text is cut.
pub fn put_cut(buf: &mut Buffer, x: u16, y: u16, text: &str, width: u16, style: Style) -> u16 {
    if width == 0 {
        return x;
    }
    if ratatui::text::Span::raw(text).width() <= usize::from(width) {
        return put(buf, x, y, text, width, style);
    }
    let end = put(buf, x, y, text, width - 1, style);
    put(buf, end, y, "…", 1, style)
}

/// Clears a centred box and draws its border; returns the inside.
pub fn frame(buf: &mut Buffer, area: Rect, w: u16, h: u16, title: &str) -> Rect {
    let rect = popup(
        area,
        w.min(area.width.saturating_sub(2)),
        h.min(area.height.saturating_sub(2)),
    );
    Clear.render(rect, buf);
    pane(buf, rect, title, true)
}

/// A width that shows the longest line whole, where the screen allows.
pub fn width_for(lines: &[Line], title: &str) -> u16 {
    let longest = lines
        .iter()
        .map(|l| l.text.chars().count())
        .chain(std::iter::once(title.chars().count()))
        .max()
        .unwrap_or(0);
    u16::try_from(longest + 4)
        .unwrap_or(u16::MAX)
        .clamp(50, 160)
}

/// A line cut into rows of at most `width` characters, at a space where one is near the end;
/// continuation rows keep the line's indent, plus two.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let chars: Vec<char> = line.chars().collect();
    let indent = (chars.iter().take_while(|c| **c == ' ').count() + 2).min(width / 2);
    let mut rows = Vec::new();
    let mut rest: &[char] = &chars;
    loop {
        let pad = if rows.is_empty() { 0 } else { indent };
        let room = (width - pad).max(1);
        let take = if rest.len() <= room {
            rest.len()
        } else {
            match rest[..room].iter().rposition(|c| *c == ' ') {
                Some(at) if at > room / 2 => at + 1,
                _ => room,
            }
        };
        rows.push(
            std::iter::repeat_n(' ', pad)
                .chain(rest[..take].iter().copied())
                .collect::<String>()
                .trim_end()
                .to_string(),
        );
        rest = &rest[take..];
        if rest.is_empty() {
            return rows;
        }
    }
}

/// Rows the lines take once wrapped to `width` columns.
pub fn wrapped_rows(lines: &[Line], width: usize) -> usize {
    lines.iter().map(|l| wrap(&l.text, width).len()).sum()
}

/// The width of the text inside a popup of `wanted` columns on `area`.
pub fn text_width(area: Rect, wanted: u16) -> usize {
    usize::from(wanted.min(area.width.saturating_sub(2)).saturating_sub(4))
}

/// Draws lines from `y` on, long ones wrapped, in at most `max` rows; returns the next row.
pub fn lines_in(buf: &mut Buffer, inner: Rect, y: u16, lines: &[Line], max: u16) -> u16 {
    let width = usize::from(inner.width.saturating_sub(2));
    let mut y = y;
    let end = y.saturating_add(max);
    for line in lines {
        for row in wrap(&line.text, width) {
            if y >= end {
                return y;
            }
            put(
                buf,
                inner.x + 1,
                y,
                &row,
                inner.width.saturating_sub(2),
                theme::tone(line.tone),
            );
            y += 1;
        }
    }
    y
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn long_lines_wrap_at_spaces_and_keep_their_indent() {
        assert_eq!(wrap("short", 10), ["short"]);
        assert_eq!(
            wrap("one two three four", 10),
            ["one two", "  three", "  four"]
        );
        assert_eq!(
            wrap("  abcdefghijkl", 8),
            ["  abcdef", "    ghij", "    kl"]
        );
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("abc", 0), ["a", "b", "c"]);
    }
}
