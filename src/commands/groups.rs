//! `groups list|show`: read the account's groups from the API.

use serde_json::json;

use crate::cli::GroupsCommand;
use crate::config::Settings;
use crate::domain::text::sanitize;
use crate::domain::{MAX_GROUP_MEMBERS, Participant};
use crate::exit::{Failure, Outcome};

pub async fn run(settings: &Settings, cmd: GroupsCommand) -> Result<Outcome, Failure> {
    let client = settings.client()?;
    match cmd {
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
                .group_info(id.trim())
                .await
                .map_err(|e| super::api_failure(id.trim(), e))?;
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
