//! Outcomes settled by webhook: the sandbox sends its signed webhooks to a receiver on the
//! store a submit (another process) uses; a batch's one `request_id` settles each of its
//! participants with no read of the group, and under duplicated, reordered and delayed
//! deliveries a 500-operation submit ends exact, each operation settled once.

mod common;
mod webhook_common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{assert_outcomes_true, prepare_replace, run};
use serde_json::Value;
use tokio::net::TcpListener;
use wa_groups::receiver::{Receiver, ReceiverConfig, Secret, WebhookSecrets};
use wa_groups::sandbox::{self, AppSecret, Faults, Sandbox, SandboxConfig, WebhookConfig};
use wa_groups::store::Store;
use webhook_common::{WAIT, count, wait_for_db};

/// A sandbox whose webhooks go to a receiver on the store of `home` (the commands' default
/// store there), started in this process.
async fn wired(home: &Path, tweak: impl FnOnce(&mut SandboxConfig)) -> (Sandbox, Receiver) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/webhook", listener.local_addr().expect("addr"));
    let mut config = SandboxConfig {
        approval_rate: 0.0,
        webhook: Box::new(WebhookConfig {
            webhook_url: Some(url.parse().expect("url")),
            app_secret: Some(AppSecret::new("settle-secret").expect("secret")),
            webhook_retry_ms: 20,
            ..WebhookConfig::default()
        }),
        ..SandboxConfig::default()
    };
    tweak(&mut config);
    let sb = sandbox::start(config).await.expect("sandbox");
    let store = Store::open(&store_path(home)).expect("store");
    let receiver = Receiver::start(
        listener,
        ReceiverConfig {
            store,
            base_url: sb.base_url(),
            secrets: WebhookSecrets {
                app_secret: Secret::new("settle-secret").expect("secret"),
                verify_token: Secret::new("verify").expect("token"),
            },
            processed: None,
            hold_after_commit: std::time::Duration::ZERO,
        },
    )
    .await
    .expect("receiver");
    (sb, receiver)
}

fn store_path(home: &Path) -> std::path::PathBuf {
    home.join("data").join("wa-groups").join("wa-groups.db")
}

fn gets_of_groups(sb: &Sandbox) -> u64 {
    sb.stats()["by_route"]["GET /group"]["200"]
        .as_u64()
        .unwrap_or(0)
}

async fn json(sb: &Sandbox, home: &Path, args: &[&str]) -> Value {
    let out = run(sb, home, args).await;
    assert!(out.code == 0 || out.code == 1, "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("json")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_removal_is_settled_by_its_webhook_with_no_read_back() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (sb, receiver) = wired(h, |c| c.groups = 8).await;
    assert_eq!(run(&sb, h, &["groups", "sync"]).await.code, 0);
    let group = sb
        .group_ids()
        .into_iter()
        .find(|g| sb.members(g).is_some_and(|m| m.len() >= 3))
        .expect("a group of three");
    let members = sb.members(&group).unwrap_or_default();
    let mut people: Vec<String> = members.iter().take(3).map(|m| format!("+{m}")).collect();
    people.push("+12025550199".into());
    let mut args = vec!["queue", "remove", "--group", group.as_str()];
    args.extend(people.iter().map(String::as_str));
    assert_eq!(run(&sb, h, &args).await.code, 0);
    let reads_before = gets_of_groups(&sb);

    // A read could only come after a minute: the webhook settles them first.
    let summary = submit_waiting_for_webhooks(&sb, h).await;
    let p = &summary["progress"];
    assert_eq!(
        (p["confirmed"].as_u64(), p["skipped"].as_u64()),
        (Some(3), Some(1)),
        "{summary}"
    );
    assert_eq!(p["by_webhook"], 3, "{summary}");
    assert_eq!(gets_of_groups(&sb), reads_before, "no group was read back");
    let log = json(&sb, h, &["log", "--json"]).await;
    let reads = log["exchanges"]
        .as_array()
        .expect("exchanges")
        .iter()
        .filter(|x| x["method"] == "GET" && x["group"] == group.as_str())
        .count();
    let reads_by_sync = 1;
    assert_eq!(
        reads, reads_by_sync,
        "the only read of the group was the sync's"
    );
    let kept: BTreeSet<String> = sb.members(&group).unwrap_or_default().into_iter().collect();
    for gone in members.iter().take(3) {
        assert!(!kept.contains(gone), "{gone} was removed");
    }

    // One request, one request id, one event that settled each removal of it.
    let queue = json(&sb, h, &["queue", "list", "--json"]).await;
    let ops = queue.as_array().expect("ops");
    let ids: BTreeSet<&str> = ops
        .iter()
        .filter_map(|o| o["request_id"].as_str())
        .collect();
    assert_eq!(ids.len(), 1, "{queue}");
    let events = json(&sb, h, &["events", "--json"]).await;
    let removal: Vec<&Value> = events
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == "group_participants_remove")
        .collect();
    assert_eq!(removal.len(), 1);
    assert_eq!(
        removal[0]["request_id"].as_str(),
        ids.iter().next().copied()
    );
    let settled = removal[0]["settled"]["operations"]
        .as_array()
        .expect("settled");
    assert_eq!(settled.len(), 3);
    assert!(settled.iter().all(|s| s["state"] == "confirmed"));
    receiver.shutdown().await;
    sb.shutdown().await;
}

