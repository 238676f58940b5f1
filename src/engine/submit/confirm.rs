//! Confirming: read what shows the operations' effect and settle each by it; send again what
//! a lost answer did not apply.

use std::sync::Arc;

use super::{Job, Run, Tracked, lock};
use crate::api::Answer;
use crate::domain::plan::PendingOp;
use crate::domain::{Members, OpId};
use crate::engine::call::ReadError;
use crate::engine::events::Event;
use crate::engine::kinds::{self, Confirmation, Mirror, Verdict};
use crate::engine::mirror_of;
use crate::store::{OperationFilter, StoreError};

/// The Graph code of a group that does not exist (any more).
const UNKNOWN_GROUP: i64 = 131041;

impl Run {
    /// Reads and settles each operation by what the read shows; those a webhook settled
    /// meanwhile are not read for.
    pub(super) async fn confirm(self: &Arc<Self>, confirmation: Confirmation, ops: Vec<Tracked>) {
        let ops = match self.still_open(ops).await {
            Ok(ops) => ops,
            Err(e) => {
                self.caller.store_failed(&e);
                return;
            }
        };
        let deferred = lock(&self.deferred).contains_key(&confirmation);
        if ops.is_empty() && !deferred {
            return;
        }
        let read = match self.caller.read(&confirmation.call()).await {
            Ok(read) => read,
            Err(ReadError::Failed(e)) if e.code() == Some(UNKNOWN_GROUP) => {
                let verdicts: Vec<Verdict> = ops
                    .iter()
                    .map(|_| Verdict::Failed {
                        code: e.code(),
                        message: kinds::short_message(&e),
                    })
                    .collect();
                if let Err(se) = self.record_verdicts(&ops, &verdicts, None, None).await {
                    self.caller.store_failed(&se);
                }
                return;
            }
            Err(ReadError::Failed(e)) => {
                self.emit(Event::Warning {
                    message: format!(
                        "{}: could not read it to confirm {} changes ({e}); they are settled at the next submit",
                        describe(&confirmation),
                        ops.len()
                    ),
                });
                return;
            }
            Err(ReadError::Stopped) => return,
        };
        let mut members_read: Option<Members> = None;
        if let Answer::Group(info) = &read {
            if let Err(e) = self
                .caller
                .store()
                .upsert_groups(vec![mirror_of(info)])
                .await
            {
                self.caller.store_failed(&e);
                return;
            }
            members_read = Some(Members::of_wa_ids(
                info.participants.iter().map(String::as_str),
            ));
        }
        let max_attempts = self.caller.config().max_attempts;
        let mut settled = Vec::new();
        let mut verdicts = Vec::new();
        let mut resend = Vec::new();
        for op in ops {
            if kinds::applied(&op.spec, &read) {
                verdicts.push(Verdict::Confirmed);
                settled.push(op);
            } else if op.unknown && self.attempts_of(op.id) < max_attempts {
                resend.push(op);
            } else if op.unknown {
                verdicts.push(Verdict::Failed {
                    code: None,
                    message: format!("no answer and not applied after {max_attempts} attempts"),
                });
                settled.push(op);
            } else {
                verdicts.push(Verdict::Failed {
                    code: None,
                    message: "not applied: the server accepted it, but the group does not show the change".into(),
                });
                settled.push(op);
            }
        }
        if let Err(e) = self.record_verdicts(&settled, &verdicts, None, None).await {
            self.caller.store_failed(&e);
            return;
        }
        // No answer came and the read does not show the change: it was not applied, so it is
        // sent again (a known state, not a blind resend), within the attempt limit.
        let again_ids: Vec<OpId> = resend.iter().map(|op| op.id).collect();
        if !again_ids.is_empty()
            && let Err(e) = self.caller.store().reset(again_ids, None).await
        {
            self.caller.store_failed(&e);
            return;
        }
        let mut to_plan: Vec<PendingOp> = resend
            .into_iter()
            .map(|op| PendingOp {
                id: op.id,
                spec: op.spec,
            })
            .collect();
        to_plan.extend(
            lock(&self.deferred)
                .remove(&confirmation)
                .unwrap_or_default(),
        );
        if to_plan.is_empty() || self.caller.is_cancelled() {
            return;
        }
        let mut mirror = Mirror::default();
        if let (Confirmation::ReadGroup(group), Some(members)) = (&confirmation, members_read) {
            mirror.members.insert(group.clone(), members);
        }
        let replan = kinds::plan(&to_plan, &mirror);
        if let Err(e) = self.settle_plan_leftovers(&to_plan, &replan).await {
            self.caller.store_failed(&e);
            return;
        }
        if !replan.requests.is_empty() {
            lock(&self.queues).writes.push_front(Job::Write {
                requests: replan.requests,
            });
            self.notify.notify_waiters();
        }
    }
}

impl Run {
    /// The operations not settled yet; those a webhook settled are counted and reported.
    async fn still_open(&self, ops: Vec<Tracked>) -> Result<Vec<Tracked>, StoreError> {
        let ids: Vec<OpId> = ops.iter().map(|op| op.id).collect();
        let final_ids: Vec<OpId> = self
            .caller
            .store()
            .operations(OperationFilter {
                ids: Some(ids),
                ..OperationFilter::default()
            })
            .await?
            .into_iter()
            .filter(|op| op.state.is_final())
            .map(|op| op.id)
            .collect();
        if final_ids.is_empty() {
            return Ok(ops);
        }
        self.settled_elsewhere(final_ids.clone()).await?;
        Ok(ops
            .into_iter()
            .filter(|op| !final_ids.contains(&op.id))
            .collect())
    }
}

/// What a confirmation reads, for messages.
fn describe(confirmation: &Confirmation) -> String {
    match confirmation {
        Confirmation::ReadGroup(group) => format!("group {group}"),
    }
}
