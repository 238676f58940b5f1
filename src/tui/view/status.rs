//! The status bar (account, queue, in flight, rate, last sync) and the footer (a notice, the
//! filter being typed, or key hints generated from the keymap).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme;
use crate::domain::OperationState;
use crate::domain::when::clock;
use crate::tui::action::Action;
use crate::tui::dialog::Dialog;
use crate::tui::engine_log::RATE_WINDOW_MS;
use crate::tui::keymap::Key;
use crate::tui::state::{State, Work};
use crate::tui::text::Tone;

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// Requests per second over the last few seconds.
pub fn rate(state: &State) -> f64 {
    let now = state.status.now;
    let recent = state
        .status
        .sent_at
        .iter()
        .filter(|t| **t > now - RATE_WINDOW_MS && **t <= now)
        .count();
    recent as f64 / (RATE_WINDOW_MS as f64 / 1000.0)
}

pub fn draw_status(buf: &mut Buffer, area: Rect, state: &State) {
    if area.height == 0 {
        return;
    }
    let sep = || Span::styled(" │ ", theme::tone(Tone::Dim));
    let count = |s: OperationState| state.status.counts.get(&s).copied().unwrap_or(0);
    // First line: whose groups, and the queue.
    let mut spans = vec![
        Span::styled(" wa-groups ", theme::header()),
        Span::raw(state.account.clone()),
        sep(),
        Span::raw("queue "),
    ];
    let pending = count(OperationState::Pending);
    spans.push(Span::styled(
        format!("{pending} pending"),
        theme::tone(if pending > 0 { Tone::Warn } else { Tone::Plain }),
    ));
    let open = count(OperationState::Sending) + count(OperationState::Accepted);
    if open > 0 {
        spans.push(Span::styled(
            format!(" · {open} sending"),
            theme::tone(Tone::Info),
        ));
    }
    let failed = count(OperationState::Failed);
    if failed > 0 {
        spans.push(Span::styled(
            format!(" · {failed} failed"),
            theme::tone(Tone::Bad),
        ));
    }
    spans.push(Span::raw(format!(
        " · {} done",
        count(OperationState::Confirmed)
    )));
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
    if area.height < 2 {
        return;
    }
    // Second line: the work in flight, its pace, the last sync.
    let spin = SPINNER[state.status.spinner % SPINNER.len()];
    let work = match &state.work {
        Work::Idle => Span::raw(" idle"),
        Work::SyncAsked => Span::styled(format!(" {spin} sync asked"), theme::tone(Tone::Info)),
        Work::Syncing { done, total } => Span::styled(
            format!(" {spin} syncing {done}/{total} groups"),
            theme::tone(Tone::Info),
        ),
        Work::Submitting { .. } => Span::styled(
            match &state.status.progress {
                Some(p) if p.operations > 0 => format!(
                    " {spin} sending: {}/{} settled",
                    p.confirmed + p.failed + p.skipped,
                    p.operations
                ),
                _ => format!(" {spin} sending"),
            },
            theme::tone(Tone::Info),
        ),
        Work::Cancelling => Span::styled(format!(" {spin} cancelling"), theme::tone(Tone::Warn)),
    };
    let in_flight = state
        .status
        .progress
        .as_ref()
        .filter(|_| state.work.is_busy())
        .map_or(0, |p| p.in_flight_requests);
    let mut spans = vec![
        work,
        sep(),
        Span::raw(format!("{in_flight} in flight · {:.1} req/s", rate(state))),
    ];
    if let Some((at, pause, _)) = state.status.throttle
        && state.status.now < at + i64::try_from(pause).unwrap_or(i64::MAX)
    {
        spans.push(Span::styled(" · throttled", theme::tone(Tone::Warn)));
    }
    spans.push(sep());
    spans.push(Span::raw(match state.status.last_sync {
        Some(at) => format!("synced {} UTC", clock(at)),
        None => "not synced yet".into(),
    }));
    buf.set_line(area.x, area.y + 1, &Line::from(spans), area.width);
}

pub fn draw_footer(buf: &mut Buffer, area: Rect, state: &State) {
    if area.height == 0 {
        return;
    }
    if let Some(notice) = &state.notice {
        buf.set_stringn(
            area.x,
            area.y,
            format!(" {}", notice.text),
            usize::from(area.width),
            theme::tone(notice.tone),
        );
        return;
    }
    if state.filter.editing {
        let line = Line::from(vec![
            Span::styled(" / ", theme::key()),
            Span::raw(state.filter.text.clone()),
            Span::styled("▏", theme::key()),
            Span::styled(
                format!(
                    "  {} keep · {} clear · a number finds that person's groups",
                    state.keymap.hint(&[Action::Confirm], ""),
                    state.keymap.hint(&[Action::Back], "")
                ),
                theme::tone(Tone::Dim),
            ),
        ]);
        buf.set_line(area.x, area.y, &line, area.width);
        return;
    }
    if state.dialog.is_some() && !matches!(state.dialog, Some(Dialog::Help { .. })) {
        return;
    }
    let mut footer: Vec<(u8, &str, Action)> = Action::ALL
        .iter()
        .filter_map(|a| a.footer().map(|(rank, label)| (rank, label, *a)))
        .collect();
    footer.sort_unstable();
    let mut spans = Vec::new();
    for (_, hint, action) in footer {
        let Some(key) = state.keymap.first_key(action) else {
            continue;
        };
        let key = if key == Key::char(' ') {
            "␣".to_string()
        } else {
            key.to_string()
        };
        spans.push(Span::styled(format!(" {key}"), theme::key()));
        spans.push(Span::styled(format!(" {hint} "), Style::default()));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}
