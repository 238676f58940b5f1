//! The sandbox's world: the business's groups, the people in them, their invite links and join
//! requests, changed one atomic step at a time under one lock.

mod group;
mod joins;
mod lifecycle;
mod participants;

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::time::{SystemTime, UNIX_EPOCH};

use rand::{RngExt, SeedableRng};

pub use group::{ApprovalMode, Group, JoinRequest};
pub use joins::{ItemFailure, UserError};
pub use lifecycle::{
    CreateError, CreateOutcome, FieldUpdate, GroupError, NewGroup, SettingsOutcome,
    check_description, check_subject,
};
pub use participants::{Change, ChangeOutcome, Failure, FailureKind, Participant};

use super::ids::{self, SandboxRng};
use super::people::People;
use super::seed;

/// Most groups one business number may have (O, §3.4); creates past it fail with 131211.
pub const DEFAULT_GROUP_LIMIT: usize = 10_000;

/// What the seeded world looks like.
#[derive(Clone, Debug)]
pub struct Seeding {
    pub phone_number_id: String,
    pub groups: usize,
    pub seed: u64,
    /// Share of seeded groups created with `approval_required`, each with 1 to 3 pending join
    /// requests.
    pub approval_rate: f64,
    /// How many of the last seeded groups are suspended.
    pub suspended_groups: usize,
    /// Share of users whose phone number is not shown (§1.10).
    pub hidden_phone_rate: f64,
    /// Whether people carry a `parent_user_id`.
    pub parent_user_ids: bool,
    /// How many seeded members are also in 1 to 3 other groups (people an operator finds in
    /// several groups and removes from all of them at once).
    pub regulars: usize,
    pub group_limit: usize,
}

impl Seeding {
    /// `groups` plain groups from `seed`, nothing else special.
    pub fn plain(phone_number_id: &str, groups: usize, seed: u64) -> Self {
        Self {
            phone_number_id: phone_number_id.to_owned(),
            groups,
            seed,
            approval_rate: 0.0,
            suspended_groups: 0,
            hidden_phone_rate: 0.0,
            parent_user_ids: false,
            regulars: 0,
            group_limit: DEFAULT_GROUP_LIMIT,
        }
    }
}

/// Whether the number may use the Groups API at all, and create groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Account {
    /// False: every group call answers 131215 (not eligible).
    pub eligible: bool,
    /// False: creates answer 131214 (creation temporarily disabled).
    pub creation_enabled: bool,
}

/// A page of the group list.
#[derive(Debug)]
pub struct Page<'a> {
    pub groups: Vec<&'a Group>,
    pub has_next: bool,
    pub has_previous: bool,
}

/// All groups of the sandbox's business phone number, and everyone in or near them.
#[derive(Debug)]
pub struct Groups {
    phone_number_id: String,
    order: BTreeMap<u64, String>,
    by_id: HashMap<String, Group>,
    next_position: u64,
    rng: SandboxRng,
    /// Everyone's identity (BSUIDs, usernames, hidden phones).
    pub people: People,
    /// Live invite link → group id.
    links: HashMap<String, String>,
    next_request: u64,
    /// `request_id` of a create → the group it made.
    created_by_request: HashMap<String, String>,
    pub group_limit: usize,
    pub account: Account,
}

