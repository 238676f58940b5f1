//! The one call policy: every request, read or write, is paced, sent, classified, retried or
//! backed off, and audited here, the same way. The steps of a job (a submit's writes and
//! confirmations, a sync's reads, a fetch) keep only their decisions, never a retry loop.
//!
//! Rules, for every call of a job:
//! - each attempt waits for the account's pacer, and writes one exchange to the audit trail;
//! - a write claims its operations (`sending`) before each attempt, committed before it leaves,
//!   and puts them back to `pending` with the exchange when an answer says nothing was applied;
//! - throttles (429, 131208, 4, 17, …) slow the shared pacer and wait (the server's
//!   `Retry-After` wins), up to `max_throttles` tries;
//! - transient errors (5xx, HTML pages, 1, 2, 131000, …) wait with exponential back-off and
//!   jitter, up to `max_attempts` tries;
//! - a write whose answer is lost (timeout, dropped connection) is never sent again here: its
//!   outcome is unknown and is settled by reading; a read is simply asked again;
//! - `UNREACHABLE_IN_A_ROW` connection failures in a row, over all the job's calls, reads
//!   included, stop the job ("the server at … cannot be reached"), as a refused token or a
//!   missing permission does at once;
//! - once the operator cancels, nothing waits any more: no pacing, no back-off, no retry.

use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::events::{Event, RequestInfo};
use super::pacer::Pacer;
use super::{EngineConfig, backoff};
use crate::api::{Answer, ApiError, Call, Client, ErrorClass};
use crate::domain::OpId;
use crate::store::{AccountStore, Exchange, StoreError, now_ms};

/// Connection failures in a row (nothing sent) after which the server is taken for gone.
pub const UNREACHABLE_IN_A_ROW: u32 = 4;

/// What is on the wire for the whole engine, every job's requests, reads and writes: how
/// many are out now, and how many were sent. Shared by every job's caller.
#[derive(Debug, Default)]
pub(crate) struct Wire {
    in_flight: AtomicUsize,
    sent: AtomicUsize,
}

impl Wire {
    /// A request leaves: the counts after it.
    fn leave(&self) -> Event {
        let sent = self.sent.fetch_add(1, Ordering::SeqCst) + 1;
        let in_flight = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        Event::Wire { in_flight, sent }
    }

    /// A request is back (answered or not): the counts after it.
    fn back(&self) -> Event {
        let in_flight = self
            .in_flight
            .fetch_sub(1, Ordering::SeqCst)
            .saturating_sub(1);
        Event::Wire {
            in_flight,
            sent: self.sent.load(Ordering::SeqCst),
        }
    }
}

/// How a write ended, for the step that sent it to decide.
#[derive(Debug)]
pub(crate) enum WriteEnd {
    /// The server answered: accepted (maybe partly), or refused for good. The exchange goes
    /// into the same commit as the verdicts.
    Answered {
        answer: Box<Result<Answer, ApiError>>,
        exchange: Box<Exchange>,
    },
    /// No answer came: it may or may not have been applied. Its operations stay `sending`
    /// (the exchange is audited); a read settles them.
    Unknown,
    /// Transient errors until the limit: nothing applied, the operations are `pending`.
    GaveUp { error: ApiError, tries: u32 },
    /// Throttled past the limit: nothing applied, the operations are `pending` for a later run.
    Throttled { error: ApiError, tries: u32 },
    /// The job stopped or was cancelled first: the operations are `pending`.
    Stopped,
    /// The operations could not be claimed: dropped or undone meanwhile.
    NotClaimed(StoreError),
    /// Not sent: the call has no endpoint (an id that cannot be a group id).
    Refused(ApiError),
}

/// Why a read gave no answer.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Refused for good, or still failing after the tries allowed.
    Failed(ApiError),
    /// The job stopped or was cancelled first.
    Stopped,
}

