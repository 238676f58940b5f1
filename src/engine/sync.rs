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
    /// Groups whose info could not be read: the list's word on them, and why.
    pub unread: Vec<UnreadGroup>,
    /// Groups the mirror had that the list no longer has.
    pub gone: usize,
}

/// A group the list named whose info could not be read.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct UnreadGroup {
    pub id: String,
    /// As the group list gave it.
    pub subject: String,
    pub why: String,
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

/// Groups stored per commit, at most.
const FLUSH: usize = 100;
/// Groups read are stored at least this often, so that whoever watches the store (the app)
/// shows them as the sync reads them.
const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

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
    // The list's subjects by id, made only when a group could not be read (it is named).
    let subjects: std::sync::OnceLock<std::collections::HashMap<&str, &str>> =
        std::sync::OnceLock::new();
    let mut reads = GroupReads::new(caller, ids, concurrency);
    let mut rows: Vec<MirrorGroup> = Vec::new();
    let mut flushed = std::time::Instant::now();
    let mut interrupted = false;
    // The groups whose join requests are read next: id and subject.
    let mut take_requests: Vec<(String, String)> = Vec::new();
    while let Some((id, read)) = reads.next().await {
        // Cancelled (the app's `c`): no new reads; those in flight still end and are kept.
        if caller.cancel_token().is_cancelled() && !interrupted {
            interrupted = true;
            reads.stop_starting();
        }
        let unread = |why: String| UnreadGroup {
            subject: subjects
                .get_or_init(|| {
                    listed
                        .iter()
                        .map(|g| (g.id.as_str(), g.subject.as_str()))
                        .collect()
                })
                .get(id.as_str())
                .copied()
                .unwrap_or_default()
                .to_owned(),
            id: id.clone(),
            why,
        };
        match read {
            Ok(Answer::Group(info)) => {
                if info.join_approval_mode == Some(JoinApprovalMode::ApprovalRequired)
                    && info.suspended != Some(true)
                {
                    take_requests.push((info.id.clone(), info.subject.clone()));
                }
                rows.push(mirror_of(&info));
                report.read += 1;
            }
            Ok(_) => report
                .unread
                .push(unread("the server answered with something else".into())),
            Err(ReadError::Failed(e)) => report.unread.push(unread(e.to_string())),
            Err(ReadError::Stopped) => {
                interrupted = true;
                reads.stop_starting();
            }
        }
        if rows.len() >= FLUSH || (!rows.is_empty() && flushed.elapsed() >= FLUSH_EVERY) {
            caller
                .store()
                .upsert_groups(std::mem::take(&mut rows))
                .await?;
            flushed = std::time::Instant::now();
        }
        progress(report.read + report.unread.len(), total);
    }
    if !rows.is_empty() {
        caller.store().upsert_groups(rows).await?;
    }
    drop(subjects);
    if interrupted {
        return Err(SyncError::Stopped(format!(
            "{} after {} of {total} group(s) were read",
            stopped(caller),
            report.read
        )));
    }
    if !read_join_requests(caller, take_requests, concurrency, &mut report).await? {
        return Err(SyncError::Stopped(stopped(caller)));
    }
    report.gone = caller
        .store()
        .mark_gone_except(listed.into_iter().map(|g| g.id).collect(), started)
        .await?;
    Ok(report)
}

/// Reads the pending join requests of `groups` (id and subject) into the mirror; a group whose
/// requests could not be read is named in `report.unread`. False when the job stopped.
async fn read_join_requests(
    caller: &Caller,
    groups: Vec<(String, String)>,
    concurrency: usize,
    report: &mut SyncReport,
) -> Result<bool, StoreError> {
    let mut running = tokio::task::JoinSet::new();
    let mut waiting = groups.into_iter().peekable();
    loop {
        while running.len() < concurrency.max(1) && !caller.cancel_token().is_cancelled() {
            let Some((group, subject)) = waiting.next() else {
                break;
            };
            let caller = caller.clone();
            running.spawn(async move {
                let read = super::listing::list_join_requests(&caller, &group).await;
                (group, subject, read)
            });
        }
        let Some(done) = running.join_next().await else {
            // Cancelled before every group's requests were read: stopped.
            return Ok(waiting.peek().is_none());
        };
        let Ok((group, subject, read)) = done else {
            continue;
        };
        match read {
            Ok(requests) => {
                let read_at = now_ms();
                let rows = super::submit::stored_join_requests(&group, &requests, read_at);
                caller
                    .store()
                    .set_join_requests(&group, rows, read_at)
                    .await?;
            }
            Err(ReadError::Failed(e)) => report.unread.push(UnreadGroup {
                id: group,
                subject,
                why: format!("its join requests: {e}"),
            }),
            Err(ReadError::Stopped) => return Ok(false),
        }
    }
}
