//! `submit`: preview, then send the pending changes through the engine, with progress on
//! stderr, a summary at the end, and Ctrl-C that stops cleanly.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::local::store_failure;
use crate::cli::SubmitArgs;
use crate::config::Settings;
use crate::domain::plan::Plan;
use crate::domain::text::sanitize;
use crate::engine::preview::{preview, request_of};
use crate::engine::{Command, EngineConfig, Event, Scope, Summary};
use crate::exit::{Failure, Outcome};
use crate::present;
use crate::session::Session;
use crate::store::AccountStore;

pub async fn run(settings: &Settings, args: SubmitArgs) -> Result<Outcome, Failure> {
    let scope = if args.groups.is_empty() {
        Scope::All
    } else {
        Scope::Groups(args.groups.iter().map(|g| g.to_string()).collect())
    };
    if let Some(rate) = args.rate
        && !(rate.is_finite() && rate > 0.0)
    {
        return Err(Failure::input(
            "--rate must be a positive number of requests per second",
        ));
    }
    let session = Session::local(settings).await?;
    let store = session.store();
    if args.dry_run {
        let plan = preview(store, &scope).await.map_err(store_failure)?;
        print_plan(settings, &plan, args.json);
        return Ok(Outcome::Done);
    }
    let session = Session::with(store.clone(), settings.client()?);
    // With --yes nothing is asked, so no preview is made: the engine plans from the store
    // and reports what it planned (a queue of many thousands is not held twice).
    if !args.yes && !confirmed(store, &scope, args.json).await? {
        eprintln!("nothing sent");
        return Ok(Outcome::Done);
    }
    let config = EngineConfig {
        concurrency: usize::from(args.concurrency),
        rate: args.rate,
        reconcile_delay: Duration::from_millis(args.verify_delay_ms),
        backoff_base: Duration::from_millis(args.backoff_ms.max(1)),
        webhook_wait: args
            .webhook_wait_ms
            .map(Duration::from_millis)
            .or(settings.webhook_wait),
        ..EngineConfig::default()
    };
    let (engine, mut events) = session.engine(config)?;
    engine.send(Command::Submit(scope));

    let bar = progress_bar(args.json);
    let mut interrupts = 0;
    let mut notes = Notes::default();
    let summary = loop {
        tokio::select! {
            event = events.recv() => {
                let Some(event) = event else {
                    break Summary { stopped: Some("the engine stopped".into()), ..Summary::default() };
                };
                if let Some(summary) = show(&bar, event, args.json, &mut notes) {
                    break summary;
                }
            }
            _ = tokio::signal::ctrl_c() => {
                interrupts += 1;
                if interrupts == 1 {
                    bar.println("stopping: no new requests; settling those in flight (Ctrl-C again to quit at once)");
                    engine.send(Command::Cancel);
                } else {
                    bar.abandon();
                    return Err(Failure { message: "interrupted: changes in flight are settled by the next submit".into(), code: 130 });
                }
            }
        }
    };
    bar.finish_and_clear();
    if summary.another_sender {
        return Err(Failure::busy(summary.stopped.unwrap_or_default()));
    }
    if !args.json {
        print_created(session.store(), &notes.created).await;
    }
    print_summary(&summary, args.json);
    let p = &summary.progress;
    Ok(
        if p.failed == 0 && p.pending == 0 && summary.stopped.is_none() && !summary.cancelled {
            Outcome::Done
        } else {
            Outcome::SomeFailed
        },
    )
}

/// Without `--yes`: the plan's size, then the operator's answer. True to send: when there is
/// nothing to send this says so and goes on (the run then only settles what is open). Refused
/// with a usage error when no one can answer (stdin is not a terminal).
async fn confirmed(store: &AccountStore, scope: &Scope, json: bool) -> Result<bool, Failure> {
    let plan = preview(store, scope).await.map_err(store_failure)?;
    let open_ops = store
        .count_by_state()
        .await
        .map_err(store_failure)?
        .iter()
        .filter(|(s, _)| {
            matches!(
                s,
                crate::domain::OperationState::Sending | crate::domain::OperationState::Accepted
            )
        })
        .map(|(_, n)| *n)
        .sum::<usize>();
    if plan.requests.is_empty() && open_ops == 0 {
        if !json {
            eprintln!(
                "nothing to send: {} held back, {} with nothing to do",
                plan.held.len(),
                plan.skipped.len()
            );
        }
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::input(format!(
            "{} request(s) for {} operation(s) would be sent; add --yes to send without asking",
            plan.requests.len(),
            plan.operation_count()
        )));
    }
    eprint!(
        "Send {} request(s) for {} change(s) in {} group(s)? [y/N] ",
        plan.requests.len(),
        plan.requests.iter().map(|r| r.ops.len()).sum::<usize>(),
        plan.requests
            .iter()
            .map(|r| r.group_id())
            .collect::<std::collections::HashSet<_>>()
            .len()
    );
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn progress_bar(json: bool) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} settled  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Shows one event; returns the summary when the run is over.
/// What the progress display has said so far, so it does not repeat itself.
#[derive(Default)]
struct Notes {
    held: usize,
    throttles: usize,
    last: Option<std::time::Instant>,
    /// Groups the run's creates made.
    created: Vec<String>,
}

