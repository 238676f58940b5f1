//! The queue's rules, pure: who a new change is about as the mirror knows them, what it does to
//! the open ones (duplicate, replace, or a new row), and which changes deserve a flag. Every
//! store backend applies these.

use super::plan::{approvals_over_capacity, over_capacity};
use super::{MAX_GROUP_MEMBERS, Members, Membership, OpId, OpSpec, OperationKind};

/// What the mirror knows of a group, as far as the queue rules need it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupFacts {
    /// A complete group list no longer showed it.
    pub gone: bool,
    /// The server's member count (may differ from `members.len()`).
    pub member_count: u32,
    pub members: Members,
    /// Pending adds of people not yet members, and pending removals of members: what the
    /// group will be once the queue is sent.
    pub pending_adds: usize,
    pub pending_removes: usize,
    /// Pending approvals of join requests: each makes a member once sent.
    pub pending_approvals: usize,
    /// Suspended by WhatsApp, as last read: every change but a read fails (131207).
    pub suspended: bool,
}

impl GroupFacts {
    /// Takes account of a change now pending (`+1`) or no longer pending (`-1`).
    pub fn count(&mut self, spec: &OpSpec, by: isize) {
        if spec.kind() == OperationKind::Approve {
            self.pending_approvals = self.pending_approvals.saturating_add_signed(by);
        }
        let Some(person) = spec.person() else {
            return;
        };
        let member = self.members.find(person).is_in();
        match spec.kind() {
            OperationKind::Add if !member => {
                self.pending_adds = self.pending_adds.saturating_add_signed(by);
            }
            OperationKind::Remove if member => {
                self.pending_removes = self.pending_removes.saturating_add_signed(by);
            }
            _ => {}
        }
    }
}

/// The flag of any change of a group suspended by WhatsApp.
pub const SUSPENDED: &str =
    "the group is suspended by WhatsApp: it fails (131207) until the suspension is lifted";

/// The flag of a removal of someone known without a phone.
pub const BSUID_ONLY_REMOVAL: &str =
    "known only by BSUID: once removed, they can be added back only by phone number";

/// What queueing a change does, given the open change that holds its slot (if any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Nothing open in its slot: a new pending row.
    Insert,
    /// The same change is already pending: nothing stored.
    Duplicate(OpId),
    /// Another change is pending in the slot (an add where a removal was, or the reverse):
    /// the later wins, so that one is withdrawn and this one stored.
    Replace(OpId),
    /// The opposite change is pending, and the mirror shows the group already as this one
    /// asks (an add of a member, a removal of someone not a member): the two cancel out, so
    /// the pending one is withdrawn and nothing is stored.
    Cancel(OpId),
}

/// The change as queued: about the person as the mirror's group lists them, when it lists
/// them (the same person by a strong key): what the operator gave is kept, and the member's
/// other keys and username complete it. So a removal named by BSUID of a member known by
/// phone holds the same slot as one named by the phone, and lists show the username.
pub fn resolve(new: OpSpec, facts: Option<&GroupFacts>) -> OpSpec {
    let member = match (facts, new.person()) {
        (Some(facts), Some(person)) => match facts.members.find(person) {
            Membership::In(member) => Some(member.clone()),
            Membership::Out | Membership::Unknown => None,
        },
        _ => None,
    };
    match member {
        Some(member) => new.completed_by(&member),
        None => new,
    }
}

/// The rule for one new change against the open change in its slot, given what the mirror
/// knows of the group.
pub fn decide(open: Option<(OpId, &OpSpec)>, new: &OpSpec, facts: Option<&GroupFacts>) -> Decision {
    match open {
        None => Decision::Insert,
        Some((id, spec)) if spec.same_change(new) => Decision::Duplicate(id),
        Some((id, _)) if already_so(new, facts) => Decision::Cancel(id),
        Some((id, _)) => Decision::Replace(id),
    }
}

