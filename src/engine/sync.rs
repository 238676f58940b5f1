//! Sync: every page of the group list, then each group's info (bounded concurrency, through
//! the call policy) into the mirror, then the pending join requests of the groups that take
//! them (`approval_required`, not suspended); groups that vanished are marked gone, not
//! dropped; each group that could not be read is named with the reason.

use super::call::{Caller, ReadError};
use super::listing::list_groups;
use super::mirror_of;
use super::reads::GroupReads;
use crate::api::Answer;
use crate::domain::JoinApprovalMode;
use crate::store::{MirrorGroup, StoreError, now_ms};

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
    List(String),
    #[error("the sync stopped: {0}; the mirror keeps what was read so far")]
    Stopped(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Groups stored per commit.
const FLUSH: usize = 100;

/// Runs a sync; `progress(done, total)` is called as group reads finish.
pub(crate) async fn sync_groups(
    caller: &Caller,
    concurrency: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<SyncReport, SyncError> {
    let started = now_ms();
    let stopped = |caller: &Caller| caller.stopped().unwrap_or_else(|| "cancelled".into());
    let listed = match list_groups(caller).await {
        Ok(listed) => listed,
        Err(ReadError::Failed(e)) => return Err(SyncError::List(e.to_string())),
        Err(ReadError::Stopped) => return Err(SyncError::Stopped(stopped(caller))),
    };
    let total = listed.len();
    let mut report = SyncReport {
        listed: total,
        ..SyncReport::default()
    };
    progress(0, total);
    let ids = listed.iter().map(|g| g.id.clone()).collect();
    let mut reads = GroupReads::new(caller, ids, concurrency);
    let mut rows: Vec<MirrorGroup> = Vec::new();
    let mut interrupted = false;
    let mut take_requests: Vec<String> = Vec::new();
    while let Some((id, read)) = reads.next().await {
        match read {
            Ok(Answer::Group(info)) => {
                if info.join_approval_mode == Some(JoinApprovalMode::ApprovalRequired)
                    && info.suspended != Some(true)
                {
                    take_requests.push(info.id.clone());
                }
                rows.push(mirror_of(&info));
                report.read += 1;
            }
            Ok(_) => report
                .unread
                .push((id, "the server answered with something else".into())),
            Err(ReadError::Failed(e)) => report.unread.push((id, e.to_string())),
            Err(ReadError::Stopped) => {
                interrupted = true;
                reads.stop_starting();
            }
        }
        if rows.len() >= FLUSH {
            caller
                .store()
                .upsert_groups(std::mem::take(&mut rows))
                .await?;
        }
        progress(report.read + report.unread.len(), total);
    }
    if !rows.is_empty() {
        caller.store().upsert_groups(rows).await?;
    }
    if interrupted {
        return Err(SyncError::Stopped(stopped(caller)));
    }
    if !read_join_requests(caller, take_requests, concurrency, &mut report).await? {
        return Err(SyncError::Stopped(stopped(caller)));
    }
    report.gone = caller
        .store()
        .mark_gone_except(listed.iter().map(|g| g.id.clone()).collect(), started)
        .await?;
    Ok(report)
}

/// Reads the pending join requests of `groups` into the mirror; a group whose requests could
/// not be read is named in `report.unread`. False when the job stopped.
async fn read_join_requests(
    caller: &Caller,
    groups: Vec<String>,
    concurrency: usize,
    report: &mut SyncReport,
) -> Result<bool, StoreError> {
    let mut running = tokio::task::JoinSet::new();
    let mut waiting = groups.into_iter();
    loop {
        while running.len() < concurrency.max(1) {
            let Some(group) = waiting.next() else { break };
            let caller = caller.clone();
            running.spawn(async move {
                let read = super::listing::list_join_requests(&caller, &group).await;
                (group, read)
            });
        }
        let Some(done) = running.join_next().await else {
            return Ok(true);
        };
        let Ok((group, read)) = done else { continue };
        match read {
            Ok(requests) => {
                let read_at = now_ms();
                let rows = super::submit::stored_join_requests(&group, &requests, read_at);
                caller
                    .store()
                    .set_join_requests(&group, rows, read_at)
                    .await?;
            }
            Err(ReadError::Failed(e)) => report
                .unread
                .push((group, format!("its join requests: {e}"))),
            Err(ReadError::Stopped) => return Ok(false),
        }
    }
}
