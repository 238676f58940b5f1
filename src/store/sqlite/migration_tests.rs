//! The SQLite backend's migrations: a store written at each earlier schema keeps every row
//! when opened at today's.

use rusqlite::{Connection, params};

use super::tests::pragma;
use crate::domain::{OpSpec, OperationKind, OperationState};
use crate::store::{SCHEMA_VERSION, Store};

/// A store file as schema `version` left it, holding account 1 (`https://graph.example`,
/// `1000`) and the rows `write` puts in, then opened (and so migrated) at today's schema: the
/// directory (kept while it lives) and the account.
async fn migrated_from(
    version: usize,
    write: impl FnOnce(&Connection),
) -> (tempfile::TempDir, crate::store::AccountStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(format!("v{version}.db"));
    {
        let mut conn = Connection::open(&path).expect("open");
        super::schema::migrate_to(&mut conn, version).expect("an older schema");
        conn.execute(
            "INSERT INTO accounts VALUES (1, 'https://graph.example', '1000', 5)",
            [],
        )
        .expect("account");
        write(&conn);
    }
    let store = Store::open(&path).expect("migrated");
    assert_eq!(pragma(&path, "user_version"), SCHEMA_VERSION.to_string());
    let acct = store
        .account("https://graph.example", "1000")
        .await
        .expect("account");
    (dir, acct)
}

/// Every operation of the account, by id.
async fn every_operation(acct: &crate::store::AccountStore) -> Vec<crate::store::Operation> {
    acct.operations(crate::store::OperationFilter::default())
        .await
        .expect("list")
}

/// A store as the first schema wrote it, with rows of every state, opens at today's schema
/// with every row kept: ids, states, attempts, errors, flags, times.
#[tokio::test]
async fn a_store_of_the_first_schema_keeps_every_row() {
    let (_dir, acct) = migrated_from(1, |conn| {
        conn.execute_batch(
            "INSERT INTO groups VALUES (1, 'g1', 'Runners', 2, 10, NULL);
             INSERT INTO group_members VALUES (1, 'g1', '12025550001');
             INSERT INTO group_members VALUES (1, 'g1', '12025550002');",
        )
        .expect("mirror");
        let states = [
            "pending",
            "sending",
            "accepted",
            "confirmed",
            "failed",
            "skipped",
        ];
        for (i, state) in states.iter().enumerate() {
            let kind = if i % 2 == 0 { "add" } else { "remove" };
            conn.execute(
                "INSERT INTO operations (id, account_id, group_id, participant, wa_id, kind, state,
                    attempts, attempt_id, error_code, error_message, request_id, flag,
                    created_at, updated_at)
                 VALUES (?1, 1, 'g1', ?2, ?3, ?4, ?5, ?6, 'a-1', ?7, ?8, 'req', ?9, 100, 200)",
                params![
                    i as i64 + 40,
                    format!("+1202555000{i}"),
                    format!("1202555000{i}"),
                    kind,
                    state,
                    i as i64,
                    (i == 4).then_some(131203),
                    (i == 4).then_some("terms"),
                    (i == 0).then_some("already a member"),
                ],
            )
            .expect("operation");
        }
        conn.execute(
            "INSERT INTO exchanges (account_id, at, method, path, group_id, participants, status,
                graph_code, request_id, duration_ms, error)
             VALUES (1, 7, 'POST', '/v23.0/g1/participants', 'g1', '+12025550000', 200, NULL,
                'req', 12, NULL)",
            [],
        )
        .expect("exchange");
    })
    .await;
    assert_eq!(acct.id().0, 1, "the same account");
    let ops = every_operation(&acct).await;
    assert_eq!(ops.len(), 6);
    for (i, op) in ops.iter().enumerate() {
        assert_eq!(op.id.0, i as i64 + 40);
        assert_eq!(op.state, OperationState::ALL[i]);
        assert_eq!(op.attempts, i as u32);
        assert_eq!((op.created_at, op.updated_at), (100, 200));
        let kind = if i % 2 == 0 {
            OperationKind::Add
        } else {
            OperationKind::Remove
        };
        assert_eq!(
            op.spec,
            OpSpec::for_participant(
                kind,
                "g1",
                crate::domain::Participant::from_wa_id(&format!("1202555000{i}")).expect("wa_id")
            )
        );
    }
    assert_eq!(ops[4].error_code, Some(131203));
    assert_eq!(ops[0].flag.as_deref(), Some("already a member"));
    let group = acct.group("g1").await.expect("read").expect("kept");
    assert_eq!(group.members.len(), 2);
    assert_eq!(acct.exchanges().await.expect("audit").len(), 1);
    // The queue rules hold on the migrated rows: the pending add is one slot.
    let again = acct
        .enqueue(vec![ops[0].spec.clone()])
        .await
        .expect("enqueue");
    assert_eq!(again.duplicates, 1);
}

