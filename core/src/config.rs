//! The three Diffo sites, their built-in settings, and the optional JSON
//! config a site editor can point the script tag at with `data-config`.
//!
//! A config is a JSON object whose keys override the site's defaults; every
//! key is optional. Unknown keys, wrong types and implausible values are
//! errors with a message that names the key, so a typo never silently turns
//! a tracker on or off.
//!
//! ```json
//! {
//!   "revision": 2,
//!   "defaultLanguage": "fi",
//!   "privacyPolicy": { "fi": "/tietosuojaseloste", "en": "https://www.diffosolutions.com/privacy-policy" },
//!   "googleAnalytics": "G-ABC123XYZ",
//!   "metaPixel": "123456789012345",
//!   "socialPlugins": ["facebook", "linkedin"],
//!   "consentLifetimeMonths": 6
//! }
//! ```

use crate::category::Category;
use crate::declaration::{self, Entry};
use crate::json::{self, Value};
use crate::lang::Lang;
use crate::num;
use crate::prelude::*;
use core::fmt;

/// The built-in config of a site (an expression of type [`Site`]), from the
/// settings that the shared `build.rs` wrote into the calling crate's
/// `OUT_DIR`; `None` if they cannot be read.
#[macro_export]
macro_rules! builtin_config {
    ($site:expr) => {{
        use $crate::config::{Site, SiteConfig};
        let site: Site = $site;
        let settings: &[u8] = match site {
            Site::DiffoFi => include_bytes!(concat!(env!("OUT_DIR"), "/diffo.fi.settings")),
            Site::DiffoSolutions => include_bytes!(concat!(env!("OUT_DIR"), "/diffosolutions.com.settings")),
            Site::DiffoSe => include_bytes!(concat!(env!("OUT_DIR"), "/diffo.se.settings")),
        };
        let mut config = SiteConfig::bare(site);
        config.apply_wire(settings).map(|_| config)
    }};
}

/// One of the three Diffo websites.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Site {
    /// www.diffo.fi, in Finnish.
    DiffoFi,
    /// www.diffosolutions.com, in English.
    DiffoSolutions,
    /// www.diffo.se, in Swedish.
    DiffoSe,
}

impl Site {
    /// All sites.
    pub const ALL: [Site; 3] = [Site::DiffoFi, Site::DiffoSolutions, Site::DiffoSe];

    /// The registrable domain, which is also the site's name in `data-site`.
    pub fn domain(self) -> &'static str {
        match self {
            Site::DiffoFi => "diffo.fi",
            Site::DiffoSolutions => "diffosolutions.com",
            Site::DiffoSe => "diffo.se",
        }
    }

    /// Recognises a site from a host name: the bare domain or `www.`, in any
    /// case, with or without a trailing dot, and the same names under
    /// `.localhost` for local testing.
    ///
    /// ```
    /// use diffo_consent_core::config::Site;
    /// assert_eq!(Site::from_hostname("WWW.Diffo.fi."), Some(Site::DiffoFi));
    /// assert_eq!(Site::from_hostname("diffo.se.localhost"), Some(Site::DiffoSe));
    /// assert_eq!(Site::from_hostname("evil-diffo.fi"), None);
    /// ```
    pub fn from_hostname(host: &str) -> Option<Site> {
        // Without allocating: the first-visit module has no allocator.
        let host = host.trim_end_matches('.');
        let host = host
            .len()
            .checked_sub(".localhost".len())
            .and_then(|at| Some((host.get(..at)?, host.get(at..)?)))
            .filter(|(_, suffix)| suffix.eq_ignore_ascii_case(".localhost"))
            .map_or(host, |(rest, _)| rest);
        let host = host
            .get(..4)
            .filter(|prefix| prefix.eq_ignore_ascii_case("www."))
            .and_then(|_| host.get(4..))
            .unwrap_or(host);
        Site::ALL.into_iter().find(|s| s.domain().eq_ignore_ascii_case(host))
    }

    /// The language the site is written in.
    pub fn default_lang(self) -> Lang {
        match self {
            Site::DiffoFi => Lang::Fi,
            Site::DiffoSolutions => Lang::En,
            Site::DiffoSe => Lang::Sv,
        }
    }
}

