//! Invite links, the hooks that play WhatsApp users, and join requests, over HTTP.

mod sandbox_common;

use std::collections::BTreeSet;

use sandbox_common::{Api, body, create_approval_group, plain, start};
use serde_json::{Value, json};
use wa_groups::sandbox::{SandboxConfig, User};

fn join(link: &str, user: &str) -> Value {
    json!({"invite_link": link, "user": user})
}

#[tokio::test]
async fn links_are_got_reset_and_deleted_and_only_a_live_one_lets_people_in() {
    let sb = plain(0).await;
    let api = Api::new(&sb);
    let id = sb.insert_group("Links", &[]);
    let path = format!("{id}/invite_link");
    let first = api.get(&path).await;
    assert_eq!(first.status, 200);
    let v = first.json();
    assert_eq!(v["messaging_product"], "whatsapp");
    let link = v["invite_link"].as_str().unwrap_or_default().to_owned();
    let code = link
        .strip_prefix("https://chat.whatsapp.com/")
        .unwrap_or_default();
    assert!(
        code.len() == 22 && code.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{link}"
    );
    assert_eq!(
        api.get(&path).await.json()["invite_link"],
        link.as_str(),
        "stable"
    );

    let reset = api.json("POST", &path, &body(json!({}))).await.json();
    let new_link = reset["invite_link"].as_str().unwrap_or_default().to_owned();
    assert_ne!(new_link, link);
    let dead = api.hook("join", &join(&link, "+12125550143")).await;
    assert_eq!(dead.status, 404, "{dead:?}");
    assert!(
        dead.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("link"))
    );
    let joined = api.hook("join", &join(&new_link, "+12125550143")).await;
    assert_eq!(joined.status, 200, "{joined:?}");
    assert_eq!(joined.json()["group_id"], id.as_str());
    assert_eq!(sb.members(&id), Some(vec!["12125550143".to_owned()]));

    let deleted = api.json("DELETE", &path, &body(json!({}))).await;
    assert_eq!(
        deleted.json(),
        json!({"messaging_product": "whatsapp", "success": "true"})
    );
    assert_eq!(sb.group(&id).and_then(|g| g.invite_link), None);
    assert_eq!(
        api.hook("join", &join(&new_link, "+12125550144"))
            .await
            .status,
        404
    );
    let after = api.get(&path).await.json()["invite_link"]
        .as_str()
        .map(str::to_owned);
    assert!(
        after.is_some_and(|l| l != new_link && l != link),
        "a get issues a new link"
    );
    // The writes carry the contract's body.
    api.json("POST", &path, &json!({}))
        .await
        .graph_error(400, 100);
    api.json("DELETE", &path, &json!({"messaging_product": "sms"}))
        .await
        .graph_error(400, 100);
    api.get("Tm9wZQ/invite_link").await.graph_error(400, 131041);
}

#[tokio::test]
async fn users_join_leave_and_are_refused_what_whatsapp_refuses() {
    let sb = plain(0).await;
    let api = Api::new(&sb);
    let seven: Vec<String> = (1..=7).map(|i| format!("1212555010{i}")).collect();
    let seven: Vec<&str> = seven.iter().map(String::as_str).collect();
    let id = sb.insert_group("Nearly full", &seven);
    let link = sb.invite_link(&id).expect("link");
    let refused = |reply: sandbox_common::Reply, status: u16| {
        assert_eq!(reply.status, status, "{reply:?}");
        assert!(reply.json()["error"].is_string(), "{reply:?}");
    };
    refused(api.hook("join", &join(&link, "12125550101")).await, 409);
    assert_eq!(
        api.hook("join", &join(&link, "+447400123456")).await.status,
        200
    );
    refused(api.hook("join", &join(&link, "+447400123457")).await, 409);
    // A member leaves (by phone or by BSUID): room again.
    let left = api
        .hook("leave", &json!({"group_id": id, "user": "+447400123456"}))
        .await;
    assert!(
        left.json()["user_id"]
            .as_str()
            .is_some_and(|u| u.starts_with("GB."))
    );
    let bsuid = sb
        .person("12125550107")
        .map(|p| p.user_id)
        .unwrap_or_default();
    assert_eq!(
        api.hook("leave", &json!({"group_id": id, "user": bsuid}))
            .await
            .status,
        200
    );
    refused(
        api.hook("leave", &json!({"group_id": id, "user": bsuid}))
            .await,
        404,
    );
    // Who the business removed cannot come back by the link; who left can.
    let removal = body(json!({"participants": [{"user": "+12125550101"}]}));
    assert_eq!(
        api.json("DELETE", &format!("{id}/participants"), &removal)
            .await
            .status,
        200
    );
    refused(api.hook("join", &join(&link, "+12125550101")).await, 409);
    assert_eq!(
        api.hook("join", &join(&link, "+447400123456")).await.status,
        200
    );
    // ...unless the business adds them back.
    let add = body(json!({"participants": [{"user": "+12125550101"}]}));
    assert_eq!(
        api.json("POST", &format!("{id}/participants"), &add)
            .await
            .status,
        200
    );
    // Malformed hooks.
    refused(api.hook("join", &join(&link, "not a number")).await, 400);
    refused(
        api.hook("join", &json!({"user": "+12125550199"})).await,
        400,
    );
    let bad_name = json!({"invite_link": link, "user": "+12125550199", "username": "No Caps"});
    refused(api.hook("join", &bad_name).await, 400);
    let hidden_nameless = json!({"invite_link": link, "user": "+12125550199", "hide_phone": true});
    refused(api.hook("join", &hidden_nameless).await, 400);
    refused(api.hook("ask", &join(&link, "+12125550199")).await, 409);
    refused(
        api.hook(
            "leave",
            &json!({"group_id": "Tm9wZQ", "user": "+12125550101"}),
        )
        .await,
        404,
    );
    refused(api.hook("explode", &json!({})).await, 404);
    let stats = api.stats().await;
    assert_eq!(stats["hooks"]["POST /_sandbox/join"]["409"], 3, "{stats}");
}

