//! The Graph API client for WhatsApp groups: settings, calls, answers and error classes.

pub mod body;
pub mod call;
pub mod client;
pub mod error;
pub mod lenient;
pub mod lifecycle;
mod multipart;
pub mod proxy;
pub mod settings;
pub mod token;
pub mod webhook;
pub mod wire;

pub use call::{Call, Endpoint, Method};
pub use client::{Answer, Client, GroupList};
pub use error::{ApiError, ErrorClass, GraphError, ParticipantFailure};
pub use lifecycle::{InviteLink, JoinRequestFailure, JoinRequestsAnswered};
pub use settings::ClientSettings;
pub use token::AccessToken;
pub use wire::{GroupInfo, GroupPage, GroupSummary, JoinRequest, JoinRequestPage, WriteAccepted};