/// Unix seconds now.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Groups {
    /// `count` plain groups generated from `seed`: the same seed gives the same groups.
    #[cfg(test)]
    pub fn seeded(phone_number_id: &str, count: usize, seed: u64) -> Self {
        Self::from_seeding(&Seeding::plain(phone_number_id, count, seed))
    }

    /// The seeded world. Subjects, members and ids depend only on the seed and the count;
    /// approval groups, join requests and suspensions come from streams of their own.
    pub fn from_seeding(s: &Seeding) -> Self {
        let mut rng = SandboxRng::seed_from_u64(s.seed ^ 0x5eed_6a0b_7c1d_2e3f);
        let mut extra = SandboxRng::seed_from_u64(s.seed ^ 0x0a99_7e55_3c0e_44d1);
        let mut groups = Self {
            phone_number_id: s.phone_number_id.clone(),
            order: BTreeMap::new(),
            by_id: HashMap::with_capacity(s.groups),
            next_position: 0,
            rng: SandboxRng::seed_from_u64(s.seed.rotate_left(17) ^ 0x1d5a_4b0c),
            people: People::new(
                &s.phone_number_id,
                s.seed,
                s.hidden_phone_rate,
                s.parent_user_ids,
            ),
            links: HashMap::new(),
            next_request: 0,
            created_by_request: HashMap::new(),
            group_limit: s.group_limit,
            account: Account {
                eligible: true,
                creation_enabled: true,
            },
        };
        let suspended_from = s.groups.saturating_sub(s.suspended_groups);
        let started = now();
        for i in 0..s.groups {
            let subject = seed::subject(&mut rng);
            let description = seed::description(&mut rng);
            let created_at = seed::created_at(&mut rng);
            let members = seed::members(&mut rng);
            let id = Self::fresh_id(&groups.by_id, &s.phone_number_id, &mut rng);
            let mut group = Group::new(id, subject, description, created_at);
            group.members = members;
            group.suspended = i >= suspended_from;
            if s.approval_rate > 0.0 && extra.random::<f64>() < s.approval_rate {
                group.join_approval_mode = ApprovalMode::ApprovalRequired;
                for _ in 0..extra.random_range(1..=3u8) {
                    let wa_id = seed::mobile_number(&mut extra);
                    if !group.members.contains(&wa_id) && group.request_of(&wa_id).is_none() {
                        // Asked lately (10 minutes to 3 days before the sandbox started), as
                        // requests still pending are: old ones have been answered.
                        let at = started
                            .saturating_sub(extra.random_range(600..3 * 24 * 3600u64))
                            .max(created_at);
                        let id = ids::join_request_id(&s.phone_number_id, &mut extra);
                        let request = JoinRequest {
                            id,
                            wa_id,
                            created_at: at,
                        };
                        group.join_requests.insert(groups.next_request, request);
                        groups.next_request += 1;
                    }
                }
            }
            groups.add(group);
        }
        groups.seed_regulars(s);
        groups
    }

    /// Puts `s.regulars` members of seeded groups into 1 to 3 other groups each, where there is
    /// room and they have no pending join request. Suspended groups are left as they are. From a
    /// stream of its own, so the groups themselves do not depend on it.
    fn seed_regulars(&mut self, s: &Seeding) {
        if s.regulars == 0 {
            return;
        }
        let mut rng = SandboxRng::seed_from_u64(s.seed ^ 0x3e6c_17a2_9d40_b85f);
        let open: Vec<String> = self
            .order
            .values()
            .filter(|id| self.by_id.get(*id).is_some_and(|g| !g.suspended))
            .cloned()
            .collect();
        let people: Vec<String> = open
            .iter()
            .filter_map(|id| self.by_id.get(id))
            .flat_map(|g| g.members.iter().cloned())
            .collect();
        if open.len() < 2 || people.is_empty() {
            return;
        }
        for _ in 0..s.regulars {
            let person = &people[rng.random_range(0..people.len())];
            let wanted = rng.random_range(1..=3usize);
            let mut placed = 0;
            // A bounded number of tries: a crowded world may have no room left.
            for _ in 0..wanted * 8 {
                if placed == wanted {
                    break;
                }
                let id = &open[rng.random_range(0..open.len())];
                if let Some(group) = self.by_id.get_mut(id)
                    && group.members.len() < seed::GROUP_CAPACITY
                    && !group.members.contains(person)
                    && group.request_of(person).is_none()
                {
                    group.members.insert(person.clone());
                    placed += 1;
                }
            }
        }
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

    /// Puts a group at the end of the list.
    fn add(&mut self, mut group: Group) {
        group.position = self.next_position;
        self.next_position += 1;
        self.order.insert(group.position, group.id.clone());
        self.by_id.insert(group.id.clone(), group);
    }

    /// A fresh join request id and its sequence number (the order requests are listed in).
    fn new_request(&mut self) -> (String, u64) {
        let id = ids::join_request_id(&self.phone_number_id, &mut self.rng);
        let sequence = self.next_request;
        self.next_request += 1;
        (id, sequence)
    }

    /// A new group at the end of the list; members as wa_id or `+E.164`. Returns its id.
    pub fn insert(&mut self, subject: &str, members: &[&str], created_at: u64) -> String {
        let id = Self::fresh_id(&self.by_id, &self.phone_number_id, &mut self.rng);
        let mut group = Group::new(id.clone(), subject.to_owned(), String::new(), created_at);
        group.members = members
            .iter()
            .map(|m| m.trim().trim_start_matches('+').to_owned())
            .filter(|m| !m.is_empty())
            .collect();
        self.add(group);
        id
    }

    pub fn get(&self, id: &str) -> Option<&Group> {
        self.by_id.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Group> {
        self.by_id.get_mut(id)
    }

    /// How many groups the number has now.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Deletes a group, its live link and its join requests; false when there was none.
    pub fn remove(&mut self, id: &str) -> bool {
        match self.by_id.remove(id) {
            Some(group) => {
                self.order.remove(&group.position);
                if let Some(link) = group.invite_link {
                    self.links.remove(&link);
                }
                true
            }
            None => false,
        }
    }

    /// Active group ids in list order.
    pub fn ids(&self) -> Vec<String> {
        self.order.values().cloned().collect()
    }

    /// The group whose live invite link this is.
    pub fn group_of_link(&self, link: &str) -> Option<&str> {
        self.links.get(link.trim()).map(String::as_str)
    }

    /// The group a create with this `request_id` made, once it is made.
    pub fn created_by(&self, request_id: &str) -> Option<&str> {
        self.created_by_request.get(request_id).map(String::as_str)
    }

    /// Up to `limit` groups after position `after`, or before position `before`, or from the start.
    pub fn page(&self, after: Option<u64>, before: Option<u64>, limit: usize) -> Page<'_> {
        let positions = page_keys(&self.order, after, before, limit);
        let groups = positions
            .iter()
            .filter_map(|p| self.order.get(p))
            .filter_map(|id| self.by_id.get(id))
            .collect();
        let (has_next, has_previous) = neighbours(&self.order, &positions);
        Page {
            groups,
            has_next,
            has_previous,
        }
    }
}

