//! How a queued change reads in a few words (`create "Spring cohort"`, `approve +1555…`): for
//! log lines, plans and the queue list.

use super::OpSpec;

impl OpSpec {
    /// What the change is, in a few words: `create "Spring cohort"`, `subject "New name"`,
    /// `approve +15550100001`, `remove US.13491208655302741918 @nora_b7`.
    pub fn describe(&self) -> String {
        match self {
            OpSpec::Delete { .. } => "delete the group".into(),
            OpSpec::ResetLink { .. } => "reset the invite link".into(),
            OpSpec::RevokeLink { .. } => "revoke the invite link".into(),
            _ => format!("{} {}", self.kind(), self.detail()),
        }
    }

    /// What the change names or sets, without its kind: the person of a participant change
    /// or join decision, `"Spring cohort" (approval required)` for a create, the new subject,
    /// description (its first 40 characters) or photo; empty for a delete and the link changes.
    /// Made safe for a terminal.
    pub fn detail(&self) -> String {
        use crate::domain::text::sanitize;
        match self {
            OpSpec::Add { person, .. } | OpSpec::Remove { person, .. } => person.label(),
            OpSpec::Create { new, .. } => format!(
                "\"{}\"{}",
                sanitize(&new.subject),
                if new.join_approval_mode == crate::domain::JoinApprovalMode::ApprovalRequired {
                    " (approval required)"
                } else {
                    ""
                }
            ),
            OpSpec::Subject { subject, .. } => format!("\"{}\"", sanitize(subject)),
            OpSpec::Description { description, .. } => {
                let short: String = description.chars().take(40).collect();
                let more = if description.chars().count() > 40 {
                    "…"
                } else {
                    ""
                };
                format!("\"{}{more}\"", sanitize(&short))
            }
            OpSpec::Photo { photo, .. } => format!("({})", photo.describe()),
            OpSpec::Delete { .. } | OpSpec::ResetLink { .. } | OpSpec::RevokeLink { .. } => {
                String::new()
            }
            OpSpec::Approve { request, .. } | OpSpec::Reject { request, .. } => {
                sanitize(&request.label())
            }
        }
    }
}
