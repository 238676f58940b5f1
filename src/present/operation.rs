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

/// A change as a phrase, the one way every screen and command line puts it: its kind, what it
/// names or sets (`detail`, already safe), `prep` and its group (`add +1212… to Book Club`,
/// `approve US.1349… @nora_b7 in Book Club`); a subject change as a rename, so that it reads
/// right under the old name and the new (`rename Book Club to "Readers"`; once the group is
/// named by its new subject, `the rename to "Readers"`); without a group (a create), the kind
/// and detail alone.
pub fn change_phrase(kind: OperationKind, detail: &str, prep: &str, group: &str) -> String {
    match kind {
        // The group already bears the new name: naming it twice would read as no change.
        OperationKind::Subject if !group.is_empty() && detail == format!("\"{group}\"") => {
            super::words(["the rename to", detail])
        }
        OperationKind::Subject if !group.is_empty() => {
            super::words(["rename", group, "to", detail])
        }
        _ if group.is_empty() => super::words([kind_words(kind), detail]),
        _ => super::words([kind_words(kind), detail, prep, group]),
    }
}

/// For a failed or skipped operation the reason (`131203 message`); for a pending or sending
/// one the flag it was queued with, else the last error; none for one the server took. Made
/// safe for a terminal.
pub fn note(op: &Operation) -> Option<String> {
    let failure = match (op.error_code, op.error_message.as_deref()) {
        (Some(code), Some(m)) => Some(format!("{code} {}", sanitize(m))),
        (Some(code), None) => Some(code.to_string()),
        (None, Some(m)) => Some(sanitize(m)),
        (None, None) => None,
    };
    match op.state {
        OperationState::Failed | OperationState::Skipped => failure,
        // A queue-time flag is about the change before it is sent.
        OperationState::Pending | OperationState::Sending => {
            op.flag.as_deref().map(sanitize).or(failure)
        }
        // Taken by the server: neither the flag nor an error retried past still holds.
        OperationState::Accepted | OperationState::Confirmed => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_change_reads_as_a_rename() {
        assert_eq!(
            change_phrase(OperationKind::Subject, "\"Readers\"", "in", "Book Club"),
            "rename Book Club to \"Readers\""
        );
        assert_eq!(
            change_phrase(OperationKind::Subject, "\"Readers\"", "in", "Readers"),
            "the rename to \"Readers\""
        );
        assert_eq!(
            change_phrase(OperationKind::Add, "+12125550100", "to", "Book Club"),
            "add +12125550100 to Book Club"
        );
        assert_eq!(
            change_phrase(OperationKind::Create, "\"Spring\"", "in", ""),
            "create \"Spring\""
        );
        assert_eq!(
            change_phrase(OperationKind::Delete, "", "in", "Book Club"),
            "delete in Book Club"
        );
    }
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
        // Once the server took it, the queue-time flag no longer holds.
        let mut confirmed = failed.clone();
        confirmed.state = OperationState::Confirmed;
        assert_eq!(note(&confirmed), None);
    }
}
