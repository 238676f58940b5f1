//! The sandbox's group lifecycle over HTTP: create, delete, suspension, the account's limits,
//! and the answer shapes the sources disagree on.

mod sandbox_common;

use sandbox_common::{Api, body, create_group, plain, start, wait_until};
use serde_json::json;
use wa_groups::sandbox::{AnswerShapes, SandboxConfig};

fn create(subject: &str) -> serde_json::Value {
    body(json!({"subject": subject}))
}

#[tokio::test]
async fn a_create_answers_a_request_id_and_the_group_comes_later() {
    // A create that takes an hour: accepted, and not there yet.
    let slow = start(SandboxConfig {
        groups: 2,
        create_delay_ms: 3_600_000,
        ..SandboxConfig::default()
    })
    .await;
    let api = Api::new(&slow);
    let path = format!("{}/groups", slow.phone_number_id());
    let reply = api.json("POST", &path, &create("Later")).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let v = reply.json();
    assert_eq!(v["messaging_product"], "whatsapp");
    let request_id = v["request_id"].as_str().unwrap_or_default().to_owned();
    assert!(!request_id.is_empty());
    assert!(
        v.get("id").is_none() && v.get("invite_link").is_none(),
        "{v}"
    );
    assert_eq!(slow.group_ids().len(), 2);
    assert_eq!(slow.group_for_request(&request_id), None);

    // A create that takes a moment: the group shows up in the list.
    let sb = start(SandboxConfig {
        groups: 2,
        create_delay_ms: 50,
        ..SandboxConfig::default()
    })
    .await;
    let api = Api::new(&sb);
    let path = format!("{}/groups", sb.phone_number_id());
    let asked = body(json!({
        "subject": "  Spring cohort A  ",
        "description": "Weekly check-ins",
        "join_approval_mode": "approval_required",
    }));
    let (id, request_id) = create_group(&api, &sb, &asked).await;
    let list = api.get(&format!("{path}?limit=100")).await.json();
    let listed = list["data"]["groups"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let entry = listed.iter().find(|g| g["id"] == id.as_str()).cloned();
    let entry = entry.expect("the new group is listed");
    assert_eq!(
        entry["subject"], "Spring cohort A",
        "Meta trims the subject"
    );
    let fields = "subject,description,participants,total_participant_count,suspended,creation_timestamp,join_approval_mode";
    let info = api.get(&format!("{id}?fields={fields}")).await.json();
    assert_eq!(info["description"], "Weekly check-ins");
    assert_eq!(info["join_approval_mode"], "approval_required");
    assert_eq!(info["participants"], json!([]));
    assert_eq!(info["total_participant_count"], 0);
    assert!(info["creation_timestamp"].is_u64());
    let link = api.get(&format!("{id}/invite_link")).await.json();
    assert!(
        link["invite_link"]
            .as_str()
            .is_some_and(|l| l.starts_with("https://chat.whatsapp.com/"))
    );
    assert_eq!(
        sb.group(&id).map(|g| g.invite_link),
        Some(link["invite_link"].as_str().map(str::to_owned))
    );
    // Not idempotent: the same create again is a second group.
    let again = api.json("POST", &path, &asked).await.json();
    let second = again["request_id"].as_str().unwrap_or_default().to_owned();
    assert_ne!(second, request_id);
    wait_until("the second group", || async {
        sb.group_for_request(&second).is_some()
    })
    .await;
    assert_eq!(sb.group_ids().len(), 4);
}

#[tokio::test]
async fn create_bodies_are_checked_as_the_contract_says() {
    let sb = plain(1).await;
    let api = Api::new(&sb);
    let path = format!("{}/groups", sb.phone_number_id());
    let cases = [
        json!({"subject": "No product"}),
        body(json!({})),
        body(json!({"subject": "   "})),
        body(json!({"subject": "x".repeat(129)})),
        body(json!({"subject": 42})),
        body(json!({"subject": "Ok", "description": "d".repeat(2049)})),
        body(json!({"subject": "Ok", "join_approval_mode": "open"})),
    ];
    for case in &cases {
        api.json("POST", &path, case).await.graph_error(400, 100);
    }
    // 128 characters of a two-byte letter is a subject; the limit counts characters.
    let long = body(json!({"subject": "é".repeat(128), "description": "d".repeat(2048)}));
    assert_eq!(api.json("POST", &path, &long).await.status, 200);
    let other_number = api.json("POST", "999/groups", &create("Elsewhere")).await;
    other_number.graph_error(400, 100);
    assert_eq!(sb.group_ids().len(), 2);
}

#[tokio::test]
async fn the_ten_thousand_group_limit_is_131211() {
    let sb = plain(10_000).await;
    let api = Api::new(&sb);
    let path = format!("{}/groups", sb.phone_number_id());
    let reply = api.json("POST", &path, &create("One too many")).await;
    reply.graph_error(400, 131211);
    assert_eq!(sb.group_ids().len(), 10_000);
    // A delete makes room again.
    let first = sb.group_ids()[0].clone();
    assert_eq!(api.json("DELETE", &first, &json!({})).await.status, 200);
    assert_eq!(api.json("POST", &path, &create("Fits")).await.status, 200);
    assert_eq!(sb.group_ids().len(), 10_000);
}

#[tokio::test]
async fn an_ineligible_number_gets_131215_and_disabled_creation_131214() {
    let sb = plain(2).await;
    let api = Api::new(&sb);
    let group = sb.group_ids()[0].clone();
    let path = format!("{}/groups", sb.phone_number_id());
    sb.set_account(true, false);
    api.json("POST", &path, &create("Paused"))
        .await
        .graph_error(400, 131214);
    assert_eq!(
        api.get(&path).await.status,
        200,
        "only creates are disabled"
    );
    sb.set_account(false, true);
    api.get(&path).await.graph_error(400, 131215);
    api.get(&group).await.graph_error(400, 131215);
    api.get(&format!("{group}/invite_link"))
        .await
        .graph_error(400, 131215);
    api.json("POST", &path, &create("No"))
        .await
        .graph_error(400, 131215);
    // The hook puts it back.
    let answer = api.hook("account", &json!({"eligible": true})).await;
    assert_eq!(
        answer.json(),
        json!({"eligible": true, "creation_enabled": true})
    );
    assert_eq!(api.get(&group).await.status, 200);
}

#[tokio::test]
async fn delete_answers_in_each_documented_shape() {
    let observed = plain(1).await;
    let api = Api::new(&observed);
    let id = observed.group_ids()[0].clone();
    let link = observed.invite_link(&id).expect("link");
    let reply = api.json("DELETE", &id, &json!({})).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["messaging_product"], "whatsapp");
    assert!(reply.json()["request_id"].is_string());
    api.get(&id).await.graph_error(400, 131041);
    api.json("DELETE", &id, &json!({}))
        .await
        .graph_error(400, 131041);
    let join = json!({"invite_link": link, "user": "+12125550143"});
    assert_eq!(
        api.hook("join", &join).await.status,
        404,
        "the link died with the group"
    );

    let contract = start(SandboxConfig {
        groups: 1,
        answer_shapes: AnswerShapes::Contract,
        ..SandboxConfig::default()
    })
    .await;
    let id = contract.group_ids()[0].clone();
    let reply = Api::new(&contract).json("DELETE", &id, &json!({})).await;
    assert_eq!(reply.json(), json!({"success": true}));

    let mixed = start(SandboxConfig {
        groups: 40,
        answer_shapes: AnswerShapes::Mixed,
        ..SandboxConfig::default()
    })
    .await;
    let api = Api::new(&mixed);
    let (mut success, mut request_id, mut empty) = (0, 0, 0);
    for id in mixed.group_ids() {
        let reply = api.json("DELETE", &id, &json!({})).await;
        assert_eq!(reply.status, 200);
        let v = reply.json();
        if reply.text.is_empty() {
            empty += 1;
        } else if v == json!({"success": true}) {
            success += 1;
        } else if v["request_id"].is_string() {
            request_id += 1;
        } else {
            panic!("an undocumented delete answer: {reply:?}");
        }
    }
    assert!(
        success > 0 && request_id > 0 && empty > 0,
        "{success}/{request_id}/{empty}"
    );
    assert!(mixed.group_ids().is_empty());
}

