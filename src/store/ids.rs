//! Typed row ids, so an account id is never taken for an operation id.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One Graph API account (a base URL and a business phone number id). Every query is scoped by
/// one, so two accounts never mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountId(pub i64);

/// One recorded HTTP exchange of the audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExchangeId(pub i64);

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "account {}", self.0)
    }
}
