//! The store is a regular file: a symbolic link, a device, a FIFO, a socket, a directory or
//! an SQLite URI is refused, and so is a database of another application; only a file the
//! tool created, or one that opened as its store, has its mode narrowed.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use common::{Run, mkfifo, run_within};

/// `queue add` with the store at `db` (no server is needed to queue).
async fn queue_add(home: &Path, db: &str) -> Run {
    run_within(
        home,
        &["queue", "add", "--group", "G1", "+12025550143"],
        &[
            ("WA_GROUPS_DB", db.to_string()),
            ("WA_BASE_URL", "http://127.0.0.1:9".to_string()),
            ("WA_PHONE_NUMBER_ID", "1".to_string()),
        ],
        Duration::from_secs(60),
    )
    .await
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("exists")
        .permissions()
        .mode()
        & 0o7777
}

/// A character device like /dev/null, made in the temporary directory (needs root); `false`
/// when the system does not allow it.
fn mknod_null(path: &Path) -> bool {
    let c = std::ffi::CString::new(path.to_str().expect("path")).expect("c path");
    // SAFETY: mknod(2) of a device node (1, 3: the null device) in our own temporary directory.
    unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) == 0 }
}

fn one_short_line(out: &Run) -> String {
    let line = out.stderr.trim().to_owned();
    assert_eq!(line.lines().count(), 1, "{}", out.stderr);
    assert!(line.chars().count() < 240, "a short line: {line}");
    line
}

