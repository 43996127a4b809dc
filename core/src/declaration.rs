//! The cookie declaration: every cookie and storage key the sites use, per
//! category, with its provider, purpose and lifetime in the three languages.
//!
//! The declaration is data in the site config (`"cookies"`, see
//! `sites/common.json`), not code. It serves twice: the settings layer and
//! the `data-consent-declaration` table show it to visitors, and the tracker
//! gate uses its first-party entries to know what to delete when a category
//! is refused (see [`crate::forget`]).

use crate::category::Category;
use crate::check::{self, ConfigError};
use crate::json::Value;
use crate::lang::Lang;
use crate::prelude::*;

/// Where an entry is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An HTTP cookie.
    Cookie,
    /// A `localStorage` key.
    LocalStorage,
    /// A `sessionStorage` key.
    SessionStorage,
}

impl Kind {
    /// The key used in the config.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Cookie => "cookie",
            Kind::LocalStorage => "localStorage",
            Kind::SessionStorage => "sessionStorage",
        }
    }
}

/// How long an entry lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    /// Until the browser (or tab) closes.
    Session,
    /// Until the visitor deletes it (storage without an expiry).
    Persistent,
    /// A number of minutes.
    Minutes(u32),
    /// A number of hours.
    Hours(u32),
    /// A number of days.
    Days(u32),
    /// A number of months.
    Months(u32),
    /// A number of years.
    Years(u32),
}

impl Lifetime {
    /// Reads `"session"`, `"persistent"`, `"30 minutes"`, `"1 hour"`,
    /// `"1 day"`, `"30 days"`, `"13 months"`, `"2 years"`.
    ///
    /// ```
    /// use diffo_consent_core::declaration::Lifetime;
    /// assert_eq!(Lifetime::parse("2 years"), Some(Lifetime::Years(2)));
    /// assert_eq!(Lifetime::parse("1 day"), Some(Lifetime::Days(1)));
    /// assert_eq!(Lifetime::parse("2 day"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Lifetime> {
        match text {
            "session" => return Some(Lifetime::Session),
            "persistent" => return Some(Lifetime::Persistent),
            _ => {}
        }
        let (number, unit) = text.split_once(' ')?;
        if number.is_empty() || number.len() > 4 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = number.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0'));
        let singular = n == 1;
        let unit: fn(u32) -> Lifetime = match (unit, singular) {
            ("minute", true) | ("minutes", false) => Lifetime::Minutes,
            ("hour", true) | ("hours", false) => Lifetime::Hours,
            ("day", true) | ("days", false) => Lifetime::Days,
            ("month", true) | ("months", false) => Lifetime::Months,
            ("year", true) | ("years", false) => Lifetime::Years,
            _ => return None,
        };
        (n > 0).then(|| unit(n))
    }
}

/// First party (set by the site's own domain, so the banner can delete it)
/// or third party (set by the vendor's domain).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// Set on the site's domain.
    First,
    /// Set on another company's domain.
    Third,
}

impl Party {
    /// The key used in the config.
    pub fn key(self) -> &'static str {
        match self {
            Party::First => "first",
            Party::Third => "third",
        }
    }
}

/// One declared cookie or storage key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The category that allows it.
    pub category: Category,
    /// Its name; a trailing `*` matches any suffix (`_ga_*`).
    pub name: String,
    /// Cookie, localStorage or sessionStorage.
    pub kind: Kind,
    /// The company that reads it.
    pub provider: String,
    /// First or third party.
    pub party: Party,
    /// How long it lives.
    pub lifetime: Lifetime,
    /// What it is for, in Finnish, English and Swedish.
    pub(crate) purpose: [String; 3],
}

impl Entry {
    /// What it is for, in `lang`.
    pub fn purpose(&self, lang: Lang) -> &str {
        &self.purpose[lang.index()]
    }

    /// Whether `name` is this entry (exactly, or by the prefix before `*`).
    pub fn matches(&self, name: &str) -> bool {
        match self.name.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => name == self.name,
        }
    }
}

