//! Per-account request-rate limits: a token bucket per account, refilled continuously at the
//! configured rate up to the burst size; a request that finds the bucket empty is refused.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// A rate limit: sustained requests per second and the burst allowed above it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Tokens added per second.
    pub per_second: f64,
    /// The bucket's size: requests that may arrive at once after a quiet spell.
    pub burst: f64,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// Token buckets, one per account.
#[derive(Debug)]
pub struct Throttle {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Throttle {
    /// Buckets that start full.
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token from `account`'s bucket at time `now`; false when it is empty.
    pub fn admit(&self, account: &str, now: Instant) -> bool {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let limit = self.limit;
        let bucket = match buckets.get_mut(account) {
            Some(bucket) => bucket,
            None => buckets.entry(account.to_owned()).or_insert(Bucket {
                tokens: limit.burst,
                refilled: now,
            }),
        };
        let elapsed = now.saturating_duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * limit.per_second).min(limit.burst);
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn admits_the_burst_then_the_rate_per_account() {
        let throttle = Throttle::new(RateLimit {
            per_second: 10.0,
            burst: 3.0,
        });
        let start = Instant::now();
        assert!((0..3).all(|_| throttle.admit("a", start)));
        assert!(!throttle.admit("a", start));
        assert!(
            throttle.admit("b", start),
            "accounts have their own buckets"
        );
        assert!(!throttle.admit("a", start + Duration::from_millis(50)));
        assert!(throttle.admit("a", start + Duration::from_millis(150)));
        assert!(!throttle.admit("a", start + Duration::from_millis(150)));
        let later = start + Duration::from_secs(60);
        assert_eq!((0..10).filter(|_| throttle.admit("a", later)).count(), 3);
    }
}
