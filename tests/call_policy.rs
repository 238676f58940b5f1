//! One call policy for every request: reads meet the same retries, back-off and pacing as
//! writes; every request the server saw has its audit row; throttles slow the whole run.

mod common;

use std::time::Duration;

use common::{prepare_replace, run};
use wa_groups::engine::{Command, EngineConfig, Event, Scope};
use wa_groups::sandbox::{self, Faults, SandboxConfig};
use wa_groups::session::Session;

/// Exchanges the store holds for the account of `home`.
fn audit_rows(home: &std::path::Path) -> i64 {
    let db = home.join("data").join("wa-groups").join("wa-groups.db");
    let conn = rusqlite::Connection::open(&db).expect("store");
    conn.query_row("SELECT count(*) FROM exchanges", [], |r| r.get(0))
        .expect("count")
}

/// Reads that fail (5xx, HTML pages, dropped connections) are retried like writes: eight syncs
/// in a row each read every group and end 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_reads_every_group_through_faults_on_reads() {
    let sb = sandbox::start(SandboxConfig {
        groups: 80,
        seed: 5,
        fail_rate: 0.1,
        drop_rate: 0.02,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let home = tempfile::tempdir().expect("home");
    for round in 1..=8 {
        let out = run(&sb, home.path(), &["groups", "sync"]).await;
        assert_eq!(out.code, 0, "round {round}: {}", out.stderr);
        assert!(
            out.stdout
                .contains("80 groups listed, 80 read into the mirror, 0 no longer listed (marked gone), 0 unread"),
            "round {round}: {}",
            out.stdout
        );
    }
    sb.shutdown().await;
}

/// A second sync right after the first, under a rate limit of 3 requests a second, is paced
/// and backed off instead of ending on 131208; so is `groups list`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_syncs_in_a_row_under_a_rate_limit_both_end_well() {
    let sb = sandbox::start(SandboxConfig {
        groups: 6,
        seed: 5,
        rate_limit: Some(3.0),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let home = tempfile::tempdir().expect("home");
    for round in 1..=2 {
        let out = run(&sb, home.path(), &["groups", "sync"]).await;
        assert_eq!(out.code, 0, "round {round}: {}", out.stderr);
        assert!(
            out.stdout.contains("6 read into the mirror"),
            "{}",
            out.stdout
        );
    }
    let listed = run(&sb, home.path(), &["groups", "list", "--json"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let stats = sb.stats();
    assert!(
        stats["by_route"]["GET /groups"]["429"]
            .as_u64()
            .unwrap_or(0)
            > 0
            || stats["by_route"]["GET /group"]["429"].as_u64().unwrap_or(0) > 0,
        "the limit was met (else this test proves nothing): {stats}"
    );
    sb.shutdown().await;
}

/// Every request the sandbox counted, whatever became of it (answered, throttled, failed,
/// dropped before or after applying), has one row in the audit trail: reads included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_the_server_saw_has_one_audit_row() {
    let sb = sandbox::start(SandboxConfig {
        groups: 20,
        seed: 11,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let home = tempfile::tempdir().expect("home");
    prepare_replace(&sb, home.path(), 20).await;
    sb.set_faults(Faults {
        fail_rate: 0.15,
        throttle_rate: 0.1,
        drop_rate: 0.05,
        ..Faults::default()
    });
    let sent = run(
        &sb,
        home.path(),
        &[
            "submit",
            "--yes",
            "--verify-delay-ms",
            "0",
            "--backoff-ms",
            "5",
        ],
    )
    .await;
    assert!(matches!(sent.code, 0 | 1), "{}", sent.stderr);
    let synced = run(&sb, home.path(), &["groups", "sync"]).await;
    assert!(matches!(synced.code, 0 | 1), "{}", synced.stderr);
    let stats = sb.stats();
    let counted = stats["total"].as_i64().expect("total");
    let faulted: u64 = ["500", "502", "503", "429", "dropped"]
        .iter()
        .map(|status| {
            [
                "POST /participants",
                "DELETE /participants",
                "GET /group",
                "GET /groups",
            ]
            .iter()
            .map(|route| stats["by_route"][route][status].as_u64().unwrap_or(0))
            .sum::<u64>()
        })
        .sum();
    assert!(faulted >= 5, "faults were met: {stats}");
    assert_eq!(audit_rows(home.path()), counted, "{stats}");
    sb.shutdown().await;
}

/// Under the server's rate limit, the run slows below it: the 429s stay a small share of the
/// requests and the pace the throttles set falls to about the limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_under_a_rate_limit_slows_to_it() {
    const LIMIT: f64 = 20.0;
    let sb = sandbox::start(SandboxConfig {
        groups: 40,
        seed: 3,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let home = tempfile::tempdir().expect("home");
    prepare_replace(&sb, home.path(), 40).await;
    sb.set_faults(Faults {
        rate_limit: Some(LIMIT),
        ..Faults::default()
    });
    let store = wa_groups::store::Store::open(&home.path().join("data/wa-groups/wa-groups.db"))
        .expect("store")
        .account(&sb.base_url(), sb.phone_number_id())
        .await
        .expect("account");
    let token = wa_groups::api::AccessToken::new(sb.token()).expect("token");
    let settings =
        wa_groups::api::ClientSettings::new(&sb.base_url(), "v23.0", token, sb.phone_number_id())
            .expect("settings");
    let client = wa_groups::api::Client::new(settings).expect("client");
    let config = EngineConfig {
        concurrency: 16,
        reconcile_delay: Duration::from_millis(0),
        backoff_base: Duration::from_millis(50),
        ..EngineConfig::default()
    };
    let (engine, mut events) = Session::with(store, client).engine(config).expect("engine");
    engine.send(Command::Submit(Scope::All));
    let mut rates = Vec::new();
    let summary = loop {
        match tokio::time::timeout(Duration::from_secs(120), events.recv()).await {
            Ok(Some(Event::Throttled { rate, .. })) => rates.push(rate),
            Ok(Some(Event::RunFinished(summary))) => break summary,
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => panic!("the run did not end"),
        }
    };
    let stats = sb.stats();
    let throttled: u64 = ["POST /participants", "DELETE /participants", "GET /group"]
        .iter()
        .map(|route| stats["by_route"][route]["429"].as_u64().unwrap_or(0))
        .sum();
    let total = stats["total"].as_u64().expect("total");
    assert!(throttled > 0, "the limit was met: {stats}");
    assert!(
        throttled * 4 <= total,
        "429s are a small share of the requests: {throttled} of {total}; {stats}"
    );
    let slowest = rates
        .iter()
        .flatten()
        .copied()
        .fold(f64::INFINITY, f64::min);
    assert!(
        slowest <= LIMIT * 1.5,
        "the pace fell to about the limit: {rates:?}"
    );
    assert_eq!(summary.progress.failed, 0, "{summary:?}");
    sb.shutdown().await;
}
