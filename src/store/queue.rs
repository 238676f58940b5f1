//! Reading and pruning the queue: operations by group, state or id, counts, drop and undo.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Row, ToSql, params};
use serde::{Deserialize, Serialize};

use super::{AccountId, NewOperation, OpId, Pushed, Store, StoreError, UnixMs};
use crate::domain::{OperationKind, OperationState, Participant};

/// One row of the queue, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    pub id: OpId,
    pub group_id: String,
    pub participant: Participant,
    pub kind: OperationKind,
    pub state: OperationState,
    /// How many times it was marked `sending`.
    pub attempts: u32,
    /// The engine's id of the latest attempt.
    pub attempt_id: Option<String>,
    pub error_code: Option<i64>,
    pub error_message: Option<String>,
    pub request_id: Option<String>,
    /// A warning stored with it at enqueue (full group, already a member, ambiguous number).
    pub flag: Option<String>,
    pub created_at: UnixMs,
    pub updated_at: UnixMs,
}

/// Which operations to list; `None` means any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OperationFilter {
    pub group: Option<String>,
    pub state: Option<OperationState>,
    pub ids: Option<Vec<OpId>>,
}

/// Which operations to drop from the queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DropScope {
    Ids(Vec<OpId>),
    Group(String),
    All,
}

/// What a drop did: only pending operations are dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DropReport {
    pub dropped: usize,
    /// Operations that matched and are in flight (`sending`, or `accepted` and awaiting their
    /// confirmation): kept, since whether the server applied them is not settled yet.
    pub kept_in_flight: usize,
    /// Operations that matched and are finished (`confirmed`, `failed`, `skipped`): kept, as
    /// the history the app's per-group changes and undo read.
    pub kept_finished: usize,
}

/// What [`Store::undo`] did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Undone {
    /// A pending operation, taken out of the queue before it was sent.
    Withdrawn,
    /// An operation the server took: the opposite change is now pending (this operation).
    Reversed(OpId),
    /// A failed or skipped operation changed nothing, so there is nothing to undo.
    NothingToUndo(OperationState),
}

pub(super) const OP_COLUMNS: &str = "id, group_id, participant, kind, state, attempts, attempt_id,
    error_code, error_message, request_id, flag, created_at, updated_at";

/// A row as SQLite gives it, before its text is checked.
pub(super) struct RawOperation {
    id: i64,
    group_id: String,
    participant: String,
    kind: String,
    state: String,
    attempts: u32,
    attempt_id: Option<String>,
    error_code: Option<i64>,
    error_message: Option<String>,
    request_id: Option<String>,
    flag: Option<String>,
    created_at: UnixMs,
    updated_at: UnixMs,
}

pub(super) fn raw_operation(row: &Row<'_>) -> rusqlite::Result<RawOperation> {
    Ok(RawOperation {
        id: row.get(0)?,
        group_id: row.get(1)?,
        participant: row.get(2)?,
        kind: row.get(3)?,
        state: row.get(4)?,
        attempts: row.get(5)?,
        attempt_id: row.get(6)?,
        error_code: row.get(7)?,
        error_message: row.get(8)?,
        request_id: row.get(9)?,
        flag: row.get(10)?,
        created_at: row.get(11)?,
        updated_at: row.get(12)?,
    })
}

impl TryFrom<RawOperation> for Operation {
    type Error = StoreError;

    fn try_from(raw: RawOperation) -> Result<Self, StoreError> {
        let corrupt = |what: String| StoreError::Corrupt(format!("operation {}: {what}", raw.id));
        Ok(Operation {
            id: OpId(raw.id),
            participant: Participant::from_wa_id(&raw.participant)
                .map_err(|e| corrupt(e.to_string()))?,
            kind: raw.kind.parse().map_err(corrupt)?,
            state: raw.state.parse().map_err(corrupt)?,
            group_id: raw.group_id,
            attempts: raw.attempts,
            attempt_id: raw.attempt_id,
            error_code: raw.error_code,
            error_message: raw.error_message,
            request_id: raw.request_id,
            flag: raw.flag,
            created_at: raw.created_at,
            updated_at: raw.updated_at,
        })
    }
}

