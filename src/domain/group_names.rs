//! Groups as the operator names them: by subject, made distinct by the end of the id where
//! another group shares the subject (`Cedar Park Neighbours …Xk3Q`), and found again from a
//! subject typed where an id is taken (a unique one; an ambiguous one lists the candidates).
//! Every screen, dialog, log line and command names groups through [`GroupNames::label`].

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::group_id::{self, GroupIdError};
use super::id_endings::{distinct_suffix, ending};
use super::text::sanitize;

pub use super::id_endings::{MIN_SUFFIX, distinct_endings};

/// What a group without a subject is called.
const NO_SUBJECT: &str = "(no subject)";

/// The groups the mirror knows, by id and by subject.
///
/// Memory (a mirror may name 100,000 groups): one entry a group, in the order given, and two
/// orders of positions into them (by id, by subject) in place of maps; the rare texts that
/// differ from the subject as given are kept apart, by position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupNames {
    /// Each group, at the position it was given in.
    groups: Vec<Named>,
    /// Positions in `groups`, in the order of their ids.
    by_id: Vec<u32>,
    /// Positions in `groups`, in the order of their subjects ([`fold`]), then as given.
    by_subject: Vec<u32>,
    /// By position, the subject as shown where it is not the subject as given (spaces around,
    /// none at all, a character made safe differently once trimmed).
    shown: Vec<(u32, Box<str>)>,
    /// By position, the key of the subject as the server gave it where making it safe
    /// changed it (a control character in a subject).
    raw_keys: Vec<(u32, Box<str>)>,
    /// The label key of each group whose label carries an ending, to its id.
    by_label: HashMap<String, Arc<str>>,
    /// Characters of the shortest id the mirror has (0 when it has none): a text shorter
    /// than every id it knows is not taken as the id of a group it has not read.
    shortest_id: usize,
}

/// One group's name.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Named {
    id: Arc<str>,
    /// As the server gave it, made safe for a terminal (shared with whoever lists the group).
    subject: Arc<str>,
    /// Characters of the id's end its label shows; 0 when its subject is its own.
    suffix: u32,
    gone: bool,
}

/// The text at `pos` of a side list kept by position.
fn apart(list: &[(u32, Box<str>)], pos: u32) -> Option<&str> {
    list.binary_search_by_key(&pos, |(p, _)| *p)
        .ok()
        .map(|i| &*list[i].1)
}

/// The order subjects are kept in: [`key`] char by char, with the final sigma taken as a
/// sigma. Texts of one key are always equal in it (the key only tells a final sigma apart),
/// and it is computed without allocating.
fn fold(text: &str) -> impl Iterator<Item = char> + '_ {
    text.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ς' { 'σ' } else { c })
}

/// A group's name in two parts: the subject (safe for a terminal) and, when another group
/// shares it, the end of the id that tells them apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub subject: String,
    pub suffix: Option<String>,
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.suffix {
            Some(end) => write!(f, "{} …{end}", self.subject),
            None => f.write_str(&self.subject),
        }
    }
}

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

/// The key subjects are compared by: trimmed, in lower case.
/// A label as typed on a keyboard, as [`GroupNames::label`] writes it: `...` for the `…`
/// before the id's ending, spaces around it as they come (`Yoga...A1234` is `Yoga …A1234`).
fn typed_label(text: &str) -> Option<String> {
    let (subject, end) = text.rsplit_once("...").or_else(|| text.rsplit_once('…'))?;
    Some(format!("{} …{}", subject.trim(), end.trim()))
}

fn key(subject: &str) -> String {
    subject.trim().to_lowercase()
}

