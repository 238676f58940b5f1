//! The terminal app's figures (issue 7, section 5): start to first frame, frame time at
//! 120x40 (median and 99th percentile), key press to next frame (move, filter, open a group)
//! and peak RSS, with 1,000, 10,000 and 100,000 groups of 8 members in the store. Each size
//! runs in a child process of its own so its peak RSS is the app's alone. Frames are drawn on
//! ratatui's `TestBackend` (the buffer work of a real frame, without the terminal's own I/O).
//! Figures only: nothing here asserts a timing.

use std::process::Command;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wa_groups::api::{AccessToken, Client, ClientSettings};
use wa_groups::domain::{OpSpec, OperationKind, Participant};
use wa_groups::engine::EngineConfig;
use wa_groups::session::Session;
use wa_groups::store::{AccountStore, MirrorGroup, Store};
use wa_groups::tui::{App, Keymap, Msg, State};

const BASE: &str = "http://127.0.0.1:9";
const PHONE: &str = "100000000000001";
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--child") {
        // The app's process as `main` starts it.
        wa_groups::allocator::tune();
        let db = args.get(pos + 1).expect("db path");
        child(std::path::Path::new(db));
        return;
    }
    if std::env::var("WA_BENCH_ONLY").is_ok_and(|only| !only.split(',').any(|s| s.trim() == "5")) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rows = Vec::new();
    for n in SIZES {
        let db = dir.path().join(format!("app-{n}.db"));
        let built = Instant::now();
        build_store(&db, n);
        eprintln!(
            "store with {n} groups built in {:.1}s",
            built.elapsed().as_secs_f64()
        );
        let exe = std::env::current_exe().expect("exe");
        let out = Command::new(exe)
            .args(["--child", db.to_str().expect("path")])
            .output()
            .expect("child runs");
        let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !out.status.success() || text.is_empty() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
            panic!("the child for {n} groups failed");
        }
        rows.push((n, text));
    }
    let mut report = String::from(
        "\n## 5. The terminal app (120x40, TestBackend)\n\n| groups | members | start to first frame | frame median | frame p99 | key→frame: move (median / p99) | filter | open group | peak RSS |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for (n, row) in &rows {
        report.push_str(&format!("| {n} | {} | {row} |\n", n * 8));
    }
    print!("{report}");
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let path = std::path::Path::new(&target).join("bench-report-tui.md");
    let _ = std::fs::write(&path, &report);
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

async fn open(db: &std::path::Path) -> AccountStore {
    Store::open(db)
        .expect("store")
        .account(BASE, PHONE)
        .await
        .expect("account")
}

/// `n` groups of 8 members each, and a pending change in every fifth group.
fn build_store(db: &std::path::Path, n: usize) {
    runtime().block_on(build(db, n));
}

async fn build(db: &std::path::Path, n: usize) {
    let store = open(db).await;
    let mut batch = Vec::with_capacity(1000);
    let mut ops = Vec::new();
    for i in 0..n {
        let members: Vec<Participant> = (0..8)
            .map(|m| {
                Participant::from_wa_id(&format!("1212{:07}", (i * 8 + m) % 10_000_000))
                    .expect("wa_id")
            })
            .collect();
        let id = format!("Y2FwaV9ncm91cDoxMDAwMDAwMDAwMDAwMDE6{i:018}");
        if i % 5 == 0 {
            ops.push(OpSpec::for_participant(
                OperationKind::Remove,
                id.clone(),
                members[0].clone(),
            ));
        }
        batch.push(MirrorGroup {
            id,
            subject: format!(
                "Group {i:06} {}",
                ["Runners", "Parents", "Support", "Choir"][i % 4]
            ),
            member_count: 8,
            members: members.into_iter().map(Into::into).collect(),
            read_at: 0,
            gone_at: None,
            about: Default::default(),
        });
        if batch.len() == 1000 {
            store
                .upsert_groups(std::mem::take(&mut batch))
                .await
                .expect("upsert");
        }
    }
    store.upsert_groups(batch).await.expect("upsert");
    store.enqueue(ops).await.expect("enqueue");
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i.min(samples.len() - 1)]
}

fn us(d: Duration) -> String {
    if d >= Duration::from_millis(1) {
        format!("{:.2} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.0} µs", d.as_secs_f64() * 1e6)
    }
}

/// Measures one store's app, printing one table row (without the first two columns).
fn child(db: &std::path::Path) {
    runtime().block_on(async {
        let started = Instant::now();
        let store = open(db).await;
        let token = AccessToken::new("unused").expect("token");
        let settings = ClientSettings::new(BASE, "v23.0", token, PHONE).expect("settings");
        let client = Client::new(settings).expect("client");
        let (engine, _events) = Session::with(store.clone(), client)
            .engine(EngineConfig::default())
            .expect("engine");
        let state = State::new(PHONE, "v23.0", None, Keymap::defaults());
        let mut app = App::new(state, store, engine);
        app.handle(Msg::Resize {
            width: 120,
            height: 40,
        });
        app.start();
        app.settle().await;
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        app.draw(&mut terminal).expect("draw");
        let first_frame = started.elapsed();

        let mut frames = Vec::new();
        for _ in 0..2000 {
            let t = Instant::now();
            app.draw(&mut terminal).expect("draw");
            frames.push(t.elapsed());
        }
        let mut moves = Vec::new();
        for i in 0..1000 {
            let t = Instant::now();
            app.press(key(if i % 50 < 25 {
                KeyCode::Char('j')
            } else {
                KeyCode::Char('k')
            }));
            app.settle().await;
            app.draw(&mut terminal).expect("draw");
            moves.push(t.elapsed());
        }
        let mut filters = Vec::new();
        for round in 0..20 {
            app.press(key(KeyCode::Char('/')));
            app.settle().await;
            for c in format!("group {:03}", round * 7).chars() {
                let t = Instant::now();
                app.press(key(KeyCode::Char(c)));
                app.settle().await;
                app.draw(&mut terminal).expect("draw");
                filters.push(t.elapsed());
            }
            app.press(key(KeyCode::Esc));
            app.settle().await;
        }
        let mut opens = Vec::new();
        for _ in 0..300 {
            app.press(key(KeyCode::Char('j')));
            app.settle().await;
            let t = Instant::now();
            app.press(key(KeyCode::Enter));
            app.settle().await;
            app.draw(&mut terminal).expect("draw");
            opens.push(t.elapsed());
            app.press(key(KeyCode::Esc));
            app.press(key(KeyCode::BackTab));
            app.settle().await;
        }
        let rss = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kb| kb.parse::<u64>().ok())
            })
            .unwrap_or(0);
        println!(
            "{} | {} | {} | {} / {} | {} / {} | {} / {} | {:.1} MB",
            us(first_frame),
            us(percentile(&mut frames, 0.5)),
            us(percentile(&mut frames, 0.99)),
            us(percentile(&mut moves, 0.5)),
            us(percentile(&mut moves, 0.99)),
            us(percentile(&mut filters, 0.5)),
            us(percentile(&mut filters, 0.99)),
            us(percentile(&mut opens, 0.5)),
            us(percentile(&mut opens, 0.99)),
            rss as f64 / 1024.0
        );
    });
}
