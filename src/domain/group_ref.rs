//! Resolving a group named in a command or a file: an id, a label, or a subject only one group
//! has; an ambiguous or unknown name refused with its candidates or the closest subjects.

use super::group_id::{self, GroupIdError};
use super::group_names::{GroupNames, Named, key};
use super::text::sanitize;

/// Why a group named on a command line or in a file was not found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GroupRefError {
    /// The subject of more than one group: never one picked silently.
    #[error(
        "\"{text}\" names {} groups: {}; give the id, or the name with its id ending, e.g. \"{}\" (type ... for …)",
        candidates.len(),
        candidates.iter().map(|(label, id)| format!("{label} ({id})")).collect::<Vec<_>>().join(", "),
        candidates.first().map(|(label, _)| label.as_str()).unwrap_or_default()
    )]
    Ambiguous {
        text: String,
        /// Each group's label and id.
        candidates: Vec<(String, String)>,
    },
    /// No group has that subject, and the text cannot be an id either (`why`), or it could
    /// be one (`why` is `None`) yet is a few edits from a subject the mirror has. `meant`:
    /// the labels of the groups whose subjects are closest ("did you mean").
    #[error("{}", unknown(text, why.as_ref(), meant))]
    Unknown {
        text: String,
        why: Option<GroupIdError>,
        meant: Vec<String>,
    },
}

/// How many groups a "did you mean" names at most.
const MEANT: usize = 3;

