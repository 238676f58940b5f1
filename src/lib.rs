//! wa-groups: queue, preview and submit WhatsApp Business group participant changes.

pub mod domain;
pub mod import;
pub mod sandbox;
pub mod store;