/// Whether `name` can be a declared cookie or storage key: not empty, no
/// characters that a cookie name cannot hold, and a `*` only at the end,
/// after at least one character (a bare `*` would match everything).
fn is_name(name: &str) -> bool {
    let stem = name.strip_suffix('*').unwrap_or(name);
    !stem.is_empty() && !stem.contains(['=', ';', ',', ' ', '*'])
}

/// The keys of an entry in the site's own `"cookies"`.
const ENTRY_KEYS: [&str; 7] = ["category", "name", "kind", "provider", "party", "lifetime", "purpose"];

/// The keys of an entry in a service's `"cookies"`: its category is the
/// service's, and its provider the service's company unless it says.
const SERVICE_ENTRY_KEYS: [&str; 6] = ["name", "kind", "provider", "party", "lifetime", "purpose"];

/// Reads a `"cookies"` array at `path`: the site's own (`owner` is `None`,
/// and every entry names its category and provider) or a service's (its
/// category and company).
pub fn parse(path: &str, value: &Value, owner: Option<(Category, &str)>) -> Result<Vec<Entry>, ConfigError> {
    check::list(path, value, "cookie entries", |at, item| {
        let Value::Object(fields) = item else {
            return Err(check::type_error(at, "an object", item));
        };
        check::known_keys(
            at,
            fields,
            if owner.is_some() {
                &SERVICE_ENTRY_KEYS
            } else {
                &ENTRY_KEYS
            },
        )?;
        let text = |key: &str| match item.get(key) {
            Some(v) => check::text(&check::field(at, key), v, 200),
            None => Err(ConfigError::at(
                &check::field(at, key),
                "must be a non-empty text".to_string(),
            )),
        };
        let category = match owner {
            Some((category, _)) => category,
            None => {
                let name = text("category")?;
                Category::from_key(&name).ok_or_else(|| {
                    ConfigError::at(
                        &check::field(at, "category"),
                        ["is not a category: \"", &name, "\""].concat(),
                    )
                })?
            }
        };
        let name = text("name")?;
        if !is_name(&name) {
            return Err(ConfigError::at(
                &check::field(at, "name"),
                "must be a cookie or key name, with `*` only at the end, after at least one character".to_string(),
            ));
        }
        let kind = match text("kind")?.as_str() {
            "cookie" => Kind::Cookie,
            "localStorage" => Kind::LocalStorage,
            "sessionStorage" => Kind::SessionStorage,
            other => {
                return Err(ConfigError::at(
                    &check::field(at, "kind"),
                    ["must be cookie, localStorage or sessionStorage, not \"", other, "\""].concat(),
                ))
            }
        };
        let party = match text("party")?.as_str() {
            "first" => Party::First,
            "third" => Party::Third,
            other => {
                return Err(ConfigError::at(
                    &check::field(at, "party"),
                    ["must be first or third, not \"", other, "\""].concat(),
                ))
            }
        };
        let life = text("lifetime")?;
        let lifetime = Lifetime::parse(&life).ok_or_else(|| {
            ConfigError::at(
                &check::field(at, "lifetime"),
                [
                    "must be like \"session\", \"30 minutes\", \"24 hours\", \"30 days\", \"13 months\", \"2 years\" or \"persistent\", not \"",
                    &life,
                    "\"",
                ]
                .concat(),
            )
        })?;
        let purpose_at = check::field(at, "purpose");
        let purpose = match item.get("purpose") {
            Some(p) => check::texts(&purpose_at, p, 500)?,
            None => {
                return Err(ConfigError::at(
                    &purpose_at,
                    "must be an object with fi, en and sv texts".to_string(),
                ))
            }
        };
        let provider = match owner {
            Some((_, company)) if item.get("provider").is_none() => company.to_string(),
            _ => text("provider")?,
        };
        Ok(Entry {
            category,
            name,
            kind,
            provider,
            party,
            lifetime,
            purpose,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    const ENTRY: &str = r#"{"category": "analytics", "name": "_ga_*", "kind": "cookie", "provider": "Google Ireland Limited",
        "party": "first", "lifetime": "2 years", "purpose": {"fi": "Tilastot.", "en": "Statistics.", "sv": "Statistik."}}"#;

    fn parse_text(text: &str) -> Result<Vec<Entry>, (String, String)> {
        parse("cookies", &json::parse(text).unwrap(), None).map_err(|e| (e.path, e.problem))
    }

    #[test]
    fn reads_an_entry() {
        let entries = parse_text(&format!("[{ENTRY}]")).unwrap();
        let e = &entries[0];
        assert_eq!(
            (e.category, e.kind, e.party, e.lifetime),
            (Category::Analytics, Kind::Cookie, Party::First, Lifetime::Years(2))
        );
        assert_eq!(e.purpose(Lang::Sv), "Statistik.");
        assert!(e.matches("_ga_ABC123") && e.matches("_ga_") && !e.matches("_ga") && !e.matches("x_ga_1"));
    }

    #[test]
    fn lifetimes() {
        for (text, expected) in [
            ("session", Some(Lifetime::Session)),
            ("persistent", Some(Lifetime::Persistent)),
            ("30 minutes", Some(Lifetime::Minutes(30))),
            ("1 hour", Some(Lifetime::Hours(1))),
            ("24 hours", Some(Lifetime::Hours(24))),
            ("1 day", Some(Lifetime::Days(1))),
            ("400 days", Some(Lifetime::Days(400))),
            ("1 month", Some(Lifetime::Months(1))),
            ("13 months", Some(Lifetime::Months(13))),
            ("2 years", Some(Lifetime::Years(2))),
            ("0 days", None),
            ("1 minutes", None),
            ("2 hour", None),
            ("1 days", None),
            ("2 month", None),
            ("two years", None),
            ("2  years", None),
            ("-1 days", None),
            ("99999 days", None),
            ("", None),
        ] {
            assert_eq!(Lifetime::parse(text), expected, "{text:?}");
        }
    }

    #[test]
    fn refuses_bad_entries_with_their_place() {
        let with = |from: &str, to: &str| format!("[{}, {}]", ENTRY, ENTRY.replace(from, to));
        for (text, path, problem) in [
            ("{}".to_string(), "cookies", "must be an array of cookie entries, got an object"),
            ("[1]".to_string(), "cookies[0]", "must be an object, got a number"),
            (
                with(r#""category": "analytics""#, r#""category": "ads""#),
                "cookies[1].category",
                "is not a category: \"ads\"",
            ),
            (
                with(r#""name": "_ga_*""#, r#""name": "a*b""#),
                "cookies[1].name",
                "must be a cookie or key name, with `*` only at the end, after at least one character",
            ),
            (
                with(r#""name": "_ga_*""#, r#""name": "a=b""#),
                "cookies[1].name",
                "must be a cookie or key name, with `*` only at the end, after at least one character",
            ),
            (
                with(r#""name": "_ga_*""#, r#""name": "*""#),
                "cookies[1].name",
                "must be a cookie or key name, with `*` only at the end, after at least one character",
            ),
            (
                with(r#""name": "_ga_*""#, r#""name": """#),
                "cookies[1].name",
                "must be a non-empty text",
            ),
            (
                with(r#""kind": "cookie""#, r#""kind": "indexedDB""#),
                "cookies[1].kind",
                "must be cookie, localStorage or sessionStorage, not \"indexedDB\"",
            ),
            (
                with(r#""party": "first""#, r#""party": "own""#),
                "cookies[1].party",
                "must be first or third, not \"own\"",
            ),
            (
                with(r#""lifetime": "2 years""#, r#""lifetime": "forever""#),
                "cookies[1].lifetime",
                "must be like \"session\", \"30 minutes\", \"24 hours\", \"30 days\", \"13 months\", \"2 years\" or \"persistent\", not \"forever\"",
            ),
            (
                with(r#", "sv": "Statistik.""#, ""),
                "cookies[1].purpose",
                "needs a text in sv",
            ),
            (
                with(r#""provider": "Google Ireland Limited""#, r#""provider": " ""#),
                "cookies[1].provider",
                "must be a non-empty text",
            ),
            (
                with(r#""category""#, r#""categry""#),
                "cookies[1].categry",
                "is not a known key (category, name, kind, provider, party, lifetime, purpose)",
            ),
        ] {
            assert_eq!(
                parse_text(&text),
                Err((path.to_string(), problem.to_string())),
                "{text}"
            );
        }
    }
}
