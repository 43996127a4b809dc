//! Retention: decisions older than `retention_days` are deleted, on start and hourly.
//! The daily counts are kept for good: they hold no consent id.

use std::sync::Arc;
use std::time::Duration;

use crate::store::{Store, StoreError};
use crate::time::{now_ms, DAY_MS};

/// How often the purge runs.
pub const INTERVAL: Duration = Duration::from_secs(3600);

/// The instant before which decisions are deleted, for a retention of `days` at `now_ms`.
pub fn cutoff(now_ms: i64, days: u32) -> i64 {
    now_ms - i64::from(days) * DAY_MS
}

/// Deletes what the retention of `days` no longer covers at `now_ms`; returns how many
/// decisions were deleted.
pub fn purge(store: &dyn Store, now_ms: i64, days: u32) -> Result<u64, StoreError> {
    store.purge(cutoff(now_ms, days))
}

/// Purges every [`INTERVAL`], forever (the first time at once). Failures are logged and
/// tried again at the next interval.
pub async fn run(store: Arc<dyn Store>, days: u32) {
    let mut ticks = tokio::time::interval(INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let store = store.clone();
        match tokio::task::spawn_blocking(move || purge(store.as_ref(), now_ms(), days)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!("retention: deleted {n} decisions older than {days} days"),
            Ok(Err(e)) => tracing::error!("retention: the purge failed: {e}"),
            Err(e) => tracing::error!("retention: the purge task failed: {e}"),
        }
    }
}