/// The social media plugins a site may load once the visitor allows social
/// media.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SocialPlugins {
    /// The Facebook JavaScript SDK (Like and Share buttons, embedded posts).
    pub facebook: bool,
    /// Instagram's embed script.
    pub instagram: bool,
    /// LinkedIn's platform script (Share button).
    pub linkedin: bool,
}

/// Everything the banner needs to know about one site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteConfig {
    /// Which site this is.
    pub site: Site,
    /// The policy revision. Raising it asks every visitor again.
    pub revision: u32,
    /// The language used when neither the visitor nor the page says.
    pub default_lang: Lang,
    /// Privacy policy URL per language (index by [`Lang`] order), `None`
    /// where the site has no page in that language.
    pub(crate) privacy_policy: [Option<String>; 3],
    /// Google Analytics 4 measurement id, if the site uses it.
    pub google_analytics: Option<String>,
    /// Meta Pixel id, if the site uses it.
    pub meta_pixel: Option<String>,
    /// Social media plugins the site uses.
    pub social: SocialPlugins,
    /// How long a decision holds before the visitor is asked again.
    pub lifetime_months: u32,
    /// Reload the page when a category whose scripts ran is withdrawn, so
    /// that their code stops (running code cannot be unloaded).
    pub reload_on_withdraw: bool,
    /// Let the Meta Pixel match visitors from form fields and detect events
    /// by itself (`autoConfig`); off unless the site asks for it.
    pub meta_automatic_matching: bool,
    /// The cookie declaration.
    pub cookies: Vec<Entry>,
}

/// The longest a decision may hold. The Finnish and most EU regulators'
/// guidance is to ask again at least once a year.
pub const MAX_LIFETIME_MONTHS: u32 = 12;

fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Fi => 0,
        Lang::En => 1,
        Lang::Sv => 2,
    }
}

impl SiteConfig {
    /// The built-in settings for `site`: `sites/common.json` with
    /// `sites/<domain>.json` on top, the same format as a site editor's
    /// config. The tracker ids there are clearly fake placeholders
    /// (`G-DIFFOFI00`); a site editor sets the real ones in a config file.
    pub fn builtin(site: Site) -> Result<SiteConfig, ConfigError> {
        let mut config = SiteConfig::bare(site);
        config.apply_json(include_str!("../../sites/common.json"))?;
        config.apply_json(match site {
            Site::DiffoFi => include_str!("../../sites/diffo.fi.json"),
            Site::DiffoSolutions => include_str!("../../sites/diffosolutions.com.json"),
            Site::DiffoSe => include_str!("../../sites/diffo.se.json"),
        })?;
        Ok(config)
    }

    /// The config every setting starts from: no trackers, no plugins, no
    /// declaration, the site's own language.
    pub fn bare(site: Site) -> SiteConfig {
        SiteConfig {
            site,
            revision: 1,
            default_lang: site.default_lang(),
            privacy_policy: [None, None, None],
            google_analytics: None,
            meta_pixel: None,
            social: SocialPlugins {
                facebook: false,
                instagram: false,
                linkedin: false,
            },
            lifetime_months: MAX_LIFETIME_MONTHS,
            reload_on_withdraw: true,
            meta_automatic_matching: false,
            cookies: Vec::new(),
        }
    }

    /// The privacy policy to link in `lang`: the page in that language if the
    /// site has one, else the page in the site's default language, else any.
    pub fn privacy_policy_url(&self, lang: Lang) -> &str {
        self.privacy_policy[lang_index(lang)]
            .as_deref()
            .or(self.privacy_policy[lang_index(self.default_lang)].as_deref())
            .or_else(|| self.privacy_policy.iter().flatten().next().map(String::as_str))
            .unwrap_or("/")
    }

