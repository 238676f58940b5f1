//! The receiver's two secrets: the app secret that signs every webhook, and the verify token
//! of the handshake. Read like the access token (a file, the environment, a command); held in
//! a type that never shows itself.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use crate::config::{APP_SECRET, ConfigError, SecretNames, SecretSource, Settings, VERIFY_TOKEN};

/// A secret: its `Debug` is a placeholder, it has no `Display`, and it leaves only to key an
/// HMAC or to be compared in constant time.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Takes a secret as read (surrounding white space, a trailing newline, dropped); refuses
    /// an empty one or one with control characters. The error never quotes it.
    pub fn new(raw: &str) -> Result<Secret, String> {
        let secret = raw.trim();
        if secret.is_empty() {
            return Err("it is empty".into());
        }
        if secret.chars().any(char::is_control) {
            return Err("it has control characters: is it the right file?".into());
        }
        Ok(Secret(secret.to_owned()))
    }

    pub(crate) fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

/// What the receiver checks deliveries and the handshake with.
#[derive(Clone, Debug)]
pub struct WebhookSecrets {
    pub app_secret: Secret,
    pub verify_token: Secret,
}

impl WebhookSecrets {
    /// Reads both: `--app-secret-file`, then `WA_APP_SECRET`, then the config's
    /// `app_secret_command`; `--verify-token-file`, then `WA_VERIFY_TOKEN`, then
    /// `verify_token_command`.
    pub fn read(
        settings: &Settings,
        app_secret_file: Option<&Path>,
        verify_token_file: Option<&Path>,
    ) -> Result<WebhookSecrets, ConfigError> {
        let one = |file: Option<&Path>, names: &SecretNames, command: Option<&str>| {
            let source = SecretSource::pick(file, names, command);
            read(&source, names, settings.timeout)
        };
        Ok(WebhookSecrets {
            app_secret: one(
                app_secret_file,
                &APP_SECRET,
                settings.app_secret_command.as_deref(),
            )?,
            verify_token: one(
                verify_token_file,
                &VERIFY_TOKEN,
                settings.verify_token_command.as_deref(),
            )?,
        })
    }
}

fn read(
    source: &SecretSource,
    names: &SecretNames,
    timeout: Duration,
) -> Result<Secret, ConfigError> {
    let (raw, label) = source.read(names, timeout)?;
    Secret::new(&raw).map_err(|why| ConfigError::from(format!("{label}: the {} {why}", names.what)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_itself() {
        let s = Secret::new("app-secret-canary\n").expect("secret");
        assert!(!format!("{s:?}").contains("canary"));
        assert_eq!(s.expose(), b"app-secret-canary");
        let err = Secret::new("bad\u{1b}canary").expect_err("control");
        assert!(!err.contains("canary"), "{err}");
        assert!(Secret::new(" \n").is_err());
    }
}
