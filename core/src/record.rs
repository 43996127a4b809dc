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
//! Format version 1:
//!
//! ```json
//! {"version":1,"id":"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60",
//!  "categories":{"necessary":true,"analytics":true,"marketing":false,"social":false},
//!  "revision":1,"firstDecision":"2026-11-23T08:00:00.000Z","lastDecision":"2026-11-23T08:00:00.000Z",
//!  "expires":"2027-11-23T08:00:00.000Z","lang":"fi","chosenLang":null}
//! ```

use crate::category::{Category, Choices};
use crate::id::ConsentId;
use crate::json::{self, ObjectWriter, Value};
use crate::lang::Lang;
use crate::num;
use crate::time::Timestamp;
use std::fmt;

/// The localStorage key, one per site origin.
pub const STORAGE_KEY: &str = "diffo-consent";

/// The version [`ConsentRecord::to_json`] writes.
pub const FORMAT_VERSION: i64 = 1;

/// A visitor's decision, as the banner keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentRecord {
    /// The anonymous consent id; it stays the same when the visitor changes
    /// their mind.
    pub id: ConsentId,
    /// What the visitor allowed.
    pub choices: Choices,
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
            categories.bool(c.key(), self.choices.allows(c));
        }
        let mut w = ObjectWriter::new();
        w.int("version", FORMAT_VERSION)
            .str("id", self.id.as_str())
            .raw("categories", &categories.finish())
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
    /// Not JSON at all.
    NotJson(json::Error),
    /// JSON, but not an object with a whole-number `version`.
    NoVersion,
    /// A version this code does not know (newer, or retired).
    UnknownVersion(i64),
    /// The right version, but a field is missing or wrong.
    BadField(&'static str),
    /// The right version, but with a field it does not have.
    UnknownField(String),
}

