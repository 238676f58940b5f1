//! The first Ctrl-C ends a submit's waits and retries at once: a back-off after a failed write
//! or a failed confirming read, and the delay before a read. What was in flight stays in the
//! queue for the next submit.

mod common;

use std::time::{Duration, Instant};

use common::{finish, run_env, spawn_env};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn env_for(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("WA_BASE_URL", server.uri()),
        ("WA_PHONE_NUMBER_ID", "1".to_string()),
        ("WA_ACCESS_TOKEN", "t".to_string()),
    ]
}

fn transient() -> ResponseTemplate {
    ResponseTemplate::new(503)
        .set_body_json(json!({"error": {"message": "try later", "code": 2, "is_transient": true}}))
}

fn group_with(member: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"id": "G1", "subject": "S", "participants": [{"wa_id": member}]}))
}

/// Queues one add, starts `submit ARGS`, waits until the server has seen a `seen` request,
/// sends one SIGINT, and returns how long the submit then took, its exit code and stderr.
async fn interrupted(server: &MockServer, seen: &str, args: &[&str]) -> (Duration, i32, String) {
    let home = tempfile::tempdir().expect("home");
    let env = env_for(server);
    let queued = run_env(
        home.path(),
        &["queue", "add", "--group", "G1", "+12025550143"],
        &env,
    )
    .await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    let child = spawn_env(home.path(), args, &env);
    let waited = Instant::now();
    loop {
        let requests = server.received_requests().await.unwrap_or_default();
        if requests.iter().any(|r| r.method.as_str() == seen) {
            break;
        }
        assert!(waited.elapsed() < Duration::from_secs(60), "no {seen} came");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let pid = libc::pid_t::try_from(child.id().expect("running")).expect("pid");
    let interrupted_at = Instant::now();
    // SAFETY: kill(2) with SIGINT on our own running child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let out = finish(child, Duration::from_secs(60), "submit after one Ctrl-C").await;
    let took = interrupted_at.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // Nothing lost: the change is still in the queue, open or settled, never dropped.
    let listed = run_env(home.path(), &["queue", "list", "--json"], &env).await;
    let ops: Vec<serde_json::Value> = serde_json::from_str(&listed.stdout).expect("json");
    assert_eq!(ops.len(), 1, "{}", listed.stdout);
    assert_ne!(ops[0]["state"], "failed", "{}", listed.stdout);
    (took, out.status.code().unwrap_or(-1), stderr)
}

/// Far shorter than any back-off of these runs (20 s and more), and than a confirming read's
/// retries (minutes): the Ctrl-C ended the wait.
const AT_ONCE: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread")]
async fn a_ctrl_c_ends_the_back_off_of_a_confirming_read() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(transient())
        .mount(&server)
        .await;
    let (took, code, stderr) = interrupted(
        &server,
        "GET",
        &[
            "submit",
            "--yes",
            "--verify-delay-ms",
            "0",
            "--backoff-ms",
            "20000",
        ],
    )
    .await;
    assert!(took < AT_ONCE, "took {took:?}: {stderr}");
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("cancelled"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ctrl_c_ends_the_back_off_of_a_write() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(transient())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(group_with("19999999999"))
        .mount(&server)
        .await;
    let (took, code, stderr) = interrupted(
        &server,
        "POST",
        &[
            "submit",
            "--yes",
            "--verify-delay-ms",
            "0",
            "--backoff-ms",
            "20000",
        ],
    )
    .await;
    assert!(took < AT_ONCE, "took {took:?}: {stderr}");
    assert_eq!(code, 1, "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ctrl_c_ends_the_wait_before_a_confirming_read() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .mount(&server)
        .await;
    // Read once before planning (without the new member), then after the add (with it).
    Mock::given(method("GET"))
        .respond_with(group_with("19999999999"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(group_with("12025550143"))
        .with_priority(2)
        .mount(&server)
        .await;
    let (took, code, stderr) = interrupted(
        &server,
        "POST",
        &["submit", "--yes", "--verify-delay-ms", "120000"],
    )
    .await;
    assert!(took < AT_ONCE, "took {took:?}: {stderr}");
    assert_eq!(code, 1, "cancelled: {stderr}");
    // The read that the wait was for is made at once, and confirms the change.
    assert!(stderr.contains("1 confirmed"), "{stderr}");
}
