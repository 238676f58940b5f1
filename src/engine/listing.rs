//! Reading the whole group list, page after page, through the call policy, within the list's
//! bounds (`api::GroupList`: 10,000 groups, 1,000 pages, no cursor twice).

use super::call::{Caller, ReadError};
use crate::api::{Answer, ApiError, Call, GroupList, GroupSummary};

/// Every active group, following every page.
pub(crate) async fn list_groups(caller: &Caller) -> Result<Vec<GroupSummary>, ReadError> {
    let mut list = GroupList::default();
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
        match list.take(page).map_err(ReadError::Failed)? {
            Some(next) => after = Some(next),
            None => return Ok(list.into_groups()),
        }
    }
}
