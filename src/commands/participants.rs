//! `participants add|remove`: change a group now, in requests of at most 8, and say how each
//! participant ended.

use std::collections::HashSet;
use std::time::Duration;

use crate::api::{ApiError, Client, ErrorClass, WriteAccepted};
use crate::cli::{ParticipantsArgs, ParticipantsCommand};
use crate::config::Settings;
use crate::domain::text::sanitize;
use crate::domain::{MAX_GROUP_MEMBERS, MAX_PARTICIPANTS_PER_REQUEST, OperationKind, Participant};
use crate::engine::settle::{self, Verdict};
use crate::exit::{Failure, Outcome};

use super::users::parse_users;

/// How one participant ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Result_ {
    /// The server took it; `None` until the group is read.
    Accepted(Option<String>),
    Failed(String),
    /// No answer came; the group must be read to know.
    Unknown(String),
    /// Nothing to do (removing a non-member).
    Skipped(String),
}

const MAX_ATTEMPTS: u32 = 5;

pub async fn run(settings: &Settings, cmd: ParticipantsCommand) -> Result<Outcome, Failure> {
    let (kind, args) = match cmd {
        ParticipantsCommand::Add(args) => (OperationKind::Add, args),
        ParticipantsCommand::Remove(args) => (OperationKind::Remove, args),
    };
    change(settings, kind, args).await
}

async fn change(
    settings: &Settings,
    kind: OperationKind,
    args: ParticipantsArgs,
) -> Result<Outcome, Failure> {
    let people = parse_users(&args.users, settings.default_region)?;
    if kind == OperationKind::Add && people.len() > MAX_GROUP_MEMBERS {
        return Err(Failure::input(format!(
            "{} participants to add to one group; a group holds at most {MAX_GROUP_MEMBERS}",
            people.len()
        )));
    }
    for p in &people {
        if let Some(warning) = p.ambiguity() {
            eprintln!("note: {p}: {warning}");
        }
    }
    let client = settings.client()?;
    let group = args.group.as_str();

    let mut results: Vec<(Participant, Result_)> = Vec::new();
    for batch in people.chunks(MAX_PARTICIPANTS_PER_REQUEST) {
        match send_with_retries(&client, kind, group, batch).await {
            Ok(answer) => results.extend(settle_answer(kind, batch, &answer)),
            Err(e) if e.outcome_unknown() => results.extend(
                batch
                    .iter()
                    .map(|p| (p.clone(), Result_::Unknown(e.to_string()))),
            ),
            Err(e) => {
                // A group-wide or account-wide refusal: the same for every participant and
                // every later batch, so say it once.
                if results.is_empty()
                    || matches!(
                        e.class(),
                        ErrorClass::Auth | ErrorClass::GroupPermanent | ErrorClass::Permission
                    )
                {
                    return Err(super::api_failure(group, e));
                }
                results.extend(
                    batch
                        .iter()
                        .map(|p| (p.clone(), Result_::Failed(e.to_string()))),
                );
            }
        }
    }

    let needs_reading = results.iter().any(|(_, r)| {
        matches!(r, Result_::Unknown(_)) || (!args.no_verify && matches!(r, Result_::Accepted(_)))
    });
    if needs_reading {
        match client.group_info(group).await {
            Ok(info) => {
                let members: HashSet<&str> = info.participants.iter().map(String::as_str).collect();
                for (p, r) in &mut results {
                    let present = members.contains(p.wa_id());
                    let applied = (kind == OperationKind::Add) == present;
                    *r = match (&*r, applied) {
                        (Result_::Accepted(_) | Result_::Unknown(_), true) => {
                            Result_::Accepted(Some("confirmed".into()))
                        }
                        (Result_::Accepted(_), false) => Result_::Failed(
                            "accepted, but not applied when the group was read".into(),
                        ),
                        (Result_::Unknown(why), false) => {
                            Result_::Failed(format!("not applied ({why})"))
                        }
                        (other, _) => other.clone(),
                    };
                }
            }
            Err(e) => eprintln!("note: could not read the group to confirm: {e}"),
        }
    }

    let verb = match kind {
        OperationKind::Add => "added",
        OperationKind::Remove => "removed",
    };
    let mut failed = 0;
    for (p, r) in &results {
        let line = match r {
            Result_::Accepted(Some(how)) => format!("{verb} ({how})"),
            Result_::Accepted(None) => format!("{verb} (accepted, not checked)"),
            Result_::Skipped(why) => format!("skipped: {why}"),
            Result_::Failed(why) => {
                failed += 1;
                format!("failed: {}", sanitize(why))
            }
            Result_::Unknown(why) => {
                failed += 1;
                format!(
                    "unknown: {} — read the group with `groups show`",
                    sanitize(why)
                )
            }
        };
        println!("{:<16} {line}", p.e164());
    }
    Ok(if failed == 0 {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

/// Sends one batch, waiting and sending again on throttles and transient errors (never when
/// the outcome is unknown: that is settled by reading the group).
async fn send_with_retries(
    client: &Client,
    kind: OperationKind,
    group: &str,
    batch: &[Participant],
) -> Result<WriteAccepted, ApiError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match client.write_participants(kind, group, batch).await {
            Err(e)
                if e.class().is_retryable() && !e.outcome_unknown() && attempt < MAX_ATTEMPTS =>
            {
                let wait = e
                    .retry_after()
                    .unwrap_or_else(|| Duration::from_secs(1 << (attempt - 1)))
                    .min(Duration::from_secs(60));
                eprintln!(
                    "note: {} — trying again in {}s (attempt {}/{MAX_ATTEMPTS})",
                    e,
                    wait.as_secs_f32().ceil(),
                    attempt + 1
                );
                tokio::time::sleep(wait).await;
            }
            other => return other,
        }
    }
}

fn settle_answer(
    kind: OperationKind,
    batch: &[Participant],
    answer: &WriteAccepted,
) -> Vec<(Participant, Result_)> {
    // The engine's reading of an answer; an unnamed participant of a partial success is not
    // known to be applied until the group is read.
    let verdicts = settle::from_answer(kind, batch, answer);
    batch
        .iter()
        .cloned()
        .zip(verdicts)
        .map(|(p, verdict)| {
            let result = match verdict {
                Verdict::Skipped(_) => Result_::Skipped("not a member of the group".into()),
                Verdict::Failed { code, message } => Result_::Failed(match code {
                    Some(code) => format!("{code} {message}"),
                    None => message,
                }),
                Verdict::Accepted | Verdict::Confirmed if answer.partial => {
                    Result_::Unknown("partial success".into())
                }
                Verdict::Accepted | Verdict::Confirmed => Result_::Accepted(None),
            };
            (p, result)
        })
        .collect()
}
