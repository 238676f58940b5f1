//! Moments as operators read them: RFC 3339 in UTC for records, HH:MM:SS for the log pane.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn at(unix_ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000).ok()
}

/// `2026-11-25T03:10:34.120Z`.
pub fn rfc3339(unix_ms: i64) -> String {
    at(unix_ms)
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| unix_ms.to_string())
}

/// `03:10:34` (UTC).
pub fn clock(unix_ms: i64) -> String {
    at(unix_ms)
        .map(|t| format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_764_040_234_120), "2025-11-25T03:10:34.12Z");
        assert_eq!(clock(1_764_040_234_120), "03:10:34");
    }
}
