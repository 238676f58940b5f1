//! `groups delete GROUP...`: asks, naming each group and its members as the mirror has them
//! (`--yes` in scripts), then queues, shows or sends the deletions.

use crate::cli::GroupDeleteArgs;
use crate::commands::group_arg;
use crate::commands::lifecycle::{Mode, apply, ask};
use crate::commands::local::store_failure;
use crate::config::Settings;
use crate::domain::OpSpec;
use crate::domain::text::sanitize;
use crate::exit::{Failure, Outcome};
use crate::session::Session;

pub async fn run(settings: &Settings, args: GroupDeleteArgs) -> Result<Outcome, Failure> {
    let mode = Mode::from(&args.send);
    let names = group_arg::local_names(settings).await?;
    let ids = group_arg::resolve_all(&names, "group", &args.ids)?;
    let specs: Vec<OpSpec> = ids
        .iter()
        .map(|group| OpSpec::Delete {
            group: group.clone(),
        })
        .collect();
    if mode != Mode::DryRun {
        let session = Session::local(settings).await?;
        let mut named = Vec::new();
        for id in &ids {
            let group = session.store().group(id).await.map_err(store_failure)?;
            named.push(match group {
                Some(g) if !g.members.is_empty() => format!(
                    "\"{}\" ({}, {} member(s): {})",
                    sanitize(&g.subject),
                    sanitize(id),
                    g.member_count,
                    g.members
                        .iter()
                        .map(|p| p.label())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some(g) => format!(
                    "\"{}\" ({}, {} member(s))",
                    sanitize(&g.subject),
                    sanitize(id),
                    g.member_count
                ),
                None => format!("{} (not in the mirror)", sanitize(id)),
            });
        }
        let question = format!(
            "Delete {}: every participant is removed, the business too",
            named.join(", ")
        );
        if !ask(settings, &specs, &question, mode, args.yes).await? {
            say_err!("nothing deleted");
            return Ok(Outcome::Done);
        }
    }
    let (outcome, _) = apply(settings, specs, mode).await?;
    Ok(outcome)
}