    /// The names of the third-party services in `category`, as the settings
    /// layer lists them.
    pub fn services(&self, category: Category) -> Vec<&'static str> {
        let mut out = Vec::new();
        match category {
            Category::Necessary => {}
            Category::Analytics => out.extend(self.google_analytics.as_ref().map(|_| "Google Analytics")),
            Category::Marketing => out.extend(self.meta_pixel.as_ref().map(|_| "Meta Pixel")),
            Category::Social => {
                let s = self.social;
                for (on, name) in [
                    (s.facebook, "Facebook"),
                    (s.instagram, "Instagram"),
                    (s.linkedin, "LinkedIn"),
                ] {
                    if on {
                        out.push(name);
                    }
                }
            }
        }
        out
    }

    /// Applies a site editor's JSON config on top of these settings. On any
    /// error nothing is applied.
    ///
    /// ```
    /// use diffo_consent_core::config::{Site, SiteConfig};
    /// let mut c = SiteConfig::builtin(Site::DiffoFi).unwrap();
    /// c.apply_json(r#"{"googleAnalytics": null, "revision": 3}"#).unwrap();
    /// assert_eq!((c.google_analytics.as_deref(), c.revision), (None, 3));
    /// let err = c.apply_json(r#"{"googleAnalytic": "G-X"}"#).unwrap_err();
    /// assert!(err.to_string().contains("unknown key `googleAnalytic`"));
    /// ```
    pub fn apply_json(&mut self, text: &str) -> Result<(), ConfigError> {
        for setting in parse_settings(text)? {
            self.apply(setting);
        }
        Ok(())
    }

    /// Applies one checked setting.
    pub fn apply(&mut self, setting: Setting) {
        match setting {
            Setting::Revision(n) => self.revision = n,
            Setting::DefaultLanguage(l) => self.default_lang = l,
            Setting::PrivacyPolicy(urls) => self.privacy_policy = urls,
            Setting::GoogleAnalytics(id) => self.google_analytics = id,
            Setting::MetaPixel(id) => self.meta_pixel = id,
            Setting::SocialPlugins(p) => self.social = p,
            Setting::ConsentLifetimeMonths(n) => self.lifetime_months = n,
            Setting::ReloadOnWithdraw(b) => self.reload_on_withdraw = b,
            Setting::MetaAutomaticMatching(b) => self.meta_automatic_matching = b,
            Setting::Cookies(entries) => self.cookies = entries,
        }
    }

    /// Applies settings in the compact form of [`crate::wire`]; `None` (and
    /// nothing applied) if they cannot be read.
    pub fn apply_wire(&mut self, settings: &[u8]) -> Option<()> {
        for setting in crate::wire::decode(settings)? {
            self.apply(setting);
        }
        Some(())
    }

    /// This config with the cookie declaration's texts (providers, purposes)
    /// left out: what the banner needs to delete refused cookies, without
    /// what only the settings layer shows.
    pub fn without_declaration_texts(&self) -> SiteConfig {
        let mut slim = self.clone();
        for entry in &mut slim.cookies {
            entry.provider.clear();
            entry.purpose = Default::default();
        }
        slim
    }

    /// Every setting of this config, so that applying them to the bare
    /// config of the same site gives this one back.
    pub fn settings(&self) -> Vec<Setting> {
        vec![
            Setting::Revision(self.revision),
            Setting::DefaultLanguage(self.default_lang),
            Setting::PrivacyPolicy(self.privacy_policy.clone()),
            Setting::GoogleAnalytics(self.google_analytics.clone()),
            Setting::MetaPixel(self.meta_pixel.clone()),
            Setting::SocialPlugins(self.social),
            Setting::ConsentLifetimeMonths(self.lifetime_months),
            Setting::ReloadOnWithdraw(self.reload_on_withdraw),
            Setting::MetaAutomaticMatching(self.meta_automatic_matching),
            Setting::Cookies(self.cookies.clone()),
        ]
    }
}

