//! Reads beside the writer: a few reader threads, each owning one read-only connection, take
//! the reads from one queue. In WAL mode a reader sees the last commit and never waits for the
//! writer.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::connect;
use crate::store::StoreError;

/// Reader threads, so reads run at once: more wait in the queue. Each thread keeps its
/// connection (opened at its first read) for the life of the store. (A connection opened per
/// read under load cost a file open, a schema read and a page cache each; reads on tokio's
/// blocking pool grew it to 20-odd threads, each with its own allocator arena, in a
/// 64-request submit.)
const THREADS: usize = 2;

/// One read: given the thread's connection, or why it could not be opened.
type Job = Box<dyn FnOnce(Result<&Connection, StoreError>) + Send>;

/// The read side of the store. Dropping it lets the threads finish the reads already queued,
/// and waits for them: their connections are closed when it returns.
pub(crate) struct Readers {
    path: PathBuf,
    queue: Mutex<Option<Sender<Job>>>,
    threads: Mutex<Vec<thread::JoinHandle<()>>>,
}

impl Drop for Readers {
    fn drop(&mut self) {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let threads =
            std::mem::take(&mut *self.threads.lock().unwrap_or_else(PoisonError::into_inner));
        for thread in threads {
            let _ = thread.join();
        }
    }
}

impl Readers {
    /// The read side of the store at `path`; its threads start at the first read.
    pub(crate) fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            queue: Mutex::new(None),
            threads: Mutex::new(Vec::new()),
        }
    }

    /// Runs `f` on a read connection, on one of the reader threads.
    ///
    /// Errors: what `f` returns; [`StoreError::Commit`] when no reader thread could be started
    /// or `f` panicked; the error opening the connection.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = tx.send(conn.and_then(f));
        });
        self.queue()?
            .send(job)
            .map_err(|_| StoreError::Commit("the store's readers have stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Commit("a store read stopped before its answer".into()))?
    }

    /// The queue of the reader threads, starting them on first use.
    fn queue(&self) -> Result<Sender<Job>, StoreError> {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(tx) = queue.as_ref() {
            return Ok(tx.clone());
        }
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let mut threads = self.threads.lock().unwrap_or_else(PoisonError::into_inner);
        for n in 0..THREADS {
            let (rx, path) = (Arc::clone(&rx), self.path.clone());
            let thread = thread::Builder::new()
                .name(format!("store-reader-{n}"))
                .spawn(move || serve(&path, &rx))
                .map_err(|e| StoreError::Commit(format!("cannot start a store reader: {e}")))?;
            threads.push(thread);
        }
        *queue = Some(tx.clone());
        Ok(tx)
    }
}

/// A reader thread: takes reads off the queue until it is closed.
fn serve(path: &Path, queue: &Mutex<Receiver<Job>>) {
    let mut conn: Option<Connection> = None;
    loop {
        let job = {
            let rx = queue.lock().unwrap_or_else(PoisonError::into_inner);
            match rx.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        if conn.is_none() {
            match open(path) {
                Ok(opened) => conn = Some(opened),
                Err(e) => {
                    job(Err(e));
                    continue;
                }
            }
        }
        if let Some(conn) = conn.as_ref() {
            // A read that panics answers nothing (its caller is told it stopped); the thread
            // and its connection go on.
            let _ = catch_unwind(AssertUnwindSafe(|| job(Ok(conn))));
        }
    }
}

/// A read-only connection with the store's settings.
fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = connect(path)?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
}
