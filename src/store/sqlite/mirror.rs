//! The groups mirror on SQLite: what the server last said about each group, kept when a group
//! goes away.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::convert::{MEMBER_COLUMNS, count_at, person, person_columns, raw_person};
use crate::domain::number_forms::phone_key;
use crate::domain::{Person, Query, UserId};
use crate::store::{
    AccountId, GroupAbout, GroupSummary, MirrorChange, MirrorGroup, StoreError, StoredJoinRequest,
    UnixMs, now_ms,
};

/// The columns [`summary`] reads, of `groups g`.
const SUMMARY_COLUMNS: &str = "g.group_id, g.subject, g.member_count, g.read_at, g.gone_at,
    (SELECT count(*) FROM operations o
        WHERE o.account_id = g.account_id AND o.group_id = g.group_id AND o.state = 'pending'),
    (SELECT count(*) FROM operations o
        WHERE o.account_id = g.account_id AND o.group_id = g.group_id AND o.state = 'failed'
          AND NOT EXISTS (SELECT 1 FROM operations later
            WHERE later.account_id = o.account_id AND later.group_id = o.group_id
              AND later.slot = o.slot AND later.id > o.id)),
    g.suspended,
    (SELECT count(*) FROM join_requests j
        WHERE j.account_id = g.account_id AND j.group_id = g.group_id),
    g.invite_link,
    (SELECT max(o.updated_at) FROM operations o
        WHERE o.account_id = g.account_id AND o.group_id = g.group_id)";

/// How many columns [`SUMMARY_COLUMNS`] holds (what a query selects after them starts here).
const SUMMARY_WIDTH: usize = 11;

fn summary(row: &Row<'_>) -> rusqlite::Result<GroupSummary> {
    Ok(GroupSummary {
        id: row.get(0)?,
        subject: row.get(1)?,
        member_count: row.get(2)?,
        read_at: row.get(3)?,
        gone_at: row.get(4)?,
        pending: count_at(row, 5)?,
        failed: count_at(row, 6)?,
        suspended: row.get(7)?,
        join_requests: count_at(row, 8)?,
        invite_link: row.get(9)?,
        last_change: row.get(10)?,
    })
}

/// Stores what the server says about groups, replacing their previous members. Each group
/// counts as present again (`gone_at` is cleared whatever `group.gone_at` says).
pub(super) fn upsert_groups(
    tx: &Connection,
    acct: AccountId,
    groups: &[MirrorGroup],
) -> Result<(), StoreError> {
    for group in groups {
        let about = &group.about;
        tx.prepare_cached(
            "INSERT INTO groups (account_id, group_id, subject, member_count, read_at, gone_at,
                description, join_approval_mode, suspended, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8, ?9)
             ON CONFLICT (account_id, group_id) DO UPDATE SET
                subject = excluded.subject, member_count = excluded.member_count,
                read_at = excluded.read_at, gone_at = NULL,
                description = excluded.description,
                join_approval_mode = coalesce(excluded.join_approval_mode, join_approval_mode),
                suspended = excluded.suspended,
                created_at = coalesce(excluded.created_at, created_at)",
        )?
        .execute(params![
            acct.0,
            group.id,
            group.subject,
            group.member_count,
            group.read_at,
            about.description,
            about.join_approval_mode.map(|m| m.as_str()),
            about.suspended,
            about.created_at,
        ])?;
        tx.prepare_cached("DELETE FROM group_members WHERE account_id = ?1 AND group_id = ?2")?
            .execute(params![acct.0, group.id])?;
        for member in &group.members {
            insert_member(tx, acct, &group.id, member)?;
        }
    }
    Ok(())
}

/// Adds `person` to a group's members, with every key known of them.
pub(super) fn insert_member(
    tx: &Connection,
    acct: AccountId,
    group: &str,
    person: &Person,
) -> Result<(), StoreError> {
    let columns = person_columns(Some(person));
    tx.prepare_cached(
        "INSERT INTO group_members
            (account_id, group_id, wa_id, phone_key, user_id, parent_user_id, username)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        acct.0,
        group,
        columns.wa_id,
        person.phone_key(),
        columns.user_id,
        columns.parent_user_id,
        columns.username
    ])?;
    Ok(())
}

/// The condition on `group_members` that picks `person` (by the key of their phone, any of
/// its forms, or by their BSUID), with `?3` and `?4` bound by [`person_keys`].
const IS_PERSON: &str =
    "((?3 IS NOT NULL AND phone_key = ?3) OR (?4 IS NOT NULL AND user_id = ?4))";

