//! The demo's people: simulated WhatsApp users who, every few seconds, join a group by its
//! invite link, leave one, or ask to join one that needs approval, through the sandbox's own
//! user actions, so the demo's receiver gets the webhooks a real number's groups send.

use std::sync::Arc;
use std::time::Duration;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use tokio::task::JoinHandle;

use crate::sandbox::{Sandbox, User};

/// Starts the people: one action every `every` on average (between half and one and a half
/// of it). Ends with the returned task (abort it) or when the sandbox is gone.
pub fn start(sandbox: Arc<Sandbox>, every: Duration, seed: u64) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x00c0_ffee);
        let mut next_person = 0u32;
        loop {
            let wait = every.mul_f64(rng.random_range(0.5..1.5));
            tokio::time::sleep(wait).await;
            act(&sandbox, &mut rng, &mut next_person);
        }
    })
}

/// One action of someone: 40% a join by link, 35% a leave, 25% an ask to join.
fn act(sb: &Sandbox, rng: &mut Xoshiro256PlusPlus, next_person: &mut u32) {
    let groups: Vec<_> = sb
        .group_ids()
        .iter()
        .filter_map(|g| sb.group(g))
        .filter(|g| !g.suspended)
        .collect();
    if groups.is_empty() {
        return;
    }
    let roll = rng.random_range(0..100u8);
    let outcome = if roll < 40 {
        let open: Vec<_> = groups
            .iter()
            .filter(|g| g.join_approval_mode == "auto_approve" && g.members.len() < 8)
            .collect();
        pick(rng, &open).and_then(|g| {
            let link = sb.invite_link(&g.id)?;
            let phone = person(next_person);
            Some(sb.join_by_link(&link, &user(&phone)).map(|_| ()))
        })
    } else if roll < 75 {
        let full: Vec<_> = groups.iter().filter(|g| !g.members.is_empty()).collect();
        pick(rng, &full).and_then(|g| {
            let who = pick(rng, &g.members)?;
            Some(sb.leave(&g.id, who).map(|_| ()))
        })
    } else {
        let asking: Vec<_> = groups
            .iter()
            .filter(|g| g.join_approval_mode == "approval_required")
            .collect();
        pick(rng, &asking).and_then(|g| {
            let link = sb.invite_link(&g.id)?;
            let phone = person(next_person);
            Some(sb.ask_to_join(&link, &user(&phone)).map(|_| ()))
        })
    };
    if let Some(Err(e)) = outcome {
        tracing::debug!(error = %e, "demo person: nothing done");
    }
}

fn pick<'a, T>(rng: &mut Xoshiro256PlusPlus, list: &'a [T]) -> Option<&'a T> {
    (!list.is_empty()).then(|| &list[rng.random_range(0..list.len())])
}

fn user(phone: &str) -> User<'_> {
    User {
        phone,
        ..User::default()
    }
}

/// Area codes the demo's people come from.
const AREAS: [&str; 8] = ["212", "305", "415", "512", "617", "713", "917", "206"];

/// A new person's number: +1 AAA 555-01xx (numbers set aside for fiction, which the number
/// check takes as valid, so the operator can search and add them as any member), never one
/// that the sandbox refuses for terms (ending in 0000).
fn person(next: &mut u32) -> String {
    *next += 1;
    let n = *next as usize;
    format!("+1{}55501{:02}", AREAS[(n / 100) % AREAS.len()], n % 100)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::person;
    use crate::domain::Participant;

    /// Every number the demo's people get is one the operator can type back (search, add):
    /// the tool's own number check takes it as it is, and no two people share one.
    #[test]
    fn the_demos_people_have_numbers_the_tool_reads() {
        let mut next = 0;
        let mut seen = HashSet::new();
        for _ in 0..800 {
            let number = person(&mut next);
            let read =
                Participant::parse(&number, None).unwrap_or_else(|e| panic!("{number}: {e}"));
            assert_eq!(read.to_string(), number);
            assert!(!number.ends_with("0000"));
            assert!(seen.insert(number));
        }
    }
}
