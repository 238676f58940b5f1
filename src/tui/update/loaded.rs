//! What the store read or wrote, into the state: the mirror's groups (then every view hears it),
//! a plan (the preview, or the confirm of a submit's intent), the report of a queue write or an undo
//! (then every view reloads), a store error; the rest goes to the views that asked.

use crate::domain::plan::Leftover;
use crate::domain::text::sanitize;
use crate::domain::{OpId, OpSpec};
use crate::engine::retry::Retried;
use crate::present::{change_text, followed_lines, kept_failed_lines, refused_before_lines};
use crate::store::{EnqueueReport, Undone};
use crate::tui::action::Action;
use crate::tui::intent::Intent;
use crate::tui::msg::{Effect, Loaded, PlanFor};
use crate::tui::overlays::preview::preview;
use crate::tui::overlays::{Confirm, Overlay, TextPopup};
use crate::tui::state::State;
use crate::tui::text::{Line, Tone};
use crate::tui::views::requests::RequestsDetail;
use crate::tui::views::{Broadcast, ViewMsg};

use super::global::busy;
use super::{log, notice, to_all};

pub fn loaded(state: &mut State, loaded: Loaded) -> Vec<Effect> {
    match loaded {
        Loaded::Groups(list) => {
            state.shared.mirror.load(list);
            to_all(state, &ViewMsg::Broadcast(&Broadcast::MirrorLoaded))
        }
        Loaded::Plan {
            purpose: PlanFor::Preview,
            plan,
            ..
        } => {
            let popup = preview(&plan, &state.shared.mirror, &state.shared.api_version);
            state.overlays.push(Overlay::Text(popup));
            Vec::new()
        }
        Loaded::Plan {
            purpose: PlanFor::Submit,
            scope,
            plan,
        } => {
            if let Some(why) = busy(state) {
                return notice(state, Tone::Warn, why);
            }
            if plan.operation_count() == 0 {
                return notice(state, Tone::Plain, "nothing pending to send here");
            }
            // Every change held back: a send would do nothing; say why instead of asking.
            if plan.operation_count() == plan.held.len() {
                let mut lines = vec![Line::new(
                    Tone::Warn,
                    format!(
                        "Nothing can be sent now: the {} pending change(s) here are held back.",
                        plan.held.len()
                    ),
                )];
                lines.extend(crate::present::leftover_lines(&plan, |g| {
                    state.shared.mirror.label(g)
                }));
                state
                    .overlays
                    .push(Overlay::Text(TextPopup::new("Submit", lines)));
                return Vec::new();
            }
            let confirm = Confirm::new(Intent::Submit { scope, plan }, &state.shared);
            state.overlays.push(Overlay::Confirm(confirm));
            Vec::new()
        }
        Loaded::Enqueued { report, invalid } => {
            queued(state, &report, &invalid, (&[], &[], &[]), "queued")
        }
        Loaded::Retried(Retried {
            report: None,
            kept,
            followed,
            ..
        }) if kept.is_empty() && followed.is_empty() => {
            notice(state, Tone::Warn, "no failed change to retry here")
        }
        Loaded::Retried(Retried {
            report: None,
            kept,
            followed,
            ..
        }) if kept.is_empty() => notice(
            state,
            Tone::Plain,
            format!(
                "nothing retried: the {} failed change(s) here were queued again or changed since",
                followed.len()
            ),
        ),
        Loaded::Retried(Retried {
            report: None,
            kept,
            followed,
            ..
        }) => {
            let mut lines = vec![Line::new(
                Tone::Bad,
                "Nothing queued again: every change asked for stays failed.",
            )];
            let label = |g: &str| state.shared.mirror.label(g);
            lines.extend(kept_failed_lines(&kept, label));
            lines.extend(followed_lines(&followed, label));
            log(
                state,
                Tone::Warn,
                format!("retry: {} change(s) left failed, group gone", kept.len()),
            );
            state
                .overlays
                .push(Overlay::Text(TextPopup::new("Retry", lines)));
            Vec::new()
        }
        Loaded::Retried(Retried {
            report: Some(report),
            kept,
            refused_before,
            followed,
        }) => queued(
            state,
            &report,
            &[],
            (&kept, &refused_before, &followed),
            "retry: queued",
        ),
        Loaded::Undone(results) => {
            let mut parts = Vec::new();
            let mut tone = Tone::Good;
            for (id, spec, r) in results {
                let named = |spec: &OpSpec| change_text(spec, |g| state.shared.mirror.label(g));
                // The change by name (`add +1212… to Book Club`), else by its number; and the
                // change that reverses it, named as what it does (`remove +1212… from …`).
                let change = spec.as_ref().map_or_else(|| id.to_string(), named);
                let reversal = |by: OpId| match spec.as_ref().and_then(OpSpec::reverse) {
                    Some(reverse) => format!("{by} {}", named(&reverse)),
                    None => by.to_string(),
                };
                parts.push(match r {
                    Ok(Undone::Withdrawn) => format!("withdrawn: {change}"),
                    Ok(Undone::Reversed(by)) => {
                        format!("{id} reversed: queued {} (not sent yet)", reversal(by))
                    }
                    Ok(Undone::ReversalPending(by)) => format!(
                        "{id}: its reversal is already queued: {} (not sent yet)",
                        reversal(by)
                    ),
                    Ok(Undone::FollowedBy(later)) => {
                        tone = Tone::Warn;
                        format!("nothing to undo: {change} was already followed by {later}, which stands (undo that one instead)")
                    }
                    Ok(Undone::NothingToUndo(s)) => {
                        tone = Tone::Warn;
                        format!("nothing to undo ({s}): {change}")
                    }
                    Err(e) => {
                        tone = Tone::Bad;
                        format!("{change}: {}", sanitize(&e))
                    }
                });
            }
            let text = format!("undo: {}", parts.join(", "));
            log(state, tone, text.clone());
            state.notice = Some(Line::new(tone, text));
            store_changed(state)
        }
        // Logged as it was asked (`update`), before the engine's lines about it.
        // What the queue rules did besides queueing (a decision that replaced one queued
        // before it, a flag) is said; the changes themselves were logged as they left.
        Loaded::Sending(Ok(report)) => {
            let lines = crate::present::enqueue_lines(&report, |g| state.shared.mirror.label(g));
            for line in lines.into_iter().skip(1) {
                log(state, line.tone, line.text);
            }
            store_changed(state)
        }
        Loaded::Sending(Err(e)) => {
            state.shared.work = crate::tui::shared::Work::Idle;
            let text = format!("not sent: {}", sanitize(&e));
            log(state, Tone::Bad, text.clone());
            notice(state, Tone::Bad, text)
        }
        Loaded::StoreError(e) => {
            let text = format!("store: {}", sanitize(&e));
            log(state, Tone::Bad, text.clone());
            notice(state, Tone::Bad, text)
        }
        Loaded::JoinRequests(_, Some(ref detail)) => {
            reask(state, detail);
            to_all(state, &ViewMsg::Loaded(&loaded))
        }
        // Webhook events carry their own time: the log puts each in its place.
        Loaded::Events { .. }
        | Loaded::History(_)
        | Loaded::Group(..)
        | Loaded::Counts(_)
        | Loaded::PersonGroups { .. }
        | Loaded::JoinRequests(..) => to_all(state, &ViewMsg::Loaded(&loaded)),
    }
}

