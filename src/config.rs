//! Settings from the config file, the environment and flags (in rising order), and the token.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::api::settings::{DEFAULT_API_VERSION, DEFAULT_BASE_URL};
use crate::api::{AccessToken, Client, ClientSettings};
use crate::bounded::{self, CommandError, FileError};
use crate::cli::GlobalArgs;
use crate::domain::Region;

/// A setting, a config file or the token cannot be used; the message says which and why in
/// one line (the commands end with it, exit code 2). It never quotes the token.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

impl ConfigError {
    fn new(message: impl Into<String>) -> ConfigError {
        ConfigError(message.into())
    }

    /// The one line.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl From<String> for ConfigError {
    fn from(message: String) -> ConfigError {
        ConfigError(message)
    }
}

impl From<crate::api::ApiError> for ConfigError {
    fn from(e: crate::api::ApiError) -> ConfigError {
        ConfigError(e.to_string())
    }
}

/// The config file (`config.toml`); every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub base_url: Option<String>,
    pub api_version: Option<String>,
    pub phone_number_id: Option<String>,
    pub default_region: Option<String>,
    /// A shell command that prints the access token (for example a password manager call).
    pub token_command: Option<String>,
    pub db: Option<PathBuf>,
    pub timeout_secs: Option<u64>,
    /// A shell command that prints the app secret webhooks are signed with.
    pub app_secret_command: Option<String>,
    /// A shell command that prints the verify token of the webhook handshake.
    pub verify_token_command: Option<String>,
    /// How long `submit` waits for a change's webhook before reading its group (ms).
    pub webhook_wait_ms: Option<u64>,
}

/// Where a secret will come from, in the order they are tried: a file named by a flag, an
/// environment variable, a command in the config file.
#[derive(Debug, Clone)]
pub enum SecretSource {
    File(PathBuf),
    Env,
    Command(String),
    Missing,
}

/// How one secret and its sources are named in messages.
#[derive(Debug, Clone, Copy)]
pub struct SecretNames {
    /// `access token`
    pub what: &'static str,
    /// `token file`
    pub file: &'static str,
    /// `--token-file`
    pub flag: &'static str,
    /// `WA_ACCESS_TOKEN`
    pub env: &'static str,
    /// `token_command`
    pub command: &'static str,
}

/// The Graph API access token's sources.
pub const ACCESS_TOKEN: SecretNames = SecretNames {
    what: "access token",
    file: "token file",
    flag: "--token-file",
    env: TOKEN_ENV,
    command: "token_command",
};

/// The app secret's sources (it checks each webhook's `X-Hub-Signature-256`).
pub const APP_SECRET: SecretNames = SecretNames {
    what: "app secret",
    file: "app secret file",
    flag: "--app-secret-file",
    env: "WA_APP_SECRET",
    command: "app_secret_command",
};

/// The verify token's sources (the webhook handshake's `hub.verify_token`).
pub const VERIFY_TOKEN: SecretNames = SecretNames {
    what: "verify token",
    file: "verify token file",
    flag: "--verify-token-file",
    env: "WA_VERIFY_TOKEN",
    command: "verify_token_command",
};

impl SecretSource {
    /// The first source given: the file flag, then the environment variable, then the
    /// config file's command.
    pub fn pick(file: Option<&Path>, names: &SecretNames, command: Option<&str>) -> SecretSource {
        if let Some(path) = file {
            SecretSource::File(path.to_path_buf())
        } else if std::env::var_os(names.env).is_some() {
            SecretSource::Env
        } else if let Some(cmd) = command {
            SecretSource::Command(cmd.to_owned())
        } else {
            SecretSource::Missing
        }
    }

