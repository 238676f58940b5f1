//! What only the SQLite backend has to show: its file (modes, WAL, a newer or foreign file)
//! and that no token reaches the file. Its migrations are `migration_tests.rs`.

use std::os::unix::fs::PermissionsExt;

use rusqlite::{Connection, params};

use super::Sqlite;
use crate::domain::{OpSpec, OperationKind, OperationState};
use crate::store::testing::{person, store_with_account, temp_store};
use crate::store::{Exchange, MirrorGroup, Outcome, SCHEMA_VERSION, Settlement, Store, StoreError};

const TOKEN: &str = "EAAGm0PX4ZCpsBAKZCZBtestTOKENvalue1234567890";

pub(super) fn pragma(path: &std::path::Path, name: &str) -> String {
    let conn = Connection::open(path).expect("open");
    conn.query_row(&format!("PRAGMA {name}"), [], |r| {
        r.get::<_, rusqlite::types::Value>(0)
    })
    .map(|v| match v {
        rusqlite::types::Value::Integer(i) => i.to_string(),
        rusqlite::types::Value::Text(t) => t,
        other => format!("{other:?}"),
    })
    .expect("pragma")
}

#[tokio::test]
async fn opens_an_empty_file_and_reopens_idempotently() {
    let (dir, store) = temp_store();
    let path = dir.path().join("test.db");
    store.account("https://x", "1").await.expect("write");
    drop(store);
    let again = Store::open(&path).expect("reopen");
    again.account("https://x", "1").await.expect("write");
    assert_eq!(pragma(&path, "user_version"), SCHEMA_VERSION.to_string());
    assert_eq!(pragma(&path, "journal_mode"), "wal");
}

#[tokio::test]
async fn creates_parents_and_an_owner_only_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a/b/wa-groups.db");
    let store = Store::open(&path).expect("open");
    store
        .account("https://x", "1")
        .await
        .expect("write something");
    for file in [path.clone(), dir.path().join("a/b/wa-groups.db-wal")] {
        let mode = std::fs::metadata(&file)
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{}", file.display());
    }
}

