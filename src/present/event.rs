//! A webhook event in one sentence (who joined which group, by link or by approval; who left;
//! a suspension; what the business's change did), and what it settled.

use super::{Line, Tone};
use crate::domain::event::{EventError, EventPerson};
use crate::domain::{EventType, GroupEvent};
use crate::store::{EventEffects, EventRecord};

fn people(list: &[EventPerson]) -> String {
    if list.is_empty() {
        return "no one".to_owned();
    }
    list.iter()
        .map(EventPerson::label)
        .collect::<Vec<_>>()
        .join(", ")
}

fn error(e: &EventError) -> String {
    match e.code {
        Some(code) => format!("{code} {}", e.message),
        None => e.message.clone(),
    }
}

fn first_error(errors: &[EventError]) -> String {
    errors
        .first()
        .map_or_else(|| "no reason given".to_owned(), error)
}

/// The failures of a business change: `; not removed: +1555… (131212 not in group)`.
fn failures(e: &GroupEvent, verb: &str) -> String {
    if e.failed.is_empty() {
        return String::new();
    }
    let list: Vec<String> = e
        .failed
        .iter()
        .map(|f| match &f.error {
            Some(why) => format!("{} ({})", f.person.label(), error(why)),
            None => f.person.label(),
        })
        .collect();
    format!("; not {verb}: {}", list.join(", "))
}

/// What the event says happened, with its tone. `group` names a group for the operator
/// (its subject, or its id); `effects` tells a join by approval from one by link.
pub fn event_sentence(
    e: &GroupEvent,
    effects: &EventEffects,
    group: impl Fn(&str) -> String,
) -> Line {
    let g = e
        .group_id
        .as_deref()
        .map_or_else(|| "a group".to_owned(), &group);
    match &e.kind {
        EventType::ParticipantsAdd if e.by_business() => {
            let tone = if e.failed.is_empty() {
                Tone::Good
            } else {
                Tone::Warn
            };
            Line::new(
                tone,
                // Who first: a line cut at a narrow pane's edge still says whom it is about.
                format!(
                    "{} added to {g} by the business{}",
                    people(&e.people),
                    failures(e, "added")
                ),
            )
        }
        EventType::ParticipantsAdd => {
            let how = if effects.by_approval {
                "by approval"
            } else {
                "by link"
            };
            Line::new(
                Tone::Good,
                format!("{} joined {g} {how}", people(&e.people)),
            )
        }
        EventType::ParticipantsRemove if e.by_business() => {
            let tone = if e.failed.is_empty() {
                Tone::Info
            } else {
                Tone::Warn
            };
            Line::new(
                tone,
                format!(
                    "{} removed from {g} by the business{}",
                    people(&e.people),
                    failures(e, "removed")
                ),
            )
        }
        EventType::ParticipantsRemove => {
            Line::new(Tone::Warn, format!("{} left {g}", people(&e.people)))
        }
        EventType::JoinRequestCreated => Line::new(
            Tone::Info,
            format!("{} asked to join {g}", people(&e.people)),
        ),
        EventType::JoinRequestRevoked => Line::new(
            Tone::Dim,
            format!("{} withdrew their request to join {g}", people(&e.people)),
        ),
        EventType::GroupCreate if e.errors.is_empty() => {
            let link = e
                .invite_link
                .as_deref()
                .map(|l| format!(", invite link {l}"))
                .unwrap_or_default();
            // The group as the operator knows it names its subject once the mirror has it.
            let named = match e.subject.as_deref() {
                Some(subject) if !g.contains(subject) => format!("\"{subject}\" ({g})"),
                _ => g,
            };
            Line::new(Tone::Good, format!("group created: {named}{link}"))
        }
        EventType::GroupCreate => Line::new(
            Tone::Bad,
            format!(
                "group \"{}\" was not created: {}",
                e.subject.as_deref().unwrap_or_default(),
                first_error(&e.errors)
            ),
        ),
        EventType::GroupDelete if e.errors.is_empty() => {
            Line::new(Tone::Info, format!("{g} deleted"))
        }
        EventType::GroupDelete => Line::new(
            Tone::Bad,
            format!("{g} was not deleted: {}", first_error(&e.errors)),
        ),
        EventType::SettingsUpdate => settings(e, &g),
        EventType::Suspend => Line::new(Tone::Bad, format!("{g} was suspended by WhatsApp")),
        EventType::SuspendCleared => {
            Line::new(Tone::Good, format!("{g}: the suspension was lifted"))
        }
        EventType::Other(kind) => Line::new(
            Tone::Dim,
            format!(
                "{}: `{kind}` for {g}, not understood (kept)",
                e.field.as_str()
            ),
        ),
    }
}

fn settings(e: &GroupEvent, g: &str) -> Line {
    let mut parts = Vec::new();
    let mut tone = Tone::Info;
    for s in &e.settings {
        let name = s.part.replace('_', " ");
        if s.ok {
            match (&s.text, s.part.as_str()) {
                (Some(text), "subject" | "description") => {
                    parts.push(format!("{name} set to \"{text}\""));
                }
                _ => parts.push(format!("{name} set")),
            }
        } else {
            tone = Tone::Warn;
            let why = s
                .error
                .as_ref()
                .map(error)
                .unwrap_or_else(|| "no reason given".into());
            parts.push(format!("{name} not changed ({why})"));
        }
    }
    if parts.is_empty() {
        tone = Tone::Warn;
        parts.push(format!("nothing changed ({})", first_error(&e.errors)));
    }
    Line::new(tone, format!("settings of {g}: {}", parts.join(", ")))
}

