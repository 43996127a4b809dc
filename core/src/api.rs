//! Arguments of the JavaScript API (`window.diffoConsent`), checked here so
//! that a page script's mistake is a clear error, never a silent grant.

use crate::category::{Category, Choices};
use crate::json::{self, Value};

/// Reads the argument of `diffoConsent.set(…)`, given as JSON text (the glue
/// passes `JSON.stringify(argument)`).
///
/// The argument is an object with any of `analytics`, `marketing` and
/// `social`, each a boolean. A category left out is refused (`false`), so the
/// result never allows more than the caller wrote down. `necessary: true` is
/// accepted and means nothing; anything else is an error.
///
/// ```
/// use diffo_consent_core::api::parse_choices;
/// let c = parse_choices(r#"{"analytics": true}"#).unwrap();
/// assert!(c.analytics && !c.marketing && !c.social);
/// assert!(parse_choices(r#"{"analytics": "yes"}"#).is_err());
/// ```
pub fn parse_choices(json_text: &str) -> Result<Choices, String> {
    const USAGE: &str = "diffoConsent.set() takes an object like {analytics: true, marketing: false, social: false}";
    let Ok(Value::Object(fields)) = json::parse(json_text) else {
        return Err(USAGE.to_string());
    };
    let mut choices = Choices::NONE;
    for (key, value) in &fields {
        let category = Category::from_key(key).ok_or_else(|| [USAGE, "; unknown category \"", key, "\""].concat())?;
        match (category, value) {
            (Category::Necessary, Value::Bool(true)) => {}
            (Category::Necessary, _) => return Err([USAGE, "; necessary cannot be turned off"].concat()),
            (c, Value::Bool(on)) => choices = choices.with(c, *on),
            (_, other) => {
                return Err([USAGE, "; \"", key, "\" must be true or false, not ", other.type_name()].concat())
            }
        }
    }
    Ok(choices)
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
