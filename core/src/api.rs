//! Arguments of the JavaScript API (`window.diffoConsent`), checked here so
//! that a page script's mistake is a clear error, never a silent grant.

use crate::category::{Category, Choices};
use crate::prelude::*;

/// Reads the argument of `diffoConsent.set(…)`, given as the text
/// `JSON.stringify(argument)` writes (the edge passes exactly that).
///
/// The argument is an object with any of `analytics`, `marketing` and
/// `social`, each a boolean. A category left out is refused (`false`), so the
/// result never allows more than the caller wrote down. `necessary: true` is
/// accepted and means nothing; anything else is an error.
///
/// ```
/// use diffo_consent_core::api::parse_choices;
/// let c = parse_choices(r#"{"analytics":true}"#).unwrap();
/// assert!(c.analytics && !c.marketing && !c.social);
/// assert!(parse_choices(r#"{"analytics":"yes"}"#).is_err());
/// ```
pub fn parse_choices(text: &str) -> Result<Choices, String> {
    const USAGE: &str = "diffoConsent.set() takes an object like {analytics: true, marketing: false, social: false}";
    let Some(mut rest) = text.strip_prefix('{') else {
        return Err(USAGE.to_string());
    };
    let mut choices = Choices::NONE;
    if rest == "}" {
        return Ok(choices);
    }
    loop {
        // A key with an escaped quote is no category; it is refused below
        // as a malformed argument.
        let key_end = rest.get(1..).and_then(|r| r.find('"')).map(|i| i + 1);
        let (Some(inner), Some(after)) = (
            key_end.and_then(|e| rest.get(1..e)),
            key_end
                .and_then(|e| rest.get(e + 1..))
                .and_then(|r| r.strip_prefix(':')),
        ) else {
            return Err(USAGE.to_string());
        };
        let category =
            Category::from_key(inner).ok_or_else(|| [USAGE, "; unknown category \"", inner, "\""].concat())?;
        let (value, after) = if let Some(r) = after.strip_prefix("true") {
            (true, r)
        } else if let Some(r) = after.strip_prefix("false") {
            (false, r)
        } else {
            let kind = match after.bytes().next() {
                Some(b'"') => "a string",
                Some(b'{') => "an object",
                Some(b'[') => "an array",
                Some(b'n') => "null",
                _ => "a number",
            };
            return Err([USAGE, "; \"", inner, "\" must be true or false, not ", kind].concat());
        };
        match category {
            Category::Necessary if !value => return Err([USAGE, "; necessary cannot be turned off"].concat()),
            c => choices = choices.with(c, value),
        }
        match after.strip_prefix(',') {
            Some(r) => rest = r,
            None if after == "}" => return Ok(choices),
            None => return Err(USAGE.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_argument_table() {
        let only = |c: Category| Choices::NONE.with(c, true);
        for (input, expected) in [
            (r#"{}"#, Ok(Choices::NONE)),
            (r#"{"analytics":true,"marketing":true,"social":true}"#, Ok(Choices::ALL)),
            (r#"{"marketing":true}"#, Ok(only(Category::Marketing))),
            (
                r#"{"social":true,"analytics":false,"necessary":true}"#,
                Ok(only(Category::Social)),
            ),
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
        ] {
            match (parse_choices(input), expected) {
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
