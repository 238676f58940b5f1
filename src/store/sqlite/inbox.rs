//! The webhook inbox on SQLite: events received once by their key, listed for processing and
//! for the operator, and what processing one event applies (operation moves, the mirror's
//! members and groups, its effects), in one transaction.

use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};

use super::mirror::Joined;
use super::{account, audit, mirror, moves};
use crate::domain::{EventType, GroupEvent, OperationState, Person};
use crate::store::{
    AccountId, EventApplication, EventEffects, EventFilter, EventProbe, EventRecord, GroupChange,
    MemberChange, MirrorChange, NumberBatch, Received, SettledOp, StoreError, now_ms,
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

/// Whether an event `probe` names is stored (the same events as [`with_request_id`] and
/// [`events`] by group and time find).
pub(super) fn any_event(
    conn: &Connection,
    acct: AccountId,
    probe: &EventProbe,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM webhook_events
                            WHERE account_id = ?1 AND request_id = ?2)
                 OR EXISTS (SELECT 1 FROM webhook_events
                            WHERE account_id = ?1 AND group_id = ?3
                              AND coalesce(at, received_at) >= ?4)",
        )?
        .query_row(
            params![acct.0, probe.request_id, probe.group, probe.since],
            |row| row.get(0),
        )?)
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
    if let Some(since) = &filter.since {
        sql.push_str(" AND coalesce(at, received_at) >= ?");
        args.push(since);
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
            effects.joined.push(member.person.label());
        } else {
            effects.left.push(member.person.label());
        }
    }
    for change in &app.groups {
        if let Some(note) = group_change(conn, acct, change)? {
            effects.notes.push(note);
        }
    }
    effects.by_approval |= app.by_approval;
    effects
        .already_members
        .extend(app.already_members.iter().cloned());
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

/// When the mirror last read `what` of a group (`read_at`, `join_requests_read_at`); `None`
/// when the group is not in the mirror.
fn read_at(
    conn: &Connection,
    acct: AccountId,
    group: &str,
    what: &str,
) -> Result<Option<Option<i64>>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {what} FROM groups WHERE account_id = ?1 AND group_id = ?2"
        ))?
        .query_row(params![acct.0, group], |row| row.get(0))
        .optional()?)
}

/// Why a change of `group` at `at` is not news to the mirror: the group is not in it, or its
/// `what` was read after (by more than a second: an event's time is in whole seconds, and a
/// read within the same second may or may not show it).
fn stale(
    conn: &Connection,
    acct: AccountId,
    group: &str,
    what: &str,
    at: i64,
) -> Result<Option<String>, StoreError> {
    Ok(match read_at(conn, acct, group, what)? {
        None => Some(format!("group {group} is not in the mirror")),
        Some(Some(read)) if read > at + 1000 => Some("the mirror was read after this".into()),
        Some(_) => None,
    })
}

/// The keys one person is known by in `member_moves`: their phone's key and their BSUID.
fn move_keys(person: &Person) -> Vec<String> {
    let mut keys: Vec<String> = person.phone_key().into_iter().collect();
    keys.extend(person.user_id().map(|u| u.as_str().to_owned()));
    keys
}

/// Applies one member change to the mirror when it is news; otherwise says why not.
fn move_member(
    conn: &Connection,
    acct: AccountId,
    m: &MemberChange,
) -> Result<Option<String>, StoreError> {
    let who = m.person.label();
    if let Some(why) = stale(conn, acct, &m.group_id, "read_at", m.at)? {
        return Ok(Some(format!("{who}: {why}")));
    }
    let keys = serde_json::Value::from(move_keys(&m.person)).to_string();
    let last: Option<i64> = conn
        .prepare_cached(
            "SELECT max(at) FROM member_moves WHERE account_id = ?1 AND group_id = ?2
               AND member IN (SELECT value FROM json_each(?3))",
        )?
        .query_row(params![acct.0, m.group_id, keys], |row| row.get(0))?;
    if last.is_some_and(|last| last > m.at) {
        return Ok(Some(format!("{who}: a newer change was seen first")));
    }
    conn.prepare_cached(
        "INSERT INTO member_moves (account_id, group_id, member, at)
            SELECT ?1, ?2, value, ?4 FROM json_each(?3) WHERE true
         ON CONFLICT (account_id, group_id, member) DO UPDATE SET at = excluded.at",
    )?
    .execute(params![acct.0, m.group_id, keys, m.at])?;
    let step: i64 = if m.joined {
        match mirror::join_member(conn, acct, &m.group_id, &m.person)? {
            Joined::New => 1,
            Joined::Already => return Ok(Some(format!("{who}: the mirror already showed it"))),
            Joined::Merged { was } => {
                let rows = i64::try_from(was.len()).unwrap_or(i64::MAX);
                if rows > 1 {
                    count_members(conn, acct, &m.group_id, 1 - rows)?;
                }
                let was: Vec<String> = was.iter().map(Person::label).collect();
                return Ok(Some(format!(
                    "{who}: already a member, shown as {}; now one member with every key",
                    was.join(" and ")
                )));
            }
        }
    } else {
        match mirror::remove_member(conn, acct, &m.group_id, &m.person)? {
            0 => return Ok(Some(format!("{who}: the mirror already showed it"))),
            rows => -i64::try_from(rows).unwrap_or(i64::MAX),
        }
    };
    count_members(conn, acct, &m.group_id, step)?;
    Ok(None)
}

