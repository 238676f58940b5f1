//! Recording: verdicts, outcomes and exchanges into the store (one commit per answer), and
//! the events that tell the client.

use super::{Run, Tracked, lock};
use crate::domain::plan::Plan;
use crate::domain::{OpId, OperationState};
use crate::engine::events::Event;
use crate::engine::kinds::Verdict;
use crate::store::{
    EventProbe, Exchange, MirrorChange, OperationFilter, SettledAnswer, Settlement, StateChange,
    StoreError, now_ms,
};

impl Run {
    /// Records a plan's skipped operations (one commit) and reports its held ones (a plan's
    /// leftovers are always operations it was given).
    pub(super) async fn settle_plan_leftovers(&self, the_plan: &Plan) -> Result<(), StoreError> {
        let mut skipped = Vec::new();
        let mut verdicts = Vec::new();
        for left in &the_plan.skipped {
            skipped.push(Tracked {
                id: left.id,
                spec: left.spec.clone(),
                unknown: false,
                since: now_ms(),
                looks: 0,
            });
            verdicts.push(Verdict::Skipped(left.reason.clone()));
        }
        self.record_verdicts(&skipped, &verdicts, None, None, Vec::new())
            .await?;
        // The summary counts them by the cause they share; each one's event says its own
        // reason, beside who and which group.
        for left in &the_plan.held {
            *lock(&self.summary)
                .held_by_reason
                .entry(left.cause().to_owned())
                .or_default() += 1;
            lock(&self.progress).held += 1;
            self.emit(Event::Held {
                op: left.id,
                group_id: left.spec.group_text().to_owned(),
                change: left.spec.describe(),
                reason: left.reason.clone(),
            });
        }
        Ok(())
    }

    /// Stores the verdicts with their outcomes and the exchange (one commit), then tells the
    /// client. An operation a webhook settled meanwhile (processed by another process, or by
    /// this one) keeps that outcome: it is counted and reported as it stands.
    pub(super) async fn record_verdicts(
        &self,
        ops: &[Tracked],
        verdicts: &[Verdict],
        request_id: Option<String>,
        exchange: Option<Exchange>,
        mirror: Vec<MirrorChange>,
    ) -> Result<(), StoreError> {
        self.record(ops, verdicts, request_id, exchange, mirror, None)
            .await
            .map(|_| ())
    }

    /// [`Run::record_verdicts`] for an answer, in the same commit telling whether webhook
    /// events `probe` names were stored before it (then they may settle what it accepted).
    pub(super) async fn record_answer(
        &self,
        ops: &[Tracked],
        verdicts: &[Verdict],
        answer: (Option<String>, Exchange, Vec<MirrorChange>),
        probe: EventProbe,
    ) -> Result<bool, StoreError> {
        let (request_id, exchange, mirror) = answer;
        self.record(
            ops,
            verdicts,
            request_id,
            Some(exchange),
            mirror,
            Some(probe),
        )
        .await
    }

    async fn record(
        &self,
        ops: &[Tracked],
        verdicts: &[Verdict],
        request_id: Option<String>,
        exchange: Option<Exchange>,
        mirror: Vec<MirrorChange>,
        probe: Option<EventProbe>,
    ) -> Result<bool, StoreError> {
        if ops.is_empty() {
            if let Some(exchange) = exchange {
                self.caller.store().audit(exchange).await?;
            }
            return Ok(false);
        }
        let at = now_ms();
        let mut changes = Vec::with_capacity(ops.len());
        let mut outcomes = Vec::new();
        for (op, verdict) in ops.iter().zip(verdicts) {
            let (change, outcome) = verdict.recorded(op.id, &op.spec, at, request_id.clone());
            changes.push(change);
            outcomes.extend(outcome);
        }
        let settlement = Settlement {
            changes: changes.clone(),
            request_id,
            outcomes,
            exchange,
            mirror,
        };
        let store = self.caller.store();
        let SettledAnswer {
            moved,
            events_waiting,
        } = match probe {
            Some(probe) => store.settle_answer(settlement, probe).await?,
            None => SettledAnswer {
                moved: store.settle_open(settlement).await?,
                events_waiting: false,
            },
        };
        let (mine, elsewhere): (Vec<_>, Vec<_>) = ops
            .iter()
            .zip(changes)
            .partition(|(op, _)| moved.contains(&op.id));
        if !elsewhere.is_empty() {
            let ids = elsewhere.iter().map(|(op, _)| op.id).collect();
            self.settled_elsewhere(ids).await?;
        }
        self.report(mine);
        Ok(events_waiting)
    }

    /// Counts and reports operations a webhook settled, as the store holds them.
    pub(super) async fn settled_elsewhere(&self, ids: Vec<OpId>) -> Result<(), StoreError> {
        let found = self
            .caller
            .store()
            .operations(OperationFilter {
                ids: Some(ids),
                ..OperationFilter::default()
            })
            .await?;
        let settled: Vec<(Tracked, StateChange)> = found
            .into_iter()
            .filter(|op| op.state.is_final())
            .map(|op| {
                let change = StateChange {
                    id: op.id,
                    state: op.state,
                    code: op.error_code,
                    message: op.error_message.clone(),
                    group: None,
                };
                let tracked = Tracked {
                    id: op.id,
                    spec: op.spec,
                    unknown: false,
                    since: op.updated_at,
                    looks: 0,
                };
                (tracked, change)
            })
            .collect();
        lock(&self.progress).by_webhook += settled.len();
        self.report(settled.iter().map(|(op, c)| (op, c.clone())).collect());
        Ok(())
    }

    /// Counts settled operations in the run's progress and summary, and tells the client.
    fn report(&self, settled: Vec<(&Tracked, StateChange)>) {
        {
            let mut progress = lock(&self.progress);
            let mut summary = lock(&self.summary);
            for (_, change) in &settled {
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
            }
        }
        for (op, change) in settled {
            self.emit(Event::Outcome {
                op: op.id,
                group_id: change
                    .group
                    .clone()
                    .unwrap_or_else(|| op.spec.group_text().to_owned()),
                participant: op.spec.person_label(),
                detail: op.spec.detail(),
                kind: op.spec.kind(),
                state: change.state,
                code: change.code,
                message: change.message,
            });
        }
        self.emit_progress();
    }
}
