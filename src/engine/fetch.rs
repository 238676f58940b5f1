//! Fetches: reads the operator asks for (the group list, one group, invite links, join
//! requests), through the call policy; links and join requests read are kept in the mirror.

use tokio::task::JoinSet;

use super::call::{Caller, ReadError};
use super::events::{Fetch, FetchError, Fetched, LinkRead};
use super::listing::{list_groups, list_join_requests};
use crate::api::{Answer, ApiError, Call};
use crate::domain::JoinApprovalMode;
use crate::store::now_ms;

/// Reads at once, for the fetches that read many groups.
const CONCURRENCY: usize = 8;

/// Reads what `what` asks for, or says why it cannot.
pub(crate) async fn fetch(caller: &Caller, what: &Fetch) -> Result<Fetched, FetchError> {
    let failed = |e: ReadError| failure(caller, e);
    match what {
        Fetch::Groups => list_groups(caller)
            .await
            .map(Fetched::Groups)
            .map_err(failed),
        Fetch::Group(group) => match caller
            .read(&Call::GroupInfo {
                group: group.clone(),
            })
            .await
        {
            Ok(Answer::Group(info)) => {
                // What was read is the mirror's too.
                super::keep_group(caller, &info).await;
                Ok(Fetched::Group(info))
            }
            Ok(_) => Err(something_else()),
            Err(e) => Err(failed(e)),
        },
        Fetch::InviteLink(group) => match invite_link(caller, group).await {
            Ok(link) => Ok(Fetched::InviteLink {
                group_id: group.clone(),
                invite_link: link,
            }),
            Err(e) => Err(failed(e)),
        },
        Fetch::InviteLinks => {
            let listed = list_groups(caller).await.map_err(failed)?;
            let mut out = Vec::with_capacity(listed.len());
            let mut running = JoinSet::new();
            let mut waiting = listed.into_iter();
            loop {
                while running.len() < CONCURRENCY {
                    let Some(group) = waiting.next() else { break };
                    let caller = caller.clone();
                    running.spawn(async move {
                        let read = invite_link(&caller, &group.id).await;
                        (group, read)
                    });
                }
                let Some(done) = running.join_next().await else {
                    break;
                };
                let Ok((group, read)) = done else { continue };
                let (invite_link, error) = match read {
                    Ok(link) => (Some(link), None),
                    Err(ReadError::Failed(e)) => (None, Some(e.to_string())),
                    Err(ReadError::Stopped) => return Err(failed(ReadError::Stopped)),
                };
                out.push(LinkRead {
                    group_id: group.id,
                    subject: group.subject,
                    invite_link,
                    error,
                });
            }
            out.sort_by(|a, b| a.subject.cmp(&b.subject).then(a.group_id.cmp(&b.group_id)));
            Ok(Fetched::InviteLinks(out))
        }
        Fetch::JoinRequests(group) => {
            let groups = match group {
                Some(g) => vec![g.clone()],
                None => approval_groups(caller).await.map_err(failed)?,
            };
            let mut requests = Vec::new();
            let mut unread = Vec::new();
            for group in groups {
                match list_join_requests(caller, &group).await {
                    Ok(read) => {
                        let read_at = now_ms();
                        let rows = super::submit::stored_join_requests(&group, &read, read_at);
                        if let Err(e) = caller
                            .store()
                            .set_join_requests(&group, rows.clone(), read_at)
                            .await
                        {
                            caller.store_failed(&e);
                        }
                        requests.extend(rows);
                    }
                    Err(ReadError::Failed(e)) if group_is_one(what) => {
                        return Err(failed(ReadError::Failed(e)));
                    }
                    Err(ReadError::Failed(e)) => unread.push((group, e.to_string())),
                    Err(ReadError::Stopped) => return Err(failed(ReadError::Stopped)),
                }
            }
            Ok(Fetched::JoinRequests { requests, unread })
        }
    }
}

fn group_is_one(what: &Fetch) -> bool {
    matches!(what, Fetch::JoinRequests(Some(_)))
}

/// A group's invite link, kept in the mirror.
async fn invite_link(caller: &Caller, group: &str) -> Result<String, ReadError> {
    let call = Call::GetInviteLink {
        group: group.to_owned(),
    };
    match caller.read(&call).await? {
        Answer::Link { link, .. } => {
            if let Err(e) = caller
                .store()
                .set_invite_link(group, Some(link.invite_link.clone()), now_ms())
                .await
            {
                caller.store_failed(&e);
            }
            Ok(link.invite_link)
        }
        _ => Err(ReadError::Failed(ApiError::BadAnswer(
            "an invite link read answered something else".into(),
        ))),
    }
}

/// The mirror's groups that take join requests (present, not suspended).
async fn approval_groups(caller: &Caller) -> Result<Vec<String>, ReadError> {
    let store = caller.store();
    let summaries = store.groups().await.map_err(|e| {
        caller.store_failed(&e);
        ReadError::Stopped
    })?;
    let ids: Vec<String> = summaries
        .into_iter()
        .filter(|g| g.gone_at.is_none() && !g.suspended)
        .map(|g| g.id)
        .collect();
    let groups = store.groups_of(ids).await.map_err(|e| {
        caller.store_failed(&e);
        ReadError::Stopped
    })?;
    Ok(groups
        .into_iter()
        .filter(|g| g.about.join_approval_mode == Some(JoinApprovalMode::ApprovalRequired))
        .map(|g| g.id)
        .collect())
}

fn something_else() -> FetchError {
    FetchError {
        message: "the server answered with something else".into(),
        class: "unknown",
        code: None,
    }
}

fn failure(caller: &Caller, e: ReadError) -> FetchError {
    match e {
        ReadError::Failed(e) => error_of(&e, e.to_string()),
        ReadError::Stopped => {
            let why = caller.stopped().unwrap_or_else(|| "cancelled".into());
            match caller.stopped_by() {
                Some(e) => error_of(&e, why),
                None => FetchError {
                    message: why,
                    class: "stopped",
                    code: None,
                },
            }
        }
    }
}

fn error_of(e: &ApiError, message: String) -> FetchError {
    FetchError {
        message,
        class: e.class().as_str(),
        code: e.code(),
    }
}
