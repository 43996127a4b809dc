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

use crate::category::{Category, Choices};
use crate::config::SiteConfig;
use crate::gate::urls;
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
    /// A plugin button: show the markup inside it; `script` is the vendor's
    /// script, which renders it.
    Plugin {
        /// The vendor's script URL.
        script: String,
    },
}

/// The verdict for one embed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Its category is allowed: show it.
    Show(Embed),
    /// Not allowed: show a placeholder for this service, with "load once"
    /// loading `embed` and "always allow" allowing `category`.
    Placeholder {
        /// What loads on "load this once".
        embed: Embed,
        /// The category "always allow" allows.
        category: Category,
        /// The service's name, for the placeholder's text.
        service: String,
        /// The company that receives data.
        company: String,
    },
    /// The markup is wrong: never load it, and tell the site editor why.
    Invalid(String),
}

/// Services the placeholder can name, by the host of the embed's URL.
const KNOWN: [(&str, &str, &str); 9] = [
    ("youtube.com", "YouTube", "Google Ireland Limited"),
    ("youtube-nocookie.com", "YouTube", "Google Ireland Limited"),
    ("google.com", "Google Maps", "Google Ireland Limited"),
    ("vimeo.com", "Vimeo", "Vimeo.com, Inc."),
    ("facebook.com", "Facebook", META),
    ("instagram.com", "Instagram", META),
    ("linkedin.com", "LinkedIn", LINKEDIN),
    ("spotify.com", "Spotify", "Spotify AB"),
    ("soundcloud.com", "SoundCloud", "SoundCloud Limited"),
];

const META: &str = "Meta Platforms Ireland Limited";
const LINKEDIN: &str = "LinkedIn Ireland Unlimited Company";

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

/// The service and company behind a host: the known ones by name, others by
/// their host name.
fn service_of(host: &str) -> (String, String) {
    for (domain, name, company) in KNOWN {
        let matches = host == domain || host.strip_suffix(domain).is_some_and(|sub| sub.ends_with('.'));
        if matches {
            return (name.to_string(), company.to_string());
        }
    }
    let bare = host.strip_prefix("www.").unwrap_or(host);
    (bare.to_string(), bare.to_string())
}

/// Judges `<iframe data-consent="category" data-src="url">`. The optional
/// `data-consent-service` and `data-consent-company` name the service where
/// the host does not say enough.
pub fn frame(
    category_attr: &str,
    data_src: &str,
    service_attr: Option<&str>,
    company_attr: Option<&str>,
    allowed: Choices,
) -> Verdict {
    let Some(category) = Category::from_key(category_attr.trim()) else {
        return Verdict::Invalid(["an embed has unknown category \"", category_attr, "\""].concat());
    };
    let Some(host) = checked_host(data_src) else {
        return Verdict::Invalid(["an embed's data-src is not an http(s) URL: \"", data_src, "\""].concat());
    };
    let embed = Embed::Frame {
        src: data_src.to_string(),
    };
    if allowed.allows(category) {
        return Verdict::Show(embed);
    }
    let (service, company) = service_of(&host);
    let pick = |attr: Option<&str>, fallback: String| {
        attr.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .unwrap_or(fallback)
    };
    Verdict::Placeholder {
        embed,
        category,
        service: pick(service_attr, service),
        company: pick(company_attr, company),
    }
}

