//! Drawing helpers every view and overlay uses: a bordered pane, text cut to a width, a dim
//! line in an empty pane, a centred popup box, and long lines wrapped at spaces.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Widget};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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
            fit_width(title, usize::from(area.width.saturating_sub(2))),
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

/// `text` in at most `width` columns (wide characters count two): whole when it fits, else
/// cut with `…` as its last column. Blank space lost at the end is no cut. The one way the app
/// shortens text: whatever is cut says so.
pub fn fit_width(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let kept = text.trim_end();
    if kept.width() <= width {
        return kept.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `text` in at most `width` columns keeping its end, `…` first where its start is cut: for a
/// field being typed, whose end (and caret) must show.
pub fn fit_tail(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        used += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// `text` in at most `width` columns keeping its start and its end, `…` where its middle is
/// cut: for a notice, whose end says why (`undo: remove +1212… from Book…: cannot be taken
/// back`). The start gets two fifths of the room.
pub fn fit_middle(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    if width < 2 {
        return fit_width(text, width);
    }
    // The start without its own `…`: the end's is the one mark of the cut.
    let head = fit_width(text, (width * 2 / 5).max(1));
    let head = head.trim_end_matches('…');
    let tail = fit_tail(text, width - head.width());
    format!("{head}{tail}")
}

/// Writes `text` at (x, y) in at most `width` columns, cut with `…` where it does not fit
/// ([`fit_width`]); returns the column after it.
pub fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, width: u16, style: Style) -> u16 {
    if width == 0 {
        return x;
    }
    let shown = fit_width(text, usize::from(width));
    buf.set_stringn(x, y, &shown, usize::from(width), style).0
}

/// Writes a line of styled spans in at most `width` columns, its last column `…` where it
/// is cut (as [`put`] does for plain text).
pub fn put_line(buf: &mut Buffer, x: u16, y: u16, line: &ratatui::text::Line<'_>, width: u16) {
    if width == 0 {
        return;
    }
    buf.set_line(x, y, line, width);
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    if text.trim_end().width() > usize::from(width) {
        let last = x + width - 1;
        let style = buf[(last, y)].style();
        buf.set_stringn(last, y, "…", 1, style);
    }
}

/// Writes the parts of a row in `width` columns: whole where they fit; else the part at
/// `flex` (a name) gives up its columns first, cut with `…` (its padding before its text),
/// so that the others (a state word, a count) stay whole; only when they alone are too wide is
/// the row cut at its end. Returns the column after the row.
pub fn put_parts(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    parts: &[(&str, Style)],
    flex: usize,
    width: u16,
) -> u16 {
    let total: usize = parts.iter().map(|(t, _)| t.width()).sum();
    let fixed = total - parts.get(flex).map_or(0, |(t, _)| t.width());
    let all = usize::from(width);
    // The name keeps two columns at least (a letter and `…`) when it is shortened.
    let room = (total > all && all >= fixed + 2).then(|| all - fixed);
    let end = x.saturating_add(width);
    let mut at = x;
    for (i, (text, style)) in parts.iter().enumerate() {
        let left = end.saturating_sub(at);
        if left == 0 {
            break;
        }
        match room {
            Some(room) if i == flex => {
                let room = u16::try_from(room).unwrap_or(u16::MAX).min(left);
                put(buf, at, y, text, room, *style);
                at += room;
            }
            _ => at = put(buf, at, y, text, left, *style),
        }
    }
    at
}

/// Writes a group's name in `width` columns: its subject, cut with `…` where it must be, then
/// the id's ending and the `tail` (` (gone)`) whole, so that two groups of one subject never
/// look the same however narrow the column.
pub fn put_label(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    (subject, ending, tail): (&str, Option<&str>, &str),
    width: u16,
    style: Style,
) -> u16 {
    let end = ending.map(|e| format!(" …{e}")).unwrap_or_default() + tail;
    let end_w = u16::try_from(ratatui::text::Span::raw(end.as_str()).width()).unwrap_or(u16::MAX);
    if end_w >= width {
        return put(buf, x, y, &format!("{subject}{end}"), width, style);
    }
    let after = put(buf, x, y, subject, width - end_w, style);
    put(buf, after, y, &end, end_w, style)
}

/// A pane's title in `width` columns: ` {name}{rest} `, the name (a group's label) cut with
/// `…` so that the rest (its member count, what the pane shows) stays whole.
pub fn title(name: &str, rest: &str, width: u16) -> String {
    let room = title_room(rest, width);
    // A label's id ending (`Cedar Park Neighbours …NDUy`) stays: it tells two groups apart.
    let name = match name.rsplit_once(" …") {
        Some((subject, end)) if name.width() > room => {
            let end = format!(" …{end}");
            format!(
                "{}{end}",
                fit_width(subject, room.saturating_sub(end.width()).max(2))
            )
        }
        _ => fit_width(name, room.max(2)),
    };
    format!(" {name}{rest} ")
}

/// The columns a pane's title of `width` leaves the name beside `rest`.
pub fn title_room(rest: &str, width: u16) -> usize {
    usize::from(width.saturating_sub(2)).saturating_sub(rest.width() + 2)
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
        .map(|l| l.text.width())
        .chain(std::iter::once(title.width()))
        .max()
        .unwrap_or(0);
    u16::try_from(longest + 4)
        .unwrap_or(u16::MAX)
        .clamp(50, 160)
}

/// A line cut into rows of at most `width` columns (wide characters count two), at a space
/// where one is near the end; continuation rows keep the line's indent, plus two.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let chars: Vec<char> = line.chars().collect();
    let indent = (chars.iter().take_while(|c| **c == ' ').count() + 2).min(width / 2);
    let mut rows = Vec::new();
    let mut rest: &[char] = &chars;
    loop {
        let pad = if rows.is_empty() { 0 } else { indent };
        let room = (width - pad).max(1);
        // The characters that fit in `room` columns (one at least, so every row moves on).
        let mut used = 0;
        let fits = rest
            .iter()
            .take_while(|c| {
                used += c.width().unwrap_or(0);
                used <= room
            })
            .count()
            .max(1);
        let take = if fits >= rest.len() {
            rest.len()
        } else if rest[fits] == ' ' {
            fits + 1
        } else {
            match rest[..fits].iter().rposition(|c| *c == ' ') {
                Some(at) if at > fits / 2 => at + 1,
                _ => fits,
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

/// The lines cut into the rows they take at `width` columns (as [`lines_in`] draws them),
/// each row a line of its line's tone: what a popup scrolls through.
pub fn rows_of(lines: &[Line], width: usize) -> Vec<Line> {
    lines
        .iter()
        .flat_map(|l| {
            wrap(&l.text, width)
                .into_iter()
                .map(|r| Line::new(l.tone, r))
        })
        .collect()
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
    use super::{fit_middle, fit_tail, fit_width, put_parts, wrap};
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Style;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn a_notice_cut_in_its_middle_keeps_what_and_why() {
        let text = "undo: delete the group in Trailhead Riders: operation #23 is confirmed: this kind of change cannot be taken back";
        let got = fit_middle(text, 60);
        assert_eq!(got.width(), 60, "{got}");
        assert!(got.starts_with("undo: delete the group"), "{got}");
        assert!(got.ends_with("cannot be taken back"), "{got}");
        assert_eq!(got.matches('…').count(), 1, "{got}");
        assert_eq!(fit_middle("short", 60), "short");
        assert!(fit_middle("山田太郎のグループ山田太郎のグループ", 9).width() <= 9);
    }

    #[test]
    fn a_cut_ends_with_an_ellipsis_in_every_script_and_never_overflows() {
        let cases = [
            ("Book Club", 20, "Book Club"),
            ("Book Club", 9, "Book Club"),
            ("Book Club", 5, "Book…"),
            ("Book Club   ", 9, "Book Club"),
            ("US.13491208655302741918 @ana.k42", 12, "US.13491208…"),
            ("山田太郎のグループ", 7, "山田太…"),
            ("Runners 🏃 go far", 9, "Runners …"),
            ("Runners 🏃 go far", 10, "Runners …"),
            ("مجموعة الجيران في الحي", 8, "مجموعة …"),
            ("Ünïcödé Grüppe", 6, "Ünïcö…"),
            ("abc", 0, ""),
        ];
        for (text, width, want) in cases {
            let got = fit_width(text, width);
            assert_eq!(got, want, "{text:?} in {width} columns");
            assert!(got.width() <= width, "{text:?} in {width}: {got:?}");
        }
        // A pane's title keeps what follows the name, and a label's id ending.
        assert_eq!(
            super::title("Customer Success Riverside 2026", " · 3/8", 30),
            " Customer Success Ri… · 3/8 "
        );
        assert_eq!(
            super::title("Cedar Park Neighbours …NDUy", " · 3/8", 30),
            " Cedar Park Ne… …NDUy · 3/8 "
        );
        assert_eq!(super::title("Book Club", " · 3/8", 30), " Book Club · 3/8 ");
        // A field being typed keeps its end.
        assert_eq!(fit_tail("> Spring cohort B▏", 10), "…cohort B▏");
        assert_eq!(fit_tail("> 山田太郎▏", 6), "…太郎▏");
        assert_eq!(fit_tail("> ab▏", 6), "> ab▏");
    }

    fn row(parts: &[(&str, Style)], flex: usize, width: u16) -> String {
        let mut buf = Buffer::empty(Rect::new(0, 0, 60, 1));
        put_parts(&mut buf, 0, 0, parts, flex, width);
        let mut text = String::new();
        let mut skip = 0;
        for x in 0..60 {
            let symbol = buf[(x, 0)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            skip = symbol.width().saturating_sub(1);
            text.push_str(symbol);
        }
        text.trim_end().to_owned()
    }

    #[test]
    fn a_row_shortens_its_name_and_keeps_the_state_word_whole() {
        let s = Style::default();
        let parts = [
            ("− ", s),
            ("US.13491208655302741918 @ana.k42", s),
            (" ", s),
            ("pending", s),
        ];
        assert_eq!(
            row(&parts, 1, 60),
            "− US.13491208655302741918 @ana.k42 pending"
        );
        assert_eq!(row(&parts, 1, 24), "− US.1349120865… pending");
        let wide = [("山田太郎", s), (" ", s), ("confirmed", s)];
        assert_eq!(row(&wide, 0, 15), "山田… confirmed");
        // A wide letter does not fit the odd column left: it stays blank.
        assert_eq!(row(&wide, 0, 14), "山…  confirmed");
        // Too narrow for the name to keep two columns: the row is cut at its end.
        assert_eq!(row(&parts, 1, 9), "− US.134…");
    }

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
        // Wide characters take two columns: no row is wider than asked.
        assert_eq!(wrap("Runners 🏃 go far", 10), ["Runners 🏃", "  go far"]);
        assert_eq!(wrap("山田太郎", 4), ["山田", "  太", "  郎"]);
    }
}
