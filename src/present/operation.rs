//! The note of an operation: the server's error, or the flag it was queued with.

use crate::domain::OperationState;
use crate::domain::text::sanitize;
use crate::store::Operation;

/// For a failed or skipped operation the reason (`131203 message`); for others the flag they
/// were queued with, else the last error. Made safe for a terminal.
pub fn note(op: &Operation) -> Option<String> {
    let failure = match (op.error_code, op.error_message.as_deref()) {
        (Some(code), Some(m)) => Some(format!("{code} {}", sanitize(m))),
        (Some(code), None) => Some(code.to_string()),
        (None, Some(m)) => Some(sanitize(m)),
        (None, None) => None,
    };
    match op.state {
        OperationState::Failed | OperationState::Skipped => failure,
        _ => op.flag.as_deref().map(sanitize).or(failure),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{add, operation};

    #[test]
    fn failures_say_why_and_pending_changes_their_flag() {
        let mut failed = operation(1, add("g", 1), OperationState::Failed);
        failed.error_code = Some(131203);
        failed.error_message = Some("terms".into());
        failed.flag = Some("ambiguous".into());
        assert_eq!(note(&failed).as_deref(), Some("131203 terms"));
        let mut pending = failed.clone();
        pending.state = OperationState::Pending;
        assert_eq!(note(&pending).as_deref(), Some("ambiguous"));
        pending.flag = None;
        assert_eq!(note(&pending).as_deref(), Some("131203 terms"));
    }
}
