//! The app's global actions (listed in `state::GLOBAL`): what a key does when the focused view
//! does not offer it (panes, the filter, adding to the selected group, preview, submit, cancel,
//! sync, help, quit).

use crate::engine::{Command, Scope};
use crate::tui::action::Action;
use crate::tui::msg::{Effect, PlanFor, RetryOf};
use crate::tui::overlays::{AddInput, Help, Overlay};
use crate::tui::shared::Work;
use crate::tui::state::State;
use crate::tui::text::Tone;
use crate::tui::views::groups;
use crate::tui::views::{Pane, Views, undo_elsewhere};

use super::{log, notice, on_groups};

/// Does what a global action asks.
pub fn act(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::NextPane | Action::PrevPane => {
            // The enlarged log gives way: the next pane is seen, not moved to behind it.
            if state.shared.zoom {
                state.shared.zoom = false;
                let mut effects = super::to_all(state, &crate::tui::views::ViewMsg::Resize);
                effects.extend(act(state, action));
                return effects;
            }
            // Leaving the log, it follows the newest line again (a line picked in it stays
            // in view only while the log has the keys).
            if state.focus == Pane::Log {
                state.views.log.follow();
            }
            let panes = Views::PANES;
            let at = panes.iter().position(|p| *p == state.focus).unwrap_or(0);
            let step = if action == Action::NextPane {
                1
            } else {
                panes.len() - 1
            };
            let mut next = (at + step) % panes.len();
            while !state.views.pane(panes[next]).tab_stop() && next != at {
                next = (next + step) % panes.len();
            }
            state.focus = panes[next];
            Vec::new()
        }
        Action::NewGroup
        | Action::EditGroup
        | Action::DeleteGroup
        | Action::JoinRequests
        | Action::CopyLink
        | Action::GroupInfo
        | Action::ResetLink => super::lifecycle::act(state, action),
        Action::Filter => {
            state.focus = Pane::Groups;
            state.shared.zoom = false;
            on_groups(state, groups::start_filter)
        }
        Action::Sort => on_groups(state, groups::sort_next),
        Action::Reset => {
            if state.focus == Pane::Group && !state.views.group.picked.is_empty() {
                let n = std::mem::take(&mut state.views.group.picked).len();
                return notice(state, Tone::Plain, format!("{n} pick(s) cleared"));
            }
            if state.shared.zoom {
                state.shared.zoom = false;
                return Vec::new();
            }
            on_groups(state, groups::reset)
        }
        Action::Zoom => {
            state.shared.zoom = !state.shared.zoom;
            if state.shared.zoom {
                state.focus = Pane::Log;
            }
            let effects = super::to_all(state, &crate::tui::views::ViewMsg::Resize);
            let back = state.shared.keymap.keys_text(Action::Zoom);
            if state.shared.zoom {
                state.notice = Some(crate::tui::text::Line::new(
                    Tone::Plain,
                    format!("the log, enlarged: {back} again brings the groups back"),
                ));
            }
            effects
        }
        Action::Retry => match retry_scope(state) {
            Some(groups) => vec![Effect::Retry(RetryOf::Groups(groups))],
            None => {
                let why = super::no_group(state);
                notice(state, Tone::Warn, why)
            }
        },
        Action::Undo => {
            state.notice = Some(undo_elsewhere(&state.shared.keymap, state.focus));
            Vec::new()
        }
        Action::Add => open_add(state),
        Action::Preview => vec![Effect::Plan {
            purpose: PlanFor::Preview,
            scope: Scope::All,
        }],
        Action::SubmitGroup | Action::SubmitAll => {
            if let Some(why) = busy(state) {
                return notice(state, Tone::Warn, why);
            }
            let scope = if action == Action::SubmitAll {
                Some(Scope::All)
            } else {
                state.submit_scope()
            };
            match scope {
                Some(scope) => vec![Effect::Plan {
                    purpose: PlanFor::Submit,
                    scope,
                }],
                None => {
                    let why = super::no_group(state);
                    notice(state, Tone::Warn, why)
                }
            }
        }
        Action::Cancel => match state.shared.work {
            Work::Submitting { .. } | Work::Syncing { .. } | Work::SyncAsked => {
                log(
                    state,
                    Tone::Warn,
                    "cancel asked: no new requests; those in flight are answered, the next send confirms them",
                );
                vec![Effect::Engine(Command::Cancel)]
            }
            _ => notice(state, Tone::Plain, "nothing to cancel"),
        },
        Action::Sync => {
            if let Some(why) = busy(state) {
                return notice(state, Tone::Warn, why);
            }
            state.shared.work = Work::SyncAsked;
            vec![Effect::Engine(Command::Sync)]
        }
        Action::Help => {
            let help = Help::new(&state.commands(), &state.shared.keymap);
            state.overlays.push(Overlay::Help(help));
            Vec::new()
        }
        Action::Quit => {
            if state.shared.work.is_busy() || state.shared.unsent > 0 {
                state.overlays.push(Overlay::Quit);
                Vec::new()
            } else {
                state.quit = true;
                vec![Effect::Quit]
            }
        }
        Action::Select | Action::PickAll if state.focus == Pane::Log => notice(
            state,
            Tone::Plain,
            "the log has nothing to pick: pick groups or members in their panes",
        ),
        // The footer offers these in every view: where the focused one does not, say where.
        Action::Remove if matches!(state.focus, Pane::Log | Pane::Requests) => notice(
            state,
            Tone::Plain,
            "nothing to remove here: x works in the group pane and in a person search",
        ),
        // Other keys (moves, dialog keys) mean nothing where the focused view does not offer
        // them.
        _ => Vec::new(),
    }
}

