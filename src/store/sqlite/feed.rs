//! The change feed: a counter that moves whenever the store changed, whoever changed it. This
//! process's commits move it at once; another process's are noticed by polling SQLite's
//! `PRAGMA data_version` (which changes when another connection commits).

use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::thread;
use std::time::Duration;

use tokio::sync::watch;

use super::connect;

/// How often another process's commits are looked for.
const POLL: Duration = Duration::from_millis(250);

/// Starts the poller once; it ends when the store is gone or nobody listens any more.
pub(crate) fn watch_others(path: PathBuf, changes: &Arc<watch::Sender<u64>>) {
    let weak: Weak<watch::Sender<u64>> = Arc::downgrade(changes);
    let spawned = thread::Builder::new()
        .name("store-feed".into())
        .spawn(move || {
            // Its own connection: `data_version` is per connection.
            let conn = match connect(&path) {
                Ok(conn) => conn,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot watch the store for other processes' changes");
                    return;
                }
            };
            let mut last: Option<i64> = None;
            loop {
                thread::sleep(POLL);
                let Some(changes) = weak.upgrade() else {
                    return;
                };
                if changes.receiver_count() == 0 {
                    return;
                }
                let version = conn.query_row("PRAGMA data_version", [], |row| row.get::<_, i64>(0));
                if let Ok(version) = version {
                    if last.is_some_and(|seen| seen != version) {
                        changes.send_modify(|n| *n = n.wrapping_add(1));
                    }
                    last = Some(version);
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot watch the store for other processes' changes");
    }
}
