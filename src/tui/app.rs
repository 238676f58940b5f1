//! The app: state plus the session (store and engine); hands the effects `update` asks for to
//! a task that carries them out in order, off the frame path, and runs the loop (input, engine
//! events and effect results in, a frame out after each change).

use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyEventKind};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::engine::preview::preview;
use crate::engine::{Command, Engine, Event};
use crate::store::{AccountStore, EventFilter, OperationFilter, now_ms};

use super::draw::draw;
use super::model::GroupDetail;
use super::msg::{Effect, Loaded, Msg, RetryOf};
use super::state::State;
use super::update::update;
use crate::domain::{OperationState, Query};

/// Engine events handled before a frame is drawn, at most (so a flood still redraws).
const EVENT_BATCH: usize = 512;
/// Terminal events handled before a frame is drawn, at most.
const INPUT_BATCH: usize = 256;
/// The spinner's tick while work is in flight.
const TICK: Duration = Duration::from_millis(250);
/// Webhook events read into the log at a time (the rest at the next reload).
const EVENTS_AT_ONCE: usize = 200;
/// The views reload after a change of the store at most this often (a submit commits often).
const RELOAD_EVERY: Duration = Duration::from_secs(1);

/// The terminal app, without a terminal: tests drive it with [`App::handle`] and
/// [`App::settle`], or with [`App::run_with`].
pub struct App {
    state: State,
    engine: Engine,
    /// Effects to carry out, in order, by the effect task.
    effects: UnboundedSender<Effect>,
    /// What they read or did.
    back: UnboundedReceiver<Option<Msg>>,
    /// Effects sent and not answered yet.
    outstanding: usize,
    /// Moves when the store changes, whoever changed it.
    changes: watch::Receiver<u64>,
    /// When the views reload for a change of the store seen since the last reload.
    reload_at: Option<Instant>,
    last_reload: Instant,
    /// The time source for log lines (ms since the epoch); tests may fix it.
    clock: fn() -> i64,
    /// Where copied text goes: the terminal's clipboard (OSC 52); tests may catch it.
    clipboard: Box<dyn FnMut(&str) + Send>,
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
    /// The app on one account's store and engine. Must be called inside the async runtime:
    /// it starts the task that carries out effects.
    pub fn new(state: State, store: AccountStore, engine: Engine) -> App {
        let (effects, inbox) = unbounded_channel();
        let (answers, back) = unbounded_channel();
        let mut changes = store.store().changes();
        changes.mark_unchanged();
        tokio::spawn(carry_out(store, engine.clone(), inbox, answers));
        App {
            state,
            engine,
            effects,
            back,
            outstanding: 0,
            changes,
            reload_at: None,
            last_reload: Instant::now(),
            clock: now_ms,
            clipboard: Box::new(osc52),
        }
    }

    /// Sends copied text to `sink` instead of the terminal's clipboard.
    pub fn with_clipboard(mut self, sink: impl FnMut(&str) + Send + 'static) -> App {
        self.set_clipboard(sink);
        self
    }

    /// [`App::with_clipboard`] on an app already made.
    pub fn set_clipboard(&mut self, sink: impl FnMut(&str) + Send + 'static) {
        self.clipboard = Box::new(sink);
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
        self.run_effects(vec![
            Effect::LoadGroups,
            Effect::LoadCounts,
            Effect::LoadEvents { after: None },
            Effect::LoadHistory,
        ]);
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
        self.tell_time();
        let effects = update(&mut self.state, msg);
        self.run_effects(effects);
        self.state.quit
    }