/// The calls of one job: its pace, its stop and its counts. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Caller {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    store: AccountStore,
    pacer: Arc<Pacer>,
    wire: Arc<Wire>,
    config: EngineConfig,
    events: tokio::sync::mpsc::UnboundedSender<Event>,
    /// The operator asked to stop: no new writes, no waits.
    cancel: CancellationToken,
    /// The job must stop (the server is gone, the token refused, the store broken).
    stop: CancellationToken,
    stopped: Mutex<Option<String>>,
    /// The server's error that stopped the job, when one did.
    stopped_by: Mutex<Option<ApiError>>,
    connect_failures: AtomicU32,
    seq: AtomicU64,
    run_id: String,
    in_flight: AtomicUsize,
    sent: AtomicUsize,
    /// Of `sent`, the reads (confirmations, group reads before a send).
    reads: AtomicUsize,
    throttled: AtomicUsize,
}

/// What a job's caller has on the wire and has sent: requests out now, sent in all (every
/// attempt, retries included), of those the reads, and those answered 429.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub in_flight: usize,
    pub sent: usize,
    pub reads: usize,
    pub throttled: usize,
}

impl Caller {
    pub(crate) fn new(
        client: Client,
        store: AccountStore,
        pacer: Arc<Pacer>,
        wire: Arc<Wire>,
        config: EngineConfig,
        events: tokio::sync::mpsc::UnboundedSender<Event>,
    ) -> Caller {
        Caller {
            inner: Arc::new(Inner {
                client,
                store,
                pacer,
                wire,
                config,
                events,
                cancel: CancellationToken::new(),
                stop: CancellationToken::new(),
                stopped: Mutex::new(None),
                stopped_by: Mutex::new(None),
                connect_failures: AtomicU32::new(0),
                seq: AtomicU64::new(0),
                run_id: format!("{:x}", now_ms()),
                in_flight: AtomicUsize::new(0),
                sent: AtomicUsize::new(0),
                reads: AtomicUsize::new(0),
                throttled: AtomicUsize::new(0),
            }),
        }
    }

    pub(crate) fn store(&self) -> &AccountStore {
        &self.inner.store
    }

    pub(crate) fn config(&self) -> &EngineConfig {
        &self.inner.config
    }

    /// The operator's cancel: ends every wait; what is in flight still gets its answer.
    pub(crate) fn cancel_token(&self) -> &CancellationToken {
        &self.inner.cancel
    }

    /// Set when the job must stop.
    pub(crate) fn stop_token(&self) -> &CancellationToken {
        &self.inner.stop
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.inner.cancel.is_cancelled() || self.inner.stop.is_cancelled()
    }

    /// Why the job stopped, if it did.
    pub(crate) fn stopped(&self) -> Option<String> {
        lock(&self.inner.stopped).clone()
    }

    /// The server's origin (`https://graph.facebook.com`), for messages.
    pub(crate) fn server(&self) -> String {
        self.inner
            .client
            .settings()
            .base_url
            .origin()
            .ascii_serialization()
    }

    /// The server's error that stopped the job, when one did (a refused token, a missing
    /// permission, a server that cannot be reached).
    pub(crate) fn stopped_by(&self) -> Option<ApiError> {
        lock(&self.inner.stopped_by).clone()
    }

    /// Stops the job for a server's error the operator must fix: a refused token, a missing
    /// permission, a server that cannot be reached ([`Event::Halted`]).
    fn stop_for(&self, e: &ApiError, why: String) {
        lock(&self.inner.stopped_by).get_or_insert_with(|| e.clone());
        let class = e.class().as_str();
        self.halt(why, |message| Event::Halted { class, message });
    }

    /// Stops the job with a reason (the first reason is kept).
    pub(crate) fn stop(&self, why: String) {
        self.halt(why, |message| Event::Warning { message });
    }

    fn halt(&self, why: String, event: impl FnOnce(String) -> Event) {
        {
            let mut stopped = lock(&self.inner.stopped);
            if stopped.is_some() {
                return;
            }
            tracing::warn!("{why}");
            *stopped = Some(why.clone());
        }
        self.emit(event(why));
        self.inner.stop.cancel();
        self.inner.cancel.cancel();
    }

