//! The sandbox's webhooks as a receiver sees them: Meta's envelope and shapes, the signature
//! (checked with an HMAC computed here), and `request_id` correlation.

mod sandbox_common;

use std::collections::{BTreeMap, BTreeSet};

use sandbox_common::{
    Api, Receiver, body, check_envelopes, is_type, multipart, sandbox_to, wait_until,
};
use serde_json::{Value, json};
use wa_groups::sandbox::User;
use wa_groups::testing::jpeg;

#[tokio::test]
async fn every_case_arrives_signed_in_meta_shapes_with_request_ids_where_documented() {
    let receiver = Receiver::start(0).await;
    let sb = sandbox_to(&receiver, |_| {}).await;
    let api = Api::new(&sb);

    // Create: the answer's request_id comes back with the new group's id and link.
    let create =
        body(json!({"subject": "Spring cohort", "join_approval_mode": "approval_required"}));
    let made = api
        .json("POST", &format!("{}/groups", sb.phone_number_id()), &create)
        .await;
    let create_id = made.json()["request_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let created = receiver.item("group_create", is_type("group_create")).await;
    let group = sb.group_for_request(&create_id).expect("made");
    assert_eq!(created["request_id"], create_id.as_str());
    assert_eq!(created["group_id"], group.as_str());
    assert_eq!(created["subject"], "Spring cohort");
    assert_eq!(created["join_approval_mode"], "approval_required");
    let link = created["invite_link"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(sb.invite_link(&group), Some(link.clone()));

    // Settings: each part with its own outcome, a partial failure at the top.
    let settings = body(json!({"subject": "Spring cohort A", "description": "d".repeat(2049)}));
    let answer = api.json("POST", &group, &settings).await.json();
    let settings_id = answer["request_id"].as_str().unwrap_or_default().to_owned();
    let item = receiver
        .item("settings", is_type("group_settings_update"))
        .await;
    assert_eq!(item["request_id"], settings_id.as_str());
    assert_eq!(
        item["group_subject"],
        json!({"text": "Spring cohort A", "update_successful": true})
    );
    assert_eq!(item["group_description"]["update_successful"], false);
    assert_eq!(item["group_description"]["errors"][0]["code"], 100);
    assert_eq!(item["errors"][0]["code"], 131201);
    assert!(item.get("profile_picture").is_none());
    let photo = jpeg(400, 400);
    let (kind, upload) = multipart(
        &[("messaging_product", "whatsapp")],
        Some(("file", "image/jpeg", &photo)),
    );
    let answer = api.post_raw(&group, &kind, upload).await.json();
    let photo_id = answer["request_id"].as_str().unwrap_or_default().to_owned();
    let item = receiver
        .item("photo", move |_, v| v["request_id"] == photo_id.as_str())
        .await;
    let sha = sb
        .group(&group)
        .and_then(|g| g.photo_sha256)
        .unwrap_or_default();
    assert_eq!(
        item["profile_picture"],
        json!({"mime_type": "image/jpeg", "sha256": sha, "update_successful": true})
    );
    assert!(item.get("errors").is_none() && item.get("group_subject").is_none());

    // Join requests: created (a hidden phone shows no wa_id), revoked, approved; a reject
    // sends nothing.
    let hidden = User {
        phone: "+447400123456",
        username: Some("ana.k42"),
        hide_phone: Some(true),
    };
    let (_, ana_request) = sb.ask_to_join(&link, &hidden).expect("asked");
    let asked = receiver
        .item("request created", is_type("group_join_request_created"))
        .await;
    assert_eq!(asked["join_request_id"], ana_request.as_str());
    assert_eq!(asked["group_id"], group.as_str());
    assert!(
        asked.get("wa_id").is_none() && asked.get("request_id").is_none(),
        "{asked}"
    );
    assert_eq!(asked["username"], "ana.k42");
    let ana = sb.person("447400123456").expect("ana");
    assert_eq!(asked["user_id"], ana.user_id.as_str());
    let ben = User {
        phone: "+12125550101",
        ..User::default()
    };
    let (_, ben_request) = sb.ask_to_join(&link, &ben).expect("asked");
    assert_eq!(
        sb.withdraw_request(&group, "+12125550101"),
        Ok(ben_request.clone())
    );
    let revoked = receiver
        .item("revoked", is_type("group_join_request_revoked"))
        .await;
    assert_eq!(revoked["join_request_id"], ben_request.as_str());
    assert_eq!(revoked["wa_id"], "12125550101");
    let cy = User {
        phone: "+12125550102",
        ..User::default()
    };
    let (_, cy_request) = sb.ask_to_join(&link, &cy).expect("asked");
    let requests = format!("{group}/join_requests");
    let rejected = api
        .json(
            "DELETE",
            &requests,
            &body(json!({"join_requests": [cy_request]})),
        )
        .await;
    assert_eq!(rejected.status, 200);
    let dee = User {
        phone: "+12125550103",
        ..User::default()
    };
    let (_, dee_request) = sb.ask_to_join(&link, &dee).expect("asked");
    let approve = body(json!({"join_requests": [ana_request, dee_request]}));
    assert_eq!(api.json("POST", &requests, &approve).await.status, 200);
    let approved = receiver
        .item("approved", is_type("group_participants_add"))
        .await;
    assert_eq!(approved["reason"], "invite_link");
    assert!(approved.get("request_id").is_none());
    // W's approval example gives each `input` (the phone, when it is shown).
    let dee = sb.person("12125550103").expect("dee");
    assert_eq!(
        approved["added_participants"],
        json!([
            {"user_id": ana.user_id, "username": "ana.k42"},
            {"input": "+12125550103", "wa_id": "12125550103", "user_id": dee.user_id}
        ])
    );

    // A join by link to an auto_approve group.
    let open = sb.insert_group("Open", &["12125550201", "12125550202"]);
    let open_link = sb.invite_link(&open).expect("link");
    let dan = User {
        phone: "+5511987654321",
        ..User::default()
    };
    sb.join_by_link(&open_link, &dan).expect("joined");
    let dan_id = sb
        .person("5511987654321")
        .map(|p| p.user_id)
        .unwrap_or_default();
    let joined = receiver
        .item("link join", |_, v| {
            v["type"] == "group_participants_add" && v["group_id"] == open.as_str()
        })
        .await;
    assert_eq!(joined["reason"], "invite_link");
    assert_eq!(joined["added_participants"][0]["wa_id"], "5511987654321");
    assert_eq!(joined["added_participants"][0]["user_id"], dan_id.as_str());

    // The business adds (one fails: terms) and removes (one is no member).
    let add = body(json!({"participants": [{"user": "+12125550203"}, {"user": "+12125550000"}]}));
    let added = api
        .json("POST", &format!("{open}/participants"), &add)
        .await;
    assert_eq!(added.status, 206);
    let add_id = added.json()["request_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let item = receiver
        .item("add", move |_, v| v["request_id"] == add_id.as_str())
        .await;
    assert_eq!(item["type"], "group_participants_add");
    assert_eq!(item["initiated_by"], "business");
    assert_eq!(item["added_participants"][0]["input"], "+12125550203");
    assert_eq!(item["added_participants"][0]["wa_id"], "12125550203");
    assert!(item["added_participants"][0]["user_id"].is_string());
    assert_eq!(item["failed_participants"][0]["input"], "+12125550000");
    assert_eq!(item["failed_participants"][0]["errors"][0]["code"], 131203);
    assert_eq!(item["errors"][0]["code"], 131201);
    let remove = body(json!({"participants": [{"user": dan_id}, {"user": "+12125550999"}]}));
    let removed = api
        .json("DELETE", &format!("{open}/participants"), &remove)
        .await;
    let remove_id = removed.json()["request_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let item = receiver
        .item("remove", move |_, v| v["request_id"] == remove_id.as_str())
        .await;
    assert_eq!(item["type"], "group_participants_remove");
    assert_eq!(item["initiated_by"], "business");
    assert_eq!(item["removed_participants"], json!([{"input": dan_id}]));
    assert_eq!(item["failed_participants"][0]["errors"][0]["code"], 131212);
    let whole = body(json!({"participants": [{"user": "+12125550201"}]}));
    let whole = api
        .json("DELETE", &format!("{open}/participants"), &whole)
        .await;
    assert_eq!(whole.status, 200);
    let whole_id = whole.json()["request_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let item = receiver
        .item("whole remove", move |_, v| {
            v["request_id"] == whole_id.as_str()
        })
        .await;
    assert!(item.get("failed_participants").is_none() && item.get("errors").is_none());

    // A member leaves; WhatsApp suspends the group and lifts it; the business deletes it.
    sb.leave(&open, "+12125550202").expect("left");
    let left = receiver
        .item("leave", |_, v| v["initiated_by"] == "participant")
        .await;
    assert_eq!(left["type"], "group_participants_remove");
    assert_eq!(left["removed_participants"][0]["wa_id"], "12125550202");
    assert!(
        left.get("request_id").is_none() && left["removed_participants"][0].get("input").is_none()
    );
    assert_eq!(sb.set_suspended(&open, true), Ok(true));
    assert_eq!(
        sb.set_suspended(&open, true),
        Ok(false),
        "no change, no event"
    );
    assert_eq!(sb.set_suspended(&open, false), Ok(true));
    let cleared = receiver
        .item("cleared", is_type("group_suspend_cleared"))
        .await;
    let suspended = receiver.item("suspended", is_type("group_suspend")).await;
    for item in [&cleared, &suspended] {
        assert_eq!(item["group_id"], open.as_str());
        assert!(item.get("request_id").is_none());
    }
    let fields: BTreeSet<String> = receiver.items().into_iter().map(|(f, _)| f).collect();
    let deleted = api.json("DELETE", &open, &json!({})).await;
    let delete_id = deleted.json()["request_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let item = receiver.item("delete", is_type("group_delete")).await;
    assert_eq!(item["request_id"], delete_id.as_str());
    assert_eq!(item["group_id"], open.as_str());

    let expected_fields = [
        "group_lifecycle_update",
        "group_participants_update",
        "group_settings_update",
        "group_status_update",
    ];
    assert_eq!(
        fields,
        expected_fields.iter().map(|f| f.to_string()).collect()
    );
    // Every event once: 17 of them, the reject and the repeated suspension sending none.
    let stats = sb.stats();
    assert_eq!(stats["webhooks"]["events"], 17, "{stats}");
    receiver
        .wait_for("every event", |_| receiver.items().len() == 17)
        .await;
    check_envelopes(&receiver.received(), &sb);
    let posts = receiver.received().len() as u64;
    wait_until("every POST acknowledged", || async {
        sb.stats()["webhooks"]["acknowledged"].as_u64() == Some(posts)
    })
    .await;
    let webhooks = &sb.stats()["webhooks"];
    assert_eq!(
        (webhooks["failed"].as_u64(), webhooks["retried"].as_u64()),
        (Some(0), Some(0))
    );
}

/// An add of someone already a member: the answer is a 200, and the webhook gives their
/// outcome as every participant's comes (`groups-api-2026.md` §1.8, §2.3): named among the
/// added (they are in, as asked), never left out nor failed.
#[tokio::test]
async fn an_add_of_a_member_names_them_among_the_added() {
    let receiver = Receiver::start(0).await;
    let sb = sandbox_to(&receiver, |c| c.groups = 1).await;
    let api = Api::new(&sb);
    let group = sb.insert_group("Open", &["12125550201", "12125550202"]);
    let path = format!("{group}/participants");
    for (users, expected) in [
        (
            vec!["+12125550201", "+12125550204"],
            vec!["+12125550201", "+12125550204"],
        ),
        (vec!["12125550202"], vec!["12125550202"]),
    ] {
        let items: Vec<Value> = users.iter().map(|u| json!({"user": u})).collect();
        let answer = api
            .json("POST", &path, &body(json!({"participants": items})))
            .await;
        assert_eq!(answer.status, 200, "{users:?}: {answer:?}");
        let request_id = answer.json()["request_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let item = receiver
            .item("add", move |_, v| v["request_id"] == request_id.as_str())
            .await;
        assert_eq!(item["type"], "group_participants_add");
        let inputs: Vec<&str> = item["added_participants"]
            .as_array()
            .expect("added")
            .iter()
            .map(|p| p["input"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(inputs, expected, "{item}");
        for added in item["added_participants"].as_array().into_iter().flatten() {
            let digits = added["input"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches('+');
            assert_eq!(added["wa_id"], digits, "{item}");
        }
        assert!(
            item.get("failed_participants").is_none() && item.get("errors").is_none(),
            "{item}"
        );
    }
    let members = sb.members(&group).unwrap_or_default();
    assert_eq!(
        members.len(),
        3,
        "one joined; the members stayed: {members:?}"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn a_create_that_meets_the_limit_fails_in_its_webhook() {
    let receiver = Receiver::start(0).await;
    let sb = sandbox_to(&receiver, |c| {
        c.groups = 2;
        c.group_limit = 3;
        c.create_delay_ms = 300;
    })
    .await;
    let api = Api::new(&sb);
    let path = format!("{}/groups", sb.phone_number_id());
    let mut request_ids = Vec::new();
    for subject in ["First", "Second"] {
        let asked = body(json!({"subject": subject, "description": "Both fit when asked"}));
        let reply = api.json("POST", &path, &asked).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        request_ids.push(
            reply.json()["request_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    receiver
        .wait_for("two outcomes", |_| {
            receiver
                .items()
                .iter()
                .filter(|(_, v)| v["type"] == "group_create")
                .count()
                == 2
        })
        .await;
    let outcomes: BTreeMap<String, Value> = receiver
        .items()
        .into_iter()
        .map(|(_, v)| (v["request_id"].as_str().unwrap_or_default().to_owned(), v))
        .collect();
    let first = &outcomes[&request_ids[0]];
    assert!(first["group_id"].is_string() && first["invite_link"].is_string());
    let second = &outcomes[&request_ids[1]];
    assert_eq!(second["errors"][0]["code"], 131211, "{second}");
    assert!(
        second["errors"][0]["title"].is_string()
            && second["errors"][0]["error_data"]["details"].is_string()
    );
    assert_eq!(second["subject"], "Second");
    assert_eq!(second["description"], "Both fit when asked");
    assert!(second.get("group_id").is_none());
    assert_eq!(sb.group_ids().len(), 3);
    assert_eq!(sb.group_for_request(&request_ids[1]), None);
}
