//! `participants` and `groups` commands, run as a user would, against the sandbox.

mod common;

use common::{group_with_room, run, run_env, sandbox};

#[tokio::test]
async fn add_and_remove_change_what_groups_show_prints() {
    let sb = sandbox(8).await;
    let home = tempfile::tempdir().expect("home");
    let group = group_with_room(&sb, 2);

    let added = run(
        &sb,
        home.path(),
        &[
            "participants",
            "add",
            "--group",
            &group,
            "+1 (202) 555-0143",
            "+44 7911 123456",
        ],
    )
    .await;
    assert_eq!(added.code, 0, "{}", added.stderr);
    assert!(
        added.stdout.contains("+12025550143     added (confirmed)"),
        "{}",
        added.stdout
    );
    assert!(
        added.stdout.contains("+447911123456    added (confirmed)"),
        "{}",
        added.stdout
    );

    let shown = run(&sb, home.path(), &["groups", "show", &group]).await;
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(shown.stdout.contains("  +12025550143"), "{}", shown.stdout);
    assert!(shown.stdout.contains("  +447911123456"), "{}", shown.stdout);

    let removed = run(
        &sb,
        home.path(),
        &["participants", "remove", "--group", &group, "12025550143"],
    )
    .await;
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    assert!(
        removed.stdout.contains("removed (confirmed)"),
        "{}",
        removed.stdout
    );
    let shown = run(&sb, home.path(), &["groups", "show", &group, "--json"]).await;
    let json: serde_json::Value = serde_json::from_str(&shown.stdout).expect("json");
    let members: Vec<&str> = json["participants"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    assert!(!members.contains(&"+12025550143"));
    assert!(members.contains(&"+447911123456"));
    sb.shutdown().await;
}

#[tokio::test]
async fn a_partial_success_reports_each_participant_and_exits_1() {
    let sb = sandbox(8).await;
    let home = tempfile::tempdir().expect("home");
    let group = group_with_room(&sb, 2);
    let out = run(
        &sb,
        home.path(),
        &[
            "participants",
            "add",
            "--group",
            &group,
            "+12125550000",
            "+12025550143",
        ],
    )
    .await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout.contains("+12125550000     failed: 131203"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("+12025550143     added (confirmed)"),
        "{}",
        out.stdout
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn groups_list_prints_every_group() {
    let sb = sandbox(30).await;
    let home = tempfile::tempdir().expect("home");
    let out = run(&sb, home.path(), &["groups", "list", "--json"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(json.as_array().map(Vec::len), Some(30));
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_input_gets_one_line_and_the_right_exit_code() {
    let sb = sandbox(4).await;
    let home = tempfile::tempdir().expect("home");
    let group = group_with_room(&sb, 1);
    let nine: Vec<String> = (0..9).map(|i| format!("+1202555014{i}")).collect();
    let mut nine_args = vec!["participants", "add", "--group", group.as_str()];
    nine_args.extend(nine.iter().map(String::as_str));
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (
            vec!["participants", "add", "--group", &group, "abc"],
            2,
            "letters are not allowed",
        ),
        (nine_args, 2, "at most 8"),
        (
            vec![
                "participants",
                "add",
                "--group",
                &group,
                "+12025550143",
                "+1 202 555 0143",
            ],
            2,
            "given twice",
        ),
        (
            vec![
                "participants",
                "add",
                "--group",
                common::UNREAD_GROUP,
                "+12025550143",
            ],
            1,
            "131041",
        ),
        (vec!["participants", "frobnicate"], 2, "frobnicate"),
    ];
    for (args, code, says) in cases {
        let before = sb.stats();
        let out = run(&sb, home.path(), &args).await;
        assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        if code == 2 && args[0] == "participants" && args.len() > 2 {
            assert_eq!(
                sb.stats()["total"],
                before["total"],
                "{args:?} sent a request"
            );
        }
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn a_wrong_token_or_plain_http_to_a_remote_host_is_refused() {
    let sb = sandbox(2).await;
    let home = tempfile::tempdir().expect("home");
    let wrong = run_env(
        home.path(),
        &["groups", "list"],
        &[
            ("WA_BASE_URL", sb.base_url()),
            ("WA_PHONE_NUMBER_ID", sb.phone_number_id().into()),
            ("WA_ACCESS_TOKEN", "wrong-token-XYZ".into()),
        ],
    )
    .await;
    assert_eq!(wrong.code, 2);
    assert!(
        wrong.stderr.contains("access token was refused"),
        "{}",
        wrong.stderr
    );
    assert!(!wrong.stderr.contains("wrong-token-XYZ"));
    assert_eq!(wrong.stderr.trim().lines().count(), 1, "{}", wrong.stderr);

    let remote = run_env(
        home.path(),
        &["groups", "list"],
        &[
            ("WA_BASE_URL", "http://graph.example.com".into()),
            ("WA_PHONE_NUMBER_ID", "1".into()),
            ("WA_ACCESS_TOKEN", "tok".into()),
        ],
    )
    .await;
    assert_eq!(remote.code, 2);
    assert!(
        remote.stderr.contains("refusing plain http://"),
        "{}",
        remote.stderr
    );

    let no_token = run_env(
        home.path(),
        &["groups", "list"],
        &[
            ("WA_BASE_URL", sb.base_url()),
            ("WA_PHONE_NUMBER_ID", "1".into()),
        ],
    )
    .await;
    assert_eq!(no_token.code, 2);
    assert!(
        no_token.stderr.contains("no access token"),
        "{}",
        no_token.stderr
    );
    sb.shutdown().await;
}
