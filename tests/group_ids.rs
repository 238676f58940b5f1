//! Group ids that are path segments (`.`, `..`, `a/b`, `?`, `#`, `%2e`, spaces, empty, too long)
//! are refused with the input error wherever an id is accepted, and never reach the server;
//! what the preview shows is what is sent.

mod common;

use common::run_env;
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Every shape of text that cannot be a Graph group id.
fn bad_ids() -> Vec<String> {
    let mut ids: Vec<String> = [
        ".",
        "..",
        "../..",
        "a/b",
        "/",
        "a?b",
        "?fields=x",
        "a#b",
        "%2e%2e",
        "%2F",
        "two words",
        "a\tb",
        "a.b",
        "a;b",
        "a\\b",
        "@x",
        "ＧＩ",
        "g\u{202e}1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    ids.push("A".repeat(257));
    ids
}

fn env_for(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("WA_BASE_URL", server.uri()),
        ("WA_PHONE_NUMBER_ID", "1".to_string()),
        ("WA_ACCESS_TOKEN", "t".to_string()),
    ]
}

/// A server that answers every write 200 and every read with an empty group of the id asked.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/v23.0/G1$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id": "G1", "subject": "S", "participants": [{"wa_id": "12025550143"}]}),
        ))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn every_command_refuses_an_id_that_is_a_path_segment() {
    let server = server().await;
    let env = env_for(&server);
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let list = h.join("list.txt");
    std::fs::write(&list, "+12025550143\n").expect("list");
    let list = list.to_str().expect("path").to_owned();
    for id in bad_ids() {
        let id = id.as_str();
        let commands: Vec<Vec<&str>> = vec![
            vec!["queue", "add", "--group", id, "+12025550143"],
            vec!["queue", "remove", "--group", id, "+12025550143"],
            vec!["queue", "import", "--group", id, "--action", "add", &list],
            vec!["queue", "list", "--group", id],
            vec!["queue", "drop", "--group", id, "--yes"],
            vec!["submit", "--group", id, "--dry-run"],
            vec!["submit", "--group", id, "--yes"],
            vec!["participants", "add", "--group", id, "+12025550143"],
            vec!["participants", "remove", "--group", id, "+12025550143"],
            vec!["groups", "show", id],
        ];
        for args in commands {
            let out = run_env(h, &args, &env).await;
            assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
            assert!(
                out.stderr.contains("group id"),
                "{args:?} says why: {}",
                out.stderr
            );
        }
    }
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "nothing reached the server"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn files_naming_such_groups_store_nothing_and_name_the_line() {
    let server = server().await;
    let env = env_for(&server);
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    for id in bad_ids() {
        // A CSV cell cannot hold a tab or a newline unquoted; quoting keeps every id one cell.
        let cell = format!("\"{id}\"");
        let import = h.join("changes.csv");
        std::fs::write(
            &import,
            format!("group,participant,action\nG1,+12025550143,add\n{cell},+12025550144,add\n"),
        )
        .expect("csv");
        let out = run_env(
            h,
            &["queue", "import", import.to_str().expect("path")],
            &env,
        )
        .await;
        assert_eq!(out.code, 2, "{id:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("changes.csv:3:"),
            "{id:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("group id"), "{id:?}: {}", out.stderr);

        let target = h.join("target.csv");
        std::fs::write(&target, format!("group,participant\n{cell},+12025550144\n")).expect("csv");
        let out = run_env(
            h,
            &["queue", "sync-target", target.to_str().expect("path")],
            &env,
        )
        .await;
        assert_eq!(out.code, 2, "{id:?}: {}", out.stderr);
        assert!(out.stderr.contains("group id"), "{id:?}: {}", out.stderr);
    }
    let listed = run_env(h, &["queue", "list", "--json"], &env).await;
    assert_eq!(listed.stdout.trim(), "[]", "nothing was queued");
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_naming_such_groups_is_refused() {
    for id in ["..", ".", "a/b", "x?y"] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path_regex("^/v23.0/1/groups$"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"data": {"groups": [{"id": "G1", "subject": "ok"}, {"id": id, "subject": "evil"}]}}),
            ))
            .mount(&server)
            .await;
        let home = tempfile::tempdir().expect("home");
        for args in [vec!["groups", "list"], vec!["groups", "sync"]] {
            let out = run_env(home.path(), &args, &env_for(&server)).await;
            assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
            assert!(out.stderr.contains("group id"), "{}", out.stderr);
        }
        let requests = server.received_requests().await.unwrap_or_default();
        assert!(
            requests.iter().all(|r| r.url.path() == "/v23.0/1/groups"),
            "only the list was read: {:?}",
            requests.iter().map(|r| r.url.path()).collect::<Vec<_>>()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_preview_shows_what_is_sent() {
    let server = server().await;
    let env = env_for(&server);
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let out = run_env(h, &["queue", "add", "--group", "G1", "+12025550144"], &env).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    // An id an older build let into the store: shown refused, failed at submit, never sent.
    let db = h.join("data").join("wa-groups").join("wa-groups.db");
    let conn = rusqlite::Connection::open(&db).expect("store");
    conn.execute(
        "INSERT INTO operations (account_id, group_id, participant, wa_id, kind, slot, state, created_at, updated_at)
         SELECT account_id, '..', '+12025550145', '12025550145', 'remove', 'participant:..:12025550145', 'pending', created_at, updated_at
         FROM operations LIMIT 1",
        [],
    )
    .expect("old row");
    drop(conn);

    let dry = run_env(h, &["submit", "--dry-run", "--json"], &env).await;
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let plan: serde_json::Value = serde_json::from_str(&dry.stdout).expect("json");
    let requests = plan["requests"].as_array().expect("requests");
    let shown: Vec<(String, String, serde_json::Value)> = requests
        .iter()
        .filter(|r| r.get("path").is_some())
        .map(|r| {
            (
                r["method"].as_str().unwrap_or("").to_owned(),
                r["path"].as_str().unwrap_or("").to_owned(),
                r["body"].clone(),
            )
        })
        .collect();
    assert_eq!(shown.len(), 1, "{plan}");
    let refused: Vec<&serde_json::Value> = requests
        .iter()
        .filter(|r| r.get("refused").is_some())
        .collect();
    assert_eq!(refused.len(), 1, "{plan}");
    assert!(
        refused[0]["refused"]
            .as_str()
            .is_some_and(|m| m.contains("not a group id"))
    );
    let text = run_env(h, &["submit", "--dry-run"], &env).await;
    assert!(
        text.stdout.contains("POST   /v23.0/G1/participants"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("refused"), "{}", text.stdout);
    assert!(!text.stdout.contains("/v23.0/../"), "{}", text.stdout);

    let sent = run_env(h, &["submit", "--yes", "--verify-delay-ms", "0"], &env).await;
    assert_eq!(sent.code, 1, "the refused one failed: {}", sent.stderr);
    let writes: Vec<(String, String, serde_json::Value)> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() != "GET")
        .map(|r| {
            (
                r.method.to_string(),
                r.url.path().to_owned(),
                serde_json::from_slice(&r.body).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(writes, shown, "the preview is what was sent");
    let states = run_env(h, &["queue", "list", "--json"], &env).await;
    let states: Vec<serde_json::Value> = serde_json::from_str(&states.stdout).expect("json");
    let old = states
        .iter()
        .find(|op| op["group"] == "..")
        .expect("the old row");
    assert_eq!(old["state"], "failed", "{old}");
    assert!(
        old["message"]
            .as_str()
            .is_some_and(|m| m.contains("not a group id")),
        "{old}"
    );
    let log = run_env(h, &["log", "--json"], &env).await;
    assert!(!log.stdout.contains("/v23.0/../"), "{}", log.stdout);
}
