//! Fetches: reads the operator asks for (the group list, one group), through the call policy.

use super::call::{Caller, ReadError};
use super::events::{Fetch, FetchError, Fetched};
use super::listing::list_groups;
use crate::api::{Answer, ApiError, Call};

/// Reads what `what` asks for, or says why it cannot.
pub(crate) async fn fetch(caller: &Caller, what: &Fetch) -> Result<Fetched, FetchError> {
    let failed = |e: ReadError| match e {
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
    };
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
            Ok(Answer::Group(info)) => Ok(Fetched::Group(info)),
            Ok(_) => Err(FetchError {
                message: "the server answered with something else".into(),
                class: "unknown",
                code: None,
            }),
            Err(e) => Err(failed(e)),
        },
    }
}

fn error_of(e: &ApiError, message: String) -> FetchError {
    FetchError {
        message,
        class: e.class().as_str(),
        code: e.code(),
    }
}
