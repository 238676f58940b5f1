//! Delays between attempts: exponential with jitter, capped, and never shorter than the
//! server asked for.

use std::time::Duration;

use rand::RngExt;

/// The most we wait between two attempts of our own accord.
pub const CAP: Duration = Duration::from_secs(60);

/// The delay before attempt `attempt + 1` (attempt counts from 1): `base * 2^(attempt-1)`,
/// capped at 60 s, with up to a quarter of it added as jitter; at least `asked` when the server
/// said how long to wait.
pub fn delay(base: Duration, attempt: u32, asked: Option<Duration>) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(CAP);
    let jitter = capped.mul_f64(rand::rng().random_range(0.0..0.25));
    let ours = (capped + jitter).min(CAP);
    match asked {
        Some(asked) => ours.max(asked),
        None => ours,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps_and_honours_the_server() {
        let base = Duration::from_millis(500);
        let first = delay(base, 1, None);
        assert!(first >= base && first <= base.mul_f64(1.25));
        let fourth = delay(base, 4, None);
        assert!(fourth >= Duration::from_secs(4));
        assert!(delay(base, 30, None) <= CAP);
        assert_eq!(
            delay(base, 1, Some(Duration::from_secs(300))),
            Duration::from_secs(300)
        );
    }
}
