//! Every example shape of `groups-api-2026.md` §2 (fixtures written from the field meanings,
//! valid JSON, with the contract's spellings of §1.12 among them) taken by `webhook ingest`,
//! stored once, and applied: operations settled by their `request_id`, per participant; the
//! mirror's members, groups and subjects moved; and each told in a sentence by `events`.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::run_within;
use serde_json::Value;
use wa_groups::domain::{
    JoinApprovalMode, NewGroup, OpId, OpSpec, OperationKind, OperationState, Participant,
};
use wa_groups::store::{
    AccountStore, MirrorGroup, Operation, OperationFilter, Settlement, StateChange, Store,
};

const GROUP: &str = "Z3JwX2V4YW1wbGVfMDAx";
const DOOMED: &str = "R3JwX2dvbmVfMDA0";
const NUMBER: &str = "109876543210987";
const BASE: &str = "https://graph.facebook.com";

/// The fixtures, in a fixed order.
fn fixtures() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/webhooks");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("fixture");
            let value: Value = serde_json::from_str(&text).expect("every fixture is valid JSON");
            let name = path
                .file_stem()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, value)
        })
        .collect()
}

fn p(wa_id: &str) -> Participant {
    Participant::from_wa_id(wa_id).expect("wa_id")
}

/// Queues `people` (add or remove in GROUP) and has the server accept them as one request.
async fn accepted(s: &AccountStore, kind: OperationKind, people: &[&str], request_id: &str) {
    let specs = people
        .iter()
        .map(|w| OpSpec::for_participant(kind, GROUP, p(w)))
        .collect();
    accepted_specs(s, specs, request_id).await;
}

/// Queues `specs` and has the server accept them as one request that got `request_id`.
async fn accepted_specs(s: &AccountStore, specs: Vec<OpSpec>, request_id: &str) {
    let ids = s.enqueue(specs).await.expect("enqueue").ids;
    s.claim(ids.clone(), format!("try-{request_id}"))
        .await
        .expect("claim");
    let changes = ids
        .iter()
        .map(|id| StateChange {
            id: *id,
            state: OperationState::Accepted,
            code: None,
            message: None,
            group: None,
        })
        .collect();
    s.settle(Settlement {
        changes,
        request_id: Some(request_id.into()),
        ..Settlement::default()
    })
    .await
    .expect("accepted");
}

/// The one operation `pick` finds.
async fn op_where(s: &AccountStore, pick: impl Fn(&Operation) -> bool) -> Operation {
    let ops = s.operations(OperationFilter::default()).await.expect("ops");
    ops.into_iter().find(|o| pick(o)).expect("the operation")
}

async fn state_of(
    s: &AccountStore,
    kind: OperationKind,
    wa_id: &str,
) -> (OperationState, Option<i64>) {
    let person = p(wa_id).into();
    let op = op_where(s, |o| {
        o.kind() == kind && o.spec.person().is_some_and(|x| x.is(&person))
    })
    .await;
    (op.state, op.error_code)
}

/// The state, code and group of the lifecycle operation that carried `request_id`.
async fn lifecycle(
    s: &AccountStore,
    kind: OperationKind,
    request_id: &str,
) -> (OperationState, Option<i64>, Option<String>) {
    let op = op_where(s, |o| {
        o.kind() == kind && o.request_id.as_deref() == Some(request_id)
    })
    .await;
    (op.state, op.error_code, op.spec.group().map(str::to_owned))
}

fn new_group(subject: &str) -> OpSpec {
    OpSpec::Create {
        group: None,
        new: NewGroup {
            subject: subject.into(),
            description: None,
            join_approval_mode: JoinApprovalMode::AutoApprove,
        },
    }
}

