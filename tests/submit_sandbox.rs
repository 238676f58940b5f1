//! `submit` end to end against the sandbox: healthy, hostile, killed mid-run, and dry-run.

mod common;

use common::{
    assert_outcomes_true, integrity_check, kill, members_of, prepare_replace, queue_states,
    replace_everyone, run, sandbox, spawn, wait_for_applied_writes,
};
use wa_groups::sandbox::Faults;

const GROUPS: usize = 250;
const OPS: usize = GROUPS * 8;

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
    let (_, expected) = prepare_replace(&sb, home.path(), GROUPS).await;
    let out = run(&sb, home.path(), SUBMIT).await;
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("2000 confirmed · 0 failed · 0 skipped · 0 held back · 0 not settled"),
        "{}",
        out.stderr
    );
    assert_eq!(members_of(&sb, expected.keys().cloned()), expected);
    let states = queue_states(&sb, home.path()).await;
    assert_eq!(states.len(), OPS);
    assert!(states.iter().all(|op| op["state"] == "confirmed"));
    assert_eq!(sb.stats()["redundant_participants"], 0);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_server_every_outcome_true_and_nothing_sent_twice() {
    let sb = sandbox(GROUPS).await;
    let home = tempfile::tempdir().expect("home");
    let (before, _) = prepare_replace(&sb, home.path(), GROUPS).await;
    sb.set_faults(Faults {
        fail_rate: 0.1,
        throttle_rate: 0.05,
        drop_rate: 0.02,
        ..Faults::default()
    });
    let out = run(&sb, home.path(), SUBMIT).await;
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let stats = sb.stats();
    sb.set_faults(Faults::default());
    let confirmed = assert_outcomes_true(&sb, home.path(), &before, OPS).await;
    assert!(
        confirmed >= OPS - 10,
        "retries should carry nearly everything through: {confirmed}"
    );
    let dropped = |route: &str| stats["by_route"][route]["dropped"].as_u64().unwrap_or(0);
    assert!(
        dropped("POST /participants") + dropped("DELETE /participants") > 0,
        "the run met dropped connections: {stats}"
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_mid_run_then_resumed_ends_the_same() {
    let sb = sandbox(GROUPS).await;
    let home = tempfile::tempdir().expect("home");
    let (_, expected) = prepare_replace(&sb, home.path(), GROUPS).await;
    sb.set_faults(Faults {
        latency_ms: 15,
        ..Faults::default()
    });
    let mut child = spawn(&sb, home.path(), SUBMIT);
    // Wait until the run is well under way, then kill it without warning.
    wait_for_applied_writes(&sb, 60).await;
    kill(&mut child).await;
    let applied_at_kill = sb.stats()["applied_writes"].as_u64().unwrap_or(0);
    assert!(
        applied_at_kill < 500,
        "killed before the end ({applied_at_kill})"
    );

    sb.set_faults(Faults::default());
    let resumed = run(&sb, home.path(), SUBMIT).await;
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert_eq!(members_of(&sb, expected.keys().cloned()), expected);
    let states = queue_states(&sb, home.path()).await;
    assert_eq!(states.len(), OPS);
    assert!(
        states.iter().all(|op| op["state"] == "confirmed"),
        "{:?}",
        states.iter().find(|op| op["state"] != "confirmed")
    );
    assert_eq!(sb.stats()["redundant_participants"], 0);
    assert_eq!(integrity_check(home.path()), "ok");
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
