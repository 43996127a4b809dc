//! Whether a stored decision still holds, or the visitor must be asked again.

use crate::config::{SiteConfig, MAX_LIFETIME_MONTHS};
use crate::num;
use crate::prelude::*;
use crate::record::{parse_stored, ConsentRecord, FormatError};
use crate::time::Timestamp;
use core::fmt;

/// How far in the future a stored time may be before the record is treated
/// as tampered with. Clocks drift; five minutes forgives that and no more.
pub const CLOCK_SKEW_MS: u64 = 5 * 60 * 1000;

/// The outcome of [`assess`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The decision holds: apply it without asking.
    Valid(ConsentRecord),
    /// Ask the visitor, for this reason.
    Ask(AskReason),
}

/// Why the visitor has to be asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AskReason {
    /// Nothing stored: a first visit, or storage was cleared.
    Missing,
    /// The stored text is not a record this code can read.
    Unreadable(FormatError),
    /// The decision is older than the consent lifetime.
    Expired,
    /// The visitor decided on an earlier policy revision.
    OlderRevision {
        /// The revision in the record.
        stored: u32,
        /// The site's revision now.
        current: u32,
    },
    /// The record names a revision the site has not published: tampered
    /// with, or the site rolled its revision back. Either way, ask.
    UnknownRevision {
        /// The revision in the record.
        stored: u32,
        /// The site's revision now.
        current: u32,
    },
    /// The record's times contradict each other or the clock.
    Inconsistent(&'static str),
}

impl AskReason {
    /// Whether this reason points at a damaged or tampered record, which the
    /// glue reports as a console warning, rather than at a normal event
    /// (first visit, expiry, new policy).
    pub fn is_damage(&self) -> bool {
        matches!(
            self,
            AskReason::Unreadable(_) | AskReason::UnknownRevision { .. } | AskReason::Inconsistent(_)
        )
    }
}

impl AskReason {
    /// The reason in a few words, for the console.
    pub fn message(&self) -> String {
        let n = |v: &u32| num::decimal(i64::from(*v));
        match self {
            AskReason::Missing => "no stored decision".to_string(),
            AskReason::Unreadable(e) => ["the stored decision is unreadable (", &e.message(), ")"].concat(),
            AskReason::Expired => "the stored decision has expired".to_string(),
            AskReason::OlderRevision { stored, current } => [
                "the policy changed since the decision (revision ",
                &n(stored),
                ", now ",
                &n(current),
                ")",
            ]
            .concat(),
            AskReason::UnknownRevision { stored, current } => [
                "the stored decision names revision ",
                &n(stored),
                ", but the site is at ",
                &n(current),
            ]
            .concat(),
            AskReason::Inconsistent(what) => ["the stored decision is inconsistent (", what, ")"].concat(),
        }
    }
}

impl fmt::Display for AskReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Decides whether `stored` (the text under the storage key, if any) still
/// holds at `now` for the site described by `config`.
///
/// A record holds when it parses in a known format version, is of the
/// current policy revision, its times are in order and not in the future,
/// and neither its own expiry nor the site's consent lifetime has passed.
pub fn assess(stored: Option<&str>, now: Timestamp, config: &SiteConfig) -> Verdict {
    let Some(text) = stored else {
        return Verdict::Ask(AskReason::Missing);
    };
    let record = match parse_stored(text) {
        Ok(r) => r,
        Err(e) => return Verdict::Ask(AskReason::Unreadable(e)),
    };
    match check(&record, now, config) {
        Some(reason) => Verdict::Ask(reason),
        None => Verdict::Valid(record),
    }
}

