//! Fault injection: delay, rate limit, throttles, server failures and dropped connections.

use std::time::{Duration, Instant};

use rand::RngExt;

use super::config::Faults;
use super::ids::SandboxRng;

/// When a dropped connection is closed, relative to applying the change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropWhen {
    BeforeApplying,
    AfterApplying,
}

/// What happens to one request after its delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Served normally, or served then dropped, or dropped unserved.
    Serve(Option<DropWhen>),
    /// 429 / 131208 from the shared rate limiter.
    RateLimited,
    /// 429 / 131208 by chance (`throttle_rate`).
    Throttled,
    /// 503 JSON, code 2, transient.
    Unavailable,
    /// 502 with an HTML page.
    BadGateway,
    /// Held with no answer (before or after applying) until the client gives up.
    Stall(DropWhen),
}

/// A token bucket of `rate` per second holding up to `capacity` tokens.
#[derive(Debug)]
struct Bucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn new(rate: f64) -> Self {
        let capacity = (rate / 10.0).max(1.0);
        Self {
            rate,
            capacity,
            tokens: capacity,
            last: Instant::now(),
        }
    }

    fn try_take(&mut self) -> bool {
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The current fault settings and the rate limiter that goes with them.
#[derive(Debug)]
pub struct FaultInjector {
    faults: Faults,
    bucket: Option<Bucket>,
}

fn probability(p: f64) -> f64 {
    if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) }
}

fn chance(rng: &mut SandboxRng, p: f64) -> bool {
    let p = probability(p);
    p > 0.0 && rng.random::<f64>() < p
}

impl FaultInjector {
    pub fn new(faults: Faults) -> Self {
        let bucket = faults
            .rate_limit
            .filter(|r| r.is_finite() && *r > 0.0)
            .map(Bucket::new);
        Self { faults, bucket }
    }

    /// Replaces the settings; the rate limiter starts afresh.
    pub fn set(&mut self, faults: Faults) {
        *self = Self::new(faults);
    }

    /// `latency_ms` plus a uniform 0..=`jitter_ms`.
    pub fn delay(&self, rng: &mut SandboxRng) -> Duration {
        let jitter = match self.faults.jitter_ms {
            0 => 0,
            j => rng.random_range(0..=j),
        };
        Duration::from_millis(self.faults.latency_ms.saturating_add(jitter))
    }

    /// How long a write waits, once applied, before it is answered.
    pub fn answer_delay(&self) -> Duration {
        Duration::from_millis(self.faults.answer_delay_ms)
    }

    /// Whether faults spare this request (a read, when they hit writes only).
    pub fn spares(&self, method: &axum::http::Method) -> bool {
        self.faults.writes_only && method == axum::http::Method::GET
    }

    /// Decides the fate of one request: rate limit, then throttle, then failure, then drop.
    pub fn decide(&mut self, rng: &mut SandboxRng) -> Verdict {
        if let Some(bucket) = &mut self.bucket
            && !bucket.try_take()
        {
            return Verdict::RateLimited;
        }
        if chance(rng, self.faults.throttle_rate) {
            return Verdict::Throttled;
        }
        if chance(rng, self.faults.fail_rate) {
            return if rng.random::<bool>() {
                Verdict::Unavailable
            } else {
                Verdict::BadGateway
            };
        }
        if chance(rng, self.faults.stall_rate) {
            return Verdict::Stall(if rng.random::<bool>() {
                DropWhen::BeforeApplying
            } else {
                DropWhen::AfterApplying
            });
        }
        if chance(rng, self.faults.drop_rate) {
            return Verdict::Serve(Some(if rng.random::<bool>() {
                DropWhen::BeforeApplying
            } else {
                DropWhen::AfterApplying
            }));
        }
        Verdict::Serve(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn no_faults_serves_everything() {
        let mut rng = SandboxRng::seed_from_u64(1);
        let mut f = FaultInjector::new(Faults::default());
        for _ in 0..100 {
            assert_eq!(f.decide(&mut rng), Verdict::Serve(None));
        }
        assert_eq!(f.delay(&mut rng), Duration::ZERO);
    }

    #[test]
    fn odd_values_do_not_panic() {
        let mut rng = SandboxRng::seed_from_u64(1);
        let mut f = FaultInjector::new(Faults {
            latency_ms: u64::MAX,
            jitter_ms: u64::MAX,
            answer_delay_ms: u64::MAX,
            fail_rate: f64::NAN,
            throttle_rate: -3.0,
            rate_limit: Some(f64::NAN),
            drop_rate: 7.0,
            stall_rate: f64::NAN,
            writes_only: false,
        });
        assert!(matches!(f.decide(&mut rng), Verdict::Serve(Some(_))));
        let _ = f.delay(&mut rng);
        let _ = f.answer_delay();
        f.set(Faults {
            rate_limit: Some(-1.0),
            ..Faults::default()
        });
        assert_eq!(f.decide(&mut rng), Verdict::Serve(None));
    }

    #[test]
    fn bucket_allows_a_burst_then_limits() {
        let mut rng = SandboxRng::seed_from_u64(1);
        let mut f = FaultInjector::new(Faults {
            rate_limit: Some(50.0),
            ..Faults::default()
        });
        let served = (0..40)
            .filter(|_| f.decide(&mut rng) == Verdict::Serve(None))
            .count();
        assert!((5..=7).contains(&served), "{served}");
        let mut both = FaultInjector::new(Faults {
            fail_rate: 1.0,
            ..Faults::default()
        });
        let verdicts: Vec<Verdict> = (0..50).map(|_| both.decide(&mut rng)).collect();
        assert!(verdicts.contains(&Verdict::Unavailable));
        assert!(verdicts.contains(&Verdict::BadGateway));
    }
}
