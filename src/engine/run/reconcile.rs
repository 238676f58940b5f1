//! Confirming: read the group and settle each operation by what it shows; resend what a
//! lost answer did not apply.

use super::*;

impl Run {
    /// Reads the group and settles each operation by what it shows.
    pub(super) async fn reconcile(self: &Arc<Self>, group_id: String, ops: Vec<Tracked>) {
        let mut tries = 0u32;
        let (info, exchange) = loop {
            tries += 1;
            // A cancelled run reads at once, once: it settles what was in flight, no more.
            tokio::select! {
                _ = self.pacer.acquire() => {}
                _ = self.cancel.cancelled() => {}
                _ = self.stop.cancelled() => return,
            }
            let t0 = Instant::now();
            let res = self.client.group_info(&group_id).await;
            let exchange = self.exchange_of_read(&group_id, &res, t0.elapsed());
            if self.note_reach(&res) {
                // The server cannot be reached: the run has stopped; these stay open.
                self.audit(exchange);
                return;
            }
            match res {
                Ok(info) => {
                    self.pacer.on_success();
                    break (info, exchange);
                }
                Err(e) if e.code() == Some(131041) => {
                    let verdicts: Vec<Verdict> = ops
                        .iter()
                        .map(|_| Verdict::Failed {
                            code: e.code(),
                            message: settle::short_message(&e),
                        })
                        .collect();
                    if let Err(se) =
                        self.record_verdicts(&group_id, &ops, &verdicts, None, Some(exchange))
                    {
                        self.store_failed(se);
                    }
                    return;
                }
                Err(e)
                    if e.class().is_retryable()
                        && tries < self.config.max_attempts + self.config.max_throttles
                        && !self.cancel.is_cancelled() =>
                {
                    self.audit(exchange);
                    let delay = backoff::delay(self.config.backoff_base, tries, e.retry_after());
                    if e.class() == ErrorClass::Throttled {
                        lock(&self.progress).throttled += 1;
                        self.pacer.on_throttle(e.retry_after());
                    }
                    // Ctrl-C (a cancel) ends the wait at once: what this read would settle
                    // stays open for the next submit.
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = self.stop.cancelled() => return,
                        _ = self.cancel.cancelled() => return,
                    }
                }
                Err(e) => {
                    self.audit(exchange);
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
        if let Err(e) =
            self.record_verdicts(&group_id, &settled_ops, &verdicts, None, Some(exchange))
        {
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
            if let Err(e) = self.record_verdicts(&group_id, &exhausted, &verdicts, None, None) {
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
        if let Err(e) = self.settle_plan_leftovers(&to_plan, &replan) {
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
}
