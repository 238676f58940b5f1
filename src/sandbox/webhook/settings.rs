//! Where the sandbox sends its webhooks, with which app secret, and how unreliably.

use std::fmt;
use std::str::FromStr;

use url::Url;

use crate::sandbox::config::parse_probability;

/// The app secret webhooks are signed with. Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct AppSecret(String);

impl AppSecret {
    /// Any non-empty text.
    pub fn new(secret: impl Into<String>) -> Result<AppSecret, String> {
        let secret = secret.into();
        if secret.is_empty() {
            Err("the app secret must not be empty".to_owned())
        } else {
            Ok(AppSecret(secret))
        }
    }

    /// The bytes the HMAC is keyed with.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for AppSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AppSecret(<hidden>)")
    }
}

impl FromStr for AppSecret {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AppSecret::new(s)
    }
}

/// The webhook side of `wa-groups sandbox` (`--webhook-url URL --app-secret S`), also set in
/// process through `SandboxConfig::webhook`.
#[derive(clap::Args, Clone, Debug)]
pub struct WebhookConfig {
    /// Where to POST signed webhooks (http:// only to loopback); none: no webhooks.
    #[arg(long, value_parser = parse_url, requires = "app_secret")]
    pub webhook_url: Option<Url>,
    /// App secret that signs each webhook (X-Hub-Signature-256); never printed.
    #[arg(long, requires = "webhook_url")]
    pub app_secret: Option<AppSecret>,
    /// Share (0..=1) of deliveries duplicated, held back behind the next one, or delayed.
    #[arg(long, default_value_t = 0.0, value_parser = parse_probability)]
    pub webhook_chaos: f64,
    /// Attempts per delivery (a non-2xx answer or no answer is tried again, with back-off).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub webhook_attempts: u32,
    /// First back-off after a failed delivery, in milliseconds; doubled each time, up to 30 s.
    #[arg(long, default_value_t = 250)]
    pub webhook_retry_ms: u64,
    /// The WhatsApp Business Account id webhooks name (`entry[].id`).
    #[arg(long, default_value = "200000000000001")]
    pub waba_id: String,
    /// The business number as webhooks show it (`metadata.display_phone_number`).
    #[arg(long, default_value = "15550100001")]
    pub display_phone_number: String,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            webhook_url: None,
            app_secret: None,
            webhook_chaos: 0.0,
            webhook_attempts: 6,
            webhook_retry_ms: 250,
            waba_id: "200000000000001".to_owned(),
            display_phone_number: "15550100001".to_owned(),
        }
    }
}

impl WebhookConfig {
    /// The URL and secret, when webhooks are on; an error when only one of them is set or the
    /// URL is not allowed.
    pub fn target(&self) -> Result<Option<(Url, AppSecret)>, String> {
        match (&self.webhook_url, &self.app_secret) {
            (None, None) => Ok(None),
            (Some(url), Some(secret)) => {
                check_url(url)?;
                Ok(Some((url.clone(), secret.clone())))
            }
            (Some(_), None) => Err("--webhook-url needs --app-secret to sign with".to_owned()),
            (None, Some(_)) => Err("--app-secret is only used with --webhook-url".to_owned()),
        }
    }
}

fn parse_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("`{text}` is not a URL: {e}"))?;
    check_url(&url)?;
    Ok(url)
}

/// `https://` anywhere, `http://` only to a loopback address.
fn check_url(url: &Url) -> Result<(), String> {
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(format!(
            "webhook URL {url}: plain http:// is for loopback addresses only"
        )),
        other => Err(format!("webhook URL {url}: `{other}` is not http or https")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_never_shows() {
        let secret = AppSecret::new("very-secret-value").expect("secret");
        let config = WebhookConfig {
            app_secret: Some(secret.clone()),
            ..WebhookConfig::default()
        };
        assert!(!format!("{config:?}").contains("very-secret-value"));
        assert!(!format!("{secret:?}").contains("very-secret-value"));
        assert!(AppSecret::new("").is_err());
    }

    #[test]
    fn urls_and_pairs_are_checked() {
        for ok in [
            "http://127.0.0.1:9/webhook",
            "http://[::1]:9/",
            "http://localhost:8080/w",
            "https://example.com/hook",
        ] {
            assert!(parse_url(ok).is_ok(), "{ok}");
        }
        for bad in ["http://10.0.0.1/w", "ftp://127.0.0.1/", "nonsense"] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
        let only_url = WebhookConfig {
            webhook_url: parse_url("http://127.0.0.1:9/").ok(),
            ..WebhookConfig::default()
        };
        assert!(only_url.target().is_err());
        assert_eq!(WebhookConfig::default().target(), Ok(None));
    }
}