fn person_keys(person: &Person) -> (Option<String>, Option<&str>) {
    (person.phone_key(), person.user_id().map(UserId::as_str))
}

/// What [`join_member`] found of a person said to be in a group.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Joined {
    /// Not a member before: added.
    New,
    /// A member already, with every key the news gave.
    Already,
    /// A member already, known by fewer keys (a BSUID without the phone, say), or as several
    /// rows, one per key: now one row with every key. `was` is how the mirror showed them.
    Merged { was: Vec<Person> },
}

/// Records that `person` is in a group: added when no member has any of their keys; when
/// members do (a member known only by BSUID, the news giving their phone too), those rows
/// become one with every key known of them, the news's first.
pub(super) fn join_member(
    tx: &Connection,
    acct: AccountId,
    group: &str,
    person: &Person,
) -> Result<Joined, StoreError> {
    let (phone, user) = person_keys(person);
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {MEMBER_COLUMNS}, id FROM group_members
         WHERE account_id = ?1 AND group_id = ?2 AND {IS_PERSON} ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![acct.0, group, phone, user], |row| {
        Ok((raw_person(row, 0)?, row.get::<_, i64>(4)?))
    })?;
    let (mut was, mut ids) = (Vec::new(), Vec::new());
    for row in rows {
        let (raw, id) = row?;
        match super::convert::person(raw) {
            Ok(Some(member)) => was.push(member),
            Ok(None) => {}
            Err(e) => return Err(StoreError::Corrupt(format!("group member {e}"))),
        }
        ids.push(id);
    }
    if was.is_empty() {
        insert_member(tx, acct, group, person)?;
        return Ok(Joined::New);
    }
    let merged = was
        .iter()
        .fold(person.clone(), |merged, member| merged.completed_by(member));
    if was.len() == 1 && was[0] == merged {
        return Ok(Joined::Already);
    }
    for id in ids {
        tx.prepare_cached("DELETE FROM group_members WHERE id = ?1")?
            .execute(params![id])?;
    }
    insert_member(tx, acct, group, &merged)?;
    Ok(Joined::Merged { was })
}

/// Takes `person` out of a group's members; how many rows went.
pub(super) fn remove_member(
    tx: &Connection,
    acct: AccountId,
    group: &str,
    person: &Person,
) -> Result<usize, StoreError> {
    let (phone, user) = person_keys(person);
    Ok(tx
        .prepare_cached(&format!(
            "DELETE FROM group_members WHERE account_id = ?1 AND group_id = ?2 AND {IS_PERSON}"
        ))?
        .execute(params![acct.0, group, phone, user])?)
}

/// After a complete read of the group list: marks every group not in `seen` as gone (as of
/// `read_at`; rows are kept, with their members as last known), and every group in `seen`
/// as present. Returns how many groups were newly marked gone.
///
/// The mirror's ids are walked once against a set of `seen` (borrowed, not copied), and only
/// the groups that change are written: no list of ids is handed to SQLite whole (a sync of
/// 10,000 groups held it three times, about 2 MB, at its peak).
pub(super) fn mark_gone_except(
    tx: &Connection,
    acct: AccountId,
    seen: &[String],
    read_at: UnixMs,
) -> Result<usize, StoreError> {
    let seen: std::collections::HashSet<&str> = seen.iter().map(String::as_str).collect();
    let mut to_gone = Vec::new();
    let mut back = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT group_id, gone_at IS NOT NULL FROM groups WHERE account_id = ?1",
        )?;
        let mut rows = stmt.query(params![acct.0])?;
        while let Some(row) = rows.next()? {
            let (id, gone): (String, bool) = (row.get(0)?, row.get(1)?);
            match (seen.contains(id.as_str()), gone) {
                (false, false) => to_gone.push(id),
                (true, true) => back.push(id),
                _ => {}
            }
        }
    }
    let mut mark = tx
        .prepare_cached("UPDATE groups SET gone_at = ?3 WHERE account_id = ?1 AND group_id = ?2")?;
    for id in &to_gone {
        mark.execute(params![acct.0, id, read_at])?;
    }
    for id in &back {
        mark.execute(params![acct.0, id, Option::<UnixMs>::None])?;
    }
    Ok(to_gone.len())
}

