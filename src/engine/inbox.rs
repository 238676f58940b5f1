//! Processing the webhook inbox: each received group event, once, settles the accepted
//! operations it speaks of (through the kinds: [`kinds::settle_by_event`]) and moves the
//! mirror (members who joined or left, groups made or deleted). Operations are found by the
//! `request_id` the event names, or, for events of users, by group and person.
//!
//! An event can arrive before the answer that gives its operations their request id (the
//! server sends it as it applies the change): then it settles nothing at first, and
//! [`settle_request`] puts it to them once the answer is recorded. Either way an operation is
//! moved only while it is still `accepted`, in the same commit that records the event's
//! effects, so each operation is settled once, by an event or by a read.

use crate::domain::{EventType, GroupEvent, OperationState};
use crate::engine::kinds::{self, EventMatch};
use crate::store::{
    AccountStore, EventApplication, EventEffects, EventRecord, GroupChange, MemberChange,
    Operation, OperationFilter, StoreError, now_ms,
};

/// Events taken from the store at a time.
const BATCH: usize = 256;

/// What processing did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Processed {
    pub events: usize,
    /// Operations settled.
    pub operations: usize,
}

/// Processes every event of the account not processed yet, oldest first.
pub async fn process_pending(store: &AccountStore) -> Result<Processed, StoreError> {
    let mut done = Processed::default();
    loop {
        let batch = store.unprocessed_events(BATCH).await?;
        if batch.is_empty() {
            return Ok(done);
        }
        for record in &batch {
            let effects = process(store, record, true).await?;
            done.events += 1;
            done.operations += effects.operations.len();
        }
    }
}

/// Puts the events already received for `request_id` to its operations, once the answer
/// that gave them that id is recorded. Returns how many operations they settled.
pub async fn settle_request(store: &AccountStore, request_id: &str) -> Result<usize, StoreError> {
    let mut settled = 0;
    for record in store.events_with_request_id(request_id).await? {
        // Also an event whose processing (elsewhere) may have looked for these operations
        // before the answer was recorded: only their settlement is added here, its mirror
        // changes are its first processing's.
        let before = record.effects.operations.len();
        let effects = process(store, &record, false).await?;
        settled += effects.operations.len().saturating_sub(before);
    }
    Ok(settled)
}

/// Works out what one event settles and moves, and has the store apply it in one commit.
/// `first`: the event's first processing (its mirror changes and notes are applied too).
async fn process(
    store: &AccountStore,
    record: &EventRecord,
    first: bool,
) -> Result<EventEffects, StoreError> {
    let event = &record.event;
    let at = event.at.unwrap_or(record.received_at);
    let mut app = EventApplication {
        event_id: record.id,
        first,
        ..EventApplication::default()
    };
    for (op, how) in candidates(store, event, at).await? {
        if let Some(verdict) = kinds::settle_by_event(&op.spec, event, how) {
            let (change, outcome) =
                verdict.record(op.id, &op.spec, event.request_id.clone(), now_ms());
            if let Some(outcome) = outcome {
                app.settle.push((change, outcome));
            }
        }
    }
    if first {
        mirror_changes(store, event, at, &mut app).await?;
    }
    if app.settle.is_empty() && !first {
        return Ok(record.effects.clone());
    }
    store.apply_event(app).await
}

/// The accepted operations an event may settle, and why: those that carried its request id;
/// for an event without one, those of its group whose person it names, accepted before it
/// happened (a second of slack: its time is in whole seconds).
async fn candidates(
    store: &AccountStore,
    event: &GroupEvent,
    at: i64,
) -> Result<Vec<(Operation, EventMatch)>, StoreError> {
    let accepted = |op: &Operation| op.state == OperationState::Accepted;
    if let Some(request_id) = &event.request_id {
        let ops = store.operations_with_request_id(request_id).await?;
        return Ok(ops
            .into_iter()
            .filter(accepted)
            .map(|op| (op, EventMatch::Request))
            .collect());
    }
    let Some(group) = &event.group_id else {
        return Ok(Vec::new());
    };
    if event.people.is_empty() {
        return Ok(Vec::new());
    }
    let ops = store
        .operations(OperationFilter {
            group: Some(group.clone()),
            state: Some(OperationState::Accepted),
            ..OperationFilter::default()
        })
        .await?;
    Ok(ops
        .into_iter()
        .filter(|op| op.updated_at <= at + 1000)
        .filter(|op| op.participant().is_some_and(|p| event.names(p)))
        .map(|op| (op, EventMatch::Member))
        .collect())
}

/// What the event changes in the mirror: members who joined or left (those named by phone
/// number: the mirror keys members by it), groups made, deleted or renamed; and, for a join,
/// whether it was an approval (the person had asked to join). Join requests and suspensions
/// are kept with the event and shown; the mirror has no place for pending join requests or a
/// group's suspension yet (the lifecycle work adds both), and they are applied here once it has.
async fn mirror_changes(
    store: &AccountStore,
    event: &GroupEvent,
    at: i64,
    app: &mut EventApplication,
) -> Result<(), StoreError> {
    let group = event.group_id.clone();
    match (&event.kind, group) {
        (EventType::ParticipantsAdd | EventType::ParticipantsRemove, Some(group)) => {
            for m in event.member_moves() {
                match m.person.participant() {
                    Some(participant) => app.members.push(MemberChange {
                        group_id: group.clone(),
                        participant,
                        joined: m.joined,
                        at,
                    }),
                    None => app.notes.push(format!(
                        "{}: no phone number shown; the mirror keeps members by phone number",
                        m.person.label()
                    )),
                }
            }
            if event.kind == EventType::ParticipantsAdd && !event.by_business() {
                app.by_approval = event.people.iter().any(|p| p.input.is_some());
                for person in &event.people {
                    if !app.by_approval {
                        app.by_approval = store.join_request_open(&group, person.keys()).await?;
                    }
                }
            }
        }
        (EventType::GroupCreate, Some(id)) if event.errors.is_empty() => {
            app.group = Some(GroupChange::Created {
                id,
                subject: event.subject.clone().unwrap_or_default(),
                at,
            });
        }
        (EventType::GroupDelete, Some(id)) if event.errors.is_empty() => {
            app.group = Some(GroupChange::Deleted { id, at });
        }
        (EventType::SettingsUpdate, Some(id)) => {
            let subject = event
                .settings
                .iter()
                .find(|s| s.part == "subject" && s.ok)
                .and_then(|s| s.text.clone());
            if let Some(subject) = subject {
                app.group = Some(GroupChange::Renamed { id, subject });
            }
        }
        (_, None) if event.kind != EventType::GroupCreate => {
            app.notes.push("no group id: nothing to apply".to_owned());
        }
        _ => {}
    }
    Ok(())
}
