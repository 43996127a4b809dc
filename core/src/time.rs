//! Points in time as the consent record stores them.
//!
//! The core never reads a clock: the edge (`www/edge/`) reads `Date.now()` and
//! passes a [`Timestamp`] in. Stored times are ISO 8601 strings in UTC with
//! milliseconds (`2026-11-23T08:30:00.000Z`), the same text `Date.toISOString`
//! writes, so a person reading the record in developer tools understands it.

use crate::prelude::*;
use core::fmt;

/// Milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

const MS_PER_DAY: u64 = 86_400_000;

impl Timestamp {
    /// The time `Date.now()` gives the edge, a whole, positive number of
    /// milliseconds; anything else (NaN, negative) becomes the epoch, which
    /// no stored record can precede.
    ///
    /// ```
    /// use diffo_consent_core::time::Timestamp;
    /// assert_eq!(Timestamp::from_date_now(1_795_420_800_000.0), Timestamp(1_795_420_800_000));
    /// assert_eq!(Timestamp::from_date_now(f64::NAN), Timestamp(0));
    /// assert_eq!(Timestamp::from_date_now(-5.0), Timestamp(0));
    /// ```
    pub fn from_date_now(ms: f64) -> Timestamp {
        Timestamp(if ms.is_finite() && ms > 0.0 { ms as u64 } else { 0 })
    }

    /// Builds a timestamp from a calendar date and time in UTC, or `None` if
    /// any part is out of range. Years before 1970 or after 9999 are refused.
    pub fn from_parts(year: u32, month: u32, day: u32, hour: u32, min: u32, sec: u32, ms: u32) -> Option<Timestamp> {
        if !(1970..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || min > 59
            || sec > 59
            || ms > 999
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let ms_of_day = ((u64::from(hour) * 60 + u64::from(min)) * 60 + u64::from(sec)) * 1000 + u64::from(ms);
        Some(Timestamp(days * MS_PER_DAY + ms_of_day))
    }

    /// The same time of day `months` calendar months later, with the day
    /// clamped to the end of a shorter month (31 March + 1 month = 30 April,
    /// 29 February + 12 months = 28 February).
    pub fn add_months(self, months: u32) -> Timestamp {
        let (y, m, d) = civil_from_days(self.0 / MS_PER_DAY);
        let ms_of_day = self.0 % MS_PER_DAY;
        let zero_based = (m - 1) + months;
        let year = y + zero_based / 12;
        let month = zero_based % 12 + 1;
        let day = d.min(days_in_month(year, month));
        Timestamp(days_from_civil(year, month, day) * MS_PER_DAY + ms_of_day)
    }

    /// Parses the exact form that [`Timestamp`]'s `Display` writes:
    /// `YYYY-MM-DDTHH:MM:SS.sssZ`. Anything else is `None`.
    ///
    /// ```
    /// use diffo_consent_core::time::Timestamp;
    /// let t = Timestamp::parse_iso("2026-11-23T08:30:00.250Z").unwrap();
    /// assert_eq!(t.to_string(), "2026-11-23T08:30:00.250Z");
    /// assert!(Timestamp::parse_iso("2026-11-23").is_none());
    /// ```
    pub fn parse_iso(text: &str) -> Option<Timestamp> {
        let b = text.as_bytes();
        if b.len() != 24 {
            return None;
        }
        for (i, sep) in [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'.'),
            (23, b'Z'),
        ] {
            if b.get(i) != Some(&sep) {
                return None;
            }
        }
        let num = |from: usize, to: usize| -> Option<u32> {
            b.get(from..to)?
                .iter()
                .try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        Timestamp::from_parts(
            num(0, 4)?,
            num(5, 7)?,
            num(8, 10)?,
            num(11, 13)?,
            num(14, 16)?,
            num(17, 19)?,
            num(20, 23)?,
        )
    }
}

impl Timestamp {
    /// The UTC calendar date: year, month (1 to 12), day.
    pub fn date(self) -> (u32, u32, u32) {
        civil_from_days(self.0 / MS_PER_DAY)
    }

    /// The ISO 8601 form that [`Timestamp::parse_iso`] reads back.
    pub fn to_iso(self) -> String {
        // The digits and separators are ASCII.
        String::from(core::str::from_utf8(&self.iso_bytes()).unwrap_or_default())
    }

