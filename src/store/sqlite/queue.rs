//! Reading and pruning the queue on SQLite: operations by group, state or id, counts, drop and
//! undo.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, ToSql, params};

use super::convert::{OP_COLUMNS, count_at, id_list, raw_operation};
use super::enqueue::Enqueuer;
use crate::domain::number_forms::phone_key;
use crate::domain::{OpId, OperationState, Query};
use crate::store::{
    AccountId, DropReport, DropScope, Operation, OperationFilter, Pushed, StoreError, Undone,
};

/// The operations matching `filter`, oldest first.
pub(super) fn operations(
    conn: &Connection,
    acct: AccountId,
    filter: &OperationFilter,
) -> Result<Vec<Operation>, StoreError> {
    let state = filter.state.map(OperationState::as_str);
    let ids = filter.ids.as_deref().map(id_list);
    let mut args: Vec<&dyn ToSql> = vec![&acct.0];
    if let Some(group) = &filter.group {
        args.push(group);
    }
    if let Some(state) = &state {
        args.push(state);
    }
    if let Some(ids) = &ids {
        args.push(ids);
    }
    let sql = select_operations(filter.group.is_some(), state.is_some(), ids.is_some());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(args.as_slice(), raw_operation)?;
    rows.map(|raw| Operation::try_from(raw?)).collect()
}