    /// A store failure ends the job: without the store nothing can be promised.
    pub(crate) fn store_failed(&self, e: &StoreError) {
        self.stop(format!("the store failed: {e}"));
    }

    pub(crate) fn emit(&self, event: Event) {
        let _ = self.inner.events.send(event);
    }

    /// Requests in flight now, sent so far, and throttled answers so far.
    pub(crate) fn counts(&self) -> Counts {
        Counts {
            in_flight: self.inner.in_flight.load(Ordering::SeqCst),
            sent: self.inner.sent.load(Ordering::SeqCst),
            reads: self.inner.reads.load(Ordering::SeqCst),
            throttled: self.inner.throttled.load(Ordering::SeqCst),
        }
    }

    /// A new attempt id (`<run>-<seq>`), stored with the operations a write claims.
    fn next_attempt(&self) -> (u64, String) {
        let seq = self.inner.seq.fetch_add(1, Ordering::SeqCst) + 1;
        (seq, format!("{}-{seq}", self.inner.run_id))
    }

    /// Waits for the pacer, unless the operator cancelled (then nothing waits) or the job
    /// stopped. False when the job stopped.
    async fn paced(&self) -> bool {
        if self.inner.cancel.is_cancelled() {
            return !self.inner.stop.is_cancelled();
        }
        tokio::select! {
            _ = self.inner.pacer.acquire() => true,
            _ = self.inner.cancel.cancelled() => !self.inner.stop.is_cancelled(),
        }
    }

    /// Waits `delay` before another try; false when cancelled or stopped meanwhile (then
    /// there is no other try).
    async fn wait(&self, delay: Duration) -> bool {
        if self.is_cancelled() {
            return false;
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => true,
            _ = self.inner.cancel.cancelled() => false,
        }
    }

    /// Sends `call` once, timing it, and makes its audit row.
    async fn attempt(&self, call: &Call) -> (Result<Answer, ApiError>, Exchange) {
        self.inner.in_flight.fetch_add(1, Ordering::SeqCst);
        self.inner.sent.fetch_add(1, Ordering::SeqCst);
        if call.is_read() {
            self.inner.reads.fetch_add(1, Ordering::SeqCst);
        }
        self.emit(self.inner.wire.leave());
        let t0 = Instant::now();
        let result = self.inner.client.execute(call).await;
        let took = t0.elapsed();
        self.inner.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.emit(self.inner.wire.back());
        let exchange = self.exchange(call, &result, took);
        // Refused connections in a row: any answer (a success or an HTTP error, a throttle
        // included) resets the count; a request with no answer, or never sent, leaves it.
        match &result {
            Ok(_)
            | Err(ApiError::Graph(_) | ApiError::NotJson { .. } | ApiError::TooLarge { .. }) => {
                self.inner.connect_failures.store(0, Ordering::SeqCst);
            }
            Err(_) => {}
        }
        let throttled = matches!(&result, Err(e) if e.class() == ErrorClass::Throttled);
        if result.is_ok() || (!throttled && exchange.status.is_some()) {
            self.inner.pacer.on_success();
        }
        tracing::info!(
            method = exchange.method.as_str(),
            path = exchange.path.as_str(),
            status = ?exchange.status,
            code = ?exchange.graph_code,
            ms = took.as_millis() as u64,
            "{}",
            exchange.error.as_deref().unwrap_or("answered")
        );
        (result, exchange)
    }

