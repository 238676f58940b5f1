//! The webhook inbox on SQLite: events received once by their key, listed for processing and
//! for the operator, and what processing one event applies (operation moves, the mirror's
//! members and groups, its effects), in one transaction.

use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};

use super::{account, audit, moves};
use crate::domain::{EventType, GroupEvent, OperationState};
use crate::store::{
    AccountId, EventApplication, EventEffects, EventFilter, EventRecord, GroupChange, MemberChange,
    NumberBatch, Received, SettledOp, StoreError, now_ms,
};

const EVENT_COLUMNS: &str =
    "id, received_at, deliveries, event, processed_seq, processed_at, effects";

/// Oldest first: by when it happened (when it came, for an event without a time), then by
/// arrival.
const OLDEST_FIRST: &str = "coalesce(at, received_at), id";

/// A row as SQLite gives it, before its JSON is read.
struct RawEvent {
    id: i64,
    received_at: i64,
    deliveries: u32,
    event: String,
    seq: Option<i64>,
    processed_at: Option<i64>,
    effects: Option<String>,
}

fn raw_event(row: &Row<'_>) -> rusqlite::Result<RawEvent> {
    Ok(RawEvent {
        id: row.get(0)?,
        received_at: row.get(1)?,
        deliveries: row.get(2)?,
        event: row.get(3)?,
        seq: row.get(4)?,
        processed_at: row.get(5)?,
        effects: row.get(6)?,
    })
}

fn to_record(raw: RawEvent) -> Result<EventRecord, StoreError> {
    let id = raw.id;
    let event: GroupEvent = serde_json::from_str(&raw.event)
        .map_err(|e| StoreError::Corrupt(format!("webhook event {id}: {e}")))?;
    let effects = match raw.effects {
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("webhook event {id} effects: {e}")))?,
        None => EventEffects::default(),
    };
    Ok(EventRecord {
        id,
        received_at: raw.received_at,
        deliveries: raw.deliveries,
        event,
        seq: raw.seq,
        processed_at: raw.processed_at,
        effects,
    })
}

fn query(
    conn: &Connection,
    sql: &str,
    args: &[&dyn ToSql],
) -> Result<Vec<EventRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(args, raw_event)?;
    rows.map(|row| to_record(row?)).collect()
}

/// Stores each batch's events under the account of its number (created on first use), each
/// once: an event whose key the account has is counted as delivered again.
pub(super) fn receive(
    conn: &Connection,
    base_url: &str,
    batches: &[NumberBatch],
) -> Result<Vec<(AccountId, Received)>, StoreError> {
    let now = now_ms();
    let mut out = Vec::with_capacity(batches.len());
    for batch in batches {
        let acct = account::account(conn, base_url, &batch.phone_number_id)?;
        let mut received = Received::default();
        for new in &batch.events {
            let e = &new.event;
            let who = match e.kind {
                EventType::JoinRequestCreated | EventType::JoinRequestRevoked => {
                    e.people.first().and_then(|p| p.keys().into_iter().next())
                }
                _ => None,
            };
            let json = serde_json::to_string(e)
                .map_err(|err| StoreError::Corrupt(format!("webhook event: {err}")))?;
            let inserted = conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO webhook_events (account_id, event_key, received_at,
                        at, field, type, group_id, request_id, who, event)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute(params![
                    acct.0,
                    new.key,
                    now,
                    e.at,
                    e.field.as_str(),
                    e.kind.as_str(),
                    e.group_id,
                    e.request_id,
                    who,
                    json
                ])?;
            if inserted == 1 {
                received.new += 1;
            } else {
                conn.prepare_cached(
                    "UPDATE webhook_events SET deliveries = deliveries + 1
                     WHERE account_id = ?1 AND event_key = ?2",
                )?
                .execute(params![acct.0, new.key])?;
                received.repeated += 1;
            }
        }
        out.push((acct, received));
    }
    Ok(out)
}

/// The business numbers at `base_url` with events not processed yet.
pub(super) fn numbers_with_unprocessed(
    conn: &Connection,
    base_url: &str,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT a.phone_number_id FROM webhook_events e
            JOIN accounts a ON a.id = e.account_id
         WHERE e.processed_seq IS NULL AND a.base_url = ?1",
    )?;
    let rows = stmt.query_map(params![base_url.trim().trim_end_matches('/')], |row| {
        row.get::<_, String>(0)
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Events not processed yet, oldest first.
pub(super) fn unprocessed(
    conn: &Connection,
    acct: AccountId,
    limit: usize,
) -> Result<Vec<EventRecord>, StoreError> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM webhook_events
         WHERE account_id = ?1 AND processed_seq IS NULL ORDER BY {OLDEST_FIRST} LIMIT ?2"
    );
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    query(conn, &sql, &[&acct.0, &limit])
}

