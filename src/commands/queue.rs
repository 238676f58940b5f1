//! `queue …`: put changes in the local queue, look at it, take them out. Nothing is sent.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde_json::json;

use super::local::{open, store_failure};
use super::users::parse_users;
use crate::cli::{
    DropArgs, ImportArgs, QueueCommand, QueueListArgs, QueueUsersArgs, SyncTargetArgs,
};
use crate::config::Settings;
use crate::domain::OpSpec;
use crate::domain::OperationKind;
use crate::domain::text::sanitize;
use crate::exit::{Failure, Outcome};
use crate::import::{self, ImportError, ImportReport, ImportTo, LineNote, OnBadLines};
use crate::present::columns;
use crate::store::{DropScope, EnqueueReport, OpId, OperationFilter};

pub async fn run(settings: &Settings, cmd: QueueCommand) -> Result<Outcome, Failure> {
    match cmd {
        QueueCommand::Add(args) => users(settings, OperationKind::Add, args).await,
        QueueCommand::Remove(args) => users(settings, OperationKind::Remove, args).await,
        QueueCommand::Import(args) => import_file(settings, args).await,
        QueueCommand::List(args) => list(settings, args).await,
        QueueCommand::Drop(args) => drop_ops(settings, args).await,
        QueueCommand::SyncTarget(args) => sync_target(settings, args).await,
    }
}

async fn users(
    settings: &Settings,
    kind: OperationKind,
    args: QueueUsersArgs,
) -> Result<Outcome, Failure> {
    let people = parse_users(&args.users, settings.default_region, kind)?;
    let group = args.group.as_str();
    let store = open(settings).await?;
    let ops: Vec<OpSpec> = people
        .into_iter()
        .map(|person| OpSpec::for_person(kind, group, person))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::input(e.to_string()))?;
    let report = store.enqueue(ops).await.map_err(store_failure)?;
    print_enqueue(&report);
    Ok(Outcome::Done)
}

/// Tells the operator what the queue rules did.
fn print_enqueue(report: &EnqueueReport) {
    for line in crate::present::enqueue_lines(report, sanitize) {
        println!("{}", line.text);
    }
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
    let on_bad = if args.skip_invalid {
        OnBadLines::Skip
    } else {
        OnBadLines::Reject
    };
    let region = settings.default_region;
    let (group, action) = (args.group.clone(), args.action);
    // The import reads, parses and stores on threads of its own: off the async threads.
    let result = tokio::task::spawn_blocking(move || {
        let to = ImportTo {
            store: &store,
            on_bad,
        };
        match (&group, action) {
            (Some(group), Some(kind)) => {
                import::read_list(reader, group.as_str(), kind, region, to)
            }
            _ => import::read_csv(reader, region, to),
        }
    })
    .await
    .map_err(|e| Failure::input(format!("{name}: the import stopped: {e}")))?;
    match result {
        Ok(report) => {
            print_import(&name, &report);
            Ok(if report.bad.is_empty() && report.bad_more == 0 {
                Outcome::Done
            } else {
                Outcome::SomeFailed
            })
        }
        Err(e) => Err(import_failure(&name, e, "imported")),
    }
}

