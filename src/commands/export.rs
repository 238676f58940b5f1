//! `groups export`: the mirror's groups and members as a table, CSV or JSON, read from the
//! store alone (nothing is sent). The CSV is what `queue sync-target` reads: one row per
//! member, `(empty)` for a group without members, so exporting, editing and syncing back
//! changes only what was edited.

use serde_json::json;

use super::csv_out::CsvOut;
use super::local::{open, store_failure};
use crate::config::Settings;
use crate::domain::GroupNames;
use crate::domain::text::sanitize;
use crate::exit::{Failure, Outcome};
use crate::import::EMPTY_MARKER;
use crate::store::MirrorGroup;

pub async fn run(
    settings: &Settings,
    csv: bool,
    json: bool,
    gone: bool,
) -> Result<Outcome, Failure> {
    let store = open(settings).await?;
    let summaries = store.groups().await.map_err(store_failure)?;
    let names = GroupNames::new(
        summaries
            .iter()
            .map(|g| (g.id.clone(), g.subject.as_str(), g.gone_at.is_some())),
    );
    let ids: Vec<String> = summaries
        .iter()
        .filter(|g| gone || g.gone_at.is_none())
        .map(|g| g.id.clone())
        .collect();
    let mut groups = store.groups_of(ids.clone()).await.map_err(store_failure)?;
    // In the mirror's order (by subject).
    groups.sort_by_key(|g| ids.iter().position(|id| *id == g.id));
    if csv {
        write_csv(&groups)?;
    } else if json {
        let list: Vec<_> = groups
            .iter()
            .map(|g| {
                json!({
                    "group": g.id,
                    "subject": g.subject,
                    "participants": g.members.iter().map(|p| p.user_ref()).collect::<Vec<_>>(),
                    "member_count": g.member_count,
                    "gone": g.gone_at.is_some(),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
    } else {
        // On a terminal a heading wider than it wraps under itself; into a pipe it is whole.
        let mut lines = Vec::new();
        for g in &groups {
            let gone = if g.gone_at.is_some() { " (gone)" } else { "" };
            lines.push(format!(
                "{}{gone}  {}  {} member(s)",
                names.label(&g.id),
                sanitize(&g.id),
                g.members.len()
            ));
            lines.extend(g.members.iter().map(|p| format!("  {}", p.label())));
        }
        super::table::print_lines(lines);
    }
    let members: usize = groups.iter().map(|g| g.members.len()).sum();
    say_err!(
        "{} group(s), {members} member(s), from the mirror (`groups sync` reads it anew)",
        groups.len()
    );
    Ok(Outcome::Done)
}

/// `group,subject,participant`, one row per member (the phone in E.164, else the BSUID);
/// `(empty)` for a group without members.
fn write_csv(groups: &[MirrorGroup]) -> Result<(), Failure> {
    let mut out = CsvOut::new(std::io::stdout().lock());
    out.row(["group", "subject", "participant"])?;
    for g in groups {
        if g.members.is_empty() {
            out.row([g.id.as_str(), &g.subject, EMPTY_MARKER])?;
        }
        for p in &g.members {
            out.row([g.id.as_str(), &g.subject, p.user_ref()])?;
        }
    }
    out.flush()
}
