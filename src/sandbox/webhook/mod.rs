//! The sandbox's webhooks: group events in Meta's envelope, signed, delivered in the background
//! with retries (and, on request, duplicated, reordered and delayed).

pub mod events;
mod sender;
mod settings;
mod sign;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub use settings::{AppSecret, WebhookConfig};
pub use sign::{Business, Field};

/// Counters of the webhook side, served under `webhooks` in `/_sandbox/stats`.
#[derive(Debug, Default)]
pub struct WebhookStats {
    /// Group events handed to the sender (items of `groups[]`).
    pub events: AtomicU64,
    /// POSTs made: first attempts, retries and chaos copies.
    pub sent: AtomicU64,
    /// POSTs that were a retry of a failed one.
    pub retried: AtomicU64,
    /// POSTs answered 2xx.
    pub acknowledged: AtomicU64,
    /// POSTs answered otherwise, or not answered.
    pub failed: AtomicU64,
    /// Deliveries given up after the last attempt.
    pub abandoned: AtomicU64,
    /// Deliveries sent twice, held behind the next one, or delayed (chaos).
    pub duplicated: AtomicU64,
    pub reordered: AtomicU64,
    pub delayed: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl WebhookStats {
    pub fn to_json(&self) -> Value {
        let n = |c: &AtomicU64| c.load(Ordering::Relaxed);
        json!({
            "events": n(&self.events),
            "sent": n(&self.sent),
            "retried": n(&self.retried),
            "acknowledged": n(&self.acknowledged),
            "failed": n(&self.failed),
            "abandoned": n(&self.abandoned),
            "duplicated": n(&self.duplicated),
            "reordered": n(&self.reordered),
            "delayed": n(&self.delayed),
        })
    }
}

/// One group event on its way.
#[derive(Debug)]
struct Event {
    field: Field,
    item: Value,
}

/// The handle the handlers emit events through; does nothing when webhooks are off.
#[derive(Debug)]
pub struct Webhooks {
    queue: Option<mpsc::UnboundedSender<Event>>,
    stats: Arc<WebhookStats>,
}

impl Webhooks {
    /// Starts the sender task when `config` names a URL and a secret (it stops with
    /// `shutdown`); an error when the settings are inconsistent.
    pub fn start(
        config: &WebhookConfig,
        phone_number_id: &str,
        seed: u64,
        shutdown: CancellationToken,
    ) -> Result<Webhooks, String> {
        let stats = Arc::new(WebhookStats::default());
        let Some((url, secret)) = config.target()? else {
            return Ok(Webhooks { queue: None, stats });
        };
        let business = Business {
            waba_id: config.waba_id.clone(),
            phone_number_id: phone_number_id.to_owned(),
            display_phone_number: config.display_phone_number.clone(),
        };
        let (queue, events) = mpsc::unbounded_channel();
        let sender = sender::Sender::new(sender::SenderSettings {
            url,
            secret,
            business,
            attempts: config.webhook_attempts.max(1),
            first_retry: std::time::Duration::from_millis(config.webhook_retry_ms),
            chaos: config.webhook_chaos,
            seed,
            stats: stats.clone(),
            shutdown,
        })?;
        tokio::spawn(sender.run(events));
        Ok(Webhooks {
            queue: Some(queue),
            stats,
        })
    }

    /// Queues one item of `groups[]` for `field`; returns at once.
    pub fn emit(&self, field: Field, item: Value) {
        if let Some(queue) = &self.queue
            && queue.send(Event { field, item }).is_ok()
        {
            bump(&self.stats.events);
        }
    }

    pub fn stats_json(&self) -> Value {
        self.stats.to_json()
    }
}
