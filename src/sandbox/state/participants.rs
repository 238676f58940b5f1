//! The membership rules of the business's add and remove calls, applied atomically.

use std::collections::BTreeSet;

use super::Groups;
use crate::sandbox::people::UserRef;
use crate::sandbox::seed::GROUP_CAPACITY;

/// A participant of a request, already checked: what was sent and whom it names.
#[derive(Clone, Debug)]
pub struct Participant {
    pub input: String,
    pub user: UserRef,
}

/// Add or remove.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Add,
    Remove,
}

/// Why one participant of a request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// 131203: the number has not accepted the current terms (sandbox rule: ends in 0000).
    TermsNotAccepted,
    /// 131212: a removal of someone who is not a member.
    NotAMember,
    /// 100: an add of a BSUID (adds need a phone number, §1.8).
    PhoneRequired,
}

/// One failed participant.
#[derive(Clone, Debug)]
pub struct Failure {
    pub input: String,
    pub kind: FailureKind,
}

/// What a participant change did.
#[derive(Clone, Debug)]
pub enum ChangeOutcome {
    UnknownGroup,
    Suspended,
    Duplicate {
        input: String,
    },
    OverCapacity {
        members: usize,
        adding: usize,
    },
    /// Checked and applied: `changed` holds (input, wa_id) of the memberships that really
    /// changed; `members` (input, wa_id) of adds of people already members (they are in, as
    /// asked); `failures` did not apply; `redundant` asked for what already held (an add of a
    /// member, a removal of a non-member).
    Done {
        changed: Vec<(String, String)>,
        members: Vec<(String, String)>,
        failures: Vec<Failure>,
        redundant: usize,
    },
}

