//! Which proxy the client goes through, decided here rather than by the HTTP library's own
//! reading of the environment: loopback is never proxied; `https://` follows the usual
//! variables; a plain-http proxy on another host is refused before the token is read.

use hyper_util::client::proxy::matcher::Matcher;
use reqwest::Url;

use super::ApiError;
use super::settings::is_loopback;

/// How the client reaches the base URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProxyChoice {
    /// Straight to the server.
    Direct,
    /// Through the proxy at `url` (`https://`, or plain `http://` on this machine), named by
    /// the environment variable `variable`.
    Through { url: Url, variable: &'static str },
}

/// The variables read for an `https://` base URL, in the order they are tried (the first set
/// and not empty wins), as curl and most tools read them.
const HTTPS_VARIABLES: [&str; 4] = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
/// The same for a plain `http://` base URL (which is loopback, so never proxied).
const HTTP_VARIABLES: [&str; 4] = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];
const NO_PROXY_VARIABLES: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// The proxy for `target` as the process environment sets it.
pub fn from_env(target: &Url) -> Result<ProxyChoice, ApiError> {
    choose(target, |name| std::env::var(name).ok())
}

/// The proxy for `target`, with `env` giving the value of a variable.
///
/// - A loopback target (`127.0.0.0/8`, `::1`, `localhost`) is always reached directly: the
///   proxy variables are not even looked at.
/// - Otherwise the first of `HTTPS_PROXY`, `https_proxy`, `ALL_PROXY`, `all_proxy` (for an
///   `http://` target: `HTTP_PROXY`, `http_proxy`, then the same) that is set, unless
///   `NO_PROXY`/`no_proxy` lists the target's host (names match their subdomains; IP
///   addresses and CIDR ranges; `*` for every host).
/// - That proxy must be `https://`, or plain `http://` on loopback; a plain-http proxy on
///   another host, or a SOCKS one, is an [`ApiError::Config`] naming the variable.
pub fn choose(target: &Url, env: impl Fn(&str) -> Option<String>) -> Result<ProxyChoice, ApiError> {
    if is_loopback(target) {
        return Ok(ProxyChoice::Direct);
    }
    let variables = match target.scheme() {
        "https" => HTTPS_VARIABLES,
        _ => HTTP_VARIABLES,
    };
    let first_set = |names: &[&'static str]| {
        names.iter().find_map(|name| {
            env(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .map(|v| (*name, v))
        })
    };
    let Some((variable, value)) = first_set(&variables) else {
        return Ok(ProxyChoice::Direct);
    };
    let host = target.host_str().unwrap_or_default();
    if let Some((_, list)) = first_set(&NO_PROXY_VARIABLES)
        && excluded(target, &list)
    {
        return Ok(ProxyChoice::Direct);
    }
    let url = parse_proxy(&value).ok_or_else(|| {
        ApiError::Config(format!(
            "{variable} is not a proxy URL; fix it, unset it, or list {host} in NO_PROXY"
        ))
    })?;
    let shown = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    match url.scheme() {
        "https" => Ok(ProxyChoice::Through { url, variable }),
        "http" if is_loopback(&url) => Ok(ProxyChoice::Through { url, variable }),
        "http" => Err(ApiError::Config(format!(
            "{variable} names a plain-http proxy on another host ({shown}); wa-groups does not send through one: use an https:// proxy or one on this machine, or list {host} in NO_PROXY"
        ))),
        other => Err(ApiError::Config(format!(
            "{variable} names a {other}:// proxy ({shown}), which wa-groups does not support: use an https:// proxy, or list {host} in NO_PROXY"
        ))),
    }
}

/// A proxy variable's value as a URL: `host:port` alone means `http://host:port`.
fn parse_proxy(value: &str) -> Option<Url> {
    let text = if value.contains("://") {
        value.to_owned()
    } else {
        format!("http://{value}")
    };
    Url::parse(&text).ok().filter(|u| u.host_str().is_some())
}

/// Whether a `NO_PROXY` list covers the target's host (the same rules as the HTTP library's).
fn excluded(target: &Url, list: &str) -> bool {
    // `*` is every host; the library's matcher only applies it to names, not addresses.
    if list.split(',').any(|entry| entry.trim() == "*") {
        return true;
    }
    let Ok(uri) = target.as_str().parse::<hyper::Uri>() else {
        return false;
    };
    Matcher::builder()
        .all("http://proxy.invalid:1")
        .no(list)
        .build()
        .intercept(&uri)
        .is_none()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn choice(target: &str, vars: &[(&str, &str)]) -> Result<ProxyChoice, ApiError> {
        let env: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        choose(&Url::parse(target).expect("url"), |name| {
            env.get(name).cloned()
        })
    }

    fn through(target: &str, vars: &[(&str, &str)]) -> (String, &'static str) {
        match choice(target, vars) {
            Ok(ProxyChoice::Through { url, variable }) => (url.to_string(), variable),
            other => panic!("{target} {vars:?}: {other:?}"),
        }
    }

    #[test]
    fn loopback_is_never_proxied() {
        let every: Vec<(&str, &str)> = HTTPS_VARIABLES
            .iter()
            .chain(&HTTP_VARIABLES)
            .map(|v| (*v, "http://10.0.0.1:3128"))
            .collect();
        for target in [
            "http://127.0.0.1:8080",
            "http://127.5.5.5",
            "http://localhost:9",
            "http://[::1]:80",
            "https://localhost",
            "https://127.0.0.1",
        ] {
            assert_eq!(choice(target, &every).expect(target), ProxyChoice::Direct);
        }
    }

    #[test]
    fn https_follows_the_usual_variables_in_order() {
        let graph = "https://graph.facebook.com";
        assert_eq!(choice(graph, &[]).expect("none"), ProxyChoice::Direct);
        // HTTP_PROXY is for http:// targets only.
        assert_eq!(
            choice(graph, &[("HTTP_PROXY", "https://p:1")]).expect("http only"),
            ProxyChoice::Direct
        );
        for variable in HTTPS_VARIABLES {
            assert_eq!(
                through(graph, &[(variable, "https://proxy.corp:8443")]),
                ("https://proxy.corp:8443/".into(), variable)
            );
        }
        assert_eq!(
            through(
                graph,
                &[
                    ("ALL_PROXY", "https://all:1"),
                    ("HTTPS_PROXY", "https://one:2")
                ]
            ),
            ("https://one:2/".into(), "HTTPS_PROXY")
        );
        // A set but empty variable is as if unset.
        assert_eq!(
            through(
                graph,
                &[("HTTPS_PROXY", " "), ("all_proxy", "https://all:1")]
            )
            .1,
            "all_proxy"
        );
        // A plain-http proxy on this machine (a local agent) is fine.
        assert_eq!(
            through(graph, &[("https_proxy", "127.0.0.1:3128")]),
            ("http://127.0.0.1:3128/".into(), "https_proxy")
        );
    }

    #[test]
    fn a_plain_http_proxy_elsewhere_is_refused_naming_the_variable() {
        let graph = "https://graph.facebook.com";
        for variable in HTTPS_VARIABLES {
            for value in [
                "http://proxy.corp:3128",
                "proxy.corp:3128",
                "http://user:s3cret@10.1.2.3:8080",
                "HTTP://PROXY.CORP",
            ] {
                let err = choice(graph, &[(variable, value)])
                    .expect_err(value)
                    .to_string();
                assert!(
                    err.starts_with(&format!("{variable} names a plain-http proxy")),
                    "{err}"
                );
                assert!(err.contains("NO_PROXY"), "{err}");
                assert!(!err.contains("s3cret") && !err.contains("user"), "{err}");
                assert!(!err.contains('\n'));
            }
        }
        for socks in ["socks5://127.0.0.1:1080", "socks5h://proxy:1080"] {
            let err = choice(graph, &[("ALL_PROXY", socks)])
                .expect_err(socks)
                .to_string();
            assert!(err.contains("ALL_PROXY") && err.contains("socks"), "{err}");
        }
        let err = choice(graph, &[("HTTPS_PROXY", "http://")]).expect_err("no host");
        assert!(
            err.to_string()
                .starts_with("HTTPS_PROXY is not a proxy URL"),
            "{err}"
        );
    }

    #[test]
    fn no_proxy_lists_hosts_domains_ranges_and_everything() {
        let bad = ("HTTPS_PROXY", "http://10.0.0.1:3128");
        for (target, list) in [
            ("https://graph.facebook.com", "graph.facebook.com"),
            ("https://graph.facebook.com", "example.com, .facebook.com"),
            ("https://graph.facebook.com", "facebook.com"),
            ("https://graph.facebook.com", "*"),
            ("https://10.1.2.3", "example.com, *"),
            ("https://10.1.2.3", "10.0.0.0/8"),
            ("https://[2001:db8::1]", "2001:db8::/32"),
        ] {
            for no in NO_PROXY_VARIABLES {
                assert_eq!(
                    choice(target, &[bad, (no, list)]).expect(list),
                    ProxyChoice::Direct,
                    "{target} {no}={list}"
                );
            }
        }
        for (target, list) in [
            ("https://graph.facebook.com", "notfacebook.com"),
            ("https://graph.facebook.com", "example.com"),
            ("https://10.1.2.3", "192.168.0.0/16"),
        ] {
            assert!(
                choice(target, &[bad, ("NO_PROXY", list)]).is_err(),
                "{list}"
            );
        }
    }
}
