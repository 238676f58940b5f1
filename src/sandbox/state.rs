//! The sandbox's groups and the membership rules applied to them, one atomic change at a time.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

use rand::SeedableRng;

use super::ids::{self, SandboxRng};
use super::seed::{self, GROUP_CAPACITY};

/// One group the business is in.
#[derive(Clone, Debug)]
pub struct Group {
    pub id: String,
    pub subject: String,
    pub description: String,
    pub created_at: u64,
    /// wa_ids (digits only), the business excluded.
    pub members: BTreeSet<String>,
    pub suspended: bool,
    pub join_approval_mode: &'static str,
    /// Place in the list order; what paging cursors point at.
    pub position: u64,
}

/// A participant of a request, already checked: what was sent and its wa_id.
#[derive(Clone, Debug)]
pub struct Participant {
    pub input: String,
    pub wa_id: String,
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
    Duplicate {
        input: String,
    },
    OverCapacity {
        members: usize,
        adding: usize,
    },
    /// Checked and applied: `changed` memberships really changed; `failures` did not apply;
    /// `redundant` asked for what already held (an add of a member, a removal of a non-member).
    Done {
        changed: usize,
        failures: Vec<Failure>,
        redundant: usize,
    },
}

/// A page of the group list.
#[derive(Debug)]
pub struct Page<'a> {
    pub groups: Vec<&'a Group>,
    pub has_next: bool,
    pub has_previous: bool,
}

/// All groups of the sandbox's business phone number.
#[derive(Debug)]
pub struct Groups {
    phone_number_id: String,
    order: BTreeMap<u64, String>,
    by_id: HashMap<String, Group>,
    next_position: u64,
    rng: SandboxRng,
}

