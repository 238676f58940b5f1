//! One submit: recover what an earlier run left open, plan, send with bounded concurrency at
//! the shared pace, and confirm every change. This file holds the run's shared state and its
//! workers; the steps live beside it. Every request goes through the call policy
//! (`engine::call`); what each kind does is `engine::kinds`'.

mod confirm;
mod prepare;
mod record;
mod see;

pub(crate) use see::stored as stored_join_requests;
mod send;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tokio::sync::{Notify, watch};

use super::call::Caller;
use super::events::{Event, Progress, Scope, Summary};
use super::kinds::Confirmation;
use crate::domain::plan::{PendingOp, PlannedRequest};
use crate::domain::{OpId, OpSpec};
use crate::store::{OperationFilter, UnixMs};

/// How often, at most, the operations waiting for their webhooks are looked at.
const SETTLED_LOOK: std::time::Duration = std::time::Duration::from_millis(100);

/// An operation this run is responsible for until it is confirmed, failed or skipped.
#[derive(Clone, Debug)]
struct Tracked {
    id: OpId,
    spec: OpSpec,
    /// No answer came for its request: it may or may not have been applied.
    unknown: bool,
    /// When it was claimed for sending (or, recovered, last changed): a create's group is not
    /// older than this, less the clocks' skew.
    since: UnixMs,
    /// Reads that did not show it yet (a create's group appears a while after).
    looks: u32,
}

impl Tracked {
    fn sent(&self) -> crate::engine::kinds::Sent<'_> {
        crate::engine::kinds::Sent {
            spec: &self.spec,
            since: self.since,
            unknown: self.unknown,
        }
    }
}

enum Job {
    /// A group's requests, one after the other (removals first).
    Write { requests: Vec<PlannedRequest> },
    /// A read that settles operations.
    Confirm {
        confirmation: Confirmation,
        ops: Vec<Tracked>,
    },
}

#[derive(Default)]
struct Queues {
    ready_confirms: VecDeque<Job>,
    writes: VecDeque<Job>,
}

