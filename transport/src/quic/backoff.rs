//! Capped exponential backoff with jitter, for reconnecting to the server.
//!
//! Jitter matters here: when the server restarts, every replica of a fleet loses its connection
//! at the same instant, and without jitter they would all come back in lockstep.

use std::time::Duration;

/// Delays for successive reconnection attempts: `initial`, then ×`multiplier` per failure up to
/// `max`, each spread by ±`jitter` (a fraction) and never above `max`.
#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    multiplier: f64,
    jitter: f64,
    next_base: Duration,
    attempts: u32,
}

impl Default for Backoff {
    /// 200 ms doubling to 30 s, ±20 %.
    fn default() -> Self {
        Self::new(Duration::from_millis(200), Duration::from_secs(30))
    }
}

impl Backoff {
    /// Doubling from `initial` to `max` with ±20 % jitter.
    pub fn new(initial: Duration, max: Duration) -> Self {
        let initial = initial.min(max);
        Self { initial, max, multiplier: 2.0, jitter: 0.2, next_base: initial, attempts: 0 }
    }

    /// Changes the growth factor (clamped to at least 1).
    pub fn with_multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = if multiplier.is_finite() { multiplier.max(1.0) } else { 2.0 };
        self
    }

    /// Changes the jitter fraction (clamped to 0..=1).
    pub fn with_jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.2 };
        self
    }

    /// The delay before the next attempt; advances the schedule.
    pub fn next_delay(&mut self) -> Duration {
        self.attempts = self.attempts.saturating_add(1);
        let base = self.next_base;
        self.next_base = base.mul_f64(self.multiplier).min(self.max);
        let spread = 1.0 + self.jitter * (2.0 * fastrand::f64() - 1.0);
        base.mul_f64(spread).min(self.max)
    }

    /// Back to `initial`, after a connection that proved healthy.
    pub fn reset(&mut self) {
        self.next_base = self.initial;
        self.attempts = 0;
    }

    /// Delays handed out since the last reset.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_geometrically_then_stays_at_the_cap() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1)).with_jitter(0.0);
        let delays: Vec<u128> = (0..7).map(|_| backoff.next_delay().as_millis()).collect();
        assert_eq!(delays, vec![100, 200, 400, 800, 1000, 1000, 1000]);
        assert_eq!(backoff.attempts(), 7);
        backoff.reset();
        assert_eq!(backoff.next_delay(), Duration::from_millis(100));
    }

    #[test]
    fn jitter_spreads_delays_within_bounds_and_never_past_the_cap() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let mut backoff = Backoff::new(Duration::from_millis(1000), Duration::from_millis(1100));
            let first = backoff.next_delay();
            assert!(first >= Duration::from_millis(800) && first <= Duration::from_millis(1100), "{first:?}");
            seen.insert(first.as_millis());
            let second = backoff.next_delay();
            assert!(second <= Duration::from_millis(1100), "{second:?}");
        }
        assert!(seen.len() > 20, "jitter produces varied delays ({} distinct)", seen.len());
    }
}
