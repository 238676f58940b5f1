//! Every command's `--help`, found by walking the `Commands:` lists from the top, reads whole
//! in an 80-column terminal: wrapped with its indentation kept, no line past 80 characters, a
//! sentence saying what the command does, and its usage.

mod common;

use common::run_env;

/// The subcommands a help text lists under `Commands:` (`help` aside).
fn subcommands(help: &str) -> Vec<String> {
    let Some((_, list)) = help.split_once("Commands:\n") else {
        return Vec::new();
    };
    list.lines()
        .take_while(|l| !l.trim().is_empty())
        // A command's line starts with two spaces and its name; wrapped lines go deeper.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_help_reads_whole_at_80_columns() {
    let home = tempfile::tempdir().expect("home");
    let env = [("COLUMNS", "80".to_owned())];
    let mut todo: Vec<Vec<String>> = vec![Vec::new()];
    let mut seen = 0;
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = run_env(home.path(), &args, &env).await;
        let what = path.join(" ");
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        let help = out.stdout;
        for line in help.lines() {
            assert!(
                line.chars().count() <= 80,
                "`{what} --help` has a line of {} characters:\n{line}",
                line.chars().count()
            );
        }
        let about = help.lines().next().unwrap_or_default();
        assert!(
            about.len() > 10,
            "`{what} --help` says what it does: {help}"
        );
        assert!(help.contains("\nUsage: wa-groups"), "{what}: {help}");
        for sub in subcommands(&help) {
            let mut next = path.clone();
            next.push(sub);
            todo.push(next);
        }
        seen += 1;
    }
    // The top, its 11 commands, and the subcommands of participants, groups, queue, webhook
    // and requests: a list that stops short would hide commands from this test.
    assert!(seen >= 30, "only {seen} helps were found");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_command_line_shows_the_commands_own_usage_not_the_environments_options() {
    let home = tempfile::tempdir().expect("home");
    // As the sandbox tells an operator to set them.
    let env = [
        ("WA_BASE_URL", "http://127.0.0.1:9".to_owned()),
        ("WA_PHONE_NUMBER_ID", "100000000000001".to_owned()),
        (
            "WA_GROUPS_DB",
            home.path().join("x.db").display().to_string(),
        ),
    ];
    let out = run_env(home.path(), &["queue", "add", "+12025550143"], &env).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("Usage: wa-groups queue add [OPTIONS] --group <GROUP> <USER>..."),
        "{}",
        out.stderr
    );
    for noise in ["--base-url", "--phone-number-id", "--db"] {
        assert!(!out.stderr.contains(noise), "{noise}: {}", out.stderr);
    }
}
