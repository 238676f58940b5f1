//! `update(&mut State, Msg) -> Vec<Effect>`: the app's only logic that changes state. Pure: no
//! I/O, no clock, no engine; what must be done outside comes back as effects.
//!
//! A key goes to the overlay on top if one is open, else to the focused view if it offers the
//! action (or is typing), else to the app's global actions ([`global`]). Engine events update
//! the work in flight ([`engine`]) and reach every view, with a broadcast of what they mean;
//! what the store read reaches the views that asked ([`loaded`]).

mod confirmed;
pub mod engine;
pub mod global;
mod lifecycle;
mod loaded;
mod overlays;

use crossterm::event::{KeyEvent, KeyEventKind};

use super::action::Action;
use super::msg::{Effect, Msg};
use super::shared::Work;
use super::state::State;
use super::text::{Line, Tone};
use super::views::{Ctx, Reply, ViewMsg};

/// Takes one message; returns what the loop must do.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let before = state.notice.clone();
    let written = state.views.log.written;
    let effects = take(state, msg);
    // What quitting now would lose, as the quit question says it (however it was opened).
    global::refresh_unsent(state);
    // What is sent at once is logged as it leaves, before anything the engine says of it.
    for effect in &effects {
        if let Effect::Send { ops } = effect {
            let described: Vec<String> = ops.iter().map(|op| op.describe()).collect();
            log(
                state,
                Tone::Info,
                format!("sending now: {}", described.join(", ")),
            );
        }
    }
    // A notice wider than the footer is also written to the log, where it is read whole,
    // unless this message wrote it there already.
    if let Some(notice) = state.notice.clone()
        && before.as_ref() != Some(&notice)
        && notice.text.chars().count() + 1 > usize::from(state.shared.width)
        && !state.views.log.wrote_since(written, &notice.text)
    {
        log(state, notice.tone, notice.text);
    }
    effects
}

fn take(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key { key, .. } if key.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key { action, key } => {
            state.notice = None;
            key_press(state, action, &key)
        }
        Msg::Paste(text) if !state.overlays.is_empty() => overlays::paste(state, &text),
        Msg::Paste(text) => to_focused(state, &ViewMsg::Paste(&text)),
        Msg::Resize { width, height } => {
            state.shared.width = width;
            state.shared.height = height;
            to_all(state, &ViewMsg::Resize)
        }
        Msg::Tick { at } => {
            state.shared.now = state.shared.now.max(at);
            to_all(state, &ViewMsg::Tick)
        }
        Msg::Engine { at, event } => engine::event(state, at, event),
        Msg::EngineGone => {
            state.shared.work = Work::Idle;
            log(state, Tone::Bad, "the engine stopped");
            Vec::new()
        }
        Msg::StoreChanged => loaded::store_changed(state),
        Msg::Loaded(loaded) => loaded::loaded(state, loaded),
    }
}

pub(super) fn key_press(state: &mut State, action: Option<Action>, key: &KeyEvent) -> Vec<Effect> {
    if !state.overlays.is_empty() {
        return overlays::key(state, action, key);
    }
    if state.focused().typing() || action.is_some_and(|a| state.offered(a)) {
        return to_focused(state, &ViewMsg::Key { action, key });
    }
    // Ctrl-C while a submit sends stops it at once, as it does the command line's `submit`:
    // no new request leaves; the quit question follows (`q` only asks).
    let ctrl_c = key.code == crossterm::event::KeyCode::Char('c')
        && key
            .modifiers
            .contains(crossterm::event::KeyModifiers::CONTROL);
    if action == Some(Action::Quit)
        && ctrl_c
        && matches!(state.shared.work, Work::Submitting { .. })
    {
        log(
            state,
            Tone::Warn,
            "Ctrl-C: sending stopped: no new requests; those in flight are answered, the next send confirms them",
        );
        state.overlays.push(crate::tui::overlays::Overlay::Quit);
        return vec![Effect::Engine(crate::engine::Command::Cancel)];
    }
    match action {
        Some(action) => global::act(state, action),
        None => Vec::new(),
    }
}

