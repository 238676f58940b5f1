//! Before sending: settle what an earlier run left open, read groups the mirror does not know,
//! and plan.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Job, Run, Tracked, lock};
use crate::api::Answer;
use crate::domain::plan::{PendingOp, PlannedRequest};
use crate::domain::{Members, OperationState};
use crate::engine::call::ReadError;
use crate::engine::events::{Event, Scope};
use crate::engine::keep_group;
use crate::engine::kinds::{self, Confirmation, Mirror};
use crate::engine::reads::GroupReads;
use crate::store::{Operation, OperationFilter, StoreError};

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
        let pending: Vec<Operation> = store
            .operations(OperationFilter::in_state(OperationState::Pending))
            .await?
            .into_iter()
            .filter(|op| scope.takes(op))
            .collect();
        let mut ready: Vec<PendingOp> = Vec::with_capacity(pending.len());
        let mut deferred_count = 0;
        {
            let mut later = lock(&self.deferred);
            for op in pending {
                let pending = PendingOp {
                    id: op.id,
                    spec: op.spec,
                };
                let waits_on = kinds::confirmation(&pending.spec);
                if open.contains_key(&waits_on) {
                    deferred_count += 1;
                    later.entry(waits_on).or_default().push(pending);
                } else {
                    ready.push(pending);
                }
            }
        }

        // 3. The mirror's word on their groups; groups it does not know are read first.
        let (mut mirror, unread) = Mirror::of(&store, &ready).await?;
        for (group, members) in self.read_groups(unread).await {
            mirror.members.insert(group, members);
        }

        let the_plan = kinds::plan(&ready, &mirror);
        let operations = ready.len() + open_count + deferred_count;
        lock(&self.progress).operations = operations;
        self.emit(Event::RunStarted {
            operations,
            requests: the_plan.requests.len(),
        });

        // Skipped: nothing to send; held: kept pending, with the reason.
        self.settle_plan_leftovers(&ready, &the_plan).await?;

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
    async fn read_groups(self: &Arc<Self>, groups: Vec<String>) -> Vec<(String, Members)> {
        let mut out = Vec::new();
        let mut reads = GroupReads::new(&self.caller, groups, self.caller.config().concurrency);
        while let Some((group, read)) = reads.next().await {
            match read {
                Ok(Answer::Group(info)) => {
                    keep_group(&self.caller, &info).await;
                    let members = Members::of(&info.participants);
                    out.push((group, members));
                }
                Ok(_) | Err(ReadError::Stopped) => {}
                Err(ReadError::Failed(e)) => {
                    self.emit(Event::Warning {
                        message: format!("could not read group {group} before planning: {e}"),
                    });
                }
            }
        }
        out
    }
}
