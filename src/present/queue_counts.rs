//! The queue's counts in one line (`3 pending, 6 confirmed, 1 failed (retried)`): every
//! operation once, failures queued again named as such.

use std::collections::{BTreeMap, HashSet};

use crate::domain::OperationState;
use crate::store::{OpId, Operation};

/// The failed operations among `ops` that were queued again: a later operation (a higher id)
/// of the same group holds their slot. The same rule as the store's counts, which leave them
/// out of `failed` (no longer a failure to act on, kept as history).
pub fn retried_failures(ops: &[Operation]) -> HashSet<OpId> {
    let mut latest: BTreeMap<(Option<&str>, String), OpId> = BTreeMap::new();
    for op in ops {
        let key = (op.group(), op.spec.slot());
        let id = latest.entry(key).or_insert(op.id);
        *id = (*id).max(op.id);
    }
    ops.iter()
        .filter(|op| op.state == OperationState::Failed)
        .filter(|op| latest.get(&(op.group(), op.spec.slot())) != Some(&op.id))
        .map(|op| op.id)
        .collect()
}

/// `3 pending, 6 confirmed, 1 failed (retried)`, or `empty`: `counts` as the store counts
/// them (retried failures left out of `failed`) and `retried` the failures queued again.
pub fn queue_counts(counts: &BTreeMap<OperationState, usize>, retried: usize) -> String {
    let mut parts: Vec<String> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    if retried > 0 {
        parts.push(format!("{retried} failed (retried)"));
    }
    if parts.is_empty() {
        "empty".to_owned()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{add, operation};

    #[test]
    fn a_failure_queued_again_is_counted_apart_and_others_as_they_are() {
        let ops = vec![
            operation(1, add("g", 1), OperationState::Failed),
            operation(2, add("g", 2), OperationState::Failed),
            operation(3, add("h", 1), OperationState::Failed),
            operation(4, add("g", 1), OperationState::Pending),
        ];
        let retried = retried_failures(&ops);
        assert_eq!(retried, HashSet::from([OpId(1)]));
        let counts = BTreeMap::from([
            (OperationState::Pending, 1),
            (OperationState::Failed, 2),
            (OperationState::Confirmed, 0),
        ]);
        assert_eq!(
            queue_counts(&counts, retried.len()),
            "1 pending, 2 failed, 1 failed (retried)"
        );
        assert_eq!(queue_counts(&BTreeMap::new(), 0), "empty");
    }
}
