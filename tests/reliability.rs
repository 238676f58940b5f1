//! Nothing lost, nothing applied twice: every fault alone and all together, a crash loop, and
//! two processes on one account.

mod common;

use std::time::Duration;

use common::{
    DEADLINE, assert_outcomes_true, finish, integrity_check, kill, prepare_replace, run, sandbox,
    spawn, wait_for_applied_writes,
};
use wa_groups::sandbox::Faults;

const GROUPS: usize = 40;
const OPS: usize = GROUPS * 8;
const SUBMIT: &[&str] = &[
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

async fn under(faults: Faults, name: &str) {
    let sb = sandbox(GROUPS).await;
    let home = tempfile::tempdir().expect("home");
    let (before, _) = prepare_replace(&sb, home.path(), GROUPS).await;
    sb.set_faults(faults);
    let out = run(&sb, home.path(), SUBMIT).await;
    assert!(
        out.code == 0 || out.code == 1,
        "{name}: exit {}: {}",
        out.code,
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{name}: {}", out.stderr);
    sb.set_faults(Faults::default());
    let confirmed = assert_outcomes_true(&sb, home.path(), &before, OPS).await;
    assert!(
        confirmed >= OPS - 8,
        "{name}: only {confirmed} of {OPS} confirmed: {}",
        out.stderr
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fault_latency_with_jitter() {
    under(
        Faults {
            latency_ms: 20,
            jitter_ms: 30,
            ..Faults::default()
        },
        "latency",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fault_server_errors_and_html_pages() {
    under(
        Faults {
            fail_rate: 0.3,
            ..Faults::default()
        },
        "5xx",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fault_throttles() {
    under(
        Faults {
            throttle_rate: 0.3,
            ..Faults::default()
        },
        "429",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fault_dropped_connections_before_and_after_applying() {
    under(
        Faults {
            drop_rate: 0.2,
            ..Faults::default()
        },
        "drops",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fault_timeouts_before_and_after_applying() {
    under(
        Faults {
            stall_rate: 0.05,
            ..Faults::default()
        },
        "timeouts",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fault_all_together() {
    under(
        Faults {
            latency_ms: 5,
            jitter_ms: 20,
            fail_rate: 0.1,
            throttle_rate: 0.05,
            drop_rate: 0.05,
            stall_rate: 0.02,
            ..Faults::default()
        },
        "all",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn crash_loop_ten_kills_then_the_exact_final_state() {
    let sb = sandbox(100).await;
    let home = tempfile::tempdir().expect("home");
    let (_, expected) = prepare_replace(&sb, home.path(), 100).await;
    sb.set_faults(Faults {
        latency_ms: 10,
        jitter_ms: 10,
        ..Faults::default()
    });
    let mut kills = 0;
    let mut last = 0u64;
    while kills < 10 {
        let mut child = spawn(&sb, home.path(), SUBMIT);
        // A different moment each time: after 1 to 12 more applied writes.
        let step = 1 + (kills as u64 * 7 + last) % 12;
        wait_for_applied_writes(&sb, last + step).await;
        kill(&mut child).await;
        kills += 1;
        last = sb.stats()["applied_writes"].as_u64().unwrap_or(0);
        assert_eq!(integrity_check(home.path()), "ok", "after kill {kills}");
    }
    assert!(
        last < 200,
        "the kills came before the end ({last} writes applied)"
    );
    sb.set_faults(Faults::default());
    let out = run(&sb, home.path(), SUBMIT).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(integrity_check(home.path()), "ok");
    assert_eq!(common::members_of(&sb, expected.keys().cloned()), expected);
    let states = common::queue_states(&sb, home.path()).await;
    assert_eq!(states.len(), 800);
    assert!(states.iter().all(|op| op["state"] == "confirmed"));
    assert_eq!(sb.stats()["redundant_participants"], 0);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_sender_on_the_same_account_is_refused() {
    let sb = sandbox(GROUPS).await;
    let home = tempfile::tempdir().expect("home");
    let (_, expected) = prepare_replace(&sb, home.path(), GROUPS).await;
    sb.set_faults(Faults {
        latency_ms: 30,
        ..Faults::default()
    });
    let first = spawn(&sb, home.path(), SUBMIT);
    wait_for_applied_writes(&sb, 2).await;
    let second = run(&sb, home.path(), SUBMIT).await;
    assert_eq!(second.code, 3, "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains("another wa-groups process is sending"),
        "{}",
        second.stderr
    );
    let done = finish(first, DEADLINE, "the first submit").await;
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(common::members_of(&sb, expected.keys().cloned()), expected);
    assert_eq!(sb.stats()["redundant_participants"], 0);
    // Once the first is done, the account is free again.
    let again = run(&sb, home.path(), SUBMIT).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_goes_away_ends_the_run_and_loses_nothing() {
    let sb = sandbox(GROUPS).await;
    let home = tempfile::tempdir().expect("home");
    prepare_replace(&sb, home.path(), GROUPS).await;
    sb.set_faults(Faults {
        latency_ms: 20,
        ..Faults::default()
    });
    let child = spawn(&sb, home.path(), SUBMIT);
    wait_for_applied_writes(&sb, 5).await;
    sb.shutdown().await;
    // The run ends after a few refused connections, not after minutes of retries.
    let done = finish(child, Duration::from_secs(60), "submit, its server gone").await;
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the run stopped"), "{stderr}");
    // Nothing lost: every operation is still in the queue, none failed for want of a server.
    let db = home
        .path()
        .join("data")
        .join("wa-groups")
        .join("wa-groups.db");
    let conn = rusqlite::Connection::open(&db).expect("store");
    let total: i64 = conn
        .query_row("SELECT count(*) FROM operations", [], |r| r.get(0))
        .expect("count");
    let failed: i64 = conn
        .query_row(
            "SELECT count(*) FROM operations WHERE state = 'failed'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(total as usize, OPS);
    assert_eq!(failed, 0);
}
