//! Where the token comes from, in order: --token-file, then WA_ACCESS_TOKEN, then the config
//! file's token_command.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{run_env, sandbox};

#[tokio::test(flavor = "multi_thread")]
async fn file_then_environment_then_command() {
    let sb = sandbox(2).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let good = sb.token().to_string();
    let base = vec![
        ("WA_BASE_URL", sb.base_url()),
        ("WA_PHONE_NUMBER_ID", sb.phone_number_id().to_string()),
    ];
    let with = |extra: &[(&'static str, String)]| {
        let mut env = base.clone();
        env.extend_from_slice(extra);
        env
    };
    let file = h.join("token");
    std::fs::write(&file, format!("{good}\n")).expect("write");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let tf = file.to_str().expect("path");
    let config_dir = h.join("config").join("wa-groups");
    std::fs::create_dir_all(&config_dir).expect("dir");
    std::fs::write(
        config_dir.join("config.toml"),
        "token_command = \"echo wrong-from-command\"\n",
    )
    .expect("config");

    // The file wins over a wrong environment variable and a wrong command.
    let out = run_env(
        h,
        &["--token-file", tf, "groups", "list"],
        &with(&[("WA_ACCESS_TOKEN", "wrong-env".into())]),
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The environment wins over a wrong command.
    let out = run_env(
        h,
        &["groups", "list"],
        &with(&[("WA_ACCESS_TOKEN", good.clone())]),
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The command is used when nothing else is given: here it prints a wrong token.
    let out = run_env(h, &["groups", "list"], &with(&[])).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("access token was refused"),
        "{}",
        out.stderr
    );
    std::fs::write(
        config_dir.join("config.toml"),
        format!("token_command = \"cat {tf}\"\n"),
    )
    .expect("config");
    let out = run_env(h, &["groups", "list"], &with(&[])).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A failing command says so.
    std::fs::write(
        config_dir.join("config.toml"),
        "token_command = \"exit 3\"\n",
    )
    .expect("config");
    let out = run_env(h, &["groups", "list"], &with(&[])).await;
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("token_command failed"),
        "{}",
        out.stderr
    );
    // A token file others can read is refused, with the fix.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let out = run_env(h, &["--token-file", tf, "groups", "list"], &with(&[])).await;
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(&format!("chmod 600 {tf}")),
        "{}",
        out.stderr
    );
    // The tool never wrote the token anywhere: the token file is untouched.
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        format!("{good}\n")
    );
    // A broken config file names its line.
    std::fs::write(
        config_dir.join("config.toml"),
        "base_url = \"x\"\ntimeout_secs = \"ten\"\n",
    )
    .expect("config");
    let out = run_env(
        h,
        &["groups", "list"],
        &with(&[("WA_ACCESS_TOKEN", good.clone())]),
    )
    .await;
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("config.toml:2:"), "{}", out.stderr);
    sb.shutdown().await;
}
