//! `groups list|show|sync`: read the account's groups through the engine (the same call
//! policy as every request), and print them or keep them in the mirror.

use std::io::IsTerminal;

use serde_json::json;

use crate::cli::GroupsCommand;
use crate::config::Settings;
use crate::domain::MAX_GROUP_MEMBERS;
use crate::domain::text::sanitize;
use crate::engine::{Command, EngineConfig, Event, Fetch, FetchError, Fetched};
use crate::exit::{Failure, Outcome};
use crate::present::columns::{Column, Fit};
use crate::session::Session;

mod create;
mod delete;
mod link;
mod update;

pub async fn run(settings: &Settings, cmd: GroupsCommand) -> Result<Outcome, Failure> {
    // The lifecycle commands open what they need (a dry run or a queued change needs no token).
    match cmd {
        // From the mirror alone: no token, nothing sent.
        GroupsCommand::Export { csv, json, gone } => {
            super::export::run(settings, csv, json, gone).await
        }
        GroupsCommand::Create(args) => create::run(settings, args).await,
        GroupsCommand::Update(args) => update::run(settings, args).await,
        GroupsCommand::Delete(args) => delete::run(settings, args).await,
        GroupsCommand::Link(args) => link::run(settings, args).await,
        GroupsCommand::Links { csv } => link::all(settings, csv).await,
        other => reads(settings, other).await,
    }
}

/// `groups sync|list|show`.
async fn reads(settings: &Settings, cmd: GroupsCommand) -> Result<Outcome, Failure> {
    let session = Session::online(settings).await?;
    match cmd {
        GroupsCommand::Sync { concurrency } => sync(&session, usize::from(concurrency)).await,
        GroupsCommand::List { json } => {
            let Fetched::Groups(groups) = fetch(&session, Fetch::Groups)
                .await
                .map_err(|e| fetch_failure("", e))?
            else {
                return Err(Failure::request("the engine read something else"));
            };
            if json {
                let list: Vec<_> = groups
                    .iter()
                    .map(|g| json!({"id": g.id, "subject": g.subject, "created_at": g.created_at}))
                    .collect();
                print_json(&json!(list));
            } else {
                print_list(&groups);
                eprintln!("{} groups", groups.len());
            }
            Ok(Outcome::Done)
        }
        GroupsCommand::Show { id, json } => {
            let names = super::group_arg::names(session.store()).await?;
            let id = super::group_arg::resolve(&names, "group", &id)?;
            let group = id.as_str();
            let gone = session
                .store()
                .group(group)
                .await
                .ok()
                .flatten()
                .is_some_and(|g| g.gone_at.is_some());
            let Fetched::Group(info) = fetch(&session, Fetch::Group(group.to_owned()))
                .await
                .map_err(|e| match e.code {
                    // The server no longer knows a group the mirror saw go: say that.
                    Some(131041) if gone => Failure::request(format!(
                        "group {} is gone from the server (deleted, or no longer listed); `groups export --gone` shows its last known members",
                        sanitize(&names.label(group))
                    )),
                    _ => fetch_failure(&names.label(group), e),
                })?
            else {
                return Err(Failure::request("the engine read something else"));
            };
            let members = &info.participants;
            if json {
                // `participants`: each member in one token (the phone, else the BSUID);
                // `members`: every key the server gave of each.
                let tokens: Vec<&str> = members.iter().map(|p| p.user_ref()).collect();
                print_json(&json!({
                    "id": info.id,
                    "subject": info.subject,
                    "description": info.description,
                    "participants": tokens,
                    "members": members,
                    "total_participant_count": info.total_participant_count,
                    "suspended": info.suspended,
                    "creation_timestamp": info.creation_timestamp,
                }));
            } else {
                println!("group    {}", sanitize(&info.id));
                println!("subject  {}", sanitize(&info.subject));
                let count = info.total_participant_count.unwrap_or(members.len() as u64);
                println!("members  {count}/{MAX_GROUP_MEMBERS}");
                if info.suspended == Some(true) {
                    println!("status   suspended");
                }
                for m in members {
                    println!("  {}", m.label());
                }
            }
            Ok(Outcome::Done)
        }
        _ => Err(Failure::input("not a read of the groups")),
    }
}

/// The groups listed: on a terminal, the subject first and the id whole (it is typed back)
/// beside it, or under it when the line has no room for both (an id is about 60 characters);
/// into a pipe, `ID  SUBJECT` a line, as scripts read it.
fn print_list(groups: &[crate::api::GroupSummary]) {
    let room = std::io::stdout().is_terminal().then(super::table::room);
    for line in list_lines(groups, room) {
        println!("{line}");
    }
}