fn gets_of(sb: &Sandbox, route: &str) -> u64 {
    sb.stats()["by_route"][route]["200"].as_u64().unwrap_or(0)
}

/// The successful reads of `routes` the sandbox served so far.
fn reads<const N: usize>(sb: &Sandbox, routes: [&str; N]) -> [u64; N] {
    routes.map(|r| gets_of(sb, r))
}

/// `submit --yes --json` with a minute of wait for webhooks (a read could only come after
/// it): its summary.
async fn submit_waiting_for_webhooks(sb: &Sandbox, home: &Path) -> Value {
    json(
        sb,
        home,
        &["submit", "--yes", "--json", "--webhook-wait-ms", "60000"],
    )
    .await
}

/// `submit --yes --json` with a minute of wait for webhooks (a read could only come after
/// it): its summary, once `confirmed` changes are confirmed, each by its webhook.
async fn submit_settled_by_webhooks(sb: &Sandbox, home: &Path, confirmed: u64) -> Value {
    let summary = submit_waiting_for_webhooks(sb, home).await;
    let p = &summary["progress"];
    assert_eq!(
        (p["confirmed"].as_u64(), p["by_webhook"].as_u64()),
        (Some(confirmed), Some(confirmed)),
        "{summary}"
    );
    summary
}

/// The event of `kind` that `wa-groups events --json [--group G]` lists, which settled an
/// operation as confirmed.
async fn settling_event(sb: &Sandbox, home: &Path, kind: &str, group: Option<&str>) -> Value {
    let mut args = vec!["events", "--json"];
    if let Some(group) = group {
        args.extend(["--group", group]);
    }
    let events = json(sb, home, &args).await;
    let found: Vec<&Value> = events
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == kind)
        .collect();
    assert_eq!(found.len(), 1, "{events}");
    assert_eq!(
        found[0]["settled"]["operations"][0]["state"], "confirmed",
        "{events}"
    );
    found[0].clone()
}

