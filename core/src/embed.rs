//! Gated embeds: what to do with the page's social media embeds and buttons.
//!
//! A site editor marks them up as
//!
//! ```html
//! <iframe data-consent="social" data-src="https://www.youtube-nocookie.com/embed/…" width="560" height="315"></iframe>
//! <div data-consent-embed="linkedin"><script type="IN/Share" data-url="…"></script></div>
//! ```
//!
//! Until the visitor allows the category, each shows a placeholder that says
//! what the embed is and which company would receive data, with "load this
//! once" and "always allow" buttons. Nothing is requested from the vendor
//! before one of them is pressed.

use crate::category::Category;
use crate::config::SiteConfig;
use crate::consent::Consent;
use crate::lang::Lang;
use crate::prelude::*;

/// What an embed shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Embed {
    /// A frame: load this URL into it.
    Frame {
        /// The checked `data-src`.
        src: String,
    },
    /// A service's element (a plugin button, a chat): show the markup inside
    /// it, and load the service's scripts, which render it.
    Plugin {
        /// The id of the service.
        service: String,
        /// Its script URLs.
        scripts: Vec<String>,
    },
}

/// What "always allow" on a placeholder allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Allow {
    /// The embed's service.
    Service {
        /// Its id.
        id: String,
    },
    /// The embed is of no service the site knows: its category.
    Category(Category),
}

/// The verdict for one embed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Allowed: show it.
    Show(Embed),
    /// Not allowed: show a placeholder, with "load this once" loading
    /// `embed` and "always allow" allowing `allow`.
    Placeholder {
        /// What loads on "load this once".
        embed: Embed,
        /// What "always allow" allows.
        allow: Allow,
        /// The service's name, for the placeholder's text.
        service: String,
        /// The company that receives data.
        company: String,
    },
    /// The markup is wrong: never load it, and tell the site editor why.
    Invalid(String),
}

/// Services the placeholder can name, by the host of the embed's URL, when
/// the site's config has no service for that host.
const KNOWN: [(&str, &str, &str); 9] = [
    ("youtube.com", "YouTube", GOOGLE),
    ("youtube-nocookie.com", "YouTube", GOOGLE),
    ("google.com", "Google Maps", GOOGLE),
    ("vimeo.com", "Vimeo", "Vimeo.com, Inc."),
    ("facebook.com", "Facebook", META),
    ("instagram.com", "Instagram", META),
    ("linkedin.com", "LinkedIn", "LinkedIn Ireland Unlimited Company"),
    ("spotify.com", "Spotify", "Spotify AB"),
    ("soundcloud.com", "SoundCloud", "SoundCloud Limited"),
];

const GOOGLE: &str = "Google Ireland Limited";
const META: &str = "Meta Platforms Ireland Limited";

/// The host of an `http(s)` URL, lowercased, or `None` for anything else
/// (`javascript:`, relative URLs, credentials in the URL).
fn checked_host(src: &str) -> Option<String> {
    let rest = src.strip_prefix("https://").or_else(|| src.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end)?;
    let host = authority.split(':').next()?;
    let ok = !host.is_empty()
        && !authority.contains('@')
        && src.len() <= 2048
        && !src.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then(|| host.to_ascii_lowercase())
}

/// The service and company behind a host the config does not know: the
/// known ones by name, others by their host name.
fn named_by_host(host: &str) -> (String, String) {
    for (domain, name, company) in KNOWN {
        let matches = host == domain || host.strip_suffix(domain).is_some_and(|sub| sub.ends_with('.'));
        if matches {
            return (name.to_string(), company.to_string());
        }
    }
    let bare = host.strip_prefix("www.").unwrap_or(host);
    (bare.to_string(), bare.to_string())
}