impl GroupNames {
    /// From the mirror's groups: `(id, subject, gone)`. Each keeps the position it is given
    /// at ([`GroupNames::position`]).
    pub fn new<I, S, T>(groups: I) -> GroupNames
    where
        I: IntoIterator<Item = (S, T, bool)>,
        S: Into<Arc<str>>,
        T: AsRef<str>,
    {
        let mut names = GroupNames::default();
        for (id, subject, gone) in groups {
            let pos = names.groups.len() as u32;
            let raw = subject.as_ref();
            let given = sanitize(raw);
            if given != raw {
                names.raw_keys.push((pos, key(raw).into_boxed_str()));
            }
            let shown = match sanitize(raw.trim()) {
                s if s.is_empty() => NO_SUBJECT.to_owned(),
                s => s,
            };
            if shown != given {
                names.shown.push((pos, shown.into_boxed_str()));
            }
            names.groups.push(Named {
                id: id.into(),
                subject: Arc::from(given),
                suffix: 0,
                gone,
            });
        }
        names.groups.shrink_to_fit();
        names.shortest_id = names
            .groups
            .iter()
            .map(|g| g.id.chars().count())
            .min()
            .unwrap_or(0);
        names.shown.shrink_to_fit();
        names.raw_keys.shrink_to_fit();
        let all = 0..names.groups.len() as u32;
        let mut by_id: Vec<u32> = all.clone().collect();
        let groups = &names.groups;
        by_id.sort_unstable_by(|a, b| groups[*a as usize].id.cmp(&groups[*b as usize].id));
        names.by_id = by_id;
        // Stable: one subject's groups stay in the order given. A list in the store's order
        // (by subject) is in this order already, and is sorted in one pass.
        let mut by_subject: Vec<u32> = all.collect();
        by_subject.sort_by(|a, b| names.order(*a, *b));
        names.by_subject = by_subject;
        let mut sharing = Vec::new();
        for run in names
            .by_subject
            .chunk_by(|a, b| names.order(*a, *b).is_eq())
        {
            // One order, yet more than one key only where a final sigma tells them apart.
            let mut left: Vec<u32> = run.to_vec();
            while let Some(first) = left.first().copied() {
                let wanted = names.key_at(first);
                let (same, other): (Vec<u32>, Vec<u32>) =
                    left.iter().partition(|p| names.key_at(**p) == wanted);
                if same.len() > 1 || wanted.is_empty() {
                    sharing.push(same);
                }
                left = other;
            }
        }
        for same in sharing {
            let ids: Vec<Arc<str>> = same.iter().map(|p| names.id_at(*p)).collect();
            let n = distinct_suffix(&ids) as u32;
            for p in &same {
                names.groups[*p as usize].suffix = n;
            }
            for (p, id) in same.iter().zip(ids) {
                if let Some(label) = names.parts_at(*p as usize) {
                    names.by_label.insert(key(&label.to_string()), id);
                }
            }
        }
        names
    }

    /// The order of two positions by subject ([`fold`]).
    fn order(&self, a: u32, b: u32) -> Ordering {
        fold(self.key_text(a)).cmp(fold(self.key_text(b)))
    }

    /// The text a group's key is made from: the subject as given, or the key itself where
    /// making it safe changed it.
    fn key_text(&self, pos: u32) -> &str {
        apart(&self.raw_keys, pos).unwrap_or(&self.groups[pos as usize].subject)
    }

    /// A group's subject key ([`key`] of the subject as the server gave it).
    fn key_at(&self, pos: u32) -> String {
        key(self.key_text(pos))
    }

    fn id_at(&self, pos: u32) -> Arc<str> {
        Arc::clone(&self.groups[pos as usize].id)
    }

    /// The positions of the groups whose subject key is `wanted` (a key), in the order given.
    fn of_subject<'a>(&'a self, wanted: &'a str) -> impl Iterator<Item = u32> + 'a {
        let start = self
            .by_subject
            .partition_point(|p| fold(self.key_text(*p)).lt(fold(wanted)));
        self.by_subject[start..]
            .iter()
            .take_while(move |p| fold(self.key_text(**p)).eq(fold(wanted)))
            .filter(move |p| self.key_at(**p) == wanted)
            .copied()
    }

