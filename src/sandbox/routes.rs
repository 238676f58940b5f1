//! The HTTP entry point: the test hooks, and for Graph calls delay, auth, faults, dispatch and
//! counting.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use serde_json::Map;
use tokio_util::sync::CancellationToken;

use super::errors::{GraphError, bad_gateway_page};
use super::faults::{DropWhen, Verdict};
use super::handlers::{self, groups, join_requests, links, participants, settings};
use super::hooks;
use super::shared::Shared;
use super::state::Change;
use super::stats::RouteKey;

/// How long a stalled request is held: longer than any client waits.
const STALL: std::time::Duration = std::time::Duration::from_secs(300);

/// Largest JSON request body read.
const BODY_LIMIT: usize = 64 * 1024;

/// Largest multipart body read (a 5 MB photo and its parts).
const MULTIPART_LIMIT: usize = 6 * 1024 * 1024;

/// Put in each request's extensions by the server: cancelling it closes the connection unanswered.
#[derive(Clone, Debug)]
pub struct ConnectionDrop(pub CancellationToken);

/// What the Graph part decided for one request.
enum Answer {
    Respond(Response),
    Drop,
}

/// The sandbox's routes; every path goes through [`handle`].
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .fallback(handle)
        .layer(DefaultBodyLimit::max(MULTIPART_LIMIT))
        .with_state(shared)
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if hooks::is_hook(request.uri().path()) {
        let (method, path) = (request.method().clone(), request.uri().path().to_owned());
        return hooks::handle(&shared, &method, &path, request.into_body()).await;
    }
    let drop_token = request.extensions().get::<ConnectionDrop>().cloned();
    let route = classify(request.method(), request.uri().path());
    match graph(&shared, request, drop_token.is_some(), route).await {
        Answer::Respond(response) => {
            shared
                .stats()
                .record_status(route, response.status().as_u16());
            response
        }
        Answer::Drop => {
            shared.stats().record_dropped(route);
            if let Some(ConnectionDrop(token)) = drop_token {
                token.cancel();
                // The connection task drops this future along with the socket.
                std::future::pending::<()>().await;
            }
            GraphError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                1,
                "Connection not closable",
            )
            .into_response(&shared.trace_id(), Map::new())
        }
    }
}

/// Which counter a request goes to.
fn classify(method: &Method, path: &str) -> RouteKey {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        (&Method::POST, [_, _, "participants"]) => RouteKey::AddParticipants,
        (&Method::DELETE, [_, _, "participants"]) => RouteKey::RemoveParticipants,
        (&Method::GET, [_, _, "groups"]) => RouteKey::ListGroups,
        (&Method::POST, [_, _, "groups"]) => RouteKey::CreateGroup,
        (&Method::GET, [_, _, "invite_link"]) => RouteKey::GetInviteLink,
        (&Method::POST, [_, _, "invite_link"]) => RouteKey::ResetInviteLink,
        (&Method::DELETE, [_, _, "invite_link"]) => RouteKey::DeleteInviteLink,
        (&Method::GET, [_, _, "join_requests"]) => RouteKey::ListJoinRequests,
        (&Method::POST, [_, _, "join_requests"]) => RouteKey::ApproveJoinRequests,
        (&Method::DELETE, [_, _, "join_requests"]) => RouteKey::RejectJoinRequests,
        (&Method::GET, [_, _]) => RouteKey::GroupInfo,
        (&Method::POST, [_, _]) => RouteKey::UpdateGroup,
        (&Method::DELETE, [_, _]) => RouteKey::DeleteGroup,
        _ => RouteKey::Other,
    }
}

/// `v<digits>.<digits>`, e.g. `v23.0`.
fn valid_version(segment: &str) -> bool {
    let Some(rest) = segment.strip_prefix('v') else {
        return false;
    };
    let Some((major, minor)) = rest.split_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor)
}

fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, credentials)) = value.trim().split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("bearer") && credentials.trim() == token
}

async fn graph(shared: &Arc<Shared>, request: Request, can_drop: bool, route: RouteKey) -> Answer {
    let (delay, answer_delay) = {
        let faults = shared.faults();
        (faults.delay(&mut shared.rng()), faults.answer_delay())
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let fail =
        |error: GraphError| Answer::Respond(error.into_response(&shared.trace_id(), Map::new()));
    if !authorized(request.headers(), &shared.token) {
        return fail(GraphError::invalid_token());
    }
    if route != RouteKey::Other && !shared.groups().account.eligible {
        return fail(GraphError::not_eligible());
    }
    let verdict = {
        let mut faults = shared.faults();
        if faults.spares(request.method()) {
            Verdict::Serve(None)
        } else {
            faults.decide(&mut shared.rng())
        }
    };
    let drop = match verdict {
        Verdict::RateLimited | Verdict::Throttled => return fail(GraphError::rate_limit()),
        Verdict::Unavailable => {
            return fail(
                GraphError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    2,
                    "Service temporarily unavailable",
                )
                .transient(),
            );
        }
        Verdict::BadGateway => return Answer::Respond(bad_gateway_page()),
        Verdict::Serve(drop) => drop.filter(|_| can_drop),
        Verdict::Stall(when) => {
            if when == DropWhen::AfterApplying {
                dispatch(shared, request, route).await;
            }
            tokio::time::sleep(STALL).await;
            return Answer::Drop;
        }
    };
    if drop == Some(DropWhen::BeforeApplying) {
        return Answer::Drop;
    }
    let writes = request.method() != axum::http::Method::GET;
    let response = dispatch(shared, request, route).await;
    if writes && !answer_delay.is_zero() {
        tokio::time::sleep(answer_delay).await;
    }
    match drop {
        Some(_) => Answer::Drop,
        None => Answer::Respond(response),
    }
}

