//! The group lifecycle through the engine against the in-process sandbox: a create whose answer
//! is lost is found (never made twice), settings confirmed by reading, a delete seen gone, links
//! reset and revoked, join requests approved and rejected, and a webhook (its `request_id`)
//! settling what its answer left open, through the one path of events, `engine::inbox`.

use std::time::Duration;

use wa_groups::api::webhook::parse_delivery;
use wa_groups::domain::{JoinApprovalMode, NewGroup, OpSpec, OperationState};
use wa_groups::engine::{Command, EngineConfig, Event, Scope, inbox};
use wa_groups::receiver::batches;
use wa_groups::sandbox::{self, Faults, Sandbox, SandboxConfig, User};
use wa_groups::session::Session;
use wa_groups::store::{AccountStore, Operation, OperationFilter};
use wa_groups::testing::sandbox_session;

struct World {
    sb: Sandbox,
    store: AccountStore,
    session: Session,
    _dir: tempfile::TempDir,
}

async fn world(config: SandboxConfig) -> World {
    let sb = sandbox::start(config).await.expect("sandbox");
    let (dir, store, session) = sandbox_session(&sb).await;
    World {
        sb,
        store,
        session,
        _dir: dir,
    }
}

fn config() -> EngineConfig {
    EngineConfig {
        reconcile_delay: Duration::from_millis(60),
        backoff_base: Duration::from_millis(20),
        ..EngineConfig::default()
    }
}

/// Runs an engine job to its end (fails after a minute).
async fn run(w: &World, command: Command) -> Vec<Event> {
    let (engine, mut events) = w.session.engine(config()).expect("engine");
    engine.send(command);
    let mut seen = Vec::new();
    let done = async {
        while let Some(e) = events.recv().await {
            let end = matches!(
                e,
                Event::RunFinished(_) | Event::SyncFinished { .. } | Event::Fetched { .. }
            );
            seen.push(e);
            if end {
                return;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), done)
        .await
        .expect("the job ends within a minute");
    seen
}

async fn queue_and_submit(w: &World, specs: Vec<OpSpec>) -> Vec<Operation> {
    let report = w.store.enqueue(specs).await.expect("enqueue");
    run(w, Command::Submit(Scope::Operations(report.ids.clone()))).await;
    w.store
        .operations(OperationFilter {
            ids: Some(report.ids),
            ..OperationFilter::default()
        })
        .await
        .expect("operations")
}

fn create(subject: &str, mode: JoinApprovalMode) -> OpSpec {
    OpSpec::Create {
        group: None,
        new: NewGroup {
            subject: subject.into(),
            description: None,
            join_approval_mode: mode,
        },
    }
}

fn user(phone: &str) -> User<'_> {
    User {
        phone,
        username: None,
        hide_phone: None,
    }
}