async fn ingest(home: &Path, db: &Path, file: &Path) -> common::Run {
    run_within(
        home,
        &["webhook", "ingest", file.to_str().expect("path")],
        &[("WA_GROUPS_DB", db.to_str().expect("db").to_string())],
        Duration::from_secs(60),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_documented_shape_is_stored_once_and_applied() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let db = h.join("store.db");
    let store = Store::open(&db).expect("store");
    let s = store.account(BASE, NUMBER).await.expect("account");
    let members = [
        "15550100003",
        "15550100004",
        "15550100006",
        "15550100007",
        "15550100009",
        "15550100011",
    ];
    let group = |id: &str, subject: &str, members: &[&str]| MirrorGroup {
        id: id.into(),
        subject: subject.into(),
        members: members.iter().map(|w| p(w).into()).collect(),
        member_count: members.len() as u32,
        read_at: 0,
        gone_at: None,
        about: Default::default(),
    };
    s.upsert_groups(vec![
        group(GROUP, "Spring cohort A", &members),
        group(DOOMED, "Old cohort", &[]),
    ])
    .await
    .expect("mirror");
    accepted(
        &s,
        OperationKind::Remove,
        &["15550100003", "15550100004"],
        "RQ-91d0",
    )
    .await;
    accepted(
        &s,
        OperationKind::Remove,
        &["15550100007", "15550100005"],
        "RQ-91d1",
    )
    .await;
    accepted(&s, OperationKind::Remove, &["15550100008"], "RQ-91d2").await;
    accepted(
        &s,
        OperationKind::Add,
        &["15550100010", "15550100020"],
        "RQ-a0d1",
    )
    .await;
    accepted(&s, OperationKind::Remove, &["15550100011"], "RQ-c0de").await;
    // The lifecycle's changes, each accepted under the request id its fixture names.
    accepted_specs(&s, vec![new_group("Spring cohort A")], "RQ-7f3a91").await;
    accepted_specs(&s, vec![new_group("Spring cohort B")], "RQ-7f3a92").await;
    let delete = |group: &str| OpSpec::Delete {
        group: group.into(),
    };
    accepted_specs(&s, vec![delete(DOOMED)], "RQ-88c2").await;
    accepted_specs(&s, vec![delete(GROUP)], "RQ-88c3").await;
    let settings = vec![
        OpSpec::Subject {
            group: GROUP.into(),
            subject: "Spring cohort A (2026)".into(),
        },
        OpSpec::Description {
            group: GROUP.into(),
            description: "Weekly check-ins".into(),
        },
    ];
    accepted_specs(&s, settings, "RQ-a1b2").await;

    // One body a line, as saved; in an order unlike the events' own.
    let shapes = fixtures();
    assert_eq!(shapes.len(), 19);
    let lines: String = shapes.iter().rev().map(|(_, v)| format!("{v}\n")).collect();
    let file = h.join("saved.jsonl");
    std::fs::write(&file, &lines).expect("saved");
    let out = ingest(h, &db, &file).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("19 new event(s), 0 already received"),
        "{}",
        out.stdout
    );

    // Settled by request id, each participant by its own entry.
    use OperationKind::{Add, Remove};
    use OperationState::{Confirmed, Failed, Skipped};
    assert_eq!(state_of(&s, Remove, "15550100003").await, (Confirmed, None));
    assert_eq!(
        state_of(&s, Remove, "15550100004").await,
        (Confirmed, None),
        "input without +"
    );
    assert_eq!(state_of(&s, Remove, "15550100007").await, (Confirmed, None));
    assert_eq!(
        state_of(&s, Remove, "15550100005").await,
        (Skipped, None),
        "131212: not a member"
    );
    assert_eq!(
        state_of(&s, Remove, "15550100008").await,
        (Failed, Some(131207)),
        "no error of its own: the item's"
    );
    assert_eq!(state_of(&s, Add, "15550100010").await, (Confirmed, None));
    assert_eq!(
        state_of(&s, Add, "15550100020").await,
        (Failed, Some(131203))
    );
    assert_eq!(
        state_of(&s, Remove, "15550100011").await,
        (Confirmed, None),
        "C's spelling"
    );
    // The lifecycle's: a create by its `group_create` (the group it made now named), failed
    // with the event's code; a deletion; each settings part by its own outcome.
    use OperationKind::{Create, Delete, Description, Subject};
    assert_eq!(
        lifecycle(&s, Create, "RQ-7f3a91").await,
        (Confirmed, None, Some("R3JwX2NyZWF0ZWRfMDAy".into()))
    );
    assert_eq!(
        lifecycle(&s, Create, "RQ-7f3a92").await,
        (Failed, Some(131211), None),
        "W's group_id of a failed create is not taken"
    );
    assert_eq!(
        lifecycle(&s, Delete, "RQ-88c2").await,
        (Confirmed, None, Some(DOOMED.into()))
    );
    assert_eq!(
        lifecycle(&s, Delete, "RQ-88c3").await,
        (Failed, Some(131207), Some(GROUP.into()))
    );
    assert_eq!(
        lifecycle(&s, Subject, "RQ-a1b2").await,
        (Confirmed, None, Some(GROUP.into()))
    );
    assert_eq!(
        lifecycle(&s, Description, "RQ-a1b2").await,
        (Failed, Some(100), Some(GROUP.into())),
        "the part's own error, not the item's 131201"
    );
    let outcomes = s.outcomes().await.expect("outcomes");
    assert_eq!(outcomes.len(), 14, "one outcome row per operation");

    // The mirror follows: who joined (by link, by approval, added), who left or was removed.
    let g = s.group(GROUP).await.expect("read").expect("group");
    let now: Vec<String> = g.members.iter().map(|m| m.label()).collect();
    assert_eq!(
        now,
        vec![
            "+15550100001 @ana.k",
            "+15550100002",
            "+15550100010",
            "US.9930217741 @bo.r"
        ],
        "each with the keys the event gave; a hidden phone by BSUID"
    );
    assert_eq!(g.member_count, 4);
    assert!(!g.about.suspended, "suspended, then cleared");
    assert!(
        s.join_requests(Some(GROUP))
            .await
            .expect("requests")
            .is_empty(),
        "the one who asked was let in"
    );
    assert_eq!(
        g.subject, "Spring cohort A (2026)",
        "the subject a settings change set"
    );
    let made = s
        .group("R3JwX2NyZWF0ZWRfMDAy")
        .await
        .expect("read")
        .expect("created");
    assert_eq!(made.subject, "Spring cohort A");
    assert_eq!(
        made.about.invite_link.as_deref(),
        Some("https://chat.whatsapp.com/AbCdEf123456")
    );
    let gone = s.group(DOOMED).await.expect("read").expect("kept");
    assert!(gone.gone_at.is_some(), "a deleted group is marked gone");

    // Each told once, oldest first, with what it settled.
    let out = run_within(
        h,
        &["events", "--json"],
        &[
            ("WA_GROUPS_DB", db.to_str().expect("db").to_string()),
            ("WA_PHONE_NUMBER_ID", NUMBER.to_string()),
        ],
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let events: Vec<Value> = serde_json::from_str(&out.stdout).expect("events json");
    assert_eq!(events.len(), 19);
    let times: Vec<&str> = events
        .iter()
        .map(|e| e["time"].as_str().unwrap_or(""))
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "oldest first");
    let text = |kind: &str, needle: &str| {
        events
            .iter()
            .filter(|e| e["type"] == kind)
            .any(|e| e["text"].as_str().unwrap_or("").contains(needle))
    };
    assert!(text("group_participants_add", "+15550100001 @ana.k joined"));
    assert!(text("group_participants_add", "by link"));
    assert!(text("group_participants_add", "+15550100002 joined"));
    assert!(text("group_participants_add", "by approval"));
    assert!(text("group_participants_add", "US.9930217741 @bo.r joined"));
    assert!(text("group_participants_remove", "+15550100006 left"));
    assert!(text("group_participants_remove", "+15550100009 left"));
    assert!(text(
        "group_participants_remove",
        "not removed: +15550100005 (131212"
    ));
    assert!(text(
        "group_join_request_created",
        "+15550100002 asked to join"
    ));
    assert!(text("group_join_request_revoked", "+15550100012 withdrew"));
    assert!(text("group_create", "group created: \"Spring cohort A\""));
    assert!(text("group_create", "was not created: 131211"));
    assert!(text("group_delete", "deleted"));
    assert!(text("group_delete", "was not deleted: 131207"));
    assert!(text(
        "group_settings_update",
        "description not changed (100"
    ));
    assert!(text("group_suspend", "suspended by WhatsApp"));
    assert!(text("group_suspend_cleared", "suspension was lifted"));
    let settled: usize = events
        .iter()
        .map(|e| e["settled"]["operations"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(settled, 14, "every operation settled by exactly one event");

    // The same file again: recognised, nothing applied twice.
    let again = ingest(h, &db, &file).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("0 new event(s), 19 already received"),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("0 operation(s) settled"),
        "{}",
        again.stdout
    );
    assert_eq!(s.outcomes().await.expect("outcomes").len(), 14);
    let ids: Vec<OpId> = s
        .operations(OperationFilter::default())
        .await
        .expect("ops")
        .iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(ids.len(), 14);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_line_stores_nothing_and_every_bad_line_is_named() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let db = h.join("store.db");
    let good = fixtures().remove(0).1.to_string();
    let text = format!(
        "{good}\n\n{{\"object\":\"whatsapp_business_account\",\"entry\":\n[1,2]\n{good}\r\n{{\"entry\":\"EAAB-secret-looking\"\n"
    );
    let file = h.join("saved.jsonl");
    std::fs::write(&file, text).expect("saved");
    let out = ingest(h, &db, &file).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    let name = file.display().to_string();
    assert!(
        out.stderr
            .contains(&format!("{name}:3: not JSON (cut short")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&format!("{name}:4: not a webhook envelope")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("{name}:6: not JSON")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("3 bad line(s); nothing was stored"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("EAAB"),
        "a body is never quoted: {}",
        out.stderr
    );
    assert!(!db.exists(), "the store is not even opened");
    // Standard input, all good.
    let mut child = tokio::process::Command::new(common::BIN)
        .args(["webhook", "ingest", "-"])
        .env_clear()
        .env("HOME", h)
        .env("WA_GROUPS_DB", &db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    {
        use tokio::io::AsyncWriteExt;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(format!("\u{feff}{good}\n").as_bytes())
            .await
            .expect("write");
    }
    let out = common::finish(child, Duration::from_secs(60), "webhook ingest -").await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 new event(s)"));
}
