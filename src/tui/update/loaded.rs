//! What the store read or wrote, into the state: the mirror's groups (then every view hears it),
//! a plan (the preview, or the confirm before a submit), the report of a queue write or an undo
//! (then every view reloads), a store error; the rest goes to the views that asked.

use crate::domain::text::sanitize;
use crate::engine::Scope;
use crate::store::Undone;
use crate::tui::action::Action;
use crate::tui::dialog::{Confirm, Dialog, plan_counts, plan_lines};
use crate::tui::msg::{Effect, Loaded, PlanFor};
use crate::tui::state::State;
use crate::tui::text::{Line, Tone};
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
            purpose,
            scope,
            plan,
        } => {
            let mirror = &state.shared.mirror;
            let lines = plan_lines(&plan, &state.shared.api_version, |g| mirror.label(g));
            let (requests, participants, groups) = plan_counts(&plan);
            let counts = format!(
                "{requests} request(s), {participants} participant(s), {groups} group(s); {} held, {} skipped",
                plan.held.len(),
                plan.skipped.len()
            );
            match purpose {
                PlanFor::Preview => {
                    let mut all = vec![Line::new(Tone::Plain, counts)];
                    if plan.operation_count() == 0 {
                        all.push(Line::new(Tone::Dim, "nothing pending"));
                    }
                    all.extend(lines);
                    state.dialog = Some(Dialog::Text {
                        title: "Preview: every pending change (nothing is sent)".into(),
                        lines: all,
                        scroll: 0,
                    });
                    Vec::new()
                }
                PlanFor::Submit => {
                    if let Some(why) = busy(state) {
                        return notice(state, Tone::Warn, why);
                    }
                    if plan.operation_count() == 0 {
                        return notice(state, Tone::Plain, "nothing pending to send here");
                    }
                    let title = match &scope {
                        Scope::All => "Send every pending change?".to_string(),
                        Scope::Groups(ids) if ids.len() == 1 => {
                            format!(
                                "Send the changes of {}?",
                                state.shared.mirror.label(&ids[0])
                            )
                        }
                        Scope::Groups(ids) => format!("Send the changes of {} groups?", ids.len()),
                        Scope::Operations(ids) => format!("Send {} changes?", ids.len()),
                    };
                    state.dialog = Some(Dialog::Confirm(Confirm {
                        scope,
                        title,
                        requests,
                        participants,
                        groups,
                        lines,
                    }));
                    Vec::new()
                }
            }
        }
        Loaded::Enqueued { report, invalid } => {
            let mut lines = vec![Line::new(
                Tone::Good,
                format!("{} change(s) queued", report.stored),
            )];
            if report.duplicates > 0 {
                lines.push(Line::new(
                    Tone::Dim,
                    format!(
                        "{} already queued (duplicates, unchanged)",
                        report.duplicates
                    ),
                ));
            }
            for r in &report.replaced {
                lines.push(Line::new(
                    Tone::Warn,
                    format!(
                        "replaced: the pending {} of {} in {} (#{}) is withdrawn",
                        r.replaced_kind,
                        r.participant,
                        state.shared.mirror.label(&r.group_id),
                        r.replaced.0
                    ),
                ));
            }
            for f in &report.flagged {
                lines.push(Line::new(
                    Tone::Warn,
                    format!(
                        "flagged #{} {} {}: {}",
                        f.id.0,
                        f.kind,
                        f.participant,
                        sanitize(&f.flag)
                    ),
                ));
            }
            if invalid > 0 {
                lines.push(Line::new(
                    Tone::Bad,
                    format!("{invalid} invalid number(s) not queued"),
                ));
            }
            let submit = state.shared.keymap.keys_text(Action::SubmitGroup);
            let all = state.shared.keymap.keys_text(Action::SubmitAll);
            lines.push(Line::new(
                Tone::Plain,
                format!("Nothing is sent yet: {submit} sends this group, {all} everything."),
            ));
            log(
                state,
                Tone::Info,
                format!(
                    "queued {} change(s), {} duplicate(s), {} replaced, {} flagged",
                    report.stored,
                    report.duplicates,
                    report.replaced.len(),
                    report.flagged.len()
                ),
            );
            let plain = report.duplicates == 0
                && report.replaced.is_empty()
                && report.flagged.is_empty()
                && invalid == 0;
            if plain {
                // Nothing to read twice: a line in the footer, no dialog to close.
                state.notice = Some(Line::new(
                    Tone::Good,
                    format!(
                        "{} change(s) queued; nothing is sent yet: {submit} sends this group, {all} everything",
                        report.stored
                    ),
                ));
            } else {
                state.dialog = Some(Dialog::Text {
                    title: "Queued".into(),
                    lines,
                    scroll: 0,
                });
            }
            store_changed(state)
        }
        Loaded::Undone(results) => {
            let mut parts = Vec::new();
            let mut tone = Tone::Good;
            for (id, r) in results {
                parts.push(match r {
                    Ok(Undone::Withdrawn) => format!("#{} withdrawn", id.0),
                    Ok(Undone::Reversed(by)) => format!("#{} reversed: #{} queued", id.0, by.0),
                    Ok(Undone::NothingToUndo(s)) => {
                        tone = Tone::Warn;
                        format!("#{}: nothing to undo ({s})", id.0)
                    }
                    Err(e) => {
                        tone = Tone::Bad;
                        format!("#{}: {}", id.0, sanitize(&e))
                    }
                });
            }
            let text = format!("undo: {}", parts.join(", "));
            log(state, tone, text.clone());
            state.notice = Some(Line::new(tone, text));
            store_changed(state)
        }
        Loaded::StoreError(e) => {
            let text = format!("store: {}", sanitize(&e));
            log(state, Tone::Bad, text.clone());
            notice(state, Tone::Bad, text)
        }
        Loaded::Group(..) | Loaded::Counts(_) | Loaded::PersonGroups { .. } => {
            to_all(state, &ViewMsg::Loaded(&loaded))
        }
    }
}

/// The queue changed: every view reloads what it shows.
fn store_changed(state: &mut State) -> Vec<Effect> {
    to_all(state, &ViewMsg::Broadcast(&Broadcast::StoreChanged))
}
