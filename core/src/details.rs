//! The extra module's boundary: a view model (see [`crate::model`]) to
//! markup, or to JSON where the edge needs data (an embed's verdict, the
//! declaration for `diffoConsent.declaration()`).

use crate::config::{Site, SiteConfig};
use crate::consent::Consent;
use crate::json::ObjectWriter;
use crate::lang::Lang;
use crate::model::{EmbedElement, Model};
use crate::prelude::*;
use crate::protocol::{array, configured, error, quoted};

/// Renders a view model of this module into markup: the work of
/// `consent-extra.wasm`, which the edge loads when a view first needs it.
/// `config` is the page's checked `data-config`, if any; `builtin` gives the
/// site's built-in config.
///
/// The views: `settings` (the settings layer), `declaration` (a
/// `data-consent-declaration` element), `declared`, which answers the
/// declaration as JSON for `diffoConsent.declaration()` (see
/// [`declared`]), and `embed`, which answers JSON rather than markup: what
/// one gated embed shows, given the base model of an `embeds` command plus
/// the element's `kind` (`frame` for an `<iframe data-consent data-src>`,
/// `plugin` for a `data-consent-embed` element), `attr` (its
/// `data-consent` or service id), `src`, `service` and `company` (its
/// optional names). The answer is `{"src":…}` or
/// `{"service":…,"scripts":[…]}` to show it now, `{"html":…,"once":{…}}`
/// for a placeholder and what "load this once" loads, or `{"error":…}`.
pub fn details(
    model: &str,
    config: Option<&[u8]>,
    builtin: impl Fn(Site) -> Option<SiteConfig>,
) -> Result<String, String> {
    let model = Model::read(model)?;
    let site = match &model {
        Model::Settings(m, _) => m.site,
        Model::Declaration(m, _) => m.site,
        Model::Declared(site, _) => *site,
        Model::Embed(m, _) => m.site,
    };
    let site_config = configured(site, config, builtin)?;
    match model {
        Model::Settings(m, receipt) => Ok(crate::view::settings(&crate::view::SettingsView {
            config: &site_config,
            lang: m.lang,
            draft: m.draft,
            gpc: m.gpc,
            policy_changed: m.policy_changed,
            id: m.id.as_deref(),
            receipt: receipt.as_deref(),
        })),
        Model::Declaration(m, receipt) => {
            let record = match &m.record {
                Some(text) => Some(crate::record::parse_stored(text).map_err(|e| e.message())?),
                None => None,
            };
            let resolved = record.as_ref().map(|r| {
                let allowed = Consent::of_record(r.categories, r.services.as_deref(), &site_config.services);
                (r, allowed)
            });
            Ok(crate::view::declaration(
                &site_config,
                m.lang,
                resolved,
                receipt.as_deref(),
            ))
        }
        Model::Declared(..) => Ok(declared(&site_config)),
        Model::Embed(m, element) => Ok(embed(&site_config, m.lang, &element, m.consent)),
    }
}

/// The site's cookie declaration as `diffoConsent.declaration()` gives it:
/// `[{"name","kind","party","category","service","provider"},…]`, where
/// `service` is the id of the service the entry belongs to, or `null` for
/// the site's own, and a name ending in `*` matches any suffix.
pub fn declared(config: &SiteConfig) -> String {
    let entries: Vec<String> = config
        .declaration()
        .map(|(owner, e)| {
            let mut w = ObjectWriter::new();
            w.str("name", &e.name)
                .str("kind", e.kind.key())
                .str("party", e.party.key())
                .str("category", e.category.key());
            match owner {
                Some(i) => w.str("service", &config.services[i].id),
                None => w.raw("service", "null"),
            };
            w.str("provider", &e.provider).finish()
        })
        .collect();
    array(&entries)
}

