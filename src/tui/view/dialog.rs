//! The dialogs drawn over the panes: add (numbers checked as typed), confirm (exactly what will
//! be sent), text popups (preview, reports) and the quit question.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::tui::action::Action;
use crate::tui::dialog::{AddInput, Confirm, Dialog};
use crate::tui::keymap::Keymap;
use crate::tui::numbers::PieceOutcome;
use crate::tui::shared::Work;
use crate::tui::state::State;
use crate::tui::text::{Line, Tone};
use crate::tui::theme;
use crate::tui::widgets::{frame, lines_in, put, text_width, width_for, wrapped_rows};

pub fn draw(buf: &mut Buffer, area: Rect, state: &State, dialog: &Dialog) {
    match dialog {
        Dialog::Help { .. } => {}
        Dialog::Add(input) => add(buf, area, input, &state.shared.keymap),
        Dialog::Confirm(c) => confirm(buf, area, c, &state.shared.keymap),
        Dialog::Text {
            title,
            lines,
            scroll,
        } => text(buf, area, title, lines, *scroll, &state.shared.keymap),
        Dialog::Quit => quit(buf, area, state),
    }
}

fn add(buf: &mut Buffer, area: Rect, input: &AddInput, keymap: &Keymap) {
    let title = format!(" Add participants to {} ", input.subject);
    let inner = frame(buf, area, 76, 20, &title);
    if inner.height < 6 {
        return;
    }
    let w = inner.width.saturating_sub(2);
    let x = inner.x + 1;
    put(
        buf,
        x,
        inner.y,
        "Type or paste numbers, separated by spaces, commas or lines:",
        w,
        theme::tone(Tone::Dim),
    );
    // The end of the text, on up to two lines.
    let flat: String = input
        .text
        .chars()
        .map(|c| if c == '\n' { '⏎' } else { c })
        .collect();
    let chars: Vec<char> = flat.chars().collect();
    let per_line = usize::from(w.saturating_sub(3)).max(1);
    let shown_from = chars.len().saturating_sub(per_line * 2 - 1);
    let tail: String = chars[shown_from..].iter().collect();
    let first: String = tail.chars().take(per_line).collect();
    let second: String = tail.chars().skip(per_line).collect();
    put(buf, x, inner.y + 1, "> ", 2, theme::key());
    let end = put(
        buf,
        x + 2,
        inner.y + 1,
        &first,
        w.saturating_sub(2),
        Style::default(),
    );
    if second.is_empty() && first.chars().count() < per_line {
        put(buf, end, inner.y + 1, "▏", 1, theme::key());
    } else {
        let end = put(
            buf,
            x + 2,
            inner.y + 2,
            &second,
            w.saturating_sub(2),
            Style::default(),
        );
        put(buf, end, inner.y + 2, "▏", 1, theme::key());
    }
    let list_top = inner.y + 4;
    let list_rows = inner.height.saturating_sub(6);
    let start = input
        .scroll
        .min(input.pieces.len().saturating_sub(usize::from(list_rows)));
    for (n, piece) in input
        .pieces
        .iter()
        .skip(start)
        .take(usize::from(list_rows))
        .enumerate()
    {
        let y = list_top + n as u16;
        let (mark, tone, text) = match &piece.outcome {
            PieceOutcome::Valid(p) => ("✓", Tone::Good, p.e164().to_string()),
            PieceOutcome::Warned(p, why) => ("!", Tone::Warn, format!("{p}: {why}")),
            PieceOutcome::Repeated(p) => ("=", Tone::Dim, format!("{p}: already in this list")),
            PieceOutcome::Invalid(why) => ("✗", Tone::Bad, format!("\"{}\": {why}", piece.input)),
        };
        put(buf, x, y, mark, 1, theme::tone(tone));
        put(buf, x + 2, y, &text, w.saturating_sub(2), theme::tone(tone));
    }
    let valid = input.valid().len();
    let invalid = input.invalid_count();
    let summary = if input.pieces.is_empty() {
        "no number yet".to_string()
    } else {
        format!("{valid} valid · {invalid} invalid")
    };
    let y = inner.y + inner.height - 2;
    put(
        buf,
        x,
        y,
        &summary,
        w,
        theme::tone(if invalid > 0 { Tone::Warn } else { Tone::Plain }),
    );
    let keys = format!(
        "{} queue {valid} · {} cancel · {} clear · {} scroll",
        keymap.hint(&[Action::Confirm], ""),
        keymap.hint(&[Action::Back], ""),
        keymap.hint(&[Action::Clear], ""),
        keymap.hint(&[Action::ScrollUp, Action::ScrollDown], ""),
    );
    put(buf, x, y + 1, &keys, w, theme::tone(Tone::Dim));
}

