//! One submit run: recover what an earlier run left open, plan, send with bounded concurrency
//! at the shared pace, retry what may be retried, and confirm every change by reading its group.
//! This file holds the run's shared state and its workers; the steps live beside it.

mod prepare;
mod reconcile;
mod record;
mod send;

pub use record::mirror_of;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::events::{Event, Progress, RequestInfo, Scope, Summary};
use super::pacer::Pacer;
use super::settle::{self, Verdict};
use super::{EngineConfig, SharedStore, backoff};
use crate::api::{ApiError, Client, ErrorClass, GroupInfo, Route};
use crate::domain::plan::{PendingOp, PlannedRequest, plan};
use crate::domain::{OperationKind, OperationState, Participant};
use crate::store::{
    AccountId, Exchange, MirrorGroup, OpId, Operation, OperationFilter, Outcome, StateChange,
    StoreError, now_ms,
};

/// An operation this run is responsible for until it is confirmed, failed or skipped.
#[derive(Clone, Debug)]
struct Tracked {
    id: i64,
    participant: Participant,
    kind: OperationKind,
    /// No answer came for its request: it may or may not have been applied.
    unknown: bool,
}

enum Job {
    Write {
        group_id: String,
        requests: Vec<PlannedRequest>,
    },
    Reconcile {
        group_id: String,
        ops: Vec<Tracked>,
    },
}

#[derive(Default)]
struct Queues {
    ready_reconciles: VecDeque<Job>,
    writes: VecDeque<Job>,
}

/// Everything the workers of one run share.
pub(super) struct Run {
    client: Client,
    store: SharedStore,
    acct: AccountId,
    pacer: Arc<Pacer>,
    config: EngineConfig,
    events: mpsc::UnboundedSender<Event>,
    pub(super) cancel: CancellationToken,
    pause: watch::Receiver<bool>,
    queues: Mutex<Queues>,
    /// Reconciles scheduled but not yet ready (waiting out the delay).
    scheduled: AtomicUsize,
    notify: Notify,
    seq: AtomicU64,
    run_id: String,
    progress: Mutex<Progress>,
    summary: Mutex<Summary>,
    attempts: Mutex<HashMap<i64, u32>>,
    /// Pending operations of groups an earlier run left open: planned once those groups are
    /// read and settled, against what the read shows.
    deferred: Mutex<HashMap<String, Vec<PendingOp>>>,
    /// Set when the whole run must stop (a refused token, a broken store, a server gone).
    stop: CancellationToken,
    /// Connections refused in a row, to any request (a write or a read); any answer resets it.
    refusals: AtomicU32,
    /// Why the server was given up for unreachable, when it was.
    unreachable: Mutex<Option<String>>,
}

