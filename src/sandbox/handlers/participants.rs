//! The business's add and remove calls (`POST` / `DELETE /{v}/{group_id}/participants`).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::{Write, accepted, error, write_body};
use crate::sandbox::errors::{GraphError, ItemError};
use crate::sandbox::people::{UserRef, is_bsuid};
use crate::sandbox::seed::GROUP_CAPACITY;
use crate::sandbox::shared::Shared;
use crate::sandbox::state::{Change, ChangeOutcome, Failure, FailureKind, Participant, now};
use crate::sandbox::webhook::{Field, events};

/// One item: `{"user": phone | wa_id | BSUID}` (the contract), or `{"user_id": BSUID}` (what
/// pywa and meta-whatsapp-rs send for BSUIDs).
fn parse_item(i: usize, item: &Value, change: Change) -> Result<Participant, GraphError> {
    let user = item.get("user").and_then(Value::as_str);
    let user_id = item.get("user_id").and_then(Value::as_str);
    let bad = |what: &str| {
        GraphError::invalid(format!("Param participants[{i}][user] {what}")).details(format!(
            "participants[{i}] was {item}; expected {{\"user\":\"+<7 to 15 digits>\"}} \
             or, for a removal, a business-scoped user id"
        ))
    };
    let (input, parsed) = match (user, user_id) {
        (Some(user), None) => (user, UserRef::parse(user)),
        (None, Some(id)) => (id, is_bsuid(id).then(|| UserRef::Bsuid(id.to_owned()))),
        (Some(_), Some(_)) => return Err(bad("and user_id are both given: send one")),
        (None, None) => return Err(bad("is not a valid phone number or WhatsApp ID")),
    };
    let Some(user) = parsed else {
        return Err(bad("is not a valid phone number or WhatsApp ID"));
    };
    if change == Change::Add && matches!(user, UserRef::Bsuid(_)) {
        return Err(GraphError::invalid(format!(
            "Param participants[{i}][user] must be a phone number: participants are added by \
             phone number, not by business-scoped user id"
        ))
        .details(format!("participants[{i}] was {item}")));
    }
    Ok(Participant {
        input: input.to_owned(),
        user,
    })
}

/// The checked participants of an add or remove body, or the 400 / code 100 saying what is wrong.
fn parse_participants(body: &[u8], change: Change) -> Result<Vec<Participant>, GraphError> {
    let object = write_body(body)?;
    let items = match object.get("participants") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) => {
            return Err(GraphError::invalid("Param participants must not be empty")
                .details("participants must hold 1 to 8 items"));
        }
        Some(_) => {
            return Err(
                GraphError::invalid("Param participants must be an array").details(
                    "participants must hold 1 to 8 items such as {\"user\":\"+15551234567\"}",
                ),
            );
        }
        None => {
            return Err(GraphError::invalid(
                "The parameter participants is required",
            ));
        }
    };
    if items.len() > GROUP_CAPACITY {
        return Err(GraphError::invalid(format!(
            "Param participants must have at most {GROUP_CAPACITY} items"
        ))
        .details(format!("participants had {} items", items.len())));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_item(i, item, change))
        .collect()
}

fn failure_error(failure: &Failure) -> ItemError {
    let input = &failure.input;
    match failure.kind {
        FailureKind::TermsNotAccepted => ItemError::terms_not_accepted(format!(
            "{input} has not accepted the current WhatsApp terms"
        )),
        FailureKind::NotAMember => ItemError {
            code: 131212,
            title: "Participant not in group",
            message: "Participant is not in the group",
            details: format!("{input} is not a participant of this group"),
        },
        FailureKind::PhoneRequired => ItemError {
            code: 100,
            title: "Invalid parameter",
            message: "Participants are added by phone number",
            details: format!("{input} is a business-scoped user id"),
        },
    }
}

