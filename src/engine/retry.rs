//! Retrying failed changes: each is queued again as a new pending change (the failed row
//! stays, as the history), but for a change to a group the mirror shows gone, which stays
//! failed with why: the rule a plan applies ([`crate::domain::plan::fail_in_gone_groups`]), so
//! a retry queues nothing that the next submit would only fail again.

use std::collections::HashSet;

use crate::domain::plan::{Leftover, PendingOp, fail_in_gone_groups};
use crate::store::{AccountStore, EnqueueReport, Operation, StoreError};

/// What a retry did: the report of the changes queued again (`None` when none was), and the
/// failed changes left failed, each with why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Retried {
    pub report: Option<EnqueueReport>,
    pub kept: Vec<Leftover>,
}

/// Queues `failed` again, but for the changes to groups the mirror shows gone.
pub async fn retry(store: &AccountStore, failed: Vec<Operation>) -> Result<Retried, StoreError> {
    let mut groups: Vec<String> = failed
        .iter()
        .filter_map(|op| op.spec.group().map(str::to_owned))
        .collect();
    groups.sort();
    groups.dedup();
    let gone: HashSet<String> = store
        .groups_of(groups)
        .await?
        .into_iter()
        .filter(|g| g.gone_at.is_some())
        .map(|g| g.id)
        .collect();
    let ops = failed
        .into_iter()
        .map(|op| PendingOp {
            id: op.id,
            spec: op.spec,
        })
        .collect();
    let (kept, again) = fail_in_gone_groups(ops, |g| gone.contains(g));
    let report = if again.is_empty() {
        None
    } else {
        Some(
            store
                .enqueue(again.into_iter().map(|op| op.spec).collect())
                .await?,
        )
    };
    Ok(Retried { report, kept })
}
