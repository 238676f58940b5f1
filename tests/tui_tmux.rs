//! The real binary in a real terminal: `wa-groups` inside a detached tmux session (120x40),
//! pointed at an in-process sandbox; keys typed with send-keys, the screen read with
//! capture-pane, and the sandbox checked after a submit; and the commands in a shell there,
//! their messages read as an 80-column terminal shows them. tmux is required (CI installs it).

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use wa_groups::sandbox::{self, SandboxConfig};

const BIN: &str = env!("CARGO_BIN_EXE_wa-groups");

/// A tmux server of its own (a unique socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new() -> Tmux {
        match output_within(Command::new("tmux").arg("-V")) {
            Some(out) if out.status.success() => {}
            _ => panic!(
                "tmux is not installed: install it (e.g. `apt-get install tmux`) to run the real-terminal test"
            ),
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        Tmux {
            socket: format!("wa-groups-test-{}-{nanos}", std::process::id()),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        output_within(Command::new("tmux").arg("-L").arg(&self.socket).args(args))
            .unwrap_or_else(|| panic!("tmux {args:?} did not end within {TMUX_DEADLINE:?}"))
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "app"];
        args.extend_from_slice(keys);
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "send-keys: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Types text literally.
    fn text(&self, text: &str) {
        let out = self.run(&["send-keys", "-t", "app", "-l", text]);
        assert!(
            out.status.success(),
            "send-keys -l: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Pastes text as a terminal does (bracketed paste).
    fn paste(&self, text: &str) {
        assert!(self.run(&["set-buffer", "--", text]).status.success());
        assert!(
            self.run(&["paste-buffer", "-p", "-t", "app"])
                .status
                .success()
        );
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "app"]).stdout).into_owned()
    }

    /// The screen with the rows the terminal wrapped joined again: each line as the program
    /// wrote it (a line the program wrapped itself stays several).
    fn written_lines(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-J", "-t", "app"]).stdout)
            .into_owned()
    }

    fn alive(&self) -> bool {
        self.run(&["has-session", "-t", "app"]).status.success()
    }

    /// Polls the screen until `check` holds; fails after 20 s with the screen.
    async fn wait(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("waiting for {what}: timed out; the screen:\n{screen}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = output_within(
            Command::new("tmux")
                .arg("-L")
                .arg(&self.socket)
                .arg("kill-server"),
        );
    }
}

/// How long one tmux client command may take.
const TMUX_DEADLINE: Duration = Duration::from_secs(20);

/// Runs a command to its end and returns its output; past [`TMUX_DEADLINE`] it is killed and
/// `None` is returned (also when it cannot start).
fn output_within(cmd: &mut Command) -> Option<Output> {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let pid = libc::pid_t::try_from(child.id()).ok()?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(TMUX_DEADLINE) {
        Ok(out) => out.ok(),
        Err(_) => {
            // SAFETY: kill(2) on the pid of our own child, which has not been waited for.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            None
        }
    }
}

fn env_arg(name: &str, value: impl AsRef<std::ffi::OsStr>) -> String {
    format!("{name}={}", value.as_ref().to_string_lossy())
}

/// Starts the binary's app in `tmux` at `size`, on the sandbox, with a home of its own.
fn start_app(tmux: &Tmux, sb: &sandbox::Sandbox, h: &Path, size: (u16, u16)) {
    start_in(tmux, sb, h, size, BIN);
}