#[tokio::test]
async fn contract_shapes_answer_writes_with_an_empty_200() {
    let sb = start(SandboxConfig {
        groups: 0,
        answer_shapes: AnswerShapes::Contract,
        ..SandboxConfig::default()
    })
    .await;
    let api = Api::new(&sb);
    let id = sb.insert_group("Bare", &["15551234567"]);
    let add = body(json!({"participants": [{"user": "+12125550143"}]}));
    for reply in [
        api.json("POST", &format!("{id}/participants"), &add).await,
        api.json("POST", &id, &body(json!({"subject": "Bare 2"})))
            .await,
    ] {
        assert_eq!((reply.status, reply.text.as_str()), (200, ""), "{reply:?}");
    }
    // A partial success keeps its documented 206 body in every shape.
    let partial =
        body(json!({"participants": [{"user": "+12125550144"}, {"user": "+12125550000"}]}));
    let reply = api
        .json("POST", &format!("{id}/participants"), &partial)
        .await;
    assert_eq!(reply.status, 206);
    assert!(reply.json()["request_id"].is_string());
}

#[tokio::test]
async fn a_suspended_group_answers_131207_to_all_but_its_info() {
    let sb = start(SandboxConfig {
        groups: 5,
        suspended_groups: 1,
        approval_rate: 0.0,
        ..SandboxConfig::default()
    })
    .await;
    let api = Api::new(&sb);
    let ids = sb.group_ids();
    let id = ids.last().cloned().unwrap_or_default();
    assert!(
        ids[..4]
            .iter()
            .all(|g| sb.group(g).is_some_and(|g| !g.suspended))
    );
    let info = api.get(&format!("{id}?fields=subject,suspended")).await;
    assert_eq!(info.json()["suspended"], true);
    let listed = api
        .get(&format!("{}/groups", sb.phone_number_id()))
        .await
        .json();
    assert_eq!(listed["data"]["groups"].as_array().map(Vec::len), Some(5));
    let people = body(json!({"participants": [{"user": "+12125550143"}]}));
    let ids_body = body(json!({"join_requests": ["x"]}));
    let product = body(json!({}));
    let replies = [
        api.json("POST", &format!("{id}/participants"), &people)
            .await,
        api.json("DELETE", &format!("{id}/participants"), &people)
            .await,
        api.json("POST", &id, &body(json!({"subject": "New"})))
            .await,
        api.json("DELETE", &id, &json!({})).await,
        api.get(&format!("{id}/invite_link")).await,
        api.json("POST", &format!("{id}/invite_link"), &product)
            .await,
        api.json("DELETE", &format!("{id}/invite_link"), &product)
            .await,
        api.get(&format!("{id}/join_requests")).await,
        api.json("POST", &format!("{id}/join_requests"), &ids_body)
            .await,
        api.json("DELETE", &format!("{id}/join_requests"), &ids_body)
            .await,
    ];
    for reply in &replies {
        reply.graph_error(403, 131207);
    }
    let lifted = api.hook("unsuspend", &json!({"group_id": id})).await;
    assert_eq!(lifted.json(), json!({"changed": true}));
    assert_eq!(api.get(&format!("{id}/invite_link")).await.status, 200);
    assert_eq!(
        api.hook("suspend", &json!({"group_id": id})).await.status,
        200
    );
    api.get(&format!("{id}/invite_link"))
        .await
        .graph_error(403, 131207);
    assert_eq!(
        api.hook("suspend", &json!({"group_id": "Tm9wZQ"}))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn stats_count_the_new_routes_by_status() {
    let sb = plain(1).await;
    let api = Api::new(&sb);
    let id = sb.group_ids()[0].clone();
    let product = body(json!({}));
    api.json(
        "POST",
        &format!("{}/groups", sb.phone_number_id()),
        &create("S"),
    )
    .await;
    api.json("POST", &id, &body(json!({"subject": "T"}))).await;
    api.get(&format!("{id}/invite_link")).await;
    api.json("POST", &format!("{id}/invite_link"), &product)
        .await;
    api.json("DELETE", &format!("{id}/invite_link"), &product)
        .await;
    api.get(&format!("{id}/join_requests")).await;
    api.json("POST", &format!("{id}/join_requests"), &product)
        .await;
    api.json(
        "DELETE",
        &format!("{id}/join_requests"),
        &body(json!({"join_requests": ["x"]})),
    )
    .await;
    api.hook("leave", &json!({"group_id": id, "user": "+12125550143"}))
        .await;
    let stats = api.stats().await;
    let by = &stats["by_route"];
    for (route, status) in [
        ("POST /groups", "200"),
        ("POST /group", "200"),
        ("GET /invite_link", "200"),
        ("POST /invite_link", "200"),
        ("DELETE /invite_link", "200"),
        ("GET /join_requests", "200"),
        ("POST /join_requests", "400"),
        ("DELETE /join_requests", "200"),
    ] {
        assert_eq!(by[route][status], 1, "{route} {status}: {stats}");
    }
    assert_eq!(stats["total"], 8);
    assert_eq!(stats["hooks"]["POST /_sandbox/leave"]["404"], 1);
    assert_eq!(stats["webhooks"]["events"], 0, "webhooks are off");
}