/// Everything the workers of one run share.
pub(super) struct Run {
    caller: Caller,
    pause: watch::Receiver<bool>,
    queues: Mutex<Queues>,
    /// Confirmations scheduled but not yet ready (waiting out the delay).
    scheduled: AtomicUsize,
    notify: Notify,
    progress: Mutex<Progress>,
    summary: Mutex<Summary>,
    /// Tries of each operation in this run (a lost answer counts as one).
    attempts: Mutex<HashMap<OpId, u32>>,
    /// Pending operations of groups an earlier run left open: planned once those groups are
    /// read and settled, against what the read shows.
    deferred: Mutex<HashMap<Confirmation, Vec<PendingOp>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Run {
    pub(super) fn new(caller: Caller, pause: watch::Receiver<bool>) -> Arc<Run> {
        Arc::new(Run {
            caller,
            pause,
            queues: Mutex::new(Queues::default()),
            scheduled: AtomicUsize::new(0),
            notify: Notify::new(),
            progress: Mutex::new(Progress::default()),
            summary: Mutex::new(Summary::default()),
            attempts: Mutex::new(HashMap::new()),
            deferred: Mutex::new(HashMap::new()),
        })
    }

    fn emit(&self, event: Event) {
        if let Event::Warning { message } = &event {
            tracing::warn!("{message}");
        }
        self.caller.emit(event);
    }

    /// The run's counts, with what is on the wire now.
    fn progress_now(&self) -> Progress {
        let mut p = lock(&self.progress).clone();
        let counts = self.caller.counts();
        p.in_flight_requests = counts.in_flight;
        p.requests_sent = counts.sent;
        p.reads_sent = counts.reads;
        p.throttled = counts.throttled;
        p
    }

    fn emit_progress(&self) {
        let p = self.progress_now();
        self.emit(Event::Progress(p));
    }

    /// Runs the submit to its end and returns the summary.
    pub(super) async fn execute(self: Arc<Self>, scope: Scope) -> Summary {
        let started = Instant::now();
        if let Err(e) = self.prepare(&scope).await {
            self.caller.store_failed(&e);
        }
        let workers = self.caller.config().concurrency.max(1);
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..workers {
            let run = Arc::clone(&self);
            set.spawn(async move { run.work().await });
        }
        // A stop wakes every worker waiting for a job.
        let stop = self.caller.stop_token().clone();
        let run = Arc::clone(&self);
        let waker = tokio::spawn(async move {
            stop.cancelled().await;
            run.notify.notify_waiters();
        });
        while let Some(joined) = set.join_next().await {
            if let Err(e) = joined {
                self.emit(Event::Warning {
                    message: format!("a worker stopped: {e}"),
                });
            }
        }
        waker.abort();
        let mut summary = lock(&self.summary).clone();
        let mut progress = self.progress_now();
        tracing::info!(
            confirmed = progress.confirmed,
            failed = progress.failed,
            skipped = progress.skipped,
            requests = progress.requests_sent,
            throttled = progress.throttled,
            "run finished"
        );
        // Not reached, or left to settle at the next submit (held ones are counted apart).
        progress.pending = progress.operations.saturating_sub(
            progress.confirmed + progress.failed + progress.skipped + progress.held,
        );
        progress.in_flight_requests = 0;
        summary.stopped = match self.caller.stopped_by() {
            Some(crate::api::ApiError::Connect { reason, .. }) => Some(format!(
                "the server at {} cannot be reached; {} change(s) stay open and are settled by the next submit (last error: {reason})",
                self.caller.server(),
                progress.pending
            )),
            _ => self.caller.stopped(),
        };
        summary.progress = progress;
        summary.stopped_class = self
            .caller
            .stopped_by()
            .map(|e| e.class().as_str().to_owned());
        summary.cancelled = self.caller.cancel_token().is_cancelled() && summary.stopped.is_none();
        summary.elapsed_ms = Event::delay_ms(started.elapsed());
        summary
    }

    /// A worker: takes jobs (confirmations first) until nothing is left or the run stops.
    async fn work(self: Arc<Self>) {
        loop {
            if self.caller.stop_token().is_cancelled() {
                return;
            }
            let mut pause = self.pause.clone();
            if *pause.borrow() {
                tokio::select! {
                    _ = pause.wait_for(|p| !*p) => {}
                    _ = self.caller.cancel_token().cancelled() => {}
                }
            }
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let cancelled = self.caller.cancel_token().is_cancelled();
            let job = {
                let mut q = lock(&self.queues);
                q.ready_confirms.pop_front().or_else(|| {
                    if cancelled {
                        None
                    } else {
                        q.writes.pop_front()
                    }
                })
            };
            match job {
                Some(Job::Write { requests }) => self.write_group(requests).await,
                Some(Job::Confirm { confirmation, ops }) => self.confirm(confirmation, ops).await,
                None => {
                    let writes_left = !lock(&self.queues).writes.is_empty() && !cancelled;
                    if self.scheduled.load(Ordering::SeqCst) == 0 && !writes_left {
                        self.notify.notify_waiters();
                        return;
                    }
                    tokio::select! {
                        _ = &mut notified => {}
                        _ = self.caller.stop_token().cancelled() => return,
                    }
                }
            }
        }
    }

    /// The confirmation read happens after the configured delay (the server acknowledges
    /// changes before it completes them), at once when the run is cancelled or stopped;
    /// meanwhile the worker goes on with other groups. With webhooks received, accepted
    /// changes wait up to `webhook_wait` for the webhook that settles them, and the read is
    /// the fallback for what none settled (the wait ends early once all are settled).
    fn schedule_confirm(self: &Arc<Self>, confirmation: Confirmation, ops: Vec<Tracked>) {
        let config = self.caller.config();
        let webhook_wait = config
            .webhook_wait
            .filter(|_| ops.iter().all(|op| !op.unknown));
        let delay = webhook_wait.map_or(config.reconcile_delay, |w| w.max(config.reconcile_delay));
        self.schedule_confirm_in(confirmation, ops, delay);
    }

    /// [`Run::schedule_confirm`] after `delay`, or sooner once a webhook settled them all
    /// (when webhooks are received for the account).
    fn schedule_confirm_in(
        self: &Arc<Self>,
        confirmation: Confirmation,
        ops: Vec<Tracked>,
        delay: std::time::Duration,
    ) {
        let watch = self.caller.config().webhook_wait.is_some();
        if delay.is_zero() || self.caller.is_cancelled() {
            lock(&self.queues)
                .ready_confirms
                .push_back(Job::Confirm { confirmation, ops });
            self.notify.notify_waiters();
            return;
        }
        self.scheduled.fetch_add(1, Ordering::SeqCst);
        let run = Arc::clone(self);
        tokio::spawn(async move {
            let deadline = tokio::time::Instant::now() + delay;
            let ids: Vec<OpId> = ops.iter().map(|op| op.id).collect();
            tokio::select! {
                () = run.settled_or_due(watch, &ids, deadline) => {}
                _ = run.caller.cancel_token().cancelled() => {}
            }
            lock(&run.queues)
                .ready_confirms
                .push_back(Job::Confirm { confirmation, ops });
            run.scheduled.fetch_sub(1, Ordering::SeqCst);
            run.notify.notify_waiters();
        });
    }

    /// Waits until `deadline`, or, when `watch` is set, until every one of `ids` is settled
    /// (looked at after each change of the store, at most every [`SETTLED_LOOK`]).
    async fn settled_or_due(&self, watch: bool, ids: &[OpId], deadline: tokio::time::Instant) {
        if !watch {
            tokio::time::sleep_until(deadline).await;
            return;
        }
        let store = self.caller.store();
        let mut changes = store.store().changes();
        let settled = || async {
            let filter = OperationFilter {
                ids: Some(ids.to_vec()),
                ..OperationFilter::default()
            };
            store
                .operations(filter)
                .await
                .is_ok_and(|found| found.iter().all(|op| op.state.is_final()))
        };
        // The webhook may have come before the answer, and settled them already.
        if settled().await {
            return;
        }
        loop {
            tokio::select! {
                () = tokio::time::sleep_until(deadline) => return,
                changed = changes.changed() => {
                    if changed.is_err() {
                        tokio::time::sleep_until(deadline).await;
                        return;
                    }
                    tokio::time::sleep(SETTLED_LOOK).await;
                    changes.mark_unchanged();
                }
                // Another process's commit is noticed by polling; a look now and then
                // misses none.
                () = tokio::time::sleep(SETTLED_LOOK * 5) => {}
            }
            if settled().await {
                return;
            }
        }
    }

    /// Counts one more try of these operations; the most tries any of them has had.
    fn bump_attempt(&self, ids: &[OpId]) -> u32 {
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

    fn attempts_of(&self, id: OpId) -> u32 {
        lock(&self.attempts).get(&id).copied().unwrap_or(0)
    }
}
