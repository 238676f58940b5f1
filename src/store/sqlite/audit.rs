//! The audit trail on SQLite: every HTTP exchange and every participant outcome. The access
//! token has no column; text that might carry one is redacted.

use rusqlite::{Connection, Row, params};

use crate::domain::{OpId, OperationKind, OperationState};
use crate::store::redact;
use crate::store::{
    AccountId, Exchange, ExchangeId, ExchangeRecord, Outcome, OutcomeRecord, StoreError,
};

/// Inserts an exchange, on its own or inside a caller's transaction.
pub(super) fn insert_exchange(
    conn: &Connection,
    acct: AccountId,
    exchange: &Exchange,
) -> Result<ExchangeId, StoreError> {
    conn.prepare_cached(
        "INSERT INTO exchanges (account_id, at, method, path, group_id, participants,
            status, graph_code, request_id, duration_ms, error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        acct.0,
        exchange.at,
        exchange.method,
        redact::secrets(&exchange.path),
        exchange.group_id,
        exchange.participants,
        exchange.status,
        exchange.graph_code,
        exchange.request_id,
        i64::try_from(exchange.duration_ms).unwrap_or(i64::MAX),
        exchange.error.as_deref().map(redact::secrets),
    ])?;
    Ok(ExchangeId(conn.last_insert_rowid()))
}

/// Inserts a participant outcome, on its own or inside a caller's transaction. An outcome
/// that names no `request_id` (settled by a read, or by an event without one) takes the one
/// its operation's answer carried, so every outcome of an answered request names it.
pub(super) fn insert_outcome(
    conn: &Connection,
    acct: AccountId,
    outcome: &Outcome,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO outcomes (account_id, at, group_id, participant, action, result,
            code, message, request_id, operation_id, username)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
            coalesce(?9, (SELECT request_id FROM operations
                          WHERE account_id = ?1 AND id = ?10)),
            ?10, ?11)",
    )?
    .execute(params![
        acct.0,
        outcome.at,
        outcome.group_id,
        outcome.participant,
        outcome.action.as_str(),
        outcome.result.as_str(),
        outcome.code,
        outcome.message.as_deref().map(redact::secrets),
        outcome.request_id,
        outcome.operation_id.map(|id| id.0),
        outcome.username,
    ])?;
    Ok(())
}

/// The account's exchanges, oldest first.
pub(super) fn exchanges(
    conn: &Connection,
    acct: AccountId,
) -> Result<Vec<ExchangeRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, method, path, group_id, participants, status, graph_code, request_id,
            duration_ms, error
         FROM exchanges WHERE account_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![acct.0], exchange_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The account's participant outcomes, oldest first.
/// The account's outcomes, oldest first: all of them, or the newest `latest`.
pub(super) fn outcomes(
    conn: &Connection,
    acct: AccountId,
    latest: Option<usize>,
) -> Result<Vec<OutcomeRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM (
            SELECT id, at, group_id, participant, action, result, code, message, request_id,
                operation_id, username
            FROM outcomes WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2
         ) ORDER BY id",
    )?;
    // SQLite reads a negative limit as none.
    let limit = latest.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    let rows = stmt.query_map(params![acct.0, limit], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(4)?,
            row.get::<_, String>(5)?,
            Outcome {
                at: row.get(1)?,
                group_id: row.get(2)?,
                participant: row.get(3)?,
                username: row.get(10)?,
                action: OperationKind::Add,
                result: OperationState::Pending,
                code: row.get(6)?,
                message: row.get(7)?,
                request_id: row.get(8)?,
                operation_id: row.get::<_, Option<i64>>(9)?.map(OpId),
            },
        ))
    })?;
    rows.map(|row| {
        let (id, action, result, mut outcome) = row?;
        let corrupt = |e: String| StoreError::Corrupt(format!("outcome {id}: {e}"));
        outcome.action = crate::domain::OperationKind::from_name(&action)
            .ok_or_else(|| corrupt(format!("unknown action `{action}`")))?;
        outcome.result = result.parse().map_err(corrupt)?;
        Ok(OutcomeRecord { id, outcome })
    })
    .collect()
}

fn exchange_row(row: &Row<'_>) -> rusqlite::Result<ExchangeRecord> {
    Ok(ExchangeRecord {
        id: ExchangeId(row.get(0)?),
        exchange: Exchange {
            at: row.get(1)?,
            method: row.get(2)?,
            path: row.get(3)?,
            group_id: row.get(4)?,
            participants: row.get(5)?,
            status: row.get(6)?,
            graph_code: row.get(7)?,
            request_id: row.get(8)?,
            duration_ms: u64::try_from(row.get::<_, i64>(9)?).unwrap_or(0),
            error: row.get(10)?,
        },
    })
}
