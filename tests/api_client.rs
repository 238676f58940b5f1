//! The client against a mock server: every answer shape and error class it must understand.

use std::time::Duration;

use serde_json::json;
use wa_groups::api::{AccessToken, ApiError, Client, ClientSettings, ErrorClass};
use wa_groups::domain::Participant;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GROUP: &str = "Y2FwaV9ncm91cDoxMjM";

fn client(server: &MockServer) -> Client {
    let token = AccessToken::new("test-token-123").expect("token");
    let settings =
        ClientSettings::new(&server.uri(), "v23.0", token, "100000000000001").expect("settings");
    Client::new(settings).expect("client")
}

fn people(numbers: &[&str]) -> Vec<Participant> {
    numbers
        .iter()
        .map(|n| Participant::parse(n, None).expect("valid number"))
        .collect()
}

async fn answer_add(template: ResponseTemplate) -> Result<wa_groups::api::WriteAccepted, ApiError> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{GROUP}/participants")))
        .respond_with(template)
        .mount(&server)
        .await;
    client(&server)
        .add_participants(GROUP, &people(&["+12025550143"]))
        .await
}

#[tokio::test]
async fn add_sends_the_contract_body_with_token_and_user_agent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{GROUP}/participants")))
        .and(header("authorization", "Bearer test-token-123"))
        .and(header(
            "user-agent",
            concat!("wa-groups/", env!("CARGO_PKG_VERSION")),
        ))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "messaging_product": "whatsapp",
            "participants": [{"user": "+12025550143"}, {"user": "+447911123456"}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"request_id": "r-1"})))
        .expect(1)
        .mount(&server)
        .await;
    let done = client(&server)
        .add_participants(GROUP, &people(&["+1 202 555 0143", "+44 7911 123456"]))
        .await
        .expect("accepted");
    assert_eq!(done.request_id.as_deref(), Some("r-1"));
    assert!(!done.partial);
}

