//! `groups link GROUP [--reset|--revoke]` and `groups links [--csv]`: a group's invite link read
//! now, a new one (the old stops working) or none; every group's link.

use std::io::IsTerminal;

use crate::cli::GroupLinkArgs;
use crate::commands::csv_out;
use crate::commands::group_arg;
use crate::commands::lifecycle::{Mode, apply, ask};
use crate::config::Settings;
use crate::domain::OpSpec;
use crate::domain::text::sanitize;
use crate::engine::{Fetch, Fetched};
use crate::exit::{Failure, Outcome};
use crate::session::Session;

pub async fn run(settings: &Settings, args: GroupLinkArgs) -> Result<Outcome, Failure> {
    let names = group_arg::local_names(settings).await?;
    let group = group_arg::resolve(&names, "group", &args.id)?;
    let mode = Mode::from(&args.send);
    let spec = match (args.reset, args.revoke) {
        (false, false) => return show(settings, &group, &names.label(&group)).await,
        (true, _) => OpSpec::ResetLink {
            group: group.clone(),
        },
        (_, true) => OpSpec::RevokeLink {
            group: group.clone(),
        },
    };
    if mode != Mode::DryRun {
        let verb = if args.reset { "Reset" } else { "Revoke" };
        let question = format!(
            "{verb} the invite link of group {}: the current link stops working",
            names.label(&group)
        );
        if !ask(
            settings,
            std::slice::from_ref(&spec),
            &question,
            mode,
            args.yes,
        )
        .await?
        {
            say_err!("nothing changed");
            return Ok(Outcome::Done);
        }
    }
    let (outcome, ended) = apply(settings, vec![spec], mode).await?;
    if args.reset && mode == Mode::Now && outcome == Outcome::Done {
        let session = Session::local(settings).await?;
        if let Ok(Some(g)) = session.store().group(&group).await
            && let Some(link) = g.about.invite_link
        {
            println!("{}", sanitize(&link));
        }
    }
    let _ = ended;
    Ok(outcome)
}

/// The link read now; `label` names the group when it cannot be read.
async fn show(settings: &Settings, group: &str, label: &str) -> Result<Outcome, Failure> {
    let session = Session::online(settings).await?;
    match super::fetch(&session, Fetch::InviteLink(group.to_owned())).await {
        Ok(Fetched::InviteLink { invite_link, .. }) => {
            println!("{}", sanitize(&invite_link));
            Ok(Outcome::Done)
        }
        Ok(_) => Err(Failure::request("the engine read something else")),
        Err(e) => Err(super::fetch_failure(label, e)),
    }
}

/// Every group's link, read now: on a terminal a table of each group's name and link, into a
/// pipe `ID  LINK  SUBJECT` a line, or CSV.
pub async fn all(settings: &Settings, csv: bool) -> Result<Outcome, Failure> {
    let session = Session::online(settings).await?;
    let Fetched::InviteLinks(links) = super::fetch(&session, Fetch::InviteLinks)
        .await
        .map_err(|e| super::fetch_failure("", e))?
    else {
        return Err(Failure::request("the engine read something else"));
    };
    let mut unread = 0;
    if csv {
        let mut out = csv_out::CsvOut::new(std::io::stdout());
        out.row(["group", "subject", "invite_link", "error"])?;
        for l in &links {
            unread += usize::from(l.invite_link.is_none());
            out.row([
                l.group_id.as_str(),
                l.subject.as_str(),
                l.invite_link.as_deref().unwrap_or(""),
                l.error.as_deref().unwrap_or(""),
            ])?;
        }
        out.flush()?;
    } else {
        // On a terminal, a group by its name (which `--group` takes back) and its link whole,
        // fitted to the width; into a pipe, `ID  LINK  SUBJECT` a line.
        let terminal = std::io::stdout().is_terminal();
        let names = group_arg::names(session.store()).await?;
        let mut rows = Vec::new();
        for l in &links {
            match (&l.invite_link, &l.error) {
                (Some(link), _) if terminal => {
                    rows.push(vec![names.label(&l.group_id), sanitize(link)]);
                }
                (Some(link), _) => println!(
                    "{}  {}  {}",
                    sanitize(&l.group_id),
                    sanitize(link),
                    sanitize(&l.subject)
                ),
                (None, error) => {
                    unread += 1;
                    say_err!(
                        "group {} \"{}\": no link: {}",
                        sanitize(&l.group_id),
                        sanitize(&l.subject),
                        sanitize(error.as_deref().unwrap_or("none"))
                    );
                }
            }
        }
        if terminal {
            use crate::present::columns::{Column, Fit};
            crate::commands::table::print(
                &[
                    Column::new("GROUP", Fit::CutKeepingEnd, 12, usize::MAX),
                    Column::new("INVITE LINK", Fit::Whole, 0, usize::MAX),
                ],
                &rows,
            );
        }
        say_err!(
            "{} group(s), {} link(s) read",
            links.len(),
            links.len() - unread
        );
    }
    Ok(if unread == 0 {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}
