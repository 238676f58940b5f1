//! The store scoped to one account: every call of the queue, the mirror and the audit trail,
//! async, answered once committed.

use std::collections::BTreeMap;

use super::sqlite::SqliteImport;
use super::{
    AccountId, DropReport, DropScope, EnqueueReport, EventApplication, EventEffects, EventFilter,
    EventProbe, EventRecord, Exchange, ExchangeRecord, GroupSummary, LockError, MirrorGroup,
    Operation, OperationFilter, OutcomeRecord, Pushed, SendLock, SettledAnswer, Settlement, Store,
    StoreError, StoredJoinRequest, TargetDiff, TargetMembership, Undone, UnixMs,
};
use crate::domain::{OpId, OpSpec, OperationState, Person, Query};

/// One account's part of the store. Cheap to clone.
#[derive(Clone)]
pub struct AccountStore {
    store: Store,
    acct: AccountId,
}

impl AccountStore {
    pub(super) fn new(store: Store, acct: AccountId) -> AccountStore {
        AccountStore { store, acct }
    }

    /// The account this handle is scoped to.
    pub fn id(&self) -> AccountId {
        self.acct
    }

    /// The whole store (for another account, or its change feed).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Takes this account's send lock: one process sends for an account at a time. Never
    /// waits; says who holds it when it is taken.
    pub fn lock_sender(&self) -> Result<SendLock, LockError> {
        SendLock::try_acquire(self.store.sqlite().path(), self.acct)
    }

    /// Queues changes in one transaction by the queue rules (`domain::queue`): the same
    /// pending change twice is one; a later change for the same slot replaces the open one;
    /// doubtful changes are stored with a flag.
    pub async fn enqueue(&self, specs: Vec<OpSpec>) -> Result<EnqueueReport, StoreError> {
        self.store.sqlite().enqueue(self.acct, specs).await
    }

    /// Opens an import: one transaction fed in chunks, all or nothing. Its calls block: use it
    /// from a blocking thread.
    pub fn begin_import(&self) -> Result<ImportTx, StoreError> {
        Ok(ImportTx {
            inner: self.store.sqlite().begin_import(self.acct)?,
            _store: self.store.clone(),
        })
    }

    /// Claims pending operations for one attempt (`sending`, attempts counted), all or
    /// nothing; answered only once the claim is committed, so an operation is marked as
    /// being sent before any request carrying it leaves.
    pub async fn claim(&self, ids: Vec<OpId>, attempt_id: String) -> Result<(), StoreError> {
        self.store.sqlite().claim(self.acct, ids, attempt_id).await
    }

    /// Records what one answer settled, in one commit.
    pub async fn settle(&self, settlement: Settlement) -> Result<(), StoreError> {
        self.store.sqlite().settle(self.acct, settlement).await
    }

    /// [`AccountStore::settle`] where some operations may have been settled elsewhere
    /// meanwhile (by a webhook another process took): those already in a final state are left
    /// as they are, without an outcome row. Returns the operations that moved.
    pub async fn settle_open(&self, settlement: Settlement) -> Result<Vec<OpId>, StoreError> {
        self.store.sqlite().settle_open(self.acct, settlement).await
    }

    /// [`AccountStore::settle_open`] for an answer, and, read in the same commit, whether an
    /// event `probe` names is stored. An event stored later finds the answer recorded; one
    /// stored before is told here, so its settlement is looked for only when there is one.
    pub async fn settle_answer(
        &self,
        settlement: Settlement,
        probe: EventProbe,
    ) -> Result<SettledAnswer, StoreError> {
        self.store
            .sqlite()
            .settle_answer(self.acct, settlement, probe)
            .await
    }

    /// The webhook events not processed yet, oldest first, at most `limit`.
    pub async fn unprocessed_events(&self, limit: usize) -> Result<Vec<EventRecord>, StoreError> {
        self.store
            .sqlite()
            .unprocessed_events(self.acct, limit)
            .await
    }

    /// The webhook events that name `request_id`, oldest first.
    pub async fn events_with_request_id(
        &self,
        request_id: &str,
    ) -> Result<Vec<EventRecord>, StoreError> {
        self.store
            .sqlite()
            .events_with_request_id(self.acct, request_id.to_owned())
            .await
    }

    /// The webhook events `filter` picks.
    pub async fn events(&self, filter: EventFilter) -> Result<Vec<EventRecord>, StoreError> {
        self.store.sqlite().events(self.acct, filter).await
    }

    /// Where processing has got to: the place of the latest processed event.
    pub async fn latest_event_seq(&self) -> Result<Option<i64>, StoreError> {
        self.store.sqlite().latest_event_seq(self.acct).await
    }