/// A confirm about a group's join requests asks again about the group as it is now (a member
/// left, a request was answered elsewhere); one with no pending request left closes, saying so.
fn reask(state: &mut State, detail: &RequestsDetail) {
    let shared = &state.shared;
    let mut closed = false;
    state.overlays.retain_mut(|overlay| {
        let Overlay::Confirm(confirm) = overlay else {
            return true;
        };
        let stands = confirm.reread(detail, shared);
        closed |= !stands;
        stands
    });
    if closed {
        let text = format!(
            "the join requests of {} were answered or withdrawn meanwhile: nothing sent",
            shared.mirror.label(&detail.id)
        );
        log(state, Tone::Warn, text.clone());
        state.notice = Some(Line::new(Tone::Warn, text));
    }
}

/// A queue write's report: a line in the log, and a notice (or a popup when it has more to
/// say than a line: duplicates, replacements, flags, invalid numbers); then every view
/// reloads. `what` starts the log line (`queued`, `retry: queued`).
fn queued(
    state: &mut State,
    report: &EnqueueReport,
    invalid: &[String],
    (kept, refused_before, followed): (&[Leftover], &[Leftover], &[Leftover]),
    what: &str,
) -> Vec<Effect> {
    let mut lines = crate::present::enqueue_lines(report, |g| state.shared.mirror.label(g));
    if !invalid.is_empty() {
        lines.push(Line::new(
            Tone::Bad,
            format!("{} invalid number(s) not queued:", invalid.len()),
        ));
        lines.extend(
            invalid
                .iter()
                .map(|why| Line::new(Tone::Bad, format!("  {why}"))),
        );
    }
    lines.extend(kept_failed_lines(kept, |g| state.shared.mirror.label(g)));
    lines.extend(refused_before_lines(refused_before, |g| {
        state.shared.mirror.label(g)
    }));
    lines.extend(followed_lines(followed, |g| state.shared.mirror.label(g)));
    let sends = what_submit_sends(state);
    lines.push(Line::new(
        Tone::Plain,
        format!("Nothing is sent yet: {sends}."),
    ));
    log(
        state,
        Tone::Info,
        format!(
            "{what} {} change(s), {} duplicate(s), {} replaced,{} {} flagged",
            report.stored,
            report.duplicates,
            report.replaced.len(),
            match report.cancelled.len() {
                0 => String::new(),
                n => format!(" {n} cancelled out,"),
            },
            report.flagged.len()
        ),
    );
    if !kept.is_empty() {
        log(
            state,
            Tone::Warn,
            format!("retry: {} change(s) left failed, group gone", kept.len()),
        );
    }
    if !refused_before.is_empty() {
        log(
            state,
            Tone::Warn,
            format!(
                "retry: {} change(s) queued again that the server had refused",
                refused_before.len()
            ),
        );
    }
    let plain = report.duplicates == 0
        && report.replaced.is_empty()
        && report.cancelled.is_empty()
        && report.flagged.is_empty()
        && invalid.is_empty()
        && kept.is_empty()
        && refused_before.is_empty()
        && followed.is_empty();
    if plain {
        // Nothing to read twice: a line in the footer, no dialog to close.
        state.notice = Some(Line::new(
            Tone::Good,
            format!("{} change(s) queued, not sent yet: {sends}", report.stored),
        ));
    } else {
        state
            .overlays
            .push(Overlay::Text(TextPopup::new("Queued", lines)));
    }
    store_changed(state)
}

