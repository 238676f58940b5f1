//! The embedded stand-in for the Graph API's group calls ("the sandbox").
//!
//! Written from the contract and `api-facts.md`, not from the client: it imports none of the
//! client's wire types and builds its JSON with `serde_json`.

mod config;
mod errors;
mod faults;
mod handlers;
mod ids;
mod routes;
mod seed;
mod server;
mod shared;
mod state;
mod stats;

#[cfg(test)]
mod tests;

pub use config::{Faults, SandboxConfig};
pub use server::{Sandbox, run_cli, start};