    fn run_effects(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            if matches!(effect, Effect::Quit) {
                continue;
            }
            // Written from the loop, between frames, so it never lands inside one.
            if let Effect::Copy(text) = &effect {
                (self.clipboard)(text);
                continue;
            }
            if self.effects.send(effect).is_ok() {
                self.outstanding += 1;
            }
        }
    }

    /// Takes what one effect read or did.
    fn answered(&mut self, msg: Option<Msg>) {
        self.outstanding = self.outstanding.saturating_sub(1);
        if let Some(msg) = msg {
            self.tell_time();
            let effects = update(&mut self.state, msg);
            self.run_effects(effects);
        }
    }

    /// The wall clock, for what the next message leads to: the operator's own log lines are
    /// stamped with the time they happen, not the last engine event's.
    fn tell_time(&mut self) {
        let now = (self.clock)();
        self.state.shared.now = self.state.shared.now.max(now);
    }

    /// Waits until every effect asked for so far (and those they led to) is carried out and
    /// its result taken.
    pub async fn settle(&mut self) {
        while self.outstanding > 0 {
            match self.back.recv().await {
                Some(msg) => self.answered(msg),
                None => return,
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
            let busy = self.state.moving();
            tokio::select! {
                // A key is taken only once the effects of the keys before it are carried out,
                // so keys typed ahead (`s` then `y`) act as they would one at a time.
                received = input.recv(), if input_open && self.outstanding == 0 => match received {
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
                            if taken < INPUT_BATCH && !self.state.quit && self.outstanding == 0 {
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
                Some(msg) = self.back.recv(), if self.outstanding > 0 => {
                    self.answered(msg);
                    dirty = true;
                }
                Ok(()) = self.changes.changed(), if self.reload_at.is_none() => {
                    // Reloaded at once, or a second after the last reload at the soonest.
                    self.reload_at = Some(Instant::now().max(self.last_reload + RELOAD_EVERY));
                }
                _ = tokio::time::sleep_until(self.reload_at.unwrap_or_else(Instant::now)), if self.reload_at.is_some() => {
                    self.reload_at = None;
                    self.last_reload = Instant::now();
                    self.changes.mark_unchanged();
                    self.handle(Msg::StoreChanged);
                    dirty = true;
                }
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

/// The effect task: carries out effects one at a time, in the order asked, and sends back what
/// each read or did (`None` for an effect with nothing to report). Reloads asked again before
/// the first was carried out are done once.
async fn carry_out(
    store: AccountStore,
    engine: Engine,
    mut inbox: UnboundedReceiver<Effect>,
    answers: UnboundedSender<Option<Msg>>,
) {
    let mut waiting: Vec<Effect> = Vec::new();
    loop {
        if waiting.is_empty() {
            match inbox.recv().await {
                Some(effect) => waiting.push(effect),
                None => return,
            }
        }
        while let Ok(more) = inbox.try_recv() {
            waiting.push(more);
        }
        let effect = waiting.remove(0);
        let repeats = waiting.iter().filter(|e| same_load(e, &effect)).count();
        waiting.retain(|e| !same_load(e, &effect));
        let msg = execute(&store, &engine, effect).await;
        // Every effect sent is answered once, repeats included.
        let _ = answers.send(msg);
        for _ in 0..repeats {
            let _ = answers.send(None);
        }
    }
}

/// Carries out one effect; what it read or did comes back as a message.
async fn execute(store: &AccountStore, engine: &Engine, effect: Effect) -> Option<Msg> {
    let loaded: Result<Loaded, crate::store::StoreError> = match effect {
        Effect::Engine(command) => {
            tracing::info!(?command, "to the engine");
            return (!engine.send(command)).then_some(Msg::EngineGone);
        }
        Effect::Quit | Effect::Copy(_) => return None,
        Effect::Send { ops } => {
            return Some(Msg::Loaded(Loaded::Sending(
                match store.enqueue(ops).await {
                    Ok(report) => {
                        let sent = engine.send(Command::Submit(crate::engine::Scope::Operations(
                            report.ids.clone(),
                        )));
                        if sent {
                            Ok(report)
                        } else {
                            Err("the engine stopped".into())
                        }
                    }
                    Err(e) => Err(e.to_string()),
                },
            )));
        }
        Effect::LoadJoinRequests(id) => load_join_requests(store, id).await,
        Effect::LoadGroups => store.groups().await.map(Loaded::Groups),
        Effect::LoadCounts => store.count_by_state().await.map(Loaded::Counts),
        Effect::LoadGroup(id) => load_group(store, id).await,
        Effect::FindPerson { query, person } => person_groups(store, query, person).await,
        Effect::Plan { purpose, scope } => preview(store, &scope).await.map(|plan| Loaded::Plan {
            purpose,
            scope,
            plan,
        }),
        Effect::Enqueue { ops, invalid } => store.enqueue(ops).await.map(|report| {
            tracing::info!(stored = report.stored, "queued");
            Loaded::Enqueued { report, invalid }
        }),
        Effect::Retry(of) => retry(store, of).await,
        Effect::LoadHistory => super::history::load(store).await.map(Loaded::History),
        Effect::LoadEvents { after: None } => {
            store.latest_event_seq().await.map(|latest| Loaded::Events {
                records: Vec::new(),
                latest,
            })
        }
        Effect::LoadEvents { after: Some(after) } => store
            .events(EventFilter {
                after_seq: Some(after),
                limit: Some(EVENTS_AT_ONCE),
                ..EventFilter::default()
            })
            .await
            .map(|records| Loaded::Events {
                latest: records.last().and_then(|r| r.seq).or(Some(after)),
                records,
            }),
        Effect::Undo(ids) => {
            // Each change as it was before the undo, so that the log names it.
            let specs: std::collections::HashMap<_, _> = store
                .operations(OperationFilter {
                    ids: Some(ids.clone()),
                    ..OperationFilter::default()
                })
                .await
                .map(|ops| ops.into_iter().map(|op| (op.id, op.spec)).collect())
                .unwrap_or_default();
            let results = store
                .undo(ids)
                .await
                .into_iter()
                .map(|(id, r)| (id, specs.get(&id).cloned(), r.map_err(|e| e.to_string())))
                .collect();
            Ok(Loaded::Undone(results))
        }
    };
    Some(Msg::Loaded(loaded.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "store call failed");
        Loaded::StoreError(e.to_string())
    })))
}

/// The groups a searched person is in, and those with an add of theirs pending.
async fn person_groups(
    store: &AccountStore,
    query: String,
    person: Query,
) -> Result<Loaded, crate::store::StoreError> {
    let adding = store.pending_adds_of(&person).await?.into_iter().collect();
    let groups = store.groups_with_member(&person).await?;
    Ok(Loaded::PersonGroups {
        query,
        person,
        // A gone group (deleted, or gone from the server's list) has no members to act on.
        groups: groups
            .into_iter()
            .filter(|(g, _)| g.gone_at.is_none())
            .map(|(g, m)| (g.id, m))
            .collect(),
        adding,
    })
}

async fn retry(store: &AccountStore, of: RetryOf) -> Result<Loaded, crate::store::StoreError> {
    let filters: Vec<OperationFilter> = match of {
        RetryOf::Groups(groups) => groups
            .into_iter()
            .map(|g| OperationFilter {
                group: Some(g),
                ..OperationFilter::in_state(OperationState::Failed)
            })
            .collect(),
        RetryOf::Operations(ids) => vec![OperationFilter {
            ids: Some(ids),
            ..OperationFilter::in_state(OperationState::Failed)
        }],
    };
    let mut failed = Vec::new();
    for filter in filters {
        failed.extend(store.operations(filter).await?);
    }
    if failed.is_empty() {
        return Ok(Loaded::Retried(Default::default()));
    }
    let retried = crate::engine::retry::retry(store, failed).await?;
    Ok(Loaded::Retried(retried))
}

async fn load_group(store: &AccountStore, id: String) -> Result<Loaded, crate::store::StoreError> {
    let Some(group) = store.group(&id).await? else {
        return Ok(Loaded::Group(id, None));
    };
    let ops = store
        .operations(OperationFilter {
            group: Some(id.clone()),
            ..OperationFilter::default()
        })
        .await?;
    Ok(Loaded::Group(id, Some(GroupDetail::new(group, ops))))
}

async fn load_join_requests(
    store: &AccountStore,
    id: String,
) -> Result<Loaded, crate::store::StoreError> {
    let Some(group) = store.group(&id).await? else {
        return Ok(Loaded::JoinRequests(id, None));
    };
    let requests = store.join_requests(Some(&id)).await?;
    let pending = store
        .operations(OperationFilter {
            group: Some(id.clone()),
            state: Some(OperationState::Pending),
            ids: None,
        })
        .await?;
    let detail = super::views::requests::RequestsDetail::new(group, requests).with_pending(pending);
    Ok(Loaded::JoinRequests(id, Some(detail)))
}

/// Puts text on the terminal's clipboard: OSC 52 (`ESC ] 52 ; c ; base64 BEL`), which most
/// terminals and tmux (with `set-clipboard on`) pass to the system clipboard.
fn osc52(text: &str) {
    use base64::Engine as _;
    use std::io::Write;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = std::io::stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
}

/// Two reloads that do the same.
fn same_load(a: &Effect, b: &Effect) -> bool {
    match (a, b) {
        (Effect::LoadGroups, Effect::LoadGroups) | (Effect::LoadCounts, Effect::LoadCounts) => true,
        (Effect::LoadGroup(x), Effect::LoadGroup(y))
        | (Effect::LoadJoinRequests(x), Effect::LoadJoinRequests(y)) => x == y,
        (Effect::LoadEvents { after: x }, Effect::LoadEvents { after: y }) => x == y,
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
