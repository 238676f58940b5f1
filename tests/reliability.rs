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
const SUBMIT: &[&str] = common::SUBMIT_UNDER_FAULTS;

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

/// The operations of the store in `home`, counted by state.
fn states_in_store(home: &std::path::Path) -> std::collections::BTreeMap<String, usize> {
    let db = home.join("data").join("wa-groups").join("wa-groups.db");
    let conn = rusqlite::Connection::open(&db).expect("store");
    let mut stmt = conn
        .prepare("SELECT state, count(*) FROM operations GROUP BY state")
        .expect("query");
    stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("states")
}

/// A run whose server went away ends after a few refused connections, as for a refused token:
/// exit 1, one line naming the server and how many changes stay open; nothing failed for it.
fn assert_ended_for_an_unreachable_server(
    sb_url: &str,
    stderr: &str,
    code: Option<i32>,
    states: &std::collections::BTreeMap<String, usize>,
    total: usize,
) {
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        states.values().sum::<usize>(),
        total,
        "nothing lost: {states:?}"
    );
    assert_eq!(
        states.get("failed"),
        None,
        "nothing failed for want of a server"
    );
    let open: usize = ["pending", "sending", "accepted"]
        .iter()
        .filter_map(|s| states.get(*s))
        .sum();
    let line = format!(
        "the server at {sb_url} cannot be reached; {open} change(s) stay open and are settled by the next submit"
    );
    assert!(stderr.contains(&line), "{line}\nin:\n{stderr}");
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
    let url = sb.base_url();
    let child = spawn(&sb, home.path(), SUBMIT);
    wait_for_applied_writes(&sb, 5).await;
    sb.shutdown().await;
    // The run ends after a few refused connections, not after minutes of retries.
    let done = finish(child, Duration::from_secs(60), "submit, its server gone").await;
    let stderr = String::from_utf8_lossy(&done.stderr);
    let states = states_in_store(home.path());
    assert_ended_for_an_unreachable_server(&url, &stderr, done.status.code(), &states, OPS);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_gone_while_every_worker_reads_ends_the_run_too() {
    // One add in each group with room, read back 3 s after it is accepted: the server goes
    // once every write is in, so only the confirming reads meet the refusals.
    let sb = sandbox(24).await;
    let home = tempfile::tempdir().expect("home");
    let with_room: Vec<String> = sb
        .group_ids()
        .into_iter()
        .filter(|g| sb.members(g).is_some_and(|m| m.len() < 8))
        .collect();
    let groups = with_room.len();
    assert!(groups >= 8, "enough groups with room: {groups}");
    let mut csv = String::from("group,participant,action\n");
    for (i, group) in with_room.iter().enumerate() {
        csv.push_str(&format!("{group},+1212200{:04},add\n", 4000 + i));
    }
    let file = home.path().join("adds.csv");
    std::fs::write(&file, csv).expect("csv");
    let synced = run(&sb, home.path(), &["groups", "sync"]).await;
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    let imported = run(
        &sb,
        home.path(),
        &["queue", "import", file.to_str().expect("path")],
    )
    .await;
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    let url = sb.base_url();
    let child = spawn(
        &sb,
        home.path(),
        &[
            "submit",
            "--yes",
            "--concurrency",
            "8",
            "--verify-delay-ms",
            "3000",
        ],
    );
    wait_for_applied_writes(&sb, groups as u64).await;
    sb.shutdown().await;
    let done = finish(
        child,
        Duration::from_secs(60),
        "submit, its server gone while reading",
    )
    .await;
    let stderr = String::from_utf8_lossy(&done.stderr);
    let states = states_in_store(home.path());
    assert_ended_for_an_unreachable_server(&url, &stderr, done.status.code(), &states, groups);
    assert!(
        states.get("accepted").copied().unwrap_or(0) > 0,
        "the accepted changes wait for the next submit to confirm them: {states:?}"
    );
}
