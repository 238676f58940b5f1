//! `wa-groups sandbox` as an operator runs it: the webhook flags, signed deliveries to a local
//! receiver, hidden phones, and the app secret never printed.

mod sandbox_common;

use std::process::Stdio;
use std::time::Duration;

use sandbox_common::{DEADLINE, Receiver, expected_signature};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_wa-groups");
const SECRET: &str = "cli-secret-never-printed-77";

#[tokio::test]
async fn the_sandbox_command_signs_its_webhooks_and_never_prints_the_secret() {
    let receiver = Receiver::start(0).await;
    let mut child = Command::new(BIN)
        .args(["sandbox", "--groups", "30", "--hidden-phone-rate", "0.2"])
        .args(["--webhook-url", &receiver.url, "--app-secret", SECRET])
        .env("RUST_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut stderr = child.stderr.take().expect("stderr");
    let mut banner = String::new();
    for _ in 0..5 {
        let read = tokio::time::timeout(DEADLINE, stdout.read_line(&mut banner)).await;
        assert!(read.is_ok_and(|r| r.is_ok()), "no banner: {banner}");
    }
    let base = banner
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("sandbox listening on "))
        .expect("the first line names the address")
        .to_owned();
    assert!(
        banner.contains(&format!("webhooks: POST {}", receiver.url)),
        "{banner}"
    );

    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let groups: Value = http
        .get(format!("{base}/v23.0/100000000000001/groups?limit=30"))
        .bearer_auth("sandbox-token")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let mut hidden = 0;
    let mut link = None;
    for g in groups["data"]["groups"].as_array().expect("groups") {
        let id = g["id"].as_str().unwrap_or_default();
        let info: Value = http
            .get(format!(
                "{base}/v23.0/{id}?fields=participants,join_approval_mode"
            ))
            .bearer_auth("sandbox-token")
            .send()
            .await
            .expect("info")
            .json()
            .await
            .expect("json");
        let participants = info["participants"].as_array().cloned().unwrap_or_default();
        hidden += participants
            .iter()
            .filter(|p| p.get("wa_id").is_none())
            .count();
        if link.is_none() && info["join_approval_mode"] == "auto_approve" && participants.len() < 8
        {
            let answer: Value = http
                .get(format!("{base}/v23.0/{id}/invite_link"))
                .bearer_auth("sandbox-token")
                .send()
                .await
                .expect("link")
                .json()
                .await
                .expect("json");
            link = answer["invite_link"].as_str().map(str::to_owned);
        }
    }
    assert!(hidden > 0, "--hidden-phone-rate 0.2 hides some phones");
    let join = json!({"invite_link": link.expect("an open group"), "user": "+12125550143"});
    let joined = http
        .post(format!("{base}/_sandbox/join"))
        .body(join.to_string())
        .send()
        .await
        .expect("join");
    assert_eq!(joined.status(), 200);
    receiver
        .wait_for("the join webhook", |got| {
            got.iter().any(|r| r.answered == 200)
        })
        .await;
    for r in receiver.received() {
        let signature = r.signature.clone().unwrap_or_default();
        assert_eq!(signature, expected_signature(SECRET, &r.body));
        assert!(!String::from_utf8_lossy(&r.body).contains(SECRET));
    }
    let item = receiver
        .items()
        .into_iter()
        .map(|(_, v)| v)
        .next()
        .unwrap_or_default();
    assert_eq!(item["type"], "group_participants_add");
    assert_eq!(item["added_participants"][0]["wa_id"], "12125550143");

    child.start_kill().expect("kill");
    let status = tokio::time::timeout(DEADLINE, child.wait()).await;
    assert!(status.is_ok(), "the sandbox did not end");
    let mut rest = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stdout.read_to_string(&mut rest)).await;
    let mut errors = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stderr.read_to_string(&mut errors)).await;
    for text in [&banner, &rest, &errors] {
        assert!(!text.contains(SECRET), "the secret was printed: {text}");
    }
}

#[tokio::test]
async fn webhook_flags_are_refused_alone_or_off_loopback() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["--webhook-url", "http://127.0.0.1:9/webhook"],
            "--app-secret",
        ),
        (&["--app-secret", SECRET], "--webhook-url"),
        (
            &[
                "--webhook-url",
                "http://192.0.2.1/webhook",
                "--app-secret",
                SECRET,
            ],
            "loopback",
        ),
        (&["--webhook-chaos", "1.5"], "between 0 and 1"),
    ];
    for (flags, reason) in cases {
        let run = Command::new(BIN)
            .arg("sandbox")
            .args(flags)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        let out = tokio::time::timeout(DEADLINE, run)
            .await
            .expect("ends")
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains(reason), "{flags:?}: {stderr}");
        assert!(!stderr.contains(SECRET), "{stderr}");
    }
}

/// The global options an operator keeps in their shell (`WA_GROUPS_DB`, `WA_DEFAULT_REGION`,
/// `WA_GROUPS_CONFIG`, …) do not stop the sandbox, which has no use for them; given to it as
/// flags they are refused by name.
#[tokio::test]
async fn the_sandbox_starts_whatever_global_options_the_environment_holds() {
    let home = tempfile::tempdir().expect("home");
    let mut child = Command::new(BIN)
        .args(["sandbox", "--groups", "0", "--listen", "127.0.0.1:0"])
        .env("WA_GROUPS_DB", home.path().join("store.db"))
        .env("WA_GROUPS_CONFIG", home.path().join("config.toml"))
        .env("WA_DEFAULT_REGION", "US")
        .env("WA_BASE_URL", "http://127.0.0.1:9")
        .env("WA_API_VERSION", "v23.0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    let read = tokio::time::timeout(DEADLINE, stdout.read_line(&mut first)).await;
    if !first.starts_with("sandbox listening on http://127.0.0.1:") {
        let _ = child.start_kill();
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = tokio::time::timeout(DEADLINE, e.read_to_string(&mut stderr)).await;
        }
        panic!("no banner ({read:?}): {first}{stderr}");
    }
    child.start_kill().expect("SIGKILL");
    let _ = tokio::time::timeout(DEADLINE, child.wait()).await;

    for flag in ["--db", "--default-region", "--config", "--timeout"] {
        let run = Command::new(BIN)
            .args(["sandbox", flag, "1"])
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        let out = tokio::time::timeout(DEADLINE, run)
            .await
            .expect("ends")
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag}: {stderr}");
        assert!(
            stderr.contains(flag) && stderr.contains("the sandbox does not use this option"),
            "{flag}: {stderr}"
        );
    }
}
