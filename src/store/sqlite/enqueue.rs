//! Putting changes in the queue on SQLite: the facts the queue rules need, read once per group,
//! and the rows the rules decide on (`domain::queue`).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::convert::person_columns;
use crate::domain::queue::{self, Decision, GroupFacts};
use crate::domain::{Members, OpId, OpSpec, OperationState};
use crate::store::{AccountId, OperationFilter, Pushed, StoreError, UnixMs, now_ms};

/// Keeps the cache of group facts bounded for imports naming very many groups.
const MAX_CACHED_GROUPS: usize = 20_000;

/// Queues changes one after the other inside the caller's transaction.
pub(super) struct Enqueuer {
    rows: Rows,
    /// Boxed, so that a slot of the table is two pointers (an import naming 20,000 groups:
    /// about 1.4 MB, against 4 MB with the facts in place).
    groups: HashMap<Box<str>, Option<Box<GroupFacts>>>,
}

/// The account's rows of the queue, written at one time.
#[derive(Clone, Copy)]
struct Rows {
    acct: AccountId,
    now: UnixMs,
}

impl Enqueuer {
    pub(super) fn new(acct: AccountId) -> Enqueuer {
        Enqueuer {
            rows: Rows {
                acct,
                now: now_ms(),
            },
            groups: HashMap::new(),
        }
    }

    /// Queues one change by the queue rules (`domain::queue::resolve`, `decide` and `flag`).
    pub(super) fn push(&mut self, conn: &Connection, spec: &OpSpec) -> Result<Pushed, StoreError> {
        let pushed = self.push_one(conn, spec)?;
        // What the group will be once the queue is sent, for the next change's flag.
        let (stored, withdrawn) = match &pushed {
            Pushed::Stored { replaced, .. } => (true, replaced.is_some()),
            Pushed::Cancelled { .. } => (false, true),
            Pushed::Duplicate { .. } => (false, false),
        };
        if let Some(facts) = spec
            .group()
            .and_then(|g| self.groups.get_mut(g))
            .and_then(|f| f.as_deref_mut())
        {
            if stored {
                facts.count(spec, 1);
            }
            if withdrawn && let Some(old) = spec.reverse() {
                facts.count(&old, -1);
            }
        }
        Ok(pushed)
    }

    fn push_one(&mut self, conn: &Connection, spec: &OpSpec) -> Result<Pushed, StoreError> {
        let rows = self.rows;
        let facts = self.facts(conn, spec.group())?;
        let spec = &queue::resolve(spec.clone(), facts);
        let flag = queue::flag(spec, facts);
        // The common case first: nothing open in the slot, one statement.
        if let Some(id) = rows.insert(conn, spec, flag.as_deref())? {
            return Ok(Pushed::Stored {
                id,
                replaced: None,
                flag,
            });
        }
        let open = rows.open_in_slot(conn, &spec.slot())?;
        match queue::decide(open.as_ref().map(|(id, s)| (*id, s)), spec, facts) {
            Decision::Duplicate(existing) => Ok(Pushed::Duplicate { existing }),
            Decision::Cancel(old) => {
                let withdrawn_kind = open.map_or(spec.kind(), |(_, s)| s.kind());
                conn.prepare_cached("DELETE FROM operations WHERE id = ?1")?
                    .execute(params![old.0])?;
                Ok(Pushed::Cancelled {
                    withdrawn: old,
                    withdrawn_kind,
                })
            }
            Decision::Insert => Err(StoreError::Corrupt(
                "an open operation holds a slot and cannot be found".into(),
            )),
            Decision::Replace(old) => {
                let old_kind = open.map_or(spec.kind(), |(_, s)| s.kind());
                conn.prepare_cached("DELETE FROM operations WHERE id = ?1")?
                    .execute(params![old.0])?;
                let id = rows.insert(conn, spec, flag.as_deref())?.ok_or_else(|| {
                    StoreError::Corrupt("an open operation could not be replaced".into())
                })?;
                Ok(Pushed::Stored {
                    id,
                    replaced: Some((old, old_kind)),
                    flag,
                })
            }
        }
    }

    /// What the mirror says of `group`, read once per group.
    fn facts(
        &mut self,
        conn: &Connection,
        group: Option<&str>,
    ) -> Result<Option<&GroupFacts>, StoreError> {
        let Some(group) = group else {
            return Ok(None);
        };
        if !self.groups.contains_key(group) {
            if self.groups.len() >= MAX_CACHED_GROUPS {
                self.groups.clear();
            }
            let facts = load_facts(conn, self.rows.acct, group)?;
            self.groups.insert(group.into(), facts.map(Box::new));
        }
        Ok(self.groups.get(group).and_then(|f| f.as_deref()))
    }
}

impl Rows {
    /// Inserts `spec` as pending unless an open operation holds its slot; its id if inserted.
    fn insert(
        &self,
        conn: &Connection,
        spec: &OpSpec,
        flag: Option<&str>,
    ) -> Result<Option<OpId>, StoreError> {
        let parts = spec.parts();
        let person = person_columns(parts.person.as_ref());
        let inserted = conn
            .prepare_cached(
                "INSERT INTO operations
                    (account_id, kind, group_id, participant, wa_id, user_id, parent_user_id,
                     username, slot, payload, state, flag, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'pending', ?11, ?12, ?12)
                 ON CONFLICT (account_id, slot) WHERE state = 'pending' DO NOTHING",
            )?
            .execute(params![
                self.acct.0,
                parts.kind.as_str(),
                parts.group,
                person.e164,
                person.wa_id,
                person.user_id,
                person.parent_user_id,
                person.username,
                spec.slot(),
                parts.payload,
                flag,
                self.now
            ])?;
        Ok((inserted == 1).then(|| OpId(conn.last_insert_rowid())))
    }

    /// The pending operation holding `slot`, if any.
    fn open_in_slot(
        &self,
        conn: &Connection,
        slot: &str,
    ) -> Result<Option<(OpId, OpSpec)>, StoreError> {
        let found = conn
            .prepare_cached(&format!(
                "SELECT {} FROM operations
                 WHERE account_id = ?1 AND slot = ?2 AND state = 'pending'",
                super::convert::OP_COLUMNS
            ))?
            .query_row(params![self.acct.0, slot], super::convert::raw_operation)
            .optional()?;
        found
            .map(|raw| crate::store::Operation::try_from(raw).map(|op| (op.id, op.spec)))
            .transpose()
    }
}

fn load_facts(
    conn: &Connection,
    acct: AccountId,
    group_id: &str,
) -> Result<Option<GroupFacts>, StoreError> {
    let head: Option<(u32, Option<UnixMs>, bool)> = conn
        .prepare_cached(
            "SELECT member_count, gone_at, suspended FROM groups
             WHERE account_id = ?1 AND group_id = ?2",
        )?
        .query_row(params![acct.0, group_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((member_count, gone_at, suspended)) = head else {
        return Ok(None);
    };
    let members = super::mirror::group_members(conn, acct, group_id)?;
    let mut facts = GroupFacts {
        gone: gone_at.is_some(),
        suspended,
        member_count,
        members: Members::of(&members),
        ..GroupFacts::default()
    };
    // The pending changes, counted by the queue's rule (one person in any of their forms).
    let pending = OperationFilter {
        group: Some(group_id.to_owned()),
        state: Some(OperationState::Pending),
        ids: None,
    };
    for op in super::queue::operations(conn, acct, &pending)? {
        facts.count(&op.spec, 1);
    }
    Ok(Some(facts))
}
