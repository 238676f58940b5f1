//! People, not only phone numbers, as an operator meets them through the commands: members
//! known only by BSUID shown and removed by it, and one number in two of WhatsApp's forms
//! (Brazil's ninth digit, Mexico's `52 1`, Argentina's `54 9`) taken as one person.

mod common;

use common::{queue_states, run, sandbox};
use wa_groups::sandbox::{self, Sandbox, SandboxConfig};

/// A sandbox where every person shows a BSUID and a username but no phone number.
async fn hidden_phones(groups: usize) -> Sandbox {
    sandbox::start(SandboxConfig {
        groups,
        hidden_phone_rate: 1.0,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

async fn sync(sb: &Sandbox, home: &std::path::Path) {
    let synced = run(sb, home, &["groups", "sync"]).await;
    assert_eq!(synced.code, 0, "{}", synced.stderr);
}

async fn submit(sb: &Sandbox, home: &std::path::Path) -> common::Run {
    run(sb, home, &["submit", "--yes", "--verify-delay-ms", "0"]).await
}

#[tokio::test]
async fn a_brazilian_mobile_held_without_its_ninth_digit_is_removed_when_written_with_it() {
    let sb = sandbox(2).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.insert_group("Brasil", &["551187654321", "12025550143"]);
    sync(&sb, home.path()).await;

    let queued = run(
        &sb,
        home.path(),
        &["queue", "remove", "--group", &group, "+55 11 98765-4321"],
    )
    .await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    assert!(
        !queued.stdout.contains("not a member"),
        "no flag: {}",
        queued.stdout
    );
    let sent = submit(&sb, home.path()).await;
    assert_eq!(sent.code, 0, "{}{}", sent.stdout, sent.stderr);

    let states = queue_states(&sb, home.path()).await;
    assert_eq!(states.len(), 1);
    assert_eq!(states[0]["state"], "confirmed", "{}", states[0]);
    assert_eq!(
        sb.members(&group).expect("group"),
        ["12025550143"],
        "the person is gone from the group"
    );
    // Sent as the group holds them.
    let log = run(&sb, home.path(), &["log", "--json"]).await;
    let log: serde_json::Value = serde_json::from_str(&log.stdout).expect("log json");
    let removal = log["exchanges"]
        .as_array()
        .expect("exchanges")
        .iter()
        .find(|e| e["method"] == "DELETE")
        .expect("the removal");
    assert_eq!(
        removal["participants"],
        serde_json::json!(["+551187654321"])
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn a_target_listing_members_in_their_other_forms_queues_nothing() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let mx = sb.insert_group("México", &["5215512345678"]);
    let br = sb.insert_group("Brasil", &["5511987654321"]);
    let ar = sb.insert_group("Argentina", &["5491123456789"]);
    sync(&sb, home.path()).await;
    let file = home.path().join("target.csv");
    std::fs::write(
        &file,
        format!(
            "group,participant\n{mx},+52 55 1234 5678\n{br},+55 11 8765-4321\n{ar},+54 11 2345-6789\n"
        ),
    )
    .expect("write");
    let target = run(
        &sb,
        home.path(),
        &["queue", "sync-target", file.to_str().expect("path")],
    )
    .await;
    assert_eq!(target.code, 0, "{}", target.stderr);
    assert!(
        target.stdout.contains("0 to add, 0 to remove"),
        "{}",
        target.stdout
    );
    assert!(queue_states(&sb, home.path()).await.is_empty());
    sb.shutdown().await;
}

#[tokio::test]
async fn members_known_only_by_bsuid_are_shown_and_removed_by_it_end_to_end() {
    let sb = hidden_phones(4).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb
        .group_ids()
        .into_iter()
        .find(|g| sb.members(g).is_some_and(|m| m.len() >= 3))
        .expect("a group with three members");
    let people = sb.participants(&group).expect("group");
    assert!(people.iter().all(|p| p.phone_hidden));
    sync(&sb, home.path()).await;

    let shown = run(&sb, home.path(), &["groups", "show", &group]).await;
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    for p in &people {
        let label = format!("  {} @{}", p.user_id, p.username.as_deref().unwrap_or("?"));
        assert!(shown.stdout.contains(&label), "{label} in {}", shown.stdout);
        assert!(!shown.stdout.contains(&p.wa_id), "the phone is not shown");
    }

    let first = &people[0];
    let queued = run(
        &sb,
        home.path(),
        &["queue", "remove", "--group", &group, &first.user_id],
    )
    .await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    let listed = queue_states(&sb, home.path()).await;
    assert_eq!(listed[0]["participant"], first.user_id.as_str());
    assert_eq!(
        listed[0]["username"],
        first.username.as_deref().unwrap_or("")
    );
    let table = run(&sb, home.path(), &["queue", "list"]).await;
    assert!(
        table.stdout.contains(&format!(
            "{} @{}",
            first.user_id,
            first.username.as_deref().unwrap_or("")
        )),
        "{}",
        table.stdout
    );
    let sent = submit(&sb, home.path()).await;
    assert_eq!(sent.code, 0, "{}{}", sent.stdout, sent.stderr);
    assert_eq!(
        queue_states(&sb, home.path()).await[0]["state"],
        "confirmed"
    );
    assert!(
        !sb.members(&group).expect("group").contains(&first.wa_id),
        "removed by BSUID"
    );
    let csv = run(&sb, home.path(), &["log", "--csv"]).await;
    let mut rows = csv::Reader::from_reader(csv.stdout.as_bytes());
    let header = rows.headers().expect("header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let row = rows
        .records()
        .filter_map(Result::ok)
        .find(|r| r.get(column("participant")) == Some(first.user_id.as_str()))
        .expect("the outcome row names the BSUID");
    assert_eq!(row.get(column("result")), Some("confirmed"));
    assert_eq!(row.get(column("username")), first.username.as_deref());
    // The log found by the username, though they are no member any more; its lines name them
    // with it.
    let name = format!("@{}", first.username.as_deref().unwrap_or("?"));
    let by_name = run(&sb, home.path(), &["log", "--participant", &name]).await;
    assert_eq!(by_name.code, 0, "{}", by_name.stderr);
    let said = format!("remove {} {name} in", first.user_id);
    assert!(
        by_name.stdout.lines().any(|l| l.contains(&said)),
        "{said} in:\n{}",
        by_name.stdout
    );
    // Without its `@`, as the app's `/` takes it.
    let bare = run(
        &sb,
        home.path(),
        &["log", "--participant", name.trim_start_matches('@')],
    )
    .await;
    assert_eq!(bare.code, 0, "{}", bare.stderr);
    assert!(
        bare.stdout.lines().any(|l| l.contains(&said)),
        "{said} in:\n{}",
        bare.stdout
    );
    let nobody = run(&sb, home.path(), &["log", "--participant", "@nobody.here"]).await;
    assert_eq!(nobody.code, 2, "{}", nobody.stderr);
    assert!(
        nobody.stderr.contains("--participant @nobody.here: no one"),
        "{}",
        nobody.stderr
    );

    // Right away, without the queue: someone known only by BSUID is removed only with
    // --yes (they could be added back only by phone number), and nothing is sent without.
    let second = &people[1];
    let asked = run(
        &sb,
        home.path(),
        &["participants", "remove", "--group", &group, &second.user_id],
    )
    .await;
    assert_eq!(asked.code, 2, "{}", asked.stderr);
    assert!(
        asked
            .stderr
            .contains("known only by BSUID: once removed, they can be added back only by phone number: add --yes"),
        "{}",
        asked.stderr
    );
    assert!(sb.members(&group).expect("group").contains(&second.wa_id));
    let removed = run(
        &sb,
        home.path(),
        &[
            "participants",
            "remove",
            "--yes",
            "--group",
            &group,
            &second.user_id,
        ],
    )
    .await;
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    // Named as the mirror knows them: the BSUID typed, and their username.
    let named = format!(
        "{} @{}",
        second.user_id,
        second.username.as_deref().unwrap_or("?")
    );
    assert!(
        removed.stdout.starts_with(&named) && removed.stdout.contains("removed (confirmed)"),
        "{}",
        removed.stdout
    );
    assert!(!sb.members(&group).expect("group").contains(&second.wa_id));

    // By the username the mirror knows a member by; one it does not know is refused by name.
    if let Some(third) = people.get(2) {
        let name = format!("@{}", third.username.as_deref().unwrap_or("?"));
        let removed = run(
            &sb,
            home.path(),
            &["participants", "remove", "--yes", "--group", &group, &name],
        )
        .await;
        assert_eq!(removed.code, 0, "{}", removed.stderr);
        assert!(
            removed
                .stdout
                .starts_with(&format!("{} {name}", third.user_id)),
            "{}",
            removed.stdout
        );
        assert!(!sb.members(&group).expect("group").contains(&third.wa_id));
    }
    let unknown = run(
        &sb,
        home.path(),
        &["participants", "remove", "--group", &group, "@nobody.here"],
    )
    .await;
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(
        unknown.stderr.contains("@nobody.here: no member of")
            && unknown.stderr.contains("has this username"),
        "{}",
        unknown.stderr
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn a_removal_by_phone_of_a_member_the_group_shows_only_by_bsuid_is_sent_not_skipped() {
    let sb = hidden_phones(0).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.insert_group("Runners", &["12025550143", "12025550144"]);
    sync(&sb, home.path()).await;
    let queued = run(
        &sb,
        home.path(),
        &["queue", "remove", "--group", &group, "+1 202 555 0143"],
    )
    .await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    assert!(!queued.stdout.contains("flagged"), "{}", queued.stdout);
    let sent = submit(&sb, home.path()).await;
    assert_eq!(sent.code, 0, "{}{}", sent.stdout, sent.stderr);
    assert_eq!(
        queue_states(&sb, home.path()).await[0]["state"],
        "confirmed"
    );
    assert_eq!(sb.members(&group).expect("group"), ["12025550144"]);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_removal_by_bsuid_of_a_member_shown_by_phone_is_sent_by_phone() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.insert_group("Runners", &["12025550143", "12025550144"]);
    let member = sb.person("12025550143").expect("a person");
    assert!(!member.phone_hidden);
    sync(&sb, home.path()).await;
    let queued = run(
        &sb,
        home.path(),
        &["queue", "remove", "--group", &group, &member.user_id],
    )
    .await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    let listed = queue_states(&sb, home.path()).await;
    assert_eq!(
        listed[0]["participant"], "+12025550143",
        "the phone when known"
    );
    assert_eq!(listed[0]["user_id"], member.user_id.as_str());
    let sent = submit(&sb, home.path()).await;
    assert_eq!(sent.code, 0, "{}{}", sent.stdout, sent.stderr);
    assert_eq!(sb.members(&group).expect("group"), ["12025550144"]);
    let log = run(&sb, home.path(), &["log", "--json"]).await;
    let log: serde_json::Value = serde_json::from_str(&log.stdout).expect("log json");
    assert!(
        log["exchanges"]
            .as_array()
            .expect("exchanges")
            .iter()
            .any(|e| e["participants"] == serde_json::json!(["+12025550143"])),
        "sent by phone: {log}"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn an_add_by_bsuid_is_refused_at_input_and_nothing_is_queued() {
    let sb = hidden_phones(1).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.insert_group("Runners", &[]);
    sync(&sb, home.path()).await;
    for args in [
        vec!["queue", "add", "--group", &group, "US.13491208655302741918"],
        vec![
            "participants",
            "add",
            "--group",
            &group,
            "US.13491208655302741918",
        ],
    ] {
        let refused = run(&sb, home.path(), &args).await;
        assert_eq!(refused.code, 2, "{}", refused.stderr);
        let line = refused.stderr.trim();
        assert!(!line.contains('\n'), "one line: {line}");
        assert!(
            line.ends_with("bad participant \"US.13491208655302741918\": a BSUID cannot be added: participants are added by phone number"),
            "{line}"
        );
    }
    let file = home.path().join("changes.csv");
    std::fs::write(
        &file,
        format!("group,participant,action\n{group},US.77,remove\n{group},US.78,add\n"),
    )
    .expect("write");
    let path = file.to_str().expect("path");
    let imported = run(&sb, home.path(), &["queue", "import", path]).await;
    assert_eq!(imported.code, 2, "{}", imported.stderr);
    assert!(
        imported.stderr.contains(&format!(
            "{path}:3: \"US.78\": a BSUID cannot be added: participants are added by phone number"
        )),
        "{}",
        imported.stderr
    );
    assert!(queue_states(&sb, home.path()).await.is_empty());
    let skipped = run(
        &sb,
        home.path(),
        &["queue", "import", "--skip-invalid", path],
    )
    .await;
    assert_eq!(skipped.code, 0, "{}", skipped.stderr);
    let listed = queue_states(&sb, home.path()).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["participant"], "US.77");
    assert_eq!(listed[0]["action"], "remove");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn members_known_only_by_bsuid_are_replaced_exactly_under_dropped_connections() {
    const GROUPS: usize = 40;
    let sb = hidden_phones(GROUPS).await;
    let home = tempfile::tempdir().expect("home");
    sync(&sb, home.path()).await;
    // Every member removed by BSUID, and new people added by phone up to 8 a group.
    let mut csv = String::from("group,participant,action\n");
    let mut phone_of = std::collections::BTreeMap::new();
    let mut next = 300_001u32;
    for group in sb.group_ids() {
        let members = sb.participants(&group).expect("group");
        for m in &members {
            csv.push_str(&format!("{group},{},remove\n", m.user_id));
            phone_of.insert(m.user_id.clone(), m.wa_id.clone());
        }
        for _ in members.len()..8 {
            csv.push_str(&format!("{group},+12122{next:06},add\n"));
            next += 1;
        }
    }
    let file = home.path().join("changes.csv");
    std::fs::write(&file, csv).expect("write");
    let path = file.to_str().expect("path");
    let imported = run(&sb, home.path(), &["queue", "import", path]).await;
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    sb.set_faults(wa_groups::sandbox::Faults {
        drop_rate: 0.3,
        ..wa_groups::sandbox::Faults::default()
    });
    let out = run(&sb, home.path(), common::SUBMIT_UNDER_FAULTS).await;
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    sb.set_faults(wa_groups::sandbox::Faults::default());
    // A group that could not be read on any try (a dropped connection or the 1 s timeout
    // each time, on a busy machine) leaves its accepted changes open, and the run says so:
    // the next submit settles them.
    let open = queue_states(&sb, home.path())
        .await
        .iter()
        .filter(|op| op["state"] == "accepted")
        .count();
    if open > 0 {
        assert!(
            out.stderr.contains("the next submit settles them"),
            "{open} left accepted without a word: {}",
            out.stderr
        );
        let next = run(&sb, home.path(), &["submit", "--yes"]).await;
        assert!(next.code == 0 || next.code == 1, "{}", next.stderr);
    }

    // Every change ends known, and the groups hold exactly what the outcomes say.
    let states = queue_states(&sb, home.path()).await;
    assert_eq!(states.len(), GROUPS * 8, "no operation lost");
    let mut want: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    for op in &states {
        let state = op["state"].as_str().expect("state");
        assert!(
            matches!(state, "confirmed" | "failed"),
            "left {state}: {op}"
        );
        let group = op["group"].as_str().expect("group").to_owned();
        let who = op["participant"].as_str().expect("participant");
        let wa_id = phone_of
            .get(who)
            .cloned()
            .unwrap_or_else(|| who.trim_start_matches('+').to_owned());
        let stays = (op["action"] == "add") == (state == "confirmed");
        if stays {
            want.entry(group).or_default().push(wa_id);
        }
    }
    let confirmed = states
        .iter()
        .filter(|op| op["state"] == "confirmed")
        .count();
    assert!(
        confirmed >= 12 * 8 - 8,
        "{confirmed} confirmed: {}",
        out.stderr
    );
    for group in sb.group_ids() {
        let mut wanted = want.remove(&group).unwrap_or_default();
        wanted.sort();
        assert_eq!(sb.members(&group).expect("group"), wanted, "{group}");
    }
    assert_eq!(
        sb.stats()["redundant_participants"],
        0,
        "nothing applied was sent again"
    );
    let log = run(&sb, home.path(), &["log", "--json"]).await;
    let log: serde_json::Value = serde_json::from_str(&log.stdout).expect("log json");
    let unanswered = log["exchanges"]
        .as_array()
        .expect("exchanges")
        .iter()
        .filter(|e| e["method"] == "DELETE" && e["status"].is_null())
        .count();
    assert!(unanswered > 0, "some removals lost their answer");
    sb.shutdown().await;
}
