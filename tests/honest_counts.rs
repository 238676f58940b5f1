//! What the engine tells its clients matches what is on the wire: every request of every job
//! (a sync's reads too) is counted in flight while it is out, held-back changes are counted
//! apart so a run reaches its end, and a refused token stops a job with what to do.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;
use wa_groups::api::{AccessToken, Client, ClientSettings};
use wa_groups::domain::{OpSpec, OperationKind, Participant};
use wa_groups::engine::{Command, Engine, EngineConfig, Event, Scope, Summary};
use wa_groups::sandbox::{self, Sandbox, SandboxConfig};
use wa_groups::session::Session;
use wa_groups::store::{AccountStore, Store};

async fn engine(
    sb: &Sandbox,
    token: &str,
    config: EngineConfig,
) -> (
    tempfile::TempDir,
    AccountStore,
    Engine,
    UnboundedReceiver<Event>,
) {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("s.db"))
        .expect("store")
        .account(&sb.base_url(), sb.phone_number_id())
        .await
        .expect("account");
    let settings = ClientSettings::new(
        &sb.base_url(),
        "v23.0",
        AccessToken::new(token).expect("token"),
        sb.phone_number_id(),
    )
    .expect("settings");
    let client = Client::new(settings).expect("client");
    let (engine, events) = Session::with(store.clone(), client)
        .engine(config)
        .expect("engine");
    (dir, store, engine, events)
}

/// Every event until `last` says the job is over (20 s at most).
async fn until(
    events: &mut UnboundedReceiver<Event>,
    mut last: impl FnMut(&Event) -> bool,
) -> Vec<Event> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .expect("the job ends within 20 s")
            .expect("the engine is there");
        let done = last(&event);
        seen.push(event);
        if done {
            return seen;
        }
    }
}

fn requests_seen(sb: &Sandbox) -> u64 {
    let stats = sb.stats();
    stats["by_route"]
        .as_object()
        .expect("routes")
        .values()
        .flat_map(|counts| counts.as_object().expect("counts").values())
        .filter_map(serde_json::Value::as_u64)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_syncs_reads_are_counted_in_flight_and_the_count_ends_at_zero() {
    let sb = sandbox::start(SandboxConfig {
        groups: 24,
        seed: 3,
        latency_ms: 40,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let (_dir, _store, engine, mut events) = engine(&sb, sb.token(), EngineConfig::default()).await;
    engine.send(Command::Sync);
    let seen = until(&mut events, |e| matches!(e, Event::SyncFinished { .. })).await;
    let wire: Vec<(usize, usize)> = seen
        .iter()
        .filter_map(|e| match e {
            Event::Wire { in_flight, sent } => Some((*in_flight, *sent)),
            _ => None,
        })
        .collect();
    let most = wire.iter().map(|(n, _)| *n).max().unwrap_or(0);
    assert!(most > 1, "reads overlap and are counted: {wire:?}");
    assert!(most <= 8, "no more than the sync's reads at once: {wire:?}");
    assert_eq!(wire.last().map(|(n, _)| *n), Some(0), "all back at the end");
    let sent = wire.last().map_or(0, |(_, s)| *s) as u64;
    assert_eq!(sent, requests_seen(&sb), "every request the server saw");
    assert_eq!(wire.len() as u64, 2 * sent, "each one out, then back");
    sb.shutdown().await;
}

/// Cancel during a sync: no group read starts after it, those in flight end and are kept, and
/// the sync says it stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_sync_starts_no_more_reads_and_keeps_what_it_read() {
    let sb = sandbox::start(SandboxConfig {
        groups: 60,
        seed: 3,
        latency_ms: 40,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let (_dir, store, engine, mut events) = engine(&sb, sb.token(), EngineConfig::default()).await;
    engine.send(Command::Sync);
    until(
        &mut events,
        |e| matches!(e, Event::SyncProgress { done, .. } if *done >= 1),
    )
    .await;
    engine.send(Command::Cancel);
    let seen = until(&mut events, |e| matches!(e, Event::SyncFinished { .. })).await;
    let Some(Event::SyncFinished { error, .. }) = seen.last() else {
        panic!("a finished sync");
    };
    assert!(
        error.as_deref().is_some_and(|e| e.contains("cancelled")),
        "{error:?}"
    );
    let kept = store.groups().await.expect("groups").len();
    assert!((1..60).contains(&kept), "{kept} of 60 read");
    // The list's page, and no group read beyond those started before the cancel.
    let at_most_started = kept as u64 + 8 + 1;
    assert!(
        requests_seen(&sb) <= at_most_started,
        "{} requests for {kept} groups kept",
        requests_seen(&sb)
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_changes_are_counted_apart_and_the_run_reaches_its_end() {
    let sb = sandbox::start(SandboxConfig {
        groups: 0,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let group = sb.insert_group("Empty", &[]);
    let config = EngineConfig {
        reconcile_delay: Duration::ZERO,
        ..EngineConfig::default()
    };
    let (_dir, store, engine, mut events) = engine(&sb, sb.token(), config).await;
    engine.send(Command::Sync);
    until(&mut events, |e| matches!(e, Event::SyncFinished { .. })).await;
    let specs: Vec<OpSpec> = (0..9)
        .map(|n| {
            let p = Participant::from_wa_id(&format!("1212200{:04}", 100 + n)).expect("person");
            OpSpec::for_participant(OperationKind::Add, group.as_str(), p)
        })
        .collect();
    let report = store.enqueue(specs).await.expect("enqueue");
    assert_eq!(
        report
            .flagged
            .iter()
            .map(|f| f.flag.as_str())
            .collect::<Vec<_>>(),
        ["would be 9 of 8 members: 0 now, 8 add(s) already pending"],
        "said when queued"
    );
    engine.send(Command::Submit(Scope::All));
    let seen = until(&mut events, |e| matches!(e, Event::RunFinished(_))).await;
    let held: Vec<&str> = seen
        .iter()
        .filter_map(|e| match e {
            Event::Held { reason, .. } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        held,
        ["would be 9 of 8 members: 0 now, 8 add(s) already planned"]
    );
    let Some(Event::RunFinished(Summary { progress: p, .. })) = seen.last() else {
        panic!("a summary");
    };
    assert_eq!((p.operations, p.confirmed, p.held, p.pending), (9, 8, 1, 0));
    assert_eq!(
        p.operations - p.held,
        p.confirmed + p.failed + p.skipped,
        "100%"
    );
    let last_progress = seen
        .iter()
        .rev()
        .find_map(|e| match e {
            Event::Progress(p) => Some(p.clone()),
            _ => None,
        })
        .expect("progress");
    assert_eq!(last_progress.held, 1);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_halts_the_job_with_its_class() {
    let sb = sandbox::start(SandboxConfig {
        groups: 2,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let (_dir, _store, engine, mut events) =
        engine(&sb, "not-the-token", EngineConfig::default()).await;
    engine.send(Command::Sync);
    let seen = until(&mut events, |e| matches!(e, Event::SyncFinished { .. })).await;
    let halted: Vec<(&str, &str)> = seen
        .iter()
        .filter_map(|e| match e {
            Event::Halted { class, message } => Some((*class, message.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(halted.len(), 1, "{seen:?}");
    assert_eq!(halted[0].0, "auth");
    assert!(halted[0].1.contains("190"), "{}", halted[0].1);
    sb.shutdown().await;
}
