//! A per-client rate limit that keeps no address.
//!
//! Clients are told apart by a keyed hash of their address (an IPv6 address by its /64
//! network, which one subscriber usually has whole). The key is random, lives only in
//! this process's memory and is replaced every hour, together with every count, so the
//! hashes cannot be linked to addresses or across hours. Nothing of it is written or
//! logged.
//!
//! Each client has a token bucket: `per_minute` requests at once, refilled at
//! `per_minute` a minute. Memory is bounded: when [`MAX_CLIENTS`] are tracked, clients
//! idle long enough to be full again are forgotten, and if that is not enough, all are.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use blake2::{Blake2s256, Digest};

/// The most clients tracked at once.
pub const MAX_CLIENTS: usize = 100_000;

/// How long one hashing key is used.
pub const KEY_LIFETIME: Duration = Duration::from_secs(3600);

/// The rate limiter.
pub struct RateLimiter {
    per_minute: u64,
    state: Mutex<State>,
}

struct State {
    key: [u8; 32],
    key_since: Instant,
    buckets: HashMap<u64, Bucket>,
}

struct Bucket {
    /// Thousandths of a request.
    milli: u64,
    at: Instant,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests a minute per client (at least 1).
    pub fn new(per_minute: u32, now: Instant) -> RateLimiter {
        RateLimiter {
            per_minute: u64::from(per_minute.max(1)),
            state: Mutex::new(State {
                key: random_key(),
                key_since: now,
                buckets: HashMap::new(),
            }),
        }
    }

    /// Takes one request of `client` at `now`: `Ok` if allowed, else the seconds to wait.
    pub fn check(&self, client: &str, now: Instant) -> Result<(), u64> {
        let full = self.per_minute * 1000;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if now.saturating_duration_since(state.key_since) >= KEY_LIFETIME {
            state.key = random_key();
            state.key_since = now;
            state.buckets.clear();
        }
        let id = client_hash(&state.key, client);
        if state.buckets.len() >= MAX_CLIENTS && !state.buckets.contains_key(&id) {
            let per_minute = self.per_minute;
            state
                .buckets
                .retain(|_, bucket| refilled(bucket, now, per_minute) < full);
            if state.buckets.len() >= MAX_CLIENTS {
                state.buckets.clear();
            }
        }
        let per_minute = self.per_minute;
        let bucket = state.buckets.entry(id).or_insert(Bucket { milli: full, at: now });
        bucket.milli = refilled(bucket, now, per_minute).min(full);
        bucket.at = now;
        if bucket.milli >= 1000 {
            bucket.milli -= 1000;
            Ok(())
        } else {
            // Milli-requests come back at `per_minute` a minute, so one whole request
            // takes (1000 - milli) * 60 / per_minute milliseconds.
            let wait_ms = (1000 - bucket.milli) * 60 / per_minute;
            Err(wait_ms.div_ceil(1000).max(1))
        }
    }

    /// How many clients are tracked (for tests).
    pub fn tracked(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).buckets.len()
    }
}

fn refilled(bucket: &Bucket, now: Instant, per_minute: u64) -> u64 {
    let elapsed_ms = u64::try_from(now.saturating_duration_since(bucket.at).as_millis()).unwrap_or(u64::MAX);
    bucket.milli.saturating_add(elapsed_ms.saturating_mul(per_minute) / 60)
}

fn random_key() -> [u8; 32] {
    let mut key = [0; 32];
    getrandom::fill(&mut key).expect("the operating system's random source failed");
    key
}

fn client_hash(key: &[u8; 32], client: &str) -> u64 {
    let mut hasher = Blake2s256::new();
    hasher.update(key);
    match client.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => hasher.update(&v6.octets()[..8]),
        Ok(IpAddr::V6(v6)) => hasher.update(v6.octets()),
        Ok(IpAddr::V4(v4)) => hasher.update(v4.to_ipv6_mapped().octets()),
        Err(_) => hasher.update(client.as_bytes()),
    }
    let digest = hasher.finalize();
    let mut first = [0; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_budget_then_waits() {
        let t0 = Instant::now();
        let limiter = RateLimiter::new(3, t0);
        for _ in 0..3 {
            assert_eq!(limiter.check("192.0.2.1", t0), Ok(()));
        }
        assert_eq!(limiter.check("192.0.2.1", t0), Err(20));
        // Another client is not affected.
        assert_eq!(limiter.check("192.0.2.2", t0), Ok(()));
        // One request comes back every 20 seconds.
        assert_eq!(limiter.check("192.0.2.1", t0 + Duration::from_secs(19)), Err(1));
        assert_eq!(limiter.check("192.0.2.1", t0 + Duration::from_secs(20)), Ok(()));
        assert_eq!(limiter.check("192.0.2.1", t0 + Duration::from_secs(20)), Err(20));
        // A long pause refills only up to the budget.
        let later = t0 + Duration::from_secs(600);
        for _ in 0..3 {
            assert_eq!(limiter.check("192.0.2.1", later), Ok(()));
        }
        assert!(limiter.check("192.0.2.1", later).is_err());
    }

    #[test]
    fn ipv6_clients_are_their_64_networks() {
        let t0 = Instant::now();
        let limiter = RateLimiter::new(1, t0);
        assert_eq!(limiter.check("2001:db8:1:2::1", t0), Ok(()));
        assert_eq!(limiter.check("2001:db8:1:2:ffff::9", t0), Err(60));
        assert_eq!(limiter.check("2001:db8:1:3::1", t0), Ok(()));
        // An IPv4 address is the same client written either way.
        assert_eq!(limiter.check("198.51.100.7", t0), Ok(()));
        assert!(limiter.check("::ffff:198.51.100.7", t0).is_err());
    }

    #[test]
    fn memory_is_bounded_and_keys_rotate() {
        let t0 = Instant::now();
        let limiter = RateLimiter::new(1, t0);
        for i in 0..MAX_CLIENTS {
            let _ = limiter.check(&format!("client-{i}"), t0);
        }
        assert_eq!(limiter.tracked(), MAX_CLIENTS);
        // All are still waiting for a refill, so all are forgotten for the newcomer.
        assert_eq!(limiter.check("newcomer", t0), Ok(()));
        assert_eq!(limiter.tracked(), 1);
        assert!(limiter.check("newcomer", t0).is_err());
        // A new key forgets everyone.
        assert_eq!(limiter.check("newcomer", t0 + KEY_LIFETIME), Ok(()));
        assert_eq!(limiter.tracked(), 1);
    }
}
