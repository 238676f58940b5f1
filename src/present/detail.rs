//! The whole of what a screen shows cut to one line: a change, a member, an engine event.
//! Labelled rows, every field whole (the popup that shows them wraps long ones); times in
//! RFC 3339 to the millisecond.

use super::{Line, Tone};
use crate::domain::OperationState;
use crate::domain::Person;
use crate::domain::text::sanitize;
use crate::domain::when::rfc3339;
use crate::engine::Event;
use crate::store::Operation;

/// One labelled row: `code     131203`.
fn row(tone: Tone, name: &str, value: impl AsRef<str>) -> Line {
    Line::new(tone, format!("{name:<10} {}", value.as_ref()))
}

fn state_tone(state: OperationState) -> Tone {
    match state {
        OperationState::Pending => Tone::Warn,
        OperationState::Sending | OperationState::Accepted => Tone::Info,
        OperationState::Confirmed => Tone::Good,
        OperationState::Failed => Tone::Bad,
        OperationState::Skipped => Tone::Dim,
    }
}

/// A change whole: what it asks, its state, tries, times, the server's code, message and
/// request id, and the flag it was queued with. `group` names its group.
pub fn operation_detail(op: &Operation, group: &str) -> Vec<Line> {
    let mut lines = vec![
        row(
            Tone::Plain,
            "change",
            format!(
                "{} {}",
                op.id,
                super::change_text(&op.spec, |_| group.to_owned())
            ),
        ),
        row(state_tone(op.state), "state", op.state.as_str()),
        row(Tone::Plain, "tries", op.attempts.to_string()),
        row(Tone::Dim, "queued", rfc3339(op.created_at)),
        row(Tone::Dim, "changed", rfc3339(op.updated_at)),
    ];
    if let Some(code) = op.error_code {
        lines.push(row(Tone::Bad, "code", code.to_string()));
    }
    if let Some(message) = &op.error_message {
        let tone = if op.state == OperationState::Failed {
            Tone::Bad
        } else {
            Tone::Plain
        };
        lines.push(row(tone, "message", sanitize(message)));
    }
    if let Some(id) = &op.request_id {
        lines.push(row(Tone::Plain, "request_id", sanitize(id)));
    }
    if let Some(flag) = &op.flag {
        lines.push(row(Tone::Warn, "flag", sanitize(flag)));
    }
    lines
}

/// A member of a group whole: who (every key known: phone, wa_id, BSUID, username), and
/// every change of theirs in it (newest first).
pub fn member_detail(person: &Person, group: &str, changes: &[&Operation]) -> Vec<Line> {
    let mut lines = vec![row(Tone::Plain, "member", person.label())];
    if let Some(phone) = person.phone() {
        lines.push(row(Tone::Plain, "phone", phone.e164()));
        lines.push(row(Tone::Dim, "wa_id", phone.wa_id()));
    }
    if let Some(id) = person.user_id() {
        lines.push(row(Tone::Dim, "BSUID", id.as_str()));
    }
    if let Some(name) = person.username() {
        lines.push(row(Tone::Dim, "username", format!("@{}", sanitize(name))));
    }
    lines.push(row(Tone::Plain, "group", group));
    if changes.is_empty() {
        lines.push(row(Tone::Dim, "changes", "none in this group"));
    }
    for (i, op) in changes.iter().enumerate() {
        let sign = super::kind_words(op.kind());
        lines.push(row(
            state_tone(op.state),
            if i == 0 { "changes" } else { "" },
            format!(
                "{} {sign} {} at {}",
                op.id,
                op.state.as_str(),
                rfc3339(op.updated_at)
            ),
        ));
    }
    lines
}

