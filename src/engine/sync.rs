//! Sync: every page of the group list, then each group's info (bounded concurrency, at the
//! shared pace) into the mirror; groups that vanished are marked gone, not dropped.

use std::collections::VecDeque;
use std::sync::Arc;

use super::pacer::Pacer;
use super::{SharedStore, mirror_of};
use crate::api::{ApiError, Client};
use crate::store::{AccountId, StoreError, now_ms};

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    pub listed: usize,
    pub read: usize,
    /// Groups whose info could not be read (id and reason).
    pub unread: Vec<(String, String)>,
    /// Groups the mirror had that the list no longer has.
    pub gone: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("cannot list the groups: {0}")]
    List(ApiError),
    #[error("the sync stopped: {0}; the mirror keeps what was read so far")]
    Unreachable(ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Runs a sync; `progress(done, total)` is called as group reads finish.
pub async fn sync_groups(
    client: &Client,
    store: &SharedStore,
    acct: AccountId,
    concurrency: usize,
    pacer: &Arc<Pacer>,
    mut progress: impl FnMut(usize, usize),
) -> Result<SyncReport, SyncError> {
    let started = now_ms();
    let listed = client.list_groups().await.map_err(SyncError::List)?;
    let total = listed.len();
    let mut report = SyncReport {
        listed: total,
        ..SyncReport::default()
    };
    progress(0, total);
    let mut queue: VecDeque<String> = listed.iter().map(|g| g.id.clone()).collect();
    let mut set = tokio::task::JoinSet::new();
    let mut pending_rows = Vec::new();
    loop {
        while set.len() < concurrency.max(1) {
            let Some(id) = queue.pop_front() else { break };
            let client = client.clone();
            let pacer = Arc::clone(pacer);
            set.spawn(async move {
                let mut tries = 0u32;
                loop {
                    tries += 1;
                    pacer.acquire().await;
                    match client.group_info(&id).await {
                        Ok(info) => {
                            pacer.on_success();
                            return (id, Ok(info));
                        }
                        Err(e) if e.class().is_retryable() => {
                            let gone = matches!(e, ApiError::Connect { .. });
                            if tries >= 5 || (gone && tries >= 3) {
                                return (id, Err(e));
                            }
                            let wait = super::backoff::delay(
                                std::time::Duration::from_millis(500),
                                tries,
                                e.retry_after(),
                            );
                            if e.class() == crate::api::ErrorClass::Throttled {
                                pacer.on_throttle(e.retry_after());
                            }
                            tokio::time::sleep(wait).await;
                        }
                        Err(e) => return (id, Err(e)),
                    }
                }
            });
        }
        let Some(joined) = set.join_next().await else {
            break;
        };
        let Ok((id, result)) = joined else { continue };
        match result {
            Ok(info) => {
                pending_rows.push(mirror_of(&info));
                report.read += 1;
            }
            Err(e @ ApiError::Connect { .. }) => {
                // The server is gone: reading the other groups would only fail the same way.
                set.abort_all();
                flush(store, acct, &mut pending_rows)?;
                return Err(SyncError::Unreachable(e));
            }
            Err(e) => report.unread.push((id, e.to_string())),
        }
        // Stored a batch at a time: one commit per hundred groups, not one per group.
        if pending_rows.len() >= 100 {
            flush(store, acct, &mut pending_rows)?;
        }
        progress(report.read + report.unread.len(), total);
    }
    flush(store, acct, &mut pending_rows)?;
    report.gone = store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .mark_gone_except(acct, listed.iter().map(|g| g.id.as_str()), started)?;
    Ok(report)
}

/// Stores the rows read so far, in one transaction.
fn flush(
    store: &SharedStore,
    acct: AccountId,
    rows: &mut Vec<crate::store::MirrorGroup>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .upsert_groups(acct, rows)?;
    rows.clear();
    Ok(())
}
