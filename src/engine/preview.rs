//! Preview: exactly the requests a submit would send now, from the store alone; sends nothing.

use super::Scope;
use super::kinds::{self, Mirror};
use crate::domain::plan::{PendingOp, Plan};
use crate::domain::{Members, OperationState};
use crate::store::{AccountStore, OperationFilter, StoreError};

/// Plans the pending operations in scope against the mirror. Groups the mirror does not know
/// are planned without checks (a submit reads them first).
pub async fn preview(store: &AccountStore, scope: &Scope) -> Result<Plan, StoreError> {
    let pending = store
        .operations(OperationFilter::in_state(OperationState::Pending))
        .await?;
    let ops: Vec<PendingOp> = pending
        .into_iter()
        .filter(|op| scope.takes(op))
        .map(|op| PendingOp {
            id: op.id,
            spec: op.spec,
        })
        .collect();
    let mut groups: Vec<String> = ops
        .iter()
        .filter_map(|op| op.spec.group().map(str::to_owned))
        .collect();
    groups.sort();
    groups.dedup();
    let mut mirror = Mirror::default();
    for group in store.groups_of(groups).await? {
        if group.gone_at.is_none() {
            mirror
                .members
                .insert(group.id.clone(), Members::of(&group.members));
        }
    }
    Ok(kinds::plan(&ops, &mirror))
}

/// The request a planned batch is sent as (for showing it: method and path come from the same
/// code the client sends with).
pub use super::kinds::request as request_of;
