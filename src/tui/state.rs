//! The app's root state: the shared facts, which pane has the keys, every view, the overlays
//! over them, and the footer's notice. Everything drawn comes from here; only `update`
//! changes it.

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::domain::Region;
use crate::engine::Scope;

use super::action::{Action, Hint, Mode};
use super::keymap::Keymap;
use super::layout::{self, Areas};
use super::model::GroupRow;
use super::msg::Msg;
use super::overlays::Overlay;
use super::shared::Shared;
use super::text::Line;
use super::views::{Ctx, Pane, View, Views};

/// The actions the app offers whatever view has the keys, listed in the help and the footer
/// of every view. `select`, `remove` and `undo` are here because every view's footer names
/// them: where the focused view does not offer them, they do nothing (`undo` says how to
/// reach a change).
pub const GLOBAL: &[Action] = &[
    Action::NextPane,
    Action::PrevPane,
    Action::Filter,
    Action::Select,
    Action::Reset,
    Action::Add,
    Action::Remove,
    Action::Undo,
    Action::Preview,
    Action::SubmitGroup,
    Action::SubmitAll,
    Action::Retry,
    Action::Sort,
    Action::Zoom,
    Action::Cancel,
    Action::Sync,
    Action::NewGroup,
    Action::EditGroup,
    Action::DeleteGroup,
    Action::JoinRequests,
    Action::CopyLink,
    Action::ResetLink,
    Action::GroupInfo,
    Action::Help,
    Action::Quit,
];

/// Everything the screen shows.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// What every view may read.
    pub shared: Shared,
    /// The pane that has the keys.
    pub focus: Pane,
    pub views: Views,
    /// Overlays over the views; the last one is on top and takes the keys.
    pub overlays: Vec<Overlay>,
    /// A one-line message in the footer until the next key.
    pub notice: Option<Line>,
    pub quit: bool,
}

impl State {
    pub fn new(account: &str, api_version: &str, region: Option<Region>, keymap: Keymap) -> State {
        State {
            shared: Shared::new(account, api_version, region, keymap),
            ..State::default()
        }
    }

    pub fn keymap(&self) -> &Keymap {
        &self.shared.keymap
    }

    /// Where each part of the screen is, at the current size.
    pub fn areas(&self) -> Areas {
        layout::areas(
            Rect::new(0, 0, self.shared.width, self.shared.height),
            self.shared.zoom,
        )
    }

    /// The context the focused view reads: the shared facts and its area.
    pub fn focused_ctx(&self) -> Ctx<'_> {
        Ctx::new(&self.shared, Views::area(self.focus, &self.areas()), true)
    }

    /// The overlay on top, if any.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlays.last()
    }

    /// The view that has the keys.
    pub fn focused(&self) -> &dyn View {
        self.views.pane(self.focus)
    }

    /// The message a key press stands for here: the keymap's action in the context of the
    /// press (a dialog's keys while an overlay is open or text is typed, else the panes'), and
    /// the key itself, for typing.
    pub fn key(&self, key: KeyEvent) -> Msg {
        let mode = if !self.overlays.is_empty() || self.focused().typing() {
            Mode::Dialog
        } else {
            Mode::App
        };
        Msg::Key {
            action: self.keymap().resolve(mode, &key),
            key,
        }
    }

    /// The commands in force: the focused view's, then the app's global ones it does not
    /// offer itself, in the action table's order (the help popup's and the footer's list).
    pub fn commands(&self) -> Vec<Hint> {
        let focused = self.focused();
        let mut hints = focused.commands();
        for action in GLOBAL {
            if !hints.iter().any(|h| h.action == *action) && !focused.withheld().contains(action) {
                hints.push(action.hint());
            }
        }
        hints.sort_by_key(|h| h.action);
        hints
    }

    /// The group under the groups cursor.
    pub fn current_group(&self) -> Option<&GroupRow> {
        self.views.groups.current(&self.shared.mirror)
    }

    /// The group "this group" means: the focused view's, or else the groups cursor's.
    pub fn selected_group(&self) -> Option<String> {
        self.focused()
            .group(&self.focused_ctx())
            .or_else(|| self.current_group().map(|g| g.id.to_string()))
    }

    /// The groups a submit of "the selected group" takes: the picked ones; in the groups pane
    /// showing a person search, the groups found (as `x` there removes the person from all of
    /// them); or the selected one.
    pub fn submit_scope(&self) -> Option<Scope> {
        let groups = &self.views.groups;
        if !groups.picked.is_empty() {
            return Some(Scope::Groups(groups.picked.iter().cloned().collect()));
        }
        if self.focus == Pane::Groups && groups.filter.person.is_some() {
            let found: Vec<String> = groups
                .shown(&self.shared.mirror)
                .map(str::to_owned)
                .collect();
            if !found.is_empty() {
                return Some(Scope::Groups(found));
            }
        }
        self.selected_group().map(|id| Scope::Groups(vec![id]))
    }

    /// Whether the screen changes with time alone: work in flight (the spinner), or a pace
    /// still falling to zero after the last request.
    pub fn moving(&self) -> bool {
        self.shared.work.is_busy()
            || self.views.status.pace(self.shared.now, &self.shared.work) > 0.0
    }

    /// Whether the action is one the focused view offers.
    pub fn offered(&self, action: Action) -> bool {
        self.focused().commands().iter().any(|h| h.action == action)
    }
}
