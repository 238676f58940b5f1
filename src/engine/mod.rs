//! The engine: the only code that sends. One task per account takes commands on a channel,
//! runs them as jobs (a submit, a sync, fetches) and reports events on another channel; the
//! terminal app and the headless commands are both its clients. Every request of every job
//! goes through one call policy ([`call`]); what each kind of operation does lives in
//! [`kinds`].

mod already;
mod backoff;
pub(crate) mod call;
pub mod events;
mod fetch;
pub mod inbox;
mod jobs;
pub mod kinds;
mod listing;
mod mirror;
pub mod pacer;
pub mod preview;
mod reads;
pub mod retry;
mod submit;
pub mod sync;

use std::time::Duration;

use tokio::sync::mpsc;

pub use events::{
    Command, Event, Fetch, FetchError, Fetched, LinkRead, Progress, RequestInfo, Scope, Summary,
};
pub(crate) use mirror::keep_group;
pub use mirror::mirror_of;

use crate::api::Client;
use crate::store::AccountStore;

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
    /// Whether accepted changes are confirmed by reading (changes whose answer was lost always
    /// are). Without, they stay `accepted` and the next submit confirms them.
    pub confirm: bool,
    /// When webhooks are received for the account (`wa-groups webhook serve`): how long an
    /// accepted change waits for the webhook that settles it before its group is read (the
    /// read stays the fallback). `None`: confirmed by reading after `reconcile_delay`, though
    /// a change a webhook settled first is not read for.
    pub webhook_wait: Option<Duration>,
    /// Reads of the group list that look for a create's group before it is given up (a lost
    /// answer: failed, never sent again) or left `accepted` for the next submit; the reads are
    /// `reconcile_delay` apart, doubling, at most 8 s.
    pub create_looks: u32,
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
            confirm: true,
            webhook_wait: None,
            create_looks: 6,
        }
    }
}

/// A handle on the engine task: send it commands; its events arrive on the receiver that
/// [`Engine::spawn`] returned. Dropping every handle ends the task once its jobs are over.
#[derive(Clone)]
pub struct Engine {
    commands: mpsc::UnboundedSender<Command>,
}

impl Engine {
    /// Starts the engine task for one account.
    pub fn spawn(
        client: Client,
        store: AccountStore,
        config: EngineConfig,
    ) -> (Engine, mpsc::UnboundedReceiver<Event>) {
        let (commands, inbox) = mpsc::unbounded_channel();
        let (events, outbox) = mpsc::unbounded_channel();
        tokio::spawn(jobs::run(client, store, config, inbox, events));
        (Engine { commands }, outbox)
    }

    /// Sends a command; returns false when the engine is gone.
    pub fn send(&self, command: Command) -> bool {
        self.commands.send(command).is_ok()
    }
}
