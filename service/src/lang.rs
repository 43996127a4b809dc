//! The banner's three languages (the core's `Lang`), read from JSON and chosen from
//! `Accept-Language`.

use std::sync::LazyLock;

use serde::{Deserialize, Deserializer};

pub use diffo_consent_core::lang::Lang;

/// Every language's code, for the error that names the expected ones.
static CODES: LazyLock<[&str; Lang::ALL.len()]> = LazyLock::new(|| Lang::ALL.map(Lang::code));

/// Reads a language code (`fi`, `en` or `sv`) in a serde field:
/// `#[serde(deserialize_with = "crate::lang::deserialize")]`.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Lang, D::Error> {
    let code = String::deserialize(deserializer)?;
    Lang::from_code(&code).ok_or_else(|| serde::de::Error::unknown_variant(&code, &*CODES))
}

/// The best of `supported` for an `Accept-Language` header, or `None` when the header
/// names none of them.
///
/// Ranges are compared by their primary subtag (`fi-FI` is Finnish); among the ranges
/// that match, the highest quality wins, and the first listed wins a tie. A quality of 0
/// excludes a language.
pub fn negotiate(header: &str, supported: &[Lang]) -> Option<Lang> {
    let mut best: Option<(u16, Lang)> = None;
    for range in header.split(',') {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let primary = tag.split('-').next().unwrap_or_default().to_ascii_lowercase();
        let quality = parts
            .find_map(|param| param.trim().strip_prefix("q=").map(quality_milli))
            .unwrap_or(Some(1000));
        let (Some(quality), Some(lang)) = (quality, Lang::from_code(&primary)) else {
            continue;
        };
        if quality > 0 && supported.contains(&lang) && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

/// A quality value (`0`, `0.5`, `1.000`) in thousandths, or `None` if malformed.
fn quality_milli(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{fraction:0<3}");
    let value = match whole {
        "0" => digits.parse::<u16>().ok()?,
        "1" if digits == "000" => 1000,
        _ => return None,
    };
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(header: &str, expected: Option<Lang>) {
        assert_eq!(negotiate(header, &Lang::ALL), expected, "{header}");
    }

    #[test]
    fn accept_language_picks_the_best_supported() {
        check("", None);
        check("de", None);
        check("fi", Some(Lang::Fi));
        check("fi-FI,fi;q=0.9,en-US;q=0.8,en;q=0.7", Some(Lang::Fi));
        check("de-DE,de;q=0.9,sv;q=0.8,en;q=0.7", Some(Lang::Sv));
        check("en;q=0.5, sv;q=0.6", Some(Lang::Sv));
        check("SV-se", Some(Lang::Sv));
        check("fi;q=0, en;q=0.1", Some(Lang::En));
        check("fi;q=2, en", Some(Lang::En));
        check("*", None);
        assert_eq!(negotiate("sv, en", &[Lang::Fi, Lang::En]), Some(Lang::En));
    }
}
