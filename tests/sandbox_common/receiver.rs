//! A webhook receiver on loopback that records every POST, an HMAC check written apart from the
//! sandbox's, and a sandbox wired to send to the receiver.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use wa_groups::sandbox::{AppSecret, Sandbox, SandboxConfig, WebhookConfig};

use super::{DEADLINE, start};

/// The app secret the test sandboxes sign with.
pub const SECRET: &str = "test-app-secret-5d1c";

/// `sha256=<hex>` of `body` keyed with `secret`, computed here, apart from the sandbox.
pub fn expected_signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// One POST the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub signature: Option<String>,
    pub content_type: Option<String>,
    pub body: Bytes,
    /// The status it was answered with.
    pub answered: u16,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Default)]
struct Inbox {
    got: Mutex<Vec<Received>>,
    arrived: Notify,
    /// POSTs still to be answered 500.
    fail_first: AtomicUsize,
    /// When set, each POST waits for a permit before it is answered.
    gate: Option<Arc<Semaphore>>,
}

/// A webhook receiver on loopback that records every POST.
#[derive(Clone)]
pub struct Receiver {
    inbox: Arc<Inbox>,
    pub url: String,
    pub port: u16,
}

impl Receiver {
    /// Answers 500 to the first `fail_first` POSTs, 200 to the rest.
    pub async fn start(fail_first: usize) -> Receiver {
        Self::start_with(
            fail_first,
            None,
            TcpListener::bind("127.0.0.1:0").await.expect("bind"),
        )
        .await
    }

    /// Holds every POST until `gate` gives a permit.
    pub async fn gated(gate: Arc<Semaphore>) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        Self::start_with(0, Some(gate), listener).await
    }

    /// On a given listener (to come up on a port the sandbox already sends to).
    pub async fn start_with(
        fail_first: usize,
        gate: Option<Arc<Semaphore>>,
        listener: TcpListener,
    ) -> Receiver {
        let port = listener.local_addr().expect("addr").port();
        let inbox = Arc::new(Inbox {
            fail_first: AtomicUsize::new(fail_first),
            gate,
            ..Inbox::default()
        });
        let state = inbox.clone();
        let app = axum::Router::new().route(
            "/webhook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let inbox = state.clone();
                async move {
                    if let Some(gate) = &inbox.gate {
                        gate.acquire().await.expect("gate open").forget();
                    }
                    let fail = inbox
                        .fail_first
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                    let status = if fail {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    };
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned)
                    };
                    let received = Received {
                        signature: header("x-hub-signature-256"),
                        content_type: header("content-type"),
                        body,
                        answered: status.as_u16(),
                    };
                    inbox.got.lock().expect("inbox").push(received);
                    inbox.arrived.notify_waiters();
                    status
                }
            }),
        );
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            inbox,
            url: format!("http://127.0.0.1:{port}/webhook"),
            port,
        }
    }

    /// Every POST so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.inbox.got.lock().expect("inbox").clone()
    }

    /// The items of `groups[]` of every acknowledged POST, with their field, in arrival order.
    pub fn items(&self) -> Vec<(String, Value)> {
        let mut items = Vec::new();
        for r in self.received().iter().filter(|r| r.answered == 200) {
            let v = r.json();
            let change = &v["entry"][0]["changes"][0];
            let field = change["field"].as_str().unwrap_or("").to_owned();
            for item in change["value"]["groups"].as_array().into_iter().flatten() {
                items.push((field.clone(), item.clone()));
            }
        }
        items
    }

    /// Waits until `check` holds on what was received, failing at the deadline.
    pub async fn wait_for(&self, what: &str, check: impl Fn(&[Received]) -> bool) {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let arrived = self.inbox.arrived.notified();
            if check(&self.received()) {
                return;
            }
            let timed_out = tokio::time::timeout_at(deadline, arrived).await.is_err();
            assert!(
                !timed_out || check(&self.received()),
                "waited too long for {what}: got {} POSTs",
                self.received().len()
            );
            if timed_out {
                return;
            }
        }
    }

    /// Waits until an acknowledged item satisfies `pick`, and returns it.
    pub async fn item(&self, what: &str, pick: impl Fn(&str, &Value) -> bool) -> Value {
        let found = |items: &[(String, Value)]| {
            items
                .iter()
                .find(|(f, v)| pick(f, v))
                .map(|(_, v)| v.clone())
        };
        self.wait_for(what, |_| found(&self.items()).is_some())
            .await;
        found(&self.items()).unwrap_or(Value::Null)
    }
}

/// Webhook settings that send to `receiver` signed with `secret`.
pub fn webhooks_to(receiver: &Receiver, secret: &str) -> Box<WebhookConfig> {
    Box::new(WebhookConfig {
        webhook_url: Some(receiver.url.parse().expect("url")),
        app_secret: Some(AppSecret::new(secret).expect("secret")),
        webhook_retry_ms: 20,
        ..WebhookConfig::default()
    })
}

/// A sandbox (no groups, creates at once) that sends its webhooks to `receiver`.
pub async fn sandbox_to(receiver: &Receiver, tweak: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let mut config = SandboxConfig {
        groups: 0,
        approval_rate: 0.0,
        create_delay_ms: 0,
        webhook: webhooks_to(receiver, SECRET),
        ..SandboxConfig::default()
    };
    tweak(&mut config);
    start(config).await
}

/// Picks items of one `type`.
pub fn is_type(kind: &'static str) -> impl Fn(&str, &Value) -> bool {
    move |_, v| v["type"] == kind
}
/// Every POST is signed over its exact bytes and wrapped as Meta wraps it.
pub fn check_envelopes(received: &[Received], sb: &Sandbox) {
    assert!(!received.is_empty());
    for r in received {
        let signature = r.signature.as_deref().unwrap_or_default();
        assert_eq!(signature, expected_signature(SECRET, &r.body), "signature");
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
        let v = r.json();
        assert_eq!(v["object"], "whatsapp_business_account", "{v}");
        assert_eq!(v["entry"][0]["id"], "200000000000001");
        let value = &v["entry"][0]["changes"][0]["value"];
        assert_eq!(value["messaging_product"], "whatsapp");
        assert_eq!(value["metadata"]["phone_number_id"], sb.phone_number_id());
        assert!(value["metadata"]["display_phone_number"].is_string());
        for item in value["groups"].as_array().expect("groups[]") {
            let ts = item["timestamp"].as_str().unwrap_or_default();
            assert!(
                !ts.is_empty() && ts.bytes().all(|b| b.is_ascii_digit()),
                "{item}"
            );
            assert!(item["type"].is_string(), "{item}");
        }
    }
}
