//! The lifecycle calls against a mock server: each call's method, path and body as the contract
//! gives them, every documented answer variant, and the error codes of §1.11 classified.

use serde_json::json;
use wa_groups::api::{AccessToken, Answer, ApiError, Call, Client, ClientSettings, ErrorClass};
use wa_groups::domain::{JoinApprovalMode, NewGroup, Photo};
use wiremock::matchers::{body_json, header, header_regex, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const GROUP: &str = "Y2FwaV9ncm91cDoxMjM";
const PHONE: &str = "100000000000001";

fn client(server: &MockServer) -> Client {
    let token = AccessToken::new("test-token-123").expect("token");
    let settings = ClientSettings::new(&server.uri(), "v23.0", token, PHONE).expect("settings");
    Client::new(settings).expect("client")
}

fn new_group() -> NewGroup {
    NewGroup {
        subject: "Spring cohort A".into(),
        description: Some("Weekly check-ins".into()),
        join_approval_mode: JoinApprovalMode::ApprovalRequired,
    }
}

/// Answers `call` with `template` at `method path`; returns what the client made of it.
async fn answer(
    call: Call,
    verb: &str,
    at: &str,
    template: ResponseTemplate,
) -> Result<Answer, ApiError> {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    client(&server).execute(&call).await
}

fn graph_error(status: u16, code: i64) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": {
        "message": "refused", "type": "OAuthException", "code": code,
        "error_data": {"details": "why"}, "fbtrace_id": "T"}}))
}

