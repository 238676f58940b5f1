//! The engine's state moves: sending, outcomes and retries, each one transaction over many ids.

use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use super::audit::{self, Exchange, Outcome};
use super::{AccountId, OpId, Store, StoreError, now_ms};
use crate::domain::OperationState;

/// A new state for one operation, with the server's error when there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    pub id: OpId,
    pub state: OperationState,
    pub code: Option<i64>,
    pub message: Option<String>,
}

/// The state of one operation of this account, or `NotFound`.
fn state_of(tx: &Transaction<'_>, acct: AccountId, id: OpId) -> Result<OperationState, StoreError> {
    let state: Option<String> = tx
        .prepare_cached("SELECT state FROM operations WHERE account_id = ?1 AND id = ?2")?
        .query_row(params![acct.0, id.0], |row| row.get(0))
        .optional()?;
    let state = state.ok_or(StoreError::NotFound(id))?;
    state.parse().map_err(StoreError::Corrupt)
}

impl Store {
    /// Marks pending operations as being sent in attempt `attempt_id`, counting the attempt.
    /// All or nothing: if one of them is not pending (dropped, or taken by another batch),
    /// nothing moves and the error names it.
    pub fn mark_sending(
        &mut self,
        acct: AccountId,
        ids: &[OpId],
        attempt_id: &str,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let tx = self.write_tx()?;
        for &id in ids {
            let state = state_of(&tx, acct, id)?;
            if state != OperationState::Pending {
                return Err(StoreError::WrongState {
                    id,
                    state,
                    wanted: "only pending operations can be sent",
                });
            }
            tx.prepare_cached(
                "UPDATE operations SET state = 'sending', attempts = attempts + 1,
                    attempt_id = ?2, updated_at = ?3
                 WHERE id = ?1",
            )?
            .execute(params![id.0, attempt_id, now])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records what became of operations: `accepted`, `confirmed`, `failed` or `skipped`, with
    /// the server's error code and message, and the request id when the server gave one (an
    /// earlier request id is kept otherwise). All or nothing.
    pub fn mark_outcome(
        &mut self,
        acct: AccountId,
        changes: &[StateChange],
        request_id: Option<&str>,
    ) -> Result<(), StoreError> {
        self.settle(acct, changes, request_id, &[], None)
    }

    /// [`Store::mark_outcome`], the participant outcomes and the exchange that led to them,
    /// in one transaction: the engine's one commit per answer.
    pub fn settle(
        &mut self,
        acct: AccountId,
        changes: &[StateChange],
        request_id: Option<&str>,
        outcomes: &[Outcome],
        exchange: Option<&Exchange>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let tx = self.write_tx()?;
        for change in changes {
            if matches!(
                change.state,
                OperationState::Pending | OperationState::Sending
            ) {
                return Err(StoreError::BadTarget(change.state));
            }
            state_of(&tx, acct, change.id)?;
            tx.prepare_cached(
                "UPDATE operations SET state = ?2, error_code = ?3, error_message = ?4,
                    request_id = coalesce(?5, request_id), updated_at = ?6
                 WHERE id = ?1",
            )?
            .execute(params![
                change.id.0,
                change.state.as_str(),
                change.code,
                change.message,
                request_id,
                now
            ])?;
        }
        for outcome in outcomes {
            audit::insert_outcome(&tx, acct, outcome)?;
        }
        if let Some(exchange) = exchange {
            audit::insert_exchange(&tx, acct, exchange)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Puts operations back in the queue for another try (after a crash left them `sending`,
    /// or after a retryable failure). The last error is kept for the operator to see. An
    /// operation whose person and group have meanwhile got another pending change is not put
    /// back (the later change wins) but marked `skipped`, saying by which. A confirmed
    /// operation is done and is refused. Returns how many are pending again.
    pub fn reset_to_pending(&mut self, acct: AccountId, ids: &[OpId]) -> Result<usize, StoreError> {
        let now = now_ms();
        let tx = self.write_tx()?;
        let mut reset = 0;
        for &id in ids {
            match state_of(&tx, acct, id)? {
                OperationState::Pending => continue,
                state @ OperationState::Confirmed => {
                    return Err(StoreError::WrongState {
                        id,
                        state,
                        wanted: "it is done; queue a new change instead",
                    });
                }
                _ => {}
            }
            let twin: Option<i64> = tx
                .prepare_cached(
                    "SELECT twin.id FROM operations op JOIN operations twin
                        ON twin.account_id = op.account_id AND twin.group_id = op.group_id
                        AND twin.wa_id = op.wa_id AND twin.state = 'pending'
                     WHERE op.id = ?1",
                )?
                .query_row(params![id.0], |row| row.get(0))
                .optional()?;
            match twin {
                Some(twin) => {
                    tx.prepare_cached(
                        "UPDATE operations SET state = 'skipped', error_message = ?2,
                            updated_at = ?3
                         WHERE id = ?1",
                    )?
                    .execute(params![
                        id.0,
                        format!(
                            "not retried: superseded by pending operation {}",
                            OpId(twin)
                        ),
                        now
                    ])?;
                }
                None => {
                    tx.prepare_cached(
                        "UPDATE operations SET state = 'pending', attempt_id = NULL,
                            updated_at = ?2
                         WHERE id = ?1",
                    )?
                    .execute(params![id.0, now])?;
                    reset += 1;
                }
            }
        }
        tx.commit()?;
        Ok(reset)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{person, store_with_account};
    use super::super::{NewOperation, Operation, OperationFilter};
    use super::*;
    use crate::domain::OperationKind;

    fn setup(n: u32) -> (tempfile::TempDir, Store, AccountId, Vec<OpId>) {
        let (dir, mut store, acct) = store_with_account();
        let ops: Vec<NewOperation> = (0..n)
            .map(|i| NewOperation {
                group_id: "g".into(),
                participant: person(i),
                kind: OperationKind::Add,
            })
            .collect();
        store.enqueue(acct, &ops).expect("enqueue");
        let ids = store
            .operations(acct, &OperationFilter::default())
            .expect("list")
            .iter()
            .map(|o| o.id)
            .collect();
        (dir, store, acct, ids)
    }

    fn get(store: &Store, acct: AccountId, id: OpId) -> Operation {
        let filter = OperationFilter {
            ids: Some(vec![id]),
            ..OperationFilter::default()
        };
        store.operations(acct, &filter).expect("list").remove(0)
    }

    #[test]
    fn sending_counts_attempts_and_outcomes_keep_errors() {
        let (_dir, mut store, acct, ids) = setup(3);
        store
            .mark_sending(acct, &ids, "attempt-1")
            .expect("sending");
        let op = get(&store, acct, ids[0]);
        assert_eq!((op.state, op.attempts), (OperationState::Sending, 1));
        assert_eq!(op.attempt_id.as_deref(), Some("attempt-1"));

        store
            .mark_outcome(
                acct,
                &[
                    StateChange {
                        id: ids[0],
                        state: OperationState::Accepted,
                        code: None,
                        message: None,
                    },
                    StateChange {
                        id: ids[1],
                        state: OperationState::Failed,
                        code: Some(131215),
                        message: Some("not eligible".into()),
                    },
                ],
                Some("req-7"),
            )
            .expect("outcome");
        let failed = get(&store, acct, ids[1]);
        assert_eq!(failed.state, OperationState::Failed);
        assert_eq!(failed.error_code, Some(131215));
        assert_eq!(failed.error_message.as_deref(), Some("not eligible"));
        assert_eq!(failed.request_id.as_deref(), Some("req-7"));

        let confirm = StateChange {
            id: ids[0],
            state: OperationState::Confirmed,
            code: None,
            message: None,
        };
        store.mark_outcome(acct, &[confirm], None).expect("confirm");
        let done = get(&store, acct, ids[0]);
        assert_eq!(done.state, OperationState::Confirmed);
        assert_eq!(done.request_id.as_deref(), Some("req-7"), "kept");

        assert_eq!(
            store
                .reset_to_pending(acct, &[ids[1], ids[2]])
                .expect("reset"),
            2
        );
        store
            .mark_sending(acct, &[ids[2]], "attempt-2")
            .expect("again");
        let again = get(&store, acct, ids[2]);
        assert_eq!(
            (again.attempts, again.attempt_id.as_deref()),
            (2, Some("attempt-2"))
        );
        let retried = get(&store, acct, ids[1]);
        assert_eq!(retried.state, OperationState::Pending);
        assert_eq!(retried.error_code, Some(131215), "last error kept");
    }

    #[test]
    fn moves_are_all_or_nothing() {
        let (_dir, mut store, acct, ids) = setup(2);
        store.mark_sending(acct, &ids[..1], "a").expect("sending");
        let err = store
            .mark_sending(acct, &ids, "b")
            .expect_err("one is sending");
        assert!(matches!(err, StoreError::WrongState { .. }), "{err}");
        assert_eq!(get(&store, acct, ids[1]).state, OperationState::Pending);

        let bad = [
            StateChange {
                id: ids[0],
                state: OperationState::Confirmed,
                code: None,
                message: None,
            },
            StateChange {
                id: OpId(999),
                state: OperationState::Confirmed,
                code: None,
                message: None,
            },
        ];
        assert!(matches!(
            store.mark_outcome(acct, &bad, None),
            Err(StoreError::NotFound(OpId(999)))
        ));
        assert_eq!(get(&store, acct, ids[0]).state, OperationState::Sending);
        let to_pending = StateChange {
            id: ids[0],
            state: OperationState::Pending,
            code: None,
            message: None,
        };
        assert!(matches!(
            store.mark_outcome(acct, &[to_pending], None),
            Err(StoreError::BadTarget(_))
        ));
    }

    #[test]
    fn a_retry_does_not_override_a_later_change() {
        let (_dir, mut store, acct, ids) = setup(1);
        store.mark_sending(acct, &ids, "a").expect("sending");
        let remove = NewOperation {
            group_id: "g".into(),
            participant: person(0),
            kind: OperationKind::Remove,
        };
        store.enqueue(acct, &[remove]).expect("later remove");
        assert_eq!(store.reset_to_pending(acct, &ids).expect("reset"), 0);
        let op = get(&store, acct, ids[0]);
        assert_eq!(op.state, OperationState::Skipped);
        assert!(
            op.error_message
                .as_deref()
                .is_some_and(|m| m.contains("superseded")),
            "{op:?}"
        );
    }

    #[test]
    fn other_accounts_operations_cannot_be_moved() {
        let (_dir, mut store, acct, ids) = setup(1);
        let other = store
            .account("https://graph.example", "2000")
            .expect("other");
        assert!(matches!(
            store.mark_sending(other, &ids, "x"),
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(get(&store, acct, ids[0]).state, OperationState::Pending);
    }
}