#[test]
fn an_existing_file_is_narrowed_to_owner_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("loose.db");
    std::fs::write(&path, b"").expect("create");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    Store::open(&path).expect("open");
    let mode = std::fs::metadata(&path)
        .expect("exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_newer_schema_is_refused() {
    let (dir, store) = temp_store();
    drop(store);
    let path = dir.path().join("test.db");
    Connection::open(&path)
        .expect("open")
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .expect("bump");
    match Sqlite::open(&path) {
        Err(StoreError::TooNew { found, known }) => {
            assert_eq!((found, known), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        Err(other) => panic!("wrong error: {other}"),
        Ok(_) => panic!("a newer store was opened"),
    }
}

#[test]
fn a_file_that_is_not_a_database_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("junk.db");
    std::fs::write(&path, vec![0x42; 8192]).expect("junk");
    assert!(Store::open(&path).is_err());
}

#[test]
fn default_path_ends_with_the_file_name() {
    if let Ok(path) = Store::default_path() {
        assert!(path.ends_with("wa-groups.db"));
    }
}

#[tokio::test]
async fn no_column_anywhere_is_for_a_token() {
    let (_dir, s) = store_with_account().await;
    let db = s.store().sqlite();
    let columns: Vec<(String, String)> = db
        .read_raw(|c| {
            let mut stmt = c.prepare(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table'",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
        .expect("schema");
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

#[tokio::test]
async fn a_token_passed_in_text_never_reaches_the_file() {
    let (dir, s) = store_with_account().await;
    let ids = s
        .enqueue(vec![OpSpec::for_participant(
            OperationKind::Add,
            "g1",
            person(2),
        )])
        .await
        .expect("enqueue")
        .ids;
    s.claim(ids.clone(), "t".into()).await.expect("claim");
    s.audit(Exchange {
        at: 1,
        method: "GET".into(),
        path: format!("/v23.0/1000/groups?access_token={TOKEN}&limit=10"),
        group_id: None,
        participants: String::new(),
        status: Some(401),
        graph_code: Some(190),
        request_id: None,
        duration_ms: 3,
        error: Some(format!("401 for Authorization: Bearer {TOKEN}")),
    })
    .await
    .expect("audit");
    s.settle(Settlement {
        changes: vec![crate::store::StateChange {
            id: ids[0],
            state: OperationState::Failed,
            code: Some(190),
            message: Some("expired".into()),
            group: None,
        }],
        outcomes: vec![Outcome {
            at: 1,
            group_id: "g1".into(),
            participant: person(2).e164().into(),
            username: None,
            action: OperationKind::Add,
            result: OperationState::Failed,
            code: Some(190),
            message: Some(format!("token access_token={TOKEN} expired")),
            request_id: None,
            operation_id: Some(ids[0]),
        }],
        ..Settlement::default()
    })
    .await
    .expect("settle");
    s.upsert_groups(vec![MirrorGroup {
        id: "g1".into(),
        subject: "Runners".into(),
        members: vec![person(1).into()],
        member_count: 1,
        read_at: 1,
        gone_at: None,
        about: Default::default(),
    }])
    .await
    .expect("mirror");
    let stored = s.exchanges().await.expect("list");
    assert!(!stored[0].exchange.path.contains(TOKEN));
    assert!(
        !s.outcomes().await.expect("list")[0]
            .outcome
            .message
            .as_deref()
            .unwrap_or_default()
            .contains(TOKEN)
    );
    drop(s);
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        assert!(
            !bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()),
            "{} holds the token",
            path.display()
        );
    }
}

/// Prints the enqueue rate (a measure, not an assertion: debug builds are slow).
async fn enqueue_speed(count: u32) {
    let (_dir, s) = store_with_account().await;
    let people: Vec<_> = (0..10_000).map(person).collect();
    let start = std::time::Instant::now();
    let chunk_size = 1024;
    let s2 = s.clone();
    tokio::task::spawn_blocking(move || {
        let import = s2.begin_import().expect("import");
        let mut chunk = Vec::with_capacity(chunk_size);
        for n in 0..count {
            chunk.push(OpSpec::for_participant(
                OperationKind::Add,
                format!("group-{}", n / 10_000),
                people[(n % 10_000) as usize].clone(),
            ));
            if chunk.len() == chunk_size {
                import.push(std::mem::take(&mut chunk)).expect("push");
            }
        }
        import.push(chunk).expect("push");
        import.commit().expect("commit");
    })
    .await
    .expect("thread");
    let took = start.elapsed();
    println!(
        "enqueue: {count} rows in {took:?} = {:.0} rows/s",
        f64::from(count) / took.as_secs_f64()
    );
    let counts = s.count_by_state().await.expect("count");
    assert_eq!(counts[&OperationState::Pending], count as usize);
}

#[tokio::test]
async fn enqueue_speed_100k() {
    enqueue_speed(100_000).await;
}

#[tokio::test]
#[ignore = "a measure: run with --ignored, ideally with --release"]
async fn enqueue_speed_1m() {
    enqueue_speed(1_000_000).await;
}

#[tokio::test]
async fn listing_ten_thousand_groups_counts_every_pending_change() {
    let (_dir, s) = store_with_account().await;
    let acct = s.id().0;
    s.store()
        .sqlite()
        .write_raw(move |c| {
            for g in 0..10_000u32 {
                c.execute(
                    "INSERT INTO groups (account_id, group_id, subject, member_count, read_at, gone_at)
                     VALUES (?1, ?2, ?3, 8, 0, NULL)",
                    params![acct, format!("g{g}"), format!("Group {g}")],
                )?;
                for m in 0..8u32 {
                    let wa_id = format!("1202555{:04}", (g + m) % 10_000);
                    c.execute(
                        "INSERT INTO group_members (account_id, group_id, wa_id, phone_key)
                         VALUES (?1, ?2, ?3, ?3)",
                        params![acct, format!("g{g}"), wa_id],
                    )?;
                }
            }
            Ok(())
        })
        .await
        .expect("seed");
    let ops: Vec<_> = (0..20_000u32)
        .map(|n| {
            OpSpec::for_participant(
                OperationKind::Remove,
                format!("g{}", n % 10_000),
                person(n % 10_000 + 20 + (n / 10_000) * 5_000),
            )
        })
        .collect();
    s.enqueue(ops).await.expect("enqueue");
    let start = std::time::Instant::now();
    let groups = s.groups().await.expect("list");
    println!("groups(): {} groups in {:?}", groups.len(), start.elapsed());
    assert_eq!(groups.len(), 10_000);
    assert_eq!(groups.iter().map(|g| g.pending).sum::<usize>(), 20_000);
}

/// Another process's commit reaches every listener: also one that subscribed after the
/// listeners before it were gone (the poller ends with the last one and starts again), and a
/// commit made right after it subscribed.
#[tokio::test]
async fn the_change_feed_sees_other_connections_after_listeners_come_and_go() {
    let (dir, store) = temp_store();
    let path = dir.path().join("test.db");
    let other = Connection::open(&path).expect("another connection");
    other
        .execute_batch("CREATE TABLE IF NOT EXISTS feed_probe (x)")
        .expect("probe");
    for round in 0..2 {
        let mut rx = store.changes();
        rx.mark_unchanged();
        other
            .execute("INSERT INTO feed_probe VALUES (?1)", params![round])
            .expect("commit");
        let seen = tokio::time::timeout(std::time::Duration::from_secs(10), rx.changed()).await;
        assert!(seen.is_ok(), "round {round}: the commit was seen");
        drop(rx);
        // Long enough for the poller to see nobody listens and end.
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    }
}
