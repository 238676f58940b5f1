//! The webhook receiver (`wa-groups webhook serve`): Meta's group webhooks taken on
//! `/webhook` over plain HTTP on loopback, behind the operator's TLS proxy or tunnel (Meta
//! requires a valid certificate, `groups-api-2026.md` §2.1).
//!
//! A delivery is answered 200 only once every item of it is committed to the store (the
//! durable inbox), each under the account of its business number; the same item delivered
//! again is recognised and counted, not stored twice. Processing follows on a task of its own
//! ([`crate::engine::inbox`]): it settles operations and moves the mirror. Events stored but
//! not processed (a receiver stopped in between) are processed when the next one starts, and
//! by the next submit.

mod http;
pub mod secrets;
pub mod signature;

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::api::webhook::Delivery;
use crate::engine::inbox;
use crate::store::{
    AccountStore, EventFilter, EventRecord, NewEvent, NumberBatch, Store, StoreError,
};

pub use secrets::{Secret, WebhookSecrets};

/// The largest body taken: Meta's webhook payloads are at most 3 MB (Cloud API "Webhooks").
pub const MAX_BODY: usize = 3 << 20;

/// Counts of the receiver's work.
#[derive(Debug, Default)]
pub struct ReceiverStats {
    deliveries: AtomicU64,
    refused: AtomicU64,
    new_events: AtomicU64,
    repeated_events: AtomicU64,
}

impl ReceiverStats {
    fn refused(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
    }

    /// (deliveries stored, deliveries refused, events new, events delivered again).
    pub fn counts(&self) -> (u64, u64, u64, u64) {
        let n = |c: &AtomicU64| c.load(Ordering::Relaxed);
        (
            n(&self.deliveries),
            n(&self.refused),
            n(&self.new_events),
            n(&self.repeated_events),
        )
    }
}

/// How the receiver runs.
pub struct ReceiverConfig {
    pub store: Store,
    /// The Graph API base URL of the accounts deliveries are stored under (with each
    /// delivery's `phone_number_id`), as the other commands name the account.
    pub base_url: String,
    pub secrets: WebhookSecrets,
    /// Processed events are sent here, account by account (for lines on the screen).
    pub processed: Option<mpsc::UnboundedSender<(String, Vec<EventRecord>)>>,
    /// Waits this long after a delivery is committed before it is answered and processed
    /// (for tests that stop a receiver between the two; zero otherwise).
    pub hold_after_commit: Duration,
}

/// A delivery's events as the store takes them: one batch per business number.
pub fn batches(delivery: Delivery) -> Vec<NumberBatch> {
    delivery
        .changes
        .into_iter()
        .map(|change| NumberBatch {
            phone_number_id: change.phone_number_id,
            events: change
                .events
                .into_iter()
                .map(|e| NewEvent {
                    key: e.key,
                    event: e.event,
                })
                .collect(),
        })
        .collect()
}

/// What the handlers share: the store, the secrets, and the numbers with events to process.
pub(crate) struct Intake {
    store: Store,
    base_url: String,
    secrets: WebhookSecrets,
    stats: Arc<ReceiverStats>,
    hold: Duration,
    dirty: Mutex<BTreeSet<String>>,
    wake: Notify,
}

impl Intake {
    /// Commits a delivery's events (one commit), then has them processed.
    async fn take(&self, delivery: Delivery) -> Result<(), StoreError> {
        let ignored = delivery.ignored;
        let batches = batches(delivery);
        let numbers: Vec<String> = batches.iter().map(|b| b.phone_number_id.clone()).collect();
        let received = self.store.receive_events(&self.base_url, batches).await?;
        self.stats.deliveries.fetch_add(1, Ordering::Relaxed);
        for (_, r) in &received {
            self.stats
                .new_events
                .fetch_add(r.new as u64, Ordering::Relaxed);
            self.stats
                .repeated_events
                .fetch_add(r.repeated as u64, Ordering::Relaxed);
        }
        tracing::info!(
            new = received.iter().map(|(_, r)| r.new).sum::<usize>(),
            repeated = received.iter().map(|(_, r)| r.repeated).sum::<usize>(),
            ignored,
            "webhook delivery stored"
        );
        if !self.hold.is_zero() {
            tokio::time::sleep(self.hold).await;
        }
        self.dirty
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(numbers);
        self.wake.notify_one();
        Ok(())
    }
}