#[tokio::test]
async fn create_sends_the_contract_body_and_reads_the_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{PHONE}/groups")))
        .and(header("authorization", "Bearer test-token-123"))
        .and(body_json(json!({
            "messaging_product": "whatsapp",
            "subject": "Spring cohort A",
            "description": "Weekly check-ins",
            "join_approval_mode": "approval_required"
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"messaging_product": "whatsapp", "request_id": "RQ-7f3a91"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let answer = client(&server)
        .execute(&Call::CreateGroup { new: new_group() })
        .await
        .expect("accepted");
    let Answer::Write(write) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(write.request_id.as_deref(), Some("RQ-7f3a91"));
    // Refused before sending: an empty subject, one of 129 characters, a description of 2049.
    for new in [
        NewGroup {
            subject: " ".into(),
            ..new_group()
        },
        NewGroup {
            subject: "x".repeat(129),
            ..new_group()
        },
        NewGroup {
            description: Some("x".repeat(2049)),
            ..new_group()
        },
    ] {
        let err = client(&server)
            .execute(&Call::CreateGroup { new })
            .await
            .expect_err("refused");
        assert!(matches!(err, ApiError::Invalid(_)), "{err}");
    }
}

#[tokio::test]
async fn every_creation_error_code_is_classified() {
    for (status, code, class) in [
        (400, 131211, ErrorClass::Account),
        (400, 131214, ErrorClass::Account),
        (400, 131215, ErrorClass::Account),
        (429, 131208, ErrorClass::Throttled),
        (400, 100, ErrorClass::BadRequest),
        (500, 1, ErrorClass::Transient),
    ] {
        let at = format!("/v23.0/{PHONE}/groups");
        let err = answer(
            Call::CreateGroup { new: new_group() },
            "POST",
            &at,
            graph_error(status, code),
        )
        .await
        .expect_err("an error");
        assert_eq!((err.code(), err.class()), (Some(code), class), "{code}");
    }
}

#[tokio::test]
async fn settings_go_as_json_and_accept_an_empty_body_or_a_request_id() {
    let call = Call::UpdateSettings {
        group: GROUP.into(),
        subject: Some("New name".into()),
        description: None,
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{GROUP}")))
        .and(body_json(
            json!({"messaging_product": "whatsapp", "subject": "New name"}),
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    assert!(matches!(
        client(&server).execute(&call).await,
        Ok(Answer::Write(_))
    ));
    let at = format!("/v23.0/{GROUP}");
    let with_id = ResponseTemplate::new(200).set_body_json(json!({"request_id": "RQ-a1b2"}));
    let Ok(Answer::Write(w)) = answer(call.clone(), "POST", &at, with_id).await else {
        panic!("accepted")
    };
    assert_eq!(w.request_id.as_deref(), Some("RQ-a1b2"));
    for (status, code, class) in [
        (403, 131207, ErrorClass::GroupPermanent),
        (400, 131041, ErrorClass::GroupPermanent),
    ] {
        let err = answer(call.clone(), "POST", &at, graph_error(status, code))
            .await
            .expect_err("error");
        assert_eq!(err.class(), class);
    }
    let nothing = Call::UpdateSettings {
        group: GROUP.into(),
        subject: None,
        description: None,
    };
    let server = MockServer::start().await;
    assert!(matches!(
        client(&server).execute(&nothing).await,
        Err(ApiError::Invalid(_))
    ));
}

#[tokio::test]
async fn the_photo_goes_as_multipart_file_and_its_refusals_are_classified() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{GROUP}")))
        .and(header_regex(
            "content-type",
            "^multipart/form-data; boundary=",
        ))
        .respond_with(|req: &Request| {
            let body = String::from_utf8_lossy(&req.body);
            let ok = body.contains("name=\"messaging_product\"\r\n\r\nwhatsapp")
                && body
                    .contains("name=\"file\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg");
            ResponseTemplate::new(if ok { 200 } else { 400 })
        })
        .expect(1)
        .mount(&server)
        .await;
    let photo = Photo::check(wa_groups::testing::jpeg(240, 240)).expect("a square JPEG");
    let call = Call::UpdatePhoto {
        group: GROUP.into(),
        photo: photo.clone(),
    };
    assert!(matches!(
        client(&server).execute(&call).await,
        Ok(Answer::Write(_))
    ));
    for code in [131209, 131210] {
        let at = format!("/v23.0/{GROUP}");
        let err = answer(call.clone(), "POST", &at, graph_error(400, code))
            .await
            .expect_err("refused");
        assert_eq!(err.class(), ErrorClass::BadRequest, "{code}");
    }
}

#[tokio::test]
async fn delete_accepts_success_a_request_id_or_nothing_and_refuses_success_false() {
    let at = format!("/v23.0/{GROUP}");
    let call = || Call::DeleteGroup {
        group: GROUP.into(),
    };
    for template in [
        ResponseTemplate::new(200).set_body_json(json!({"success": true})),
        ResponseTemplate::new(200)
            .set_body_json(json!({"messaging_product": "whatsapp", "request_id": "RQ-88c2"})),
        ResponseTemplate::new(200),
        ResponseTemplate::new(204),
    ] {
        assert!(matches!(
            answer(call(), "DELETE", &at, template).await,
            Ok(Answer::Write(_))
        ));
    }
    let refused = ResponseTemplate::new(200).set_body_json(json!({"success": false}));
    assert!(answer(call(), "DELETE", &at, refused).await.is_err());
    let err = answer(call(), "DELETE", &at, graph_error(400, 131041))
        .await
        .expect_err("unknown");
    assert_eq!(err.class(), ErrorClass::GroupPermanent);
}

#[tokio::test]
async fn invite_links_are_read_reset_and_revoked_with_success_as_a_string() {
    let at = format!("/v23.0/{GROUP}/invite_link");
    let link = json!({"messaging_product": "whatsapp", "invite_link": "https://chat.whatsapp.com/AbCdEf123456"});
    let got = answer(
        Call::GetInviteLink {
            group: GROUP.into(),
        },
        "GET",
        &at,
        ResponseTemplate::new(200).set_body_json(link.clone()),
    )
    .await;
    let Ok(Answer::Link {
        link: got,
        write: None,
    }) = got
    else {
        panic!("{got:?}")
    };
    assert_eq!(got.invite_link, "https://chat.whatsapp.com/AbCdEf123456");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(&at))
        .and(body_json(json!({"messaging_product": "whatsapp"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(link))
        .expect(1)
        .mount(&server)
        .await;
    let reset = client(&server)
        .execute(&Call::ResetInviteLink {
            group: GROUP.into(),
        })
        .await;
    assert!(
        matches!(reset, Ok(Answer::Link { write: Some(_), .. })),
        "{reset:?}"
    );

    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(&at))
        .and(body_json(json!({"messaging_product": "whatsapp"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"messaging_product": "whatsapp", "success": "true"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let revoked = client(&server)
        .execute(&Call::DeleteInviteLink {
            group: GROUP.into(),
        })
        .await;
    assert!(matches!(revoked, Ok(Answer::Write(_))), "{revoked:?}");
    let refused = ResponseTemplate::new(200).set_body_json(json!({"success": "false"}));
    assert!(
        answer(
            Call::DeleteInviteLink {
                group: GROUP.into()
            },
            "DELETE",
            &at,
            refused
        )
        .await
        .is_err()
    );
    let suspended = answer(
        Call::GetInviteLink {
            group: GROUP.into(),
        },
        "GET",
        &at,
        graph_error(403, 131207),
    )
    .await
    .expect_err("suspended");
    assert_eq!(suspended.class(), ErrorClass::GroupPermanent);
    let no_link = answer(
        Call::GetInviteLink {
            group: GROUP.into(),
        },
        "GET",
        &at,
        ResponseTemplate::new(200).set_body_json(json!({"invite_link": "javascript:alert(1)"})),
    )
    .await;
    assert!(
        matches!(no_link, Err(ApiError::BadAnswer(_))),
        "{no_link:?}"
    );
}

#[tokio::test]
async fn join_requests_are_read_page_by_page_with_hidden_phones() {
    let server = MockServer::start().await;
    let at = format!("/v23.0/{GROUP}/join_requests");
    Mock::given(method("GET"))
        .and(path(&at))
        .and(query_param("after", "c1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"join_request_id": "J3", "user_id": "US.7781", "username": "ana.k", "creation_timestamp": "1755548879"}],
            "paging": {"cursors": {"before": "c1", "after": "c2"}}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(&at))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"join_request_id": "J1", "wa_id": "15550100002", "creation_timestamp": 1755548877},
                     {"join_request_id": "J2", "wa_id": "15550100003", "creation_timestamp": 1755548878}],
            "paging": {"cursors": {"before": "c0", "after": "c1"}, "next": "https://graph/next"}
        })))
        .mount(&server)
        .await;
    let first = client(&server)
        .execute(&Call::ListJoinRequests {
            group: GROUP.into(),
            after: None,
        })
        .await;
    let Ok(Answer::JoinRequests(page)) = first else {
        panic!("{first:?}")
    };
    assert_eq!(page.requests.len(), 2);
    assert_eq!(page.next_after.as_deref(), Some("c1"));
    let second = client(&server)
        .execute(&Call::ListJoinRequests {
            group: GROUP.into(),
            after: Some("c1".into()),
        })
        .await;
    let Ok(Answer::JoinRequests(page)) = second else {
        panic!("{second:?}")
    };
    let hidden = page.requests[0].person.as_ref().expect("named by BSUID");
    assert_eq!(hidden.phone(), None);
    assert_eq!(hidden.label(), "US.7781 @ana.k");
    assert_eq!(page.requests[0].created_at, Some(1_755_548_879));
    assert_eq!(page.next_after, None);
    let err = answer(
        Call::ListJoinRequests {
            group: GROUP.into(),
            after: Some("old".into()),
        },
        "GET",
        &at,
        graph_error(400, 131059),
    )
    .await
    .expect_err("bad cursor");
    assert_eq!(
        (err.code(), err.class()),
        (Some(131059), ErrorClass::BadRequest)
    );
}

#[tokio::test]
async fn approvals_and_rejections_name_what_was_done_and_what_failed() {
    let at = format!("/v23.0/{GROUP}/join_requests");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(&at))
        .and(body_json(json!({"messaging_product": "whatsapp", "join_requests": ["J1", "J2", "J3"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp",
            "approved_join_requests": ["J1"],
            "failed_join_requests": [
                {"join_request_id": "J2", "errors": [{"code": 131203, "message": "Recipient has not accepted our new Terms of Service and Privacy Policy", "title": "Unable to add participant to group"}]},
                {"join_request_id": "J3", "errors": [{"code": 131213, "message": "Join request does not exist"}]}
            ],
            "errors": [{"code": 131201, "message": "Not all join requests succeeded"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let ids = vec!["J1".to_string(), "J2".into(), "J3".into()];
    let approved = client(&server)
        .execute(&Call::ApproveJoinRequests {
            group: GROUP.into(),
            ids: ids.clone(),
        })
        .await;
    let Ok(Answer::Decided { answered, .. }) = approved else {
        panic!("{approved:?}")
    };
    assert_eq!(answered.done, ["J1"]);
    let codes: Vec<Option<i64>> = answered.failed.iter().map(|f| f.code).collect();
    assert_eq!(codes, [Some(131203), Some(131213)]);

    let rejected = answer(
        Call::RejectJoinRequests {
            group: GROUP.into(),
            ids: vec!["J4".into()],
        },
        "DELETE",
        &at,
        ResponseTemplate::new(200).set_body_json(
            json!({"messaging_product": "whatsapp", "rejected_join_requests": ["J4"]}),
        ),
    )
    .await;
    let Ok(Answer::Decided { answered, .. }) = rejected else {
        panic!("{rejected:?}")
    };
    assert_eq!(answered.done, ["J4"]);
    assert!(answered.failed.is_empty());
    let server = MockServer::start().await;
    let twice = Call::RejectJoinRequests {
        group: GROUP.into(),
        ids: vec!["J".into(), "J".into()],
    };
    assert!(matches!(
        client(&server).execute(&twice).await,
        Err(ApiError::Invalid(_))
    ));
    let unknown = answer(
        Call::RejectJoinRequests {
            group: GROUP.into(),
            ids: vec!["J9".into()],
        },
        "DELETE",
        &at,
        graph_error(400, 131213),
    )
    .await
    .expect_err("no such request");
    assert_eq!(unknown.class(), ErrorClass::Participant);
}

#[tokio::test]
async fn group_info_reads_the_lifecycle_fields_as_strings_or_values() {
    let at = format!("/v23.0/{GROUP}");
    let info = answer(
        Call::GroupInfo {
            group: GROUP.into(),
        },
        "GET",
        &at,
        ResponseTemplate::new(200).set_body_json(json!({
            "id": GROUP, "subject": "S", "description": "d".repeat(2048), "participants": [],
            "total_participant_count": "0", "suspended": "true", "creation_timestamp": "683731200",
            "join_approval_mode": "approval_required"
        })),
    )
    .await;
    let Ok(Answer::Group(info)) = info else {
        panic!("{info:?}")
    };
    assert_eq!(info.suspended, Some(true));
    assert_eq!(info.creation_timestamp, Some(683_731_200));
    assert_eq!(
        info.join_approval_mode,
        Some(JoinApprovalMode::ApprovalRequired)
    );
    assert_eq!(
        info.description.map(|d| d.chars().count()),
        Some(2048),
        "a whole description"
    );
}