fn unknown(text: &str, why: Option<&GroupIdError>, meant: &[String]) -> String {
    const WHERE: &str = "`groups export` lists the groups; `groups sync` reads new ones";
    let meant = match meant {
        [] => String::new(),
        [one] => format!(": did you mean \"{one}\"?"),
        [first @ .., last] => format!(
            ": did you mean {} or \"{last}\"?",
            first
                .iter()
                .map(|m| format!("\"{m}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    match why {
        Some(GroupIdError::Empty) => "no group given".to_owned(),
        None => format!("no group of the mirror has the subject or id \"{text}\"{meant} ({WHERE})"),
        // Words: a subject was meant; why it is no id is beside the point.
        _ if text.contains(char::is_whitespace) || !meant.is_empty() => format!(
            "no group of the mirror has the subject \"{text}\", nor is it a group id{meant} ({WHERE})"
        ),
        Some(why) => format!("no group of the mirror has the subject \"{text}\", and {why}"),
    }
}

/// A label as typed on a keyboard, as [`GroupNames::label`] writes it: `...` for the `…`
/// before the id's ending, spaces around it as they come (`Yoga...A1234` is `Yoga …A1234`).
fn typed_label(text: &str) -> Option<String> {
    let (subject, end) = text.rsplit_once("...").or_else(|| text.rsplit_once('…'))?;
    Some(format!("{} …{}", subject.trim(), end.trim()))
}

impl GroupNames {
    /// The group `text` names: an id the mirror knows, a label as [`GroupNames::label`]
    /// writes it, the subject of exactly one group (in any case; live groups before gone
    /// ones), or else an id the mirror does not know yet. A subject several groups share is
    /// [`GroupRefError::Ambiguous`], with every candidate; text that is neither a subject
    /// nor an id is [`GroupRefError::Unknown`].
    pub fn resolve(&self, text: &str) -> Result<String, GroupRefError> {
        let text = text.trim();
        if self.knows(text) {
            return Ok(text.to_owned());
        }
        let wanted = key(text);
        if let Some(id) = self
            .by_label
            .get(&wanted)
            .or_else(|| typed_label(text).and_then(|label| self.by_label.get(&key(&label))))
        {
            return Ok(id.to_string());
        }
        let ids: Vec<&Named> = if wanted.is_empty() {
            Vec::new()
        } else {
            self.of_subject(&wanted)
                .map(|p| &self.groups[p as usize])
                .collect()
        };
        if !ids.is_empty() {
            let live: Vec<&Named> = ids.iter().copied().filter(|n| !n.gone).collect();
            let candidates = if live.is_empty() { ids } else { live };
            return match candidates.as_slice() {
                [named] => Ok(named.id.to_string()),
                many => Err(GroupRefError::Ambiguous {
                    text: sanitize(text),
                    candidates: many
                        .iter()
                        .map(|named| (self.label(&named.id), sanitize(&named.id)))
                        .collect(),
                }),
            };
        }
        match group_id::check(text) {
            // An id the mirror does not know yet, unless it is a few edits from a subject it
            // has, or part of one, or shorter than every id it has: then a subject mistyped
            // or cut short is far likelier than a new group (Meta's ids are some 60
            // characters of base64).
            Ok(id) => {
                let meant = self.meant(id);
                // Meta's ids are all of a length: a word shorter than every id the mirror
                // has is a name mistyped, not a group it has not read.
                let shorter = id.len() < self.shortest_id;
                if meant.is_empty() && !shorter {
                    Ok(id.to_owned())
                } else {
                    Err(GroupRefError::Unknown {
                        text: sanitize(text),
                        why: None,
                        meant,
                    })
                }
            }
            Err(why) => Err(GroupRefError::Unknown {
                text: sanitize(text),
                meant: self.meant(text),
                why: Some(why),
            }),
        }
    }

    /// The labels of the live groups whose subjects are closest to `text` (a few edits away,
    /// or holding it), each group of a shared subject by its label.
    fn meant(&self, text: &str) -> Vec<String> {
        let mut live: Vec<String> = self
            .groups
            .iter()
            .enumerate()
            .filter(|(_, named)| !named.gone)
            .map(|(p, _)| self.key_at(p as u32))
            .collect();
        live.sort_unstable();
        live.dedup();
        super::similar::closest(text, live.iter().map(String::as_str), MEANT)
            .into_iter()
            .flat_map(|subject| self.of_subject(subject))
            .map(|p| &self.groups[p as usize])
            .filter(|named| !named.gone)
            .map(|named| self.label(&named.id))
            .take(MEANT)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::group_names::tests::names;

    #[test]
    fn a_unique_subject_or_a_label_finds_its_group_in_any_case() {
        let n = names();
        assert_eq!(
            n.resolve("cedar park neighbours ...IyMQ"),
            Ok("Y2FwaV9ncm91cDoxOjIyMjIyMQ".into()),
            "three dots for the ellipsis"
        );
        assert_eq!(
            n.resolve("Cedar Park Neighbours...ExMQ"),
            Ok("Y2FwaV9ncm91cDoxOjExMTExMQ".into())
        );
        assert_eq!(
            n.resolve(" book CLUB "),
            Ok("Y2FwaV9ncm91cDoxOjMzMzMzMw".into())
        );
        assert_eq!(
            n.resolve("Cedar Park Neighbours …IyMQ"),
            Ok("Y2FwaV9ncm91cDoxOjIyMjIyMQ".into())
        );
        // A live group wins over a gone one of the same subject.
        assert_eq!(n.resolve("choir"), Ok("NEW1".into()));
        assert_eq!(n.resolve("OLD1"), Ok("OLD1".into()));
        // An id the mirror does not know yet is taken as an id.
        assert_eq!(n.resolve("Z3JwXzAwMQ"), Ok("Z3JwXzAwMQ".into()));
    }

    /// A word shorter than every id the mirror has is a name mistyped, never an id: it is
    /// refused, not queued for a group that does not exist; an id of the mirror's length is
    /// still taken.
    #[test]
    fn a_word_shorter_than_every_id_is_not_taken_as_one() {
        let n = GroupNames::new([
            ("Y2FwaV9ncm91cDoxOjExMTExMQ", "Sunset Choir", false),
            ("Y2FwaV9ncm91cDoxOjMzMzMzMw", "Book Club", false),
        ]);
        let err = n.resolve("Sunrise").expect_err("a mistyped name");
        assert!(
            err.to_string()
                .starts_with("no group of the mirror has the subject or id \"Sunrise\""),
            "{err}"
        );
        assert_eq!(
            n.resolve("Y2FwaV9ncm91cDoxOjk5OTk5OQ"),
            Ok("Y2FwaV9ncm91cDoxOjk5OTk5OQ".into())
        );
    }

    #[test]
    fn an_ambiguous_subject_lists_every_candidate_and_picks_none() {
        let err = names()
            .resolve("cedar park neighbours")
            .expect_err("two groups");
        let GroupRefError::Ambiguous { candidates, .. } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(candidates.len(), 2);
        assert_eq!(
            err.to_string(),
            "\"cedar park neighbours\" names 2 groups: Cedar Park Neighbours …ExMQ (Y2FwaV9ncm91cDoxOjExMTExMQ), \
             cedar park neighbours …IyMQ (Y2FwaV9ncm91cDoxOjIyMjIyMQ); give the id, or the name with \
             its id ending, e.g. \"Cedar Park Neighbours …ExMQ\" (type ... for …)"
        );
        // As the example says: the name with its id ending, typed with `...` or `…`.
        for typed in [
            "Cedar Park Neighbours ...ExMQ",
            "Cedar Park Neighbours …ExMQ",
        ] {
            assert_eq!(
                names().resolve(typed),
                Ok("Y2FwaV9ncm91cDoxOjExMTExMQ".into()),
                "{typed}"
            );
        }
    }

    #[test]
    fn a_misspelled_subject_offers_the_closest_and_is_never_taken_for_an_id() {
        let n = names();
        // One word, so it could be an id: a few edits from a subject, it is refused.
        let err = n.resolve("Bookclub").expect_err("a typo, not a new group");
        assert_eq!(
            err.to_string(),
            "no group of the mirror has the subject or id \"Bookclub\": did you mean \"Book Club\"? (`groups export` lists the groups; `groups sync` reads new ones)"
        );
        // A shared subject: each of its groups by its label; gone groups are not offered.
        let err = n.resolve("Cedar Park Neighbors").expect_err("typo");
        let GroupRefError::Unknown { meant, .. } = &err else {
            panic!("{err:?}");
        };
        let mut meant = meant.clone();
        meant.sort();
        assert_eq!(
            meant,
            ["Cedar Park Neighbours …ExMQ", "cedar park neighbours …IyMQ"]
        );
        assert!(err.to_string().contains(" or \""), "{err}");
        let err = n
            .resolve("neighbours")
            .expect_err("one word, part of a subject");
        assert!(err.to_string().contains("did you mean"), "{err}");
        let choir = GroupNames::new([("OLD1", "Choir", true)]);
        assert_eq!(
            choir.resolve("Chior"),
            Ok("Chior".into()),
            "no live group is near"
        );
        // Part of a subject, in words: every subject holding it.
        let err = n.resolve("Park Neighbours").expect_err("words");
        assert!(err.to_string().contains("did you mean"), "{err}");
        // Ids nowhere near a subject stay ids the mirror does not know yet.
        assert_eq!(n.resolve("Z3JwXzAwMQ"), Ok("Z3JwXzAwMQ".into()));
    }

    #[test]
    fn text_that_is_neither_a_subject_nor_an_id_says_both() {
        let err = names().resolve("Nowhere Club").expect_err("unknown");
        assert!(matches!(err, GroupRefError::Unknown { .. }));
        let text = err.to_string();
        assert_eq!(
            text,
            "no group of the mirror has the subject \"Nowhere Club\", nor is it a group id (`groups export` lists the groups; `groups sync` reads new ones)"
        );
        assert_eq!(
            names().resolve("Book Clb").expect_err("typo").to_string(),
            "no group of the mirror has the subject \"Book Clb\", nor is it a group id: did you mean \"Book Club\"? (`groups export` lists the groups; `groups sync` reads new ones)"
        );
        let text = names().resolve("a/b").expect_err("no id").to_string();
        assert!(
            text.contains("`a/b` is not a group id: it has `/`"),
            "{text}"
        );
        assert!(names().resolve("  ").is_err());
        assert!(names().resolve("..").is_err());
    }
}