#[tokio::test(flavor = "multi_thread")]
async fn what_is_not_a_regular_file_is_refused_and_left_as_it_was() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    // Someone else's file, readable by all, that a link points to.
    let other = h.join("other.txt");
    std::fs::write(&other, "not yours").expect("other");
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let link = h.join("link.db");
    std::os::unix::fs::symlink(&other, &link).expect("symlink");
    let dangling = h.join("dangling.db");
    std::os::unix::fs::symlink(h.join("nowhere"), &dangling).expect("symlink");
    let fifo = h.join("fifo.db");
    mkfifo(&fifo);
    let dir = h.join("dir.db");
    std::fs::create_dir(&dir).expect("dir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let socket = h.join("socket.db");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("socket");
    let device = h.join("null.db");
    let mut cases = vec![
        (link.clone(), "a symbolic link"),
        (dangling.clone(), "a symbolic link"),
        (fifo.clone(), "a FIFO"),
        (dir.clone(), "a directory"),
        (socket.clone(), "a socket"),
    ];
    if mknod_null(&device) {
        cases.push((device.clone(), "a character device"));
    }
    for (path, what) in &cases {
        let before = std::fs::symlink_metadata(path)
            .expect("there")
            .permissions()
            .mode();
        let target_before = mode(&other);
        let out = queue_add(h, path.to_str().expect("path")).await;
        assert_eq!(out.code, 2, "{}: {}", path.display(), out.stderr);
        let line = one_short_line(&out);
        assert!(
            line.contains(&format!("not a regular file ({what})")),
            "{line}"
        );
        let after = std::fs::symlink_metadata(path)
            .expect("there")
            .permissions()
            .mode();
        assert_eq!(before, after, "{} kept its mode", path.display());
        assert_eq!(
            mode(&other),
            target_before,
            "the link's target kept its mode"
        );
    }
    assert_eq!(std::fs::read_to_string(&other).expect("read"), "not yours");
    assert!(
        !h.join("nowhere").exists(),
        "nothing created through the link"
    );

    // A link at a companion file is refused too, before SQLite writes through it.
    let db = h.join("store.db");
    let out = queue_add(h, db.to_str().expect("path")).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    std::os::unix::fs::symlink(&other, h.join("store.db-wal")).expect("symlink");
    let out = queue_add(h, db.to_str().expect("path")).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(one_short_line(&out).contains("store.db-wal is not a regular file"));
    assert_eq!(mode(&other), 0o644);
    assert_eq!(std::fs::read_to_string(&other).expect("read"), "not yours");
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_uris_are_no_store_paths() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    for (db, says) in [
        ("file:mem.db?mode=memory", "an SQLite URI"),
        ("file::memory:", "an SQLite URI"),
        ("file:///tmp/x.db", "an SQLite URI"),
        (":memory:", "an in-memory database"),
    ] {
        let out = queue_add(h, db).await;
        assert_eq!(out.code, 2, "{db}: {}", out.stderr);
        assert!(one_short_line(&out).contains(says), "{}", out.stderr);
    }
    // With ./ before it, such a name is a file like any other: what is queued stays there.
    let plain = "./file:mem.db?mode=memory";
    let out = run_within(
        h,
        &["queue", "add", "--group", "G1", "+12025550143"],
        &[
            ("WA_GROUPS_DB", plain.to_string()),
            ("WA_BASE_URL", "http://127.0.0.1:9".to_string()),
            ("WA_PHONE_NUMBER_ID", "1".to_string()),
        ],
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The binary ran in `home`: the file is there, and it holds the change.
    let file = h.join("file:mem.db?mode=memory");
    let conn = rusqlite::Connection::open(&file).expect("the file");
    let queued: i64 = conn
        .query_row("SELECT count(*) FROM operations", [], |r| r.get(0))
        .expect("count");
    assert_eq!(queued, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_applications_database_is_refused_in_one_short_line() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let schemas = [
        // Tables of the same name as ours, and none of its version.
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT);",
        "CREATE TABLE notes (body TEXT); PRAGMA user_version = 7;",
        "CREATE TABLE notes (body TEXT);",
        "CREATE VIEW v AS SELECT 1;",
        "PRAGMA user_version = 3;",
    ];
    for (i, schema) in schemas.iter().enumerate() {
        let db = h.join(format!("other-{i}.db"));
        let conn = rusqlite::Connection::open(&db).expect("create");
        conn.execute_batch(schema).expect("schema");
        drop(conn);
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let out = queue_add(h, db.to_str().expect("path")).await;
        assert_eq!(out.code, 2, "{schema}: {}", out.stderr);
        let line = one_short_line(&out);
        assert!(
            line.contains("an SQLite database of another application"),
            "{line}"
        );
        assert_eq!(mode(&db), 0o644, "its mode is left alone");
        let conn = rusqlite::Connection::open(&db).expect("open");
        let ours: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'operations'",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(ours, 0, "nothing of ours was added");
    }
    // A file that is no database at all says so.
    let junk = h.join("junk.db");
    std::fs::write(&junk, vec![0x42; 8192]).expect("junk");
    std::fs::set_permissions(&junk, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = queue_add(h, junk.to_str().expect("path")).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(one_short_line(&out).contains("not an SQLite database"));
    assert_eq!(mode(&junk), 0o644);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_tools_own_files_are_narrowed() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    // Created by the tool: owner-only from the start.
    let new = h.join("new/dir/store.db");
    let out = queue_add(h, new.to_str().expect("path")).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(mode(&new), 0o600);
    assert_eq!(mode(&h.join("new/dir")), 0o700);
    // An empty file, or a store, left open to others: narrowed once it opened as the store.
    let empty = h.join("empty.db");
    std::fs::write(&empty, b"").expect("empty");
    for db in [&empty, &new] {
        std::fs::set_permissions(db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let out = queue_add(h, db.to_str().expect("path")).await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(mode(db), 0o600, "{}", db.display());
        for companion in ["-wal", "-shm"] {
            let path = format!("{}{companion}", db.display());
            if Path::new(&path).exists() {
                assert_eq!(mode(Path::new(&path)), 0o600, "{path}");
            }
        }
    }
}

/// A long-lived process (the app, the webhook receiver) and short commands share one store:
/// what the long-lived one writes after a short one has come and gone is kept. (A process
/// that opened the store file itself and closed it would drop SQLite's locks on it, so the
/// last short command to close would take the write-ahead log from under the other.)
#[tokio::test(flavor = "multi_thread")]
async fn a_long_lived_process_keeps_what_it_writes_after_short_commands_end() {
    use wa_groups::domain::{OpSpec, OperationKind, Participant};
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let db = h.join("shared.db");
    let store = wa_groups::store::Store::open(&db).expect("open");
    let account = store
        .account("http://127.0.0.1:9", "1")
        .await
        .expect("account");
    let add = |n: &str| {
        OpSpec::for_participant(
            OperationKind::Add,
            "G2",
            Participant::from_wa_id(n).expect("wa_id"),
        )
    };
    account
        .enqueue(vec![add("12025550101")])
        .await
        .expect("first");
    let out = queue_add(h, db.to_str().expect("path")).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    account
        .enqueue(vec![add("12025550102")])
        .await
        .expect("after");
    // Seen by another process while the long-lived one still has the store open, and kept
    // if it then ends without closing (killed).
    let listed = run_within(
        h,
        &["queue", "list", "--json"],
        &[
            ("WA_GROUPS_DB", db.to_str().expect("path").to_string()),
            ("WA_BASE_URL", "http://127.0.0.1:9".to_string()),
            ("WA_PHONE_NUMBER_ID", "1".to_string()),
        ],
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let ops: Vec<serde_json::Value> = serde_json::from_str(&listed.stdout).expect("json");
    assert_eq!(
        ops.len(),
        3,
        "every write of both processes is seen: {}",
        listed.stdout
    );
    drop(account);
    drop(store);
}