/// Starts `program` in `tmux` at `size`, with the environment that points the binary at the
/// sandbox and a home of its own.
fn start_in(
    tmux: &Tmux,
    sb: &sandbox::Sandbox,
    h: &Path,
    (width, height): (u16, u16),
    program: &str,
) {
    let env = [
        env_arg("HOME", h),
        env_arg("XDG_DATA_HOME", h.join("data")),
        env_arg("XDG_CONFIG_HOME", h.join("config")),
        env_arg("WA_BASE_URL", sb.base_url()),
        env_arg("WA_PHONE_NUMBER_ID", sb.phone_number_id()),
        env_arg("WA_ACCESS_TOKEN", sb.token()),
        "TERM=xterm-256color".to_string(),
    ];
    let (width, height) = (width.to_string(), height.to_string());
    let mut args = vec![
        "new-session",
        "-d",
        "-s",
        "app",
        "-x",
        width.as_str(),
        "-y",
        height.as_str(),
        "env",
    ];
    args.extend(env.iter().map(String::as_str));
    args.push(program);
    let out = tmux.run(&args);
    assert!(
        out.status.success(),
        "tmux new-session: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Waits (20 s at most) for the app in `tmux` to end once asked to quit.
async fn quits(tmux: &Tmux) {
    let start = Instant::now();
    while tmux.alive() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the app did not quit:\n{}",
            tmux.screen()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_in_tmux_adds_a_number_and_quits() {
    let sb = sandbox::start(SandboxConfig {
        groups: 6,
        seed: 11,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let target = sb
        .group_ids()
        .into_iter()
        .find(|g| sb.members(g).is_some_and(|m| m.len() + 2 <= 8))
        .expect("a group with room");
    let home = tempfile::tempdir().expect("home");
    let h: &Path = home.path();
    let tmux = Tmux::new();
    start_app(&tmux, &sb, h, (120, 40));

    // A first run with an empty mirror syncs by itself.
    tmux.wait("the first sync", |s| s.contains("sync done"))
        .await;
    tmux.text("/");
    tmux.text(&target);
    tmux.keys(&["Enter"]);
    tmux.text("a");
    tmux.wait("the add dialog", |s| s.contains("Add participants to"))
        .await;
    tmux.text("+1 212 200 0301 ");
    tmux.paste("+12122000302\n");
    tmux.wait("two valid numbers", |s| s.contains("2 valid"))
        .await;
    tmux.keys(&["Enter"]);
    tmux.wait("the queued report", |s| s.contains("2 change(s) queued"))
        .await;
    tmux.keys(&["Escape"]);
    // Esc has cleared the filter before the next key: sent together, a terminal reads Esc
    // and `s` as Alt-s.
    tmux.wait("the filter cleared", |s| s.contains("filter cleared"))
        .await;
    tmux.text("s");
    let screen = tmux
        .wait("the confirm", |s| s.contains("enter/y send"))
        .await;
    assert!(
        screen.contains("1 request(s) · 2 participant(s) · 1 group(s)"),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("POST   /v23.0/{target}/participants")),
        "{screen}"
    );
    tmux.text("y");
    let screen = tmux
        .wait("the run's end", |s| s.contains("run finished"))
        .await;
    assert!(screen.contains("confirmed #"), "{screen}");
    let members = sb.members(&target).expect("group");
    assert!(members.contains(&"12122000301".to_string()), "{members:?}");
    assert!(members.contains(&"12122000302".to_string()), "{members:?}");

    // Quit: the app ends and the session with it; the log file is owner-only.
    tmux.text("q");
    quits(&tmux).await;
    let log = h.join("data/wa-groups/wa-groups.log");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&log).expect("log file").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
}

/// At 80x24, as an operator does it: search a person by number, pick all their groups, remove
/// them from all of them (asked first), send, and the server no longer has them anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_80x24_a_person_is_removed_from_all_their_groups() {
    const PERSON: &str = "12122000555";
    let sb = sandbox::start(SandboxConfig {
        groups: 6,
        seed: 12,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let theirs: Vec<String> = ["Choir", "Choir", "Book Club"]
        .iter()
        .map(|subject| sb.insert_group(subject, &[PERSON, "12122000900"]))
        .collect();
    let home = tempfile::tempdir().expect("home");
    let tmux = Tmux::new();
    start_app(&tmux, &sb, home.path(), (80, 24));
    let screen = tmux
        .wait("the first sync", |s| s.contains("sync done"))
        .await;
    assert!(
        screen.contains("? help") && screen.contains("q quit"),
        "{screen}"
    );

    tmux.text("/");
    tmux.text("+1 212 200 0555");
    tmux.keys(&["Enter"]);
    let screen = tmux
        .wait("the person's groups", |s| {
            s.contains("Groups with +12122000555: 3")
        })
        .await;
    // Two groups of one subject are told apart by the end of their ids.
    let choir = |id: &str| format!("Choir …{}", &id[id.len() - 4..]);
    assert!(
        screen.contains(&choir(&theirs[0])) && screen.contains(&choir(&theirs[1])),
        "{screen}"
    );
    tmux.text("*");
    tmux.wait("three picked", |s| s.contains("3 group(s) picked"))
        .await;
    tmux.text("x");
    let screen = tmux
        .wait("the question", |s| {
            s.contains("Remove +12122000555 from 3 groups?")
        })
        .await;
    assert!(screen.contains("enter/y queue"), "{screen}");
    tmux.text("y");
    tmux.wait("queued", |s| s.contains("3 change(s) queued"))
        .await;
    // `s` sends the picked groups' changes.
    tmux.text("s");
    let screen = tmux
        .wait("the confirm", |s| s.contains("enter/y send"))
        .await;
    assert!(
        screen.contains("3 request(s) · 3 participant(s) · 3 group(s)"),
        "{screen}"
    );
    tmux.text("y");
    tmux.wait("the run's end", |s| s.contains("run finished"))
        .await;
    for g in &theirs {
        assert_eq!(
            sb.members(g),
            Some(vec!["12122000900".to_string()]),
            "{g} without the person"
        );
    }
    for g in sb.group_ids() {
        let members = sb.members(&g).unwrap_or_default();
        assert!(
            !members.contains(&PERSON.to_string()),
            "{PERSON} still in {g}"
        );
    }
    tmux.text("q");
    quits(&tmux).await;
}

/// The commands' own messages on an 80-column terminal wrap between words, under themselves:
/// no line the terminal has to break (where it would cut a word or an id). A file's bad lines
/// (`FILE:LINE: reason`, each naming what it could not read) and `queue drop`'s report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_80_columns_the_commands_messages_wrap_between_words() {
    let sb = sandbox::start(SandboxConfig {
        groups: 3,
        seed: 12,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    sb.insert_group("Choir", &["12122000900"]);
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let csv = h.join("changes.csv");
    std::fs::write(
        &csv,
        "group,participant,action\n\
         Cedar Park Neighbours of the riverside estate,+12122000555,add\n\
         Cedar Park Neighbours of the riverside estate,+1 212 2000,add\n\
         Downtown Volunteers and their friends,+12122000556,remove\n",
    )
    .expect("csv");
    let bin = BIN;
    let csv = csv.display();
    let script = h.join("run.sh");
    std::fs::write(
        &script,
        format!(
            "cd {dir}\n\
             {bin} groups sync >/dev/null 2>&1\n\
             {bin} queue import {csv}\n\
             {bin} participants add --group Choir +12122000777 </dev/null >/dev/null 2>&1\n\
             {bin} queue drop --all --yes\n\
             echo END-OF-RUN\n",
            dir = h.display()
        ),
    )
    .expect("script");
    let tmux = Tmux::new();
    start_in(&tmux, &sb, h, (80, 24), "sh");
    tmux.keys(&["clear", "Enter"]);
    tmux.text(&format!("sh {}\n", script.display()));
    let screen = tmux
        .wait("the commands' end", |s| {
            s.lines().any(|l| l == "END-OF-RUN")
        })
        .await;
    assert!(screen.contains("changes.csv:2:"), "{screen}");
    assert!(screen.contains("they are the history"), "{screen}");
    for line in tmux.written_lines().lines() {
        assert!(
            line.chars().count() <= 80,
            "a line the terminal had to break:\n{line}\n\nthe screen:\n{screen}"
        );
    }
}
