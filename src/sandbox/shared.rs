//! Everything the request handlers share: settings, groups, faults, counters and randomness.

use std::sync::{Mutex, MutexGuard};

use rand::SeedableRng;

use super::config::{Faults, SandboxConfig};
use super::faults::FaultInjector;
use super::ids::{self, SandboxRng};
use super::state::Groups;
use super::stats::Stats;

/// The sandbox's whole state behind short-lived locks (never held across an await).
#[derive(Debug)]
pub struct Shared {
    pub token: String,
    pub phone_number_id: String,
    /// `http://HOST:PORT`, for the `next` links of the group list.
    pub base_url: String,
    groups: Mutex<Groups>,
    faults: Mutex<FaultInjector>,
    stats: Mutex<Stats>,
    rng: Mutex<SandboxRng>,
}

/// Locks a mutex, carrying on with the data if another holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    pub fn new(config: &SandboxConfig, base_url: String) -> Self {
        Self {
            token: config.token.clone(),
            phone_number_id: config.phone_number_id.clone(),
            base_url,
            groups: Mutex::new(Groups::seeded(
                &config.phone_number_id,
                config.groups,
                config.seed,
            )),
            faults: Mutex::new(FaultInjector::new(Faults::from(config))),
            stats: Mutex::new(Stats::default()),
            rng: Mutex::new(SandboxRng::seed_from_u64(config.seed ^ 0xfa17_5eed)),
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

    /// A random `fbtrace_id` such as `AbCdEf123...`.
    pub fn trace_id(&self) -> String {
        ids::alnum(&mut self.rng(), 23)
    }

    /// A random `request_id` for an accepted change.
    pub fn request_id(&self) -> String {
        ids::alnum(&mut self.rng(), 24)
    }
}