    /// The secret as its source gives it (checked by the caller's type), or a one-line error
    /// that names the source and never quotes the secret. `label` is what the caller's check
    /// prefixes its own errors with.
    pub fn read(
        &self,
        names: &SecretNames,
        timeout: Duration,
    ) -> Result<(String, String), ConfigError> {
        match self {
            SecretSource::File(path) => Ok((
                read_secret_file(path, names)?,
                format!("{} {}", names.file, path.display()),
            )),
            SecretSource::Env => {
                let raw = std::env::var(names.env)
                    .map_err(|_| ConfigError::new(format!("{} is not valid text", names.env)))?;
                Ok((raw, names.env.to_owned()))
            }
            SecretSource::Command(cmd) => Ok((
                run_secret_command(cmd, names, timeout)?,
                names.command.to_owned(),
            )),
            SecretSource::Missing => Err(ConfigError::new(format!(
                "no {}: give {} PATH, set {}, or set {} in the config file",
                names.what, names.flag, names.env, names.command
            ))),
        }
    }
}

/// The settings a command runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_url: String,
    pub api_version: String,
    pub phone_number_id: Option<String>,
    pub default_region: Option<Region>,
    pub db_path: Option<PathBuf>,
    pub timeout: Duration,
    pub token_source: SecretSource,
    /// The config file's commands for the webhook receiver's secrets.
    pub app_secret_command: Option<String>,
    pub verify_token_command: Option<String>,
    /// How long a submit waits for a change's webhook before reading its group.
    pub webhook_wait: Option<Duration>,
}

pub const TOKEN_ENV: &str = "WA_ACCESS_TOKEN";

/// The most of a config file read: far more than any config needs.
pub const MAX_CONFIG_BYTES: usize = 1 << 20;
/// The most of a token file, or of a token command's output, read: tokens are a few hundred
/// bytes.
pub const MAX_TOKEN_BYTES: usize = 64 << 10;

/// The config file's default place: `config.toml` in the user's config directory.
pub fn default_config_path() -> Option<PathBuf> {
    crate::paths::config_dir().map(|d| d.join("config.toml"))
}

/// Reads a config file. A missing default file is an empty config; a missing named one is an
/// error; a bad one is an error naming the file, line and problem.
pub fn load_file(path: &Path, must_exist: bool) -> Result<FileConfig, ConfigError> {
    let text = match bounded::read_text(path, MAX_CONFIG_BYTES) {
        Ok(text) => text,
        Err(FileError::NotFound) if !must_exist => return Ok(FileConfig::default()),
        Err(e) => {
            return Err(ConfigError::new(format!(
                "config file {} {e}",
                path.display()
            )));
        }
    };
    parse_file(&text).map_err(|e| ConfigError::new(format!("{}:{e}", path.display())))
}

/// Parses config text; the error reads `LINE: problem`.
pub fn parse_file(text: &str) -> Result<FileConfig, String> {
    toml::from_str(text).map_err(|e| toml_error_line(text, &e))
}

/// A TOML error on one line: `LINE: message`.
pub fn toml_error_line(text: &str, e: &toml::de::Error) -> String {
    let line = e
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
        .unwrap_or(1);
    let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{line}: {message}")
}

impl Settings {
    /// Flags (and their environment variables, which clap reads) over the config file over
    /// the defaults.
    pub fn resolve(global: &GlobalArgs) -> Result<Settings, ConfigError> {
        let file = match (&global.config, default_config_path()) {
            (Some(path), _) => load_file(path, true)?,
            (None, Some(path)) => load_file(&path, false)?,
            (None, None) => FileConfig::default(),
        };
        let default_region = match (&global.default_region, &file.default_region) {
            (Some(r), _) => Some(*r),
            (None, Some(text)) => Some(
                text.parse::<Region>()
                    .map_err(|e| ConfigError::new(format!("config default_region: {e}")))?,
            ),
            (None, None) => None,
        };
        let token_source = SecretSource::pick(
            global.token_file.as_deref(),
            &ACCESS_TOKEN,
            file.token_command.as_deref(),
        );
        Ok(Settings {
            base_url: global
                .base_url
                .clone()
                .or(file.base_url)
                .unwrap_or_else(|| DEFAULT_BASE_URL.into()),
            api_version: global
                .api_version
                .clone()
                .or(file.api_version)
                .unwrap_or_else(|| DEFAULT_API_VERSION.into()),
            phone_number_id: global.phone_number_id.clone().or(file.phone_number_id),
            default_region,
            db_path: global.db.clone().or(file.db),
            timeout: Duration::from_secs(global.timeout.or(file.timeout_secs).unwrap_or(30).max(1)),
            token_source,
            app_secret_command: file.app_secret_command,
            verify_token_command: file.verify_token_command,
            webhook_wait: file.webhook_wait_ms.map(Duration::from_millis),
        })
    }

