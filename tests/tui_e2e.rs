//! End to end: the real app and engine against an in-process sandbox and a temporary store,
//! driven by a key stream, checked on the app's log and on the sandbox's state.

mod tui_common;

use crossterm::event::KeyCode;
use tui_common::{Harness, log_count};
use wa_groups::sandbox::{self, SandboxConfig};
use wa_groups::tui::shared::Work;

const NEW: [&str; 3] = ["12122000101", "12122000102", "12122000103"];
/// A person in several groups of the sandbox.
const PERSON: &str = "12122000555";

/// With a person's three groups listed: picks each, queues the removals, sends everything and
/// waits for the three to be confirmed.
async fn remove_from_three_found_groups(h: &mut Harness) {
    for _ in 0..3 {
        h.type_text(" ");
    }
    // Removing from several groups asks first; y queues.
    h.type_text("x");
    h.type_text("y");
    h.run_until("three removals queued", |s| {
        s.views
            .status
            .counts
            .get(&wa_groups::domain::OperationState::Pending)
            == Some(&3)
    })
    .await;
    // Removals of someone known only by BSUID are flagged: the answer is a popup, read and
    // closed.
    if matches!(
        h.app.state().overlay(),
        Some(wa_groups::tui::overlays::Overlay::Text(_))
    ) {
        h.key(KeyCode::Esc);
    }
    h.type_text("S");
    h.type_text("y");
    h.run_until("three removals confirmed", |s| {
        s.shared.work == Work::Idle && log_count(s, "confirmed #", " remove ") == 3
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_three_numbers_then_remove_a_person_from_all_their_groups() {
    let sb = sandbox::start(SandboxConfig {
        groups: 12,
        seed: 5,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let with_person: Vec<String> = (1..=3)
        .map(|n| sb.insert_group(&format!("Choir {n}"), &[PERSON, "12122000900"]))
        .collect();
    let target = sb
        .group_ids()
        .into_iter()
        .find(|g| sb.members(g).is_some_and(|m| m.len() + 3 <= 8))
        .expect("a group with room for three");

    let mut h = Harness::start(&sb, 120, 40).await;
    h.synced().await;

    // (a) Filter to the group by its id, add three numbers (typed and pasted), submit.
    h.type_text("/");
    h.type_text(&target);
    h.key(KeyCode::Enter);
    h.type_text("a");
    h.type_text("+1 212 200 0101, ");
    h.paste("+12122000102\n+1 (212) 200-0103\n");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Esc); // the queued report
    h.type_text("s");
    h.type_text("y");
    h.run_until("three adds confirmed", |s| {
        s.shared.work == Work::Idle && log_count(s, "confirmed #", " add ") == 3
    })
    .await;
    let members = sb.members(&target).expect("the group");
    for n in NEW {
        assert!(members.contains(&n.to_string()), "{n} added: {members:?}");
    }
    let screen = h.screen();
    assert!(screen.contains("run finished"), "{screen}");

    // (b) Search the person, pick every group they are in, remove, submit everything.
    h.type_text("/");
    h.ctrl('u');
    h.type_text("+1 212 200 0555");
    h.key(KeyCode::Enter);
    h.run_until("the person's groups", |s| {
        s.views.groups.filter.person.is_some() && s.views.groups.visible.len() == 3
    })
    .await;
    remove_from_three_found_groups(&mut h).await;
    for g in sb.group_ids() {
        let members = sb.members(&g).unwrap_or_default();
        assert!(
            !members.contains(&PERSON.to_string()),
            "{PERSON} still in {g}"
        );
    }
    for g in &with_person {
        assert_eq!(sb.members(g), Some(vec!["12122000900".to_string()]));
    }
    // The mirror follows: the person is in no group any more.
    h.run_until("the search refreshed", |s| {
        s.views.groups.visible.is_empty()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_confirm_while_sending_sends_nothing_more() {
    let sb = sandbox::start(SandboxConfig {
        groups: 4,
        seed: 9,
        latency_ms: 150,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let mut h = Harness::start(&sb, 80, 24).await;
    h.synced().await;
    let target = h
        .app
        .state()
        .current_group()
        .map(|g| g.id.clone())
        .expect("a group");
    let room = 8 - sb.members(&target).map_or(0, |m| m.len());
    assert!(room > 0, "seeded group has room");
    h.type_text("a");
    h.paste("+12122000201");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Esc);
    // s, y, then s, y again at once: the second is refused.
    h.type_text("sysy");
    h.run_until("the add confirmed", |s| {
        s.shared.work == Work::Idle && log_count(s, "confirmed #", " add ") == 1
    })
    .await;
    let state = h.app.state();
    assert_eq!(log_count(state, "submit: ", ""), 1, "one submit only");
    assert_eq!(log_count(state, "run started", ""), 1);
    let stats = sb.stats().to_string();
    assert!(
        sb.members(&target)
            .is_some_and(|m| m.contains(&"12122000201".to_string())),
        "{stats}"
    );
}

/// What a webhook receiver (another process) writes into the store reaches the open app: a
/// line in the log for each event (who joined which group, who left, a suspension), and the
/// panes reloaded (the group's member count).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_events_another_process_stores_reach_the_log_and_the_panes() {
    let sb = sandbox::start(SandboxConfig {
        groups: 6,
        seed: 5,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let group = sb
        .group_ids()
        .into_iter()
        .find(|g| sb.members(g).is_some_and(|m| (2..=6).contains(&m.len())))
        .expect("a group with members and room");
    let subject = sb.subject(&group).expect("subject");
    let members = sb.members(&group).unwrap_or_default();
    let mut h = Harness::start(&sb, 120, 40).await;
    h.synced().await;
    let count = |s: &wa_groups::tui::State| {
        s.shared
            .mirror
            .rows
            .iter()
            .find(|r| *r.id == *group)
            .map(|r| r.members)
    };
    let before = count(h.app.state()).expect("in the mirror");

    let at = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        + 2)
    .to_string();
    let item = |field: &str, item: serde_json::Value| {
        serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "1",
            "changes": [{"field": field, "value": {"messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "1", "phone_number_id": sb.phone_number_id()},
                "groups": [item]}}]}]})
        .to_string()
    };
    let lines = [
        item(
            "group_participants_update",
            serde_json::json!({"timestamp": at, "group_id": group, "type": "group_participants_add",
                "reason": "invite_link", "added_participants": [{"wa_id": "447700900123", "user_id": "GB.1"}]}),
        ),
        item(
            "group_participants_update",
            serde_json::json!({"timestamp": at, "group_id": group, "type": "group_participants_remove",
                "initiated_by": "participant", "removed_participants": [{"wa_id": members[0]}]}),
        ),
        item(
            "group_participants_update",
            serde_json::json!({"timestamp": at, "group_id": group, "type": "group_participants_remove",
                "initiated_by": "participant", "removed_participants": [{"wa_id": members[1]}]}),
        ),
        item(
            "group_status_update",
            serde_json::json!({"timestamp": at, "group_id": group, "type": "group_suspend"}),
        ),
    ];
    let file = h.dir.path().join("saved.jsonl");
    std::fs::write(&file, lines.join("\n")).expect("saved");
    let ingest = tokio::process::Command::new(env!("CARGO_BIN_EXE_wa-groups"))
        .args(["webhook", "ingest", file.to_str().expect("path")])
        .env_clear()
        .env("HOME", h.dir.path())
        .env("XDG_DATA_HOME", h.dir.path().join("data"))
        .env("WA_GROUPS_DB", &h.db)
        .env("WA_BASE_URL", sb.base_url())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), ingest)
        .await
        .expect("ingest in time")
        .expect("ingest runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let joined = format!("+447700900123 joined {subject} by link");
    let left = format!("+{} left {subject}", members[0]);
    let suspended = format!("{subject} was suspended by WhatsApp");
    h.run_until("the events in the log and the group's new count", |s| {
        log_count(s, &joined, "") == 1
            && log_count(s, &left, "") == 1
            && log_count(s, &suspended, "") == 1
            && count(s) == Some(before - 1)
    })
    .await;
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_found_by_username_is_removed_from_every_group_they_are_in() {
    let sb = sandbox::start(SandboxConfig {
        groups: 6,
        seed: 3,
        hidden_phone_rate: 1.0,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let with_person: Vec<String> = (1..=3)
        .map(|n| sb.insert_group(&format!("Hidden {n}"), &[PERSON, "12122000900"]))
        .collect();
    let person = sb.person(PERSON).expect("the person");
    assert!(person.phone_hidden, "known to the business only by BSUID");
    let username = person.username.clone().expect("a username");

    let mut h = Harness::start(&sb, 120, 40).await;
    h.synced().await;
    h.type_text("/");
    h.type_text(&format!("@{username}"));
    h.key(KeyCode::Enter);
    h.run_until("the person's groups", |s| {
        s.views.groups.filter.person.is_some() && s.views.groups.visible.len() == 3
    })
    .await;
    let screen = h.screen();
    assert!(screen.contains(&format!("@{username}")), "{screen}");
    remove_from_three_found_groups(&mut h).await;
    for g in &with_person {
        assert_eq!(sb.members(g), Some(vec!["12122000900".to_string()]));
    }
    h.run_until("the search refreshed", |s| {
        s.views.groups.visible.is_empty()
    })
    .await;
    // Each outcome names them as the business knows them: BSUID and username.
    let named = format!("{} @{username}", person.user_id);
    assert_eq!(
        log_count(h.app.state(), "confirmed #", &named),
        3,
        "{:?}",
        h.app.state().views.log.lines
    );
}
