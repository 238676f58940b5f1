//! The SQLite backend: one file, a writer thread that owns the writing connection and commits
//! calls in groups, read connections beside it, and a change feed.
//!
//! Durability: the database runs in WAL mode with `synchronous=NORMAL`. Every committed
//! transaction survives a crash of this process (the WAL is in the OS page cache); only a
//! power loss or kernel crash may lose the last few commits, never corrupt the file. A call
//! that changes the store is answered only after its commit.

mod account;
mod audit;
mod convert;
mod enqueue;
mod feed;
mod file;
mod inbox;
pub mod lock;
#[cfg(test)]
mod migration_tests;
mod mirror;
mod moves;
mod queue;
mod readers;
pub(crate) mod schema;
#[cfg(test)]
mod statement_tests;
#[cfg(test)]
mod tests;
mod writer;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::watch;

use self::enqueue::Enqueuer;
use self::readers::Readers;
use self::writer::{ImportMsg, Writer};
use crate::domain::{OpId, OpSpec, OperationState, Person, Query};
use crate::store::{
    AccountId, DropReport, DropScope, EnqueueReport, EventApplication, EventEffects, EventFilter,
    EventProbe, EventRecord, Exchange, ExchangeRecord, GroupSummary, MirrorGroup, NumberBatch,
    Operation, OperationFilter, OutcomeRecord, Pushed, Received, SettledAnswer, Settlement,
    StoreError, StoredJoinRequest, Undone, UnixMs,
};

/// How long a call waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open SQLite store.
pub(crate) struct Sqlite {
    path: PathBuf,
    writer: Writer,
    readers: Readers,
    changes: Arc<watch::Sender<u64>>,
    feed: feed::Running,
    /// Held until the connections above are closed (fields drop in order).
    _file: file::StoreFile,
}

/// Opens a connection with the store's settings (WAL, `synchronous=NORMAL`, foreign keys). No
/// SQLITE_OPEN_URI: the path is a file name, whatever it looks like; no SQLITE_OPEN_CREATE:
/// the file was made by [`file::prepare`]; NOFOLLOW: SQLite refuses a link too.
fn connect(path: &Path) -> Result<Connection, StoreError> {
    let conn = open_file(path)?;
    settings(&conn)?;
    Ok(conn)
}

