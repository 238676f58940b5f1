//! Test helpers: a store in a temporary directory, an account, numbers.

use tempfile::TempDir;

use super::{AccountId, Store};
use crate::domain::Participant;

/// A fresh store in its own temporary directory (kept alive by the returned guard).
pub(crate) fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("test.db")).expect("open store");
    (dir, store)
}

/// A fresh store with one account.
pub(crate) fn store_with_account() -> (TempDir, Store, AccountId) {
    let (dir, mut store) = temp_store();
    let acct = store
        .account("https://graph.example", "1000")
        .expect("account");
    (dir, store, acct)
}

/// The n-th test participant: a valid US number.
pub(crate) fn person(n: u32) -> Participant {
    Participant::parse(&format!("+1202555{:04}", n % 10_000), None).expect("valid number")
}