fn check(r: &ConsentRecord, now: Timestamp, config: &SiteConfig) -> Option<AskReason> {
    let latest_allowed = Timestamp(now.0.saturating_add(CLOCK_SKEW_MS));
    if r.first_decision > r.last_decision {
        return Some(AskReason::Inconsistent("first decision after last decision"));
    }
    if r.last_decision > latest_allowed {
        return Some(AskReason::Inconsistent("decision dated in the future"));
    }
    if r.expires <= r.last_decision || r.expires > r.last_decision.add_months(MAX_LIFETIME_MONTHS) {
        return Some(AskReason::Inconsistent("expiry does not fit the decision date"));
    }
    if now >= r.expires || now >= r.last_decision.add_months(config.lifetime_months) {
        return Some(AskReason::Expired);
    }
    let (stored, current) = (r.revision, config.revision);
    if stored < current {
        return Some(AskReason::OlderRevision { stored, current });
    }
    if stored > current {
        return Some(AskReason::UnknownRevision { stored, current });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Site;

    const FIXTURE: &str = include_str!("../tests/fixtures/record-v1.json").trim_ascii();

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_iso(text).unwrap()
    }

    /// One case: the stored text (after `edit` on the v1 fixture), the time,
    /// the site's revision and lifetime, and the expected verdict in short:
    /// `"valid"` or the reason's text.
    fn check(stored: Option<&str>, now: &str, revision: u32, lifetime: u32, expected: &str) {
        let mut config = SiteConfig::builtin(Site::DiffoFi).unwrap();
        config.revision = revision;
        config.lifetime_months = lifetime;
        let verdict = match assess(stored, at(now), &config) {
            Verdict::Valid(_) => "valid".to_string(),
            Verdict::Ask(reason) => reason.to_string(),
        };
        assert_eq!(verdict, expected, "stored {stored:?} at {now}");
    }

    fn edited(from: &str, to: &str) -> String {
        assert!(FIXTURE.contains(from), "fixture lacks {from}");
        FIXTURE.replace(from, to)
    }

    #[test]
    fn validity_table() {
        let day_after = "2026-11-24T08:00:00.000Z";
        // Missing and unreadable.
        check(None, day_after, 1, 12, "no stored decision");
        check(
            Some(""),
            day_after,
            1,
            12,
            "the stored decision is unreadable (not a consent record)",
        );
        check(
            Some("yes"),
            day_after,
            1,
            12,
            "the stored decision is unreadable (not a consent record)",
        );
        check(
            Some(r#"{"analytics":true}"#),
            day_after,
            1,
            12,
            "the stored decision is unreadable (not a consent record)",
        );
        check(
            Some(&edited(r#""version":1"#, r#""version":7"#)),
            day_after,
            1,
            12,
            "the stored decision is unreadable (unknown format version 7)",
        );
        check(
            Some(&edited(r#""social":false"#, r#""social":false,"tracking":true"#)),
            day_after,
            1,
            12,
            "the stored decision is unreadable (field `categories` is missing or invalid)",
        );
        // Valid, right up to the end of the lifetime.
        check(Some(FIXTURE), day_after, 1, 12, "valid");
        check(Some(FIXTURE), "2026-11-23T08:00:00.000Z", 1, 12, "valid");
        check(Some(FIXTURE), "2027-11-23T07:59:59.999Z", 1, 12, "valid");
        // Expired: by its own expiry, or by a shorter lifetime set since.
        check(
            Some(FIXTURE),
            "2027-11-23T08:00:00.000Z",
            1,
            12,
            "the stored decision has expired",
        );
        check(
            Some(FIXTURE),
            "2027-05-23T08:00:00.000Z",
            1,
            6,
            "the stored decision has expired",
        );
        check(Some(FIXTURE), "2027-05-23T07:59:59.999Z", 1, 6, "valid");
        // Revisions.
        check(
            Some(FIXTURE),
            day_after,
            2,
            12,
            "the policy changed since the decision (revision 1, now 2)",
        );
        check(
            Some(&edited(r#""revision":1"#, r#""revision":5"#)),
            day_after,
            2,
            12,
            "the stored decision names revision 5, but the site is at 2",
        );
        // Times that contradict each other or the clock.
        check(
            Some(&edited(
                r#""firstDecision":"2026-11-23"#,
                r#""firstDecision":"2026-11-24"#,
            )),
            day_after,
            1,
            12,
            "the stored decision is inconsistent (first decision after last decision)",
        );
        check(Some(FIXTURE), "2026-11-23T07:55:00.000Z", 1, 12, "valid");
        check(
            Some(FIXTURE),
            "2026-11-23T07:54:59.999Z",
            1,
            12,
            "the stored decision is inconsistent (decision dated in the future)",
        );
        check(
            Some(&edited("2027-11-23T08:00:00.000Z", "2099-11-23T08:00:00.000Z")),
            day_after,
            1,
            12,
            "the stored decision is inconsistent (expiry does not fit the decision date)",
        );
        check(
            Some(&edited("2027-11-23T08:00:00.000Z", "2026-11-23T08:00:00.000Z")),
            day_after,
            1,
            12,
            "the stored decision is inconsistent (expiry does not fit the decision date)",
        );
    }

    #[test]
    fn damage_is_told_apart_from_normal_asks() {
        assert!(!AskReason::Missing.is_damage());
        assert!(!AskReason::Expired.is_damage());
        assert!(!AskReason::OlderRevision { stored: 1, current: 2 }.is_damage());
        assert!(AskReason::Unreadable(FormatError::NotARecord).is_damage());
        assert!(AskReason::Inconsistent("x").is_damage());
    }
}
