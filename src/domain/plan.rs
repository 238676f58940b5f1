//! Batch planning of participant changes: pending adds and removals become requests of at
//! most 8 participants, one group and one kind each, checked against what the mirror knows of
//! each group (one person in any of their forms: see [`Members`]).

use std::collections::HashSet;

use super::{
    MAX_GROUP_MEMBERS, MAX_PARTICIPANTS_PER_REQUEST, Members, Membership, OpId, OpSpec,
    OperationKind, Person,
};

/// A pending operation, as planning needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingOp {
    pub id: OpId,
    pub spec: OpSpec,
}

/// One request to send: operations of one kind for one group (`None` for a change that makes
/// a group), at most the kind's batch size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedRequest {
    pub kind: OperationKind,
    pub group: Option<String>,
    pub ops: Vec<PendingOp>,
    /// The operations (by index in `ops`) sent as someone other than the person they name:
    /// a removal of a member goes as the member as the group lists them (the phone in the
    /// form the server knows, else the BSUID). Only those: the others are sent as they name
    /// them, and a plan of many thousands keeps no second copy of them.
    pub sent_as: Vec<(usize, Person)>,
}

impl PlannedRequest {
    /// A request carrying `ops`, each sent as the person it names.
    pub fn of(kind: OperationKind, group: Option<String>, ops: Vec<PendingOp>) -> PlannedRequest {
        PlannedRequest {
            kind,
            group,
            ops,
            sent_as: Vec::new(),
        }
    }

    /// The participants the request carries, as sent, in order: one for each operation that
    /// names a person.
    pub fn participants(&self) -> impl Iterator<Item = &Person> {
        self.ops.iter().enumerate().filter_map(|(i, op)| {
            self.sent_as
                .iter()
                .find(|(at, _)| *at == i)
                .map(|(_, member)| member)
                .or_else(|| op.spec.person())
        })
    }

    /// The group, or an empty text for a change that makes one.
    pub fn group_id(&self) -> &str {
        self.group.as_deref().unwrap_or("")
    }
}

/// An operation a plan does not send, with the change it asks and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leftover {
    pub id: OpId,
    pub spec: OpSpec,
    /// Why this change, read beside who and which group: `would be 10 of 8 members: 8 now, 1
    /// add(s) already planned`.
    pub reason: String,
    /// The cause it shares with the others left out for the same reason, by which a run's
    /// summary counts them (`the group has no room: 8 members at most`); `None` when the
    /// reason is the cause.
    pub cause: Option<String>,
}

impl Leftover {
    /// `op` left out of the plan, with `reason`.
    pub fn of(op: &PendingOp, reason: impl Into<String>) -> Leftover {
        Leftover::taking(op.clone(), reason)
    }

    /// [`Leftover::of`], taking the operation.
    pub fn taking(op: PendingOp, reason: impl Into<String>) -> Leftover {
        Leftover {
            id: op.id,
            spec: op.spec,
            reason: reason.into(),
            cause: None,
        }
    }

    /// `op` held back for want of room in its group, with its own `reason` (the size the
    /// group would reach with it): the cause is [`no_room`].
    pub fn no_room(op: PendingOp, reason: String) -> Leftover {
        Leftover {
            cause: Some(no_room()),
            ..Leftover::taking(op, reason)
        }
    }

    /// What it shares with the others left out for the same reason.
    pub fn cause(&self) -> &str {
        self.cause.as_deref().unwrap_or(&self.reason)
    }
}

/// The cause every change held back for want of room shares: `the group has no room: 8
/// members at most`.
pub fn no_room() -> String {
    format!("the group has no room: {MAX_GROUP_MEMBERS} members at most")
}

/// The plan: requests in sending order (per group, removals before additions), operations
/// held back (kept pending), operations with nothing to do (to be marked skipped) and
/// operations that fail unsent (their group is gone), each with the reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub requests: Vec<PlannedRequest>,
    pub held: Vec<Leftover>,
    pub skipped: Vec<Leftover>,
    /// Changes to a group that is gone ([`GONE_GROUP`]): they fail, and nothing is sent for
    /// them.
    pub failing: Vec<Leftover>,
    /// Changes an earlier run left in flight (`sending`, or `accepted` with no webhook seen):
    /// a run reads their groups first and sends one again only if the server does not show it
    /// ([`UNSETTLED_SENDING`], [`UNSETTLED_ACCEPTED`]). Filled by the preview; a run settles
    /// every one, whatever its scope.
    pub unsettled: Vec<Leftover>,
}

