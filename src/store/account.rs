//! Accounts: one per (Graph API base URL, business phone number id); everything else hangs off one.

use rusqlite::{OptionalExtension, params};

use super::{AccountId, Store, StoreError, now_ms};

impl Store {
    /// The account for this base URL and phone number id, created on first use. The access
    /// token is not part of an account and is stored nowhere.
    pub fn account(
        &mut self,
        base_url: &str,
        phone_number_id: &str,
    ) -> Result<AccountId, StoreError> {
        let base_url = base_url.trim().trim_end_matches('/');
        let phone_number_id = phone_number_id.trim();
        let tx = self.write_tx()?;
        let found = tx
            .query_row(
                "SELECT id FROM accounts WHERE base_url = ?1 AND phone_number_id = ?2",
                params![base_url, phone_number_id],
                |row| row.get(0),
            )
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                tx.execute(
                    "INSERT INTO accounts (base_url, phone_number_id, created_at) VALUES (?1, ?2, ?3)",
                    params![base_url, phone_number_id, now_ms()],
                )?;
                tx.last_insert_rowid()
            }
        };
        tx.commit()?;
        Ok(AccountId(id))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::temp_store;

    #[test]
    fn the_same_account_is_found_again_and_others_are_distinct() {
        let (_dir, mut store) = temp_store();
        let a = store
            .account("https://graph.facebook.com/v23.0", "1")
            .expect("a");
        let again = store
            .account("https://graph.facebook.com/v23.0/", " 1")
            .expect("again");
        let other_phone = store
            .account("https://graph.facebook.com/v23.0", "2")
            .expect("b");
        let other_url = store.account("http://127.0.0.1:9/v23.0", "1").expect("c");
        assert_eq!(a, again);
        assert_ne!(a, other_phone);
        assert_ne!(a, other_url);
        assert_ne!(other_phone, other_url);
    }
}
