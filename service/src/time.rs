//! Server time: milliseconds since the Unix epoch (UTC), calendar days and ISO 8601.
//!
//! The service never trusts a client's clock, so this is the only place time comes from
//! ([`now_ms`]); everything else takes the time as a parameter so that tests can pass
//! their own. The calendar is the core's ([`Timestamp`]), the banner's own.

use diffo_consent_core::time::Timestamp;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// The server's current time, in milliseconds since the Unix epoch (UTC).
pub fn now_ms() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX),
        // A clock before 1970 is broken; the epoch is the least wrong answer.
        Err(_) => 0,
    }
}

/// A calendar day in UTC, as the number of days since 1970-01-01.
///
/// Its text form is `YYYY-MM-DD`, which also sorts in time order, so the database keeps
/// days as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl Day {
    /// The day (UTC) that contains the instant `ms`.
    pub fn of_ms(ms: i64) -> Day {
        Day(ms.div_euclid(DAY_MS))
    }

    /// Reads `YYYY-MM-DD` exactly (a real date between 1970 and 9999), or `None`.
    pub fn parse(text: &str) -> Option<Day> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            b[range]
                .iter()
                .try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        let start = Timestamp::from_parts(number(0..4)?, number(5..7)?, number(8..10)?, 0, 0, 0, 0)?;
        i64::try_from(start.0).ok().map(Day::of_ms)
    }

    /// The day `n` days later (or earlier, for a negative `n`).
    pub fn plus(self, n: i64) -> Day {
        Day(self.0 + n)
    }

    /// The instant this day starts, in milliseconds since the epoch.
    pub fn start_ms(self) -> i64 {
        self.0 * DAY_MS
    }
}

/// `YYYY-MM-DD`. (Days before 1970 are written as 1970-01-01: the service has none, its
/// clock stops at the epoch.)
impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = instant(self.start_ms()).date();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// The instant `ms` as ISO 8601 in UTC with milliseconds: `2025-03-01T12:00:00.000Z`
/// (before 1970: the epoch).
pub fn iso_8601(ms: i64) -> String {
    instant(ms).to_iso()
}

fn instant(ms: i64) -> Timestamp {
    Timestamp(u64::try_from(ms).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_reject_non_dates() {
        for text in ["1970-01-01", "2000-02-29", "2024-12-31", "2025-03-01", "9999-12-31"] {
            assert_eq!(Day::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Day::parse("1970-01-02"), Some(Day(1)));
        for bad in [
            "",
            "2025-1-01",
            "2025-02-29",
            "2100-02-29",
            "2025-13-01",
            "2025-00-10",
            "1969-12-31",
            "2025/01/01",
            "2025-01-01 ",
            "+025-01-01",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn instants_format_as_utc() {
        assert_eq!(iso_8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_8601(1_740_830_400_123), "2025-03-01T12:00:00.123Z");
        assert_eq!(Day::of_ms(1_740_830_400_123).to_string(), "2025-03-01");
        assert_eq!(Day::of_ms(-1), Day(-1));
    }
}