/// Events that name `request_id`, oldest first.
pub(super) fn with_request_id(
    conn: &Connection,
    acct: AccountId,
    request_id: &str,
) -> Result<Vec<EventRecord>, StoreError> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM webhook_events
         WHERE account_id = ?1 AND request_id = ?2 ORDER BY {OLDEST_FIRST}"
    );
    query(conn, &sql, &[&acct.0, &request_id])
}

/// Events by `filter`: oldest first, or in processing order after a place in it.
pub(super) fn events(
    conn: &Connection,
    acct: AccountId,
    filter: &EventFilter,
) -> Result<Vec<EventRecord>, StoreError> {
    let mut sql = format!("SELECT {EVENT_COLUMNS} FROM webhook_events WHERE account_id = ?");
    let mut args: Vec<&dyn ToSql> = vec![&acct.0];
    if let Some(group) = &filter.group {
        sql.push_str(" AND group_id = ?");
        args.push(group);
    }
    if let Some(after) = &filter.after_seq {
        sql.push_str(" AND processed_seq > ? ORDER BY processed_seq");
        args.push(after);
    } else {
        sql.push_str(&format!(" ORDER BY {OLDEST_FIRST}"));
    }
    let limit = filter
        .limit
        .map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
    sql.push_str(" LIMIT ?");
    args.push(&limit);
    query(conn, &sql, &args)
}

/// The place in the processing order of the latest processed event.
pub(super) fn latest_seq(conn: &Connection, acct: AccountId) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT max(processed_seq) FROM webhook_events WHERE account_id = ?1")?
        .query_row(params![acct.0], |row| row.get(0))?)
}

/// Whether someone known by one of `keys` has a join request open in `group`: their latest
/// request event is a `created`, newer than their latest membership change there.
pub(super) fn join_request_open(
    conn: &Connection,
    acct: AccountId,
    group: &str,
    keys: &[String],
) -> Result<bool, StoreError> {
    let keys = serde_json::Value::from(keys.to_vec()).to_string();
    let latest: Option<(String, i64)> = conn
        .prepare_cached(
            "SELECT type, coalesce(at, received_at) FROM webhook_events
             WHERE account_id = ?1 AND group_id = ?2 AND who IN (SELECT value FROM json_each(?3))
               AND type IN ('group_join_request_created', 'group_join_request_revoked')
             ORDER BY coalesce(at, received_at) DESC, id DESC LIMIT 1",
        )?
        .query_row(params![acct.0, group, keys], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let Some((kind, asked_at)) = latest else {
        return Ok(false);
    };
    let moved_at: Option<i64> = conn
        .prepare_cached(
            "SELECT max(at) FROM member_moves
             WHERE account_id = ?1 AND group_id = ?2 AND member IN (SELECT value FROM json_each(?3))",
        )?
        .query_row(params![acct.0, group, keys], |row| row.get(0))?;
    Ok(kind == EventType::JoinRequestCreated.as_str() && moved_at.is_none_or(|m| m < asked_at))
}

fn effects_of(conn: &Connection, acct: AccountId, id: i64) -> Result<EventEffects, StoreError> {
    let text: Option<Option<String>> = conn
        .prepare_cached("SELECT effects FROM webhook_events WHERE account_id = ?1 AND id = ?2")?
        .query_row(params![acct.0, id], |row| row.get(0))
        .optional()?;
    match text {
        None => Err(StoreError::Corrupt(format!("no webhook event {id}"))),
        Some(None) => Ok(EventEffects::default()),
        Some(Some(text)) => serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("webhook event {id} effects: {e}"))),
    }
}