/// A running receiver. Dropping it stops it too.
pub struct Receiver {
    addr: SocketAddr,
    stats: Arc<ReceiverStats>,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl Receiver {
    /// Starts serving on `listener`: first the events an earlier receiver stored and did not
    /// process, then every delivery as it comes.
    pub async fn start(listener: TcpListener, config: ReceiverConfig) -> std::io::Result<Receiver> {
        let addr = listener.local_addr()?;
        let stats = Arc::new(ReceiverStats::default());
        let intake = Arc::new(Intake {
            store: config.store,
            base_url: config.base_url,
            secrets: config.secrets,
            stats: Arc::clone(&stats),
            hold: config.hold_after_commit,
            dirty: Mutex::new(BTreeSet::new()),
            wake: Notify::new(),
        });
        let shutdown = CancellationToken::new();
        let left_over = intake
            .store
            .numbers_with_unprocessed_events(&intake.base_url)
            .await
            .map_err(std::io::Error::other)?;
        if !left_over.is_empty() {
            intake
                .dirty
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend(left_over);
            intake.wake.notify_one();
        }
        let processor = tokio::spawn(process_loop(
            Arc::clone(&intake),
            config.processed,
            shutdown.clone(),
        ));
        let app = http::router(intake);
        let stop = shutdown.clone();
        let server = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "webhook receiver stopped");
            }
        });
        Ok(Receiver {
            addr,
            stats,
            shutdown,
            tasks: vec![server, processor],
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT/webhook`.
    pub fn url(&self) -> String {
        format!("http://{}/webhook", self.addr)
    }

    pub fn stats(&self) -> &ReceiverStats {
        &self.stats
    }

    /// Stops taking deliveries, lets those in progress finish, then returns.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        for task in self.tasks.drain(..) {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Processes the events of the numbers that received some, as they come.
async fn process_loop(
    intake: Arc<Intake>,
    processed: Option<mpsc::UnboundedSender<(String, Vec<EventRecord>)>>,
    shutdown: CancellationToken,
) {
    let mut accounts: HashMap<String, (AccountStore, Option<i64>)> = HashMap::new();
    loop {
        tokio::select! {
            () = intake.wake.notified() => {}
            () = shutdown.cancelled() => return,
        }
        let numbers =
            std::mem::take(&mut *intake.dirty.lock().unwrap_or_else(PoisonError::into_inner));
        for number in numbers {
            if let Err(e) =
                process_number(&intake, &mut accounts, &number, processed.as_ref()).await
            {
                tracing::error!(error = %e, "webhook events not processed; the next start or submit will");
            }
        }
    }
}

async fn process_number(
    intake: &Intake,
    accounts: &mut HashMap<String, (AccountStore, Option<i64>)>,
    number: &str,
    processed: Option<&mpsc::UnboundedSender<(String, Vec<EventRecord>)>>,
) -> Result<(), StoreError> {
    if !accounts.contains_key(number) {
        let store = intake.store.account(&intake.base_url, number).await?;
        let seq = store.latest_event_seq().await?;
        accounts.insert(number.to_owned(), (store, seq));
    }
    let Some((store, seen)) = accounts.get_mut(number) else {
        return Ok(());
    };
    inbox::process_pending(store).await?;
    let Some(out) = processed else {
        return Ok(());
    };
    let records = store
        .events(EventFilter {
            after_seq: Some(seen.unwrap_or(0)),
            ..EventFilter::default()
        })
        .await?;
    if let Some(last) = records.last() {
        *seen = last.seq;
    }
    if !records.is_empty() {
        let _ = out.send((number.to_owned(), records));
    }
    Ok(())
}
