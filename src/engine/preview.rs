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
    Ok(kinds::plan(&ops, &mirror))
}

/// The request a planned batch is sent as (for showing it: method and path come from the same
/// code the client sends with).
pub use super::kinds::request as request_of;
