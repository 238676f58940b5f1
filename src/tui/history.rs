//! What earlier runs settled, as the log shows it on opening: the newest outcomes, each with
//! what it set when it names no one.

use std::collections::HashMap;

use crate::domain::OpId;
use crate::store::{AccountStore, OperationFilter, Outcome, StoreError};

/// The newest `HISTORY_LINES` outcomes, oldest first, each of a change that names no one (a
/// rename, a description) with what it set (`"Readers"`), read from its operation: an outcome
/// row keeps only the participant.
///
/// # Errors
/// A store that cannot be read.
pub async fn load(store: &AccountStore) -> Result<Vec<(Outcome, Option<String>)>, StoreError> {
    let records = store.latest_outcomes(super::msg::HISTORY_LINES).await?;
    let ids: Vec<OpId> = records
        .iter()
        .filter(|r| r.outcome.participant.is_empty())
        .filter_map(|r| r.outcome.operation_id)
        .collect();
    let set: HashMap<OpId, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        store
            .operations(OperationFilter {
                ids: Some(ids),
                ..OperationFilter::default()
            })
            .await?
            .into_iter()
            .map(|op| (op.id, op.spec.detail()))
            .collect()
    };
    Ok(records
        .into_iter()
        .map(|r| {
            let detail = r.outcome.operation_id.and_then(|id| set.get(&id).cloned());
            (r.outcome, detail)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OpSpec, OperationKind, OperationState};
    use crate::store::{Settlement, StateChange};

    /// A rename settled by an earlier run comes back with the subject it set; an add with
    /// none (its participant says who).
    #[tokio::test]
    async fn a_rename_comes_back_with_what_it_set() {
        let (_dir, store) = crate::testing::account_store().await;
        let rename = OpSpec::Subject {
            group: "G1".into(),
            subject: "Readers".into(),
        };
        let report = store
            .enqueue(vec![rename, crate::testing::add("G1", 1)])
            .await
            .expect("queued");
        store
            .claim(report.ids.clone(), "a1".into())
            .await
            .expect("claimed");
        let settle = |id: OpId, kind, participant: &str| {
            (
                StateChange {
                    id,
                    state: OperationState::Confirmed,
                    code: None,
                    message: None,
                    group: None,
                },
                Outcome {
                    at: 1,
                    group_id: "G1".into(),
                    participant: participant.into(),
                    username: None,
                    action: kind,
                    result: OperationState::Confirmed,
                    code: None,
                    message: None,
                    request_id: None,
                    operation_id: Some(id),
                },
            )
        };
        let (a, b) = (
            settle(report.ids[0], OperationKind::Subject, ""),
            settle(report.ids[1], OperationKind::Add, "+12122000001"),
        );
        store
            .settle(Settlement {
                changes: vec![a.0, b.0],
                outcomes: vec![a.1, b.1],
                ..Settlement::default()
            })
            .await
            .expect("settled");
        let history = load(&store).await.expect("history");
        let set: Vec<Option<&str>> = history.iter().map(|(_, s)| s.as_deref()).collect();
        assert_eq!(set, vec![Some("\"Readers\""), None]);
    }
}