#[tokio::test]
async fn seeded_approval_groups_hold_pending_requests_listed_page_by_page() {
    let sb = start(SandboxConfig {
        groups: 30,
        ..SandboxConfig::default()
    })
    .await;
    let api = Api::new(&sb);
    let approval: Vec<String> = sb
        .group_ids()
        .into_iter()
        .filter(|g| {
            sb.group(g)
                .is_some_and(|g| g.join_approval_mode == "approval_required")
        })
        .collect();
    assert!(approval.len() >= 2, "{approval:?}");
    for id in &approval {
        let pending = sb.join_requests(id).unwrap_or_default();
        assert!(!pending.is_empty());
        let info = api
            .get(&format!("{id}?fields=join_approval_mode"))
            .await
            .json();
        assert_eq!(info["join_approval_mode"], "approval_required");
        let mut path = format!("{id}/join_requests?limit=1");
        let mut listed = Vec::new();
        loop {
            let v = api.get(&path).await.json();
            let data = v["data"].as_array().cloned().unwrap_or_default();
            assert_eq!(data.len(), 1, "{v}");
            let item = &data[0];
            assert!(item["creation_timestamp"].is_u64(), "{item}");
            assert!(item["user_id"].as_str().is_some_and(|u| u.contains('.')));
            assert!(item["wa_id"].is_string());
            listed.push(
                item["join_request_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
            match v["paging"]["next"].as_str() {
                Some(next) => {
                    path = next
                        .trim_start_matches(&format!("{}/v23.0/", api.base))
                        .to_owned()
                }
                None => break,
            }
        }
        let expected: Vec<String> = pending.iter().map(|r| r.join_request_id.clone()).collect();
        assert_eq!(listed, expected);
    }
    let auto = sb
        .group_ids()
        .into_iter()
        .find(|g| !approval.contains(g))
        .unwrap_or_default();
    assert_eq!(
        api.get(&format!("{auto}/join_requests")).await.json(),
        json!({"data": []})
    );
    let bad = api
        .get(&format!("{}/join_requests?after=garbage", approval[0]))
        .await;
    bad.graph_error(400, 131059);
    api.get(&format!("{}/join_requests?limit=0", approval[0]))
        .await
        .graph_error(400, 100);
}

#[tokio::test]
async fn requests_are_approved_rejected_and_fail_per_item() {
    let sb = start(SandboxConfig {
        groups: 0,
        approval_rate: 0.0,
        ..SandboxConfig::default()
    })
    .await;
    let api = Api::new(&sb);
    let id = create_approval_group(&api, &sb, "Cohort").await;
    let link = sb.invite_link(&id).expect("link");
    assert_eq!(
        api.hook("join", &join(&link, "+12125550101")).await.status,
        409,
        "needs approval"
    );
    let mut ids = Vec::new();
    for user in [
        "+12125550101",
        "+12125550102",
        "+12125550000",
        "+12125550103",
    ] {
        let asked = api.hook("ask", &join(&link, user)).await;
        assert_eq!(asked.status, 200, "{asked:?}");
        ids.push(
            asked.json()["join_request_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let again = api.hook("ask", &join(&link, "+12125550101")).await.json();
    assert_eq!(
        again["join_request_id"],
        ids[0].as_str(),
        "asking twice is one request"
    );
    let path = format!("{id}/join_requests");
    let all_ok = api
        .json("POST", &path, &body(json!({"join_requests": [ids[0]]})))
        .await;
    assert_eq!(
        all_ok.json(),
        json!({"messaging_product": "whatsapp", "approved_join_requests": [ids[0]]})
    );
    assert_eq!(sb.members(&id), Some(vec!["12125550101".to_owned()]));
    let mixed = body(json!({"join_requests": [ids[1], ids[2], "bm9wZQ"]}));
    let v = api.json("POST", &path, &mixed).await.json();
    assert_eq!(v["approved_join_requests"], json!([ids[1]]));
    let failed = v["failed_join_requests"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let codes: Vec<(Value, Value)> = failed
        .iter()
        .map(|f| (f["join_request_id"].clone(), f["errors"][0]["code"].clone()))
        .collect();
    assert_eq!(
        codes,
        [
            (json!(ids[2]), json!(131203)),
            (json!("bm9wZQ"), json!(131213))
        ]
    );
    assert_eq!(
        failed[0]["errors"][0]["title"],
        "Unable to add participant to group"
    );
    assert!(failed[0]["errors"][0]["error_data"]["details"].is_string());
    assert_eq!(v["errors"][0]["code"], 131201);
    // Reject: gone from the list, not a member, may ask again.
    let rejected = api
        .json("DELETE", &path, &body(json!({"join_requests": [ids[3]]})))
        .await;
    assert_eq!(rejected.json()["rejected_join_requests"], json!([ids[3]]));
    assert!(
        !sb.members(&id)
            .unwrap_or_default()
            .contains(&"12125550103".to_owned())
    );
    let listed = api.get(&path).await.json();
    let left: BTreeSet<&str> = listed["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["join_request_id"].as_str())
        .collect();
    assert_eq!(left, BTreeSet::from([ids[2].as_str()]));
    assert_eq!(
        api.hook("ask", &join(&link, "+12125550103")).await.status,
        200
    );
    let none_ok = api
        .json("DELETE", &path, &body(json!({"join_requests": ["bm9wZQ"]})))
        .await
        .json();
    assert_eq!(none_ok["rejected_join_requests"], json!([]));
    assert_eq!(none_ok["errors"][0]["code"], 131213);
    // Withdrawn requests go too.
    let withdrawn = api
        .hook("withdraw", &json!({"group_id": id, "user": "+12125550000"}))
        .await;
    assert_eq!(withdrawn.json()["join_request_id"], ids[2].as_str());
    assert_eq!(
        api.hook("withdraw", &json!({"group_id": id, "user": "+12125550000"}))
            .await
            .status,
        404
    );
    for bad in [
        json!({"join_requests": ["x"]}),
        body(json!({})),
        body(json!({"join_requests": []})),
        body(json!({"join_requests": "x"})),
        body(json!({"join_requests": [42]})),
    ] {
        api.json("POST", &path, &bad).await.graph_error(400, 100);
    }
}

#[tokio::test]
async fn approvals_stop_at_eight_members() {
    let sb = start(SandboxConfig {
        groups: 0,
        create_delay_ms: 0,
        ..SandboxConfig::default()
    })
    .await;
    let api = Api::new(&sb);
    let id = create_approval_group(&api, &sb, "Tight").await;
    let link = sb.invite_link(&id).expect("link");
    // The in-process API plays the users here.
    let mut ids = Vec::new();
    for i in 1..=9 {
        let phone = format!("+121255504{i:02}");
        let user = User {
            phone: &phone,
            ..User::default()
        };
        let (group, request) = sb.ask_to_join(&link, &user).expect("asked");
        assert_eq!(group, id);
        ids.push(request);
    }
    let all = body(json!({"join_requests": ids}));
    let v = api
        .json("POST", &format!("{id}/join_requests"), &all)
        .await
        .json();
    assert_eq!(
        v["approved_join_requests"].as_array().map(Vec::len),
        Some(8)
    );
    assert_eq!(
        v["failed_join_requests"][0]["join_request_id"],
        ids[8].as_str()
    );
    assert_eq!(v["failed_join_requests"][0]["errors"][0]["code"], 131204);
    assert_eq!(sb.members(&id).map(|m| m.len()), Some(8));
    assert_eq!(sb.join_requests(&id).map(|r| r.len()), Some(1));
}
