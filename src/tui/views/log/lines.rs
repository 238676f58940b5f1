//! What an engine event says in the log: one line (or a few, for a run's end) with a tone,
//! every server string made safe and every group named by its subject.

use crate::domain::text::sanitize;
use crate::domain::{OperationKind, OperationState};
use crate::engine::{Event, RequestInfo, Summary};
use crate::tui::model::Mirror;
use crate::tui::text::{Line, Tone};

fn secs(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// A group by its subject; a create's request, which has none yet, as `a new group`.
fn group(mirror: &Mirror, id: &str) -> String {
    if id.is_empty() {
        "a new group".to_owned()
    } else {
        mirror.label(id)
    }
}

/// A change in a few words, whom or what it names first and then its group: `add +1212… in
/// Book Club`, `rename Book Club to "Readers"`; a create by the subject it carries (`create "Spring cohort"`), for the group it
/// made has no name in the mirror yet.
fn change(mirror: &Mirror, kind: OperationKind, group_id: &str, detail: &str) -> String {
    let group = match kind {
        OperationKind::Create => String::new(),
        _ => group(mirror, group_id),
    };
    crate::present::change_phrase(kind, &sanitize(detail), "in", &group)
}

fn request(mirror: &Mirror, r: &RequestInfo) -> String {
    let attempt = if r.attempt > 1 {
        format!(" (try {})", r.attempt)
    } else {
        String::new()
    };
    format!(
        "{} {} ×{}{attempt}",
        r.method,
        group(mirror, &r.group_id),
        r.participants
    )
}

/// The log's lines for one engine event (none for progress counts); `retry` names the key
/// that reads again.
pub fn lines(mirror: &Mirror, event: &Event, retry: &str) -> Vec<Line> {
    let one = |tone, text: String| vec![Line::new(tone, text)];
    match event {
        Event::RunStarted {
            operations,
            requests,
            failing,
        } => one(
            Tone::Info,
            format!(
                "run started: {operations} change(s) in {requests} request(s){}",
                crate::present::failing_unsent(*failing)
            ),
        ),
        Event::Recovering { operations, groups } => one(
            Tone::Warn,
            format!(
                "settling {operations} change(s) left in flight by an earlier run, in {groups} group(s)"
            ),
        ),
        Event::BatchPlanned {
            group_id,
            kind,
            participants,
        } => {
            let who: Vec<String> = participants.iter().map(|p| sanitize(p)).collect();
            let group = group(mirror, group_id);
            let kind = crate::present::kind_words(*kind);
            one(
                Tone::Dim,
                if who.is_empty() {
                    format!("planned {kind} {group}")
                } else {
                    format!("planned {kind} {group}: {}", who.join(" "))
                },
            )
        }
        Event::Held {
            op,
            group_id,
            change,
            reason,
        } => one(
            Tone::Warn,
            format!(
                "held {op} {} in {}: {}",
                sanitize(change),
                mirror.label(group_id),
                sanitize(reason)
            ),
        ),
        Event::RequestSent(info) => one(Tone::Dim, format!("→ {}", request(mirror, info))),
        Event::Answer {
            request: info,
            status,
            code,
            message,
            duration_ms,
            ..
        } => {
            let ok = status.is_some_and(|s| (200..300).contains(&s)) && code.is_none();
            let status = status.map_or("no answer".to_string(), |s| s.to_string());
            let code = code.map(|c| format!(" {c}")).unwrap_or_default();
            let message = if message.is_empty() {
                String::new()
            } else {
                format!(": {}", sanitize(message))
            };
            one(
                if ok { Tone::Good } else { Tone::Bad },
                format!(
                    "← {status}{code} {} in {duration_ms} ms{message}",
                    request(mirror, info)
                ),
            )
        }
        Event::RetryScheduled {
            request: info,
            delay_ms,
            reason,
        } => one(
            Tone::Warn,
            format!(
                "retry {} in {}: {}",
                request(mirror, info),
                secs(*delay_ms),
                sanitize(reason)
            ),
        ),
        Event::Throttled { pause_ms, rate } => {
            let rate = rate
                .map(|r| format!(", pace now {r:.1}/s"))
                .unwrap_or_default();
            one(
                Tone::Warn,
                format!("throttled by the server: pausing {}{rate}", secs(*pause_ms)),
            )
        }
        Event::Outcome {
            op,
            group_id,
            kind,
            detail,
            state: outcome,
            code,
            message,
            ..
        } => {
            let tone = match outcome {
                OperationState::Confirmed => Tone::Good,
                OperationState::Failed => Tone::Bad,
                OperationState::Accepted => Tone::Info,
                OperationState::Skipped => Tone::Dim,
                OperationState::Pending | OperationState::Sending => Tone::Warn,
            };
            let why = crate::present::server_reason(
                *code,
                message.as_deref(),
                group_id,
                &group(mirror, group_id),
            )
            .map(|why| format!(": {why}"))
            .unwrap_or_default();
            one(
                tone,
                format!(
                    "{outcome} {op} {}{why}",
                    change(mirror, *kind, group_id, detail)
                ),
            )
        }
        Event::Fetched { result: Err(e), .. } => one(
            Tone::Warn,
            format!("could not read: {}", sanitize(&e.message)),
        ),
        Event::Progress(_)
        | Event::SyncProgress { .. }
        | Event::Fetched { .. }
        | Event::Wire { .. } => Vec::new(),
        Event::Halted { class, message } => {
            let said = crate::present::problem(class, retry);
            one(Tone::Bad, format!("{}: {}", sanitize(message), said.todo))
        }
        Event::Paused => one(Tone::Warn, "paused".into()),
        Event::Resumed => one(Tone::Info, "resumed".into()),
        Event::Warning { message } => one(Tone::Warn, sanitize(message)),
        Event::Unconfirmed {
            group_id,
            read,
            changes,
            error,
        } => one(
            Tone::Warn,
            crate::present::unconfirmed_text(group_id, read, *changes, error, |g| mirror.label(g)),
        ),
        Event::SyncStarted => one(Tone::Info, "sync started: reading every group".into()),
        Event::SyncFinished {
            listed,
            read,
            gone,
            unread,
            unread_groups,
            error,
        } => match error {
            // Cancelled by the operator: no failure.
            Some(e) if e.starts_with("the sync stopped: cancelled") => one(
                Tone::Warn,
                format!(
                    "sync cancelled: {}",
                    sanitize(e.trim_start_matches("the sync stopped: cancelled "))
                ),
            ),
            Some(e) => one(Tone::Bad, format!("sync failed: {}", sanitize(e))),
            None if *unread > 0 => {
                let mut lines = one(
                    Tone::Warn,
                    format!(
                        "sync done: {listed} group(s) listed, {read} read, {gone} gone, {unread} could not be read"
                    ),
                );
                lines.extend(unread_groups.iter().map(|g| {
                    Line::new(
                        Tone::Warn,
                        format!(
                            "could not read {} ({}): {}",
                            sanitize(&g.subject),
                            sanitize(&g.id),
                            sanitize(&g.why)
                        ),
                    )
                }));
                lines
            }
            None => one(
                Tone::Good,
                format!("sync done: {listed} group(s) listed, {read} read, {gone} gone"),
            ),
        },
        Event::RunFinished(summary) => crate::present::summary_lines(summary),
    }
}

/// Why a run was refused, when another process is sending for the account.
pub fn refused(summary: &Summary) -> Option<String> {
    summary
        .another_sender
        .then(|| sanitize(summary.stopped.as_deref().unwrap_or("another process")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(kind: OperationKind, group: &str, who: &[&str]) -> String {
        let event = Event::BatchPlanned {
            group_id: group.into(),
            kind,
            participants: who.iter().map(|w| (*w).to_owned()).collect(),
        };
        let lines = lines(&Mirror::default(), &event, "R");
        lines
            .into_iter()
            .map(|l| l.text)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_planned_request_names_whom_it_names_and_nothing_dangles() {
        assert_eq!(
            planned(OperationKind::Remove, "G1", &["+12122000001", "US.1 @ana"]),
            "planned remove G1: +12122000001 US.1 @ana"
        );
        assert_eq!(
            planned(OperationKind::Approve, "G1", &["+15550100002 @hugo_o11"]),
            "planned approve G1: +15550100002 @hugo_o11"
        );
        assert_eq!(
            planned(OperationKind::Create, "", &[]),
            "planned create a new group"
        );
        assert_eq!(
            planned(OperationKind::ResetLink, "G1", &[]),
            "planned reset invite link G1"
        );
    }

    /// A subject change reads as a rename, right under the group's old name and its new one.
    #[test]
    fn a_confirmed_subject_change_reads_as_a_rename() {
        let event = Event::Outcome {
            op: crate::store::OpId(4),
            group_id: "G1".into(),
            participant: String::new(),
            detail: "\"Brookfield Families\"".into(),
            kind: OperationKind::Subject,
            state: OperationState::Confirmed,
            code: None,
            message: None,
        };
        let texts: Vec<String> = lines(&Mirror::default(), &event, "R")
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(texts, ["confirmed #4 rename G1 to \"Brookfield Families\""]);
    }
}