/// Delivers a message to every view, then carries out their replies.
pub(super) fn to_all(state: &mut State, msg: &ViewMsg) -> Vec<Effect> {
    let replies = deliver(state, msg, false);
    apply(state, replies)
}

/// Delivers a message to the focused view, then carries out its replies.
pub(super) fn to_focused(state: &mut State, msg: &ViewMsg) -> Vec<Effect> {
    let replies = deliver(state, msg, true);
    apply(state, replies)
}

fn deliver(state: &mut State, msg: &ViewMsg, focused_only: bool) -> Vec<Reply> {
    let areas = state.areas();
    let (shared, focus) = (&state.shared, state.focus);
    let mut replies = Vec::new();
    state.views.each_mut(&areas, |pane, area, view| {
        let focused = pane == Some(focus);
        if focused || !focused_only {
            replies.extend(view.update(&Ctx::new(shared, area, focused), msg));
        }
    });
    replies
}

/// Carries out what views replied, in order; a broadcast reaches every view at once.
fn apply(state: &mut State, replies: Vec<Reply>) -> Vec<Effect> {
    let mut effects = Vec::new();
    for reply in replies {
        match reply {
            Reply::Effect(effect) => effects.push(effect),
            Reply::Focus(pane) => state.focus = pane,
            Reply::Notice(line) => state.notice = Some(line),
            Reply::Broadcast(b) => effects.extend(to_all(state, &ViewMsg::Broadcast(&b))),
            Reply::Ask(intent) => {
                let confirm = super::overlays::Confirm::new(intent, &state.shared);
                state
                    .overlays
                    .push(super::overlays::Overlay::Confirm(confirm));
            }
            Reply::Popup(popup) => state.overlays.push(super::overlays::Overlay::Text(popup)),
        }
    }
    effects
}

/// Runs `f` on the groups view (with its context), then carries out its replies: for the
/// global actions that act on the groups whatever pane has the keys (filter, sort, reset).
pub(super) fn on_groups(
    state: &mut State,
    f: impl FnOnce(&mut super::views::groups::GroupsView, &Ctx) -> Vec<Reply>,
) -> Vec<Effect> {
    let area = state.areas().groups;
    let focused = state.focus == super::views::Pane::Groups;
    let searched = |state: &State| {
        let person = state.views.groups.filter.person.as_ref();
        person.map(|(p, _)| p.clone())
    };
    let before = searched(state);
    let mut replies = f(
        &mut state.views.groups,
        &Ctx::new(&state.shared, area, focused),
    );
    // The others follow the search, as when the groups view changes it itself.
    let after = searched(state);
    if after != before {
        replies.push(Reply::Broadcast(super::views::Broadcast::PersonSearched(
            after,
        )));
    }
    apply(state, replies)
}

/// Writes a line of the app's own to the log, stamped with the latest time; the log then
/// shows its newest lines (the operator's action is seen even when the log was scrolled up).
pub(super) fn log(state: &mut State, tone: Tone, text: impl Into<String>) {
    let now = state.shared.now;
    state.views.log.push(now, Line::new(tone, text));
    state.views.log.follow();
}

/// Shows a notice in the footer; nothing for the loop to do.
/// Why no group is selected, with what to do: the mirror is empty, or the filter shows none.
pub(super) fn no_group(state: &State) -> String {
    let keymap = &state.shared.keymap;
    if state.shared.mirror.rows.is_empty() {
        let sync = keymap.keys_text(crate::tui::action::Action::Sync);
        format!("no group selected: the mirror is empty ({sync} reads the groups)")
    } else if state.views.groups.visible.is_empty() {
        let reset = keymap.keys_text(crate::tui::action::Action::Reset);
        format!("no group selected: the filter shows none ({reset} clears it)")
    } else {
        "no group selected".to_owned()
    }
}

pub(super) fn notice(state: &mut State, tone: Tone, text: impl Into<String>) -> Vec<Effect> {
    state.notice = Some(Line::new(tone, text));
    Vec::new()
}