/// One group of the mirror, with its members.
pub(super) fn group(
    conn: &Connection,
    acct: AccountId,
    id: &str,
) -> Result<Option<MirrorGroup>, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT subject, member_count, read_at, gone_at, description, join_approval_mode,
                suspended, created_at, invite_link, invite_link_read_at FROM groups
             WHERE account_id = ?1 AND group_id = ?2",
        )?
        .query_row(params![acct.0, id], |row| {
            Ok(MirrorGroup {
                id: id.to_owned(),
                subject: row.get(0)?,
                members: Vec::new(),
                member_count: row.get(1)?,
                read_at: row.get(2)?,
                gone_at: row.get(3)?,
                about: GroupAbout {
                    description: row.get(4)?,
                    join_approval_mode: row
                        .get::<_, Option<String>>(5)?
                        .and_then(|m| m.parse().ok()),
                    suspended: row.get(6)?,
                    created_at: row.get(7)?,
                    invite_link: row.get(8)?,
                    invite_link_read_at: row.get(9)?,
                },
            })
        })
        .optional()?;
    let Some(mut group) = found else {
        return Ok(None);
    };
    group.members = group_members(conn, acct, id)?;
    Ok(Some(group))
}

/// The members of one group of the mirror, each with every key kept: phones first, by wa_id,
/// then those known by BSUID alone.
pub(super) fn group_members(
    conn: &Connection,
    acct: AccountId,
    group_id: &str,
) -> Result<Vec<Person>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MEMBER_COLUMNS} FROM group_members WHERE account_id = ?1 AND group_id = ?2
         ORDER BY wa_id IS NULL, wa_id, user_id, id"
    ))?;
    let rows = stmt.query_map(params![acct.0, group_id], |row| raw_person(row, 0))?;
    let mut members = Vec::new();
    for raw in rows {
        match person(raw?) {
            Ok(Some(member)) => members.push(member),
            Ok(None) => {
                return Err(StoreError::Corrupt(format!(
                    "a member of group {group_id} without a wa_id or a BSUID"
                )));
            }
            Err(e) => return Err(StoreError::Corrupt(format!("group member {e}"))),
        }
    }
    Ok(members)
}

/// Every group of the mirror (gone ones included, flagged), by subject, with the number of
/// pending and failed operations of each.
pub(super) fn groups(conn: &Connection, acct: AccountId) -> Result<Vec<GroupSummary>, StoreError> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM groups g
         WHERE g.account_id = ?1 ORDER BY g.subject COLLATE NOCASE, g.group_id"
    );
    // Sized first: grown by doubling, the list of 100,000 groups held up to twice its rows
    // (the old buffer and the new while it moved), 19 MB at its peak.
    let count: i64 = conn
        .prepare_cached("SELECT count(*) FROM groups WHERE account_id = ?1")?
        .query_row(params![acct.0], |row| row.get(0))?;
    let mut list = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut stmt = conn.prepare_cached(&sql)?;
    for row in stmt.query_map(params![acct.0], summary)? {
        list.push(row?);
    }
    Ok(list)
}

/// The groups the mirror lists someone answering `query` in, each with that member; by
/// subject, each group once.
pub(super) fn groups_with_member(
    conn: &Connection,
    acct: AccountId,
    query: &Query,
) -> Result<Vec<(GroupSummary, Person)>, StoreError> {
    let (condition, value) = match query {
        Query::Phone(phone) => ("m.phone_key = ?2", phone_key(phone.wa_id()).into_owned()),
        Query::User(id) => ("m.user_id = ?2", UserId::as_str(id).to_owned()),
        Query::Username(name) => ("m.username = ?2 COLLATE NOCASE", name.clone()),
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, m.wa_id, m.user_id, m.parent_user_id, m.username
         FROM groups g JOIN group_members m
            ON m.account_id = g.account_id AND m.group_id = g.group_id
         WHERE g.account_id = ?1 AND {condition}
         ORDER BY g.subject COLLATE NOCASE, g.group_id, m.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![acct.0, value], |row| {
        Ok((summary(row)?, raw_person(row, SUMMARY_WIDTH)?))
    })?;
    let mut out: Vec<(GroupSummary, Person)> = Vec::new();
    for row in rows {
        let (group, raw) = row?;
        if out.last().is_some_and(|(g, _)| g.id == group.id) {
            continue;
        }
        let member = person(raw)
            .map_err(|e| StoreError::Corrupt(format!("group member {e}")))?
            .ok_or_else(|| StoreError::Corrupt("a member without a wa_id or a BSUID".into()))?;
        out.push((group, member));
    }
    Ok(out)
}