/// Connections refused in a row, whatever the requests, before a run gives the server up for
/// gone: it stops as for a refused token, and what is open is settled by the next submit.
const UNREACHABLE_TRIES: u32 = 4;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Run {
    pub(super) fn new(
        client: Client,
        store: SharedStore,
        acct: AccountId,
        pacer: Arc<Pacer>,
        config: EngineConfig,
        events: mpsc::UnboundedSender<Event>,
        pause: watch::Receiver<bool>,
    ) -> Arc<Run> {
        Arc::new(Run {
            client,
            store,
            acct,
            pacer,
            config,
            events,
            cancel: CancellationToken::new(),
            pause,
            queues: Mutex::new(Queues::default()),
            scheduled: AtomicUsize::new(0),
            notify: Notify::new(),
            seq: AtomicU64::new(0),
            run_id: format!("{:x}", now_ms()),
            progress: Mutex::new(Progress::default()),
            summary: Mutex::new(Summary::default()),
            attempts: Mutex::new(HashMap::new()),
            deferred: Mutex::new(HashMap::new()),
            stop: CancellationToken::new(),
            refusals: AtomicU32::new(0),
            unreachable: Mutex::new(None),
        })
    }

    /// Stops the whole run: nothing more is sent or waited for; `why`, when given, is what the
    /// summary says.
    fn halt(&self, why: Option<String>) {
        if let Some(message) = why {
            lock(&self.summary).stopped.get_or_insert(message.clone());
            self.emit(Event::Warning { message });
        }
        self.stop.cancel();
        self.cancel.cancel();
        self.notify.notify_waiters();
    }

    /// Notes how a request ended for the count of refusals in a row: an answer of any kind
    /// (a success or an HTTP error) resets it; a refused connection adds one; a request with
    /// no answer, or never sent, leaves it. Returns true when the run has now given the server
    /// up (and stopped).
    fn note_reach<T>(&self, result: &Result<T, ApiError>) -> bool {
        let reason = match result {
            Err(ApiError::Connect { reason, .. }) => reason,
            Err(
                ApiError::NoAnswer { .. }
                | ApiError::Timeout(_)
                | ApiError::Invalid(_)
                | ApiError::Config(_)
                | ApiError::Limit(_),
            ) => return false,
            Ok(_)
            | Err(ApiError::Graph(_) | ApiError::NotJson { .. } | ApiError::TooLarge { .. }) => {
                self.refusals.store(0, Ordering::SeqCst);
                return false;
            }
        };
        if self.refusals.fetch_add(1, Ordering::SeqCst) + 1 < UNREACHABLE_TRIES {
            return false;
        }
        lock(&self.unreachable).get_or_insert_with(|| reason.clone());
        self.halt(None);
        true
    }

    fn emit(&self, event: Event) {
        if let Event::Warning { message } = &event {
            tracing::warn!("{message}");
        }
        let _ = self.events.send(event);
    }

    fn emit_progress(&self) {
        let p = lock(&self.progress).clone();
        self.emit(Event::Progress(p));
    }

    fn with_store<T>(
        &self,
        f: impl FnOnce(&mut crate::store::Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut store = lock(&self.store);
        f(&mut store)
    }

    /// A store error ends the run: without the store nothing can be promised.
    fn store_failed(&self, e: StoreError) {
        let message = format!("the store failed: {e}");
        tracing::error!("{message}");
        self.halt(Some(message));
    }

    /// Runs the submit to its end and returns the summary.
    pub(super) async fn execute(self: Arc<Self>, scope: Scope) -> Summary {
        let started = Instant::now();
        if let Err(e) = self.prepare(&scope).await {
            self.store_failed(e);
        }
        let workers = self.config.concurrency.max(1);
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..workers {
            let run = Arc::clone(&self);
            set.spawn(async move { run.work().await });
        }
        while let Some(joined) = set.join_next().await {
            if let Err(e) = joined {
                self.emit(Event::Warning {
                    message: format!("a worker stopped: {e}"),
                });
            }
        }
        let summary_now = lock(&self.progress).clone();
        tracing::info!(
            confirmed = summary_now.confirmed,
            failed = summary_now.failed,
            skipped = summary_now.skipped,
            requests = summary_now.requests_sent,
            throttled = summary_now.throttled,
            "run finished"
        );
        let mut summary = lock(&self.summary).clone();
        let mut progress = lock(&self.progress).clone();
        // Held back, not reached, or left to settle at the next submit.
        progress.pending = progress
            .operations
            .saturating_sub(progress.confirmed + progress.failed + progress.skipped);
        progress.in_flight_requests = 0;
        if let Some(reason) = lock(&self.unreachable).take() {
            let message = format!(
                "the server at {} cannot be reached; {} change(s) stay open and are settled by the next submit (last error: {reason})",
                self.client
                    .settings()
                    .base_url
                    .origin()
                    .ascii_serialization(),
                progress.pending
            );
            tracing::warn!("{message}");
            summary.stopped.get_or_insert(message);
        }
        summary.progress = progress;
        summary.cancelled = self.cancel.is_cancelled() && summary.stopped.is_none();
        summary.elapsed_ms = Event::delay_ms(started.elapsed());
        summary
    }

    /// A worker: takes jobs (confirmations first) until nothing is left or the run stops.
    async fn work(self: Arc<Self>) {
        loop {
            if self.stop.is_cancelled() {
                return;
            }
            let mut pause = self.pause.clone();
            if *pause.borrow() {
                tokio::select! {
                    _ = pause.wait_for(|p| !*p) => {}
                    _ = self.cancel.cancelled() => {}
                }
            }
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let job = {
                let mut q = lock(&self.queues);
                q.ready_reconciles.pop_front().or_else(|| {
                    if self.cancel.is_cancelled() {
                        None
                    } else {
                        q.writes.pop_front()
                    }
                })
            };
            match job {
                Some(Job::Write { group_id, requests }) => {
                    self.write_group(group_id, requests).await
                }
                Some(Job::Reconcile { group_id, ops }) => self.reconcile(group_id, ops).await,
                None => {
                    let writes_left =
                        !lock(&self.queues).writes.is_empty() && !self.cancel.is_cancelled();
                    if self.scheduled.load(Ordering::SeqCst) == 0 && !writes_left {
                        self.notify.notify_waiters();
                        return;
                    }
                    tokio::select! {
                        _ = &mut notified => {}
                        _ = self.stop.cancelled() => return,
                    }
                }
            }
        }
    }

    /// The group is read after the configured delay (the server acknowledges changes before
    /// it completes them); meanwhile the worker goes on with other groups.
    fn schedule_reconcile(self: &Arc<Self>, group_id: String, ops: Vec<Tracked>) {
        let delay = self.config.reconcile_delay;
        if delay.is_zero() {
            lock(&self.queues)
                .ready_reconciles
                .push_back(Job::Reconcile { group_id, ops });
            self.notify.notify_waiters();
            return;
        }
        self.scheduled.fetch_add(1, Ordering::SeqCst);
        let run = Arc::clone(self);
        tokio::spawn(async move {
            // A stopped or cancelled run does not wait: the read settles what is in flight now.
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = run.stop.cancelled() => {}
                _ = run.cancel.cancelled() => {}
            }
            lock(&run.queues)
                .ready_reconciles
                .push_back(Job::Reconcile { group_id, ops });
            run.scheduled.fetch_sub(1, Ordering::SeqCst);
            run.notify.notify_waiters();
        });
    }

    fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn bump_attempt(&self, ids: &[i64]) -> u32 {
        let mut attempts = lock(&self.attempts);
        ids.iter()
            .map(|id| {
                let n = attempts.entry(*id).or_insert(0);
                *n += 1;
                *n
            })
            .max()
            .unwrap_or(1)
    }
}
