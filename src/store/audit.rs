//! The audit trail: every HTTP exchange and every participant outcome, for the log pane and
//! for the record. The access token has no column; text that might carry one is redacted.

use rusqlite::{Connection, Row, params};
use serde::{Deserialize, Serialize};

use super::{AccountId, ExchangeId, OpId, Store, StoreError, UnixMs, redact};
use crate::domain::{OperationKind, OperationState};

/// One HTTP request and what came of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    pub at: UnixMs,
    pub method: String,
    /// The request path (and query); an `access_token` parameter is blanked when stored.
    pub path: String,
    pub group_id: Option<String>,
    /// The participants of the request, as text (`+1555…, +4420…`).
    pub participants: String,
    /// The HTTP status; `None` when no answer came (timeout, dropped connection).
    pub status: Option<u16>,
    /// The Graph API error code, when the answer carried one.
    pub graph_code: Option<i64>,
    pub request_id: Option<String>,
    pub duration_ms: u64,
    /// What went wrong, in words (redacted like the path).
    pub error: Option<String>,
}

/// A stored exchange.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRecord {
    pub id: ExchangeId,
    pub exchange: Exchange,
}

/// What became of one participant of one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub at: UnixMs,
    pub group_id: String,
    /// The participant as sent (E.164).
    pub participant: String,
    pub action: OperationKind,
    pub result: OperationState,
    pub code: Option<i64>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub operation_id: Option<OpId>,
}

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

/// Inserts a participant outcome, on its own or inside a caller's transaction.
pub(super) fn insert_outcome(
    conn: &Connection,
    acct: AccountId,
    outcome: &Outcome,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO outcomes (account_id, at, group_id, participant, action, result,
            code, message, request_id, operation_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
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
    ])?;
    Ok(())
}

/// A stored outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeRecord {
    pub id: i64,
    pub outcome: Outcome,
}

impl Store {
    /// Appends one HTTP exchange to the audit trail.
    pub fn record_exchange(
        &mut self,
        acct: AccountId,
        exchange: &Exchange,
    ) -> Result<ExchangeId, StoreError> {
        insert_exchange(&self.conn, acct, exchange)
    }

    /// Appends one participant outcome to the audit trail.
    pub fn record_outcome(&mut self, acct: AccountId, outcome: &Outcome) -> Result<(), StoreError> {
        insert_outcome(&self.conn, acct, outcome)
    }

    /// The account's exchanges, oldest first.
    pub fn exchanges(&self, acct: AccountId) -> Result<Vec<ExchangeRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, method, path, group_id, participants, status, graph_code, request_id,
                duration_ms, error
             FROM exchanges WHERE account_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![acct.0], exchange_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The account's participant outcomes, oldest first.
    pub fn outcomes(&self, acct: AccountId) -> Result<Vec<OutcomeRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, group_id, participant, action, result, code, message, request_id,
                operation_id
             FROM outcomes WHERE account_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![acct.0], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                Outcome {
                    at: row.get(1)?,
                    group_id: row.get(2)?,
                    participant: row.get(3)?,
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
            outcome.action = action.parse().map_err(corrupt)?;
            outcome.result = result.parse().map_err(corrupt)?;
            Ok(OutcomeRecord { id, outcome })
        })
        .collect()
    }
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

#[cfg(test)]
mod tests {
    use super::super::testing::{person, store_with_account};
    use super::super::{MirrorGroup, NewOperation};
    use super::*;

    const TOKEN: &str = "EAAGm0PX4ZCpsBAKZCZBtestTOKENvalue1234567890";

    fn exchange(path: &str, error: Option<&str>) -> Exchange {
        Exchange {
            at: 1_700_000_000_000,
            method: "POST".into(),
            path: path.into(),
            group_id: Some("g1".into()),
            participants: "+12025550001, +12025550002".into(),
            status: None,
            graph_code: None,
            request_id: None,
            duration_ms: 30_000,
            error: error.map(str::to_owned),
        }
    }