/// A `user` as sent (`+digits` or digits, 7..=15 digits, first digit not 0) as a wa_id.
pub fn normalise_user(user: &str) -> Option<String> {
    let digits = user.strip_prefix('+').unwrap_or(user);
    let valid = (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    valid.then(|| digits.to_owned())
}

impl Groups {
    /// `count` groups generated from `seed`: the same seed gives the same groups.
    pub fn seeded(phone_number_id: &str, count: usize, seed: u64) -> Self {
        let mut rng = SandboxRng::seed_from_u64(seed ^ 0x5eed_6a0b_7c1d_2e3f);
        let mut groups = Self {
            phone_number_id: phone_number_id.to_owned(),
            order: BTreeMap::new(),
            by_id: HashMap::with_capacity(count),
            next_position: 0,
            rng: SandboxRng::seed_from_u64(seed.rotate_left(17) ^ 0x1d5a_4b0c),
        };
        for _ in 0..count {
            let subject = seed::subject(&mut rng);
            let description = seed::description(&mut rng);
            let created_at = seed::created_at(&mut rng);
            let members = seed::members(&mut rng);
            let id = Self::fresh_id(&groups.by_id, phone_number_id, &mut rng);
            groups.add_group(id, subject, description, created_at, members);
        }
        groups
    }

    /// A group id not yet in use.
    fn fresh_id(
        by_id: &HashMap<String, Group>,
        phone_number_id: &str,
        rng: &mut SandboxRng,
    ) -> String {
        loop {
            let id = ids::group_id(phone_number_id, rng);
            if !by_id.contains_key(&id) {
                return id;
            }
        }
    }

    fn add_group(
        &mut self,
        id: String,
        subject: String,
        description: String,
        created_at: u64,
        members: BTreeSet<String>,
    ) {
        let position = self.next_position;
        self.next_position += 1;
        self.order.insert(position, id.clone());
        let group = Group {
            id: id.clone(),
            subject,
            description,
            created_at,
            members,
            suspended: false,
            join_approval_mode: "auto_approve",
            position,
        };
        self.by_id.insert(id, group);
    }

    /// A new group at the end of the list; members as wa_id or `+E.164`. Returns its id.
    pub fn insert(&mut self, subject: &str, members: &[&str], created_at: u64) -> String {
        let id = Self::fresh_id(&self.by_id, &self.phone_number_id, &mut self.rng);
        let members = members
            .iter()
            .map(|m| m.trim().trim_start_matches('+').to_owned())
            .filter(|m| !m.is_empty())
            .collect();
        self.add_group(
            id.clone(),
            subject.to_owned(),
            String::new(),
            created_at,
            members,
        );
        id
    }

    pub fn get(&self, id: &str) -> Option<&Group> {
        self.by_id.get(id)
    }

    /// Deletes a group; false when there was none.
    pub fn remove(&mut self, id: &str) -> bool {
        match self.by_id.remove(id) {
            Some(group) => {
                self.order.remove(&group.position);
                true
            }
            None => false,
        }
    }

    /// Active group ids in list order.
    pub fn ids(&self) -> Vec<String> {
        self.order.values().cloned().collect()
    }

    /// Up to `limit` groups after position `after`, or before position `before`, or from the start.
    pub fn page(&self, after: Option<u64>, before: Option<u64>, limit: usize) -> Page<'_> {
        let positions: Vec<u64> = match (after, before) {
            (Some(after), _) => self
                .order
                .range((Bound::Excluded(after), Bound::Unbounded))
                .take(limit)
                .map(|(p, _)| *p)
                .collect(),
            (None, Some(before)) => {
                let mut back: Vec<u64> = self
                    .order
                    .range(..before)
                    .rev()
                    .take(limit)
                    .map(|(p, _)| *p)
                    .collect();
                back.reverse();
                back
            }
            (None, None) => self.order.keys().take(limit).copied().collect(),
        };
        let groups = positions
            .iter()
            .filter_map(|p| self.order.get(p))
            .filter_map(|id| self.by_id.get(id))
            .collect();
        let has_next = positions.last().is_some_and(|last| {
            self.order
                .range((Bound::Excluded(*last), Bound::Unbounded))
                .next()
                .is_some()
        });
        let has_previous = positions
            .first()
            .is_some_and(|first| self.order.range(..*first).next_back().is_some());
        Page {
            groups,
            has_next,
            has_previous,
        }
    }

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
        let mut seen = BTreeSet::new();
        for p in participants {
            if !seen.insert(p.wa_id.as_str()) {
                return ChangeOutcome::Duplicate {
                    input: p.input.clone(),
                };
            }
        }
        let mut failures = Vec::new();
        let mut to_change = BTreeSet::new();
        let mut redundant = 0;
        for p in participants {
            match change {
                Change::Add if p.wa_id.ends_with("0000") => failures.push(Failure {
                    input: p.input.clone(),
                    kind: FailureKind::TermsNotAccepted,
                }),
                Change::Add => {
                    if group.members.contains(&p.wa_id) {
                        redundant += 1;
                    } else {
                        to_change.insert(p.wa_id.clone());
                    }
                }
                Change::Remove if group.members.contains(&p.wa_id) => {
                    to_change.insert(p.wa_id.clone());
                }
                Change::Remove => {
                    redundant += 1;
                    failures.push(Failure {
                        input: p.input.clone(),
                        kind: FailureKind::NotAMember,
                    })
                }
            }
        }
        if change == Change::Add && group.members.len() + to_change.len() > GROUP_CAPACITY {
            return ChangeOutcome::OverCapacity {
                members: group.members.len(),
                adding: to_change.len(),
            };
        }
        let changed = to_change.len();
        for wa_id in to_change {
            match change {
                Change::Add => group.members.insert(wa_id),
                Change::Remove => group.members.remove(&wa_id),
            };
        }
        ChangeOutcome::Done {
            changed,
            failures,
            redundant,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(users: &[&str]) -> Vec<Participant> {
        users
            .iter()
            .map(|u| Participant {
                input: (*u).to_owned(),
                wa_id: normalise_user(u).unwrap_or_default(),
            })
            .collect()
    }

    #[test]
    fn normalise_accepts_wa_ids_and_e164_only() {
        assert_eq!(
            normalise_user("+15551234567").as_deref(),
            Some("15551234567")
        );
        assert_eq!(
            normalise_user("15551234567").as_deref(),
            Some("15551234567")
        );
        for bad in [
            "",
            "+",
            "123456",
            "0155512345",
            "+1 555 123",
            "1234567890123456",
            "++15551234567",
            "15551234567x",
        ] {
            assert_eq!(normalise_user(bad), None, "{bad}");
        }
    }

    #[test]
    fn seeding_is_deterministic_and_scales() {
        let a = Groups::seeded("1", 200, 9);
        let b = Groups::seeded("1", 200, 9);
        let c = Groups::seeded("1", 200, 10);
        assert_eq!(a.ids(), b.ids());
        assert_ne!(a.ids(), c.ids());
        let started = std::time::Instant::now();
        let big = Groups::seeded("100000000000001", 100_000, 1);
        assert_eq!(big.ids().len(), 100_000);
        assert!(
            started.elapsed().as_secs_f64() < 10.0,
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn pages_cover_every_group_once_even_after_deletes() {
        let mut groups = Groups::seeded("1", 53, 2);
        let ids = groups.ids();
        groups.remove(&ids[10]);
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = groups.page(after, None, 7);
            seen.extend(page.groups.iter().map(|g| g.id.clone()));
            if !page.has_next {
                break;
            }
            after = page.groups.last().map(|g| g.position);
        }
        assert_eq!(seen, groups.ids());
        assert_eq!(seen.len(), 52);
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
                changed, failures, ..
            } => {
                assert_eq!(changed, 1);
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
}
