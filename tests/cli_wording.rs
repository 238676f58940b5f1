//! What the commands print names groups and changes the one way, read as a new operator reads
//! it: `requests list` names each group by its label (the id's ending where two share a
//! subject), never by its id; a create is named by its subject in `groups create --now`, the
//! dry run, `queue list` and `log`; a change about no participant leaves no double space.

mod common;

use common::{create_now, run, sandbox, user};

#[tokio::test(flavor = "multi_thread")]
async fn join_requests_name_their_group_by_its_label_never_its_id() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (asked, _) = create_now(&sb, h, "Book Club", true).await;
    // Another group of the same subject: the label needs the id's ending.
    sb.insert_group("Book Club", &["+12025550101"]);
    let link = sb.invite_link(&asked).expect("a link");
    sb.ask_to_join(&link, &user("+12122000402")).expect("asks");
    assert_eq!(run(&sb, h, &["groups", "sync"]).await.code, 0);
    let label = format!("Book Club …{}", &asked[asked.len() - 4..]);

    let out = run(&sb, h, &["requests", "list"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    // Into a pipe: the request on one line, its id whole at its end.
    assert_eq!(
        lines.len(),
        2,
        "a header and one request, each on its line:\n{}",
        out.stdout
    );
    assert!(lines[0].starts_with("GROUP "), "{}", lines[0]);
    assert!(lines[1].starts_with(&label), "{}", lines[1]);
    assert!(lines[1].contains("+12122000402"), "{}", lines[1]);
    assert!(!out.stdout.contains(&asked), "no bare id: {}", out.stdout);

    // The log tells the read of its join requests from a read of the group.
    let log = run(&sb, h, &["log"]).await;
    assert!(
        log.stdout
            .contains(&format!("GET    {label} join_requests  200")),
        "{}",
        log.stdout
    );

    let json = run(&sb, h, &["requests", "list", "--json"]).await;
    let list: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(list[0]["group"], asked.as_str());
    assert_eq!(list[0]["subject"], "Book Club");

    // Approved at once: the outcome names the group by its label too.
    let approved = run(
        &sb,
        h,
        &["requests", "approve", "--group", &label, "--all", "--now"],
    )
    .await;
    assert_eq!(approved.code, 0, "{}", approved.stderr);
    let said = approved.stderr.trim_end();
    assert!(
        said.starts_with(&format!("{label}: approve +12122000402")) && said.ends_with(": done"),
        "{said}"
    );
    let log = run(&sb, h, &["log", "--state", "confirmed"]).await;
    assert!(
        log.stdout.contains(&format!(
            "confirmed approve +12122000402 @ines.r12 in {label}"
        )),
        "{}",
        log.stdout
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_is_named_by_its_subject_and_no_part_leaves_a_double_space() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (id, made) = create_now(&sb, h, "Summer Cohort", false).await;
    assert!(
        made.stderr.contains("create \"Summer Cohort\": done"),
        "{}",
        made.stderr
    );
    assert!(
        !made.stderr.contains(&id),
        "named by its subject: {}",
        made.stderr
    );
    assert!(
        made.stdout.starts_with(&id),
        "the id on stdout: {}",
        made.stdout
    );

    let queued = run(&sb, h, &["groups", "create", "--subject", "Fall Cohort"]).await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    let updated = run(
        &sb,
        h,
        &[
            "groups",
            "update",
            "Summer Cohort",
            "--description",
            "Mondays",
            "--now",
        ],
    )
    .await;
    assert_eq!(updated.code, 0, "{}", updated.stderr);

    let list = run(&sb, h, &["queue", "list"]).await;
    let fall = list
        .stdout
        .lines()
        .find(|l| l.contains("pending"))
        .expect("the queued create");
    let columns: Vec<&str> = fall
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(columns[1], "Fall Cohort", "GROUP names it: {fall}");

    let dry = run(&sb, h, &["submit", "--dry-run"]).await;
    assert!(
        dry.stdout.contains("new group \"Fall Cohort\": create 1"),
        "{}",
        dry.stdout
    );

    let log = run(&sb, h, &["log"]).await;
    assert_eq!(log.code, 0, "{}", log.stderr);
    for want in [
        "confirmed create in Summer Cohort",
        "confirmed description in Summer Cohort",
    ] {
        assert!(log.stdout.contains(want), "{want}: {}", log.stdout);
    }
    for line in log.stdout.lines() {
        // Two spaces part the columns after the time, and the request id after the sentence;
        // none inside a sentence.
        let sentence = line.split_once("Z  ").map_or(line, |(_, rest)| rest);
        let sentence = sentence.split("  request ").next().unwrap_or(sentence);
        if sentence.starts_with("confirmed") || sentence.starts_with("failed") {
            assert!(!sentence.contains("  "), "a double space: {line}");
        }
    }
    sb.shutdown().await;
}
