//! The embedded stand-in for the Graph API's group calls ("the sandbox"), with the webhooks a
//! real number's groups send and hooks that play WhatsApp users.
//!
//! Written from the contract and `groups-api-2026.md`, not from the client: it imports none
//! of the client's wire types and builds its JSON with `serde_json`.

mod config;
mod errors;
mod faults;
mod handlers;
mod hooks;
mod ids;
mod in_process;
mod people;
mod routes;
mod seed;
mod server;
mod shared;
mod state;
mod stats;
mod users;
mod webhook;

#[cfg(test)]
mod tests;

pub(crate) use config::parse_probability;
pub use config::{AnswerShapes, Faults, SandboxConfig};
pub use in_process::{GroupView, JoinRequestView};
pub use people::Person;
pub use server::{Sandbox, export_lines, run_cli, shell_word, start};
pub use state::UserError;
pub use users::User;
pub use webhook::{AppSecret, WebhookConfig};
