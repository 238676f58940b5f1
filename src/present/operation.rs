//! An operation in words: its kind as the operator reads it, and its note (the server's
//! error, or the flag it was queued with).

use crate::domain::text::sanitize;
use crate::domain::{OperationKind, OperationState};
use crate::store::Operation;

/// A kind of change in the operator's words, as every screen and command line names it
/// (`reset invite link`, never the stored name `reset_link`; `add`, `remove` as they are).
/// JSON and CSV keep [`OperationKind::as_str`].
pub fn kind_words(kind: OperationKind) -> &'static str {
    match kind {
        OperationKind::Add => "add",
        OperationKind::Remove => "remove",
        OperationKind::Create => "create",
        OperationKind::Subject => "subject",
        OperationKind::Description => "description",
        OperationKind::Photo => "photo",
        OperationKind::Delete => "delete",
        OperationKind::ResetLink => "reset invite link",
        OperationKind::RevokeLink => "revoke invite link",
        OperationKind::Approve => "approve",
        OperationKind::Reject => "reject",
    }
}

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
    fn every_kind_reads_in_words() {
        for kind in OperationKind::EVERY {
            let words = kind_words(kind);
            assert!(!words.contains('_'), "{kind}: {words}");
            assert!(!words.is_empty());
        }
        assert_eq!(kind_words(OperationKind::ResetLink), "reset invite link");
    }

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
