//! The join requests view's drawing: the group's link, who may join, its description, then
//! the pending requests with the picked ones marked.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

use crate::domain::{JoinApprovalMode, MAX_GROUP_MEMBERS};
use crate::present::columns;
use crate::tui::action::Action;
use crate::tui::text::Tone;
use crate::tui::theme;
use crate::tui::views::Ctx;
use crate::tui::widgets::{pane, placeholder, put, put_parts, title, title_room, wrap};

use super::{RequestsDetail, RequestsView};

/// Rows a setting takes at most (the detail on Enter shows it all).
const SETTING_ROWS: usize = 3;

/// The group's settings as the view shows them: each a label, its value and a tone.
pub fn settings(d: &RequestsDetail) -> Vec<(&'static str, String, Tone)> {
    let link = match &d.invite_link {
        Some(link) => {
            let read = d
                .invite_link_read_at
                .map(|t| format!(" (read {})", crate::domain::when::clock(t)))
                .unwrap_or_default();
            (format!("{link}{read}"), Tone::Plain)
        }
        // A gone or suspended group's link is not read (the app asks only for a live one).
        None if d.gone => (
            "none: the group is gone from the server".to_owned(),
            Tone::Dim,
        ),
        None if d.suspended => ("not read: the group is suspended".to_owned(), Tone::Dim),
        None => ("not read yet (reading…)".to_owned(), Tone::Dim),
    };
    let mode = match d.mode {
        Some(JoinApprovalMode::ApprovalRequired) => "approval required: people ask, you approve",
        Some(JoinApprovalMode::AutoApprove) => "auto approve: the link lets people in",
        None => "not read yet",
    };
    let state = if d.gone {
        " · GONE"
    } else if d.suspended {
        " · SUSPENDED by WhatsApp (131207)"
    } else {
        ""
    };
    let joins = format!(
        "{mode} · {}/{MAX_GROUP_MEMBERS} members{state}",
        d.member_count
    );
    let about = d
        .description
        .as_deref()
        .filter(|t| !t.is_empty())
        .unwrap_or("(no description)");
    vec![
        ("Link", link.0, link.1),
        (
            "Joins",
            joins,
            if d.suspended || d.gone {
                Tone::Bad
            } else {
                Tone::Plain
            },
        ),
        ("About", about.to_owned(), Tone::Dim),
    ]
}

pub fn draw(view: &RequestsView, ctx: &Ctx, buf: &mut Buffer) {
    let area = ctx.area;
    if area.height < 3 || area.width < 4 {
        return;
    }
    ratatui::widgets::Widget::render(ratatui::widgets::Clear, area, buf);
    let Some(d) = &view.detail else {
        let inner = pane(buf, area, " Join requests ", ctx.focused);
        placeholder(buf, inner, "Reading…");
        return;
    };
    // The group's name whole where it can be: the words after it shrink first.
    let subject = ctx.mirror.label(&d.id);
    let rest = [" · link and join requests", " · join requests", ""]
        .into_iter()
        .find(|rest| subject.width() <= title_room(rest, area.width))
        .unwrap_or("");
    let name = ctx.mirror.title_name(&d.id, title_room(rest, area.width));
    let title = title(&name, rest, area.width);
    let inner = pane(buf, area, &title, ctx.focused);
    let (x, w) = (inner.x + 1, inner.width.saturating_sub(2));
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    let mut line = |y: &mut u16, text: &str, tone: Tone| {
        if *y < bottom {
            put(buf, x, *y, text, w, theme::tone(tone));
            *y += 1;
        }
    };
    let keys = format!(
        "{} copy · {} reset · {} all of it",
        ctx.keymap.keys_text(Action::CopyLink),
        ctx.keymap.keys_text(Action::ResetLink),
        ctx.keymap.keys_text(Action::Open)
    );
    // Each setting whole: its value wrapped under itself (a link is read, and typed, whole).
    for (label, value, tone) in settings(d) {
        let rows = wrap(&value, usize::from(w.saturating_sub(6)));
        for (n, row) in rows.iter().enumerate().take(SETTING_ROWS) {
            let head = if n == 0 { label } else { "" };
            let mut text = format!("{head:<6}{}", row.trim_start());
            if n + 1 == SETTING_ROWS && rows.len() > SETTING_ROWS {
                // A long description: the rest is one key away.
                text.push_str(" …");
            }
            line(&mut y, &text, tone);
        }
        // A gone group's link works no more: nothing to copy or reset.
        if label == "Link" && !d.gone {
            line(&mut y, &format!("      {keys}"), Tone::Dim);
        }
    }
    let picked = if view.picked.is_empty() {
        String::new()
    } else {
        format!(" · {} picked", view.picked.len())
    };
    line(
        &mut y,
        &format!("Pending join requests ({}){picked}", d.requests.len()),
        Tone::Info,
    );
    if d.requests.is_empty() {
        line(&mut y, "  none", Tone::Dim);
        return;
    }
    let rows = usize::from(bottom.saturating_sub(y));
    // The cursor's request in view, however many rows the settings took.
    let first = view
        .cursor
        .offset
        .max((view.cursor.index + 1).saturating_sub(rows))
        .min(d.requests.len());
    let shown: Vec<(usize, &crate::store::StoredJoinRequest, String)> = d
        .requests
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, r)| (i, r, crate::domain::text::sanitize(&asker_label(r))))
        .collect();
    // The asker's column as wide as the widest shown; where the pane is narrow the asker
    // gives up room (cut with `…`) and the time they asked stays whole.
    let who = columns::width(
        "",
        shown.iter().map(|(.., l)| l.as_str()),
        16,
        usize::from(w).saturating_sub(2),
    );
    for (i, r, label) in shown {
        let mark = if view.picked.contains(&r.join_request_id) {
            "•"
        } else {
            " "
        };
        // A decision waiting in the queue says so in place of when they asked (a narrow
        // pane has no room for both; Enter shows both).
        let asked = match d.queued.get(&r.join_request_id) {
            Some(q) => format!(
                "  {} queued{}",
                if q.approve { "approve" } else { "reject" },
                if q.flag.is_some() { " (!)" } else { "" }
            ),
            None => r
                .created_at
                .map(|t| format!("  asked {} ago", crate::domain::when::ago(t, ctx.now)))
                .unwrap_or_default(),
        };
        let asker = format!(" {:<who$}", columns::fit(&label, who));
        let style = if view.picked.contains(&r.join_request_id) {
            theme::picked()
        } else {
            Default::default()
        };
        put_parts(
            buf,
            x,
            y,
            &[(mark, style), (&asker, style), (&asked, style)],
            1,
            w,
        );
        if i == view.cursor.index {
            buf.set_style(
                Rect::new(inner.x, y, inner.width, 1),
                theme::cursor(ctx.focused),
            );
        }
        y += 1;
    }
}

/// An asker as the list shows them: as a member row does ([`crate::domain::Person::row_label`]).
fn asker_label(r: &crate::store::StoredJoinRequest) -> String {
    r.person
        .as_ref()
        .map_or_else(|| r.label(), crate::domain::Person::row_label)
}