impl Plan {
    /// Every operation the plan accounts for.
    pub fn operation_count(&self) -> usize {
        self.requests.iter().map(|r| r.ops.len()).sum::<usize>()
            + self.held.len()
            + self.skipped.len()
            + self.failing.len()
            + self.unsettled.len()
    }

    /// Appends another plan (of other operations).
    pub fn extend(&mut self, other: Plan) {
        self.requests.extend(other.requests);
        self.held.extend(other.held);
        self.skipped.extend(other.skipped);
        self.failing.extend(other.failing);
        self.unsettled.extend(other.unsettled);
    }
}

/// Why a change left `sending` by an earlier run (stopped or crashed before its answer) is in
/// a plan: the run reads the group first, and sends it again only if it is not applied.
pub const UNSETTLED_SENDING: &str = "sent by an earlier run that stopped before the answer";

/// Why a change the server accepted, whose webhook never came, is in a plan: the run reads
/// the group to learn its outcome.
pub const UNSETTLED_ACCEPTED: &str = "accepted by the server, its webhook not seen";

/// Why a change to a group that is gone (deleted; the server answers 131041 for it) fails
/// without being sent. The preview, the submit and a retry say the same.
pub const GONE_GROUP: &str = "the group is gone from the server (deleted, or a wrong id)";

/// The one rule for changes to gone groups: those of `ops` whose group `gone` says is gone
/// fail ([`GONE_GROUP`]), the others are planned. Returns the failing and the rest, in order.
pub fn fail_in_gone_groups(
    mut ops: Vec<PendingOp>,
    gone: impl Fn(&str) -> bool,
) -> (Vec<Leftover>, Vec<PendingOp>) {
    // Taken out of the list in place: the rest keeps its buffer, never copied.
    let failing = ops
        .extract_if(.., |op| op.spec.group().is_some_and(&gone))
        .map(|op| Leftover::taking(op, GONE_GROUP))
        .collect();
    (failing, ops)
}

/// Plans pending participant changes against the mirror; `members(group)` gives what the
/// mirror knows of a group (`None`: never read, planned without checks). An add of a member and
/// a removal of someone surely not a member are skipped; a removal of a member is sent as the
/// group lists them; one person named twice in a group (in two forms, or by phone and by
/// BSUID of one member) is sent once. Where the mirror cannot tell (a phone against members
/// shown by BSUID alone), the change is sent and the server decides. Operations of other kinds
/// are ignored.
pub fn plan(
    ops: impl IntoIterator<Item = PendingOp>,
    members: impl Fn(&str) -> Option<Members>,
) -> Plan {
    // Taken, not copied: a queue of many thousands is planned without a second copy of it.
    let mut ops: Vec<PendingOp> = ops
        .into_iter()
        .filter(|op| op.spec.group().is_some() && op.spec.person().is_some())
        .collect();
    // By group, each group's changes in the order given (the sort is stable).
    ops.sort_by(|a, b| a.spec.group().cmp(&b.spec.group()));
    let mut out = Plan::default();
    let mut rest = ops.into_iter().peekable();
    while let Some(first) = rest.next() {
        let group = first.spec.group().unwrap_or_default().to_owned();
        let mut of_group = vec![first];
        while let Some(next) = rest.next_if(|op| op.spec.group() == Some(group.as_str())) {
            of_group.push(next);
        }
        plan_group(&group, of_group, members(&group), &mut out);
    }
    out
}

