//! Submitting exactly the operations a command just queued, and following the run to its end:
//! how each operation ended, why any was held back, the warnings on the way. Shared by
//! `participants add|remove` and the lifecycle commands' `--now`; the engine does the sending,
//! with the same plan, call policy, audit rows and crash recovery as `submit`.

use std::collections::HashMap;

use super::local::store_failure;
use crate::domain::text::sanitize;
use crate::domain::{OpId, OpSpec, OperationState};
use crate::engine::{Command, EngineConfig, Event, Scope, Summary};
use crate::exit::Failure;
use crate::session::Session;
use crate::store::EnqueueReport;

/// How one operation ended, as the run reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ended {
    pub state: OperationState,
    pub code: Option<i64>,
    pub message: Option<String>,
}

/// What a run of exactly some operations told.
#[derive(Debug, Default)]
pub struct Followed {
    pub summary: Summary,
    /// Each operation the run settled (or left accepted), by id.
    pub ended: HashMap<OpId, Ended>,
    /// Each operation the plan held back, with why (it stays queued).
    pub held: HashMap<OpId, String>,
}

/// Queues `specs`, submits exactly them with `config` and follows the run to its end,
/// printing its warnings on stderr as they come; the enqueue report names each operation
/// (`ids` in the order of `specs`).
///
/// # Errors
/// The store cannot queue them; another sender holds the queue (exit 3); the run stopped
/// before anything was settled because the token was refused or lacks a permission (exit 2).
pub async fn queue_and_submit(
    session: &Session,
    specs: Vec<OpSpec>,
    config: EngineConfig,
) -> Result<(EnqueueReport, Followed), Failure> {
    let report = session
        .store()
        .enqueue(specs)
        .await
        .map_err(store_failure)?;
    let (engine, mut events) = session.engine(config)?;
    engine.send(Command::Submit(Scope::Operations(report.ids.clone())));
    let mut followed = Followed::default();
    let mut names: Option<crate::domain::GroupNames> = None;
    followed.summary = loop {
        match events.recv().await {
            Some(Event::Outcome {
                op,
                state,
                code,
                message,
                ..
            }) => {
                followed.ended.insert(
                    op,
                    Ended {
                        state,
                        code,
                        message,
                    },
                );
            }
            Some(Event::Held { op, reason, .. }) => {
                followed.held.insert(op, reason);
            }
            Some(Event::Warning { message }) => say_err!("warning: {}", sanitize(&message)),
            Some(Event::Unconfirmed {
                group_id,
                read,
                changes,
                error,
            }) => {
                // The group as the operator names it (its subject, its id's end when shared):
                // the names are read once, at the first such warning of the run.
                if names.is_none() && !group_id.is_empty() {
                    names = super::group_arg::names(session.store()).await.ok();
                }
                let text =
                    crate::present::unconfirmed_text(&group_id, read, changes, &error, |g| {
                        names.as_ref().map_or_else(|| sanitize(g), |n| n.label(g))
                    });
                say_err!("warning: {text}");
            }
            Some(Event::RunFinished(summary)) => break summary,
            Some(_) => {}
            None => {
                break Summary {
                    stopped: Some("the engine stopped".into()),
                    ..Summary::default()
                };
            }
        }
    };
    let summary = &followed.summary;
    if summary.another_sender {
        return Err(Failure::busy(summary.stopped.clone().unwrap_or_default()));
    }
    if let Some(failure) = stopped_for_all(summary) {
        return Err(failure);
    }
    Ok((report, followed))
}

/// A run stopped before anything was settled by a refused token or a missing permission.
fn stopped_for_all(summary: &Summary) -> Option<Failure> {
    let why = summary.stopped.as_deref()?;
    match summary.stopped_class.as_deref() {
        Some("auth") => Some(Failure::input(super::said_once(
            "the access token was refused",
            &sanitize(why),
        ))),
        Some("permission") => Some(Failure::input(super::said_once(
            "the token lacks a permission",
            &sanitize(why),
        ))),
        _ => None,
    }
}
