//! Operator benchmarks (issue 7): the real `wa-groups` binary against its sandbox on loopback,
//! measured as whole processes with `/usr/bin/time -v` (wall time, CPU seconds, peak RSS).
//!
//! A plain harness (`harness = false`): `cargo bench --bench operator`, or `scripts/bench`, which
//! also installs `time` and `curl` when they are missing. It prints a Markdown report on stdout
//! and writes it to `<target dir>/bench-report.md`. Figures, never assertions: nothing here
//! fails because a target is missed; a run that goes wrong shows up as FAILED in the report.
//!
//! Sections: 1 submit throughput, 2 versus a curl loop, 3 throttled submit, 4 `groups sync`,
//! 5 (the terminal app) is `benches/tui_frames.rs`, 6 `queue import`, 7 the webhook receiver
//! (`operator/webhook.rs`).
//!
//! Knobs for developing the harness (the documented run sets none of them):
//! `WA_BENCH_ONLY=submit,curl,throttled,sync,import,webhook` runs only those sections;
//! `WA_BENCH_SCALE=0.1` shrinks every plan (groups, lines) by that factor.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wa_groups::sandbox::SandboxConfig;

#[path = "operator/webhook.rs"]
mod webhook;

/// The binary cargo built for this bench. A shared target directory may get it rebuilt from
/// another checkout while the bench runs: every run uses a private copy taken at the start.
const BUILT_BIN: &str = env!("CARGO_BIN_EXE_wa-groups");
static BIN_COPY: std::sync::OnceLock<(tempfile::TempDir, String)> = std::sync::OnceLock::new();

fn bin() -> &'static str {
    &BIN_COPY
        .get_or_init(|| {
            let dir = tempfile::Builder::new()
                .prefix("wa-bench-bin-")
                .tempdir()
                .expect("a scratch directory for the binary");
            let copy = dir.path().join("wa-groups");
            std::fs::copy(BUILT_BIN, &copy).expect("the built binary can be copied");
            let copy = copy.to_string_lossy().into_owned();
            (dir, copy)
        })
        .1
}
const TIME: &str = "/usr/bin/time";
/// Latency of every sandbox answer in every section.
const LATENCY_MS: u64 = 20;
const SEED: u64 = 1;
const PHONE_ID: &str = "100000000000001";
const TOKEN: &str = "sandbox-token";
const API_VERSION: &str = "v23.0";
/// `--verify-delay-ms` of every submit: confirmation reads go out as soon as a change is accepted.
const VERIFY_DELAY_MS: u64 = 0;

/// Section 1: groups of the plan (4 changes each) and the concurrencies.
const SUBMIT_GROUPS: usize = 5_000;
/// Concurrency 1 runs on this proportional subset (at 20 ms a request it would take minutes).
const SUBMIT_GROUPS_C1: usize = 500;
const CONCURRENCIES: [u16; 4] = [1, 4, 16, 64];
/// Section 2: requests of the curl loop (one participant each).
const CURL_REQUESTS: usize = 500;
/// Section 3.
const THROTTLED_GROUPS: usize = 500;
const RATE_LIMIT: f64 = 50.0;
const THROTTLED_CONCURRENCY: u16 = 16;
/// Section 4.
const SYNC_GROUPS: usize = 10_000;
const SYNC_CONCURRENCIES: [u16; 2] = [16, 64];
/// Section 6.
const IMPORT_LINES: [usize; 2] = [250_000, 1_000_000];
const VALIDATE_SECS: f64 = 2.0;

fn main() {
    // `cargo bench` passes `--bench`; a plain harness ignores its arguments.
    let options = Options::from_env();
    let _cleanup = RemoveBinCopy;
    let mut report = Report::new(&options);
    let started = Instant::now();

    let mut submit_results: BTreeMap<u16, SubmitResult> = BTreeMap::new();
    if options.runs("submit") {
        for c in CONCURRENCIES {
            let groups = options.scaled(if c == 1 {
                SUBMIT_GROUPS_C1
            } else {
                SUBMIT_GROUPS
            });
            eprintln!("[bench] 1. submit: {groups} groups at concurrency {c}");
            match submit_run(groups, c, None) {
                Ok(r) => {
                    submit_results.insert(c, r);
                }
                Err(e) => report.failure(&format!("1. submit at concurrency {c}"), &e),
            }
        }
        report.submit(&submit_results);
    }
    if options.runs("curl") {
        eprintln!("[bench] 2. curl loop: {CURL_REQUESTS} requests");
        match curl_run(options.scaled(SUBMIT_GROUPS)) {
            Ok(r) => report.curl(&r, &submit_results),
            Err(e) => report.failure("2. curl loop", &e),
        }
    }
    if options.runs("throttled") {
        let groups = options.scaled(THROTTLED_GROUPS);
        eprintln!("[bench] 3. throttled submit: {groups} groups, --rate-limit {RATE_LIMIT}");
        match submit_run(groups, THROTTLED_CONCURRENCY, Some(RATE_LIMIT)) {
            Ok(r) => report.throttled(&r),
            Err(e) => report.failure("3. throttled submit", &e),
        }
    }
    if options.runs("sync") {
        let groups = options.scaled(SYNC_GROUPS);
        let mut results = Vec::new();
        for c in SYNC_CONCURRENCIES {
            eprintln!("[bench] 4. groups sync: {groups} groups at concurrency {c}");
            match sync_run(groups, c) {
                Ok(r) => results.push(r),
                Err(e) => report.failure(&format!("4. groups sync at concurrency {c}"), &e),
            }
        }
        report.sync(&results);
    }

    // ---- 5. Terminal app frame timings: NOT MEASURED YET -------------------------------------
    // Placeholder for the frame-timing section (another engineer adds it): run it here and give
    // `Report::frames` its rows; until then the report shows a marked empty section.
    report.frames();
    // ---- end of 5 ------------------------------------------------------------------------------

    if options.runs("import") {
        let mut results = Vec::new();
        for lines in IMPORT_LINES {
            let lines = options.scaled(lines);
            eprintln!("[bench] 6. queue import: {lines} lines");
            match import_run(lines) {
                Ok(r) => results.push(r),
                Err(e) => report.failure(&format!("6. queue import of {lines} lines"), &e),
            }
        }
        eprintln!("[bench] 6. phonenumber parse+is_valid rate, one core, {VALIDATE_SECS} s");
        let bound = validation_bound(options.scaled(IMPORT_LINES[1]));
        report.import(&results, &bound);
    }

    if options.runs("webhook") {
        let mut results = Vec::new();
        for c in webhook::CONCURRENCIES {
            let n = options.scaled(webhook::DELIVERIES);
            eprintln!("[bench] 7. webhook receiver: {n} deliveries, {c} sender(s)");
            match webhook::webhook_run(n, c) {
                Ok(r) => results.push(r),
                Err(e) => report.failure(&format!("7. webhook receiver, {c} sender(s)"), &e),
            }
        }
        report.webhook(&results);
    }

    report.finish(started.elapsed());
    let text = report.text();
    println!("{text}");
    let path = target_dir().join("bench-report.md");
    match std::fs::write(&path, &text) {
        Ok(()) => eprintln!("[bench] report written to {}", path.display()),
        Err(e) => eprintln!("[bench] cannot write {}: {e}", path.display()),
    }
}

