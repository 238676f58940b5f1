//! The store's notion of time: milliseconds since the Unix epoch, UTC, everywhere.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since 1970-01-01T00:00:00Z. Every time column in the store holds this.
pub type UnixMs = i64;

/// Now, in [`UnixMs`]. A clock set before 1970 reads as 0 rather than failing.
pub fn now_ms() -> UnixMs {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
