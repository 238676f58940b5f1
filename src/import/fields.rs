//! Checking one imported value: a group id, or an action.

use crate::domain::OperationKind;
use crate::domain::text::sanitize;

/// A group id as written in a file (trimmed), or why it cannot be one (the rule is
/// [`crate::domain::group_id`]'s, the same for every place an id is accepted).
pub(super) fn group_id(text: &str) -> Result<&str, String> {
    crate::domain::group_id::check(text).map_err(|e| e.to_string())
}

/// `add` or `remove`, in any case.
pub(super) fn action(text: &str) -> Result<OperationKind, String> {
    text.parse::<OperationKind>().map_err(|e| sanitize(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_ids_are_checked_like_everywhere_else() {
        assert_eq!(group_id("  Ab3+x= "), Ok("Ab3+x="));
        assert!(group_id("").is_err());
        assert!(group_id("two words").is_err());
        assert!(group_id("a\u{1b}[2J").is_err());
        assert!(group_id(&"x".repeat(300)).is_err());
        for path in ["..", ".", "a/b", "a?b", "a#b", "%2e%2e"] {
            assert!(group_id(path).is_err(), "{path}");
        }
    }

    #[test]
    fn actions_are_add_or_remove() {
        assert_eq!(action("ADD"), Ok(OperationKind::Add));
        let err = action("delete").expect_err("not an action");
        assert_eq!(err, "action `delete` is neither `add` nor `remove`");
    }
}
