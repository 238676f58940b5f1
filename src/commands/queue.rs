//! `queue …`: put changes in the local queue, look at it, take them out. Nothing is sent.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde_json::json;

use super::file_input::{import_failure, print_encoding};
use super::group_arg::{self, names};
use super::local::{open, store_failure};
use super::users::parse_users;
use crate::cli::{
    DropArgs, ImportArgs, QueueCommand, QueueListArgs, QueueUsersArgs, RetryArgs, SyncTargetArgs,
};
use crate::config::Settings;
use crate::domain::text::sanitize;
use crate::domain::when::ago;
use crate::domain::{GroupNames, OpSpec, OperationKind, OperationState};
use crate::exit::{Failure, Outcome};
use crate::import::{self, ImportReport, ImportTo, LineNote, OnBadLines};
use crate::present;
use crate::present::columns::{Column, Fit};
use crate::store::{DropScope, EnqueueReport, OpId, OperationFilter, now_ms};

/// Removals a target file may queue without `--yes`: a group's worth.
pub const TARGET_REMOVALS_WITHOUT_YES: usize = crate::domain::MAX_GROUP_MEMBERS;

pub async fn run(settings: &Settings, cmd: QueueCommand) -> Result<Outcome, Failure> {
    match cmd {
        QueueCommand::Add(args) => users(settings, OperationKind::Add, args).await,
        QueueCommand::Remove(args) => users(settings, OperationKind::Remove, args).await,
        QueueCommand::Import(args) => import_file(settings, args).await,
        QueueCommand::List(args) => list(settings, args).await,
        QueueCommand::Drop(args) => drop_ops(settings, args).await,
        QueueCommand::SyncTarget(args) => sync_target(settings, args).await,
        QueueCommand::Retry(args) => retry(settings, args).await,
    }
}

async fn users(
    settings: &Settings,
    kind: OperationKind,
    args: QueueUsersArgs,
) -> Result<Outcome, Failure> {
    let store = open(settings).await?;
    let names = names(&store).await?;
    let group = group_arg::resolve(&names, "--group", &args.group)?;
    let users = match kind {
        // A @username names a member the mirror knows.
        OperationKind::Remove => {
            let members = store
                .group(&group)
                .await
                .map_err(store_failure)?
                .map(|g| g.members)
                .unwrap_or_default();
            super::users::by_username(
                &args.users,
                &members,
                &names.label(&group),
                settings.default_region,
            )?
        }
        _ => args.users.clone(),
    };
    let people = parse_users(&users, settings.default_region, kind)?;
    let ops: Vec<OpSpec> = people
        .into_iter()
        .map(|person| OpSpec::for_person(kind, group.as_str(), person))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::input(e.to_string()))?;
    let report = store.enqueue(ops).await.map_err(store_failure)?;
    print_enqueue(&report, &names);
    Ok(Outcome::Done)
}

/// Tells the operator what the queue rules did, groups named as everywhere.
fn print_enqueue(report: &EnqueueReport, names: &GroupNames) {
    super::table::print_lines(
        crate::present::enqueue_lines(report, |g| names.label(g))
            .into_iter()
            .map(|line| line.text),
    );
}

async fn import_file(settings: &Settings, args: ImportArgs) -> Result<Outcome, Failure> {
    let name = args.file.display().to_string();
    let reader: Box<dyn Read + Send> = if args.file == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            File::open(&args.file)
                .map_err(|e| Failure::input(format!("{name}: cannot open: {e}")))?,
        )
    };
    let store = open(settings).await?;
    let names = names(&store).await?;
    let group = group_arg::resolve_opt(&names, "--group", args.group.as_ref())?;
    let on_bad = if args.skip_invalid {
        OnBadLines::Skip
    } else {
        OnBadLines::Reject
    };
    let region = settings.default_region;
    let action = args.action;
    // The import reads, parses and stores on threads of its own: off the async threads.
    let result = tokio::task::spawn_blocking(move || {
        let to = ImportTo {
            store: &store,
            on_bad,
            groups: &names,
        };
        match (&group, action) {
            (Some(group), Some(kind)) => import::read_list(reader, group, kind, region, to),
            _ => import::read_csv(reader, region, to),
        }
    })
    .await
    .map_err(|e| Failure::input(format!("{name}: the import stopped: {e}")))?;
    match result {
        // Lines skipped as `--skip-invalid` asked are no failed request: the import did what
        // was asked (0), each skipped line named on stderr.
        Ok(report) => {
            print_import(&name, &report);
            Ok(Outcome::Done)
        }
        Err(e) => Err(import_failure(
            &name,
            e,
            "nothing was imported (fix them, or --skip-invalid imports the good lines)",
        )),
    }
}

