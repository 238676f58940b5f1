//! `participants add|remove`: queue these changes, submit exactly them through the engine, and
//! say how each participant ended. Nothing here sends: the engine does, with the same plan,
//! call policy, audit rows and crash recovery as `submit`.

use std::collections::HashMap;

use crate::cli::{ParticipantsArgs, ParticipantsCommand};
use crate::config::Settings;
use crate::domain::text::sanitize;
use crate::domain::{MAX_GROUP_MEMBERS, OpId, OpSpec, OperationKind, OperationState};
use crate::engine::{Command, EngineConfig, Event, Scope, Summary};
use crate::exit::{Failure, Outcome};
use crate::session::Session;

use super::local::store_failure;
use super::users::parse_users;

pub async fn run(settings: &Settings, cmd: ParticipantsCommand) -> Result<Outcome, Failure> {
    let (kind, args) = match cmd {
        ParticipantsCommand::Add(args) => (OperationKind::Add, args),
        ParticipantsCommand::Remove(args) => (OperationKind::Remove, args),
    };
    change(settings, kind, args).await
}

/// How one participant's change ended.
struct Ended {
    state: OperationState,
    code: Option<i64>,
    message: Option<String>,
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
    let group = args.group.as_str();
    for p in &people {
        if let Some(warning) = p.ambiguity() {
            eprintln!("note: {p}: {warning}");
        }
    }
    let session = Session::online(settings).await?;
    let specs: Vec<OpSpec> = people
        .iter()
        .map(|p| OpSpec::for_participant(kind, group, p.clone()))
        .collect();
    let report = session
        .store()
        .enqueue(specs)
        .await
        .map_err(store_failure)?;
    let ids = report.ids.clone();
    let config = EngineConfig {
        confirm: !args.no_verify,
        webhook_wait: settings.webhook_wait,
        ..EngineConfig::default()
    };
    let (engine, mut events) = session.engine(config)?;
    engine.send(Command::Submit(Scope::Operations(ids.clone())));
    let mut ended: HashMap<OpId, Ended> = HashMap::new();
    let mut held: HashMap<OpId, String> = HashMap::new();
    let summary = loop {
        match events.recv().await {
            Some(Event::Outcome {
                op,
                state,
                code,
                message,
                ..
            }) => {
                ended.insert(
                    op,
                    Ended {
                        state,
                        code,
                        message,
                    },
                );
            }
            Some(Event::Held { op, reason, .. }) => {
                held.insert(op, reason);
            }
            Some(Event::RunFinished(summary)) => break summary,
            Some(_) => {}
            None => {
                break Summary {
                    stopped: Some("the engine stopped".into()),
                    ..Summary::default()
                };
            }
        }
    };
    if summary.another_sender {
        return Err(Failure::busy(summary.stopped.unwrap_or_default()));
    }
    if let Some(failure) = stopped_for_all(&summary) {
        return Err(failure);
    }
    if let Some(failure) = refused_for_the_group(group, &ids, &ended) {
        return Err(failure);
    }
    let verb = match kind {
        OperationKind::Add => "added",
        OperationKind::Remove => "removed",
    };
    let mut unsettled = 0;
    for (p, id) in people.iter().zip(&ids) {
        let line = line_for(
            verb,
            ended.get(id),
            held.get(id),
            summary.stopped.as_deref(),
        );
        if !matches!(
            ended.get(id).map(|e| e.state),
            Some(OperationState::Confirmed | OperationState::Skipped | OperationState::Accepted)
        ) {
            unsettled += 1;
        }
        println!("{:<16} {line}", p.e164());
    }
    Ok(if unsettled == 0 {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

/// What the operator reads for one participant.
fn line_for(
    verb: &str,
    ended: Option<&Ended>,
    held: Option<&String>,
    stopped: Option<&str>,
) -> String {
    match ended {
        Some(Ended {
            state: OperationState::Confirmed,
            ..
        }) => format!("{verb} (confirmed)"),
        Some(Ended {
            state: OperationState::Accepted,
            ..
        }) => format!("{verb} (accepted, not checked)"),
        Some(Ended {
            state: OperationState::Skipped,
            message,
            ..
        }) => format!(
            "skipped: {}",
            sanitize(message.as_deref().unwrap_or("nothing to do"))
        ),
        Some(Ended { code, message, .. }) => {
            let why = message.as_deref().unwrap_or("failed");
            match code {
                Some(code) => format!("failed: {code} {}", sanitize(why)),
                None => format!("failed: {}", sanitize(why)),
            }
        }
        None => match (held, stopped) {
            (Some(reason), _) => format!("held back: {} (still queued)", sanitize(reason)),
            (None, Some(why)) => format!(
                "not settled: {} — it stays queued; `submit` settles it",
                sanitize(why)
            ),
            (None, None) => {
                "not settled: its outcome is read at the next `submit` (`queue list` shows it)"
                    .into()
            }
        },
    }
}

/// A run stopped before anything was settled by a refused token or a missing permission.
fn stopped_for_all(summary: &Summary) -> Option<Failure> {
    let why = summary.stopped.as_deref()?;
    match summary.stopped_class.as_deref() {
        Some("auth") => Some(Failure::input(format!(
            "the access token was refused: {}",
            sanitize(why)
        ))),
        Some("permission") => Some(Failure::input(format!(
            "the token lacks a permission: {}",
            sanitize(why)
        ))),
        _ => None,
    }
}

/// Every participant refused for one and the same reason (an unknown, full or suspended
/// group, a request refused as a whole): one line for the group instead of a line each.
fn refused_for_the_group(
    group: &str,
    ids: &[OpId],
    ended: &HashMap<OpId, Ended>,
) -> Option<Failure> {
    let first = ended.get(ids.first()?)?;
    let all_same = ids.iter().all(|id| {
        ended.get(id).is_some_and(|e| {
            e.state == OperationState::Failed && e.code == first.code && e.message == first.message
        })
    });
    if !all_same {
        return None;
    }
    let reason = match first.code {
        Some(code) => format!("{code} {}", first.message.as_deref().unwrap_or_default()),
        None => first.message.clone().unwrap_or_default(),
    };
    let who = if ids.len() > 1 {
        format!("all {} participants failed: ", ids.len())
    } else {
        String::new()
    };
    Some(Failure::request(format!(
        "group {}: {who}{}",
        sanitize(group),
        sanitize(&reason)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_wide_refusal_is_one_line() {
        let ids = [OpId(1), OpId(2)];
        let ended: HashMap<OpId, Ended> = ids
            .iter()
            .map(|id| {
                (
                    *id,
                    Ended {
                        state: OperationState::Failed,
                        code: Some(131041),
                        message: Some("group not found".into()),
                    },
                )
            })
            .collect();
        let failure = refused_for_the_group("G", &ids, &ended).expect("one line");
        assert_eq!(failure.code, 1);
        assert!(failure.message.contains("131041"));
    }
}
