//! The day-to-day commands: `groups export` (its CSV is what `queue sync-target` reads back),
//! `queue retry`, `sync-target`'s `--yes` for many removals, one error format
//! (`FILE:LINE: reason`) for every file read, and the global options under their own heading.

mod common;

use common::{queue_states, run, sandbox};

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_what_sync_target_reads_back_unchanged() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let full = sb.insert_group("Riverside Runners", &["+12025550101", "+447400123456"]);
    let empty = sb.insert_group("=cmd|' /C calc'!A0", &[]);
    let gone = sb.insert_group("Old Committee", &["+12025550109"]);
    assert_eq!(run(&sb, h, &["groups", "sync"]).await.code, 0);
    assert!(sb.remove_group(&gone));
    assert_eq!(run(&sb, h, &["groups", "sync"]).await.code, 0);

    let csv = run(&sb, h, &["groups", "export", "--csv"]).await;
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    assert_eq!(
        csv.stdout,
        format!(
            "\"group\",\"subject\",\"participant\"\n\
             \"{empty}\",\"'=cmd|' /C calc'!A0\",\"(empty)\"\n\
             \"{full}\",\"Riverside Runners\",\"+12025550101\"\n\
             \"{full}\",\"Riverside Runners\",\"+447400123456\"\n"
        )
    );
    assert!(
        csv.stderr.contains("2 group(s), 2 member(s)"),
        "{}",
        csv.stderr
    );
    // Read back as the target: nothing to change.
    let file = h.join("export.csv");
    std::fs::write(&file, &csv.stdout).expect("write");
    let back = run(
        &sb,
        h,
        &["queue", "sync-target", file.to_str().expect("path")],
    )
    .await;
    assert_eq!(back.code, 0, "{}", back.stderr);
    assert!(
        back.stdout.contains("0 to add, 0 to remove"),
        "{}",
        back.stdout
    );
    assert!(queue_states(&sb, h).await.is_empty());

    let json = run(&sb, h, &["groups", "export", "--json", "--gone"]).await;
    let groups: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).expect("json");
    let ids: Vec<&str> = groups.iter().filter_map(|g| g["group"].as_str()).collect();
    assert_eq!(ids.len(), 3, "{}", json.stdout);
    let runners = groups
        .iter()
        .find(|g| g["group"] == full.as_str())
        .expect("full");
    assert_eq!(runners["subject"], "Riverside Runners");
    assert_eq!(
        runners["participants"],
        serde_json::json!(["+12025550101", "+447400123456"])
    );
    assert_eq!(runners["gone"], false);
    let old = groups
        .iter()
        .find(|g| g["group"] == gone.as_str())
        .expect("gone");
    assert_eq!(old["gone"], true);
    // No token is needed: it is the mirror.
    let offline = common::run_env(
        h,
        &["groups", "export"],
        &[
            ("WA_BASE_URL", sb.base_url()),
            ("WA_PHONE_NUMBER_ID", sb.phone_number_id().to_string()),
        ],
    )
    .await;
    assert_eq!(offline.code, 0, "{}", offline.stderr);
    assert!(
        offline.stdout.contains("Riverside Runners"),
        "{}",
        offline.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_queues_failed_changes_again_and_keeps_the_history() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    // A number ending in 0000 is refused (131203) by the sandbox.
    let (group, sent) = common::book_club_with_a_failed_add(&sb, h).await;
    assert_eq!(sent.code, 1, "{}", sent.stderr);
    let failed_id = queue_states(&sb, h)
        .await
        .iter()
        .find(|op| op["state"] == "failed")
        .and_then(|op| op["id"].as_i64())
        .expect("a failed change");
    let confirmed_id = failed_id + 1;

    let refused = run(&sb, h, &["queue", "retry", &confirmed_id.to_string()]).await;
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains(&format!("#{confirmed_id} is confirmed")),
        "{}",
        refused.stderr
    );
    // A failed id beside an unknown one: nothing is retried, and that is said first.
    let mixed = run(&sb, h, &["queue", "retry", &failed_id.to_string(), "99999"]).await;
    assert_eq!(mixed.code, 2, "{}", mixed.stderr);
    assert!(
        mixed
            .stderr
            .contains("nothing retried: #99999: no such operation"),
        "{}",
        mixed.stderr
    );
    let nothing = run(&sb, h, &["queue", "retry"]).await;
    assert_eq!(nothing.code, 2, "{}", nothing.stderr);

    let retried = run(&sb, h, &["queue", "retry", "--group", "book club"]).await;
    assert_eq!(retried.code, 0, "{}", retried.stderr);
    assert!(
        retried.stdout.contains("queued 1 change(s)"),
        "{}",
        retried.stdout
    );
    assert!(
        retried.stdout.contains("nothing is sent yet"),
        "{}",
        retried.stdout
    );
    // The server had refused it (131203, terms not accepted): queued again, but said so.
    assert!(
        retried
            .stdout
            .contains("queued again, but the server refused them before"),
        "{}",
        retried.stdout
    );
    assert!(
        retried
            .stdout
            .lines()
            .any(|l| l.contains(&format!("#{failed_id} add +12025550000")) && l.contains("131203")),
        "{}",
        retried.stdout
    );
    let states: Vec<(i64, String, String)> = queue_states(&sb, h)
        .await
        .iter()
        .map(|op| {
            (
                op["id"].as_i64().unwrap_or(0),
                op["participant"].as_str().unwrap_or("").to_owned(),
                op["state"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(states.contains(&(failed_id, "+12025550000".into(), "failed".into())));
    assert!(
        states
            .iter()
            .any(|(id, p, s)| *id > confirmed_id && p == "+12025550000" && s == "pending"),
        "{states:?}"
    );
    // Again: it was queued again already; not a second time.
    let again = run(&sb, h, &["queue", "retry", "--all"]).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("nothing retried")
            && again
                .stdout
                .contains(&format!("#{failed_id} add +12025550000"))
            && again.stdout.contains("stands instead"),
        "{}",
        again.stdout
    );
    assert!(sb.members(&group).is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn many_removals_from_a_target_need_yes() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let people: Vec<String> = (0..6).map(|n| format!("+1202555011{n}")).collect();
    let refs: Vec<&str> = people.iter().map(String::as_str).collect();
    let a = sb.insert_group("Team A", &refs);
    let b = sb.insert_group("Team B", &refs);
    run(&sb, h, &["groups", "sync"]).await;
    let file = h.join("target.csv");
    std::fs::write(
        &file,
        format!("group,participant\n{a},(empty)\n{b},(empty)\n"),
    )
    .expect("csv");
    let path = file.to_str().expect("path");
    let out = run(&sb, h, &["queue", "sync-target", path]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stdout.contains("0 to add, 12 to remove"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains(&format!(
            "{path}: this removes 12 member(s) from 2 group(s) (listed above); nothing was queued: add --yes to queue them"
        )),
        "{}",
        out.stderr
    );
    assert!(queue_states(&sb, h).await.is_empty());
    let out = run(&sb, h, &["queue", "sync-target", "--yes", path]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(queue_states(&sb, h).await.len(), 12);
    // A few removals (a group's worth at most) need no --yes.
    let file = h.join("few.csv");
    let c = sb.insert_group("Team C", &refs[..2]);
    run(&sb, h, &["groups", "sync"]).await;
    std::fs::write(&file, format!("group,participant\n{c},(empty)\n")).expect("csv");
    let out = run(
        &sb,
        h,
        &["queue", "sync-target", file.to_str().expect("path")],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// What a file holds, and the line its problem is on (`None`: the file as a whole).
struct Case {
    what: &'static str,
    csv: Vec<u8>,
    list: Vec<u8>,
    target: Vec<u8>,
    line: Option<u32>,
}

fn cases() -> Vec<Case> {
    let long = [vec![b'x'; 70_000], b"\n".to_vec()].concat();
    let mac_roman = b"Jo\x8bo Concei\x8d\x8bo\n".to_vec();
    let utf16: Vec<u8> = "group,participant\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    vec![
        Case {
            what: "a bad number on line 3",
            csv: b"group,participant,action\nG1,+12025550143,add\nG1,abc,add\n".to_vec(),
            list: b"+12025550143\n\nabc\n".to_vec(),
            target: b"group,participant\nG1,+12025550143\nG1,abc\n".to_vec(),
            line: Some(3),
        },
        Case {
            what: "a header line over 64 KiB on line 2",
            csv: [b"# exported\n".to_vec(), long.clone()].concat(),
            list: [b"+12025550143\n".to_vec(), long.clone()].concat(),
            target: [b"# exported\n".to_vec(), long].concat(),
            line: Some(2),
        },
        Case {
            what: "an encoding that cannot be told, on line 2",
            csv: [
                b"group,participant,action\nG1,+12025550143,add,".to_vec(),
                mac_roman.clone(),
            ]
            .concat(),
            list: [b"+12025550143\n# ".to_vec(), mac_roman.clone()].concat(),
            target: [b"group,participant\nG1,+12025550143,".to_vec(), mac_roman].concat(),
            line: Some(2),
        },
        Case {
            what: "UTF-16 without a byte order mark",
            csv: utf16.clone(),
            list: utf16.clone(),
            target: utf16,
            line: None,
        },
        Case {
            what: "nothing but comments",
            csv: b"# nothing\n\n".to_vec(),
            list: b"# nothing\n\n".to_vec(),
            target: b"# nothing\n\n".to_vec(),
            line: None,
        },
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_file_input_says_what_is_wrong_as_file_line_reason() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let mut checked = 0;
    for case in cases() {
        for (kind, bytes) in [
            ("csv", &case.csv),
            ("list", &case.list),
            ("target", &case.target),
        ] {
            let path = h.join(format!("{kind}.txt"));
            std::fs::write(&path, bytes).expect("file");
            let path = path.to_str().expect("path").to_owned();
            let args: Vec<&str> = match kind {
                "csv" => vec!["queue", "import", &path],
                "list" => vec!["queue", "import", "--group", "G1", "--action", "add", &path],
                _ => vec!["queue", "sync-target", &path],
            };
            let out = run(&sb, h, &args).await;
            let what = format!("{} in a {kind} file", case.what);
            assert_eq!(out.code, 2, "{what}: {}", out.stderr);
            // The first line names the file, and the line when one is to blame.
            let first = out.stderr.lines().next().unwrap_or_default();
            let first = first.strip_prefix("wa-groups: ").unwrap_or(first);
            let want = match case.line {
                Some(line) => format!("{path}:{line}: "),
                None => format!("{path}: "),
            };
            assert!(first.starts_with(&want), "{what}: {}", out.stderr);
            assert!(!first[want.len()..].starts_with("line "), "{what}: {first}");
            assert!(
                queue_states(&sb, h).await.is_empty(),
                "{what}: nothing stored"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 15);
    // A file that cannot be opened names it too.
    let missing = h.join("missing.csv");
    let missing = missing.to_str().expect("path");
    for args in [
        vec!["queue", "import", missing],
        vec!["queue", "sync-target", missing],
    ] {
        let out = run(&sb, h, &args).await;
        assert_eq!(out.code, 2);
        assert!(
            out.stderr
                .starts_with(&format!("wa-groups: {missing}: cannot open: ")),
            "{}",
            out.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn global_options_have_their_own_heading_and_the_sandbox_lists_only_its_own() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let help = run(&sb, home.path(), &["queue", "add", "--help"]).await;
    let (own, global) = help
        .stdout
        .split_once("Global options:")
        .expect("a heading of their own");
    assert!(own.contains("--group <GROUP>"), "{own}");
    assert!(!own.contains("--db"), "{own}");
    assert!(
        global.contains("--db <PATH>") && global.contains("--token-file"),
        "{global}"
    );
    let help = run(&sb, home.path(), &["sandbox", "--help"]).await;
    for unused in [
        "--db",
        "--token-file",
        "--config",
        "--base-url",
        "Global options",
    ] {
        assert!(!help.stdout.contains(unused), "{unused}: {}", help.stdout);
    }
    assert!(help.stdout.contains("--token <TOKEN>"), "{}", help.stdout);
    let refused = run(&sb, home.path(), &["sandbox", "--db", "x.db"]).await;
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("the sandbox does not use this option"),
        "{}",
        refused.stderr
    );
}

/// A headless command asks the terminal its width itself and never starts `tput`, which the
/// terminal library runs where there is no terminal: a submit whose output went into a pipe
/// started two at every answer, and spent five times its CPU on them.
#[tokio::test(flavor = "multi_thread")]
async fn no_command_starts_tput_to_learn_the_width() {
    use std::os::unix::fs::PermissionsExt;
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let bin = h.join("bin");
    std::fs::create_dir(&bin).expect("bin");
    let marker = h.join("tput-was-started");
    let tput = bin.join("tput");
    std::fs::write(
        &tput,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\necho 80\n",
            marker.display()
        ),
    )
    .expect("tput");
    std::fs::set_permissions(&tput, std::fs::Permissions::from_mode(0o755)).expect("mode");
    let env = [
        ("WA_BASE_URL", sb.base_url()),
        ("WA_PHONE_NUMBER_ID", sb.phone_number_id().to_string()),
        ("WA_ACCESS_TOKEN", sb.token().to_string()),
        (
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        ),
    ];
    let (group, _) = common::book_club_with_a_failed_add(&sb, h).await;
    for args in [
        vec!["queue", "add", "--group", group.as_str(), "+12025550103"],
        vec!["submit", "--yes", "--verify-delay-ms", "0"],
        vec!["queue", "retry", "--all"],
        vec!["submit", "--yes", "--json", "--verify-delay-ms", "0"],
        vec![
            "participants",
            "add",
            "--group",
            group.as_str(),
            "+12025550104",
        ],
        vec!["groups", "list"],
        vec!["log"],
    ] {
        let ran = common::run_env(h, &args, &env).await;
        assert!(ran.code <= 1, "{args:?}: {}", ran.stderr);
    }
    assert!(
        !marker.exists(),
        "tput was started: {}",
        std::fs::read_to_string(&marker).unwrap_or_default()
    );
}