/// What an engine event holds beyond its log line: the request, the answer's status, code,
/// whole message, request and trace ids, tries and times. `label` names groups.
pub fn event_detail(event: &Event, label: impl Fn(&str) -> String) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut push = |tone, name: &str, value: String| lines.push(row(tone, name, value));
    match event {
        Event::Answer {
            request,
            status,
            code,
            message,
            duration_ms,
            request_id,
            fbtrace_id,
        } => {
            push(
                Tone::Plain,
                "request",
                format!(
                    "{} {} ({} participant(s)), try {}",
                    request.method,
                    label(&request.group_id),
                    request.participants,
                    request.attempt
                ),
            );
            push(Tone::Dim, "group", sanitize(&request.group_id));
            push(
                Tone::Plain,
                "status",
                status.map_or_else(|| "no answer".to_owned(), |s| s.to_string()),
            );
            if let Some(code) = code {
                push(Tone::Bad, "code", code.to_string());
            }
            push(Tone::Plain, "message", sanitize(message));
            push(Tone::Dim, "took", format!("{duration_ms} ms"));
            // Meta's id of the request (what support asks for), apart from the request line.
            if let Some(id) = request_id {
                push(Tone::Plain, "request_id", sanitize(id));
            }
            if let Some(id) = fbtrace_id {
                push(Tone::Plain, "fbtrace", sanitize(id));
            }
        }
        Event::RetryScheduled {
            request,
            delay_ms,
            reason,
        } => {
            push(Tone::Plain, "group", label(&request.group_id));
            push(Tone::Warn, "reason", sanitize(reason));
            push(
                Tone::Dim,
                "next try",
                format!("{} in {delay_ms} ms", request.attempt + 1),
            );
        }
        Event::Outcome {
            op,
            group_id,
            detail,
            kind,
            state,
            code,
            message,
            ..
        } => {
            push(
                state_tone(*state),
                "change",
                format!(
                    "{}: {state}",
                    super::words([
                        op.to_string().as_str(),
                        &super::change_phrase(*kind, &sanitize(detail), "in", &label(group_id))
                    ])
                ),
            );
            push(Tone::Dim, "group", sanitize(group_id));
            if let Some(code) = code {
                push(Tone::Bad, "code", code.to_string());
            }
            if let Some(message) = message {
                push(Tone::Plain, "message", sanitize(message));
            }
        }
        Event::Held {
            op,
            group_id,
            change,
            reason,
        } => {
            push(
                Tone::Warn,
                "change",
                format!("{op} {} in {}", sanitize(change), label(group_id)),
            );
            push(Tone::Warn, "reason", sanitize(reason));
        }
        Event::Halted { class, message } => {
            push(Tone::Bad, "class", (*class).to_owned());
            push(Tone::Bad, "message", sanitize(message));
        }
        Event::SyncFinished { unread_groups, .. } => {
            for g in unread_groups {
                push(
                    Tone::Warn,
                    "unread",
                    format!(
                        "{} ({}): {}",
                        sanitize(&g.subject),
                        sanitize(&g.id),
                        sanitize(&g.why)
                    ),
                );
            }
        }
        _ => {}
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{add, operation};

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn a_change_is_shown_whole() {
        let mut op = operation(12, add("G1", 21), OperationState::Failed);
        op.attempts = 2;
        op.error_code = Some(131203);
        op.error_message = Some(format!("{} [fbtrace_id Ax9]\u{1b}[2J", "long ".repeat(30)));
        op.request_id = Some("RQ1".into());
        op.created_at = 1_764_040_234_000;
        op.updated_at = 1_764_040_235_120;
        let lines = operation_detail(&op, "Book Club");
        let texts = texts(&lines);
        assert_eq!(texts[0], "change     #12 add +12122000021 to Book Club");
        assert_eq!(texts[1], "state      failed");
        assert_eq!(texts[2], "tries      2");
        assert_eq!(texts[3], "queued     2025-11-25T03:10:34.000Z");
        assert_eq!(texts[4], "changed    2025-11-25T03:10:35.120Z");
        assert_eq!(texts[5], "code       131203");
        assert!(
            texts[6].ends_with("long  [fbtrace_id Ax9]^[[2J"),
            "whole: {}",
            texts[6]
        );
        assert_eq!(texts[7], "request_id RQ1");
    }

    #[test]
    fn an_answer_shows_its_ids_and_whole_message() {
        let event = Event::Answer {
            request: crate::engine::RequestInfo {
                seq: 1,
                method: "POST",
                group_id: "G1".into(),
                kind: Some(crate::domain::OperationKind::Add),
                participants: 3,
                attempt: 2,
            },
            status: Some(206),
            code: Some(131201),
            message: "partial success: 1 failed".into(),
            duration_ms: 90,
            request_id: Some("RQ".into()),
            fbtrace_id: Some("TR".into()),
        };
        let lines = event_detail(&event, |g| format!("«{g}»"));
        assert_eq!(
            texts(&lines),
            [
                "request    POST «G1» (3 participant(s)), try 2",
                "group      G1",
                "status     206",
                "code       131201",
                "message    partial success: 1 failed",
                "took       90 ms",
                "request_id RQ",
                "fbtrace    TR",
            ]
        );
    }
}
