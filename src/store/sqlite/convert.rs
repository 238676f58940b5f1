//! Rows to values: an operation row read back into its typed spec and state.

use rusqlite::Row;

use crate::domain::operation::SpecParts;
use crate::domain::{OpId, OpSpec, Participant, Person, UserId};
use crate::store::{Operation, StoreError, UnixMs};

/// The columns [`raw_operation`] reads, in its order.
pub(super) const OP_COLUMNS: &str = "id, kind, group_id, participant, payload, state, attempts,
    attempt_id, error_code, error_message, request_id, flag, created_at, updated_at, user_id,
    parent_user_id, username";

/// The columns [`person`] reads a member from, in its order (for `group_members`).
pub(super) const MEMBER_COLUMNS: &str = "wa_id, user_id, parent_user_id, username";

/// A person's columns as SQLite gives them, before their text is checked: the phone (E.164
/// or a wa_id), BSUID, parent BSUID, username.
pub(super) type RawPerson = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The person's columns at `first` and the three after it ([`MEMBER_COLUMNS`]' order).
pub(super) fn raw_person(row: &Row<'_>, first: usize) -> rusqlite::Result<RawPerson> {
    Ok((
        row.get(first)?,
        row.get(first + 1)?,
        row.get(first + 2)?,
        row.get(first + 3)?,
    ))
}

/// A person back from their columns; `None` when neither a phone nor a BSUID is stored (a
/// change of a kind about no one), an error for text that is neither.
pub(super) fn person(raw: RawPerson) -> Result<Option<Person>, String> {
    let (phone, user_id, parent, username) = raw;
    let phone = phone
        .as_deref()
        .map(Participant::from_wa_id)
        .transpose()
        .map_err(|e| e.to_string())?;
    let user_id = user_id.as_deref().map(UserId::parse).transpose()?;
    let parent = parent.as_deref().map(UserId::parse).transpose()?;
    Ok(
        Person::known(phone, user_id)
            .map(|p| p.with_parent_user_id(parent).with_username(username)),
    )
}

/// A person's columns as stored.
pub(super) struct PersonColumns<'a> {
    /// The phone in E.164, and its wa_id.
    pub e164: Option<&'a str>,
    pub wa_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
    pub parent_user_id: Option<&'a str>,
    pub username: Option<&'a str>,
}

/// A person's columns to store (all `None` for no one).
pub(super) fn person_columns(p: Option<&Person>) -> PersonColumns<'_> {
    PersonColumns {
        e164: p.and_then(Person::phone).map(Participant::e164),
        wa_id: p.and_then(Person::phone).map(Participant::wa_id),
        user_id: p.and_then(Person::user_id).map(UserId::as_str),
        parent_user_id: p.and_then(Person::parent_user_id).map(UserId::as_str),
        username: p.and_then(Person::username),
    }
}

/// A row as SQLite gives it, before its text is checked.
pub(super) struct RawOperation {
    id: i64,
    kind: String,
    group_id: Option<String>,
    person: RawPerson,
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
        person: (row.get(3)?, row.get(14)?, row.get(15)?, row.get(16)?),
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
        let person = person(raw.person).map_err(corrupt)?;
        let spec = OpSpec::from_parts(SpecParts {
            kind: crate::domain::OperationKind::from_name(&raw.kind)
                .ok_or_else(|| corrupt(format!("unknown kind `{}`", raw.kind)))?,
            group: raw.group_id,
            person,
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
