//! The engine task: commands in, jobs out. A submit and a sync run at most one at a time each
//! (a second one is refused with a warning), side by side with fetches; a fetch replaces an
//! earlier one of the same read. Every job has its own call policy state (its stop, its
//! counts) over the account's one pacer.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::call::{Caller, Wire};
use super::events::{Command, Event, Fetch, Scope, Summary};
use super::pacer::Pacer;
use super::submit::Run;
use super::{EngineConfig, fetch, sync};
use crate::api::Client;
use crate::store::AccountStore;

/// Which job a task is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum JobKey {
    Submit,
    Sync,
    Fetch(Fetch),
}

struct Jobs {
    client: Client,
    store: AccountStore,
    config: EngineConfig,
    pacer: Arc<Pacer>,
    /// What every job has on the wire.
    wire: Arc<Wire>,
    events: mpsc::UnboundedSender<Event>,
    pause: (watch::Sender<bool>, watch::Receiver<bool>),
    running: HashMap<JobKey, (Caller, tokio::task::AbortHandle)>,
    tasks: JoinSet<(JobKey, Event)>,
}

pub(super) async fn run(
    client: Client,
    store: AccountStore,
    config: EngineConfig,
    mut inbox: mpsc::UnboundedReceiver<Command>,
    events: mpsc::UnboundedSender<Event>,
) {
    let mut jobs = Jobs {
        pacer: Arc::new(Pacer::new(config.rate)),
        wire: Arc::new(Wire::default()),
        client,
        store,
        config,
        events,
        pause: watch::channel(false),
        running: HashMap::new(),
        tasks: JoinSet::new(),
    };
    let mut open = true;
    loop {
        if !open && jobs.tasks.is_empty() {
            return;
        }
        tokio::select! {
            command = inbox.recv(), if open => match command {
                Some(command) => jobs.take(command),
                // Every handle is gone: let the jobs in progress end, then stop.
                None => open = false,
            },
            Some(joined) = jobs.tasks.join_next() => {
                let (key, last) = match joined {
                    Ok(done) => done,
                    Err(e) if e.is_cancelled() => continue,
                    Err(e) => {
                        let _ = jobs.events.send(Event::Warning { message: format!("an engine job stopped: {e}") });
                        continue;
                    }
                };
                jobs.running.remove(&key);
                let _ = jobs.events.send(last);
            }
        }
    }
}

impl Jobs {
    fn caller(&self) -> Caller {
        Caller::new(
            self.client.clone(),
            self.store.clone(),
            Arc::clone(&self.pacer),
            Arc::clone(&self.wire),
            self.config.clone(),
            self.events.clone(),
        )
    }

    fn take(&mut self, command: Command) {
        match command {
            Command::Submit(scope) => self.submit(scope),
            Command::Sync => self.sync(),
            Command::Fetch(what) => self.fetch(what),
            Command::Cancel => {
                for (caller, _) in self.running.values() {
                    caller.cancel_token().cancel();
                }
                let _ = self.pause.0.send(false);
            }
            Command::Pause => {
                let _ = self.pause.0.send(true);
                let _ = self.events.send(Event::Paused);
            }
            Command::Resume => {
                let _ = self.pause.0.send(false);
                let _ = self.events.send(Event::Resumed);
            }
        }
    }

    fn busy(&self, key: &JobKey) -> bool {
        if self.running.contains_key(key) {
            let _ = self.events.send(Event::Warning {
                message: "the engine is busy with a submit or a sync; wait for it to end".into(),
            });
            return true;
        }
        false
    }

    fn submit(&mut self, scope: Scope) {
        if self.busy(&JobKey::Submit) {
            return;
        }
        let lock = match self.store.lock_sender() {
            Ok(lock) => lock,
            Err(e) => {
                let _ = self.events.send(Event::RunFinished(Summary {
                    stopped: Some(e.to_string()),
                    another_sender: matches!(e, crate::store::LockError::Busy(_)),
                    ..Summary::default()
                }));
                return;
            }
        };
        let caller = self.caller();
        let run = Run::new(caller.clone(), self.pause.1.clone());
        let handle = self.tasks.spawn(async move {
            let summary = run.execute(scope).await;
            drop(lock);
            (JobKey::Submit, Event::RunFinished(summary))
        });
        self.running.insert(JobKey::Submit, (caller, handle));
    }

    fn sync(&mut self) {
        if self.busy(&JobKey::Sync) {
            return;
        }
        let caller = self.caller();
        let job = caller.clone();
        let events = self.events.clone();
        let concurrency = self.config.concurrency.max(8);
        let _ = events.send(Event::SyncStarted);
        let handle = self.tasks.spawn(async move {
            let progress = |done, total| {
                let _ = events.send(Event::SyncProgress { done, total });
            };
            let finished = match sync::sync_groups(&job, concurrency, progress).await {
                Ok(r) => Event::SyncFinished {
                    listed: r.listed,
                    read: r.read,
                    gone: r.gone,
                    unread: r.unread.len(),
                    unread_groups: r.unread,
                    error: None,
                },
                Err(e) => Event::SyncFinished {
                    listed: 0,
                    read: 0,
                    gone: 0,
                    unread: 0,
                    unread_groups: Vec::new(),
                    error: Some(e.to_string()),
                },
            };
            (JobKey::Sync, finished)
        });
        self.running.insert(JobKey::Sync, (caller, handle));
    }

    fn fetch(&mut self, what: Fetch) {
        let key = JobKey::Fetch(what.clone());
        // The latest ask wins: an earlier fetch of the same read is dropped.
        if let Some((caller, handle)) = self.running.remove(&key) {
            caller.cancel_token().cancel();
            handle.abort();
        }
        let caller = self.caller();
        let job = caller.clone();
        let handle = self.tasks.spawn(async move {
            let result = fetch::fetch(&job, &what).await;
            (
                JobKey::Fetch(what.clone()),
                Event::Fetched {
                    fetch: what,
                    result,
                },
            )
        });
        self.running.insert(key, (caller, handle));
    }
}
