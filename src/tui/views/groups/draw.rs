//! The groups view's drawing: the list through the filter, a window at a time, each group by
//! its label (the id's ending kept however narrow the column), the id's end in a column of its
//! own when the pane is wide, and the filter's prompt in the footer while it is typed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use std::collections::HashMap;

use crate::domain::MAX_GROUP_MEMBERS;
use crate::domain::group_names::distinct_endings;
use crate::domain::text::sanitize;
use crate::tui::action::Action;
use crate::tui::model::{GroupRow, Mirror};
use crate::tui::shared::Work;
use crate::tui::text::Tone;
use crate::tui::theme;
use crate::tui::views::Ctx;
use crate::tui::widgets::{fit_width, lines_in, pane, put, put_label};
use unicode_width::UnicodeWidthStr;

use super::{GroupsView, SortBy};

/// Inner widths from which the id's end has a column.
const ID_COLUMN_FROM: u16 = 48;
/// Characters of the id's end that column shows.
const ID_TAIL: usize = 10;

/// The pane's title in `width` columns at most: what is listed, the order, the picks; in
/// fewer words where the pane is narrow.
fn title(view: &GroupsView, ctx: &Ctx, width: usize) -> String {
    let shown = view.visible.len();
    let all = ctx.mirror.rows.len();
    // Each head with the words it may shorten (the filter's text, the person searched): a
    // long one is cut with `…` rather than left out.
    let heads: Vec<(String, String, String)> =
        match (&view.filter.person, view.filter.text.is_empty()) {
            (Some((person, _)), _) => vec![
                (
                    "Groups with ".into(),
                    person.to_string(),
                    format!(": {shown}"),
                ),
                (String::new(), person.to_string(), format!(": {shown}")),
            ],
            (None, false) => vec![
                (
                    format!("Groups {shown}/{all} matching \""),
                    view.filter.text.clone(),
                    "\"".into(),
                ),
                (
                    format!("Groups {shown}/{all} \""),
                    view.filter.text.clone(),
                    "\"".into(),
                ),
            ],
            // The gone groups apart, so the count matches what the server lists.
            (None, true) if ctx.mirror.gone > 0 => vec![
                (
                    format!(
                        "Groups {} + {} gone",
                        all - ctx.mirror.gone,
                        ctx.mirror.gone
                    ),
                    String::new(),
                    String::new(),
                ),
                (format!("Groups {all}"), String::new(), String::new()),
            ],
            (None, true) => vec![(format!("Groups {all}"), String::new(), String::new())],
        };
    let sorts = match view.sort {
        SortBy::Subject => vec![String::new()],
        sort => vec![
            format!(" · by {}", sort.name()),
            format!(" · by {}", sort.short_name()),
            " · sorted".to_owned(),
        ],
    };
    let picks = match view.picked.len() {
        0 => vec![String::new()],
        n => vec![format!(" · {n} picked"), format!(" · •{n}")],
    };
    // The longest form that fits, shortening the picks, then the order, then the head; the
    // last head's words cut to fit.
    let mut last = String::new();
    for (n, (before, words, after)) in heads.iter().enumerate() {
        for sort in &sorts {
            for pick in &picks {
                last = format!(" {before}{words}{after}{sort}{pick} ");
                if last.width() <= width {
                    return last;
                }
                if n + 1 == heads.len() {
                    let rest = format!(" {before}{after}{sort}{pick} ").width();
                    if rest + 2 <= width && !words.is_empty() {
                        let cut = fit_width(words, width - rest);
                        last = format!(" {before}{cut}{after}{sort}{pick} ");
                    }
                }
            }
        }
    }
    last
}

/// The end of an id, for its column: `…TMxNzQ1`.
fn id_tail(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= ID_TAIL {
        return sanitize(id);
    }
    let tail: String = chars[chars.len() - (ID_TAIL - 1)..].iter().collect();
    format!("…{}", sanitize(&tail))
}

