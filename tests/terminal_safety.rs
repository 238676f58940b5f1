//! Server text carrying escape sequences (an OSC 52 clipboard write, a screen clear, a bell)
//! reaches the terminal as harmless, visible text in every headless output.

mod common;

use common::{run, run_env, sandbox};
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const EVIL: &str = "Team\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{1b}[H\u{9b}31m";

fn assert_harmless(what: &str, text: &str) {
    for c in text.chars() {
        assert!(
            !(c.is_control() && c != '\n' && c != '\t'),
            "{what} carries {:?}:\n{text}",
            c
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn subjects_with_escapes_are_shown_as_text() {
    let sb = sandbox(2).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.insert_group(EVIL, &["+12025550143"]);
    for args in [
        vec!["groups", "list"],
        vec!["groups", "show", group.as_str()],
        vec!["groups", "sync"],
    ] {
        let out = run(&sb, home.path(), &args).await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_harmless(&args.join(" "), &out.stdout);
        assert_harmless(&args.join(" "), &out.stderr);
        if args[1] != "sync" {
            // Read across the lines a table wraps the subject over.
            let read: String = out.stdout.split_whitespace().collect();
            assert!(read.contains("Team^[]52;c;ZXZpbA==^G"), "{}", out.stdout);
        }
    }
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn error_messages_with_escapes_are_shown_as_text() {
    let server = MockServer::start().await;
    let error = json!({"error": {"message": EVIL, "type": "OAuthException", "code": 131215,
        "error_data": {"details": EVIL}}});
    Mock::given(method("POST"))
        .and(path_regex("/participants$"))
        .respond_with(ResponseTemplate::new(400).set_body_json(error))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/v23.0/G1$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id": "G1", "subject": EVIL, "participants": [], "total_participant_count": 0}),
        ))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().expect("home");
    let env = vec![
        ("WA_BASE_URL", server.uri()),
        ("WA_PHONE_NUMBER_ID", "1".to_string()),
        ("WA_ACCESS_TOKEN", "t".to_string()),
    ];
    let h = home.path();
    let direct = run_env(
        h,
        &["participants", "add", "--group", "G1", "+12025550143"],
        &env,
    )
    .await;
    assert_eq!(direct.code, 1, "{}", direct.stderr);
    assert_harmless("participants add", &direct.stderr);
    assert!(direct.stderr.contains("Team^["), "{}", direct.stderr);

    let queued = run_env(h, &["queue", "add", "--group", "G1", "+12025550143"], &env).await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    let sent = run_env(h, &["submit", "--yes", "--verify-delay-ms", "0"], &env).await;
    assert_eq!(sent.code, 1, "{}", sent.stderr);
    for args in [
        vec!["submit", "--yes"],
        vec!["queue", "list"],
        vec!["queue", "list", "--json"],
        vec!["log"],
        vec!["log", "--csv"],
        vec!["log", "--json"],
    ] {
        let out = run_env(h, &args, &env).await;
        assert_harmless(&args.join(" "), &out.stdout);
        assert_harmless(&args.join(" "), &out.stderr);
    }
    assert_harmless("submit summary", &sent.stderr);
}
