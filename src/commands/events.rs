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
                    "subject": r.event.group_id.as_deref().and_then(|g| names.subject(g)),
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
        say!("no events received (wa-groups webhook serve receives them)");
        return Ok(Outcome::Done);
    }
    // Groups named as everywhere: the subject, with the id's ending where two share it.
    let name = |id: &str| names.label(id);
    // One batch: the terminal's width is asked once, not at each of thousands of lines.
    super::table::print_lines(records.iter().map(|r| {
        let at = r.event.at.unwrap_or(r.received_at);
        let line = crate::present::event_line(r, name);
        let pending = if r.processed_at.is_none() {
            " (not processed yet)"
        } else {
            ""
        };
        format!("{}  {}{pending}", rfc3339(at), line.text)
    }));
    Ok(Outcome::Done)
}
