//! Reads and the rest: the group list and its paging, group info, delete, unsupported requests,
//! the counters and seeding.

use std::time::{Duration, Instant};

use super::*;
use crate::sandbox::Faults;

/// The path and query of a `next` link, checked to point at this sandbox.
fn local_path(sandbox: &Sandbox, url: &str) -> String {
    let path = url.strip_prefix(&sandbox.base_url());
    path.expect("next link points at the sandbox").to_owned()
}

#[tokio::test]
async fn group_list_pages_cover_every_group_once() {
    let sb = sandbox_with(53).await;
    assert!(sb.remove_group(&sb.group_ids()[20]));
    let mut path = format!("/{V}/{}/groups?limit=10", sb.phone_number_id());
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let reply = call(&sb, "GET", &path, None).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        let v = reply.json();
        let groups = v["data"]["groups"].as_array().cloned().unwrap_or_default();
        assert!(groups.len() <= 10);
        for g in &groups {
            assert!(g["subject"].as_str().is_some_and(|s| !s.is_empty()));
            let created = g["created_at"].as_str().unwrap_or("");
            assert!(created.parse::<u64>().is_ok(), "{created}");
            seen.push(g["id"].as_str().unwrap_or("").to_owned());
        }
        assert!(v["paging"]["cursors"]["before"].is_string());
        assert!(v["paging"]["cursors"]["after"].is_string());
        pages += 1;
        match v["paging"]["next"].as_str() {
            Some(next) => path = local_path(&sb, next),
            None => break,
        }
    }
    assert_eq!(pages, 6);
    assert_eq!(seen, sb.group_ids());
    assert_eq!(seen.len(), 52);

    let default = call(
        &sb,
        "GET",
        &format!("/{V}/{}/groups", sb.phone_number_id()),
        None,
    )
    .await;
    assert_eq!(
        default.json()["data"]["groups"].as_array().map(Vec::len),
        Some(25)
    );
    for bad in ["limit=0", "limit=1025", "limit=abc"] {
        let reply = call(
            &sb,
            "GET",
            &format!("/{V}/{}/groups?{bad}", sb.phone_number_id()),
            None,
        )
        .await;
        assert_graph_error(&reply, 400, 100);
    }
    // A corrupted or expired cursor is 131059 (E): start again from the first page.
    for bad in ["after=garbage", "before=garbage"] {
        let path = format!("/{V}/{}/groups?{bad}", sb.phone_number_id());
        assert_graph_error(&call(&sb, "GET", &path, None).await, 400, 131059);
    }
    let other = call(&sb, "GET", &format!("/{V}/999/groups"), None).await;
    assert_graph_error(&other, 400, 100);
}

