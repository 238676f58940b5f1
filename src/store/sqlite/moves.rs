//! The engine's state moves on SQLite: claims, settlements and retries, each inside the
//! caller's transaction, each checked against the one table of moves
//! (`OperationState::can_move_to`).

use rusqlite::{Connection, OptionalExtension, params};

use super::audit;
use crate::domain::{OpId, OperationState};
use crate::store::{AccountId, Settlement, StateChange, StoreError, now_ms};

/// The state of one operation of this account, or `NotFound`.
pub(super) fn state_of(
    conn: &Connection,
    acct: AccountId,
    id: OpId,
) -> Result<OperationState, StoreError> {
    let state: Option<String> = conn
        .prepare_cached("SELECT state FROM operations WHERE account_id = ?1 AND id = ?2")?
        .query_row(params![acct.0, id.0], |row| row.get(0))
        .optional()?;
    let state = state.ok_or(StoreError::NotFound(id))?;
    state.parse().map_err(StoreError::Corrupt)
}

/// Claims pending operations for attempt `attempt_id` (they become `sending`, their attempts
/// counted). All or nothing: if one of them is not pending (dropped, or claimed by another
/// batch), the error names it.
pub(super) fn claim(
    conn: &Connection,
    acct: AccountId,
    ids: &[OpId],
    attempt_id: &str,
) -> Result<(), StoreError> {
    let now = now_ms();
    for &id in ids {
        let state = state_of(conn, acct, id)?;
        if !state.can_move_to(OperationState::Sending) {
            return Err(StoreError::WrongState {
                id,
                state,
                wanted: "only pending operations can be sent",
            });
        }
        conn.prepare_cached(
            "UPDATE operations SET state = 'sending', attempts = attempts + 1,
                attempt_id = ?2, updated_at = ?3
             WHERE id = ?1",
        )?
        .execute(params![id.0, attempt_id, now])?;
    }
    Ok(())
}

/// Records what one answer settled: new states, outcomes and the exchange.
pub(super) fn settle(
    conn: &Connection,
    acct: AccountId,
    settlement: &Settlement,
) -> Result<(), StoreError> {
    let now = now_ms();
    for change in &settlement.changes {
        if matches!(
            change.state,
            OperationState::Pending | OperationState::Sending
        ) {
            return Err(StoreError::BadTarget(change.state));
        }
        let state = state_of(conn, acct, change.id)?;
        if !state.can_move_to(change.state) {
            return Err(StoreError::WrongState {
                id: change.id,
                state,
                wanted: "that move is not allowed",
            });
        }
        move_to(conn, change, settlement.request_id.as_deref(), now)?;
    }
    for change in &settlement.mirror {
        super::mirror::apply(conn, acct, change)?;
    }
    for outcome in &settlement.outcomes {
        audit::insert_outcome(conn, acct, outcome)?;
    }
    if let Some(exchange) = &settlement.exchange {
        audit::insert_exchange(conn, acct, exchange)?;
    }
    Ok(())
}

/// Writes one operation's new state (the move was checked by the caller), with the request id
/// when one is given (an earlier one is kept otherwise), and the group a create made when the
/// change names one.
pub(super) fn move_to(
    conn: &Connection,
    change: &StateChange,
    request_id: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE operations SET state = ?2, error_code = ?3, error_message = ?4,
            request_id = coalesce(?5, request_id), updated_at = ?6,
            group_id = coalesce(?7, group_id)
         WHERE id = ?1",
    )?
    .execute(params![
        change.id.0,
        change.state.as_str(),
        change.code,
        change.message,
        request_id,
        now,
        change.group
    ])?;
    Ok(())
}

/// [`settle`] for settlements that may meet operations already settled elsewhere (a webhook
/// processed by another process, while a read confirmed the same change): an operation
/// already in a final state is left as it is, and its outcome row is not written. Returns the
/// operations that moved.
pub(super) fn settle_open(
    conn: &Connection,
    acct: AccountId,
    settlement: &Settlement,
) -> Result<Vec<OpId>, StoreError> {
    let mut open = Vec::with_capacity(settlement.changes.len());
    for change in &settlement.changes {
        if !state_of(conn, acct, change.id)?.is_final() {
            open.push(change.clone());
        }
    }
    let moved: Vec<OpId> = open.iter().map(|c| c.id).collect();
    let narrowed = Settlement {
        changes: open,
        request_id: settlement.request_id.clone(),
        outcomes: settlement
            .outcomes
            .iter()
            .filter(|o| o.operation_id.is_none_or(|id| moved.contains(&id)))
            .cloned()
            .collect(),
        exchange: settlement.exchange.clone(),
        mirror: settlement.mirror.clone(),
    };
    settle(conn, acct, &narrowed)?;
    Ok(moved)
}

/// Puts operations back in the queue for another try (sent but known not applied, or failed
/// or skipped and retried by the operator). The last error is kept for the operator to see.
/// An operation whose slot has meanwhile got another pending change is not put back (the
/// later change wins) but marked `skipped`, saying by which. Returns how many are pending again.
pub(super) fn reset(conn: &Connection, acct: AccountId, ids: &[OpId]) -> Result<usize, StoreError> {
    let now = now_ms();
    let mut reset = 0;
    for &id in ids {
        let state = state_of(conn, acct, id)?;
        if state == OperationState::Pending {
            continue;
        }
        if !state.can_move_to(OperationState::Pending) {
            return Err(StoreError::WrongState {
                id,
                state,
                wanted: if state == OperationState::Confirmed {
                    "it is done; queue a new change instead"
                } else {
                    "the server took it; it is settled by reading, never sent again"
                },
            });
        }
        let twin: Option<i64> = conn
            .prepare_cached(
                "SELECT twin.id FROM operations op JOIN operations twin
                    ON twin.account_id = op.account_id AND twin.slot = op.slot
                    AND twin.state = 'pending'
                 WHERE op.id = ?1",
            )?
            .query_row(params![id.0], |row| row.get(0))
            .optional()?;
        match twin {
            Some(twin) => {
                conn.prepare_cached(
                    "UPDATE operations SET state = 'skipped', error_message = ?2, updated_at = ?3
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
                conn.prepare_cached(
                    "UPDATE operations SET state = 'pending', attempt_id = NULL, updated_at = ?2
                     WHERE id = ?1",
                )?
                .execute(params![id.0, now])?;
                reset += 1;
            }
        }
    }
    Ok(reset)
}
