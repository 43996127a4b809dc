//! The dialog's texts, compiled from `locales/{fi,en,sv}/*.ftl` at build time.
//!
//! `build.rs` checks that every message exists in every language with the
//! same variables, so looking a message up cannot fail. Formatting cannot
//! fail either: a variable the caller did not supply is written as
//! `{$name}`, the way Fluent does, and the rest of the text stands.

use crate::lang::Lang;
use crate::prelude::*;
use alloc::borrow::Cow;

/// One piece of a compiled message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Literal text.
    Text(&'static str),
    /// A `{ $variable }` placeholder.
    Var(Var),
}

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// The compiled parts of `msg` in `lang`.
pub fn parts(lang: Lang, msg: Msg) -> &'static [Part] {
    let table = match lang {
        Lang::Fi => &FI,
        Lang::En => &EN,
        Lang::Sv => &SV,
    };
    table[msg as usize]
}

/// `msg` in `lang` with its variables filled in from `args`.
///
/// ```
/// use diffo_consent_core::{lang::Lang, texts::{format, Msg, Var}};
/// assert_eq!(format(Lang::Sv, Msg::ButtonRejectAll, &[]), "Avvisa alla");
/// assert_eq!(format(Lang::En, Msg::SettingsServices, &[(Var::Services, "Meta Pixel")]), "Services: Meta Pixel");
/// ```
pub fn format(lang: Lang, msg: Msg, args: &[(Var, &str)]) -> Cow<'static, str> {
    match parts(lang, msg) {
        [Part::Text(t)] => Cow::Borrowed(t),
        parts => {
            let mut out = String::new();
            for part in parts {
                match part {
                    Part::Text(t) => out.push_str(t),
                    Part::Var(v) => match args.iter().find(|(k, _)| k == v) {
                        Some((_, value)) => out.push_str(value),
                        None => {
                            out.push_str("{$");
                            out.push_str(v.name());
                            out.push('}');
                        }
                    },
                }
            }
            Cow::Owned(out)
        }
    }
}

/// Shorthand for a message without variables.
pub fn text(lang: Lang, msg: Msg) -> Cow<'static, str> {
    format(lang, msg, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};

    fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../locales")
            .join(lang.code());
        let mut bundle = FluentBundle::new(vec![lang.code().parse().unwrap()]);
        bundle.set_use_isolating(false);
        for entry in std::fs::read_dir(dir).unwrap() {
            let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            bundle
                .add_resource(FluentResource::try_new(source).expect("parses"))
                .expect("no duplicates");
        }
        bundle
    }

    /// Every message formats without error in every language with the Fluent
    /// runtime, and the compiled form gives exactly the same text.
    #[test]
    fn every_message_in_every_language_matches_fluent() {
        for lang in Lang::ALL {
            let bundle = bundle(lang);
            for msg in Msg::ALL {
                let (id, attr) = match msg.id().split_once('.') {
                    Some((id, attr)) => (id, Some(attr)),
                    None => (msg.id(), None),
                };
                let message = bundle
                    .get_message(id)
                    .unwrap_or_else(|| panic!("{} lacks {id}", lang.code()));
                let pattern = match attr {
                    Some(a) => message.get_attribute(a).expect("attribute").value(),
                    None => message.value().expect("value"),
                };
                let mut fluent_args = FluentArgs::new();
                fluent_args.set("services", "Google Analytics, Meta Pixel");
                let mut errors = vec![];
                let expected = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
                assert!(errors.is_empty(), "{} {}: {errors:?}", lang.code(), msg.id());
                let ours = format(lang, msg, &[(Var::Services, "Google Analytics, Meta Pixel")]);
                assert_eq!(ours, expected, "{} {}", lang.code(), msg.id());
                assert!(!ours.trim().is_empty(), "{} {} is empty", lang.code(), msg.id());
            }
        }
    }

    #[test]
    fn languages_really_differ() {
        // A message copied untranslated into another language is a mistake
        // this catches (names of languages excepted, of which there are none).
        for msg in Msg::ALL {
            assert_ne!(
                text(Lang::Fi, msg),
                text(Lang::Sv, msg),
                "{} is the same in fi and sv",
                msg.id()
            );
            assert_ne!(
                text(Lang::En, msg),
                text(Lang::Sv, msg),
                "{} is the same in en and sv",
                msg.id()
            );
        }
    }

    #[test]
    fn missing_arguments_never_fail() {
        assert_eq!(format(Lang::Fi, Msg::SettingsServices, &[]), "Palvelut: {$services}");
    }
}
