//! Preview: exactly the requests a submit would send now, from the store alone; sends nothing.

use super::Scope;
use super::kinds::{self, Mirror};
use crate::domain::OperationState;
use crate::domain::plan::{Leftover, PendingOp, Plan, UNSETTLED_ACCEPTED, UNSETTLED_SENDING};
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
    let (mut mirror, _unknown) = Mirror::of(store, &ops).await?;
    let mut plan = kinds::plan(ops, &mut mirror);
    plan.unsettled = unsettled(store).await?;
    Ok(plan)
}

/// What an earlier run left in flight, which a run settles first whatever its scope (the
/// group is read; a change is sent again only if it is not applied).
async fn unsettled(store: &AccountStore) -> Result<Vec<Leftover>, StoreError> {
    let mut left = Vec::new();
    for (state, reason) in [
        (OperationState::Sending, UNSETTLED_SENDING),
        (OperationState::Accepted, UNSETTLED_ACCEPTED),
    ] {
        left.extend(
            store
                .operations(OperationFilter::in_state(state))
                .await?
                .into_iter()
                .map(|op| Leftover {
                    id: op.id,
                    spec: op.spec,
                    reason: reason.to_owned(),
                    cause: None,
                }),
        );
    }
    Ok(left)
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
    let (mut mirror, _unknown) = Mirror::of(store, &ops).await?;
    Ok(kinds::plan(ops, &mut mirror))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::{UNSETTLED_ACCEPTED, UNSETTLED_SENDING};
    use crate::testing::{account_store, add, mirror_group, remove};

    /// What an earlier run left in flight is in every preview, whatever its scope: the
    /// confirm and the dry run say that a send reads those groups first.
    #[tokio::test]
    async fn a_preview_counts_what_an_earlier_run_left_in_flight() {
        let (_dir, store) = account_store().await;
        store
            .upsert_groups(vec![
                mirror_group("G1", "Book Club", &[1, 2]),
                mirror_group("G2", "Choir", &[3]),
            ])
            .await
            .expect("groups");
        let report = store
            .enqueue(vec![add("G1", 5), remove("G2", 3), add("G2", 6)])
            .await
            .expect("enqueue");
        assert_eq!(report.stored, 3);
        let ops = store
            .operations(OperationFilter::default())
            .await
            .expect("ops");
        // An earlier run claimed the first two and stopped before their answers.
        store
            .claim(vec![ops[0].id, ops[1].id], "attempt-1".into())
            .await
            .expect("claim");

        let plan = preview(&store, &Scope::Groups(vec!["G2".into()]))
            .await
            .expect("preview");
        assert_eq!(plan.unsettled.len(), 2, "{plan:?}");
        assert!(plan.unsettled.iter().all(|l| l.reason == UNSETTLED_SENDING));
        assert_eq!(
            plan.requests.len(),
            1,
            "only the pending add to G2 is planned"
        );
        assert_eq!(plan.operation_count(), 3);
        assert_ne!(UNSETTLED_SENDING, UNSETTLED_ACCEPTED);

        let lines = crate::present::plan_lines(&plan, "v23.0", "", |g| g.to_owned());
        let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert!(
            text.iter()
                .any(|l| l.starts_with("left in flight by an earlier run")),
            "{text:#?}"
        );
        assert!(
            crate::present::plan_footer(&plan, crate::present::plan_counts(&plan, "v23.0", ""))
                .contains("2 left in flight (read first)")
        );
    }
}
