//! One submit run: recover what an earlier run left open, plan, send with bounded concurrency
//! at the shared pace, retry what may be retried, and confirm every change by reading its group.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::events::{Event, Progress, RequestInfo, Scope, Summary};
use super::pacer::Pacer;
use super::settle::{self, Verdict};
use super::{EngineConfig, SharedStore, backoff};
use crate::api::{ApiError, Client, ErrorClass, GroupInfo};
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
    /// Set when the whole run must stop (a refused token, a broken store).
    stop: CancellationToken,
}

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
        })
    }

    fn emit(&self, event: Event) {
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
        lock(&self.summary).stopped.get_or_insert(message.clone());
        self.emit(Event::Warning { message });
        self.stop.cancel();
        self.cancel.cancel();
        self.notify.notify_waiters();
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
        let pending_left = self
            .with_store(|s| {
                Ok(s.operations(
                    self.acct,
                    &OperationFilter {
                        state: Some(OperationState::Pending),
                        ..OperationFilter::default()
                    },
                )?
                .len())
            })
            .unwrap_or(0);
        let mut summary = lock(&self.summary).clone();
        let mut progress = lock(&self.progress).clone();
        progress.pending = pending_left.min(progress.operations);
        progress.in_flight_requests = 0;
        summary.progress = progress;
        summary.cancelled = self.cancel.is_cancelled() && summary.stopped.is_none();
        summary.elapsed_ms = Event::delay_ms(started.elapsed());
        summary
    }

    /// Recovery of what an earlier run left open, then the plan.
    async fn prepare(&self, scope: &Scope) -> Result<(), StoreError> {
        let in_scope = |op: &Operation| match scope {
            Scope::All => true,
            Scope::Groups(groups) => groups.iter().any(|g| g == &op.group_id),
            Scope::Operations(ids) => ids.contains(&op.id.0),
        };
        // 1. Operations an earlier run left `sending` or `accepted`: settle them by reading
        //    their groups, never by sending again blindly.
        let mut open: HashMap<String, Vec<Tracked>> = HashMap::new();
        let mut open_count = 0;
        for state in [OperationState::Sending, OperationState::Accepted] {
            let ops = self.with_store(|s| s.operations_in_state(self.acct, state))?;
            for op in ops {
                open_count += 1;
                open.entry(op.group_id.clone()).or_default().push(Tracked {
                    id: op.id.0,
                    participant: op.participant,
                    kind: op.kind,
                    unknown: state == OperationState::Sending,
                });
            }
        }
        if open_count > 0 {
            self.emit(Event::Recovering {
                operations: open_count,
                groups: open.len(),
            });
        }

        // 2. The pending operations in scope, and the mirror's word on their groups.
        let pending: Vec<Operation> = self
            .with_store(|s| {
                s.operations(
                    self.acct,
                    &OperationFilter {
                        state: Some(OperationState::Pending),
                        ..OperationFilter::default()
                    },
                )
            })?
            .into_iter()
            .filter(in_scope)
            .collect();
        let (pending, deferred): (Vec<Operation>, Vec<Operation>) = pending
            .into_iter()
            .partition(|op| !open.contains_key(&op.group_id));
        let deferred_count = deferred.len();
        {
            let mut later = lock(&self.deferred);
            for op in deferred {
                later
                    .entry(op.group_id.clone())
                    .or_default()
                    .push(PendingOp {
                        id: op.id.0,
                        group_id: op.group_id,
                        participant: op.participant,
                        kind: op.kind,
                    });
            }
        }
        let groups: HashSet<&str> = pending.iter().map(|op| op.group_id.as_str()).collect();
        let mut mirror: HashMap<String, HashSet<String>> = HashMap::new();
        let mut unread = Vec::new();
        for g in groups {
            match self.with_store(|s| s.group(self.acct, g))? {
                Some(m) if m.gone_at.is_none() => {
                    mirror.insert(
                        g.to_owned(),
                        m.members.iter().map(|p| p.wa_id().to_owned()).collect(),
                    );
                }
                _ => unread.push(g.to_owned()),
            }
        }
        // Groups the mirror does not know are read first, so the plan can check them.
        for (group, info) in self.read_groups(unread).await {
            if let Some(info) = info {
                mirror.insert(group, info.participants.iter().cloned().collect());
            }
        }

        let pending_ops: Vec<PendingOp> = pending
            .iter()
            .map(|op| PendingOp {
                id: op.id.0,
                group_id: op.group_id.clone(),
                participant: op.participant.clone(),
                kind: op.kind,
            })
            .collect();
        let the_plan = plan(&pending_ops, |g| mirror.get(g).cloned());
        let by_id: HashMap<i64, &Operation> = pending.iter().map(|op| (op.id.0, op)).collect();

        {
            let mut p = lock(&self.progress);
            p.operations = pending_ops.len() + open_count + deferred_count;
        }
        self.emit(Event::RunStarted {
            operations: pending_ops.len() + open_count + deferred_count,
            requests: the_plan.requests.len(),
        });

        // Skipped: nothing to send. Settled per group.
        let mut skips: HashMap<&str, (Vec<Tracked>, Vec<Verdict>)> = HashMap::new();
        for (id, why) in &the_plan.skipped {
            if let Some(op) = by_id.get(id) {
                let entry = skips.entry(op.group_id.as_str()).or_default();
                entry.0.push(Tracked {
                    id: *id,
                    participant: op.participant.clone(),
                    kind: op.kind,
                    unknown: false,
                });
                entry.1.push(Verdict::Skipped(why.clone()));
            }
        }
        for (group_id, (ops, verdicts)) in skips {
            self.record_verdicts(group_id, &ops, &verdicts, None)?;
        }
        for (id, reason) in &the_plan.held {
            if let Some(op) = by_id.get(id) {
                *lock(&self.summary)
                    .held_by_reason
                    .entry(reason.clone())
                    .or_default() += 1;
                self.emit(Event::Held {
                    op: *id,
                    group_id: op.group_id.clone(),
                    participant: op.participant.e164().to_owned(),
                    reason: reason.clone(),
                });
            }
        }

        // Recovery first, then the writes group by group.
        let mut queues = lock(&self.queues);
        for (group_id, ops) in open {
            queues
                .ready_reconciles
                .push_back(Job::Reconcile { group_id, ops });
        }
        let mut by_group: Vec<(String, Vec<PlannedRequest>)> = Vec::new();
        for request in the_plan.requests {
            self.emit(Event::BatchPlanned {
                group_id: request.group_id.clone(),
                kind: request.kind,
                participants: request
                    .ops
                    .iter()
                    .map(|(_, p)| p.e164().to_owned())
                    .collect(),
            });
            match by_group.last_mut() {
                Some((g, list)) if *g == request.group_id => list.push(request),
                _ => by_group.push((request.group_id.clone(), vec![request])),
            }
        }
        for (group_id, requests) in by_group {
            queues.writes.push_back(Job::Write { group_id, requests });
        }
        drop(queues);
        self.emit_progress();
        Ok(())
    }

    /// Reads groups (bounded concurrency) into the mirror; `None` for a group that could not
    /// be read (the reason is reported).
    async fn read_groups(&self, groups: Vec<String>) -> Vec<(String, Option<GroupInfo>)> {
        let mut out = Vec::new();
        let mut pending: VecDeque<String> = groups.into();
        let mut set = tokio::task::JoinSet::new();
        loop {
            while set.len() < self.config.concurrency.max(1) {
                let Some(group) = pending.pop_front() else {
                    break;
                };
                let client = self.client.clone();
                let pacer = Arc::clone(&self.pacer);
                set.spawn(async move {
                    pacer.acquire().await;
                    let t0 = Instant::now();
                    let res = client.group_info(&group).await;
                    (group, res, t0.elapsed())
                });
            }
            let Some(joined) = set.join_next().await else {
                break;
            };
            let Ok((group, res, took)) = joined else {
                continue;
            };
            self.audit_read(&group, &res, took);
            match res {
                Ok(info) => {
                    self.pacer.on_success();
                    if let Err(e) =
                        self.with_store(|s| s.upsert_group(self.acct, &mirror_of(&info)))
                    {
                        self.store_failed(e);
                    }
                    out.push((group, Some(info)));
                }
                Err(e) => {
                    self.emit(Event::Warning {
                        message: format!("could not read group {group} before planning: {e}"),
                    });
                    out.push((group, None));
                }
            }
        }
        out
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

    /// Sends a group's requests one after the other (removals first), then schedules the read
    /// that confirms them.
    async fn write_group(self: &Arc<Self>, group_id: String, requests: Vec<PlannedRequest>) {
        let mut to_confirm = Vec::new();
        for request in requests {
            if self.cancel.is_cancelled() || self.stop.is_cancelled() {
                break;
            }
            to_confirm.extend(self.send(&request).await);
        }
        if !to_confirm.is_empty() {
            self.schedule_reconcile(group_id, to_confirm);
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
            // A stopped run does not wait: the read settles what is in flight now.
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = run.stop.cancelled() => {}
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

    /// Sends one request until it has an answer that settles it. Returns the operations the
    /// group read must confirm (accepted, or with no answer).
    async fn send(self: &Arc<Self>, request: &PlannedRequest) -> Vec<Tracked> {
        let ids: Vec<i64> = request.ops.iter().map(|(id, _)| *id).collect();
        let op_ids: Vec<OpId> = ids.iter().map(|id| OpId(*id)).collect();
        let people: Vec<Participant> = request.ops.iter().map(|(_, p)| p.clone()).collect();
        let tracked = |unknown: bool| -> Vec<Tracked> {
            request
                .ops
                .iter()
                .map(|(id, p)| Tracked {
                    id: *id,
                    participant: p.clone(),
                    kind: request.kind,
                    unknown,
                })
                .collect()
        };
        let mut transient_tries = 0u32;
        let mut throttles = 0u32;
        loop {
            tokio::select! {
                _ = self.pacer.acquire() => {}
                _ = self.cancel.cancelled() => return Vec::new(),
            }
            let attempt = self.bump_attempt(&ids);
            let attempt_id = format!("{}-{}", self.run_id, self.next_seq());
            if let Err(e) = self.with_store(|s| s.mark_sending(self.acct, &op_ids, &attempt_id)) {
                match e {
                    StoreError::WrongState { .. } | StoreError::NotFound(_) => {
                        // Dropped or undone meanwhile: not ours to send any more.
                        self.emit(Event::Warning {
                            message: format!(
                                "group {}: the queue changed while sending ({e}); that request is left out",
                                request.group_id
                            ),
                        });
                        return Vec::new();
                    }
                    other => {
                        self.store_failed(other);
                        return Vec::new();
                    }
                }
            }
            let info = RequestInfo {
                seq: self.seq.load(Ordering::SeqCst),
                method: request.kind.http_method(),
                group_id: request.group_id.clone(),
                kind: Some(request.kind),
                participants: people.len(),
                attempt,
            };
            lock(&self.progress).in_flight_requests += 1;
            lock(&self.progress).requests_sent += 1;
            self.emit(Event::RequestSent(info.clone()));
            let t0 = Instant::now();
            let result = self
                .client
                .write_participants(request.kind, &request.group_id, &people)
                .await;
            let took = t0.elapsed();
            lock(&self.progress).in_flight_requests -= 1;
            self.audit_write(request, &people, &result, took);
            let (status, code, message) = match &result {
                Ok(a) => (
                    Some(a.status),
                    None,
                    if a.partial {
                        format!("partial success: {} failed", a.failed.len())
                    } else {
                        "accepted".to_owned()
                    },
                ),
                Err(e) => (e.status(), e.code(), e.to_string()),
            };
            self.emit(Event::Answer {
                request: info.clone(),
                status,
                code,
                message,
                duration_ms: Event::delay_ms(took),
            });
            match result {
                Ok(answer) => {
                    self.pacer.on_success();
                    let verdicts = settle::from_answer(request.kind, &people, &answer);
                    let ops = tracked(false);
                    if let Err(e) = self.record_verdicts(
                        &request.group_id,
                        &ops,
                        &verdicts,
                        answer.request_id.as_deref(),
                    ) {
                        self.store_failed(e);
                        return Vec::new();
                    }
                    return ops
                        .into_iter()
                        .zip(verdicts)
                        .filter(|(_, v)| *v == Verdict::Accepted)
                        .map(|(op, _)| op)
                        .collect();
                }
                Err(e) if e.outcome_unknown() => {
                    // Left `sending`: the group read settles it.
                    return tracked(true);
                }
                Err(e) => {
                    let class = e.class();
                    if !matches!(
                        class,
                        ErrorClass::Throttled
                            | ErrorClass::Transient
                            | ErrorClass::Auth
                            | ErrorClass::Permission
                    ) {
                        // A permanent answer: settled now, per participant where it says.
                        let verdicts = settle::from_error(request.kind, &people, &e);
                        if let Err(se) = self.record_verdicts(
                            &request.group_id,
                            &tracked(false),
                            &verdicts,
                            None,
                        ) {
                            self.store_failed(se);
                        }
                        return Vec::new();
                    }
                    // Nothing was applied: back to pending, for a retry or a later run.
                    if let Err(se) = self.with_store(|s| s.reset_to_pending(self.acct, &op_ids)) {
                        self.store_failed(se);
                        return Vec::new();
                    }
                    let retry = match class {
                        ErrorClass::Throttled => {
                            throttles += 1;
                            lock(&self.progress).throttled += 1;
                            let delay = backoff::delay(
                                self.config.backoff_base,
                                throttles,
                                e.retry_after(),
                            );
                            self.pacer.on_throttle(delay);
                            self.emit(Event::Throttled {
                                pause_ms: Event::delay_ms(delay),
                                rate: self.pacer.current_rate(),
                            });
                            (throttles <= self.config.max_throttles).then_some(delay)
                        }
                        ErrorClass::Transient => {
                            transient_tries += 1;
                            (transient_tries < self.config.max_attempts).then(|| {
                                backoff::delay(
                                    self.config.backoff_base,
                                    transient_tries,
                                    e.retry_after(),
                                )
                            })
                        }
                        _ => {
                            let message = format!("the run stopped: {e}");
                            lock(&self.summary).stopped.get_or_insert(message.clone());
                            self.emit(Event::Warning { message });
                            self.stop.cancel();
                            self.cancel.cancel();
                            self.notify.notify_waiters();
                            return Vec::new();
                        }
                    };
                    match retry {
                        Some(delay) => {
                            self.emit(Event::RetryScheduled {
                                request: info,
                                delay_ms: Event::delay_ms(delay),
                                reason: e.to_string(),
                            });
                            tokio::select! {
                                _ = tokio::time::sleep(delay) => continue,
                                _ = self.cancel.cancelled() => return Vec::new(),
                            }
                        }
                        None if class == ErrorClass::Transient => {
                            // The server kept failing: a known outcome (not applied), with the
                            // last reason, for the operator to queue again later.
                            let verdicts: Vec<Verdict> = people
                                .iter()
                                .map(|_| Verdict::Failed {
                                    code: e.code(),
                                    message: format!(
                                        "gave up after {transient_tries} attempts: {}",
                                        settle::short_message(&e)
                                    ),
                                })
                                .collect();
                            if let Err(se) = self.record_verdicts(
                                &request.group_id,
                                &tracked(false),
                                &verdicts,
                                None,
                            ) {
                                self.store_failed(se);
                            }
                            return Vec::new();
                        }
                        None => {
                            self.emit(Event::Warning {
                                message: format!(
                                    "group {}: still throttled after {throttles} tries ({e}); {} operations stay pending for a later submit",
                                    request.group_id,
                                    ids.len()
                                ),
                            });
                            return Vec::new();
                        }
                    }
                }
            }
        }
    }

    /// Reads the group and settles each operation by what it shows.
    async fn reconcile(self: &Arc<Self>, group_id: String, ops: Vec<Tracked>) {
        let mut tries = 0u32;
        let info = loop {
            tries += 1;
            tokio::select! {
                _ = self.pacer.acquire() => {}
                _ = self.stop.cancelled() => return,
            }
            let t0 = Instant::now();
            let res = self.client.group_info(&group_id).await;
            self.audit_read(&group_id, &res, t0.elapsed());
            match res {
                Ok(info) => {
                    self.pacer.on_success();
                    break info;
                }
                Err(e) if e.code() == Some(131041) => {
                    let verdicts: Vec<Verdict> = ops
                        .iter()
                        .map(|_| Verdict::Failed {
                            code: e.code(),
                            message: settle::short_message(&e),
                        })
                        .collect();
                    if let Err(se) = self.record_verdicts(&group_id, &ops, &verdicts, None) {
                        self.store_failed(se);
                    }
                    return;
                }
                Err(e)
                    if e.class().is_retryable()
                        && tries < self.config.max_attempts + self.config.max_throttles =>
                {
                    let delay = backoff::delay(self.config.backoff_base, tries, e.retry_after());
                    if e.class() == ErrorClass::Throttled {
                        lock(&self.progress).throttled += 1;
                        self.pacer.on_throttle(delay);
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = self.stop.cancelled() => return,
                    }
                }
                Err(e) => {
                    self.emit(Event::Warning {
                        message: format!(
                            "group {group_id}: could not read it to confirm {} changes ({e}); they are settled at the next submit",
                            ops.len()
                        ),
                    });
                    return;
                }
            }
        };
        if let Err(e) = self.with_store(|s| s.upsert_group(self.acct, &mirror_of(&info))) {
            self.store_failed(e);
            return;
        }
        let members: HashSet<&str> = info.participants.iter().map(String::as_str).collect();
        let mut settled_ops = Vec::new();
        let mut verdicts = Vec::new();
        let mut resend = Vec::new();
        for op in ops {
            if settle::applied(op.kind, &op.participant, &members) {
                verdicts.push(Verdict::Confirmed);
                settled_ops.push(op);
            } else if op.unknown {
                resend.push(op);
            } else {
                verdicts.push(Verdict::Failed {
                    code: None,
                    message: "not applied: the server accepted it, but the group does not show the change".into(),
                });
                settled_ops.push(op);
            }
        }
        if let Err(e) = self.record_verdicts(&group_id, &settled_ops, &verdicts, None) {
            self.store_failed(e);
            return;
        }
        // No answer came and the group does not show the change: it was not applied, so it
        // is sent again (a known state, not a blind resend), within the attempt limit.
        let exhausted: Vec<Tracked> = resend
            .iter()
            .filter(|op| {
                lock(&self.attempts).get(&op.id).copied().unwrap_or(0) >= self.config.max_attempts
            })
            .cloned()
            .collect();
        if !exhausted.is_empty() {
            let verdicts: Vec<Verdict> = exhausted
                .iter()
                .map(|_| Verdict::Failed {
                    code: None,
                    message: format!(
                        "no answer and not applied after {} attempts",
                        self.config.max_attempts
                    ),
                })
                .collect();
            if let Err(e) = self.record_verdicts(&group_id, &exhausted, &verdicts, None) {
                self.store_failed(e);
                return;
            }
        }
        let again: Vec<Tracked> = resend
            .into_iter()
            .filter(|op| !exhausted.iter().any(|x| x.id == op.id))
            .collect();
        let again_ids: Vec<OpId> = again.iter().map(|op| OpId(op.id)).collect();
        if let Err(e) = self.with_store(|s| s.reset_to_pending(self.acct, &again_ids)) {
            self.store_failed(e);
            return;
        }
        let mut to_plan: Vec<PendingOp> = again
            .iter()
            .map(|op| PendingOp {
                id: op.id,
                group_id: group_id.clone(),
                participant: op.participant.clone(),
                kind: op.kind,
            })
            .collect();
        to_plan.extend(lock(&self.deferred).remove(&group_id).unwrap_or_default());
        if to_plan.is_empty() || self.cancel.is_cancelled() {
            return;
        }
        let members_owned: HashSet<String> = members.iter().map(|m| (*m).to_owned()).collect();
        let replan = plan(&to_plan, |_| Some(members_owned.clone()));
        if let Err(e) = self.settle_plan_leftovers(&group_id, &to_plan, &replan) {
            self.store_failed(e);
            return;
        }
        if !replan.requests.is_empty() {
            lock(&self.queues).writes.push_front(Job::Write {
                group_id,
                requests: replan.requests,
            });
            self.notify.notify_waiters();
        }
    }

    /// Records a plan's skipped operations and reports its held ones.
    fn settle_plan_leftovers(
        &self,
        group_id: &str,
        ops: &[PendingOp],
        the_plan: &crate::domain::plan::Plan,
    ) -> Result<(), StoreError> {
        let by_id: HashMap<i64, &PendingOp> = ops.iter().map(|op| (op.id, op)).collect();
        let mut skipped = Vec::new();
        let mut verdicts = Vec::new();
        for (id, why) in &the_plan.skipped {
            if let Some(op) = by_id.get(id) {
                skipped.push(Tracked {
                    id: *id,
                    participant: op.participant.clone(),
                    kind: op.kind,
                    unknown: false,
                });
                verdicts.push(Verdict::Skipped(why.clone()));
            }
        }
        self.record_verdicts(group_id, &skipped, &verdicts, None)?;
        for (id, reason) in &the_plan.held {
            if let Some(op) = by_id.get(id) {
                *lock(&self.summary)
                    .held_by_reason
                    .entry(reason.clone())
                    .or_default() += 1;
                self.emit(Event::Held {
                    op: *id,
                    group_id: group_id.to_owned(),
                    participant: op.participant.e164().to_owned(),
                    reason: reason.clone(),
                });
            }
        }
        Ok(())
    }

    /// Stores the verdicts (one transaction), writes the audit outcomes and tells the client.
    fn record_verdicts(
        &self,
        group_id: &str,
        ops: &[Tracked],
        verdicts: &[Verdict],
        request_id: Option<&str>,
    ) -> Result<(), StoreError> {
        if ops.is_empty() {
            return Ok(());
        }
        let at = now_ms();
        let mut changes = Vec::with_capacity(ops.len());
        let mut outcomes = Vec::new();
        for (op, verdict) in ops.iter().zip(verdicts) {
            let (state, code, message) = match verdict {
                Verdict::Accepted => (OperationState::Accepted, None, None),
                Verdict::Confirmed => (OperationState::Confirmed, None, None),
                Verdict::Skipped(m) => (OperationState::Skipped, None, Some(m.clone())),
                Verdict::Failed { code, message } => {
                    (OperationState::Failed, *code, Some(message.clone()))
                }
            };
            changes.push(StateChange {
                id: OpId(op.id),
                state,
                code,
                message: message.clone(),
            });
            if state != OperationState::Accepted {
                outcomes.push(Outcome {
                    at,
                    group_id: group_id.to_owned(),
                    participant: op.participant.e164().to_owned(),
                    action: op.kind,
                    result: state,
                    code,
                    message,
                    request_id: request_id.map(str::to_owned),
                    operation_id: Some(OpId(op.id)),
                });
            }
        }
        self.with_store(|s| s.mark_outcome(self.acct, &changes, request_id))?;
        let mut progress = lock(&self.progress);
        let mut summary = lock(&self.summary);
        for (op, change) in ops.iter().zip(&changes) {
            let reason = || match (change.code, &change.message) {
                (Some(c), Some(m)) => format!("{c} {m}"),
                (None, Some(m)) => m.clone(),
                (Some(c), None) => c.to_string(),
                (None, None) => "unknown".into(),
            };
            match change.state {
                OperationState::Confirmed => progress.confirmed += 1,
                OperationState::Failed => {
                    progress.failed += 1;
                    *summary.failed_by_reason.entry(reason()).or_default() += 1;
                }
                OperationState::Skipped => {
                    progress.skipped += 1;
                    *summary.skipped_by_reason.entry(reason()).or_default() += 1;
                }
                _ => {}
            }
            let _ = op;
        }
        drop(summary);
        drop(progress);
        for (op, change) in ops.iter().zip(&changes) {
            self.emit(Event::Outcome {
                op: op.id,
                group_id: group_id.to_owned(),
                participant: op.participant.e164().to_owned(),
                kind: op.kind,
                state: change.state,
                code: change.code,
                message: change.message.clone(),
            });
        }
        self.with_store(|s| {
            for o in &outcomes {
                s.record_outcome(self.acct, o)?;
            }
            Ok(())
        })?;
        self.emit_progress();
        Ok(())
    }

    fn audit_write(
        &self,
        request: &PlannedRequest,
        people: &[Participant],
        result: &Result<crate::api::WriteAccepted, ApiError>,
        took: Duration,
    ) {
        let (status, graph_code, request_id, error) = match result {
            Ok(a) => (
                Some(a.status),
                a.partial.then_some(131201),
                a.request_id.clone(),
                None,
            ),
            Err(e) => (e.status(), e.code(), None, Some(e.to_string())),
        };
        let exchange = Exchange {
            at: now_ms(),
            method: request.kind.http_method().to_owned(),
            path: format!(
                "/{}/{}/participants",
                self.client.settings().api_version,
                request.group_id
            ),
            group_id: Some(request.group_id.clone()),
            participants: people
                .iter()
                .map(|p| p.e164())
                .collect::<Vec<_>>()
                .join(", "),
            status,
            graph_code,
            request_id,
            duration_ms: Event::delay_ms(took),
            error,
        };
        if let Err(e) = self.with_store(|s| s.record_exchange(self.acct, &exchange).map(|_| ())) {
            self.store_failed(e);
        }
    }

    fn audit_read(&self, group_id: &str, result: &Result<GroupInfo, ApiError>, took: Duration) {
        let (status, graph_code, error) = match result {
            Ok(_) => (Some(200), None, None),
            Err(e) => (e.status(), e.code(), Some(e.to_string())),
        };
        let exchange = Exchange {
            at: now_ms(),
            method: "GET".into(),
            path: format!("/{}/{}", self.client.settings().api_version, group_id),
            group_id: Some(group_id.to_owned()),
            participants: String::new(),
            status,
            graph_code,
            request_id: None,
            duration_ms: Event::delay_ms(took),
            error,
        };
        if let Err(e) = self.with_store(|s| s.record_exchange(self.acct, &exchange).map(|_| ())) {
            self.store_failed(e);
        }
    }
}

/// The mirror's row for a group as the server just described it.
pub fn mirror_of(info: &GroupInfo) -> MirrorGroup {
    let members: Vec<Participant> = info
        .participants
        .iter()
        .filter_map(|w| Participant::from_wa_id(w).ok())
        .collect();
    MirrorGroup {
        id: info.id.clone(),
        subject: info.subject.clone(),
        member_count: info
            .total_participant_count
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(members.len() as u32),
        members,
        read_at: now_ms(),
        gone_at: None,
    }
}