    /// Whether someone known by one of `keys` (wa_id, BSUID) has asked to join `group` and
    /// not withdrawn, nor joined or left since.
    pub async fn join_request_open(
        &self,
        group: &str,
        keys: Vec<String>,
    ) -> Result<bool, StoreError> {
        self.store
            .sqlite()
            .join_request_open(self.acct, group.to_owned(), keys)
            .await
    }

    /// Applies what processing one event found, in one commit (see [`EventApplication`]);
    /// returns the event's effects as now recorded.
    pub async fn apply_event(&self, app: EventApplication) -> Result<EventEffects, StoreError> {
        self.store.sqlite().apply_event(self.acct, app).await
    }

    /// Puts operations back to pending (or skipped when a later change took their slot), with
    /// the exchange that showed they were not applied, in one commit. Returns how many are
    /// pending again.
    pub async fn reset(
        &self,
        ids: Vec<OpId>,
        exchange: Option<Exchange>,
    ) -> Result<usize, StoreError> {
        self.store.sqlite().reset(self.acct, ids, exchange).await
    }

    /// Appends one HTTP exchange to the audit trail.
    pub async fn audit(&self, exchange: Exchange) -> Result<(), StoreError> {
        self.store.sqlite().audit(self.acct, exchange).await
    }

    /// The operations matching `filter`, oldest first.
    pub async fn operations(&self, filter: OperationFilter) -> Result<Vec<Operation>, StoreError> {
        self.store.sqlite().operations(self.acct, filter).await
    }

    /// How many operations are in each state (every state present, zeros included); a failed
    /// one queued again since (a later change holds its slot: `queue retry`, the app's retry)
    /// is history and not counted as failed.
    pub async fn count_by_state(&self) -> Result<BTreeMap<OperationState, usize>, StoreError> {
        self.store.sqlite().count_by_state(self.acct).await
    }

    /// Deletes the matching operations, except those being sent.
    pub async fn drop_operations(&self, scope: DropScope) -> Result<DropReport, StoreError> {
        self.store.sqlite().drop_operations(self.acct, scope).await
    }

    /// Takes back operations, one by one: a pending one leaves the queue; one the server took
    /// is reversed by queueing the change that undoes it; one being sent cannot be undone yet.
    pub async fn undo(&self, ids: Vec<OpId>) -> Vec<(OpId, Result<Undone, StoreError>)> {
        self.store.sqlite().undo(self.acct, ids).await
    }

    /// Stores what the server says about groups (one commit), replacing their members.
    pub async fn upsert_groups(&self, groups: Vec<MirrorGroup>) -> Result<(), StoreError> {
        self.store.sqlite().upsert_groups(self.acct, groups).await
    }

    /// After a complete read of the group list: marks groups not in `seen` gone (as of
    /// `read_at`, rows kept), those in it present. Returns how many were newly marked gone.
    pub async fn mark_gone_except(
        &self,
        seen: Vec<String>,
        read_at: UnixMs,
    ) -> Result<usize, StoreError> {
        self.store
            .sqlite()
            .mark_gone_except(self.acct, seen, read_at)
            .await
    }

    /// One group of the mirror, with its members.
    pub async fn group(&self, id: &str) -> Result<Option<MirrorGroup>, StoreError> {
        self.store.sqlite().group(self.acct, id.to_owned()).await
    }

    /// The mirror's groups among `ids`, with their members (unknown ids left out).
    pub async fn groups_of(&self, ids: Vec<String>) -> Result<Vec<MirrorGroup>, StoreError> {
        self.store.sqlite().groups_of(self.acct, ids).await
    }

    /// Every group of the mirror (gone ones included, flagged), by subject, with the number of
    /// pending and failed operations of each.
    pub async fn groups(&self) -> Result<Vec<GroupSummary>, StoreError> {
        self.store.sqlite().groups(self.acct).await
    }

    /// The groups the mirror lists someone answering `query` in (a phone in any of
    /// WhatsApp's forms of it, a BSUID, or a username in any case), each with that member as
    /// the group lists them; by subject, each group once.
    pub async fn groups_with_member(
        &self,
        query: &Query,
    ) -> Result<Vec<(GroupSummary, Person)>, StoreError> {
        self.store
            .sqlite()
            .groups_with_member(self.acct, query.clone())
            .await
    }

    /// The pending adds of someone answering `query` (as [`Self::groups_with_member`] finds
    /// members): each add's group and id, oldest first.
    pub async fn pending_adds_of(&self, query: &Query) -> Result<Vec<(String, OpId)>, StoreError> {
        self.store
            .sqlite()
            .pending_adds_of(self.acct, query.clone())
            .await
    }

