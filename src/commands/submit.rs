//! `submit`: preview, then send the pending changes through the engine, with progress on
//! stderr, a summary at the end, and Ctrl-C that stops cleanly.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::group_arg::{names, resolve_all};
use super::interrupt::Interrupts;
use super::local::store_failure;
use crate::cli::SubmitArgs;
use crate::config::Settings;
use crate::domain::GroupNames;
use crate::domain::plan::{Leftover, Plan};
use crate::domain::text::sanitize;
use crate::engine::preview::{preview, request_of};
use crate::engine::{Command, EngineConfig, Event, Progress, Scope, Summary};
use crate::exit::{Failure, Outcome};
use crate::present;
use crate::session::Session;
use crate::store::AccountStore;

pub async fn run(settings: &Settings, args: SubmitArgs) -> Result<Outcome, Failure> {
    if let Some(rate) = args.rate
        && !(rate.is_finite() && rate > 0.0)
    {
        return Err(Failure::input(
            "--rate must be a positive number of requests per second",
        ));
    }
    let session = Session::local(settings).await?;
    let store = session.store();
    let names = names(store).await?;
    let scope = if args.groups.is_empty() {
        Scope::All
    } else {
        Scope::Groups(resolve_all(&names, "--group", &args.groups)?)
    };
    if args.dry_run {
        let plan = preview(store, &scope).await.map_err(store_failure)?;
        print_plan(settings, &plan, &names, args.json);
        return Ok(Outcome::Done);
    }
    let session = Session::with(store.clone(), settings.client()?);
    // With --yes nothing is asked, so no preview is made: the engine plans from the store
    // and reports what it planned (a queue of many thousands is not held twice).
    if !args.yes && !confirmed(store, &scope, args.json).await? {
        say_err!("nothing sent");
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
    let mut interrupts = Interrupts::listen();
    engine.send(Command::Submit(scope));

    let bar = progress_bar(args.json);
    let mut interrupt_count = 0;
    let mut notes = Notes::default();
    let summary = loop {
        tokio::select! {
            event = events.recv() => {
                let Some(event) = event else {
                    break Summary { stopped: Some("the engine stopped".into()), ..Summary::default() };
                };
                if let Some(summary) = show(&bar, event, args.json, &mut notes, &names) {
                    break summary;
                }
            }
            () = interrupts.next() => {
                interrupt_count += 1;
                if interrupt_count == 1 {
                    say(&bar, "stopping: no new requests; settling those in flight (Ctrl-C again to quit at once)");
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
    // A cancel after everything was sent left nothing undone: it is no partial outcome.
    Ok(
        if p.failed == 0 && p.pending == 0 && p.held == 0 && summary.stopped.is_none() {
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
    let failing = present::failing_note(&plan);
    if plan.requests.is_empty() && plan.unsettled.is_empty() {
        if !json {
            say_err!(
                "nothing to send: {} held back, {} with nothing to do",
                plan.held.len(),
                plan.skipped.len()
            );
            if let Some(failing) = &failing {
                say_err!("{failing}");
            }
        }
        return Ok(true);
    }
    let counts = present::send_counts(&plan);
    let notes: Vec<String> = [
        present::unsettled_note(&plan),
        present::held_note(&plan),
        failing,
    ]
    .into_iter()
    .flatten()
    .collect();
    if !std::io::stdin().is_terminal() {
        let notes: String = notes.iter().map(|n| format!("; {n}")).collect();
        return Err(Failure::input(format!(
            "{counts} would be sent{notes}; no terminal to ask on: add --yes to send without asking"
        )));
    }
    // Each note on a line of its own, so the question fits 80 columns.
    for note in notes {
        say_err!("{note}");
    }
    eprint!("{}", present::send_question(&plan));
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// The bar's template: what goes before its words is [`BAR_PREFIX`] columns and the counts.
const BAR_TEMPLATE: &str = "{spinner} [{elapsed_precise}] {bar:20} {pos}/{len} settled  {wide_msg}";
/// Columns of the template before its words, without the counts: spinner, time, bar, words.
const BAR_PREFIX: usize = 2 + 11 + 21 + 10;

/// Columns left for the bar's words on this terminal (asked only where the bar is shown).
fn bar_room(bar: &ProgressBar, note: &Notes) -> usize {
    if bar.is_hidden() {
        return usize::MAX;
    }
    let counts = 2 * note.progress.operations.to_string().len() + 1;
    super::table::terminal_width().saturating_sub(BAR_PREFIX + counts + 1)
}

fn progress_bar(json: bool) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(BAR_TEMPLATE).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// A line on stderr above the progress bar; also where there is no bar (not a terminal, or
/// `--json`), where `ProgressBar::println` prints nothing and scripts lost every warning.
/// On a terminal the line wraps between words under itself (a terminal would cut words).
fn say(bar: &ProgressBar, line: impl AsRef<str>) {
    let lines = super::table::fit_stderr(line.as_ref());
    bar.suspend(|| {
        for l in &lines {
            eprintln!("{l}");
        }
    });
}

/// What the progress display knows and has said so far, so it does not repeat itself.
#[derive(Default)]
struct Notes {
    held: usize,
    throttles: usize,
    last: Option<std::time::Instant>,
    /// The run's counts as last told.
    progress: Progress,
    /// Requests out now, as the engine last told (every request, reads included).
    in_flight: usize,
    /// Groups the run's creates made.
    created: Vec<String>,
}

impl Notes {
    /// The bar's words: what is settled, what is on the wire, what is held back; in
    /// `room` columns, shortened word by word rather than cut (the bar cuts with no mark).
    fn message(&self, room: usize) -> String {
        let p = &self.progress;
        // Each count with its long and short words; held and throttled only when there are.
        let counts = [
            (p.confirmed, "confirmed", "ok", true),
            (p.failed, "failed", "failed", true),
            (self.in_flight, "in flight", "out", true),
            (p.held, "held back (stay pending)", "held", p.held > 0),
            (p.throttled, "throttled", "429", p.throttled > 0),
        ];
        let join = |short: bool, sep: &str| {
            counts
                .iter()
                .filter(|(.., shown)| *shown)
                .map(|(n, long, brief, _)| format!("{n} {}", if short { brief } else { long }))
                .collect::<Vec<_>>()
                .join(sep)
        };
        let long = join(false, ", ");
        if long.chars().count() <= room {
            return long;
        }
        let short = join(true, " · ");
        if short.chars().count() <= room {
            return short;
        }
        crate::present::columns::fit(&short, room)
    }
}

fn show(
    bar: &ProgressBar,
    event: Event,
    json: bool,
    note: &mut Notes,
    names: &GroupNames,
) -> Option<Summary> {
    let quiet = json;
    match event {
        Event::RunStarted {
            operations,
            requests,
            failing,
        } => {
            bar.set_length(operations as u64);
            if !quiet {
                say(
                    bar,
                    format!(
                        "{operations} operation(s), {requests} request(s) planned{}",
                        present::failing_unsent(failing)
                    ),
                );
            }
        }
        Event::Recovering { operations, groups } if !quiet => say(
            bar,
            format!(
                "settling {operations} operation(s) an earlier run left open, by reading {groups} group(s)"
            ),
        ),
        Event::Held {
            op,
            change,
            group_id,
            reason,
        } if !quiet => {
            // A few are named; the summary counts them all.
            note.held += 1;
            if note.held <= 5 {
                say(
                    bar,
                    format!(
                        "held: {op} {} in {}: {reason}",
                        sanitize(&change),
                        names.label(&group_id)
                    ),
                );
            } else if note.held == 6 {
                say(
                    bar,
                    "held: … and more (counted in the summary; `queue list --state pending` lists them)",
                );
            }
        }
        Event::Throttled { pause_ms, rate } if !quiet => {
            // One line per five seconds at most: a throttled run would scroll otherwise.
            note.throttles += 1;
            if note
                .last
                .is_none_or(|t| t.elapsed() >= Duration::from_secs(5))
            {
                say(
                    bar,
                    format!(
                        "throttled by the server ({} since the last note): retrying after {:.1}s; {}",
                        note.throttles,
                        pause_ms as f64 / 1000.0,
                        rate.map(|r| format!("the run slows to {r:.1} requests/s"))
                            .unwrap_or_else(|| "full speed".into())
                    ),
                );
                note.throttles = 0;
                note.last = Some(std::time::Instant::now());
            }
        }
        Event::Warning { message } if !quiet => {
            say(bar, format!("warning: {}", sanitize(&message)))
        }
        Event::Unconfirmed {
            group_id,
            read,
            changes,
            error,
        } if !quiet => {
            let text =
                present::unconfirmed_text(&group_id, read, changes, &error, |g| names.label(g));
            say(bar, format!("warning: {text}"))
        }
        Event::Halted { class, message } if !quiet => {
            let said = present::problem(class, "`submit`");
            say(
                bar,
                format!("stopped: {}: {}", sanitize(&message), said.todo),
            );
        }
        Event::Progress(p) => {
            // Held changes stay pending and are not this run's work: the bar reaches its end
            // when everything else is settled.
            bar.set_length(p.operations.saturating_sub(p.held) as u64);
            bar.set_position((p.confirmed + p.failed + p.skipped) as u64);
            note.progress = p;
            bar.set_message(note.message(bar_room(bar, note)));
        }
        Event::Wire { in_flight, .. } => {
            note.in_flight = in_flight;
            bar.set_message(note.message(bar_room(bar, note)));
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

/// Each group the run's creates made, on stdout: on a terminal a table of its subject and
/// link, fitted to the width (a link is never broken); into a pipe `ID  LINK  SUBJECT` a line.
pub(crate) async fn print_created(store: &crate::store::AccountStore, created: &[String]) {
    use std::io::IsTerminal;
    let terminal = std::io::stdout().is_terminal();
    let mut rows = Vec::new();
    for id in created {
        let Ok(Some(group)) = store.group(id).await else {
            println!("{}", sanitize(id));
            continue;
        };
        let link = group
            .about
            .invite_link
            .unwrap_or_else(|| "(link not read: `wa-groups groups link ID`)".into());
        if terminal {
            rows.push(vec![
                sanitize(&group.subject),
                sanitize(&link),
                sanitize(id),
            ]);
        } else {
            println!(
                "{}  {}  {}",
                sanitize(id),
                sanitize(&link),
                sanitize(&group.subject)
            );
        }
    }
    if !rows.is_empty() {
        use crate::present::columns::{Column, Fit};
        super::table::print(
            &[
                Column::new("SUBJECT", Fit::Cut, 12, usize::MAX),
                Column::new("INVITE LINK", Fit::Whole, 0, usize::MAX),
                Column::new("ID", Fit::Whole, 0, usize::MAX),
            ],
            &rows,
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
        for part in super::table::fit_stderr(&line.text) {
            eprintln!("{part}");
        }
    }
}

pub(super) fn print_plan(settings: &Settings, plan: &Plan, names: &GroupNames, json: bool) {
    // Each request's method, path and body come from the code the client sends with: what is
    // shown is what would be sent, and an id the client would refuse is shown refused.
    let phone = settings.phone_number_id.as_deref().unwrap_or_default();
    let version = &settings.api_version;
    if json {
        let value = serde_json::json!({
            "requests": plan.requests.iter().map(|r| {
                let call = request_of(r);
                let operations: Vec<i64> = r.ops.iter().map(|op| op.id.0).collect();
                let group = r.group_id();
                let subject = names.subject(group);
                match call.endpoint(version, phone) {
                    Ok(endpoint) => serde_json::json!({
                        "group": group,
                        "subject": subject,
                        "method": endpoint.method.as_str(),
                        "path": endpoint.path(),
                        "body": call.body(),
                        "operations": operations,
                    }),
                    Err(e) => serde_json::json!({
                        "group": group, "subject": subject,
                        "refused": e.to_string(), "operations": operations,
                    }),
                }
            }).collect::<Vec<_>>(),
            "held": plan.held.iter().map(|l| leftover_json(l, names)).collect::<Vec<_>>(),
            "skipped": plan.skipped.iter().map(|l| leftover_json(l, names)).collect::<Vec<_>>(),
            "failing": plan.failing.iter().map(|l| leftover_json(l, names)).collect::<Vec<_>>(),
            "unsettled": plan.unsettled.iter().map(|l| leftover_json(l, names)).collect::<Vec<_>>(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return;
    }
    super::table::print_lines(
        present::plan_lines(plan, version, phone, |g| names.label(g))
            .into_iter()
            .map(|line| line.text),
    );
    say_err!(
        "{}",
        present::plan_footer(plan, present::plan_counts(plan, version, phone))
    );
}

/// A change a dry run leaves out, as JSON: which, of whom, in which group, and why.
fn leftover_json(left: &Leftover, names: &GroupNames) -> serde_json::Value {
    let group = left.spec.group_text();
    serde_json::json!({
        "operation": left.id, "action": left.spec.kind(), "participant": left.spec.person_ref(),
        "group": group, "subject": names.subject(group), "reason": left.reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_says_what_is_on_the_wire_and_what_is_held_apart() {
        let mut note = Notes {
            in_flight: 3,
            ..Notes::default()
        };
        note.progress = Progress {
            operations: 9,
            confirmed: 5,
            held: 1,
            throttled: 2,
            ..Progress::default()
        };
        assert_eq!(
            note.message(200),
            "5 confirmed, 0 failed, 3 in flight, 1 held back (stay pending), 2 throttled"
        );
        assert_eq!(note.message(40), "5 ok · 0 failed · 3 out · 1 held · 2 429");
        assert_eq!(note.message(20).chars().count(), 20);
        assert!(note.message(20).ends_with('…'));
    }
}
