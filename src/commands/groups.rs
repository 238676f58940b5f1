//! `groups list|show`: read the account's groups from the API.

use serde_json::json;

use crate::cli::GroupsCommand;
use crate::config::Settings;
use crate::domain::text::sanitize;
use crate::domain::{MAX_GROUP_MEMBERS, Participant};
use crate::exit::{Failure, Outcome};

pub async fn run(settings: &Settings, cmd: GroupsCommand) -> Result<Outcome, Failure> {
    if let GroupsCommand::Sync { concurrency } = cmd {
        return sync(settings, usize::from(concurrency)).await;
    }
    let client = settings.client()?;
    match cmd {
        GroupsCommand::Sync { .. } => {}
        GroupsCommand::List { json } => {
            let groups = client.list_groups().await.map_err(list_failure)?;
            if json {
                let list: Vec<_> = groups
                    .iter()
                    .map(|g| json!({"id": g.id, "subject": g.subject, "created_at": g.created_at}))
                    .collect();
                print_json(&json!(list));
            } else {
                let width = groups.iter().map(|g| g.id.len()).max().unwrap_or(2);
                println!("{:<width$}  SUBJECT", "ID");
                for g in &groups {
                    println!("{:<width$}  {}", sanitize(&g.id), sanitize(&g.subject));
                }
                eprintln!("{} groups", groups.len());
            }
        }
        GroupsCommand::Show { id, json } => {
            let info = client
                .group_info(id.as_str())
                .await
                .map_err(|e| super::api_failure(id.as_str(), e))?;
            let members: Vec<String> = info
                .participants
                .iter()
                .map(|w| {
                    Participant::from_wa_id(w)
                        .map(|p| p.e164().to_owned())
                        .unwrap_or_else(|_| sanitize(w))
                })
                .collect();
            if json {
                print_json(&json!({
                    "id": info.id,
                    "subject": info.subject,
                    "description": info.description,
                    "participants": members,
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
                for m in &members {
                    println!("  {m}");
                }
            }
        }
    }
    Ok(Outcome::Done)
}

fn list_failure(e: crate::api::ApiError) -> Failure {
    super::api_failure("", e)
}

fn print_json(value: &serde_json::Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("cannot print JSON: {e}"),
    }
}

async fn sync(settings: &Settings, concurrency: usize) -> Result<Outcome, Failure> {
    use std::io::IsTerminal;
    let (store, acct) = super::local::open(settings)?;
    let client = settings.client()?;
    let store = super::local::shared(store);
    let pacer = std::sync::Arc::new(crate::engine::pacer::Pacer::new(None));
    let tty = std::io::stderr().is_terminal();
    let mut last_shown = 0;
    let report = crate::engine::sync::sync_groups(
        &client,
        &store,
        acct,
        concurrency,
        &pacer,
        |done, total| {
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
        },
    )
    .await
    .map_err(|e| match e {
        crate::engine::sync::SyncError::List(api) => super::api_failure("", api),
        unreachable @ crate::engine::sync::SyncError::Unreachable(_) => {
            Failure::request(unreachable.to_string())
        }
        other => Failure::input(other.to_string()),
    })?;
    for (id, why) in &report.unread {
        eprintln!("could not read group {}: {}", sanitize(id), sanitize(why));
    }
    println!(
        "{} groups listed, {} read into the mirror, {} no longer listed (marked gone), {} unread",
        report.listed,
        report.read,
        report.gone,
        report.unread.len()
    );
    Ok(if report.unread.is_empty() {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}
