//! What a new operator reads from the commands on a first run against the sandbox: every
//! outcome names its request, counts account for every row shown, held-back changes are named
//! as such, the sandbox prints lines to paste, and partial imports and ambiguous names say
//! plainly what happened.

mod common;

use common::{run, sandbox};

/// Adds and removals in two groups, settled by reading after their answers: every outcome in
/// `log` (text, CSV, JSON) names the request_id its exchange carries.
#[tokio::test(flavor = "multi_thread")]
async fn every_outcome_of_an_answered_request_names_its_request_id() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    sb.insert_group("Book Club", &["+12025550101", "+447400123456"]);
    sb.insert_group("Yoga Mornings", &["+4915112345678"]);
    assert_eq!(run(&sb, h, &["groups", "sync"]).await.code, 0);
    for args in [
        &[
            "queue",
            "add",
            "--group",
            "Book Club",
            "+12025550102",
            "+12025550000",
        ][..],
        &["queue", "remove", "--group", "Book Club", "+447400123456"],
        &["queue", "add", "--group", "Yoga Mornings", "+33612345678"],
        &[
            "queue",
            "remove",
            "--group",
            "Yoga Mornings",
            "+4915112345678",
        ],
    ] {
        let queued = run(&sb, h, args).await;
        assert_eq!(queued.code, 0, "{args:?}: {}", queued.stderr);
    }
    let sent = run(&sb, h, &["submit", "--yes", "--verify-delay-ms", "0"]).await;
    // +12025550000 is refused by the sandbox (131203): one failure.
    assert_eq!(sent.code, 1, "{}", sent.stderr);

    let json = run(&sb, h, &["log", "--json"]).await;
    assert_eq!(json.code, 0, "{}", json.stderr);
    let log: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let sent_ids: Vec<&str> = log["exchanges"]
        .as_array()
        .expect("exchanges")
        .iter()
        .filter(|e| e["method"] != "GET")
        .filter_map(|e| e["request_id"].as_str())
        .collect();
    let outcomes = log["outcomes"].as_array().expect("outcomes");
    assert_eq!(outcomes.len(), 5, "{}", json.stdout);
    let results: Vec<&str> = outcomes
        .iter()
        .filter_map(|o| o["result"].as_str())
        .collect();
    assert_eq!(results.iter().filter(|r| **r == "confirmed").count(), 4);
    assert_eq!(results.iter().filter(|r| **r == "failed").count(), 1);
    for o in outcomes {
        let id = o["request_id"].as_str();
        assert!(
            id.is_some_and(|id| sent_ids.contains(&id)),
            "an outcome without its exchange's request_id: {o}\nexchanges' ids: {sent_ids:?}"
        );
    }

    let csv = run(&sb, h, &["log", "--csv"]).await;
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let column = reader
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == "request_id")
        .expect("a request_id column");
    let mut rows = 0;
    for row in reader.records() {
        let row = row.expect("row");
        assert!(sent_ids.contains(&&row[column]), "{:?}", row);
        rows += 1;
    }
    assert_eq!(rows, 5, "{}", csv.stdout);

    let text = run(&sb, h, &["log"]).await;
    let outcome_lines: Vec<&str> = text
        .stdout
        .lines()
        .filter(|l| l.contains(" confirmed ") || l.contains(" failed "))
        .collect();
    assert_eq!(outcome_lines.len(), 5, "{}", text.stdout);
    for line in outcome_lines {
        assert!(
            sent_ids
                .iter()
                .any(|id| line.contains(&format!("request {id}"))),
            "{line}"
        );
    }
}

/// The numbers of `SUMMARY` (`N shown; queue: 3 pending, 1 failed (retried)`), added up.
fn counted(summary: &str) -> usize {
    let queue = summary.split("queue: ").nth(1).unwrap_or_default();
    queue
        .split(", ")
        .filter_map(|part| part.split(' ').next()?.parse::<usize>().ok())
        .sum()
}

