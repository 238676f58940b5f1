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
            max_attempts: 8,
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
        let store_path = store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .path()
            .to_path_buf();
        tokio::spawn(async move {
            // The task in progress: a run (which can be cancelled gently) or a sync.
            let mut current: Option<(Option<Arc<run::Run>>, tokio::task::JoinHandle<Event>)> = None;
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
                            // Every handle is gone: let the task in progress end, then stop.
                            if let Some((_, handle)) = current.take()
                                && let Ok(last) = handle.await
                            {
                                let _ = events.send(last);
                            }
                            return;
                        };
                        match command {
                            Command::Submit(_) | Command::Sync if current.is_some() => {
                                let _ = events.send(Event::Warning {
                                    message: "the engine is busy with a submit or a sync; wait for it to end".into(),
                                });
                            }
                            Command::Submit(scope) => {
                                let lock = match lock::SendLock::try_acquire(&store_path, acct) {
                                    Ok(lock) => lock,
                                    Err(e) => {
                                        let _ = events.send(Event::RunFinished(Summary {
                                            stopped: Some(e.to_string()),
                                            another_sender: matches!(e, lock::LockError::Busy(_)),
                                            ..Summary::default()
                                        }));
                                        continue;
                                    }
                                };
                                let run = run::Run::new(
                                    client.clone(),
                                    Arc::clone(&store),
                                    acct,
                                    Arc::clone(&pacer),
                                    config.clone(),
                                    events.clone(),
                                    pause_rx.clone(),
                                );
                                let task = Arc::clone(&run);
                                let handle = tokio::spawn(async move {
                                    let summary = task.execute(scope).await;
                                    drop(lock);
                                    Event::RunFinished(summary)
                                });
                                current = Some((Some(run), handle));
                            }
                            Command::Sync => {
                                let client = client.clone();
                                let store = Arc::clone(&store);
                                let pacer = Arc::clone(&pacer);
                                let events = events.clone();
                                let concurrency = config.concurrency.max(8);
                                let _ = events.send(Event::SyncStarted);
                                let handle = tokio::spawn(async move {
                                    let progress = |done, total| {
                                        let _ = events.send(Event::SyncProgress { done, total });
                                    };
                                    match sync::sync_groups(&client, &store, acct, concurrency, &pacer, progress).await {
                                        Ok(r) => Event::SyncFinished {
                                            listed: r.listed,
                                            read: r.read,
                                            gone: r.gone,
                                            unread: r.unread.len(),
                                            error: None,
                                        },
                                        Err(e) => Event::SyncFinished {
                                            listed: 0,
                                            read: 0,
                                            gone: 0,
                                            unread: 0,
                                            error: Some(e.to_string()),
                                        },
                                    }
                                });
                                current = Some((None, handle));
                            }
                            Command::Cancel => match &current {
                                Some((Some(run), _)) => {
                                    run.cancel.cancel();
                                    let _ = pause_tx.send(false);
                                }
                                Some((None, handle)) => handle.abort(),
                                None => {}
                            },
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
                            Ok(last) => { let _ = events.send(last); }
                            Err(e) if e.is_cancelled() => {
                                let _ = events.send(Event::SyncFinished { listed: 0, read: 0, gone: 0, unread: 0, error: Some("cancelled".into()) });
                            }
                            Err(e) => {
                                let _ = events.send(Event::Warning { message: format!("the engine task stopped: {e}") });
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
