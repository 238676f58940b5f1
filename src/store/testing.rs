//! Test helpers for the store: a store in a temporary directory, an account, numbers.

use tempfile::TempDir;

use super::{AccountStore, Store};

pub(crate) use crate::testing::person;

/// A fresh store in its own temporary directory (kept alive by the returned guard).
pub(crate) fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("test.db")).expect("open store");
    (dir, store)
}

/// A fresh store with one account.
pub(crate) async fn store_with_account() -> (TempDir, AccountStore) {
    crate::testing::account_store().await
}
