//! Recording: verdicts, outcomes and exchanges into the store (one commit per answer), and
//! the events that tell the client.

use super::*;

impl Run {
    /// Records a plan's skipped operations (one commit per group) and reports its held ones.
    pub(super) fn settle_plan_leftovers(
        &self,
        ops: &[PendingOp],
        the_plan: &crate::domain::plan::Plan,
    ) -> Result<(), StoreError> {
        let by_id: HashMap<i64, &PendingOp> = ops.iter().map(|op| (op.id, op)).collect();
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
        for (group_id, (skipped, verdicts)) in skips {
            self.record_verdicts(group_id, &skipped, &verdicts, None, None)?;
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
        Ok(())
    }

    /// Stores the verdicts (one transaction), writes the audit outcomes and tells the client.
    pub(super) fn record_verdicts(
        &self,
        group_id: &str,
        ops: &[Tracked],
        verdicts: &[Verdict],
        request_id: Option<&str>,
        exchange: Option<Exchange>,
    ) -> Result<(), StoreError> {
        if ops.is_empty() {
            if let Some(exchange) = exchange {
                self.audit(exchange);
            }
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
        self.with_store(|s| {
            s.settle(
                self.acct,
                &changes,
                request_id,
                &outcomes,
                exchange.as_ref(),
            )
        })?;
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
        self.emit_progress();
        Ok(())
    }

    /// Writes an exchange to the audit trail on its own (when no verdict goes with it).
    pub(super) fn audit(&self, exchange: Exchange) {
        if let Err(e) = self.with_store(|s| s.record_exchange(self.acct, &exchange).map(|_| ())) {
            self.store_failed(e);
        }
    }

    /// The audit row of a write request.
    pub(super) fn exchange_of_write(
        &self,
        request: &PlannedRequest,
        people: &[Participant],
        result: &Result<crate::api::WriteAccepted, ApiError>,
        took: Duration,
    ) -> Exchange {
        let (status, graph_code, request_id, error) = match result {
            Ok(a) => (
                Some(a.status),
                a.partial.then_some(131201),
                a.request_id.clone(),
                None,
            ),
            Err(e) => (e.status(), e.code(), None, Some(e.to_string())),
        };
        let (method, path) = audit_route(
            Route::participants(request.kind, &request.group_id),
            request.kind.http_method(),
            &self.client.settings().api_version,
        );
        Exchange {
            at: now_ms(),
            method,
            path,
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
        }
    }

    /// The audit row of a group read.
    pub(super) fn exchange_of_read(
        &self,
        group_id: &str,
        result: &Result<GroupInfo, ApiError>,
        took: Duration,
    ) -> Exchange {
        let (status, graph_code, error) = match result {
            Ok(_) => (Some(200), None, None),
            Err(e) => (e.status(), e.code(), Some(e.to_string())),
        };
        let (method, path) = audit_route(
            Route::group_info(group_id),
            "GET",
            &self.client.settings().api_version,
        );
        Exchange {
            at: now_ms(),
            method,
            path,
            group_id: Some(group_id.to_owned()),
            participants: String::new(),
            status,
            graph_code,
            request_id: None,
            duration_ms: Event::delay_ms(took),
            error,
        }
    }
}

/// The method and path an audit row shows: the route the client sent, or, for a request the
/// client refused to build (its id is not a group id), the method and an empty path: nothing
/// was sent, and the row's error says why.
fn audit_route(
    route: Result<Route, ApiError>,
    method: &str,
    api_version: &str,
) -> (String, String) {
    match route {
        Ok(route) => (route.method.as_str().to_owned(), route.path(api_version)),
        Err(_) => (method.to_owned(), String::new()),
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
