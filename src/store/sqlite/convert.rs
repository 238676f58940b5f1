//! Rows to values: an operation row read back into its typed spec and state.

use rusqlite::Row;

use crate::domain::operation::SpecParts;
use crate::domain::{OpId, OpSpec, Participant};
use crate::store::{Operation, StoreError, UnixMs};

/// The columns [`operation`] reads, in its order.
pub(super) const OP_COLUMNS: &str = "id, kind, group_id, participant, payload, state, attempts,
    attempt_id, error_code, error_message, request_id, flag, created_at, updated_at";

/// A row as SQLite gives it, before its text is checked.
pub(super) struct RawOperation {
    id: i64,
    kind: String,
    group_id: Option<String>,
    participant: Option<String>,
    payload: Option<String>,
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
        kind: row.get(1)?,
        group_id: row.get(2)?,
        participant: row.get(3)?,
        payload: row.get(4)?,
        state: row.get(5)?,
        attempts: row.get(6)?,
        attempt_id: row.get(7)?,
        error_code: row.get(8)?,
        error_message: row.get(9)?,
        request_id: row.get(10)?,
        flag: row.get(11)?,
        created_at: row.get(12)?,
        updated_at: row.get(13)?,
    })
}

impl TryFrom<RawOperation> for Operation {
    type Error = StoreError;

    fn try_from(raw: RawOperation) -> Result<Self, StoreError> {
        let corrupt = |what: String| StoreError::Corrupt(format!("operation {}: {what}", raw.id));
        let participant = raw
            .participant
            .as_deref()
            .map(Participant::from_wa_id)
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?;
        let spec = OpSpec::from_parts(SpecParts {
            kind: crate::domain::OperationKind::from_name(&raw.kind)
                .ok_or_else(|| corrupt(format!("unknown kind `{}`", raw.kind)))?,
            group: raw.group_id,
            participant,
            payload: raw.payload,
        })
        .map_err(|e| corrupt(e.to_string()))?;
        Ok(Operation {
            id: OpId(raw.id),
            spec,
            state: raw.state.parse().map_err(corrupt)?,
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

/// A `count(*)` column as a `usize` (counts are never negative).
pub(super) fn count_at(row: &Row<'_>, index: usize) -> rusqlite::Result<usize> {
    Ok(usize::try_from(row.get::<_, i64>(index)?).unwrap_or(0))
}
