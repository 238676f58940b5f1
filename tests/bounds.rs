//! Everything read from outside is bounded in size and time, and says which bound in one line:
//! a group list that never ends, a token command that hangs or never stops printing, a token
//! or config file that is a FIFO, a device, a directory or too long.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{mkfifo, run_within, sandbox};
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A group list whose every page says there is a next one, with a new cursor each time.
struct EndlessList {
    per_page: usize,
    pages: AtomicUsize,
}

impl Respond for EndlessList {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let page = self.pages.fetch_add(1, Ordering::SeqCst);
        let groups: Vec<_> = (0..self.per_page)
            .map(|i| json!({"id": format!("G{page}x{i}"), "subject": "endless"}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "data": {"groups": groups},
            "paging": {"cursors": {"after": format!("c{page}")}, "next": "https://x/next"}
        }))
    }
}

fn env_for(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("WA_BASE_URL", server.uri()),
        ("WA_PHONE_NUMBER_ID", "1".to_string()),
        ("WA_ACCESS_TOKEN", "t".to_string()),
    ]
}

fn one_line(stderr: &str) -> &str {
    let line = stderr.trim();
    assert_eq!(line.lines().count(), 1, "one line: {stderr}");
    line
}

#[tokio::test(flavor = "multi_thread")]
async fn a_group_list_that_never_ends_is_read_to_its_bound() {
    for (per_page, bound, most_pages) in [
        (1024, "past 10000 groups", 10),
        (5000, "past 10000 groups", 3),
        (1, "past 1000 pages", 1000),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path_regex("^/v23.0/1/groups$"))
            .respond_with(EndlessList {
                per_page,
                pages: AtomicUsize::new(0),
            })
            .mount(&server)
            .await;
        let home = tempfile::tempdir().expect("home");
        for args in [["groups", "list"], ["groups", "sync"]] {
            let out = run_within(
                home.path(),
                &args,
                &env_for(&server),
                Duration::from_secs(120),
            )
            .await;
            assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
            let line = one_line(&out.stderr);
            assert!(line.contains(bound), "{args:?}: {line}");
        }
        let asked = server.received_requests().await.unwrap_or_default().len();
        assert!(asked <= 2 * most_pages, "{asked} pages read");
    }
}

/// A config file in `home` with this token command, and where it is.
fn token_command(home: &Path, command: &str) -> String {
    let config = home.join("config.toml");
    std::fs::write(&config, format!("token_command = '''{command}'''\n")).expect("config");
    config.display().to_string()
}

fn process_is_gone(pid: u32) -> bool {
    // Gone, or a zombie whose parent ended (its state is `Z`).
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_command_is_bounded_in_time_and_output_and_keeps_its_secrets() {
    let sb = sandbox(2).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let pid_file = h.join("pid");
    let env = |config: String| {
        vec![
            ("WA_BASE_URL", sb.base_url()),
            ("WA_PHONE_NUMBER_ID", sb.phone_number_id().to_string()),
            ("WA_GROUPS_CONFIG", config),
        ]
    };
    let deadline = Duration::from_secs(60);
    // Hangs: stopped after --timeout, and killed with all it started.
    for hanging in [
        format!("echo $$ > '{}'; exec sleep 100", pid_file.display()),
        format!("sleep 100 & echo $! > '{}'; wait", pid_file.display()),
    ] {
        let _ = std::fs::remove_file(&pid_file);
        let started = Instant::now();
        let out = run_within(
            h,
            &["--timeout", "1", "groups", "list"],
            &env(token_command(h, &hanging)),
            deadline,
        )
        .await;
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            one_line(&out.stderr).contains("token_command did not finish within 1 s"),
            "{}",
            out.stderr
        );
        assert!(started.elapsed() < Duration::from_secs(30));
        let pid: u32 = std::fs::read_to_string(&pid_file)
            .expect("pid")
            .trim()
            .parse()
            .expect("pid");
        let gone_by = Instant::now() + Duration::from_secs(10);
        while !process_is_gone(pid) {
            assert!(
                Instant::now() < gone_by,
                "the token command {pid} still runs"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    // Never stops printing: stopped at 64 KiB.
    let out = run_within(
        h,
        &["groups", "list"],
        &env(token_command(h, "yes")),
        deadline,
    )
    .await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        one_line(&out.stderr).contains("printed more than 64 KiB"),
        "{}",
        out.stderr
    );
    // Its error output may hold the token: never shown, on failure or success.
    for (command, code) in [
        ("echo LEAKED-SECRET >&2; exit 1", 2),
        (
            &format!("echo LEAKED-SECRET >&2; echo {}", sb.token()) as &str,
            0,
        ),
    ] {
        let out = run_within(
            h,
            &["groups", "list"],
            &env(token_command(h, command)),
            deadline,
        )
        .await;
        assert_eq!(out.code, code, "{}", out.stderr);
        assert!(!out.stderr.contains("LEAKED"), "{}", out.stderr);
        assert!(!out.stdout.contains("LEAKED"), "{}", out.stdout);
    }
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn token_and_config_files_must_be_regular_files_of_bounded_size() {
    let sb = sandbox(2).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let fifo = h.join("fifo");
    mkfifo(&fifo);
    let dir = h.join("a-directory");
    std::fs::create_dir(&dir).expect("dir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let big = h.join("big");
    std::fs::write(&big, vec![b'x'; 2 << 20]).expect("big");
    std::fs::set_permissions(&big, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let env = vec![
        ("WA_BASE_URL", sb.base_url()),
        ("WA_PHONE_NUMBER_ID", sb.phone_number_id().to_string()),
    ];
    let with_token = |extra: (&'static str, String)| {
        let mut env = env.clone();
        env.push(("WA_ACCESS_TOKEN", sb.token().to_string()));
        env.push(extra);
        env
    };
    let deadline = Duration::from_secs(60);
    let cases: [(&Path, &str); 4] = [
        (&fifo, "is not a regular file (a FIFO)"),
        (
            Path::new("/dev/zero"),
            "is not a regular file (a character device)",
        ),
        (&dir, "is a directory"),
        (&big, "is longer than"),
    ];
    for (path, says) in cases {
        let shown = path.display().to_string();
        let out = run_within(
            h,
            &["--token-file", &shown, "groups", "list"],
            &env,
            deadline,
        )
        .await;
        assert_eq!(out.code, 2, "{shown}: {}", out.stderr);
        let line = one_line(&out.stderr);
        assert!(
            line.contains(&format!("token file {shown} {says}")),
            "{line}"
        );
        assert!(!line.contains("chmod"), "no chmod advice: {line}");
        if says == "is longer than" {
            assert!(line.contains("64 KiB"), "{line}");
        }

        let out = run_within(
            h,
            &["groups", "list"],
            &with_token(("WA_GROUPS_CONFIG", shown.clone())),
            deadline,
        )
        .await;
        assert_eq!(out.code, 2, "{shown}: {}", out.stderr);
        let line = one_line(&out.stderr);
        assert!(
            line.contains(&format!("config file {shown} {says}")),
            "{line}"
        );
        if says == "is longer than" {
            assert!(line.contains("1 MiB"), "{line}");
        }
    }
    // A regular token file still has its mode checked, with the fix.
    let loose = h.join("loose");
    std::fs::write(&loose, sb.token()).expect("token");
    std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let shown = loose.display().to_string();
    let out = run_within(
        h,
        &["--token-file", &shown, "groups", "list"],
        &env,
        deadline,
    )
    .await;
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(&format!("chmod 600 {shown}")),
        "{}",
        out.stderr
    );
    sb.shutdown().await;
}