fn with_subject(sb: &Sandbox, subject: &str) -> Vec<String> {
    sb.group_ids()
        .into_iter()
        .filter(|g| sb.subject(g).as_deref() == Some(subject))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_whose_answer_is_dropped_is_found_not_created_twice() {
    let w = world(SandboxConfig {
        groups: 2,
        seed: 3,
        create_delay_ms: 80,
        ..SandboxConfig::default()
    })
    .await;
    let before = w.sb.group_ids().len();
    // Every write's connection is closed unanswered, half before the create is applied and half
    // after; the reads that settle them get through.
    w.sb.set_faults(Faults {
        drop_rate: 1.0,
        writes_only: true,
        ..Faults::default()
    });
    let subjects: Vec<String> = (1..=6).map(|n| format!("Lost answer {n}")).collect();
    let ops = queue_and_submit(
        &w,
        subjects
            .iter()
            .map(|s| create(s, JoinApprovalMode::AutoApprove))
            .collect(),
    )
    .await;
    let mut made = 0;
    for (op, subject) in ops.iter().zip(&subjects) {
        let groups = with_subject(&w.sb, subject);
        match op.state {
            OperationState::Confirmed => {
                made += 1;
                assert_eq!(groups.len(), 1, "{subject}: one group, not two");
                assert_eq!(
                    op.group(),
                    Some(groups[0].as_str()),
                    "the op names its group"
                );
            }
            OperationState::Failed => {
                assert!(groups.is_empty(), "{subject}: failed yet made: {groups:?}");
                let why = op.error_message.as_deref().unwrap_or_default();
                assert!(why.contains("never sent again"), "{why}");
            }
            other => panic!("{subject}: left {other}"),
        }
    }
    assert!(
        made > 0,
        "at least one answer was lost after the create applied"
    );
    assert!(made < subjects.len(), "and one before");
    assert_eq!(w.sb.group_ids().len(), before + made);
    let stats = w.sb.stats();
    assert_eq!(
        stats["by_route"]["POST /groups"]["dropped"], 6,
        "each create was sent once: {stats}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_answered_500_is_found_by_listing_not_sent_again() {
    let w = world(SandboxConfig {
        groups: 1,
        seed: 4,
        create_delay_ms: 0,
        ..SandboxConfig::default()
    })
    .await;
    w.sb.set_faults(Faults {
        fail_rate: 1.0,
        writes_only: true,
        ..Faults::default()
    });
    let ops = queue_and_submit(
        &w,
        vec![create("Five hundred", JoinApprovalMode::AutoApprove)],
    )
    .await;
    // The sandbox's 5xx applies nothing: the group is not there, and the create is not sent
    // again (a 5xx says nothing of a create's outcome).
    assert_eq!(ops[0].state, OperationState::Failed, "{:?}", ops[0]);
    assert!(with_subject(&w.sb, "Five hundred").is_empty());
    let stats = w.sb.stats();
    let by = &stats["by_route"]["POST /groups"];
    let sent: u64 = by
        .as_object()
        .expect("counts")
        .values()
        .filter_map(|v| v.as_u64())
        .sum();
    assert_eq!(sent, 1, "sent once: {stats}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_delete_links_and_join_requests_are_confirmed_and_mirrored() {
    let w = world(SandboxConfig {
        groups: 3,
        seed: 8,
        approval_rate: 0.0,
        create_delay_ms: 20,
        ..SandboxConfig::default()
    })
    .await;
    let ops = queue_and_submit(
        &w,
        vec![
            create("Cohort auto", JoinApprovalMode::AutoApprove),
            create("Cohort approval", JoinApprovalMode::ApprovalRequired),
        ],
    )
    .await;
    assert!(
        ops.iter().all(|op| op.state == OperationState::Confirmed),
        "{ops:?}"
    );
    let auto = ops[0].group().expect("made").to_owned();
    let approval = ops[1].group().expect("made").to_owned();
    let mirrored = w.store.group(&auto).await.expect("read").expect("mirrored");
    let link = mirrored
        .about
        .invite_link
        .clone()
        .expect("the link was read");
    assert_eq!(w.sb.invite_link(&auto).as_deref(), Some(link.as_str()));

    // A user joins by the link; two ask to join the approval group.
    w.sb.join_by_link(&link, &user("+12122000301"))
        .expect("joins");
    let approval_link = w.sb.invite_link(&approval).expect("link");
    w.sb.ask_to_join(&approval_link, &user("+12122000302"))
        .expect("asks");
    w.sb.ask_to_join(&approval_link, &user("+12122000303"))
        .expect("asks");
    run(&w, Command::Sync).await;
    let pending = w
        .store
        .join_requests(Some(&approval))
        .await
        .expect("requests");
    assert_eq!(pending.len(), 2, "sync read the join requests");
    let of = |wa_id: &str| {
        pending
            .iter()
            .find(|r| {
                r.person
                    .as_ref()
                    .and_then(|p| p.phone())
                    .is_some_and(|p| p.wa_id() == wa_id)
            })
            .expect("their request")
            .reference()
    };
    let approve = OpSpec::Approve {
        group: approval.clone(),
        request: of("12122000302"),
    };
    let reject = OpSpec::Reject {
        group: approval.clone(),
        request: of("12122000303"),
    };
    let ops = queue_and_submit(
        &w,
        vec![
            approve,
            reject,
            OpSpec::Subject {
                group: auto.clone(),
                subject: "Cohort renamed".into(),
            },
            OpSpec::Description {
                group: auto.clone(),
                description: "Weekly".into(),
            },
            OpSpec::ResetLink {
                group: auto.clone(),
            },
        ],
    )
    .await;
    assert!(
        ops.iter().all(|op| op.state == OperationState::Confirmed),
        "{ops:?}"
    );
    let members = w.sb.members(&approval).expect("group");
    assert!(
        members.contains(&"12122000302".to_string()),
        "approved: {members:?}"
    );
    assert!(!members.contains(&"12122000303".to_string()), "rejected");
    assert!(
        w.store
            .join_requests(Some(&approval))
            .await
            .expect("read")
            .is_empty()
    );
    let view = w.sb.group(&auto).expect("group");
    assert_eq!(
        (view.subject.as_str(), view.description.as_str()),
        ("Cohort renamed", "Weekly")
    );
    let new_link = view.invite_link.expect("a new link");
    assert_ne!(new_link, link, "the old link died");
    let mirrored = w.store.group(&auto).await.expect("read").expect("mirrored");
    assert_eq!(mirrored.subject, "Cohort renamed");
    assert_eq!(
        mirrored.about.invite_link.as_deref(),
        Some(new_link.as_str())
    );
    assert!(
        w.sb.join_by_link(&link, &user("+12122000304")).is_err(),
        "dead link"
    );

    let ops = queue_and_submit(
        &w,
        vec![
            OpSpec::RevokeLink {
                group: auto.clone(),
            },
            OpSpec::Delete {
                group: approval.clone(),
            },
        ],
    )
    .await;
    assert!(
        ops.iter().all(|op| op.state == OperationState::Confirmed),
        "{ops:?}"
    );
    assert!(w.sb.group(&approval).is_none(), "deleted");
    let gone = w.store.group(&approval).await.expect("read").expect("kept");
    assert!(gone.gone_at.is_some(), "the mirror shows it gone");
    assert_eq!(
        w.store
            .group(&auto)
            .await
            .expect("read")
            .expect("kept")
            .about
            .invite_link,
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_settles_the_create_its_request_id_names() {
    let w = world(SandboxConfig {
        groups: 1,
        seed: 9,
        create_delay_ms: 60_000,
        ..SandboxConfig::default()
    })
    .await;
    let report = w
        .store
        .enqueue(vec![create(
            "Slow to appear",
            JoinApprovalMode::AutoApprove,
        )])
        .await
        .expect("enqueue");
    let (engine, mut events) = w
        .session
        .engine(EngineConfig {
            create_looks: 1,
            ..config()
        })
        .expect("engine");
    engine.send(Command::Submit(Scope::Operations(report.ids.clone())));
    while let Some(e) = events.recv().await {
        if matches!(e, Event::RunFinished(_)) {
            break;
        }
    }
    let op = &w
        .store
        .operations(OperationFilter::default())
        .await
        .expect("ops")[0];
    assert_eq!(
        op.state,
        OperationState::Accepted,
        "not in the list yet: {op:?}"
    );
    let request_id = op
        .request_id
        .clone()
        .expect("the answer's request_id is kept");
    // The create's `group_create` webhook (groups-api-2026.md §2.2), as Meta delivers it.
    let body = serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "1",
        "changes": [{"field": "group_lifecycle_update", "value": {"messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "1", "phone_number_id": w.sb.phone_number_id()},
            "groups": [{"timestamp": "1767261600", "group_id": "R3JvdXBfbWFkZQ",
                "type": "group_create", "request_id": request_id, "subject": "Slow to appear",
                "invite_link": "https://chat.whatsapp.com/AbCdEf123456",
                "join_approval_mode": "auto_approve"}]}}]}]})
    .to_string();
    let receive = || async {
        let delivery = parse_delivery(body.as_bytes()).expect("a delivery");
        w.store
            .store()
            .receive_events(&w.sb.base_url(), batches(delivery))
            .await
            .expect("stored");
        inbox::process_pending(&w.store).await.expect("processed")
    };
    let processed = receive().await;
    assert_eq!((processed.events, processed.operations), (1, 1));
    let op = &w
        .store
        .operations(OperationFilter::default())
        .await
        .expect("ops")[0];
    assert_eq!(op.state, OperationState::Confirmed);
    assert_eq!(op.group(), Some("R3JvdXBfbWFkZQ"));
    let made = w
        .store
        .group("R3JvdXBfbWFkZQ")
        .await
        .expect("read")
        .expect("the new group is in the mirror");
    assert_eq!(
        (made.subject.as_str(), made.about.invite_link.as_deref()),
        (
            "Slow to appear",
            Some("https://chat.whatsapp.com/AbCdEf123456")
        )
    );
    // Delivered twice: stored once, nothing settled again.
    assert_eq!(receive().await, inbox::Processed::default());
    let outcomes = w.store.outcomes().await.expect("outcomes");
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
}

/// A group deleted elsewhere after the last sync: the change sent to it fails with the
/// server's 131041, a second delete of it is skipped, and the mirror marks it gone from
/// those answers (as a read would), so the app and the next plan know.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_the_group_does_not_exist_marks_it_gone() {
    let w = world(SandboxConfig {
        groups: 3,
        seed: 9,
        ..SandboxConfig::default()
    })
    .await;
    run(&w, Command::Sync).await;
    let groups = w.store.groups().await.expect("groups");
    let (changed, deleted) = (groups[0].id.clone(), groups[1].id.clone());
    assert!(w.sb.remove_group(&changed) && w.sb.remove_group(&deleted));

    let ops = queue_and_submit(
        &w,
        vec![
            OpSpec::Subject {
                group: changed.clone(),
                subject: "Renamed".into(),
            },
            OpSpec::Delete {
                group: deleted.clone(),
            },
        ],
    )
    .await;
    assert_eq!(ops[0].state, OperationState::Failed, "{:?}", ops[0]);
    assert_eq!(ops[1].state, OperationState::Skipped, "{:?}", ops[1]);
    for id in [&changed, &deleted] {
        let g = w.store.group(id).await.expect("read").expect("mirrored");
        assert!(g.gone_at.is_some(), "{id} is marked gone");
    }
    let untouched = w
        .store
        .group(&groups[2].id)
        .await
        .expect("read")
        .expect("mirrored");
    assert!(untouched.gone_at.is_none());
}
