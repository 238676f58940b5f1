//! The terminal app: views and overlays over a root state, a pure `update`, drawing from the
//! state, and an app loop that carries out effects against the store and the engine.
//!
//! The parts, leaves first (each imports only the lines above it):
//!
//! - `text` (a tone and a line), `theme`, `widgets` (pane, cut text, popup box, wrapping),
//!   `layout` (the areas of the screen);
//! - `key` (one key: read, shown, typed), `action` (the one table of actions: name, mode,
//!   default keys, help, footer word), `keymap` (keys to actions in a mode, `keymap.toml`);
//! - `numbers` (a typed list of numbers, checked), `model` (the mirror's groups and one
//!   group's detail, made safe); a plan's lines come from `crate::present`;
//! - `msg` (messages in, effects out), `shared` (what every view reads: account, keymap,
//!   size, time, work in flight, mirror), `intent` (a destructive action awaiting a yes);
//! - `views/` (the panes and the status bar: state, update, drawing, commands each; the
//!   registry; how views hear each other) and `overlays/` (help, add, confirm, text popups,
//!   preview, quit, on a stack);
//! - `state` (the root: shared facts, focus, views, overlays, notice), `update/` (routing, the
//!   global actions, engine events, store results, overlay answers, confirmed intents),
//!   `draw` (every view, the footer, the overlays);
//! - `app` (the loop and the effects), `terminal` (the real terminal).
//!
//! Where things go: a new view, see `views/mod.rs`; a new overlay, `overlays/mod.rs`; a new
//! destructive kind, `intent.rs`; a new key, a line of the table in `action.rs` (and of
//! `assets/keymap.toml`).

pub mod action;
pub mod app;
pub mod draw;
mod history;
pub mod intent;
pub mod key;
pub mod keymap;
pub mod layout;
pub mod model;
pub mod msg;
pub mod numbers;
pub mod overlays;
pub mod shared;
pub mod state;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod update;
pub mod views;
pub mod widgets;

pub use action::Action;
pub use app::{App, Ended};
pub use draw::draw;
pub use keymap::Keymap;
pub use msg::{Effect, Loaded, Msg};
pub use state::State;
pub use update::update;
