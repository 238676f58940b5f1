//! The status bar's drawing: two lines, the account and queue, then the work in flight.

use ratatui::buffer::Buffer;
use ratatui::text::{Line, Span};

use crate::domain::OperationState;
use crate::domain::when::clock;
use crate::tui::shared::Work;
use crate::tui::text::Tone;
use crate::tui::theme;
use crate::tui::views::Ctx;

use super::StatusView;

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

pub fn draw(view: &StatusView, ctx: &Ctx, buf: &mut Buffer) {
    let area = ctx.area;
    if area.height == 0 {
        return;
    }
    let sep = || Span::styled(" │ ", theme::tone(Tone::Dim));
    let count = |s: OperationState| view.counts.get(&s).copied().unwrap_or(0);
    // First line: whose groups, and the queue.
    let mut spans = vec![
        Span::styled(" wa-groups ", theme::header()),
        Span::raw(ctx.account.to_string()),
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
    let spin = SPINNER[view.spinner % SPINNER.len()];
    let work = match ctx.work {
        Work::Idle => Span::raw(" idle"),
        Work::SyncAsked => Span::styled(format!(" {spin} sync asked"), theme::tone(Tone::Info)),
        Work::Syncing { done, total } => Span::styled(
            format!(" {spin} syncing {done}/{total} groups"),
            theme::tone(Tone::Info),
        ),
        Work::Submitting { .. } => Span::styled(
            match &view.progress {
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
    let in_flight = view
        .progress
        .as_ref()
        .filter(|_| ctx.work.is_busy())
        .map_or(0, |p| p.in_flight_requests);
    let mut spans = vec![
        work,
        sep(),
        Span::raw(format!(
            "{in_flight} in flight · {:.1} req/s",
            view.rate(ctx.now)
        )),
    ];
    if let Some((at, pause, _)) = view.throttle
        && ctx.now < at + i64::try_from(pause).unwrap_or(i64::MAX)
    {
        spans.push(Span::styled(" · throttled", theme::tone(Tone::Warn)));
    }
    spans.push(sep());
    spans.push(Span::raw(match view.last_sync {
        Some(at) => format!("synced {} UTC", clock(at)),
        None => "not synced yet".into(),
    }));
    buf.set_line(area.x, area.y + 1, &Line::from(spans), area.width);
}