    /// What to do after an error: wait this long and try again, or stop trying.
    fn after_error(&self, e: &ApiError, transient: &mut u32, throttles: &mut u32) -> Retry {
        match e.class() {
            ErrorClass::Throttled => {
                *throttles += 1;
                self.inner.throttled.fetch_add(1, Ordering::SeqCst);
                let delay =
                    backoff::delay(self.inner.config.backoff_base, *throttles, e.retry_after());
                self.inner.pacer.on_throttle(e.retry_after());
                self.emit(Event::Throttled {
                    pause_ms: Event::delay_ms(delay),
                    rate: self.inner.pacer.current_rate(),
                });
                if *throttles > self.inner.config.max_throttles {
                    return Retry::Throttled;
                }
                Retry::After(delay)
            }
            ErrorClass::Transient if matches!(e, ApiError::Connect { .. }) => {
                let in_a_row = self.inner.connect_failures.fetch_add(1, Ordering::SeqCst) + 1;
                if in_a_row >= UNREACHABLE_IN_A_ROW {
                    let reason = match e {
                        ApiError::Connect { reason, .. } => reason.clone(),
                        other => other.to_string(),
                    };
                    self.stop_for(
                        e,
                        format!(
                            "the server at {} cannot be reached (last error: {reason})",
                            self.server()
                        ),
                    );
                    return Retry::Stop;
                }
                *transient += 1;
                Retry::After(backoff::delay(
                    self.inner.config.backoff_base,
                    *transient,
                    None,
                ))
            }
            ErrorClass::Transient => {
                *transient += 1;
                if *transient >= self.inner.config.max_attempts {
                    return Retry::GaveUp;
                }
                Retry::After(backoff::delay(
                    self.inner.config.backoff_base,
                    *transient,
                    e.retry_after(),
                ))
            }
            ErrorClass::Auth | ErrorClass::Permission => {
                let what = match e.class() {
                    ErrorClass::Auth => "the access token was refused",
                    _ => "the token lacks a permission",
                };
                self.stop_for(e, format!("{what}: {e}"));
                Retry::Stop
            }
            _ => Retry::Permanent,
        }
    }

    /// A read, until it is answered, refused for good, or the tries run out.
    pub(crate) async fn read(&self, call: &Call) -> Result<Answer, ReadError> {
        debug_assert!(call.is_read());
        if let Err(e) = self.inner.client.endpoint(call) {
            // Not sent: an id that cannot be a group id.
            return Err(ReadError::Failed(e));
        }
        let (mut transient, mut throttles) = (0u32, 0u32);
        loop {
            if !self.paced().await {
                return Err(ReadError::Stopped);
            }
            let (result, exchange) = self.attempt(call).await;
            if let Err(e) = self.inner.store.audit(exchange).await {
                self.store_failed(&e);
            }
            let e = match result {
                Ok(answer) => return Ok(answer),
                Err(e) => e,
            };
            match self.after_error(&e, &mut transient, &mut throttles) {
                Retry::After(delay) if self.wait(delay).await => {}
                Retry::After(_) | Retry::Stop => return Err(ReadError::Stopped),
                Retry::GaveUp | Retry::Throttled | Retry::Permanent => {
                    return Err(ReadError::Failed(e));
                }
            }
        }
    }

