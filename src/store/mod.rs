//! The local store: the truth about accounts, the groups mirror, the operations queue and the
//! audit trail.
//!
//! [`Store`] is a cheap, cloneable handle on one store (today a SQLite file; the backend is a
//! closed set behind it). [`Store::account`] gives an [`AccountStore`], scoped to one account:
//! every call it makes concerns that account only. Calls are async and never block the caller's
//! thread; a call that changes the store is answered once its change is committed. The queue's
//! rules and the state moves are `domain`'s; the backends only persist them. Times are
//! [`UnixMs`] (milliseconds since the Unix epoch, UTC) everywhere.

mod audit;
mod clock;
#[cfg(test)]
mod contract;
mod enqueue;
mod error;
mod handle;
mod ids;
mod inbox;
mod mirror;
mod moves;
mod operation;
mod redact;
pub mod sqlite;
mod target;
#[cfg(test)]
pub(crate) mod testing;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use audit::{Exchange, ExchangeRecord, Outcome, OutcomeRecord};
pub use clock::{UnixMs, now_ms};
pub use enqueue::{Cancellation, EnqueueReport, Flagged, Pushed, Replacement};
pub use error::StoreError;
pub use handle::{AccountStore, ImportTx};
pub use ids::{AccountId, ExchangeId};
pub use inbox::{
    EventApplication, EventEffects, EventFilter, EventProbe, EventRecord, GroupChange,
    MemberChange, NewEvent, NumberBatch, Received, SettledOp,
};
pub use mirror::{GroupAbout, GroupSummary, MirrorChange, MirrorGroup, StoredJoinRequest};
pub use moves::{SettledAnswer, Settlement, StateChange};
pub use operation::{DropReport, DropScope, Operation, OperationFilter, Undone};
pub use sqlite::lock::{LockError, SendLock};
pub use sqlite::schema::SCHEMA_VERSION;
pub use target::{TargetDiff, TargetMembership};

pub use crate::domain::OpId;

/// An open store. Cheap to clone; every clone is the same store.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
}

/// The backends a store can be on.
#[derive(Clone)]
enum Backend {
    Sqlite(Arc<sqlite::Sqlite>),
}

impl Store {
    /// Opens (creating if needed, with mode 0600) the SQLite store at `path` and brings its
    /// schema up to date. A store written by a newer build is refused with
    /// [`StoreError::TooNew`].
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Ok(Store {
            backend: Backend::Sqlite(Arc::new(sqlite::Sqlite::open(path)?)),
        })
    }

    /// `<data dir>/wa-groups.db`, the data dir as the platform has it
    /// (`~/.local/share/wa-groups` on Linux).
    pub fn default_path() -> Result<PathBuf, StoreError> {
        crate::paths::data_dir()
            .map(|dir| dir.join("wa-groups.db"))
            .ok_or(StoreError::NoDataDir)
    }

    /// Where the store is, for messages: its file.
    pub fn location(&self) -> String {
        match &self.backend {
            Backend::Sqlite(db) => db.path().display().to_string(),
        }
    }

    /// The store scoped to the account for this base URL and phone number id, created on first
    /// use. The access token is not part of an account and is stored nowhere.
    pub async fn account(
        &self,
        base_url: &str,
        phone_number_id: &str,
    ) -> Result<AccountStore, StoreError> {
        let acct = match &self.backend {
            Backend::Sqlite(db) => db.account(base_url, phone_number_id).await?,
        };
        Ok(AccountStore::new(self.clone(), acct))
    }

    /// A receiver whose value moves after every change of the store, made by this process or
    /// by another one (noticed within a quarter of a second).
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        match &self.backend {
            Backend::Sqlite(db) => db.changes(),
        }
    }

    /// Stores the events of one delivery (or of a whole ingested file) in one commit, each
    /// under the account of its business number at `base_url` (created on first use), each
    /// once: an event an account already has is counted as delivered again, not stored twice.
    /// Answered once committed, so a delivery is acknowledged only when it cannot be lost.
    pub async fn receive_events(
        &self,
        base_url: &str,
        batches: Vec<NumberBatch>,
    ) -> Result<Vec<(AccountId, Received)>, StoreError> {
        self.sqlite()
            .receive_events(base_url.to_owned(), batches)
            .await
    }

    /// The business numbers at `base_url` that have events not processed yet.
    pub async fn numbers_with_unprocessed_events(
        &self,
        base_url: &str,
    ) -> Result<Vec<String>, StoreError> {
        self.sqlite()
            .numbers_with_unprocessed_events(base_url.to_owned())
            .await
    }

    fn sqlite(&self) -> &sqlite::Sqlite {
        match &self.backend {
            Backend::Sqlite(db) => db,
        }
    }
}