/// The keys of one page of an ordered map: after `after`, or before `before`, or from the start.
pub fn page_keys<V>(
    map: &BTreeMap<u64, V>,
    after: Option<u64>,
    before: Option<u64>,
    limit: usize,
) -> Vec<u64> {
    match (after, before) {
        (Some(after), _) => map
            .range((Bound::Excluded(after), Bound::Unbounded))
            .take(limit)
            .map(|(p, _)| *p)
            .collect(),
        (None, Some(before)) => {
            let mut back: Vec<u64> = map
                .range(..before)
                .rev()
                .take(limit)
                .map(|(p, _)| *p)
                .collect();
            back.reverse();
            back
        }
        (None, None) => map.keys().take(limit).copied().collect(),
    }
}

/// Whether anything comes after the last key and before the first of a page.
pub fn neighbours<V>(map: &BTreeMap<u64, V>, keys: &[u64]) -> (bool, bool) {
    let has_next = keys.last().is_some_and(|last| {
        map.range((Bound::Excluded(*last), Bound::Unbounded))
            .next()
            .is_some()
    });
    let has_previous = keys
        .first()
        .is_some_and(|first| map.range(..*first).next_back().is_some());
    (has_next, has_previous)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn lifecycle_seeding_keeps_the_plain_groups_and_adds_approval_and_suspension() {
        let mut plain = Groups::seeded("1", 60, 4);
        let mut rich = Groups::from_seeding(&Seeding {
            approval_rate: 0.3,
            suspended_groups: 1,
            ..Seeding::plain("1", 60, 4)
        });
        assert_eq!(plain.ids(), rich.ids());
        let ids = rich.ids();
        for id in &ids {
            let (p, r) = (plain.get(id), rich.get(id));
            assert_eq!(p.map(|g| &g.members), r.map(|g| &g.members));
            assert_eq!(p.map(|g| &g.subject), r.map(|g| &g.subject));
        }
        let approval: Vec<&Group> = ids
            .iter()
            .filter_map(|id| rich.get(id))
            .filter(|g| g.join_approval_mode == ApprovalMode::ApprovalRequired)
            .collect();
        assert!((8..=30).contains(&approval.len()), "{}", approval.len());
        assert!(approval.iter().all(|g| !g.join_requests.is_empty()));
        let asked: Vec<u64> = approval
            .iter()
            .flat_map(|g| g.join_requests.values().map(|r| r.created_at))
            .collect();
        let (earliest, latest) = (now() - 3 * 24 * 3600, now());
        assert!(
            asked.iter().all(|t| (earliest..=latest).contains(t)),
            "pending requests asked in the last three days: {asked:?}"
        );
        let suspended: Vec<&String> = ids
            .iter()
            .filter(|id| rich.get(id).is_some_and(|g| g.suspended))
            .collect();
        assert_eq!(suspended, [ids.last().expect("groups")]);
        // Groups inserted later get the same ids either way.
        assert_eq!(plain.insert("x", &[], 0), rich.insert("x", &[], 0));
    }

    #[test]
    fn regulars_are_members_of_several_groups_within_capacity_and_change_nothing_else() {
        let plain = Groups::seeded("1", 40, 7);
        let with = Groups::from_seeding(&Seeding {
            regulars: 10,
            ..Seeding::plain("1", 40, 7)
        });
        assert_eq!(plain.ids(), with.ids());
        let mut groups_of: BTreeMap<&str, usize> = BTreeMap::new();
        for id in with.ids() {
            let (p, w) = (plain.get(&id).expect("plain"), with.get(&id).expect("with"));
            assert_eq!(p.subject, w.subject);
            assert!(w.members.len() <= seed::GROUP_CAPACITY, "{id}");
            // Only additions: everyone who was in a group still is.
            assert!(p.members.is_subset(&w.members), "{id}");
            for m in &w.members {
                *groups_of.entry(m).or_default() += 1;
            }
        }
        let in_several = groups_of.values().filter(|n| **n > 1).count();
        assert!(
            in_several >= 5,
            "{in_several} people in more than one group"
        );
        let none = Groups::seeded("1", 40, 7);
        let in_several_plain = {
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for id in none.ids() {
                for m in &none.get(&id).expect("group").members {
                    *counts.entry(m.clone()).or_default() += 1;
                }
            }
            counts.values().filter(|n| **n > 1).count()
        };
        assert_eq!(
            in_several_plain, 0,
            "without regulars everyone is in one group"
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
}
