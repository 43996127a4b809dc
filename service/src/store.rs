//! Storage: one narrow trait, so that a server database can replace the embedded one
//! (for several instances behind a load balancer) without touching the rest.
//!
//! The SQLite implementation is in [`sqlite`]. Whatever the backend, these hold:
//!
//! - [`Store::append`] writes a whole batch and its daily counts atomically and durably,
//!   or nothing; it returns only once the batch survives a crash.
//! - Decisions are kept individually (the proof of consent), each with the services it
//!   granted or refused; `shown` events only as counts.
//! - [`Store::purge`] deletes old decisions with their services and never touches the
//!   daily counts (per category or per service).

pub mod sqlite;

use std::fmt;

use crate::event::{Categories, DecisionKind, Event, Layer, Services};
use crate::lang::Lang;
use crate::stats::Counts;
use crate::time::Day;

/// An event as received: the server's time (UTC milliseconds) and the checked event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamped {
    /// When the server received it.
    pub time_ms: i64,
    /// The event.
    pub event: Event,
}

/// One recorded decision, as a receipt shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// What the visitor did.
    pub kind: DecisionKind,
    /// When the server received it (UTC milliseconds).
    pub time_ms: i64,
    /// The site's name.
    pub site: String,
    /// The banner's language.
    pub lang: Lang,
    /// The site's consent revision.
    pub revision: u16,
    /// The hash of the texts shown.
    pub texts: String,
    /// Which control the decision came from.
    pub layer: Layer,
    /// The categories as decided.
    pub categories: Categories,
    /// The services as decided (format version 2), or `None` for a version 1 decision.
    pub services: Option<Services>,
}

/// Which daily counts to read: a range of days (both included) and optional filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsQuery {
    /// The first day.
    pub from: Day,
    /// The last day.
    pub to: Day,
    /// Only this site, or all.
    pub site: Option<String>,
    /// Only this language, or all.
    pub lang: Option<Lang>,
}

/// The counts of one day, site and language, per service too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyRow {
    /// The day (UTC).
    pub day: Day,
    /// The site's name.
    pub site: String,
    /// The banner's language.
    pub lang: Lang,
    /// What happened.
    pub counts: Counts,
}

/// A storage fault. Its text is for the log, never for a client.
#[derive(Debug)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError(e.to_string())
    }
}

/// The storage of the consent log. Calls block; async code runs them on a blocking thread.
pub trait Store: Send + Sync {
    /// Writes every event of `batch` (decisions with their services) and adds them to
    /// the daily counts, all in one transaction, and returns once that is durable.
    fn append(&self, batch: &[Stamped]) -> Result<(), StoreError>;

    /// Every decision recorded for the consent id `id`, oldest first.
    fn receipt(&self, id: &str) -> Result<Vec<Recorded>, StoreError>;

    /// The daily counts that match `query`, by day, site and language, each with its
    /// counts per service, read at one moment.
    fn stats(&self, query: &StatsQuery) -> Result<Vec<DailyRow>, StoreError>;

    /// Deletes the decisions received before `before_ms` and their services; returns how
    /// many decisions. The daily counts stay.
    fn purge(&self, before_ms: i64) -> Result<u64, StoreError>;
}
