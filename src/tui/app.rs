//! The app: state plus the store and the engine; carries out the effects `update` asks for and
//! runs the loop (input and engine events in, a frame out after each change).

use std::collections::VecDeque;
use std::sync::PoisonError;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyEventKind};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::engine::preview::preview;
use crate::engine::{Command, Engine, Event, SharedStore};
use crate::store::{AccountId, OperationFilter, Store, now_ms};

use super::draw::draw;
use super::model::GroupDetail;
use super::msg::{Effect, Loaded, Msg};
use super::state::State;
use super::update::update;

/// Engine events handled before a frame is drawn, at most (so a flood still redraws).
const EVENT_BATCH: usize = 512;
/// Terminal events handled before a frame is drawn, at most.
const INPUT_BATCH: usize = 256;
/// The spinner's tick while work is in flight.
const TICK: Duration = Duration::from_millis(250);

/// The terminal app, without a terminal: tests drive it with [`App::handle`] or [`App::run_with`].
pub struct App {
    state: State,
    store: SharedStore,
    acct: AccountId,
    engine: Engine,
    /// The time source for log lines (ms since the epoch); tests may fix it.
    clock: fn() -> i64,
}

/// How [`App::run_until`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    Quit,
    /// The condition asked for became true.
    Reached,
    /// The input closed (the key stream ended) and the engine is gone.
    Closed,
}

impl App {
    pub fn new(state: State, store: SharedStore, acct: AccountId, engine: Engine) -> App {
        App {
            state,
            store,
            acct,
            engine,
            clock: now_ms,
        }
    }

    /// Fixes the clock used to stamp engine events (for deterministic screens).
    pub fn with_clock(mut self, clock: fn() -> i64) -> App {
        self.clock = clock;
        self
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Loads the mirror and the queue counts.
    pub fn start(&mut self) {
        self.state.shared.now = (self.clock)();
        self.run_effects(vec![Effect::LoadGroups, Effect::LoadCounts]);
    }

    /// Asks the engine for a sync, as the sync key does.
    pub fn sync(&mut self) {
        let effects = super::update::global::act(&mut self.state, super::action::Action::Sync);
        self.run_effects(effects);
    }

    /// Whether the mirror holds no group.
    pub fn mirror_is_empty(&self) -> bool {
        self.state.shared.mirror.rows.is_empty()
    }

    /// Takes one key press (resolved in the context it is pressed in) and everything it leads
    /// to. Returns true when the app should quit.
    pub fn press(&mut self, key: crossterm::event::KeyEvent) -> bool {
        self.handle(self.state.key(key))
    }

    /// Takes one message and everything it leads to. Returns true when the app should quit.
    pub fn handle(&mut self, msg: Msg) -> bool {
        let effects = update(&mut self.state, msg);
        self.run_effects(effects);
        self.state.quit
    }

    fn run_effects(&mut self, effects: Vec<Effect>) {
        let mut queue: VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            if let Some(msg) = self.execute(effect) {
                queue.extend(update(&mut self.state, msg));
            }
        }
    }

    /// Handles engine events received together, reloading from the store once for all of them.
    fn handle_engine_batch(&mut self, events: Vec<Event>) {
        let at = (self.clock)();
        let mut loads: Vec<Effect> = Vec::new();
        for event in events {
            for effect in update(&mut self.state, Msg::Engine { at, event }) {
                let seen = loads.iter().any(|e| same_load(e, &effect));
                if !seen {
                    loads.push(effect);
                }
            }
        }
        self.run_effects(loads);
    }

    /// Carries out one effect; what it read or did comes back as a message.
    fn execute(&mut self, effect: Effect) -> Option<Msg> {
        let acct = self.acct;
        let loaded = match effect {
            Effect::Engine(command) => {
                tracing::info!(?command, "to the engine");
                return (!self.engine.send(command)).then_some(Msg::EngineGone);
            }
            Effect::Quit => return None,
            Effect::LoadGroups => self.read(|s| s.groups(acct).map(Loaded::Groups)),
            Effect::LoadCounts => self.read(|s| s.count_by_state(acct).map(Loaded::Counts)),
            Effect::LoadGroup(id) => self.read(|s| {
                let Some(group) = s.group(acct, &id)? else {
                    return Ok(Loaded::Group(id, None));
                };
                let ops = s.operations(
                    acct,
                    &OperationFilter {
                        group: Some(id.clone()),
                        ..OperationFilter::default()
                    },
                )?;
                Ok(Loaded::Group(id, Some(GroupDetail::new(group, ops))))
            }),
            Effect::FindPerson { query, person } => self.read(|s| {
                let groups = s.groups_with_member(acct, person.wa_id())?;
                Ok(Loaded::PersonGroups {
                    query,
                    person,
                    groups: groups.into_iter().map(|g| g.id).collect(),
                })
            }),
            Effect::Plan { purpose, scope } => self.read(|s| {
                let plan = preview(s, acct, &scope)?;
                Ok(Loaded::Plan {
                    purpose,
                    scope,
                    plan,
                })
            }),
            Effect::Enqueue { ops, invalid } => self.read(|s| {
                let report = s.enqueue(acct, &ops)?;
                tracing::info!(stored = report.stored, "queued");
                Ok(Loaded::Enqueued { report, invalid })
            }),
            Effect::Undo(ids) => self.read(|s| {
                let results = ids
                    .into_iter()
                    .map(|id| (id, s.undo(acct, id).map_err(|e| e.to_string())))
                    .collect();
                Ok(Loaded::Undone(results))
            }),
        };
        Some(Msg::Loaded(loaded))
    }

