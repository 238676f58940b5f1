//! The end of a submit: what became of its operations, and why for those that did not go.

use super::{Line, Tone};
use crate::domain::text::sanitize;
use crate::engine::Summary;

/// The requests a run sent, the writes (what the plan counted) apart from the reads:
/// `5 request(s): 2 write(s) + 3 read(s)`, or `2 request(s)` when all were writes.
fn sent_words(sent: usize, reads: usize) -> String {
    match reads {
        0 => format!("{sent} request(s)"),
        reads => format!(
            "{sent} request(s): {} write(s) + {reads} read(s)",
            sent.saturating_sub(reads)
        ),
    }
}

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
            "{end} in {:.1} s: {} confirmed · {} failed · {} skipped · {} held back · {} not settled · {} · {} throttled",
            summary.elapsed_ms as f64 / 1000.0,
            p.confirmed,
            p.failed,
            p.skipped,
            p.held,
            p.pending,
            sent_words(p.requests_sent, p.reads_sent),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Progress;

    /// The requests of a run: the writes the plan announced, apart from the reads that
    /// confirmed them, so that "2 planned" and "5 sent" read as one story.
    #[test]
    fn the_summary_counts_writes_apart_from_reads() {
        let summary = |requests_sent, reads_sent| Summary {
            progress: Progress {
                confirmed: 3,
                requests_sent,
                reads_sent,
                ..Progress::default()
            },
            ..Summary::default()
        };
        let line = &summary_lines(&summary(5, 3))[0].text;
        assert!(
            line.contains(" · 5 request(s): 2 write(s) + 3 read(s) · "),
            "{line}"
        );
        let line = &summary_lines(&summary(2, 0))[0].text;
        assert!(line.contains(" · 2 request(s) · "), "{line}");
    }
}
