//! The queue, import, sync, sync-target and log commands, run as an operator would.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{group_with_room, queue_states, run, sandbox};

#[tokio::test(flavor = "multi_thread")]
async fn import_human_formats_list_submit_and_export_the_log() {
    let sb = sandbox(6).await;
    let home = tempfile::tempdir().expect("home");
    let group = group_with_room(&sb, 3);
    let csv = format!(
        "\u{feff}Group,Participant,Action\r\n# the new volunteers\r\n{group},\"+1 (202) 555-0143\",add\r\n\r\n{group},0044 7400 123456,ADD\r\n{group},5511987654321,add\r\n"
    );
    let file = home.path().join("people.csv");
    std::fs::write(&file, csv).expect("write");
    let out = run(
        &sb,
        home.path(),
        &["queue", "import", file.to_str().expect("path")],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("3 queued"), "{}", out.stdout);

    let states = queue_states(&sb, home.path()).await;
    let numbers: Vec<&str> = states
        .iter()
        .filter_map(|op| op["participant"].as_str())
        .collect();
    assert_eq!(numbers, ["+12025550143", "+447400123456", "+5511987654321"]);

    let listed = run(&sb, home.path(), &["queue", "list"]).await;
    assert!(listed.stdout.contains("+447400123456"), "{}", listed.stdout);
    assert!(listed.stderr.contains("3 pending"), "{}", listed.stderr);

    let sent = run(
        &sb,
        home.path(),
        &["submit", "--yes", "--verify-delay-ms", "0"],
    )
    .await;
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    // Run from a script (no terminal, so no progress bar), its lines still reach stderr.
    assert!(
        sent.stderr.contains("3 operation(s), 1 request(s) planned"),
        "{}",
        sent.stderr
    );
    let members = sb.members(&group).expect("group");
    for n in ["12025550143", "447400123456", "5511987654321"] {
        assert!(members.contains(&n.to_string()), "{n} in {members:?}");
    }

    let log = run(&sb, home.path(), &["log", "--csv"]).await;
    assert_eq!(log.code, 0, "{}", log.stderr);
    let mut rows = csv::Reader::from_reader(log.stdout.as_bytes());
    let header = rows.headers().expect("header").clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "time",
            "group",
            "subject",
            "participant",
            "action",
            "result",
            "code",
            "message",
            "request_id",
            "username"
        ]
    );
    let records: Vec<csv::StringRecord> = rows.records().filter_map(Result::ok).collect();
    assert_eq!(records.len(), 3);
    assert!(
        records
            .iter()
            .all(|r| &r[5] == "confirmed" && &r[1] == group.as_str())
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_file_stores_nothing_and_names_each_bad_line() {
    let sb = sandbox(2).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.group_ids().remove(0);
    let csv = format!(
        "group,participant,action\n{group},+12025550143,add\n{group},abc,add\n{group},+12025550199,delete\n"
    );
    let file = home.path().join("bad.csv");
    std::fs::write(&file, csv).expect("write");
    let path = file.to_str().expect("path");
    let out = run(&sb, home.path(), &["queue", "import", path]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("bad.csv:3:"), "{}", out.stderr);
    assert!(out.stderr.contains("letters"), "{}", out.stderr);
    assert!(out.stderr.contains("bad.csv:4:"), "{}", out.stderr);
    assert!(
        out.stderr.contains("nothing was imported"),
        "{}",
        out.stderr
    );
    assert!(queue_states(&sb, home.path()).await.is_empty());

    let skipped = run(
        &sb,
        home.path(),
        &["queue", "import", "--skip-invalid", path],
    )
    .await;
    assert_eq!(skipped.code, 0, "{}", skipped.stderr);
    assert_eq!(queue_states(&sb, home.path()).await.len(), 1);

    let binary = home.path().join("photo.jpg");
    std::fs::write(&binary, [0xff, 0xd8, 0xff, 0x00, 0x10, 0x4a, 0x46]).expect("write");
    let out = run(
        &sb,
        home.path(),
        &["queue", "import", binary.to_str().expect("path")],
    )
    .await;
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("binary"), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_marks_vanished_groups_and_sync_target_queues_the_difference() {
    let sb = sandbox(5).await;
    let home = tempfile::tempdir().expect("home");
    let out = run(&sb, home.path(), &["groups", "sync"]).await;
    assert!(
        out.stdout.contains("5 groups listed, 5 read"),
        "{}",
        out.stdout
    );
    let ids = sb.group_ids();
    assert!(sb.remove_group(&ids[4]));
    let out = run(&sb, home.path(), &["groups", "sync"]).await;
    assert!(out.stdout.contains("1 no longer listed"), "{}", out.stdout);

    // Target: group 0 keeps its first member and gains one; group 4 (gone) is reported.
    let keep = sb.members(&ids[0]).unwrap_or_default();
    let mut target = String::from("group,participant\n");
    if let Some(first) = keep.first() {
        target.push_str(&format!("{},{first}\n", ids[0]));
    }
    target.push_str(&format!(
        "{},+12025550143\n{},+12025550199\n",
        ids[0], ids[4]
    ));
    let file = home.path().join("target.csv");
    std::fs::write(&file, target).expect("write");
    let out = run(
        &sb,
        home.path(),
        &["queue", "sync-target", file.to_str().expect("path")],
    )
    .await;
    // Groups named by subject, as everywhere.
    let subject = sb.subject(&ids[0]).expect("subject");
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with(&format!("+ {subject}")) && l.ends_with("  +12025550143")),
        "{}",
        out.stdout
    );
    let removes = keep.len().saturating_sub(1);
    assert!(
        out.stdout
            .contains(&format!("1 to add, {removes} to remove")),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("not in the mirror"), "{}", out.stderr);
    let states = queue_states(&sb, home.path()).await;
    assert_eq!(states.len(), 1 + removes);
    sb.shutdown().await;
}