pub fn draw(view: &GroupsView, ctx: &Ctx, buf: &mut Buffer) {
    let area = ctx.area;
    if area.height < 3 || area.width < 4 {
        return;
    }
    let focused = ctx.focused;
    let title = title(view, ctx, usize::from(area.width.saturating_sub(2)));
    let inner = pane(buf, area, &title, focused);
    if inner.height == 0 {
        return;
    }
    let w = inner.width;
    // Columns: picked mark, failure mark, label, [id's end], members, pending.
    let counts_w: u16 = 9;
    let id_w: u16 = if w >= ID_COLUMN_FROM {
        ID_TAIL as u16 + 1
    } else {
        0
    };
    let subject_w = w.saturating_sub(2 + counts_w + id_w);
    let mark = |sort: SortBy| if view.sort == sort { "↓" } else { " " };
    let mut head = format!(
        "{:<width$}",
        "  Subject",
        width = usize::from(2 + subject_w)
    );
    if id_w > 0 {
        head.push_str(&format!("{:<width$}", "Id", width = usize::from(id_w)));
    }
    head.push_str(&format!(
        "{}Mem{}Pend",
        mark(SortBy::Members),
        mark(SortBy::Pending)
    ));
    put(buf, inner.x, inner.y, &head, w, theme::header());
    let rows = inner.height.saturating_sub(1);
    let top = inner.y + 1;

    if view.visible.is_empty() {
        // Why the list is empty, and what to do, whole.
        let (tone, text) = empty_text(view, ctx);
        let below = Rect::new(inner.x, top, w, rows);
        lines_in(
            buf,
            below,
            top,
            &[crate::tui::text::Line::new(tone, text)],
            rows,
        );
        return;
    }
    let first = view.cursor.offset.min(view.visible.len());
    let last = (first + usize::from(rows)).min(view.visible.len());
    let shown: Vec<&GroupRow> = view.visible[first..last]
        .iter()
        .filter_map(|i| ctx.mirror.rows.get(*i))
        .collect();
    // Without an id column, subjects that differ only past the cut keep their id's ending.
    let alike = if id_w == 0 {
        look_alike(&shown, ctx.mirror, usize::from(subject_w.saturating_sub(1)))
    } else {
        HashMap::new()
    };
    for (n, g) in shown.into_iter().enumerate() {
        let y = top + n as u16;
        draw_row(
            buf,
            view,
            ctx,
            g,
            Rect::new(inner.x, y, w, 1),
            (subject_w, id_w, alike.get(&*g.id).map(String::as_str)),
        );
        if view.cursor.index == first + n {
            buf.set_style(Rect::new(inner.x, y, w, 1), theme::cursor(focused));
        }
    }
}

/// The rows shown whose subjects, different, look the same as another group's once cut to
/// `width` columns (the same subject already ends with its id's ending): each with the end of
/// its id that tells them apart. The others are looked for among all the mirror's groups, not
/// only those on screen, so a row keeps its ending in every order and scroll position: the
/// mirror lists groups by subject, so those sharing a cut are its neighbours there.
fn look_alike<'g>(
    rows: &[&'g GroupRow],
    mirror: &Mirror,
    width: usize,
) -> HashMap<&'g str, String> {
    let mut endings = HashMap::new();
    let all = &mirror.rows;
    for g in rows.iter().filter(|g| g.suffix.is_none()) {
        let cut = fit_width(&g.subject, width);
        if *cut == *g.subject {
            continue;
        }
        let Some(at) = mirror.names.position(&g.id) else {
            continue;
        };
        let same = |i: &usize| {
            all.get(*i)
                .is_some_and(|o| fit_width(&o.subject, width) == cut)
        };
        let before = (0..at).rev().take_while(same);
        let after = (at + 1..all.len()).take_while(same);
        // Groups of one subject already carry their endings (`suffix`).
        let mut ids: Vec<&str> = before
            .chain(after)
            .filter_map(|i| all.get(i))
            .filter(|o| o.suffix.is_none())
            .map(|o| &*o.id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        ids.push(&g.id);
        if let Some(end) = distinct_endings(&ids).pop() {
            endings.insert(&*g.id, end);
        }
    }
    endings
}