/// Applies what processing one event found, and records it as the event's effects.
pub(super) fn apply(
    conn: &Connection,
    acct: AccountId,
    app: &EventApplication,
) -> Result<EventEffects, StoreError> {
    let mut effects = effects_of(conn, acct, app.event_id)?;
    let now = now_ms();
    for (change, outcome) in &app.settle {
        // Only what is still waiting for its outcome: a read or another event may have
        // settled it first, and an operation is settled once.
        if moves::state_of(conn, acct, change.id)? != OperationState::Accepted {
            continue;
        }
        moves::move_to(conn, change, None, now)?;
        audit::insert_outcome(conn, acct, outcome)?;
        effects.operations.push(SettledOp {
            id: change.id,
            state: change.state,
            code: change.code,
            message: change.message.clone(),
        });
    }
    for member in &app.members {
        if let Some(note) = move_member(conn, acct, member)? {
            effects.notes.push(note);
        } else if member.joined {
            effects.joined.push(member.participant.e164().to_owned());
        } else {
            effects.left.push(member.participant.e164().to_owned());
        }
    }
    if let Some(change) = &app.group {
        group_change(conn, acct, change)?;
    }
    effects.by_approval |= app.by_approval;
    effects.notes.extend(app.notes.iter().cloned());
    let json = serde_json::to_string(&effects)
        .map_err(|e| StoreError::Corrupt(format!("webhook effects: {e}")))?;
    if app.first {
        conn.prepare_cached(
            "UPDATE webhook_events SET effects = ?3, processed_at = ?4,
                processed_seq = (SELECT coalesce(max(processed_seq), 0) + 1 FROM webhook_events
                                 WHERE account_id = ?1)
             WHERE account_id = ?1 AND id = ?2 AND processed_seq IS NULL",
        )?
        .execute(params![acct.0, app.event_id, json, now])?;
    } else {
        conn.prepare_cached(
            "UPDATE webhook_events SET effects = ?3 WHERE account_id = ?1 AND id = ?2",
        )?
        .execute(params![acct.0, app.event_id, json])?;
    }
    Ok(effects)
}

/// Applies one member change to the mirror when it is news; otherwise says why not.
fn move_member(
    conn: &Connection,
    acct: AccountId,
    m: &MemberChange,
) -> Result<Option<String>, StoreError> {
    let who = m.participant.e164();
    let read_at: Option<i64> = conn
        .prepare_cached("SELECT read_at FROM groups WHERE account_id = ?1 AND group_id = ?2")?
        .query_row(params![acct.0, m.group_id], |row| row.get(0))
        .optional()?;
    let Some(read_at) = read_at else {
        return Ok(Some(format!(
            "{who}: group {} is not in the mirror",
            m.group_id
        )));
    };
    // The event's time is in whole seconds: a read within the same second may or may not
    // show it, so only a read more than a second later is taken as newer.
    if read_at > m.at + 1000 {
        return Ok(Some(format!("{who}: the mirror was read after this")));
    }
    let wa_id = m.participant.wa_id();
    let last: Option<i64> = conn
        .prepare_cached(
            "SELECT at FROM member_moves WHERE account_id = ?1 AND group_id = ?2 AND member = ?3",
        )?
        .query_row(params![acct.0, m.group_id, wa_id], |row| row.get(0))
        .optional()?;
    if last.is_some_and(|last| last > m.at) {
        return Ok(Some(format!("{who}: a newer change was seen first")));
    }
    conn.prepare_cached(
        "INSERT INTO member_moves (account_id, group_id, member, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account_id, group_id, member) DO UPDATE SET at = excluded.at",
    )?
    .execute(params![acct.0, m.group_id, wa_id, m.at])?;
    let changed = if m.joined {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO group_members (account_id, group_id, wa_id) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![acct.0, m.group_id, wa_id])?
    } else {
        conn.prepare_cached(
            "DELETE FROM group_members WHERE account_id = ?1 AND group_id = ?2 AND wa_id = ?3",
        )?
        .execute(params![acct.0, m.group_id, wa_id])?
    };
    if changed == 0 {
        return Ok(Some(format!("{who}: the mirror already showed it")));
    }
    let step: i64 = if m.joined { 1 } else { -1 };
    conn.prepare_cached(
        "UPDATE groups SET member_count = max(member_count + ?3, 0)
         WHERE account_id = ?1 AND group_id = ?2",
    )?
    .execute(params![acct.0, m.group_id, step])?;
    Ok(None)
}

fn group_change(
    conn: &Connection,
    acct: AccountId,
    change: &GroupChange,
) -> Result<(), StoreError> {
    match change {
        GroupChange::Created { id, subject, at } => {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO groups (account_id, group_id, subject, member_count, read_at)
                 VALUES (?1, ?2, ?3, 0, ?4)",
            )?
            .execute(params![acct.0, id, subject, at])?;
        }
        GroupChange::Renamed { id, subject } => {
            conn.prepare_cached(
                "UPDATE groups SET subject = ?3 WHERE account_id = ?1 AND group_id = ?2",
            )?
            .execute(params![acct.0, id, subject])?;
        }
        GroupChange::Deleted { id, at } => {
            conn.prepare_cached(
                "UPDATE groups SET gone_at = ?3
                 WHERE account_id = ?1 AND group_id = ?2 AND gone_at IS NULL",
            )?
            .execute(params![acct.0, id, at])?;
        }
    }
    Ok(())
}
