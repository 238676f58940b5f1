//! Adds that changed nothing: the person was a member already, shown by another of their keys
//! (a BSUID and username, with no phone), so an add by phone could not be skipped before it
//! was sent, and undoing it must not remove them.

use crate::domain::{EventType, GroupEvent, OperationKind, Person};
use crate::engine::kinds::Verdict;
use crate::store::{AccountStore, Operation, StoreError, UnixMs};

/// The people an add event (`group_participants_add`) names who the mirror showed as members
/// of its group before the event was applied, as the mirror showed them; empty for any other
/// event, or a group the mirror lacks.
///
/// # Errors
/// A store that cannot be read.
pub async fn members_before(
    store: &AccountStore,
    event: &GroupEvent,
) -> Result<Vec<Person>, StoreError> {
    let Some(group) = event.group_id.as_deref() else {
        return Ok(Vec::new());
    };
    if event.kind != EventType::ParticipantsAdd {
        return Ok(Vec::new());
    }
    let Some(group) = store.group(group).await? else {
        return Ok(Vec::new());
    };
    Ok(event
        .people
        .iter()
        .filter_map(|p| p.person())
        .filter_map(|p| group.members.iter().find(|m| m.is(&p)).cloned())
        .collect())
}

/// An add that `event` confirmed (`verdict`), of someone in `before` (the members the event
/// found already in; the event's entry for the person added ties the number sent to the key
/// the mirror showed them by), when the mirror's view of the group dates from before the add was sent
/// (`sent_at`, ms): skipped instead, saying how the mirror showed them. Anything else is
/// left as it was.
///
/// # Errors
/// A store that cannot be read.
pub async fn unless_member_before(
    store: &AccountStore,
    op: &Operation,
    verdict: Verdict,
    event: &GroupEvent,
    before: &[Person],
    sent_at: UnixMs,
) -> Result<Verdict, StoreError> {
    if verdict != Verdict::Confirmed || op.kind() != OperationKind::Add {
        return Ok(verdict);
    }
    let Some(added) = op.person() else {
        return Ok(verdict);
    };
    let named = event
        .people
        .iter()
        .filter_map(|p| p.person())
        .find(|p| p.is(added))
        .map_or_else(|| added.clone(), |p| p.completed_by(added));
    let Some(was) = before.iter().find(|m| m.is(&named)) else {
        return Ok(verdict);
    };
    let read_before = match op.group() {
        Some(group) => store
            .group(group)
            .await?
            .is_some_and(|g| g.read_at <= sent_at),
        None => false,
    };
    Ok(if read_before {
        Verdict::Skipped(format!(
            "already a member, shown as {}: the add changed nothing",
            was.label()
        ))
    } else {
        verdict
    })
}
