//! Faults and the server's own life: drops, throttles, failures, rate limit, latency, shutdown,
//! the banner, and concurrent writes.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::net::TcpStream;

use super::*;
use crate::sandbox::Faults;
use crate::sandbox::server::banner;

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
    assert!(lines.len() >= 8, "{text}");
    // The curl example fits 80 columns, broken where a shell continues it.
    assert_eq!(
        lines[3],
        "try: curl -H 'Authorization: Bearer sandbox-token' \\"
    );
    assert_eq!(
        lines[4],
        format!("       {}/v23.0/100000000000001/groups", sb.base_url())
    );
    for line in &lines {
        assert!(line.chars().count() <= 80, "{line}");
    }
    // The export lines, continued with `\`, read as the one line a shell runs.
    let export = text[text.find("  export ").expect("export")..]
        .replace(" \\\n    ", " ")
        .trim_end()
        .to_owned();
    assert_eq!(
        export,
        format!(
            "  export WA_BASE_URL={} WA_PHONE_NUMBER_ID=100000000000001 \
             WA_ACCESS_TOKEN=sandbox-token",
            sb.base_url()
        )
    );
    let target = url::Url::parse("http://127.0.0.1:9/webhook").expect("url");
    let with_webhooks = banner(&sb, Some(&target));
    assert_eq!(
        with_webhooks.lines().nth(3),
        Some("webhooks: POST http://127.0.0.1:9/webhook (signed with the app secret)")
    );
}

#[tokio::test]
async fn the_export_line_quotes_what_a_shell_would_split() {
    let sb = start(SandboxConfig {
        token: "it's a $token".into(),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts");
    let lines = crate::sandbox::export_lines(&sb, &[("WA_GROUPS_DB", "/tmp/a b/demo.db")]);
    assert!(
        lines.contains(r"WA_ACCESS_TOKEN='it'\''s a $token'"),
        "{lines}"
    );
    assert!(
        lines.ends_with(" WA_GROUPS_DB='/tmp/a b/demo.db'"),
        "{lines}"
    );
    assert!(lines.lines().all(|l| l.chars().count() <= 80), "{lines}");
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