    /// Reads the token from its source. Never prints it, never writes it anywhere.
    pub fn token(&self) -> Result<AccessToken, ConfigError> {
        let (raw, label) = self.token_source.read(&ACCESS_TOKEN, self.timeout)?;
        AccessToken::new(&raw).map_err(|e| ConfigError::new(format!("{label}: {e}")))
    }

    /// The client for this account.
    pub fn client(&self) -> Result<Client, ConfigError> {
        let phone = self
            .phone_number_id
            .as_deref()
            .ok_or_else(|| ConfigError::new(crate::api::settings::NO_PHONE_NUMBER_ID))?;
        // Check the URL and the proxy before the token is read, so a refused URL or proxy
        // never costs a secret.
        let url = crate::api::settings::check_base_url(&self.base_url)?;
        crate::api::proxy::from_env(&url)?;
        let mut settings =
            ClientSettings::new(&self.base_url, &self.api_version, self.token()?, phone)?;
        settings.request_timeout = self.timeout;
        Ok(Client::new(settings)?)
    }
}

fn read_secret_file(path: &Path, names: &SecretNames) -> Result<String, ConfigError> {
    let file_label = names.file;
    let fail = |e: FileError| {
        let hint = match e {
            FileError::TooLarge(_) => ": is it the right file?",
            _ => "",
        };
        ConfigError::new(format!("{file_label} {} {e}{hint}", path.display()))
    };
    // Its kind first: a directory or a device is not "readable by others", it is no secret.
    let (file, meta) = bounded::open_regular(path).map_err(fail)?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(ConfigError::new(format!(
            "{file_label} {} can be read by others (mode {mode:o}); run: chmod 600 {}",
            path.display(),
            path.display()
        )));
    }
    let raw = bounded::read_to_limit(file, MAX_TOKEN_BYTES).map_err(fail)?;
    String::from_utf8(raw)
        .map_err(|_| ConfigError::new(format!("{file_label} {} is not text", path.display())))
}

/// Runs a secret's command: within `timeout` (the command is killed past it), at most
/// [`MAX_TOKEN_BYTES`] of output; its error output is not shown, as it may hold the secret.
fn run_secret_command(
    cmd: &str,
    names: &SecretNames,
    timeout: Duration,
) -> Result<String, ConfigError> {
    let command = names.command;
    let output = bounded::command_output(cmd, timeout, MAX_TOKEN_BYTES).map_err(|e| {
        let hint = match e {
            CommandError::Timeout(_) => {
                " (--timeout or timeout_secs sets how long it may take)".to_owned()
            }
            CommandError::Failed(_) => format!(
                "; its error output is not shown, as it may hold the {}: run it yourself to see why",
                names.what
            ),
            _ => String::new(),
        };
        ConfigError::new(format!("{command} {e}{hint}"))
    })?;
    String::from_utf8(output)
        .map_err(|_| ConfigError::new(format!("{command} printed something that is not text")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_errors_name_the_line() {
        let err = parse_file("base_url = \"x\"\nphone_number_id = 12\n").expect_err("type");
        assert!(err.starts_with("2: "), "{err}");
        let err = parse_file("colour = \"red\"\n").expect_err("unknown key");
        assert!(err.contains("colour"), "{err}");
        assert!(parse_file("").is_ok());
    }

    #[test]
    fn token_file_readable_by_others_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("token");
        std::fs::write(&path, "secret-token\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let err = read_secret_file(&path, &ACCESS_TOKEN).expect_err("open to others");
        assert!(err.message().contains("chmod 600"), "{err}");
        assert!(!err.message().contains("secret-token"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert!(read_secret_file(&path, &ACCESS_TOKEN).is_ok());
    }
}