/// One checked config key with its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    /// `revision`
    Revision(u32),
    /// `defaultLanguage`
    DefaultLanguage(Lang),
    /// `privacyPolicy`, per language (index by [`Lang`] order).
    PrivacyPolicy([Option<String>; 3]),
    /// `googleAnalytics`
    GoogleAnalytics(Option<String>),
    /// `metaPixel`
    MetaPixel(Option<String>),
    /// `socialPlugins`
    SocialPlugins(SocialPlugins),
    /// `consentLifetimeMonths`
    ConsentLifetimeMonths(u32),
    /// `reloadOnWithdraw`
    ReloadOnWithdraw(bool),
    /// `metaAutomaticMatching`
    MetaAutomaticMatching(bool),
    /// `cookies`
    Cookies(Vec<Entry>),
}

/// Checks a JSON config and returns its settings in document order, or the
/// first problem, naming its key.
pub fn parse_settings(text: &str) -> Result<Vec<Setting>, ConfigError> {
    let value = json::parse(text).map_err(|e| ConfigError::at("", e.message()))?;
    let Value::Object(fields) = value else {
        return Err(ConfigError::at(
            "",
            ["must be a JSON object, got ", value.type_name()].concat(),
        ));
    };
    fields.iter().map(|(key, value)| setting(key, value)).collect()
}

fn setting(key: &str, value: &Value) -> Result<Setting, ConfigError> {
    Ok(match key {
        "revision" => Setting::Revision(int_in(key, value, 1, u32::MAX)?),
        "defaultLanguage" => Setting::DefaultLanguage(lang(key, value)?),
        "privacyPolicy" => Setting::PrivacyPolicy(privacy_policy(value)?),
        "googleAnalytics" => Setting::GoogleAnalytics(optional_id(
            key,
            value,
            is_ga4_id,
            "a GA4 measurement id like \"G-ABC123XYZ\"",
        )?),
        "metaPixel" => Setting::MetaPixel(optional_id(key, value, is_pixel_id, "a Meta Pixel id (digits only)")?),
        "socialPlugins" => Setting::SocialPlugins(social_plugins(value)?),
        "consentLifetimeMonths" => Setting::ConsentLifetimeMonths(int_in(key, value, 1, MAX_LIFETIME_MONTHS)?),
        "reloadOnWithdraw" => Setting::ReloadOnWithdraw(boolean(key, value)?),
        "metaAutomaticMatching" => Setting::MetaAutomaticMatching(boolean(key, value)?),
        "cookies" => {
            Setting::Cookies(declaration::parse(value).map_err(|(path, problem)| ConfigError::at(&path, problem))?)
        }
        _ => {
            let known = "revision, defaultLanguage, privacyPolicy, googleAnalytics, metaPixel, socialPlugins, \
                         consentLifetimeMonths, reloadOnWithdraw, metaAutomaticMatching, cookies";
            return Err(ConfigError::at(
                key,
                ["unknown key `", key, "`; known keys are ", known].concat(),
            ));
        }
    })
}

/// Why a config was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// Where in the config: a key such as `privacyPolicy.fi`, or empty for
    /// the whole document.
    pub path: String,
    /// What is wrong there.
    pub problem: String,
}

impl ConfigError {
    fn at(path: &str, problem: String) -> ConfigError {
        ConfigError {
            path: path.to_string(),
            problem,
        }
    }