/// A target the queue would undo: an add pending to a group wanted empty, and a removal
/// pending of a member the target keeps. The sync withdraws both (a later submit would add
/// the one back and remove the other), a dry run says so and ends as the run does.
#[tokio::test(flavor = "multi_thread")]
async fn sync_target_withdraws_pending_changes_that_would_undo_it() {
    let sb = sandbox(3).await;
    let home = tempfile::tempdir().expect("home");
    let out = run(&sb, home.path(), &["groups", "sync"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ids = sb.group_ids();
    let kept = sb.members(&ids[1]).unwrap_or_default();
    let Some(first) = kept.first().cloned() else {
        panic!("group 1 has members");
    };
    let queued = home.path().join("queued.csv");
    std::fs::write(
        &queued,
        format!(
            "group,participant,action\n{},+12025550177,add\n{},+{first},remove\n",
            ids[0], ids[1]
        ),
    )
    .expect("write");
    let out = run(
        &sb,
        home.path(),
        &["queue", "import", queued.to_str().expect("path")],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);

    let mut target = format!("group,participant\n{},(empty)\n", ids[0]);
    for member in &kept {
        target.push_str(&format!("{},+{member}\n", ids[1]));
    }
    let file = home.path().join("target.csv");
    std::fs::write(&file, target).expect("write");
    let path = file.to_str().expect("path");
    let emptied = sb.members(&ids[0]).unwrap_or_default().len();
    let dry = run(
        &sb,
        home.path(),
        &["queue", "sync-target", "--dry-run", "--yes", path],
    )
    .await;
    let wet_expected = format!("0 to add, {emptied} to remove, 2 pending change(s) withdrawn");
    assert!(dry.stdout.contains(&wet_expected), "{}", dry.stdout);
    let subject0 = sb.subject(&ids[0]).expect("subject");
    assert!(
        dry.stdout
            .lines()
            .any(|l| l.starts_with(&format!("↶ {subject0}"))
                && l.ends_with("pending: add +12025550177")),
        "{}",
        dry.stdout
    );
    assert_eq!(
        queue_states(&sb, home.path()).await.len(),
        2,
        "a dry run changes nothing"
    );

    let out = run(&sb, home.path(), &["queue", "sync-target", "--yes", path]).await;
    assert_eq!(
        out.code, dry.code,
        "a dry run ends as the run does: {}",
        out.stderr
    );
    assert!(
        out.stdout.contains("withdrew 2 pending change(s)"),
        "{}",
        out.stdout
    );
    let states = queue_states(&sb, home.path()).await;
    let pending: Vec<(&str, &str)> = states
        .iter()
        .filter(|op| op["state"] == "pending")
        .filter_map(|op| Some((op["group"].as_str()?, op["action"].as_str()?)))
        .collect();
    assert_eq!(
        pending.len(),
        emptied,
        "only the removals that empty group 0: {states:#?}"
    );
    assert!(
        pending.iter().all(|(g, k)| *g == ids[0] && *k == "remove"),
        "{states:#?}"
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_lists_from_stdin_and_drop_asks_for_yes() {
    let sb = sandbox(2).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.group_ids().remove(0);
    let list = home.path().join("list.txt");
    std::fs::write(
        &list,
        "+1 202 555 0143, +44 7400 123456\n# pasted from the sheet\n2025550199\n",
    )
    .expect("write");
    let out = run(
        &sb,
        home.path(),
        &[
            "--default-region",
            "US",
            "queue",
            "import",
            list.to_str().expect("path"),
            "--group",
            &group,
            "--action",
            "add",
        ],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(queue_states(&sb, home.path()).await.len(), 3);
    let refused = run(&sb, home.path(), &["queue", "drop", "--all"]).await;
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    let dropped = run(&sb, home.path(), &["queue", "drop", "--all", "--yes"]).await;
    assert_eq!(dropped.code, 0, "{}", dropped.stderr);
    assert!(queue_states(&sb, home.path()).await.is_empty());
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_store_is_private_and_never_holds_the_token() {
    let sb = sandbox(3).await;
    let home = tempfile::tempdir().expect("home");
    let group = group_with_room(&sb, 1);
    run(&sb, home.path(), &["groups", "sync"]).await;
    run(
        &sb,
        home.path(),
        &["queue", "add", "--group", &group, "+12025550143"],
    )
    .await;
    let sent = run(
        &sb,
        home.path(),
        &["submit", "--yes", "--verify-delay-ms", "0"],
    )
    .await;
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    let dir = home.path().join("data").join("wa-groups");
    let db = dir.join("wa-groups.db");
    let mode = std::fs::metadata(&db).expect("store").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    for entry in std::fs::read_dir(&dir).expect("dir").filter_map(Result::ok) {
        let bytes = std::fs::read(entry.path()).expect("read");
        let token = sb.token().as_bytes();
        assert!(
            !bytes.windows(token.len()).any(|w| w == token),
            "{} holds the token",
            entry.path().display()
        );
    }
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn submit_asks_and_with_no_one_to_answer_sends_nothing() {
    let sb = sandbox(3).await;
    let home = tempfile::tempdir().expect("home");
    let group = group_with_room(&sb, 1);
    let before = sb.members(&group).expect("group");
    let queued = run(
        &sb,
        home.path(),
        &["queue", "add", "--group", &group, "+1 202 555 0143"],
    )
    .await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);

    // Without --yes and with stdin not a terminal: a usage error that says what would be sent.
    let asked = run(&sb, home.path(), &["submit", "--verify-delay-ms", "0"]).await;
    assert_eq!(asked.code, 2, "{}", asked.stderr);
    assert!(
        asked
            .stderr
            .contains("1 change(s) in 1 group(s) as 1 request(s) would be sent; no terminal to ask on: add --yes"),
        "{}",
        asked.stderr
    );
    assert_eq!(
        sb.members(&group).expect("group"),
        before,
        "nothing was sent"
    );
    let states = queue_states(&sb, home.path()).await;
    assert_eq!(states.len(), 1);
    assert_eq!(states[0]["state"], "pending", "{states:?}");

    // With --yes it is sent; a second submit has nothing to send and says so.
    let sent = run(
        &sb,
        home.path(),
        &["submit", "--yes", "--verify-delay-ms", "0"],
    )
    .await;
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    assert!(
        sb.members(&group)
            .expect("group")
            .contains(&"12025550143".to_string())
    );
    let again = run(&sb, home.path(), &["submit", "--verify-delay-ms", "0"]).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again
            .stderr
            .contains("nothing to send: 0 held back, 0 with nothing to do"),
        "{}",
        again.stderr
    );
}
