//! Harness of the sandbox tests: the sandbox over plain HTTP (reqwest, not the tool's client),
//! a webhook receiver on loopback, an HMAC check written apart from the sandbox's, and waits on
//! conditions with deadlines.

#![allow(dead_code)]

mod receiver;

#[allow(unused_imports)]
pub use receiver::*;

use std::future::Future;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use serde_json::Value;
use wa_groups::sandbox::{self, Sandbox, SandboxConfig};

pub const V: &str = "v23.0";
/// How long any wait in these tests may take before it fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

pub async fn start(config: SandboxConfig) -> Sandbox {
    sandbox::start(config).await.expect("sandbox starts")
}

/// A sandbox of `groups` plain groups (no approval groups), creates done at once.
pub async fn plain(groups: usize) -> Sandbox {
    start(SandboxConfig {
        groups,
        approval_rate: 0.0,
        create_delay_ms: 0,
        ..SandboxConfig::default()
    })
    .await
}

/// One answer: status, headers and body (as JSON when it is JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    /// Asserts a Graph error envelope with this status and code.
    pub fn graph_error(&self, status: u16, code: u64) -> &Self {
        assert_eq!(self.status, status, "{self:?}");
        let v = self.json();
        assert_eq!(v["error"]["code"], code, "{self:?}");
        assert_eq!(v["error"]["type"], "OAuthException", "{self:?}");
        assert!(v["error"]["fbtrace_id"].is_string(), "{self:?}");
        self
    }
}

/// The sandbox's Graph API and hooks over HTTP.
pub struct Api {
    http: reqwest::Client,
    pub base: String,
    token: String,
}

impl Api {
    pub fn new(sb: &Sandbox) -> Api {
        // reqwest is built without a default TLS provider; plain HTTP still needs one set.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Api {
            http: reqwest::Client::new(),
            base: sb.base_url(),
            token: sb.token().to_owned(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let answer = request.send().await.expect("the sandbox answers");
        let status = answer.status().as_u16();
        let headers = answer.headers().clone();
        let text = answer.text().await.expect("a body");
        Reply {
            status,
            headers,
            text,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{V}/{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.http.get(self.url(path)).bearer_auth(&self.token))
            .await
    }

    /// `method` with a JSON body.
    pub async fn json(&self, method: &str, path: &str, body: &Value) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let request = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body.to_string());
        self.send(request).await
    }

    /// `POST` with a raw body and content type (multipart uploads).
    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
        let request = self
            .http
            .post(self.url(path))
            .bearer_auth(&self.token)
            .header("content-type", content_type)
            .body(body);
        self.send(request).await
    }

    /// A `/_sandbox/` hook (no token).
    pub async fn hook(&self, name: &str, body: &Value) -> Reply {
        let request = self
            .http
            .post(format!("{}/_sandbox/{name}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        self.send(request).await
    }

    pub async fn stats(&self) -> Value {
        let request = self.http.get(format!("{}/_sandbox/stats", self.base));
        self.send(request).await.json()
    }
}

/// `{"messaging_product":"whatsapp", ...fields}`.
pub fn body(fields: Value) -> Value {
    let mut v = serde_json::json!({"messaging_product": "whatsapp"});
    if let (Some(v), Value::Object(fields)) = (v.as_object_mut(), fields) {
        v.extend(fields);
    }
    v
}

/// Creates a group over HTTP (`asked`: the create body) and waits until it exists; returns its
/// id and the create's `request_id`.
pub async fn create_group(api: &Api, sb: &Sandbox, asked: &Value) -> (String, String) {
    let reply = api
        .json("POST", &format!("{}/groups", sb.phone_number_id()), asked)
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let request_id = reply.json()["request_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    wait_until("the created group", || async {
        sb.group_for_request(&request_id).is_some()
    })
    .await;
    let id = sb.group_for_request(&request_id).unwrap_or_default();
    (id, request_id)
}

/// Creates an `approval_required` group; returns its id.
pub async fn create_approval_group(api: &Api, sb: &Sandbox, subject: &str) -> String {
    let asked = body(serde_json::json!({
        "subject": subject,
        "join_approval_mode": "approval_required",
    }));
    create_group(api, sb, &asked).await.0
}

/// Waits until `check` holds, failing the test at the deadline.
pub async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < DEADLINE, "waited too long for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A multipart/form-data body of text parts and one file part; returns (content type, body).
pub fn multipart(texts: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "sandboxtestboundary7MA4YWxk";
    let mut out = Vec::new();
    for (name, value) in texts {
        out.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, content_type, bytes)) = file {
        out.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"photo.jpg\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend(bytes);
        out.extend(b"\r\n");
    }
    out.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), out)
}
