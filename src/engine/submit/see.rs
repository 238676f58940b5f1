//! What a confirmation reads, through the call policy, and what it leaves in the mirror: a
//! group (or that it is gone), the whole group list (and the groups creates made), a group's
//! pending join requests; and, for the groups creates made, their info and invite link.

use std::sync::Arc;

use super::Run;
use crate::api::{Answer, ApiError, Call, JoinRequest};
use crate::engine::call::ReadError;
use crate::engine::keep_group;
use crate::engine::kinds::{Confirmation, Seen, UNKNOWN_GROUP};
use crate::engine::listing::{list_groups, list_join_requests};
use crate::store::{StoredJoinRequest, now_ms};

impl Run {
    /// Reads what `confirmation` needs, keeping what it read in the mirror.
    pub(super) async fn see(
        self: &Arc<Self>,
        confirmation: &Confirmation,
    ) -> Result<Seen, ReadError> {
        let store = self.caller.store();
        match confirmation {
            Confirmation::ReadGroup(group) => self.read_group(group).await,
            Confirmation::ListGroups => {
                let listed = list_groups(&self.caller).await?;
                let claimed = store.created_groups().await.map_err(|e| {
                    self.caller.store_failed(&e);
                    ReadError::Stopped
                })?;
                Ok(Seen::Groups { listed, claimed })
            }
            Confirmation::ReadJoinRequests(group) => {
                match list_join_requests(&self.caller, group).await {
                    Ok(requests) => {
                        self.keep_join_requests(group, &requests).await;
                        // Approved people are members now: the group is read too.
                        if let Err(e) = self.read_group(group).await {
                            tracing::debug!(?e, "group read after join decisions");
                        }
                        Ok(Seen::JoinRequests(requests))
                    }
                    Err(ReadError::Failed(e)) if e.code() == Some(UNKNOWN_GROUP) => {
                        Ok(self.gone(group, &e).await)
                    }
                    Err(e) => Err(e),
                }
            }
            Confirmation::SendAgain => Ok(Seen::Nothing),
        }
    }

    /// A group read into the mirror, or that it is gone.
    async fn read_group(self: &Arc<Self>, group: &str) -> Result<Seen, ReadError> {
        let call = Call::GroupInfo {
            group: group.to_owned(),
        };
        match self.caller.read(&call).await {
            Ok(Answer::Group(info)) => {
                keep_group(&self.caller, &info).await;
                Ok(Seen::Group(info))
            }
            Ok(_) => Err(ReadError::Failed(ApiError::BadAnswer(
                "a group read answered something else".into(),
            ))),
            Err(ReadError::Failed(e)) if e.code() == Some(UNKNOWN_GROUP) => {
                Ok(self.gone(group, &e).await)
            }
            Err(e) => Err(e),
        }
    }

    /// The group does not exist: marked gone in the mirror.
    async fn gone(&self, group: &str, e: &ApiError) -> Seen {
        if let Err(se) = self
            .caller
            .store()
            .mark_groups_gone(vec![group.to_owned()], now_ms())
            .await
        {
            self.caller.store_failed(&se);
        }
        Seen::Gone {
            code: e.code(),
            message: crate::engine::kinds::short_message(e),
        }
    }

    async fn keep_join_requests(&self, group: &str, requests: &[JoinRequest]) {
        let read_at = now_ms();
        let rows = stored(group, requests, read_at);
        if let Err(e) = self
            .caller
            .store()
            .set_join_requests(group, rows, read_at)
            .await
        {
            self.caller.store_failed(&e);
        }
    }

    /// Reads the groups creates made (their info and invite link) into the mirror, so the
    /// operator sees each new group with its link.
    pub(super) async fn read_made(self: &Arc<Self>, groups: Vec<String>) {
        for group in groups {
            if let Err(e) = self.read_group(&group).await {
                tracing::warn!(?e, %group, "reading a new group");
            }
            let call = Call::GetInviteLink {
                group: group.clone(),
            };
            match self.caller.read(&call).await {
                Ok(Answer::Link { link, .. }) => {
                    if let Err(e) = self
                        .caller
                        .store()
                        .set_invite_link(&group, Some(link.invite_link), now_ms())
                        .await
                    {
                        self.caller.store_failed(&e);
                    }
                }
                Ok(_) | Err(ReadError::Stopped) => {}
                Err(ReadError::Failed(e)) => self.emit(crate::engine::Event::Warning {
                    message: format!("group {group}: could not read its invite link: {e}"),
                }),
            }
        }
    }
}

/// Join requests as the mirror keeps them.
pub(crate) fn stored(
    group: &str,
    requests: &[JoinRequest],
    read_at: i64,
) -> Vec<StoredJoinRequest> {
    requests
        .iter()
        .map(|r| StoredJoinRequest {
            group_id: group.to_owned(),
            join_request_id: r.id.clone(),
            person: r.person.clone(),
            created_at: r.created_at.map(|s| s.saturating_mul(1000)),
            read_at,
        })
        .collect()
}