/// After `queue retry --all`, `queue list` accounts for every row it shows, the failure
/// queued again included, with or without `--state`, and its JSON says which was retried.
#[tokio::test(flavor = "multi_thread")]
async fn queue_list_counts_every_row_shown_retried_failures_included() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    common::book_club_with_a_failed_add(&sb, h).await;
    let retried = run(&sb, h, &["queue", "retry", "--all"]).await;
    assert_eq!(retried.code, 0, "{}", retried.stderr);

    let all = run(&sb, h, &["queue", "list"]).await;
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert_eq!(
        all.stderr.trim(),
        "3 shown; queue: 1 pending, 1 confirmed, 1 failed (retried)"
    );
    assert_eq!(counted(&all.stderr), 3);
    let failed = run(&sb, h, &["queue", "list", "--state", "failed"]).await;
    // One row under the header (its note may wrap over more lines, within 80 columns).
    let rows = failed
        .stdout
        .lines()
        .skip(1)
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|id| id.parse::<u64>().is_ok())
        })
        .count();
    assert_eq!(rows, 1, "{}", failed.stdout);
    assert!(
        failed.stderr.contains("1 failed (retried)"),
        "{}",
        failed.stderr
    );

    let json = run(&sb, h, &["queue", "list", "--json"]).await;
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).expect("json");
    let marks: Vec<(&str, bool)> = rows
        .iter()
        .map(|r| {
            (
                r["state"].as_str().unwrap_or_default(),
                r["retried"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        marks,
        vec![("failed", true), ("confirmed", false), ("pending", false)]
    );
}

/// Approving join requests of a full group warns as they are queued, naming the group and
/// the count, and says they are held back; the dry run holds them back likewise.
#[tokio::test(flavor = "multi_thread")]
async fn approvals_queued_for_a_full_group_are_flagged_as_held_back() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (group, _) = common::create_now(&sb, h, "Sales Hillcrest 2024", true).await;
    let eight: Vec<String> = (1..=8).map(|n| format!("+1212200050{n}")).collect();
    let mut add = vec!["participants", "add", "--group", &group];
    add.extend(eight.iter().map(String::as_str));
    assert_eq!(run(&sb, h, &add).await.code, 0);
    let link = sb.invite_link(&group).expect("a link");
    for n in 1..=2 {
        sb.ask_to_join(&link, &common::user(&format!("+1212200060{n}")))
            .expect("asks");
    }
    let approved = run(
        &sb,
        h,
        &[
            "requests",
            "approve",
            "--group",
            "Sales Hillcrest 2024",
            "--all",
        ],
    )
    .await;
    assert_eq!(approved.code, 0, "{}", approved.stderr);
    let flags: Vec<&str> = approved
        .stdout
        .lines()
        .filter(|l| l.starts_with("flagged "))
        .collect();
    assert_eq!(flags.len(), 2, "{}", approved.stdout);
    assert!(
        flags[0].contains("in Sales Hillcrest 2024: would be 9 of 8 members: 8 now; held back"),
        "{}",
        flags[0]
    );
    assert!(
        flags[1].contains("would be 10 of 8 members: 8 now, 1 approval(s) already pending"),
        "{}",
        flags[1]
    );
    // Said once.
    assert!(!approved.stderr.contains("would be"), "{}", approved.stderr);
    let dry = run(&sb, h, &["submit", "--dry-run"]).await;
    assert!(
        dry.stdout.contains("held back (stay pending): 2"),
        "{}",
        dry.stdout
    );
}

/// A submit without a terminal counts as its dry run does: the changes to send, and the ones
/// held back named as held, in the dry run's words.
#[tokio::test(flavor = "multi_thread")]
async fn a_submit_without_a_terminal_counts_as_its_dry_run_and_names_the_held() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let full: Vec<String> = (1..=8).map(|n| format!("+1212200050{n}")).collect();
    let full: Vec<&str> = full.iter().map(String::as_str).collect();
    sb.insert_group("Sales Hillcrest 2024", &full);
    sb.insert_group("Book Club", &["+12025550101"]);
    sb.insert_group("Yoga Mornings", &[]);
    run(&sb, h, &["groups", "sync"]).await;
    for (group, who) in [
        ("Sales Hillcrest 2024", "+12122000601"),
        ("Book Club", "+12025550102"),
        ("Yoga Mornings", "+33612345678"),
        ("Yoga Mornings", "+4915112345678"),
    ] {
        assert_eq!(
            run(&sb, h, &["queue", "add", "--group", group, who])
                .await
                .code,
            0
        );
    }
    let dry = run(&sb, h, &["submit", "--dry-run"]).await;
    assert!(
        dry.stderr
            .contains("2 request(s) would be sent; 1 held back"),
        "{}",
        dry.stderr
    );
    let asked = run(&sb, h, &["submit"]).await;
    assert_eq!(asked.code, 2, "{}", asked.stderr);
    assert_eq!(
        asked.stderr.trim(),
        "wa-groups: 3 change(s) in 2 group(s) as 2 request(s) would be sent; \
         1 change(s) held back (they stay pending); no terminal to ask on: add --yes to send without asking"
    );
}

