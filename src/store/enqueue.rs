//! Putting changes in the queue, and its rules: one open change per person and group, the later
//! of an add and a remove wins, and doubtful changes are stored with a flag.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use super::{AccountId, OpId, Store, StoreError, UnixMs, now_ms};
use crate::domain::{MAX_GROUP_MEMBERS, OperationKind, Participant};

/// A change to queue: add or remove one participant of one group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOperation {
    pub group_id: String,
    pub participant: Participant,
    pub kind: OperationKind,
}

/// An open change withdrawn because a later, opposite change for the same person and group
/// was queued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replacement {
    pub group_id: String,
    pub participant: Participant,
    /// The withdrawn operation and what it asked.
    pub replaced: OpId,
    pub replaced_kind: OperationKind,
    /// The operation that took its place.
    pub by: OpId,
}

/// An operation stored with a warning for the operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flagged {
    pub id: OpId,
    pub group_id: String,
    pub participant: Participant,
    pub kind: OperationKind,
    pub flag: String,
}

/// What [`Store::enqueue`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnqueueReport {
    /// New rows in the queue.
    pub stored: usize,
    /// Changes that were already pending, unchanged.
    pub duplicates: usize,
    pub replaced: Vec<Replacement>,
    pub flagged: Vec<Flagged>,
}

/// What happened to one change pushed into an [`EnqueueBatch`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pushed {
    /// The same change was already pending; nothing stored.
    Duplicate { existing: OpId },
    /// A new pending row, possibly replacing an opposite pending one, possibly flagged.
    Stored {
        id: OpId,
        replaced: Option<(OpId, OperationKind)>,
        flag: Option<String>,
    },
}

/// What the mirror says about a group, as far as the queue rules need it.
struct GroupFacts {
    gone: bool,
    member_count: u32,
    members: HashSet<String>,
}

/// Keeps the per-batch cache of group facts bounded for imports naming very many groups.
const MAX_CACHED_GROUPS: usize = 20_000;

/// Changes being queued in one open transaction: nothing is visible to others until
/// [`EnqueueBatch::commit`]; dropping the batch rolls everything back.
pub struct EnqueueBatch<'s> {
    tx: Transaction<'s>,
    acct: AccountId,
    now: UnixMs,
    groups: HashMap<String, Option<GroupFacts>>,
}

impl Store {
    /// Opens a batch of changes to queue, all-or-nothing.
    pub fn begin_enqueue(&mut self, acct: AccountId) -> Result<EnqueueBatch<'_>, StoreError> {
        Ok(EnqueueBatch {
            tx: self.write_tx()?,
            acct,
            now: now_ms(),
            groups: HashMap::new(),
        })
    }

    /// Queues these changes in one transaction, following the queue rules (see
    /// [`EnqueueBatch::push`]), and says what it did.
    pub fn enqueue(
        &mut self,
        acct: AccountId,
        ops: &[NewOperation],
    ) -> Result<EnqueueReport, StoreError> {
        let mut batch = self.begin_enqueue(acct)?;
        let mut report = EnqueueReport::default();
        for op in ops {
            match batch.push(op)? {
                Pushed::Duplicate { .. } => report.duplicates += 1,
                Pushed::Stored { id, replaced, flag } => {
                    report.stored += 1;
                    if let Some((old, old_kind)) = replaced {
                        report.replaced.push(Replacement {
                            group_id: op.group_id.clone(),
                            participant: op.participant.clone(),
                            replaced: old,
                            replaced_kind: old_kind,
                            by: id,
                        });
                    }
                    if let Some(flag) = flag {
                        report.flagged.push(Flagged {
                            id,
                            group_id: op.group_id.clone(),
                            participant: op.participant.clone(),
                            kind: op.kind,
                            flag,
                        });
                    }
                }
            }
        }
        batch.commit()?;
        Ok(report)
    }
}

