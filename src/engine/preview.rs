//! Preview: exactly the requests a submit would send now, from the store alone; sends nothing.

use std::collections::{HashMap, HashSet};

use super::Scope;
use crate::domain::OperationState;
use crate::domain::plan::{PendingOp, Plan, plan};
use crate::store::{AccountId, OperationFilter, Store, StoreError};

/// Plans the pending operations in scope against the mirror. Groups the mirror does not know
/// are planned without checks (a submit reads them first).
pub fn preview(store: &Store, acct: AccountId, scope: &Scope) -> Result<Plan, StoreError> {
    let pending = store.operations(
        acct,
        &OperationFilter {
            state: Some(OperationState::Pending),
            ..OperationFilter::default()
        },
    )?;
    let ops: Vec<PendingOp> = pending
        .into_iter()
        .filter(|op| match scope {
            Scope::All => true,
            Scope::Groups(groups) => groups.iter().any(|g| g == &op.group_id),
            Scope::Operations(ids) => ids.contains(&op.id.0),
        })
        .map(|op| PendingOp {
            id: op.id.0,
            group_id: op.group_id,
            participant: op.participant,
            kind: op.kind,
        })
        .collect();
    let mut mirror: HashMap<String, Option<HashSet<String>>> = HashMap::new();
    for op in &ops {
        if !mirror.contains_key(&op.group_id) {
            let members = store
                .group(acct, &op.group_id)?
                .filter(|g| g.gone_at.is_none())
                .map(|g| g.members.iter().map(|p| p.wa_id().to_owned()).collect());
            mirror.insert(op.group_id.clone(), members);
        }
    }
    Ok(plan(&ops, |g| mirror.get(g).cloned().flatten()))
}
