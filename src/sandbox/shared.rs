//! Everything the request handlers share: settings, the world, faults, counters, webhooks and
//! randomness.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rand::SeedableRng;

use super::config::{AnswerShapes, Faults, SandboxConfig};
use super::faults::FaultInjector;
use super::ids::{self, SandboxRng};
use super::state::Groups;
use super::stats::Stats;
use super::webhook::{Field, Webhooks};

/// The sandbox's whole state behind short-lived locks (never held across an await).
#[derive(Debug)]
pub struct Shared {
    pub token: String,
    pub phone_number_id: String,
    /// `http://HOST:PORT`, for the `next` links of the group list.
    pub base_url: String,
    pub answer_shapes: AnswerShapes,
    /// Between accepting a create and the group existing.
    pub create_delay: Duration,
    groups: Mutex<Groups>,
    faults: Mutex<FaultInjector>,
    stats: Mutex<Stats>,
    rng: Mutex<SandboxRng>,
    webhooks: Webhooks,
}

/// Locks a mutex, carrying on with the data if another holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    pub fn new(config: &SandboxConfig, base_url: String, webhooks: Webhooks) -> Self {
        Self {
            token: config.token.clone(),
            phone_number_id: config.phone_number_id.clone(),
            base_url,
            answer_shapes: config.answer_shapes,
            create_delay: Duration::from_millis(config.create_delay_ms),
            groups: Mutex::new(Groups::from_seeding(&config.seeding())),
            faults: Mutex::new(FaultInjector::new(Faults::from(config))),
            stats: Mutex::new(Stats::default()),
            rng: Mutex::new(SandboxRng::seed_from_u64(config.seed ^ 0xfa17_5eed)),
            webhooks,
        }
    }

    pub fn groups(&self) -> MutexGuard<'_, Groups> {
        lock(&self.groups)
    }

    pub fn faults(&self) -> MutexGuard<'_, FaultInjector> {
        lock(&self.faults)
    }

    pub fn stats(&self) -> MutexGuard<'_, Stats> {
        lock(&self.stats)
    }

    pub fn rng(&self) -> MutexGuard<'_, SandboxRng> {
        lock(&self.rng)
    }

    /// Queues a webhook item (nothing when webhooks are off).
    pub fn emit(&self, field: Field, item: serde_json::Value) {
        self.webhooks.emit(field, item);
    }

    /// `/_sandbox/stats`: the request counters and the webhook counters.
    pub fn stats_json(&self) -> serde_json::Value {
        let mut v = self.stats().to_json();
        v["webhooks"] = self.webhooks.stats_json();
        v
    }

    /// A random `fbtrace_id` such as `AbCdEf123...`.
    pub fn trace_id(&self) -> String {
        ids::alnum(&mut self.rng(), 23)
    }

    /// A random `request_id` for an accepted change.
    pub fn request_id(&self) -> String {
        ids::alnum(&mut self.rng(), 24)
    }
}