    /// One short store call, its error turned into a message.
    fn read(
        &self,
        f: impl FnOnce(&mut Store) -> Result<Loaded, crate::store::StoreError>,
    ) -> Loaded {
        let mut store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut store).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "store call failed");
            Loaded::StoreError(e.to_string())
        })
    }

    /// Draws the current state.
    pub fn draw<B: Backend>(&self, terminal: &mut Terminal<B>) -> Result<(), B::Error> {
        terminal.draw(|frame| draw(frame, &self.state))?;
        Ok(())
    }

    /// The loop: terminal events and engine events in, a frame after each change, until quit.
    pub async fn run_with<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        input: &mut UnboundedReceiver<TermEvent>,
        events: &mut UnboundedReceiver<Event>,
    ) -> Result<Ended, B::Error> {
        self.run_until(terminal, input, events, |_| false).await
    }

    /// The loop, also ending when `until(&state)` holds (checked after each change).
    pub async fn run_until<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        input: &mut UnboundedReceiver<TermEvent>,
        events: &mut UnboundedReceiver<Event>,
        mut until: impl FnMut(&State) -> bool,
    ) -> Result<Ended, B::Error> {
        if let Ok(size) = terminal.size() {
            self.handle(Msg::Resize {
                width: size.width,
                height: size.height,
            });
        }
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let (mut input_open, mut engine_open) = (true, true);
        let mut dirty = true;
        loop {
            if dirty {
                self.draw(terminal)?;
                dirty = false;
            }
            if self.state.quit {
                return Ok(Ended::Quit);
            }
            if until(&self.state) {
                return Ok(Ended::Reached);
            }
            if !input_open && !engine_open {
                return Ok(Ended::Closed);
            }
            let busy = self.state.shared.work.is_busy();
            tokio::select! {
                received = input.recv(), if input_open => match received {
                    Some(event) => {
                        // Keys typed or pasted faster than frames are drawn: take them all,
                        // then draw once.
                        let mut next = Some(event);
                        let mut taken = 0;
                        while let Some(event) = next.take() {
                            if let Some(msg) = to_msg(&self.state, event) {
                                self.handle(msg);
                                dirty = true;
                            }
                            taken += 1;
                            if taken < INPUT_BATCH && !self.state.quit {
                                next = input.try_recv().ok();
                            }
                        }
                    }
                    None => input_open = false,
                },
                received = events.recv(), if engine_open => match received {
                    Some(first) => {
                        let mut batch = vec![first];
                        while batch.len() < EVENT_BATCH {
                            match events.try_recv() {
                                Ok(more) => batch.push(more),
                                Err(_) => break,
                            }
                        }
                        self.handle_engine_batch(batch);
                        dirty = true;
                    }
                    None => {
                        engine_open = false;
                        self.handle(Msg::EngineGone);
                        dirty = true;
                    }
                },
                _ = tick.tick(), if busy => {
                    self.handle(Msg::Tick { at: (self.clock)() });
                    dirty = true;
                }
            }
        }
    }

    /// Asks the engine to stop sending (used when leaving).
    pub fn cancel(&self) {
        if self.state.shared.work.is_busy() {
            self.engine.send(Command::Cancel);
        }
    }

    /// Operations still open (sending or accepted) when the app ends, for the closing line.
    pub fn open_operations(&self) -> usize {
        self.state.views.status.open_operations()
    }
}

/// Two reloads that do the same.
fn same_load(a: &Effect, b: &Effect) -> bool {
    match (a, b) {
        (Effect::LoadGroups, Effect::LoadGroups) | (Effect::LoadCounts, Effect::LoadCounts) => true,
        (Effect::LoadGroup(x), Effect::LoadGroup(y)) => x == y,
        _ => false,
    }
}

/// The message a terminal event stands for (a key resolved in the context of `state`).
pub fn to_msg(state: &State, event: TermEvent) -> Option<Msg> {
    match event {
        TermEvent::Key(key) if key.kind != KeyEventKind::Release => Some(state.key(key)),
        TermEvent::Paste(text) => Some(Msg::Paste(text)),
        TermEvent::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}