/// A list of ids as the JSON array that `json_each` reads: one statement for many ids.
pub(super) fn id_list(ids: &[OpId]) -> String {
    serde_json::Value::from(ids.iter().map(|id| id.0).collect::<Vec<_>>()).to_string()
}

impl Store {
    /// The operations matching `filter`, oldest first.
    pub fn operations(
        &self,
        acct: AccountId,
        filter: &OperationFilter,
    ) -> Result<Vec<Operation>, StoreError> {
        let mut sql = format!("SELECT {OP_COLUMNS} FROM operations WHERE account_id = ?");
        let state = filter.state.map(OperationState::as_str);
        let ids = filter.ids.as_deref().map(id_list);
        let mut args: Vec<&dyn ToSql> = vec![&acct.0];
        if let Some(group) = &filter.group {
            sql.push_str(" AND group_id = ?");
            args.push(group);
        }
        if let Some(state) = &state {
            sql.push_str(" AND state = ?");
            args.push(state);
        }
        if let Some(ids) = &ids {
            sql.push_str(" AND id IN (SELECT value FROM json_each(?))");
            args.push(ids);
        }
        sql.push_str(" ORDER BY id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(args.as_slice(), raw_operation)?;
        rows.map(|raw| Operation::try_from(raw?)).collect()
    }

    /// The operations in one state, oldest first.
    pub fn operations_in_state(
        &self,
        acct: AccountId,
        state: OperationState,
    ) -> Result<Vec<Operation>, StoreError> {
        let filter = OperationFilter {
            state: Some(state),
            ..OperationFilter::default()
        };
        self.operations(acct, &filter)
    }

    /// How many operations are in each state (every state present, zeros included).
    pub fn count_by_state(
        &self,
        acct: AccountId,
    ) -> Result<BTreeMap<OperationState, usize>, StoreError> {
        let mut counts: BTreeMap<OperationState, usize> =
            OperationState::ALL.into_iter().map(|s| (s, 0)).collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT state, count(*) FROM operations WHERE account_id = ?1 GROUP BY state",
        )?;
        let rows = stmt.query_map(params![acct.0], |row| {
            Ok((row.get::<_, String>(0)?, super::count_at(row, 1)?))
        })?;
        for row in rows {
            let (state, count) = row?;
            let state: OperationState = state.parse().map_err(StoreError::Corrupt)?;
            counts.insert(state, count);
        }
        Ok(counts)
    }

    /// Deletes the matching pending operations. Operations in flight and finished ones (the
    /// history) are never deleted; those that matched are counted.
    pub fn drop_operations(
        &mut self,
        acct: AccountId,
        scope: &DropScope,
    ) -> Result<DropReport, StoreError> {
        let (condition, arg): (&str, Option<String>) = match scope {
            DropScope::Ids(ids) => (
                "id IN (SELECT value FROM json_each(?2))",
                Some(id_list(ids)),
            ),
            DropScope::Group(group) => ("group_id = ?2", Some(group.clone())),
            DropScope::All => ("?2 IS NULL", None),
        };
        let tx = self.write_tx()?;
        let count = |states: &str| -> Result<usize, StoreError> {
            Ok(tx.query_row(
                &format!(
                    "SELECT count(*) FROM operations
                     WHERE account_id = ?1 AND state IN ({states}) AND {condition}"
                ),
                params![acct.0, arg],
                |row| super::count_at(row, 0),
            )?)
        };
        let kept_in_flight = count("'sending', 'accepted'")?;
        let kept_finished = count("'confirmed', 'failed', 'skipped'")?;
        let dropped = tx.execute(
            &format!(
                "DELETE FROM operations WHERE account_id = ?1 AND state = 'pending' AND {condition}"
            ),
            params![acct.0, arg],
        )?;
        tx.commit()?;
        Ok(DropReport {
            dropped,
            kept_in_flight,
            kept_finished,
        })
    }

