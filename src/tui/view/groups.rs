//! The groups pane: the mirror's groups through the filter, drawn a window at a time.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{pane, put, put_cut, theme};
use crate::tui::action::Action;
use crate::tui::state::{Pane, State, Work};
use crate::tui::text::Tone;

pub fn draw(buf: &mut Buffer, area: Rect, state: &State) {
    if area.height < 3 || area.width < 4 {
        return;
    }
    let focused = state.focus == Pane::Groups && state.dialog.is_none();
    let title = match (&state.filter.person, state.filter.text.is_empty()) {
        (Some((person, _)), _) => format!(" Groups with {person}: {} ", state.visible.len()),
        (None, false) => format!(
            " Groups {}/{} matching \"{}\" ",
            state.visible.len(),
            state.groups.len(),
            state.filter.text
        ),
        (None, true) => format!(" Groups {} ", state.groups.len()),
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

    if state.visible.is_empty() {
        let (tone, text) = empty_text(state);
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
    let first = state.groups_cursor.offset.min(state.visible.len());
    let last = (first + usize::from(rows)).min(state.visible.len());
    for (n, &gi) in state.visible[first..last].iter().enumerate() {
        let Some(g) = state.groups.get(gi) else {
            continue;
        };
        let y = top + n as u16;
        let picked = state.picked_groups.contains(&g.id);
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
        let subject_style = if g.gone {
            theme::tone(Tone::Dim)
        } else {
            row_style
        };
        let subject = if g.gone {
            format!("{} (gone)", g.subject)
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
        let members = format!(" {}/8", g.members.min(99));
        let full = if g.members >= 8 {
            Tone::Warn
        } else {
            Tone::Plain
        };
        put(buf, x, y, &members, 5, theme::tone(full));
        let mark = if state.is_submitting(&g.id) && g.pending > 0 {
            "⇡"
        } else {
            " "
        };
        if g.pending > 0 {
            let pending = format!("{:>3}{mark}", g.pending.min(999));
            put(buf, x + 5, y, &pending, 4, theme::tone(Tone::Warn));
        }
        if state.groups_cursor.index == first + n {
            buf.set_style(Rect::new(inner.x, y, w, 1), theme::cursor(focused));
        }
    }
}

fn empty_text(state: &State) -> (Tone, String) {
    let sync = state.keymap.keys_text(Action::Sync);
    match (&state.work, state.loaded, state.groups.is_empty()) {
        (Work::Syncing { done, total }, _, true) if *total > 0 => {
            (Tone::Info, format!("Reading groups… {done}/{total}"))
        }
        (Work::Syncing { .. } | Work::SyncAsked, _, true) => (Tone::Info, "Reading groups…".into()),
        (_, false, _) => (Tone::Dim, "Loading…".into()),
        (_, true, true) => (
            Tone::Dim,
            format!("No groups in the mirror yet: press {sync} to sync"),
        ),
        _ => match &state.filter.person {
            Some((p, _)) => (Tone::Dim, format!("{p} is in no group of the mirror")),
            None => (Tone::Dim, "No group matches the filter".into()),
        },
    }
}