/// Removes the binary's copy when `main` ends, panics included.
struct RemoveBinCopy;

impl Drop for RemoveBinCopy {
    fn drop(&mut self) {
        if let Some((dir, _)) = BIN_COPY.get() {
            let _ = std::fs::remove_dir_all(dir.path());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
    only: Option<Vec<String>>,
    scale: f64,
}

impl Options {
    fn from_env() -> Options {
        let only = std::env::var("WA_BENCH_ONLY")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.split(',').map(|p| p.trim().to_owned()).collect());
        let scale = std::env::var("WA_BENCH_SCALE")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .unwrap_or(1.0);
        Options { only, scale }
    }

    fn runs(&self, section: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|s| s == section))
    }

    fn scaled(&self, n: usize) -> usize {
        ((n as f64 * self.scale).round() as usize).max(1)
    }
}

/// The target directory this bench was built in: the executable is `<target>/release/deps/x`.
fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

// ---------------------------------------------------------------------------------------------
// Processes: a guard that kills the whole tree it started, on drop and so on panic.

struct Guard {
    child: Child,
    done: bool,
}

impl Guard {
    fn new(child: Child) -> Guard {
        Guard { child, done: false }
    }

    fn wait(&mut self) -> std::io::Result<std::process::ExitStatus> {
        let status = self.child.wait();
        self.done = status.is_ok();
        status
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.done {
            kill_tree(self.child.id());
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Stops `pid`, kills its descendants (the binary under `/usr/bin/time`, the curls under bash),
/// then kills it. Only processes this bench started are ever named.
fn kill_tree(pid: u32) {
    signal(pid, "-STOP");
    for kid in children_of(pid) {
        kill_tree(kid);
    }
    signal(pid, "-KILL");
}

fn signal(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .arg(sig)
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

fn children_of(pid: u32) -> Vec<u32> {
    let mut kids = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return kids;
    };
    for task in tasks.flatten() {
        if let Ok(text) = std::fs::read_to_string(task.path().join("children")) {
            kids.extend(
                text.split_whitespace()
                    .filter_map(|s| s.parse::<u32>().ok()),
            );
        }
    }
    kids
}

/// A sandbox process (`wa-groups sandbox`), killed when dropped.
struct Sandbox {
    guard: Guard,
    url: String,
    log: tempfile::NamedTempFile,
}

impl Sandbox {
    /// An error if the sandbox process is gone (with the end of what it wrote on stderr).
    fn alive(&mut self) -> Result<(), String> {
        match self.guard.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => {
                self.guard.done = true;
                let log = std::fs::read_to_string(self.log.path()).unwrap_or_default();
                Err(format!(
                    "the sandbox process ended ({status}) during the run: {}",
                    tail(&log)
                ))
            }
            Err(e) => Err(format!("cannot check the sandbox process: {e}")),
        }
    }

    /// CPU seconds (user + system) the sandbox process has used so far.
    fn cpu_secs(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.guard.child.id()))
            .unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // utime and stime, fields 14 and 15 of the line, in clock ticks (100 a second).
        (ticks(11) + ticks(12)) / 100.0
    }

    /// Its request counts, or why it cannot tell them.
    fn stats(&mut self) -> Result<Counts, String> {
        self.alive()?;
        stats(&self.url)
    }
}

fn start_sandbox(groups: usize, rate_limit: Option<f64>) -> Result<Sandbox, String> {
    let mut cmd = Command::new(bin());
    cmd.args(["sandbox", "--listen", "127.0.0.1:0"])
        .args(["--groups", &groups.to_string()])
        .args(["--seed", &SEED.to_string()])
        .args(["--latency-ms", &LATENCY_MS.to_string()]);
    if let Some(rate) = rate_limit {
        cmd.args(["--rate-limit", &rate.to_string()]);
    }
    let log = tempfile::NamedTempFile::new()
        .map_err(|e| format!("cannot make the sandbox's log file: {e}"))?;
    let stderr = log
        .reopen()
        .map_err(|e| format!("cannot open the sandbox's log file: {e}"))?;
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr);
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start the sandbox: {e}"))?;
    let stdout = child.stdout.take();
    let guard = Guard::new(child);
    let stdout = stdout.ok_or("the sandbox has no stdout")?;
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the sandbox's first line: {e}"))?;
    let url = line
        .trim()
        .strip_prefix("sandbox listening on ")
        .ok_or_else(|| format!("unexpected first line from the sandbox: {line:?}"))?
        .to_owned();
    // Keep its stdout drained so it never blocks on a full pipe.
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    Ok(Sandbox { guard, url, log })
}

/// A scratch home for the client: store, config and data directories, removed on drop.
struct Home {
    dir: tempfile::TempDir,
    url: String,
}