async fn dispatch(shared: &Arc<Shared>, request: Request, route: RouteKey) -> Response {
    let trace = || shared.trace_id();
    let path = request.uri().path().to_owned();
    let query = parse_query(request.uri().query());
    let segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect();
    let Some(version) = segments.first().filter(|v| valid_version(v)).cloned() else {
        return GraphError::invalid(
            "Unknown path components: the API version must look like v23.0",
        )
        .details(format!("Unsupported request path {path}"))
        .into_response(&trace(), Map::new());
    };
    // The group id, or the phone number id for the `/groups` calls.
    let id = segments.get(1).cloned().unwrap_or_default();
    match route {
        RouteKey::ListGroups => groups::list_groups(shared, &version, &id, &query),
        RouteKey::GroupInfo => groups::group_info(shared, &id, &query),
        RouteKey::DeleteGroup => groups::delete_group(shared, &id),
        RouteKey::UpdateGroup => settings::update(shared, &id, request).await,
        RouteKey::GetInviteLink => links::invite_link(shared, &id, links::LinkCall::Get, &[]),
        RouteKey::ListJoinRequests => join_requests::list(shared, &version, &id, &query),
        RouteKey::Other => GraphError::invalid("Unsupported request")
            .details(format!(
                "Unsupported {} request to {path}",
                request.method()
            ))
            .into_response(&trace(), Map::new()),
        _ => {
            let body = match axum::body::to_bytes(request.into_body(), BODY_LIMIT).await {
                Ok(body) => body,
                Err(_) => {
                    return GraphError::invalid("Request body is too large or could not be read")
                        .into_response(&trace(), Map::new());
                }
            };
            with_body(shared, route, &id, &body)
        }
    }
}

/// The calls that read a JSON body.
fn with_body(shared: &Arc<Shared>, route: RouteKey, id: &str, body: &[u8]) -> Response {
    match route {
        RouteKey::CreateGroup => groups::create_group(shared, id, body),
        RouteKey::AddParticipants => {
            participants::change_participants(shared, id, Change::Add, body)
        }
        RouteKey::RemoveParticipants => {
            participants::change_participants(shared, id, Change::Remove, body)
        }
        RouteKey::ResetInviteLink => links::invite_link(shared, id, links::LinkCall::Reset, body),
        RouteKey::DeleteInviteLink => links::invite_link(shared, id, links::LinkCall::Delete, body),
        RouteKey::ApproveJoinRequests => join_requests::answer(shared, id, true, body),
        RouteKey::RejectJoinRequests => join_requests::answer(shared, id, false, body),
        _ => handlers::error(shared, GraphError::invalid("Unsupported request")),
    }
}

/// `a=1&b=x%20y` as a map; the last of repeated keys wins.
fn parse_query(query: Option<&str>) -> HashMap<String, String> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let high = bytes.get(i + 1).copied().and_then(hex);
                let low = bytes.get(i + 2).copied().and_then(hex);
                if let (Some(h), Some(l)) = (high, low) {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(valid_version("v23.0"));
        assert!(valid_version("v1.10"));
        for bad in ["23.0", "v23", "v.0", "v23.", "vx.1", "v23.0.1", ""] {
            assert!(!valid_version(bad), "{bad}");
        }
    }

    #[test]
    fn queries_decode() {
        let q = parse_query(Some(
            "fields=subject%2Cparticipants&limit=5&x&a=b+c&bad=%zz%4",
        ));
        assert_eq!(
            q.get("fields").map(String::as_str),
            Some("subject,participants")
        );
        assert_eq!(q.get("limit").map(String::as_str), Some("5"));
        assert_eq!(q.get("x").map(String::as_str), Some(""));
        assert_eq!(q.get("a").map(String::as_str), Some("b c"));
        assert_eq!(q.get("bad").map(String::as_str), Some("%zz%4"));
        assert!(parse_query(None).is_empty());
    }

    #[test]
    fn routes_are_classified() {
        assert_eq!(
            classify(&Method::POST, "/v23.0/abc/participants"),
            RouteKey::AddParticipants
        );
        assert_eq!(classify(&Method::GET, "/v23.0/abc"), RouteKey::GroupInfo);
        assert_eq!(classify(&Method::POST, "/v23.0/abc"), RouteKey::UpdateGroup);
        assert_eq!(
            classify(&Method::POST, "/v23.0/1/groups"),
            RouteKey::CreateGroup
        );
        assert_eq!(
            classify(&Method::DELETE, "/v23.0/abc/invite_link"),
            RouteKey::DeleteInviteLink
        );
        assert_eq!(
            classify(&Method::GET, "/v23.0/abc/join_requests"),
            RouteKey::ListJoinRequests
        );
        assert_eq!(
            classify(&Method::PUT, "/v23.0/abc/join_requests"),
            RouteKey::Other
        );
        assert_eq!(classify(&Method::PUT, "/v23.0/abc"), RouteKey::Other);
        assert_eq!(classify(&Method::GET, "/"), RouteKey::Other);
    }
}
