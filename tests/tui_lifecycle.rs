//! The group lifecycle in the real app against the sandbox, driven by keys: a group created
//! from the dialog, a join request approved and the rest rejected from the join requests view,
//! the link copied and reset, a group renamed and one deleted.

mod tui_common;

use std::sync::{Arc, Mutex};

use crossterm::event::KeyCode;
use tui_common::{Harness, log_count};
use wa_groups::sandbox::{self, SandboxConfig};
use wa_groups::tui::shared::Work;
use wa_groups::tui::views::Pane;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_created_asked_approved_rejected_renamed_and_deleted_from_the_app() {
    let sb = sandbox::start(SandboxConfig {
        groups: 6,
        seed: 11,
        approval_rate: 0.5,
        create_delay_ms: 20,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let mut h = Harness::start(&sb, 120, 40).await;
    let copied = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&copied);
    h.app
        .set_clipboard(move |text| sink.lock().expect("lock").push(text.to_owned()));
    h.synced().await;

    // A new group from the dialog.
    h.type_text("n");
    h.type_text("Made in the app");
    h.key(KeyCode::Enter);
    h.run_until("the create confirmed", |s| {
        s.shared.work == Work::Idle && log_count(s, "confirmed #", " create ") == 1
    })
    .await;
    let made: Vec<String> = sb
        .group_ids()
        .into_iter()
        .filter(|g| sb.subject(g).as_deref() == Some("Made in the app"))
        .collect();
    assert_eq!(made.len(), 1, "one group made");

    // A group with pending join requests: open its requests, approve one, reject the rest.
    let asked = sb
        .group_ids()
        .into_iter()
        .find(|g| sb.join_requests(g).is_some_and(|r| r.len() >= 2))
        .expect("a seeded group with requests");
    let pending = sb.join_requests(&asked).expect("requests");
    h.type_text("/");
    h.type_text(&asked);
    h.key(KeyCode::Enter);
    h.type_text("J");
    h.run_until("the join requests read", |s| {
        s.focus == Pane::Requests
            && s.views
                .requests
                .detail
                .as_ref()
                .is_some_and(|d| d.requests.len() == pending.len() && d.invite_link.is_some())
    })
    .await;
    let first = h
        .app
        .state()
        .views
        .requests
        .detail
        .as_ref()
        .expect("detail")
        .requests[0]
        .clone();
    h.type_text(" ");
    h.type_text("A");
    h.type_text("y");
    h.run_until("the approval confirmed", |s| {
        s.shared.work == Work::Idle && log_count(s, "confirmed #", " approve ") == 1
    })
    .await;
    let members = sb.members(&asked).expect("group");
    assert!(
        first
            .person
            .as_ref()
            .and_then(|p| p.phone())
            .is_some_and(|p| members.iter().any(|m| m == p.wa_id())),
        "approved: {members:?}"
    );
    h.run_until("the request gone from the view", |s| {
        s.views
            .requests
            .detail
            .as_ref()
            .is_some_and(|d| d.requests.len() == pending.len() - 1)
    })
    .await;
    h.type_text("X");
    h.type_text("y");
    h.run_until("the rejections confirmed", |s| {
        s.shared.work == Work::Idle && log_count(s, "confirmed #", " reject ") == pending.len() - 1
    })
    .await;
    assert_eq!(sb.join_requests(&asked).map(|r| r.len()), Some(0));

    // Copy the link, then reset it: the copied link dies.
    let link = sb.invite_link(&asked).expect("link");
    h.run_until("the link known to the list", |s| {
        s.current_group().is_some_and(|g| g.invite_link.is_some())
    })
    .await;
    h.type_text("y");
    h.run_until("copied", |_| !copied.lock().expect("lock").is_empty())
        .await;
    assert_eq!(
        copied.lock().expect("lock").as_slice(),
        std::slice::from_ref(&link)
    );
    // `L` (a new link): `R` retries failed changes.
    h.type_text("L");
    h.type_text("y");
    h.run_until("the reset confirmed", |s| {
        s.shared.work == Work::Idle && log_count(s, "confirmed #", " reset invite link ") == 1
    })
    .await;
    assert_ne!(sb.invite_link(&asked).as_deref(), Some(link.as_str()));

    // Rename it, then delete it.
    h.type_text("J"); // back to the group pane
    h.type_text("e");
    h.ctrl('u');
    h.type_text("Renamed in the app");
    h.key(KeyCode::Enter);
    h.run_until("the rename confirmed", |s| {
        s.shared.work == Work::Idle
            && log_count(s, "confirmed #", " rename ") == 1
            && log_count(s, "confirmed #", " to \"Renamed in the app\"") == 1
    })
    .await;
    assert_eq!(sb.subject(&asked).as_deref(), Some("Renamed in the app"));
    h.type_text("D");
    h.type_text("y");
    h.run_until("the delete confirmed", |s| {
        s.shared.work == Work::Idle && log_count(s, "confirmed #", " delete ") == 1
    })
    .await;
    assert!(sb.group(&asked).is_none(), "deleted");
}
