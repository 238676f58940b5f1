//! End-to-end tests of the sandbox over real sockets, with a tiny raw HTTP/1.1 client.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::server::banner;
use super::{Faults, Sandbox, SandboxConfig, start};

const V: &str = "v23.0";

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Writes `request` on a fresh connection and returns every byte until the server closes it.
async fn exchange(addr: SocketAddr, request: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("write request");
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut chunk = [0u8; 8192];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "server neither answered nor closed");
    buf
}

fn request(method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> String {
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n");
    if let Some(token) = token {
        text.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if let Some(body) = body {
        text.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    text.push_str("\r\n");
    text.push_str(body.unwrap_or(""));
    text
}

fn parse(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .expect("a complete HTTP response");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

async fn call(sandbox: &Sandbox, method: &str, path: &str, body: Option<&str>) -> Reply {
    let raw = exchange(
        sandbox.addr(),
        &request(method, path, Some(sandbox.token()), body),
    )
    .await;
    parse(&raw)
}

fn users(list: &[&str]) -> String {
    let items: Vec<Value> = list.iter().map(|u| json!({"user": u})).collect();
    json!({"messaging_product": "whatsapp", "participants": items}).to_string()
}

async fn add(sandbox: &Sandbox, group: &str, list: &[&str]) -> Reply {
    let path = format!("/{V}/{group}/participants");
    call(sandbox, "POST", &path, Some(&users(list))).await
}

async fn remove(sandbox: &Sandbox, group: &str, list: &[&str]) -> Reply {
    let path = format!("/{V}/{group}/participants");
    call(sandbox, "DELETE", &path, Some(&users(list))).await
}

async fn sandbox_with(groups: usize) -> Sandbox {
    start(SandboxConfig {
        groups,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

fn assert_graph_error(reply: &Reply, status: u16, code: u64) {
    assert_eq!(reply.status, status, "{reply:?}");
    let v = reply.json();
    assert_eq!(v["error"]["code"], code, "{reply:?}");
    assert_eq!(v["error"]["type"], "OAuthException");
    let trace = v["error"]["fbtrace_id"].as_str().unwrap_or("");
    assert!(trace.len() > 10 && trace.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(reply.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn auth_is_required_except_for_stats() {
    let sb = sandbox_with(2).await;
    let path = format!("/{V}/{}/groups", sb.phone_number_id());
    let none = parse(&exchange(sb.addr(), &request("GET", &path, None, None)).await);
    assert_graph_error(&none, 401, 190);
    assert_eq!(
        none.json()["error"]["message"],
        "Invalid OAuth access token"
    );
    let wrong = parse(&exchange(sb.addr(), &request("GET", &path, Some("nope"), None)).await);
    assert_graph_error(&wrong, 401, 190);
    let stats = parse(&exchange(sb.addr(), &request("GET", "/_sandbox/stats", None, None)).await);
    assert_eq!(stats.status, 200);
    assert_eq!(stats.json()["by_route"]["GET /groups"]["401"], 2);
    assert_eq!(call(&sb, "GET", &path, None).await.status, 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn unknown_group_is_131041_everywhere() {
    let sb = sandbox_with(1).await;
    let info = call(&sb, "GET", &format!("/{V}/Tm9wZQ?fields=subject"), None).await;
    assert_graph_error(&info, 400, 131041);
    assert_graph_error(&add(&sb, "Tm9wZQ", &["+15551234567"]).await, 400, 131041);
    assert_graph_error(&remove(&sb, "Tm9wZQ", &["+15551234567"]).await, 400, 131041);
    assert_graph_error(
        &call(&sb, "DELETE", &format!("/{V}/Tm9wZQ"), None).await,
        400,
        131041,
    );
}

#[tokio::test]
async fn malformed_bodies_are_code_100() {
    let sb = sandbox_with(0).await;
    let group = sb.insert_group("Bodies", &[]);
    let path = format!("/{V}/{group}/participants");
    let nine: Vec<String> = (1..=9).map(|i| format!("+1555123456{i}")).collect();
    let nine: Vec<&str> = nine.iter().map(String::as_str).collect();
    let cases = [
        "not json".to_owned(),
        String::new(),
        "[]".to_owned(),
        json!({"participants": [{"user": "+15551234567"}]}).to_string(),
        json!({"messaging_product": "sms", "participants": [{"user": "+15551234567"}]}).to_string(),
        json!({"messaging_product": "whatsapp"}).to_string(),
        json!({"messaging_product": "whatsapp", "participants": []}).to_string(),
        json!({"messaging_product": "whatsapp", "participants": "x"}).to_string(),
        users(&nine),
    ];
    for body in &cases {
        let reply = call(&sb, "POST", &path, Some(body)).await;
        assert_graph_error(&reply, 400, 100);
    }
    for bad in [
        "abc",
        "+0155512345",
        "12345",
        "+1 555 123 4567",
        "1234567890123456",
    ] {
        let reply = add(&sb, &group, &["+15551234567", bad]).await;
        assert_graph_error(&reply, 400, 100);
        let v = reply.json();
        let details = v["error"]["error_data"]["details"].as_str().unwrap_or("");
        assert!(
            details.contains("participants[1]") && details.contains(bad),
            "{details}"
        );
    }
    let no_user = json!({"messaging_product": "whatsapp", "participants": [{"phone": "1"}]});
    let reply = call(&sb, "DELETE", &path, Some(&no_user.to_string())).await;
    assert_graph_error(&reply, 400, 100);
    assert_eq!(sb.members(&group), Some(vec![]));
    assert_eq!(sb.stats()["applied_writes"], 0);
}

#[tokio::test]
async fn duplicates_after_normalising_are_131202() {
    let sb = sandbox_with(0).await;
    let group = sb.insert_group("Dups", &[]);
    let reply = add(&sb, &group, &["+15551234567", "15551234567"]).await;
    assert_graph_error(&reply, 400, 131202);
    assert_eq!(sb.members(&group), Some(vec![]));
}

#[tokio::test]
async fn adds_past_eight_are_131204_and_nothing_applies() {
    let sb = sandbox_with(0).await;
    let six: Vec<String> = (1..=6).map(|i| format!("1555123450{i}")).collect();
    let six: Vec<&str> = six.iter().map(String::as_str).collect();
    let group = sb.insert_group("Nearly full", &six);
    let reply = add(
        &sb,
        &group,
        &["+15559990001", "+15559990002", "+15559990003"],
    )
    .await;
    assert_graph_error(&reply, 400, 131204);
    assert_eq!(sb.members(&group).map(|m| m.len()), Some(6));
    // Existing members do not count as new: 6 + 2 new fits.
    let fits = add(&sb, &group, &[six[0], "+15559990001", "+15559990002"]).await;
    assert_eq!(fits.status, 200, "{fits:?}");
    assert_eq!(sb.members(&group).map(|m| m.len()), Some(8));
}

#[tokio::test]
async fn successful_add_and_remove_answer_200_with_request_id() {
    let sb = sandbox_with(0).await;
    let group = sb.insert_group("Happy", &["+447700900123"]);
    let reply = add(
        &sb,
        &group,
        &["+15551234567", "12125550123", "447700900123"],
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let v = reply.json();
    assert_eq!(v["messaging_product"], "whatsapp");
    assert!(v["request_id"].as_str().is_some_and(|r| !r.is_empty()));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        sb.members(&group),
        Some(vec![
            "12125550123".to_owned(),
            "15551234567".to_owned(),
            "447700900123".to_owned()
        ])
    );
    let gone = remove(&sb, &group, &["+12125550123"]).await;
    assert_eq!(gone.status, 200, "{gone:?}");
    assert_eq!(sb.members(&group).map(|m| m.len()), Some(2));
    assert_eq!(sb.stats()["applied_writes"], 2);
}

#[tokio::test]
async fn terms_not_accepted_is_a_partial_success() {
    let sb = sandbox_with(0).await;
    let group = sb.insert_group("Terms", &[]);
    let reply = add(&sb, &group, &["+15551230000", "+15551234567"]).await;
    assert_eq!(reply.status, 206, "{reply:?}");
    let v = reply.json();
    assert_eq!(v["messaging_product"], "whatsapp");
    assert!(v["request_id"].is_string());
    assert_eq!(v["error"]["code"], 131201);
    assert_eq!(v["error"]["message"], "Partial success");
    let failed = &v["failed_participants"];
    assert_eq!(failed.as_array().map(Vec::len), Some(1));
    assert_eq!(failed[0]["input"], "+15551230000");
    assert_eq!(failed[0]["errors"][0]["code"], 131203);
    assert!(failed[0]["errors"][0]["title"].is_string());
    assert!(failed[0]["errors"][0]["error_data"]["details"].is_string());
    assert_eq!(sb.members(&group), Some(vec!["15551234567".to_owned()]));
    let alone = add(&sb, &group, &["15551230000"]).await;
    assert_graph_error(&alone, 400, 131203);
    assert_eq!(
        alone.json()["failed_participants"][0]["input"],
        "15551230000"
    );
}

#[tokio::test]
async fn removing_a_non_member_is_131212() {
    let sb = sandbox_with(0).await;
    let group = sb.insert_group("Removals", &["15551234567"]);
    let mixed = remove(&sb, &group, &["+15557654321", "+15551234567"]).await;
    assert_eq!(mixed.status, 206, "{mixed:?}");
    let v = mixed.json();
    assert_eq!(v["error"]["code"], 131201);
    assert_eq!(v["failed_participants"][0]["input"], "+15557654321");
    assert_eq!(v["failed_participants"][0]["errors"][0]["code"], 131212);
    assert_eq!(sb.members(&group), Some(vec![]));
    let alone = remove(&sb, &group, &["+15557654321"]).await;
    assert_graph_error(&alone, 400, 131212);
    assert_eq!(
        alone.json()["failed_participants"][0]["errors"][0]["code"],
        131212
    );
}

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

#[tokio::test]
async fn dropped_connections_get_no_bytes_and_half_still_apply() {
    let sb = sandbox_with(0).await;
    sb.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    let groups: Vec<String> = (0..24)
        .map(|i| sb.insert_group(&format!("Drop {i}"), &[]))
        .collect();
    for group in &groups {
        let body = users(&["+15551234567"]);
        let raw = exchange(
            sb.addr(),
            &request(
                "POST",
                &format!("/{V}/{group}/participants"),
                Some(sb.token()),
                Some(&body),
            ),
        )
        .await;
        assert!(
            raw.is_empty(),
            "a dropped request got bytes: {:?}",
            String::from_utf8_lossy(&raw)
        );
    }
    let applied = groups
        .iter()
        .filter(|g| sb.members(g).is_some_and(|m| !m.is_empty()))
        .count();
    assert!(applied > 0, "no drop happened after applying");
    assert!(applied < groups.len(), "no drop happened before applying");
    let stats = sb.stats();
    assert_eq!(stats["by_route"]["POST /participants"]["dropped"], 24);
    assert_eq!(stats["applied_writes"], applied);
    // The server itself is fine afterwards.
    sb.set_faults(Faults::default());
    assert_eq!(add(&sb, &groups[0], &["+15551234567"]).await.status, 200);
}

#[tokio::test]
async fn throttle_rate_one_is_always_429_131208() {
    let sb = sandbox_with(1).await;
    sb.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    let group = sb.insert_group("Throttled", &["15551234567"]);
    for _ in 0..3 {
        let reply = remove(&sb, &group, &["+15551234567"]).await;
        assert_graph_error(&reply, 429, 131208);
        assert_eq!(reply.json()["error"]["message"], "Rate limit hit");
    }
    let before = Some(vec!["15551234567".to_owned()]);
    assert_eq!(sb.members(&group), before);
    assert_eq!(sb.stats()["applied_writes"], 0);
}

#[tokio::test]
async fn fail_rate_one_is_503_json_or_502_html() {
    let sb = sandbox_with(1).await;
    sb.set_faults(Faults {
        fail_rate: 1.0,
        ..Faults::default()
    });
    let group = sb.insert_group("Fails", &[]);
    let (mut json_503, mut html_502) = (0, 0);
    for _ in 0..30 {
        let reply = add(&sb, &group, &["+15551234567"]).await;
        match reply.status {
            503 => {
                assert_graph_error(&reply, 503, 2);
                assert_eq!(reply.json()["error"]["is_transient"], true);
                json_503 += 1;
            }
            502 => {
                assert_eq!(reply.header("content-type"), Some("text/html"));
                assert!(reply.body.contains("502 Bad Gateway"));
                assert!(serde_json::from_str::<Value>(&reply.body).is_err());
                html_502 += 1;
            }
            other => panic!("unexpected status {other}: {reply:?}"),
        }
    }
    assert!(json_503 > 0 && html_502 > 0, "{json_503} / {html_502}");
    assert_eq!(sb.members(&group), Some(vec![]));
}

#[tokio::test]
async fn rate_limit_answers_429_past_the_burst() {
    let sb = sandbox_with(1).await;
    sb.set_faults(Faults {
        rate_limit: Some(5.0),
        ..Faults::default()
    });
    let path = format!("/{V}/{}/groups?limit=1", sb.phone_number_id());
    let mut statuses = Vec::new();
    for _ in 0..10 {
        let reply = call(&sb, "GET", &path, None).await;
        if reply.status == 429 {
            assert_graph_error(&reply, 429, 131208);
        }
        statuses.push(reply.status);
    }
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert!(ok >= 1 && limited >= 5, "{statuses:?}");
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(call(&sb, "GET", &path, None).await.status, 200);
}

#[tokio::test]
async fn latency_delays_answers() {
    let sb = sandbox_with(1).await;
    sb.set_faults(Faults {
        latency_ms: 150,
        jitter_ms: 50,
        ..Faults::default()
    });
    let started = Instant::now();
    let reply = call(&sb, "GET", &format!("/{V}/{}", sb.group_ids()[0]), None).await;
    assert_eq!(reply.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn shutdown_stops_listening() {
    let sb = sandbox_with(1).await;
    let addr = sb.addr();
    assert!(sb.base_url().starts_with("http://127.0.0.1:"));
    sb.shutdown().await;
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn banner_starts_with_the_listening_line() {
    let sb = sandbox_with(1).await;
    let text = banner(&sb, None);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("sandbox listening on {}", sb.base_url()));
    assert_eq!(lines[1], "token: sandbox-token");
    assert_eq!(lines[2], "phone number id: 100000000000001");
    assert_eq!(lines.len(), 4);
    let target = url::Url::parse("http://127.0.0.1:9/webhook").expect("url");
    let with_webhooks = banner(&sb, Some(&target));
    assert_eq!(
        with_webhooks.lines().nth(3),
        Some("webhooks: POST http://127.0.0.1:9/webhook (signed with the app secret)")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_adds_never_overfill_a_group() {
    let sb = std::sync::Arc::new(sandbox_with(0).await);
    let group = sb.insert_group("Race", &[]);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let (sb, group) = (sb.clone(), group.clone());
        tasks.spawn(async move {
            add(&sb, &group, &[&format!("+1555123{:04}", i + 1)])
                .await
                .status
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = tasks.join_next().await {
        statuses.push(status.expect("task ran"));
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        8,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 12);
    assert_eq!(sb.members(&group).map(|m| m.len()), Some(8));
}
