//! What is sent over what: TLS certificates are verified, and plain http is for loopback only.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};
use wa_groups::api::{AccessToken, ApiError, Client, ClientSettings};

/// A test CA (its key was thrown away) and a `localhost` certificate it signed.
const CA: &[u8] = include_bytes!("fixtures/test-ca.pem");
const CERT: &[u8] = include_bytes!("fixtures/localhost-cert.pem");
const KEY: &[u8] = include_bytes!("fixtures/localhost-key.pem");

/// A TLS server on loopback with a certificate for `localhost` from an unknown CA, answering every
/// request with a valid group info.
async fn tls_server() -> u16 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let certs = vec![CertificateDer::from_pem_slice(CERT).expect("cert")];
    let key = PrivateKeyDer::from_pem_slice(KEY).expect("key");
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server config");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let body = r#"{"id":"g","participants":[],"total_participant_count":0}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let port = tls_server().await;
    // The server is a working TLS server: a client that trusts its certificate gets through.
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(CA).expect("ca"))
        .expect("root");
    let trusting = TlsConnector::from(Arc::new(
        rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    ));
    let tcp = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let name = ServerName::try_from("localhost").expect("name");
    let handshake = trusting.connect(name, tcp).await;
    assert!(handshake.is_ok(), "the test server works: {handshake:?}");

    // Ours does not trust it: the system's roots decide, and nothing is read.
    let token = AccessToken::new("secret-token").expect("token");
    let settings = ClientSettings::new(&format!("https://localhost:{port}"), "v23.0", token, "1")
        .expect("settings");
    let err = Client::new(settings)
        .expect("client")
        .group_info("g")
        .await
        .expect_err("certificate refused");
    let text = err.to_string();
    assert!(matches!(err, ApiError::Connect { .. }), "{err:?}");
    assert!(text.to_lowercase().contains("certificate"), "{text}");
    assert!(!text.contains("secret-token"));
}

#[test]
fn plain_http_is_refused_for_anything_but_loopback() {
    for url in [
        "http://graph.facebook.com",
        "http://192.168.1.10:8080",
        "http://[2001:db8::1]",
    ] {
        let token = AccessToken::new("t").expect("token");
        let err = ClientSettings::new(url, "v23.0", token, "1").expect_err(url);
        assert!(err.to_string().contains("refusing plain http://"), "{err}");
    }
    for url in ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"] {
        let token = AccessToken::new("t").expect("token");
        assert!(
            ClientSettings::new(url, "v23.0", token, "1").is_ok(),
            "{url}"
        );
    }
}
