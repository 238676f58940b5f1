//! Sending: a group's requests one after the other, each until an answer settles it.

use super::*;

impl Run {
    /// Sends a group's requests one after the other (removals first), then schedules the read
    /// that confirms them.
    pub(super) async fn write_group(
        self: &Arc<Self>,
        group_id: String,
        requests: Vec<PlannedRequest>,
    ) {
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

    /// Sends one request until it has an answer that settles it. Returns the operations the
    /// group read must confirm (accepted, or with no answer).
    pub(super) async fn send(self: &Arc<Self>, request: &PlannedRequest) -> Vec<Tracked> {
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
            let gone = self.note_reach(&result);
            let exchange = self.exchange_of_write(request, &people, &result, took);
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
            tracing::info!(
                method = info.method,
                group = %request.group_id,
                participants = people.len(),
                attempt,
                status = ?status,
                code = ?code,
                ms = took.as_millis() as u64,
                "{message}"
            );
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
                        Some(exchange),
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
                    self.audit(exchange);
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
                            Some(exchange),
                        ) {
                            self.store_failed(se);
                        }
                        return Vec::new();
                    }
                    // Nothing was applied: back to pending, for a retry or a later run.
                    self.audit(exchange);
                    if let Err(se) = self.with_store(|s| s.reset_to_pending(self.acct, &op_ids)) {
                        self.store_failed(se);
                        return Vec::new();
                    }
                    if gone {
                        // The server cannot be reached: the run has stopped.
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
                            self.pacer.on_throttle(e.retry_after());
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
                            self.halt(Some(format!("the run stopped: {e}")));
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
}