/// Judges `<iframe data-consent="…" data-src="url">`. `data-consent` names
/// a category, or a service as `service:id`. A frame from a host that one
/// of the site's services covers (`www.youtube-nocookie.com`) is that
/// service's, and loads when the visitor allows the service; a frame of no
/// service loads with its category. The optional `data-consent-service` and
/// `data-consent-company` name the latter where the host does not say
/// enough.
pub fn frame(
    consent_attr: &str,
    data_src: &str,
    service_attr: Option<&str>,
    company_attr: Option<&str>,
    config: &SiteConfig,
    allowed: Consent,
) -> Verdict {
    let attr = consent_attr.trim();
    let Some(host) = checked_host(data_src) else {
        return Verdict::Invalid(["an embed's data-src is not an http(s) URL: \"", data_src, "\""].concat());
    };
    let embed = Embed::Frame {
        src: data_src.to_string(),
    };
    let by_host = config.services.iter().position(|s| s.covers(&host));
    let index = match (attr.strip_prefix("service:"), Category::from_key(attr)) {
        (Some(id), _) => match config.service_index(id) {
            Some(i) => Some(i),
            None => return Verdict::Invalid(["an embed names the unknown service \"", id, "\""].concat()),
        },
        (None, Some(category)) => match by_host {
            Some(i) if config.services[i].category != category => {
                let s = &config.services[i];
                return Verdict::Invalid(
                    [
                        "an embed from ",
                        &host,
                        " is the service ",
                        &s.id,
                        " (",
                        s.category.key(),
                        "), not ",
                        category.key(),
                    ]
                    .concat(),
                );
            }
            found => found,
        },
        (None, None) => return Verdict::Invalid(["an embed has unknown category \"", attr, "\""].concat()),
    };
    match index {
        Some(i) => of_service(embed, config, i, allowed),
        None => {
            // A known category: checked above.
            let category = Category::from_key(attr).unwrap_or(Category::Social);
            if allowed.allows(category) {
                return Verdict::Show(embed);
            }
            let (service, company) = named_by_host(&host);
            let pick = |attr: Option<&str>, fallback: String| {
                attr.map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .unwrap_or(fallback)
            };
            Verdict::Placeholder {
                embed,
                allow: Allow::Category(category),
                service: pick(service_attr, service),
                company: pick(company_attr, company),
            }
        }
    }
}

/// Judges `<div data-consent-embed="service-id">`: an element that a
/// service's scripts render (a Like button, a chat).
pub fn plugin(id: &str, config: &SiteConfig, allowed: Consent, lang: Lang) -> Verdict {
    let id = id.trim();
    let Some(i) = config.service_index(id) else {
        return Verdict::Invalid(["data-consent-embed=\"", id, "\" names no service of this site"].concat());
    };
    let service = &config.services[i];
    if service.scripts.is_empty() {
        return Verdict::Invalid(["the service ", id, " has no script to render data-consent-embed"].concat());
    }
    let embed = Embed::Plugin {
        service: service.id.clone(),
        scripts: service.script_urls(lang).collect(),
    };
    of_service(embed, config, i, allowed)
}

