//! `submit` end to end against the sandbox: healthy, hostile, killed mid-run, and dry-run.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use common::{BIN, queue_states, replace_everyone, run, sandbox};
use wa_groups::sandbox::{Faults, Sandbox};

const GROUPS: usize = 250;

/// Syncs the mirror and imports the plan; returns the expected membership.
async fn prepare(sb: &Sandbox, home: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let synced = run(sb, home, &["groups", "sync"]).await;
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    let (csv, expected) = replace_everyone(sb, GROUPS);
    let file = home.join("changes.csv");
    std::fs::write(&file, csv).expect("write csv");
    let imported = run(sb, home, &["queue", "import", file.to_str().expect("path")]).await;
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    assert!(
        imported.stdout.contains("2000 queued"),
        "{}",
        imported.stdout
    );
    expected
}

fn members(
    sb: &Sandbox,
    expected: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, BTreeSet<String>> {
    expected
        .keys()
        .map(|g| {
            (
                g.clone(),
                sb.members(g).unwrap_or_default().into_iter().collect(),
            )
        })
        .collect()
}

const SUBMIT: &[&str] = &[
    "submit",
    "--yes",
    "--concurrency",
    "8",
    "--verify-delay-ms",
    "0",
    "--backoff-ms",
    "20",
];

#[tokio::test(flavor = "multi_thread")]
async fn healthy_2000_operations_over_250_groups_end_as_planned() {
    let sb = sandbox(GROUPS).await;
    let home = tempfile::tempdir().expect("home");
    let expected = prepare(&sb, home.path()).await;
    let out = run(&sb, home.path(), SUBMIT).await;
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("2000 confirmed, 0 failed, 0 skipped, 0 still pending"),
        "{}",
        out.stderr
    );
    assert_eq!(members(&sb, &expected), expected);
    let states = queue_states(&sb, home.path()).await;
    assert_eq!(states.len(), 2000);
    assert!(states.iter().all(|op| op["state"] == "confirmed"));
    assert_eq!(sb.stats()["redundant_participants"], 0);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_server_every_outcome_true_and_nothing_sent_twice() {
    let sb = sandbox(GROUPS).await;
    let home = tempfile::tempdir().expect("home");
    let expected = prepare(&sb, home.path()).await;
    let before: BTreeMap<String, BTreeSet<String>> = members(&sb, &expected);
    sb.set_faults(Faults {
        fail_rate: 0.1,
        throttle_rate: 0.05,
        drop_rate: 0.02,
        ..Faults::default()
    });
    let out = run(&sb, home.path(), SUBMIT).await;
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let states = queue_states(&sb, home.path()).await;
    assert_eq!(states.len(), 2000, "no operation lost");
    // Every operation has a final state, and the sandbox shows exactly the confirmed ones.
    let mut want = before;
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
        members(&sb, &expected),
        want,
        "the sandbox holds exactly what was confirmed"
    );
    let confirmed = states
        .iter()
        .filter(|op| op["state"] == "confirmed")
        .count();
    assert!(
        confirmed >= 1990,
        "retries should carry nearly everything through: {confirmed}"
    );
    let stats = sb.stats();
    assert_eq!(
        stats["redundant_participants"], 0,
        "an applied change was sent again: {stats}"
    );
    assert!(
        stats["by_route"]["POST /participants"]["dropped"]
            .as_u64()
            .unwrap_or(0)
            > 0
            || stats["by_route"]["DELETE /participants"]["dropped"]
                .as_u64()
                .unwrap_or(0)
                > 0,
        "the run met dropped connections: {stats}"
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_mid_run_then_resumed_ends_the_same() {
    let sb = sandbox(GROUPS).await;
    let home = tempfile::tempdir().expect("home");
    let expected = prepare(&sb, home.path()).await;
    sb.set_faults(Faults {
        latency_ms: 15,
        ..Faults::default()
    });
    let mut child = std::process::Command::new(BIN)
        .args(SUBMIT)
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("WA_BASE_URL", sb.base_url())
        .env("WA_PHONE_NUMBER_ID", sb.phone_number_id())
        .env("WA_ACCESS_TOKEN", sb.token())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("submit starts");
    // Wait until the run is well under way, then kill it without warning.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while sb.stats()["applied_writes"].as_u64().unwrap_or(0) < 60 {
        assert!(
            std::time::Instant::now() < deadline,
            "the run did not get going"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let applied_at_kill = sb.stats()["applied_writes"].as_u64().unwrap_or(0);
    assert!(
        applied_at_kill < 500,
        "killed before the end ({applied_at_kill})"
    );

    sb.set_faults(Faults::default());
    let resumed = run(&sb, home.path(), SUBMIT).await;
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert_eq!(members(&sb, &expected), expected);
    let states = queue_states(&sb, home.path()).await;
    assert_eq!(states.len(), 2000);
    assert!(
        states.iter().all(|op| op["state"] == "confirmed"),
        "{:?}",
        states.iter().find(|op| op["state"] != "confirmed")
    );
    assert_eq!(sb.stats()["redundant_participants"], 0);
    let db = home
        .path()
        .join("data")
        .join("wa-groups")
        .join("wa-groups.db");
    let conn = rusqlite::Connection::open(&db).expect("open store");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity check");
    assert_eq!(check, "ok");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_sends_no_write() {
    let sb = sandbox(20).await;
    let home = tempfile::tempdir().expect("home");
    let synced = run(&sb, home.path(), &["groups", "sync"]).await;
    assert_eq!(synced.code, 0);
    let (csv, _) = replace_everyone(&sb, 20);
    let file = home.path().join("changes.csv");
    std::fs::write(&file, csv).expect("write");
    run(
        &sb,
        home.path(),
        &["queue", "import", file.to_str().expect("path")],
    )
    .await;
    let out = run(&sb, home.path(), &["submit", "--dry-run"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("POST   /v23.0/"), "{}", out.stdout);
    assert!(out.stderr.contains("Nothing was sent"), "{}", out.stderr);
    let stats = sb.stats();
    for route in ["POST /participants", "DELETE /participants"] {
        let counts = stats["by_route"][route].as_object().expect("route");
        assert!(counts.values().all(|n| n == 0), "{route}: {counts:?}");
    }
    let states = queue_states(&sb, home.path()).await;
    assert!(states.iter().all(|op| op["state"] == "pending"));
    sb.shutdown().await;
}