#[tokio::test]
async fn remove_is_a_delete_with_the_same_body() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v23.0/{GROUP}/participants")))
        .and(body_json(json!({
            "messaging_product": "whatsapp",
            "participants": [{"user": "+12025550143"}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    let done = client(&server)
        .remove_participants(GROUP, &people(&["+12025550143"]))
        .await
        .expect("accepted");
    assert_eq!(done.status, 200);
}

#[tokio::test]
async fn every_success_shape_means_accepted() {
    for template in [
        ResponseTemplate::new(200),
        ResponseTemplate::new(200).set_body_string("  \n"),
        ResponseTemplate::new(200).set_body_json(json!({"messaging_product": "whatsapp"})),
        ResponseTemplate::new(200).set_body_json(json!({"success": true})),
        ResponseTemplate::new(200).set_body_json(json!({"success": "true", "request_id": 123})),
    ] {
        let done = answer_add(template).await.expect("accepted");
        assert!(!done.partial);
    }
}

#[tokio::test]
async fn partial_success_names_the_failed_participants() {
    let done = answer_add(ResponseTemplate::new(206).set_body_json(json!({
        "request_id": "r-2",
        "error": {"code": 131201, "message": "Partial success", "type": "OAuthException"},
        "failed_participants": [{"input": "+12025550143", "errors": [{"code": 131203, "message": "terms not accepted", "title": "t"}]}]
    })))
    .await
    .expect("partial is an answer");
    assert!(done.partial);
    assert_eq!(done.request_id.as_deref(), Some("r-2"));
    assert_eq!(done.failed.len(), 1);
    assert_eq!(done.failed[0].code, Some(131203));

    let unnamed = answer_add(ResponseTemplate::new(206).set_body_string(""))
        .await
        .expect("partial");
    assert!(unnamed.partial && unnamed.failed.is_empty());
}

#[tokio::test]
async fn graph_errors_keep_every_field_and_their_class() {
    let err = answer_add(ResponseTemplate::new(400).set_body_json(json!({"error": {
        "message": "Group unknown", "type": "OAuthException", "code": 131041,
        "error_subcode": 2494010, "fbtrace_id": "AbC123", "is_transient": false,
        "error_data": {"messaging_product": "whatsapp", "details": "no such group"}
    }})))
    .await
    .expect_err("error");
    let ApiError::Graph(g) = &err else {
        panic!("not a graph error: {err:?}")
    };
    assert_eq!(g.code, 131041);
    assert_eq!(g.subcode, Some(2494010));
    assert_eq!(g.fbtrace_id.as_deref(), Some("AbC123"));
    assert_eq!(g.details.as_deref(), Some("no such group"));
    assert_eq!(g.is_transient, Some(false));
    assert_eq!(err.class(), ErrorClass::GroupPermanent);
    assert!(err.to_string().contains("131041"));
}

#[tokio::test]
async fn each_error_class_comes_through() {
    let cases = [
        (429, 131208, ErrorClass::Throttled),
        (400, 4, ErrorClass::Throttled),
        (503, 2, ErrorClass::Transient),
        (401, 190, ErrorClass::Auth),
        (403, 10, ErrorClass::Permission),
        (403, 131207, ErrorClass::GroupPermanent),
        (400, 131215, ErrorClass::Account),
        (400, 100, ErrorClass::BadRequest),
    ];
    for (status, code, class) in cases {
        let err = answer_add(ResponseTemplate::new(status).set_body_json(
            json!({"error": {"message": "m", "type": "OAuthException", "code": code}}),
        ))
        .await
        .expect_err("error");
        assert_eq!(err.class(), class, "code {code}");
        assert!(!err.outcome_unknown());
    }
}

#[tokio::test]
async fn throttles_carry_the_wait_asked_for() {
    let err = answer_add(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "3")
            .set_body_json(json!({"error": {"message": "Rate limit hit", "type": "OAuthException", "code": 131208}})),
    )
    .await
    .expect_err("throttled");
    assert_eq!(err.class(), ErrorClass::Throttled);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
}

#[tokio::test]
async fn pages_that_are_not_json_give_status_and_a_clean_excerpt() {
    let html = answer_add(ResponseTemplate::new(502).set_body_raw(
        "<html><body><h1>502 Bad Gateway</h1>\x1b[2J</body></html>",
        "text/html",
    ))
    .await
    .expect_err("html");
    let text = html.to_string();
    assert!(
        text.contains("502") && text.contains("Bad Gateway"),
        "{text}"
    );
    assert!(!text.contains('\x1b') && !text.contains("<h1>"), "{text}");
    assert_eq!(html.class(), ErrorClass::Transient);

    let empty = answer_add(ResponseTemplate::new(500))
        .await
        .expect_err("empty");
    assert!(empty.to_string().contains("HTTP 500"), "{empty}");
    assert!(empty.to_string().contains("empty body"), "{empty}");

    let truncated =
        answer_add(ResponseTemplate::new(400).set_body_string("{\"error\": {\"code\": 13"))
            .await
            .expect_err("truncated");
    assert!(matches!(truncated, ApiError::NotJson { status: 400, .. }));
}

#[tokio::test]
async fn a_2xx_that_cannot_be_read_leaves_the_outcome_unknown() {
    let err = answer_add(ResponseTemplate::new(200).set_body_string("<html>ok</html>"))
        .await
        .expect_err("unreadable");
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn huge_answers_are_not_read_past_the_cap() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(64 * 1024)))
        .mount(&server)
        .await;
    let token = AccessToken::new("t").expect("token");
    let mut settings =
        ClientSettings::new(&server.uri(), "v23.0", token, "100000000000001").expect("settings");
    settings.max_body_bytes = 1024;
    let err = Client::new(settings)
        .expect("client")
        .group_info(GROUP)
        .await
        .expect_err("too large");
    assert!(matches!(err, ApiError::TooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn a_silent_server_times_out_with_the_outcome_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let token = AccessToken::new("t").expect("token");
    let mut settings =
        ClientSettings::new(&server.uri(), "v23.0", token, "100000000000001").expect("settings");
    settings.request_timeout = Duration::from_millis(200);
    let err = Client::new(settings)
        .expect("client")
        .add_participants(GROUP, &people(&["+12025550143"]))
        .await
        .expect_err("timeout");
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn bad_batches_are_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let c = client(&server);
    let nine: Vec<String> = (0..9).map(|i| format!("+1202555014{i}")).collect();
    let nine: Vec<&str> = nine.iter().map(String::as_str).collect();
    let err = c
        .add_participants(GROUP, &people(&nine))
        .await
        .expect_err("9");
    assert!(err.to_string().contains("limit is 8"), "{err}");
    let dup = people(&["+12025550143", "+1 (202) 555-0143"]);
    let err = c.add_participants(GROUP, &dup).await.expect_err("dup");
    assert!(err.to_string().contains("twice"), "{err}");
    let err = c.add_participants(GROUP, &[]).await.expect_err("empty");
    assert!(err.to_string().contains("no participants"), "{err}");
}

#[tokio::test]
async fn group_list_follows_every_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v23.0/100000000000001/groups"))
        .and(query_param("after", "c1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"groups": [{"id": "g3", "subject": "Three", "created_at": "1700000003"}]},
            "paging": {"cursors": {"before": "c1", "after": "c2"}}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v23.0/100000000000001/groups"))
        .and(query_param("limit", "1024"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"groups": [{"id": "g1", "subject": "One", "created_at": 1700000001}, {"id": "g2", "subject": "Two"}]},
            "paging": {"cursors": {"before": "c0", "after": "c1"}, "next": "https://graph.facebook.com/next"}
        })))
        .mount(&server)
        .await;
    let groups = client(&server).list_groups().await.expect("list");
    let ids: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["g1", "g2", "g3"]);
    assert_eq!(groups[0].created_at, Some(1700000001));
}

#[tokio::test]
async fn group_info_asks_for_members_and_reads_them() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v23.0/{GROUP}")))
        .and(query_param(
            "fields",
            "subject,description,participants,total_participant_count,suspended,creation_timestamp,join_approval_mode",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": GROUP, "subject": "Team", "participants": [{"wa_id": "12025550143"}],
            "total_participant_count": 1, "suspended": false, "unexpected": {"x": 1}
        })))
        .mount(&server)
        .await;
    let info = client(&server).group_info(GROUP).await.expect("info");
    let members: Vec<&str> = info.participants.iter().map(|p| p.user_ref()).collect();
    assert_eq!(members, ["+12025550143"]);
    assert_eq!(info.total_participant_count, Some(1));
}

#[tokio::test]
async fn debug_output_and_errors_never_hold_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": {"message": "Invalid OAuth access token", "type": "OAuthException", "code": 190}}),
        ))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c.group_info(GROUP).await.expect_err("401");
    assert_eq!(err.class(), ErrorClass::Auth);
    let shown = format!("{c:?} {err:?} {err}");
    assert!(!shown.contains("test-token-123"), "{shown}");
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let token = AccessToken::new("t").expect("token");
    let settings =
        ClientSettings::new(&format!("http://{addr}"), "v23.0", token, "1").expect("settings");
    let err = Client::new(settings)
        .expect("client")
        .group_info(GROUP)
        .await
        .expect_err("refused");
    assert!(matches!(err, ApiError::Connect { .. }), "{err:?}");
    assert!(!err.outcome_unknown());
}
