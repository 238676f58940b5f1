//! Proxies: loopback is never proxied, whatever the environment says; an `https://` base URL
//! follows HTTPS_PROXY / ALL_PROXY / NO_PROXY; a plain-http proxy on another host is refused
//! before the token is read. A fake proxy on loopback records whether it was contacted.

mod common;

use std::sync::{Arc, Mutex};

use common::{UNREAD_GROUP, run_env, sandbox};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A proxy on loopback that records what each connection sent first, then refuses it.
struct FakeProxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl FakeProxy {
    async fn start() -> FakeProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16_384 {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    log.lock()
                        .expect("log")
                        .push(String::from_utf8_lossy(&head).into_owned());
                    let _ = stream
                        .write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
                        .await;
                });
            }
        });
        FakeProxy { url, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("log").clone()
    }
}

const EVERY_VARIABLE: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// A config whose token_command leaves a mark when it runs: the token was read.
fn config_marking_token_reads(home: &std::path::Path) -> (String, std::path::PathBuf) {
    let marker = home.join("token-was-read");
    let config = home.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "token_command = \"touch '{}' && echo the-token\"\n",
            marker.display()
        ),
    )
    .expect("config");
    (config.display().to_string(), marker)
}

#[tokio::test(flavor = "multi_thread")]
async fn loopback_is_never_proxied() {
    let sb = sandbox(3).await;
    let proxy = FakeProxy::start().await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let port = sb
        .base_url()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    for base in [sb.base_url(), format!("http://localhost:{port}")] {
        // The fake proxy on loopback, or a proxy on another host: neither is used.
        for proxy_url in [proxy.url.clone(), "http://10.255.255.1:3128".to_owned()] {
            let mut env = vec![
                ("WA_BASE_URL", base.clone()),
                ("WA_PHONE_NUMBER_ID", sb.phone_number_id().to_string()),
                ("WA_ACCESS_TOKEN", sb.token().to_string()),
            ];
            env.extend(EVERY_VARIABLE.iter().map(|v| (*v, proxy_url.clone())));
            for args in [
                vec!["groups", "list"],
                vec!["groups", "sync"],
                vec!["queue", "add", "--group", UNREAD_GROUP, "+12025550143"],
                vec!["submit", "--yes", "--verify-delay-ms", "0"],
            ] {
                let out = run_env(h, &args, &env).await;
                assert!(
                    out.code == 0 || (args[0] == "submit" && out.code == 1),
                    "{base} {args:?} via {proxy_url}: {}",
                    out.stderr
                );
                assert!(!out.stderr.contains("proxy"), "{}", out.stderr);
            }
        }
    }
    assert!(
        proxy.seen().is_empty(),
        "the proxy was contacted: {:?}",
        proxy.seen()
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plain_http_proxy_elsewhere_is_refused_before_the_token_is_read() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (config, marker) = config_marking_token_reads(h);
    for variable in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        for value in [
            "http://10.255.255.1:3128",
            "proxy.example:3128",
            "http://u:pw@10.1.1.1",
        ] {
            let env = vec![
                ("WA_BASE_URL", "https://0.0.0.0:1".to_string()),
                ("WA_PHONE_NUMBER_ID", "1".to_string()),
                ("WA_GROUPS_CONFIG", config.clone()),
                (variable, value.to_string()),
            ];
            for args in [
                vec!["groups", "list"],
                vec!["participants", "add", "--group", "G1", "+12025550143"],
            ] {
                let out = run_env(h, &args, &env).await;
                assert_eq!(out.code, 2, "{variable}={value}: {}", out.stderr);
                assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
                assert!(
                    out.stderr
                        .contains(&format!("{variable} names a plain-http proxy")),
                    "{}",
                    out.stderr
                );
                assert!(!out.stderr.contains("pw"), "{}", out.stderr);
                assert!(
                    !marker.exists(),
                    "the token was read for {variable}={value}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn https_goes_through_the_usual_variables() {
    let proxy = FakeProxy::start().await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let (config, marker) = config_marking_token_reads(h);
    let base = vec![
        ("WA_BASE_URL", "https://0.0.0.0:1".to_string()),
        ("WA_PHONE_NUMBER_ID", "1".to_string()),
        ("WA_GROUPS_CONFIG", config.clone()),
        ("NO_COLOR", "1".to_string()),
    ];
    let with = |extra: &[(&'static str, String)]| {
        let mut env = base.clone();
        env.extend_from_slice(extra);
        env
    };
    // A proxy on this machine is used for https: it sees the CONNECT line, never the token.
    for variable in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        let before = proxy.seen().len();
        let out = run_env(
            h,
            &["--timeout", "5", "groups", "list"],
            &with(&[(variable, proxy.url.clone())]),
        )
        .await;
        assert_eq!(out.code, 1, "{variable}: {}", out.stderr);
        // Every read is retried by the call policy: the proxy sees one CONNECT per try.
        let seen = proxy.seen();
        assert!(seen.len() > before, "{variable}: {seen:?}");
        for line in &seen[before..] {
            assert!(line.starts_with("CONNECT 0.0.0.0:1 "), "{line}");
            assert!(
                !line.contains("the-token") && !line.contains("Bearer"),
                "{line}"
            );
        }
    }
    assert!(marker.exists(), "an allowed proxy lets the token be read");
    // HTTP_PROXY is for http:// only; NO_PROXY keeps a listed host direct, so a refused
    // proxy is not even looked at.
    for extra in [
        vec![("HTTP_PROXY", "http://10.255.255.1:3128".to_string())],
        vec![
            ("HTTPS_PROXY", "http://10.255.255.1:3128".to_string()),
            ("NO_PROXY", "0.0.0.0".to_string()),
        ],
        vec![
            ("ALL_PROXY", "http://10.255.255.1:3128".to_string()),
            ("no_proxy", "example.com,*".to_string()),
        ],
    ] {
        let before = proxy.seen().len();
        let out = run_env(h, &["--timeout", "5", "groups", "list"], &with(&extra)).await;
        assert_eq!(out.code, 1, "{extra:?}: {}", out.stderr);
        // Direct: the connection is refused, tried again by the call policy, then given up.
        assert!(
            out.stderr.contains("cannot be reached"),
            "{extra:?}: {}",
            out.stderr
        );
        assert_eq!(proxy.seen().len(), before);
    }
}
