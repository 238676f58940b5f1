//! Target membership ("sync"): the full wanted member list of some groups, and its difference
//! from the mirror as the adds and removes that would make the mirror match.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::MirrorGroup;
use crate::domain::{OpSpec, OperationKind, Participant};

/// The wanted members of each listed group. A listed group with no members is wanted empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetMembership {
    groups: BTreeMap<String, BTreeSet<Participant>>,
}

impl TargetMembership {
    /// Lists a group (wanted empty until members are added).
    pub fn add_group(&mut self, group_id: &str) {
        self.groups.entry(group_id.to_owned()).or_default();
    }

    /// Wants `participant` in `group_id`.
    pub fn add_member(&mut self, group_id: &str, participant: Participant) {
        self.groups
            .entry(group_id.to_owned())
            .or_default()
            .insert(participant);
    }

    /// The listed groups and their wanted members, by group id.
    pub fn groups(&self) -> impl Iterator<Item = (&str, &BTreeSet<Participant>)> {
        self.groups
            .iter()
            .map(|(id, members)| (id.as_str(), members))
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The adds and removes that would make each listed group's mirrored membership equal the
    /// target; `mirror(id)` is the mirror's group (`None` when unknown). Pending operations
    /// are not counted: the queue rules sort out overlaps.
    pub fn diff(&self, mirror: impl Fn(&str) -> Option<MirrorGroup>) -> TargetDiff {
        let mut diff = TargetDiff::default();
        for (group_id, wanted) in self.groups() {
            let Some(group) = mirror(group_id).filter(|g| g.gone_at.is_none()) else {
                diff.unknown_groups.push(group_id.to_owned());
                continue;
            };
            let current: BTreeSet<Participant> = group.members.into_iter().collect();
            for person in wanted.difference(&current) {
                diff.adds.push((group_id.to_owned(), person.clone()));
            }
            for person in current.difference(wanted) {
                diff.removes.push((group_id.to_owned(), person.clone()));
            }
        }
        diff
    }
}

/// What it takes to go from the mirror to the target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetDiff {
    pub adds: Vec<(String, Participant)>,
    pub removes: Vec<(String, Participant)>,
    /// Listed groups the mirror does not know, or knows as gone: nothing is guessed for them.
    pub unknown_groups: Vec<String>,
}

impl TargetDiff {
    /// The changes to queue, adds first.
    pub fn operations(&self) -> Vec<OpSpec> {
        let as_op = |kind: OperationKind| {
            move |(group, participant): &(String, Participant)| {
                OpSpec::for_participant(kind, group.clone(), participant.clone())
            }
        };
        self.adds
            .iter()
            .map(as_op(OperationKind::Add))
            .chain(self.removes.iter().map(as_op(OperationKind::Remove)))
            .collect()
    }

    /// Nothing to change, and no group left unknown.
    pub fn is_empty(&self) -> bool {
        self.adds.is_empty() && self.removes.is_empty() && self.unknown_groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::store::testing::person;

    fn group(id: &str, members: &[u32], gone: bool) -> MirrorGroup {
        MirrorGroup {
            id: id.into(),
            subject: id.into(),
            members: members.iter().map(|n| person(*n)).collect(),
            member_count: members.len() as u32,
            read_at: 1,
            gone_at: gone.then_some(2),
            about: Default::default(),
        }
    }

    #[test]
    fn the_diff_is_what_makes_the_mirror_match() {
        let mirror: HashMap<&str, MirrorGroup> = [
            ("g1", group("g1", &[1, 2, 3], false)),
            ("g2", group("g2", &[4], false)),
            ("gone", group("gone", &[5], true)),
        ]
        .into();
        let mut target = TargetMembership::default();
        for n in [2, 3, 6] {
            target.add_member("g1", person(n));
        }
        target.add_group("g2");
        target.add_member("gone", person(5));
        target.add_member("new", person(7));

        let diff = target.diff(|id| mirror.get(id).cloned());
        assert_eq!(diff.adds, vec![("g1".to_owned(), person(6))]);
        assert_eq!(
            diff.removes,
            vec![("g1".to_owned(), person(1)), ("g2".to_owned(), person(4))]
        );
        assert_eq!(
            diff.unknown_groups,
            vec!["gone".to_owned(), "new".to_owned()]
        );
        assert_eq!(diff.operations().len(), 3);
        assert_eq!(diff.operations()[0].kind(), OperationKind::Add);
    }

    #[test]
    fn a_target_equal_to_the_mirror_changes_nothing() {
        let g = group("g", &[1, 2], false);
        let mut target = TargetMembership::default();
        target.add_member("g", person(2));
        target.add_member("g", person(1));
        assert!(target.diff(|_| Some(g.clone())).is_empty());
    }
}