/// A store as the second schema wrote it (members by wa_id only, operations keyed by the wa_id
/// as written) opens at today's schema with every row kept: members in their groups, found by
/// the other form of their number; operations with their ids, states and times; outcomes. Two
/// pending changes of one person in two forms leave one pending (the later), the earlier
/// skipped as superseded.
#[tokio::test]
async fn a_store_of_the_second_schema_keeps_every_row() {
    let (_dir, acct) = migrated_from(2, |conn| {
        conn.execute_batch(
            "INSERT INTO groups VALUES (1, 'g1', 'Runners', 3, 10, NULL);
             INSERT INTO groups VALUES (1, 'mx', 'Mexico', 1, 10, NULL);
             INSERT INTO group_members VALUES (1, 'g1', '12025550001');
             INSERT INTO group_members VALUES (1, 'g1', '551187654321');
             INSERT INTO group_members VALUES (1, 'g1', '5511987654321');
             INSERT INTO group_members VALUES (1, 'mx', '5215512345678');
             INSERT INTO outcomes (account_id, at, group_id, participant, action, result)
                 VALUES (1, 7, 'g1', '+12025550001', 'add', 'confirmed');",
        )
        .expect("mirror");
        let rows = [
            // id, participant, kind, state
            (40, "12025550001", "add", "confirmed"),
            (41, "12025550002", "remove", "failed"),
            (42, "551187654321", "remove", "pending"),
            (43, "5511987654321", "remove", "pending"),
            (44, "5215512345678", "add", "sending"),
            (45, "12025550003", "add", "pending"),
        ];
        for (id, wa_id, kind, state) in rows {
            conn.execute(
                "INSERT INTO operations (id, account_id, kind, group_id, participant, wa_id, slot,
                    state, attempts, created_at, updated_at)
                 VALUES (?1, 1, ?2, 'g1', ?3, ?4, ?5, ?6, 1, 100, 200)",
                params![
                    id,
                    kind,
                    format!("+{wa_id}"),
                    wa_id,
                    format!("participant:g1:{wa_id}"),
                    state
                ],
            )
            .expect("operation");
        }
    })
    .await;
    let ops = every_operation(&acct).await;
    let states: Vec<(i64, &str, OperationState)> = ops
        .iter()
        .map(|o| (o.id.0, o.spec.person_ref(), o.state))
        .collect();
    assert_eq!(
        states,
        [
            (40, "+12025550001", OperationState::Confirmed),
            (41, "+12025550002", OperationState::Failed),
            (42, "+551187654321", OperationState::Skipped),
            (43, "+5511987654321", OperationState::Pending),
            (44, "+5215512345678", OperationState::Sending),
            (45, "+12025550003", OperationState::Pending),
        ]
    );
    assert!(
        ops[2]
            .error_message
            .as_deref()
            .is_some_and(|m| m.contains("superseded")),
        "{:?}",
        ops[2]
    );
    assert!(ops.iter().all(|o| (o.created_at, o.attempts) == (100, 1)));
    let g1 = acct.group("g1").await.expect("read").expect("kept");
    assert_eq!(g1.members.len(), 3, "every member row kept");
    let found = acct
        .groups_with_member(&crate::domain::Query::Phone(
            crate::domain::Participant::from_wa_id("525512345678").expect("wa_id"),
        ))
        .await
        .expect("search");
    assert_eq!(found.len(), 1, "Mexico's old form found by the new one");
    assert_eq!(found[0].0.id, "mx");
    let outcomes = acct.outcomes().await.expect("outcomes");
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].outcome.username, None);
    // The queue rules hold on the migrated rows: the open removal is one slot for either
    // form, and the add of the same person in the other form replaces it.
    let ninth = OpSpec::for_participant(
        OperationKind::Remove,
        "g1",
        crate::domain::Participant::from_wa_id("551187654321").expect("wa_id"),
    );
    assert_eq!(
        acct.enqueue(vec![ninth]).await.expect("again").duplicates,
        1
    );
    let add = OpSpec::for_participant(
        OperationKind::Add,
        "g1",
        crate::domain::Participant::from_wa_id("12025550003").expect("wa_id"),
    );
    assert_eq!(acct.enqueue(vec![add]).await.expect("add").duplicates, 1);
}

