//! The consent record and its stored format.
//!
//! [`ConsentRecord`] is the domain type. What localStorage holds under
//! [`STORAGE_KEY`] is its versioned JSON form, written by [`ConsentRecord::to_json`]
//! and read by [`parse_stored`]. The JSON form is also what the JavaScript API
//! returns from `diffoConsent.get()` and sends in the `diffo-consent:change`
//! event, so it is a public contract: any change to it bumps
//! [`FORMAT_VERSION`], adds a fixture under `core/tests/fixtures/`, and teaches
//! [`parse_stored`] to read (or deliberately refuse) the old version.
//!
//! Format version 2 adds the choice of each service of the site:
//!
//! ```json
//! {"version":2,"id":"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60",
//!  "categories":{"necessary":true,"analytics":true,"marketing":false,"social":false},
//!  "services":{"google-analytics":true,"meta-pixel":false},
//!  "revision":1,"firstDecision":"2026-11-23T08:00:00.000Z","lastDecision":"2026-11-23T08:00:00.000Z",
//!  "expires":"2027-11-23T08:00:00.000Z","lang":"fi","chosenLang":null}
//! ```
//!
//! Version 1 is the same without `services`; it is still read, and means
//! every service of an allowed category (see [`crate::consent::Consent::of_record`]).

use crate::category::{Category, Choices};
use crate::id::ConsentId;
use crate::json::ObjectWriter;
use crate::lang::Lang;
use crate::num;
use crate::prelude::*;
use crate::service::{is_id, MAX_SERVICES};
use crate::time::Timestamp;
use core::fmt;

/// The localStorage key, one per site origin.
pub const STORAGE_KEY: &str = "diffo-consent";

/// The version [`ConsentRecord::to_json`] writes.
pub const FORMAT_VERSION: i64 = 2;

/// A visitor's decision, as the banner keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentRecord {
    /// The anonymous consent id; it stays the same when the visitor changes
    /// their mind.
    pub id: ConsentId,
    /// The categories the visitor allowed as a whole.
    pub categories: Choices,
    /// Each service of the site when the visitor decided, by id, and
    /// whether it is allowed; `None` in a version-1 record, which knew the
    /// categories only.
    pub services: Option<Vec<(String, bool)>>,
    /// The policy revision the visitor decided on.
    pub revision: u32,
    /// When the visitor first decided.
    pub first_decision: Timestamp,
    /// When the visitor last decided.
    pub last_decision: Timestamp,
    /// When the decision stops holding and the visitor is asked again.
    pub expires: Timestamp,
    /// The language of the dialog in which the last decision was made.
    pub lang: Lang,
    /// The language the visitor picked in the dialog's language switch, if
    /// they did; it beats every other hint on later pages.
    pub chosen_lang: Option<Lang>,
}

impl ConsentRecord {
    /// The stored JSON form, in the current [`FORMAT_VERSION`].
    pub fn to_json(&self) -> String {
        let mut categories = ObjectWriter::new();
        for c in Category::ALL {
            categories.bool(c.key(), self.categories.allows(c));
        }
        let mut services = ObjectWriter::new();
        for (id, allowed) in self.services.iter().flatten() {
            services.bool(id, *allowed);
        }
        let mut w = ObjectWriter::new();
        w.int("version", FORMAT_VERSION)
            .str("id", self.id.as_str())
            .raw("categories", &categories.finish())
            .raw("services", &services.finish())
            .int("revision", i64::from(self.revision))
            .str("firstDecision", &self.first_decision.to_iso())
            .str("lastDecision", &self.last_decision.to_iso())
            .str("expires", &self.expires.to_iso())
            .str("lang", self.lang.code());
        match self.chosen_lang {
            Some(l) => w.str("chosenLang", l.code()),
            None => w.raw("chosenLang", "null"),
        };
        w.finish()
    }
}

/// Why a stored record cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// Not a record at all: it does not start with a format version.
    NotARecord,
    /// A version this code does not know (newer, or retired).
    UnknownVersion(u32),
    /// The right version, but from this field on it is not what the banner
    /// writes: the field is missing, mistyped, reordered, or something was
    /// added before it.
    BadField(&'static str),
}