/// The pending adds of someone answering `query` (their phone in any of its forms, their
/// BSUID, their username in any case): each add's group and id, oldest first. Only those rows
/// are read (a person search runs at each key typed, on a queue of tens of thousands).
pub(super) fn pending_adds_of(
    conn: &Connection,
    acct: AccountId,
    query: &Query,
) -> Result<Vec<(String, OpId)>, StoreError> {
    let (condition, value) = match query {
        // An add's slot holds its person's phone key (`OpSpec::slot`).
        Query::Phone(phone) => (
            "slot = 'participant:' || group_id || ':' || ?2",
            phone_key(phone.wa_id()).into_owned(),
        ),
        Query::User(id) => ("user_id = ?2", id.as_str().to_owned()),
        Query::Username(name) => ("username = ?2 COLLATE NOCASE", name.clone()),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT group_id, id FROM operations
         WHERE account_id = ?1 AND state = 'pending' AND kind = 'add' AND group_id IS NOT NULL
           AND {condition}
         ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![acct.0, value], |row| {
        Ok((row.get::<_, String>(0)?, OpId(row.get(1)?)))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The query of [`operations`], its parameters in order: the account, then the group, the
/// state and the ids (a JSON list), those it filters by.
fn select_operations(group: bool, state: bool, ids: bool) -> String {
    // Named ids are looked up by their primary key: `+` keeps the planner off the account's
    // index, which would read every operation of the account for a few ids.
    let account = if ids { "+account_id" } else { "account_id" };
    let mut sql = format!("SELECT {OP_COLUMNS} FROM operations WHERE {account} = ?");
    if group {
        sql.push_str(" AND group_id = ?");
    }
    if state {
        sql.push_str(" AND state = ?");
    }
    if ids {
        sql.push_str(" AND id IN (SELECT value FROM json_each(?))");
    }
    sql.push_str(" ORDER BY id");
    sql
}

/// The operations whose answer carried `request_id`, oldest first.
pub(super) fn with_request_id(
    conn: &Connection,
    acct: AccountId,
    request_id: &str,
) -> Result<Vec<Operation>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {OP_COLUMNS} FROM operations WHERE account_id = ?1 AND request_id = ?2 ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![acct.0, request_id], raw_operation)?;
    rows.map(|raw| Operation::try_from(raw?)).collect()
}

/// The groups creates made (found and recorded with their operation).
pub(super) fn created_groups(
    conn: &Connection,
    acct: AccountId,
) -> Result<std::collections::HashSet<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT group_id FROM operations
         WHERE account_id = ?1 AND kind = 'create' AND group_id IS NOT NULL",
    )?;
    let rows = stmt.query_map(params![acct.0], |row| row.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A failed operation that was queued again: a later operation holds its slot (the failed one
/// stays, as history, and is no longer a failure to act on). Of `operations o`; the group's
/// index finds the later one.
pub(super) const RETRIED: &str = "EXISTS (SELECT 1 FROM operations later
    WHERE later.account_id = o.account_id AND later.group_id IS o.group_id
      AND later.slot = o.slot AND later.id > o.id)";

/// How many operations are in each state (every state present, zeros included); `failed`
/// counts the failures not queued again since ([`RETRIED`]).
pub(super) fn count_by_state(
    conn: &Connection,
    acct: AccountId,
) -> Result<BTreeMap<OperationState, usize>, StoreError> {
    let mut counts: BTreeMap<OperationState, usize> =
        OperationState::ALL.into_iter().map(|s| (s, 0)).collect();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT state, count(*) FROM operations o WHERE account_id = ?1
           AND NOT (state = 'failed' AND {RETRIED}) GROUP BY state"
    ))?;
    let rows = stmt.query_map(params![acct.0], |row| {
        Ok((row.get::<_, String>(0)?, count_at(row, 1)?))
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
pub(super) fn drop_operations(
    conn: &Connection,
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
    let count = |states: &str| -> Result<usize, StoreError> {
        Ok(conn.query_row(
            &format!(
                "SELECT count(*) FROM operations
                 WHERE account_id = ?1 AND state IN ({states}) AND {condition}"
            ),
            params![acct.0, arg],
            |row| count_at(row, 0),
        )?)
    };
    let kept_in_flight = count("'sending', 'accepted'")?;
    let kept_finished = count("'confirmed', 'failed', 'skipped'")?;
    let dropped = conn.execute(
        &format!(
            "DELETE FROM operations WHERE account_id = ?1 AND state = 'pending' AND {condition}"
        ),
        params![acct.0, arg],
    )?;
    Ok(DropReport {
        dropped,
        kept_in_flight,
        kept_finished,
    })
}

/// Takes back one operation: a pending one leaves the queue; one the server took (accepted or
/// confirmed) is reversed by queueing the change that undoes it; one being sent cannot be
/// undone yet.
pub(super) fn undo(conn: &Connection, acct: AccountId, id: OpId) -> Result<Undone, StoreError> {
    let op: Option<Operation> = conn
        .query_row(
            &format!("SELECT {OP_COLUMNS} FROM operations WHERE account_id = ?1 AND id = ?2"),
            params![acct.0, id.0],
            raw_operation,
        )
        .optional()?
        .map(Operation::try_from)
        .transpose()?;
    let op = op.ok_or(StoreError::NotFound(id))?;
    match op.state {
        OperationState::Pending => {
            conn.execute("DELETE FROM operations WHERE id = ?1", params![id.0])?;
            Ok(Undone::Withdrawn)
        }
        OperationState::Sending => Err(StoreError::WrongState {
            id,
            state: op.state,
            wanted: "wait for its outcome before undoing it",
        }),
        OperationState::Accepted | OperationState::Confirmed => {
            // A later change of the same slot the server took stands instead (a removal
            // after this add): reversing this one now would only repeat that one.
            let later: Option<i64> = conn.query_row(
                "SELECT min(id) FROM operations
                     WHERE account_id = ?1 AND slot = (SELECT slot FROM operations WHERE id = ?2)
                       AND id > ?2 AND state IN ('sending', 'accepted', 'confirmed')",
                params![acct.0, id.0],
                |row| row.get(0),
            )?;
            if let Some(later) = later {
                return Ok(Undone::FollowedBy(OpId(later)));
            }
            let Some(reverse) = op.spec.reverse() else {
                let known_by_bsuid_only = op.person().is_some_and(|p| p.phone().is_none());
                return Err(StoreError::WrongState {
                    id,
                    state: op.state,
                    wanted: if known_by_bsuid_only {
                        "it removed someone known only by BSUID, who can be added back only by phone number"
                    } else {
                        "this kind of change cannot be taken back"
                    },
                });
            };
            match Enqueuer::new(acct).push(conn, &reverse)? {
                Pushed::Duplicate { existing } => Ok(Undone::ReversalPending(existing)),
                Pushed::Stored { id, .. } => Ok(Undone::Reversed(id)),
                Pushed::Cancelled { .. } => Ok(Undone::Withdrawn),
            }
        }
        OperationState::Failed | OperationState::Skipped => Ok(Undone::NothingToUndo(op.state)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Operations named by id are found by their key, not by reading the account's queue:
    /// a run reads a few ids after each answer, of a queue of tens of thousands.
    #[test]
    fn operations_named_by_id_are_looked_up_by_their_key() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        super::super::schema::migrate(&mut conn).expect("schema");
        let plan = |sql: &str, args: &[&dyn ToSql]| -> String {
            let mut stmt = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .expect("plan");
            stmt.query_map(args, |row| row.get::<_, String>(3))
                .expect("rows")
                .map(|r| r.expect("detail"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let by_ids = plan(&select_operations(false, false, true), &[&1, &"[1,2]"]);
        assert!(by_ids.contains("INTEGER PRIMARY KEY"), "{by_ids}");
        let by_state = plan(
            &select_operations(false, true, true),
            &[&1, &"pending", &"[1]"],
        );
        assert!(by_state.contains("INTEGER PRIMARY KEY"), "{by_state}");
        let by_group = plan(
            &select_operations(true, true, false),
            &[&1, &"g", &"accepted"],
        );
        assert!(by_group.contains("operations_by_group"), "{by_group}");
    }
}
