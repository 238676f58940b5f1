//! A join request as a change names it: its id and who asked.

use serde::{Deserialize, Serialize};

/// One pending join request (`join_request_id`, §1.7) and the person who made it, as far as
/// the server showed them (`wa_id` may be hidden; then the BSUID or username names them).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JoinRequestRef {
    pub id: String,
    /// The asker's wa_id (digits), when shown.
    pub wa_id: Option<String>,
    /// How to name the asker when no wa_id is shown: a username or a BSUID.
    pub who: Option<String>,
}

impl JoinRequestRef {
    /// The asker for lines and dialogs: `+15550100001`, a username, a BSUID, or the request id.
    pub fn label(&self) -> String {
        match (&self.wa_id, &self.who) {
            (Some(w), _) => format!("+{w}"),
            (None, Some(who)) => who.clone(),
            (None, None) => format!("request {}", self.id),
        }
    }
}