#[tokio::test]
async fn group_info_returns_the_requested_fields() {
    let sb = sandbox_with(0).await;
    let group = sb.insert_group("Riverside Runners", &["+15551234567", "447700900123"]);
    let fields = "subject,description,participants,total_participant_count,suspended,creation_timestamp,join_approval_mode";
    let reply = call(&sb, "GET", &format!("/{V}/{group}?fields={fields}"), None).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let v = reply.json();
    assert_eq!(v["id"], group.as_str());
    assert_eq!(v["messaging_product"], "whatsapp");
    assert_eq!(v["subject"], "Riverside Runners");
    assert!(v["description"].is_string());
    // Each participant carries its BSUID (B); the phone is shown (no hidden phones here).
    let participants = v["participants"].as_array().cloned().unwrap_or_default();
    let wa_ids: Vec<&str> = participants
        .iter()
        .filter_map(|p| p["wa_id"].as_str())
        .collect();
    assert_eq!(wa_ids, ["15551234567", "447700900123"]);
    assert!(
        participants[0]["user_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("US."))
    );
    assert!(
        participants[1]["user_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("GB."))
    );
    assert_eq!(v["total_participant_count"], 2);
    assert_eq!(v["suspended"], false);
    assert!(v["creation_timestamp"].is_u64());
    assert_eq!(v["join_approval_mode"], "auto_approve");

    let plain = call(&sb, "GET", &format!("/{V}/{group}"), None)
        .await
        .json();
    let keys: Vec<&String> = plain
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(keys, ["id", "messaging_product", "subject"]);
    let some = call(
        &sb,
        "GET",
        &format!("/{V}/{group}?fields=participants"),
        None,
    )
    .await
    .json();
    assert!(some.get("subject").is_none() && some["participants"].is_array());
    let bad = call(
        &sb,
        "GET",
        &format!("/{V}/{group}?fields=subject,color"),
        None,
    )
    .await;
    assert_graph_error(&bad, 400, 100);
}

#[tokio::test]
async fn deleted_groups_vanish() {
    let sb = sandbox_with(3).await;
    let group = sb.group_ids()[1].clone();
    let reply = call(&sb, "DELETE", &format!("/{V}/{group}"), None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["messaging_product"], "whatsapp");
    assert!(reply.json()["request_id"].is_string());
    assert!(!sb.group_ids().contains(&group));
    assert_eq!(sb.members(&group), None);
    let info = call(&sb, "GET", &format!("/{V}/{group}?fields=subject"), None).await;
    assert_graph_error(&info, 400, 131041);
    let list = call(
        &sb,
        "GET",
        &format!("/{V}/{}/groups", sb.phone_number_id()),
        None,
    )
    .await;
    assert_eq!(
        list.json()["data"]["groups"].as_array().map(Vec::len),
        Some(2)
    );
    assert!(!sb.remove_group(&group));
}

#[tokio::test]
async fn unsupported_requests_are_code_100() {
    let sb = sandbox_with(1).await;
    let group = sb.group_ids()[0].clone();
    for (method, path) in [
        ("GET", "/".to_owned()),
        ("PUT", format!("/{V}/{group}")),
        ("GET", format!("/{V}/{group}/participants")),
        ("GET", format!("/v23/{group}")),
        ("GET", format!("/23.0/{group}")),
    ] {
        let reply = call(&sb, method, &path, None).await;
        assert_graph_error(&reply, 400, 100);
    }
    // Under /_sandbox/ only the hooks answer; anything else there is a 404 that lists them.
    let not_a_hook = call(&sb, "POST", "/_sandbox/stats", None).await;
    assert_eq!(not_a_hook.status, 404);
    let why = not_a_hook.json()["error"].as_str().unwrap_or("").to_owned();
    assert!(
        why.contains("GET /_sandbox/stats") && why.contains("POST /_sandbox/join"),
        "{why}"
    );
    let other_version = call(&sb, "GET", &format!("/v19.0/{group}"), None).await;
    assert_eq!(other_version.status, 200);
}

#[tokio::test]
async fn stats_count_every_request() {
    let sb = sandbox_with(1).await;
    let group = sb.insert_group("Stats", &[]);
    add(&sb, &group, &["+15551234567"]).await;
    add(&sb, &group, &["+15551234568", "+15551230000"]).await;
    remove(&sb, &group, &["+15551234567"]).await;
    call(
        &sb,
        "GET",
        &format!("/{V}/{}/groups", sb.phone_number_id()),
        None,
    )
    .await;
    call(&sb, "GET", &format!("/{V}/{group}"), None).await;
    sb.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    add(&sb, &group, &["+15551234569"]).await;
    let via_http =
        parse(&exchange(sb.addr(), &request("GET", "/_sandbox/stats", None, None)).await);
    let v = via_http.json();
    assert_eq!(v, sb.stats());
    assert_eq!(v["total"], 6);
    assert_eq!(v["applied_writes"], 3);
    let add_counts = &v["by_route"]["POST /participants"];
    assert_eq!(add_counts["200"], 1);
    assert_eq!(add_counts["206"], 1);
    assert_eq!(add_counts["429"], 1);
    assert_eq!(add_counts["dropped"], 0);
    assert_eq!(v["by_route"]["DELETE /participants"]["200"], 1);
    assert_eq!(v["by_route"]["GET /groups"]["200"], 1);
    assert_eq!(v["by_route"]["GET /group"]["200"], 1);
}

#[tokio::test]
async fn seeding_is_deterministic() {
    let config = |seed| SandboxConfig {
        groups: 30,
        seed,
        ..SandboxConfig::default()
    };
    let a = start(config(5)).await.expect("start");
    let b = start(config(5)).await.expect("start");
    let c = start(config(6)).await.expect("start");
    assert_eq!(a.group_ids(), b.group_ids());
    assert_ne!(a.group_ids(), c.group_ids());
    let ids = a.group_ids();
    assert_eq!(ids.len(), 30);
    let mut sizes = std::collections::BTreeSet::new();
    for id in &ids {
        assert_eq!(a.subject(id), b.subject(id));
        assert_eq!(a.members(id), b.members(id));
        let members = a.members(id).unwrap_or_default();
        sizes.insert(members.len());
        assert!(members.len() <= 8);
        assert!(
            members
                .iter()
                .all(|m| !m.ends_with("0000") && !m.starts_with('+'))
        );
        assert!(id.starts_with("Y2FwaV9ncm91cDox"), "{id}");
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }
    assert!(sizes.len() > 3, "member counts vary: {sizes:?}");
    let subjects: Vec<Option<String>> = ids.iter().map(|id| a.subject(id)).collect();
    let other: Vec<Option<String>> = c.group_ids().iter().map(|id| c.subject(id)).collect();
    assert_ne!(subjects, other);
}

#[tokio::test]
async fn many_groups_start_quickly_and_page_in_big_pages() {
    let started = Instant::now();
    let sb = sandbox_with(10_000).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let mut path = format!("/{V}/{}/groups?limit=1024", sb.phone_number_id());
    let mut count = 0;
    loop {
        let v = call(&sb, "GET", &path, None).await.json();
        count += v["data"]["groups"].as_array().map(Vec::len).unwrap_or(0);
        match v["paging"]["next"].as_str() {
            Some(next) => path = local_path(&sb, next),
            None => break,
        }
    }
    assert_eq!(count, 10_000);
}
