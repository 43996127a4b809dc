//! The dialog's texts, compiled from `locales/{fi,en,sv}/*.ftl` at build time.
//!
//! Each file is a group with its own module and `Msg` enum: [`banner`] (the
//! first layer, in `consent.wasm`) and [`details`] (the settings layer, the
//! cookie declaration and placeholders, in the lazily loaded
//! `consent-extra.wasm`). Code that uses one group carries only its texts.
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

/// A compiled message of some group.
pub trait Message: Copy {
    /// The Fluent id, with `.attribute` for attributes.
    fn id(self) -> &'static str;
    /// The compiled parts of this message in `lang`.
    fn parts(self, lang: Lang) -> &'static [Part];
}

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// `msg` in `lang` with its variables filled in from `args`.
///
/// ```
/// use diffo_consent_core::{lang::Lang, texts::{banner, details, format, Var}};
/// assert_eq!(format(Lang::Sv, banner::Msg::ButtonRejectAll, &[]), "Avvisa alla");
/// assert_eq!(format(Lang::En, details::Msg::ServiceRecipient, &[(Var::Company, "Meta")]), "Recipient: Meta");
/// ```
pub fn format<M: Message>(lang: Lang, msg: M, args: &[(Var, &str)]) -> Cow<'static, str> {
    match msg.parts(lang) {
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
pub fn text<M: Message>(lang: Lang, msg: M) -> Cow<'static, str> {
    format(lang, msg, &[])
}

/// Every message of every group, as (id, parts in each language), for tests.
#[cfg(test)]
fn every_message() -> Vec<(&'static str, [&'static [Part]; 3])> {
    fn of<M: Message>(all: &[M]) -> Vec<(&'static str, [&'static [Part]; 3])> {
        all.iter()
            .map(|m| (m.id(), [m.parts(Lang::Fi), m.parts(Lang::En), m.parts(Lang::Sv)]))
            .collect()
    }
    [of(&banner::Msg::ALL), of(&details::Msg::ALL)].concat()
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

    fn render(parts: &[Part], args: &[(Var, &str)]) -> String {
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) => out.push_str(args.iter().find(|(k, _)| k == v).map(|(_, s)| *s).unwrap_or("?")),
            }
        }
        out
    }

    /// Every message formats without error in every language with the Fluent
    /// runtime, and the compiled form gives exactly the same text.
    #[test]
    fn every_message_in_every_language_matches_fluent() {
        let samples: Vec<(Var, std::string::String)> =
            Var::ALL.iter().map(|v| (*v, format!("<{}>", v.name()))).collect();
        let args: Vec<(Var, &str)> = samples.iter().map(|(v, s)| (*v, s.as_str())).collect();
        let mut fluent_args = FluentArgs::new();
        for (var, value) in &samples {
            fluent_args.set(var.name(), value.as_str());
        }
        for (i, lang) in Lang::ALL.into_iter().enumerate() {
            let bundle = bundle(lang);
            for (full_id, parts) in every_message() {
                let (id, attr) = match full_id.split_once('.') {
                    Some((id, attr)) => (id, Some(attr)),
                    None => (full_id, None),
                };
                let message = bundle
                    .get_message(id)
                    .unwrap_or_else(|| panic!("{} lacks {id}", lang.code()));
                let pattern = match attr {
                    Some(a) => message.get_attribute(a).expect("attribute").value(),
                    None => message.value().expect("value"),
                };
                let mut errors = vec![];
                let expected = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
                assert!(errors.is_empty(), "{} {full_id}: {errors:?}", lang.code());
                let ours = render(parts[i], &args);
                assert_eq!(ours, expected, "{} {full_id}", lang.code());
                assert!(!ours.trim().is_empty(), "{} {full_id} is empty", lang.code());
            }
        }
    }

    #[test]
    fn languages_really_differ() {
        // A message copied untranslated into another language is a mistake
        // this catches.
        for (id, [fi, en, sv]) in every_message() {
            assert_ne!(render(fi, &[]), render(sv, &[]), "{id} is the same in fi and sv");
            assert_ne!(render(en, &[]), render(sv, &[]), "{id} is the same in en and sv");
        }
    }

    #[test]
    fn missing_arguments_never_fail() {
        assert_eq!(
            format(Lang::Fi, details::Msg::ServiceRecipient, &[]),
            "Vastaanottaja: {$company}"
        );
    }
}