/// A create's outcome learnt from its `group_create` webhook alone (`groups-api-2026.md`
/// §2.2): the group it made recorded with the operation and printed with the link the event
/// gave, and no read of the group list, of the group or of its link.
#[tokio::test(flavor = "multi_thread")]
async fn a_create_is_settled_by_its_webhook_with_no_read_back() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (sb, receiver) = wired(h, |c| c.groups = 2).await;
    let queued = run(
        &sb,
        h,
        &[
            "groups",
            "create",
            "--subject",
            "Spring cohort A",
            "--description",
            "Mondays at 10",
        ],
    )
    .await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    let routes = ["GET /groups", "GET /group", "GET /invite_link"];
    let before = reads(&sb, routes);

    let out = run(&sb, h, &["submit", "--yes", "--webhook-wait-ms", "60000"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(reads(&sb, routes), before, "nothing was read back");
    let queue = json(&sb, h, &["queue", "list", "--json"]).await;
    let op = &queue.as_array().expect("ops")[0];
    assert_eq!(op["state"], "confirmed", "{queue}");
    let request_id = op["request_id"].as_str().expect("the answer's request_id");
    let made = sb
        .group_for_request(request_id)
        .expect("the sandbox made the group");
    assert_eq!(
        op["group"],
        made.as_str(),
        "the group made is recorded: {op}"
    );
    let link = sb.invite_link(&made).expect("link");
    assert!(
        out.stdout
            .contains(&format!("{made}  {link}  Spring cohort A")),
        "{}",
        out.stdout
    );
    settling_event(&sb, h, "group_create", None).await;
    // The event names no description; the mirror has the one the create sent.
    let store = Store::open(&store_path(h)).expect("store");
    let account = store
        .account(&sb.base_url(), sb.phone_number_id())
        .await
        .expect("account");
    let kept = account.group(&made).await.expect("read").expect("group");
    assert_eq!(kept.subject, "Spring cohort A");
    assert_eq!(kept.about.description.as_deref(), Some("Mondays at 10"));
    receiver.shutdown().await;
    sb.shutdown().await;
}

/// An add of someone already a member, whom the mirror knows only by BSUID (so whether the
/// number is theirs cannot be told, and the add is sent): the sandbox names them among the
/// added in the add's webhook, with the number sent and their BSUID. The add changed nothing,
/// so it ends skipped, saying how the mirror showed them (undoing it would otherwise remove
/// a member who was there before), with no read of the group; the mirror's two keys of them
/// become one member.
#[tokio::test(flavor = "multi_thread")]
async fn an_add_of_a_member_known_by_bsuid_is_skipped_and_the_member_stays_one() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (sb, receiver) = wired(h, |c| {
        c.groups = 2;
        c.hidden_phone_rate = 1.0;
    })
    .await;
    let phone = "12122000555";
    let group = sb.insert_group("Hidden phones", &[phone, "12122000900"]);
    let person = sb.person(phone).expect("the member");
    assert!(person.phone_hidden, "known to the business by BSUID only");
    assert_eq!(run(&sb, h, &["groups", "sync"]).await.code, 0);
    let added = run(&sb, h, &["queue", "add", "--group", &group, "+12122000555"]).await;
    assert_eq!(added.code, 0, "{}", added.stderr);
    let before = gets_of_groups(&sb);

    let summary = submit_waiting_for_webhooks(&sb, h).await;
    let p = &summary["progress"];
    assert_eq!(
        (
            p["confirmed"].as_u64(),
            p["skipped"].as_u64(),
            p["by_webhook"].as_u64()
        ),
        (Some(0), Some(1), Some(1)),
        "{summary}"
    );
    let reasons = summary["skipped_by_reason"].to_string();
    assert!(
        reasons.contains("already a member, shown as US.") && reasons.contains("changed nothing"),
        "{reasons}"
    );
    assert_eq!(gets_of_groups(&sb), before, "no group was read back");
    assert_eq!(sb.members(&group).map(|m| m.len()), Some(2));

    let store = Store::open(&store_path(h)).expect("store");
    let account = store
        .account(&sb.base_url(), sb.phone_number_id())
        .await
        .expect("account");
    let kept = account.group(&group).await.expect("read").expect("group");
    assert_eq!(kept.members.len(), 2, "{:?}", kept.members);
    let merged: Vec<_> = kept
        .members
        .iter()
        .filter(|m| m.phone().is_some_and(|p| p.wa_id() == phone))
        .collect();
    assert_eq!(merged.len(), 1, "{:?}", kept.members);
    assert_eq!(
        merged[0].user_id().map(|u| u.as_str()),
        Some(person.user_id.as_str()),
        "the number and the BSUID are one member"
    );
    let ops = account
        .operations(wa_groups::store::OperationFilter::default())
        .await
        .expect("ops");
    let undone = account.undo(vec![ops[0].id]).await;
    assert!(
        matches!(undone[0].1, Ok(wa_groups::store::Undone::NothingToUndo(_))),
        "undoing it removes no one: {undone:?}"
    );
    assert_eq!(sb.members(&group).map(|m| m.len()), Some(2));
    receiver.shutdown().await;
    sb.shutdown().await;
}

