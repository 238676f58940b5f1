//! The groups mirror: what the server last said about each group, kept when a group goes away.

use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use super::{AccountId, Store, StoreError, UnixMs};
use crate::domain::Participant;

/// A group as last read from the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MirrorGroup {
    pub id: String,
    pub subject: String,
    /// The members the server listed (the business itself not included).
    pub members: Vec<Participant>,
    /// The server's `total_participant_count`, which may differ from `members.len()`.
    pub member_count: u32,
    /// When this was read from the server.
    pub read_at: UnixMs,
    /// When a complete group list first lacked this group; `None` while it exists.
    pub gone_at: Option<UnixMs>,
}

/// One line of the group list: the mirror's facts and the queue's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub id: String,
    pub subject: String,
    pub member_count: u32,
    pub read_at: UnixMs,
    pub gone_at: Option<UnixMs>,
    /// Operations waiting to be sent.
    pub pending: usize,
    /// Operations that failed.
    pub failed: usize,
}

const SUMMARY_SELECT: &str = "
    SELECT g.group_id, g.subject, g.member_count, g.read_at, g.gone_at,
        (SELECT count(*) FROM operations o
            WHERE o.account_id = g.account_id AND o.group_id = g.group_id AND o.state = 'pending'),
        (SELECT count(*) FROM operations o
            WHERE o.account_id = g.account_id AND o.group_id = g.group_id AND o.state = 'failed')
    FROM groups g";

fn summary(row: &Row<'_>) -> rusqlite::Result<GroupSummary> {
    Ok(GroupSummary {
        id: row.get(0)?,
        subject: row.get(1)?,
        member_count: row.get(2)?,
        read_at: row.get(3)?,
        gone_at: row.get(4)?,
        pending: super::count_at(row, 5)?,
        failed: super::count_at(row, 6)?,
    })
}

impl Store {
    /// Stores what the server says about one group, replacing its previous members. The group
    /// counts as present again (`gone_at` is cleared whatever `group.gone_at` says).
    pub fn upsert_group(&mut self, acct: AccountId, group: &MirrorGroup) -> Result<(), StoreError> {
        self.upsert_groups(acct, std::slice::from_ref(group))
    }

