//! Before sending: settle what an earlier run left open, read unknown groups, and plan.

use super::*;

impl Run {
    /// Recovery of what an earlier run left open, then the plan.
    pub(super) async fn prepare(&self, scope: &Scope) -> Result<(), StoreError> {
        let in_scope = |op: &Operation| match scope {
            Scope::All => true,
            Scope::Groups(groups) => groups.iter().any(|g| g == &op.group_id),
            Scope::Operations(ids) => ids.contains(&op.id.0),
        };
        // 1. Operations an earlier run left `sending` or `accepted`: settle them by reading
        //    their groups, never by sending again blindly.
        let mut open: HashMap<String, Vec<Tracked>> = HashMap::new();
        let mut open_count = 0;
        for state in [OperationState::Sending, OperationState::Accepted] {
            let ops = self.with_store(|s| s.operations_in_state(self.acct, state))?;
            for op in ops {
                open_count += 1;
                open.entry(op.group_id.clone()).or_default().push(Tracked {
                    id: op.id.0,
                    participant: op.participant,
                    kind: op.kind,
                    unknown: state == OperationState::Sending,
                });
            }
        }
        if open_count > 0 {
            self.emit(Event::Recovering {
                operations: open_count,
                groups: open.len(),
            });
        }

        // 2. The pending operations in scope, and the mirror's word on their groups.
        let pending: Vec<Operation> = self
            .with_store(|s| {
                s.operations(
                    self.acct,
                    &OperationFilter {
                        state: Some(OperationState::Pending),
                        ..OperationFilter::default()
                    },
                )
            })?
            .into_iter()
            .filter(in_scope)
            .collect();
        let (pending, deferred): (Vec<Operation>, Vec<Operation>) = pending
            .into_iter()
            .partition(|op| !open.contains_key(&op.group_id));
        let deferred_count = deferred.len();
        {
            let mut later = lock(&self.deferred);
            for op in deferred {
                later
                    .entry(op.group_id.clone())
                    .or_default()
                    .push(PendingOp {
                        id: op.id.0,
                        group_id: op.group_id,
                        participant: op.participant,
                        kind: op.kind,
                    });
            }
        }
        let groups: HashSet<&str> = pending.iter().map(|op| op.group_id.as_str()).collect();
        let mut mirror: HashMap<String, HashSet<String>> = HashMap::new();
        let mut unread = Vec::new();
        for g in groups {
            match self.with_store(|s| s.group(self.acct, g))? {
                Some(m) if m.gone_at.is_none() => {
                    mirror.insert(
                        g.to_owned(),
                        m.members.iter().map(|p| p.wa_id().to_owned()).collect(),
                    );
                }
                _ => unread.push(g.to_owned()),
            }
        }
        // Groups the mirror does not know are read first, so the plan can check them.
        for (group, info) in self.read_groups(unread).await {
            if let Some(info) = info {
                mirror.insert(group, info.participants.iter().cloned().collect());
            }
        }

        let pending_ops: Vec<PendingOp> = pending
            .iter()
            .map(|op| PendingOp {
                id: op.id.0,
                group_id: op.group_id.clone(),
                participant: op.participant.clone(),
                kind: op.kind,
            })
            .collect();
        let the_plan = plan(&pending_ops, |g| mirror.get(g).cloned());

        {
            let mut p = lock(&self.progress);
            p.operations = pending_ops.len() + open_count + deferred_count;
        }
        self.emit(Event::RunStarted {
            operations: pending_ops.len() + open_count + deferred_count,
            requests: the_plan.requests.len(),
        });

        // Skipped: nothing to send; held: kept pending, with the reason.
        self.settle_plan_leftovers(&pending_ops, &the_plan)?;

        // Recovery first, then the writes group by group.
        let mut queues = lock(&self.queues);
        for (group_id, ops) in open {
            queues
                .ready_reconciles
                .push_back(Job::Reconcile { group_id, ops });
        }
        let mut by_group: Vec<(String, Vec<PlannedRequest>)> = Vec::new();
        for request in the_plan.requests {
            self.emit(Event::BatchPlanned {
                group_id: request.group_id.clone(),
                kind: request.kind,
                participants: request
                    .ops
                    .iter()
                    .map(|(_, p)| p.e164().to_owned())
                    .collect(),
            });
            match by_group.last_mut() {
                Some((g, list)) if *g == request.group_id => list.push(request),
                _ => by_group.push((request.group_id.clone(), vec![request])),
            }
        }
        for (group_id, requests) in by_group {
            queues.writes.push_back(Job::Write { group_id, requests });
        }
        drop(queues);
        self.emit_progress();
        Ok(())
    }

    /// Reads groups (bounded concurrency) into the mirror; `None` for a group that could not
    /// be read (the reason is reported).
    pub(super) async fn read_groups(
        &self,
        groups: Vec<String>,
    ) -> Vec<(String, Option<GroupInfo>)> {
        let mut out = Vec::new();
        let mut pending: VecDeque<String> = groups.into();
        let mut set = tokio::task::JoinSet::new();
        loop {
            // A stopped or cancelled run starts no more reads.
            while set.len() < self.config.concurrency.max(1)
                && !self.stop.is_cancelled()
                && !self.cancel.is_cancelled()
            {
                let Some(group) = pending.pop_front() else {
                    break;
                };
                let client = self.client.clone();
                let pacer = Arc::clone(&self.pacer);
                let cancel = self.cancel.clone();
                set.spawn(async move {
                    tokio::select! {
                        _ = pacer.acquire() => {}
                        _ = cancel.cancelled() => return None,
                    }
                    let t0 = Instant::now();
                    let res = client.group_info(&group).await;
                    Some((group, res, t0.elapsed()))
                });
            }
            let Some(joined) = set.join_next().await else {
                break;
            };
            let Ok(Some((group, res, took))) = joined else {
                continue;
            };
            self.audit(self.exchange_of_read(&group, &res, took));
            self.note_reach(&res);
            match res {
                Ok(info) => {
                    self.pacer.on_success();
                    if let Err(e) =
                        self.with_store(|s| s.upsert_group(self.acct, &mirror_of(&info)))
                    {
                        self.store_failed(e);
                    }
                    out.push((group, Some(info)));
                }
                Err(e) => {
                    self.emit(Event::Warning {
                        message: format!("could not read group {group} before planning: {e}"),
                    });
                    out.push((group, None));
                }
            }
        }
        out
    }
}