impl FormatError {
    /// The error in a few words.
    pub fn message(&self) -> String {
        match self {
            FormatError::NotJson(e) => e.message(),
            FormatError::NoVersion => "no format version".to_string(),
            FormatError::UnknownVersion(v) => ["unknown format version ", &num::decimal(*v)].concat(),
            FormatError::BadField(name) => ["field `", name, "` is missing or invalid"].concat(),
            FormatError::UnknownField(name) => ["unknown field `", name, "`"].concat(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Reads a stored record of any known format version.
pub fn parse_stored(text: &str) -> Result<ConsentRecord, FormatError> {
    let value = json::parse(text).map_err(FormatError::NotJson)?;
    match value.get("version") {
        Some(Value::Int(1)) => parse_v1(&value),
        Some(Value::Int(v)) => Err(FormatError::UnknownVersion(*v)),
        _ => Err(FormatError::NoVersion),
    }
}

const V1_KEYS: [&str; 9] = [
    "version",
    "id",
    "categories",
    "revision",
    "firstDecision",
    "lastDecision",
    "expires",
    "lang",
    "chosenLang",
];

fn parse_v1(value: &Value) -> Result<ConsentRecord, FormatError> {
    let Value::Object(fields) = value else {
        return Err(FormatError::NoVersion);
    };
    // Strict: an extra key is as suspicious as a missing one.
    if let Some((extra, _)) = fields.iter().find(|(k, _)| !V1_KEYS.contains(&k.as_str())) {
        let _ = extra;
        return Err(FormatError::UnknownField("extra".into()));
    }
    let str_field = |name: &'static str| match value.get(name) {
        Some(Value::Str(s)) => Ok(s.as_str()),
        _ => Err(FormatError::BadField(name)),
    };
    let time_field =
        |name: &'static str| str_field(name).and_then(|s| Timestamp::parse_iso(s).ok_or(FormatError::BadField(name)));

    let id = ConsentId::parse(str_field("id")?).ok_or(FormatError::BadField("id"))?;
    let choices = categories(value.get("categories")).ok_or(FormatError::BadField("categories"))?;
    let revision = match value.get("revision") {
        Some(Value::Int(n)) if *n >= 1 && *n <= i64::from(u32::MAX) => *n as u32,
        _ => return Err(FormatError::BadField("revision")),
    };
    let lang = Lang::from_code(str_field("lang")?).ok_or(FormatError::BadField("lang"))?;
    let chosen_lang = match value.get("chosenLang") {
        Some(Value::Null) => None,
        Some(Value::Str(s)) => Some(Lang::from_code(s).ok_or(FormatError::BadField("chosenLang"))?),
        _ => return Err(FormatError::BadField("chosenLang")),
    };
    Ok(ConsentRecord {
        id,
        choices,
        revision,
        first_decision: time_field("firstDecision")?,
        last_decision: time_field("lastDecision")?,
        expires: time_field("expires")?,
        lang,
        chosen_lang,
    })
}

/// Exactly the four categories, each a boolean, with `necessary` true.
fn categories(value: Option<&Value>) -> Option<Choices> {
    let Some(Value::Object(fields)) = value else {
        return None;
    };
    if fields.len() != Category::ALL.len() {
        return None;
    }
    let mut choices = Choices::NONE;
    for c in Category::ALL {
        match value?.get(c.key())? {
            Value::Bool(true) => choices = choices.with(c, true),
            Value::Bool(false) if c != Category::Necessary => {}
            _ => return None,
        }
    }
    Some(choices)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> ConsentRecord {
        ConsentRecord {
            id: ConsentId::parse("3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60").unwrap(),
            choices: Choices {
                analytics: true,
                marketing: false,
                social: false,
            },
            revision: 1,
            first_decision: Timestamp::parse_iso("2026-11-23T08:00:00.000Z").unwrap(),
            last_decision: Timestamp::parse_iso("2026-11-23T08:00:00.000Z").unwrap(),
            expires: Timestamp::parse_iso("2027-11-23T08:00:00.000Z").unwrap(),
            lang: Lang::Fi,
            chosen_lang: None,
        }
    }

    #[test]
    fn writes_the_documented_v1_form() {
        let fixture = include_str!("../tests/fixtures/record-v1.json").trim();
        assert_eq!(sample().to_json(), fixture);
        assert_eq!(parse_stored(fixture), Ok(sample()));
    }

    #[test]
    fn round_trips_every_choice_and_language() {
        for bits in 0..8u8 {
            for chosen in [None, Some(Lang::Sv), Some(Lang::En)] {
                let mut r = sample();
                r.choices = Choices {
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
        refused(|_| "".into(), NotJson(json::parse("").unwrap_err()));
        let full = sample().to_json();
        let truncated = &full[..full.len() - 1];
        refused(|_| truncated.into(), NotJson(json::parse(truncated).unwrap_err()));
        refused(|_| "[]".into(), NoVersion);
        refused(|_| "null".into(), NoVersion);
        refused(|s| s.replace(r#""version":1"#, r#""version":"1""#), NoVersion);
        refused(|s| s.replace(r#""version":1"#, r#""version":2"#), UnknownVersion(2));
        refused(|s| s.replace(r#""version":1"#, r#""version":0"#), UnknownVersion(0));
        refused(|s| s.replace(r#""id":"3f1c"#, r#""id":"XXXX"#), BadField("id"));
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
        refused(|s| s.replace(r#","social":false"#, ""), BadField("categories"));
        refused(
            |s| s.replace(r#""revision":1"#, r#""revision":0"#),
            BadField("revision"),
        );
        refused(
            |s| s.replace(r#""revision":1"#, r#""revision":-1"#),
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
            |s| s.replace(r#""firstDecision":"2026-11-23T08:00:00.000Z""#, r#""firstDecision":0"#),
            BadField("firstDecision"),
        );
        refused(
            |s| s.replace(r#""version":1,"#, r#""version":1,"extra":true,"#),
            UnknownField("extra".into()),
        );
    }
}