    /// The adds and removes that would make each group of `target` have exactly its members,
    /// and the pending changes that would undo it ([`TargetMembership::contradicted`]).
    pub async fn diff_target(&self, target: &TargetMembership) -> Result<TargetDiff, StoreError> {
        let ids = target.groups().map(|(id, _)| id.to_owned()).collect();
        let known: std::collections::HashMap<String, MirrorGroup> = self
            .groups_of(ids)
            .await?
            .into_iter()
            .map(|g| (g.id.clone(), g))
            .collect();
        let mut diff = target.diff(|id| known.get(id).cloned());
        let pending = self
            .operations(OperationFilter::in_state(OperationState::Pending))
            .await?;
        diff.withdrawals = target.contradicted(pending);
        Ok(diff)
    }

    /// The account's exchanges, oldest first.
    pub async fn exchanges(&self) -> Result<Vec<ExchangeRecord>, StoreError> {
        self.store.sqlite().exchanges(self.acct).await
    }

    /// Makes the store write uncommitted pages to the WAL early, so tests can show that such
    /// pages are never taken for committed ones.
    #[cfg(test)]
    pub(crate) async fn spill_early_for_test(&self) {
        self.store
            .sqlite()
            .write_raw(|c| Ok(c.pragma_update(None, "cache_size", 16)?))
            .await
            .expect("cache_size");
    }

    /// Marks groups gone as of `at` (a delete confirmed, or a read that says the group does not
    /// exist); their rows stay, their pending join requests go. Returns how many were newly gone.
    pub async fn mark_groups_gone(
        &self,
        ids: Vec<String>,
        at: UnixMs,
    ) -> Result<usize, StoreError> {
        self.store
            .sqlite()
            .mark_groups_gone(self.acct, ids, at)
            .await
    }

    /// Sets a group's invite link as read at `read_at` (`None`: it has none now).
    pub async fn set_invite_link(
        &self,
        group: &str,
        link: Option<String>,
        read_at: UnixMs,
    ) -> Result<(), StoreError> {
        self.store
            .sqlite()
            .set_invite_link(self.acct, group.to_owned(), link, read_at)
            .await
    }

    /// Replaces a group's pending join requests with those read at `read_at`.
    pub async fn set_join_requests(
        &self,
        group: &str,
        requests: Vec<StoredJoinRequest>,
        read_at: UnixMs,
    ) -> Result<(), StoreError> {
        self.store
            .sqlite()
            .set_join_requests(self.acct, group.to_owned(), requests, read_at)
            .await
    }

    /// The pending join requests of `group` (or of every group), as last read.
    pub async fn join_requests(
        &self,
        group: Option<&str>,
    ) -> Result<Vec<StoredJoinRequest>, StoreError> {
        self.store
            .sqlite()
            .join_requests(self.acct, group.map(str::to_owned))
            .await
    }

    /// The operations whose answer carried `request_id` (what a webhook names), oldest first.
    pub async fn operations_with_request_id(
        &self,
        request_id: &str,
    ) -> Result<Vec<Operation>, StoreError> {
        self.store
            .sqlite()
            .operations_with_request_id(self.acct, request_id.to_owned())
            .await
    }

    /// The groups creates made (so a create is never matched to another's group).
    pub async fn created_groups(&self) -> Result<std::collections::HashSet<String>, StoreError> {
        self.store.sqlite().created_groups(self.acct).await
    }

    /// The account's participant outcomes, oldest first.
    pub async fn outcomes(&self) -> Result<Vec<OutcomeRecord>, StoreError> {
        self.store.sqlite().outcomes(self.acct, None).await
    }

    /// The account's newest `n` participant outcomes, oldest first (what the app's log shows
    /// of the runs before it started).
    pub async fn latest_outcomes(&self, n: usize) -> Result<Vec<OutcomeRecord>, StoreError> {
        self.store.sqlite().outcomes(self.acct, Some(n)).await
    }
}

/// An import's open transaction: chunks of changes pushed by the queue rules, visible to
/// others only at [`ImportTx::commit`]; dropping it stores nothing. Blocking calls.
pub struct ImportTx {
    inner: SqliteImport,
    /// Keeps the store open while the import is (dropped after `inner`).
    _store: Store,
}

impl ImportTx {
    /// Queues a chunk of changes; what each push did, in order.
    pub fn push(&self, specs: Vec<OpSpec>) -> Result<Vec<Pushed>, StoreError> {
        self.inner.push(specs)
    }

    /// Makes everything pushed visible at once.
    pub fn commit(self) -> Result<(), StoreError> {
        self.inner.commit()
    }
}