/// A store written by the schema of people (v3) opens at today's schema with every row: members with every key (phone, BSUID alone, username), operations by phone and
/// by BSUID in every state, outcomes with their usernames, the audit trail; the groups read
/// as before, with nothing known yet of their settings, links or join requests, and the new
/// tables take rows at once.
#[tokio::test]
async fn a_store_of_the_third_schema_keeps_every_row() {
    let (_dir, acct) = migrated_from(3, |conn| {
        conn.execute_batch(
            "INSERT INTO groups VALUES (1, 'g1', 'Runners', 3, 10, NULL);
             INSERT INTO groups VALUES (1, 'old', 'Gone club', 0, 10, 20);
             INSERT INTO group_members
                 (account_id, group_id, wa_id, phone_key, user_id, parent_user_id, username)
                 VALUES (1, 'g1', '12025550001', '12025550001', 'US.1', NULL, 'ana.k'),
                        (1, 'g1', NULL, NULL, 'US.77', 'US.700', 'nora_b7'),
                        (1, 'g1', '551187654321', '5511987654321', NULL, NULL, NULL);
             INSERT INTO exchanges (account_id, at, method, path, group_id, participants,
                     status, duration_ms)
                 VALUES (1, 6, 'DELETE', '/v23.0/g1/participants', 'g1', 'US.77', 200, 12);
             INSERT INTO outcomes (account_id, at, group_id, participant, action, result,
                     username)
                 VALUES (1, 7, 'g1', 'US.77', 'remove', 'confirmed', 'nora_b7');",
        )
        .expect("mirror");
        let rows = [
            // id, participant, wa_id, user_id, username, kind, state
            (
                50,
                Some("+12025550001"),
                Some("12025550001"),
                Some("US.1"),
                Some("ana.k"),
                "add",
                "confirmed",
            ),
            (
                51,
                None,
                None,
                Some("US.77"),
                Some("nora_b7"),
                "remove",
                "pending",
            ),
            (
                52,
                Some("+12025550002"),
                Some("12025550002"),
                None,
                None,
                "remove",
                "failed",
            ),
            (
                53,
                Some("+12025550003"),
                Some("12025550003"),
                None,
                None,
                "add",
                "sending",
            ),
        ];
        for (id, participant, wa_id, user_id, username, kind, state) in rows {
            let key = wa_id.or(user_id).unwrap_or_default();
            conn.execute(
                "INSERT INTO operations (id, account_id, kind, group_id, participant, wa_id,
                    user_id, username, slot, state, attempts, created_at, updated_at)
                 VALUES (?1, 1, ?2, 'g1', ?3, ?4, ?5, ?6, ?7, ?8, 1, 100, 200)",
                params![
                    id,
                    kind,
                    participant,
                    wa_id,
                    user_id,
                    username,
                    format!("participant:g1:{key}"),
                    state
                ],
            )
            .expect("operation");
        }
    })
    .await;
    let ops = every_operation(&acct).await;
    let kept: Vec<(i64, String, OperationState)> = ops
        .iter()
        .map(|o| (o.id.0, o.spec.person_label(), o.state))
        .collect();
    assert_eq!(
        kept,
        [
            (
                50,
                "+12025550001 @ana.k".to_owned(),
                OperationState::Confirmed
            ),
            (51, "US.77 @nora_b7".to_owned(), OperationState::Pending),
            (52, "+12025550002".to_owned(), OperationState::Failed),
            (53, "+12025550003".to_owned(), OperationState::Sending),
        ]
    );
    assert!(ops.iter().all(|o| (o.created_at, o.attempts) == (100, 1)));
    let g1 = acct.group("g1").await.expect("read").expect("kept");
    let members: Vec<String> = g1.members.iter().map(|m| m.label()).collect();
    assert_eq!(
        members,
        ["+12025550001 @ana.k", "+551187654321", "US.77 @nora_b7"],
        "every member row kept with every key"
    );
    assert_eq!(
        g1.members[2].parent_user_id().map(|id| id.as_str()),
        Some("US.700")
    );
    assert_eq!(
        g1.about,
        crate::store::GroupAbout::default(),
        "nothing known yet"
    );
    let listed = acct.groups().await.expect("groups");
    assert_eq!(listed.len(), 2, "the gone group kept too");
    assert!(
        listed
            .iter()
            .all(|g| (g.join_requests, g.suspended, g.invite_link.is_none()) == (0, false, true))
    );
    assert_eq!(
        acct.group("old")
            .await
            .expect("read")
            .expect("kept")
            .gone_at,
        Some(20)
    );
    let outcomes = acct.outcomes().await.expect("outcomes");
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].outcome.username.as_deref(), Some("nora_b7"));
    assert_eq!(acct.exchanges().await.expect("exchanges").len(), 1);
    // The queue rules hold on the migrated rows: the open removal by BSUID is one slot.
    let again = OpSpec::for_person(
        OperationKind::Remove,
        "g1",
        crate::domain::Person::by_user_id(crate::domain::UserId::parse("US.77").expect("bsuid")),
    )
    .expect("spec");
    assert_eq!(
        acct.enqueue(vec![again]).await.expect("again").duplicates,
        1
    );
    // The lifecycle's tables take rows at once: a join request by a hidden phone, a link.
    let asker =
        crate::domain::Person::by_user_id(crate::domain::UserId::parse("US.88").expect("bsuid"))
            .with_username(Some("cy".into()));
    acct.set_join_requests(
        "g1",
        vec![crate::store::StoredJoinRequest {
            group_id: "g1".into(),
            join_request_id: "SlJR1".into(),
            person: Some(asker.clone()),
            created_at: Some(30),
            read_at: 40,
        }],
        40,
    )
    .await
    .expect("join requests");
    let read = acct.join_requests(Some("g1")).await.expect("read");
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].person, Some(asker));
}

