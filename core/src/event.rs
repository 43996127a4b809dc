//! The events the banner reports to the consent log (`service/`): a dialog
//! was shown, or a decision was made.
//!
//! The payload is one JSON object, format version [`FORMAT_VERSION`]; the
//! service accepts exactly these fields and nothing else:
//!
//! ```json
//! {"version":1,"event":"shown","site":"diffo.fi","lang":"fi","revision":1,"texts":"0123456789abcdef"}
//! {"version":1,"event":"custom","id":"…","site":"diffo.fi","lang":"fi","revision":1,
//!  "texts":"0123456789abcdef","layer":"settings","categories":{"analytics":true,"marketing":false,"social":false}}
//! ```
//!
//! `texts` identifies the wording the visitor saw: a hash of every message of
//! that language (see [`crate::texts::SOURCE_HASH`]); `revision` is the
//! config's policy revision. The time is the service's, never the browser's,
//! and nothing identifies the visitor beyond the anonymous consent id.

use crate::category::{Category, Choices};
use crate::config::SiteConfig;
use crate::json::ObjectWriter;
use crate::lang::Lang;
use crate::prelude::*;
use crate::session::Action;

/// The payload's format version. Any change to the fields bumps it, with a
/// fixture of the old form in `core/tests/fixtures/`.
pub const FORMAT_VERSION: i64 = 1;

/// Where a decision came from, as the edge knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A control of the dialog (first or settings layer).
    Dialog,
    /// A control in the page: an embed's placeholder or the declaration on
    /// the privacy policy page.
    Page,
    /// A call of `window.diffoConsent`.
    Api,
}

/// What kind of decision this was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Accept all.
    AcceptAll,
    /// Reject all, with nothing granted before.
    RejectAll,
    /// A choice of categories (save, `set()`, an embed's "always allow").
    Custom,
    /// Something granted before was taken back.
    Withdraw,
}

impl Kind {
    /// A decision by `action` from `before` (the choices in force, if any)
    /// to `after`. Taking anything back is a withdrawal whatever the button
    /// said, so that the withdrawal rate counts every change of mind.
    pub fn of(action: Action, before: Option<Choices>, after: Choices) -> Kind {
        let took_back = before.is_some_and(|b| Category::OPTIONAL.iter().any(|&c| b.allows(c) && !after.allows(c)));
        match action {
            _ if took_back => Kind::Withdraw,
            Action::AcceptAll => Kind::AcceptAll,
            Action::RejectAll | Action::Withdraw => Kind::RejectAll,
            _ => Kind::Custom,
        }
    }

    /// The name in the payload.
    pub fn name(self) -> &'static str {
        match self {
            Kind::AcceptAll => "accept_all",
            Kind::RejectAll => "reject_all",
            Kind::Custom => "custom",
            Kind::Withdraw => "withdraw",
        }
    }
}

/// Where the decision was made, as the payload names it: `first` or
/// `settings` (the dialog's layers), `embed` (a placeholder's "always
/// allow"), `declaration` (the privacy policy page), `api`.
pub fn layer_name(source: Source, action: Action, settings_open: bool) -> &'static str {
    match (source, action) {
        (Source::Api, _) => "api",
        (_, Action::Allow(_)) => "embed",
        (Source::Page, _) => "declaration",
        (Source::Dialog, _) if settings_open => "settings",
        (Source::Dialog, _) => "first",
    }
}

fn common(w: &mut ObjectWriter, event: &str) {
    w.int("version", FORMAT_VERSION).str("event", event);
}

fn about(w: &mut ObjectWriter, config: &SiteConfig, lang: Lang) {
    w.str("site", config.site.domain())
        .str("lang", lang.code())
        .int("revision", i64::from(config.revision))
        .str("texts", crate::texts::SOURCE_HASH[lang as usize]);
}

/// The payload of a shown dialog (first layer).
pub fn shown(config: &SiteConfig, lang: Lang) -> String {
    let mut w = ObjectWriter::new();
    common(&mut w, "shown");
    about(&mut w, config, lang);
    w.finish()
}

/// The payload of a decision.
pub fn decision(kind: Kind, id: &str, config: &SiteConfig, lang: Lang, layer: &str, choices: Choices) -> String {
    let mut categories = ObjectWriter::new();
    for c in Category::OPTIONAL {
        categories.bool(c.key(), choices.allows(c));
    }
    let mut w = ObjectWriter::new();
    common(&mut w, kind.name());
    w.str("id", id);
    about(&mut w, config, lang);
    w.str("layer", layer).raw("categories", &categories.finish());
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Site;

    const A: Choices = Choices::ALL;
    const N: Choices = Choices::NONE;

    #[test]
    fn kinds() {
        let analytics = N.with(Category::Analytics, true);
        let check = |action, before, after, expected: Kind| {
            assert_eq!(
                Kind::of(action, before, after),
                expected,
                "{action:?} {before:?} → {after:?}"
            );
        };
        check(Action::AcceptAll, None, A, Kind::AcceptAll);
        check(Action::AcceptAll, Some(N), A, Kind::AcceptAll);
        check(Action::RejectAll, None, N, Kind::RejectAll);
        check(Action::RejectAll, Some(N), N, Kind::RejectAll);
        check(Action::RejectAll, Some(A), N, Kind::Withdraw);
        check(Action::Withdraw, Some(analytics), N, Kind::Withdraw);
        check(Action::Withdraw, None, N, Kind::RejectAll);
        check(Action::Save, None, analytics, Kind::Custom);
        check(Action::Save, None, A, Kind::Custom);
        check(Action::Save, Some(A), analytics, Kind::Withdraw);
        check(Action::Set(analytics), Some(N), analytics, Kind::Custom);
        check(
            Action::Allow(Category::Social),
            Some(analytics),
            analytics.with(Category::Social, true),
            Kind::Custom,
        );
    }

    #[test]
    fn layers() {
        let check = |source, action, open, expected| assert_eq!(layer_name(source, action, open), expected);
        check(Source::Dialog, Action::AcceptAll, false, "first");
        check(Source::Dialog, Action::Save, true, "settings");
        check(Source::Dialog, Action::RejectAll, true, "settings");
        check(Source::Page, Action::Allow(Category::Social), false, "embed");
        check(Source::Page, Action::Withdraw, false, "declaration");
        check(Source::Api, Action::AcceptAll, true, "api");
        check(Source::Api, Action::Allow(Category::Social), false, "api");
    }

    #[test]
    fn payloads_match_the_fixtures() {
        let config = SiteConfig::bare(Site::DiffoFi);
        let hash = crate::texts::SOURCE_HASH[Lang::Fi as usize];
        let fixture = |name: &str| {
            let text = match name {
                "shown" => include_str!("../tests/fixtures/event-v1-shown.json"),
                _ => include_str!("../tests/fixtures/event-v1-decision.json"),
            };
            text.trim().replace("HASH", hash)
        };
        assert_eq!(shown(&config, Lang::Fi), fixture("shown"));
        let choices = N.with(Category::Analytics, true);
        let id = "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60";
        assert_eq!(
            decision(Kind::Custom, id, &config, Lang::Fi, "settings", choices),
            fixture("decision")
        );
    }

    #[test]
    fn the_texts_hash_differs_by_language_and_is_hex() {
        let hashes = crate::texts::SOURCE_HASH;
        for h in hashes {
            assert!(
                h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                "{h}"
            );
        }
        assert!(hashes[0] != hashes[1] && hashes[1] != hashes[2] && hashes[0] != hashes[2]);
    }
}