/// Judges `<div data-consent-embed="facebook|instagram|linkedin">`: a social
/// media button rendered by the vendor's script.
pub fn plugin(vendor: &str, config: &SiteConfig, allowed: Choices, lang: Lang) -> Verdict {
    let (enabled, service, company, script) = match vendor.trim() {
        "facebook" => (config.social.facebook, "Facebook", META, urls::facebook_sdk(lang)),
        "instagram" => (config.social.instagram, "Instagram", META, urls::INSTAGRAM.to_string()),
        "linkedin" => (config.social.linkedin, "LinkedIn", LINKEDIN, urls::LINKEDIN.to_string()),
        _ => {
            return Verdict::Invalid(
                [
                    "data-consent-embed=\"",
                    vendor,
                    "\" is not facebook, instagram or linkedin",
                ]
                .concat(),
            )
        }
    };
    if !enabled {
        return Verdict::Invalid(["the site's config does not use the ", service, " plugin"].concat());
    }
    let embed = Embed::Plugin { script };
    if allowed.social {
        return Verdict::Show(embed);
    }
    Verdict::Placeholder {
        embed,
        category: Category::Social,
        service: service.to_string(),
        company: company.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Site;

    const SOCIAL: Choices = Choices {
        analytics: false,
        marketing: false,
        social: true,
    };

    fn placeholder(service: &str, company: &str, src: &str) -> Verdict {
        Verdict::Placeholder {
            embed: Embed::Frame { src: src.to_string() },
            category: Category::Social,
            service: service.to_string(),
            company: company.to_string(),
        }
    }

    #[test]
    fn frame_decisions() {
        let yt = "https://www.youtube-nocookie.com/embed/abc?rel=0";
        assert_eq!(
            frame("social", yt, None, None, Choices::NONE),
            placeholder("YouTube", "Google Ireland Limited", yt)
        );
        assert_eq!(
            frame("social", yt, None, None, SOCIAL),
            Verdict::Show(Embed::Frame { src: yt.to_string() })
        );
        assert_eq!(
            frame("social", yt, None, None, Choices::ALL.with(Category::Social, false)),
            placeholder("YouTube", "Google Ireland Limited", yt),
            "other categories do not count"
        );
        let maps = "https://maps.google.com/maps?q=Oulunsalo&output=embed";
        assert_eq!(
            frame("social", maps, None, None, Choices::NONE),
            placeholder("Google Maps", "Google Ireland Limited", maps)
        );
        let other = "https://www.example-video.fi/player/1";
        assert_eq!(
            frame("social", other, None, None, Choices::NONE),
            placeholder("example-video.fi", "example-video.fi", other)
        );
        assert_eq!(
            frame(
                "social",
                other,
                Some("Esimerkkivideo"),
                Some("Esimerkki Oy"),
                Choices::NONE
            ),
            placeholder("Esimerkkivideo", "Esimerkki Oy", other)
        );
        // A look-alike host is not the known service.
        let fake = "https://notyoutube.com/embed/x";
        assert_eq!(
            frame("social", fake, None, None, Choices::NONE),
            placeholder("notyoutube.com", "notyoutube.com", fake)
        );
        match frame("marketing", other, None, None, Choices::NONE) {
            Verdict::Placeholder { category, .. } => assert_eq!(category, Category::Marketing),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn bad_frames_never_load() {
        for (category, src, reason) in [
            (
                "ads",
                "https://youtube.com/embed/x",
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
        ] {
            assert_eq!(
                frame(category, src, None, None, Choices::ALL),
                Verdict::Invalid(reason.to_string()),
                "{src}"
            );
        }
    }

    #[test]
    fn plugin_decisions() {
        let config = SiteConfig::builtin(Site::DiffoSe).unwrap();
        assert_eq!(
            plugin("linkedin", &config, Choices::NONE, Lang::Sv),
            Verdict::Placeholder {
                embed: Embed::Plugin {
                    script: urls::LINKEDIN.to_string()
                },
                category: Category::Social,
                service: "LinkedIn".to_string(),
                company: LINKEDIN.to_string(),
            }
        );
        assert_eq!(
            plugin("facebook", &config, SOCIAL, Lang::Sv),
            Verdict::Show(Embed::Plugin {
                script: urls::facebook_sdk(Lang::Sv)
            })
        );
        assert_eq!(
            plugin("tiktok", &config, SOCIAL, Lang::Sv),
            Verdict::Invalid("data-consent-embed=\"tiktok\" is not facebook, instagram or linkedin".to_string())
        );
        let mut fewer = config.clone();
        fewer.apply_json(r#"{"socialPlugins": ["linkedin"]}"#).unwrap();
        assert_eq!(
            plugin("instagram", &fewer, SOCIAL, Lang::Sv),
            Verdict::Invalid("the site's config does not use the Instagram plugin".to_string())
        );
    }
}