    #[test]
    fn exchanges_and_outcomes_round_trip_per_account() {
        let (_dir, mut store, acct) = store_with_account();
        let other = store
            .account("https://graph.example", "2000")
            .expect("other");
        let sent = Exchange {
            status: Some(206),
            graph_code: Some(131201),
            request_id: Some("req-1".into()),
            ..exchange("/v23.0/g1/participants", None)
        };
        let id = store.record_exchange(acct, &sent).expect("record");
        let dropped = exchange("/v23.0/g1/participants", Some("connection reset"));
        store.record_exchange(acct, &dropped).expect("record");
        let outcome = Outcome {
            at: 1,
            group_id: "g1".into(),
            participant: "+12025550001".into(),
            action: OperationKind::Add,
            result: OperationState::Failed,
            code: Some(131203),
            message: Some("terms not accepted".into()),
            request_id: Some("req-1".into()),
            operation_id: Some(OpId(4)),
        };
        store.record_outcome(acct, &outcome).expect("outcome");

        let listed = store.exchanges(acct).expect("list");
        assert_eq!(listed.len(), 2);
        assert_eq!((listed[0].id, &listed[0].exchange), (id, &sent));
        assert_eq!(listed[1].exchange.status, None);
        assert_eq!(store.outcomes(acct).expect("list")[0].outcome, outcome);
        assert!(store.exchanges(other).expect("list").is_empty());
        assert!(store.outcomes(other).expect("list").is_empty());
    }

    #[test]
    fn no_column_anywhere_is_for_a_token() {
        let (_dir, store, _acct) = store_with_account();
        let mut stmt = store
            .conn
            .prepare(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table'",
            )
            .expect("schema");
        let columns: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert!(columns.len() > 30, "{columns:?}");
        for (table, column) in columns {
            let lower = column.to_lowercase();
            assert!(
                !["token", "secret", "authorization", "bearer"]
                    .iter()
                    .any(|bad| lower.contains(bad)),
                "{table}.{column}"
            );
        }
    }

    #[test]
    fn a_token_passed_in_text_never_reaches_the_file() {
        let (dir, mut store, acct) = store_with_account();
        store
            .record_exchange(
                acct,
                &exchange(
                    &format!("/v23.0/1000/groups?access_token={TOKEN}&limit=10"),
                    Some(&format!("401 for Authorization: Bearer {TOKEN}")),
                ),
            )
            .expect("record");
        store
            .record_outcome(
                acct,
                &Outcome {
                    at: 1,
                    group_id: "g1".into(),
                    participant: "+12025550001".into(),
                    action: OperationKind::Remove,
                    result: OperationState::Failed,
                    code: Some(190),
                    message: Some(format!("token access_token={TOKEN} expired")),
                    request_id: None,
                    operation_id: None,
                },
            )
            .expect("outcome");
        store
            .upsert_group(
                acct,
                &MirrorGroup {
                    id: "g1".into(),
                    subject: "Runners".into(),
                    members: vec![person(1)],
                    member_count: 1,
                    read_at: 1,
                    gone_at: None,
                },
            )
            .expect("mirror");
        store
            .enqueue(
                acct,
                &[NewOperation {
                    group_id: "g1".into(),
                    participant: person(2),
                    kind: OperationKind::Add,
                }],
            )
            .expect("enqueue");
        let stored = store.exchanges(acct).expect("list");
        assert!(
            stored[0]
                .exchange
                .path
                .contains("access_token=[redacted]&limit=10")
        );

        // Look at the bytes of the database and its WAL, before and after a checkpoint.
        let scan = |when: &str| {
            for entry in std::fs::read_dir(dir.path()).expect("dir") {
                let path = entry.expect("entry").path();
                let bytes = std::fs::read(&path).expect("read");
                let found = bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes());
                assert!(!found, "token found in {} {when}", path.display());
            }
        };
        scan("before checkpoint");
        store
            .conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .expect("checkpoint");
        scan("after checkpoint");
    }
}
