//! The first-visit table: what `consent.js` carries out before, or without,
//! the banner module.
//!
//! A page with nothing stored and no `data-config` on a Diffo site is one of
//! [`FIRST_VISITS`] first visits (site × language × Global Privacy Control).
//! Its effects do not depend on the time, so `cargo xtask build` computes
//! them here, with the banner module's own [`protocol::start`], and writes
//! them into `consent.js`; `consent-first.wasm` names the one that fits the
//! page ([`first_visit`]). The first layer's two decisions, accept all and
//! reject all, are computed the same way ([`first_decisions`]): they depend
//! on the time and on the random consent id only through three texts (the
//! id, the decision's time and its expiry), which the templates hold as the
//! [`MARKERS`]. `consent-first.wasm` writes the
//! three texts ([`decision_values`]) and the edge puts them in place, so a
//! first-time visitor's click takes effect with `consent.js` alone.
//!
//! The host tests prove both tables: every first visit's effects are what
//! `start` returns for it, at any time, and every filled decision is, byte
//! for byte, what the banner module's `act` returns, at any time and for any
//! random bytes.

use crate::config::{Site, SiteConfig};
use crate::id::ConsentId;
use crate::lang::{Lang, LangHints};
use crate::prelude::*;
use crate::protocol::{self, site_named, Page};
use crate::time::Timestamp;

/// How many first visits there are: one per site, language and Global
/// Privacy Control signal.
pub const FIRST_VISITS: usize = Site::ALL.len() * Lang::ALL.len() * 2;

/// Which first visit of [`first_visits`] a page is, if it is one: a page
/// with no stored decision and no `data-config` on a Diffo site. Its
/// effects are then exactly `first_visits(…)[index]`, whatever the time, so
/// the edge can show the banner from them while the banner module is still
/// on its way. `default_lang` is the built-in configs' default language.
pub fn first_visit(page: &Page<'_>, default_lang: impl Fn(Site) -> Lang) -> Option<usize> {
    if page.stored.is_some() || page.config.is_some() {
        return None;
    }
    let site = site_named(page)?;
    let lang = crate::lang::negotiate(&LangHints {
        chosen: None,
        script_attr: page.lang_attr,
        html_lang: page.html_lang,
        site_default: Some(default_lang(site)),
        browser: page.browser_langs,
    });
    let site = Site::ALL.iter().position(|s| *s == site)?;
    let lang = lang.index();
    Some((site * Lang::ALL.len() + lang) * 2 + usize::from(page.gpc))
}

/// The effects of [`start`] for every first visit, in the order of
/// [`first_visit`]'s index, computed at build time so that a first-time
/// visitor sees the banner without waiting for the banner module.
pub fn first_visits(builtin: impl Fn(Site) -> Option<SiteConfig>) -> Vec<String> {
    let mut all = Vec::with_capacity(FIRST_VISITS);
    for site in Site::ALL {
        for lang in Lang::ALL {
            for gpc in [false, true] {
                let page = visit_page(site, lang, gpc);
                all.push(protocol::start(&page, Timestamp(0), &builtin).1);
            }
        }
    }
    all
}

/// The first layer's decisions that [`first_decisions`] computes, as the
/// edge names them (`data-action`).
pub const DECISIONS: [&str; 2] = ["accept-all", "reject-all"];

/// The markers of a decision template, in the order of [`decision_values`]:
/// where the consent id, the time of the decision and its expiry go. The
/// core's JSON writer escapes every control character, so none of them
/// occurs in effects otherwise.
pub const MARKERS: [char; 3] = ['\u{1}', '\u{2}', '\u{3}'];

/// The length of [`decision_values`]: the id, then the two times.
pub const VALUES_LEN: usize = 36 + 24 + 24;

