//! The config checker's vocabulary: the error that names a key, and the
//! checks of single values that every part of a config uses (numbers in a
//! range, booleans, texts, links, languages, lists of names).
//!
//! A config is checked whole before any of it applies, so that a typo never
//! silently turns a tracker on or off: every function here either returns
//! the value or a [`ConfigError`] whose path says where the problem is
//! (`services[2].scripts[0]`).

use crate::json::Value;
use crate::lang::Lang;
use crate::num;
use crate::prelude::*;
use core::fmt;

/// Why a config was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// Where in the config: a key such as `privacyPolicy.fi`, or empty for
    /// the whole document.
    pub path: String,
    /// What is wrong there.
    pub problem: String,
}

impl ConfigError {
    /// The problem `problem` at `path`.
    pub fn at(path: &str, problem: String) -> ConfigError {
        ConfigError {
            path: path.to_string(),
            problem,
        }
    }

    /// The error in a sentence that names the key.
    pub fn message(&self) -> String {
        if self.path.is_empty() || self.problem.starts_with("unknown key") {
            ["invalid config: ", &self.problem].concat()
        } else {
            ["invalid config: `", &self.path, "` ", &self.problem].concat()
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for ConfigError {}

/// `at` followed by `[i]`, the path of an item in a list.
pub fn item(at: &str, i: usize) -> String {
    [at, "[", &num::decimal(i as i64), "]"].concat()
}

/// `at` followed by `.key`, the path of a field in an object.
pub fn field(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        [at, ".", key].concat()
    }
}

/// "must be `expected`, got a string", at `path`.
pub fn type_error(path: &str, expected: &str, value: &Value) -> ConfigError {
    ConfigError::at(path, ["must be ", expected, ", got ", value.type_name()].concat())
}

/// A whole number between `min` and `max`.
pub fn int_in(path: &str, value: &Value, min: u32, max: u32) -> Result<u32, ConfigError> {
    match value {
        Value::Int(n) if (i64::from(min)..=i64::from(max)).contains(n) => Ok(*n as u32),
        Value::Int(n) => {
            let (min, max, n) = (num::decimal(min.into()), num::decimal(max.into()), num::decimal(*n));
            Err(ConfigError::at(
                path,
                ["must be between ", &min, " and ", &max, ", got ", &n].concat(),
            ))
        }
        other => Err(type_error(path, "a whole number", other)),
    }
}

/// `true` or `false`.
pub fn boolean(path: &str, value: &Value) -> Result<bool, ConfigError> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => Err(type_error(path, "true or false", other)),
    }
}

/// A text that is not blank and at most `max` bytes long.
pub fn text(path: &str, value: &Value, max: usize) -> Result<String, ConfigError> {
    match value {
        Value::Str(s) if !s.trim().is_empty() && s.len() <= max => Ok(s.clone()),
        Value::Str(s) if s.len() > max => Err(ConfigError::at(
            path,
            ["must be at most ", &num::decimal(max as i64), " bytes long"].concat(),
        )),
        _ => Err(ConfigError::at(path, "must be a non-empty text".to_string())),
    }
}

/// A language code: `"fi"`, `"en"` or `"sv"`.
pub fn lang(path: &str, value: &Value) -> Result<Lang, ConfigError> {
    match value {
        Value::Str(s) => Lang::from_code(s)
            .ok_or_else(|| ConfigError::at(path, ["must be \"fi\", \"en\" or \"sv\", got \"", s, "\""].concat())),
        other => Err(type_error(path, "a language code", other)),
    }
}

/// A text in each of the three languages: `{"fi": …, "en": …, "sv": …}`,
/// in [`Lang::ALL`] order.
pub fn texts(path: &str, value: &Value, max: usize) -> Result<[String; 3], ConfigError> {
    let Value::Object(fields) = value else {
        return Err(type_error(path, "an object with fi, en and sv texts", value));
    };
    if let Some((key, _)) = fields.iter().find(|(k, _)| Lang::from_code(k).is_none()) {
        return Err(ConfigError::at(
            path,
            ["has unknown language `", key, "`; use \"fi\", \"en\" and \"sv\""].concat(),
        ));
    }
    let mut out: [String; 3] = Default::default();
    for (slot, lang) in out.iter_mut().zip(Lang::ALL) {
        *slot = match value.get(lang.code()) {
            Some(v) => text(&field(path, lang.code()), v, max)?,
            None => return Err(ConfigError::at(path, ["needs a text in ", lang.code()].concat())),
        };
    }
    Ok(out)
}

