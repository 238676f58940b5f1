//! The views: each part of the screen owns its state, a pure `update`, its drawing and the
//! commands it offers; the root routes messages to them and carries out what they reply.
//!
//! A view is a module `views/<name>/` with `mod.rs` (its state struct and its [`View`] impl:
//! `commands`, and what it tells the root), `update.rs` (what it does with a [`ViewMsg`]) and
//! `draw.rs`. It reads shared facts through [`Ctx`] only, never another view: what views tell
//! each other goes through the root as a [`Broadcast`] (the group selected, the person
//! searched, the store changed, an operation settled).
//!
//! **Adding a view** (join requests, invites, events, a detail view): write its module, then add
//! one line to the registry at the bottom of this file: under `panes` if it can have the keys
//! (Tab goes through panes in registry order) or under `bars` if not, with the field of
//! [`Areas`] the layout draws it in (`layout.rs` gains a rectangle if no existing one fits).
//! Routing, broadcasts, drawing, Tab and the commands in the help and the footer then take it
//! in; nothing else matches on views. A view that needs data asks with an [`Effect`] and gets
//! the answer as `ViewMsg::Loaded`; one that must reload when the store changes handles the
//! broadcasts. A destructive action is `Reply::Ask(Intent)` (the one confirm dialog); the
//! whole of a row, `Reply::Popup`.

pub mod cursor;
pub mod group;
pub mod groups;
pub mod log;
pub mod requests;
pub mod status;

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::domain::{Query, Region};
use crate::engine::Event;

use super::action::{Action, Hint};
use super::keymap::Keymap;
use super::layout::Areas;
use super::model::Mirror;
use super::msg::{Effect, Loaded};
use super::shared::{Shared, Work};
use super::text::Line;

/// What a view may read besides its own state.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    pub keymap: &'a Keymap,
    /// The account (the business phone number id), made safe.
    pub account: &'a str,
    /// The region national numbers are read in.
    pub region: Option<Region>,
    pub work: &'a Work,
    pub mirror: &'a Mirror,
    /// The latest time the app was told (ms since the epoch).
    pub now: i64,
    /// Where the view is drawn (its page size follows from it).
    pub area: Rect,
    /// Whether the view has the keys (and, when drawing, nothing is over it).
    pub focused: bool,
    /// Queued changes quitting would lose (the demo's store ends with the app).
    pub unsent: usize,
}

impl<'a> Ctx<'a> {
    pub fn new(shared: &'a Shared, area: Rect, focused: bool) -> Ctx<'a> {
        Ctx {
            keymap: &shared.keymap,
            account: &shared.account,
            region: shared.region,
            work: &shared.work,
            mirror: &shared.mirror,
            now: shared.now,
            area,
            focused,
            unsent: shared.unsent,
        }
    }
}

/// What a view is told.
#[derive(Clone, Copy, Debug)]
pub enum ViewMsg<'a> {
    /// A key for the focused view: one of the actions it offers, or any key while it types.
    Key {
        action: Option<Action>,
        key: &'a KeyEvent,
    },
    /// Pasted text, for the focused view.
    Paste(&'a str),
    /// The terminal's size changed (`Ctx::area` is the new area).
    Resize,
    /// The spinner's tick while work is in flight.
    Tick,
    /// An engine event and when the app received it (ms since the epoch).
    Engine {
        at: i64,
        event: &'a Event,
    },
    /// What the store read; each view takes what it asked for.
    Loaded(&'a Loaded),
    Broadcast(&'a Broadcast),
}

/// What every view hears, to follow the others and the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Broadcast {
    /// The group under the groups cursor, after a move, a filter or a reload (`None`: none).
    GroupSelected(Option<String>),
    /// The person the groups filter searched, once found (`None`: no search).
    PersonSearched(Option<Query>),
    /// The mirror's groups were read again (`Ctx::mirror` holds them).
    MirrorLoaded,
    /// An operation of this group reached an outcome.
    OperationSettled { group_id: String },
    /// The queue or the mirror changed (a queue write, a run's end): reload what you show.
    StoreChanged,
    /// A sync ended: the mirror was read from the server.
    SyncDone,
}

/// What a view asks of the root.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Something for the app loop: a store read or write, an engine command.
    Effect(Effect),
    /// Give the keys to this pane.
    Focus(Pane),
    /// A one-line message in the footer until the next key.
    Notice(Line),
    /// Tell every view.
    Broadcast(Broadcast),
    /// Ask the operator about a destructive intent (the one confirm dialog).
    Ask(super::intent::Intent),
    /// Show lines whole in a popup (the detail of a row).
    Popup(super::overlays::TextPopup),
}

impl Reply {
    /// A notice of this tone.
    pub fn notice(tone: super::text::Tone, text: impl Into<String>) -> Reply {
        Reply::Notice(Line::new(tone, text))
    }
}

/// The notice for an undo away from any change: how to get to one.
pub fn undo_elsewhere(keymap: &Keymap, from: Pane) -> Line {
    let how = match from {
        // Enter there opens a request's details, not the group.
        Pane::Requests => format!(
            "close this view ({}) and move to the change in the group",
            keymap.keys_text(Action::Reset)
        ),
        _ => format!(
            "open the group ({}) and move to the change",
            keymap.keys_text(Action::Open)
        ),
    };
    Line::new(super::text::Tone::Warn, format!("to undo: {how}"))
}

/// A part of the screen with its own state.
pub trait View {
    /// Takes one message; pure: what must be done outside comes back as replies.
    fn update(&mut self, ctx: &Ctx, msg: &ViewMsg) -> Vec<Reply>;

