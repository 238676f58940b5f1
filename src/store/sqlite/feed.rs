//! The change feed: a counter that moves whenever the store changed, whoever changed it. This
//! process's commits move it at once; another process's are noticed by polling SQLite's
//! `PRAGMA data_version` (which changes when another connection commits).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::thread;
use std::time::Duration;

use tokio::sync::watch;

use super::connect;

/// How often another process's commits are looked for.
const POLL: Duration = Duration::from_millis(250);

/// Whether the poller runs; taken by the poller as it decides to end and by every new
/// listener, so a listener never subscribes to a poller on its way out.
pub(crate) type Running = Arc<Mutex<bool>>;

/// A receiver of the store's changes, starting the poller when none runs (it ends when the
/// store is gone or nobody listens any more, and starts again with the next listener).
pub(crate) fn subscribe(
    path: &Path,
    changes: &Arc<watch::Sender<u64>>,
    running: &Running,
) -> watch::Receiver<u64> {
    let mut on = running.lock().unwrap_or_else(PoisonError::into_inner);
    let rx = changes.subscribe();
    if !*on {
        *on = watch_others(path.to_path_buf(), changes, Arc::clone(running));
    }
    rx
}

/// `PRAGMA data_version` of a connection: it moves when another connection commits.
fn version(conn: &rusqlite::Connection) -> Option<i64> {
    conn.query_row("PRAGMA data_version", [], |row| row.get::<_, i64>(0))
        .ok()
}

/// Starts the poller; false when it could not be started. Its connection and starting point
/// are taken here, before the listener that asked returns, so a commit made right after it
/// subscribed is seen.
fn watch_others(path: PathBuf, changes: &Arc<watch::Sender<u64>>, running: Running) -> bool {
    // Its own connection: `data_version` is per connection.
    let conn = match connect(&path) {
        Ok(conn) => conn,
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch the store for other processes' changes");
            return false;
        }
    };
    let mut last = version(&conn);
    let weak: Weak<watch::Sender<u64>> = Arc::downgrade(changes);
    let stop = |running: &Running| {
        *running.lock().unwrap_or_else(PoisonError::into_inner) = false;
    };
    let spawned = thread::Builder::new()
        .name("store-feed".into())
        .spawn(move || {
            loop {
                thread::sleep(POLL);
                let Some(changes) = weak.upgrade() else {
                    stop(&running);
                    return;
                };
                {
                    let mut on = running.lock().unwrap_or_else(PoisonError::into_inner);
                    if changes.receiver_count() == 0 {
                        *on = false;
                        return;
                    }
                }
                if let Some(now) = version(&conn) {
                    if last.is_some_and(|seen| seen != now) {
                        changes.send_modify(|n| *n = n.wrapping_add(1));
                    }
                    last = Some(now);
                }
            }
        });
    match spawned {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch the store for other processes' changes");
            false
        }
    }
}