fn show(bar: &ProgressBar, event: Event, json: bool, note: &mut Notes) -> Option<Summary> {
    let quiet = json;
    match event {
        Event::RunStarted { operations, requests } => {
            bar.set_length(operations as u64);
            if !quiet {
                bar.println(format!("{operations} operation(s), {requests} request(s) planned"));
            }
        }
        Event::Recovering { operations, groups } if !quiet => bar.println(format!(
            "settling {operations} operation(s) an earlier run left open, by reading {groups} group(s)"
        )),
        Event::Held { participant, group_id, reason, .. } if !quiet => {
            // A few are named; the summary counts them all.
            note.held += 1;
            if note.held <= 5 {
                bar.println(format!("held: {participant} in {}: {reason}", sanitize(&group_id)));
            } else if note.held == 6 {
                bar.println("held: … and more (counted in the summary; `queue list --state pending` lists them)");
            }
        }
        Event::Throttled { pause_ms, rate } if !quiet => {
            // One line per five seconds at most: a throttled run would scroll otherwise.
            note.throttles += 1;
            if note.last.is_none_or(|t| t.elapsed() >= Duration::from_secs(5)) {
                bar.println(format!(
                    "throttled by the server ({} since the last note): retrying after {:.1}s; {}",
                    note.throttles,
                    pause_ms as f64 / 1000.0,
                    rate.map(|r| format!("the run slows to {r:.1} requests/s"))
                        .unwrap_or_else(|| "full speed".into())
                ));
                note.throttles = 0;
                note.last = Some(std::time::Instant::now());
            }
        }
        Event::Warning { message } if !quiet => bar.println(format!("warning: {}", sanitize(&message))),
        Event::Progress(p) => {
            bar.set_position((p.confirmed + p.failed + p.skipped) as u64);
            bar.set_message(format!(
                "{} confirmed, {} failed, {} in flight{}",
                p.confirmed,
                p.failed,
                p.in_flight_requests,
                if p.throttled > 0 { format!(", {} throttled", p.throttled) } else { String::new() }
            ));
        }
        Event::Outcome {
            kind: crate::domain::OperationKind::Create,
            state: crate::domain::OperationState::Confirmed,
            group_id,
            ..
        } => note.created.push(group_id),
        Event::RunFinished(summary) => return Some(summary),
        _ => {}
    }
    None
}

/// Each group the run's creates made: `ID  LINK  SUBJECT` on stdout.
async fn print_created(store: &crate::store::AccountStore, created: &[String]) {
    for id in created {
        let Ok(Some(group)) = store.group(id).await else {
            println!("{}", sanitize(id));
            continue;
        };
        let link = group
            .about
            .invite_link
            .unwrap_or_else(|| "(link not read: `wa-groups groups link ID`)".into());
        println!(
            "{}  {}  {}",
            sanitize(id),
            sanitize(&link),
            sanitize(&group.subject)
        );
    }
}

fn print_summary(summary: &Summary, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(summary).unwrap_or_default()
        );
        return;
    }
    for line in present::summary_lines(summary) {
        eprintln!("{}", line.text);
    }
}

pub(super) fn print_plan(settings: &Settings, plan: &Plan, json: bool) {
    // Each request's method, path and body come from the code the client sends with: what is
    // shown is what would be sent, and an id the client would refuse is shown refused.
    let phone = settings.phone_number_id.as_deref().unwrap_or_default();
    let version = &settings.api_version;
    if json {
        let value = serde_json::json!({
            "requests": plan.requests.iter().map(|r| {
                let call = request_of(r);
                let operations: Vec<i64> = r.ops.iter().map(|op| op.id.0).collect();
                match call.endpoint(version, phone) {
                    Ok(endpoint) => serde_json::json!({
                        "method": endpoint.method.as_str(),
                        "path": endpoint.path(),
                        "body": call.body(),
                        "operations": operations,
                    }),
                    Err(e) => serde_json::json!({"refused": e.to_string(), "operations": operations}),
                }
            }).collect::<Vec<_>>(),
            "held": plan.held.iter().map(|(id, why)| serde_json::json!({"operation": id, "reason": why})).collect::<Vec<_>>(),
            "skipped": plan.skipped.iter().map(|(id, why)| serde_json::json!({"operation": id, "reason": why})).collect::<Vec<_>>(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return;
    }
    for r in &plan.requests {
        println!("{}", present::request_line(r, version, phone).text);
    }
    for line in present::leftover_lines(plan) {
        println!("{}", line.text);
    }
    eprintln!(
        "{}",
        present::plan_footer(plan, present::plan_counts(plan, version, phone))
    );
}
