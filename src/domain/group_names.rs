//! Groups as the operator names them: by subject, made distinct by the end of the id where
//! another group shares the subject (`Cedar Park Neighbours …Xk3Q`). Every screen, dialog,
//! log line and command names groups through [`GroupNames::label`]; a name typed back is
//! resolved in [`super::group_ref`].

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

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
    pub(super) groups: Vec<Named>,
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
    pub(super) by_label: HashMap<String, Arc<str>>,
    /// Bytes of the shortest id the mirror has (0 when it has none): a text shorter
    /// than every id it knows is not taken as the id of a group it has not read.
    pub(super) shortest_id: usize,
}

/// One group's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Named {
    pub(super) id: Arc<str>,
    /// As the server gave it, made safe for a terminal (shared with whoever lists the group).
    subject: Arc<str>,
    /// Characters of the id's end its label shows; 0 when its subject is its own.
    suffix: u32,
    pub(super) gone: bool,
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

/// The key subjects are compared by: trimmed, in lower case.
pub(super) fn key(subject: &str) -> String {
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
        names.shortest_id = names.groups.iter().map(|g| g.id.len()).min().unwrap_or(0);
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
    pub(super) fn key_at(&self, pos: u32) -> String {
        key(self.key_text(pos))
    }

    fn id_at(&self, pos: u32) -> Arc<str> {
        Arc::clone(&self.groups[pos as usize].id)
    }

    /// The positions of the groups whose subject key is `wanted` (a key), in the order given.
    pub(super) fn of_subject<'a>(&'a self, wanted: &'a str) -> impl Iterator<Item = u32> + 'a {
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
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Groups with shared, blank, unsafe and gone subjects, for the naming and resolving tests.
    pub(crate) fn names() -> GroupNames {
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
}
