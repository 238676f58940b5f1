//! Lists read page after page through the engine (the group list, a group's join requests),
//! against a mock server: an expired cursor (131059) starts the list again from its first page
//! and the list is read whole, once; a cursor that never stops expiring ends the read after a
//! few restarts; a join request page that repeats a cursor ends it too.

use std::time::Duration;

use serde_json::{Value, json};
use wa_groups::engine::{Command, EngineConfig, Event, Fetch, FetchError, Fetched};
use wa_groups::testing::session_at;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PHONE: &str = "100000000000001";
const G1: &str = "Y2FwaV9ncm91cDoxMjM";
const G2: &str = "Y2FwaV9ncm91cDoxMjQ";

fn page(data: Value, after: Option<&str>) -> ResponseTemplate {
    let paging = match after {
        Some(c) => json!({"cursors": {"after": c}, "next": "https://graph.example/next"}),
        None => json!({"cursors": {}}),
    };
    ResponseTemplate::new(200).set_body_json(json!({"data": data, "paging": paging}))
}

fn expired() -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({"error": {
        "message": "Invalid pagination cursor", "type": "OAuthException", "code": 131059,
        "fbtrace_id": "T"}}))
}

/// Serves the list at `at` in two pages, `first` then `second`; the first time the second
/// page is asked for, its cursor `c1` has expired. The first page is expected twice (the
/// first read and the one restart).
async fn two_pages_the_cursor_expiring_once(
    server: &MockServer,
    at: &str,
    first: Value,
    second: Value,
) {
    Mock::given(method("GET"))
        .and(path(at))
        .and(query_param("after", "c1"))
        .respond_with(expired())
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(at))
        .and(query_param("after", "c1"))
        .respond_with(page(second, None))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(at))
        .and(query_param_is_missing("after"))
        .respond_with(page(first, Some("c1")))
        .expect(2)
        .mount(server)
        .await;
}

/// Runs one fetch through the engine against `server`, within a deadline.
async fn fetch(server: &MockServer, what: Fetch) -> Result<Fetched, FetchError> {
    let (_dir, _, session) = session_at(&server.uri(), PHONE, "test-token-123").await;
    let config = EngineConfig {
        backoff_base: Duration::from_millis(10),
        ..EngineConfig::default()
    };
    let (engine, mut events) = session.engine(config).expect("engine");
    engine.send(Command::Fetch(what));
    let answer = async {
        loop {
            match events.recv().await {
                Some(Event::Fetched { result, .. }) => return result,
                Some(_) => {}
                None => panic!("the engine stopped without an answer"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), answer)
        .await
        .expect("answered within a minute")
}

#[tokio::test]
async fn an_expired_cursor_reads_the_group_list_again_from_its_first_page() {
    let server = MockServer::start().await;
    two_pages_the_cursor_expiring_once(
        &server,
        &format!("/v23.0/{PHONE}/groups"),
        json!({"groups": [{"id": G1, "subject": "One"}]}),
        json!({"groups": [{"id": G2, "subject": "Two"}]}),
    )
    .await;
    let Ok(Fetched::Groups(listed)) = fetch(&server, Fetch::Groups).await else {
        panic!("the group list read")
    };
    let ids: Vec<&str> = listed.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, [G1, G2], "each group once, after one restart");
}

#[tokio::test]
async fn an_expired_cursor_reads_the_join_requests_again_and_a_repeated_cursor_ends_the_read() {
    let server = MockServer::start().await;
    let at = format!("/v23.0/{G1}/join_requests");
    two_pages_the_cursor_expiring_once(
        &server,
        &at,
        json!([{"join_request_id": "J1", "wa_id": "15550100002"}]),
        json!([{"join_request_id": "J2", "user_id": "US.7781", "username": "ana.k"}]),
    )
    .await;
    let read = fetch(&server, Fetch::JoinRequests(Some(G1.into()))).await;
    let Ok(Fetched::JoinRequests { requests, unread }) = read else {
        panic!("the join requests read: {read:?}")
    };
    assert!(unread.is_empty());
    let shown: Vec<(&str, String)> = requests
        .iter()
        .map(|r| (r.join_request_id.as_str(), r.label()))
        .collect();
    assert_eq!(
        shown,
        [
            ("J1", "+15550100002".to_owned()),
            ("J2", "US.7781 @ana.k".to_owned())
        ],
        "each request once, its asker by BSUID and username when the phone is hidden"
    );

    // A server whose next page names the cursor just followed: the read ends, with why.
    let looping = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(&at))
        .respond_with(page(json!([{"join_request_id": "J1"}]), Some("c1")))
        .mount(&looping)
        .await;
    let err = fetch(&looping, Fetch::JoinRequests(Some(G1.into())))
        .await
        .expect_err("a loop is refused");
    assert!(err.message.contains("repeat a page cursor"), "{err:?}");
    let pages = looping.received_requests().await.unwrap_or_default().len();
    assert_eq!(pages, 2, "the repeat is seen on the second page");
}

#[tokio::test]
async fn a_cursor_that_keeps_expiring_ends_the_read_after_a_few_restarts() {
    let server = MockServer::start().await;
    let at = format!("/v23.0/{G1}/join_requests");
    Mock::given(method("GET"))
        .and(path(&at))
        .and(query_param("after", "c1"))
        .respond_with(expired())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(&at))
        .and(query_param_is_missing("after"))
        .respond_with(page(json!([{"join_request_id": "J1"}]), Some("c1")))
        .mount(&server)
        .await;
    let err = fetch(&server, Fetch::JoinRequests(Some(G1.into())))
        .await
        .expect_err("given up");
    assert!(err.message.contains("131059"), "{err:?}");
    let asked = server.received_requests().await.unwrap_or_default().len();
    assert_eq!(
        asked, 8,
        "the first read and three restarts, two pages each"
    );
}
