//! "Did you mean": the known names closest to a name typed wrong (a group's subject, a CSV
//! column), by edit distance (`strsim`'s Damerau-Levenshtein, over lower case) or, failing
//! that, the names that contain what was typed.

/// The names of `known` closest to `typed`, best first, at most `max` of them: those within a
/// few edits (one for every four characters typed, at least one, at most three; a swap of two
/// neighbours is one edit), else, for three characters or more, those that contain it. Case
/// and spaces around are ignored; a name equal to `typed` is no suggestion. Empty when none is
/// close.
pub fn closest<'a>(
    typed: &str,
    known: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return Vec::new();
    }
    let length = typed.chars().count();
    let allowed = (length / 4).clamp(1, 3);
    let mut near: Vec<(usize, &'a str)> = Vec::new();
    let mut containing: Vec<&'a str> = Vec::new();
    for name in known {
        let lower = name.trim().to_lowercase();
        if lower == typed || lower.is_empty() {
            continue;
        }
        // Names whose length differs by more than the edits allowed cannot be within them.
        if lower.chars().count().abs_diff(length) <= allowed {
            let distance = strsim::damerau_levenshtein(&typed, &lower);
            if distance <= allowed {
                near.push((distance, name));
                continue;
            }
        }
        if length >= 3 && lower.contains(&typed) {
            containing.push(name);
        }
    }
    let mut found: Vec<&'a str> = if near.is_empty() {
        containing.sort_unstable();
        containing
    } else {
        near.sort_unstable();
        near.into_iter().map(|(_, name)| name).collect()
    };
    found.dedup();
    found.truncate(max);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBJECTS: [&str; 6] = [
        "Downtown Yoga",
        "Harbor Yoga",
        "Downtown Runners",
        "Book Club",
        "Brookfield Choir",
        "Ärzte Köln",
    ];

    #[test]
    fn a_typo_finds_the_name_meant() {
        assert_eq!(closest("Downtwn Yoga", SUBJECTS, 3), ["Downtown Yoga"]);
        assert_eq!(closest("downtown yoag", SUBJECTS, 3), ["Downtown Yoga"]);
        assert_eq!(closest(" BOOK CLUB! ", SUBJECTS, 3), ["Book Club"]);
        assert_eq!(closest("Arzte Koln", SUBJECTS, 3), ["Ärzte Köln"]);
        assert_eq!(
            closest("particpant", ["group", "participant", "action"], 3),
            ["participant"]
        );
        assert_eq!(
            closest("acton", ["group", "participant", "action"], 3),
            ["action"]
        );
    }

    #[test]
    fn part_of_a_name_finds_every_name_holding_it() {
        assert_eq!(
            closest("yoga", SUBJECTS, 3),
            ["Downtown Yoga", "Harbor Yoga"]
        );
        assert_eq!(closest("downtown", SUBJECTS, 1), ["Downtown Runners"]);
    }

    #[test]
    fn an_id_is_near_no_subject() {
        assert!(closest("Y2FwaV9ncm91cDoxMDAwMDAwMDAwMDAwMDE6", SUBJECTS, 3).is_empty());
        assert_eq!(closest("Bookclub", SUBJECTS, 3), ["Book Club"]);
    }

    #[test]
    fn nothing_close_is_nothing_suggested() {
        assert!(closest("Chess", SUBJECTS, 3).is_empty());
        assert!(closest("", SUBJECTS, 3).is_empty());
        assert!(
            closest("Book Club", SUBJECTS, 3).is_empty(),
            "the name itself"
        );
        assert!(closest("xy", ["ab", "cd"], 3).is_empty());
        assert!(closest("name", ["group", "participant", "action"], 3).is_empty());
    }
}
