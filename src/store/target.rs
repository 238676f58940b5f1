//! Target membership ("sync"): the full wanted member list of some groups, and its difference
//! from the mirror as the adds and removes that would make the mirror match. People are
//! matched as everywhere ([`Members`]): one person in two of WhatsApp's forms of a number, or
//! by phone and by BSUID, is no change.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{MirrorGroup, OpId, Operation};
use crate::domain::{Members, Membership, OpSpec, OperationKind, Person};

/// The wanted members of each listed group. A listed group with no members is wanted empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetMembership {
    groups: BTreeMap<String, Members>,
}

impl TargetMembership {
    /// Lists a group (wanted empty until members are added).
    pub fn add_group(&mut self, group_id: &str) {
        self.groups.entry(group_id.to_owned()).or_default();
    }

    /// Wants `person` in `group_id` (once, however often or in whatever form they are listed).
    pub fn add_member(&mut self, group_id: &str, person: Person) {
        self.groups
            .entry(group_id.to_owned())
            .or_default()
            .insert(person);
    }

    /// The listed groups and their wanted members, by group id.
    pub fn groups(&self) -> impl Iterator<Item = (&str, &Members)> {
        self.groups
            .iter()
            .map(|(id, members)| (id.as_str(), members))
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The adds and removes that would make each listed group's mirrored membership equal the
    /// target; `mirror(id)` is the mirror's group (`None` when unknown). Pending operations
    /// are not counted: the queue rules sort out overlaps. Nobody is added or removed on a
    /// guess: a wanted person the mirror cannot tell from a member shown otherwise (a phone
    /// against a member shown by BSUID alone), and such a member, are left `unsure`.
    pub fn diff(&self, mirror: impl Fn(&str) -> Option<MirrorGroup>) -> TargetDiff {
        let mut diff = TargetDiff::default();
        for (group_id, wanted) in self.groups() {
            let Some(group) = mirror(group_id).filter(|g| g.gone_at.is_none()) else {
                diff.unknown_groups.push(group_id.to_owned());
                continue;
            };
            let current = Members::of(&group.members);
            let entry = |person: &Person| (group_id.to_owned(), person.clone());
            for person in wanted.iter() {
                match current.find(person) {
                    Membership::In(_) => {}
                    Membership::Unknown => diff.unsure.push(entry(person)),
                    Membership::Out if person.phone().is_none() => {
                        diff.not_addable.push(entry(person));
                    }
                    Membership::Out => diff.adds.push(entry(person)),
                }
            }
            for member in current.iter() {
                match wanted.find(member) {
                    Membership::In(_) => {}
                    Membership::Unknown => diff.unsure.push(entry(member)),
                    Membership::Out => diff.removes.push(entry(member)),
                }
            }
        }
        diff
    }

    /// The pending changes to listed groups that would undo the target once sent: an add of
    /// someone the target does not want there, a removal of someone it does. A sync to a
    /// target withdraws them. Other kinds, and people it cannot match either way, are left.
    pub fn contradicted(
        &self,
        pending: impl IntoIterator<Item = Operation>,
    ) -> Vec<(OpId, OpSpec)> {
        pending
            .into_iter()
            .filter(|op| {
                let (Some(group), Some(person)) = (op.group(), op.spec.person()) else {
                    return false;
                };
                let Some(wanted) = self.groups.get(group) else {
                    return false;
                };
                matches!(
                    (op.spec.kind(), wanted.find(person)),
                    (OperationKind::Add, Membership::Out)
                        | (OperationKind::Remove, Membership::In(_))
                )
            })
            .map(|op| (op.id, op.spec))
            .collect()
    }
}

/// What it takes to go from the mirror to the target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TargetDiff {
    pub adds: Vec<(String, Person)>,
    pub removes: Vec<(String, Person)>,
    /// Wanted people who are not members and are known only by BSUID: participants are added
    /// by phone number, so they cannot be.
    pub not_addable: Vec<(String, Person)>,
    /// Wanted people and members the mirror cannot match either way (one is known only by a
    /// key the other is not known by): nothing is queued for them.
    pub unsure: Vec<(String, Person)>,
    /// Listed groups the mirror does not know, or knows as gone: nothing is guessed for them.
    pub unknown_groups: Vec<String>,
    /// Pending changes that would undo the target once sent
    /// ([`TargetMembership::contradicted`]): withdrawn from the queue with the sync.
    pub withdrawals: Vec<(OpId, OpSpec)>,
}

