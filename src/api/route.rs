//! The method and path of each call, built in one place: the client sends what this builds,
//! and previews and the audit trail show what it builds, so they never show what is not sent.

use reqwest::Method;

use super::ApiError;
use crate::domain::{GroupId, OperationKind};

/// A call's method and the path segments after the API version (`["<group id>",
/// "participants"]`). Every segment is a checked id or a fixed word, so none needs escaping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    segments: Vec<String>,
}

impl Route {
    /// `POST` (add) or `DELETE` (remove) `/{v}/{group_id}/participants`. Refuses a text that
    /// is not a group id with [`ApiError::Invalid`].
    pub fn participants(kind: OperationKind, group_id: &str) -> Result<Route, ApiError> {
        let method = match kind {
            OperationKind::Add => Method::POST,
            OperationKind::Remove => Method::DELETE,
        };
        Ok(Route {
            method,
            segments: vec![group(group_id)?, "participants".into()],
        })
    }

    /// `GET /{v}/{group_id}`: the group's info.
    pub fn group_info(group_id: &str) -> Result<Route, ApiError> {
        Ok(Route {
            method: Method::GET,
            segments: vec![group(group_id)?],
        })
    }

    /// `GET /{v}/{phone_number_id}/groups`: a page of the group list. The phone number id is
    /// digits, checked by the client settings.
    pub fn group_list(phone_number_id: &str) -> Route {
        Route {
            method: Method::GET,
            segments: vec![phone_number_id.to_owned(), "groups".into()],
        }
    }

    /// The segments after the version, in order.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The path as sent: `/v23.0/<group id>/participants`.
    pub fn path(&self, api_version: &str) -> String {
        let mut path = format!("/{api_version}");
        for segment in &self.segments {
            path.push('/');
            path.push_str(segment);
        }
        path
    }
}

fn group(text: &str) -> Result<String, ApiError> {
    GroupId::parse(text)
        .map(GroupId::into_string)
        .map_err(|e| ApiError::Invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_and_paths_of_each_call() {
        let add = Route::participants(OperationKind::Add, "Y2Fw").expect("id");
        assert_eq!(add.method, Method::POST);
        assert_eq!(add.method.as_str(), OperationKind::Add.http_method());
        assert_eq!(add.path("v23.0"), "/v23.0/Y2Fw/participants");
        let remove = Route::participants(OperationKind::Remove, "Y2Fw").expect("id");
        assert_eq!(remove.method.as_str(), OperationKind::Remove.http_method());
        let info = Route::group_info(" Y2Fw ").expect("id");
        assert_eq!(info.method, Method::GET);
        assert_eq!(info.path("v23.0"), "/v23.0/Y2Fw");
        assert_eq!(Route::group_list("100").path("v23.0"), "/v23.0/100/groups");
    }

    #[test]
    fn ids_that_are_path_segments_build_no_route() {
        for bad in ["..", ".", "", "a/b", "a?b", "x#", "%2e%2e", "a b"] {
            for kind in [OperationKind::Add, OperationKind::Remove] {
                assert!(
                    matches!(Route::participants(kind, bad), Err(ApiError::Invalid(_))),
                    "{bad:?}"
                );
            }
            assert!(Route::group_info(bad).is_err(), "{bad:?}");
        }
    }
}