/// What processing settled: `settled #12 confirmed, #13 failed (131212 …)`; `None` when it
/// settled no operation.
pub fn settled_text(effects: &EventEffects) -> Option<String> {
    if effects.operations.is_empty() {
        return None;
    }
    let list: Vec<String> = effects
        .operations
        .iter()
        .map(|op| match (op.code, &op.message) {
            (Some(code), Some(m)) => format!("#{} {} ({code} {m})", op.id.0, op.state),
            (None, Some(m)) => format!("#{} {} ({m})", op.id.0, op.state),
            _ => format!("#{} {}", op.id.0, op.state),
        })
        .collect();
    Some(format!("settled {}", list.join(", ")))
}

/// Why changes the server took are not confirmed yet: `could not read the members of Book
/// Club to confirm 2 change(s) (HTTP 502); the next submit settles them`; `group` names the
/// group `group_id` is (asked only for a group; an empty id is the group list). Made safe for
/// a terminal.
pub fn unconfirmed_text(
    group_id: &str,
    read: &str,
    changes: usize,
    error: &str,
    group: impl Fn(&str) -> String,
) -> String {
    let what = if group_id.is_empty() {
        format!("the {read}")
    } else {
        format!("the {read} of {}", group(group_id))
    };
    format!(
        "could not read {what} to confirm {changes} change(s) ({}); the next submit settles them",
        crate::domain::text::sanitize(error)
    )
}

/// The event and what it settled, in one line.
pub fn event_line(record: &EventRecord, group: impl Fn(&str) -> String) -> Line {
    let mut line = event_sentence(&record.event, &record.effects, group);
    if let Some(settled) = settled_text(&record.effects) {
        line.text.push_str(" — ");
        line.text.push_str(&settled);
    }
    line
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_unconfirmed_read_names_the_group_by_its_label() {
        assert_eq!(
            unconfirmed_text("G1", "members", 2, "HTTP 502", |_| "Book Club …NDUy".into()),
            "could not read the members of Book Club …NDUy to confirm 2 change(s) (HTTP 502); the next submit settles them"
        );
        assert_eq!(
            unconfirmed_text("", "group list", 1, "timed out", |g| g.to_owned()),
            "could not read the group list to confirm 1 change(s) (timed out); the next submit settles them"
        );
    }

    use super::*;
    use crate::domain::EventField;
    use crate::domain::event::FailedPerson;
    use crate::store::SettledOp;

    fn person(wa_id: &str) -> EventPerson {
        EventPerson {
            wa_id: Some(wa_id.into()),
            ..EventPerson::default()
        }
    }

    #[test]
    fn joins_leaves_and_removals_read_as_sentences() {
        let mut join = GroupEvent::new(EventField::Participants, EventType::ParticipantsAdd);
        join.group_id = Some("Z3Jw".into());
        join.reason = Some("invite_link".into());
        join.people = vec![EventPerson {
            username: Some("ana.k".into()),
            ..person("15550100001")
        }];
        let name = |_: &str| "Brookfield Parents".to_owned();
        let effects = EventEffects::default();
        assert_eq!(
            event_sentence(&join, &effects, name).text,
            "+15550100001 @ana.k joined Brookfield Parents by link"
        );
        let approved = EventEffects {
            by_approval: true,
            ..EventEffects::default()
        };
        assert!(
            event_sentence(&join, &approved, name)
                .text
                .ends_with("by approval")
        );

        let mut removal = GroupEvent::new(EventField::Participants, EventType::ParticipantsRemove);
        removal.group_id = Some("Z3Jw".into());
        removal.request_id = Some("RQ-1".into());
        removal.people = vec![person("15550100003")];
        removal.failed = vec![FailedPerson {
            person: EventPerson {
                input: Some("+15550100005".into()),
                ..EventPerson::default()
            },
            error: Some(EventError {
                code: Some(131212),
                message: "not in group".into(),
            }),
        }];
        let record = EventRecord {
            id: 1,
            received_at: 0,
            deliveries: 1,
            event: removal,
            seq: Some(1),
            processed_at: Some(0),
            effects: EventEffects {
                operations: vec![SettledOp {
                    id: crate::domain::OpId(12),
                    state: crate::domain::OperationState::Confirmed,
                    code: None,
                    message: None,
                }],
                ..EventEffects::default()
            },
        };
        assert_eq!(
            event_line(&record, name).text,
            "+15550100003 removed from Brookfield Parents by the business; not removed: \
             +15550100005 (131212 not in group) — settled #12 confirmed"
        );
    }

    #[test]
    fn a_created_group_is_named_with_its_subject_once() {
        let mut made = GroupEvent::new(EventField::Lifecycle, EventType::GroupCreate);
        made.group_id = Some("Z3Jw".into());
        made.subject = Some("Spring cohort A".into());
        let effects = EventEffects::default();
        let in_mirror = |_: &str| "\"Spring cohort A\" (Z3Jw)".to_owned();
        let not_yet = |id: &str| id.to_owned();
        assert_eq!(
            event_sentence(&made, &effects, in_mirror).text,
            "group created: \"Spring cohort A\" (Z3Jw)"
        );
        assert_eq!(
            event_sentence(&made, &effects, not_yet).text,
            "group created: \"Spring cohort A\" (Z3Jw)"
        );
    }
}
