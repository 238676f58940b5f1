//! `requests list|approve|reject`: the pending join requests of approval_required groups, read
//! now; approving or rejecting them (by id, or `--all` read now), queued, shown or sent at once.

use serde_json::json;

use super::group_arg;
use super::groups::{fetch, fetch_failure};
use super::lifecycle::{Mode, apply, ask};
use super::local::store_failure;
use crate::cli::{RequestDecisionArgs, RequestsCommand};
use crate::config::Settings;
use crate::domain::text::sanitize;
use crate::domain::{GroupNames, OpSpec};
use crate::engine::{Fetch, Fetched};
use crate::exit::{Failure, Outcome};
use crate::present::columns::{Column, Fit};
use crate::session::Session;
use crate::store::StoredJoinRequest;

pub async fn run(settings: &Settings, cmd: RequestsCommand) -> Result<Outcome, Failure> {
    // `--group` names a group as every command does: an id, or a unique subject.
    let names = group_arg::local_names(settings).await?;
    match cmd {
        RequestsCommand::List { group, json } => {
            let group = group_arg::resolve_opt(&names, "--group", group.as_ref())?;
            list(settings, &names, group.as_deref(), json).await
        }
        RequestsCommand::Approve(args) => decide(settings, &names, args, true).await,
        RequestsCommand::Reject(args) => decide(settings, &names, args, false).await,
    }
}

/// Says which groups' join requests could not be read, and why.
fn print_unread(names: &GroupNames, unread: &[(String, String)]) {
    for (g, why) in unread {
        say_err!(
            "could not read the join requests of group {}: {}",
            names.label(g),
            sanitize(why)
        );
    }
}

/// Reads the pending requests now (kept in the mirror); the groups that could not be read.
async fn read(
    settings: &Settings,
    names: &GroupNames,
    group: Option<&str>,
) -> Result<(Vec<StoredJoinRequest>, Vec<(String, String)>), Failure> {
    let session = Session::online(settings).await?;
    let what = Fetch::JoinRequests(group.map(str::to_owned));
    match fetch(&session, what).await {
        Ok(Fetched::JoinRequests { requests, unread }) => Ok((requests, unread)),
        Ok(_) => Err(Failure::request("the engine read something else")),
        Err(e) => Err(fetch_failure(
            &group.map(|g| names.label(g)).unwrap_or_default(),
            e,
        )),
    }
}