/// Says which encoding a file was read in, when it was not UTF-8: on stdout with the result,
/// on stderr with the bad lines.
fn print_encoding(name: &str, encoding: Option<&str>, to_stderr: bool) {
    if let Some(encoding) = encoding {
        let line = format!("{name}: read as {encoding} (the file is not UTF-8)");
        if to_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
}

/// An import that stored nothing: each bad line as `FILE:LINE: reason` on stderr, then one
/// line saying so; any other error as one line naming the file.
fn import_failure(name: &str, e: ImportError, what: &str) -> Failure {
    match e {
        ImportError::Invalid {
            bad,
            bad_more,
            encoding,
        } => {
            print_encoding(name, encoding, true);
            for line in &bad {
                eprintln!("{name}:{}: {}", line.line, line.reason);
            }
            if bad_more > 0 {
                eprintln!("{name}: … and {bad_more} more bad lines");
            }
            Failure::input(format!(
                "{name}: {} bad line(s); nothing was {what}{}",
                bad.len() + bad_more,
                if what == "imported" {
                    " (--skip-invalid imports the good lines)"
                } else {
                    ""
                }
            ))
        }
        e => Failure::input(format!("{name}: {e}")),
    }
}

fn print_notes(name: &str, notes: &[LineNote], more: usize) {
    for note in notes {
        eprintln!("{name}:{}: note: {}", note.line, note.note);
    }
    if more > 0 {
        eprintln!("{name}: … and {more} more notes");
    }
}

fn print_import(name: &str, report: &ImportReport) {
    print_encoding(name, report.encoding.as_deref(), false);
    print_notes(name, &report.notes, report.notes_more);
    for line in &report.bad {
        eprintln!("{name}:{}: skipped: {}", line.line, line.reason);
    }
    if report.bad_more > 0 {
        eprintln!("{name}: … and {} more bad lines skipped", report.bad_more);
    }
    println!(
        "{name}: {} change(s) read, {} queued, {} already pending, {} replaced an opposite pending change, {} flagged, {} bad line(s) skipped",
        report.read,
        report.stored,
        report.duplicates,
        report.replaced,
        report.flagged,
        report.bad.len() + report.bad_more
    );
}

async fn list(settings: &Settings, args: QueueListArgs) -> Result<Outcome, Failure> {
    let store = open(settings).await?;
    let ops = store
        .operations(OperationFilter {
            group: args.group.as_ref().map(|g| g.to_string()),
            state: args.state,
            ids: None,
        })
        .await
        .map_err(store_failure)?;
    if args.json {
        let list: Vec<_> = ops
            .iter()
            .map(|op| {
                let person = op.person();
                json!({
                    "id": op.id.0, "group": op.group(),
                    "participant": person.map(|p| p.user_ref()),
                    "username": person.and_then(|p| p.username()),
                    "user_id": person.and_then(|p| p.user_id()).map(|id| id.as_str()),
                    "action": op.kind(), "state": op.state, "attempts": op.attempts,
                    "code": op.error_code, "message": op.error_message,
                    "request_id": op.request_id, "flag": op.flag,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
        return Ok(Outcome::Done);
    }
    // As wide as the longest participant shown (a phone, a BSUID, a username), within bounds.
    let labels: Vec<String> = ops.iter().map(|op| op.spec.person_label()).collect();
    let width = columns::width("PARTICIPANT", labels.iter().map(String::as_str), 16, 48);
    println!(
        "{:>6}  {:<24}  {:<width$}  {:<6}  {:<9}  NOTE",
        "ID", "GROUP", "PARTICIPANT", "ACTION", "STATE"
    );
    for (op, label) in ops.iter().zip(&labels) {
        let note = crate::present::note(op).unwrap_or_default();
        println!(
            "{:>6}  {:<24}  {:<width$}  {:<6}  {:<9}  {}",
            op.id.0,
            columns::fit(&sanitize(op.spec.group_text()), 24),
            columns::fit(label, width),
            op.kind().as_str(),
            op.state.as_str(),
            note
        );
    }
    let counts = store.count_by_state().await.map_err(store_failure)?;
    let parts: Vec<String> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    eprintln!(
        "{} shown; queue: {}",
        ops.len(),
        if parts.is_empty() {
            "empty".into()
        } else {
            parts.join(", ")
        }
    );
    Ok(Outcome::Done)
}

async fn drop_ops(settings: &Settings, args: DropArgs) -> Result<Outcome, Failure> {
    let scope = if args.all {
        DropScope::All
    } else if let Some(group) = &args.group {
        DropScope::Group(group.to_string())
    } else if !args.ids.is_empty() {
        DropScope::Ids(args.ids.iter().map(|id| OpId(*id)).collect())
    } else {
        return Err(Failure::input(
            "say what to drop: operation ids, --group ID, or --all",
        ));
    };
    let store = open(settings).await?;
    let matching = store
        .operations(OperationFilter {
            group: args.group.as_ref().map(|g| g.to_string()),
            state: Some(crate::domain::OperationState::Pending),
            ids: (!args.ids.is_empty()).then(|| args.ids.iter().map(|id| OpId(*id)).collect()),
        })
        .await
        .map_err(store_failure)?
        .len();
    if matching > 1 && !args.yes {
        return Err(Failure::input(format!(
            "this drops {matching} pending operations; add --yes to do it"
        )));
    }
    let report = store.drop_operations(scope).await.map_err(store_failure)?;
    println!("dropped {} pending operation(s)", report.dropped);
    if report.kept_in_flight > 0 {
        println!(
            "kept {} being sent or awaiting confirmation: their outcome is settled by the next submit",
            report.kept_in_flight
        );
    }
    if report.kept_finished > 0 {
        println!(
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
    let target = import::read_target(file, settings.default_region)
        .map_err(|e| import_failure(&name, e, "queued"))?;
    print_encoding(&name, target.encoding, false);
    print_notes(&name, &target.notes, target.notes_more);
    let store = open(settings).await?;
    let diff = store
        .diff_target(&target.membership)
        .await
        .map_err(store_failure)?;
    for (group, p) in &diff.adds {
        println!("+ {}  {}", sanitize(group), p.label());
    }
    for (group, p) in &diff.removes {
        println!("- {}  {}", sanitize(group), p.label());
    }
    for (group, p) in &diff.not_addable {
        eprintln!(
            "{name}: group {}: {} is not a member and is known only by BSUID: participants are added by phone number; list their phone number",
            sanitize(group),
            p.label()
        );
    }
    for (group, p) in &diff.unsure {
        eprintln!(
            "{name}: group {}: cannot tell whether {} is someone named by another key (a phone number against a BSUID) in the group or the file; nothing queued for them",
            sanitize(group),
            p.label()
        );
    }
    if !diff.not_addable.is_empty() {
        return Err(Failure::input(format!(
            "{name}: {} wanted participant(s) cannot be added without a phone number; nothing was queued",
            diff.not_addable.len()
        )));
    }
    for (group, line) in &target.emptied {
        let going = diff.removes.iter().filter(|(g, _)| g == group).count();
        let Some(mirrored) = store.group(group).await.map_err(store_failure)? else {
            continue;
        };
        if going > 0 && mirrored.gone_at.is_none() {
            eprintln!(
                "{name}:{line}: warning: group {} \"{}\" is emptied: its {going} member(s) are removed",
                sanitize(group),
                sanitize(&mirrored.subject)
            );
        }
    }
    for group in &diff.unknown_groups {
        eprintln!(
            "{name}: group {} is not in the mirror (run `groups sync`); nothing queued for it",
            sanitize(group)
        );
    }
    println!(
        "{} to add, {} to remove",
        diff.adds.len(),
        diff.removes.len()
    );
    if args.dry_run {
        return Ok(Outcome::Done);
    }
    let report = store
        .enqueue(diff.operations())
        .await
        .map_err(store_failure)?;
    print_enqueue(&report);
    Ok(
        if diff.unknown_groups.is_empty() && diff.unsure.is_empty() {
            Outcome::Done
        } else {
            Outcome::SomeFailed
        },
    )
}
