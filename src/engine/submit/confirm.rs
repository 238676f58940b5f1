//! Confirming: read what shows the operations' effect and settle each by it; send again what
//! a lost answer did not apply (kinds that may be sent twice); look again, a while later, for
//! what is not visible yet (a create's group).

use std::sync::Arc;
use std::time::Duration;

use super::{Job, Run, Tracked, lock};
use crate::domain::plan::PendingOp;
use crate::domain::{Members, OpId};
use crate::engine::call::ReadError;
use crate::engine::events::Event;
use crate::engine::kinds::{self, Confirmation, Found, Mirror, Seen, Verdict};
use crate::store::{OperationFilter, StoreError, now_ms};

/// The longest wait between two looks for a create's group.
const MAX_LOOK_DELAY: Duration = Duration::from_secs(8);

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
        let seen = match self.see(&confirmation).await {
            Ok(seen) => seen,
            Err(ReadError::Failed(e)) => {
                let (group_id, read) = what_is_read(&confirmation);
                tracing::warn!(group_id, read, changes = ops.len(), error = %e, "could not read to confirm");
                self.emit(Event::Unconfirmed {
                    group_id,
                    read,
                    changes: ops.len(),
                    error: e.to_string(),
                });
                return;
            }
            Err(ReadError::Stopped) => return,
        };
        let found = {
            let sent: Vec<kinds::Sent> = ops.iter().map(Tracked::sent).collect();
            kinds::applied(&sent, &seen)
        };
        let config = self.caller.config();
        let (max_attempts, max_looks) = (config.max_attempts, config.create_looks.max(1));
        let mut settled = Vec::new();
        let mut verdicts = Vec::new();
        let mut resend = Vec::new();
        let mut look_again = Vec::new();
        let mut made = Vec::new();
        for (mut op, found) in ops.into_iter().zip(found) {
            let verdict = match found {
                Found::Yes => Verdict::Confirmed,
                Found::Made(group) => {
                    made.push(group.clone());
                    Verdict::Created(group)
                }
                Found::Failed { code, message } => Verdict::Failed { code, message },
                Found::NotYet if op.looks + 1 < max_looks && !self.caller.is_cancelled() => {
                    op.looks += 1;
                    look_again.push(op);
                    continue;
                }
                Found::NotYet if op.unknown => Verdict::Failed {
                    code: None,
                    message: kinds::given_up(&op.spec, now_ms().saturating_sub(op.since)),
                },
                Found::NotYet => {
                    self.emit(Event::Warning {
                        message: format!(
                            "{}: accepted, but not in the group list yet; the next submit looks for it again",
                            op.spec.describe()
                        ),
                    });
                    continue;
                }
                Found::No | Found::Unknown
                    if op.unknown
                        && kinds::send_again(op.spec.kind())
                        && self.attempts_of(op.id) < max_attempts =>
                {
                    resend.push(op);
                    continue;
                }
                Found::No | Found::Unknown if op.unknown => Verdict::Failed {
                    code: None,
                    message: format!("no answer and not applied after {max_attempts} attempts"),
                },
                // A read that cannot tell (the person is named by a key the group does not
                // show) confirms what the server took; what had no answer was left to the
                // server above: sent again, it is applied or refused (a removal of a
                // non-member is then skipped).
                Found::Unknown => Verdict::Confirmed,
                Found::No => Verdict::Failed {
                    code: None,
                    message:
                        "not applied: the server accepted it, but a read does not show the change"
                            .into(),
                },
            };
            verdicts.push(verdict);
            settled.push(op);
        }
        if let Err(e) = self
            .record_verdicts(&settled, &verdicts, None, None, Vec::new())
            .await
        {
            self.caller.store_failed(&e);
            return;
        }
        if !made.is_empty() {
            self.read_made(made).await;
        }
        if !look_again.is_empty() {
            let looks = look_again.iter().map(|op| op.looks).max().unwrap_or(1);
            let base = self
                .caller
                .config()
                .reconcile_delay
                .max(Duration::from_millis(10));
            let delay = base.saturating_mul(1 << looks.min(10)).min(MAX_LOOK_DELAY);
            self.schedule_confirm_in(confirmation.clone(), look_again, delay);
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
        if let (Confirmation::ReadGroup(group), Seen::Group(info)) = (&confirmation, &seen) {
            mirror
                .members
                .insert(group.clone(), Members::of(&info.participants));
        }
        let replan = kinds::plan(to_plan, &mut mirror);
        if let Err(e) = self.settle_plan_leftovers(&replan).await {
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
/// The group a confirmation reads (empty for the group list) and what of it.
fn what_is_read(confirmation: &Confirmation) -> (String, &'static str) {
    match confirmation {
        Confirmation::ReadGroup(group) => (group.to_string(), "members"),
        Confirmation::ReadJoinRequests(group) => (group.to_string(), "join requests"),
        Confirmation::ListGroups => (String::new(), "group list"),
        Confirmation::SendAgain => (String::new(), "changes"),
    }
}