/// The lines of `groups list`: fitted to `room` characters on a terminal, or for a pipe
/// (`None`).
fn list_lines(groups: &[crate::api::GroupSummary], room: Option<usize>) -> Vec<String> {
    let rows = |subject_first: bool| -> Vec<Vec<String>> {
        groups
            .iter()
            .map(|g| {
                let (id, subject) = (sanitize(&g.id), sanitize(&g.subject));
                if subject_first {
                    vec![subject, id]
                } else {
                    vec![id, subject]
                }
            })
            .collect()
    };
    match room {
        Some(room) => crate::present::columns::table(
            &[
                Column::new("SUBJECT", Fit::Cut, LIST_SUBJECT_MIN, usize::MAX),
                Column::new("ID", Fit::Whole, 2, usize::MAX),
            ],
            &rows(true),
            room,
        ),
        None => crate::present::columns::whole_table(
            &[
                Column::new("ID", Fit::Whole, 2, usize::MAX),
                Column::new("SUBJECT", Fit::Cut, 0, usize::MAX),
            ],
            &rows(false),
        ),
    }
}

/// The least of a subject `groups list` shows beside an id; with less room, the id goes under.
const LIST_SUBJECT_MIN: usize = 24;

/// Asks the engine for one read and waits for it.
pub(crate) async fn fetch(session: &Session, what: Fetch) -> Result<Fetched, FetchError> {
    let (engine, mut events) = session
        .engine(EngineConfig::default())
        .map_err(|f| FetchError {
            message: f.to_string(),
            class: "stopped",
            code: None,
        })?;
    engine.send(Command::Fetch(what));
    while let Some(event) = events.recv().await {
        if let Event::Fetched { result, .. } = event {
            return result;
        }
    }
    Err(FetchError {
        message: "the engine stopped".into(),
        class: "stopped",
        code: None,
    })
}

/// The one line that ends a read that failed.
pub(crate) fn fetch_failure(group: &str, e: FetchError) -> Failure {
    let group = sanitize(group);
    let message = sanitize(&e.message);
    match e.class {
        "auth" => Failure::input(super::said_once("the access token was refused", &message)),
        "permission" => Failure::input(super::said_once("the token lacks a permission", &message)),
        _ if group.is_empty() => Failure::request(message),
        _ => Failure::request(format!("group {group}: {message}")),
    }
}

fn print_json(value: &serde_json::Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("cannot print JSON: {e}"),
    }
}

async fn sync(session: &Session, concurrency: usize) -> Result<Outcome, Failure> {
    use std::io::IsTerminal;
    let config = EngineConfig {
        concurrency,
        ..EngineConfig::default()
    };
    let (engine, mut events) = session.engine(config)?;
    engine.send(Command::Sync);
    let tty = std::io::stderr().is_terminal();
    let mut last_shown = 0;
    let finished = loop {
        match events.recv().await {
            Some(Event::SyncProgress { done, total }) => {
                if done == total || done >= last_shown + 500 || (tty && done >= last_shown + 25) {
                    last_shown = done;
                    if tty {
                        eprint!("\rsynced {done}/{total} groups");
                        if done == total {
                            eprintln!();
                        }
                    } else {
                        eprintln!("synced {done}/{total} groups");
                    }
                }
            }
            Some(finished @ Event::SyncFinished { .. }) => break finished,
            Some(_) => {}
            None => return Err(Failure::request("the engine stopped")),
        }
    };
    let Event::SyncFinished {
        listed,
        read,
        gone,
        unread_groups,
        error,
        ..
    } = finished
    else {
        return Err(Failure::request("the engine stopped"));
    };
    if let Some(error) = error {
        let error = sanitize(&error);
        return Err(
            if error.contains("(HTTP 401)") || error.contains("Graph error 190") {
                Failure::input(super::said_once("the access token was refused", &error))
            } else {
                Failure::request(error)
            },
        );
    }
    for g in &unread_groups {
        let line = format!(
            "could not read group {} \"{}\": {}",
            sanitize(&g.id),
            sanitize(&g.subject),
            sanitize(&g.why)
        );
        for part in super::table::fit_stderr(&line) {
            eprintln!("{part}");
        }
    }
    // Wrapped between words on a terminal; whole into a pipe.
    super::table::print_lines([format!(
        "{listed} groups listed, {read} read into the mirror, {gone} no longer listed (marked gone), {} unread",
        unread_groups.len()
    )]);
    Ok(if unread_groups.is_empty() {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::GroupSummary;

    fn group(id: &str, subject: &str) -> GroupSummary {
        GroupSummary {
            id: id.into(),
            subject: subject.into(),
            created_at: None,
        }
    }

    const ID: &str = "Y2FwaV9ncm91cDoxMDAwMDAwMDAwMDAwMDE6OTk5OTk5OTk5OTk5OTk5OTk5";

    #[test]
    fn a_list_at_80_columns_shows_each_subject_whole_and_its_id_under_it() {
        let groups = [
            group(ID, "Brookfield Parents Association 2026"),
            group("G2", "Book Club"),
        ];
        assert_eq!(
            list_lines(&groups, Some(80)),
            [
                "SUBJECT",
                "    ID",
                "Brookfield Parents Association 2026",
                &format!("    {ID}"),
                "Book Club",
                "    G2",
            ]
        );
        // With room for both, the id beside its subject; into a pipe, `ID  SUBJECT`.
        let wide = list_lines(&groups, Some(120));
        assert_eq!(
            wide[1],
            format!("Brookfield Parents Association 2026  {ID}")
        );
        assert_eq!(
            list_lines(&groups, None)[1],
            format!("{ID}  Brookfield Parents Association 2026")
        );
    }
}
