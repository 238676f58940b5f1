//! The terminal app: views and dialogs over a root state, a pure `update`, drawing from the
//! state, and an app loop that carries out effects against the store and the engine.

pub mod action;
pub mod app;
pub mod draw;
pub mod intent;
pub mod key;
pub mod keymap;
pub mod layout;
pub mod model;
pub mod msg;
pub mod numbers;
pub mod overlays;
pub mod plan_text;
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
