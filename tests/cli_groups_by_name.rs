//! Groups named as the operator names them, on every command: a unique subject is taken where
//! an id is (options and CSV cells), a subject two groups share is refused with both listed,
//! the lifecycle commands (update, delete, link, requests) take it the same way, and
//! `queue list`, `submit --dry-run` and `log` show the subject (with the id's ending where
//! two groups share it) beside the id in text, JSON and CSV.

mod common;

use common::{run, sandbox};

/// A sandbox with two groups of one subject and one of its own, read into the mirror.
async fn twins() -> (wa_groups::sandbox::Sandbox, tempfile::TempDir, [String; 3]) {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let a = sb.insert_group("Cedar Park Neighbours", &["+12025550101"]);
    let b = sb.insert_group("Cedar Park Neighbours", &["+12025550102"]);
    let solo = sb.insert_group("Book Club", &["+12025550103"]);
    let synced = run(&sb, home.path(), &["groups", "sync"]).await;
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    (sb, home, [a, b, solo])
}

/// The last four characters of an id: what tells the twins apart here.
fn ending(id: &str) -> &str {
    &id[id.len() - 4..]
}

/// Runs `args` and checks the refusal of `subject`, which names both twins `a` and `b`: exit
/// 2, one line naming each by its label and id.
async fn refused_as_ambiguous(
    sb: &wa_groups::sandbox::Sandbox,
    home: &std::path::Path,
    args: &[&str],
    subject: &str,
    [a, b]: [&str; 2],
) {
    let out = run(sb, home, args).await;
    assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
    let line = out.stderr.trim_end();
    assert_eq!(line.lines().count(), 1, "{args:?}: {line}");
    assert!(
        line.contains(&format!("\"{subject}\" names 2 groups"))
            && line.contains(&format!("Cedar Park Neighbours …{} ({a})", ending(a)))
            && line.contains(&format!("Cedar Park Neighbours …{} ({b})", ending(b))),
        "{args:?}: {line}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ambiguous_subject_is_a_usage_error_listing_the_candidates_everywhere() {
    let (sb, home, [a, b, _]) = twins().await;
    let h = home.path();
    let list = h.join("list.txt");
    std::fs::write(&list, "+12025550143\n").expect("list");
    let list = list.to_str().expect("path").to_owned();
    let subject = "cedar park NEIGHBOURS";
    let commands: Vec<Vec<&str>> = vec![
        vec!["queue", "add", "--group", subject, "+12025550143"],
        vec!["queue", "remove", "--group", subject, "+12025550101"],
        vec![
            "queue", "import", "--group", subject, "--action", "add", &list,
        ],
        vec!["queue", "list", "--group", subject],
        vec!["queue", "drop", "--group", subject, "--yes"],
        vec!["queue", "retry", "--group", subject],
        vec!["submit", "--group", subject, "--dry-run"],
        vec!["participants", "add", "--group", subject, "+12025550143"],
        vec!["groups", "show", subject],
        vec!["log", "--group", subject],
        vec!["events", "--group", subject],
    ];
    for args in commands {
        refused_as_ambiguous(&sb, h, &args, subject, [&a, &b]).await;
    }
    // Files: the cell's line, the same words; nothing is stored.
    for (name, text, args) in [
        (
            "changes.csv",
            format!(
                "group,participant,action\nBook Club,+12025550150,add\n{subject},+12025550143,add\n"
            ),
            vec!["queue", "import"],
        ),
        (
            "target.csv",
            format!("group,participant\n{subject},+12025550143\n"),
            vec!["queue", "sync-target"],
        ),
    ] {
        let path = h.join(name);
        std::fs::write(&path, text).expect("file");
        let path = path.to_str().expect("path").to_owned();
        let mut args = args.clone();
        args.push(&path);
        let out = run(&sb, h, &args).await;
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        let line = if name == "changes.csv" { 3 } else { 2 };
        assert!(
            out.stderr
                .contains(&format!("{path}:{line}: \"{subject}\" names 2 groups")),
            "{}",
            out.stderr
        );
    }
    let queue = run(&sb, h, &["queue", "list", "--json"]).await;
    assert_eq!(queue.stdout.trim(), "[]", "nothing was queued");
    assert!(
        sb.stats()["applied_writes"].as_u64() == Some(0),
        "nothing was sent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_unique_subject_or_a_label_is_taken_where_an_id_is() {
    let (sb, home, [a, _, solo]) = twins().await;
    let h = home.path();
    let out = run(
        &sb,
        h,
        &["queue", "add", "--group", "book club", "+12025550143"],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let label = format!("Cedar Park Neighbours …{}", ending(&a));
    let out = run(&sb, h, &["queue", "add", "--group", &label, "+12025550144"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let csv = h.join("changes.csv");
    std::fs::write(
        &csv,
        format!(
            "group,participant,action\n\"'{solo}\",+12025550145,add\nBOOK CLUB,+12025550146,add\n"
        ),
    )
    .expect("csv");
    let out = run(&sb, h, &["queue", "import", csv.to_str().expect("path")]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let queue = common::queue_states(&sb, h).await;
    let groups: Vec<(&str, &str)> = queue
        .iter()
        .map(|op| {
            (
                op["group"].as_str().unwrap_or_default(),
                op["subject"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            (solo.as_str(), "Book Club"),
            (a.as_str(), "Cedar Park Neighbours"),
            (solo.as_str(), "Book Club"),
            (solo.as_str(), "Book Club"),
        ]
    );
    // Text that is neither a subject nor an id says both.
    let out = run(
        &sb,
        h,
        &["queue", "add", "--group", "Chess Club", "+12025550143"],
    )
    .await;
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no group of the mirror has the subject \"Chess Club\"")
            && out.stderr.contains("nor is it a group id"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn list_dry_run_and_log_name_the_group_beside_its_id() {
    let (sb, home, [a, b, _]) = twins().await;
    let h = home.path();
    for (group, n) in [(&a, "+12025550143"), (&b, "+12025550144")] {
        let out = run(&sb, h, &["queue", "add", "--group", group, n]).await;
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let (la, lb) = (
        format!("Cedar Park Neighbours …{}", ending(&a)),
        format!("Cedar Park Neighbours …{}", ending(&b)),
    );
    let list = run(&sb, h, &["queue", "list"]).await;
    assert!(
        list.stdout.contains(&la) && list.stdout.contains(&lb),
        "{}",
        list.stdout
    );
    let dry = run(&sb, h, &["submit", "--dry-run"]).await;
    assert!(
        dry.stdout.contains(&format!("{la}: add 1"))
            && dry.stdout.contains(&format!("{lb}: add 1"))
            && dry
                .stdout
                .contains(&format!("POST   /v23.0/{a}/participants  +12025550143")),
        "{}",
        dry.stdout
    );
    let dry = run(&sb, h, &["submit", "--dry-run", "--json"]).await;
    let plan: serde_json::Value = serde_json::from_str(&dry.stdout).expect("json");
    for request in plan["requests"].as_array().expect("requests") {
        assert_eq!(request["subject"], "Cedar Park Neighbours", "{request}");
        assert!(request["group"] == a.as_str() || request["group"] == b.as_str());
    }
    let sent = run(&sb, h, &["submit", "--yes", "--verify-delay-ms", "0"]).await;
    assert_eq!(sent.code, 0, "{}", sent.stderr);

    // Text: each write names the group, the participants and its answer; each outcome too.
    let log = run(&sb, h, &["log"]).await;
    assert!(
        log.stdout
            .lines()
            .any(|l| l.contains(&format!("POST   {la}  +12025550143  200"))),
        "{}",
        log.stdout
    );
    assert!(
        log.stdout
            .lines()
            .any(|l| l.contains(&format!("confirmed add    +12025550144 in {lb}"))),
        "{}",
        log.stdout
    );
    // JSON: the subject beside the id, participants as an array, times of one width.
    let log = run(&sb, h, &["log", "--json"]).await;
    let value: serde_json::Value = serde_json::from_str(&log.stdout).expect("json");
    let writes: Vec<&serde_json::Value> = value["exchanges"]
        .as_array()
        .expect("exchanges")
        .iter()
        .filter(|e| e["method"] == "POST")
        .collect();
    assert_eq!(writes.len(), 2);
    for w in &writes {
        assert_eq!(w["subject"], "Cedar Park Neighbours");
        assert!(w["participants"].is_array(), "{w}");
        assert_eq!(w["participants"].as_array().map(Vec::len), Some(1));
    }
    for section in ["exchanges", "outcomes"] {
        for row in value[section].as_array().expect("rows") {
            let time = row["time"].as_str().expect("time");
            assert_eq!(time.len(), "2026-01-31T09:00:00.000Z".len(), "{time}");
            assert!(time.ends_with('Z') && time.as_bytes()[19] == b'.', "{time}");
        }
    }
    // CSV: the subject column beside the group.
    let csv = run(&sb, h, &["log", "--csv"]).await;
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    assert_eq!(
        reader
            .headers()
            .expect("header")
            .iter()
            .take(4)
            .collect::<Vec<_>>(),
        ["time", "group", "subject", "participant"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| &r[2] == "Cedar Park Neighbours"));
}

#[tokio::test(flavor = "multi_thread")]
async fn log_filters_by_group_participant_time_and_state() {
    let (sb, home, [a, _, solo]) = twins().await;
    let h = home.path();
    // 0000 numbers fail with 131203 in the sandbox.
    for (group, n) in [
        (&a, "+12025550143"),
        (&solo, "+12025550000"),
        (&solo, "+12025550144"),
    ] {
        run(&sb, h, &["queue", "add", "--group", group, n]).await;
    }
    let sent = run(&sb, h, &["submit", "--yes", "--verify-delay-ms", "0"]).await;
    assert_eq!(sent.code, 1, "one failed: {}", sent.stderr);
    let outcomes = |args: &[&str]| {
        let mut all = vec!["log", "--json"];
        all.extend_from_slice(args);
        let owned: Vec<String> = all.iter().map(|s| s.to_string()).collect();
        let sb = &sb;
        async move {
            let args: Vec<&str> = owned.iter().map(String::as_str).collect();
            let out = run(sb, h, &args).await;
            assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
            let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
            v
        }
    };
    let v = outcomes(&["--group", "Book Club"]).await;
    assert_eq!(v["outcomes"].as_array().map(Vec::len), Some(2));
    assert!(
        v["exchanges"]
            .as_array()
            .expect("exchanges")
            .iter()
            .all(|e| e["group"] == solo.as_str())
    );
    let v = outcomes(&["--participant", "+1 (202) 555-0144", "--group", "Book Club"]).await;
    assert_eq!(v["outcomes"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["outcomes"][0]["participant"], "+12025550144");
    let v = outcomes(&["--state", "failed"]).await;
    let failed = v["outcomes"].as_array().expect("outcomes");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["code"], 131203);
    assert_eq!(v["exchanges"].as_array().map(Vec::len), Some(0));
    let v = outcomes(&["--since", "1h"]).await;
    assert_eq!(v["outcomes"].as_array().map(Vec::len), Some(3));
    let v = outcomes(&["--since", "2999-01-01"]).await;
    assert_eq!(v["outcomes"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["exchanges"].as_array().map(Vec::len), Some(0));
    let bad = run(&sb, h, &["log", "--since", "last week"]).await;
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("--since: `last week` is not a moment"),
        "{}",
        bad.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_lifecycle_commands_take_a_group_by_subject_and_refuse_an_ambiguous_one() {
    let (sb, home, [a, b, solo]) = twins().await;
    let h = home.path();
    let subject = "Cedar Park Neighbours";
    let commands: Vec<Vec<&str>> = vec![
        vec!["groups", "update", subject, "--subject", "Renamed"],
        vec![
            "groups",
            "update",
            subject,
            "--description",
            "x",
            "--dry-run",
        ],
        vec!["groups", "delete", subject, "--yes"],
        vec!["groups", "link", subject],
        vec!["groups", "link", subject, "--reset", "--yes"],
        vec!["requests", "list", "--group", subject],
        vec!["requests", "approve", "--group", subject, "--all"],
        vec!["requests", "reject", "--group", subject, "J1", "--yes"],
    ];
    for args in commands {
        refused_as_ambiguous(&sb, h, &args, subject, [&a, &b]).await;
    }
    let queue = run(&sb, h, &["queue", "list", "--json"]).await;
    assert_eq!(queue.stdout.trim(), "[]", "nothing was queued");
    assert_eq!(
        sb.stats()["applied_writes"].as_u64(),
        Some(0),
        "nothing sent"
    );

    // A unique subject, in any case, names its group for a dry run, a read and a change.
    let dry = run(
        &sb,
        h,
        &[
            "groups",
            "update",
            "book club",
            "--subject",
            "Readers",
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout.contains(&format!("/v23.0/{solo}")) && dry.stdout.contains("Book Club"),
        "{}",
        dry.stdout
    );
    let link = run(&sb, h, &["groups", "link", "BOOK CLUB"]).await;
    assert_eq!(link.code, 0, "{}", link.stderr);
    assert_eq!(Some(link.stdout.trim()), sb.invite_link(&solo).as_deref());
    let gone = run(&sb, h, &["groups", "delete", "Book Club", "--yes", "--now"]).await;
    assert_eq!(gone.code, 0, "{}", gone.stderr);
    assert!(!sb.group_ids().contains(&solo), "deleted");
    assert!(
        sb.group_ids().contains(&a) && sb.group_ids().contains(&b),
        "only that one"
    );
}
