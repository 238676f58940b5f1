//! The group lifecycle through the commands, as an operator runs them against the sandbox: a
//! cohort created from a CSV with its links printed, a user joining by link, another asking and
//! approved, a third rejected, a group renamed and one deleted; bad input refused whole; a
//! create whose answer is lost found, never made twice.

mod common;

use std::path::Path;

use common::{Run, by_subject, create_now, run, user};
use wa_groups::sandbox::{self, Faults, Sandbox, SandboxConfig};

async fn sandbox(seed: u64) -> Sandbox {
    sandbox::start(SandboxConfig {
        groups: 3,
        seed,
        approval_rate: 0.0,
        create_delay_ms: 50,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox")
}

/// `groups create --from FILE --now`, run in `home`.
async fn create_from(sb: &Sandbox, home: &Path, file: &Path) -> Run {
    let file = file.to_str().expect("path");
    run(sb, home, &["groups", "create", "--from", file, "--now"]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cohort_from_a_csv_to_approved_members_renamed_and_one_deleted() {
    let sb = sandbox(21).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let mut csv = String::from("subject,description,join_approval_mode\n");
    for n in 1..=20 {
        let mode = if n % 2 == 0 {
            "approval_required"
        } else {
            "auto_approve"
        };
        csv.push_str(&format!("Cohort {n:02},\"Week {n}, Mondays\",{mode}\n"));
    }
    let file = h.join("cohort.csv");
    std::fs::write(&file, csv).expect("csv");
    let path = file.to_str().expect("path");

    let preview = run(&sb, h, &["groups", "create", "--from", path, "--dry-run"]).await;
    assert_eq!(preview.code, 0, "{}", preview.stderr);
    assert_eq!(
        preview
            .stdout
            .matches("POST   /v23.0/100000000000001/groups")
            .count(),
        20
    );
    assert_eq!(sb.group_ids().len(), 3, "a dry run creates nothing");

    let made = run(&sb, h, &["groups", "create", "--from", path, "--now"]).await;
    assert_eq!(made.code, 0, "{}\n{}", made.stdout, made.stderr);
    let lines: Vec<&str> = made.stdout.lines().collect();
    assert_eq!(lines.len(), 20, "{}", made.stdout);
    let mut made_groups = Vec::new();
    for (n, line) in (1..=20).zip(&lines) {
        let parts: Vec<&str> = line.splitn(3, "  ").collect();
        assert_eq!(parts[2], format!("Cohort {n:02}"), "{line}");
        assert!(parts[1].starts_with("https://chat.whatsapp.com/"), "{line}");
        assert_eq!(sb.invite_link(parts[0]).as_deref(), Some(parts[1]));
        assert_eq!(by_subject(&sb, parts[2]), [parts[0]], "one group each");
        made_groups.push((parts[0].to_owned(), parts[1].to_owned()));
    }

    let links = run(&sb, h, &["groups", "links", "--csv"]).await;
    assert_eq!(links.code, 0, "{}", links.stderr);
    assert_eq!(links.stdout.lines().count(), 1 + 23, "{}", links.stdout);
    for (id, link) in &made_groups {
        assert!(links.stdout.contains(&format!("\"{id}\"")) && links.stdout.contains(link));
    }

    // A user joins the first (auto_approve) group by its link.
    let (open_group, open_link) = &made_groups[0];
    sb.join_by_link(open_link, &user("+12122000401"))
        .expect("joins");
    assert!(
        sb.members(open_group)
            .expect("group")
            .contains(&"12122000401".to_string())
    );

    // Two ask to join the second (approval_required): one approved, one rejected.
    let (approval_group, approval_link) = &made_groups[1];
    let (_, asked) = sb
        .ask_to_join(approval_link, &user("+12122000402"))
        .expect("asks");
    let (_, refused) = sb
        .ask_to_join(approval_link, &user("+12122000403"))
        .expect("asks");
    let listed = run(
        &sb,
        h,
        &["requests", "list", "--group", approval_group, "--json"],
    )
    .await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(listed.stdout.contains(&asked) && listed.stdout.contains(&refused));
    let reject = [
        "requests",
        "reject",
        "--group",
        approval_group,
        &refused,
        "--now",
    ];
    // An approval of it queued first: the reject sent now replaces it, and says so.
    let queued = run(
        &sb,
        h,
        &["requests", "approve", "--group", approval_group, &refused],
    )
    .await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    let no_yes = run(&sb, h, &reject).await;
    assert_eq!(no_yes.code, 2, "a rejection asks: {}", no_yes.stderr);
    // The question names whom it rejects, and where.
    assert!(
        no_yes.stderr.contains("Reject 1 join request(s): ")
            && no_yes.stderr.contains("12122000403 in Cohort 02"),
        "{}",
        no_yes.stderr
    );
    let rejected = run(&sb, h, &[&reject[..], &["--yes"]].concat()).await;
    assert_eq!(rejected.code, 0, "{}", rejected.stderr);
    assert!(
        rejected
            .stderr
            .contains("replaced: the pending approve of +12122000403"),
        "{}",
        rejected.stderr
    );
    let approve = ["requests", "approve", "--group", approval_group, "--all"];
    let approved = run(&sb, h, &[&approve[..], &["--now"]].concat()).await;
    assert_eq!(approved.code, 0, "{}", approved.stderr);
    let members = sb.members(approval_group).expect("group");
    assert!(
        members.contains(&"12122000402".to_string()),
        "approved: {members:?}"
    );
    assert!(
        !members.contains(&"12122000403".to_string()),
        "rejected: {members:?}"
    );
    assert_eq!(sb.join_requests(approval_group).map(|r| r.len()), Some(0));

    // Renamed, and one deleted (it asks; --yes in scripts).
    let renamed = run(
        &sb,
        h,
        &[
            "groups",
            "update",
            open_group,
            "--subject",
            "Cohort 01 (2026)",
            "--now",
        ],
    )
    .await;
    assert_eq!(renamed.code, 0, "{}", renamed.stderr);
    assert_eq!(sb.subject(open_group).as_deref(), Some("Cohort 01 (2026)"));
    let (doomed, _) = &made_groups[2];
    let asked = run(&sb, h, &["groups", "delete", doomed, "--now"]).await;
    assert_eq!(asked.code, 2, "{}", asked.stderr);
    assert!(
        asked.stderr.contains("Cohort 03") && asked.stderr.contains("--yes"),
        "{}",
        asked.stderr
    );
    let deleted = run(&sb, h, &["groups", "delete", doomed, "--now", "--yes"]).await;
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    assert!(sb.group(doomed).is_none());
    // Shown after: the group is said gone, not the server's raw refusal.
    let shown = run(&sb, h, &["groups", "show", doomed]).await;
    assert_eq!(shown.code, 1, "{}", shown.stderr);
    assert!(
        shown.stderr.contains("Cohort 03 is gone from the server"),
        "{}",
        shown.stderr
    );
    let queue = run(&sb, h, &["queue", "list", "--json"]).await;
    let ops: Vec<serde_json::Value> = serde_json::from_str(&queue.stdout).expect("json");
    assert!(
        ops.iter().all(|op| op["state"] == "confirmed"),
        "{}",
        queue.stdout
    );
    let log = run(&sb, h, &["log", "--csv"]).await;
    assert!(
        log.stdout.contains("\"create\"") && log.stdout.contains("\"delete\""),
        "{}",
        log.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_lines_create_nothing_and_each_is_named() {
    let sb = sandbox(22).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let file = h.join("bad.csv");
    let long = "x".repeat(129);
    std::fs::write(
        &file,
        format!("subject,join_approval_mode\nGood,\n{long},\nOther,maybe\nGood,\n"),
    )
    .expect("csv");
    let out = create_from(&sb, h, &file).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    let name = file.display().to_string();
    for line in [3, 4, 5] {
        assert!(
            out.stderr.contains(&format!("{name}:{line}: ")),
            "line {line}: {}",
            out.stderr
        );
    }
    assert_eq!(sb.group_ids().len(), 3, "nothing created");
    let queue = run(&sb, h, &["queue", "list", "--json"]).await;
    assert_eq!(queue.stdout.trim(), "[]", "nothing queued");
    let photo = h.join("photo.png");
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\n0000").expect("png");
    let group = sb.group_ids()[0].clone();
    let out = run(
        &sb,
        h,
        &[
            "groups",
            "update",
            &group,
            "--photo",
            photo.to_str().expect("path"),
        ],
    )
    .await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a JPEG"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_whose_answers_are_dropped_are_found_never_made_twice() {
    let sb = sandbox(23).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let file = h.join("lost.csv");
    std::fs::write(&file, "subject\nLost 1\nLost 2\nLost 3\nLost 4\n").expect("csv");
    sb.set_faults(Faults {
        drop_rate: 1.0,
        writes_only: true,
        ..Faults::default()
    });
    let out = create_from(&sb, h, &file).await;
    let found = out.stdout.lines().count();
    assert!(found > 0, "{}\n{}", out.stdout, out.stderr);
    for n in 1..=4 {
        let subject = format!("Lost {n}");
        let groups = by_subject(&sb, &subject);
        assert!(groups.len() <= 1, "{subject} made twice");
        assert_eq!(
            out.stdout.contains(&subject),
            groups.len() == 1,
            "{subject}: printed iff made\n{}",
            out.stdout
        );
    }
    assert_eq!(sb.group_ids().len(), 3 + found);
    assert_eq!(out.code, if found == 4 { 0 } else { 1 }, "{}", out.stderr);
    let stats = sb.stats();
    assert_eq!(stats["by_route"]["POST /groups"]["dropped"], 4, "{stats}");
}

/// Approving more join requests than a group has room for sends only those that fit; the rest
/// stay pending, each named with the size the group would reach with it, and the server never
/// answers "the group is full"; a submit's summary counts them on one line by their cause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approvals_past_a_groups_room_are_held_not_sent() {
    let sb = sandbox(23).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (group, _) = create_now(&sb, h, "Full soon", true).await;
    let six: Vec<String> = (1..=6).map(|n| format!("+1212200050{n}")).collect();
    let mut add = vec!["participants", "add", "--group", &group];
    add.extend(six.iter().map(String::as_str));
    let added = run(&sb, h, &add).await;
    assert_eq!(added.code, 0, "{}", added.stderr);
    let link = sb.invite_link(&group).expect("a link");
    for n in 1..=4 {
        sb.ask_to_join(&link, &user(&format!("+1212200060{n}")))
            .expect("asks");
    }
    let approved = run(
        &sb,
        h,
        &["requests", "approve", "--group", &group, "--all", "--now"],
    )
    .await;
    assert_eq!(
        approved.code, 1,
        "two are left pending: {}",
        approved.stderr
    );
    assert_eq!(sb.members(&group).map(|m| m.len()), Some(8));
    assert_eq!(sb.join_requests(&group).map(|r| r.len()), Some(2));
    let text = format!("{}{}", approved.stdout, approved.stderr);
    assert!(
        text.contains("would be 9 of 8 members: 6 now, 2 approval(s) before it"),
        "{text}"
    );
    // Each held approval names the person, the group and the size the group would reach
    // with it (as the queue's warning did).
    for (who, why) in [
        (
            "+12122000603",
            "would be 9 of 8 members: 6 now, 2 approval(s) before it",
        ),
        (
            "+12122000604",
            "would be 10 of 8 members: 6 now, 3 approval(s) before it",
        ),
    ] {
        assert!(
            text.lines().any(|l| l.starts_with("Full soon: approve ")
                && l.contains(who)
                && l.contains(&format!("held back: {why} (still queued)"))),
            "{who}: {text}"
        );
    }
    // A submit's summary counts them by the cause they share, one line; its detail names
    // each.
    let sent = run(&sb, h, &["submit", "--yes", "--verify-delay-ms", "0"]).await;
    let held: Vec<&str> = sent
        .stderr
        .lines()
        .filter(|l| l.contains("held ×"))
        .collect();
    assert_eq!(
        held,
        ["  held ×2: the group has no room: 8 members at most"],
        "{}",
        sent.stderr
    );
    assert!(
        sent.stderr.lines().any(|l| l.starts_with("held: #")
            && l.contains(" approve +12122000604")
            && l.contains("in Full soon: would be 10 of 8 members")),
        "{}",
        sent.stderr
    );
    assert!(
        !text.contains("131204"),
        "nothing sent past the room: {text}"
    );
    let queue = run(&sb, h, &["queue", "list", "--json"]).await;
    let pending = queue.stdout.matches("\"pending\"").count();
    assert_eq!(pending, 2, "{}", queue.stdout);
}

/// A change queued for a group deleted meanwhile fails with the server's word when the group
/// is read before planning, and nothing is sent to the group; the dry run said so before, with
/// the same count of requests as the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_to_a_deleted_group_fails_without_being_sent() {
    let sb = sandbox(24).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let made = run(
        &sb,
        h,
        &["groups", "create", "--subject", "Short lived", "--now"],
    )
    .await;
    assert_eq!(made.code, 0, "{}", made.stderr);
    let group = by_subject(&sb, "Short lived").pop().expect("created");
    let deleted = run(&sb, h, &["groups", "delete", &group, "--now", "--yes"]).await;
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    // A lifecycle command on it is refused, naming the group, before any question; nothing
    // is queued.
    for args in [
        vec!["groups", "update", group.as_str(), "--subject", "Renamed"],
        vec!["groups", "link", group.as_str(), "--reset", "--yes"],
        vec!["groups", "delete", group.as_str(), "--now"],
    ] {
        let refused = run(&sb, h, &args).await;
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(
            refused.stderr.contains(
                "group Short lived: the group is gone from the server (deleted, or a wrong id); nothing queued"
            ),
            "{args:?}: {}",
            refused.stderr
        );
    }
    let listed = run(&sb, h, &["queue", "list", "--json"]).await;
    let listed: serde_json::Value = serde_json::from_str(&listed.stdout).expect("json");
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(2),
        "the create and the delete: {listed}"
    );
    let queued = run(&sb, h, &["queue", "add", "--group", &group, "+12122000701"]).await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    let writes = |sb: &Sandbox| -> u64 {
        sb.stats()["by_route"]["POST /participants"]
            .as_object()
            .map_or(0, |counts| counts.values().filter_map(|n| n.as_u64()).sum())
    };
    let before = writes(&sb);
    // The dry run says what the run does: no request, the change fails, and why.
    let dry = run(&sb, h, &["submit", "--dry-run"]).await;
    assert_eq!(dry.code, 0, "{}{}", dry.stdout, dry.stderr);
    assert!(
        dry.stdout.contains("will fail, nothing sent: 1"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains(
            "add +12122000701 to Short lived: the group is gone from the server (deleted, or a wrong id)"
        ),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stderr
            .contains("0 request(s) would be sent; 0 held back; 0 with nothing to do; 1 will fail (group gone)"),
        "{}",
        dry.stderr
    );
    let sent = run(&sb, h, &["submit", "--yes"]).await;
    assert_eq!(sent.code, 1, "{}{}", sent.stdout, sent.stderr);
    assert!(
        sent.stderr
            .contains("1 operation(s), 0 request(s) planned; 1 fail unsent: group gone (deleted, or a wrong id)"),
        "{}",
        sent.stderr
    );
    assert_eq!(writes(&sb), before, "no request to the deleted group");
    let queue = run(&sb, h, &["queue", "list", "--json"]).await;
    let ops: serde_json::Value = serde_json::from_str(&queue.stdout).expect("json");
    let add = ops
        .as_array()
        .expect("ops")
        .iter()
        .find(|o| o["action"] == "add")
        .expect("the add");
    assert_eq!(add["state"], "failed", "{add}");
    assert_eq!(add["code"], 131041, "{add}");

    // A retry leaves it failed, naming the change (who, which group) and why.
    let retried = run(&sb, h, &["queue", "retry", "--all"]).await;
    assert_eq!(retried.code, 1, "{}{}", retried.stdout, retried.stderr);
    assert!(
        retried.stdout.contains("left failed, not queued again: 1"),
        "{}",
        retried.stdout
    );
    assert!(
        retried.stdout.contains(&format!(
            "#{} add +12122000701 to Short lived: the group is gone from the server (deleted, or a wrong id)",
            add["id"]
        )),
        "{}",
        retried.stdout
    );
    let after = run(&sb, h, &["queue", "list", "--json"]).await;
    let after: serde_json::Value = serde_json::from_str(&after.stdout).expect("json");
    let states: Vec<&str> = after
        .as_array()
        .expect("ops")
        .iter()
        .filter(|o| o["action"] == "add")
        .filter_map(|o| o["state"].as_str())
        .collect();
    assert_eq!(states, ["failed"], "nothing queued again: {after}");
}

/// Queued creates are told apart in `queue list`: each names the subject it makes, in the
/// text and in the JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_creates_are_listed_by_the_subject_they_make() {
    let sb = sandbox(25).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let file = h.join("two.csv");
    std::fs::write(
        &file,
        "subject,description,join_approval_mode\nAutumn A,,auto_approve\nAutumn B,,approval_required\n",
    )
    .expect("csv");
    let queued = run(
        &sb,
        h,
        &["groups", "create", "--from", file.to_str().expect("path")],
    )
    .await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    let text = run(&sb, h, &["queue", "list"]).await;
    let rows: Vec<&str> = text.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{}", text.stdout);
    assert!(
        rows[0].contains("\"Autumn A\"") && rows[0].contains("create"),
        "{}",
        text.stdout
    );
    assert!(
        rows[1].contains("\"Autumn B\" (approval required)"),
        "{}",
        text.stdout
    );
    let json = run(&sb, h, &["queue", "list", "--json"]).await;
    let ops: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(ops[0]["subject"], "Autumn A");
    assert_eq!(ops[1]["change"], "create \"Autumn B\" (approval required)");
}

/// A create whose subject a group already has says so (the subject alone will name neither)
/// and still makes it; a subject of its own says nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_with_a_subject_already_taken_says_so() {
    let sb = sandbox(26).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let first = run(
        &sb,
        h,
        &["groups", "create", "--subject", "Book Club", "--now"],
    )
    .await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        !first.stderr.contains("already the subject"),
        "{}",
        first.stderr
    );
    let made = by_subject(&sb, "Book Club").pop().expect("made");
    let again = run(
        &sb,
        h,
        &["groups", "create", "--subject", " book club", "--now"],
    )
    .await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again
            .stderr
            .contains("note: \"book club\" is already the subject of Book Club")
            && again.stderr.contains(&made),
        "{}",
        again.stderr
    );
    assert_eq!(
        by_subject(&sb, "Book Club").len() + by_subject(&sb, "book club").len(),
        2
    );
}

/// `groups delete` asks naming the group and each of its members as the mirror has them; with
/// no one to answer and no `--yes`, it deletes nothing.
#[tokio::test]
async fn a_delete_names_the_members_who_leave() {
    let sb = sandbox(11).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    assert_eq!(run(&sb, h, &["groups", "sync"]).await.code, 0);
    let group = sb
        .group_ids()
        .into_iter()
        .find(|g| sb.members(g).is_some_and(|m| !m.is_empty()))
        .expect("a group with members");
    let members = sb.members(&group).expect("group");
    let asked = run(&sb, h, &["groups", "delete", &group]).await;
    assert_eq!(asked.code, 2, "{}", asked.stderr);
    for wa_id in &members {
        assert!(
            asked.stderr.contains(&format!("+{wa_id}")),
            "{wa_id}: {}",
            asked.stderr
        );
    }
    assert!(asked.stderr.contains("add --yes"), "{}", asked.stderr);
    assert!(sb.group_ids().contains(&group), "nothing deleted");
    sb.shutdown().await;
}