/// The file opened, nothing asked of it yet (so a file that is no store is told as such).
fn open_file(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_NOFOLLOW;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// `synchronous=NORMAL`, foreign keys, a statement cache whose statements stay prepared.
///
/// The query planner stability guarantee (QPSG) is on: without it SQLite (3.54, bundled) marks a
/// statement whose plan guessed from a bound value (an `=` filter an index does not serve,
/// `LIMIT ?`) to be prepared again whenever a value is bound, and the statement cache clears
/// the bindings of every statement it takes back, so such a statement was compiled anew on
/// every use (half the CPU of the store's reads during a submit). Plans here never depend on
/// a value: the store keeps no `sqlite_stat4`.
fn settings(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// The writer's own settings. Its savepoints' journals are kept in memory (each call of a
/// group commit runs in a savepoint, whose journal SQLite otherwise spills to a temporary
/// file past 64 KiB, created and deleted at every commit). The log is copied back into the
/// database every 4,000 pages (16 MiB) instead of SQLite's 1,000: a submit rewrites the same
/// pages (the queue's, its indexes') commit after commit, and a larger log copies each of
/// them once per checkpoint (a 20,000-change submit: 6% less CPU). Its page cache is 1 MiB
/// instead of SQLite's 2 MiB: a page it drops is read again from the operating system's cache
/// (a sync of 10,000 groups peaked 0.8 MB lower, at the same CPU).
/// The writer's page cache, in KiB (SQLite reads a negative `cache_size` as KiB).
const WRITER_CACHE_KIB: i64 = -1024;

fn writer_settings(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "wal_autocheckpoint", 4000)?;
    conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
    Ok(())
}

impl Sqlite {
    /// Opens (creating if needed, with mode 0600) the store at `path` and brings its schema up
    /// to date. A store written by a newer build is refused with [`StoreError::TooNew`].
    ///
    /// The path must name a regular file (not a symbolic link, device, FIFO or directory)
    /// and not an SQLite URI or `:memory:`: [`StoreError::NotAFile`], [`StoreError::NotAPath`].
    /// A database of another application is refused ([`StoreError::Foreign`]), as is a file
    /// that is no database. Only a file this call created, or one that opened as a wa-groups
    /// store, has its mode narrowed.
    pub(crate) fn open(path: &Path) -> Result<Sqlite, StoreError> {
        let handle = file::prepare(path)?;
        file::check_companions(path)?;
        let mut conn = open_file(path)?;
        schema::check_ours(&conn)?;
        settings(&conn)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(%mode, "the store could not switch to WAL mode");
        }
        schema::migrate(&mut conn)?;
        writer_settings(&conn)?;
        handle.narrow(path)?;
        let changes = Arc::new(watch::channel(0u64).0);
        Ok(Sqlite {
            path: path.to_path_buf(),
            writer: Writer::start(conn, Arc::clone(&changes)),
            readers: Readers::new(path.to_path_buf()),
            changes,
            feed: feed::Running::default(),
            _file: handle,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// A receiver whose value moves after every change of the store, this process's or
    /// another's.
    pub(crate) fn changes(&self) -> watch::Receiver<u64> {
        feed::subscribe(&self.path, &self.changes, &self.feed)
    }

    pub(crate) async fn account(
        &self,
        base_url: &str,
        phone_number_id: &str,
    ) -> Result<AccountId, StoreError> {
        let (base_url, phone) = (base_url.to_owned(), phone_number_id.to_owned());
        self.writer
            .write(move |c| account::account(c, &base_url, &phone))
            .await
    }

    pub(crate) async fn enqueue(
        &self,
        acct: AccountId,
        specs: Vec<OpSpec>,
    ) -> Result<EnqueueReport, StoreError> {
        self.writer
            .write(move |c| {
                let mut enqueuer = Enqueuer::new(acct);
                let mut report = EnqueueReport::default();
                for spec in &specs {
                    let pushed = enqueuer.push(c, spec)?;
                    report.count(spec, pushed);
                }
                Ok(report)
            })
            .await
    }

    /// Opens an import: changes pushed in chunks into one transaction, committed at the end or
    /// rolled back when the returned value is dropped.
    pub(crate) fn begin_import(&self, acct: AccountId) -> Result<SqliteImport, StoreError> {
        let tx = self.writer.import()?;
        Ok(SqliteImport {
            tx,
            enqueuer: Arc::new(std::sync::Mutex::new(Some(Enqueuer::new(acct)))),
        })
    }

    pub(crate) async fn claim(
        &self,
        acct: AccountId,
        ids: Vec<OpId>,
        attempt_id: String,
    ) -> Result<(), StoreError> {
        self.writer
            .write(move |c| moves::claim(c, acct, &ids, &attempt_id))
            .await
    }

    pub(crate) async fn settle(
        &self,
        acct: AccountId,
        settlement: Settlement,
    ) -> Result<(), StoreError> {
        self.writer
            .write(move |c| moves::settle(c, acct, &settlement))
            .await
    }

    pub(crate) async fn settle_open(
        &self,
        acct: AccountId,
        settlement: Settlement,
    ) -> Result<Vec<OpId>, StoreError> {
        self.writer
            .write(move |c| moves::settle_open(c, acct, &settlement))
            .await
    }

    pub(crate) async fn settle_answer(
        &self,
        acct: AccountId,
        settlement: Settlement,
        probe: EventProbe,
    ) -> Result<SettledAnswer, StoreError> {
        self.writer
            .write(move |c| {
                let moved = moves::settle_open(c, acct, &settlement)?;
                let events_waiting = inbox::any_event(c, acct, &probe)?;
                Ok(SettledAnswer {
                    moved,
                    events_waiting,
                })
            })
            .await
    }

    pub(crate) async fn receive_events(
        &self,
        base_url: String,
        batches: Vec<NumberBatch>,
    ) -> Result<Vec<(AccountId, Received)>, StoreError> {
        self.writer
            .write(move |c| inbox::receive(c, &base_url, &batches))
            .await
    }

    pub(crate) async fn numbers_with_unprocessed_events(
        &self,
        base_url: String,
    ) -> Result<Vec<String>, StoreError> {
        self.readers
            .read(move |c| inbox::numbers_with_unprocessed(c, &base_url))
            .await
    }

    pub(crate) async fn unprocessed_events(
        &self,
        acct: AccountId,
        limit: usize,
    ) -> Result<Vec<EventRecord>, StoreError> {
        self.readers
            .read(move |c| inbox::unprocessed(c, acct, limit))
            .await
    }

    pub(crate) async fn events_with_request_id(
        &self,
        acct: AccountId,
        request_id: String,
    ) -> Result<Vec<EventRecord>, StoreError> {
        self.readers
            .read(move |c| inbox::with_request_id(c, acct, &request_id))
            .await
    }

    pub(crate) async fn events(
        &self,
        acct: AccountId,
        filter: EventFilter,
    ) -> Result<Vec<EventRecord>, StoreError> {
        self.readers
            .read(move |c| inbox::events(c, acct, &filter))
            .await
    }

    pub(crate) async fn latest_event_seq(
        &self,
        acct: AccountId,
    ) -> Result<Option<i64>, StoreError> {
        self.readers.read(move |c| inbox::latest_seq(c, acct)).await
    }

    pub(crate) async fn join_request_open(
        &self,
        acct: AccountId,
        group: String,
        keys: Vec<String>,
    ) -> Result<bool, StoreError> {
        self.readers
            .read(move |c| inbox::join_request_open(c, acct, &group, &keys))
            .await
    }

    pub(crate) async fn apply_event(
        &self,
        acct: AccountId,
        app: EventApplication,
    ) -> Result<EventEffects, StoreError> {
        self.writer
            .write(move |c| inbox::apply(c, acct, &app))
            .await
    }

    pub(crate) async fn reset(
        &self,
        acct: AccountId,
        ids: Vec<OpId>,
        exchange: Option<Exchange>,
    ) -> Result<usize, StoreError> {
        self.writer
            .write(move |c| {
                if let Some(exchange) = &exchange {
                    audit::insert_exchange(c, acct, exchange)?;
                }
                moves::reset(c, acct, &ids)
            })
            .await
    }

    pub(crate) async fn audit(
        &self,
        acct: AccountId,
        exchange: Exchange,
    ) -> Result<(), StoreError> {
        self.writer
            .write(move |c| audit::insert_exchange(c, acct, &exchange).map(|_| ()))
            .await
    }

    pub(crate) async fn operations(
        &self,
        acct: AccountId,
        filter: OperationFilter,
    ) -> Result<Vec<Operation>, StoreError> {
        self.readers
            .read(move |c| queue::operations(c, acct, &filter))
            .await
    }

    pub(crate) async fn count_by_state(
        &self,
        acct: AccountId,
    ) -> Result<BTreeMap<OperationState, usize>, StoreError> {
        self.readers
            .read(move |c| queue::count_by_state(c, acct))
            .await
    }

    pub(crate) async fn drop_operations(
        &self,
        acct: AccountId,
        scope: DropScope,
    ) -> Result<DropReport, StoreError> {
        self.writer
            .write(move |c| queue::drop_operations(c, acct, &scope))
            .await
    }

    pub(crate) async fn undo(
        &self,
        acct: AccountId,
        ids: Vec<OpId>,
    ) -> Vec<(OpId, Result<Undone, StoreError>)> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let result = self.writer.write(move |c| queue::undo(c, acct, id)).await;
            out.push((id, result));
        }
        out
    }

    pub(crate) async fn upsert_groups(
        &self,
        acct: AccountId,
        groups: Vec<MirrorGroup>,
    ) -> Result<(), StoreError> {
        self.writer
            .write(move |c| mirror::upsert_groups(c, acct, &groups))
            .await
    }

    pub(crate) async fn mark_gone_except(
        &self,
        acct: AccountId,
        seen: Vec<String>,
        read_at: UnixMs,
    ) -> Result<usize, StoreError> {
        self.writer
            .write(move |c| mirror::mark_gone_except(c, acct, &seen, read_at))
            .await
    }

    pub(crate) async fn group(
        &self,
        acct: AccountId,
        id: String,
    ) -> Result<Option<MirrorGroup>, StoreError> {
        self.readers
            .read(move |c| mirror::group(c, acct, &id))
            .await
    }

    pub(crate) async fn groups_of(
        &self,
        acct: AccountId,
        ids: Vec<String>,
    ) -> Result<Vec<MirrorGroup>, StoreError> {
        self.readers
            .read(move |c| {
                let mut out = Vec::with_capacity(ids.len());
                for id in &ids {
                    if let Some(g) = mirror::group(c, acct, id)? {
                        out.push(g);
                    }
                }
                Ok(out)
            })
            .await
    }

    pub(crate) async fn groups(&self, acct: AccountId) -> Result<Vec<GroupSummary>, StoreError> {
        self.readers.read(move |c| mirror::groups(c, acct)).await
    }

    pub(crate) async fn pending_adds_of(
        &self,
        acct: AccountId,
        query: Query,
    ) -> Result<Vec<(String, OpId)>, StoreError> {
        self.readers
            .read(move |c| queue::pending_adds_of(c, acct, &query))
            .await
    }

    pub(crate) async fn groups_with_member(
        &self,
        acct: AccountId,
        query: Query,
    ) -> Result<Vec<(GroupSummary, Person)>, StoreError> {
        self.readers
            .read(move |c| mirror::groups_with_member(c, acct, &query))
            .await
    }

    pub(crate) async fn exchanges(
        &self,
        acct: AccountId,
    ) -> Result<Vec<ExchangeRecord>, StoreError> {
        self.readers.read(move |c| audit::exchanges(c, acct)).await
    }

    pub(crate) async fn mark_groups_gone(
        &self,
        acct: AccountId,
        ids: Vec<String>,
        at: UnixMs,
    ) -> Result<usize, StoreError> {
        self.writer
            .write(move |c| mirror::mark_groups_gone(c, acct, &ids, at))
            .await
    }

    pub(crate) async fn set_invite_link(
        &self,
        acct: AccountId,
        group: String,
        link: Option<String>,
        read_at: UnixMs,
    ) -> Result<(), StoreError> {
        self.writer
            .write(move |c| mirror::set_invite_link(c, acct, &group, link.as_deref(), read_at))
            .await
    }

    pub(crate) async fn set_join_requests(
        &self,
        acct: AccountId,
        group: String,
        requests: Vec<StoredJoinRequest>,
        read_at: UnixMs,
    ) -> Result<(), StoreError> {
        self.writer
            .write(move |c| mirror::set_join_requests(c, acct, &group, &requests, read_at))
            .await
    }

    pub(crate) async fn join_requests(
        &self,
        acct: AccountId,
        group: Option<String>,
    ) -> Result<Vec<StoredJoinRequest>, StoreError> {
        self.readers
            .read(move |c| mirror::join_requests(c, acct, group.as_deref()))
            .await
    }

    pub(crate) async fn operations_with_request_id(
        &self,
        acct: AccountId,
        request_id: String,
    ) -> Result<Vec<Operation>, StoreError> {
        self.readers
            .read(move |c| queue::with_request_id(c, acct, &request_id))
            .await
    }

    pub(crate) async fn created_groups(
        &self,
        acct: AccountId,
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        self.readers
            .read(move |c| queue::created_groups(c, acct))
            .await
    }

    pub(crate) async fn outcomes(
        &self,
        acct: AccountId,
        latest: Option<usize>,
    ) -> Result<Vec<OutcomeRecord>, StoreError> {
        self.readers
            .read(move |c| audit::outcomes(c, acct, latest))
            .await
    }

    /// Runs a raw read (SQLite-only tests and tools).
    #[cfg(test)]
    pub(crate) async fn read_raw<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.readers.read(f).await
    }

    /// Runs a raw write (SQLite-only tests).
    #[cfg(test)]
    pub(crate) async fn write_raw<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.writer.write(f).await
    }
}

