//! Preview: exactly the requests a submit would send now, from the store alone; sends nothing.

use super::Scope;
use super::kinds::{self, Mirror};
use crate::domain::OperationState;
use crate::domain::plan::{PendingOp, Plan};
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
    let (mirror, _unknown) = Mirror::of(store, &ops).await?;
    Ok(kinds::plan(ops, &mirror))
}

/// The request a planned batch is sent as (for showing it: method and path come from the same
/// code the client sends with).
pub use super::kinds::request as request_of;

/// Plans changes that are not queued (a `--dry-run` of a command that queues them), against
/// the mirror; their ids are their places in `specs`, from 1.
pub async fn preview_specs(
    store: &AccountStore,
    specs: Vec<crate::domain::OpSpec>,
) -> Result<Plan, StoreError> {
    let ops: Vec<PendingOp> = specs
        .into_iter()
        .enumerate()
        .map(|(i, spec)| PendingOp {
            id: crate::domain::OpId(i as i64 + 1),
            spec,
        })
        .collect();
    let (mirror, _unknown) = Mirror::of(store, &ops).await?;
    Ok(kinds::plan(ops, &mirror))
}
