//! The engine: the only code that sends. One task takes commands on a channel and reports
//! events on another; the terminal app and the headless commands are both its clients.

mod backoff;
pub mod events;
pub mod lock;
pub mod pacer;
pub mod preview;
mod run;
pub mod settle;
pub mod sync;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};

pub use events::{Command, Event, Progress, RequestInfo, Scope, Summary};
pub use run::mirror_of;

use crate::api::Client;
use crate::store::{AccountId, Store};

/// The store, shared by the engine's workers (each call is short).
pub type SharedStore = Arc<Mutex<Store>>;

/// How the engine sends.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// The most requests per second; `None` leaves it to the server's throttling.
    pub rate: Option<f64>,
    /// Tries of a request that meets transient errors (or of an operation whose answers are
    /// lost) before giving up.
    pub max_attempts: u32,
    /// Throttled answers one request may meet before it is left pending for a later run.
    pub max_throttles: u32,
    /// How long after an accepted change its group is read to confirm it.
    pub reconcile_delay: Duration,
    /// The first back-off delay; it doubles with each throttle, capped at 60 s.
    pub backoff_base: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            concurrency: 4,
            rate: None,
            max_attempts: 5,
            max_throttles: 20,
            reconcile_delay: Duration::from_millis(500),
            backoff_base: Duration::from_millis(500),
        }
    }
}

/// A handle on the engine task: send it commands; its events arrive on the receiver that
/// [`Engine::spawn`] returned. Dropping every handle ends the task once its run is over.
#[derive(Clone)]
pub struct Engine {
    commands: mpsc::UnboundedSender<Command>,
}

impl Engine {
    /// Starts the engine task for one account.
    pub fn spawn(
        client: Client,
        store: SharedStore,
        acct: AccountId,
        config: EngineConfig,
    ) -> (Engine, mpsc::UnboundedReceiver<Event>) {
        let (commands, mut inbox) = mpsc::unbounded_channel();
        let (events, outbox) = mpsc::unbounded_channel();
        let pacer = Arc::new(pacer::Pacer::new(config.rate));
        let (pause_tx, pause_rx) = watch::channel(false);
        tokio::spawn(async move {
            let mut current: Option<(Arc<run::Run>, tokio::task::JoinHandle<Summary>)> = None;
            loop {
                let finished = async {
                    match current.as_mut() {
                        Some((_, handle)) => Some(handle.await),
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    command = inbox.recv() => {
                        let Some(command) = command else {
                            // Every handle is gone: let a run in progress end, then stop.
                            if let Some((_, handle)) = current.take()
                                && let Ok(summary) = handle.await {
                                    let _ = events.send(Event::RunFinished(summary));
                                }
                            return;
                        };
                        match command {
                            Command::Submit(scope) => {
                                if current.is_some() {
                                    let _ = events.send(Event::Warning {
                                        message: "a submit is already running; this one was not started".into(),
                                    });
                                    continue;
                                }
                                let run = run::Run::new(
                                    client.clone(),
                                    Arc::clone(&store),
                                    acct,
                                    Arc::clone(&pacer),
                                    config.clone(),
                                    events.clone(),
                                    pause_rx.clone(),
                                );
                                let handle = tokio::spawn(Arc::clone(&run).execute(scope));
                                current = Some((run, handle));
                            }
                            Command::Cancel => {
                                if let Some((run, _)) = &current {
                                    run.cancel.cancel();
                                    let _ = pause_tx.send(false);
                                }
                            }
                            Command::Pause => {
                                let _ = pause_tx.send(true);
                                let _ = events.send(Event::Paused);
                            }
                            Command::Resume => {
                                let _ = pause_tx.send(false);
                                let _ = events.send(Event::Resumed);
                            }
                        }
                    }
                    Some(result) = finished => {
                        current = None;
                        match result {
                            Ok(summary) => { let _ = events.send(Event::RunFinished(summary)); }
                            Err(e) => {
                                let _ = events.send(Event::Warning { message: format!("the run stopped: {e}") });
                                let _ = events.send(Event::RunFinished(Summary { stopped: Some(e.to_string()), ..Summary::default() }));
                            }
                        }
                    }
                }
            }
        });
        (Engine { commands }, outbox)
    }

    /// Sends a command; returns false when the engine is gone.
    pub fn send(&self, command: Command) -> bool {
        self.commands.send(command).is_ok()
    }
}
