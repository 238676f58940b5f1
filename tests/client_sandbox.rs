//! The client against the embedded sandbox, end to end over loopback HTTP.

use wa_groups::api::{AccessToken, ApiError, Client, ClientSettings, ErrorClass};
use wa_groups::domain::Participant;
use wa_groups::sandbox::{self, Faults, Sandbox, SandboxConfig};

async fn sandbox_with(groups: usize) -> Sandbox {
    sandbox::start(SandboxConfig {
        groups,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

fn client_for(sb: &Sandbox, token: &str) -> Client {
    let token = AccessToken::new(token).expect("token");
    let settings = ClientSettings::new(&sb.base_url(), "v23.0", token, sb.phone_number_id())
        .expect("settings");
    Client::new(settings).expect("client")
}

fn people(numbers: &[&str]) -> Vec<Participant> {
    numbers
        .iter()
        .map(|n| Participant::parse(n, None).expect("valid"))
        .collect()
}

/// A group with room for `room` more members.
fn group_with_room(sb: &Sandbox, room: usize) -> String {
    sb.group_ids()
        .into_iter()
        .find(|g| sb.members(g).is_some_and(|m| m.len() + room <= 8))
        .expect("a group with room")
}

#[tokio::test]
async fn add_then_remove_changes_the_group() {
    let sb = sandbox_with(10).await;
    let client = client_for(&sb, sb.token());
    let group = group_with_room(&sb, 2);
    let who = people(&["+1 202 555 0143", "+44 7911 123456"]);
    let done = client.add_participants(&group, &who).await.expect("added");
    assert_eq!(done.status, 200);
    assert!(done.request_id.is_some());
    let members = sb.members(&group).expect("group");
    assert!(members.contains(&"12025550143".to_string()));
    assert!(members.contains(&"447911123456".to_string()));
    let info = client.group_info(&group).await.expect("info");
    assert_eq!(info.participants.len(), members.len());
    assert_eq!(info.total_participant_count, Some(members.len() as u64));

    client
        .remove_participants(&group, &who[..1])
        .await
        .expect("removed");
    let members = sb.members(&group).expect("group");
    assert!(!members.contains(&"12025550143".to_string()));
    assert!(members.contains(&"447911123456".to_string()));
    sb.shutdown().await;
}

#[tokio::test]
async fn partial_success_names_who_failed_and_applies_the_rest() {
    let sb = sandbox_with(10).await;
    let client = client_for(&sb, sb.token());
    let group = group_with_room(&sb, 2);
    // A number ending in 0000 has not accepted the terms in the sandbox.
    let who = people(&["+1 212 555 0000", "+1 202 555 0143"]);
    let done = client
        .add_participants(&group, &who)
        .await
        .expect("partial");
    assert!(done.partial);
    assert_eq!(done.status, 206);
    assert_eq!(done.failed.len(), 1);
    assert_eq!(done.failed[0].code, Some(131203));
    assert_eq!(done.failed[0].user.trim_start_matches('+'), "12125550000");
    let members = sb.members(&group).expect("group");
    assert!(members.contains(&"12025550143".to_string()));
    assert!(!members.contains(&"12125550000".to_string()));
    sb.shutdown().await;
}

#[tokio::test]
async fn removing_a_non_member_alone_is_a_participant_error() {
    let sb = sandbox_with(3).await;
    let client = client_for(&sb, sb.token());
    let group = sb.group_ids().remove(0);
    let err = client
        .remove_participants(&group, &people(&["+1 202 555 0199"]))
        .await
        .expect_err("not a member");
    assert_eq!(err.code(), Some(131212));
    assert_eq!(err.class(), ErrorClass::Participant);
    sb.shutdown().await;
}

#[tokio::test]
async fn unknown_group_and_bad_token_are_classed() {
    let sb = sandbox_with(3).await;
    let err = client_for(&sb, sb.token())
        .add_participants("Tm9TdWNoR3JvdXA", &people(&["+12025550143"]))
        .await
        .expect_err("unknown group");
    assert_eq!(err.code(), Some(131041));
    assert_eq!(err.class(), ErrorClass::GroupPermanent);

    let err = client_for(&sb, "not-the-token")
        .list_groups()
        .await
        .expect_err("bad token");
    assert_eq!(err.code(), Some(190));
    assert_eq!(err.class(), ErrorClass::Auth);
    sb.shutdown().await;
}

#[tokio::test]
async fn throttled_sandbox_answers_131208() {
    let sb = sandbox_with(3).await;
    sb.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    let group = sb.group_ids().remove(0);
    let before = sb.members(&group);
    let err = client_for(&sb, sb.token())
        .remove_participants(&group, &people(&["+12025550143"]))
        .await
        .expect_err("throttled");
    assert_eq!(err.code(), Some(131208));
    assert_eq!(err.class(), ErrorClass::Throttled);
    assert!(!err.outcome_unknown());
    assert_eq!(
        sb.members(&group),
        before,
        "a throttled request changes nothing"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn failing_sandbox_gives_transient_errors() {
    let sb = sandbox_with(3).await;
    sb.set_faults(Faults {
        fail_rate: 1.0,
        ..Faults::default()
    });
    let client = client_for(&sb, sb.token());
    for _ in 0..6 {
        let err = client.list_groups().await.expect_err("failing");
        assert_eq!(err.class(), ErrorClass::Transient, "{err}");
        assert!(matches!(err.status(), Some(502) | Some(503)), "{err}");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_leaves_the_outcome_unknown() {
    let sb = sandbox_with(3).await;
    sb.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    let group = group_with_room(&sb, 1);
    let err = client_for(&sb, sb.token())
        .add_participants(&group, &people(&["+12025550143"]))
        .await
        .expect_err("dropped");
    assert!(matches!(err, ApiError::NoAnswer { .. }), "{err:?}");
    assert!(err.outcome_unknown());
    sb.shutdown().await;
}

#[tokio::test]
async fn the_group_list_comes_whole_across_pages() {
    let sb = sandbox_with(2500).await;
    let token = AccessToken::new(sb.token()).expect("token");
    let mut settings = ClientSettings::new(&sb.base_url(), "v23.0", token, sb.phone_number_id())
        .expect("settings");
    settings.page_size = 300;
    let groups = Client::new(settings)
        .expect("client")
        .list_groups()
        .await
        .expect("list");
    let ids: Vec<String> = groups.into_iter().map(|g| g.id).collect();
    assert_eq!(ids, sb.group_ids());
    sb.shutdown().await;
}
