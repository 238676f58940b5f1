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

mod webhook_common;

/// A command's environment.
type Env = Vec<(&'static str, String)>;

/// The receiver's app secret and verify token never leave either: from the environment, a
/// file or a command, through the handshake, good and forged deliveries, `ingest` and
/// `events`, and the errors around them.
#[tokio::test(flavor = "multi_thread")]
async fn no_webhook_command_lets_the_app_secret_or_verify_token_out() {
    use webhook_common::{
        APP_SECRET, ReceiverProcess, VERIFY_TOKEN, deliver, http, post, removal, sign,
    };
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let db = h.join("store.db");
    let base = vec![
        ("WA_GROUPS_DB", db.display().to_string()),
        ("WA_PHONE_NUMBER_ID", webhook_common::NUMBER.to_string()),
    ];
    let with = |extra: &[(&'static str, String)]| {
        let mut env = base.clone();
        env.extend_from_slice(extra);
        env
    };
    let from_env = with(&[
        ("WA_APP_SECRET", APP_SECRET.to_string()),
        ("WA_VERIFY_TOKEN", VERIFY_TOKEN.to_string()),
    ]);
    let secret_file = h.join("app-secret");
    let token_file = h.join("verify-token");
    std::fs::write(&secret_file, format!("{APP_SECRET}\n")).expect("secret file");
    std::fs::write(&token_file, format!("{VERIFY_TOKEN}\n")).expect("token file");
    for f in [&secret_file, &token_file] {
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let (sf, tf) = (
        secret_file.to_str().expect("path").to_owned(),
        token_file.to_str().expect("path").to_owned(),
    );
    let mut outputs: Vec<(String, String)> = Vec::new();

    // Served three ways: environment, files, commands.
    let config_dir = h.join("config").join("wa-groups");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    std::fs::write(
        config_dir.join("config.toml"),
        format!("app_secret_command = \"cat {sf}\"\nverify_token_command = \"cat {tf}\"\n"),
    )
    .expect("config");
    let file_args = [
        "--app-secret-file",
        sf.as_str(),
        "--verify-token-file",
        tf.as_str(),
    ];
    let ways: Vec<(Env, Vec<&str>)> = vec![
        (from_env.clone(), vec![]),
        (base.clone(), file_args.to_vec()),
        (base.clone(), vec![]),
    ];
    for (n, (env, args)) in ways.into_iter().enumerate() {
        let mut receiver = ReceiverProcess::start(h, &env, &args).await;
        let handshake = format!(
            "{}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=77",
            receiver.url
        );
        let answer = http().get(handshake).send().await.expect("handshake");
        assert_eq!(answer.status().as_u16(), 200, "way {n}");
        let body = removal(&format!("RQ-secret-{n}"), &["+15550100003"]);
        assert_eq!(deliver(&receiver.url, &body).await, Some(200), "way {n}");
        let forged = sign("guess", &body);
        assert_eq!(post(&receiver.url, body, Some(forged)).await, Some(401));
        receiver.child.start_kill().expect("stop");
        let out = common::finish(receiver.child, common::DEADLINE, "webhook serve").await;
        let mut stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        while let Ok(Some(line)) = receiver.lines.next_line().await {
            stdout.push_str(&line);
        }
        outputs.push((stdout, String::from_utf8_lossy(&out.stderr).into_owned()));
    }
    std::fs::remove_file(config_dir.join("config.toml")).expect("config gone");

    // The commands around the receiver, and the errors around the secrets.
    let saved = h.join("saved.jsonl");
    std::fs::write(
        &saved,
        String::from_utf8(removal("RQ-ingest", &["+15550100004"])).expect("utf-8"),
    )
    .expect("saved");
    let saved = saved.to_str().expect("path").to_owned();
    let runs: Vec<(Vec<&str>, Env)> = vec![
        (vec!["webhook", "ingest", &saved], from_env.clone()),
        (vec!["events"], from_env.clone()),
        (vec!["events", "--json"], from_env.clone()),
        (vec!["log", "--json"], from_env.clone()),
        (
            vec!["webhook", "serve", "--listen", "127.0.0.1:0"],
            with(&[("WA_APP_SECRET", APP_SECRET.to_string())]),
        ),
        (
            vec!["webhook", "serve", "--listen", "10.1.2.3:8080"],
            from_env.clone(),
        ),
    ];
    for (args, env) in &runs {
        let out = run_env(h, args, env).await;
        outputs.push((out.stdout, out.stderr));
    }
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let open = run_env(
        h,
        &[
            "webhook",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--app-secret-file",
            &sf,
        ],
        &with(&[("WA_VERIFY_TOKEN", VERIFY_TOKEN.to_string())]),
    )
    .await;
    assert_eq!(open.code, 2);
    assert!(open.stderr.contains("chmod 600"), "{}", open.stderr);
    outputs.push((open.stdout, open.stderr));

    for (stdout, stderr) in &outputs {
        for secret in [APP_SECRET, VERIFY_TOKEN] {
            assert!(!stdout.contains(secret), "stdout holds {secret}:\n{stdout}");
            assert!(!stderr.contains(secret), "stderr holds {secret}:\n{stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
    let mut files = Vec::new();
    files_under(h, &mut files);
    for path in files
        .iter()
        .filter(|p| **p != secret_file && **p != token_file)
    {
        let bytes = std::fs::read(path).expect("read");
        for secret in [APP_SECRET, VERIFY_TOKEN] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds {secret}",
                path.display()
            );
        }
    }
    assert!(
        files.iter().any(|p| p.ends_with("wa-groups.log")),
        "{files:?}"
    );
}