/// A join request and its approval by webhook alone: the request kept in the mirror as it
/// came (the asker's phone hidden: by BSUID and username), approved by its id, and the
/// approval confirmed by the `group_participants_add` that names the asker (it carries no
/// `request_id`, §2.3), with no read of the requests or of the group; the asker is a member.
#[tokio::test(flavor = "multi_thread")]
async fn an_approval_is_confirmed_by_the_webhook_that_names_the_asker() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (sb, receiver) = wired(h, |c| {
        c.groups = 3;
        c.approval_rate = 1.0;
    })
    .await;
    let group = sb
        .group_ids()
        .into_iter()
        .find(|g| {
            sb.group(g)
                .is_some_and(|v| v.join_approval_mode == "approval_required" && v.members.len() < 8)
        })
        .expect("an approval_required group with room");
    assert_eq!(run(&sb, h, &["groups", "sync"]).await.code, 0);
    let link = sb.invite_link(&group).expect("link");
    let asker = wa_groups::sandbox::User {
        phone: "+447400123456",
        username: Some("ana.k42"),
        hide_phone: Some(true),
    };
    let (_, request) = sb.ask_to_join(&link, &asker).expect("asked");
    let bsuid = sb.person("447400123456").expect("ana").user_id;
    let db = store_path(h);
    let rows = |c: &rusqlite::Connection, sql: &str| {
        c.query_row(sql, [request.as_str(), bsuid.as_str()], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_or(-1)
    };
    wait_for_db(&db, "the join request in the mirror", |c| {
        rows(
            c,
            "SELECT count(*) FROM join_requests WHERE join_request_id = ?1 AND user_id = ?2
               AND wa_id IS NULL AND username = 'ana.k42'",
        ) == 1
    })
    .await;
    let queued = run(
        &sb,
        h,
        &["requests", "approve", "--group", &group, &request],
    )
    .await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    let routes = ["GET /join_requests", "GET /group"];
    let before = reads(&sb, routes);

    submit_settled_by_webhooks(&sb, h, 1).await;
    assert_eq!(reads(&sb, routes), before, "nothing was read back");
    wait_for_db(
        &db,
        "the asker a member, the request no longer pending",
        |c| {
            rows(
                c,
                "SELECT (SELECT count(*) FROM group_members WHERE user_id = ?2)
                  - (SELECT count(*) FROM join_requests WHERE join_request_id = ?1)",
            ) == 1
        },
    )
    .await;
    let joined = settling_event(&sb, h, "group_participants_add", Some(&group)).await;
    let text = joined["text"].as_str().unwrap_or_default();
    assert!(
        text.contains(&format!("{bsuid} @ana.k42 joined")) && text.contains("by approval"),
        "{text}"
    );
    receiver.shutdown().await;
    sb.shutdown().await;
}