/// The texts a decision template needs, made at `now` from 16 random bytes
/// for a site whose choice holds `lifetime_months`: the consent id (36
/// bytes), the time of the decision and its expiry (24 bytes each, ISO
/// 8601). It allocates nothing, for `consent-first.wasm`.
pub fn decision_values(now: Timestamp, random: [u8; 16], lifetime_months: u32) -> [u8; VALUES_LEN] {
    let mut out = [0u8; VALUES_LEN];
    let parts = [
        &ConsentId::text_of(random)[..],
        &now.iso_bytes()[..],
        &now.add_months(lifetime_months).iso_bytes()[..],
    ];
    for (slot, byte) in out.iter_mut().zip(parts.into_iter().flatten()) {
        *slot = *byte;
    }
    out
}

/// The effects of accept all and reject all on the first layer of every
/// first visit, as templates: index `visit * 2` is accept all, `visit * 2 +
/// 1` reject all (see [`DECISIONS`]). The edge fills one with
/// [`decision_values`] as [`fill`] does, and carries it out.
pub fn first_decisions(builtin: impl Fn(Site) -> Option<SiteConfig>) -> Vec<String> {
    let mut all = Vec::with_capacity(FIRST_VISITS * DECISIONS.len());
    for site in Site::ALL {
        let lifetime = builtin(site).map_or(0, |c| c.lifetime_months);
        // The texts that the markers stand for, in effects made at the
        // epoch with zero random bytes.
        let values = decision_values(Timestamp(0), [0; 16], lifetime);
        let texts = split_values(&values);
        for lang in Lang::ALL {
            for gpc in [false, true] {
                for decision in DECISIONS {
                    let page = visit_page(site, lang, gpc);
                    let (session, _) = protocol::start(&page, Timestamp(0), &builtin);
                    let effects = match session {
                        Some(mut session) => protocol::act(&mut session, decision, Timestamp(0), [0; 16]),
                        None => protocol::error("the built-in config cannot be read"),
                    };
                    let mut template = effects;
                    for (text, marker) in texts.iter().zip(MARKERS) {
                        template = template.replace(text, marker.encode_utf8(&mut [0; 4]));
                    }
                    all.push(template);
                }
            }
        }
    }
    all
}

/// A decision template with its markers replaced by `values` (see
/// [`decision_values`]), as the edge fills it.
pub fn fill(template: &str, values: &[u8; VALUES_LEN]) -> String {
    let mut out = String::from(template);
    for (text, marker) in split_values(values).iter().zip(MARKERS) {
        out = out.replace(marker, text);
    }
    out
}

fn split_values(values: &[u8; VALUES_LEN]) -> [&str; 3] {
    let (id, times) = values.split_at(36);
    let (now, expires) = times.split_at(24);
    [id, now, expires].map(|part| core::str::from_utf8(part).unwrap_or_default())
}

