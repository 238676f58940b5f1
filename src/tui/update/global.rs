//! The app's global actions (listed in `state::GLOBAL`): what a key does when the focused view
//! does not offer it (panes, the filter, adding to the selected group, preview, submit, cancel,
//! sync, help, quit).

use crate::engine::{Command, Scope};
use crate::tui::action::Action;
use crate::tui::msg::{Effect, PlanFor};
use crate::tui::overlays::{AddInput, Help, Overlay};
use crate::tui::shared::Work;
use crate::tui::state::State;
use crate::tui::text::Tone;
use crate::tui::views::{Pane, Views, undo_elsewhere};

use super::{log, notice};

/// Does what a global action asks.
pub fn act(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::NextPane | Action::PrevPane => {
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
        | Action::ResetLink => super::lifecycle::act(state, action),
        Action::Filter => {
            state.focus = Pane::Groups;
            state.views.groups.start_filter();
            Vec::new()
        }
        Action::Undo => {
            state.notice = Some(undo_elsewhere(&state.shared.keymap));
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
                None => notice(state, Tone::Warn, "no group selected"),
            }
        }
        Action::Cancel => match state.shared.work {
            Work::Submitting { .. } | Work::Syncing { .. } | Work::SyncAsked => {
                log(
                    state,
                    Tone::Warn,
                    "cancel asked: no new requests; those in flight are settled",
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
            if state.shared.work.is_busy() {
                state.overlays.push(Overlay::Quit);
                Vec::new()
            } else {
                state.quit = true;
                vec![Effect::Quit]
            }
        }
        // The focused view offers no row to pick or member to remove; other keys (moves, open,
        // dialog keys) mean nothing where the focused view does not offer them.
        _ => Vec::new(),
    }
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

/// Opens the add dialog on the selected group.
fn open_add(state: &mut State) -> Vec<Effect> {
    let Some(group) = state
        .selected_group()
        .and_then(|id| state.shared.mirror.get(&id))
    else {
        return notice(state, Tone::Warn, "no group selected");
    };
    if group.gone {
        return notice(
            state,
            Tone::Warn,
            "this group is gone from the server: nothing can be added",
        );
    }
    let members = state
        .views
        .group
        .detail
        .as_ref()
        .filter(|g| g.id == group.id)
        .map(|g| crate::domain::Members::of(&g.members))
        .unwrap_or_default();
    let input = AddInput::new(group.id.clone(), group.subject.clone(), members);
    state.overlays.push(Overlay::Add(input));
    Vec::new()
}