    /// [`Timestamp::to_iso`] without allocating: `YYYY-MM-DDTHH:MM:SS.mmmZ`,
    /// for the first-visit module, which has no allocator.
    pub fn iso_bytes(self) -> [u8; 24] {
        let (y, mo, d) = civil_from_days(self.0 / MS_PER_DAY);
        let ms = self.0 % MS_PER_DAY;
        let mut out = *b"0000-00-00T00:00:00.000Z";
        // Each field's value and the index just past its last digit.
        for (mut value, end) in [
            (u64::from(y), 4),
            (u64::from(mo), 7),
            (u64::from(d), 10),
            (ms / 3_600_000, 13),
            (ms / 60_000 % 60, 16),
            (ms / 1000 % 60, 19),
            (ms % 1000, 23),
        ] {
            let mut at = end;
            while value > 0 && at > 0 {
                at -= 1;
                if let Some(digit) = out.get_mut(at) {
                    *digit = b'0' + (value % 10) as u8;
                }
                value /= 10;
            }
        }
        out
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso())
    }
}

fn is_leap(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a date on or after it (Howard Hinnant's
/// `days_from_civil`, restricted to unsigned arithmetic).
fn days_from_civil(year: u32, month: u32, day: u32) -> u64 {
    let y = u64::from(if month <= 2 { year - 1 } else { year });
    let era = y / 400;
    let yoe = y - era * 400;
    let m = u64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + u64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: u64) -> (u32, u32, u32) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    // Every value fits: years stay below 10 000 for any timestamp we make.
    (year as u32, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_iso(text).unwrap_or_else(|| panic!("bad fixture {text}"))
    }

    #[test]
    fn formats_known_instants() {
        for (ms, text) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_795_420_800_123, "2026-11-23T08:00:00.123Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ] {
            assert_eq!(Timestamp(ms).to_string(), text);
            assert_eq!(Timestamp::parse_iso(text), Some(Timestamp(ms)), "{text}");
        }
    }

    #[test]
    fn round_trips_every_day_for_sixty_years() {
        for day in 0..(60 * 366) {
            let t = Timestamp(day * MS_PER_DAY + 12_345_678);
            assert_eq!(Timestamp::parse_iso(&t.to_string()), Some(t));
        }
    }

    #[test]
    fn refuses_anything_but_the_exact_form() {
        for text in [
            "",
            "2026-11-23",
            "2026-11-23T08:00:00Z",
            "2026-11-23T08:00:00.000+00:00",
            "2026-11-23 08:00:00.000Z",
            "2026-13-01T00:00:00.000Z",
            "2026-02-29T00:00:00.000Z",
            "2026-04-31T00:00:00.000Z",
            "2026-11-00T00:00:00.000Z",
            "2026-11-23T24:00:00.000Z",
            "2026-11-23T08:60:00.000Z",
            "1969-12-31T23:59:59.999Z",
            "+026-11-23T08:00:00.000Z",
            "2026-11-23T08:00:00.00aZ",
            "２026-11-23T08:00:00.000Z",
        ] {
            assert_eq!(Timestamp::parse_iso(text), None, "{text:?}");
        }
    }

    #[test]
    fn adds_calendar_months_clamping_the_day() {
        for (from, months, to) in [
            ("2026-11-23T08:00:00.000Z", 12, "2027-11-23T08:00:00.000Z"),
            ("2026-01-31T10:00:00.000Z", 1, "2026-02-28T10:00:00.000Z"),
            ("2028-01-31T10:00:00.000Z", 1, "2028-02-29T10:00:00.000Z"),
            ("2028-02-29T23:59:59.999Z", 12, "2029-02-28T23:59:59.999Z"),
            ("2026-03-31T00:00:00.000Z", 1, "2026-04-30T00:00:00.000Z"),
            ("2026-12-15T00:00:00.000Z", 1, "2027-01-15T00:00:00.000Z"),
            ("2026-06-01T00:00:00.000Z", 0, "2026-06-01T00:00:00.000Z"),
            ("2026-06-01T00:00:00.000Z", 25, "2028-07-01T00:00:00.000Z"),
        ] {
            assert_eq!(at(from).add_months(months), at(to), "{from} + {months}");
        }
    }
}
