//! The real app and engine on a sandbox: the operator's own log lines carry the wall clock,
//! changes queued by another process show without a key, groups show as a sync reads them,
//! and a person search finds a pending add and withdraws it.

mod tui_common;

use std::sync::atomic::{AtomicI64, Ordering};

use crossterm::event::KeyCode;
use tui_common::Harness;
use wa_groups::domain::{OpSpec, OperationKind, OperationState, Participant};
use wa_groups::sandbox::{self, SandboxConfig};
use wa_groups::store::Store;
use wa_groups::tui::shared::Work;

/// The app's clock in the first test: set by the test.
static CLOCK: AtomicI64 = AtomicI64::new(1_764_040_234_000);

fn clock() -> i64 {
    CLOCK.load(Ordering::SeqCst)
}

/// The app at 80x24 on a sandbox of three groups, synced.
async fn synced_app() -> (sandbox::Sandbox, Harness) {
    synced_app_with_clock(wa_groups::store::now_ms).await
}

/// [`synced_app`] with the app's clock.
async fn synced_app_with_clock(clock: fn() -> i64) -> (sandbox::Sandbox, Harness) {
    let sb = sandbox::start(SandboxConfig {
        groups: 3,
        seed: 4,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let mut h = Harness::start_with_clock(&sb, 80, 24, clock).await;
    h.synced().await;
    (sb, h)
}

/// Queues an add of `number` to `group` through a second handle on the app's store file, as
/// another process would; the handle, for reading the store afterwards.
async fn queue_add_elsewhere(
    h: &Harness,
    sb: &sandbox::Sandbox,
    group: &str,
    number: &str,
) -> wa_groups::store::AccountStore {
    let other = Store::open(&h.dir.path().join(wa_groups::testing::STORE_FILE))
        .expect("store")
        .account(&sb.base_url(), sb.phone_number_id())
        .await
        .expect("account");
    let who = Participant::parse(number, None).expect("number");
    other
        .enqueue(vec![OpSpec::for_participant(
            OperationKind::Add,
            group.to_owned(),
            who,
        )])
        .await
        .expect("enqueue");
    other
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operators_own_lines_carry_the_time_they_happen() {
    let (sb, mut h) = synced_app_with_clock(clock).await;
    let synced_at = h
        .app
        .state()
        .views
        .log
        .lines
        .back()
        .map(|l| l.at)
        .expect("a line");
    // Ten minutes later, with no engine event in between, the operator queues a number.
    let later = synced_at + 600_000;
    CLOCK.store(later, Ordering::SeqCst);
    h.type_text("a");
    h.paste("+12122000701");
    h.key(KeyCode::Enter);
    h.run_until("the queued line", |s| {
        s.views
            .log
            .lines
            .iter()
            .any(|l| l.text.starts_with("queued 1 change(s)"))
    })
    .await;
    let line = h
        .app
        .state()
        .views
        .log
        .lines
        .iter()
        .find(|l| l.text.starts_with("queued 1 change(s)"))
        .expect("queued");
    assert_eq!(line.at, later, "stamped with the wall clock");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_queued_by_another_process_show_without_a_key() {
    let (sb, mut h) = synced_app().await;
    let group = h
        .app
        .state()
        .current_group()
        .map(|g| g.id.to_string())
        .expect("a group");
    queue_add_elsewhere(&h, &sb, &group, "+12122000702").await;
    h.run_until("the app to count it", |s| {
        s.views.status.counts.get(&OperationState::Pending) == Some(&1)
            && s.shared.mirror.get(&group).is_some_and(|g| g.pending == 1)
    })
    .await;
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_show_as_the_sync_reads_them() {
    let sb = sandbox::start(SandboxConfig {
        // Eight rounds of reads of a quarter second each: two seconds of sync.
        groups: 64,
        seed: 4,
        latency_ms: 250,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let mut h = Harness::start(&sb, 80, 24).await;
    // Before the sync ends, some groups are listed already.
    h.run_until("groups while syncing", |s| {
        matches!(s.shared.work, Work::Syncing { .. }) && !s.shared.mirror.rows.is_empty()
    })
    .await;
    let rows = h.app.state().shared.mirror.rows.len();
    assert!(rows < 64, "the sync is still reading: {rows} of 64");
    h.synced().await;
    sb.shutdown().await;
}

/// A person whose add is still pending shows in a person search with that group, and `x`
/// withdraws the add (no removal of someone who is not a member), named in the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_search_finds_a_pending_add_and_x_withdraws_it() {
    let (sb, mut h) = synced_app().await;
    let (group, subject) = h
        .app
        .state()
        .current_group()
        .map(|g| (g.id.to_string(), g.subject.to_string()))
        .expect("a group");
    let store = queue_add_elsewhere(&h, &sb, &group, "+12122000703").await;
    h.run_until("the app to count it", |s| {
        s.views.status.counts.get(&OperationState::Pending) == Some(&1)
    })
    .await;
    h.key(KeyCode::Char('/'));
    h.paste("+12122000703");
    h.key(KeyCode::Enter);
    let target = group.clone();
    h.run_until("the search to list the group", move |s| {
        s.views.groups.filter.adding.contains_key(&target)
    })
    .await;
    h.key(KeyCode::Char('x'));
    h.run_until("the add withdrawn", |s| {
        s.views.status.counts.get(&OperationState::Pending) == Some(&0)
    })
    .await;
    let log: Vec<String> = h
        .app
        .state()
        .views
        .log
        .lines
        .iter()
        .map(|l| l.text.clone())
        .collect();
    let withdrawn = format!("undo: withdrawn: add +12122000703 to {subject}");
    assert!(log.iter().any(|l| l.starts_with(&withdrawn)), "{log:#?}");
    let left = store
        .operations(wa_groups::store::OperationFilter::default())
        .await
        .expect("ops");
    assert!(
        left.iter()
            .all(|op| op.spec.kind() != OperationKind::Remove),
        "nothing queued to remove: {left:?}"
    );
    sb.shutdown().await;
}
