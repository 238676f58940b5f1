//! The terminal app: a pure `update` over a `State`, a view drawn from the state, and an app
//! loop that carries out effects against the store and the engine.

pub mod action;
pub mod app;
pub mod dialog;
mod engine_log;
pub mod key;
pub mod keymap;
pub mod layout;
pub mod msg;
pub mod numbers;
pub mod state;
pub mod terminal;
pub mod text;
pub mod update;
pub mod view;

pub use action::Action;
pub use app::{App, Ended};
pub use keymap::Keymap;
pub use msg::{Effect, Loaded, Msg};
pub use state::State;
pub use update::update;
