//! A stored participant outcome in words: what the app's log shows of the runs before it.

use crate::domain::text::sanitize;
use crate::domain::when::rfc3339;
use crate::domain::{OperationKind, OperationState};
use crate::store::Outcome;

use super::{Line, Tone};

/// `confirmed #12 add +12125550100 @ana.k to Book Club`, with the server's code and message
/// after a failure (`: 131203 terms not accepted`); `group` names the group. A change that
/// names no one says what it `set` when known (`confirmed #14 the rename to "Readers"`). The
/// tone is dim for what settled well, the state's own for what did not. Made safe for a
/// terminal.
pub fn outcome_line(o: &Outcome, set: Option<&str>, group: impl Fn(&str) -> String) -> Line {
    let who = match set {
        Some(set) if o.participant.is_empty() => sanitize(set),
        _ => outcome_person(o),
    };
    let prep = match o.action {
        OperationKind::Add => "to",
        OperationKind::Remove => "from",
        _ => "in",
    };
    let id = o.operation_id.map(|id| id.to_string()).unwrap_or_default();
    let label = if o.group_id.is_empty() {
        String::new()
    } else {
        group(&o.group_id)
    };
    let mut text = super::words([
        o.result.as_str(),
        &id,
        &super::change_phrase(o.action, &who, prep, &label),
    ]);
    if let Some(why) = super::server_reason(o.code, o.message.as_deref(), &o.group_id, &label) {
        text.push_str(&format!(": {why}"));
    }
    let tone = match o.result {
        OperationState::Failed => Tone::Bad,
        OperationState::Pending | OperationState::Sending => Tone::Warn,
        _ => Tone::Dim,
    };
    Line::new(tone, text)
}

/// The participant of an outcome as kept, with their username when it knows it
/// (`+12125550100 @ana.k`); empty for a change that names no one. Made safe for a terminal.
pub fn outcome_person(o: &Outcome) -> String {
    match &o.username {
        Some(name) if !o.participant.is_empty() => {
            format!("{} @{}", sanitize(&o.participant), sanitize(name))
        }
        _ => sanitize(&o.participant),
    }
}

/// What [`outcome_line`] leaves out: the group's id, the time whole, the request id.
pub fn outcome_detail(o: &Outcome) -> Vec<Line> {
    let row = |tone, name: &str, value: String| Line::new(tone, format!("{name:<9}{value}"));
    let mut lines = vec![row(Tone::Dim, "settled", rfc3339(o.at))];
    if !o.group_id.is_empty() {
        lines.push(row(Tone::Dim, "group", sanitize(&o.group_id)));
    }
    if let Some(id) = o.request_id.as_deref() {
        lines.push(row(Tone::Dim, "request", sanitize(id)));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OpId;

    fn outcome() -> Outcome {
        Outcome {
            at: 1_000,
            group_id: "G1".into(),
            participant: "+12125550100".into(),
            username: Some("ana.k".into()),
            action: OperationKind::Remove,
            result: OperationState::Failed,
            code: Some(131203),
            message: Some("terms \u{1b}[31mnot accepted".into()),
            request_id: Some("req-1".into()),
            operation_id: Some(OpId(12)),
        }
    }

    #[test]
    fn an_outcome_names_its_change_person_group_and_reason() {
        let line = outcome_line(&outcome(), None, |g| format!("Book Club ({g})"));
        assert_eq!(
            line.text,
            "failed #12 remove +12125550100 @ana.k from Book Club (G1): 131203 terms ^[[31mnot accepted"
        );
        assert_eq!(line.tone, Tone::Bad);
        let confirmed = Outcome {
            result: OperationState::Confirmed,
            code: None,
            message: None,
            action: OperationKind::Add,
            ..outcome()
        };
        let line = outcome_line(&confirmed, None, |_| "Book Club".into());
        assert_eq!(
            line.text,
            "confirmed #12 add +12125550100 @ana.k to Book Club"
        );
        assert_eq!(line.tone, Tone::Dim);
        // A rename names what it set; under the group's new name, as the rename to it.
        let renamed = Outcome {
            action: OperationKind::Subject,
            participant: String::new(),
            username: None,
            ..confirmed
        };
        let line = outcome_line(&renamed, Some("\"Readers\""), |_| "Book Club".into());
        assert_eq!(line.text, "confirmed #12 rename Book Club to \"Readers\"");
        let line = outcome_line(&renamed, Some("\"Readers\""), |_| "Readers".into());
        assert_eq!(line.text, "confirmed #12 the rename to \"Readers\"");
    }
}