    /// A write carrying operations `ops`, until it is answered or cannot be.
    pub(crate) async fn write(&self, call: &Call, ops: &[OpId], info: RequestInfo) -> WriteEnd {
        if let Err(e) = self.inner.client.endpoint(call) {
            // Not sent: an id that cannot be a group id (from a store older than that check).
            return WriteEnd::Refused(e);
        }
        let (mut transient, mut throttles) = (0u32, 0u32);
        let mut tries = 0u32;
        loop {
            if self.inner.cancel.is_cancelled() || !self.paced().await {
                return WriteEnd::Stopped;
            }
            // Claimed, and committed, before the request leaves.
            let (seq, attempt_id) = self.next_attempt();
            if let Err(e) = self.inner.store.claim(ops.to_vec(), attempt_id).await {
                return WriteEnd::NotClaimed(e);
            }
            tries += 1;
            let info = RequestInfo {
                seq,
                attempt: info.attempt.max(tries),
                ..info.clone()
            };
            self.emit(Event::RequestSent(info.clone()));
            let (result, exchange) = self.attempt(call).await;
            self.emit(Event::Answer {
                request: info.clone(),
                status: exchange.status,
                code: exchange.graph_code,
                message: match &result {
                    Ok(Answer::Write(a)) if a.partial => {
                        format!("partial success: {} failed", a.failed.len())
                    }
                    Ok(_) => "accepted".to_owned(),
                    Err(e) => e.to_string(),
                },
                duration_ms: exchange.duration_ms,
                request_id: exchange.request_id.clone(),
                fbtrace_id: result
                    .as_ref()
                    .err()
                    .and_then(ApiError::fbtrace_id)
                    .map(str::to_owned),
            });
            let e = match result {
                Ok(answer) => {
                    return WriteEnd::Answered {
                        answer: Box::new(Ok(answer)),
                        exchange: Box::new(exchange),
                    };
                }
                // A write that may not be repeated (a create) whose answer says nothing of its
                // outcome (a 5xx, an HTML page): as unknown as a lost answer.
                Err(e)
                    if e.outcome_unknown()
                        || (!call.may_repeat() && e.status().is_some_and(|s| s >= 500)) =>
                {
                    if let Err(se) = self.inner.store.audit(exchange).await {
                        self.store_failed(&se);
                    }
                    return WriteEnd::Unknown;
                }
                Err(e)
                    if !e.class().is_retryable()
                        && !matches!(e.class(), ErrorClass::Auth | ErrorClass::Permission) =>
                {
                    return WriteEnd::Answered {
                        answer: Box::new(Err(e)),
                        exchange: Box::new(exchange),
                    };
                }
                Err(e) => e,
            };
            // Nothing was applied: back to pending, with this exchange, in one commit.
            if let Err(se) = self.inner.store.reset(ops.to_vec(), Some(exchange)).await {
                self.store_failed(&se);
                return WriteEnd::Stopped;
            }
            match self.after_error(&e, &mut transient, &mut throttles) {
                Retry::After(delay) => {
                    self.emit(Event::RetryScheduled {
                        request: info,
                        delay_ms: Event::delay_ms(delay),
                        reason: e.to_string(),
                    });
                    if !self.wait(delay).await {
                        return WriteEnd::Stopped;
                    }
                }
                Retry::Stop | Retry::Permanent => return WriteEnd::Stopped,
                Retry::GaveUp => {
                    return WriteEnd::GaveUp {
                        error: e,
                        tries: transient,
                    };
                }
                Retry::Throttled => {
                    return WriteEnd::Throttled {
                        error: e,
                        tries: throttles,
                    };
                }
            }
        }
    }

    /// The audit row of one attempt; its path is the one the client sent to.
    fn exchange(&self, call: &Call, result: &Result<Answer, ApiError>, took: Duration) -> Exchange {
        let (status, graph_code, request_id, error) = match result {
            Ok(
                Answer::Write(a)
                | Answer::Link { write: Some(a), .. }
                | Answer::Decided { write: a, .. },
            ) => (
                Some(a.status),
                a.partial.then_some(131201),
                a.request_id.clone(),
                None,
            ),
            Ok(_) => (Some(200), None, None, None),
            Err(e) => (
                e.status(),
                e.code(),
                e.request_id().map(str::to_owned),
                Some(e.to_string()),
            ),
        };
        // Only calls with an endpoint are sent (see `refused`).
        let path = self
            .inner
            .client
            .endpoint(call)
            .map(|e| e.path())
            .unwrap_or_default();
        Exchange {
            at: now_ms(),
            method: call.method().as_str().to_owned(),
            path,
            group_id: call.group().map(str::to_owned),
            participants: call
                .participants()
                .iter()
                .map(|p| p.user_ref())
                .collect::<Vec<_>>()
                .join(", "),
            status,
            graph_code,
            request_id,
            duration_ms: Event::delay_ms(took),
            error,
        }
    }
}

/// What follows an error.
enum Retry {
    After(Duration),
    GaveUp,
    Throttled,
    Permanent,
    Stop,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