fn print_notes(name: &str, notes: &[LineNote], more: usize) {
    for note in notes {
        say_err!("{name}:{}: note: {}", note.line, note.note);
    }
    if more > 0 {
        say_err!("{name}: … and {more} more notes");
    }
}

fn print_import(name: &str, report: &ImportReport) {
    print_encoding(name, report.encoding.as_deref(), false);
    print_notes(name, &report.notes, report.notes_more);
    for line in &report.bad {
        say_err!("{name}:{}: skipped: {}", line.line, line.reason);
    }
    if report.bad_more > 0 {
        say_err!("{name}: … and {} more bad lines skipped", report.bad_more);
    }
    for line in &report.flagged_lines {
        say_err!("{name}:{}: flagged: {}", line.line, line.note);
    }
    if report.flagged_more > 0 {
        say_err!("{name}: … and {} more flagged lines", report.flagged_more);
    }
    // What was read (a row of a CSV, a number of a list: good or bad) and what stays queued;
    // each other count only when it is not 0.
    let mut parts = vec![format!(
        "{name}: {} entries read, {} queued",
        report.read, report.stored
    )];
    let counts = [
        (report.duplicates, "already pending"),
        (report.replaced, "replaced an opposite pending change"),
        (report.superseded, "undone by a later line of the file"),
        (
            report.cancelled,
            "not queued: the group is already so, and the opposite pending change was withdrawn",
        ),
        (report.flagged, "flagged (listed above)"),
        (report.bad.len() + report.bad_more, "bad line(s) skipped"),
    ];
    parts.extend(
        counts
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}")),
    );
    say!("{}", parts.join(", "));
}

