//! Imports under stress: a process killed half-way through, and the speed of a large file.

use std::io::{self, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{ImportTo, OnBadLines, read_csv};
use crate::store::{AccountStore, OperationFilter, Store};

const DB_VAR: &str = "WA_GROUPS_TEST_KILLED_IMPORT_DB";
const AREA_CODES: [u32; 10] = [202, 212, 213, 305, 312, 415, 617, 713, 206, 303];

/// A CSV action file made up as it is read: `lines` rows, eight people a group, all valid.
struct Generated {
    next: u64,
    lines: u64,
    pending: Vec<u8>,
}

impl Generated {
    fn new(lines: u64) -> Self {
        Generated {
            next: 0,
            lines,
            pending: b"group,participant,action\n".to_vec(),
        }
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pending.len() < buf.len() && self.next < self.lines {
            let n = self.next;
            let area = AREA_CODES[(n / 10_000 % 10) as usize];
            let row = format!("g{},+1 ({area}) 555-{:04},add\n", n / 8, n % 10_000);
            self.pending.extend_from_slice(row.as_bytes());
            self.next += 1;
        }
        let n = self.pending.len().min(buf.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

/// A runtime for the store's async calls in these blocking tests.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime")
}

fn account(rt: &tokio::runtime::Runtime, path: &Path) -> AccountStore {
    let store = Store::open(path).expect("open");
    rt.block_on(store.account("https://graph.example", "1000"))
        .expect("account")
}

fn pending_count(path: &Path) -> usize {
    let rt = runtime();
    let store = account(&rt, path);
    rt.block_on(store.operations(OperationFilter::default()))
        .expect("list")
        .len()
}

/// Imports `lines` generated rows and prints the rate and the peak memory (a measure, not an
/// assertion).
fn import_speed(lines: u64) {
    let rt = runtime();
    let (_dir, store) = rt.block_on(crate::store::testing::store_with_account());
    let start = Instant::now();
    let to = ImportTo {
        groups: &crate::domain::GroupNames::default(),
        store: &store,
        on_bad: OnBadLines::Reject,
    };
    let report = read_csv(Generated::new(lines), None, to).expect("import");
    let took = start.elapsed();
    println!(
        "import: {lines} lines in {took:?} = {:.0} lines/s ({} stored)",
        lines as f64 / took.as_secs_f64(),
        report.stored
    );
    assert_eq!(report.stored, lines as usize);
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        let peak = status.lines().find(|l| l.starts_with("VmHWM"));
        println!("import: peak memory {}", peak.unwrap_or("unknown"));
    }
}

/// 100,000 lines in an optimised build; 10,000 in a debug build, where the phone number
/// library is two orders of magnitude slower.
#[test]
fn import_speed_100k_lines() {
    import_speed(if cfg!(debug_assertions) {
        10_000
    } else {
        100_000
    });
}

#[test]
#[ignore = "a measure: run with --release --ignored"]
fn import_speed_1m_lines() {
    import_speed(1_000_000);
}

/// The child's half of [`a_killed_import_leaves_the_store_as_it_was`]: imports a file that
/// never ends into the store named by the environment, until it is killed.
#[test]
#[ignore = "run as a child process by a_killed_import_leaves_the_store_as_it_was"]
fn child_imports_until_killed() {
    let Ok(db) = std::env::var(DB_VAR) else {
        return;
    };
    let rt = runtime();
    let store = account(&rt, Path::new(&db));
    rt.block_on(store.spill_early_for_test());
    let endless = Generated::new(50_000_000);
    let to = ImportTo {
        groups: &crate::domain::GroupNames::default(),
        store: &store,
        on_bad: OnBadLines::Reject,
    };
    let _ = read_csv(endless, None, to);
}

#[test]
fn a_killed_import_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("killed.db");
    let wal = dir.path().join("killed.db-wal");
    {
        let rt = runtime();
        let store = account(&rt, &db);
        let to = ImportTo {
            groups: &crate::domain::GroupNames::default(),
            store: &store,
            on_bad: OnBadLines::Reject,
        };
        read_csv(Generated::new(3), None, to).expect("committed before");
    }
    assert_eq!(pending_count(&db), 3);

    let exe = std::env::current_exe().expect("test binary");
    let mut child = Command::new(exe)
        .args([
            "--exact",
            "import::stress_tests::child_imports_until_killed",
            "--ignored",
            "--test-threads=1",
        ])
        .env(DB_VAR, &db)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("child");
    // The child's open transaction has written pages to the WAL (its cache is kept small so
    // that it does) once the WAL is not empty: kill it then, in the middle of the import.
    let wal_size = || std::fs::metadata(&wal).map_or(0, |m| m.len());
    let deadline = Instant::now() + Duration::from_secs(120);
    while wal_size() == 0 && Instant::now() < deadline {
        if child.try_wait().expect("child state").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let still_running = child.try_wait().expect("child state").is_none();
    child.kill().expect("kill the child");
    child.wait().expect("reap the child");
    let written = wal_size();
    println!("killed mid-import with a {written}-byte WAL");
    assert!(written > 0, "the child import never wrote");
    assert!(still_running, "the child import ended before it was killed");

    assert_eq!(pending_count(&db), 3, "only what was committed before");
    let store = Store::open(&db).expect("reopen");
    drop(store);
    let conn = rusqlite::Connection::open(&db).expect("raw open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(check, "ok");
}
