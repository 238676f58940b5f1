//! Shared harness for the integration tests: a sandbox in-process and the real binary.

#![allow(dead_code)]

use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::process::{Child, Command};

use wa_groups::sandbox::{self, Sandbox, SandboxConfig};

pub const BIN: &str = env!("CARGO_BIN_EXE_wa-groups");

/// A group id of the sandbox's shape (base64 of `capi_group:<phone number id>:<digits>`) that
/// no sandbox has: taken where a group is named, as a group the mirror has not read.
pub const UNREAD_GROUP: &str = "Y2FwaV9ncm91cDoxMDAwMDAwMDAwMDAwMDE6OTk5OTk5OTk5OTk5OTk5OTk5";

pub async fn sandbox(groups: usize) -> Sandbox {
    sandbox::start(SandboxConfig {
        groups,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

/// How long one run of the binary may take before the test kills it and fails: far longer
/// than any run needs, even on a busy machine.
pub const DEADLINE: Duration = Duration::from_secs(300);

/// A submit for runs under faults: a one-second timeout, 8 requests at once, no wait before
/// confirming, short back-offs.
pub const SUBMIT_UNDER_FAULTS: &[&str] = &[
    "--timeout",
    "1",
    "submit",
    "--yes",
    "--concurrency",
    "8",
    "--verify-delay-ms",
    "0",
    "--backoff-ms",
    "10",
];

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

/// Runs `wa-groups ARGS` with only `env` (and a home of its own) in its environment; killed,
/// and the test failed, past [`DEADLINE`].
pub async fn run_env(home: &std::path::Path, args: &[&str], env: &[(&str, String)]) -> Run {
    run_within(home, args, env, DEADLINE).await
}

/// [`run_env`] with another deadline.
pub async fn run_within(
    home: &std::path::Path,
    args: &[&str],
    env: &[(&str, String)],
    deadline: Duration,
) -> Run {
    let mut cmd = command(home, args, env);
    cmd.stdin(Stdio::null());
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    Run::from(finish(child, deadline, &args.join(" ")).await)
}

/// The binary with `args`, a clean environment but for `env`, and `home` as its home and
/// working directory. Killed if dropped, so a failing test leaves no process behind.
fn command(home: &std::path::Path, args: &[&str], env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(home)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("NO_COLOR", "1")
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Waits for a child to end and collects its output; past `deadline` it is killed and the test
/// fails, naming `what`.
pub async fn finish(child: Child, deadline: Duration, what: &str) -> Output {
    match tokio::time::timeout(deadline, child.wait_with_output()).await {
        Ok(out) => out.expect("the binary's output"),
        // Dropping the wait drops the child, which kills it.
        Err(_) => panic!("`wa-groups {what}` did not end within {deadline:?}; it was killed"),
    }
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

/// Members (wa_ids) of each group of `groups`, as the sandbox holds them now.
pub fn members_of(
    sb: &Sandbox,
    groups: impl IntoIterator<Item = String>,
) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    groups
        .into_iter()
        .map(|g| {
            let m = sb.members(&g).unwrap_or_default().into_iter().collect();
            (g, m)
        })
        .collect()
}

/// Checks the promise after a run: no operation lost or left open, each failure says why,
/// the sandbox holds exactly `before` changed by the confirmed operations, and no change was
/// sent again after it was applied. Returns how many were confirmed.
pub async fn assert_outcomes_true(
    sb: &Sandbox,
    home: &std::path::Path,
    before: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    operations: usize,
) -> usize {
    let states = queue_states(sb, home).await;
    assert_eq!(states.len(), operations, "no operation lost");
    let mut want = before.clone();
    let mut confirmed = 0;
    for op in &states {
        let state = op["state"].as_str().expect("state");
        assert!(
            matches!(state, "confirmed" | "failed" | "skipped"),
            "operation left {state}: {op}"
        );
        if state == "failed" {
            assert!(
                op["message"].as_str().is_some_and(|m| !m.is_empty()),
                "a failure says why: {op}"
            );
        }
        if state == "confirmed" {
            confirmed += 1;
            let group = op["group"].as_str().expect("group").to_owned();
            let who = op["participant"]
                .as_str()
                .expect("participant")
                .trim_start_matches('+')
                .to_owned();
            let set = want.entry(group).or_default();
            if op["action"] == "add" {
                set.insert(who);
            } else {
                set.remove(&who);
            }
        }
    }
    assert_eq!(
        members_of(sb, before.keys().cloned()),
        want,
        "the sandbox holds exactly what was confirmed"
    );
    let stats = sb.stats();
    assert_eq!(
        stats["redundant_participants"], 0,
        "an applied change was sent again: {stats}"
    );
    confirmed
}

/// Syncs the mirror and imports `replace_everyone` for the first `groups` groups; returns the
/// membership before and the expected one after.
pub async fn prepare_replace(
    sb: &Sandbox,
    home: &std::path::Path,
    groups: usize,
) -> (
    std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) {
    let synced = run(sb, home, &["groups", "sync"]).await;
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    let (csv, expected) = replace_everyone(sb, groups);
    let file = home.join("changes.csv");
    std::fs::write(&file, csv).expect("write csv");
    let imported = run(sb, home, &["queue", "import", file.to_str().expect("path")]).await;
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    let before = members_of(sb, expected.keys().cloned());
    (before, expected)
}

/// Starts `wa-groups ARGS` against the sandbox without waiting for it; end it with [`finish`]
/// (or drop it, which kills it).
pub fn spawn(sb: &Sandbox, home: &std::path::Path, args: &[&str]) -> Child {
    let env = [
        ("WA_BASE_URL", sb.base_url()),
        ("WA_PHONE_NUMBER_ID", sb.phone_number_id().to_string()),
        ("WA_ACCESS_TOKEN", sb.token().to_string()),
    ];
    spawn_env(home, args, &env)
}

/// Starts `wa-groups ARGS` with only `env` in its environment, without waiting for it.
pub fn spawn_env(home: &std::path::Path, args: &[&str], env: &[(&str, String)]) -> Child {
    command(home, args, env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wa-groups starts")
}

/// Kills a child at once (SIGKILL) and waits, with a deadline, for it to be gone.
pub async fn kill(child: &mut Child) {
    child.start_kill().expect("SIGKILL");
    tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("a killed process ends")
        .expect("wait");
}

/// Waits (polling the sandbox, up to a minute) until `applied_writes` reaches `n`.
pub async fn wait_for_applied_writes(sb: &Sandbox, n: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while sb.stats()["applied_writes"].as_u64().unwrap_or(0) < n {
        assert!(
            std::time::Instant::now() < deadline,
            "the run did not get going"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// The store's own integrity check.
pub fn integrity_check(home: &std::path::Path) -> String {
    let db = home.join("data").join("wa-groups").join("wa-groups.db");
    let conn = rusqlite::Connection::open(&db).expect("open store");
    conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity check")
}

/// Makes a FIFO at `path` (mode 0644), for tests of what must not block on one.
pub fn mkfifo(path: &std::path::Path) {
    let c = std::ffi::CString::new(path.to_str().expect("path")).expect("c path");
    // SAFETY: mkfifo(3) on a NUL-terminated path in the test's own temporary directory.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// A simulated person of the sandbox with a phone number only.
pub fn user(phone: &str) -> wa_groups::sandbox::User<'_> {
    wa_groups::sandbox::User {
        phone,
        username: None,
        hide_phone: None,
    }
}

/// The ids of the sandbox's groups with `subject`.
pub fn by_subject(sb: &Sandbox, subject: &str) -> Vec<String> {
    sb.group_ids()
        .into_iter()
        .filter(|g| sb.subject(g).as_deref() == Some(subject))
        .collect()
}

/// Makes a group at once with `groups create --subject SUBJECT --now` (with `--approval`:
/// joining needs approval); its id, and what the command printed.
pub async fn create_now(
    sb: &Sandbox,
    home: &std::path::Path,
    subject: &str,
    approval: bool,
) -> (String, Run) {
    let mut args = vec!["groups", "create", "--subject", subject, "--now"];
    if approval {
        args.push("--approval");
    }
    let made = run(sb, home, &args).await;
    assert_eq!(made.code, 0, "{}", made.stderr);
    let id = by_subject(sb, subject).pop().expect("created");
    (id, made)
}

/// `Book Club` with one member, synced, then an add of two people submitted: `+12025550000`
/// is refused (131203, failed), `+12025550102` confirmed. Returns the group's id and the
/// submit's run.
pub async fn book_club_with_a_failed_add(sb: &Sandbox, home: &std::path::Path) -> (String, Run) {
    let group = sb.insert_group("Book Club", &["+12025550101"]);
    run(sb, home, &["groups", "sync"]).await;
    let add = [
        "queue",
        "add",
        "--group",
        "Book Club",
        "+12025550000",
        "+12025550102",
    ];
    run(sb, home, &add).await;
    let sent = run(sb, home, &["submit", "--yes", "--verify-delay-ms", "0"]).await;
    (group, sent)
}
