//! Sending: a group's requests one after the other, each through the call policy, and what
//! its end means for the operations it carried.

use std::sync::Arc;

use super::{Run, Tracked};
use crate::domain::OpId;
use crate::domain::plan::PlannedRequest;
use crate::engine::call::WriteEnd;
use crate::engine::events::{Event, RequestInfo};
use crate::engine::inbox;
use crate::engine::kinds::{self, Verdict};
use crate::store::{MirrorChange, StoreError, now_ms};

impl Run {
    /// Sends a group's requests one after the other (removals first), then schedules the read
    /// that confirms them.
    pub(super) async fn write_group(self: &Arc<Self>, requests: Vec<PlannedRequest>) {
        let mut to_confirm: Vec<Tracked> = Vec::new();
        for request in requests {
            if self.caller.is_cancelled() {
                break;
            }
            to_confirm.extend(self.send(&request).await);
        }
        if !self.caller.config().confirm {
            to_confirm.retain(|op| op.unknown);
        }
        let mut by_confirmation: Vec<(kinds::Confirmation, Vec<Tracked>)> = Vec::new();
        for op in to_confirm {
            let confirmation = kinds::confirmation(&op.spec);
            match by_confirmation.iter_mut().find(|(c, _)| *c == confirmation) {
                Some((_, ops)) => ops.push(op),
                None => by_confirmation.push((confirmation, vec![op])),
            }
        }
        for (confirmation, ops) in by_confirmation {
            self.schedule_confirm(confirmation, ops);
        }
    }

    /// Sends one request until it has an end. Returns the operations a read must confirm
    /// (accepted, or with no answer).
    async fn send(self: &Arc<Self>, request: &PlannedRequest) -> Vec<Tracked> {
        let ids: Vec<OpId> = request.ops.iter().map(|op| op.id).collect();
        let since = now_ms();
        let tracked = |unknown: bool| -> Vec<Tracked> {
            request
                .ops
                .iter()
                .map(|op| Tracked {
                    id: op.id,
                    spec: op.spec.clone(),
                    unknown,
                    since,
                    looks: 0,
                })
                .collect()
        };
        let call = kinds::request(request);
        let info = RequestInfo {
            seq: 0,
            method: call.method().as_str(),
            group_id: request.group_id().to_owned(),
            kind: Some(request.kind),
            participants: request.ops.len(),
            attempt: self.bump_attempt(&ids),
        };
        match self.caller.write(&call, &ids, info).await {
            WriteEnd::Answered { answer, exchange } => {
                let verdicts = kinds::settle(request, &answer);
                let request_id = exchange.request_id.clone();
                let mirror = match answer.as_ref() {
                    Ok(answer) => kinds::mirror_changes(request, answer),
                    // The group is gone (deleted): the mirror learns it from this answer, as
                    // from a read.
                    Err(e) if e.code() == Some(kinds::UNKNOWN_GROUP) => request
                        .group
                        .iter()
                        .map(|g| MirrorChange::Gone { group: g.clone() })
                        .collect(),
                    Err(_) => Vec::new(),
                };
                let ops = tracked(false);
                // The webhook with this request's outcome may have come before its answer:
                // the store tells, as it records the answer, whether one is there.
                let answered = inbox::Answered {
                    ids: &ids,
                    group: request.group.as_deref(),
                    request_id: request_id.as_deref(),
                    sent_at: since,
                };
                let probe = inbox::probe(&answered);
                let events_waiting = match self
                    .record_answer(
                        &ops,
                        &verdicts,
                        (request_id.clone(), *exchange, mirror),
                        probe,
                    )
                    .await
                {
                    Ok(waiting) => waiting,
                    Err(e) => {
                        self.caller.store_failed(&e);
                        return Vec::new();
                    }
                };
                if events_waiting
                    && let Err(e) = inbox::settle_answered(self.caller.store(), &answered).await
                {
                    self.caller.store_failed(&e);
                    return Vec::new();
                }
                ops.into_iter()
                    .zip(verdicts)
                    .filter(|(_, v)| *v == Verdict::Accepted)
                    .map(|(op, _)| op)
                    .collect()
            }
            // Left `sending`: the read settles it.
            WriteEnd::Unknown => tracked(true),
            WriteEnd::GaveUp { error, tries } => {
                // The server kept failing: a known outcome (not applied), with the last
                // reason, for the operator to queue again later.
                let verdicts: Vec<Verdict> = ids
                    .iter()
                    .map(|_| Verdict::Failed {
                        code: error.code(),
                        message: format!(
                            "gave up after {tries} attempts: {}",
                            kinds::short_message(&error)
                        ),
                    })
                    .collect();
                if let Err(e) = self
                    .record_verdicts(&tracked(false), &verdicts, None, None, Vec::new())
                    .await
                {
                    self.caller.store_failed(&e);
                }
                Vec::new()
            }
            WriteEnd::Throttled { error, tries } => {
                self.emit(Event::Warning {
                    message: format!(
                        "group {}: still throttled after {tries} tries ({error}); {} operations stay pending for a later submit",
                        request.group_id(),
                        ids.len()
                    ),
                });
                Vec::new()
            }
            WriteEnd::Stopped => Vec::new(),
            WriteEnd::Refused(error) => {
                let verdicts: Vec<Verdict> = ids
                    .iter()
                    .map(|_| Verdict::Failed {
                        code: None,
                        message: format!("not sent: {error}"),
                    })
                    .collect();
                if let Err(e) = self
                    .record_verdicts(&tracked(false), &verdicts, None, None, Vec::new())
                    .await
                {
                    self.caller.store_failed(&e);
                }
                Vec::new()
            }
            WriteEnd::NotClaimed(e @ (StoreError::WrongState { .. } | StoreError::NotFound(_))) => {
                // Dropped or undone meanwhile: not ours to send any more.
                self.emit(Event::Warning {
                    message: format!(
                        "group {}: the queue changed while sending ({e}); that request is left out",
                        request.group_id()
                    ),
                });
                Vec::new()
            }
            WriteEnd::NotClaimed(e) => {
                self.caller.store_failed(&e);
                Vec::new()
            }
        }
    }
}
