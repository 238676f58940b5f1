//! Retrying failed changes: each is queued again as a new pending change (the failed row
//! stays, as the history), but for a change to a group the mirror shows gone, which stays
//! failed with why: the rule a plan applies ([`crate::domain::plan::fail_in_gone_groups`]), so
//! a retry queues nothing that the next submit would only fail again. A change the server
//! refused (not one lost on the way) is queued again but named, since it fails again unless
//! what the server said has changed.

use std::collections::HashSet;

use crate::api::ErrorClass;
use crate::domain::plan::{Leftover, PendingOp, fail_in_gone_groups};
use crate::store::{AccountStore, EnqueueReport, OpId, Operation, OperationFilter, StoreError};

/// What a retry did: the report of the changes queued again (`None` when none was), the
/// failed changes left failed, each with why, and those queued again although the server
/// refused them (not throttled, not lost on the way), each with the refusal
/// (`131203 terms not accepted`): they fail again unless its cause has gone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Retried {
    pub report: Option<EnqueueReport>,
    pub kept: Vec<Leftover>,
    pub refused_before: Vec<Leftover>,
    /// Failed changes a later change followed (their retry, or another change of the same
    /// person or setting), each with it: not queued again.
    pub followed: Vec<Leftover>,
}

/// Queues `failed` again, but for the changes to groups the mirror shows gone.
pub async fn retry(store: &AccountStore, failed: Vec<Operation>) -> Result<Retried, StoreError> {
    let mut groups: Vec<String> = failed
        .iter()
        .filter_map(|op| op.spec.group().map(str::to_owned))
        .collect();
    groups.sort();
    groups.dedup();
    // The newest change of each slot (one person in one group, one setting) in these groups:
    // a failure a later change followed (its retry, or another change of the same person) is
    // not queued again, so a second retry never doubles the first nor undoes what came after.
    let mut newest: std::collections::HashMap<String, OpId> = std::collections::HashMap::new();
    for group in &groups {
        let ops = store
            .operations(OperationFilter {
                group: Some(group.clone()),
                ..OperationFilter::default()
            })
            .await?;
        for op in ops {
            let at = newest.entry(op.spec.slot()).or_insert(op.id);
            *at = (*at).max(op.id);
        }
    }
    let (failed, followed): (Vec<Operation>, Vec<Operation>) = failed
        .into_iter()
        .partition(|op| newest.get(&op.spec.slot()).is_none_or(|n| *n <= op.id));
    let followed: Vec<Leftover> = followed
        .into_iter()
        .map(|op| Leftover {
            reason: format!(
                "queued again or changed since: {} stands instead",
                newest.get(&op.spec.slot()).copied().unwrap_or(op.id)
            ),
            id: op.id,
            spec: op.spec,
            cause: None,
        })
        .collect();
    let gone: HashSet<String> = store
        .groups_of(groups)
        .await?
        .into_iter()
        .filter(|g| g.gone_at.is_some())
        .map(|g| g.id)
        .collect();
    let mut refusals = std::collections::HashMap::new();
    let ops = failed
        .into_iter()
        .map(|op| {
            if let Some(refusal) = refusal(&op) {
                refusals.insert(op.id, refusal);
            }
            PendingOp {
                id: op.id,
                spec: op.spec,
            }
        })
        .collect();
    let (kept, again) = fail_in_gone_groups(ops, |g| gone.contains(g));
    // One per change queued: failures of the same change (one person, one group) are one.
    let mut slots = HashSet::new();
    let refused_before = again
        .iter()
        .filter_map(|op| {
            refusals.remove(&op.id).map(|reason| Leftover {
                id: op.id,
                spec: op.spec.clone(),
                reason,
                cause: None,
            })
        })
        .filter(|left| slots.insert(left.spec.slot()))
        .collect();
    let report = if again.is_empty() {
        None
    } else {
        Some(
            store
                .enqueue(again.into_iter().map(|op| op.spec).collect())
                .await?,
        )
    };
    Ok(Retried {
        report,
        kept,
        refused_before,
        followed,
    })
}

/// The server's refusal a failed change ended with (`131203 terms not accepted`), when it was
/// one: a code whose class says sending the same again would not help by itself.
fn refusal(op: &Operation) -> Option<String> {
    let code = op.error_code?;
    if ErrorClass::of(code, None, 400).is_retryable() {
        return None;
    }
    Some(match op.error_message.as_deref() {
        Some(message) if !message.is_empty() => format!("{code} {message}"),
        _ => code.to_string(),
    })
}