/// `embed` of the `i`-th service: shown when `allowed` allows the service,
/// else behind a placeholder that names it and offers to allow it.
fn of_service(embed: Embed, config: &SiteConfig, i: usize, allowed: Consent) -> Verdict {
    if allowed.allows_service(i) {
        return Verdict::Show(embed);
    }
    let service = &config.services[i];
    Verdict::Placeholder {
        embed,
        allow: Allow::Service { id: service.id.clone() },
        service: service.name.clone(),
        company: service.company.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Site;

    fn config() -> SiteConfig {
        SiteConfig::builtin(Site::DiffoSe).unwrap()
    }

    fn only(id: &str) -> Consent {
        let c = config();
        Consent::NONE.with_service(&c.services, c.service_index(id).unwrap(), true)
    }

    fn social() -> Consent {
        Consent::NONE.with_category(&config().services, Category::Social, true)
    }

    fn placeholder(allow: Allow, service: &str, company: &str, src: &str) -> Verdict {
        Verdict::Placeholder {
            embed: Embed::Frame { src: src.to_string() },
            allow,
            service: service.to_string(),
            company: company.to_string(),
        }
    }

    fn youtube() -> Allow {
        Allow::Service { id: "youtube".into() }
    }

    #[test]
    fn frames_of_a_service_follow_the_service() {
        let c = config();
        let yt = "https://www.youtube-nocookie.com/embed/abc?rel=0";
        let show = Verdict::Show(Embed::Frame { src: yt.to_string() });
        assert_eq!(
            frame("social", yt, None, None, &c, Consent::NONE),
            placeholder(youtube(), "YouTube", GOOGLE, yt)
        );
        assert_eq!(frame("social", yt, None, None, &c, only("youtube")), show);
        assert_eq!(frame("social", yt, None, None, &c, social()), show);
        assert_eq!(
            frame("social", yt, None, None, &c, only("facebook")),
            placeholder(youtube(), "YouTube", GOOGLE, yt),
            "another service of the category does not count"
        );
        assert_eq!(frame("service:youtube", yt, None, None, &c, only("youtube")), show);
        // The config names the service; the page's attributes cannot rename it.
        assert_eq!(
            frame("social", yt, Some("Video"), Some("Someone"), &c, Consent::NONE),
            placeholder(youtube(), "YouTube", GOOGLE, yt)
        );
    }

    #[test]
    fn frames_of_no_service_follow_their_category() {
        let c = config();
        let maps = "https://maps.google.com/maps?q=Oulunsalo&output=embed";
        let social_only = Allow::Category(Category::Social);
        assert_eq!(
            frame("social", maps, None, None, &c, Consent::NONE),
            placeholder(social_only.clone(), "Google Maps", GOOGLE, maps)
        );
        assert_eq!(
            frame("social", maps, None, None, &c, only("youtube")),
            placeholder(social_only.clone(), "Google Maps", GOOGLE, maps),
            "one service of the category is not the category"
        );
        assert_eq!(
            frame("social", maps, None, None, &c, social()),
            Verdict::Show(Embed::Frame { src: maps.to_string() })
        );
        let other = "https://www.example-video.fi/player/1";
        assert_eq!(
            frame("social", other, None, None, &c, Consent::NONE),
            placeholder(social_only.clone(), "example-video.fi", "example-video.fi", other)
        );
        assert_eq!(
            frame(
                "social",
                other,
                Some("Esimerkkivideo"),
                Some("Esimerkki Oy"),
                &c,
                Consent::NONE
            ),
            placeholder(social_only.clone(), "Esimerkkivideo", "Esimerkki Oy", other)
        );
        // A look-alike host is not the known service.
        let fake = "https://notyoutube.com/embed/x";
        assert_eq!(
            frame("social", fake, None, None, &c, Consent::NONE),
            placeholder(social_only, "notyoutube.com", "notyoutube.com", fake)
        );
        match frame("marketing", other, None, None, &c, Consent::NONE) {
            Verdict::Placeholder { allow, .. } => assert_eq!(allow, Allow::Category(Category::Marketing)),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn bad_frames_never_load() {
        let c = config();
        for (attr, src, reason) in [
            (
                "ads",
                "https://example.com/embed/x",
                "an embed has unknown category \"ads\"",
            ),
            (
                "social",
                "javascript:alert(1)",
                "an embed's data-src is not an http(s) URL: \"javascript:alert(1)\"",
            ),
            (
                "social",
                "/local/embed",
                "an embed's data-src is not an http(s) URL: \"/local/embed\"",
            ),
            (
                "social",
                "https://",
                "an embed's data-src is not an http(s) URL: \"https://\"",
            ),
            (
                "social",
                "https://user:pw@evil.example/",
                "an embed's data-src is not an http(s) URL: \"https://user:pw@evil.example/\"",
            ),
            (
                "social",
                "https://a b/",
                "an embed's data-src is not an http(s) URL: \"https://a b/\"",
            ),
            (
                "marketing",
                "https://www.youtube.com/embed/x",
                "an embed from www.youtube.com is the service youtube (social), not marketing",
            ),
            (
                "service:vimeo",
                "https://player.vimeo.com/video/1",
                "an embed names the unknown service \"vimeo\"",
            ),
        ] {
            assert_eq!(
                frame(attr, src, None, None, &c, Consent::all(&c.services)),
                Verdict::Invalid(reason.to_string()),
                "{src}"
            );
        }
    }

    #[test]
    fn plugin_decisions() {
        let c = config();
        let linkedin = Embed::Plugin {
            service: "linkedin".into(),
            scripts: vec!["https://platform.linkedin.com/in.js".into()],
        };
        assert_eq!(
            plugin("linkedin", &c, Consent::NONE, Lang::Sv),
            Verdict::Placeholder {
                embed: linkedin.clone(),
                allow: Allow::Service { id: "linkedin".into() },
                service: "LinkedIn".to_string(),
                company: "LinkedIn Ireland Unlimited Company".to_string(),
            }
        );
        assert_eq!(
            plugin("linkedin", &c, only("linkedin"), Lang::Sv),
            Verdict::Show(linkedin)
        );
        assert_eq!(
            plugin("facebook", &c, social(), Lang::Sv),
            Verdict::Show(Embed::Plugin {
                service: "facebook".into(),
                scripts: vec!["https://connect.facebook.net/sv_SE/sdk.js#xfbml=1&version=v21.0".into()],
            })
        );
        assert_eq!(
            plugin("tiktok", &c, social(), Lang::Sv),
            Verdict::Invalid("data-consent-embed=\"tiktok\" names no service of this site".to_string())
        );
        assert_eq!(
            plugin("youtube", &c, social(), Lang::Sv),
            Verdict::Invalid("the service youtube has no script to render data-consent-embed".to_string())
        );
        let mut fewer = c.clone();
        fewer.apply_json(r#"{"removeServices": ["instagram"]}"#).unwrap();
        assert_eq!(
            plugin("instagram", &fewer, social(), Lang::Sv),
            Verdict::Invalid("data-consent-embed=\"instagram\" names no service of this site".to_string())
        );
    }
}