impl TargetDiff {
    /// The changes to queue, adds first.
    pub fn operations(&self) -> Vec<OpSpec> {
        let as_op = |kind: OperationKind| {
            move |(group, person): &(String, Person)| {
                OpSpec::for_person(kind, group.clone(), person.clone()).ok()
            }
        };
        self.adds
            .iter()
            .filter_map(as_op(OperationKind::Add))
            .chain(self.removes.iter().filter_map(as_op(OperationKind::Remove)))
            .collect()
    }

    /// Nothing to change, and no group or person left undecided.
    pub fn is_empty(&self) -> bool {
        self.adds.is_empty()
            && self.removes.is_empty()
            && self.not_addable.is_empty()
            && self.unsure.is_empty()
            && self.unknown_groups.is_empty()
            && self.withdrawals.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::domain::{Participant, UserId};
    use crate::store::testing::person as phone;

    fn person(n: u32) -> Person {
        phone(n).into()
    }

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

    fn with(id: &str, members: Vec<Person>) -> MirrorGroup {
        MirrorGroup {
            member_count: members.len() as u32,
            members,
            ..group(id, &[], false)
        }
    }

    fn by_wa_id(wa_id: &str) -> Person {
        Participant::from_wa_id(wa_id).expect("wa_id").into()
    }

    #[test]
    fn a_member_held_in_one_form_and_listed_in_the_other_is_no_change() {
        let g = with(
            "g",
            vec![by_wa_id("5215512345678"), by_wa_id("551187654321")],
        );
        let mut target = TargetMembership::default();
        target.add_member("g", by_wa_id("525512345678"));
        target.add_member("g", by_wa_id("5511987654321"));
        assert!(target.diff(|_| Some(g.clone())).is_empty());
    }

    #[test]
    fn bsuids_match_members_and_nothing_is_done_on_a_guess() {
        let bsuid = |id: &str| Person::by_user_id(UserId::parse(id).expect("bsuid"));
        let known = Person::known(Some(phone(1)), UserId::parse("US.1").ok()).expect("known");
        let hidden = bsuid("US.2").with_username(Some("ana.k".into()));
        let g = with("g", vec![known, hidden.clone()]);
        let mut target = TargetMembership::default();
        target.add_member("g", bsuid("US.1"));
        target.add_member("g", bsuid("US.2"));
        assert!(
            target.diff(|_| Some(g.clone())).is_empty(),
            "both kept, by BSUID"
        );

        let mut target = TargetMembership::default();
        target.add_member("g", person(1));
        target.add_member("g", person(3));
        target.add_member("g", bsuid("US.9"));
        let diff = target.diff(|_| Some(g.clone()));
        assert_eq!(diff.not_addable, vec![("g".to_owned(), bsuid("US.9"))]);
        assert!(diff.adds.is_empty() && diff.removes.is_empty(), "{diff:?}");
        assert_eq!(
            diff.unsure,
            vec![("g".to_owned(), person(3)), ("g".to_owned(), hidden)],
            "+3 may be the member shown only by BSUID"
        );
        assert!(diff.operations().is_empty());
    }

    /// A group wanted empty with an add pending, and a wanted member with a removal pending:
    /// both pending changes would undo the target, so they are to be withdrawn; a pending add
    /// of someone wanted, and changes to groups not listed, are left.
    #[test]
    fn pending_changes_that_would_undo_the_target_are_withdrawn() {
        use crate::domain::OperationState::Pending;
        use crate::testing::{add, operation, remove};
        let mut target = TargetMembership::default();
        target.add_group("empty");
        target.add_member("g", person(1));
        target.add_member("g", person(2));
        let pending = vec![
            operation(1, add("empty", 7), Pending),
            operation(2, remove("g", 1), Pending),
            operation(3, add("g", 2), Pending),
            operation(4, add("other", 9), Pending),
            operation(5, add("g", 8), Pending),
        ];
        let withdrawn: Vec<i64> = target
            .contradicted(pending)
            .into_iter()
            .map(|(id, _)| id.0)
            .collect();
        assert_eq!(withdrawn, [1, 2, 5]);
    }
}