    /// Draws the view into `ctx.area`, from its state only.
    fn draw(&self, ctx: &Ctx, buf: &mut Buffer);

    /// The commands it offers: its keys go to it, and the help and the footer list them (with
    /// the app's global ones) while it has the keys.
    fn commands(&self) -> Vec<Hint>;

    /// The app's global commands that mean nothing while it has the keys: the help and the
    /// footer leave them out (the key still answers, saying where it works).
    fn withheld(&self) -> &'static [Action] {
        &[]
    }

    /// Whether it is taking typed text: then every key goes to it, resolved as in a dialog.
    fn typing(&self) -> bool {
        false
    }

    /// What the footer shows instead of the hints while it is typing.
    fn prompt(&self, _ctx: &Ctx, _width: u16) -> Option<ratatui::text::Line<'static>> {
        None
    }

    /// The group it is about, if any (what "this group" means while it has the keys).
    fn group(&self, _ctx: &Ctx) -> Option<String> {
        None
    }

    /// Whether it is drawn now (`has_keys`: it has the keys); a view drawn over another's area
    /// is drawn only while it has them.
    fn drawn(&self, _has_keys: bool) -> bool {
        true
    }

    /// Whether Tab stops at it (a view opened by its own key is left out).
    fn tab_stop(&self) -> bool {
        true
    }
}

/// Declares the views: the [`Pane`]s (views that can have the keys, in Tab order) and the bars
/// (drawn, never focused), each with its field of [`Areas`].
macro_rules! views {
    (
        panes { $($pfield:ident: $pty:ty => $pane:ident in $parea:ident;)* }
        bars { $($bfield:ident: $bty:ty => in $barea:ident;)* }
    ) => {
        /// A view that can have the keys.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Pane {
            $($pane,)*
        }

        impl Default for Pane {
            fn default() -> Pane {
                Views::PANES[0]
            }
        }

        /// Every view's state.
        #[derive(Clone, Debug, Default)]
        pub struct Views {
            $(pub $pfield: $pty,)*
            $(pub $bfield: $bty,)*
        }

        impl Views {
            /// The panes, in Tab order.
            pub const PANES: &'static [Pane] = &[$(Pane::$pane),*];

            pub fn pane(&self, pane: Pane) -> &dyn View {
                match pane {
                    $(Pane::$pane => &self.$pfield,)*
                }
            }

            /// Where the layout draws a pane.
            pub fn area(pane: Pane, areas: &Areas) -> Rect {
                match pane {
                    $(Pane::$pane => areas.$parea,)*
                }
            }

            pub fn pane_mut(&mut self, pane: Pane) -> &mut dyn View {
                match pane {
                    $(Pane::$pane => &mut self.$pfield,)*
                }
            }

            /// Calls `f` on every view with its pane (if it is one) and its area.
            pub fn each(&self, areas: &Areas, mut f: impl FnMut(Option<Pane>, Rect, &dyn View)) {
                $(f(Some(Pane::$pane), areas.$parea, &self.$pfield);)*
                $(f(None, areas.$barea, &self.$bfield);)*
            }

            /// Calls `f` on every view, mutably, with its pane (if it is one) and its area.
            pub fn each_mut(
                &mut self,
                areas: &Areas,
                mut f: impl FnMut(Option<Pane>, Rect, &mut dyn View),
            ) {
                $(f(Some(Pane::$pane), areas.$parea, &mut self.$pfield);)*
                $(f(None, areas.$barea, &mut self.$bfield);)*
            }
        }
    };
}

// The registry: one line a view.
views! {
    panes {
        groups: groups::GroupsView => Groups in groups;
        group: group::GroupView => Group in group;
        log: log::LogView => Log in log;
        requests: requests::RequestsView => Requests in group;
    }
    bars {
        status: status::StatusView => in status;
    }
}