fn visit_page(site: Site, lang: Lang, gpc: bool) -> Page<'static> {
    Page {
        hostname: site.domain(),
        lang_attr: Some(lang.code()),
        gpc,
        ..Page::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_795_420_800_000);

    fn builtin(site: Site) -> Option<SiteConfig> {
        SiteConfig::builtin(site).ok()
    }

    fn start(page: &Page<'_>, now: Timestamp) -> (Option<crate::session::Session>, String) {
        protocol::start(page, now, builtin)
    }

    fn checked(json: &str) -> Vec<u8> {
        crate::wire::encode(&crate::config::parse_settings(json).unwrap())
    }

    /// Every page that is a first visit gets, from `first_visits`, exactly
    /// what `start` would return for it, at any time; no other page is one.
    #[test]
    fn first_visits_are_what_start_returns() {
        let all = first_visits(builtin);
        assert_eq!(all.len(), FIRST_VISITS);
        let default = |site: Site| builtin(site).unwrap().default_lang;
        let mut seen = [false; FIRST_VISITS];
        let stored = r#"{"version":1}"#;
        let checked = checked(r#"{"googleAnalytics": "G-REAL1234"}"#);
        for hostname in [
            "www.diffo.fi",
            "diffosolutions.com.localhost",
            "DIFFO.SE.",
            "example.org",
            "",
        ] {
            for site_attr in [None, Some("diffo.se"), Some("diffo.com")] {
                for lang_attr in [None, Some("sv"), Some("de"), Some("en-GB"), Some("fi")] {
                    for html_lang in [None, Some("fi-FI"), Some("")] {
                        for browser_langs in ["", "en-US,en", "de,sv-SE", ",,"] {
                            for gpc in [false, true] {
                                let page = Page {
                                    hostname,
                                    site_attr,
                                    lang_attr,
                                    html_lang,
                                    browser_langs,
                                    gpc,
                                    ..Page::default()
                                };
                                let effects = start(&page, NOW).1;
                                assert_eq!(effects, start(&page, Timestamp(5)).1, "{page:?}");
                                match first_visit(&page, default) {
                                    Some(i) => {
                                        assert_eq!(effects, all[i], "{page:?}");
                                        seen[i] = true;
                                    }
                                    None => assert!(effects.starts_with(r#"{"error":"#), "{page:?}: {effects}"),
                                }
                                for other in [
                                    Page {
                                        stored: Some(stored),
                                        ..page.clone()
                                    },
                                    Page {
                                        config: Some(&checked),
                                        ..page.clone()
                                    },
                                ] {
                                    assert_eq!(first_visit(&other, default), None);
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(seen.iter().all(|s| *s), "every first visit is reachable");
        for effects in &all {
            assert!(effects.contains(r#""html":"<section class=\"dc-banner\""#), "{effects}");
        }
    }

    /// Every first decision, filled with the values of any time and any
    /// random bytes, is byte for byte what the banner module's `act` returns
    /// for the same click on that first visit, started at any earlier time.
    #[test]
    fn first_decisions_are_what_act_returns() {
        let all = first_decisions(builtin);
        assert_eq!(all.len(), FIRST_VISITS * 2);
        for template in &all {
            for marker in MARKERS {
                assert!(template.contains(marker), "{template}");
            }
        }
        let times = [
            (Timestamp(1), Timestamp(1)),
            (NOW, NOW),
            (NOW, Timestamp(NOW.0 + 86_400_000 * 40 + 123)),
            // The last day of a month, a leap day and a year's end.
            (NOW, Timestamp::parse_iso("2027-01-31T23:59:59.999Z").unwrap()),
            (NOW, Timestamp::parse_iso("2028-02-29T12:00:00.000Z").unwrap()),
            (NOW, Timestamp::parse_iso("2026-12-31T23:59:59.999Z").unwrap()),
        ];
        let randoms = [
            [0u8; 16],
            [0xff; 16],
            *b"\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef",
        ];
        for (visit, site) in Site::ALL.iter().flat_map(|s| [*s; 6]).enumerate() {
            let lang = Lang::ALL[visit / 2 % 3];
            let gpc = visit % 2 == 1;
            let page = visit_page(site, lang, gpc);
            let lifetime = builtin(site).unwrap().lifetime_months;
            for (k, decision) in DECISIONS.iter().enumerate() {
                for (started, now) in times {
                    for random in randoms {
                        let mut session = start(&page, started).0.unwrap();
                        let expected = protocol::act(&mut session, decision, now, random);
                        let filled = fill(&all[visit * 2 + k], &decision_values(now, random, lifetime));
                        assert_eq!(filled, expected, "{site:?} {lang:?} gpc {gpc} {decision} at {now:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn decision_values_are_the_id_and_the_times() {
        let values = decision_values(NOW, [0xff; 16], 12);
        assert_eq!(
            split_values(&values),
            [
                "ffffffff-ffff-4fff-bfff-ffffffffffff",
                "2026-11-23T08:00:00.000Z",
                "2027-11-23T08:00:00.000Z"
            ]
        );
    }
}
