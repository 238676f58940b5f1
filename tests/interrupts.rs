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

/// A server answering writes with `post` and reads with each of `gets` in turn (the last one
/// for good).
async fn server(post: ResponseTemplate, gets: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(post)
        .mount(&server)
        .await;
    let last = gets.len();
    for (i, get) in gets.into_iter().enumerate() {
        let mock = Mock::given(method("GET")).respond_with(get);
        let mock = if i + 1 < last {
            mock.up_to_n_times(1)
        } else {
            mock
        };
        mock.with_priority(u8::try_from(i + 1).unwrap_or(u8::MAX))
            .mount(&server)
            .await;
    }
    server
}

fn accepted() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"success": true}))
}

/// Far shorter than any back-off of these runs (20 s and more), and than a confirming read's
/// retries (minutes): the Ctrl-C ended the wait.
const AT_ONCE: Duration = Duration::from_secs(10);

/// A submit whose every retry waits 20 s.
const SLOW_RETRIES: [&str; 6] = [
    "submit",
    "--yes",
    "--verify-delay-ms",
    "0",
    "--backoff-ms",
    "20000",
];

/// Queues one add, starts `submit ARGS`, waits until the server has seen `n` requests of the
/// method `seen`, sends one SIGINT, and checks that the submit then ended at once, cancelled
/// (exit `code`: 1 when the change was left undone, 0 when the cancel came after it was
/// settled), with the change still in the queue. Returns its stderr.
async fn interrupted(
    server: &MockServer,
    (seen, n): (&str, usize),
    args: &[&str],
    code: i32,
) -> String {
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
        if requests
            .iter()
            .filter(|r| r.method.as_str() == seen)
            .count()
            >= n
        {
            break;
        }
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "no {n} {seen} came"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let pid = libc::pid_t::try_from(child.id().expect("running")).expect("pid");
    let interrupted_at = Instant::now();
    // SAFETY: kill(2) with SIGINT on our own running child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let out = finish(child, Duration::from_secs(60), "submit after one Ctrl-C").await;
    let took = interrupted_at.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(took < AT_ONCE, "took {took:?}: {stderr}");
    assert_eq!(out.status.code(), Some(code), "cancelled: {stderr}");
    assert!(stderr.contains("cancelled"), "{stderr}");
    // Nothing lost: the change is still in the queue, open or settled, never dropped.
    let listed = run_env(home.path(), &["queue", "list", "--json"], &env).await;
    let ops: Vec<serde_json::Value> = serde_json::from_str(&listed.stdout).expect("json");
    assert_eq!(ops.len(), 1, "{}", listed.stdout);
    assert_ne!(ops[0]["state"], "failed", "{}", listed.stdout);
    stderr
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ctrl_c_ends_the_back_off_of_a_confirming_read() {
    let server = server(accepted(), vec![group_with("19999999999"), transient()]).await;
    // The second read: the first one was made before planning.
    interrupted(&server, ("GET", 2), &SLOW_RETRIES, 1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ctrl_c_ends_the_back_off_of_a_write() {
    let server = server(transient(), vec![group_with("19999999999")]).await;
    interrupted(&server, ("POST", 1), &SLOW_RETRIES, 1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ctrl_c_ends_the_wait_before_a_confirming_read() {
    // Read once before planning (without the new member), then after the add (with it).
    let server = server(
        accepted(),
        vec![group_with("19999999999"), group_with("12025550143")],
    )
    .await;
    let stderr = interrupted(
        &server,
        ("POST", 1),
        &["submit", "--yes", "--verify-delay-ms", "120000"],
        0,
    )
    .await;
    // The read that the wait was for is made at once, and confirms the change: nothing is
    // left undone, so the cancel is no partial outcome (exit 0) and nothing "stays pending".
    assert!(stderr.contains("1 confirmed"), "{stderr}");
    assert!(!stderr.contains("stay pending"), "{stderr}");
}
