//! The writer: one thread owns the connection that writes. Calls queue up on a channel; the
//! thread takes all that are waiting, runs each in its own savepoint of one transaction,
//! commits once, and only then answers each call ("group commit"). A call that fails is rolled
//! back alone; a commit that fails fails every call of the group. An import holds the writer
//! for one long transaction of its own.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::{oneshot, watch};

use crate::store::StoreError;

/// Calls committed together at most.
const GROUP: usize = 256;

/// Gives a caller its result once the commit's fate is known (`Some(why)` when it failed).
type Answer = Box<dyn FnOnce(Option<&str>) + Send>;

/// One call: `run` does its work (true when it succeeded, so its savepoint is kept), and
/// `answer` answers the caller after the commit.
struct Work {
    run: Box<dyn FnOnce(&Connection) -> bool + Send>,
    answer: Answer,
}

/// A message of an import's long transaction.
pub(crate) enum ImportMsg {
    /// Run this on the import's open transaction and answer.
    Run(Box<dyn FnOnce(&Connection) + Send>),
    /// Commit, and say how it went.
    Commit(SyncSender<Result<(), StoreError>>),
}

enum Cmd {
    Work(Work),
    Import(Receiver<ImportMsg>),
}

/// The sending side of the writer thread. Dropping it ends the thread once it has answered
/// every call already sent, and waits for that: the connection is closed when it returns.
pub(crate) struct Writer {
    tx: Option<Sender<Cmd>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Writer {
    /// Starts the writer thread on `conn`; each commit bumps `changes`.
    pub(crate) fn start(conn: Connection, changes: Arc<watch::Sender<u64>>) -> Writer {
        let (tx, rx) = mpsc::channel();
        let spawned = thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || run(conn, rx, &changes));
        let thread = match spawned {
            Ok(thread) => Some(thread),
            Err(e) => {
                tracing::error!(error = %e, "cannot start the store writer");
                None
            }
        };
        Writer {
            tx: Some(tx),
            thread,
        }
    }

    fn send(&self, cmd: Cmd) -> Result<(), StoreError> {
        self.tx
            .as_ref()
            .ok_or(StoreError::Closed)?
            .send(cmd)
            .map_err(|_| StoreError::Closed)
    }

    /// Runs `f` in the next group commit and gives its result once committed.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let slot: Arc<Mutex<Option<Result<T, StoreError>>>> = Arc::new(Mutex::new(None));
        let filled = Arc::clone(&slot);
        let work = Work {
            run: Box::new(move |conn| {
                let result = f(conn);
                let ok = result.is_ok();
                *filled.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
                ok
            }),
            answer: Box::new(move |commit_failed| {
                let ran = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
                let result = match (commit_failed, ran) {
                    (Some(why), _) => Err(StoreError::Commit(why.to_owned())),
                    (None, Some(result)) => result,
                    (None, None) => Err(StoreError::Commit("the store call did not run".into())),
                };
                let _ = reply.send(result);
            }),
        };
        self.send(Cmd::Work(work))?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Opens an import's transaction: the writer takes nothing else until it is committed or
    /// the returned sender is dropped (rolled back).
    pub(crate) fn import(&self) -> Result<Sender<ImportMsg>, StoreError> {
        let (tx, rx) = mpsc::channel();
        self.send(Cmd::Import(rx))?;
        Ok(tx)
    }
}

fn run(mut conn: Connection, rx: Receiver<Cmd>, changes: &watch::Sender<u64>) {
    let mut group: Vec<Work> = Vec::with_capacity(GROUP);
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        while let Some(cmd) = next.take() {
            match cmd {
                Cmd::Work(work) => group.push(work),
                Cmd::Import(import) => {
                    commit_group(&mut conn, &mut group, changes);
                    run_import(&mut conn, &import, changes);
                }
            }
            if group.len() < GROUP {
                next = rx.try_recv().ok();
            }
        }
        commit_group(&mut conn, &mut group, changes);
    }
}

fn commit_group(conn: &mut Connection, group: &mut Vec<Work>, changes: &watch::Sender<u64>) {
    if group.is_empty() {
        return;
    }
    let mut answers = Vec::with_capacity(group.len());
    let outcome = (|| -> Result<(), rusqlite::Error> {
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for Work { run, answer } in group.drain(..) {
            answers.push(answer);
            let mut sp = tx.savepoint()?;
            // A call that panics is rolled back and answered as not run.
            let ok = catch_unwind(AssertUnwindSafe(|| run(&sp))).unwrap_or(false);
            if ok {
                sp.commit()?;
            } else {
                sp.rollback()?;
            }
        }
        tx.commit()
    })();
    // Calls not reached when the transaction broke are answered as failed too.
    answers.extend(group.drain(..).map(|w| w.answer));
    let failed = outcome.as_ref().err().map(ToString::to_string);
    if let Some(why) = &failed {
        tracing::error!(error = %why, "a store commit failed");
    }
    for answer in answers {
        answer(failed.as_deref());
    }
    if failed.is_none() {
        changes.send_modify(|n| *n = n.wrapping_add(1));
    }
}

fn run_import(conn: &mut Connection, rx: &Receiver<ImportMsg>, changes: &watch::Sender<u64>) {
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            tracing::error!(error = %e, "cannot open an import transaction");
            // Every message gets its answer as failed: the import sees its channel refuse.
            for msg in rx.iter() {
                if let ImportMsg::Commit(reply) = msg {
                    let _ = reply.send(Err(StoreError::Commit(e.to_string())));
                    return;
                }
            }
            return;
        }
    };
    for msg in rx.iter() {
        match msg {
            ImportMsg::Run(f) => {
                if catch_unwind(AssertUnwindSafe(|| f(&tx))).is_err() {
                    tracing::error!("an import step panicked; the import is rolled back");
                    return;
                }
            }
            ImportMsg::Commit(reply) => {
                let result = tx.commit().map_err(StoreError::from);
                if result.is_ok() {
                    changes.send_modify(|n| *n = n.wrapping_add(1));
                }
                let _ = reply.send(result);
                return;
            }
        }
    }
    // The import hung up without committing: everything it did is rolled back.
}