    /// The error in a sentence that names the key.
    pub fn message(&self) -> String {
        if self.path.is_empty() || self.problem.starts_with("unknown key") {
            ["invalid config: ", &self.problem].concat()
        } else {
            ["invalid config: `", &self.path, "` ", &self.problem].concat()
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for ConfigError {}

fn type_error(path: &str, expected: &str, value: &Value) -> ConfigError {
    ConfigError::at(path, ["must be ", expected, ", got ", value.type_name()].concat())
}

fn int_in(path: &str, value: &Value, min: u32, max: u32) -> Result<u32, ConfigError> {
    match value {
        Value::Int(n) if (i64::from(min)..=i64::from(max)).contains(n) => Ok(*n as u32),
        Value::Int(n) => {
            let (min, max, n) = (num::decimal(min.into()), num::decimal(max.into()), num::decimal(*n));
            Err(ConfigError::at(
                path,
                ["must be between ", &min, " and ", &max, ", got ", &n].concat(),
            ))
        }
        other => Err(type_error(path, "a whole number", other)),
    }
}

fn boolean(path: &str, value: &Value) -> Result<bool, ConfigError> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => Err(type_error(path, "true or false", other)),
    }
}

fn lang(path: &str, value: &Value) -> Result<Lang, ConfigError> {
    match value {
        Value::Str(s) => Lang::from_code(s)
            .ok_or_else(|| ConfigError::at(path, ["must be \"fi\", \"en\" or \"sv\", got \"", s, "\""].concat())),
        other => Err(type_error(path, "a language code", other)),
    }
}

fn optional_id(path: &str, value: &Value, valid: fn(&str) -> bool, what: &str) -> Result<Option<String>, ConfigError> {
    match value {
        Value::Null => Ok(None),
        Value::Str(s) if valid(s) => Ok(Some(s.clone())),
        Value::Str(s) => Err(ConfigError::at(
            path,
            ["must be ", what, " or null, got \"", s, "\""].concat(),
        )),
        other => Err(type_error(path, &[what, " or null"].concat(), other)),
    }
}

/// `G-` and 4 to 16 capital letters or digits.
fn is_ga4_id(s: &str) -> bool {
    s.strip_prefix("G-").is_some_and(|rest| {
        (4..=16).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

/// 5 to 20 digits.
fn is_pixel_id(s: &str) -> bool {
    (5..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// A same-site path (`/privacy`) or an absolute `https:` or `http:` URL.
/// Everything else, `javascript:` in particular, is refused.
fn is_link(s: &str) -> bool {
    let scheme_ok = (s.starts_with('/') && !s.starts_with("//"))
        || s.strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .is_some_and(|rest| !rest.is_empty());
    scheme_ok && s.len() <= 2048 && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

fn link(path: &str, value: &Value) -> Result<String, ConfigError> {
    match value {
        Value::Str(s) if is_link(s) => Ok(s.clone()),
        Value::Str(s) => Err(ConfigError::at(
            path,
            ["must be a path starting with \"/\" or an http(s) URL, got \"", s, "\""].concat(),
        )),
        other => Err(type_error(path, "a URL", other)),
    }
}

fn privacy_policy(value: &Value) -> Result<[Option<String>; 3], ConfigError> {
    const PATH: &str = "privacyPolicy";
    match value {
        Value::Str(_) => {
            let url = link(PATH, value)?;
            Ok([Some(url.clone()), Some(url.clone()), Some(url)])
        }
        Value::Object(fields) if !fields.is_empty() => {
            let mut out = [None, None, None];
            for (key, value) in fields {
                let lang = Lang::from_code(key).ok_or_else(|| {
                    let problem = ["has unknown language `", key, "`; use \"fi\", \"en\" or \"sv\""].concat();
                    ConfigError::at(PATH, problem)
                })?;
                out[lang_index(lang)] = Some(link(&[PATH, ".", key].concat(), value)?);
            }
            Ok(out)
        }
        Value::Object(_) => Err(ConfigError::at(PATH, "must name at least one language".to_string())),
        other => Err(type_error(PATH, "a URL or an object of URLs by language", other)),
    }
}

fn social_plugins(value: &Value) -> Result<SocialPlugins, ConfigError> {
    const PATH: &str = "socialPlugins";
    let Value::Array(items) = value else {
        return Err(type_error(PATH, "an array of plugin names", value));
    };
    let mut out = SocialPlugins {
        facebook: false,
        instagram: false,
        linkedin: false,
    };
    for item in items {
        let flag = match item {
            Value::Str(s) if s == "facebook" => &mut out.facebook,
            Value::Str(s) if s == "instagram" => &mut out.instagram,
            Value::Str(s) if s == "linkedin" => &mut out.linkedin,
            Value::Str(s) => {
                let problem = [
                    "has unknown plugin \"",
                    s,
                    "\"; use \"facebook\", \"instagram\" or \"linkedin\"",
                ];
                return Err(ConfigError::at(PATH, problem.concat()));
            }
            other => return Err(type_error(PATH, "an array of plugin names", other)),
        };
        if *flag {
            return Err(ConfigError::at(PATH, "lists a plugin twice".to_string()));
        }
        *flag = true;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_hostnames() {
        for (host, site) in [
            ("diffo.fi", Some(Site::DiffoFi)),
            ("www.diffo.fi", Some(Site::DiffoFi)),
            ("WWW.DIFFO.FI", Some(Site::DiffoFi)),
            ("diffo.fi.", Some(Site::DiffoFi)),
            ("diffo.fi.localhost", Some(Site::DiffoFi)),
            ("www.diffo.fi.localhost", Some(Site::DiffoFi)),
            ("diffosolutions.com", Some(Site::DiffoSolutions)),
            ("www.diffosolutions.com", Some(Site::DiffoSolutions)),
            ("diffosolutions.com.localhost", Some(Site::DiffoSolutions)),
            ("diffo.se", Some(Site::DiffoSe)),
            ("www.diffo.se.localhost", Some(Site::DiffoSe)),
            ("shop.diffo.fi", None),
            ("diffo.fi.evil.com", None),
            ("notdiffo.fi", None),
            ("diffo.com", None),
            ("localhost", None),
            ("127.0.0.1", None),
            ("", None),
        ] {
            assert_eq!(Site::from_hostname(host), site, "{host:?}");
        }
    }

    #[test]
    fn builtin_defaults() {
        let fi = SiteConfig::builtin(Site::DiffoFi).unwrap();
        assert_eq!(fi.default_lang, Lang::Fi);
        assert_eq!(fi.google_analytics.as_deref(), Some("G-DIFFOFI00"));
        assert_eq!(fi.privacy_policy_url(Lang::Fi), "/tietosuojaseloste");
        // No English page on diffo.fi: link the Finnish one.
        assert_eq!(fi.privacy_policy_url(Lang::En), "/tietosuojaseloste");
        assert_eq!(
            SiteConfig::builtin(Site::DiffoSe).unwrap().privacy_policy_url(Lang::Sv),
            "/integritetspolicy"
        );
        for site in Site::ALL {
            let c = SiteConfig::builtin(site).unwrap();
            assert_eq!(c.default_lang, site.default_lang());
            assert!(is_ga4_id(c.google_analytics.as_deref().unwrap()));
            assert!(is_pixel_id(c.meta_pixel.as_deref().unwrap()));
            assert_eq!(c.lifetime_months, 12);
            assert_eq!(c.revision, 1);
            assert!(c.reload_on_withdraw && !c.meta_automatic_matching);
            // The declaration covers every category, and the necessary one
            // lists the consent record itself.
            for category in Category::ALL {
                assert!(
                    c.cookies.iter().any(|e| e.category == category),
                    "{site:?} {category:?}"
                );
            }
            let record = c
                .cookies
                .iter()
                .find(|e| e.name == crate::record::STORAGE_KEY)
                .expect("the record is declared");
            assert_eq!(
                (record.category, record.kind),
                (Category::Necessary, crate::declaration::Kind::LocalStorage)
            );
        }
    }

    fn applied(json: &str) -> SiteConfig {
        let mut c = SiteConfig::builtin(Site::DiffoSolutions).unwrap();
        c.apply_json(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        c
    }

    #[test]
    fn applies_every_key() {
        let c = applied(
            r#"{"revision": 4, "defaultLanguage": "sv", "privacyPolicy": {"fi": "/tietosuoja", "sv": "https://diffo.se/p"},
                "googleAnalytics": "G-ABCD1234", "metaPixel": null, "socialPlugins": ["linkedin"],
                "consentLifetimeMonths": 6}"#,
        );
        assert_eq!(c.revision, 4);
        assert_eq!(c.default_lang, Lang::Sv);
        assert_eq!(c.privacy_policy_url(Lang::Fi), "/tietosuoja");
        assert_eq!(c.privacy_policy_url(Lang::En), "https://diffo.se/p");
        assert_eq!(c.google_analytics.as_deref(), Some("G-ABCD1234"));
        assert_eq!(c.meta_pixel, None);
        assert_eq!(
            c.social,
            SocialPlugins {
                facebook: false,
                instagram: false,
                linkedin: true
            }
        );
        assert_eq!(c.lifetime_months, 6);
        assert_eq!(applied("{}"), SiteConfig::builtin(Site::DiffoSolutions).unwrap());
        assert_eq!(applied(r#"{"privacyPolicy": "/p"}"#).privacy_policy_url(Lang::Sv), "/p");
        assert!(!applied(r#"{"socialPlugins": []}"#).social.facebook);
    }

    fn refused(json: &str, message: &str) {
        let mut c = SiteConfig::builtin(Site::DiffoFi).unwrap();
        let before = c.clone();
        let err = c.apply_json(json).expect_err(json).to_string();
        assert_eq!(err, message, "{json}");
        assert_eq!(c, before, "a refused config must change nothing");
    }

    #[test]
    fn config_errors_name_the_problem() {
        refused("", "invalid config: invalid JSON at byte 0: unexpected end of input");
        refused("[]", "invalid config: must be a JSON object, got an array");
        refused(
            r#"{"revision": 2,}"#,
            "invalid config: invalid JSON at byte 15: unexpected character",
        );
        refused(
            r#"{"googleAnalytic": "G-ABCD"}"#,
            "invalid config: unknown key `googleAnalytic`; known keys are revision, defaultLanguage, \
             privacyPolicy, googleAnalytics, metaPixel, socialPlugins, consentLifetimeMonths, reloadOnWithdraw, \
             metaAutomaticMatching, cookies",
        );
        refused(
            r#"{"revision": "2"}"#,
            "invalid config: `revision` must be a whole number, got a string",
        );
        refused(
            r#"{"revision": 0}"#,
            "invalid config: `revision` must be between 1 and 4294967295, got 0",
        );
        refused(
            r#"{"revision": 1.5}"#,
            "invalid config: invalid JSON at byte 13: only whole numbers are allowed",
        );
        refused(
            r#"{"defaultLanguage": "de"}"#,
            "invalid config: `defaultLanguage` must be \"fi\", \"en\" or \"sv\", got \"de\"",
        );
        refused(
            r#"{"googleAnalytics": "UA-12345-1"}"#,
            "invalid config: `googleAnalytics` must be a GA4 measurement id like \"G-ABC123XYZ\" or null, got \"UA-12345-1\"",
        );
        refused(
            r#"{"googleAnalytics": true}"#,
            "invalid config: `googleAnalytics` must be a GA4 measurement id like \"G-ABC123XYZ\" or null, got a boolean",
        );
        refused(
            r#"{"metaPixel": 12345}"#,
            "invalid config: `metaPixel` must be a Meta Pixel id (digits only) or null, got a number",
        );
        refused(
            r#"{"privacyPolicy": "javascript:alert(1)"}"#,
            "invalid config: `privacyPolicy` must be a path starting with \"/\" or an http(s) URL, got \"javascript:alert(1)\"",
        );
        refused(
            r#"{"privacyPolicy": {"fi": "//evil.example/"}}"#,
            "invalid config: `privacyPolicy.fi` must be a path starting with \"/\" or an http(s) URL, got \"//evil.example/\"",
        );
        refused(
            r#"{"privacyPolicy": {"de": "/datenschutz"}}"#,
            "invalid config: `privacyPolicy` has unknown language `de`; use \"fi\", \"en\" or \"sv\"",
        );
        refused(
            r#"{"privacyPolicy": {}}"#,
            "invalid config: `privacyPolicy` must name at least one language",
        );
        refused(
            r#"{"socialPlugins": ["facebook", "tiktok"]}"#,
            "invalid config: `socialPlugins` has unknown plugin \"tiktok\"; use \"facebook\", \"instagram\" or \"linkedin\"",
        );
        refused(
            r#"{"socialPlugins": ["facebook", "facebook"]}"#,
            "invalid config: `socialPlugins` lists a plugin twice",
        );
        refused(
            r#"{"socialPlugins": "facebook"}"#,
            "invalid config: `socialPlugins` must be an array of plugin names, got a string",
        );
        refused(
            r#"{"consentLifetimeMonths": 13}"#,
            "invalid config: `consentLifetimeMonths` must be between 1 and 12, got 13",
        );
        refused(
            r#"{"reloadOnWithdraw": "yes"}"#,
            "invalid config: `reloadOnWithdraw` must be true or false, got a string",
        );
        refused(
            r#"{"cookies": [{"category": "analytics"}]}"#,
            "invalid config: `cookies[0].name` must be a non-empty text",
        );
        // A later valid key does not rescue an earlier invalid one, and the
        // valid keys before an invalid one are not applied either.
        refused(
            r#"{"revision": 9, "metaPixel": "abc"}"#,
            "invalid config: `metaPixel` must be a Meta Pixel id (digits only) or null, got \"abc\"",
        );
    }

    #[test]
    fn services_follow_the_config() {
        let c = SiteConfig::builtin(Site::DiffoFi).unwrap();
        assert_eq!(c.services(Category::Necessary), Vec::<&str>::new());
        assert_eq!(c.services(Category::Analytics), ["Google Analytics"]);
        assert_eq!(c.services(Category::Marketing), ["Meta Pixel"]);
        assert_eq!(c.services(Category::Social), ["Facebook", "Instagram", "LinkedIn"]);
        let c = applied(r#"{"googleAnalytics": null, "socialPlugins": ["instagram"]}"#);
        assert_eq!(c.services(Category::Analytics), Vec::<&str>::new());
        assert_eq!(c.services(Category::Social), ["Instagram"]);
    }

    #[test]
    fn ids_and_links() {
        for (id, ok) in [
            ("G-ABCD", true),
            ("G-ABC", false),
            ("G-abcd1234", false),
            ("G-ABCDEFGHIJKLMNOPQ", false),
            ("GT-ABCD", false),
        ] {
            assert_eq!(is_ga4_id(id), ok, "{id}");
        }
        for (id, ok) in [
            ("12345", true),
            ("1234", false),
            ("123456789012345678901", false),
            ("12a45", false),
        ] {
            assert_eq!(is_pixel_id(id), ok, "{id}");
        }
        for (url, ok) in [
            ("/", true),
            ("/a/b?c#d", true),
            ("https://www.diffo.fi/tietosuoja", true),
            ("http://diffo.fi", true),
            ("https://", false),
            ("//diffo.fi", false),
            ("javascript:alert(1)", false),
            ("data:text/html,x", false),
            ("/a b", false),
            ("/a\\b", false),
            ("privacy", false),
        ] {
            assert_eq!(is_link(url), ok, "{url}");
        }
    }
}
