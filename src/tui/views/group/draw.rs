//! The group view's drawing: members, then changes with their state and, under a failed or
//! flagged one, why.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::domain::{MAX_GROUP_MEMBERS, OperationKind, OperationState};
use crate::tui::action::Action;
use crate::tui::model::{GroupDetail, RowKey};
use crate::tui::text::Tone;
use crate::tui::theme;
use crate::tui::views::Ctx;
use crate::tui::widgets::{lines_in, pane, put, put_parts, title, title_room};
use unicode_width::UnicodeWidthStr;

use super::GroupView;

/// One line of the pane: a section header, a row the cursor can reach, or the note under a
/// change (why it failed or was flagged), on its own line so it is read whole.
enum Line<'a> {
    Header(String),
    Row(usize, &'a GroupDetail),
    Note(usize, &'a str, Tone),
}

pub fn draw(view: &GroupView, ctx: &Ctx, buf: &mut Buffer) {
    let area = ctx.area;
    if area.height < 3 || area.width < 4 {
        return;
    }
    let focused = ctx.focused;
    let Some(g) = &view.detail else {
        let unread = view
            .selected
            .as_deref()
            .and_then(|id| ctx.mirror.get(id))
            .and_then(|row| row.unread.as_ref().map(|why| (row, why)));
        let (title, tone, text) = match unread {
            Some((row, why)) => (
                format!(" {} (not read) ", ctx.mirror.label(&row.id)),
                Tone::Bad,
                format!(
                    "The last sync could not read this group: {why}. {} reads it again.",
                    ctx.keymap.keys_text(Action::Sync)
                ),
            ),
            None if ctx.mirror.rows.is_empty() => (" Group ".to_owned(), Tone::Dim, String::new()),
            None => (
                " Group ".to_owned(),
                Tone::Dim,
                "No group selected".to_owned(),
            ),
        };
        let inner = pane(buf, area, &title, focused);
        let lines = [crate::tui::text::Line::new(tone, text)];
        lines_in(buf, inner, inner.y, &lines, inner.height);
        return;
    };
    let gone = if g.gone { " (gone)" } else { "" };
    let picked = if view.picked.is_empty() {
        String::new()
    } else {
        format!(" · {} picked", view.picked.len())
    };
    let rest = format!("{gone} · {}/{MAX_GROUP_MEMBERS}{picked}", g.member_count);
    let name = ctx.mirror.title_name(&g.id, title_room(&rest, area.width));
    let title = title(&name, &rest, area.width);
    let inner = pane(buf, area, &title, focused);
    if inner.height == 0 {
        return;
    }
    let mut lines: Vec<Line<'_>> = Vec::with_capacity(g.row_count() + 2);
    lines.push(Line::Header(format!("Members ({})", g.members.len())));
    lines.extend((0..g.members.len()).map(|i| Line::Row(i, g)));
    let pending = g
        .ops
        .iter()
        .filter(|o| o.state == OperationState::Pending)
        .count();
    lines.push(Line::Header(format!(
        "Changes ({} · {pending} pending)",
        g.ops.len()
    )));
    for (i, op) in g.ops.iter().enumerate() {
        let row = g.members.len() + i;
        lines.push(Line::Row(row, g));
        if let Some(note) = &op.note {
            let tone = if op.state == OperationState::Failed {
                Tone::Bad
            } else {
                Tone::Dim
            };
            lines.push(Line::Note(row, note, tone));
        }
    }
    let cursor = view.cursor.index;
    let cursor_line = lines
        .iter()
        .position(|l| matches!(l, Line::Row(r, _) if *r == cursor))
        .unwrap_or(0);
    // Keep the cursor's note in view with it.
    let cursor_line = match lines.get(cursor_line + 1) {
        Some(Line::Note(r, _, _)) if *r == cursor => cursor_line + 1,
        _ => cursor_line,
    };
    let rows = usize::from(inner.height);
    let start = if cursor_line < rows {
        0
    } else {
        cursor_line + 1 - rows
    };
    for (n, line) in lines.iter().skip(start).take(rows).enumerate() {
        let y = inner.y + n as u16;
        match line {
            Line::Header(text) => {
                put(buf, inner.x, y, text, inner.width, theme::header());
            }
            Line::Note(_, note, tone) => {
                // Cut with `…` where the pane is narrow: Enter on the change shows it whole.
                put(
                    buf,
                    inner.x + 6,
                    y,
                    note,
                    inner.width.saturating_sub(6),
                    theme::tone(*tone),
                );
            }
            Line::Row(r, g) => {
                draw_row(buf, Rect::new(inner.x, y, inner.width, 1), view, ctx, g, *r);
                if *r == cursor && g.row_count() > 0 {
                    buf.set_style(
                        Rect::new(inner.x, y, inner.width, 1),
                        theme::cursor(focused),
                    );
                }
            }
        }
    }
    if g.ops.is_empty() && rows > g.members.len() + 2 && start == 0 {
        let add = ctx.keymap.keys_text(Action::Add);
        let remove = ctx.keymap.keys_text(Action::Remove);
        let hint = format!("none queued: {add} adds, {remove} removes members");
        let y = inner.y + u16::try_from(g.members.len() + 2).unwrap_or(u16::MAX);
        put(
            buf,
            inner.x + 2,
            y,
            &hint,
            inner.width.saturating_sub(2),
            theme::tone(Tone::Dim),
        );
    }
}

fn draw_row(buf: &mut Buffer, area: Rect, view: &GroupView, ctx: &Ctx, g: &GroupDetail, r: usize) {
    let Some(key) = g.row(r) else {
        return;
    };
    let picked = view.picked.contains(&key);
    let style = if picked {
        theme::picked()
    } else {
        Style::default()
    };
    let (x, y, w) = (area.x, area.y, area.width);
    put(buf, x, y, if picked { "•" } else { " " }, 1, style);
    let (x, w) = (x + 2, w.saturating_sub(2));
    match key {
        RowKey::Member(p) => {
            let label = p.row_label();
            let mut parts = vec![(label.as_str(), style)];
            if view.searched.as_ref().is_some_and(|q| p.answers(q)) {
                // The mark's word is the first to go where the row is narrow.
                let room = usize::from(w);
                let queued = if g.pending_for(&p).is_some() { 18 } else { 0 };
                let long = label.width() + 11 + queued <= room;
                parts.push((if long { " ◂ searched" } else { " ◂" }, theme::header()));
            }
            if let Some(op) = g.pending_for(&p) {
                // Only participant changes are listed here.
                let text = match op.kind {
                    OperationKind::Add => "  + add queued",
                    _ => "  − removal queued",
                };
                parts.push((text, theme::tone(Tone::Warn)));
            }
            // The person's name gives up room first: what is queued for them stays whole.
            put_parts(buf, x, y, &parts, 0, w);
        }
        RowKey::Op(id) => {
            let Some(op) = g.ops.iter().find(|o| o.id == id) else {
                return;
            };
            let sign = match op.kind {
                OperationKind::Add => "+ ",
                OperationKind::Remove => "− ",
                // Not `•`, which marks a picked row.
                _ => "~ ",
            };
            let who = format!("{:<15}", op.what());
            let tone = match op.state {
                OperationState::Pending => Tone::Warn,
                OperationState::Sending => Tone::Info,
                OperationState::Accepted => Tone::Info,
                OperationState::Confirmed => Tone::Good,
                OperationState::Failed => Tone::Bad,
                OperationState::Skipped => Tone::Dim,
            };
            let state_text = match op.state {
                OperationState::Pending if ctx.work.is_submitting(&g.id) => "pending ⇡".to_string(),
                s => s.to_string(),
            };
            // The state word stays whole; the person is shortened.
            put_parts(
                buf,
                x,
                y,
                &[
                    (sign, style),
                    (&who, style),
                    (" ", style),
                    (&state_text, theme::tone(tone)),
                ],
                1,
                w,
            );
        }
    }
}