    /// Where the group was given to [`GroupNames::new`], if these names know it: a list
    /// made in the same order finds its row there.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id
            .binary_search_by(|p| (*self.groups[*p as usize].id).cmp(id))
            .ok()
            .map(|i| self.by_id[i] as usize)
    }

    /// The live groups whose subject is `subject` (in any case, spaces around aside).
    pub fn sharing(&self, subject: &str) -> Vec<&str> {
        self.of_subject(&key(subject))
            .map(|p| &self.groups[p as usize])
            .filter(|named| !named.gone)
            .map(|named| &*named.id)
            .collect()
    }

    /// Whether the mirror knows no group at all.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The id and subject (as [`GroupNames::subject`] gives it) of the group at `position`
    /// ([`GroupNames::position`]), to be shared rather than copied.
    pub fn shared_at(&self, position: usize) -> Option<(Arc<str>, Arc<str>)> {
        self.groups
            .get(position)
            .map(|named| (Arc::clone(&named.id), Arc::clone(&named.subject)))
    }

    /// The label in parts ([`GroupNames::parts`]) of the group at `position`.
    pub fn parts_at(&self, position: usize) -> Option<Label> {
        let named = self.groups.get(position)?;
        Some(Label {
            subject: apart(&self.shown, position as u32)
                .unwrap_or(&named.subject)
                .to_owned(),
            suffix: (named.suffix > 0).then(|| ending(&named.id, named.suffix as usize)),
        })
    }

    /// Whether the mirror knows the group.
    pub fn knows(&self, id: &str) -> bool {
        self.position(id).is_some()
    }

    /// The subject the mirror has for a group (made safe for a terminal), if it knows it.
    pub fn subject(&self, id: &str) -> Option<&str> {
        self.position(id).map(|p| &*self.groups[p].subject)
    }

    /// A group's name in parts; a group the mirror does not know is named by its id.
    pub fn parts(&self, id: &str) -> Label {
        self.position(id)
            .and_then(|p| self.parts_at(p))
            .unwrap_or_else(|| Label {
                subject: sanitize(id),
                suffix: None,
            })
    }

    /// The group as the operator reads it everywhere: its subject, with the end of its id when
    /// another group has the same subject (`Cedar Park Neighbours …Xk3Q`); its id when the
    /// mirror does not know it. Safe for a terminal.
    pub fn label(&self, id: &str) -> String {
        self.parts(id).to_string()
    }

    /// The group a change is for, as [`GroupNames::label`] names it; a create's group the
    /// mirror does not know (yet), or has none yet, by the subject the create asks for, never
    /// by its id.
    pub fn label_of(&self, spec: &super::OpSpec) -> String {
        match (spec, spec.group()) {
            (_, Some(g)) if self.knows(g) => self.label(g),
            (super::OpSpec::Create { new, .. }, _) => sanitize(&new.subject),
            (_, g) => self.label(g.unwrap_or_default()),
        }
    }

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
                let shorter = id.chars().count() < self.shortest_id;
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

    fn names() -> GroupNames {
        GroupNames::new([
            ("Y2FwaV9ncm91cDoxOjExMTExMQ", "Cedar Park Neighbours", false),
            (
                "Y2FwaV9ncm91cDoxOjIyMjIyMQ",
                "cedar park neighbours ",
                false,
            ),
            ("Y2FwaV9ncm91cDoxOjMzMzMzMw", "Book Club", false),
            ("OLD1", "Choir", true),
            ("NEW1", "Choir", false),
            ("E1", "", false),
            ("ESC", "a\u{1b}[2Jb", false),
        ])
    }

    #[test]
    fn a_shared_subject_gets_the_end_of_the_id_and_a_unique_one_stays_plain() {
        let n = names();
        assert_eq!(n.label("Y2FwaV9ncm91cDoxOjMzMzMzMw"), "Book Club");
        assert_eq!(
            n.label("Y2FwaV9ncm91cDoxOjExMTExMQ"),
            "Cedar Park Neighbours …ExMQ"
        );
        assert_eq!(
            n.label("Y2FwaV9ncm91cDoxOjIyMjIyMQ"),
            "cedar park neighbours …IyMQ"
        );
        // Ends alike for four characters: as many as tell them apart.
        let alike = GroupNames::new([("AAAA1234", "Yoga", false), ("BBBB1234", "Yoga", false)]);
        assert_eq!(alike.label("AAAA1234"), "Yoga …A1234");
        assert_eq!(alike.label("BBBB1234"), "Yoga …B1234");
        assert_eq!(n.label("OLD1"), "Choir …OLD1");
        assert_eq!(n.label("E1"), "(no subject) …E1");
        assert_eq!(n.label("ESC"), "a^[[2Jb");
        assert_eq!(n.label("unknown"), "unknown");
        assert_eq!(n.label("bad\u{1b}"), "bad^[");
    }

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
    fn a_create_is_named_by_its_subject_until_the_mirror_knows_its_group() {
        use crate::domain::{NewGroup, OpSpec};
        let create = |group: Option<&str>| OpSpec::Create {
            group: group.map(str::to_owned),
            new: NewGroup {
                subject: "Spring Cohort".into(),
                description: None,
                join_approval_mode: Default::default(),
            },
        };
        let n = names();
        assert_eq!(n.label_of(&create(None)), "Spring Cohort");
        assert_eq!(n.label_of(&create(Some("Z3JwXzAwMQ"))), "Spring Cohort");
        assert_eq!(
            n.label_of(&create(Some("Y2FwaV9ncm91cDoxOjMzMzMzMw"))),
            "Book Club",
            "the mirror's name once it has the group"
        );
        let delete = OpSpec::Delete {
            group: "Z3JwXzAwMQ".into(),
        };
        assert_eq!(n.label_of(&delete), "Z3JwXzAwMQ");
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
