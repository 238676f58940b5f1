//! Accounts: one per (Graph API base URL, business phone number id); everything else hangs off one.

use rusqlite::{Connection, OptionalExtension, params};

use crate::store::{AccountId, StoreError, now_ms};

/// The account for this base URL and phone number id, created on first use. The access token
/// is not part of an account and is stored nowhere.
pub(super) fn account(
    conn: &Connection,
    base_url: &str,
    phone_number_id: &str,
) -> Result<AccountId, StoreError> {
    let base_url = base_url.trim().trim_end_matches('/');
    let phone_number_id = phone_number_id.trim();
    let found = conn
        .query_row(
            "SELECT id FROM accounts WHERE base_url = ?1 AND phone_number_id = ?2",
            params![base_url, phone_number_id],
            |row| row.get(0),
        )
        .optional()?;
    let id = match found {
        Some(id) => id,
        None => {
            conn.execute(
                "INSERT INTO accounts (base_url, phone_number_id, created_at) VALUES (?1, ?2, ?3)",
                params![base_url, phone_number_id, now_ms()],
            )?;
            conn.last_insert_rowid()
        }
    };
    Ok(AccountId(id))
}
