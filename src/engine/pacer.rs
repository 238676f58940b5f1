//! The shared pace of one account's requests: a rate limiter (governor) that every request
//! waits on, slowed and paused when the server throttles, and recovering gradually.

use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// How fast requests may start, adapted to what the server tolerates.
pub struct Pacer {
    configured: Option<f64>,
    state: Mutex<State>,
}

struct State {
    limiter: Option<Arc<DefaultDirectRateLimiter>>,
    /// The rate now in force (requests per second); `None`: no limit.
    rate: Option<f64>,
    paused_until: Option<Instant>,
    last_change: Instant,
    /// The rate that was getting through when the server last throttled: below it the rate
    /// grows fast, near it slowly.
    throttled_at: Option<f64>,
    /// When recent requests got an answer other than a throttle (the last two seconds).
    successes: VecDeque<Instant>,
}

/// Above this many requests per second a recovering limit that was never configured is lifted.
const UNLIMITED_ABOVE: f64 = 2000.0;

fn limiter(rate: f64) -> Option<Arc<DefaultDirectRateLimiter>> {
    let period = Duration::from_secs_f64(1.0 / rate.max(0.01));
    let quota = Quota::with_period(period)?.allow_burst(NonZeroU32::MIN);
    Some(Arc::new(RateLimiter::direct(quota)))
}

impl Pacer {
    /// `rate`: the most requests per second the operator allows; `None` for no limit of ours.
    pub fn new(rate: Option<f64>) -> Pacer {
        let rate = rate.filter(|r| r.is_finite() && *r > 0.0);
        Pacer {
            configured: rate,
            state: Mutex::new(State {
                limiter: rate.and_then(limiter),
                rate,
                paused_until: None,
                last_change: Instant::now(),
                throttled_at: None,
                successes: VecDeque::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until a request may start.
    pub async fn acquire(&self) {
        loop {
            let (pause, limiter) = {
                let s = self.lock();
                (s.paused_until, s.limiter.clone())
            };
            if let Some(until) = pause {
                let now = Instant::now();
                if until > now {
                    tokio::time::sleep(until - now).await;
                    continue;
                }
            }
            if let Some(limiter) = limiter {
                limiter.until_ready().await;
            }
            // A throttle may have paused everything while we waited for the limiter.
            if self.lock().paused_until.is_none_or(|u| u <= Instant::now()) {
                return;
            }
        }
    }

    /// A request was answered without a throttle: once a second without a throttle the rate
    /// grows, by a quarter while well below the rate the server last tolerated, then by a
    /// hundredth of it (at least 0.5/s), up to what is configured.
    pub fn on_success(&self) {
        let now = Instant::now();
        let mut s = self.lock();
        s.successes.push_back(now);
        while s
            .successes
            .front()
            .is_some_and(|t| now.duration_since(*t) > Duration::from_secs(2))
        {
            s.successes.pop_front();
        }
        let Some(rate) = s.rate else { return };
        if now.duration_since(s.last_change) < Duration::from_secs(1) {
            return;
        }
        let ceiling = self.configured.unwrap_or(f64::INFINITY);
        if rate >= ceiling {
            return;
        }
        let tolerated = s.throttled_at.unwrap_or(f64::INFINITY);
        let next = if rate < 0.8 * tolerated {
            rate * 1.25
        } else {
            rate + (tolerated * 0.01).max(0.5)
        }
        .min(ceiling);
        s.last_change = now;
        if self.configured.is_none() && next > UNLIMITED_ABOVE {
            s.rate = None;
            s.limiter = None;
        } else {
            s.rate = Some(next);
            s.limiter = limiter(next);
        }
    }

    /// The server throttled: lower the rate below what was getting through, and when the
    /// server said how long to wait (`Retry-After`, the business use case estimate), hold every
    /// request that long.
    pub fn on_throttle(&self, asked: Option<Duration>) {
        let now = Instant::now();
        let mut s = self.lock();
        if let Some(wait) = asked {
            let until = now + wait;
            if s.paused_until.is_none_or(|u| u < until) {
                s.paused_until = Some(until);
            }
        }
        // Only one cut per second: the throttles of one burst count once.
        if now.duration_since(s.last_change) < Duration::from_millis(1000) && s.rate.is_some() {
            return;
        }
        // What got through over the last second (or since the first answer, if sooner).
        let window_start = now - Duration::from_secs(1);
        let recent: Vec<Instant> = s
            .successes
            .iter()
            .copied()
            .filter(|t| *t >= window_start)
            .collect();
        let span = recent
            .first()
            .map(|first| now.duration_since(*first))
            .unwrap_or(Duration::from_secs(1))
            .clamp(Duration::from_millis(100), Duration::from_secs(1));
        let got_through = recent.len() as f64 / span.as_secs_f64();
        let current = s.rate.unwrap_or(f64::INFINITY);
        let tolerated = got_through.min(current).max(1.0);
        s.throttled_at = Some(tolerated);
        let next = (tolerated * 0.9).max(1.0);
        s.rate = Some(next);
        s.limiter = limiter(next);
        s.last_change = now;
    }

    /// The rate now in force, for the status line.
    pub fn current_rate(&self) -> Option<f64> {
        self.lock().rate
    }

    /// How long every request is held back by a throttle, if at all.
    pub fn paused_for(&self) -> Option<Duration> {
        let until = self.lock().paused_until?;
        until.checked_duration_since(Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_throttle_lowers_the_rate_below_what_got_through() {
        let pacer = Pacer::new(None);
        pacer.on_throttle(None);
        assert!(pacer.paused_for().is_none(), "no wait asked, no pause");
        for _ in 0..40 {
            pacer.on_success();
        }
        pacer.on_throttle(Some(Duration::from_millis(10)));
        let rate = pacer.current_rate().expect("limited now");
        // 40 answers within a few microseconds count over the 100 ms floor: 400/s got through.
        assert!((1.0..=360.1).contains(&rate), "{rate}");
        assert!(pacer.paused_for().is_some());
        pacer.acquire().await;
        assert!(pacer.paused_for().is_none());
    }

    #[test]
    fn the_configured_rate_is_the_ceiling() {
        let pacer = Pacer::new(Some(5.0));
        assert_eq!(pacer.current_rate(), Some(5.0));
        pacer.on_success();
        assert_eq!(pacer.current_rate(), Some(5.0));
    }
}
