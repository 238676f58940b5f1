//! Opening the local store for the configured account.

use crate::config::Settings;
use crate::exit::Failure;
use crate::store::{AccountStore, Store};

/// The store (at `--db`, `WA_GROUPS_DB`, the config's `db`, or the default place), scoped to
/// the account the settings name.
pub async fn open(settings: &Settings) -> Result<AccountStore, Failure> {
    let path = match &settings.db_path {
        Some(p) => p.clone(),
        None => Store::default_path().map_err(|e| Failure::input(e.to_string()))?,
    };
    let store =
        Store::open(&path).map_err(|e| Failure::input(format!("store {}: {e}", path.display())))?;
    let phone = settings.phone_number_id.as_deref().ok_or_else(|| {
        Failure::input("no phone number id: give --phone-number-id or set WA_PHONE_NUMBER_ID")
    })?;
    let base = crate::api::settings::check_base_url(&settings.base_url)?;
    store
        .account(base.as_str(), phone)
        .await
        .map_err(|e| Failure::input(format!("store: {e}")))
}

/// A store error at the edge: exit 2 (the local file is the problem, nothing was sent).
pub fn store_failure(e: crate::store::StoreError) -> Failure {
    Failure::input(format!("store: {e}"))
}
