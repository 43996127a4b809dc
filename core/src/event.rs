//! The events the banner reports to the consent log (`service/`): a dialog
//! was shown, or a decision was made.
//!
//! The payload is one JSON object, format version [`FORMAT_VERSION`]; the
//! service accepts exactly these fields and nothing else:
//!
//! ```json
//! {"version":2,"event":"shown","site":"diffo.fi","lang":"fi","revision":1,"texts":"0123456789abcdef"}
//! {"version":2,"event":"custom","id":"…","site":"diffo.fi","lang":"fi","revision":1,
//!  "texts":"0123456789abcdef","layer":"settings","categories":{"analytics":true,"marketing":false,"social":false},
//!  "services":{"google-analytics":true,"meta-pixel":false}}
//! ```
//!
//! Version 2 added `services`, the choice of each service of the site; the
//! service still reads version 1 (fixtures of both in `core/tests/fixtures/`).
//!
//! `texts` identifies the wording the visitor saw: a hash of every message of
//! that language (see [`crate::texts::SOURCE_HASH`]); `revision` is the
//! config's policy revision. The time is the service's, never the browser's,
//! and nothing identifies the visitor beyond the random consent id.

use crate::action::Action;
use crate::category::Category;
use crate::config::SiteConfig;
use crate::consent::Consent;
use crate::json::ObjectWriter;
use crate::lang::Lang;
use crate::prelude::*;

/// The payload's format version. Any change to the fields bumps it, with a
/// fixture of the old form in `core/tests/fixtures/`.
pub const FORMAT_VERSION: i64 = 2;

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
    /// A choice of its own (save, `set()`, an embed's "always allow").
    Custom,
    /// Something granted before was taken back.
    Withdraw,
}

impl Kind {
    /// A decision by `action` from `before` (the choices in force, if any)
    /// to `after`. Taking anything back is a withdrawal whatever the button
    /// said, so that the withdrawal rate counts every change of mind.
    pub fn of(action: Action, before: Option<Consent>, after: Consent) -> Kind {
        let took_back = before.is_some_and(|b| !b.added_since(after).is_none());
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
        (_, Action::Allow(_) | Action::AllowService(_)) => "embed",
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
        .str("texts", crate::texts::SOURCE_HASH[lang.index()]);
}

/// The payload of a shown dialog (first layer).
pub fn shown(config: &SiteConfig, lang: Lang) -> String {
    let mut w = ObjectWriter::new();
    common(&mut w, "shown");
    about(&mut w, config, lang);
    w.finish()
}

/// The payload of a decision.
pub fn decision(kind: Kind, id: &str, config: &SiteConfig, lang: Lang, layer: &str, consent: Consent) -> String {
    let mut categories = ObjectWriter::new();
    for c in Category::OPTIONAL {
        categories.bool(c.key(), consent.allows(c));
    }
    let mut services = ObjectWriter::new();
    for (i, service) in config.services.iter().enumerate() {
        services.bool(&service.id, consent.allows_service(i));
    }
    let mut w = ObjectWriter::new();
    common(&mut w, kind.name());
    w.str("id", id);
    about(&mut w, config, lang);
    w.str("layer", layer)
        .raw("categories", &categories.finish())
        .raw("services", &services.finish());
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::Choices;
    use crate::config::Site;

    fn config() -> SiteConfig {
        SiteConfig::builtin(Site::DiffoFi).unwrap()
    }

    #[test]
    fn kinds() {
        let c = config();
        let all = Consent::all(&c.services);
        let n = Consent::NONE;
        let analytics = n.with_category(&c.services, Category::Analytics, true);
        let youtube = n.with_service(&c.services, c.service_index("youtube").unwrap(), true);
        let check = |action, before, after, expected: Kind| {
            assert_eq!(
                Kind::of(action, before, after),
                expected,
                "{action:?} {before:?} → {after:?}"
            );
        };
        check(Action::AcceptAll, None, all, Kind::AcceptAll);
        check(Action::AcceptAll, Some(n), all, Kind::AcceptAll);
        check(Action::RejectAll, None, n, Kind::RejectAll);
        check(Action::RejectAll, Some(n), n, Kind::RejectAll);
        check(Action::RejectAll, Some(all), n, Kind::Withdraw);
        check(Action::Withdraw, Some(analytics), n, Kind::Withdraw);
        check(Action::Withdraw, None, n, Kind::RejectAll);
        check(Action::Save, None, analytics, Kind::Custom);
        check(Action::Save, None, all, Kind::Custom);
        check(Action::Save, Some(all), analytics, Kind::Withdraw);
        check(Action::Set(analytics), Some(n), analytics, Kind::Custom);
        check(
            Action::AllowService(5),
            Some(analytics),
            analytics.union(youtube),
            Kind::Custom,
        );
        // Taking back one service is a withdrawal too.
        check(Action::Save, Some(analytics.union(youtube)), analytics, Kind::Withdraw);
    }

    #[test]
    fn layers() {
        let check = |source, action, open, expected| assert_eq!(layer_name(source, action, open), expected);
        check(Source::Dialog, Action::AcceptAll, false, "first");
        check(Source::Dialog, Action::Save, true, "settings");
        check(Source::Dialog, Action::RejectAll, true, "settings");
        check(Source::Page, Action::Allow(Category::Social), false, "embed");
        check(Source::Page, Action::AllowService(0), false, "embed");
        check(Source::Page, Action::Withdraw, false, "declaration");
        check(Source::Api, Action::AcceptAll, true, "api");
        check(Source::Api, Action::Allow(Category::Social), false, "api");
    }

    fn fixture(name: &str) -> std::string::String {
        let hash = crate::texts::SOURCE_HASH[Lang::Fi.index()];
        let text = match name {
            "shown" => include_str!("../tests/fixtures/event-v2-shown.json"),
            _ => include_str!("../tests/fixtures/event-v2-decision.json"),
        };
        text.trim().replace("HASH", hash)
    }

    #[test]
    fn payloads_match_the_fixtures() {
        let mut site = SiteConfig::bare(Site::DiffoFi);
        assert_eq!(shown(&site, Lang::Fi), fixture("shown"));
        // The fixture's two services: Google Analytics and an Insight Tag.
        let mut builtin = config();
        let insight = crate::service::tests::INSIGHT;
        builtin.apply_json(&format!(r#"{{"services": [{insight}]}}"#)).unwrap();
        site.services = builtin
            .services
            .into_iter()
            .filter(|s| s.id == "google-analytics" || s.id == "linkedin-insight")
            .collect();
        let analytics = Consent::of_categories(&site.services, Choices::NONE.with(Category::Analytics, true));
        let id = "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60";
        assert_eq!(
            decision(Kind::Custom, id, &site, Lang::Fi, "settings", analytics),
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