impl Groups {
    /// Checks and applies one add or remove request (all of it or per participant), atomically.
    pub fn change_participants(
        &mut self,
        group_id: &str,
        change: Change,
        participants: &[Participant],
    ) -> ChangeOutcome {
        let Some(group) = self.by_id.get_mut(group_id) else {
            return ChangeOutcome::UnknownGroup;
        };
        if group.suspended {
            return ChangeOutcome::Suspended;
        }
        // Each participant as the member it names (wa_id), or as itself when it names none.
        let keys: Vec<(String, bool)> = participants
            .iter()
            .map(|p| match self.people.find_member(&p.user, &group.members) {
                Some(wa_id) => (wa_id, true),
                None => match &p.user {
                    UserRef::Phone(wa_id) => (wa_id.clone(), false),
                    UserRef::Bsuid(id) => (id.clone(), false),
                },
            })
            .collect();
        let mut seen = BTreeSet::new();
        for (p, (key, _)) in participants.iter().zip(&keys) {
            if !seen.insert(key.as_str()) {
                return ChangeOutcome::Duplicate {
                    input: p.input.clone(),
                };
            }
        }
        let mut failures = Vec::new();
        let mut to_change = Vec::new();
        let mut redundant = 0;
        let mut members = Vec::new();
        for (p, (key, member)) in participants.iter().zip(keys) {
            let fail = |kind| Failure {
                input: p.input.clone(),
                kind,
            };
            match (change, member, &p.user) {
                (Change::Add, true, _) => {
                    redundant += 1;
                    members.push((p.input.clone(), key));
                }
                (Change::Add, false, UserRef::Bsuid(_)) => {
                    failures.push(fail(FailureKind::PhoneRequired))
                }
                (Change::Add, false, _) if key.ends_with("0000") => {
                    failures.push(fail(FailureKind::TermsNotAccepted))
                }
                (Change::Remove, false, _) => {
                    redundant += 1;
                    failures.push(fail(FailureKind::NotAMember));
                }
                (Change::Add | Change::Remove, _, _) => to_change.push((p.input.clone(), key)),
            }
        }
        if change == Change::Add && group.members.len() + to_change.len() > GROUP_CAPACITY {
            return ChangeOutcome::OverCapacity {
                members: group.members.len(),
                adding: to_change.len(),
            };
        }
        for (_, wa_id) in &to_change {
            match change {
                Change::Add => {
                    group.members.insert(wa_id.clone());
                    group.removed_by_business.remove(wa_id);
                    if let Some(seq) = group.request_of(wa_id) {
                        group.join_requests.remove(&seq);
                    }
                    self.people.mark_phone_known(wa_id);
                }
                Change::Remove => {
                    group.members.remove(wa_id);
                    group.removed_by_business.insert(wa_id.clone());
                }
            }
        }
        ChangeOutcome::Done {
            changed: to_change,
            members,
            failures,
            redundant,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::people::normalise_phone;

    fn people(users: &[&str]) -> Vec<Participant> {
        users
            .iter()
            .map(|u| Participant {
                input: (*u).to_owned(),
                user: UserRef::parse(u).unwrap_or(UserRef::Phone(String::new())),
            })
            .collect()
    }

    #[test]
    fn normalise_accepts_wa_ids_and_e164_only() {
        assert_eq!(
            normalise_phone("+15551234567").as_deref(),
            Some("15551234567")
        );
        for bad in [
            "",
            "+",
            "123456",
            "0155512345",
            "+1 555 123",
            "1234567890123456",
        ] {
            assert_eq!(normalise_phone(bad), None, "{bad}");
        }
    }

    #[test]
    fn add_rules() {
        let mut groups = Groups::seeded("1", 0, 1);
        let id = groups.insert("t", &["+15550001111", "15550002222"], 0);
        let outcome = groups.change_participants(
            &id,
            Change::Add,
            &people(&["15550001111", "+15550003333", "15550000000"]),
        );
        match outcome {
            ChangeOutcome::Done {
                changed,
                members,
                failures,
                ..
            } => {
                assert_eq!(changed, [("+15550003333".into(), "15550003333".into())]);
                assert_eq!(
                    members,
                    [("15550001111".into(), "15550001111".into())],
                    "a member already: in, as asked"
                );
                assert_eq!(failures.len(), 1);
                assert_eq!(failures[0].kind, FailureKind::TermsNotAccepted);
            }
            other => panic!("{other:?}"),
        }
        let dup =
            groups.change_participants(&id, Change::Add, &people(&["15550004444", "+15550004444"]));
        assert!(matches!(dup, ChangeOutcome::Duplicate { .. }));
        let many: Vec<String> = (0..6).map(|i| format!("1555000500{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let over = groups.change_participants(&id, Change::Add, &people(&many));
        assert!(matches!(
            over,
            ChangeOutcome::OverCapacity {
                members: 3,
                adding: 6
            }
        ));
        assert_eq!(groups.get(&id).map(|g| g.members.len()), Some(3));
        assert!(matches!(
            groups.change_participants("nope", Change::Add, &people(&["15550001111"])),
            ChangeOutcome::UnknownGroup
        ));
    }

    #[test]
    fn removal_by_bsuid_and_the_same_person_twice() {
        let mut groups = Groups::seeded("1", 0, 1);
        let id = groups.insert("t", &["15550001111", "15550002222"], 0);
        let bsuid = groups.people.user_id("15550001111");
        let both = people(&["+15550001111", &bsuid]);
        assert!(matches!(
            groups.change_participants(&id, Change::Remove, &both),
            ChangeOutcome::Duplicate { .. }
        ));
        let outcome = groups.change_participants(
            &id,
            Change::Remove,
            &people(&[&bsuid, "US.12345678901234567890"]),
        );
        match outcome {
            ChangeOutcome::Done {
                changed, failures, ..
            } => {
                assert_eq!(changed, [(bsuid.clone(), "15550001111".into())]);
                assert_eq!(failures[0].kind, FailureKind::NotAMember);
            }
            other => panic!("{other:?}"),
        }
        let members = groups
            .get(&id)
            .map(|g| g.members.clone())
            .unwrap_or_default();
        assert_eq!(members.into_iter().collect::<Vec<_>>(), ["15550002222"]);
        let add = groups.change_participants(&id, Change::Add, &people(&[&bsuid]));
        assert!(matches!(
            add,
            ChangeOutcome::Done { ref failures, .. } if failures[0].kind == FailureKind::PhoneRequired
        ));
    }
}