/// A store written by the group lifecycle's schema (v4, the last before the webhook inbox)
/// opens at today's with every row: groups with their settings, suspension and link, pending
/// join requests, an accepted create found again by its request id; and the inbox takes an
/// event at once, which settles that create.
#[tokio::test]
async fn a_store_of_the_fourth_schema_keeps_every_row_and_takes_webhook_events() {
    let (_dir, acct) = migrated_from(4, |conn| {
        conn.execute_batch(
            "INSERT INTO groups (account_id, group_id, subject, member_count, read_at, gone_at,
                    description, join_approval_mode, suspended, created_at, invite_link,
                    invite_link_read_at, join_requests_read_at)
                 VALUES (1, 'g1', 'Runners', 1, 10, NULL, 'Sundays', 'approval_required', 1,
                    5000, 'https://chat.whatsapp.com/AbC', 11, 12);
             INSERT INTO group_members (account_id, group_id, wa_id, phone_key, user_id)
                 VALUES (1, 'g1', '12025550001', '12025550001', 'US.1');
             INSERT INTO join_requests (account_id, group_id, join_request_id, wa_id, user_id,
                    username, created_at, read_at)
                 VALUES (1, 'g1', 'SlJR1', NULL, 'US.88', 'cy', 30, 12);
             INSERT INTO operations (id, account_id, kind, group_id, slot, payload, state,
                    attempts, request_id, created_at, updated_at)
                 VALUES (60, 1, 'create', NULL, 'create:Spring cohort',
                    '{\"subject\":\"Spring cohort\",\"description\":null,\"join_approval_mode\":\"auto_approve\"}',
                    'accepted', 1, 'RQ-7f3a91', 100, 200);",
        )
        .expect("rows of the fourth schema");
    })
    .await;
    let g1 = acct.group("g1").await.expect("read").expect("kept");
    assert_eq!(
        (
            g1.about.description.as_deref(),
            g1.about.suspended,
            g1.about.invite_link.as_deref()
        ),
        (Some("Sundays"), true, Some("https://chat.whatsapp.com/AbC"))
    );
    assert_eq!(g1.members.len(), 1);
    let requests = acct.join_requests(Some("g1")).await.expect("requests");
    assert_eq!(
        requests.iter().map(|r| r.label()).collect::<Vec<_>>(),
        ["US.88 @cy"]
    );
    let create = acct
        .operations_with_request_id("RQ-7f3a91")
        .await
        .expect("by request id");
    assert_eq!(create.len(), 1);
    assert_eq!(create[0].state, OperationState::Accepted);

    // The inbox is there: its `group_create` is kept, and settles the create.
    let mut event = crate::domain::GroupEvent::new(
        crate::domain::EventField::Lifecycle,
        crate::domain::EventType::GroupCreate,
    );
    event.group_id = Some("R3JwX25ldw".into());
    event.request_id = Some("RQ-7f3a91".into());
    event.subject = Some("Spring cohort".into());
    let received = acct
        .store()
        .receive_events(
            "https://graph.example",
            vec![crate::store::NumberBatch {
                phone_number_id: "1000".into(),
                events: vec![crate::store::NewEvent {
                    key: "k".into(),
                    event,
                }],
            }],
        )
        .await
        .expect("received");
    assert_eq!(received[0].1.new, 1);
    let done = crate::engine::inbox::process_pending(&acct)
        .await
        .expect("processed");
    assert_eq!((done.events, done.operations), (1, 1));
    let create = &every_operation(&acct).await[0];
    assert_eq!(
        (create.state, create.spec.group()),
        (OperationState::Confirmed, Some("R3JwX25ldw"))
    );
}
