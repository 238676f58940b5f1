//! The status bar's drawing: two lines, the account and queue, then the work in flight (or
//! the problem that stops it, with what to do). Where the screen is narrow, the least needed
//! parts are left out whole rather than a line cut in a word.

use ratatui::buffer::Buffer;
use ratatui::text::{Line, Span};

use crate::domain::OperationState;
use crate::domain::when::clock;
use crate::tui::action::Action;
use crate::tui::shared::Work;
use crate::tui::text::Tone;
use crate::tui::theme;
use crate::tui::views::Ctx;
use crate::tui::widgets::put_line;

use super::StatusView;

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// The parts of a line, each with how much it is needed (0: always shown), in the order
/// shown; parts are left out, least needed first, until the line fits `width`.
fn fit(parts: Vec<(u8, Vec<Span<'static>>)>, width: u16) -> Line<'static> {
    let width_of = |parts: &[(u8, Vec<Span<'static>>)]| -> usize {
        parts
            .iter()
            .flat_map(|(_, spans)| spans.iter().map(Span::width))
            .sum()
    };
    let mut parts = parts;
    while width_of(&parts) > usize::from(width) {
        let Some(least) = parts
            .iter()
            .enumerate()
            .filter(|(_, (need, _))| *need > 0)
            .max_by_key(|(i, (need, _))| (*need, *i))
            .map(|(i, _)| i)
        else {
            break;
        };
        parts.remove(least);
    }
    Line::from(parts.into_iter().flat_map(|(_, s)| s).collect::<Vec<_>>())
}

pub fn draw(view: &StatusView, ctx: &Ctx, buf: &mut Buffer) {
    let area = ctx.area;
    if area.height == 0 {
        return;
    }
    let sep = || Span::styled(" │ ", theme::tone(Tone::Dim));
    let count = |s: OperationState| view.counts.get(&s).copied().unwrap_or(0);
    // First line: whose groups, and the queue.
    let pending = count(OperationState::Pending);
    let mut parts = vec![
        // Whose groups these are always shows; the app's own name is the first to go.
        (3, vec![Span::styled(" wa-groups", theme::header())]),
        (0, vec![Span::raw(format!(" {}", ctx.account))]),
        (
            0,
            vec![
                sep(),
                Span::raw("queue "),
                Span::styled(
                    format!("{pending} pending"),
                    theme::tone(if pending > 0 { Tone::Warn } else { Tone::Plain }),
                ),
            ],
        ),
    ];
    let (sending, accepted) = (
        count(OperationState::Sending),
        count(OperationState::Accepted),
    );
    match ctx.work {
        // This app's run: claimed to send, and taken by the server with their confirmation
        // (webhook or read) to come; neither need be a request on the wire.
        Work::Submitting { .. } | Work::Cancelling => {
            for (n, word) in [(sending, "sending"), (accepted, "to confirm")] {
                if n > 0 {
                    parts.push((
                        1,
                        vec![Span::styled(
                            format!(" · {n} {word}"),
                            theme::tone(Tone::Info),
                        )],
                    ));
                }
            }
        }
        // Open with no run of this app's: left by a run that stopped (or another process's);
        // the next send reads their groups first.
        _ if sending + accepted > 0 => parts.push((
            1,
            vec![Span::styled(
                format!(" · {} unsettled", sending + accepted),
                theme::tone(Tone::Warn),
            )],
        )),
        _ => {}
    }
    let failed = count(OperationState::Failed);
    if failed > 0 {
        parts.push((
            1,
            vec![Span::styled(
                format!(" · {failed} failed"),
                theme::tone(Tone::Bad),
            )],
        ));
    }
    parts.push((
        2,
        vec![Span::raw(format!(
            " · {} done",
            count(OperationState::Confirmed)
        ))],
    ));
    // Finished with nothing to do (already so): counted apart, so the parts add up to what
    // was queued.
    let skipped = count(OperationState::Skipped);
    if skipped > 0 {
        parts.push((
            3,
            vec![Span::styled(
                format!(" · {skipped} skipped"),
                theme::tone(Tone::Dim),
            )],
        ));
    }
    put_line(buf, area.x, area.y, &fit(parts, area.width), area.width);
    if area.height < 2 {
        return;
    }
    // Second line: the problem or the work in flight, what is on the wire, the last sync.
    let spin = SPINNER[view.spinner % SPINNER.len()];
    let work = match (&view.problem, ctx.work) {
        (Some(problem), Work::Idle) => {
            let retry = ctx.keymap.keys_text(Action::Sync);
            let said = crate::present::problem(problem.class, &retry);
            Span::styled(
                format!(" ✗ {}: {}", said.what, said.brief),
                theme::tone(Tone::Bad),
            )
        }
        (_, Work::Idle) => Span::raw(" idle"),
        (_, Work::SyncAsked) => {
            Span::styled(format!(" {spin} sync asked"), theme::tone(Tone::Info))
        }
        (_, Work::Syncing { done, total }) => Span::styled(
            format!(" {spin} syncing {done}/{total} groups"),
            theme::tone(Tone::Info),
        ),
        (_, Work::Submitting { .. }) => Span::styled(
            match &view.progress {
                Some(p) if p.operations > 0 => {
                    let held = if p.held > 0 {
                        format!(" · {} held", p.held)
                    } else {
                        String::new()
                    };
                    format!(
                        " {spin} sending: {}/{} settled{held}",
                        p.confirmed + p.failed + p.skipped,
                        p.operations.saturating_sub(p.held)
                    )
                }
                _ => format!(" {spin} sending"),
            },
            theme::tone(Tone::Info),
        ),
        (_, Work::Cancelling) => {
            Span::styled(format!(" {spin} cancelling"), theme::tone(Tone::Warn))
        }
    };
    let mut parts = vec![
        (0, vec![work]),
        (
            1,
            vec![sep(), Span::raw(format!("{} in flight", view.in_flight))],
        ),
        (
            4,
            vec![Span::raw(format!(
                " · {:.1} req/s",
                view.pace(ctx.now, ctx.work)
            ))],
        ),
    ];
    if let Some((at, pause, _)) = view.throttle
        && ctx.now < at + i64::try_from(pause).unwrap_or(i64::MAX)
    {
        parts.push((
            2,
            vec![Span::styled(" · throttled", theme::tone(Tone::Warn))],
        ));
    }
    parts.push((
        3,
        vec![
            sep(),
            // This app's last sync, else how fresh the mirror it read is (a sync by another
            // process, or an earlier session).
            Span::raw(match view.last_sync.or(ctx.mirror.read_since) {
                // A time of day is enough today; an older read says how old it is.
                Some(at) if ctx.now - at < 12 * 3_600_000 => format!("synced {} UTC", clock(at)),
                Some(at) => format!("synced {} ago", crate::domain::when::ago(at, ctx.now)),
                None => "not synced yet".into(),
            }),
        ],
    ));
    put_line(buf, area.x, area.y + 1, &fit(parts, area.width), area.width);
}