impl EnqueueBatch<'_> {
    /// Queues one change. Only pending operations take part in the rules; sent and final ones
    /// are history:
    /// - the same change already pending: nothing stored ([`Pushed::Duplicate`]);
    /// - the opposite change pending for the same person and group: that one is withdrawn and
    ///   this one stored (the later wins);
    /// - an add to a group the mirror shows full, of a member, or to a gone group, or a removal
    ///   of a non-member, or an ambiguous number: stored, with a flag saying why.
    pub fn push(&mut self, op: &NewOperation) -> Result<Pushed, StoreError> {
        let flag = self.flag(op)?;
        // The common case first: nothing open for this person and group, one statement.
        if let Some(id) = self.insert(op, flag.as_deref())? {
            return Ok(Pushed::Stored {
                id,
                replaced: None,
                flag,
            });
        }
        let (open, kind): (i64, String) = self
            .tx
            .prepare_cached(
                "SELECT id, kind FROM operations
                 WHERE account_id = ?1 AND group_id = ?2 AND wa_id = ?3 AND state = 'pending'",
            )?
            .query_row(
                params![self.acct.0, op.group_id, op.participant.wa_id()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
        if kind == op.kind.as_str() {
            return Ok(Pushed::Duplicate {
                existing: OpId(open),
            });
        }
        self.tx
            .prepare_cached("DELETE FROM operations WHERE id = ?1")?
            .execute(params![open])?;
        let id = self
            .insert(op, flag.as_deref())?
            .ok_or_else(|| StoreError::Corrupt("an open operation could not be replaced".into()))?;
        Ok(Pushed::Stored {
            id,
            replaced: Some((OpId(open), op.kind.opposite())),
            flag,
        })
    }

    /// Inserts `op` as pending unless an open operation holds its place; its id if inserted.
    fn insert(
        &mut self,
        op: &NewOperation,
        flag: Option<&str>,
    ) -> Result<Option<OpId>, StoreError> {
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT INTO operations
                    (account_id, group_id, participant, wa_id, kind, state, flag, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, ?7)
                 ON CONFLICT (account_id, group_id, wa_id) WHERE state = 'pending' DO NOTHING",
            )?
            .execute(params![
                self.acct.0,
                op.group_id,
                op.participant.e164(),
                op.participant.wa_id(),
                op.kind.as_str(),
                flag,
                self.now
            ])?;
        Ok((inserted == 1).then(|| OpId(self.tx.last_insert_rowid())))
    }

    /// Makes the whole batch visible at once.
    pub fn commit(self) -> Result<(), StoreError> {
        self.tx.commit()?;
        Ok(())
    }

    /// The open transaction, for other queue changes that must share it (undo).
    pub(super) fn tx(&self) -> &Transaction<'_> {
        &self.tx
    }

    /// Why this change deserves a second look, if it does.
    fn flag(&mut self, op: &NewOperation) -> Result<Option<String>, StoreError> {
        let mut reasons: Vec<String> = Vec::new();
        if let Some(facts) = self.facts(&op.group_id)? {
            let member = facts.members.contains(op.participant.wa_id());
            if facts.gone {
                reasons.push("the group is gone from the mirror".into());
            }
            match op.kind {
                OperationKind::Add if member => reasons.push("already a member".into()),
                OperationKind::Add if facts.member_count as usize >= MAX_GROUP_MEMBERS => {
                    reasons.push(format!(
                        "group is full in the mirror ({} of {MAX_GROUP_MEMBERS})",
                        facts.member_count
                    ));
                }
                OperationKind::Remove if !member => {
                    reasons.push("not a member in the mirror".into());
                }
                _ => {}
            }
        }
        if let Some(warning) = op.participant.ambiguity() {
            reasons.push(warning.into());
        }
        Ok((!reasons.is_empty()).then(|| reasons.join("; ")))
    }

    fn facts(&mut self, group_id: &str) -> Result<Option<&GroupFacts>, StoreError> {
        if !self.groups.contains_key(group_id) {
            if self.groups.len() >= MAX_CACHED_GROUPS {
                self.groups.clear();
            }
            let facts = load_facts(&self.tx, self.acct, group_id)?;
            self.groups.insert(group_id.to_owned(), facts);
        }
        Ok(self.groups.get(group_id).and_then(Option::as_ref))
    }
}

