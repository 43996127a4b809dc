//! The cookie declaration: every cookie and storage key the sites use, per
//! category, with its provider, purpose and lifetime in the three languages.
//!
//! The declaration is data in the site config (`"cookies"`, see
//! `sites/common.json`), not code. It serves twice: the settings layer and
//! the `data-consent-declaration` table show it to visitors, and the tracker
//! gate uses its first-party entries to know what to delete when a category
//! is refused (see [`crate::forget`]).

use crate::category::Category;
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
    /// A number of days.
    Days(u32),
    /// A number of months.
    Months(u32),
    /// A number of years.
    Years(u32),
}

impl Lifetime {
    /// Reads `"session"`, `"1 day"`, `"30 days"`, `"13 months"`, `"2 years"`.
    ///
    /// ```
    /// use diffo_consent_core::declaration::Lifetime;
    /// assert_eq!(Lifetime::parse("2 years"), Some(Lifetime::Years(2)));
    /// assert_eq!(Lifetime::parse("1 day"), Some(Lifetime::Days(1)));
    /// assert_eq!(Lifetime::parse("2 day"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Lifetime> {
        if text == "session" {
            return Some(Lifetime::Session);
        }
        let (number, unit) = text.split_once(' ')?;
        if number.is_empty() || number.len() > 4 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = number.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0'));
        let singular = n == 1;
        match (unit, singular) {
            ("day", true) | ("days", false) if n > 0 => Some(Lifetime::Days(n)),
            ("month", true) | ("months", false) if n > 0 => Some(Lifetime::Months(n)),
            ("year", true) | ("years", false) if n > 0 => Some(Lifetime::Years(n)),
            _ => None,
        }
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
        &self.purpose[lang_index(lang)]
    }

    /// Whether `name` is this entry (exactly, or by the prefix before `*`).
    pub fn matches(&self, name: &str) -> bool {
        match self.name.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => name == self.name,
        }
    }
}

fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Fi => 0,
        Lang::En => 1,
        Lang::Sv => 2,
    }
}

/// A problem with the declaration: where (`cookies[3].lifetime`) and what.
pub type Problem = (String, String);

/// Reads the config's `"cookies"` array.
pub fn parse(value: &Value) -> Result<Vec<Entry>, Problem> {
    let Value::Array(items) = value else {
        return Err((
            "cookies".to_string(),
            ["must be an array, got ", value.type_name()].concat(),
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = |key: &str| {
            let mut path = ["cookies[", &crate::num::decimal(i as i64), "]"].concat();
            if !key.is_empty() {
                path.push('.');
                path.push_str(key);
            }
            path
        };
        let Value::Object(fields) = item else {
            return Err((at(""), ["must be an object, got ", item.type_name()].concat()));
        };
        if let Some((key, _)) = fields.iter().find(|(k, _)| !ENTRY_KEYS.contains(&k.as_str())) {
            return Err((
                at(key),
                "is not a known key (category, name, kind, provider, party, lifetime, purpose)".into(),
            ));
        }
        let text = |key: &str| match item.get(key) {
            Some(Value::Str(s)) if !s.trim().is_empty() && s.len() <= 200 => Ok(s.clone()),
            _ => Err((at(key), "must be a non-empty text".to_string())),
        };
        let category = text("category").and_then(|s| {
            Category::from_key(&s).ok_or((at("category"), ["is not a category: \"", &s, "\""].concat()))
        })?;
        let name = text("name")?;
        if name.contains(['=', ';', ',', ' ']) || name.strip_suffix('*').unwrap_or(&name).contains('*') {
            return Err((
                at("name"),
                "must be a cookie or key name, with `*` only at the end".to_string(),
            ));
        }
        let kind = match text("kind")?.as_str() {
            "cookie" => Kind::Cookie,
            "localStorage" => Kind::LocalStorage,
            "sessionStorage" => Kind::SessionStorage,
            other => {
                return Err((
                    at("kind"),
                    ["must be cookie, localStorage or sessionStorage, not \"", other, "\""].concat(),
                ))
            }
        };
        let party = match text("party")?.as_str() {
            "first" => Party::First,
            "third" => Party::Third,
            other => return Err((at("party"), ["must be first or third, not \"", other, "\""].concat())),
        };
        let lifetime = text("lifetime").and_then(|s| {
            Lifetime::parse(&s).ok_or((
                at("lifetime"),
                [
                    "must be like \"session\", \"30 days\", \"13 months\" or \"2 years\", not \"",
                    &s,
                    "\"",
                ]
                .concat(),
            ))
        })?;
        let purpose = match item.get("purpose") {
            Some(p @ Value::Object(_)) => {
                let mut texts: [String; 3] = Default::default();
                for lang in Lang::ALL {
                    match p.get(lang.code()) {
                        Some(Value::Str(s)) if !s.trim().is_empty() => texts[lang_index(lang)] = s.clone(),
                        _ => return Err((at("purpose"), ["needs a text in ", lang.code()].concat())),
                    }
                }
                texts
            }
            _ => return Err((at("purpose"), "must be an object with fi, en and sv texts".to_string())),
        };
        out.push(Entry {
            category,
            name,
            kind,
            provider: text("provider")?,
            party,
            lifetime,
            purpose,
        });
    }
    Ok(out)
}

const ENTRY_KEYS: [&str; 7] = ["category", "name", "kind", "provider", "party", "lifetime", "purpose"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    const ENTRY: &str = r#"{"category": "analytics", "name": "_ga_*", "kind": "cookie", "provider": "Google Ireland Limited",
        "party": "first", "lifetime": "2 years", "purpose": {"fi": "Tilastot.", "en": "Statistics.", "sv": "Statistik."}}"#;

    fn parse_text(text: &str) -> Result<Vec<Entry>, Problem> {
        parse(&json::parse(text).unwrap())
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
            ("1 day", Some(Lifetime::Days(1))),
            ("400 days", Some(Lifetime::Days(400))),
            ("1 month", Some(Lifetime::Months(1))),
            ("13 months", Some(Lifetime::Months(13))),
            ("2 years", Some(Lifetime::Years(2))),
            ("0 days", None),
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
            ("{}".to_string(), "cookies", "must be an array, got an object"),
            ("[1]".to_string(), "cookies[0]", "must be an object, got a number"),
            (
                with(r#""category": "analytics""#, r#""category": "ads""#),
                "cookies[1].category",
                "is not a category: \"ads\"",
            ),
            (
                with(r#""name": "_ga_*""#, r#""name": "a*b""#),
                "cookies[1].name",
                "must be a cookie or key name, with `*` only at the end",
            ),
            (
                with(r#""name": "_ga_*""#, r#""name": "a=b""#),
                "cookies[1].name",
                "must be a cookie or key name, with `*` only at the end",
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
                "must be like \"session\", \"30 days\", \"13 months\" or \"2 years\", not \"forever\"",
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
