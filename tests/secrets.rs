//! The token never leaves: every command runs with a recognisable token, then stdout, stderr,
//! the store, the logs and every file the tool wrote are searched for it.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::{Run, group_with_room, run_env};
use wa_groups::sandbox::{self, SandboxConfig};

const TOKEN: &str = "EAAB-canary-SECRET-7f3a9c";

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(TOKEN), "{what} holds the token:\n{text}");
    assert!(
        !text.contains("canary-SECRET"),
        "{what} holds part of the token:\n{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_command_lets_the_token_out() {
    let sb = sandbox::start(SandboxConfig {
        groups: 6,
        token: TOKEN.into(),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let env = |token: &str| {
        vec![
            ("WA_BASE_URL", sb.base_url()),
            ("WA_PHONE_NUMBER_ID", sb.phone_number_id().to_string()),
            ("WA_ACCESS_TOKEN", token.to_string()),
        ]
    };
    let group = group_with_room(&sb, 2);
    let csv = h.join("in.csv");
    std::fs::write(
        &csv,
        format!("group,participant,action\n{group},+12025550143,add\n{group},abc,add\n"),
    )
    .expect("csv");
    let target = h.join("target.csv");
    std::fs::write(
        &target,
        format!("group,participant\n{group},+12025550143\n"),
    )
    .expect("target");
    let csv = csv.to_str().expect("path").to_owned();
    let target = target.to_str().expect("path").to_owned();

    let commands: Vec<Vec<&str>> = vec![
        vec!["groups", "list"],
        vec!["groups", "list", "--json"],
        vec!["groups", "show", &group],
        vec!["groups", "show", &group, "--json"],
        vec!["groups", "sync"],
        vec!["participants", "add", "--group", &group, "+12125550000"],
        vec!["participants", "remove", "--group", &group, "+12025550199"],
        vec!["queue", "add", "--group", &group, "+447400123456"],
        vec!["queue", "import", &csv],
        vec!["queue", "import", "--skip-invalid", &csv],
        vec!["queue", "sync-target", &target],
        vec!["queue", "list"],
        vec!["queue", "list", "--json"],
        vec!["submit", "--dry-run"],
        vec!["submit", "--dry-run", "--json"],
        vec!["submit", "--yes", "--verify-delay-ms", "0"],
        vec!["submit", "--yes", "--json"],
        vec!["log"],
        vec!["log", "--json"],
        vec!["log", "--csv"],
        vec!["groups", "show", "Tm9TdWNoR3JvdXA"],
        vec!["--verbose-not-a-flag"],
    ];
    let mut runs: Vec<(String, Run)> = Vec::new();
    for args in &commands {
        runs.push((args.join(" "), run_env(h, args, &env(TOKEN)).await));
    }
    // Errors around the token: a wrong one (the canary sent to a server expecting another),
    // one refused for plain http, one in a file others can read, and token_command.
    let other = sandbox::start(SandboxConfig {
        groups: 1,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let wrong = vec![
        ("WA_BASE_URL", other.base_url()),
        ("WA_PHONE_NUMBER_ID", other.phone_number_id().to_string()),
        ("WA_ACCESS_TOKEN", TOKEN.to_string()),
    ];
    runs.push((
        "wrong token".into(),
        run_env(h, &["groups", "list"], &wrong).await,
    ));
    let mut remote = env(TOKEN);
    remote[0].1 = "http://graph.example.com".into();
    runs.push((
        "plain http".into(),
        run_env(h, &["groups", "list"], &remote).await,
    ));
    let token_file = h.join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).expect("token file");
    std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let no_env: Vec<(&str, String)> = env(TOKEN).into_iter().take(2).collect();
    let tf = token_file.to_str().expect("path");
    runs.push((
        "open token file".into(),
        run_env(h, &["--token-file", tf, "groups", "list"], &no_env).await,
    ));
    std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let from_file = run_env(h, &["--token-file", tf, "groups", "list"], &no_env).await;
    assert_eq!(from_file.code, 0, "{}", from_file.stderr);
    runs.push(("token file".into(), from_file));
    let config_dir = h.join("config").join("wa-groups");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    std::fs::write(
        config_dir.join("config.toml"),
        format!("token_command = \"cat {tf}\"\n"),
    )
    .expect("config");
    let from_command = run_env(h, &["groups", "list"], &no_env).await;
    assert_eq!(from_command.code, 0, "{}", from_command.stderr);
    runs.push(("token_command".into(), from_command));

    for (what, out) in &runs {
        assert!(!out.stderr.contains("panicked"), "{what}: {}", out.stderr);
        assert_clean(&format!("stdout of `{what}`"), &out.stdout);
        assert_clean(&format!("stderr of `{what}`"), &out.stderr);
    }
    // Every file the tool wrote (store, WAL, lock files, logs), except the two we wrote.
    let mut files = Vec::new();
    files_under(h, &mut files);
    let written: Vec<_> = files
        .iter()
        .filter(|p| *p != &token_file && !p.ends_with("config.toml"))
        .collect();
    assert!(
        written
            .iter()
            .any(|p| p.to_string_lossy().ends_with("wa-groups.db")),
        "{files:?}"
    );
    let log = written
        .iter()
        .find(|p| p.to_string_lossy().ends_with("wa-groups.log"))
        .expect("the commands keep a log");
    let log_text = std::fs::read_to_string(log).expect("log");
    assert!(
        log_text.contains("POST"),
        "the log records the requests:\n{log_text}"
    );
    let mode = std::fs::metadata(log).expect("log").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the log is private");
    for path in written {
        let bytes = std::fs::read(path).expect("read");
        assert!(
            !bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()),
            "{} holds the token",
            path.display()
        );
    }
    sb.shutdown().await;
    other.shutdown().await;
}
