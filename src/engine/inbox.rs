//! Processing the webhook inbox: each received group event, once, settles the open
//! operations it speaks of (through the kinds: [`kinds::settle_by_event`], the one place an
//! event from outside a request and its answer settles an operation) and moves the mirror
//! (members who joined or left, groups made, renamed, deleted or suspended, join requests
//! opened and closed). Operations are found by the `request_id` the event names, or, for
//! events without one (or with one no operation carried), by group and person, and for an
//! approval by the person who asked.
//!
//! An event can arrive before the answer that gives its operations their request id (the
//! server sends it as it applies the change): then it settles nothing at first, and
//! [`settle_answered`] puts it to them once the answer is recorded. Either way an operation is
//! moved only while it is still `accepted`, in the same commit that records the event's
//! effects, through [`Verdict::recorded`] as an answer's verdicts are, so each operation is
//! settled once, by an event or by a read.

use crate::domain::{EventType, GroupEvent, OpId, OpSpec, OperationState};
use crate::engine::already;
use crate::engine::kinds::{self, EventMatch, Verdict};
use crate::store::{
    AccountStore, EventApplication, EventEffects, EventFilter, EventProbe, EventRecord,
    GroupChange, MemberChange, Operation, OperationFilter, StoreError, StoredJoinRequest, UnixMs,
    now_ms,
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
            let effects = process(store, record, None).await?;
            done.events += 1;
            done.operations += effects.operations.len();
        }
    }
}

/// A request whose answer was just recorded: its operations, the group it was for, when it
/// was sent, and the `request_id` its answer carried (if any).
#[derive(Clone, Copy, Debug)]
pub struct Answered<'a> {
    pub ids: &'a [OpId],
    pub group: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub sent_at: UnixMs,
}

/// Where the events that may speak of a request just answered are (what [`settle_answered`]
/// reads): those naming its `request_id`, and those of its group from a second before it was
/// sent on. The store tells, in the commit that records the answer, whether one is there.
pub fn probe(answered: &Answered<'_>) -> EventProbe {
    EventProbe {
        request_id: answered.request_id.map(str::to_owned),
        group: answered.group.map(str::to_owned),
        since: answered.sent_at - 1000,
    }
}

/// Puts the events already received that may speak of a request just answered to its
/// operations: those naming its `request_id`, and those of its group since it was sent (they
/// find its operations by group and person, or by group when no operation carried their
/// `request_id`). The server sends an event as it applies the change, so it can come before
/// the answer: its first processing found the operations not accepted yet. Only their
/// settlement is added here; an event's mirror changes are its first processing's. Returns
/// how many operations they settled.
pub async fn settle_answered(
    store: &AccountStore,
    answered: &Answered<'_>,
) -> Result<usize, StoreError> {
    let probe = probe(answered);
    let mut records = match &probe.request_id {
        Some(request_id) => store.events_with_request_id(request_id).await?,
        None => Vec::new(),
    };
    if let Some(group) = probe.group {
        let recent = store
            .events(EventFilter {
                group: Some(group),
                since: Some(probe.since),
                limit: Some(BATCH),
                ..EventFilter::default()
            })
            .await?;
        for record in recent {
            if !records.iter().any(|r| r.id == record.id) {
                records.push(record);
            }
        }
    }
    let mut settled = 0;
    for record in records {
        let before = record.effects.operations.len();
        let effects = process(store, &record, Some(answered)).await?;
        settled += effects.operations.len().saturating_sub(before);
    }
    Ok(settled)
}

/// Works out what one event settles and moves, and has the store apply it in one commit:
/// its first processing (`answered` is `None`: its mirror changes and notes are applied too),
/// or its settlement of a request answered after it came.
async fn process(
    store: &AccountStore,
    record: &EventRecord,
    answered: Option<&Answered<'_>>,
) -> Result<EventEffects, StoreError> {
    let first = answered.is_none();
    let event = &record.event;
    let at = event.at.unwrap_or(record.received_at);
    let mut app = EventApplication {
        event_id: record.id,
        first,
        ..EventApplication::default()
    };
    // A create's webhook carries no description (`group_create`: group_id, subject,
    // invite_link, join_approval_mode): the create it settles has it.
    let mut described = None;
    let before = if first {
        app.already_members = already::members_before(store, event).await?;
        app.already_members.clone()
    } else {
        record.effects.already_members.clone()
    };
    for (op, how) in candidates(store, event, at, answered).await? {
        let Some(verdict) = kinds::settle_by_event(&op.spec, event, how) else {
            continue;
        };
        let sent_at = answered.map_or(op.updated_at, |a| a.sent_at);
        let verdict =
            already::unless_member_before(store, &op, verdict, event, &before, sent_at).await?;
        if let OpSpec::Create { new, .. } = &op.spec {
            described = new.description.clone();
        }
        if verdict == Verdict::Accepted {
            continue;
        }
        let (change, outcome) =
            verdict.recorded(op.id, &op.spec, now_ms(), event.request_id.clone());
        if let Some(outcome) = outcome {
            app.settle.push((change, outcome));
        }
    }
    if first {
        mirror_changes(store, event, at, &mut app).await?;
        for change in &mut app.groups {
            if let GroupChange::Created { description, .. } = change
                && description.is_none()
            {
                description.clone_from(&described);
            }
        }
    }
    if app.settle.is_empty() && !first {
        return Ok(record.effects.clone());
    }
    store.apply_event(app).await
}