/// What the submit keys send now, as the submit itself takes its scope
/// ([`State::submit_scope`]): `s sends the 3 picked groups, S everything`, `s sends Book
/// Club, S everything`.
fn what_submit_sends(state: &State) -> String {
    let keymap = &state.shared.keymap;
    let (submit, all) = (
        keymap.keys_text(Action::SubmitGroup),
        keymap.keys_text(Action::SubmitAll),
    );
    // What `s` takes (`State::submit_scope`), in words.
    let picked = state.views.groups.picked.len();
    let these = match (picked, state.submit_scope()) {
        (1, _) => "the picked group".to_owned(),
        (n, _) if n > 1 => format!("the {n} picked groups"),
        (_, Some(crate::engine::Scope::Groups(groups))) if groups.len() > 1 => {
            format!("the {} groups found", groups.len())
        }
        (_, Some(crate::engine::Scope::Groups(groups))) if groups.len() == 1 => {
            state.shared.mirror.label(&groups[0])
        }
        _ => "the group under the cursor".to_owned(),
    };
    format!("{submit} sends {these}, {all} everything")
}

/// The queue changed: every view reloads what it shows.
pub(super) fn store_changed(state: &mut State) -> Vec<Effect> {
    to_all(state, &ViewMsg::Broadcast(&Broadcast::StoreChanged))
}