/// Plans one group's participant changes into `out` (see [`plan`]).
fn plan_group(group: &str, ops: Vec<PendingOp>, known: Option<Members>, out: &mut Plan) {
    let mut seen = HashSet::new();
    // Each with the member it is sent as, where that is not the person it names.
    let mut removes: Vec<(PendingOp, Option<Person>)> = Vec::new();
    let mut adds: Vec<(PendingOp, Option<Person>)> = Vec::new();
    for op in ops {
        let Some(person) = op.spec.person() else {
            continue;
        };
        let membership = known
            .as_ref()
            .map_or(Membership::Unknown, |m| m.find(person));
        let who = match membership {
            Membership::In(member) => member.key(),
            Membership::Out | Membership::Unknown => person.key(),
        };
        if !seen.insert(who) {
            out.skipped
                .push(Leftover::taking(op, "the same person twice for this group"));
            continue;
        }
        match (op.spec.kind(), membership) {
            (OperationKind::Add, Membership::In(_)) => {
                out.skipped.push(Leftover::taking(op, "already a member"));
            }
            (OperationKind::Remove, Membership::Out) => {
                out.skipped.push(Leftover::taking(op, "not a member"));
            }
            (OperationKind::Add, _) => adds.push((op, None)),
            (OperationKind::Remove, Membership::In(member)) => {
                let other = (member != person).then(|| member.clone());
                removes.push((op, other));
            }
            (OperationKind::Remove, _) => removes.push((op, None)),
            _ => {}
        }
    }
    if let Some(current) = known.as_ref() {
        let after_removes = current.len().saturating_sub(removes.len());
        let room = MAX_GROUP_MEMBERS.saturating_sub(after_removes);
        if adds.len() > room {
            // Each with the size the group would reach with it, as the queue flags it.
            for (k, (op, _)) in adds.split_off(room).into_iter().enumerate() {
                let reason = over_capacity(current.len(), removes.len(), room + k, "planned");
                out.held.push(Leftover::no_room(op, reason));
            }
        }
    }
    for (kind, list) in [(OperationKind::Remove, removes), (OperationKind::Add, adds)] {
        let mut list = list.into_iter().peekable();
        while list.peek().is_some() {
            let mut ops = Vec::new();
            let mut sent_as = Vec::new();
            for (i, (op, member)) in list.by_ref().take(MAX_PARTICIPANTS_PER_REQUEST).enumerate() {
                ops.push(op);
                sent_as.extend(member.map(|m| (i, m)));
            }
            out.requests.push(PlannedRequest {
                kind,
                group: Some(group.to_owned()),
                ops,
                sent_as,
            });
        }
    }
}

/// Why an add cannot fit: the size the group would reach, what it has now, and the changes
/// before it: `would be 9 of 8 members: 0 now, 8 adds already planned` (`planned` in a plan,
/// `pending` in the queue).
pub fn over_capacity(now: usize, removals: usize, adds_before: usize, before: &str) -> String {
    let would_be = (now + adds_before + 1).saturating_sub(removals);
    let mut reason = format!("would be {would_be} of {MAX_GROUP_MEMBERS} members: {now} now");
    if removals > 0 {
        reason.push_str(&format!(", {removals} removal(s) {before}"));
    }
    if adds_before > 0 {
        reason.push_str(&format!(", {adds_before} add(s) already {before}"));
    }
    reason
}