async fn list(
    settings: &Settings,
    names: &GroupNames,
    group: Option<&str>,
    json: bool,
) -> Result<Outcome, Failure> {
    let (requests, unread) = read(settings, names, group).await?;
    print_unread(names, &unread);
    if json {
        let list: Vec<_> = requests
            .iter()
            .map(|r| {
                let person = r.person.as_ref();
                json!({
                    "group": r.group_id, "subject": names.subject(&r.group_id),
                    "join_request_id": r.join_request_id,
                    "participant": person.map(|p| p.user_ref()),
                    "username": person.and_then(|p| p.username()),
                    "user_id": person.and_then(|p| p.user_id()).map(|id| id.as_str()),
                    "created_at": r.created_at,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
    } else {
        print_table(&requests, names);
        say_err!("{} pending join request(s)", requests.len());
    }
    Ok(if unread.is_empty() {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    })
}

/// The requests as a table fitted to the line's room ([`super::table`]): the group by its
/// label (as everywhere; cut in its middle, so the ending that tells two groups of one
/// subject apart stays; a group the mirror does not know by its id, whole), the asker as
/// people are shown everywhere (cut past 48 characters, or where the line has no room), when
/// they asked, and last the request id, whole (it is typed back to `requests
/// approve|reject`): beside the rest when there is room, else under its row. The group's id
/// is in `--json`.
fn print_table(requests: &[StoredJoinRequest], names: &GroupNames) {
    let rows: Vec<Vec<String>> = requests
        .iter()
        .map(|r| {
            vec![
                names.label(&r.group_id),
                sanitize(&r.label()),
                r.created_at
                    .map(crate::domain::when::rfc3339)
                    .unwrap_or_default(),
                sanitize(&r.join_request_id),
            ]
        })
        .collect();
    // A label is cut past this; an id (a group the mirror does not know) never is.
    let group = if requests.iter().all(|r| names.knows(&r.group_id)) {
        Column::new("GROUP", Fit::CutKeepingEnd, 12, 32)
    } else {
        Column::new("GROUP", Fit::Whole, 0, usize::MAX)
    };
    super::table::print(
        &[
            group,
            Column::new("WHO", Fit::Cut, 16, 48),
            Column::new("ASKED", Fit::Whole, 0, usize::MAX),
            Column::new("JOIN REQUEST", Fit::Whole, 0, usize::MAX),
        ],
        &rows,
    );
}

/// Join requests named on one line, for a question: `wen.v29 in Book Club, +447911123456 in
/// Cedar Park (Q4) and 3 more` (at most [`ASKERS_NAMED`] named).
fn askers(requests: &[StoredJoinRequest], names: &GroupNames) -> String {
    let mut named: Vec<String> = requests
        .iter()
        .take(ASKERS_NAMED)
        .map(|r| format!("{} in {}", sanitize(&r.label()), names.label(&r.group_id)))
        .collect();
    let more = requests.len().saturating_sub(ASKERS_NAMED);
    if more > 0 {
        named.push(format!("and {more} more"));
    }
    named.join(", ")
}

/// How many join requests a question names before "and N more".
const ASKERS_NAMED: usize = 3;

async fn decide(
    settings: &Settings,
    names: &GroupNames,
    args: RequestDecisionArgs,
    approve: bool,
) -> Result<Outcome, Failure> {
    let group = group_arg::resolve_opt(names, "--group", args.group.as_ref())?;
    let requests: Vec<StoredJoinRequest> = if args.all {
        let (requests, unread) = read(settings, names, group.as_deref()).await?;
        print_unread(names, &unread);
        requests
    } else {
        // The ids as the mirror knows them (read with `requests list`), or of --group.
        let session = Session::local(settings).await?;
        let known = session
            .store()
            .join_requests(group.as_deref())
            .await
            .map_err(store_failure)?;
        let mut out = Vec::new();
        for id in &args.ids {
            match known.iter().find(|r| r.join_request_id == *id) {
                Some(r) => out.push(r.clone()),
                None => match &group {
                    Some(g) => out.push(StoredJoinRequest {
                        group_id: g.clone(),
                        join_request_id: id.clone(),
                        person: None,
                        created_at: None,
                        read_at: 0,
                    }),
                    None => {
                        return Err(Failure::input(format!(
                            "join request {}: not among the pending requests read (`wa-groups requests list`), and no --group names its group",
                            sanitize(id)
                        )));
                    }
                },
            }
        }
        out
    };
    if requests.is_empty() {
        say_err!(
            "no pending join request to {}",
            if approve { "approve" } else { "reject" }
        );
        return Ok(Outcome::Done);
    }
    let mode = Mode::from(&args.send);
    let count = requests.len();
    let who = askers(&requests, names);
    let specs: Vec<OpSpec> = requests
        .into_iter()
        .map(|r| {
            let (group, request) = (r.group_id.clone(), r.reference());
            if approve {
                OpSpec::Approve { group, request }
            } else {
                OpSpec::Reject { group, request }
            }
        })
        .collect();
    if !approve && mode != Mode::DryRun {
        let question = format!("Reject {count} join request(s): {who}");
        if !ask(settings, &specs, &question, mode, args.yes).await? {
            say_err!("nothing rejected");
            return Ok(Outcome::Done);
        }
    }
    let (outcome, _) = apply(settings, specs, mode).await?;
    Ok(outcome)
}
