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
use crate::tui::widgets::{pane, placeholder, put};

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
        let inner = pane(buf, area, " Group ", focused);
        let text = if ctx.mirror.rows.is_empty() {
            ""
        } else {
            "No group selected"
        };
        placeholder(buf, inner, text);
        return;
    };
    let gone = if g.gone { " (gone)" } else { "" };
    let title = format!(
        " {}{gone} · {}/{MAX_GROUP_MEMBERS} ",
        g.subject, g.member_count
    );
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
    match key {
        RowKey::Member(p) => {
            let end = put(buf, x + 2, y, &p.label(), w.saturating_sub(2), style);
            let searched = view.searched.as_ref().is_some_and(|q| p.answers(q));
            let end = if searched {
                put(
                    buf,
                    end,
                    y,
                    " ◂ searched",
                    (x + w).saturating_sub(end),
                    theme::header(),
                )
            } else {
                end
            };
            if let Some(op) = g.pending_for(&p) {
                // Only participant changes are listed here.
                let text = match op.kind {
                    OperationKind::Add => "  + add queued",
                    _ => "  − removal queued",
                };
                put(
                    buf,
                    end,
                    y,
                    text,
                    (x + w).saturating_sub(end),
                    theme::tone(Tone::Warn),
                );
            }
        }
        RowKey::Op(id) => {
            let Some(op) = g.ops.iter().find(|o| o.id == id) else {
                return;
            };
            let sign = match op.kind {
                OperationKind::Add => "+",
                _ => "−",
            };
            let head = format!("{sign} {:<15} ", op.person.label());
            let end = put(buf, x + 2, y, &head, w.saturating_sub(2), style);
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
            put(
                buf,
                end,
                y,
                &state_text,
                (x + w).saturating_sub(end),
                theme::tone(tone),
            );
        }
    }
}
