//! The end of a submit: what became of its operations, and why for those that did not go.

use super::{Line, Tone};
use crate::domain::text::sanitize;
use crate::engine::Summary;

/// The lines of a run's summary: one line of counts, then each reason with how many.
pub fn summary_lines(summary: &Summary) -> Vec<Line> {
    if summary.another_sender {
        let why = sanitize(summary.stopped.as_deref().unwrap_or("another process"));
        return vec![Line::new(Tone::Bad, format!("run refused: {why}"))];
    }
    let p = &summary.progress;
    let end = if summary.cancelled {
        "run cancelled"
    } else if summary.stopped.is_some() {
        "run stopped"
    } else {
        "run finished"
    };
    let tone = if p.failed > 0 || summary.stopped.is_some() {
        Tone::Bad
    } else if p.pending > 0 || p.held > 0 || summary.cancelled {
        Tone::Warn
    } else {
        Tone::Good
    };
    let mut lines = vec![Line::new(
        tone,
        format!(
            "{end} in {:.1} s: {} confirmed · {} failed · {} skipped · {} held back · {} not settled · {} request(s) · {} throttled",
            summary.elapsed_ms as f64 / 1000.0,
            p.confirmed,
            p.failed,
            p.skipped,
            p.held,
            p.pending,
            p.requests_sent,
            p.throttled
        ),
    )];
    if p.by_webhook > 0 {
        lines.push(Line::new(
            Tone::Dim,
            format!("  settled by webhook ×{}: no read needed", p.by_webhook),
        ));
    }
    if let Some(why) = &summary.stopped {
        lines.push(Line::new(
            Tone::Bad,
            format!("  stopped: {}", sanitize(why)),
        ));
    }
    let reasons = [
        ("failed", Tone::Bad, &summary.failed_by_reason),
        ("skipped", Tone::Dim, &summary.skipped_by_reason),
        ("held", Tone::Warn, &summary.held_by_reason),
    ];
    for (what, tone, by_reason) in reasons {
        for (reason, n) in by_reason {
            lines.push(Line::new(
                tone,
                format!("  {what} ×{n}: {}", sanitize(reason)),
            ));
        }
    }
    // A cancel that came after the last request had left stopped nothing.
    if summary.cancelled && summary.progress.pending > 0 {
        lines.push(Line::new(
            Tone::Warn,
            format!(
                "  cancelled: {} change(s) not settled stay queued (`queue list` shows each one's state)",
                summary.progress.pending
            ),
        ));
    }
    lines
}
