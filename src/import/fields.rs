//! Checking one imported value: a group id, or an action.

use crate::domain::OperationKind;
use crate::domain::text::sanitize;

/// Group ids are opaque to us, but one is a single word of printable characters.
const MAX_GROUP_ID: usize = 256;

/// A group id as written in a file (trimmed), or why it cannot be one.
pub(super) fn group_id(text: &str) -> Result<&str, String> {
    let id = text.trim();
    if id.is_empty() {
        return Err("no group id".into());
    }
    if id.len() > MAX_GROUP_ID {
        return Err(format!("group id longer than {MAX_GROUP_ID} characters"));
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "group id \"{}\" contains spaces or control characters",
            sanitize(id)
        ));
    }
    Ok(id)
}

/// `add` or `remove`, in any case.
pub(super) fn action(text: &str) -> Result<OperationKind, String> {
    text.parse::<OperationKind>().map_err(|e| sanitize(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_ids_are_single_printable_words() {
        assert_eq!(group_id("  Ab3+/x= "), Ok("Ab3+/x="));
        assert!(group_id("").is_err());
        assert!(group_id("two words").is_err());
        assert!(group_id("a\u{1b}[2J").is_err());
        assert!(group_id(&"x".repeat(300)).is_err());
    }

    #[test]
    fn actions_are_add_or_remove() {
        assert_eq!(action("ADD"), Ok(OperationKind::Add));
        let err = action("delete").expect_err("not an action");
        assert_eq!(err, "action `delete` is neither `add` nor `remove`");
    }
}
