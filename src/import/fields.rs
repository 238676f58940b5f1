//! Checking one imported value: a group id, a participant cell, or an action.

use crate::domain::text::sanitize;
use crate::domain::{ListEntry, Named, OperationKind, Region, read_numbers};

/// A group id as written in a file (trimmed), or why it cannot be one (the rule is
/// [`crate::domain::group_id`]'s, the same for every place an id is accepted).
pub(super) fn group_id(text: &str) -> Result<&str, String> {
    crate::domain::group_id::check(text).map_err(|e| e.to_string())
}

/// The one participant of a cell, cut and read by the rule of every pasted list (a phone
/// number or a BSUID), for a change of `kind` (an add takes a phone number only; `None`: any
/// participant, as a target file lists them), or why it is not one: blank, not a number nor a
/// BSUID, several of them, or a BSUID to add.
pub(super) fn participant(
    text: &str,
    region: Option<Region>,
    kind: Option<OperationKind>,
) -> Result<Named, String> {
    let mut entries = read_numbers(text, region);
    let checked = |entry: ListEntry| match kind {
        Some(kind) => entry.for_change(kind),
        None => entry.reading,
    };
    match entries.len() {
        0 => Err("no participant".into()),
        1 => checked(entries.remove(0)).map_err(|e| e.to_string()),
        n => {
            let mut shown = sanitize(text.trim());
            if shown.chars().count() > 60 {
                shown = shown.chars().take(60).collect::<String>() + "…";
            }
            Err(format!(
                "{n} numbers in one participant cell (\"{shown}\"): write one participant a row"
            ))
        }
    }
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
    fn a_participant_cell_holds_one_number() {
        let de = "DE".parse().ok();
        let got = participant("\u{202A}0151 12345678\u{202C}", de, None).expect("one");
        assert_eq!(got.person().user_ref(), "+4915112345678");
        assert_eq!(participant("  ", de, None), Err("no participant".into()));
        assert_eq!(
            participant("+4915112345678 +4915187654321", de, None),
            Err("2 numbers in one participant cell (\"+4915112345678 +4915187654321\"): write one participant a row".into())
        );
        assert!(participant("abc", de, None).is_err_and(|e| e.contains("letters")));
        let bsuid = participant(" US.1349 ", de, Some(OperationKind::Remove)).expect("bsuid");
        assert_eq!(bsuid.person().user_ref(), "US.1349");
        assert_eq!(
            participant("US.1349", de, Some(OperationKind::Add)),
            Err(
                "\"US.1349\": a BSUID cannot be added: participants are added by phone number"
                    .into()
            )
        );
    }

    #[test]
    fn actions_are_add_or_remove() {
        assert_eq!(action("ADD"), Ok(OperationKind::Add));
        let err = action("delete").expect_err("not an action");
        assert_eq!(err, "action `delete` is neither `add` nor `remove`");
    }
}