/// Whether `s` is free of what a URL must never contain here: white space,
/// control characters and backslashes (which browsers read as slashes), and
/// at most 2048 bytes long.
fn is_clean_url(s: &str) -> bool {
    s.len() <= 2048 && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

/// A same-site path (`/privacy`) or an absolute `https:` or `http:` URL.
/// Everything else, `javascript:` in particular, is refused.
pub fn is_link(s: &str) -> bool {
    let scheme_ok = (s.starts_with('/') && !s.starts_with("//"))
        || s.strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .is_some_and(|rest| !rest.is_empty());
    scheme_ok && is_clean_url(s)
}

/// A link: see [`is_link`].
pub fn link(path: &str, value: &Value) -> Result<String, ConfigError> {
    match value {
        Value::Str(s) if is_link(s) => Ok(s.clone()),
        Value::Str(s) => Err(ConfigError::at(
            path,
            ["must be a path starting with \"/\" or an http(s) URL, got \"", s, "\""].concat(),
        )),
        other => Err(type_error(path, "a URL", other)),
    }
}

/// An absolute `https:` URL with a host, as vendors' scripts and policies are.
pub fn https_url(path: &str, value: &Value) -> Result<String, ConfigError> {
    match value {
        Value::Str(s)
            if s.strip_prefix("https://")
                .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
                && is_clean_url(s) =>
        {
            Ok(s.clone())
        }
        Value::Str(s) => Err(ConfigError::at(
            path,
            ["must be an https:// URL, got \"", s, "\""].concat(),
        )),
        other => Err(type_error(path, "an https:// URL", other)),
    }
}

/// A list whose items `each` checks, at `path[i]`.
pub fn list<T>(
    path: &str,
    value: &Value,
    what: &str,
    mut each: impl FnMut(&str, &Value) -> Result<T, ConfigError>,
) -> Result<Vec<T>, ConfigError> {
    let Value::Array(items) = value else {
        return Err(type_error(path, &["an array of ", what].concat(), value));
    };
    items.iter().enumerate().map(|(i, v)| each(&item(path, i), v)).collect()
}

/// Refuses a key of an object that is not among `known`.
pub fn known_keys(path: &str, fields: &[(String, Value)], known: &[&str]) -> Result<(), ConfigError> {
    match fields.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        Some((key, _)) => Err(ConfigError::at(
            &field(path, key),
            ["is not a known key (", &known.join(", "), ")"].concat(),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_urls() {
        for (url, ok) in [
            ("/", true),
            ("/a/b?c#d", true),
            ("https://www.diffo.fi/tietosuoja", true),
            ("http://diffo.fi", true),
            ("https://", false),
            ("//diffo.fi", false),
            ("javascript:alert(1)", false),
            ("data:text/html,x", false),
            ("/a b", false),
            ("/a\\b", false),
            ("privacy", false),
        ] {
            assert_eq!(is_link(url), ok, "{url}");
        }
        let https = |s: &str| https_url("x", &Value::Str(s.to_string())).is_ok();
        assert!(https("https://snap.licdn.com/li.lms-analytics/insight.min.js"));
        for bad in [
            "http://snap.licdn.com/x.js",
            "https://",
            "https:///x.js",
            "//cdn.example/x.js",
            "https://a b/",
            "javascript:x",
        ] {
            assert!(!https(bad), "{bad}");
        }
    }

    #[test]
    fn texts_in_three_languages() {
        let v = crate::json::parse(r#"{"fi": "Yksi", "en": "One", "sv": "Ett"}"#).unwrap();
        assert_eq!(texts("p", &v, 100).unwrap(), ["Yksi", "One", "Ett"]);
        for (json, message) in [
            (
                r#"{"fi": "Yksi", "en": "One"}"#,
                "invalid config: `p` needs a text in sv",
            ),
            (
                r#"{"fi": "Yksi", "en": "One", "sv": " "}"#,
                "invalid config: `p.sv` must be a non-empty text",
            ),
            (
                r#"{"fi": "Yksi", "en": "One", "sv": "Ett", "de": "Eins"}"#,
                "invalid config: `p` has unknown language `de`; use \"fi\", \"en\" and \"sv\"",
            ),
            (
                r#""One""#,
                "invalid config: `p` must be an object with fi, en and sv texts, got a string",
            ),
        ] {
            let v = crate::json::parse(json).unwrap();
            assert_eq!(texts("p", &v, 100).unwrap_err().to_string(), message, "{json}");
        }
        let long = Value::Str("x".repeat(101));
        assert_eq!(
            text("p", &long, 100).unwrap_err().to_string(),
            "invalid config: `p` must be at most 100 bytes long"
        );
    }
}
