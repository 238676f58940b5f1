//! What the group lifecycle commands share: each change queued (the default), shown with
//! `--dry-run`, or sent at once with `--now` (queued, then submitted exactly, through the same
//! engine as `submit`); a question before a destructive one; and how each change ended.

use std::io::IsTerminal;

use super::exactly::{Followed, queue_and_submit};
use super::local::store_failure;
use crate::cli::SendArgs;
use crate::config::Settings;
use crate::domain::text::sanitize;
use crate::domain::{OpSpec, OperationState};
use crate::engine::EngineConfig;
use crate::engine::preview::preview_specs;
use crate::exit::{Failure, Outcome};
use crate::session::Session;
use crate::store::{Operation, OperationFilter};

/// How the changes are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Queue,
    DryRun,
    Now,
}

impl From<&SendArgs> for Mode {
    fn from(args: &SendArgs) -> Mode {
        if args.dry_run {
            Mode::DryRun
        } else if args.now {
            Mode::Now
        } else {
            Mode::Queue
        }
    }
}

/// Asks before a destructive change `specs` made as `mode` says (not for a dry run, which
/// changes nothing): first refuses a change to a group that is gone ([`refuse_gone`]); then
/// yes with `--yes`; else a `[y/N]` question on a terminal that says whether the change is
/// queued or sent now; without a terminal, an input error naming `--yes`.
pub async fn ask(
    settings: &Settings,
    specs: &[OpSpec],
    question: &str,
    mode: Mode,
    yes: bool,
) -> Result<bool, Failure> {
    if mode == Mode::DryRun {
        return Ok(true);
    }
    let session = Session::local(settings).await?;
    let names = super::group_arg::names(session.store()).await?;
    refuse_gone(session.store(), specs, &names).await?;
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::input(format!(
            "{question}: add --yes to do it without asking"
        )));
    }
    let how = match mode {
        Mode::Now => "send it now",
        _ => "queue it (`submit` sends it; --now sends at once)",
    };
    for part in super::table::fit_stderr(&format!("{question}.")) {
        eprintln!("{part}");
    }
    eprint!("{how}? [y/N] ");
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// Makes `specs` as `mode` says; with `--now`, returns each operation as it ended (a create
/// names the group it made).
pub async fn apply(
    settings: &Settings,
    specs: Vec<OpSpec>,
    mode: Mode,
) -> Result<(Outcome, Vec<Operation>), Failure> {
    match mode {
        Mode::DryRun => {
            let session = Session::local(settings).await?;
            let names = super::group_arg::names(session.store()).await?;
            let plan = preview_specs(session.store(), specs)
                .await
                .map_err(store_failure)?;
            super::submit::print_plan(settings, &plan, &names, false);
            Ok((Outcome::Done, Vec::new()))
        }
        Mode::Queue => {
            let session = Session::local(settings).await?;
            let names = super::group_arg::names(session.store()).await?;
            refuse_gone(session.store(), &specs, &names).await?;
            let report = session
                .store()
                .enqueue(specs)
                .await
                .map_err(store_failure)?;
            super::table::print_lines(
                crate::present::enqueue_lines(&report, |g| names.label(g))
                    .into_iter()
                    .map(|line| line.text),
            );
            say_err!(
                "nothing is sent yet: `wa-groups submit` sends it (or run this again with --now)"
            );
            Ok((Outcome::Done, Vec::new()))
        }
        Mode::Now => now(settings, specs).await,
    }
}

/// Refuses changes to a group the mirror knows is gone from the server (deleted, or the
/// business left it): an input error naming the group, and nothing queued. A dry run shows
/// them as failing instead.
async fn refuse_gone(
    store: &crate::store::AccountStore,
    specs: &[OpSpec],
    names: &crate::domain::GroupNames,
) -> Result<(), Failure> {
    let mut groups: Vec<String> = specs
        .iter()
        .filter_map(|s| s.group().map(str::to_owned))
        .collect();
    groups.sort();
    groups.dedup();
    let gone = store
        .groups_of(groups)
        .await
        .map_err(store_failure)?
        .into_iter()
        .find(|g| g.gone_at.is_some());
    match gone {
        Some(group) => Err(Failure::input(format!(
            "group {}: {}; nothing queued (`groups sync` reads it anew if it is back)",
            names.label(&group.id),
            crate::domain::plan::GONE_GROUP
        ))),
        None => Ok(()),
    }
}

/// Queues the changes and submits exactly them; prints how each ended.
async fn now(
    settings: &Settings,
    specs: Vec<OpSpec>,
) -> Result<(Outcome, Vec<Operation>), Failure> {
    let session = Session::online(settings).await?;
    let names = super::group_arg::names(session.store()).await?;
    refuse_gone(session.store(), &specs, &names).await?;
    let (report, Followed { summary, held, .. }) =
        queue_and_submit(&session, specs, EngineConfig::default()).await?;
    for flagged in &report.flagged {
        say_err!(
            "warning: {}: {}",
            flagged.spec.describe(),
            sanitize(&flagged.flag)
        );
    }
    // What the queue rules did to changes queued before (a reject that replaced a queued
    // approve of the same request), said as `queue` says it.
    let earlier = crate::store::EnqueueReport {
        flagged: Vec::new(),
        ..report.clone()
    };
    for line in crate::present::enqueue_lines(&earlier, |g| names.label(g))
        .into_iter()
        .skip(1)
    {
        for part in super::table::fit_stderr(&line.text) {
            eprintln!("{part}");
        }
    }
    let ended = session
        .store()
        .operations(OperationFilter {
            ids: Some(report.ids),
            ..OperationFilter::default()
        })
        .await
        .map_err(store_failure)?;
    let mut open = 0;
    for op in &ended {
        let line = match op.state {
            OperationState::Confirmed => "done".to_owned(),
            OperationState::Skipped => {
                format!("skipped: {}", crate::present::note(op).unwrap_or_default())
            }
            OperationState::Failed => {
                format!("failed: {}", crate::present::note(op).unwrap_or_default())
            }
            OperationState::Accepted => {
                "accepted by the server, not seen applied yet: the next `submit` settles it".into()
            }
            _ => match held.get(&op.id) {
                Some(reason) => format!("held back: {} (still queued)", sanitize(reason)),
                None => format!(
                    "not settled{}: it stays queued; `submit` settles it",
                    summary
                        .stopped
                        .as_deref()
                        .map(|s| format!(" ({})", sanitize(s)))
                        .unwrap_or_default()
                ),
            },
        };
        if !matches!(
            op.state,
            OperationState::Confirmed | OperationState::Skipped
        ) {
            open += 1;
        }
        // A create names its group by the subject it asked for (`create "Spring cohort"`), never
        // by the id it was given (printed on stdout with its link).
        let group = match (&op.spec, op.group()) {
            (OpSpec::Create { .. }, _) | (_, None) => String::new(),
            (_, Some(g)) => format!("{}: ", names.label(g)),
        };
        for part in super::table::fit_stderr(&format!("{group}{}: {line}", op.spec.describe())) {
            eprintln!("{part}");
        }
    }
    Ok((
        if open == 0 {
            Outcome::Done
        } else {
            Outcome::SomeFailed
        },
        ended,
    ))
}