    /// Takes back one operation: a pending one leaves the queue; one the server took
    /// (accepted or confirmed) is reversed by queueing the opposite change; one being sent
    /// cannot be undone yet.
    pub fn undo(&mut self, acct: AccountId, id: OpId) -> Result<Undone, StoreError> {
        let mut batch = self.begin_enqueue(acct)?;
        let op: Option<Operation> = batch
            .tx()
            .query_row(
                &format!("SELECT {OP_COLUMNS} FROM operations WHERE account_id = ?1 AND id = ?2"),
                params![acct.0, id.0],
                raw_operation,
            )
            .optional()?
            .map(Operation::try_from)
            .transpose()?;
        let op = op.ok_or(StoreError::NotFound(id))?;
        let undone = match op.state {
            OperationState::Pending => {
                batch
                    .tx()
                    .execute("DELETE FROM operations WHERE id = ?1", params![id.0])?;
                Undone::Withdrawn
            }
            OperationState::Sending => {
                return Err(StoreError::WrongState {
                    id,
                    state: op.state,
                    wanted: "wait for its outcome before undoing it",
                });
            }
            OperationState::Accepted | OperationState::Confirmed => {
                let opposite = NewOperation {
                    group_id: op.group_id,
                    participant: op.participant,
                    kind: op.kind.opposite(),
                };
                match batch.push(&opposite)? {
                    Pushed::Duplicate { existing } => Undone::Reversed(existing),
                    Pushed::Stored { id, .. } => Undone::Reversed(id),
                }
            }
            OperationState::Failed | OperationState::Skipped => Undone::NothingToUndo(op.state),
        };
        batch.commit()?;
        Ok(undone)
    }
}

#[cfg(test)]
mod tests {
    use super::super::StateChange;
    use super::super::testing::{person, store_with_account};
    use super::*;

    /// An outcome without an error.
    fn change(id: OpId, state: OperationState) -> StateChange {
        StateChange {
            id,
            state,
            code: None,
            message: None,
        }
    }

    fn queue(store: &mut Store, acct: AccountId, group: &str, people: &[u32]) -> Vec<OpId> {
        let ops: Vec<NewOperation> = people
            .iter()
            .map(|n| NewOperation {
                group_id: group.into(),
                participant: person(*n),
                kind: OperationKind::Add,
            })
            .collect();
        store.enqueue(acct, &ops).expect("enqueue");
        let filter = OperationFilter {
            group: Some(group.into()),
            ..OperationFilter::default()
        };
        let listed = store.operations(acct, &filter).expect("list");
        listed.iter().map(|o| o.id).collect()
    }

    #[test]
    fn filters_select_by_group_state_and_ids() {
        let (_dir, mut store, acct) = store_with_account();
        let a = queue(&mut store, acct, "a", &[1, 2, 3]);
        let b = queue(&mut store, acct, "b", &[1]);
        store.mark_sending(acct, &a[..1], "t1").expect("sending");
        let by = |filter: OperationFilter| -> Vec<OpId> {
            let ops = store.operations(acct, &filter).expect("list");
            ops.iter().map(|o| o.id).collect()
        };
        assert_eq!(by(OperationFilter::default()).len(), 4);
        let pending_a = OperationFilter {
            group: Some("a".into()),
            state: Some(OperationState::Pending),
            ids: None,
        };
        assert_eq!(by(pending_a), a[1..].to_vec());
        let some = OperationFilter {
            ids: Some(vec![a[2], b[0], OpId(9_999)]),
            ..OperationFilter::default()
        };
        assert_eq!(by(some), vec![a[2], b[0]]);
        let counts = store.count_by_state(acct).expect("counts");
        assert_eq!(counts[&OperationState::Pending], 3);
        assert_eq!(counts[&OperationState::Sending], 1);
        assert_eq!(counts[&OperationState::Confirmed], 0);
    }

