//! The access token, in a type that never shows itself: not in Debug, errors, logs or panics.

use std::fmt;

/// A Graph API access token. Its only way out is [`AccessToken::bearer`], used to build the
/// `Authorization` header; `Debug` prints a fixed placeholder and there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Takes a token as read from a file, the environment or a command; surrounding white space
    /// (a trailing newline) is dropped. Refuses an empty token or one that cannot be a header.
    pub fn new(raw: &str) -> Result<Self, String> {
        let token = raw.trim();
        if token.is_empty() {
            return Err("the access token is empty".into());
        }
        if token
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        {
            return Err(
                "the access token has spaces, control or non-ASCII characters: is it the right file?"
                    .into(),
            );
        }
        Ok(AccessToken(token.to_owned()))
    }

    /// The value of the `Authorization` header.
    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// The raw token, for the sandbox which compares it; nowhere else.
    pub fn expose_for_comparison(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let token = AccessToken::new("EAAB-secret-123\n").expect("valid");
        let shown = format!("{token:?} {:?}", Some(&token));
        assert!(!shown.contains("secret"), "{shown}");
        assert_eq!(token.bearer(), "Bearer EAAB-secret-123");
    }

    #[test]
    fn refuses_empty_or_odd_tokens() {
        assert!(AccessToken::new("  \n").is_err());
        assert!(AccessToken::new("two words").is_err());
        let err = AccessToken::new("bad\u{1b}token").expect_err("control");
        assert!(
            !err.contains("bad"),
            "the error must not quote the token: {err}"
        );
    }
}
