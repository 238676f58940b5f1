//! End-to-end tests of the sandbox over real sockets, with a tiny raw HTTP/1.1 client: the
//! harness here, the tests by theme beside it.

mod faults;
mod participants;
mod reads;

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{Sandbox, SandboxConfig, start};

pub(super) const V: &str = "v23.0";

#[derive(Debug)]
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: String,
}

impl Reply {
    pub(super) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Writes `request` on a fresh connection and returns every byte until the server closes it.
pub(super) async fn exchange(addr: SocketAddr, request: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("write request");
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut chunk = [0u8; 8192];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "server neither answered nor closed");
    buf
}

pub(super) fn request(method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> String {
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n");
    if let Some(token) = token {
        text.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if let Some(body) = body {
        text.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    text.push_str("\r\n");
    text.push_str(body.unwrap_or(""));
    text
}

pub(super) fn parse(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .expect("a complete HTTP response");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

pub(super) async fn call(sandbox: &Sandbox, method: &str, path: &str, body: Option<&str>) -> Reply {
    let raw = exchange(
        sandbox.addr(),
        &request(method, path, Some(sandbox.token()), body),
    )
    .await;
    parse(&raw)
}

pub(super) fn users(list: &[&str]) -> String {
    let items: Vec<Value> = list.iter().map(|u| json!({"user": u})).collect();
    json!({"messaging_product": "whatsapp", "participants": items}).to_string()
}

pub(super) async fn add(sandbox: &Sandbox, group: &str, list: &[&str]) -> Reply {
    let path = format!("/{V}/{group}/participants");
    call(sandbox, "POST", &path, Some(&users(list))).await
}

pub(super) async fn remove(sandbox: &Sandbox, group: &str, list: &[&str]) -> Reply {
    let path = format!("/{V}/{group}/participants");
    call(sandbox, "DELETE", &path, Some(&users(list))).await
}

pub(super) async fn sandbox_with(groups: usize) -> Sandbox {
    start(SandboxConfig {
        groups,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

pub(super) fn assert_graph_error(reply: &Reply, status: u16, code: u64) {
    assert_eq!(reply.status, status, "{reply:?}");
    let v = reply.json();
    assert_eq!(v["error"]["code"], code, "{reply:?}");
    assert_eq!(v["error"]["type"], "OAuthException");
    let trace = v["error"]["fbtrace_id"].as_str().unwrap_or("");
    assert!(trace.len() > 10 && trace.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(reply.header("content-type"), Some("application/json"));
}
