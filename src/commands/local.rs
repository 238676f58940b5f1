//! The local store of the configured account, for the commands that need nothing else.

use crate::config::Settings;
use crate::exit::Failure;
use crate::session::Session;
use crate::store::AccountStore;

/// The store (at `--db`, `WA_GROUPS_DB`, the config's `db`, or the default place), scoped to
/// the account the settings name.
pub async fn open(settings: &Settings) -> Result<AccountStore, Failure> {
    Ok(Session::local(settings).await?.store().clone())
}

/// A store error at the edge: exit 2 (the local file is the problem, nothing was sent).
pub fn store_failure(e: crate::store::StoreError) -> Failure {
    Failure::input(format!("store: {e}"))
}