/// The export lines a child prints (`export A=1 \` continued on the next lines), as the
/// variables a shell would set from them; the child is killed when none come.
async fn exported(child: &mut tokio::process::Child) -> Vec<(String, String)> {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let block = tokio::time::timeout(common::DEADLINE, async {
        let mut block = String::new();
        while let Ok(Some(line)) = stdout.next_line().await {
            if block.is_empty() && !line.trim_start().starts_with("export ") {
                continue;
            }
            assert!(line.chars().count() <= 80, "within 80 columns: {line}");
            let (text, continued) = match line.strip_suffix(" \\") {
                Some(text) => (text, true),
                None => (line.as_str(), false),
            };
            block.push_str(text.trim());
            block.push(' ');
            if !continued {
                return Some(block);
            }
        }
        None
    })
    .await
    .ok()
    .flatten();
    let Some(block) = block else {
        common::kill(child).await;
        panic!("no export lines");
    };
    block
        .trim_start_matches("export ")
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// `wa-groups sandbox` prints the export lines to paste; pasted, the commands reach the
/// sandbox.
#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_prints_export_lines_that_point_the_commands_at_it() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let mut child = common::spawn_env(h, &["sandbox", "--groups", "30"], &[]);
    let env = exported(&mut child).await;
    let names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        ["WA_BASE_URL", "WA_PHONE_NUMBER_ID", "WA_ACCESS_TOKEN"]
    );
    let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let synced = common::run_env(h, &["groups", "sync"], &env).await;
    common::kill(&mut child).await;
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    assert!(
        synced.stdout.contains("30 groups listed, 30 read"),
        "{}",
        synced.stdout
    );
}

/// `demo --no-tui` points the commands at a store of its own too: the commands pasted from it
/// write there, never into the operator's store, and Ctrl-C removes it.
#[tokio::test(flavor = "multi_thread")]
async fn demo_without_the_app_gives_the_commands_a_store_of_its_own() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let mut child = common::spawn_env(h, &["demo", "--no-tui", "--groups", "12"], &[]);
    let env = exported(&mut child).await;
    let names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "WA_BASE_URL",
            "WA_PHONE_NUMBER_ID",
            "WA_ACCESS_TOKEN",
            "WA_GROUPS_DB"
        ]
    );
    let db = std::path::PathBuf::from(&env[3].1);
    let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let synced = common::run_env(h, &["groups", "sync"], &env).await;
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    assert!(
        db.is_file(),
        "the store is where the demo said: {}",
        db.display()
    );
    let pid = i32::try_from(child.id().expect("running")).expect("pid");
    // SAFETY: kill(2) with SIGINT on our own running child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = tokio::time::timeout(common::DEADLINE, child.wait())
        .await
        .expect("the demo stops at Ctrl-C")
        .expect("wait");
    assert!(status.success(), "{status:?}");
    assert!(!db.exists(), "removed at Ctrl-C: {}", db.display());
}