fn draw_row(
    buf: &mut Buffer,
    view: &GroupsView,
    ctx: &Ctx,
    g: &GroupRow,
    row: Rect,
    (subject_w, id_w, alike): (u16, u16, Option<&str>),
) {
    let (x, y) = (row.x, row.y);
    let label = g.label();
    let picked = view.picked.contains(&*g.id);
    let row_style = if picked {
        theme::picked()
    } else {
        Style::default()
    };
    put(buf, x, y, if picked { "•" } else { " " }, 1, row_style);
    if g.unread.is_some() {
        put(buf, x + 1, y, "?", 1, theme::tone(Tone::Bad));
    } else if g.failed > 0 {
        put(buf, x + 1, y, "!", 1, theme::tone(Tone::Bad));
    }
    let (tail, style) = match (&g.unread, g.gone) {
        (Some(_), _) => (" (not read)".to_owned(), theme::tone(Tone::Bad)),
        (None, true) => (" (gone)".to_owned(), theme::tone(Tone::Dim)),
        (None, false) if g.suspended => (" (suspended)".to_owned(), theme::tone(Tone::Bad)),
        (None, false) if g.join_requests > 0 => (
            asking(g, usize::from(subject_w.saturating_sub(1))),
            row_style,
        ),
        (None, false) => (String::new(), row_style),
    };
    put_label(
        buf,
        x + 2,
        y,
        (&label.subject, label.suffix.as_deref().or(alike), &tail),
        subject_w.saturating_sub(1),
        style,
    );
    let mut at = x + 2 + subject_w;
    if id_w > 0 {
        put(
            buf,
            at,
            y,
            &id_tail(&g.id),
            id_w - 1,
            theme::tone(Tone::Dim),
        );
        at += id_w;
    }
    if g.unread.is_some() && g.members == 0 {
        return;
    }
    let members = format!(" {}/{MAX_GROUP_MEMBERS}", g.members.min(99));
    let full = if g.members as usize >= MAX_GROUP_MEMBERS {
        Tone::Warn
    } else {
        Tone::Plain
    };
    put(buf, at, y, &members, 5, theme::tone(full));
    let mark = if ctx.work.is_submitting(&g.id) && g.pending > 0 {
        "⇡"
    } else {
        " "
    };
    if g.pending > 0 {
        let pending = format!("{:>3}{mark}", g.pending.min(999));
        put(buf, at + 5, y, &pending, 4, theme::tone(Tone::Warn));
    }
}

/// The join requests' tag in a label column `width` wide, the longest that leaves the subject
/// whole: `(3 asking)`, `3 ask`, then `+3` (3 people want in); the subject keeps the room.
fn asking(g: &GroupRow, width: usize) -> String {
    let n = g.join_requests;
    let name = g.label().to_string().width();
    let forms = [
        format!(" ({n} asking)"),
        format!(" {n} ask"),
        format!(" +{n}"),
    ];
    forms
        .iter()
        .find(|tag| name + tag.width() <= width)
        .unwrap_or(&forms[2])
        .clone()
}

fn empty_text(view: &GroupsView, ctx: &Ctx) -> (Tone, String) {
    let sync = ctx.keymap.keys_text(Action::Sync);
    let reset = ctx.keymap.keys_text(Action::Reset);
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
        _ => match (&view.filter.person, &view.filter.unreadable) {
            (Some((p, _)), _) => (Tone::Dim, super::in_no_group(p, &format!("{reset} clears"))),
            (None, Some(why)) => (Tone::Warn, format!("{why} ({reset} clears)")),
            (None, None) => (
                Tone::Dim,
                format!("No group matches the filter ({reset} clears it)"),
            ),
        },
    }
}

/// The filter being typed, for the footer.
pub fn prompt(view: &GroupsView, ctx: &Ctx, width: u16) -> Line<'static> {
    let (keep, clear) = (
        ctx.keymap.hint(&[Action::Confirm], ""),
        ctx.keymap.hint(&[Action::Back], ""),
    );
    // The hint is shortened, then left out, where the line has no room for it: never cut bare.
    let text = view.filter.text.clone();
    let typed = text.width() + 4;
    let hint = [
        format!("  {keep} keep · {clear} clear · a number, BSUID or @name finds their groups"),
        format!("  {keep} keep · {clear} clear · a number finds their groups"),
        format!("  {keep} keep · {clear} clear"),
    ]
    .into_iter()
    .find(|h| typed + h.width() <= usize::from(width))
    .unwrap_or_default();
    Line::from(vec![
        Span::styled(" / ", theme::key()),
        Span::raw(text),
        Span::styled("▏", theme::key()),
        Span::styled(hint, theme::tone(Tone::Dim)),
    ])
}
