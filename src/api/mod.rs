//! The Graph API client for WhatsApp groups: settings, calls, answers and error classes.

pub mod body;
pub mod client;
pub mod error;
pub mod lenient;
pub mod proxy;
pub mod route;
pub mod settings;
pub mod token;
pub mod wire;

pub use client::Client;
pub use error::{ApiError, ErrorClass, GraphError, ParticipantFailure};
pub use route::Route;
pub use settings::ClientSettings;
pub use token::AccessToken;
pub use wire::{GroupInfo, GroupPage, GroupSummary, WriteAccepted};
