//! The groups view's drawing: the list through the filter, a window at a time, and the filter's
//! prompt in the footer while it is typed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::domain::MAX_GROUP_MEMBERS;
use crate::tui::action::Action;
use crate::tui::shared::Work;
use crate::tui::text::Tone;
use crate::tui::theme;
use crate::tui::views::Ctx;
use crate::tui::widgets::{pane, put, put_cut};

use super::GroupsView;

pub fn draw(view: &GroupsView, ctx: &Ctx, buf: &mut Buffer) {
    let area = ctx.area;
    if area.height < 3 || area.width < 4 {
        return;
    }
    let focused = ctx.focused;
    let title = match (&view.filter.person, view.filter.text.is_empty()) {
        (Some((person, _)), _) => format!(" Groups with {person}: {} ", view.visible.len()),
        (None, false) => format!(
            " Groups {}/{} matching \"{}\" ",
            view.visible.len(),
            ctx.mirror.rows.len(),
            view.filter.text
        ),
        (None, true) => format!(" Groups {} ", ctx.mirror.rows.len()),
    };
    let inner = pane(buf, area, &title, focused);
    if inner.height == 0 {
        return;
    }
    let w = inner.width;
    // Columns: picked mark, failure mark, subject, members, pending.
    let counts_w: u16 = 9;
    let subject_w = w.saturating_sub(2 + counts_w);
    let head = format!(
        "{:<width$}",
        "  Subject",
        width = usize::from(w.saturating_sub(counts_w))
    );
    let head = format!("{head} Mem Pend");
    put(buf, inner.x, inner.y, &head, w, theme::header());
    let rows = inner.height.saturating_sub(1);
    let top = inner.y + 1;

    if view.visible.is_empty() {
        let (tone, text) = empty_text(view, ctx);
        put(
            buf,
            inner.x + 1,
            top,
            &text,
            w.saturating_sub(1),
            theme::tone(tone),
        );
        return;
    }
    let first = view.cursor.offset.min(view.visible.len());
    let last = (first + usize::from(rows)).min(view.visible.len());
    for (n, &gi) in view.visible[first..last].iter().enumerate() {
        let Some(g) = ctx.mirror.rows.get(gi) else {
            continue;
        };
        let y = top + n as u16;
        let picked = view.picked.contains(&g.id);
        let row_style = if picked {
            theme::picked()
        } else {
            Style::default()
        };
        put(
            buf,
            inner.x,
            y,
            if picked { "•" } else { " " },
            1,
            row_style,
        );
        if g.failed > 0 {
            put(buf, inner.x + 1, y, "!", 1, theme::tone(Tone::Bad));
        }
        let subject_style = if g.suspended {
            theme::tone(Tone::Bad)
        } else if g.gone {
            theme::tone(Tone::Dim)
        } else {
            row_style
        };
        let subject = if g.gone {
            format!("{} (gone)", g.subject)
        } else if g.suspended {
            format!("{} (suspended)", g.subject)
        } else if g.join_requests > 0 {
            format!("{} ({} asking)", g.subject, g.join_requests)
        } else {
            g.subject.clone()
        };
        put_cut(
            buf,
            inner.x + 2,
            y,
            &subject,
            subject_w.saturating_sub(1),
            subject_style,
        );
        let x = inner.x + 2 + subject_w;
        let members = format!(" {}/{MAX_GROUP_MEMBERS}", g.members.min(99));
        let full = if g.members as usize >= MAX_GROUP_MEMBERS {
            Tone::Warn
        } else {
            Tone::Plain
        };
        put(buf, x, y, &members, 5, theme::tone(full));
        let mark = if ctx.work.is_submitting(&g.id) && g.pending > 0 {
            "⇡"
        } else {
            " "
        };
        if g.pending > 0 {
            let pending = format!("{:>3}{mark}", g.pending.min(999));
            put(buf, x + 5, y, &pending, 4, theme::tone(Tone::Warn));
        }
        if view.cursor.index == first + n {
            buf.set_style(Rect::new(inner.x, y, w, 1), theme::cursor(focused));
        }
    }
}

fn empty_text(view: &GroupsView, ctx: &Ctx) -> (Tone, String) {
    let sync = ctx.keymap.keys_text(Action::Sync);
    match (&ctx.work, ctx.mirror.loaded, ctx.mirror.rows.is_empty()) {
        (Work::Syncing { done, total }, _, true) if *total > 0 => {
            (Tone::Info, format!("Reading groups… {done}/{total}"))
        }
        (Work::Syncing { .. } | Work::SyncAsked, _, true) => (Tone::Info, "Reading groups…".into()),
        (_, false, _) => (Tone::Dim, "Loading…".into()),
        (_, true, true) => (
            Tone::Dim,
            format!("No groups in the mirror yet: press {sync} to sync"),
        ),
        _ => match &view.filter.person {
            Some((p, _)) => (Tone::Dim, format!("{p} is in no group of the mirror")),
            None => (Tone::Dim, "No group matches the filter".into()),
        },
    }
}

/// The filter being typed, for the footer.
pub fn prompt(view: &GroupsView, ctx: &Ctx) -> Line<'static> {
    Line::from(vec![
        Span::styled(" / ", theme::key()),
        Span::raw(view.filter.text.clone()),
        Span::styled("▏", theme::key()),
        Span::styled(
            format!(
                "  {} keep · {} clear · a number, BSUID or @name finds their groups",
                ctx.keymap.hint(&[Action::Confirm], ""),
                ctx.keymap.hint(&[Action::Back], "")
            ),
            theme::tone(Tone::Dim),
        ),
    ])
}