fn embed(config: &SiteConfig, lang: Lang, element: &EmbedElement, allowed: Consent) -> String {
    use crate::embed::{frame, plugin, Embed, Verdict};
    fn optional(s: &str) -> Option<&str> {
        (!s.is_empty()).then_some(s)
    }
    let verdict = match element.kind.as_str() {
        "frame" => frame(
            &element.attr,
            &element.src,
            optional(&element.service),
            optional(&element.company),
            config,
            allowed,
        ),
        _ => plugin(&element.attr, config, allowed, lang),
    };
    let load = |embed: &Embed| match embed {
        Embed::Frame { src } => ObjectWriter::new().str("src", src).finish(),
        Embed::Plugin { service, scripts } => {
            let scripts: Vec<String> = scripts.iter().map(|s| quoted(s)).collect();
            ObjectWriter::new()
                .str("service", service)
                .raw("scripts", &array(&scripts))
                .finish()
        }
    };
    match verdict {
        Verdict::Show(embed) => load(&embed),
        Verdict::Placeholder {
            embed,
            allow,
            service,
            company,
        } => ObjectWriter::new()
            .str("html", &crate::view::placeholder(lang, &service, &company, &allow))
            .raw("once", &load(&embed))
            .finish(),
        Verdict::Invalid(reason) => error(&reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::Category;
    use crate::json::{parse, Value};
    use crate::protocol::{act, declaration_model, Page};
    use crate::session::Session;
    use crate::time::Timestamp;

    const NOW: Timestamp = Timestamp(1_795_420_800_000);

    fn builtin(site: Site) -> Option<SiteConfig> {
        SiteConfig::builtin(site).ok()
    }

    fn page<'a>(hostname: &'a str) -> Page<'a> {
        Page {
            hostname,
            browser_langs: "en-US,en",
            ..Page::default()
        }
    }

    fn start(page: &Page<'_>, now: Timestamp) -> (Option<Session>, String) {
        crate::protocol::start(page, now, builtin)
    }

    fn checked(json: &str) -> Vec<u8> {
        crate::wire::encode(&crate::config::parse_settings(json).unwrap())
    }

    /// The text of a JSON object nested in `json` under `key`.
    fn nested<'a>(json: &'a str, key: &str, next: &str) -> &'a str {
        json.split(&format!(r#""{key}":"#))
            .nth(1)
            .unwrap()
            .split(&format!(r#","{next}""#))
            .next()
            .unwrap()
    }

    /// The embed model the edge sends for one element.
    fn embed_model(kind: &str, attr: &str, src: &str, consent: &str) -> std::string::String {
        format!(
            r#"{{"view":"embed","site":"diffo.se","lang":"sv","consent":"{consent}","kind":"{kind}","attr":"{attr}","src":"{src}","service":"","company":""}}"#
        )
    }

    #[test]
    fn embeds_answer_show_placeholder_or_error() {
        let config = builtin(Site::DiffoSe).unwrap();
        let social = Consent::NONE
            .with_category(&config.services, Category::Social, true)
            .token();
        let answer = |kind: &str, attr: &str, src: &str, consent: &str| {
            details(&embed_model(kind, attr, src, consent), None, builtin).unwrap()
        };
        let yt = "https://www.youtube.com/embed/x";
        assert_eq!(
            answer("frame", "social", yt, &social),
            r#"{"src":"https://www.youtube.com/embed/x"}"#
        );
        let placeholder = answer("frame", "social", yt, "0.0");
        assert!(
            placeholder.starts_with(r#"{"html":"<div class=\"dc-embed\""#),
            "{placeholder}"
        );
        assert!(placeholder.contains("Innehåll från YouTube"));
        assert!(
            placeholder.contains(r#"data-action=\"allow:service:youtube\""#),
            "{placeholder}"
        );
        assert!(placeholder.ends_with(r#","once":{"src":"https://www.youtube.com/embed/x"}}"#));
        let linkedin = r#"{"service":"linkedin","scripts":["https://platform.linkedin.com/in.js"]}"#;
        assert_eq!(answer("plugin", "linkedin", "", &social), linkedin);
        assert!(answer("plugin", "linkedin", "", "0.0").ends_with(&format!(r#""once":{linkedin}}}"#)));
        assert_eq!(
            answer("frame", "social", "javascript:x", &social),
            r#"{"error":"an embed's data-src is not an http(s) URL: \"javascript:x\""}"#
        );
        // A checked data-config without the service refuses it.
        let blob = checked(r#"{"removeServices": ["linkedin"]}"#);
        assert_eq!(
            details(&embed_model("plugin", "linkedin", "", &social), Some(&blob), builtin).unwrap(),
            r#"{"error":"data-consent-embed=\"linkedin\" names no service of this site"}"#
        );
        assert_eq!(
            details(&embed_model("plugin", "linkedin", "", "x"), None, builtin),
            Err("the view model's `consent` is not a consent".to_string())
        );
    }

    #[test]
    fn the_declaration_for_the_api_lists_every_entry() {
        let config = builtin(Site::DiffoFi).unwrap();
        let json = declared(&config);
        let Value::Array(entries) = parse(&json).unwrap() else {
            panic!("{json}")
        };
        assert_eq!(entries.len(), config.declaration().count());
        assert!(json.starts_with(
            r#"[{"name":"diffo-consent","kind":"localStorage","party":"first","category":"necessary","service":null,"provider":"Diffo Solutions Oy"},{"name":"_ga","kind":"cookie","party":"first","category":"analytics","service":"google-analytics","provider":"Google Ireland Limited"}"#
        ), "{json}");
        let model = r#"{"view":"declared","site":"diffo.fi","lang":"fi"}"#;
        assert_eq!(details(model, None, builtin).unwrap(), json);
    }

    #[test]
    fn the_settings_layer_comes_as_a_view_model_for_the_extra_module() {
        let (session, _) = start(
            &Page {
                gpc: true,
                ..page("diffo.fi")
            },
            NOW,
        );
        let mut session = session.unwrap();
        let json = act(&mut session, "settings", NOW, [0; 16]);
        assert_eq!(
            json,
            r#"{"details":{"view":"settings","site":"diffo.fi","lang":"fi","draft":"0.0","gpc":true,"policyChanged":false,"id":""},"focus":"dialog"}"#
        );
        let model = nested(&json, "details", "focus");
        let html = details(model, None, builtin).unwrap();
        assert!(
            html.contains(r#"aria-modal="true""#) && html.contains("Global Privacy Control"),
            "{html}"
        );
        assert!(html.contains(r#"data-service="google-analytics""#));
        // A checked data-config reaches the extra module too.
        let blob = checked(r#"{"googleAnalytics": null}"#);
        let html = details(model, Some(&blob), builtin).unwrap();
        assert!(!html.contains(r#"data-service="google-analytics""#));
    }

    #[test]
    fn declaration_models_render() {
        let (session, _) = start(&page("diffo.se"), NOW);
        let mut session = session.unwrap();
        let before = details(&declaration_model(&session), None, builtin).unwrap();
        assert!(before.contains("Du har inte gjort något val ännu."));
        act(&mut session, "reject-all", NOW, [8; 16]);
        let after = details(&declaration_model(&session), None, builtin).unwrap();
        assert!(after.contains(session.record().unwrap().id.as_str()));
        assert_eq!(
            details("{}", None, builtin),
            Err("the view model has no `lang`".to_string())
        );
        assert_eq!(
            details(r#"{"view":"x","lang":"fi","site":"diffo.fi"}"#, None, builtin),
            Err("unknown view \"x\"".to_string())
        );
    }
}
