//! Before sending: settle what an earlier run left open, read groups the mirror does not know,
//! and plan.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Job, Run, Tracked, lock};
use crate::api::Answer;
use crate::domain::plan::{Leftover, PendingOp, PlannedRequest};
use crate::domain::{Members, OperationState};
use crate::engine::call::ReadError;
use crate::engine::events::{Event, Scope};
use crate::engine::keep_group;
use crate::engine::kinds::{self, Confirmation, Mirror, UNKNOWN_GROUP, Verdict};
use crate::engine::reads::GroupReads;
use crate::store::{OperationFilter, StoreError, now_ms};

impl Run {
    /// Recovery of what an earlier run left open, then the plan.
    pub(super) async fn prepare(self: &Arc<Self>, scope: &Scope) -> Result<(), StoreError> {
        let store = self.caller.store().clone();
        // 0. Webhooks received and not processed yet (a receiver stopped before it could):
        //    what they settle needs no read.
        crate::engine::inbox::process_pending(&store).await?;
        // 1. Operations an earlier run left `sending` or `accepted`: settle them by reading,
        //    never by sending again blindly.
        let mut open: HashMap<Confirmation, Vec<Tracked>> = HashMap::new();
        let mut open_count = 0;
        for state in [OperationState::Sending, OperationState::Accepted] {
            for op in store.operations(OperationFilter::in_state(state)).await? {
                open_count += 1;
                open.entry(kinds::confirmation(&op.spec))
                    .or_default()
                    .push(Tracked {
                        id: op.id,
                        spec: op.spec,
                        unknown: state == OperationState::Sending,
                        since: op.updated_at,
                        looks: 0,
                    });
            }
        }
        if open_count > 0 {
            self.emit(Event::Recovering {
                operations: open_count,
                groups: open.len(),
            });
        }

        // 2. The pending operations in scope; those waiting on a recovery read are planned
        //    after it, against what it shows.
        //    Made in place from what the store read (an operation is larger than what a
        //    plan keeps of it), so a queue of many thousands is never held twice.
        let pending = store
            .operations(OperationFilter::in_state(OperationState::Pending))
            .await?;
        let mut deferred_count = 0;
        let ready: Vec<PendingOp> = {
            let mut later = lock(&self.deferred);
            pending
                .into_iter()
                .filter(|op| scope.takes(op))
                .filter_map(|op| {
                    let pending = PendingOp {
                        id: op.id,
                        spec: op.spec,
                    };
                    let waits_on = kinds::confirmation(&pending.spec);
                    if open.contains_key(&waits_on) {
                        deferred_count += 1;
                        later.entry(waits_on).or_default().push(pending);
                        None
                    } else {
                        Some(pending)
                    }
                })
                .collect()
        };

        // 3. The mirror's word on their groups; groups it does not know are read first.
        //    Changes to a group the server says does not exist (deleted) fail with its answer:
        //    nothing is sent to it.
        //    The plan fails them as the preview does (`domain::plan::fail_in_gone_groups`),
        //    against the mirror as the reads left it.
        let (mut mirror, unread) = Mirror::of(&store, &ready).await?;
        let (read, gone) = self.read_groups(unread).await;
        for (group, members) in read {
            mirror.gone.remove(&group);
            mirror.members.insert(group, members);
        }
        mirror.gone.extend(gone.keys().cloned());

        let operations = ready.len() + open_count + deferred_count;
        let mut the_plan = kinds::plan(ready, &mut mirror);
        drop(mirror);
        lock(&self.progress).operations = operations;
        self.emit(Event::RunStarted {
            operations,
            requests: the_plan.requests.len(),
            failing: the_plan.failing.len(),
        });
        let to_gone = std::mem::take(&mut the_plan.failing);
        self.fail_for_gone_groups(to_gone, &gone).await?;

        // Skipped: nothing to send; held: kept pending, with the reason.
        self.settle_plan_leftovers(&the_plan).await?;

        // Recovery first, then the writes group by group.
        let mut by_group: Vec<Vec<PlannedRequest>> = Vec::new();
        for request in the_plan.requests {
            self.emit(Event::BatchPlanned {
                group_id: request.group_id().to_owned(),
                kind: request.kind,
                participants: if request.kind.is_participant_change() {
                    request.participants().map(|p| p.label()).collect()
                } else {
                    // Whom the other kinds name (a join request's asker), if anyone.
                    request
                        .ops
                        .iter()
                        .map(|op| op.spec.person_label())
                        .filter(|who| !who.is_empty())
                        .collect()
                },
            });
            match by_group.last_mut() {
                Some(list) if list[0].group == request.group => list.push(request),
                _ => by_group.push(vec![request]),
            }
        }
        let mut queues = lock(&self.queues);
        for (confirmation, ops) in open {
            queues
                .ready_confirms
                .push_back(Job::Confirm { confirmation, ops });
        }
        for requests in by_group {
            queues.writes.push_back(Job::Write { requests });
        }
        drop(queues);
        self.emit_progress();
        Ok(())
    }

    /// Reads groups (bounded concurrency) into the mirror; the members of each group read.
    /// A group that could not be read is planned without checks (the reason is reported).
    /// The groups the server says do not exist (131041) come back apart, each with its
    /// answer (code, short message), and are marked gone in the mirror.
    async fn read_groups(
        self: &Arc<Self>,
        groups: Vec<String>,
    ) -> (Vec<(String, Members)>, HashMap<String, (i64, String)>) {
        let mut out = Vec::new();
        let mut gone = HashMap::new();
        let mut reads = GroupReads::new(&self.caller, groups, self.caller.config().concurrency);
        while let Some((group, read)) = reads.next().await {
            match read {
                Ok(Answer::Group(info)) => {
                    keep_group(&self.caller, &info).await;
                    let members = Members::of(&info.participants);
                    out.push((group, members));
                }
                Ok(_) | Err(ReadError::Stopped) => {}
                Err(ReadError::Failed(e)) if e.code() == Some(UNKNOWN_GROUP) => {
                    let store = self.caller.store();
                    if let Err(se) = store.mark_groups_gone(vec![group.clone()], now_ms()).await {
                        self.caller.store_failed(&se);
                    }
                    gone.insert(group, (UNKNOWN_GROUP, kinds::short_message(&e)));
                }
                Err(ReadError::Failed(e)) => {
                    self.emit(Event::Warning {
                        message: format!("could not read group {group} before planning: {e}"),
                    });
                }
            }
        }
        (out, gone)
    }

    /// Fails `ops`, changes to groups that do not exist, with the server's answer to the read
    /// (or, for a group the mirror shows gone and that could not be read now, the plan's
    /// reason).
    async fn fail_for_gone_groups(
        &self,
        ops: Vec<Leftover>,
        gone: &HashMap<String, (i64, String)>,
    ) -> Result<(), StoreError> {
        if ops.is_empty() {
            return Ok(());
        }
        let verdicts: Vec<Verdict> = ops
            .iter()
            .map(|op| {
                let (code, message) = op
                    .spec
                    .group()
                    .and_then(|g| gone.get(g))
                    .cloned()
                    .unwrap_or((UNKNOWN_GROUP, op.reason.clone()));
                Verdict::Failed {
                    code: Some(code),
                    message,
                }
            })
            .collect();
        let tracked: Vec<Tracked> = ops
            .into_iter()
            .map(|op| Tracked {
                id: op.id,
                spec: op.spec,
                unknown: false,
                since: now_ms(),
                looks: 0,
            })
            .collect();
        self.record_verdicts(&tracked, &verdicts, None, None, Vec::new())
            .await
    }
}
