//! Where and how the client talks: base URL, API version, account, timeouts.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;

use super::{ApiError, token::AccessToken};

/// Everything the client needs to reach one account's groups.
#[derive(Clone, Debug)]
pub struct ClientSettings {
    pub base_url: Url,
    pub api_version: String,
    pub token: AccessToken,
    pub phone_number_id: String,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// The most of an answer's body that is read; a larger answer is an error.
    pub max_body_bytes: usize,
    /// Groups asked for per page of the group list (1 to 1024).
    pub page_size: u32,
}

pub const DEFAULT_BASE_URL: &str = "https://graph.facebook.com";
pub const DEFAULT_API_VERSION: &str = "v23.0";

impl ClientSettings {
    /// Settings with the defaults: 10 s to connect, 30 s per request, 8 MiB bodies, pages of 1024.
    pub fn new(
        base_url: &str,
        api_version: &str,
        token: AccessToken,
        phone_number_id: &str,
    ) -> Result<Self, ApiError> {
        Ok(ClientSettings {
            base_url: check_base_url(base_url)?,
            api_version: check_api_version(api_version)?,
            token,
            phone_number_id: check_phone_number_id(phone_number_id)?,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 8 * 1024 * 1024,
            page_size: 1024,
        })
    }
}

/// `https://` anywhere; plain `http://` only to this machine (loopback), where nothing can
/// read the token on the way.
pub fn check_base_url(raw: &str) -> Result<Url, ApiError> {
    let url = Url::parse(raw.trim())
        .map_err(|e| ApiError::Config(format!("base URL `{raw}` is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::Config(
            "base URL must not carry a user or password".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ApiError::Config(format!(
            "base URL `{}` must not have a query or fragment",
            url.origin().ascii_serialization()
        )));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(ApiError::Config(format!(
            "refusing plain http:// to `{}`: the token would travel unencrypted; use https:// (http:// is only for loopback addresses)",
            url.host_str().unwrap_or("")
        ))),
        other => Err(ApiError::Config(format!(
            "base URL scheme `{other}` is not supported: use https://"
        ))),
    }
}

/// Whether the URL's host is this machine: `localhost`, or a loopback address.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

fn check_api_version(raw: &str) -> Result<String, ApiError> {
    let v = raw.trim();
    let ok = v
        .strip_prefix('v')
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(major, minor)| {
            !major.is_empty()
                && !minor.is_empty()
                && major.chars().all(|c| c.is_ascii_digit())
                && minor.chars().all(|c| c.is_ascii_digit())
        });
    if ok {
        Ok(v.to_owned())
    } else {
        Err(ApiError::Config(format!(
            "API version `{raw}` is not of the form v23.0"
        )))
    }
}

/// What is said when no phone number id is given, wherever it is found missing (the client's
/// settings, the configuration, a session), and what to do about it.
pub const NO_PHONE_NUMBER_ID: &str =
    "no phone number id: give --phone-number-id or set WA_PHONE_NUMBER_ID";

fn check_phone_number_id(raw: &str) -> Result<String, ApiError> {
    let id = raw.trim();
    if id.is_empty() {
        return Err(ApiError::Config(NO_PHONE_NUMBER_ID.into()));
    }
    if !id.chars().all(|c| c.is_ascii_digit()) {
        return Err(ApiError::Config(format!(
            "phone number id `{id}` must be digits (the id of the business number, not the number itself)"
        )));
    }
    Ok(id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_for_loopback() {
        for ok in [
            "https://graph.facebook.com",
            "http://127.0.0.1:8080",
            "http://localhost:9",
            "http://[::1]:80",
            "http://127.5.5.5",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://graph.facebook.com",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "ftp://x",
            "https://user:pw@host",
            "nonsense",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
        let err = check_base_url("http://example.com").expect_err("refused");
        assert!(err.to_string().contains("example.com"));
    }

    #[test]
    fn version_and_phone_number_id_are_checked() {
        assert!(check_api_version("v23.0").is_ok());
        assert!(check_api_version("23.0").is_err());
        assert!(check_api_version("v23").is_err());
        assert!(check_phone_number_id("100000000000001").is_ok());
        assert!(check_phone_number_id("+1555").is_err());
        assert!(check_phone_number_id("").is_err());
    }
}
