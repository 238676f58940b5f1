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
    /// When the rate last changed (grew or was cut).
    last_change: Instant,
    /// When the server last throttled: the rate grows only after a quiet second.
    last_throttle: Option<Instant>,
    /// When the rate was last cut: at most one cut a second.
    last_cut: Option<Instant>,
    /// The rate that was getting through when the server last throttled: below it the rate
    /// grows fast, near it slowly.
    throttled_at: Option<f64>,
    /// How much the rate grows at the next step while below that rate: it doubles at every
    /// step without a throttle, and starts small again after one.
    step: f64,
    /// When recent requests got an answer other than a throttle (the last two seconds).
    successes: VecDeque<Instant>,
    /// When recent requests were let go (the last second).
    starts: VecDeque<Instant>,
    /// When the first answer came: before a whole second of answers, what got through says
    /// little about the server's limit.
    first_answer: Option<Instant>,
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
                last_throttle: None,
                last_cut: None,
                throttled_at: None,
                step: 0.5,
                successes: VecDeque::new(),
                starts: VecDeque::new(),
                first_answer: None,
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
            if let Some(limiter) = &limiter {
                limiter.until_ready().await;
            }
            // A throttle may have paused everything, or changed the rate, while we waited
            // for the limiter: a request let go by the rate before a cut would go out faster
            // than the server was just found to allow, so it waits again at the new rate.
            let mut s = self.lock();
            let now = Instant::now();
            let same_rate = match (&limiter, &s.limiter) {
                (Some(waited), Some(now_in_force)) => Arc::ptr_eq(waited, now_in_force),
                (None, None) => true,
                (Some(_), None) => true,
                (None, Some(_)) => false,
            };
            if same_rate && s.paused_until.is_none_or(|u| u <= now) {
                s.starts.push_back(now);
                while s
                    .starts
                    .front()
                    .is_some_and(|t| now.duration_since(*t) > Duration::from_secs(1))
                {
                    s.starts.pop_front();
                }
                return;
            }
        }
    }

    /// A request was answered without a throttle: once a second without a throttle the rate
    /// grows, by doubling steps while well below the rate the server last tolerated, then by a
    /// hundredth of it (at least 0.5/s) up to that rate, then by doubling steps again (the
    /// rate was measured low), up to what is configured; before any throttle measured that
    /// rate, it doubles.
    pub fn on_success(&self) {
        let now = Instant::now();
        let mut s = self.lock();
        s.first_answer.get_or_insert(now);
        s.successes.push_back(now);
        while s
            .successes
            .front()
            .is_some_and(|t| now.duration_since(*t) > Duration::from_secs(2))
        {
            s.successes.pop_front();
        }
        let Some(rate) = s.rate else { return };
        let quiet = s
            .last_throttle
            .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1));
        if !quiet || now.duration_since(s.last_change) < Duration::from_secs(1) {
            return;
        }
        let ceiling = self.configured.unwrap_or(f64::INFINITY);
        if rate >= ceiling {
            return;
        }
        let next = match s.throttled_at {
            // Well below what the server last tolerated: steps that double, up to just under it.
            Some(tolerated) if rate < 0.95 * tolerated => {
                let next = (rate + s.step).min((0.95 * tolerated).max(rate + 0.5));
                s.step *= 2.0;
                if next >= 0.95 * tolerated {
                    s.step = (tolerated * 0.01).max(0.5);
                }
                next
            }
            // Near it: a slow probe, a hundredth of it (at least 0.5/s) per second.
            Some(tolerated) if rate < tolerated => rate + (tolerated * 0.01).max(0.5),
            // Past it with no throttle: it was measured low (a second that was still
            // ramping up), so the probe grows by doubling steps until a throttle measures
            // it again.
            Some(_) => {
                let next = rate + s.step;
                s.step *= 2.0;
                next
            }
            // No measure of the server's limit yet (only a young run's throttle, which says
            // that a burst was too much, not what rate is): double, as a slow start does,
            // until a throttle measures it.
            None => rate * 2.0,
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
        s.last_throttle = Some(now);
        // Only one cut per second: the throttles of one burst count once.
        if s.last_cut
            .is_some_and(|t| now.duration_since(t) < Duration::from_secs(1))
        {
            return;
        }
        s.last_cut = Some(now);
        let current = s.rate.unwrap_or(f64::INFINITY);
        let young = s
            .first_answer
            .is_none_or(|t| now.duration_since(t) < Duration::from_secs(1));
        let next = if young {
            // Less than a second of answers: halve what is being sent and measure again.
            (s.starts.len() as f64 * 0.5).min(current).max(1.0)
        } else {
            // What got through over the last second.
            let window_start = now - Duration::from_secs(1);
            let got_through = s.successes.iter().filter(|t| **t >= window_start).count() as f64;
            let tolerated = got_through.min(current).max(1.0);
            s.throttled_at = Some(tolerated);
            s.step = (tolerated * 0.01).max(0.5);
            (tolerated * 0.9).max(1.0)
        };
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
        let fresh = Pacer::new(None);
        fresh.on_throttle(None);
        assert!(fresh.paused_for().is_none(), "no wait asked, no pause");
        let pacer = Pacer::new(None);
        // A run older than a second whose last second let 40 answers through.
        {
            let mut s = pacer.lock();
            let now = Instant::now();
            s.first_answer = Some(now - Duration::from_secs(5));
            s.last_change = now - Duration::from_secs(5);
            s.successes = (0..40)
                .map(|i| now - Duration::from_millis(i * 20))
                .collect();
        }
        pacer.on_throttle(Some(Duration::from_millis(10)));
        let rate = pacer.current_rate().expect("limited now");
        assert!((35.9..=36.1).contains(&rate), "{rate}");
        assert!(pacer.paused_for().is_some());
        pacer.acquire().await;
        assert!(pacer.paused_for().is_none());
    }

    /// The rates after `seconds` quiet seconds, from `rate` with the server's limit measured
    /// at `tolerated` and the next growth step `step`.
    fn rates_after(tolerated: f64, rate: f64, step: f64, seconds: usize) -> Vec<f64> {
        let pacer = Pacer::new(None);
        {
            let mut s = pacer.lock();
            s.throttled_at = Some(tolerated);
            s.rate = Some(rate);
            s.step = step;
        }
        (0..seconds)
            .map(|_| {
                quiet_second(&pacer);
                pacer.on_success();
                pacer.current_rate().expect("limited")
            })
            .collect()
    }

    /// Makes the last change of the rate two seconds old, as after quiet seconds.
    fn quiet_second(pacer: &Pacer) {
        pacer.lock().last_change = Instant::now() - Duration::from_secs(2);
    }

    #[test]
    fn past_the_measured_limit_the_rate_grows_in_doubling_steps() {
        assert_eq!(rates_after(40.0, 40.0, 0.5, 4), [40.5, 41.5, 43.5, 47.5]);
    }

    #[test]
    fn near_the_measured_limit_the_rate_grows_by_a_hundredth_of_it() {
        // Doubling steps up to 95% of it, then 1 a second up to it.
        assert_eq!(
            rates_after(100.0, 90.0, 1.0, 5),
            [91.0, 93.0, 95.0, 96.0, 97.0]
        );
    }

    #[test]
    fn before_any_limit_is_measured_the_rate_doubles() {
        let pacer = Pacer::new(None);
        pacer.lock().rate = Some(8.0);
        quiet_second(&pacer);
        pacer.on_success();
        assert_eq!(pacer.current_rate(), Some(16.0));
    }

    #[test]
    fn the_configured_rate_is_the_ceiling() {
        let pacer = Pacer::new(Some(5.0));
        assert_eq!(pacer.current_rate(), Some(5.0));
        pacer.on_success();
        assert_eq!(pacer.current_rate(), Some(5.0));
    }
}