    /// [`Store::upsert_group`] for many groups in one transaction.
    pub fn upsert_groups(
        &mut self,
        acct: AccountId,
        groups: &[MirrorGroup],
    ) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        for group in groups {
            tx.prepare_cached(
                "INSERT INTO groups (account_id, group_id, subject, member_count, read_at, gone_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, NULL)
                 ON CONFLICT (account_id, group_id) DO UPDATE SET
                    subject = excluded.subject, member_count = excluded.member_count,
                    read_at = excluded.read_at, gone_at = NULL",
            )?
            .execute(params![
                acct.0,
                group.id,
                group.subject,
                group.member_count,
                group.read_at
            ])?;
            tx.prepare_cached("DELETE FROM group_members WHERE account_id = ?1 AND group_id = ?2")?
                .execute(params![acct.0, group.id])?;
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO group_members (account_id, group_id, wa_id) VALUES (?1, ?2, ?3)",
            )?;
            for member in &group.members {
                insert.execute(params![acct.0, group.id, member.wa_id()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// After a complete read of the group list: marks every group not in `seen` as gone (as of
    /// `read_at`; rows are kept, with their members as last known), and every group in `seen`
    /// as present. Returns how many groups were newly marked gone.
    pub fn mark_gone_except<I>(
        &mut self,
        acct: AccountId,
        seen: I,
        read_at: UnixMs,
    ) -> Result<usize, StoreError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let seen: Vec<String> = seen.into_iter().map(|id| id.as_ref().to_owned()).collect();
        let seen = serde_json::Value::from(seen).to_string();
        let tx = self.write_tx()?;
        let gone = tx.execute(
            "UPDATE groups SET gone_at = ?3
             WHERE account_id = ?1 AND gone_at IS NULL
               AND group_id NOT IN (SELECT value FROM json_each(?2))",
            params![acct.0, seen, read_at],
        )?;
        tx.execute(
            "UPDATE groups SET gone_at = NULL
             WHERE account_id = ?1 AND gone_at IS NOT NULL
               AND group_id IN (SELECT value FROM json_each(?2))",
            params![acct.0, seen],
        )?;
        tx.commit()?;
        Ok(gone)
    }

    /// One group of the mirror, with its members.
    pub fn group(&self, acct: AccountId, id: &str) -> Result<Option<MirrorGroup>, StoreError> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT subject, member_count, read_at, gone_at FROM groups
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
                })
            })
            .optional()?;
        let Some(mut group) = found else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT wa_id FROM group_members WHERE account_id = ?1 AND group_id = ?2 ORDER BY wa_id",
        )?;
        let wa_ids = stmt.query_map(params![acct.0, id], |row| row.get::<_, String>(0))?;
        for wa_id in wa_ids {
            group.members.push(member(&wa_id?)?);
        }
        Ok(Some(group))
    }

    /// Every group of the mirror (gone ones included, flagged), by subject, with the number of
    /// pending and failed operations of each.
    pub fn groups(&self, acct: AccountId) -> Result<Vec<GroupSummary>, StoreError> {
        let sql = format!(
            "{SUMMARY_SELECT} WHERE g.account_id = ?1 ORDER BY g.subject COLLATE NOCASE, g.group_id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![acct.0], summary)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The groups the mirror lists `wa_id` as a member of.
    pub fn groups_with_member(
        &self,
        acct: AccountId,
        wa_id: &str,
    ) -> Result<Vec<GroupSummary>, StoreError> {
        let sql = format!(
            "{SUMMARY_SELECT} JOIN group_members m
                ON m.account_id = g.account_id AND m.group_id = g.group_id
             WHERE g.account_id = ?1 AND m.wa_id = ?2
             ORDER BY g.subject COLLATE NOCASE, g.group_id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![acct.0, wa_id.trim_start_matches('+')], summary)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A member id read back from the mirror.
pub(super) fn member(wa_id: &str) -> Result<Participant, StoreError> {
    Participant::from_wa_id(wa_id).map_err(|e| StoreError::Corrupt(format!("group member {e}")))
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::super::testing::{person, store_with_account};
    use super::*;

    pub(crate) fn group(id: &str, members: &[u32]) -> MirrorGroup {
        MirrorGroup {
            id: id.into(),
            subject: format!("Group {id}"),
            members: members.iter().map(|n| person(*n)).collect(),
            member_count: members.len() as u32,
            read_at: 1_000,
            gone_at: None,
        }
    }

    #[test]
    fn a_group_round_trips_and_upsert_replaces_members() {
        let (_dir, mut store, acct) = store_with_account();
        store
            .upsert_group(acct, &group("g1", &[1, 2]))
            .expect("upsert");
        store
            .upsert_group(acct, &group("g1", &[2, 3]))
            .expect("upsert");
        let got = store.group(acct, "g1").expect("read").expect("present");
        assert_eq!(got.members, vec![person(2), person(3)]);
        assert_eq!(got.member_count, 2);
        assert_eq!(store.group(acct, "nope").expect("read"), None);
    }

    #[test]
    fn groups_missing_from_a_complete_list_are_marked_gone_not_deleted() {
        let (_dir, mut store, acct) = store_with_account();
        store
            .upsert_group(acct, &group("g1", &[1]))
            .expect("upsert");
        store
            .upsert_group(acct, &group("g2", &[2]))
            .expect("upsert");
        assert_eq!(
            store.mark_gone_except(acct, ["g1"], 5_000).expect("mark"),
            1
        );
        let g2 = store.group(acct, "g2").expect("read").expect("kept");
        assert_eq!(g2.gone_at, Some(5_000));
        assert_eq!(g2.members, vec![person(2)]);
        assert_eq!(
            store.mark_gone_except(acct, ["g1"], 6_000).expect("again"),
            0
        );
        assert_eq!(
            store
                .group(acct, "g2")
                .expect("read")
                .expect("kept")
                .gone_at,
            Some(5_000)
        );
        store
            .mark_gone_except(acct, ["g1", "g2"], 7_000)
            .expect("back");
        assert_eq!(
            store
                .group(acct, "g2")
                .expect("read")
                .expect("kept")
                .gone_at,
            None
        );
    }

    #[test]
    fn accounts_do_not_see_each_others_groups() {
        let (_dir, mut store, acct) = store_with_account();
        let other = store
            .account("https://graph.example", "2000")
            .expect("other");
        store
            .upsert_group(acct, &group("g1", &[1]))
            .expect("upsert");
        assert!(store.group(other, "g1").expect("read").is_none());
        assert!(store.groups(other).expect("list").is_empty());
        assert!(
            store
                .groups_with_member(other, person(1).wa_id())
                .expect("q")
                .is_empty()
        );
        store
            .mark_gone_except(other, Vec::<String>::new(), 9)
            .expect("mark");
        assert_eq!(
            store
                .group(acct, "g1")
                .expect("read")
                .expect("kept")
                .gone_at,
            None
        );
    }

    #[test]
    fn groups_with_a_member_are_found_by_wa_id() {
        let (_dir, mut store, acct) = store_with_account();
        store
            .upsert_group(acct, &group("g1", &[1, 2]))
            .expect("upsert");
        store
            .upsert_group(acct, &group("g2", &[2]))
            .expect("upsert");
        let ids = |wa: &str| -> Vec<String> {
            let found = store.groups_with_member(acct, wa).expect("query");
            found.into_iter().map(|g| g.id).collect()
        };
        assert_eq!(ids(person(2).wa_id()), vec!["g1", "g2"]);
        assert_eq!(ids(person(1).e164()), vec!["g1"]);
        assert!(ids(person(3).wa_id()).is_empty());
    }

    #[test]
    fn listing_ten_thousand_groups_is_fast() {
        let (_dir, mut store, acct) = store_with_account();
        {
            let tx = store.conn.transaction().expect("tx");
            for g in 0..10_000u32 {
                tx.execute(
                    "INSERT INTO groups VALUES (?1, ?2, ?3, 8, 0, NULL)",
                    params![acct.0, format!("g{g}"), format!("Group {g}")],
                )
                .expect("group");
                for m in 0..8u32 {
                    tx.execute(
                        "INSERT INTO group_members VALUES (?1, ?2, ?3)",
                        params![
                            acct.0,
                            format!("g{g}"),
                            format!("1202555{:04}", (g + m) % 10_000)
                        ],
                    )
                    .expect("member");
                }
            }
            tx.commit().expect("commit");
        }
        let ops: Vec<_> = (0..20_000u32)
            .map(|n| super::super::NewOperation {
                group_id: format!("g{}", n % 10_000),
                participant: person(n % 10_000 + 20 + (n / 10_000) * 5_000),
                kind: crate::domain::OperationKind::Remove,
            })
            .collect();
        store.enqueue(acct, &ops).expect("enqueue");
        let start = Instant::now();
        let groups = store.groups(acct).expect("list");
        let took = start.elapsed();
        println!("groups(): {} groups in {took:?}", groups.len());
        assert_eq!(groups.len(), 10_000);
        assert_eq!(groups.iter().map(|g| g.pending).sum::<usize>(), 20_000);
        assert!(took.as_millis() < 500, "groups() took {took:?}");
    }
}
