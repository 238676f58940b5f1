//! `participants add|remove`: queue these changes, submit exactly them through the engine, and
//! say how each participant ended. Nothing here sends: the engine does, with the same plan,
//! call policy, audit rows and crash recovery as `submit`.

use std::collections::HashMap;

use crate::cli::{ParticipantsArgs, ParticipantsCommand};
use crate::config::Settings;
use crate::domain::text::sanitize;
use crate::domain::{MAX_GROUP_MEMBERS, OpId, OpSpec, OperationKind, OperationState, Person};
use crate::engine::EngineConfig;
use crate::exit::{Failure, Outcome};
use crate::session::Session;

use super::exactly::{Ended, Followed, queue_and_submit};
use super::users::parse_users;

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
    let session = Session::online(settings).await?;
    let names = super::group_arg::names(session.store()).await?;
    let group = super::group_arg::resolve(&names, "--group", &args.group)?;
    let group = group.as_str();
    let members = session
        .store()
        .group(group)
        .await
        .ok()
        .flatten()
        .map(|g| g.members)
        .unwrap_or_default();
    let users = match kind {
        OperationKind::Remove => super::users::by_username(
            &args.users,
            &members,
            &names.label(group),
            settings.default_region,
        )?,
        _ => args.users.clone(),
    };
    let people = parse_users(&users, settings.default_region, kind)?;
    if kind == OperationKind::Add && people.len() > MAX_GROUP_MEMBERS {
        return Err(Failure::input(format!(
            "{} participants to add to one group; a group holds at most {MAX_GROUP_MEMBERS}",
            people.len()
        )));
    }
    for p in people.iter().filter_map(|p| p.phone()) {
        if let Some(warning) = p.ambiguity() {
            say_err!("note: {p}: {warning}");
        }
    }
    let people: Vec<Person> = people.into_iter().map(|p| known_as(p, &members)).collect();
    // Sent at once: the queue's flag would come too late to read.
    let hidden: Vec<String> = people
        .iter()
        .filter(|p| kind == OperationKind::Remove && p.phone().is_none())
        .map(Person::label)
        .collect();
    if !hidden.is_empty() && !args.yes {
        return Err(Failure::input(format!(
            "{} {}: add --yes to remove them; nothing was sent",
            sanitize(&hidden.join(", ")),
            crate::domain::queue::BSUID_ONLY_REMOVAL
        )));
    }
    let specs: Vec<OpSpec> = people
        .iter()
        .map(|p| OpSpec::for_person(kind, group, p.clone()))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::input(e.to_string()))?;
    let config = EngineConfig {
        confirm: !args.no_verify,
        webhook_wait: settings.webhook_wait,
        ..EngineConfig::default()
    };
    let (
        report,
        Followed {
            summary,
            ended,
            held,
        },
    ) = queue_and_submit(&session, specs, config).await?;
    let ids = report.ids;
    if let Some(failure) = refused_for_the_group(group, &ids, &ended) {
        return Err(failure);
    }
    let verb = match kind {
        OperationKind::Add => "added",
        _ => "removed",
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
        super::table::print_lines([format!("{:<16} {line}", p.label())]);
    }
    Ok(if unsettled == 0 {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

/// `person` with the username the mirror knows a member by, when it is surely that member (a
/// strong key matches) and none was given: a removal by BSUID names who it removes.
fn known_as(person: Person, members: &[Person]) -> Person {
    if person.username().is_some() {
        return person;
    }
    match members.iter().find(|m| m.is(&person)) {
        Some(member) => {
            let username = member.username().map(str::to_owned);
            person.with_username(username)
        }
        None => person,
    }
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
