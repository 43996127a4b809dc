//! Server time: milliseconds since the Unix epoch (UTC), calendar days and ISO 8601.
//!
//! The service never trusts a client's clock, so this is the only place time comes from
//! ([`now_ms`]); everything else takes the time as a parameter so that tests can pass
//! their own.

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
        let number = |range: std::ops::Range<usize>| -> Option<i64> {
            b[range]
                .iter()
                .try_fold(0i64, |n, &c| c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0')))
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Day(days_from_civil(year, month, day)))
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

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// The instant `ms` as ISO 8601 in UTC with milliseconds: `2025-03-01T12:00:00.000Z`.
pub fn iso_8601(ms: i64) -> String {
    let day = Day::of_ms(ms);
    let in_day = ms - day.start_ms();
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (s, milli) = (rest / 1000, rest % 1000);
    format!("{day}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's algorithms for the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
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