    #[test]
    fn drop_takes_only_pending_operations() {
        let (_dir, mut store, acct) = store_with_account();
        let a = queue(&mut store, acct, "a", &[1, 2, 3]);
        let b = queue(&mut store, acct, "b", &[1, 2]);
        let c = queue(&mut store, acct, "c", &[1, 2, 3, 4]);
        store.mark_sending(acct, &[a[0]], "t1").expect("sending");
        store.mark_sending(acct, &c, "t2").expect("sending");
        store
            .mark_outcome(
                acct,
                &[
                    change(c[0], OperationState::Accepted),
                    change(c[1], OperationState::Confirmed),
                    change(c[2], OperationState::Failed),
                    change(c[3], OperationState::Skipped),
                ],
                None,
            )
            .expect("outcomes");
        let report = store
            .drop_operations(acct, &DropScope::Ids(vec![a[0], a[1], c[1]]))
            .expect("drop ids");
        assert_eq!(
            report,
            DropReport {
                dropped: 1,
                kept_in_flight: 1,
                kept_finished: 1,
            }
        );
        let report = store
            .drop_operations(acct, &DropScope::Group("b".into()))
            .expect("drop group");
        assert_eq!(
            report,
            DropReport {
                dropped: 2,
                kept_in_flight: 0,
                kept_finished: 0,
            }
        );
        assert!(b.iter().all(|id| {
            let only = OperationFilter {
                ids: Some(vec![*id]),
                ..OperationFilter::default()
            };
            store.operations(acct, &only).expect("list").is_empty()
        }));
        let report = store
            .drop_operations(acct, &DropScope::All)
            .expect("drop all");
        assert_eq!(
            report,
            DropReport {
                dropped: 1,
                kept_in_flight: 2,
                kept_finished: 3,
            }
        );
        let left: Vec<OperationState> = store
            .operations(acct, &OperationFilter::default())
            .expect("list")
            .into_iter()
            .map(|o| o.state)
            .collect();
        assert_eq!(left.len(), 5, "{left:?}");
        assert!(!left.contains(&OperationState::Pending));
        let again = store
            .drop_operations(acct, &DropScope::All)
            .expect("nothing pending");
        assert_eq!(again.dropped, 0);
    }

    #[test]
    fn drop_does_not_reach_other_accounts() {
        let (_dir, mut store, acct) = store_with_account();
        let other = store
            .account("https://graph.example", "2000")
            .expect("other");
        queue(&mut store, acct, "a", &[1]);
        queue(&mut store, other, "a", &[1]);
        let report = store.drop_operations(other, &DropScope::All).expect("drop");
        assert_eq!(report.dropped, 1);
        assert_eq!(
            store
                .operations(acct, &OperationFilter::default())
                .expect("list")
                .len(),
            1
        );
        let theirs = store
            .operations(acct, &OperationFilter::default())
            .expect("list")[0]
            .id;
        assert!(matches!(
            store.undo(other, theirs),
            Err(StoreError::NotFound(_))
        ));
    }

    #[test]
    fn undo_withdraws_reverses_or_refuses() {
        let (_dir, mut store, acct) = store_with_account();
        let ids = queue(&mut store, acct, "a", &[1, 2, 3, 4]);
        assert_eq!(store.undo(acct, ids[0]).expect("undo"), Undone::Withdrawn);

        store.mark_sending(acct, &ids[1..], "t1").expect("sending");
        assert!(matches!(
            store.undo(acct, ids[1]),
            Err(StoreError::WrongState { .. })
        ));
        store
            .mark_outcome(
                acct,
                &[
                    change(ids[1], OperationState::Confirmed),
                    change(ids[2], OperationState::Failed),
                ],
                Some("req-1"),
            )
            .expect("outcome");
        let Undone::Reversed(reverse) = store.undo(acct, ids[1]).expect("undo") else {
            panic!("a confirmed add is reversed");
        };
        let only = OperationFilter {
            ids: Some(vec![reverse]),
            ..OperationFilter::default()
        };
        let reversed = &store.operations(acct, &only).expect("list")[0];
        assert_eq!(
            (reversed.kind, reversed.state, &reversed.participant),
            (OperationKind::Remove, OperationState::Pending, &person(2))
        );
        assert_eq!(
            store.undo(acct, ids[2]).expect("undo"),
            Undone::NothingToUndo(OperationState::Failed)
        );
        assert!(matches!(
            store.undo(acct, OpId(9_999)),
            Err(StoreError::NotFound(_))
        ));
    }

    #[test]
    fn a_corrupt_row_is_an_error_not_a_panic() {
        let (_dir, mut store, acct) = store_with_account();
        let ids = queue(&mut store, acct, "a", &[1]);
        store
            .conn
            .execute("PRAGMA ignore_check_constraints = ON", [])
            .expect("pragma");
        store
            .conn
            .execute(
                "UPDATE operations SET participant = 'junk' WHERE id = ?1",
                [ids[0].0],
            )
            .expect("corrupt");
        assert!(matches!(
            store.operations(acct, &OperationFilter::default()),
            Err(StoreError::Corrupt(_))
        ));
    }
}