/// Whether the mirror shows the group already as `new` asks: an add of someone it lists, a
/// removal of someone it surely does not (a list read whole).
fn already_so(new: &OpSpec, facts: Option<&GroupFacts>) -> bool {
    let (Some(facts), Some(person)) = (facts, new.person()) else {
        return false;
    };
    let membership = facts.members.find(person);
    match new.kind() {
        OperationKind::Add => membership.is_in(),
        OperationKind::Remove => membership.is_out(),
        _ => false,
    }
}

/// Why a change deserves a second look, if it does: a change to a group the mirror shows gone,
/// an add of a member, an add that cannot fit (the members now, less the removals pending,
/// plus the adds pending before it: `would be 9 of 8 members: 0 now, 8 add(s) already
/// pending`), a removal of someone surely not a member, or a number WhatsApp may know in another
/// form; an approval that cannot fit (the members now plus the approvals pending before it,
/// as a submit plans them: it is held back). The change is stored all the same; the flag goes
/// with it.
pub fn flag(new: &OpSpec, facts: Option<&GroupFacts>) -> Option<String> {
    let mut reasons: Vec<String> = Vec::new();
    // Approvals are sent after the group's adds and removals: those pending count first.
    if let Some(facts) = facts
        && new.kind() == OperationKind::Approve
    {
        let changes = facts.pending_adds as isize - facts.pending_removes as isize;
        let after = (facts.member_count as usize).saturating_add_signed(changes);
        if after + facts.pending_approvals >= MAX_GROUP_MEMBERS {
            reasons.push(approval_over_capacity(
                facts.member_count as usize,
                changes,
                facts.pending_approvals,
            ));
        }
    }
    // Whatever the kind: nothing can change a deleted group, or a suspended one.
    if facts.is_some_and(|f| f.gone) {
        reasons.push("the group is gone from the mirror".into());
    } else if facts.is_some_and(|f| f.suspended) {
        reasons.push(SUSPENDED.into());
    }
    if let (Some(facts), Some(person)) = (facts, new.person()) {
        let membership = facts.members.find(person);
        match new.kind() {
            OperationKind::Add if membership.is_in() => {
                reasons.push("already a member".into());
            }
            OperationKind::Add
                if (facts.member_count as usize + facts.pending_adds)
                    .saturating_sub(facts.pending_removes)
                    >= MAX_GROUP_MEMBERS =>
            {
                reasons.push(over_capacity(
                    facts.member_count as usize,
                    facts.pending_removes,
                    facts.pending_adds,
                    "pending",
                ));
            }
            OperationKind::Remove if membership.is_out() => {
                reasons.push("not a member in the mirror".into());
            }
            _ => {}
        }
    }
    // An add takes a phone number: no undo brings back someone removed by BSUID alone.
    if new.kind() == OperationKind::Remove && new.person().is_some_and(|p| p.phone().is_none()) {
        reasons.push(BSUID_ONLY_REMOVAL.into());
    }
    if let Some(warning) = new
        .person()
        .and_then(|p| p.phone())
        .and_then(|p| p.ambiguity())
    {
        reasons.push(warning.into());
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// `would be 9 of 8 members: 8 now, 1 approval(s) already pending; held back until the group
/// has room`.
fn approval_over_capacity(now: usize, changes: isize, approvals_before: usize) -> String {
    let reason =
        approvals_over_capacity(now, changes, "pending", approvals_before, "already pending");
    format!("{reason}; held back until the group has room")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Participant;

    use crate::testing::person as p;

    fn add(n: u32) -> OpSpec {
        crate::testing::add("g", n)
    }

    #[test]
    fn the_same_change_is_a_duplicate_and_the_opposite_replaces() {
        let a = add(1);
        let r = a.reverse().expect("reverse");
        assert_eq!(decide(None, &a, None), Decision::Insert);
        assert_eq!(
            decide(Some((OpId(4), &a)), &a, None),
            Decision::Duplicate(OpId(4))
        );
        assert_eq!(
            decide(Some((OpId(4), &a)), &r, None),
            Decision::Replace(OpId(4))
        );
    }

    #[test]
    fn the_opposite_of_a_pending_change_cancels_it_where_the_group_already_is_so() {
        let member = GroupFacts {
            member_count: 1,
            members: Members::of(&[p(1).into()]),
            ..GroupFacts::default()
        };
        let (add1, remove1) = (add(1), crate::testing::remove("g", 1));
        let (add2, remove2) = (add(2), crate::testing::remove("g", 2));
        // A removal queued over a pending add of someone not a member: both go.
        assert_eq!(
            decide(Some((OpId(4), &add2)), &remove2, Some(&member)),
            Decision::Cancel(OpId(4))
        );
        // An add queued over a pending removal of a member: both go.
        assert_eq!(
            decide(Some((OpId(4), &remove1)), &add1, Some(&member)),
            Decision::Cancel(OpId(4))
        );
        // Where the group is not so already, the later change wins.
        assert_eq!(
            decide(Some((OpId(4), &remove2)), &add2, Some(&member)),
            Decision::Replace(OpId(4))
        );
        assert_eq!(
            decide(Some((OpId(4), &add1)), &remove1, Some(&member)),
            Decision::Replace(OpId(4))
        );
        // A group the mirror does not know: the later wins.
        assert_eq!(
            decide(Some((OpId(4), &add2)), &remove2, None),
            Decision::Replace(OpId(4))
        );
    }

    #[test]
    fn doubtful_changes_are_flagged_with_every_reason() {
        let full = GroupFacts {
            member_count: 8,
            members: Members::of(&(1..=8).map(|n| p(n).into()).collect::<Vec<_>>()),
            ..GroupFacts::default()
        };
        assert_eq!(
            flag(&add(9), Some(&full)).as_deref(),
            Some("would be 9 of 8 members: 8 now")
        );
        assert!(flag(&add(1), Some(&full)).is_some_and(|f| f.contains("already a member")));
        let remove = add(20).reverse().expect("reverse");
        assert!(flag(&remove, Some(&full)).is_some_and(|f| f.contains("not a member")));
        let gone = GroupFacts {
            gone: true,
            ..GroupFacts::default()
        };
        assert!(flag(&add(1), Some(&gone)).is_some_and(|f| f.contains("gone")));
        // Every kind, not only those that name a person.
        let reset = OpSpec::ResetLink { group: "g".into() };
        assert_eq!(
            flag(&reset, Some(&gone)).as_deref(),
            Some("the group is gone from the mirror")
        );
        // A suspended group: every change fails until the suspension is lifted.
        let suspended = GroupFacts {
            suspended: true,
            ..GroupFacts::default()
        };
        assert_eq!(flag(&reset, Some(&suspended)).as_deref(), Some(SUSPENDED));
        assert!(flag(&add(1), Some(&suspended)).is_some_and(|f| f.starts_with(SUSPENDED)));
        assert_eq!(flag(&add(1), None), None, "an unknown group is not judged");
        // Approvals count as the submit plans them: the members now, then the approvals
        // pending before this one.
        let approve = |id: &str| OpSpec::Approve {
            group: "g".into(),
            request: crate::domain::group::JoinRequestRef {
                id: id.into(),
                person: None,
            },
        };
        assert_eq!(
            flag(&approve("r1"), Some(&full)).as_deref(),
            Some("would be 9 of 8 members: 8 now; held back until the group has room")
        );
        let mut seven = GroupFacts {
            member_count: 7,
            ..GroupFacts::default()
        };
        assert_eq!(flag(&approve("r1"), Some(&seven)), None);
        // A pending removal makes room for it in a full group; a pending add takes room.
        let mut making_room = full.clone();
        making_room.count(&crate::testing::remove("g", 1), 1);
        assert_eq!(flag(&approve("r1"), Some(&making_room)), None);
        let mut filling = seven.clone();
        filling.count(&add(30), 1);
        assert_eq!(
            flag(&approve("r1"), Some(&filling)).as_deref(),
            Some(
                "would be 9 of 8 members: 7 now, 1 add(s) pending; held back until the group has room"
            )
        );
        seven.count(&approve("r1"), 1);
        assert_eq!(
            flag(&approve("r2"), Some(&seven)).as_deref(),
            Some(
                "would be 9 of 8 members: 7 now, 1 approval(s) already pending; \
                 held back until the group has room"
            )
        );
        // Empty, but eight adds already pending: the ninth is said not to fit.
        let mut planned = GroupFacts::default();
        for n in 10..18 {
            assert_eq!(flag(&add(n), Some(&planned)), None, "{n} fits");
            planned.count(&add(n), 1);
        }
        assert_eq!(
            flag(&add(30), Some(&planned)).as_deref(),
            Some("would be 9 of 8 members: 0 now, 8 add(s) already pending")
        );
        planned.count(&add(10), -1);
        assert_eq!(
            flag(&add(30), Some(&planned)),
            None,
            "one withdrawn: room again"
        );
        // Someone known only by BSUID: a removal warns that no undo brings them back.
        let by_bsuid = OpSpec::for_person(
            OperationKind::Remove,
            "g",
            crate::domain::Person::by_user_id(
                crate::domain::UserId::parse("US.13491208655302741918").expect("bsuid"),
            ),
        )
        .expect("spec");
        assert_eq!(flag(&by_bsuid, None).as_deref(), Some(BSUID_ONLY_REMOVAL));
        assert_eq!(flag(&add(1).reverse().expect("reverse"), None), None);
        let old_br = Participant::from_wa_id("551187654321").expect("wa_id");
        let spec = OpSpec::for_participant(OperationKind::Add, "g", old_br);
        assert!(flag(&spec, None).is_some_and(|f| f.contains("ninth digit")));
    }

    #[test]
    fn a_change_is_about_the_member_the_mirror_knows() {
        use crate::domain::{Person, UserId};
        let member = Person::known(Some(p(1)), UserId::parse("US.1").ok())
            .expect("known")
            .with_username(Some("ana.k".into()));
        let hidden = Person::by_user_id(UserId::parse("US.2").expect("bsuid"))
            .with_username(Some("bo_b".into()));
        let facts = GroupFacts {
            gone: false,
            member_count: 2,
            members: Members::of(&[member.clone(), hidden.clone()]),
            ..GroupFacts::default()
        };
        let by_bsuid = OpSpec::for_person(
            OperationKind::Remove,
            "g",
            Person::by_user_id(UserId::parse("US.1").expect("bsuid")),
        )
        .expect("spec");
        let resolved = resolve(by_bsuid, Some(&facts));
        assert_eq!(resolved.person(), Some(&member));
        assert_eq!(
            resolved.slot(),
            crate::testing::remove("g", 1).slot(),
            "the same slot as the removal by phone"
        );
        assert_eq!(flag(&resolved, Some(&facts)), None);
        // Someone the mirror does not list stays as given; a phone against a member shown by
        // BSUID alone is not called a non-member.
        let stranger = crate::testing::remove("g", 9);
        assert_eq!(resolve(stranger.clone(), Some(&facts)), stranger);
        assert_eq!(flag(&stranger, Some(&facts)), None);
        let gone_by_bsuid = OpSpec::for_person(
            OperationKind::Remove,
            "g",
            Person::by_user_id(UserId::parse("US.3").expect("bsuid")),
        )
        .expect("spec");
        assert!(flag(&gone_by_bsuid, Some(&facts)).is_some_and(|f| f.contains("not a member")));
    }

    #[test]
    fn one_person_written_in_another_form_is_the_same_change() {
        let old = OpSpec::for_participant(
            OperationKind::Remove,
            "g",
            Participant::from_wa_id("5215512345678").expect("wa_id"),
        );
        let new = OpSpec::for_participant(
            OperationKind::Remove,
            "g",
            Participant::from_wa_id("525512345678").expect("wa_id"),
        );
        assert_eq!(
            decide(Some((OpId(3), &old)), &new, None),
            Decision::Duplicate(OpId(3))
        );
    }
}
