//! `events [--group GROUP] [--json]`: the group events received by webhook, oldest first, each
//! once, with what each settled.

use serde_json::json;

use super::local::{open, store_failure};
use crate::cli::EventsArgs;
use crate::config::Settings;
use crate::domain::text::sanitize;
use crate::domain::when::rfc3339;
use crate::exit::{Failure, Outcome};
use crate::store::EventFilter;

pub async fn run(settings: &Settings, args: EventsArgs) -> Result<Outcome, Failure> {
    let store = open(settings).await?;
    let names = super::group_arg::names(&store).await?;
    let group = super::group_arg::resolve_opt(&names, "--group", args.group.as_ref())?;
    let records = store
        .events(EventFilter {
            group,
            ..EventFilter::default()
        })
        .await
        .map_err(store_failure)?;
    if args.json {
        let list: Vec<_> = records
            .iter()
            .map(|r| {
                let at = r.event.at.unwrap_or(r.received_at);
                let line = crate::present::event_sentence(&r.event, &r.effects, sanitize);
                json!({
                    "id": r.id,
                    "time": rfc3339(at),
                    "received": rfc3339(r.received_at),
                    "deliveries": r.deliveries,
                    "processed": r.processed_at.map(rfc3339),
                    "field": r.event.field.as_str(),
                    "type": r.event.kind.as_str(),
                    "group": r.event.group_id,
                    "request_id": r.event.request_id,
                    "text": line.text,
                    "event": r.event,
                    "settled": r.effects,
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&list)
            .map_err(|e| Failure::input(format!("cannot write JSON: {e}")))?;
        println!("{text}");
        return Ok(Outcome::Done);
    }
    if records.is_empty() {
        println!("no events received (wa-groups webhook serve receives them)");
        return Ok(Outcome::Done);
    }
    let mut subjects = std::collections::HashMap::new();
    for r in &records {
        if let Some(id) = &r.event.group_id
            && !subjects.contains_key(id)
        {
            let subject = store
                .group(id)
                .await
                .map_err(store_failure)?
                .map(|g| g.subject)
                .filter(|s| !s.is_empty());
            subjects.insert(id.clone(), subject);
        }
    }
    let name = |id: &str| match subjects.get(id).cloned().flatten() {
        Some(subject) => format!("\"{}\" ({})", sanitize(&subject), sanitize(id)),
        None => sanitize(id),
    };
    for r in &records {
        let at = r.event.at.unwrap_or(r.received_at);
        let line = crate::present::event_line(r, name);
        let pending = if r.processed_at.is_none() {
            " (not processed yet)"
        } else {
            ""
        };
        println!("{}  {}{pending}", rfc3339(at), line.text);
    }
    Ok(Outcome::Done)
}
