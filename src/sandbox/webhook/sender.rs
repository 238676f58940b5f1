//! Delivery: batches of events signed and POSTed in order; a failed POST is retried in the
//! background with back-off, and chaos duplicates, holds back or delays some deliveries.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use rand::{RngExt, SeedableRng};
use reqwest::header;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::settings::AppSecret;
use super::sign::{Business, Field, envelope, signature};
use super::{Event, WebhookStats, bump};
use crate::sandbox::ids::SandboxRng;

/// Most items of one field put in one delivery when they are waiting together.
const MAX_BATCH: usize = 4;
/// Longest back-off between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long a held-back delivery waits for a next one to overtake it.
const HOLD_AT_MOST: Duration = Duration::from_millis(500);

/// What the sender needs.
pub struct SenderSettings {
    pub url: Url,
    pub secret: AppSecret,
    pub business: Business,
    pub attempts: u32,
    pub first_retry: Duration,
    pub chaos: f64,
    pub seed: u64,
    pub stats: Arc<WebhookStats>,
    pub shutdown: CancellationToken,
}

/// One signed body.
#[derive(Clone)]
struct Delivery {
    body: Arc<Vec<u8>>,
    signature: String,
}

/// What chaos does to one delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Chaos {
    Duplicate,
    Hold,
    Delay,
}

/// Posts deliveries; cheap to clone into retry and chaos tasks.
#[derive(Clone)]
struct Poster {
    http: reqwest::Client,
    url: Url,
    attempts: u32,
    first_retry: Duration,
    stats: Arc<WebhookStats>,
    shutdown: CancellationToken,
}

pub struct Sender {
    poster: Poster,
    secret: AppSecret,
    business: Business,
    chaos: f64,
    rng: SandboxRng,
}

impl Sender {
    pub fn new(settings: SenderSettings) -> Result<Sender, String> {
        // One process-wide TLS provider, for https:// receivers; a second install is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent("facebookexternalua")
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .tls_backend_rustls()
            .build()
            .map_err(|e| format!("cannot set up the webhook sender: {e}"))?;
        Ok(Sender {
            poster: Poster {
                http,
                url: settings.url,
                attempts: settings.attempts,
                first_retry: settings.first_retry,
                stats: settings.stats,
                shutdown: settings.shutdown,
            },
            secret: settings.secret,
            business: settings.business,
            chaos: settings.chaos,
            rng: SandboxRng::seed_from_u64(settings.seed ^ 0x0eb0_0c5c_4a05),
        })
    }

    /// Sends every event that comes, until the queue closes or the sandbox stops.
    pub async fn run(mut self, mut events: mpsc::UnboundedReceiver<Event>) {
        let shutdown = self.poster.shutdown.clone();
        let mut waiting: VecDeque<Event> = VecDeque::new();
        let mut held: Option<Delivery> = None;
        loop {
            if waiting.is_empty() {
                let next = tokio::select! {
                    () = shutdown.cancelled() => return,
                    event = events.recv() => event,
                    () = tokio::time::sleep(HOLD_AT_MOST), if held.is_some() => {
                        if let Some(d) = held.take() {
                            self.poster.deliver(d).await;
                        }
                        continue;
                    }
                };
                match next {
                    Some(event) => waiting.push_back(event),
                    None => break,
                }
            }
            while let Ok(event) = events.try_recv() {
                waiting.push_back(event);
            }
            let delivery = self.next_delivery(&mut waiting);
            match self.chaos_for_next() {
                Some(Chaos::Hold) => {
                    bump(&self.poster.stats.reordered);
                    if let Some(earlier) = held.replace(delivery) {
                        self.poster.deliver(earlier).await;
                    }
                    continue;
                }
                Some(Chaos::Delay) => {
                    bump(&self.poster.stats.delayed);
                    let wait = Duration::from_millis(self.rng.random_range(50..=800));
                    self.poster.clone().later(delivery, wait);
                }
                Some(Chaos::Duplicate) => {
                    bump(&self.poster.stats.duplicated);
                    let wait = Duration::from_millis(self.rng.random_range(10..=300));
                    self.poster.clone().later(delivery.clone(), wait);
                    self.poster.deliver(delivery).await;
                }
                None => self.poster.deliver(delivery).await,
            }
            if let Some(earlier) = held.take() {
                self.poster.deliver(earlier).await;
            }
        }
        if let Some(earlier) = held.take() {
            self.poster.deliver(earlier).await;
        }
    }

    /// The leading events of one field (up to `MAX_BATCH`), enveloped and signed.
    fn next_delivery(&self, waiting: &mut VecDeque<Event>) -> Delivery {
        let mut items = Vec::new();
        let mut field = Field::Lifecycle;
        while let Some(event) = waiting.front() {
            if !items.is_empty() && (event.field != field || items.len() == MAX_BATCH) {
                break;
            }
            if let Some(event) = waiting.pop_front() {
                field = event.field;
                items.push(event.item);
            }
        }
        let body = envelope(&self.business, field, items)
            .to_string()
            .into_bytes();
        let signature = signature(&self.secret, &body);
        Delivery {
            body: Arc::new(body),
            signature,
        }
    }

    fn chaos_for_next(&mut self) -> Option<Chaos> {
        let share = if self.chaos.is_nan() {
            0.0
        } else {
            self.chaos.clamp(0.0, 1.0)
        };
        if share == 0.0 || self.rng.random::<f64>() >= share {
            return None;
        }
        Some(match self.rng.random_range(0..3u8) {
            0 => Chaos::Duplicate,
            1 => Chaos::Hold,
            _ => Chaos::Delay,
        })
    }
}

impl Poster {
    /// One POST; true when answered 2xx.
    async fn post(&self, delivery: &Delivery) -> bool {
        bump(&self.stats.sent);
        let request = self
            .http
            .post(self.url.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header("X-Hub-Signature-256", &delivery.signature)
            .body(delivery.body.as_ref().clone());
        let ok = match request.send().await {
            Ok(answer) => answer.status().is_success(),
            Err(error) => {
                tracing::debug!(error = %error.without_url(), "sandbox webhook: not delivered");
                false
            }
        };
        bump(if ok {
            &self.stats.acknowledged
        } else {
            &self.stats.failed
        });
        ok
    }

    /// Posts now; on failure the retries go on in the background.
    async fn deliver(&self, delivery: Delivery) {
        if !self.post(&delivery).await {
            let poster = self.clone();
            tokio::spawn(async move {
                tokio::select! {
                    () = poster.shutdown.cancelled() => {}
                    () = poster.retry(delivery) => {}
                }
            });
        }
    }

    /// Attempts 2 to `attempts`, each after a doubling back-off.
    async fn retry(&self, delivery: Delivery) {
        let mut wait = self.first_retry;
        for _ in 1..self.attempts {
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(MAX_BACKOFF);
            bump(&self.stats.retried);
            if self.post(&delivery).await {
                return;
            }
        }
        bump(&self.stats.abandoned);
        tracing::warn!(url = %self.url, "sandbox webhook: delivery abandoned after retries");
    }

    /// Posts after `wait`, in the background (with retries).
    fn later(self, delivery: Delivery, wait: Duration) {
        tokio::spawn(async move {
            tokio::select! {
                () = self.shutdown.cancelled() => {}
                () = async {
                    tokio::time::sleep(wait).await;
                    self.deliver(delivery).await;
                } => {}
            }
        });
    }
}
