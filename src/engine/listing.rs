//! Reading the whole group list, page after page, through the call policy.

use std::collections::HashSet;

use super::call::{Caller, ReadError};
use crate::api::{Answer, ApiError, Call, GroupSummary};

/// Every active group, following every page. A page cursor seen twice is an error (a server
/// going round in circles), as is an answer that is not a page.
pub(crate) async fn list_groups(caller: &Caller) -> Result<Vec<GroupSummary>, ReadError> {
    let mut all = Vec::new();
    let mut seen_cursors = HashSet::new();
    let mut after: Option<String> = None;
    loop {
        let page = match caller
            .read(&Call::ListGroups {
                after: after.clone(),
            })
            .await?
        {
            Answer::Page(page) => page,
            _ => {
                return Err(ReadError::Failed(ApiError::NotJson {
                    status: 200,
                    excerpt: "the group list answered with something else".into(),
                }));
            }
        };
        let empty = page.groups.is_empty();
        all.extend(page.groups);
        match page.next_after {
            Some(next) if !empty => {
                if !seen_cursors.insert(next.clone()) {
                    return Err(ReadError::Failed(ApiError::NotJson {
                        status: 200,
                        excerpt: "the group list repeats a page cursor".into(),
                    }));
                }
                after = Some(next);
            }
            _ => return Ok(all),
        }
    }
}