/// `POST` / `DELETE /{v}/{group_id}/participants`: checked and applied under one lock; a
/// `group_participants_update` webhook follows anything that applied, naming each participant
/// as done (an add of a member already in too) or failed.
pub fn change_participants(
    shared: &Shared,
    group_id: &str,
    change: Change,
    body: &[u8],
) -> Response {
    let participants = match parse_participants(body, change) {
        Ok(p) => p,
        Err(e) => return error(shared, e),
    };
    let (outcome, people) = {
        let mut groups = shared.groups();
        let outcome = groups.change_participants(group_id, change, &participants);
        // Each participant's outcome comes by webhook (`groups-api-2026.md` §1.8): whoever is
        // in as the add asked, an earlier member too, is named among the added, in the
        // request's order.
        let people = match &outcome {
            ChangeOutcome::Done {
                changed, members, ..
            } => participants
                .iter()
                .filter_map(|p| changed.iter().chain(members).find(|(i, _)| *i == p.input))
                .map(|(input, wa_id)| (input.clone(), groups.people.person(wa_id)))
                .collect(),
            _ => Vec::new(),
        };
        (outcome, people)
    };
    let (changed, failures) = match outcome {
        ChangeOutcome::UnknownGroup => return error(shared, GraphError::unknown_group(group_id)),
        ChangeOutcome::Suspended => return error(shared, GraphError::suspended(group_id)),
        ChangeOutcome::Duplicate { input } => {
            return error(
                shared,
                GraphError::new(
                    StatusCode::BAD_REQUEST,
                    131202,
                    "Duplicate participant in the request",
                )
                .details(format!("{input} appears more than once")),
            );
        }
        ChangeOutcome::OverCapacity { members, adding } => {
            return error(
                shared,
                GraphError::new(
                    StatusCode::BAD_REQUEST,
                    131204,
                    "Group size limit exceeded",
                )
                .details(format!(
                    "The group has {members} of {GROUP_CAPACITY} participants; adding {adding} would exceed the limit"
                )),
            );
        }
        ChangeOutcome::Done {
            changed,
            failures,
            redundant,
            ..
        } => {
            shared.stats().record_redundant(redundant);
            (changed, failures)
        }
    };
    if !changed.is_empty() {
        shared.stats().record_applied_write();
    }
    let errors: Vec<(String, ItemError)> = failures
        .iter()
        .map(|f| (f.input.clone(), failure_error(f)))
        .collect();
    if errors.len() == participants.len() {
        // Nothing applied: refused at once, as E's HTTP 400 codes say; no webhook follows.
        let mut extra = Map::new();
        extra.insert(
            "failed_participants".into(),
            events::failed_participants(&errors),
        );
        let top = errors
            .first()
            .map(|(_, e)| e.to_graph(StatusCode::BAD_REQUEST))
            .unwrap_or_else(|| GraphError::invalid("All participants failed"));
        return top.into_response(&shared.trace_id(), extra);
    }
    let request_id = shared.request_id();
    let partial = (!errors.is_empty()).then(|| ItemError {
        code: 131201,
        title: if change == Change::Add {
            "Not All Participants Add Succeeded"
        } else {
            "Not All Participants Remove Succeeded"
        },
        message: "Failed to change some participants of the group",
        details: format!(
            "{} of {} participants failed",
            errors.len(),
            participants.len()
        ),
    });
    let item = events::business_change(
        now(),
        &events::BusinessChange {
            request_id: &request_id,
            group_id,
            add: change == Change::Add,
            done: people,
            failed: errors.clone(),
            error: partial.clone(),
        },
    );
    shared.emit(Field::Participants, item);
    let Some(partial) = partial else {
        return accepted(shared, Write::Participants, &request_id);
    };
    let mut extra = Map::new();
    extra.insert("messaging_product".into(), json!("whatsapp"));
    extra.insert("request_id".into(), json!(request_id));
    extra.insert(
        "failed_participants".into(),
        events::failed_participants(&errors),
    );
    let error = GraphError::new(StatusCode::PARTIAL_CONTENT, 131201, "Partial success")
        .details(partial.details);
    error.into_response(&shared.trace_id(), extra)
}
