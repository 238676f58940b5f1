//! Every CSV the commands read (`queue import`, `queue sync-target`, `groups create --from`)
//! takes the same dress and refuses the same faults the same way: a row with a field more or
//! less, a blank required value, a misspelled or doubled header, an unclosed quote are each
//! one line `FILE:LINE: reason`, exit 2, nothing queued; a BOM, CRLF line ends, blank lines,
//! rows of only commas and comments are read past.

mod common;

use common::{Run, run, sandbox};
use wa_groups::sandbox::Sandbox;

/// A file input of the commands: its arguments (the file's path last) and its header.
struct Input {
    args: &'static [&'static str],
    header: &'static str,
    /// A good row.
    row: &'static str,
    /// The header misspelled, and the start of what is said about it.
    misspelled: (&'static str, &'static str),
}

const IMPORT: Input = Input {
    args: &["queue", "import"],
    header: "group,participant,action",
    row: "Book Club,+12025550150,add",
    misspelled: (
        "group,particpant,action",
        "the header has no `participant` column (it has: `group`, `particpant`, `action`): is `particpant` meant to be `participant`?",
    ),
};
const TARGET: Input = Input {
    args: &["queue", "sync-target", "--yes"],
    header: "group,participant",
    row: "Book Club,+12025550150",
    misspelled: (
        "gruop,participant",
        "the header has no `group` column (it has: `gruop`, `participant`): is `gruop` meant to be `group`?",
    ),
};
const CREATE: Input = Input {
    args: &["groups", "create", "--from"],
    header: "subject,description,join_approval_mode",
    row: "Spring Cohort,Mondays,auto_approve",
    misspelled: (
        "subject,descripton,join_approval_mode",
        "the header's column `descripton` is not one this file takes: is it meant to be `description`?",
    ),
};

/// What a file should come to: taken (exit 0, something queued), or refused (exit 2, one line
/// naming the file and the line at fault, nothing queued).
enum Want {
    Taken,
    Refused,
}

async fn run_file(
    sb: &Sandbox,
    home: &std::path::Path,
    input: &Input,
    text: &str,
) -> (String, Run) {
    let path = home.join("input.csv");
    std::fs::write(&path, text).expect("write");
    let path = path.to_str().expect("path").to_owned();
    let mut args: Vec<&str> = input.args.to_vec();
    args.push(&path);
    let out = run(sb, home, &args).await;
    (path, out)
}