/// The accepted operations an event may settle, and why: those that carried its request id;
/// for an event without one, or with one no operation carried (the answer gave none), those
/// of its group sent before it happened (a second of slack: its time is in whole seconds)
/// whose person it names (the asker, for a join decision), or, for an event about the whole
/// group, those whose answer carried no request id either. For a request just answered, only
/// its operations, sent when it was.
async fn candidates(
    store: &AccountStore,
    event: &GroupEvent,
    at: i64,
    answered: Option<&Answered<'_>>,
) -> Result<Vec<(Operation, EventMatch)>, StoreError> {
    let open = |op: &Operation| {
        op.state == OperationState::Accepted && answered.is_none_or(|a| a.ids.contains(&op.id))
    };
    if let Some(request_id) = &event.request_id {
        let carried = store.operations_with_request_id(request_id).await?;
        if !carried.is_empty() {
            return Ok(carried
                .into_iter()
                .filter(open)
                .map(|op| (op, EventMatch::Request))
                .collect());
        }
    }
    let Some(group) = &event.group_id else {
        return Ok(Vec::new());
    };
    let whole_group = event.people.is_empty();
    if whole_group && event.request_id.is_none() {
        return Ok(Vec::new());
    }
    let ops = store
        .operations(OperationFilter {
            group: Some(group.clone()),
            state: Some(OperationState::Accepted),
            ..OperationFilter::default()
        })
        .await?;
    let sent_at = |op: &Operation| answered.map_or(op.updated_at, |a| a.sent_at);
    Ok(ops
        .into_iter()
        .filter(|op| open(op) && sent_at(op) <= at + 1000)
        .filter_map(|op| {
            if whole_group {
                op.request_id.is_none().then_some((op, EventMatch::Group))
            } else {
                let named = op.spec.who().is_some_and(|p| event.names(p));
                named.then_some((op, EventMatch::Member))
            }
        })
        .collect())
}

/// What the event changes in the mirror: members who joined or left (each with every key the
/// event gives: phone, BSUID, username), groups made, deleted, renamed or suspended, join
/// requests opened and closed (by their withdrawal, or by the asker getting in); and, for a
/// join, whether it was an approval (the person had asked to join).
async fn mirror_changes(
    store: &AccountStore,
    event: &GroupEvent,
    at: i64,
    app: &mut EventApplication,
) -> Result<(), StoreError> {
    let Some(group) = event.group_id.clone() else {
        if event.kind != EventType::GroupCreate {
            app.notes.push("no group id: nothing to apply".to_owned());
        }
        return Ok(());
    };
    match &event.kind {
        EventType::ParticipantsAdd | EventType::ParticipantsRemove => {
            for m in event.member_moves() {
                match m.person.person() {
                    Some(person) => app.members.push(MemberChange {
                        group_id: group.clone(),
                        person,
                        joined: m.joined,
                        at,
                    }),
                    None => app.notes.push(format!(
                        "{}: neither a phone number nor a BSUID the tool can read",
                        m.person.label()
                    )),
                }
            }
            if event.kind == EventType::ParticipantsAdd {
                let people: Vec<_> = event.people.iter().filter_map(|p| p.person()).collect();
                if !event.by_business() {
                    app.by_approval = event.people.iter().any(|p| p.input.is_some())
                        || asked_to_join(store, &group, event).await?;
                }
                // Whoever is in now has no request pending.
                for person in people {
                    app.groups.push(GroupChange::JoinRequestClosed {
                        group_id: group.clone(),
                        join_request_id: None,
                        person: Some(person),
                        at,
                    });
                }
            }
        }
        EventType::JoinRequestCreated => match &event.join_request_id {
            Some(id) => app
                .groups
                .push(GroupChange::JoinRequestOpened(StoredJoinRequest {
                    group_id: group,
                    join_request_id: id.clone(),
                    person: event.people.first().and_then(|p| p.person()),
                    created_at: Some(at),
                    read_at: at,
                })),
            None => app
                .notes
                .push("no join_request_id: the request is not kept".to_owned()),
        },
        EventType::JoinRequestRevoked => app.groups.push(GroupChange::JoinRequestClosed {
            group_id: group,
            join_request_id: event.join_request_id.clone(),
            person: event.people.first().and_then(|p| p.person()),
            at,
        }),
        EventType::GroupCreate if event.errors.is_empty() => {
            app.groups.push(GroupChange::Created {
                id: group,
                subject: event.subject.clone().unwrap_or_default(),
                description: event.description.clone(),
                invite_link: event.invite_link.clone(),
                join_approval_mode: event
                    .join_approval_mode
                    .as_deref()
                    .and_then(|m| m.parse().ok()),
                at,
            });
        }
        EventType::GroupDelete if event.errors.is_empty() => {
            app.groups.push(GroupChange::Deleted { id: group, at });
        }
        EventType::SettingsUpdate => {
            let applied = |part: &str| {
                event
                    .settings
                    .iter()
                    .find(|s| s.part == part && s.ok)
                    .and_then(|s| s.text.clone())
            };
            let (subject, description) = (applied("subject"), applied("description"));
            if subject.is_some() || description.is_some() {
                app.groups.push(GroupChange::Settings {
                    id: group,
                    subject,
                    description,
                    at,
                });
            }
        }
        EventType::Suspend | EventType::SuspendCleared => {
            app.groups.push(GroupChange::Suspended {
                id: group,
                suspended: event.kind == EventType::Suspend,
                at,
            });
        }
        _ => {}
    }
    Ok(())
}

