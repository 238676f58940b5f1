//! Shared harness for the integration tests: a sandbox in-process and the real binary.

#![allow(dead_code)]

use std::process::{Command, Output, Stdio};

use wa_groups::sandbox::{self, Sandbox, SandboxConfig};

pub const BIN: &str = env!("CARGO_BIN_EXE_wa-groups");

pub async fn sandbox(groups: usize) -> Sandbox {
    sandbox::start(SandboxConfig {
        groups,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

/// What one run of the binary printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Runs `wa-groups ARGS` against the sandbox (its URL, account and token in the environment),
/// with a store and config in `home` so nothing of the user's is read or written.
pub async fn run(sb: &Sandbox, home: &std::path::Path, args: &[&str]) -> Run {
    run_env(
        home,
        args,
        &[
            ("WA_BASE_URL", sb.base_url()),
            ("WA_PHONE_NUMBER_ID", sb.phone_number_id().to_string()),
            ("WA_ACCESS_TOKEN", sb.token().to_string()),
        ],
    )
    .await
}

pub async fn run_env(home: &std::path::Path, args: &[&str], env: &[(&str, String)]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("binary runs");
    Run::from(out)
}

/// A group of the sandbox with room for `room` more members.
pub fn group_with_room(sb: &Sandbox, room: usize) -> String {
    sb.group_ids()
        .into_iter()
        .find(|g| sb.members(g).is_some_and(|m| m.len() + room <= 8))
        .expect("a group with room")
}

/// A plan of changes for the first `groups` groups of a sandbox: remove every member and add
/// new people up to 8, so each group gets 8 operations. Returns the CSV to import and each
/// group's expected final members (wa_ids).
pub fn replace_everyone(
    sb: &Sandbox,
    groups: usize,
) -> (
    String,
    std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) {
    let mut csv = String::from("group,participant,action\n");
    let mut expected = std::collections::BTreeMap::new();
    let mut next = 100_001u32;
    for group in sb.group_ids().into_iter().take(groups) {
        let members = sb.members(&group).unwrap_or_default();
        for m in &members {
            csv.push_str(&format!("{group},{m},remove\n"));
        }
        let mut wanted = std::collections::BTreeSet::new();
        for _ in members.len()..8 {
            let wa_id = format!("12122{next:06}");
            next += 1;
            csv.push_str(&format!("{group},+{wa_id},add\n"));
            wanted.insert(wa_id);
        }
        expected.insert(group, wanted);
    }
    (csv, expected)
}

/// Every operation of the queue, as `queue list --json` prints it.
pub async fn queue_states(sb: &Sandbox, home: &std::path::Path) -> Vec<serde_json::Value> {
    let out = run(sb, home, &["queue", "list", "--json"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str::<Vec<serde_json::Value>>(&out.stdout).expect("queue json")
}
