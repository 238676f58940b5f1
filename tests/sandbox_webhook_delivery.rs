//! How the sandbox delivers webhooks: retried with back-off until acknowledged (or given up),
//! never holding up the API, and under chaos duplicated, reordered and delayed yet complete.

mod sandbox_common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use sandbox_common::{
    Api, Receiver, SECRET, body, check_envelopes, create_approval_group, is_type, sandbox_to,
    start, wait_until,
};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use wa_groups::sandbox::{AppSecret, SandboxConfig, User, WebhookConfig};

#[tokio::test]
async fn a_failed_delivery_is_retried_until_acknowledged() {
    let receiver = Receiver::start(2).await;
    let sb = sandbox_to(&receiver, |_| {}).await;
    let group = sb.insert_group("Retry", &["12125550101"]);
    sb.leave(&group, "12125550101").expect("left");
    receiver
        .wait_for("an acknowledged POST", |got| {
            got.iter().any(|r| r.answered == 200)
        })
        .await;
    wait_until("the acknowledgement counted", || async {
        sb.stats()["webhooks"]["acknowledged"] == 1
    })
    .await;
    let got = receiver.received();
    assert_eq!(
        got.iter().map(|r| r.answered).collect::<Vec<_>>(),
        [500, 500, 200]
    );
    assert!(
        got.iter()
            .all(|r| r.body == got[0].body && r.signature == got[0].signature)
    );
    let webhooks = &sb.stats()["webhooks"];
    assert_eq!(webhooks["sent"], 3);
    assert_eq!(webhooks["failed"], 2);
    assert_eq!(webhooks["retried"], 2);
    assert_eq!(webhooks["acknowledged"], 1);
    assert_eq!(webhooks["abandoned"], 0);
}

#[tokio::test]
async fn a_receiver_that_is_not_up_yet_gets_the_delivery_when_it_comes_up() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let url = format!("http://127.0.0.1:{port}/webhook");
    let sb = start(SandboxConfig {
        groups: 0,
        webhook: Box::new(WebhookConfig {
            webhook_url: Some(url.parse().expect("url")),
            app_secret: AppSecret::new(SECRET).ok(),
            webhook_retry_ms: 100,
            webhook_attempts: 20,
            ..WebhookConfig::default()
        }),
        ..SandboxConfig::default()
    })
    .await;
    let group = sb.insert_group("Late receiver", &[]);
    sb.set_suspended(&group, true).expect("group");
    wait_until("a refused connection", || async {
        sb.stats()["webhooks"]["failed"].as_u64() >= Some(1)
    })
    .await;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the same port again");
    let receiver = Receiver::start_with(0, None, listener).await;
    let item = receiver
        .item("the suspension", is_type("group_suspend"))
        .await;
    assert_eq!(item["group_id"], group.as_str());
    wait_until("the acknowledgement counted", || async {
        sb.stats()["webhooks"]["acknowledged"] == 1
    })
    .await;
    let webhooks = &sb.stats()["webhooks"];
    assert!(webhooks["retried"].as_u64() >= Some(1), "{webhooks}");
    assert_eq!(webhooks["acknowledged"], 1);
}

#[tokio::test]
async fn attempts_are_bounded() {
    let receiver = Receiver::start(usize::MAX).await;
    let sb = sandbox_to(&receiver, |c| c.webhook.webhook_attempts = 3).await;
    let group = sb.insert_group("Never", &[]);
    sb.set_suspended(&group, true).expect("group");
    wait_until("the delivery given up", || async {
        sb.stats()["webhooks"]["abandoned"] == 1
    })
    .await;
    let webhooks = &sb.stats()["webhooks"];
    assert_eq!(
        (webhooks["sent"].as_u64(), webhooks["failed"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(receiver.received().len(), 3);
}

#[tokio::test]
async fn a_receiver_that_holds_every_post_never_holds_up_the_api() {
    let gate = Arc::new(Semaphore::new(0));
    let receiver = Receiver::gated(gate.clone()).await;
    let sb = sandbox_to(&receiver, |_| {}).await;
    let api = Api::new(&sb);
    let group = sb.insert_group("Busy receiver", &[]);
    let path = format!("{group}/participants");
    // Twenty writes, each with a webhook, while no POST is answered; a sandbox that waited on
    // its webhooks would not finish them before the deadline.
    let writes = async {
        for i in 0..20 {
            let user = format!("+1212555{:04}", 3000 + i);
            let add = body(json!({"participants": [{"user": user}]}));
            let remove = add.clone();
            assert_eq!(api.json("POST", &path, &add).await.status, 200);
            assert_eq!(api.json("DELETE", &path, &remove).await.status, 200);
        }
    };
    tokio::time::timeout(sandbox_common::DEADLINE, writes)
        .await
        .expect("the API answers");
    assert!(receiver.received().is_empty());
    gate.add_permits(1000);
    receiver
        .wait_for("all 40 events", |_| {
            let ids: BTreeSet<String> = receiver
                .items()
                .iter()
                .filter_map(|(_, v)| v["request_id"].as_str().map(str::to_owned))
                .collect();
            ids.len() == 40
        })
        .await;
}

#[tokio::test]
async fn chaos_duplicates_reorders_and_delays_yet_delivers_every_event() {
    let receiver = Receiver::start(0).await;
    let sb = sandbox_to(&receiver, |c| {
        c.webhook.webhook_chaos = 1.0;
        c.seed = 7;
    })
    .await;
    let api = Api::new(&sb);
    let group = create_approval_group(&api, &sb, "Busy").await;
    let link = sb.invite_link(&group).expect("link");
    let mut order = Vec::new();
    for i in 0..120 {
        let phone = format!("+12125551{i:03}");
        let user = User {
            phone: &phone,
            ..User::default()
        };
        let (_, request) = sb.ask_to_join(&link, &user).expect("asked");
        order.push(request);
    }
    let requests_seen = |items: &[(String, Value)]| -> Vec<String> {
        items
            .iter()
            .filter_map(|(_, v)| v["join_request_id"].as_str().map(str::to_owned))
            .collect()
    };
    receiver
        .wait_for("every join request at least once", |_| {
            let seen: BTreeSet<String> = requests_seen(&receiver.items()).into_iter().collect();
            order.iter().all(|id| seen.contains(id))
        })
        .await;
    let seen = requests_seen(&receiver.items());
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for id in &seen {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    assert!(counts.values().any(|n| *n > 1), "some delivery came twice");
    let rank: BTreeMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let mut firsts = Vec::new();
    for id in &seen {
        if !firsts.contains(&rank[id.as_str()]) {
            firsts.push(rank[id.as_str()]);
        }
    }
    assert!(
        firsts.windows(2).any(|w| w[0] > w[1]),
        "some came out of order"
    );
    let webhooks = &sb.stats()["webhooks"];
    for chaos in ["duplicated", "reordered", "delayed"] {
        assert!(webhooks[chaos].as_u64() > Some(0), "{chaos}: {webhooks}");
    }
    check_envelopes(&receiver.received(), &sb);
}