/// Moves a group's member count by `step` (never below 0).
fn count_members(
    conn: &Connection,
    acct: AccountId,
    group: &str,
    step: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE groups SET member_count = max(member_count + ?3, 0)
         WHERE account_id = ?1 AND group_id = ?2",
    )?
    .execute(params![acct.0, group, step])?;
    Ok(())
}

/// Applies one group change when it is news; otherwise says why not.
fn group_change(
    conn: &Connection,
    acct: AccountId,
    change: &GroupChange,
) -> Result<Option<String>, StoreError> {
    match change {
        GroupChange::Created {
            id,
            subject,
            description,
            invite_link,
            join_approval_mode,
            at,
        } => {
            conn.prepare_cached(
                "INSERT INTO groups (account_id, group_id, subject, member_count, read_at,
                    description, join_approval_mode, created_at, invite_link, invite_link_read_at)
                 VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?4, ?7, CASE WHEN ?7 IS NULL THEN NULL ELSE ?4 END)
                 ON CONFLICT (account_id, group_id) DO UPDATE SET
                    invite_link = coalesce(invite_link, excluded.invite_link),
                    invite_link_read_at = coalesce(invite_link_read_at, excluded.invite_link_read_at)",
            )?
            .execute(params![
                acct.0,
                id,
                subject,
                at,
                description,
                join_approval_mode.map(|m| m.as_str()),
                invite_link
            ])?;
        }
        GroupChange::Deleted { id, at } => {
            mirror::mark_groups_gone(conn, acct, std::slice::from_ref(id), *at)?;
        }
        GroupChange::Settings {
            id,
            subject,
            description,
            at,
        } => {
            if let Some(why) = stale(conn, acct, id, "read_at", *at)? {
                return Ok(Some(format!("settings: {why}")));
            }
            conn.prepare_cached(
                "UPDATE groups SET subject = coalesce(?3, subject),
                    description = coalesce(?4, description)
                 WHERE account_id = ?1 AND group_id = ?2",
            )?
            .execute(params![acct.0, id, subject, description])?;
        }
        GroupChange::Suspended { id, suspended, at } => {
            if let Some(why) = stale(conn, acct, id, "read_at", *at)? {
                return Ok(Some(format!("suspension: {why}")));
            }
            conn.prepare_cached(
                "UPDATE groups SET suspended = ?3 WHERE account_id = ?1 AND group_id = ?2",
            )?
            .execute(params![acct.0, id, suspended])?;
        }
        GroupChange::JoinRequestOpened(request) => {
            let at = request.created_at.unwrap_or(request.read_at);
            let group = &request.group_id;
            if let Some(why) = stale(conn, acct, group, "join_requests_read_at", at)? {
                return Ok(Some(format!("join request: {why}")));
            }
            mirror::insert_join_request(conn, acct, request)?;
        }
        GroupChange::JoinRequestClosed {
            group_id,
            join_request_id,
            person,
            at,
        } => {
            if let Some(why) = stale(conn, acct, group_id, "join_requests_read_at", *at)? {
                return Ok(Some(format!("join request: {why}")));
            }
            let ids: Vec<String> = mirror::join_requests(conn, acct, Some(group_id))?
                .into_iter()
                .filter(|r| {
                    join_request_id.as_deref() == Some(r.join_request_id.as_str())
                        || person
                            .as_ref()
                            .is_some_and(|p| r.person.as_ref().is_some_and(|a| a.is(p)))
                })
                .map(|r| r.join_request_id)
                .collect();
            if !ids.is_empty() {
                let answered = MirrorChange::JoinRequestsAnswered {
                    group: group_id.clone(),
                    ids,
                };
                mirror::apply(conn, acct, &answered)?;
            }
        }
    }
    Ok(None)
}