/// The groups a retry takes: the picked ones, or the selected one.
fn retry_scope(state: &State) -> Option<Vec<String>> {
    let picked = &state.views.groups.picked;
    if !picked.is_empty() {
        return Some(picked.iter().cloned().collect());
    }
    state.selected_group().map(|id| vec![id])
}

/// Why a submit or sync can not start now, if it can not.
pub fn busy(state: &State) -> Option<String> {
    let cancel = state.shared.keymap.keys_text(Action::Cancel);
    match state.shared.work {
        Work::Idle => None,
        Work::Submitting { .. } => Some(format!(
            "a submit is running: wait for it to end ({cancel} cancels it)"
        )),
        Work::SyncAsked | Work::Syncing { .. } => Some(format!(
            "a sync is running: wait for it to end ({cancel} cancels it)"
        )),
        Work::Cancelling => Some("cancelling: wait".into()),
    }
}

/// Opens the add dialog on the picked groups, or else the selected group.
fn open_add(state: &mut State) -> Vec<Effect> {
    let picked: Vec<String> = state.views.groups.picked.iter().cloned().collect();
    if !picked.is_empty() {
        let mirror = &state.shared.mirror;
        let (live, gone): (Vec<String>, Vec<String>) = picked
            .into_iter()
            .partition(|id| mirror.get(id).is_none_or(|g| !g.gone));
        if live.is_empty() {
            return notice(
                state,
                Tone::Warn,
                "the picked groups are gone from the server: nothing can be added",
            );
        }
        // Said in the dialog, where it stays while the numbers are typed (a notice would
        // be hidden under it), and whole in the log.
        let left_out = if gone.is_empty() {
            String::new()
        } else {
            format!(
                "{} picked group(s) left out, gone from the server: {}",
                gone.len(),
                gone.iter()
                    .map(|id| mirror.label(id))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let title = if live.len() == 1 {
            mirror.label(&live[0])
        } else {
            format!("{} groups", live.len())
        };
        let mut labels: Vec<String> = live.iter().map(|id| mirror.label(id)).collect();
        labels.sort_by_key(|l| l.to_lowercase());
        let input = AddInput::new(live, title, Default::default())
            .naming(labels)
            .leaving_out(left_out.clone());
        state.overlays.push(Overlay::Add(input));
        if !left_out.is_empty() {
            super::log(state, Tone::Warn, format!("add: {left_out}"));
        }
        return Vec::new();
    }
    let Some(group) = state
        .selected_group()
        .and_then(|id| state.shared.mirror.get(&id))
    else {
        let why = if state.shared.mirror.rows.is_empty() {
            let sync = state.shared.keymap.keys_text(Action::Sync);
            format!("no group to add to: the mirror is empty ({sync} reads the groups)")
        } else {
            let reset = state.shared.keymap.keys_text(Action::Reset);
            format!("no group to add to: none is shown ({reset} clears the filter)")
        };
        return notice(state, Tone::Warn, why);
    };
    if group.gone {
        return notice(
            state,
            Tone::Warn,
            "this group is gone from the server: nothing can be added",
        );
    }
    let shown = state.views.group.showing(&group.id);
    let members = shown
        .map(|g| crate::domain::Members::of(&g.members))
        .unwrap_or_default();
    // Members with a removal pending: adding them withdraws it.
    let leaving: Vec<crate::domain::Person> = shown
        .map(|g| {
            g.members
                .iter()
                .filter(|m| {
                    g.pending_for(m)
                        .is_some_and(|o| o.kind == crate::domain::OperationKind::Remove)
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    // Room as a submit plans it: the count now, less the adds pending, plus the removals.
    let room = shown.map_or(crate::domain::MAX_GROUP_MEMBERS, |g| {
        let pending = |kind| {
            g.ops
                .iter()
                .filter(|o| o.state == crate::domain::OperationState::Pending && o.kind == kind)
                .count()
        };
        (crate::domain::MAX_GROUP_MEMBERS + pending(crate::domain::OperationKind::Remove))
            .saturating_sub(g.member_count as usize + pending(crate::domain::OperationKind::Add))
    });
    let input = AddInput::new(
        vec![group.id.to_string()],
        group.label().to_string(),
        members,
    )
    .with_leaving(crate::domain::Members::of(&leaving))
    .with_room(room);
    state.overlays.push(Overlay::Add(input));
    Vec::new()
}

/// Keeps `shared.unsent`, the queued changes quitting would lose, as the counts say: those of
/// a store that ends with the app (the demo's); none where the store stays.
pub(super) fn refresh_unsent(state: &mut State) {
    let pending = state
        .views
        .status
        .counts
        .get(&crate::domain::OperationState::Pending)
        .copied()
        .unwrap_or(0);
    state.shared.unsent = if state.shared.ephemeral { pending } else { 0 };
}
