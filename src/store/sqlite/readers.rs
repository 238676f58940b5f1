//! Reads beside the writer: a few read-only connections, each used by one blocking task at a
//! time. In WAL mode a reader sees the last commit and never waits for the writer.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;
use tokio::sync::Semaphore;

use super::connect;
use crate::store::StoreError;

/// Connections kept for reuse, and async reads run at once: more wait for a connection. (A
/// connection opened per read under load cost a file open, a schema read and a page cache
/// each, and a blocking thread: a 64-request submit that reads once per answer ran 120 threads
/// and twice the CPU.) Blocking callers ([`Readers::read_now`]) may still open one more.
const KEPT: usize = 4;

/// The read side of the store.
#[derive(Clone)]
pub(crate) struct Readers {
    path: PathBuf,
    idle: Arc<Mutex<Vec<Connection>>>,
    at_once: Arc<Semaphore>,
}

impl Readers {
    pub(crate) fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            idle: Arc::new(Mutex::new(Vec::new())),
            at_once: Arc::new(Semaphore::new(KEPT)),
        }
    }

    /// Runs `f` on a read connection, off the async threads; at most [`KEPT`] at once.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let permit = Arc::clone(&self.at_once)
            .acquire_owned()
            .await
            .map_err(|e| StoreError::Commit(format!("a store read stopped: {e}")))?;
        let readers = self.clone();
        tokio::task::spawn_blocking(move || {
            let result = readers.read_now(f);
            drop(permit);
            result
        })
        .await
        .map_err(|e| StoreError::Commit(format!("a store read stopped: {e}")))?
    }

    /// Runs `f` on a read connection on this thread (for blocking callers).
    pub(crate) fn read_now<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.take()?;
        let result = f(&conn);
        self.give_back(conn);
        result
    }

    fn take(&self) -> Result<Connection, StoreError> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(conn) => Ok(conn),
            None => {
                let conn = connect(&self.path)?;
                conn.pragma_update(None, "query_only", true)?;
                Ok(conn)
            }
        }
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < KEPT {
            idle.push(conn);
        }
    }
}
