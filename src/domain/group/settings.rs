//! A group's settings as the Graph API takes them (`groups-api-2026.md` §1.1, §1.4): a subject
//! of 1 to 128 characters (Meta trims it), a description of at most 2048, and who may come in
//! by the invite link.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Longest subject, in characters (R, C: `maxLength: 128`).
pub const MAX_SUBJECT_CHARS: usize = 128;
/// Longest description, in characters (R, C: `maxLength: 2048`).
pub const MAX_DESCRIPTION_CHARS: usize = 2048;

/// `join_approval_mode`: whether a tap on the invite link joins, or asks to join.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinApprovalMode {
    /// `auto_approve` (the default when a create leaves it out).
    #[default]
    AutoApprove,
    /// `approval_required`: people ask to join; the business approves or rejects.
    ApprovalRequired,
}

impl JoinApprovalMode {
    pub fn as_str(self) -> &'static str {
        match self {
            JoinApprovalMode::AutoApprove => "auto_approve",
            JoinApprovalMode::ApprovalRequired => "approval_required",
        }
    }
}

impl fmt::Display for JoinApprovalMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JoinApprovalMode {
    type Err = String;

    /// The contract's two values (any case, spaces around ignored); an empty text is the
    /// default (`auto_approve`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "auto_approve" => Ok(JoinApprovalMode::AutoApprove),
            "approval_required" => Ok(JoinApprovalMode::ApprovalRequired),
            other => Err(format!(
                "join_approval_mode `{}` is neither `auto_approve` nor `approval_required`",
                crate::domain::text::sanitize(other)
            )),
        }
    }
}

/// What a create asks for, checked.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NewGroup {
    /// Trimmed, 1 to 128 characters.
    pub subject: String,
    /// At most 2048 characters; `None` when not given.
    pub description: Option<String>,
    pub join_approval_mode: JoinApprovalMode,
}

/// A subject as it is sent: trimmed (as Meta trims it), 1 to 128 characters, no control
/// characters; or why it cannot be one.
pub fn check_subject(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    let chars = trimmed.chars().count();
    if chars == 0 {
        return Err("the subject is empty".into());
    }
    if chars > MAX_SUBJECT_CHARS {
        return Err(format!(
            "the subject has {chars} characters; at most {MAX_SUBJECT_CHARS} are allowed"
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(
            "the subject holds a control character (a line break, a tab, an escape)".into(),
        );
    }
    Ok(trimmed.to_owned())
}

/// A description as it is sent: at most 2048 characters; line breaks are kept, other control
/// characters refused.
pub fn check_description(text: &str) -> Result<String, String> {
    let chars = text.chars().count();
    if chars > MAX_DESCRIPTION_CHARS {
        return Err(format!(
            "the description has {chars} characters; at most {MAX_DESCRIPTION_CHARS} are allowed"
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err("the description holds a control character (other than a line break)".into());
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_trimmed_and_counted_in_characters() {
        assert_eq!(
            check_subject("  Spring cohort A  ").as_deref(),
            Ok("Spring cohort A")
        );
        assert!(check_subject("   ").is_err());
        assert!(check_subject(&"é".repeat(MAX_SUBJECT_CHARS)).is_ok());
        assert!(check_subject(&"é".repeat(MAX_SUBJECT_CHARS + 1)).is_err());
        assert!(check_subject("a\u{1b}[2Jb").is_err());
        assert!(check_subject("two\nlines").is_err());
        assert!(check_description(&"x".repeat(MAX_DESCRIPTION_CHARS)).is_ok());
        assert!(check_description(&"x".repeat(MAX_DESCRIPTION_CHARS + 1)).is_err());
        assert!(check_description("line\nbreak").is_ok());
        assert!(check_description("bell\u{7}").is_err());
    }

    #[test]
    fn modes_read_both_values_and_default_to_auto() {
        assert_eq!(
            "approval_required".parse(),
            Ok(JoinApprovalMode::ApprovalRequired)
        );
        assert_eq!(" AUTO_APPROVE ".parse(), Ok(JoinApprovalMode::AutoApprove));
        assert_eq!("".parse(), Ok(JoinApprovalMode::AutoApprove));
        assert!("approve".parse::<JoinApprovalMode>().is_err());
    }
}
