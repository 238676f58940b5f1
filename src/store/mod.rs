//! The local store on SQLite: the truth about accounts, the groups mirror, the operations queue
//! and the audit trail.
//!
//! Durability: the database runs in WAL mode with `synchronous=NORMAL`. Every committed
//! transaction survives a crash of this process (the WAL is in the OS page cache); only a
//! power loss or kernel crash may lose the last few commits, never corrupt the file.
//!
//! The API is synchronous and each call is short; the engine wraps a [`Store`] in a mutex.
//! Times are [`UnixMs`] (milliseconds since the Unix epoch, UTC) everywhere.

mod account;
mod audit;
mod clock;
mod enqueue;
mod error;
mod file;
mod ids;
mod mirror;
mod moves;
mod queue;
mod redact;
mod schema;
mod target;
#[cfg(test)]
pub(crate) mod testing;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use audit::{Exchange, ExchangeRecord, Outcome, OutcomeRecord};
pub use clock::{UnixMs, now_ms};
pub use enqueue::{EnqueueBatch, EnqueueReport, Flagged, NewOperation, Pushed, Replacement};
pub use error::StoreError;
pub use ids::{AccountId, ExchangeId, OpId};
pub use mirror::{GroupSummary, MirrorGroup};
pub use moves::StateChange;
pub use queue::{DropReport, DropScope, Operation, OperationFilter, Undone};
pub use schema::SCHEMA_VERSION;
pub use target::{TargetDiff, TargetMembership};

/// How long a call waits for another connection's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The open store. `Send`, not `Sync`: share it behind a mutex.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed, with mode 0600) the store at `path` and brings its schema up
    /// to date. A store written by a newer build is refused with [`StoreError::TooNew`].
    ///
    /// The path must name a regular file (not a symbolic link, device, FIFO or directory)
    /// and not an SQLite URI or `:memory:`: [`StoreError::NotAFile`], [`StoreError::NotAPath`].
    /// A database of another application is refused ([`StoreError::Foreign`]), as is a file
    /// that is no database. Only a file this call created, or one that opened as a wa-groups
    /// store, has its mode narrowed.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let handle = file::prepare(path)?;
        file::check_companions(path)?;
        // No SQLITE_OPEN_URI: the path is a file name, whatever it looks like; no
        // SQLITE_OPEN_CREATE: the file was made above; NOFOLLOW: SQLite checks the link too.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_NOFOLLOW;
        let mut conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        schema::check_ours(&conn)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(%mode, "the store could not switch to WAL mode");
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate(&mut conn)?;
        handle.narrow(path)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// `<data dir>/wa-groups.db`, the data dir as the platform has it
    /// (`~/.local/share/wa-groups` on Linux).
    pub fn default_path() -> Result<PathBuf, StoreError> {
        directories::ProjectDirs::from("", "", "wa-groups")
            .map(|dirs| dirs.data_dir().join("wa-groups.db"))
            .ok_or(StoreError::NoDataDir)
    }

    /// Where this store lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes SQLite write uncommitted pages to the WAL early, so tests can show that such pages
    /// are never taken for committed ones.
    #[cfg(test)]
    pub(crate) fn spill_early_for_test(&self) {
        self.conn
            .pragma_update(None, "cache_size", 16)
            .expect("cache_size");
    }

    /// A write transaction that takes the write lock at once, so that it waits (up to the busy
    /// timeout) for another writer instead of failing half-way through.
    fn write_tx(&mut self) -> Result<Transaction<'_>, StoreError> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
}

/// A `count(*)` column as a `usize` (counts are never negative).
fn count_at(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<usize> {
    Ok(usize::try_from(row.get::<_, i64>(index)?).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::testing::temp_store;
    use super::*;

    fn assert_send<T: Send>() {}

    #[test]
    fn store_is_send() {
        assert_send::<Store>();
    }

    #[test]
    fn opens_an_empty_file_and_reopens_idempotently() {
        let (dir, store) = temp_store();
        let path = store.path().to_path_buf();
        drop(store);
        let again = Store::open(&path).expect("reopen");
        let version: i64 = again
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, SCHEMA_VERSION);
        let mode: String = again
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "wal");
        drop(dir);
    }

    #[test]
    fn creates_parents_and_an_owner_only_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a/b/wa-groups.db");
        let mut store = Store::open(&path).expect("open");
        store.account("https://x", "1").expect("write something");
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
        let (_dir, store) = temp_store();
        let path = store.path().to_path_buf();
        store
            .conn
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("bump");
        drop(store);
        match Store::open(&path) {
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
        assert!(matches!(Store::open(&path), Err(StoreError::NotADatabase)));
    }

    #[test]
    fn default_path_ends_with_the_file_name() {
        if let Ok(path) = Store::default_path() {
            assert!(path.ends_with("wa-groups.db"));
        }
    }
}