fn confirm(buf: &mut Buffer, area: Rect, c: &Confirm, keymap: &Keymap) {
    let title = format!(" {} ", c.title);
    let w = width_for(&c.lines, &title);
    let rows = wrapped_rows(&c.lines, text_width(area, w));
    let wanted = u16::try_from(rows + 6).unwrap_or(u16::MAX);
    let inner = frame(buf, area, w, wanted.max(9), &title);
    if inner.height < 4 {
        return;
    }
    let counts = format!(
        "{} request(s) · {} participant(s) · {} group(s)",
        c.requests, c.participants, c.groups
    );
    put(
        buf,
        inner.x + 1,
        inner.y,
        &counts,
        inner.width.saturating_sub(2),
        theme::header(),
    );
    let room = inner.height.saturating_sub(4);
    let end = lines_in(buf, inner, inner.y + 2, &c.lines, room);
    if rows > usize::from(room) {
        let more = format!(
            "… more: {}, then {}, previews them all",
            keymap.hint(&[Action::Back], ""),
            keymap.hint(&[Action::Preview], "")
        );
        put(
            buf,
            inner.x + 1,
            end,
            &more,
            inner.width.saturating_sub(2),
            theme::tone(Tone::Dim),
        );
    }
    let y = inner.y + inner.height - 1;
    answers(
        buf,
        inner.x + 1,
        y,
        [
            (
                keymap.hint(&[Action::Confirm, Action::Yes], "/"),
                " send · ",
            ),
            (keymap.hint(&[Action::Back, Action::No], "/"), " cancel"),
        ],
    );
}

/// A dialog's two answers, each its keys then its word: `enter/y send · esc/n cancel`.
fn answers(buf: &mut Buffer, x: u16, y: u16, parts: [(String, &str); 2]) {
    let mut x = x;
    for (keys, word) in parts {
        let width = |s: &str| u16::try_from(s.chars().count()).unwrap_or(u16::MAX);
        x = put(buf, x, y, &keys, width(&keys), theme::key());
        x = put(buf, x, y, word, width(word), Style::default());
    }
}

/// The close and scroll hint of a popup: `esc close · ↑↓ scroll`.
pub fn close_hint(keymap: &Keymap, scrolls: bool) -> String {
    let close = format!("{} close", keymap.hint(&[Action::Back], ""));
    if scrolls {
        let scroll = keymap.hint(&[Action::ScrollUp, Action::ScrollDown], "");
        format!("{close} · {scroll} scroll")
    } else {
        close
    }
}

fn text(buf: &mut Buffer, area: Rect, title: &str, lines: &[Line], scroll: usize, keymap: &Keymap) {
    let title = format!(" {title} ");
    let w = width_for(lines, &title);
    let rows = wrapped_rows(lines, text_width(area, w));
    let wanted = u16::try_from(rows + 3).unwrap_or(u16::MAX);
    let inner = frame(buf, area, w, wanted.max(6), &title);
    if inner.height < 2 {
        return;
    }
    let room = inner.height - 1;
    let start = scroll.min(lines.len().saturating_sub(usize::from(room)));
    lines_in(buf, inner, inner.y, &lines[start..], room);
    let hint = if rows > usize::from(room) {
        format!(
            "{} ({}/{})",
            close_hint(keymap, true),
            start + 1,
            lines.len()
        )
    } else {
        close_hint(keymap, false)
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

fn quit(buf: &mut Buffer, area: Rect, state: &State) {
    let inner = frame(buf, area, 64, 8, " Quit while work is in flight? ");
    let doing = match &state.shared.work {
        Work::Syncing { .. } | Work::SyncAsked => "A sync is running.",
        _ => "A submit is running.",
    };
    let lines = [
        Line::new(Tone::Warn, doing),
        Line::new(
            Tone::Plain,
            "Quitting stops new requests; the changes in flight",
        ),
        Line::new(Tone::Plain, "are settled by the next submit."),
    ];
    lines_in(buf, inner, inner.y, &lines, inner.height.saturating_sub(1));
    if inner.height > 1 {
        let y = inner.y + inner.height - 1;
        let keymap = &state.shared.keymap;
        answers(
            buf,
            inner.x + 1,
            y,
            [
                (keymap.hint(&[Action::Yes], ""), " quit · "),
                (keymap.hint(&[Action::No, Action::Back], "/"), " stay"),
            ],
        );
    }
}
