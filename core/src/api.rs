//! Arguments of the JavaScript API (`window.diffoConsent`), checked here so
//! that a page script's mistake is a clear error, never a silent grant.

use crate::category::{Category, Choices};
use crate::consent::Consent;
use crate::prelude::*;
use crate::service::Service;

const USAGE: &str =
    "diffoConsent.set() takes an object like {analytics: true, marketing: false, social: false, services: {youtube: true}}";

/// Reads the argument of `diffoConsent.set(…)`, given as the text
/// `JSON.stringify(argument)` writes (the edge passes exactly that).
///
/// The argument is an object with any of `analytics`, `marketing` and
/// `social`, each a boolean, and `services`, an object of the site's service
/// ids, each a boolean. A category turns all of its services with it; then
/// each service listed is set on its own, whatever the order of the keys.
/// Anything left out is refused, so the result never allows more than the
/// caller wrote down. `necessary: true` is accepted and means nothing;
/// anything else is an error.
///
/// ```
/// use diffo_consent_core::api::parse_consent;
/// let c = parse_consent(r#"{"analytics":true}"#, &[]).unwrap();
/// assert!(c.categories.analytics && !c.categories.marketing && !c.categories.social);
/// assert!(parse_consent(r#"{"analytics":"yes"}"#, &[]).is_err());
/// ```
pub fn parse_consent(text: &str, services: &[Service]) -> Result<Consent, String> {
    let mut r = Reader { rest: text };
    let mut categories = Choices::NONE;
    let mut chosen: Vec<(usize, bool)> = Vec::new();
    r.object(|r, key| {
        if key == "services" {
            return r.services(services, &mut chosen);
        }
        let category = Category::from_key(key).ok_or_else(|| [USAGE, "; unknown category \"", key, "\""].concat())?;
        match (category, r.boolean(key)?) {
            (Category::Necessary, false) => Err([USAGE, "; necessary cannot be turned off"].concat()),
            (c, on) => {
                categories = categories.with(c, on);
                Ok(())
            }
        }
    })?;
    if !r.rest.is_empty() {
        return Err(USAGE.to_string());
    }
    let consent = Consent::of_categories(services, categories);
    Ok(chosen
        .into_iter()
        .fold(consent, |c, (i, on)| c.with_service(services, i, on)))
}

/// Reads `JSON.stringify`'s text from the front: no white space, and keys
/// without escapes (a key with an escaped quote is no category or service,
/// and is refused as a malformed argument).
struct Reader<'a> {
    rest: &'a str,
}

impl<'a> Reader<'a> {
    fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    /// `{"key":value,…}`, calling `member` with each key to read its value.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> Result<(), String>) -> Result<(), String> {
        if !self.eat('{') {
            return Err(USAGE.to_string());
        }
        if self.eat('}') {
            return Ok(());
        }
        loop {
            let key = self.key().ok_or_else(|| USAGE.to_string())?;
            member(self, key)?;
            if self.eat('}') {
                return Ok(());
            }
            if !self.eat(',') {
                return Err(USAGE.to_string());
            }
        }
    }

    fn key(&mut self) -> Option<&'a str> {
        let inner = self.rest.strip_prefix('"')?;
        let end = inner.find(['"', '\\'])?;
        if inner.as_bytes().get(end) != Some(&b'"') {
            return None;
        }
        let key = inner.get(..end)?;
        self.rest = inner.get(end + 1..)?.strip_prefix(':')?;
        Some(key)
    }

    fn boolean(&mut self, name: &str) -> Result<bool, String> {
        for (word, value) in [("true", true), ("false", false)] {
            if let Some(rest) = self.rest.strip_prefix(word) {
                self.rest = rest;
                return Ok(value);
            }
        }
        let kind = match self.rest.bytes().next() {
            Some(b'"') => "a string",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b'n') => "null",
            _ => "a number",
        };
        Err([USAGE, "; \"", name, "\" must be true or false, not ", kind].concat())
    }

    fn services(&mut self, services: &[Service], chosen: &mut Vec<(usize, bool)>) -> Result<(), String> {
        if !self.rest.starts_with('{') {
            return Err([
                USAGE,
                "; \"services\" must be an object of service ids and true or false",
            ]
            .concat());
        }
        self.object(|r, id| {
            let i = services
                .iter()
                .position(|s| s.id == id)
                .ok_or_else(|| [USAGE, "; unknown service \"", id, "\""].concat())?;
            let on = r.boolean(&["services.", id].concat())?;
            chosen.push((i, on));
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Site, SiteConfig};

    #[test]
    fn set_argument_table() {
        let config = SiteConfig::builtin(Site::DiffoFi).unwrap();
        let s = &config.services;
        let only = |c: Category| Consent::NONE.with_category(s, c, true);
        let youtube = config.service_index("youtube").unwrap();
        for (input, expected) in [
            (r#"{}"#, Ok(Consent::NONE)),
            (
                r#"{"analytics":true,"marketing":true,"social":true}"#,
                Ok(Consent::all(s)),
            ),
            (r#"{"marketing":true}"#, Ok(only(Category::Marketing))),
            (
                r#"{"social":true,"analytics":false,"necessary":true}"#,
                Ok(only(Category::Social)),
            ),
            (
                r#"{"services":{"youtube":true}}"#,
                Ok(Consent::NONE.with_service(s, youtube, true)),
            ),
            // Services are set after the categories, whatever the order.
            (
                r#"{"services":{"youtube":false},"social":true}"#,
                Ok(only(Category::Social).with_service(s, youtube, false)),
            ),
            (r#"{"services":{}}"#, Ok(Consent::NONE)),
            (
                r#"{"analytics":1}"#,
                Err("\"analytics\" must be true or false, not a number"),
            ),
            (
                r#"{"analytics":"true"}"#,
                Err("\"analytics\" must be true or false, not a string"),
            ),
            (r#"{"necessary":false}"#, Err("necessary cannot be turned off")),
            (r#"{"ads":true}"#, Err("unknown category \"ads\"")),
            (r#"{"services":{"tiktok":true}}"#, Err("unknown service \"tiktok\"")),
            (
                r#"{"services":{"youtube":"yes"}}"#,
                Err("\"services.youtube\" must be true or false, not a string"),
            ),
            (
                r#"{"services":true}"#,
                Err("\"services\" must be an object of service ids and true or false"),
            ),
            (
                r#"{"services":["youtube"]}"#,
                Err("\"services\" must be an object of service ids and true or false"),
            ),
            ("[]", Err("")),
            ("true", Err("")),
            ("undefined", Err("")),
            (
                r#"{"analytics":{}}"#,
                Err("\"analytics\" must be true or false, not an object"),
            ),
            (r#"{"social":null}"#, Err("\"social\" must be true or false, not null")),
            (r#"{"a\"b":true}"#, Err("")),
            (r#"{"analytics":true"#, Err("")),
            (r#"{"analytics":true}x"#, Err("")),
            (r#"{"services":{"youtube":true}"#, Err("")),
        ] {
            match (parse_consent(input, s), expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{input}"),
                (Err(got), Err(want)) => {
                    assert!(got.starts_with("diffoConsent.set() takes an object"), "{got}");
                    assert!(got.ends_with(want), "{input}: {got}");
                }
                (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
            }
        }
    }
}