async fn queue_len(sb: &Sandbox, home: &std::path::Path) -> usize {
    let out = run(sb, home, &["queue", "list", "--json"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let list: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    list.as_array().expect("array").len()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_csv_input_refuses_the_same_faults_in_one_format_and_reads_the_same_dress() {
    let sb = sandbox(0).await;
    sb.insert_group("Book Club", &["+12025550101"]);
    for input in [IMPORT, TARGET, CREATE] {
        let (h, r) = (input.header, input.row);
        let first = r.split(',').next().expect("first cell");
        let rest = &r[first.len()..];
        let fields = r.split(',').count();
        let cases: Vec<(String, String, Want)> = vec![
            (
                "an extra field".into(),
                format!("{h}\n{r}\n{r},extra\n"),
                Want::Refused,
            ),
            (
                "a missing field".into(),
                format!("{h}\n{r}\n{}\n", r.rsplit_once(',').expect("two fields").0),
                Want::Refused,
            ),
            (
                "a blank required value".into(),
                format!("{h}\n{r}\n{rest}\n"),
                Want::Refused,
            ),
            (
                "an unclosed quote".into(),
                format!("{h}\n\"{first}{rest}\n"),
                Want::Refused,
            ),
            (
                "a misspelled header".into(),
                format!("{}\n{r}\n", input.misspelled.0),
                Want::Refused,
            ),
            (
                "a doubled header".into(),
                format!("{h},{}\n{r},x\n", h.split(',').next().expect("a column")),
                Want::Refused,
            ),
            (
                "a BOM, CRLF, blank lines, a row of commas and a comment".into(),
                format!(
                    "\u{feff}# exported\r\n{h}\r\n\r\n{}\r\n{r}\r\n  \r\n",
                    ",".repeat(fields - 1)
                ),
                Want::Taken,
            ),
        ];
        let line_of_fault = |case: &str| match case {
            "an unclosed quote" => 2,
            "a misspelled header" | "a doubled header" => 1,
            _ => 3,
        };
        for (case, text, want) in cases {
            let home = tempfile::tempdir().expect("home");
            let synced = run(&sb, home.path(), &["groups", "sync"]).await;
            assert_eq!(synced.code, 0, "{}", synced.stderr);
            let (path, out) = run_file(&sb, home.path(), &input, &text).await;
            let what = format!("{:?} {case}", input.args);
            match want {
                Want::Taken => {
                    assert_eq!(out.code, 0, "{what}: {}", out.stderr);
                    assert!(queue_len(&sb, home.path()).await > 0, "{what}: queued");
                }
                Want::Refused => {
                    assert_eq!(out.code, 2, "{what}: {}{}", out.stdout, out.stderr);
                    let at = format!("{path}:{}: ", line_of_fault(&case));
                    let line = out
                        .stderr
                        .lines()
                        .find(|l| l.contains(&at))
                        .unwrap_or_else(|| panic!("{what}: no {at} line in {}", out.stderr));
                    let reason = line.split_once(&at).expect("located").1;
                    let expected = match case.as_str() {
                        "a misspelled header" => input.misspelled.1.to_owned(),
                        _ => expected_reason(&case, h, fields),
                    };
                    assert!(
                        reason.starts_with(&expected),
                        "{what}: {reason} ≠ {expected}"
                    );
                    assert_eq!(
                        queue_len(&sb, home.path()).await,
                        0,
                        "{what}: nothing queued"
                    );
                }
            }
        }
    }
    assert_eq!(
        sb.stats()["applied_writes"].as_u64(),
        Some(0),
        "nothing sent"
    );
    sb.shutdown().await;
}

/// The reason each fault is given, for a file of `header` (`fields` columns).
fn expected_reason(case: &str, header: &str, fields: usize) -> String {
    let first = header.split(',').next().expect("first");
    let count = |n: usize| {
        let s = if n == 1 { "" } else { "s" };
        format!("{n} field{s}, expected {fields} ({header})")
    };
    match case {
        "an extra field" => count(fields + 1),
        "a missing field" => count(fields - 1),
        // The quote runs to the end of the line: the line is one field.
        "an unclosed quote" => count(1),
        "a blank required value" => format!("no `{first}` value (column 1)"),
        "a doubled header" => format!(
            "the header names `{first}` twice (columns 1 and {})",
            fields + 1
        ),
        other => panic!("no reason for {other}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_misspelled_subject_is_offered_the_closest_on_every_path() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    sb.insert_group("Downtown Yoga", &["+12025550101"]);
    sb.insert_group("Harbor Yoga", &["+12025550102"]);
    sb.insert_group("Book Club", &["+12025550103"]);
    assert_eq!(run(&sb, h, &["groups", "sync"]).await.code, 0);
    let meant = "did you mean \"Downtown Yoga\"?";
    for args in [
        vec!["queue", "add", "--group", "Downtwn Yoga", "+12025550143"],
        vec!["queue", "list", "--group", "downtown yoag"],
        vec!["log", "--group", "Dowtown Yoga"],
        vec!["groups", "show", "Downtown Yog"],
    ] {
        let out = run(&sb, h, &args).await;
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        let line = out.stderr.trim_end();
        assert_eq!(line.lines().count(), 1, "{args:?}: {line}");
        assert!(
            line.contains("no group of the mirror has the subject"),
            "{line}"
        );
        assert!(line.contains(meant), "{args:?}: {line}");
    }
    // One word that could be an id, yet is part of two subjects: both offered, nothing queued.
    let out = run(&sb, h, &["queue", "add", "--group", "yoga", "+12025550143"]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "no group of the mirror has the subject or id \"yoga\": did you mean \"Downtown Yoga\" or \"Harbor Yoga\"?"
        ),
        "{}",
        out.stderr
    );
    // A word shorter than every id of the mirror, near no subject, is a name mistyped: it is
    // refused, never queued for a group that does not exist.
    let out = run(
        &sb,
        h,
        &["queue", "add", "--group", "Sunrise", "+12025550143"],
    )
    .await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no group of the mirror has the subject or id \"Sunrise\""),
        "{}",
        out.stderr
    );
    // An id of the mirror's shape nowhere near a subject is taken, as a group not read yet,
    // and said so.
    let unread = common::UNREAD_GROUP;
    let out = run(&sb, h, &["queue", "add", "--group", unread, "+12025550143"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "note: --group: no group of the mirror has the id or subject \"{unread}\"; it is taken as the id of a group not read yet"
        )),
        "{}",
        out.stderr
    );
    let dropped = run(&sb, h, &["queue", "drop", "--all", "--yes"]).await;
    assert_eq!(dropped.code, 0, "{}", dropped.stderr);
    // In a CSV cell: the same words on the cell's line.
    let path = h.join("changes.csv");
    std::fs::write(
        &path,
        "group,participant,action\nBook Clb,+12025550143,add\n",
    )
    .expect("csv");
    let path = path.to_str().expect("path");
    let out = run(&sb, h, &["queue", "import", path]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "{path}:2: no group of the mirror has the subject \"Book Clb\", nor is it a group id: did you mean \"Book Club\"?"
        )),
        "{}",
        out.stderr
    );
    assert_eq!(queue_len(&sb, h).await, 0, "nothing queued");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn saved_webhook_bodies_are_refused_the_same_way() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let db = h.join("store.db");
    let db = db.to_str().expect("path").to_owned();
    let env = [("WA_GROUPS_DB", db)];
    let ingest = |text: &'static str| {
        let path = h.join("saved.jsonl");
        std::fs::write(&path, text).expect("write");
        let path = path.to_str().expect("path").to_owned();
        let env = env.clone();
        async move {
            let out = common::run_env(h, &["webhook", "ingest", &path], &env).await;
            (path, out)
        }
    };
    // Nothing in it (a BOM, CRLF and blank lines are no body): an input error, as for a CSV.
    let (path, out) = ingest("\u{feff}\r\n  \r\n").await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim_end(),
        format!("wa-groups: {path}: nothing to ingest: no webhook body was found")
    );
    // A bad body is named by its line, counting the blank ones.
    let (path, out) = ingest("\u{feff}\r\n\r\n{\"object\": \r\n").await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(&format!("{path}:3: ")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was stored"), "{}", out.stderr);
}
