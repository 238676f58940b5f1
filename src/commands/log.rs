//! `log`: the audit trail, as a readable list, JSON, or a CSV of participant outcomes.

use serde_json::json;

use super::csv_out::CsvOut;
use super::local::{open, store_failure};
use crate::cli::LogArgs;
use crate::config::Settings;
use crate::domain::text::sanitize;
use crate::domain::when::rfc3339;
use crate::exit::{Failure, Outcome};

pub async fn run(settings: &Settings, args: LogArgs) -> Result<Outcome, Failure> {
    let store = open(settings).await?;
    let outcomes = store.outcomes().await.map_err(store_failure)?;
    if args.csv {
        let mut out = CsvOut::new(std::io::stdout().lock());
        out.row([
            "time",
            "group",
            "participant",
            "action",
            "result",
            "code",
            "message",
            "request_id",
            "username",
        ])?;
        for o in &outcomes {
            let o = &o.outcome;
            let code = o.code.map(|c| c.to_string()).unwrap_or_default();
            out.row([
                rfc3339(o.at).as_str(),
                &o.group_id,
                &o.participant,
                o.action.as_str(),
                o.result.as_str(),
                &code,
                o.message.as_deref().unwrap_or(""),
                o.request_id.as_deref().unwrap_or(""),
                o.username.as_deref().unwrap_or(""),
            ])?;
        }
        out.flush()?;
        return Ok(Outcome::Done);
    }
    let exchanges = store.exchanges().await.map_err(store_failure)?;
    if args.json {
        let value = json!({
            "exchanges": exchanges.iter().map(|x| {
                let e = &x.exchange;
                json!({
                    "time": rfc3339(e.at), "method": e.method, "path": e.path, "group": e.group_id,
                    "participants": e.participants, "status": e.status, "code": e.graph_code,
                    "request_id": e.request_id, "duration_ms": e.duration_ms, "error": e.error,
                })
            }).collect::<Vec<_>>(),
            "outcomes": outcomes.iter().map(|x| {
                let o = &x.outcome;
                json!({
                    "time": rfc3339(o.at), "group": o.group_id, "participant": o.participant,
                    "username": o.username, "action": o.action, "result": o.result, "code": o.code, "message": o.message,
                    "request_id": o.request_id, "operation": o.operation_id.map(|id| id.0),
                })
            }).collect::<Vec<_>>(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return Ok(Outcome::Done);
    }
    for x in &exchanges {
        let e = &x.exchange;
        let status = e
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "no answer".into());
        let code = e
            .graph_code
            .map(|c| format!(" code {c}"))
            .unwrap_or_default();
        println!(
            "{}  {:<6} {}  {}{}  {}ms{}",
            rfc3339(e.at),
            e.method,
            sanitize(&e.path),
            status,
            code,
            e.duration_ms,
            e.error
                .as_deref()
                .map(|m| format!("  {}", sanitize(m)))
                .unwrap_or_default()
        );
    }
    eprintln!(
        "{} exchanges, {} participant outcomes (--csv for the outcomes)",
        exchanges.len(),
        outcomes.len()
    );
    Ok(Outcome::Done)
}
