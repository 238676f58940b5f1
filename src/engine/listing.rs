//! Reading whole lists page after page through the call policy: the group list within its
//! bounds (`api::GroupList`: 10,000 groups, 1,000 pages, no cursor twice) and a group's join
//! requests. An expired or corrupt cursor (131059, §1.2) starts the list again from its first
//! page, a few times at most.

use super::call::{Caller, ReadError};
use crate::api::{Answer, ApiError, Call, GroupList, GroupSummary, JoinRequest};

/// An expired or corrupted cursor: start again from the first page (E).
const BAD_CURSOR: i64 = 131059;
/// How many times a list starts again after a bad cursor.
const RESTARTS: u32 = 3;
/// The most join request pages read for one group.
const MAX_JOIN_REQUEST_PAGES: usize = 1_000;

/// Every active group, following every page.
pub(crate) async fn list_groups(caller: &Caller) -> Result<Vec<GroupSummary>, ReadError> {
    let mut restarts = 0;
    'again: loop {
        let mut list = GroupList::default();
        let mut after: Option<String> = None;
        loop {
            let page = match caller
                .read(&Call::ListGroups {
                    after: after.clone(),
                })
                .await
            {
                Ok(Answer::Page(page)) => page,
                Ok(_) => return Err(something_else("the group list")),
                Err(ReadError::Failed(e))
                    if e.code() == Some(BAD_CURSOR) && after.is_some() && restarts < RESTARTS =>
                {
                    restarts += 1;
                    continue 'again;
                }
                Err(e) => return Err(e),
            };
            match list.take(page).map_err(ReadError::Failed)? {
                Some(next) => after = Some(next),
                None => return Ok(list.into_groups()),
            }
        }
    }
}

/// Every pending join request of a group, following every page (no cursor twice).
pub(crate) async fn list_join_requests(
    caller: &Caller,
    group: &str,
) -> Result<Vec<JoinRequest>, ReadError> {
    let mut restarts = 0;
    'again: loop {
        let mut requests = Vec::new();
        let mut cursors = std::collections::HashSet::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_JOIN_REQUEST_PAGES {
            let call = Call::ListJoinRequests {
                group: group.to_owned(),
                after: after.clone(),
            };
            let page = match caller.read(&call).await {
                Ok(Answer::JoinRequests(page)) => page,
                Ok(_) => return Err(something_else("the join requests")),
                Err(ReadError::Failed(e))
                    if e.code() == Some(BAD_CURSOR) && after.is_some() && restarts < RESTARTS =>
                {
                    restarts += 1;
                    continue 'again;
                }
                Err(e) => return Err(e),
            };
            requests.extend(page.requests);
            match page.next_after {
                Some(next) if cursors.insert(next.clone()) => after = Some(next),
                Some(_) => {
                    return Err(ReadError::Failed(ApiError::BadAnswer(
                        "the join requests repeat a page cursor".into(),
                    )));
                }
                None => return Ok(requests),
            }
        }
        return Err(ReadError::Failed(ApiError::Limit(format!(
            "group {group}: the join requests go past {MAX_JOIN_REQUEST_PAGES} pages; stopped reading"
        ))));
    }
}

fn something_else(what: &str) -> ReadError {
    ReadError::Failed(ApiError::NotJson {
        status: 200,
        excerpt: format!("{what} answered with something else"),
    })
}