impl FormatError {
    /// The error in a few words.
    pub fn message(&self) -> String {
        match self {
            FormatError::NotARecord => "not a consent record".to_string(),
            FormatError::UnknownVersion(v) => ["unknown format version ", &num::decimal(i64::from(*v))].concat(),
            FormatError::BadField(name) => ["field `", name, "` is missing or invalid"].concat(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Reads a stored record of any known format version.
///
/// The reader accepts exactly the text [`ConsentRecord::to_json`] writes for
/// that version: the same fields in the same order, without spaces. Nothing
/// but the banner writes the key, so anything else is damage or tampering,
/// and the visitor is asked again. (It also keeps the wasm free of a general
/// JSON parser.)
pub fn parse_stored(text: &str) -> Result<ConsentRecord, FormatError> {
    let mut r = Cursor { rest: text };
    if !r.eat(r#"{"version":"#) {
        return Err(FormatError::NotARecord);
    }
    match r.number() {
        Some(v @ (1 | 2)) => read(&mut r, v),
        Some(v) => Err(FormatError::UnknownVersion(v)),
        None => Err(FormatError::NotARecord),
    }
}

/// Reads version 1 or 2, which differ only in `services`.
fn read(r: &mut Cursor<'_>, version: u32) -> Result<ConsentRecord, FormatError> {
    use FormatError::BadField;
    let id = r
        .key(",\"id\":")
        .string()
        .and_then(ConsentId::parse)
        .ok_or(BadField("id"))?;
    let mut choices = Choices::NONE;
    if !r.eat(r#","categories":{"necessary":true"#) {
        return Err(BadField("categories"));
    }
    for category in Category::OPTIONAL {
        let allowed = r
            .key(&[",\"", category.key(), "\":"].concat())
            .boolean()
            .ok_or(BadField("categories"))?;
        choices = choices.with(category, allowed);
    }
    if !r.eat("}") {
        return Err(BadField("categories"));
    }
    let services = if version == 1 {
        None
    } else {
        Some(read_services(r).ok_or(BadField("services"))?)
    };
    let revision = match (r.eat(",\"revision\":"), r.number()) {
        (true, Some(n)) if n >= 1 => n,
        _ => return Err(BadField("revision")),
    };
    let mut time = |key: &'static str, field: &'static str| {
        r.key(key)
            .string()
            .and_then(Timestamp::parse_iso)
            .ok_or(BadField(field))
    };
    let first_decision = time(",\"firstDecision\":", "firstDecision")?;
    let last_decision = time(",\"lastDecision\":", "lastDecision")?;
    let expires = time(",\"expires\":", "expires")?;
    let lang = r
        .key(",\"lang\":")
        .string()
        .and_then(Lang::from_code)
        .ok_or(BadField("lang"))?;
    if !r.eat(",\"chosenLang\":") {
        return Err(BadField("chosenLang"));
    }
    let chosen_lang = if r.eat("null") {
        None
    } else {
        Some(r.string().and_then(Lang::from_code).ok_or(BadField("chosenLang"))?)
    };
    if r.rest != "}" {
        return Err(BadField("chosenLang"));
    }
    Ok(ConsentRecord {
        id,
        categories: choices,
        services,
        revision,
        first_decision,
        last_decision,
        expires,
        lang,
        chosen_lang,
    })
}

/// `,"services":{"id":true,…}`: service ids, each once, at most
/// [`MAX_SERVICES`].
fn read_services(r: &mut Cursor<'_>) -> Option<Vec<(String, bool)>> {
    if !r.eat(r#","services":{"#) {
        return None;
    }
    let mut out: Vec<(String, bool)> = Vec::new();
    if r.eat("}") {
        return Some(out);
    }
    loop {
        let id = r.string().filter(|id| is_id(id))?;
        if out.iter().any(|(seen, _)| seen == id) || out.len() == MAX_SERVICES || !r.eat(":") {
            return None;
        }
        out.push((id.to_string(), r.boolean()?));
        if r.eat("}") {
            return Some(out);
        }
        if !r.eat(",") {
            return None;
        }
    }
}

/// Reads the record's text from the front.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn eat(&mut self, literal: &str) -> bool {
        match self.rest.strip_prefix(literal) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    /// Expects `literal`; on a mismatch the next read fails.
    fn key(&mut self, literal: &str) -> &mut Self {
        if !self.eat(literal) {
            self.rest = "";
        }
        self
    }

    /// A whole number of up to nine digits, without leading zeros.
    fn number(&mut self) -> Option<u32> {
        let digits = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        let (text, rest) = (self.rest.get(..digits)?, self.rest.get(digits..)?);
        if digits == 0 || digits > 9 || (digits > 1 && text.starts_with('0')) {
            return None;
        }
        self.rest = rest;
        Some(text.bytes().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    }

    fn boolean(&mut self) -> Option<bool> {
        if self.eat("true") {
            Some(true)
        } else if self.eat("false") {
            Some(false)
        } else {
            None
        }
    }

    /// A string without escapes (the record's strings never need any).
    fn string(&mut self) -> Option<&'a str> {
        let inner = self.rest.strip_prefix('"')?;
        let end = inner.find(['"', '\\'])?;
        if inner.as_bytes().get(end) != Some(&b'"') {
            return None;
        }
        let value = inner.get(..end)?;
        self.rest = inner.get(end + 1..)?;
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> ConsentRecord {
        ConsentRecord {
            id: ConsentId::parse("3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60").unwrap(),
            categories: Choices {
                analytics: true,
                marketing: false,
                social: false,
            },
            services: Some(vec![("google-analytics".into(), true), ("meta-pixel".into(), false)]),
            revision: 1,
            first_decision: Timestamp::parse_iso("2026-11-23T08:00:00.000Z").unwrap(),
            last_decision: Timestamp::parse_iso("2026-11-23T08:00:00.000Z").unwrap(),
            expires: Timestamp::parse_iso("2027-11-23T08:00:00.000Z").unwrap(),
            lang: Lang::Fi,
            chosen_lang: None,
        }
    }

    #[test]
    fn writes_the_documented_v2_form() {
        let fixture = include_str!("../tests/fixtures/record-v2.json").trim();
        assert_eq!(sample().to_json(), fixture);
        assert_eq!(parse_stored(fixture), Ok(sample()));
    }

    /// A version-1 record (written before services) is read as its
    /// categories: `services` is `None`, which means every service of an
    /// allowed category (see `Consent::of_record`).
    #[test]
    fn reads_version_1_as_its_categories() {
        let fixture = include_str!("../tests/fixtures/record-v1.json").trim();
        assert_eq!(
            parse_stored(fixture),
            Ok(ConsentRecord {
                services: None,
                ..sample()
            })
        );
        let mut v1 = sample();
        v1.services = None;
        assert_eq!(
            v1.to_json(),
            fixture
                .replace(r#""version":1"#, r#""version":2"#)
                .replace(r#""social":false},"#, r#""social":false},"services":{},"#),
            "a record is always written in the current version"
        );
    }

    #[test]
    fn round_trips_every_choice_and_language() {
        for bits in 0..8u8 {
            for chosen in [None, Some(Lang::Sv), Some(Lang::En)] {
                let mut r = sample();
                r.categories = Choices {
                    analytics: bits & 1 != 0,
                    marketing: bits & 2 != 0,
                    social: bits & 4 != 0,
                };
                r.chosen_lang = chosen;
                assert_eq!(parse_stored(&r.to_json()), Ok(r));
            }
        }
    }

    fn refused(edit: impl Fn(&str) -> String, expected: FormatError) {
        let text = edit(&sample().to_json());
        assert_eq!(parse_stored(&text), Err(expected), "{text}");
    }

    #[test]
    fn refuses_tampered_records() {
        use FormatError::*;
        let full = sample().to_json();
        refused(|_| "".into(), NotARecord);
        refused(|_| "[]".into(), NotARecord);
        refused(|_| "null".into(), NotARecord);
        refused(|_| "{\"version\": 1}".into(), NotARecord);
        refused(|s| s.replace(r#""version":2"#, r#""version":"2""#), NotARecord);
        refused(|s| s.replace(r#""version":2"#, r#""version":3"#), UnknownVersion(3));
        refused(|s| s.replace(r#""version":2"#, r#""version":0"#), UnknownVersion(0));
        refused(|s| s.replace(r#""version":2"#, r#""version":02"#), NotARecord);
        // A version-1 record has no services; a version-2 one must.
        refused(|s| s.replace(r#""version":2"#, r#""version":1"#), BadField("revision"));
        refused(
            |s| s.replace(r#""services":{"google-analytics":true,"meta-pixel":false},"#, ""),
            BadField("services"),
        );
        refused(
            |s| s.replace(r#""meta-pixel":false"#, r#""meta-pixel":"no""#),
            BadField("services"),
        );
        refused(
            |s| s.replace(r#""meta-pixel":false"#, r#""Meta-Pixel":false"#),
            BadField("services"),
        );
        refused(
            |s| s.replace(r#""meta-pixel":false"#, r#""google-analytics":false"#),
            BadField("services"),
        );
        refused(
            |s| s.replace(r#""meta-pixel":false}"#, r#""meta-pixel":false,}"#),
            BadField("services"),
        );
        refused(
            |s| s.replace(r#""meta-pixel":false"#, r#""meta-pixel" :false"#),
            BadField("services"),
        );
        refused(
            |s| s.replace(r#""meta-pixel":false"#, r#""me\u0074a":false"#),
            BadField("services"),
        );
        refused(|_| full[..full.len() - 1].to_string(), BadField("chosenLang"));
        refused(|s| format!("{s} "), BadField("chosenLang"));
        refused(|s| s.replace(r#""id":"3f1c"#, r#""id":"XXXX"#), BadField("id"));
        refused(|s| s.replace(r#","id""#, r#", "id""#), BadField("id"));
        refused(
            |s| s.replace(r#""version":2,"#, r#""version":2,"extra":true,"#),
            BadField("id"),
        );
        refused(
            |s| s.replace(r#""analytics":true"#, r#""analytics":"yes""#),
            BadField("categories"),
        );
        refused(
            |s| s.replace(r#""analytics":true"#, r#""analytics":1"#),
            BadField("categories"),
        );
        refused(
            |s| s.replace(r#""necessary":true"#, r#""necessary":false"#),
            BadField("categories"),
        );
        refused(
            |s| s.replace(r#""social":false"#, r#""social":false,"ads":true"#),
            BadField("categories"),
        );
        let many: std::string::String = (0..=MAX_SERVICES).map(|i| format!(r#""s{i}":true,"#)).collect();
        refused(
            |s| s.replace(r#""services":{"#, &format!(r#""services":{{{many}"#)),
            BadField("services"),
        );
        refused(|s| s.replace(r#","social":false"#, ""), BadField("categories"));
        refused(
            |s| s.replace(r#""revision":1"#, r#""revision":0"#),
            BadField("revision"),
        );
        refused(
            |s| s.replace(r#""revision":1"#, r#""revision":-1"#),
            BadField("revision"),
        );
        refused(
            |s| s.replace(r#""revision":1"#, r#""revision":9999999999"#),
            BadField("revision"),
        );
        refused(|s| s.replace(r#""lang":"fi""#, r#""lang":"de""#), BadField("lang"));
        refused(
            |s| s.replace(r#""chosenLang":null"#, r#""chosenLang":"x""#),
            BadField("chosenLang"),
        );
        refused(|s| s.replace(r#","chosenLang":null"#, ""), BadField("chosenLang"));
        refused(
            |s| s.replace("2027-11-23T08:00:00.000Z", "2027-11-23"),
            BadField("expires"),
        );
        refused(
            |s| s.replace(r#""lastDecision":"2026"#, r#""lastDecision":"2\u0030026"#),
            BadField("lastDecision"),
        );
        refused(
            |s| s.replace(r#""firstDecision":"2026-11-23T08:00:00.000Z""#, r#""firstDecision":0"#),
            BadField("firstDecision"),
        );
    }
}
