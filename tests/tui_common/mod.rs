//! Shared harness of the terminal app's tests: the real app and engine on an in-process sandbox
//! and a temporary store, driven by a channel of terminal events; and the factories and key
//! presses of the tests that drive `update` alone.

#![allow(dead_code)]

pub mod screen;

use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use wa_groups::domain::{OpSpec, OperationKind, OperationState, Participant};
use wa_groups::engine::{EngineConfig, Event};
use wa_groups::sandbox::Sandbox;
use wa_groups::store::{GroupSummary, Operation};
use wa_groups::testing::sandbox_session;
use wa_groups::tui::shared::Work;
use wa_groups::tui::{App, Effect, Ended, Keymap, State, update};

/// The app and what drives it.
pub struct Harness {
    pub app: App,
    pub terminal: Terminal<TestBackend>,
    pub keys: UnboundedSender<TermEvent>,
    pub input: UnboundedReceiver<TermEvent>,
    pub events: UnboundedReceiver<Event>,
    pub dir: tempfile::TempDir,
    /// The store's file (for another process on the same store).
    pub db: std::path::PathBuf,
}

impl Harness {
    /// Opens the app on the sandbox with a fresh store and asks for a sync.
    pub async fn start(sb: &Sandbox, width: u16, height: u16) -> Harness {
        Harness::start_with_clock(sb, width, height, wa_groups::store::now_ms).await
    }

    /// [`Harness::start`] with the app's clock (what its log lines are stamped with).
    pub async fn start_with_clock(
        sb: &Sandbox,
        width: u16,
        height: u16,
        clock: fn() -> i64,
    ) -> Harness {
        let (dir, store, session) = sandbox_session(sb).await;
        let db = store.store().location().into();
        let config = EngineConfig {
            reconcile_delay: Duration::from_millis(50),
            backoff_base: Duration::from_millis(50),
            ..EngineConfig::default()
        };
        let (engine, events) = session.engine(config).expect("engine");
        let state = State::new(sb.phone_number_id(), "v23.0", None, Keymap::defaults());
        let mut app = App::new(state, store, engine).with_clock(clock);
        app.start();
        app.sync();
        let (keys, input) = unbounded_channel();
        let terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        Harness {
            app,
            terminal,
            keys,
            input,
            events,
            dir,
            db,
        }
    }

    /// Runs the app until `until` holds; fails after 20 s with the screen.
    pub async fn run_until(&mut self, what: &str, until: impl FnMut(&State) -> bool) {
        let run = self
            .app
            .run_until(&mut self.terminal, &mut self.input, &mut self.events, until);
        match tokio::time::timeout(Duration::from_secs(20), run).await {
            Ok(Ok(Ended::Reached)) => {}
            Ok(other) => panic!("waiting for {what}: the app ended: {other:?}"),
            Err(_) => panic!(
                "waiting for {what}: timed out; the screen:\n{}",
                self.terminal.backend()
            ),
        }
    }

    /// Waits for the first sync to end with the groups loaded.
    pub async fn synced(&mut self) {
        self.run_until("the first sync", |s| {
            s.shared.work == Work::Idle
                && s.shared.mirror.loaded
                && !s.shared.mirror.rows.is_empty()
        })
        .await;
    }

    pub fn key(&self, code: KeyCode) {
        self.keys
            .send(TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .expect("app listens");
    }

    pub fn ctrl(&self, c: char) {
        self.keys
            .send(TermEvent::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::CONTROL,
            )))
            .expect("app listens");
    }

    /// Types text key by key (upper case with Shift, as a terminal reports it).
    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            let modifiers = if c.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            self.keys
                .send(TermEvent::Key(KeyEvent::new(KeyCode::Char(c), modifiers)))
                .expect("app listens");
        }
    }

    pub fn paste(&self, text: &str) {
        self.keys
            .send(TermEvent::Paste(text.into()))
            .expect("app listens");
    }

    /// The screen as text.
    pub fn screen(&self) -> String {
        self.terminal.backend().to_string()
    }
}

/// Log lines that start with `prefix` and contain `part`.
pub fn log_count(s: &State, prefix: &str, part: &str) -> usize {
    s.views
        .log
        .lines
        .iter()
        .filter(|l| l.text.starts_with(prefix) && l.text.contains(part))
        .count()
}

/// A participant of the +1 212 200 range: `person(3)` is +12122000003.
pub fn person(n: u32) -> Participant {
    wa_groups::testing::person(n)
}

/// A group of the mirror's list.
pub fn summary(
    id: &str,
    subject: &str,
    members: u32,
    pending: usize,
    failed: usize,
) -> GroupSummary {
    GroupSummary {
        pending,
        failed,
        ..wa_groups::testing::group_summary(id, subject, members)
    }
}

/// A queued operation of `person(n)`, with what the app shows of it (no attempt, no error).
pub fn operation(
    id: i64,
    group: &str,
    n: u32,
    kind: OperationKind,
    state: OperationState,
) -> Operation {
    wa_groups::testing::operation(id, OpSpec::for_participant(kind, group, person(n)), state)
}

/// Presses a key as a terminal reports it (Shift with an upper-case letter), resolved as the
/// app resolves it; returns what `update` asks the loop to do.
pub fn press(s: &mut State, code: KeyCode) -> Vec<Effect> {
    let modifiers = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    let msg = s.key(KeyEvent::new(code, modifiers));
    update(s, msg)
}

/// The queue's counts as the store would answer them.
pub fn counts(
    pending: usize,
    sending: usize,
    failed: usize,
    confirmed: usize,
) -> wa_groups::tui::Msg {
    let mut c = std::collections::BTreeMap::new();
    c.insert(OperationState::Pending, pending);
    c.insert(OperationState::Sending, sending);
    c.insert(OperationState::Failed, failed);
    c.insert(OperationState::Confirmed, confirmed);
    wa_groups::tui::Msg::Loaded(wa_groups::tui::Loaded::Counts(c))
}