/// Why an approval of a join request cannot fit: `would be 9 of 8 members: 8 now, 1
/// removal(s) planned first, 2 approval(s) before it`. `changes`: the adds less the removals
/// that come before the approvals (`changes_when` says when: `planned first`, `pending`);
/// `before` says when the earlier approvals come (`before it`, `already pending`).
pub fn approvals_over_capacity(
    now: usize,
    changes: isize,
    changes_when: &str,
    approvals_before: usize,
    before: &str,
) -> String {
    let after = now.saturating_add_signed(changes);
    let mut reason = format!(
        "would be {} of {MAX_GROUP_MEMBERS} members: {now} now",
        after + approvals_before + 1
    );
    match changes {
        0 => {}
        n if n > 0 => reason.push_str(&format!(", {n} add(s) {changes_when}")),
        n => reason.push_str(&format!(", {} removal(s) {changes_when}", -n)),
    }
    if approvals_before > 0 {
        reason.push_str(&format!(", {approvals_before} approval(s) {before}"));
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::testing::person;

    fn op(id: i64, group: &str, n: u32, kind: OperationKind) -> PendingOp {
        PendingOp {
            id: OpId(id),
            spec: OpSpec::for_participant(kind, group, person(n)),
        }
    }

    fn members(people: impl IntoIterator<Item = u32>) -> Members {
        Members::of(
            &people
                .into_iter()
                .map(|n| person(n).into())
                .collect::<Vec<_>>(),
        )
    }

    /// Each leftover's operation and reason.
    fn reasons(left: &[Leftover]) -> Vec<(OpId, &str)> {
        left.iter().map(|l| (l.id, l.reason.as_str())).collect()
    }

    #[test]
    fn members_and_non_members_are_skipped_with_the_reason() {
        let ops = [
            op(1, "g", 1, OperationKind::Add),
            op(2, "g", 2, OperationKind::Remove),
            op(3, "g", 3, OperationKind::Add),
        ];
        let members = members([1]);
        let p = plan(ops.clone(), |_| Some(members.clone()));
        assert_eq!(
            reasons(&p.skipped),
            vec![(OpId(1), "already a member"), (OpId(2), "not a member")]
        );
        assert_eq!(p.requests.len(), 1);
        assert_eq!(p.requests[0].ops[0].id, OpId(3));
    }

    #[test]
    fn adds_past_the_group_size_are_held_back() {
        let mut ops: Vec<PendingOp> = (0..5)
            .map(|i| op(i, "g", 100 + i as u32, OperationKind::Add))
            .collect();
        ops.push(op(9, "g", 1, OperationKind::Remove));
        let members = members(1..=6);
        let p = plan(ops.clone(), |_| Some(members.clone()));
        // 6 members, one removed: room for 3 of the 5 adds.
        assert_eq!(p.held.len(), 2);
        assert_eq!(
            p.held[0].reason,
            "would be 9 of 8 members: 6 now, 1 removal(s) planned, 3 add(s) already planned"
        );
        assert_eq!(
            p.held[1].reason,
            "would be 10 of 8 members: 6 now, 1 removal(s) planned, 4 add(s) already planned",
            "each with the size the group would reach with it"
        );
        assert!(
            p.held
                .iter()
                .all(|l| l.cause() == "the group has no room: 8 members at most"),
            "one cause, for the summary to count them by"
        );
        assert_eq!(
            p.held[0].spec, ops[3].spec,
            "the held change is named whole"
        );
        assert_eq!(
            p.requests[0].kind,
            OperationKind::Remove,
            "removals go first"
        );
        assert_eq!(p.requests[1].ops.len(), 3);
    }

    #[test]
    fn an_empty_group_with_eight_adds_planned_says_the_ninth_would_not_fit() {
        let ops: Vec<PendingOp> = (0..9)
            .map(|i| op(i, "g", 100 + i as u32, OperationKind::Add))
            .collect();
        let p = plan(ops.clone(), |_| Some(members([])));
        assert_eq!(p.held.len(), 1);
        assert_eq!(
            p.held[0].reason,
            "would be 9 of 8 members: 0 now, 8 add(s) already planned"
        );
        assert_eq!(
            over_capacity(8, 0, 0, "pending"),
            "would be 9 of 8 members: 8 now"
        );
    }

    #[test]
    fn unknown_groups_are_planned_without_checks() {
        let ops: Vec<PendingOp> = (0..10)
            .map(|i| op(i, "g", i as u32, OperationKind::Add))
            .collect();
        let p = plan(ops.clone(), |_| None);
        assert_eq!(
            p.requests.iter().map(|r| r.ops.len()).collect::<Vec<_>>(),
            [8, 2]
        );
    }

    fn by_bsuid(id: &str) -> crate::domain::Person {
        crate::domain::Person::by_user_id(crate::domain::UserId::parse(id).expect("bsuid"))
    }

    fn by_wa_id(wa_id: &str) -> crate::domain::Person {
        crate::domain::Participant::from_wa_id(wa_id)
            .expect("wa_id")
            .into()
    }

    fn spec_op(id: i64, kind: OperationKind, who: crate::domain::Person) -> PendingOp {
        PendingOp {
            id: OpId(id),
            spec: OpSpec::for_person(kind, "g", who).expect("spec"),
        }
    }

    #[test]
    fn members_known_only_by_bsuid_are_planned_by_it() {
        let hidden = by_bsuid("US.7").with_username(Some("ana.k".into()));
        let shown = crate::domain::Person::known(
            Some(person(1)),
            crate::domain::UserId::parse("US.1").ok(),
        )
        .expect("known");
        let group = Members::of(&[hidden.clone(), shown.clone()]);
        let ops = [
            spec_op(1, OperationKind::Remove, by_bsuid("US.7")),
            spec_op(2, OperationKind::Remove, by_bsuid("US.1")),
            spec_op(3, OperationKind::Remove, by_bsuid("US.9")),
            // By phone, and the group shows someone by BSUID alone: it may be them.
            spec_op(4, OperationKind::Remove, person(5).into()),
            // The member removed by BSUID above, named by phone too.
            spec_op(5, OperationKind::Remove, person(1).into()),
        ];
        let p = plan(ops.clone(), |_| Some(group.clone()));
        assert_eq!(
            reasons(&p.skipped),
            vec![
                (OpId(3), "not a member"),
                (OpId(5), "the same person twice for this group")
            ]
        );
        assert_eq!(p.requests.len(), 1);
        let sent: Vec<&str> = p.requests[0].participants().map(|w| w.user_ref()).collect();
        assert_eq!(
            sent,
            ["US.7", "+12122000001", "+12122000005"],
            "the phone when known"
        );
    }

    #[test]
    fn a_member_held_in_another_form_is_removed_as_held_and_not_added_again() {
        let group = Members::of(&[by_wa_id("551187654321"), by_wa_id("5215512345678")]);
        let ops = [
            spec_op(1, OperationKind::Remove, by_wa_id("5511987654321")),
            spec_op(2, OperationKind::Add, by_wa_id("525512345678")),
            spec_op(3, OperationKind::Add, by_wa_id("541123456789")),
        ];
        let p = plan(ops.clone(), |_| Some(group.clone()));
        assert_eq!(reasons(&p.skipped), vec![(OpId(2), "already a member")]);
        let removal = &p.requests[0];
        assert_eq!(removal.kind, OperationKind::Remove);
        assert_eq!(
            removal
                .participants()
                .map(|w| w.user_ref())
                .collect::<Vec<_>>(),
            ["+551187654321"],
            "sent as the group holds them"
        );
        assert_eq!(
            p.requests[1].participants().cloned().collect::<Vec<_>>(),
            vec![by_wa_id("541123456789")]
        );
    }

    proptest! {
        #[test]
        fn every_operation_lands_exactly_once_and_requests_obey_the_limits(
            raw in proptest::collection::vec((0u8..6, 0u32..40, any::<bool>()), 0..300),
            member_bits in proptest::collection::vec(proptest::collection::vec(0u32..40, 0..9), 6),
            known in proptest::collection::vec(any::<bool>(), 6),
        ) {
            let ops: Vec<PendingOp> = raw.iter().enumerate().map(|(i, (g, n, add))| {
                op(i as i64, &format!("g{g}"), *n, if *add { OperationKind::Add } else { OperationKind::Remove })
            }).collect();
            let mirror = |group: &str| -> Option<Members> {
                let idx: usize = group[1..].parse().ok()?;
                known[idx].then(|| members(member_bits[idx].iter().copied()))
            };
            let p = plan(ops.clone(), mirror);
            let mut seen = HashSet::new();
            for r in &p.requests {
                prop_assert!(!r.ops.is_empty() && r.ops.len() <= MAX_PARTICIPANTS_PER_REQUEST);
                let mut people = HashSet::new();
                for op in &r.ops {
                    let who = op.spec.person().expect("a person");
                    prop_assert!(people.insert(who.key()), "duplicate in a request");
                    let source = &ops[op.id.0 as usize];
                    prop_assert_eq!(source.spec.group(), r.group.as_deref());
                    prop_assert_eq!(source.spec.kind(), r.kind);
                    prop_assert!(seen.insert(op.id));
                }
            }
            for left in p.held.iter().chain(&p.skipped) {
                prop_assert!(!left.reason.is_empty());
                prop_assert_eq!(&ops[left.id.0 as usize].spec, &left.spec);
                prop_assert!(seen.insert(left.id), "operation {} planned twice", left.id);
            }
            prop_assert_eq!(seen.len(), ops.len());
            // No group is ever asked to hold more than 8.
            for (g, bits) in member_bits.iter().enumerate() {
                if !known[g] { continue; }
                let group = format!("g{g}");
                let current: HashSet<String> = bits.iter().map(|n| person(*n).wa_id().to_owned()).collect();
                let removed = p.requests.iter().filter(|r| r.group_id() == group && r.kind == OperationKind::Remove).map(|r| r.ops.len()).sum::<usize>();
                let added = p.requests.iter().filter(|r| r.group_id() == group && r.kind == OperationKind::Add).map(|r| r.ops.len()).sum::<usize>();
                prop_assert!(current.len() - removed.min(current.len()) + added <= MAX_GROUP_MEMBERS);
            }
        }
    }
}
