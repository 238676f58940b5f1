//! Keeping secrets out of the audit trail: access tokens in URLs and headers are blanked.

use std::borrow::Cow;

const REDACTED: &str = "[redacted]";

/// `text` with the value of any `access_token=` parameter and any `Bearer` credential blanked.
pub(super) fn secrets(text: &str) -> Cow<'_, str> {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("access_token") && !lower.contains("bearer") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    let mut at = 0;
    while at < text.len() {
        let tail = &lower[at..];
        let skip = if tail.starts_with("access_token=") {
            "access_token=".len()
        } else if tail.starts_with("bearer ") {
            "bearer ".len()
        } else {
            at += tail.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let value_start = at + skip;
        let value_len = text[value_start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '&' | '"' | '\'' | ',' | ';'))
            .unwrap_or(text.len() - value_start);
        out.push_str(&text[rest..value_start]);
        out.push_str(REDACTED);
        at = value_start + value_len;
        rest = at;
    }
    out.push_str(&text[rest..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_in_urls_and_headers_are_blanked() {
        assert_eq!(
            secrets("/v23.0/123/groups?access_token=EAAB123&limit=5"),
            "/v23.0/123/groups?access_token=[redacted]&limit=5"
        );
        assert_eq!(
            secrets("header Authorization: Bearer EAAB123 was refused"),
            "header Authorization: Bearer [redacted] was refused"
        );
        assert_eq!(secrets("ACCESS_TOKEN=x"), "ACCESS_TOKEN=[redacted]");
        assert_eq!(secrets("plain ação text"), "plain ação text");
        assert_eq!(secrets("ends with bearer "), "ends with bearer [redacted]");
    }
}
