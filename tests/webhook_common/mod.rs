//! Harness of the webhook tests: `wa-groups webhook serve` as a child process (its address
//! read from its first line), signatures computed here apart from the tool's, deliveries
//! POSTed as Meta would, and the store read back with deadlines.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout};

use super::common::{self, run_within, spawn_env};

pub const APP_SECRET: &str = "app-secret-canary-41f7";
pub const VERIFY_TOKEN: &str = "verify-token-canary-93c2";
pub const NUMBER: &str = "109876543210987";
pub const GROUP: &str = "Z3JwX2V4YW1wbGVfMDAx";
/// How long a wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(60);

/// `sha256=<hex HMAC-SHA256 of body keyed with secret>`, computed here.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// An envelope of one `groups[]` item of `field` for NUMBER.
pub fn envelope(field: &str, item: Value) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "208765432109876",
        "changes": [{"field": field, "value": {"messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550109999", "phone_number_id": NUMBER},
            "groups": [item]}}]}]})
    .to_string()
    .into_bytes()
}

/// A business removal of `inputs` from GROUP, settled by `request_id`.
pub fn removal(request_id: &str, inputs: &[&str]) -> Vec<u8> {
    let removed: Vec<Value> = inputs.iter().map(|i| json!({"input": i})).collect();
    envelope(
        "group_participants_update",
        json!({"timestamp": "1767262030", "group_id": GROUP, "type": "group_participants_remove",
               "request_id": request_id, "initiated_by": "business",
               "removed_participants": removed}),
    )
}

/// The environment of a receiver and of the commands reading its store.
pub fn env(db: &Path, base_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("WA_GROUPS_DB", db.display().to_string()),
        ("WA_BASE_URL", base_url.to_owned()),
        ("WA_PHONE_NUMBER_ID", NUMBER.to_owned()),
        ("WA_APP_SECRET", APP_SECRET.to_owned()),
        ("WA_VERIFY_TOKEN", VERIFY_TOKEN.to_owned()),
    ]
}

/// A running `wa-groups webhook serve`; killed when dropped.
pub struct ReceiverProcess {
    pub child: Child,
    pub url: String,
    pub lines: Lines<BufReader<ChildStdout>>,
}

impl ReceiverProcess {
    /// Starts it on a free loopback port with `env` and `extra` arguments, and waits for its
    /// first line (`webhook receiver listening on URL`).
    pub async fn start(home: &Path, env: &[(&str, String)], extra: &[&str]) -> ReceiverProcess {
        let mut args = vec!["webhook", "serve", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = spawn_env(home, &args, env);
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(WAIT, lines.next_line())
            .await
            .expect("the receiver starts in time")
            .expect("stdout")
            .unwrap_or_default();
        let url = first
            .strip_prefix("webhook receiver listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
            .to_owned();
        ReceiverProcess { child, url, lines }
    }

    /// Kills it at once (SIGKILL) and waits for it to be gone.
    pub async fn kill(&mut self) {
        common::kill(&mut self.child).await;
    }
}

pub fn http() -> reqwest::Client {
    // One process-wide TLS provider (reqwest is built without one); a second install is a no-op.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client")
}

/// POSTs `body` with `signature` (none: unsigned); the status, or `None` without an answer.
pub async fn post(url: &str, body: Vec<u8>, signature: Option<String>) -> Option<u16> {
    let mut request = http()
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(s) = signature {
        request = request.header("X-Hub-Signature-256", s);
    }
    request.send().await.ok().map(|r| r.status().as_u16())
}

/// POSTs `body` signed with the app secret, as Meta does.
pub async fn deliver(url: &str, body: &[u8]) -> Option<u16> {
    post(url, body.to_vec(), Some(sign(APP_SECRET, body))).await
}

/// `wa-groups events --json` on the store of `env`.
pub async fn events(home: &Path, env: &[(&str, String)]) -> Vec<Value> {
    let out = run_within(home, &["events", "--json"], env, WAIT).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("events json")
}

/// Waits until `check` holds on the store file (read with its own connection).
pub async fn wait_for_db(db: &Path, what: &str, check: impl Fn(&rusqlite::Connection) -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Ok(conn) = rusqlite::Connection::open(db)
            && check(&conn)
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited too long for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One number read from the store file.
pub fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap_or(-1)
}

/// The store file of a test home.
pub fn db_in(home: &Path) -> PathBuf {
    home.join("store.db")
}