/// Whether someone the join names had asked to join the group: a join request of theirs
/// received by webhook and still open, or one the mirror holds (read from the server).
async fn asked_to_join(
    store: &AccountStore,
    group: &str,
    event: &GroupEvent,
) -> Result<bool, StoreError> {
    for person in &event.people {
        if store.join_request_open(group, person.keys()).await? {
            return Ok(true);
        }
    }
    let pending = store.join_requests(Some(group)).await?;
    Ok(event.people.iter().any(|p| {
        pending
            .iter()
            .any(|r| r.person.as_ref().is_some_and(|asker| p.is(asker)))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EventField, OpSpec};
    use crate::store::{NewEvent, NumberBatch, Settlement, StateChange};
    use crate::testing::account_store;

    /// A `group_delete` of group `g` at `at`, with a `request_id` no operation carried.
    async fn deleted(store: &AccountStore, key: &str, at: i64) {
        let mut event = GroupEvent::new(EventField::Lifecycle, EventType::GroupDelete);
        event.group_id = Some("g".into());
        event.request_id = Some(format!("RQ-{key}"));
        event.at = Some(at);
        let batch = NumberBatch {
            phone_number_id: "1000".into(),
            events: vec![NewEvent {
                key: key.into(),
                event,
            }],
        };
        store
            .store()
            .receive_events("https://graph.example", vec![batch])
            .await
            .expect("received");
        process_pending(store).await.expect("processed");
    }

    /// A delete of `g` sent at `sent_at` and accepted with an answer that carried no
    /// `request_id` (C's `{"success":true}`), then its events put to it.
    async fn answered(store: &AccountStore, sent_at: i64) -> (OpId, usize) {
        let ids = store
            .enqueue(vec![OpSpec::Delete { group: "g".into() }])
            .await
            .expect("queued")
            .ids;
        store.claim(ids.clone(), "a".into()).await.expect("claimed");
        let accepted = StateChange {
            id: ids[0],
            state: OperationState::Accepted,
            code: None,
            message: None,
            group: None,
        };
        store
            .settle(Settlement {
                changes: vec![accepted],
                ..Settlement::default()
            })
            .await
            .expect("accepted");
        let done = settle_answered(
            store,
            &Answered {
                ids: &ids,
                group: Some("g"),
                request_id: None,
                sent_at,
            },
        )
        .await
        .expect("settled");
        (ids[0], done)
    }

    async fn state(store: &AccountStore, id: OpId) -> OperationState {
        let filter = OperationFilter {
            ids: Some(vec![id]),
            ..OperationFilter::default()
        };
        store.operations(filter).await.expect("ops")[0].state
    }

    #[tokio::test]
    async fn an_event_that_came_before_its_answer_settles_it_once_the_answer_is_recorded() {
        let (_dir, store) = account_store().await;
        let sent_at = now_ms();
        // The webhook is processed while the delete is still being sent: nothing to settle.
        deleted(&store, "early", sent_at + 200).await;
        let (id, done) = answered(&store, sent_at).await;
        assert_eq!(done, 1);
        assert_eq!(state(&store, id).await, OperationState::Confirmed);
        // Put again (another answer of the group): settled once.
        let again = settle_answered(
            &store,
            &Answered {
                ids: &[id],
                group: Some("g"),
                request_id: None,
                sent_at,
            },
        )
        .await
        .expect("again");
        assert_eq!(again, 0);
        assert_eq!(store.outcomes().await.expect("outcomes").len(), 1);
    }

    #[tokio::test]
    async fn an_event_from_before_the_request_was_sent_settles_nothing() {
        let (_dir, store) = account_store().await;
        let sent_at = now_ms();
        deleted(&store, "old", sent_at - 60_000).await;
        let (id, done) = answered(&store, sent_at).await;
        assert_eq!(done, 0);
        assert_eq!(state(&store, id).await, OperationState::Accepted);
    }
}