/// An import's open transaction on SQLite. Blocking: use it from a blocking thread.
pub(crate) struct SqliteImport {
    tx: std::sync::mpsc::Sender<ImportMsg>,
    enqueuer: Arc<std::sync::Mutex<Option<Enqueuer>>>,
}

impl SqliteImport {
    /// Queues a chunk of changes by the queue rules; what each push did, in order.
    pub(crate) fn push(&self, specs: Vec<OpSpec>) -> Result<Vec<Pushed>, StoreError> {
        let (reply, answer) = std::sync::mpsc::sync_channel(1);
        let enqueuer = Arc::clone(&self.enqueuer);
        let run = Box::new(move |c: &Connection| {
            let mut guard = enqueuer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let result = match guard.as_mut() {
                Some(enqueuer) => specs.iter().map(|s| enqueuer.push(c, s)).collect(),
                None => Err(StoreError::Closed),
            };
            let _ = reply.send(result);
        });
        self.tx
            .send(ImportMsg::Run(run))
            .map_err(|_| StoreError::Closed)?;
        answer.recv().map_err(|_| StoreError::Closed)?
    }

    /// Makes everything pushed visible at once.
    pub(crate) fn commit(self) -> Result<(), StoreError> {
        let (reply, answer) = std::sync::mpsc::sync_channel(1);
        self.tx
            .send(ImportMsg::Commit(reply))
            .map_err(|_| StoreError::Closed)?;
        answer.recv().map_err(|_| StoreError::Closed)?
    }
}