/// The contract's answers carry no `request_id` (a delete `{"success":true}`, a settings
/// change a bare 200, §1.12.3): their webhooks, whose `request_id` no operation carried, are
/// put to the open changes of the group they name (a rename only by the subject it set), and
/// settle them with no read of the group.
#[tokio::test(flavor = "multi_thread")]
async fn answers_without_a_request_id_are_settled_by_their_groups_webhooks() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (sb, receiver) = wired(h, |c| {
        c.groups = 3;
        c.answer_shapes = wa_groups::sandbox::AnswerShapes::Contract;
    })
    .await;
    assert_eq!(run(&sb, h, &["groups", "sync"]).await.code, 0);
    let ids = sb.group_ids();
    let (renamed, deleted) = (&ids[0], &ids[1]);
    let rename = [
        "groups",
        "update",
        renamed,
        "--subject",
        "Spring cohort (2026)",
    ];
    assert_eq!(run(&sb, h, &rename).await.code, 0);
    let delete = run(&sb, h, &["groups", "delete", deleted, "--yes"]).await;
    assert_eq!(delete.code, 0, "{}", delete.stderr);
    let before = gets_of_groups(&sb);

    submit_settled_by_webhooks(&sb, h, 2).await;
    assert_eq!(gets_of_groups(&sb), before, "no group was read back");
    let queue = json(&sb, h, &["queue", "list", "--json"]).await;
    for op in queue.as_array().expect("ops") {
        assert!(op["request_id"].is_null(), "the answers carried none: {op}");
    }
    // The mirror followed the events.
    let conn = rusqlite::Connection::open(store_path(h)).expect("store");
    let subject: String = conn
        .query_row(
            "SELECT subject FROM groups WHERE group_id = ?1",
            [renamed.as_str()],
            |r| r.get(0),
        )
        .expect("renamed");
    assert_eq!(subject, "Spring cohort (2026)");
    let gone = count(
        &conn,
        &format!(
            "SELECT count(*) FROM groups WHERE group_id = '{deleted}' AND gone_at IS NOT NULL"
        ),
    );
    assert_eq!(gone, 1, "the deleted group is marked gone");
    receiver.shutdown().await;
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn under_webhook_chaos_500_operations_end_exact_and_each_is_settled_once() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (sb, receiver) = wired(h, |c| {
        c.groups = 70;
        c.seed = 16;
        c.webhook.webhook_chaos = 0.3;
    })
    .await;
    let (before, _expected) = prepare_replace(&sb, h, 63).await;
    let operations = 63 * 8;
    let out = run(
        &sb,
        h,
        &[
            "submit",
            "--yes",
            "--json",
            "--concurrency",
            "8",
            "--webhook-wait-ms",
            "4000",
        ],
    )
    .await;
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let summary: Value = serde_json::from_str(&out.stdout).expect("summary");
    let confirmed = assert_outcomes_true(&sb, h, &before, operations).await;
    assert!(confirmed > 400, "{summary}");
    assert!(
        summary["progress"]["by_webhook"].as_u64().unwrap_or(0) > 0,
        "webhooks settled some: {summary}"
    );

    // Every delivery the sandbox made (late and doubled ones too) is in, each event once.
    let db = store_path(h);
    let sent = || sb.stats()["webhooks"]["events"].as_i64().unwrap_or(-1);
    wait_for_db(&db, "every event stored and processed", |c| {
        let stored = count(c, "SELECT count(*) FROM webhook_events");
        let open = count(
            c,
            "SELECT count(*) FROM webhook_events WHERE processed_seq IS NULL",
        );
        stored == sent() && open == 0
    })
    .await;
    let chaos = &sb.stats()["webhooks"];
    assert!(chaos["duplicated"].as_u64().unwrap_or(0) > 0, "{chaos}");
    assert!(chaos["reordered"].as_u64().unwrap_or(0) > 0, "{chaos}");

    // Each operation settled once: one outcome row, and by at most one event.
    let log = json(&sb, h, &["log", "--json"]).await;
    let mut rows: BTreeMap<u64, usize> = BTreeMap::new();
    for o in log["outcomes"].as_array().expect("outcomes") {
        *rows
            .entry(o["operation"].as_u64().unwrap_or(0))
            .or_default() += 1;
    }
    assert_eq!(rows.len(), operations, "an outcome for every operation");
    assert!(rows.values().all(|n| *n == 1), "one outcome each: {rows:?}");
    let events = json(&sb, h, &["events", "--json"]).await;
    let mut by_event: BTreeMap<u64, usize> = BTreeMap::new();
    for e in events.as_array().expect("events") {
        for op in e["settled"]["operations"].as_array().into_iter().flatten() {
            *by_event.entry(op["id"].as_u64().unwrap_or(0)).or_default() += 1;
        }
    }
    assert!(
        by_event.values().all(|n| *n == 1),
        "no operation settled twice by events"
    );

    // And the mirror, moved by events and reads in whatever order they came, is the server's.
    let store = Store::open(&db).expect("store");
    let account = store
        .account(&sb.base_url(), sb.phone_number_id())
        .await
        .expect("account");
    for group in before.keys() {
        let mirror: BTreeSet<String> = account
            .group(group)
            .await
            .expect("read")
            .expect("group")
            .members
            .iter()
            .map(|m| m.user_ref().trim_start_matches('+').to_owned())
            .collect();
        let server: BTreeSet<String> = sb.members(group).unwrap_or_default().into_iter().collect();
        assert_eq!(mirror, server, "group {group}");
    }
    let _ = WAIT;
    receiver.shutdown().await;
    sb.shutdown().await;
}

/// The webhooks of a request that come before its answer (the sandbox answers each write a
/// second and a half after applying it, as Meta's webhooks can outrun its answers): their
/// first processing finds the operations still `sending` and settles nothing; the answer, once
/// recorded, is told they are there and they settle it, with no read of the group and no
/// wait for a webhook that already came (the run would wait 5 s, then read the group).
#[tokio::test(flavor = "multi_thread")]
async fn webhooks_that_come_before_their_answer_settle_it_once_it_is_recorded() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (sb, receiver) = wired(h, |c| c.groups = 4).await;
    let group = sb.insert_group("Early webhooks", &["12122000900"]);
    assert_eq!(run(&sb, h, &["groups", "sync"]).await.code, 0);
    let added = run(
        &sb,
        h,
        &[
            "queue",
            "add",
            "--group",
            &group,
            "+12122000555",
            "+12122000556",
        ],
    )
    .await;
    assert_eq!(added.code, 0, "{}", added.stderr);
    sb.set_faults(Faults {
        answer_delay_ms: 1500,
        ..Faults::default()
    });
    let before = gets_of_groups(&sb);

    let summary = json(
        &sb,
        h,
        &["submit", "--yes", "--json", "--webhook-wait-ms", "5000"],
    )
    .await;
    let p = &summary["progress"];
    assert_eq!(
        (p["confirmed"].as_u64(), p["by_webhook"].as_u64()),
        (Some(2), Some(2)),
        "{summary}"
    );
    assert_eq!(gets_of_groups(&sb), before, "no group was read back");
    assert_eq!(sb.members(&group).map(|m| m.len()), Some(3));
    receiver.shutdown().await;
    sb.shutdown().await;
}