/// Marks groups gone as of `at` (a delete confirmed, a read that says 131041); rows kept.
pub(super) fn mark_groups_gone(
    tx: &Connection,
    acct: AccountId,
    ids: &[String],
    at: UnixMs,
) -> Result<usize, StoreError> {
    let mut gone = 0;
    for id in ids {
        gone += tx
            .prepare_cached(
                "UPDATE groups SET gone_at = ?3 WHERE account_id = ?1 AND group_id = ?2
                   AND gone_at IS NULL",
            )?
            .execute(params![acct.0, id, at])?;
        tx.prepare_cached("DELETE FROM join_requests WHERE account_id = ?1 AND group_id = ?2")?
            .execute(params![acct.0, id])?;
    }
    Ok(gone)
}

/// Sets a group's invite link as read (or set by a reset) now; `None`: it has none.
pub(super) fn set_invite_link(
    tx: &Connection,
    acct: AccountId,
    group: &str,
    link: Option<&str>,
    read_at: UnixMs,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE groups SET invite_link = ?3, invite_link_read_at = ?4
         WHERE account_id = ?1 AND group_id = ?2",
    )?
    .execute(params![acct.0, group, link, read_at])?;
    Ok(())
}

/// Replaces a group's pending join requests with those just read, each asker with every key
/// given.
pub(super) fn set_join_requests(
    tx: &Connection,
    acct: AccountId,
    group: &str,
    requests: &[StoredJoinRequest],
    read_at: UnixMs,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM join_requests WHERE account_id = ?1 AND group_id = ?2")?
        .execute(params![acct.0, group])?;
    for r in requests {
        insert_join_request(
            tx,
            acct,
            &StoredJoinRequest {
                group_id: group.to_owned(),
                read_at,
                ..r.clone()
            },
        )?;
    }
    tx.prepare_cached(
        "UPDATE groups SET join_requests_read_at = ?3 WHERE account_id = ?1 AND group_id = ?2",
    )?
    .execute(params![acct.0, group, read_at])?;
    Ok(())
}

/// Keeps one pending join request (replacing one of the same id), its asker with every key
/// given.
pub(super) fn insert_join_request(
    tx: &Connection,
    acct: AccountId,
    r: &StoredJoinRequest,
) -> Result<(), StoreError> {
    let who = person_columns(r.person.as_ref());
    tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO join_requests (account_id, group_id, join_request_id,
            {MEMBER_COLUMNS}, created_at, read_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    ))?
    .execute(params![
        acct.0,
        r.group_id,
        r.join_request_id,
        who.wa_id,
        who.user_id,
        who.parent_user_id,
        who.username,
        r.created_at,
        r.read_at
    ])?;
    Ok(())
}

/// The pending join requests of one group (or of every group), oldest first.
pub(super) fn join_requests(
    conn: &Connection,
    acct: AccountId,
    group: Option<&str>,
) -> Result<Vec<StoredJoinRequest>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT group_id, join_request_id, created_at, read_at, {MEMBER_COLUMNS}
         FROM join_requests WHERE account_id = ?1 AND (?2 IS NULL OR group_id = ?2)
         ORDER BY group_id, created_at, join_request_id"
    ))?;
    let rows = stmt.query_map(params![acct.0, group], |row| {
        Ok((
            StoredJoinRequest {
                group_id: row.get(0)?,
                join_request_id: row.get(1)?,
                person: None,
                created_at: row.get(2)?,
                read_at: row.get(3)?,
            },
            raw_person(row, 4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut request, raw) = row?;
        request.person = person(raw).map_err(|e| {
            StoreError::Corrupt(format!(
                "join request {} of group {}: {e}",
                request.join_request_id, request.group_id
            ))
        })?;
        out.push(request);
    }
    Ok(out)
}

/// Applies what an answer changed in the mirror.
pub(super) fn apply(
    tx: &Connection,
    acct: AccountId,
    change: &MirrorChange,
) -> Result<(), StoreError> {
    match change {
        MirrorChange::InviteLink { group, link } => {
            set_invite_link(tx, acct, group, link.as_deref(), now_ms())
        }
        MirrorChange::JoinRequestsAnswered { group, ids } => {
            for id in ids {
                tx.prepare_cached(
                    "DELETE FROM join_requests WHERE account_id = ?1 AND group_id = ?2
                       AND join_request_id = ?3",
                )?
                .execute(params![acct.0, group, id])?;
            }
            Ok(())
        }
        MirrorChange::Gone { group } => {
            mark_groups_gone(tx, acct, std::slice::from_ref(group), now_ms()).map(|_| ())
        }
    }
}
