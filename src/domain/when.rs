//! Moments as operators read them: RFC 3339 in UTC for records, HH:MM:SS for the log pane.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn at(unix_ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000).ok()
}

/// `2026-11-25T03:10:34.120Z`: always to the millisecond, so every time of an export has the
/// same width and sorts as text.
pub fn rfc3339(unix_ms: i64) -> String {
    at(unix_ms)
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.millisecond()
            )
        })
        .unwrap_or_else(|| unix_ms.to_string())
}

/// How long ago `then` was at `now` (ms), as an operator says it: `40 s`, `12 min`, `3 h 5 min`,
/// `2 days`.
pub fn ago(then: i64, now: i64) -> String {
    let secs = (now - then).max(0) / 1000;
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        3600..86_400 if secs % 3600 >= 60 => {
            format!("{} h {} min", secs / 3600, secs % 3600 / 60)
        }
        3600..86_400 => format!("{} h", secs / 3600),
        _ if secs < 2 * 86_400 => "1 day".to_owned(),
        _ => format!("{} days", secs / 86_400),
    }
}

/// A moment as an operator writes one on a command line, at `now` (ms): RFC 3339
/// (`2026-01-31T09:00:00Z`, any offset), a day in UTC (`2026-01-31`), or a time ago
/// (`90s`, `30m`, `2h`, `7d`). The moment in ms, or why the text is none.
pub fn parse_moment(text: &str, now: i64) -> Result<i64, String> {
    let text = text.trim();
    if let Some(unit) = text.chars().last().filter(char::is_ascii_alphabetic)
        && let Ok(n) = text[..text.len() - 1].trim().parse::<i64>()
    {
        let ms = match unit {
            's' => 1_000,
            'm' => 60_000,
            'h' => 3_600_000,
            'd' => 86_400_000,
            _ => 0,
        };
        if ms > 0 && n >= 0 {
            return Ok(now - n.saturating_mul(ms));
        }
    }
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok((t.unix_timestamp_nanos() / 1_000_000) as i64);
    }
    if let Some(date) = day(text) {
        return Ok(date.midnight().assume_utc().unix_timestamp() * 1000);
    }
    Err(format!(
        "`{}` is not a moment: write RFC 3339 (2026-01-31T09:00:00Z), a day (2026-01-31) or a time ago (90s, 30m, 2h, 7d)",
        super::text::sanitize(text)
    ))
}

/// `03:10:34` (UTC).
pub fn clock(unix_ms: i64) -> String {
    at(unix_ms)
        .map(|t| format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second()))
        .unwrap_or_default()
}

/// `2026-01-31` as a date.
fn day(text: &str) -> Option<time::Date> {
    let mut parts = text.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_764_040_234_120), "2025-11-25T03:10:34.120Z");
        assert_eq!(rfc3339(1_764_040_234_000), "2025-11-25T03:10:34.000Z");
        assert_eq!(clock(1_764_040_234_120), "03:10:34");
    }

    #[test]
    fn ages_read_as_an_operator_says_them() {
        let now = 1_764_040_234_000;
        let before = |secs: i64| now - secs * 1000;
        assert_eq!(ago(before(40), now), "40 s");
        assert_eq!(ago(before(12 * 60 + 5), now), "12 min");
        assert_eq!(ago(before(3 * 3600), now), "3 h");
        assert_eq!(ago(before(3 * 3600 + 5 * 60), now), "3 h 5 min");
        assert_eq!(ago(before(30 * 3600), now), "1 day");
        assert_eq!(ago(before(9 * 86_400), now), "9 days");
        assert_eq!(ago(now + 5, now), "0 s");
    }

    #[test]
    fn moments_are_read_in_every_form_and_others_refused() {
        let now = 1_764_040_234_000;
        assert_eq!(parse_moment("90s", now), Ok(now - 90_000));
        assert_eq!(parse_moment("30m", now), Ok(now - 1_800_000));
        assert_eq!(parse_moment(" 2h ", now), Ok(now - 7_200_000));
        assert_eq!(parse_moment("7d", now), Ok(now - 7 * 86_400_000));
        assert_eq!(
            parse_moment("2025-11-25T03:10:34Z", now),
            Ok(1_764_040_234_000)
        );
        assert_eq!(
            parse_moment("2025-11-25T04:10:34.5+01:00", now),
            Ok(1_764_040_234_500)
        );
        assert_eq!(parse_moment("2025-11-25", now), Ok(1_764_028_800_000));
        for bad in ["", "yesterday", "5w", "-3h", "2025-13-01", "12:00"] {
            let err = parse_moment(bad, now).expect_err(bad);
            assert!(err.contains("RFC 3339"), "{err}");
        }
    }
}
