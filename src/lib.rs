//! wa-groups: run WhatsApp Business groups from the terminal: their whole lifecycle, changes queued, sent by one engine and settled by answer, webhook or read.

pub mod allocator;
pub mod api;
pub mod args;
pub mod bounded;
pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod engine;
pub mod exit;
pub mod import;
pub mod logging;
pub mod paths;
pub mod present;
pub mod receiver;
pub mod sandbox;
pub mod session;
pub mod store;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod tui;
