//! Reading whole lists page after page through the call policy: the group list within its
//! bounds (`api::GroupList`: 10,000 groups, 1,000 pages, no cursor twice) and a group's join
//! requests. An expired or corrupt cursor (131059, §1.2) starts the list again from its first
//! page, a few times at most.

use std::collections::HashSet;

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
    let list = every_page(
        caller,
        GroupList::default,
        |after| Call::ListGroups { after },
        |list, answer| match answer {
            Answer::Page(page) => list.take(page).map_err(ReadError::Failed),
            _ => Err(something_else("the group list")),
        },
    )
    .await?;
    Ok(list.into_groups())
}

/// A group's join requests as read so far: the requests, the cursors seen, the pages read.
#[derive(Default)]
struct JoinRequestList {
    requests: Vec<JoinRequest>,
    cursors: HashSet<String>,
    pages: usize,
}

/// Every pending join request of a group, following every page (no cursor twice, at most
/// [`MAX_JOIN_REQUEST_PAGES`] pages).
pub(crate) async fn list_join_requests(
    caller: &Caller,
    group: &str,
) -> Result<Vec<JoinRequest>, ReadError> {
    let list = every_page(
        caller,
        JoinRequestList::default,
        |after| Call::ListJoinRequests {
            group: group.to_owned(),
            after,
        },
        |list: &mut JoinRequestList, answer| {
            let Answer::JoinRequests(page) = answer else {
                return Err(something_else("the join requests"));
            };
            list.pages += 1;
            list.requests.extend(page.requests);
            match page.next_after {
                Some(_) if list.pages >= MAX_JOIN_REQUEST_PAGES => {
                    Err(ReadError::Failed(ApiError::Limit(format!(
                        "group {group}: the join requests go past {MAX_JOIN_REQUEST_PAGES} pages; stopped reading"
                    ))))
                }
                Some(next) if list.cursors.insert(next.clone()) => Ok(Some(next)),
                Some(_) => Err(ReadError::Failed(ApiError::BadAnswer(
                    "the join requests repeat a page cursor".into(),
                ))),
                None => Ok(None),
            }
        },
    )
    .await?;
    Ok(list.requests)
}

/// Reads a list page after page: `call` asks for the page after a cursor (`None`: the first),
/// `take` adds a page's answer to the list and gives the next page's cursor (`None`: the list
/// is complete). An expired or corrupt cursor (131059) starts the list again from a `fresh`
/// one, [`RESTARTS`] times at most; any other error ends the read.
async fn every_page<L>(
    caller: &Caller,
    fresh: impl Fn() -> L,
    call: impl Fn(Option<String>) -> Call,
    mut take: impl FnMut(&mut L, Answer) -> Result<Option<String>, ReadError>,
) -> Result<L, ReadError> {
    let mut restarts = 0;
    'again: loop {
        let mut list = fresh();
        let mut after: Option<String> = None;
        loop {
            let answer = match caller.read(&call(after.clone())).await {
                Ok(answer) => answer,
                Err(ReadError::Failed(e))
                    if e.code() == Some(BAD_CURSOR) && after.is_some() && restarts < RESTARTS =>
                {
                    restarts += 1;
                    continue 'again;
                }
                Err(e) => return Err(e),
            };
            match take(&mut list, answer)? {
                Some(next) => after = Some(next),
                None => return Ok(list),
            }
        }
    }
}

fn something_else(what: &str) -> ReadError {
    ReadError::Failed(ApiError::NotJson {
        status: 200,
        excerpt: format!("{what} answered with something else"),
    })
}