async fn list(settings: &Settings, args: QueueListArgs) -> Result<Outcome, Failure> {
    let store = open(settings).await?;
    let names = names(&store).await?;
    let group = group_arg::resolve_opt(&names, "--group", args.group.as_ref())?;
    let ops = store
        .operations(OperationFilter {
            group,
            state: args.state,
            ids: None,
        })
        .await
        .map_err(store_failure)?;
    // Failures queued again, of the whole queue (the summary counts the whole queue).
    let retried = present::retried_failures(
        &store
            .operations(OperationFilter::default())
            .await
            .map_err(store_failure)?,
    );
    if args.json {
        let list: Vec<_> = ops
            .iter()
            .map(|op| {
                let person = op.person();
                json!({
                    "id": op.id.0, "group": op.group(),
                    "subject": op.group().and_then(|g| names.subject(g)).or(match &op.spec {
                        OpSpec::Create { new, .. } => Some(new.subject.as_str()),
                        _ => None,
                    }),
                    "change": op.spec.describe(),
                    "participant": person.map(|p| p.user_ref()),
                    "username": person.and_then(|p| p.username()),
                    "user_id": person.and_then(|p| p.user_id()).map(|id| id.as_str()),
                    "action": op.kind(), "state": op.state, "attempts": op.attempts,
                    "code": op.error_code, "message": op.error_message,
                    "request_id": op.request_id, "flag": op.flag,
                    "retried": retried.contains(&op.id),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
        return Ok(Outcome::Done);
    }
    // Each column as wide as its longest cell, within bounds, fitted to the line's room
    // ([`super::table`]): the group's label (a subject, with the id's ending where two groups
    // share it; cut in its middle) and the participant shown (a phone, a BSUID, a username);
    // the note last, wrapped where it has room.
    // A create is named by the subject it asks for until the mirror knows its group.
    let rows: Vec<Vec<String>> = ops
        .iter()
        .map(|op| {
            vec![
                op.id.0.to_string(),
                names.label_of(&op.spec),
                op.spec.detail(),
                op.kind().as_str().to_owned(),
                op.state.as_str().to_owned(),
                crate::present::note(op).unwrap_or_default(),
            ]
        })
        .collect();
    super::table::print(
        &[
            Column::new("ID", Fit::Whole, 2, usize::MAX).right(),
            Column::new("GROUP", Fit::CutKeepingEnd, 12, 40),
            Column::new("WHO / WHAT", Fit::Cut, 16, 48),
            Column::new("ACTION", Fit::Whole, 6, 16),
            Column::new("STATE", Fit::Whole, 5, 9),
            Column::new("NOTE", Fit::Cut, 0, usize::MAX),
        ],
        &rows,
    );
    let counts = store.count_by_state().await.map_err(store_failure)?;
    say_err!(
        "{} shown; queue: {}",
        ops.len(),
        present::queue_counts(&counts, retried.len())
    );
    Ok(Outcome::Done)
}

/// Operations named by id of which none is pending: a failure (exit 2) saying where each
/// stands, as `queue retry` says of ids it cannot retry; a script sees nothing was dropped.
async fn nothing_dropped(
    store: &crate::store::AccountStore,
    ids: &[i64],
) -> Result<Failure, Failure> {
    let ops = store
        .operations(OperationFilter {
            ids: Some(ids.iter().map(|id| OpId(*id)).collect()),
            ..OperationFilter::default()
        })
        .await
        .map_err(store_failure)?;
    let said: Vec<String> = ids
        .iter()
        .map(|id| match ops.iter().find(|op| op.id == OpId(*id)) {
            Some(op) => format!("{} is {}", op.id, op.state),
            None => format!("{} does not exist", OpId(*id)),
        })
        .collect();
    Ok(Failure::input(format!(
        "nothing dropped: {} (only pending operations are dropped; finished ones are the history)",
        said.join(", ")
    )))
}

async fn drop_ops(settings: &Settings, args: DropArgs) -> Result<Outcome, Failure> {
    let store = open(settings).await?;
    let group = group_arg::resolve_opt(&names(&store).await?, "--group", args.group.as_ref())?;
    let scope = if args.all {
        DropScope::All
    } else if let Some(group) = &group {
        DropScope::Group(group.clone())
    } else if !args.ids.is_empty() {
        DropScope::Ids(args.ids.iter().map(|id| OpId(*id)).collect())
    } else {
        return Err(Failure::input(
            "say what to drop: operation ids, --group GROUP, or --all",
        ));
    };
    let matching = store
        .operations(OperationFilter {
            group: group.clone(),
            state: Some(crate::domain::OperationState::Pending),
            ids: (!args.ids.is_empty()).then(|| args.ids.iter().map(|id| OpId(*id)).collect()),
        })
        .await
        .map_err(store_failure)?
        .len();
    if matching == 0 && !args.ids.is_empty() {
        return Err(nothing_dropped(&store, &args.ids).await?);
    }
    if matching > 1 && !args.yes {
        return Err(Failure::input(format!(
            "this drops {matching} pending operations; add --yes to do it"
        )));
    }
    let report = store.drop_operations(scope).await.map_err(store_failure)?;
    say!("dropped {} pending operation(s)", report.dropped);
    if report.kept_in_flight > 0 {
        say!(
            "kept {} being sent or awaiting confirmation: their outcome is settled by the next submit",
            report.kept_in_flight
        );
    }
    if report.kept_finished > 0 {
        say!(
            "kept {} finished (confirmed, failed or skipped): they are the history, never dropped",
            report.kept_finished
        );
    }
    Ok(Outcome::Done)
}

async fn sync_target(settings: &Settings, args: SyncTargetArgs) -> Result<Outcome, Failure> {
    let name = args.file.display().to_string();
    let file =
        File::open(&args.file).map_err(|e| Failure::input(format!("{name}: cannot open: {e}")))?;
    let store = open(settings).await?;
    let names = names(&store).await?;
    let then = if args.dry_run {
        "fix them and run it again (the whole file is checked before anything is queued)"
    } else {
        "nothing was queued (the whole file is checked first: fix them and run it again)"
    };
    let target = import::read_target(file, settings.default_region, &names)
        .map_err(|e| import_failure(&name, e, then))?;
    print_encoding(&name, target.encoding, false);
    print_notes(&name, &target.notes, target.notes_more);
    let diff = store
        .diff_target(&target.membership)
        .await
        .map_err(store_failure)?;
    // One batch: the terminal's width is asked once, not at each of thousands of lines.
    super::table::print_lines(
        diff.adds
            .iter()
            .map(|(group, p)| format!("+ {}  {}", names.label(group), p.label()))
            .chain(
                diff.removes
                    .iter()
                    .map(|(group, p)| format!("- {}  {}", names.label(group), p.label())),
            ),
    );
    // Pending changes the target undoes: an add of someone it does not want, a removal of
    // someone it does. They are taken out of the queue with the sync.
    for (id, spec) in &diff.withdrawals {
        say!(
            "↶ {}  withdraw {id}, pending: {}",
            spec.group().map(|g| names.label(g)).unwrap_or_default(),
            spec.describe()
        );
    }
    for (group, p) in &diff.not_addable {
        say_err!(
            "{name}: group {}: {} is not a member and is known only by BSUID: participants are added by phone number; list their phone number",
            names.label(group),
            p.label()
        );
    }
    for (group, p) in &diff.unsure {
        say_err!(
            "{name}: group {}: cannot tell whether {} is someone named by another key (a phone number against a BSUID) in the group or the file; nothing queued for them",
            names.label(group),
            p.label()
        );
    }
    if !diff.not_addable.is_empty() {
        return Err(Failure::input(format!(
            "{name}: {} wanted participant(s) cannot be added without a phone number; nothing was queued",
            diff.not_addable.len()
        )));
    }
    let mut oldest: Option<i64> = None;
    for (group, _) in target.membership.groups() {
        if let Some(mirrored) = store.group(group).await.map_err(store_failure)? {
            oldest = Some(oldest.map_or(mirrored.read_at, |o| o.min(mirrored.read_at)));
        }
    }
    for (group, line) in &target.emptied {
        let going = diff.removes.iter().filter(|(g, _)| g == group).count();
        let Some(mirrored) = store.group(group).await.map_err(store_failure)? else {
            continue;
        };
        if going > 0 && mirrored.gone_at.is_none() {
            say_err!(
                "{name}:{line}: warning: group {} \"{}\" is emptied: its {going} member(s) are removed",
                sanitize(group),
                sanitize(&mirrored.subject)
            );
        }
    }
    for group in &diff.unknown_groups {
        say_err!(
            "{name}: group {} is not in the mirror (run `groups sync`); nothing queued for it",
            sanitize(group)
        );
    }
    say!(
        "{} to add, {} to remove{}",
        diff.adds.len(),
        diff.removes.len(),
        match diff.withdrawals.len() {
            0 => String::new(),
            n => format!(", {n} pending change(s) withdrawn"),
        }
    );
    if let Some(read_at) = oldest {
        say_err!(
            "compared with the mirror as read {} ago (`groups sync` reads it anew)",
            ago(read_at, now_ms())
        );
    }
    // A dry run ends as the run would: groups or people left undecided are a partial outcome.
    let outcome = if diff.unknown_groups.is_empty() && diff.unsure.is_empty() {
        Outcome::Done
    } else {
        Outcome::SomeFailed
    };
    if args.dry_run {
        if diff.withdrawals.is_empty() {
            say_err!("dry run: nothing was queued");
        } else {
            say_err!("dry run: nothing was queued or withdrawn");
        }
        return Ok(outcome);
    }
    let removing = diff.removes.len();
    if removing > TARGET_REMOVALS_WITHOUT_YES && !args.yes {
        let groups: std::collections::BTreeSet<&str> =
            diff.removes.iter().map(|(g, _)| g.as_str()).collect();
        return Err(Failure::input(format!(
            "{name}: this removes {removing} member(s) from {} group(s) (listed above); nothing was queued: add --yes to queue them",
            groups.len()
        )));
    }
    let report = store
        .enqueue(diff.operations())
        .await
        .map_err(store_failure)?;
    print_enqueue(&report, &names);
    if !diff.withdrawals.is_empty() {
        let ids = diff.withdrawals.iter().map(|(id, _)| *id).collect();
        let dropped = store
            .drop_operations(DropScope::Ids(ids))
            .await
            .map_err(store_failure)?;
        // One that left the queue meanwhile (sent by another process) is said, not hidden.
        let kept = diff.withdrawals.len() - dropped.dropped;
        say!(
            "withdrew {} pending change(s){}",
            dropped.dropped,
            if kept > 0 {
                format!("; {kept} no longer pending (sent meanwhile), left as they are")
            } else {
                String::new()
            }
        );
    }
    Ok(outcome)
}

/// Queues failed changes again, each as a new pending change (the failed row stays, as the
/// history); nothing is sent.
async fn retry(settings: &Settings, args: RetryArgs) -> Result<Outcome, Failure> {
    let store = open(settings).await?;
    let names = names(&store).await?;
    let group = group_arg::resolve_opt(&names, "--group", args.group.as_ref())?;
    if !args.all && group.is_none() && args.ids.is_empty() {
        return Err(Failure::input(
            "say what to retry: operation ids, --group GROUP, or --all",
        ));
    }
    let ids: Option<Vec<OpId>> =
        (!args.ids.is_empty()).then(|| args.ids.iter().map(|id| OpId(*id)).collect());
    let chosen = store
        .operations(OperationFilter {
            group,
            state: None,
            ids: ids.clone(),
        })
        .await
        .map_err(store_failure)?;
    if let Some(ids) = &ids {
        let not_failed: Vec<String> = ids
            .iter()
            .filter_map(|id| match chosen.iter().find(|op| op.id == *id) {
                None => Some(format!("{id}: no such operation")),
                Some(op) if op.state != OperationState::Failed => {
                    Some(format!("{id} is {}", op.state))
                }
                Some(_) => None,
            })
            .collect();
        if !not_failed.is_empty() {
            // Nothing is retried unless every id given can be: all or none.
            return Err(Failure::input(format!(
                "nothing retried: {} (only failed changes are retried; `queue list --state failed` lists them)",
                not_failed.join(", ")
            )));
        }
    }
    let failed: Vec<_> = chosen
        .into_iter()
        .filter(|op| op.state == OperationState::Failed)
        .collect();
    if failed.is_empty() {
        say!("no failed change to retry");
        return Ok(Outcome::Done);
    }
    let retried = crate::engine::retry::retry(&store, failed)
        .await
        .map_err(store_failure)?;
    if let Some(report) = &retried.report {
        print_enqueue(report, &names);
    }
    let label = |g: &str| names.label(g);
    super::table::print_lines(
        crate::present::kept_failed_lines(&retried.kept, label)
            .into_iter()
            .chain(crate::present::refused_before_lines(
                &retried.refused_before,
                label,
            ))
            .chain(crate::present::followed_lines(&retried.followed, label))
            .map(|line| line.text),
    );
    Ok(match retried.report {
        Some(_) => {
            say!("nothing is sent yet: `submit` sends them");
            Outcome::Done
        }
        // Each was queued again or changed already: nothing to do, nothing failed.
        None if retried.kept.is_empty() => {
            say!("nothing retried: each failed change was queued again or changed since");
            Outcome::Done
        }
        // Nothing could be retried: every change asked for stays failed.
        None => Outcome::SomeFailed,
    })
}
