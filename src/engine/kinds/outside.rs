//! Events from outside the request and its answer (webhooks), and the one entry point that
//! settles operations by them.
//!
//! A webhook receiver (not built here) reads a `group_lifecycle_update` or
//! `group_settings_update` item, turns it into an [`OutsideEvent`] and calls
//! [`settle_outside`] with the item's `request_id`: the operations whose answer carried that
//! `request_id` (the store keeps it with each operation) are found, each kind says what the
//! event means for it ([`super::Kind::outside`]), and the verdicts are recorded as an answer's
//! are (states, outcomes, a create's group), in one commit. Operations already final are left
//! as they are, so a webhook delivered twice changes nothing.

use crate::domain::OpId;
use crate::store::{AccountStore, Settlement, StoreError, now_ms};

use super::Verdict;

/// What an outside event says of the change whose `request_id` it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutsideEvent {
    /// `group_create` with its group (and link, W).
    GroupCreated {
        group_id: String,
        invite_link: Option<String>,
    },
    /// `group_delete` without errors.
    GroupDeleted,
    /// `group_settings_update`: for each part sent, whether it applied (`update_successful`).
    SettingsUpdated {
        subject: Option<bool>,
        description: Option<bool>,
        photo: Option<bool>,
    },
    /// Any of those with `errors[]`: the change failed (the first error's code and message).
    Failed { code: Option<i64>, message: String },
}

/// Settles the operations whose answer carried `request_id` by `event`; returns what was
/// recorded (nothing when no open operation has that id, or the event says nothing of it).
pub async fn settle_outside(
    store: &AccountStore,
    request_id: &str,
    event: &OutsideEvent,
) -> Result<Vec<(OpId, Verdict)>, StoreError> {
    let ops = store.operations_with_request_id(request_id).await?;
    let at = now_ms();
    let mut settled = Vec::new();
    let mut settlement = Settlement::default();
    for op in ops {
        if op.state.is_final() {
            continue;
        }
        let Some(verdict) = super::outside(&op.spec, event) else {
            continue;
        };
        if matches!(verdict, Verdict::Accepted) {
            continue;
        }
        let (change, outcome) = verdict.recorded(op.id, &op.spec, at, Some(request_id.to_owned()));
        settlement.changes.push(change);
        settlement.outcomes.extend(outcome);
        settled.push((op.id, verdict));
    }
    if !settlement.changes.is_empty() {
        store.settle(settlement).await?;
    }
    Ok(settled)
}