fn load_facts(
    tx: &Transaction<'_>,
    acct: AccountId,
    group_id: &str,
) -> Result<Option<GroupFacts>, StoreError> {
    let head: Option<(u32, Option<UnixMs>)> = tx
        .prepare_cached(
            "SELECT member_count, gone_at FROM groups WHERE account_id = ?1 AND group_id = ?2",
        )?
        .query_row(params![acct.0, group_id], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let Some((member_count, gone_at)) = head else {
        return Ok(None);
    };
    let mut stmt = tx.prepare_cached(
        "SELECT wa_id FROM group_members WHERE account_id = ?1 AND group_id = ?2",
    )?;
    let members = stmt
        .query_map(params![acct.0, group_id], |row| row.get(0))?
        .collect::<Result<HashSet<String>, _>>()?;
    Ok(Some(GroupFacts {
        gone: gone_at.is_some(),
        member_count,
        members,
    }))
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::super::testing::{person, store_with_account};
    use super::super::{MirrorGroup, OperationFilter};
    use super::*;
    use crate::domain::OperationState;

    fn op(group: &str, n: u32, kind: OperationKind) -> NewOperation {
        NewOperation {
            group_id: group.into(),
            participant: person(n),
            kind,
        }
    }

    fn mirror(store: &mut Store, acct: AccountId, id: &str, members: &[u32]) {
        let group = MirrorGroup {
            id: id.into(),
            subject: id.into(),
            members: members.iter().map(|n| person(*n)).collect(),
            member_count: members.len() as u32,
            read_at: 1,
            gone_at: None,
        };
        store.upsert_group(acct, &group).expect("mirror");
    }

    fn pending(store: &Store, acct: AccountId) -> Vec<(String, String, OperationKind)> {
        let filter = OperationFilter {
            state: Some(OperationState::Pending),
            ..OperationFilter::default()
        };
        let ops = store.operations(acct, &filter).expect("list");
        ops.into_iter()
            .map(|o| (o.group_id, o.participant.e164().to_owned(), o.kind))
            .collect()
    }

    #[test]
    fn the_same_pending_change_twice_is_one_row() {
        let (_dir, mut store, acct) = store_with_account();
        let add = op("g", 1, OperationKind::Add);
        let report = store
            .enqueue(acct, &[add.clone(), add.clone()])
            .expect("enqueue");
        assert_eq!((report.stored, report.duplicates), (1, 1));
        let report = store.enqueue(acct, &[add]).expect("again");
        assert_eq!((report.stored, report.duplicates), (0, 1));
        assert_eq!(pending(&store, acct).len(), 1);
    }

    #[test]
    fn the_later_of_add_and_remove_wins_both_ways() {
        let (_dir, mut store, acct) = store_with_account();
        for (first, second) in [
            (OperationKind::Add, OperationKind::Remove),
            (OperationKind::Remove, OperationKind::Add),
        ] {
            let group = format!("g-{first}");
            let report = store.enqueue(acct, &[op(&group, 1, first)]).expect("first");
            assert_eq!(report.stored, 1);
            let report = store
                .enqueue(acct, &[op(&group, 1, second)])
                .expect("second");
            assert_eq!(report.stored, 1);
            assert_eq!(report.replaced.len(), 1, "{report:?}");
            assert_eq!(report.replaced[0].replaced_kind, first);
            assert_eq!(report.replaced[0].participant, person(1));
            let left: Vec<_> = pending(&store, acct)
                .into_iter()
                .filter(|(g, _, _)| *g == group)
                .collect();
            assert_eq!(left, vec![(group.clone(), person(1).e164().into(), second)]);
        }
    }

    #[test]
    fn sent_and_final_operations_are_history_not_rules() {
        let (_dir, mut store, acct) = store_with_account();
        let add = op("g", 1, OperationKind::Add);
        store
            .enqueue(acct, std::slice::from_ref(&add))
            .expect("enqueue");
        let ids: Vec<OpId> = store
            .operations(acct, &OperationFilter::default())
            .expect("list")
            .iter()
            .map(|o| o.id)
            .collect();
        store
            .mark_sending(acct, &ids, "attempt-1")
            .expect("sending");
        let report = store
            .enqueue(acct, std::slice::from_ref(&add))
            .expect("again");
        assert_eq!((report.stored, report.duplicates), (1, 0));
        let report = store
            .enqueue(acct, &[op("g", 1, OperationKind::Remove)])
            .expect("opposite");
        assert_eq!(
            report.replaced.len(),
            1,
            "only the new pending add is replaced"
        );
        assert_eq!(
            store
                .operations_in_state(acct, OperationState::Sending)
                .expect("sending")
                .len(),
            1
        );
    }

    #[test]
    fn doubtful_changes_are_stored_with_a_flag() {
        let (_dir, mut store, acct) = store_with_account();
        mirror(&mut store, acct, "full", &[1, 2, 3, 4, 5, 6, 7, 8]);
        mirror(&mut store, acct, "small", &[1]);
        let report = store
            .enqueue(
                acct,
                &[
                    op("full", 9, OperationKind::Add),
                    op("small", 1, OperationKind::Add),
                    op("small", 2, OperationKind::Remove),
                    op("small", 3, OperationKind::Add),
                    op("unknown", 3, OperationKind::Remove),
                ],
            )
            .expect("enqueue");
        assert_eq!(report.stored, 5);
        let flags: Vec<(&str, &str)> = report
            .flagged
            .iter()
            .map(|f| (f.group_id.as_str(), f.flag.as_str()))
            .collect();
        assert_eq!(
            flags,
            vec![
                ("full", "group is full in the mirror (8 of 8)"),
                ("small", "already a member"),
                ("small", "not a member in the mirror"),
            ]
        );
        let stored = store
            .operations(acct, &OperationFilter::default())
            .expect("list");
        assert_eq!(
            stored[0].flag.as_deref(),
            Some("group is full in the mirror (8 of 8)")
        );
        assert_eq!(stored[3].flag, None);
    }

    #[test]
    fn ambiguous_numbers_and_gone_groups_are_flagged() {
        let (_dir, mut store, acct) = store_with_account();
        mirror(&mut store, acct, "g", &[]);
        store.mark_gone_except(acct, ["other"], 2).expect("gone");
        let brazil = Participant::parse("+55 11 8765-4321", None).expect("old form");
        let report = store
            .enqueue(
                acct,
                &[NewOperation {
                    group_id: "g".into(),
                    participant: brazil,
                    kind: OperationKind::Add,
                }],
            )
            .expect("enqueue");
        let flag = &report.flagged[0].flag;
        assert!(
            flag.starts_with("the group is gone from the mirror; Brazilian"),
            "{flag}"
        );
    }

    #[test]
    fn a_dropped_batch_stores_nothing() {
        let (_dir, mut store, acct) = store_with_account();
        {
            let mut batch = store.begin_enqueue(acct).expect("batch");
            batch.push(&op("g", 1, OperationKind::Add)).expect("push");
        }
        assert!(pending(&store, acct).is_empty());
    }

    #[test]
    fn accounts_do_not_share_queue_rules() {
        let (_dir, mut store, acct) = store_with_account();
        let other = store
            .account("https://graph.example", "2000")
            .expect("other");
        let add = op("g", 1, OperationKind::Add);
        store.enqueue(acct, std::slice::from_ref(&add)).expect("a");
        let report = store.enqueue(other, &[add]).expect("b");
        assert_eq!((report.stored, report.duplicates), (1, 0));
        let report = store
            .enqueue(other, &[op("g", 1, OperationKind::Remove)])
            .expect("b remove");
        assert_eq!(report.replaced.len(), 1);
        assert_eq!(pending(&store, acct)[0].2, OperationKind::Add);
    }

    /// Prints the enqueue rate (a measure, not an assertion: debug builds are slow).
    fn enqueue_speed(count: u32) {
        let (_dir, mut store, acct) = store_with_account();
        let people: Vec<Participant> = (0..10_000).map(person).collect();
        let start = Instant::now();
        let mut batch = store.begin_enqueue(acct).expect("batch");
        let mut new = NewOperation {
            group_id: String::new(),
            participant: people[0].clone(),
            kind: OperationKind::Add,
        };
        for n in 0..count {
            new.group_id = format!("group-{}", n / 10_000);
            new.participant.clone_from(&people[(n % 10_000) as usize]);
            batch.push(&new).expect("push");
        }
        batch.commit().expect("commit");
        let took = start.elapsed();
        let rate = f64::from(count) / took.as_secs_f64();
        println!("enqueue: {count} rows in {took:?} = {rate:.0} rows/s");
        let stored: i64 = store
            .conn
            .query_row("SELECT count(*) FROM operations", [], |r| r.get(0))
            .expect("count");
        assert_eq!(stored, i64::from(count));
    }

    #[test]
    fn enqueue_speed_100k() {
        enqueue_speed(100_000);
    }

    #[test]
    #[ignore = "a measure: run with --ignored, ideally with --release"]
    fn enqueue_speed_1m() {
        enqueue_speed(1_000_000);
    }
}