/// `queue import --skip-invalid` that skips a bad line did what was asked: exit 0, the good
/// lines queued, the skipped line named on stderr and counted; without the flag, the same
/// file is refused (2) and nothing stored. A CSV and a plain list alike.
#[tokio::test(flavor = "multi_thread")]
async fn a_partial_import_asked_for_with_skip_invalid_ends_0() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    sb.insert_group("Book Club", &[]);
    run(&sb, h, &["groups", "sync"]).await;
    let cohort = h.join("cohort.csv");
    std::fs::write(
        &cohort,
        "group,participant,action\n\
         Book Club,+12025550102,add\n\
         Book Club,+12025550103,add\n\
         Book Club,12,add\n\
         Book Club,+447400123456,add\n",
    )
    .expect("write");
    let list = h.join("list.txt");
    std::fs::write(&list, "+12025550104\nnot a number\n+12025550105\n").expect("write");
    let cohort = cohort.to_str().expect("path");
    let list = list.to_str().expect("path");
    let cases: [(&[&str], &str, &str); 2] = [
        (
            &["queue", "import", cohort],
            cohort,
            "4 entries read, 3 queued",
        ),
        (
            &[
                "queue",
                "import",
                list,
                "--group",
                "Book Club",
                "--action",
                "add",
            ],
            list,
            "3 entries read, 2 queued",
        ),
    ];
    for (args, file, summary) in cases {
        let before = common::queue_states(&sb, h).await.len();
        let refused = run(&sb, h, args).await;
        assert_eq!(refused.code, 2, "{}", refused.stderr);
        assert_eq!(common::queue_states(&sb, h).await.len(), before);
        let mut skipping = args.to_vec();
        skipping.push("--skip-invalid");
        let out = run(&sb, h, &skipping).await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout
                .contains(&format!("{file}: {summary}, 1 bad line(s) skipped")),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("1 bad line(s) skipped"),
            "{}",
            out.stdout
        );
        let skipped: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(skipped.len(), 1, "{}", out.stderr);
        assert!(
            skipped[0].starts_with(&format!("{file}:")) && skipped[0].contains(": skipped: "),
            "{}",
            out.stderr
        );
        let queued = common::queue_states(&sb, h).await.len() - before;
        assert_eq!(queued, if file == cohort { 3 } else { 2 });
    }
}

/// A subject two groups share is refused with plain advice and an example to type: the name
/// with its id ending, `...` standing for `…`; typed so, it is taken.
#[tokio::test(flavor = "multi_thread")]
async fn an_ambiguous_group_says_plainly_how_to_name_one() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let yoga = [
        sb.insert_group("Yoga Mornings", &["+12025550101"]),
        sb.insert_group("Yoga Mornings", &["+12025550102"]),
    ];
    run(&sb, h, &["groups", "sync"]).await;
    let refused = run(
        &sb,
        h,
        &["queue", "add", "--group", "yoga mornings", "+12025550109"],
    )
    .await;
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    let line = refused.stderr.trim_end();
    let (_, advice) = line.split_once("; ").expect("advice after the candidates");
    let example = advice
        .strip_prefix("give the id, or the name with its id ending, e.g. \"")
        .and_then(|rest| rest.strip_suffix("\" (type ... for …)"))
        .unwrap_or_else(|| panic!("{line}"));
    let group = yoga
        .iter()
        .find(|id| example == format!("Yoga Mornings …{}", &id[id.len() - 4..]))
        .unwrap_or_else(|| panic!("the example names neither group: {example}"));
    let typed = example.replace('…', "...");
    let queued = run(&sb, h, &["queue", "add", "--group", &typed, "+12025550109"]).await;
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    let states = common::queue_states(&sb, h).await;
    assert_eq!(states.len(), 1);
    assert_eq!(states[0]["group"], group.as_str());
}