impl Home {
    fn new(url: &str) -> Result<Home, String> {
        let dir = tempfile::Builder::new()
            .prefix("wa-bench-")
            .tempdir()
            .map_err(|e| format!("cannot make a scratch directory: {e}"))?;
        Ok(Home {
            dir,
            url: url.to_owned(),
        })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `wa-groups ARGS` with this home's store and the sandbox in the environment.
    fn command(&self, program: &str, args: &[&str]) -> Command {
        let home = self.path();
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("NO_COLOR", "1")
            .env("WA_BASE_URL", &self.url)
            .env("WA_PHONE_NUMBER_ID", PHONE_ID)
            .env("WA_ACCESS_TOKEN", TOKEN)
            .env("WA_GROUPS_DB", home.join("store.db"))
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `wa-groups ARGS` untimed; an exit other than 0 is an error.
    fn run(&self, args: &[&str]) -> Result<String, String> {
        let out = self
            .command(bin(), args)
            .output()
            .map_err(|e| format!("cannot run wa-groups: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "`wa-groups {}` exited with {}: {}",
                args.join(" "),
                out.status,
                tail(&String::from_utf8_lossy(&out.stderr))
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Starts `PROGRAM ARGS` under `/usr/bin/time -v`, its output going to files of this home.
    fn spawn_timed(&self, program: &str, args: &[&str], name: &str) -> Result<Timed, String> {
        self.spawn_timed_with(program, args, name, &[])
    }

    /// [`Home::spawn_timed`] with more in the program's environment.
    fn spawn_timed_with(
        &self,
        program: &str,
        args: &[&str],
        name: &str,
        env: &[(&str, &str)],
    ) -> Result<Timed, String> {
        let time_file = self.path().join(format!("{name}.time"));
        let stdout = self.path().join(format!("{name}.out"));
        let stderr = self.path().join(format!("{name}.err"));
        let mut full = vec!["-v", "-o"];
        let time_path = time_file.to_string_lossy().into_owned();
        full.push(&time_path);
        full.push(program);
        full.extend_from_slice(args);
        let mut cmd = self.command(TIME, &full);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdout(file(&stdout)?).stderr(file(&stderr)?);
        let started = Instant::now();
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot run {TIME} {program}: {e}"))?;
        Ok(Timed {
            guard: Guard::new(child),
            started,
            time_file,
            stdout,
            stderr,
            what: format!("{program} {}", args.join(" ")),
        })
    }

    fn timed(&self, args: &[&str], name: &str) -> Result<Measured, String> {
        self.spawn_timed(bin(), args, name)?.finish()
    }
}

fn file(path: &Path) -> Result<File, String> {
    File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

/// The last lines of a command's error output.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(8)..].join(" | ")
}

/// A process running under `/usr/bin/time -v`.
struct Timed {
    guard: Guard,
    started: Instant,
    time_file: PathBuf,
    stdout: PathBuf,
    stderr: PathBuf,
    what: String,
}

/// Whole-process figures of one run.
#[derive(Clone, Debug, Default)]
struct Measured {
    wall: f64,
    user: f64,
    sys: f64,
    max_rss_kb: u64,
    stdout: String,
    /// Stopped with SIGINT at its time limit: the figures cover the part that ran.
    interrupted: bool,
}

impl Measured {
    fn cpu(&self) -> f64 {
        self.user + self.sys
    }

    fn rss_mb(&self) -> f64 {
        self.max_rss_kb as f64 / 1024.0
    }

    /// Wall seconds, marked when the run was stopped at its time limit.
    fn wall_text(&self) -> String {
        if self.interrupted {
            format!("{:.2} (stopped at the limit)", self.wall)
        } else {
            format!("{:.2}", self.wall)
        }
    }
}

impl Timed {
    fn finish(mut self) -> Result<Measured, String> {
        let status = self
            .guard
            .wait()
            .map_err(|e| format!("cannot wait for {}: {e}", self.what))?;
        self.measure(status, false)
    }

    /// Like `finish`, but past `limit` the program (not `/usr/bin/time`, which then still
    /// reports) gets SIGINT, as an operator's Ctrl-C: `submit` stops sending, settles what is
    /// in flight and prints its summary. The figures then cover the time until it stopped.
    fn finish_within(mut self, limit: Duration) -> Result<Measured, String> {
        let mut interrupted = false;
        let status = loop {
            match self.guard.child.try_wait() {
                Ok(Some(status)) => {
                    self.guard.done = true;
                    break status;
                }
                Ok(None) => {}
                Err(e) => return Err(format!("cannot wait for {}: {e}", self.what)),
            }
            let elapsed = self.started.elapsed();
            if !interrupted && elapsed > limit {
                interrupted = true;
                eprintln!(
                    "[bench] {} still running after {} s: interrupting it (SIGINT)",
                    self.what,
                    limit.as_secs()
                );
                for kid in children_of(self.guard.child.id()) {
                    signal(kid, "-INT");
                }
            }
            if interrupted && elapsed > limit + Duration::from_secs(20) {
                // The guard kills the whole tree when `self` drops.
                return Err(format!(
                    "`{}` did not stop within 20 s of SIGINT after {} s",
                    self.what,
                    limit.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        self.measure(status, interrupted)
    }

    fn measure(
        &mut self,
        status: std::process::ExitStatus,
        interrupted: bool,
    ) -> Result<Measured, String> {
        let wall = self.started.elapsed().as_secs_f64();
        let stdout = std::fs::read_to_string(&self.stdout).unwrap_or_default();
        let stderr = std::fs::read_to_string(&self.stderr).unwrap_or_default();
        let time = std::fs::read_to_string(&self.time_file).unwrap_or_default();
        if !status.success() && !interrupted {
            return Err(format!(
                "`{}` exited with {status}: {}",
                self.what,
                tail(&stderr)
            ));
        }
        let field = |label: &str| -> Result<&str, String> {
            time.lines()
                .find_map(|l| l.trim().strip_prefix(label))
                .map(str::trim)
                .ok_or_else(|| format!("no `{label}` in the output of {TIME} -v"))
        };
        let number = |label: &str| -> Result<f64, String> {
            field(label)?
                .parse::<f64>()
                .map_err(|e| format!("`{label}`: {e}"))
        };
        Ok(Measured {
            wall,
            user: number("User time (seconds):")?,
            sys: number("System time (seconds):")?,
            max_rss_kb: number("Maximum resident set size (kbytes):")? as u64,
            stdout,
            interrupted,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Sandbox statistics

/// Request counts of a sandbox (`GET /_sandbox/stats`), every status included.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    adds: u64,
    /// Adds answered 200 or 206.
    adds_ok: u64,
    removes: u64,
    infos: u64,
    lists: u64,
    /// Reads of a group's join requests (a sync reads them for groups that ask approval).
    join_requests: u64,
    total: u64,
    throttled: u64,
}

impl Counts {
    fn writes(&self) -> u64 {
        self.adds + self.removes
    }

    fn minus(&self, before: &Counts) -> Counts {
        Counts {
            adds: self.adds - before.adds,
            adds_ok: self.adds_ok - before.adds_ok,
            removes: self.removes - before.removes,
            infos: self.infos - before.infos,
            lists: self.lists - before.lists,
            join_requests: self.join_requests - before.join_requests,
            total: self.total - before.total,
            throttled: self.throttled - before.throttled,
        }
    }
}

fn stats(url: &str) -> Result<Counts, String> {
    let v = http_get_json(url, "/_sandbox/stats")?;
    let route = |name: &str| -> u64 {
        v["by_route"][name]
            .as_object()
            .map(|m| m.values().filter_map(Value::as_u64).sum())
            .unwrap_or(0)
    };
    let throttled = v["by_route"]
        .as_object()
        .map(|routes| routes.values().filter_map(|r| r["429"].as_u64()).sum())
        .unwrap_or(0);
    Ok(Counts {
        adds: route("POST /participants"),
        adds_ok: ["200", "206"]
            .iter()
            .filter_map(|s| v["by_route"]["POST /participants"][*s].as_u64())
            .sum(),
        removes: route("DELETE /participants"),
        infos: route("GET /group"),
        lists: route("GET /groups"),
        join_requests: route("GET /join_requests"),
        total: v["total"].as_u64().unwrap_or(0),
        throttled,
    })
}

/// A GET over plain HTTP/1.1 on loopback, answer parsed as JSON.
fn http_get_json(url: &str, path: &str) -> Result<Value, String> {
    let addr = url.strip_prefix("http://").ok_or("not an http:// URL")?;
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| format!("write to {addr}: {e}"))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .map_err(|e| format!("read from {addr}: {e}"))?;
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no HTTP header")?;
    if !head.starts_with("HTTP/1.1 200") {
        return Err(format!("GET {path}: {}", head.lines().next().unwrap_or("")));
    }
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    serde_json::from_str(&body).map_err(|e| format!("GET {path}: not JSON: {e}"))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Plans

/// Each seeded group of a sandbox with `groups` groups and its members (wa_ids), in list
/// order: the sandbox seeds the same groups for the same seed, so a twin started in this process
/// (no latency, dropped at once) tells what the benchmarked sandbox process holds.
fn seeded_groups(groups: usize) -> Result<Vec<(String, Vec<String>)>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio: {e}"))?;
    runtime.block_on(async {
        let sandbox = wa_groups::sandbox::start(SandboxConfig {
            groups,
            seed: SEED,
            ..SandboxConfig::default()
        })
        .await
        .map_err(|e| format!("cannot start the twin sandbox: {e}"))?;
        Ok(sandbox
            .group_ids()
            .into_iter()
            .map(|g| {
                let members = sandbox.members(&g).unwrap_or_default();
                (g, members)
            })
            .collect())
    })
}

/// New people: valid US mobile numbers (area code 206, which the sandbox never seeds), in
/// wa_id form, never ending in 0000 (the sandbox refuses those).
struct Numbers {
    next: u64,
}

impl Numbers {
    fn new() -> Numbers {
        Numbers { next: 0 }
    }

    fn next(&mut self) -> String {
        loop {
            let n = self.next;
            self.next += 1;
            let number = format!("1206{}{:06}", 2 + (n / 1_000_000) % 8, n % 1_000_000);
            if !number.ends_with("0000") {
                return number;
            }
        }
    }
}

/// The submit plan: every group gets exactly 4 changes. A group with room (at most 4 members)
/// gets 4 adds (one request); a fuller one loses 2 members and gains 2 people (a removal
/// request, then an add request). Returns the CSV, its count of operations and the requests
/// it should take (writes, and one confirmation read per group).
fn submit_plan(groups: &[(String, Vec<String>)]) -> (String, usize, usize) {
    let mut numbers = Numbers::new();
    let mut csv = String::from("group,participant,action\n");
    let mut ops = 0;
    let mut requests = 0;
    for (group, members) in groups {
        requests += 2;
        let adds = if members.len() <= 4 {
            4
        } else {
            requests += 1;
            for m in &members[..2] {
                let _ = writeln!(csv, "{group},+{m},remove");
            }
            2
        };
        for _ in 0..adds {
            let _ = writeln!(csv, "{group},+{},add", numbers.next());
        }
        ops += 4;
    }
    (csv, ops, requests)
}

// ---------------------------------------------------------------------------------------------
// 1 and 3: submit

struct SubmitResult {
    groups: usize,
    concurrency: u16,
    ops: usize,
    run: Measured,
    /// Requests the sandbox saw during the submit (writes and reads, throttled ones included).
    counts: Counts,
    /// For the throttled run: the counts one second after the submit started.
    at_one_second: Option<Counts>,
    summary: Value,
    /// CPU seconds the sandbox process used during the submit.
    sandbox_cpu: f64,
    /// Past this the submit was to be interrupted.
    limit: Duration,
}

impl SubmitResult {
    fn confirmed(&self) -> u64 {
        self.summary["progress"]["confirmed"].as_u64().unwrap_or(0)
    }

    fn engine_secs(&self) -> f64 {
        self.summary["elapsed_ms"].as_f64().unwrap_or(0.0) / 1000.0
    }

    /// requests × latency / concurrency.
    fn ideal_secs(&self) -> f64 {
        self.counts.total as f64 * LATENCY_MS as f64 / 1000.0 / f64::from(self.concurrency)
    }

    fn requests_per_sec(&self) -> f64 {
        self.counts.total as f64 / self.run.wall
    }

    fn cpu_per_1000(&self) -> f64 {
        self.run.cpu() / (self.counts.total as f64 / 1000.0)
    }

    fn secs_per_op(&self) -> f64 {
        self.run.wall / self.ops as f64
    }
}

fn submit_run(
    groups: usize,
    concurrency: u16,
    rate_limit: Option<f64>,
) -> Result<SubmitResult, String> {
    let seeded = seeded_groups(groups)?;
    let (csv, ops, expected_requests) = submit_plan(&seeded);
    // Past this the submit is interrupted (Ctrl-C) and the part that ran is reported.
    let expected = match rate_limit {
        Some(rate) => expected_requests as f64 / rate,
        None => expected_requests as f64 * LATENCY_MS as f64 / 1000.0 / f64::from(concurrency),
    };
    let limit = Duration::from_secs_f64(30.0 + 3.0 * expected);
    let mut sandbox = start_sandbox(groups, rate_limit)?;
    let home = Home::new(&sandbox.url)?;
    home.run(&["groups", "sync", "--concurrency", "64"])?;
    let plan = home.path().join("plan.csv");
    std::fs::write(&plan, csv).map_err(|e| format!("cannot write the plan: {e}"))?;
    home.run(&["queue", "import", &plan.to_string_lossy()])?;

    let before = sandbox.stats()?;
    let sandbox_cpu_before = sandbox.cpu_secs();
    let c = concurrency.to_string();
    let verify = VERIFY_DELAY_MS.to_string();
    let args = [
        "submit",
        "--yes",
        "--json",
        "--concurrency",
        &c,
        "--verify-delay-ms",
        &verify,
    ];
    let running = home.spawn_timed(bin(), &args, "submit")?;
    let at_one_second = if rate_limit.is_some() {
        let wait = Duration::from_secs(1).saturating_sub(running.started.elapsed());
        std::thread::sleep(wait);
        Some(sandbox.stats()?.minus(&before))
    } else {
        None
    };
    let run = running.finish_within(limit)?;
    let counts = sandbox.stats()?.minus(&before);
    let sandbox_cpu = sandbox.cpu_secs() - sandbox_cpu_before;
    let summary: Value = serde_json::from_str(&run.stdout)
        .map_err(|e| format!("submit --json printed no JSON summary: {e}"))?;
    let result = SubmitResult {
        groups,
        concurrency,
        ops,
        run,
        counts,
        at_one_second,
        summary,
        sandbox_cpu,
        limit,
    };
    if result.confirmed() != ops as u64 && !result.run.interrupted {
        return Err(format!(
            "only {} of {ops} operations confirmed: {}",
            result.confirmed(),
            result.summary
        ));
    }
    Ok(result)
}

// ---------------------------------------------------------------------------------------------
// 2: what operators do today, one curl per participant

struct CurlResult {
    requests: usize,
    run: Measured,
    counts: Counts,
}

fn curl_run(groups: usize) -> Result<CurlResult, String> {
    let seeded = seeded_groups(groups)?;
    // Adds of one person each to groups with room for 4: every request applies (200).
    let mut numbers = Numbers::new();
    let mut list = String::new();
    let mut requests = 0;
    'groups: for (group, members) in &seeded {
        if members.len() > 4 {
            continue;
        }
        for _ in 0..4 {
            if requests == CURL_REQUESTS {
                break 'groups;
            }
            let _ = writeln!(list, "{group} +{}", numbers.next());
            requests += 1;
        }
    }
    let mut sandbox = start_sandbox(groups, None)?;
    let home = Home::new(&sandbox.url)?;
    let list_path = home.path().join("requests.txt");
    std::fs::write(&list_path, list).map_err(|e| format!("cannot write the list: {e}"))?;
    let script = format!(
        r#"while read -r group user; do
  curl -s -X POST -H 'Authorization: Bearer {TOKEN}' -H 'Content-Type: application/json' \
    -d '{{"messaging_product":"whatsapp","participants":[{{"user":"'"$user"'"}}]}}' \
    "{url}/{API_VERSION}/$group/participants"
  echo
done < "{list}"
"#,
        url = sandbox.url,
        list = list_path.display()
    );
    let script_path = home.path().join("loop.sh");
    std::fs::write(&script_path, script).map_err(|e| format!("cannot write the script: {e}"))?;
    let before = sandbox.stats()?;
    let run = home
        .spawn_timed("bash", &[&script_path.to_string_lossy()], "curl")?
        .finish()?;
    let counts = sandbox.stats()?.minus(&before);
    if counts.adds_ok != requests as u64 {
        return Err(format!(
            "the sandbox answered {} of {} adds with 200/206 for {requests} curls",
            counts.adds_ok, counts.adds
        ));
    }
    Ok(CurlResult {
        requests,
        run,
        counts,
    })
}

// ---------------------------------------------------------------------------------------------
// 4: groups sync

struct SyncResult {
    groups: usize,
    concurrency: u16,
    run: Measured,
    counts: Counts,
    sandbox_cpu: f64,
}

impl SyncResult {
    fn ideal_secs(&self) -> f64 {
        (self.counts.lists + self.counts.infos + self.counts.join_requests) as f64
            * LATENCY_MS as f64
            / 1000.0
            / f64::from(self.concurrency)
    }
}

fn sync_run(groups: usize, concurrency: u16) -> Result<SyncResult, String> {
    let mut sandbox = start_sandbox(groups, None)?;
    let home = Home::new(&sandbox.url)?;
    let before = sandbox.stats()?;
    let sandbox_cpu_before = sandbox.cpu_secs();
    let c = concurrency.to_string();
    let run = home.timed(&["groups", "sync", "--concurrency", &c], "sync")?;
    let counts = sandbox.stats()?.minus(&before);
    let sandbox_cpu = sandbox.cpu_secs() - sandbox_cpu_before;
    if counts.infos < groups as u64 {
        return Err(format!("{} group reads for {groups} groups", counts.infos));
    }
    Ok(SyncResult {
        groups,
        concurrency,
        run,
        counts,
        sandbox_cpu,
    })
}

// ---------------------------------------------------------------------------------------------
// 6: queue import, and the bound number validation sets

struct ImportResult {
    lines: usize,
    run: Measured,
}

/// The `n`th participant of the import file, as written there: E.164 with a `+`.
fn import_number(n: usize) -> String {
    const AREAS: [&str; 8] = ["206", "212", "305", "415", "512", "617", "713", "917"];
    let area = AREAS[n % AREAS.len()];
    let rest = n / AREAS.len();
    format!(
        "+1{area}{}{:06}",
        2 + (rest / 1_000_000) % 8,
        rest % 1_000_000
    )
}

fn write_import_file(path: &Path, lines: usize) -> Result<(), String> {
    let mut out = BufWriter::new(file(path)?);
    let mut write = || -> std::io::Result<()> {
        writeln!(out, "group,participant,action")?;
        for n in 0..lines {
            // 8 adds per group, as a group holds at most 8.
            writeln!(out, "1203630{:011},{},add", n / 8, import_number(n))?;
        }
        out.flush()
    };
    write().map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn import_run(lines: usize) -> Result<ImportResult, String> {
    // Nothing is sent: the URL only has to be a valid one.
    let home = Home::new("http://127.0.0.1:9")?;
    let path = home.path().join("import.csv");
    write_import_file(&path, lines)?;
    let run = home.timed(&["queue", "import", &path.to_string_lossy()], "import")?;
    if !run.stdout.contains(&format!("{lines} queued")) {
        return Err(format!(
            "import did not queue every line: {}",
            run.stdout.trim()
        ));
    }
    Ok(ImportResult { lines, run })
}

struct Bound {
    per_core: f64,
    cores: usize,
    invalid: usize,
}

impl Bound {
    fn lines_per_sec(&self) -> f64 {
        self.per_core * self.cores as f64
    }
}

/// `phonenumber::parse` + `is_valid` over the import file's numbers for about two seconds on
/// this thread: numbers per second on one core, times the cores.
fn validation_bound(lines: usize) -> Bound {
    let numbers: Vec<String> = (0..lines).map(import_number).collect();
    let started = Instant::now();
    let mut done = 0usize;
    let mut invalid = 0usize;
    'outer: loop {
        for chunk in numbers.chunks(4096) {
            for n in chunk {
                let valid = phonenumber::parse(None, n.as_str())
                    .map(|p| phonenumber::is_valid(&p))
                    .unwrap_or(false);
                if !valid {
                    invalid += 1;
                }
            }
            done += chunk.len();
            if started.elapsed().as_secs_f64() >= VALIDATE_SECS {
                break 'outer;
            }
        }
    }
    let per_core = done as f64 / started.elapsed().as_secs_f64();
    Bound {
        per_core,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        invalid,
    }
}

// ---------------------------------------------------------------------------------------------
// The report

struct Report {
    out: String,
    verdicts: Vec<(String, String, String, Option<bool>)>,
    failures: Vec<String>,
}

fn yes_no(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "**missed**",
        None => "n/a",
    }
}

impl Report {
    fn new(options: &Options) -> Report {
        let mut out = String::new();
        let _ = writeln!(out, "# wa-groups benchmark report\n");
        let _ = writeln!(out, "- date: {}", now());
        let _ = writeln!(out, "- machine: {}", machine());
        let _ = writeln!(out, "- load average at start: {}", loadavg());
        let _ = writeln!(
            out,
            "- binary: {BUILT_BIN} (release profile, run from a copy); sandbox `--latency-ms {LATENCY_MS} --seed {SEED}` on 127.0.0.1, a separate process; submit `--verify-delay-ms {VERIFY_DELAY_MS}`"
        );
        if options.scale != 1.0 || options.only.is_some() {
            let _ = writeln!(
                out,
                "- **partial run**: WA_BENCH_SCALE={} WA_BENCH_ONLY={}",
                options.scale,
                options
                    .only
                    .as_ref()
                    .map(|o| o.join(","))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(
            out,
            "- figures are whole processes under `/usr/bin/time -v`: wall time, CPU (user+system) seconds, peak RSS; request counts come from the sandbox's `/_sandbox/stats`\n"
        );
        Report {
            out,
            verdicts: Vec::new(),
            failures: Vec::new(),
        }
    }

    fn verdict(&mut self, target: &str, figure: String, met: Option<bool>) {
        let section = target.split_whitespace().next().unwrap_or("").to_owned();
        self.verdicts
            .push((section, target.to_owned(), figure, met));
    }

    fn failure(&mut self, what: &str, error: &str) {
        eprintln!("[bench] FAILED {what}: {error}");
        self.failures.push(format!("{what}: {error}"));
    }

    fn submit(&mut self, results: &BTreeMap<u16, SubmitResult>) {
        let o = &mut self.out;
        let _ = writeln!(o, "## 1. Submit throughput\n");
        let _ = writeln!(
            o,
            "4 changes per group (4 adds, or 2 removals + 2 adds), store synced first; a fresh sandbox and store per run. Ideal = requests × {LATENCY_MS} ms / concurrency, requests = every write and confirmation read the sandbox counted.\n"
        );
        let _ = writeln!(
            o,
            "| concurrency | groups | operations | writes | reads | wall s | engine s | requests/s | ideal s | ideal/wall | CPU s | CPU s / 1,000 req | peak RSS MB | sandbox CPU s |"
        );
        let _ = writeln!(
            o,
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for r in results.values() {
            let subset = if r.concurrency == 1 { " (subset)" } else { "" };
            let _ = writeln!(
                o,
                "| {} | {}{subset} | {} | {} | {} | {} | {:.2} | {:.0} | {:.2} | {:.2} | {:.2} | {:.3} | {:.1} | {:.2} |",
                r.concurrency,
                r.groups,
                r.ops,
                r.counts.writes(),
                r.counts.infos + r.counts.lists,
                r.run.wall_text(),
                r.engine_secs(),
                r.requests_per_sec(),
                r.ideal_secs(),
                r.ideal_secs() / r.run.wall,
                r.run.cpu(),
                r.cpu_per_1000(),
                r.run.rss_mb(),
                r.sandbox_cpu
            );
        }
        let _ = writeln!(o);
        if let Some(r) = results.get(&16) {
            let ratio = r.ideal_secs() / r.run.wall;
            self.verdict(
                "1. submit, concurrency 16: ≥ 0.9 of ideal",
                format!("{ratio:.2}"),
                Some(ratio >= 0.9),
            );
            let cpu = r.cpu_per_1000();
            self.verdict(
                "1. submit, concurrency 16: < 0.1 CPU s per 1,000 requests",
                format!("{cpu:.3}"),
                Some(cpu < 0.1),
            );
            let rss = results.values().map(|r| r.run.rss_mb()).fold(0.0, f64::max);
            self.verdict(
                "1. submit: peak RSS < 64 MB (largest of the runs)",
                format!("{rss:.1} MB"),
                Some(rss < 64.0),
            );
        }
    }

    fn curl(&mut self, c: &CurlResult, submits: &BTreeMap<u16, SubmitResult>) {
        let curl_per_op = c.run.wall / c.requests as f64;
        let o = &mut self.out;
        let _ = writeln!(o, "## 2. Against a curl loop\n");
        let _ = writeln!(
            o,
            "{} requests of one participant each (`curl -s -X POST …` in a bash loop), same sandbox latency ({LATENCY_MS} ms); the sandbox counted {} adds answered 200. Per operation, ours counts every write and confirmation read of the run.\n",
            c.requests, c.counts.adds_ok
        );
        let _ = writeln!(
            o,
            "| client | operations | wall s | ms per operation | CPU s | speed-up vs curl |"
        );
        let _ = writeln!(o, "|---|---:|---:|---:|---:|---:|");
        let _ = writeln!(
            o,
            "| curl loop | {} | {:.2} | {:.2} | {:.2} | 1.0 |",
            c.requests,
            c.run.wall,
            curl_per_op * 1000.0,
            c.run.cpu()
        );
        for r in submits.values() {
            let _ = writeln!(
                o,
                "| wa-groups submit, concurrency {} | {} | {:.2} | {:.3} | {:.2} | {:.1} |",
                r.concurrency,
                r.ops,
                r.run.wall,
                r.secs_per_op() * 1000.0,
                r.run.cpu(),
                curl_per_op / r.secs_per_op()
            );
        }
        let _ = writeln!(o);
        for c16 in [16u16, 64] {
            if let Some(r) = submits.get(&c16) {
                let speedup = curl_per_op / r.secs_per_op();
                let target = if c16 == 16 {
                    "2. vs curl, concurrency 16: ≥ 8× faster per operation"
                } else {
                    "2. vs curl, concurrency 64 (figure only)"
                };
                self.verdict(
                    target,
                    format!("{speedup:.1}×"),
                    (c16 == 16).then_some(speedup >= 8.0),
                );
            }
        }
    }

    fn throttled(&mut self, r: &SubmitResult) {
        let admitted = (r.counts.total - r.counts.throttled) as f64;
        let achieved = admitted / r.run.wall;
        let achieved_engine = admitted / r.engine_secs().max(f64::EPSILON);
        let first = r.at_one_second.unwrap_or_default();
        let later_total = r.counts.total - first.total;
        let later_429 = r.counts.throttled - first.throttled;
        let later_share = later_429 as f64 / later_total.max(1) as f64;
        let o = &mut self.out;
        let _ = writeln!(o, "## 3. Throttled submit\n");
        let _ = writeln!(
            o,
            "Sandbox `--rate-limit {RATE_LIMIT} --latency-ms {LATENCY_MS}`, {} groups ({} operations, {} confirmed; a smaller plan than section 1), concurrency {}, time limit {:.0} s (then interrupted with SIGINT, as Ctrl-C). Rate achieved = requests not answered 429 / wall time; \"after 1 s\" = from the sandbox's counts taken 1 s after the submit started.\n",
            r.groups,
            r.ops,
            r.confirmed(),
            r.concurrency,
            r.limit.as_secs_f64()
        );
        let _ = writeln!(
            o,
            "| requests | 429s | 429s in the first second | 429s after it | share of requests after 1 s | wall s | engine s | admitted req/s (wall) | (engine) | vs limit |"
        );
        let _ = writeln!(o, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {:.2}% | {} | {:.2} | {:.1} | {:.1} | {:.2} |\n",
            r.counts.total,
            r.counts.throttled,
            first.throttled,
            later_429,
            later_share * 100.0,
            r.run.wall_text(),
            r.engine_secs(),
            achieved,
            achieved_engine,
            achieved / RATE_LIMIT
        );
        self.verdict(
            "3. throttled: ≥ 0.9 of the rate limit",
            format!("{:.2}", achieved / RATE_LIMIT),
            Some(achieved / RATE_LIMIT >= 0.9),
        );
        self.verdict(
            "3. throttled: 429s < 1% of requests after the first second",
            format!("{:.2}%", later_share * 100.0),
            Some(later_share < 0.01),
        );
    }

    fn sync(&mut self, results: &[SyncResult]) {
        let o = &mut self.out;
        let _ = writeln!(o, "## 4. groups sync\n");
        let _ = writeln!(
            o,
            "Ideal = (list pages + group reads + join-request reads) × {LATENCY_MS} ms / concurrency: every request the sandbox counted (a sync reads the join requests of the groups that ask approval).\n"
        );
        let _ = writeln!(
            o,
            "| groups | concurrency | list pages | group reads | join-request reads | wall s | ideal s | ideal/wall | CPU s | peak RSS MB | sandbox CPU s |"
        );
        let _ = writeln!(
            o,
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for r in results {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} | {:.2} |",
                r.groups,
                r.concurrency,
                r.counts.lists,
                r.counts.infos,
                r.counts.join_requests,
                r.run.wall,
                r.ideal_secs(),
                r.ideal_secs() / r.run.wall,
                r.run.cpu(),
                r.run.rss_mb(),
                r.sandbox_cpu
            );
        }
        let _ = writeln!(o);
        for r in results {
            let ratio = r.ideal_secs() / r.run.wall;
            self.verdict(
                &format!(
                    "4. groups sync, concurrency {}: ≥ 0.9 of ideal",
                    r.concurrency
                ),
                format!("{ratio:.2}"),
                Some(ratio >= 0.9),
            );
        }
    }

    /// 5. The terminal app is measured by `benches/tui_frames.rs`, which runs after this one.
    fn frames(&mut self) {
        let _ = writeln!(
            self.out,
            "## 5. The terminal app\n\nMeasured by `benches/tui_frames.rs` (its table follows this report).\n"
        );
    }

    fn import(&mut self, results: &[ImportResult], bound: &Bound) {
        let o = &mut self.out;
        let _ = writeln!(o, "## 6. queue import\n");
        let _ = writeln!(
            o,
            "CSV `group,participant,action`, E.164 numbers, 8 adds per group, into a fresh store. Bound = `phonenumber` parse + is_valid over the same numbers on one core for {VALIDATE_SECS} s in the bench process ({:.0} numbers/s{}) × {} cores = {:.0} lines/s.\n",
            bound.per_core,
            if bound.invalid > 0 {
                format!(", {} invalid", bound.invalid)
            } else {
                String::new()
            },
            bound.cores,
            bound.lines_per_sec()
        );
        let _ = writeln!(
            o,
            "| lines | wall s | lines/s | bound lines/s | lines/s ÷ bound | CPU s | peak RSS MB |"
        );
        let _ = writeln!(o, "|---:|---:|---:|---:|---:|---:|---:|");
        for r in results {
            let rate = r.lines as f64 / r.run.wall;
            let _ = writeln!(
                o,
                "| {} | {:.2} | {:.0} | {:.0} | {:.2} | {:.2} | {:.1} |",
                r.lines,
                r.run.wall,
                rate,
                bound.lines_per_sec(),
                rate / bound.lines_per_sec(),
                r.run.cpu(),
                r.run.rss_mb()
            );
        }
        let _ = writeln!(o);
        if let Some(big) = results.iter().max_by_key(|r| r.lines) {
            let ratio = big.lines as f64 / big.run.wall / bound.lines_per_sec();
            self.verdict(
                &format!(
                    "6. import of {} lines: ≥ 0.85 of the validation bound",
                    big.lines
                ),
                format!("{ratio:.2}"),
                Some(ratio >= 0.85),
            );
            self.verdict(
                &format!("6. import of {} lines: peak RSS < 100 MB", big.lines),
                format!("{:.1} MB", big.run.rss_mb()),
                Some(big.run.rss_mb() < 100.0),
            );
            if let Some(small) = results.iter().min_by_key(|r| r.lines)
                && small.lines < big.lines
            {
                let growth = big.run.rss_mb() - small.run.rss_mb();
                self.verdict(
                    &format!(
                        "6. import: RSS not growing with the file ({} vs {} lines; within 10%)",
                        big.lines, small.lines
                    ),
                    format!("{growth:+.1} MB"),
                    Some(big.run.rss_mb() <= small.run.rss_mb() * 1.1),
                );
            }
        }
    }

    fn webhook(&mut self, results: &[webhook::WebhookResult]) {
        let o = &mut self.out;
        let _ = writeln!(o, "## 7. Webhook receiver\n");
        let _ = writeln!(
            o,
            "`wa-groups webhook serve` (under `/usr/bin/time -v`) on a store synced from a sandbox of 50 groups; signed deliveries of one event each (a join by invite link into a synced group) POSTed over keep-alive connections by N senders at once. Latency = request written to answer read (the delivery is committed before it is answered). Processed = from the first POST until every event had settled and moved the mirror.\n"
        );
        let _ = writeln!(
            o,
            "| senders | deliveries | wall s | deliveries/s | latency p50 ms | p99 ms | max ms | all processed after s | receiver CPU s | peak RSS MB |"
        );
        let _ = writeln!(o, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for r in results {
            let _ = writeln!(
                o,
                "| {} | {} | {:.2} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} |",
                r.concurrency,
                r.deliveries,
                r.wall,
                r.rate(),
                r.latency(0.5),
                r.latency(0.99),
                r.latency(1.0),
                r.processed_after,
                r.run.cpu(),
                r.run.rss_mb()
            );
        }
        let _ = writeln!(o);
        for r in results {
            self.verdict(
                &format!(
                    "7. webhook receiver, {} sender(s): deliveries/s (figure only)",
                    r.concurrency
                ),
                format!("{:.0}", r.rate()),
                None,
            );
        }
    }

    fn finish(&mut self, elapsed: Duration) {
        let o = &mut self.out;
        let _ = writeln!(o, "## Targets\n");
        let _ = writeln!(o, "| target | figure | |");
        let _ = writeln!(o, "|---|---:|---|");
        for (_, target, figure, met) in &self.verdicts {
            let _ = writeln!(o, "| {target} | {figure} | {} |", yes_no(*met));
        }
        let _ = writeln!(o);
        if !self.failures.is_empty() {
            let _ = writeln!(o, "## FAILED\n");
            for f in &self.failures {
                let _ = writeln!(o, "- {f}");
            }
            let _ = writeln!(o);
        }
        let _ = writeln!(
            o,
            "Benchmark time {:.0} s; load average at the end: {}",
            elapsed.as_secs_f64(),
            loadavg()
        );
    }

    fn text(&self) -> String {
        self.out.clone()
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// nproc, CPU model and memory, from /proc.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gb = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    format!("{cores} cores (nproc), {model}, {mem_gb:.1} GiB memory")
}
