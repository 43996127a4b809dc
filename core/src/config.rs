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
//!   "services": [{ "id": "linkedin-insight", "…": "see crate::service" }],
//!   "removeServices": ["instagram"],
//!   "consentLifetimeMonths": 6
//! }
//! ```
//!
//! The vendors are data (see [`crate::service`]): `services` adds services,
//! and an entry with the id of one the site has replaces it; `removeServices`
//! drops some. `googleAnalytics` is the measurement id of the service
//! `google-analytics` (it sets that service's script; `null` drops the
//! service), and `metaPixel` the pixel id that a service with the
//! `meta-pixel` integration initialises (`null` drops such services).

pub use crate::check::ConfigError;
use crate::check::{self, type_error};
use crate::declaration::{self, Entry};
use crate::json::{self, Value};
use crate::lang::Lang;
use crate::prelude::*;
use crate::service::{self, Integration, Service, MAX_SERVICES};

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
    /// The Meta Pixel id that a service with the `meta-pixel` integration
    /// initialises.
    pub meta_pixel: Option<String>,
    /// The site's services, in the order the dialog lists them.
    pub services: Vec<Service>,
    /// How long a decision holds before the visitor is asked again.
    pub lifetime_months: u32,
    /// Reload the page when a category whose scripts ran is withdrawn, so
    /// that their code stops (running code cannot be unloaded).
    pub reload_on_withdraw: bool,
    /// Let the Meta Pixel match visitors from form fields and detect events
    /// by itself (`autoConfig`); off unless the site asks for it.
    pub meta_automatic_matching: bool,
    /// The site's own cookies and storage keys (those of its services are
    /// in the services).
    pub cookies: Vec<Entry>,
}

/// The Google tag for GA4, followed by the measurement id.
pub const GTAG: &str = "https://www.googletagmanager.com/gtag/js?id=";

/// The id of the built-in Google Analytics service, whose script
/// `googleAnalytics` sets.
pub const GOOGLE_ANALYTICS: &str = "google-analytics";

/// The longest a decision may hold. The Finnish and most EU regulators'
/// guidance is to ask again at least once a year.
pub const MAX_LIFETIME_MONTHS: u32 = 12;

impl SiteConfig {
    /// The built-in settings for `site`: `sites/common.json` with
    /// `sites/<domain>.json` on top, the same format as a site editor's
    /// config. The tracker ids there are clearly fake placeholders
    /// (`G-DIFFOFI00`); a site editor sets the real ones in a config file.
    pub fn builtin(site: Site) -> Result<SiteConfig, ConfigError> {
        let mut settings = parse_settings(include_str!("../../sites/common.json"))?;
        settings.extend(parse_settings(match site {
            Site::DiffoFi => include_str!("../../sites/diffo.fi.json"),
            Site::DiffoSolutions => include_str!("../../sites/diffosolutions.com.json"),
            Site::DiffoSe => include_str!("../../sites/diffo.se.json"),
        })?);
        let mut config = SiteConfig::bare(site);
        config.apply_checked(settings)?;
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
            meta_pixel: None,
            services: Vec::new(),
            lifetime_months: MAX_LIFETIME_MONTHS,
            reload_on_withdraw: true,
            meta_automatic_matching: false,
            cookies: Vec::new(),
        }
    }

    /// The privacy policy to link in `lang`: the page in that language if the
    /// site has one, else the page in the site's default language, else any.
    pub fn privacy_policy_url(&self, lang: Lang) -> &str {
        self.privacy_policy[lang.index()]
            .as_deref()
            .or(self.privacy_policy[self.default_lang.index()].as_deref())
            .or_else(|| self.privacy_policy.iter().flatten().next().map(String::as_str))
            .unwrap_or("/")
    }

    /// The index of the service `id`, if the site has it.
    pub fn service_index(&self, id: &str) -> Option<usize> {
        self.services.iter().position(|s| s.id == id)
    }

    /// Every declared cookie and storage key: the site's own, then each
    /// service's, with the index of the service it belongs to.
    pub fn declaration(&self) -> impl Iterator<Item = (Option<usize>, &Entry)> {
        let own = self.cookies.iter().map(|e| (None, e));
        let services = self
            .services
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.cookies.iter().map(move |e| (Some(i), e)));
        own.chain(services)
    }

    /// The companies that receive data with consent, each once, in the
    /// order of their first service; with `transfer_only`, only those whose
    /// services send data to the United States.
    pub fn recipients(&self, transfer_only: bool) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.services {
            if (!transfer_only || s.transfer.is_some()) && !out.contains(&s.company.as_str()) {
                out.push(&s.company);
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
    /// assert_eq!((c.service_index("google-analytics"), c.revision), (None, 3));
    /// let err = c.apply_json(r#"{"googleAnalytic": "G-X"}"#).unwrap_err();
    /// assert!(err.to_string().contains("unknown key `googleAnalytic`"));
    /// ```
    pub fn apply_json(&mut self, text: &str) -> Result<(), ConfigError> {
        self.apply_checked(parse_settings(text)?)
    }

    /// Applies checked settings, in order, after checking that they fit
    /// these settings: the services they remove or set exist, and the result
    /// is a config the banner can run (a pixel id for a `meta-pixel`
    /// service, at most [`MAX_SERVICES`] services). On any error nothing is
    /// applied.
    pub fn apply_checked(&mut self, settings: Vec<Setting>) -> Result<(), ConfigError> {
        let mut next = self.clone();
        for setting in settings {
            match &setting {
                Setting::RemoveServices(ids) => {
                    if let Some((i, id)) = ids.iter().enumerate().find(|(_, id)| next.service_index(id).is_none()) {
                        let known: Vec<&str> = next.services.iter().map(|s| s.id.as_str()).collect();
                        return Err(ConfigError::at(
                            &check::item("removeServices", i),
                            [
                                "names \"",
                                id,
                                "\", which is not a service of this site (it has ",
                                &known.join(", "),
                                ")",
                            ]
                            .concat(),
                        ));
                    }
                }
                Setting::GoogleAnalytics(Some(_)) if next.service_index(GOOGLE_ANALYTICS).is_none() => {
                    return Err(ConfigError::at(
                        "googleAnalytics",
                        "sets the script of the service `google-analytics`, which this config has removed".to_string(),
                    ));
                }
                _ => {}
            }
            next.apply(setting);
        }
        if next.services.len() > MAX_SERVICES {
            return Err(ConfigError::at(
                "services",
                [
                    "make more than ",
                    &crate::num::decimal(MAX_SERVICES as i64),
                    " services with the site's own",
                ]
                .concat(),
            ));
        }
        if next.meta_pixel.is_none() {
            if let Some(s) = next
                .services
                .iter()
                .find(|s| s.integration == Some(Integration::MetaPixel))
            {
                return Err(ConfigError::at(
                    "metaPixel",
                    ["must be set: the service `", &s.id, "` has the meta-pixel integration"].concat(),
                ));
            }
        }
        *self = next;
        Ok(())
    }

    /// Applies one checked setting (see [`SiteConfig::apply_checked`]).
    pub fn apply(&mut self, setting: Setting) {
        match setting {
            Setting::Revision(n) => self.revision = n,
            Setting::DefaultLanguage(l) => self.default_lang = l,
            Setting::PrivacyPolicy(urls) => self.privacy_policy = urls,
            Setting::GoogleAnalytics(Some(id)) => {
                if let Some(s) = self.services.iter_mut().find(|s| s.id == GOOGLE_ANALYTICS) {
                    s.scripts = vec![[GTAG, &id].concat()];
                }
            }
            Setting::GoogleAnalytics(None) => self.services.retain(|s| s.id != GOOGLE_ANALYTICS),
            Setting::MetaPixel(id) => {
                if id.is_none() {
                    self.services.retain(|s| s.integration != Some(Integration::MetaPixel));
                }
                self.meta_pixel = id;
            }
            Setting::Services(services) => {
                for service in services {
                    match self.services.iter_mut().find(|s| s.id == service.id) {
                        Some(existing) => *existing = service,
                        None => self.services.push(service),
                    }
                }
            }
            Setting::RemoveServices(ids) => self.services.retain(|s| !ids.contains(&s.id)),
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

    /// This config without what only the settings layer and the cookie
    /// declaration show (service names and purposes, third-party entries,
    /// the declaration's providers and purposes): what the banner module
    /// needs to gate the services, delete refused first-party cookies and
    /// name the recipients on the first layer.
    pub fn without_declaration_texts(&self) -> SiteConfig {
        let mut slim = self.clone();
        slim.cookies.retain(|e| e.party == declaration::Party::First);
        for entry in &mut slim.cookies {
            entry.provider.clear();
            entry.purpose = Default::default();
        }
        slim.services = self.services.iter().map(Service::slim).collect();
        slim
    }

    /// Every setting of this config, so that applying them to the bare
    /// config of the same site gives this one back.
    pub fn settings(&self) -> Vec<Setting> {
        vec![
            Setting::Revision(self.revision),
            Setting::DefaultLanguage(self.default_lang),
            Setting::PrivacyPolicy(self.privacy_policy.clone()),
            Setting::MetaPixel(self.meta_pixel.clone()),
            Setting::Services(self.services.clone()),
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
    /// `googleAnalytics`: the measurement id of the service
    /// `google-analytics`, or `None` to drop it.
    GoogleAnalytics(Option<String>),
    /// `metaPixel`: the pixel id, or `None` to drop the `meta-pixel`
    /// services.
    MetaPixel(Option<String>),
    /// `services`: added, or replacing those with the same id.
    Services(Vec<Service>),
    /// `removeServices`
    RemoveServices(Vec<String>),
    /// `consentLifetimeMonths`
    ConsentLifetimeMonths(u32),
    /// `reloadOnWithdraw`
    ReloadOnWithdraw(bool),
    /// `metaAutomaticMatching`
    MetaAutomaticMatching(bool),
    /// `cookies`: the site's own declared cookies and storage keys.
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

/// The keys a config may have.
const KEYS: &str = "revision, defaultLanguage, privacyPolicy, googleAnalytics, metaPixel, services, removeServices, \
                    consentLifetimeMonths, reloadOnWithdraw, metaAutomaticMatching, cookies";

fn setting(key: &str, value: &Value) -> Result<Setting, ConfigError> {
    Ok(match key {
        "revision" => Setting::Revision(check::int_in(key, value, 1, u32::MAX)?),
        "defaultLanguage" => Setting::DefaultLanguage(check::lang(key, value)?),
        "privacyPolicy" => Setting::PrivacyPolicy(privacy_policy(value)?),
        "googleAnalytics" => Setting::GoogleAnalytics(optional_id(
            key,
            value,
            is_ga4_id,
            "a GA4 measurement id like \"G-ABC123XYZ\"",
        )?),
        "metaPixel" => Setting::MetaPixel(optional_id(key, value, is_pixel_id, "a Meta Pixel id (digits only)")?),
        "services" => Setting::Services(service::parse_list(key, value)?),
        "removeServices" => Setting::RemoveServices(service::parse_ids(key, value)?),
        "consentLifetimeMonths" => Setting::ConsentLifetimeMonths(check::int_in(key, value, 1, MAX_LIFETIME_MONTHS)?),
        "reloadOnWithdraw" => Setting::ReloadOnWithdraw(check::boolean(key, value)?),
        "metaAutomaticMatching" => Setting::MetaAutomaticMatching(check::boolean(key, value)?),
        "cookies" => Setting::Cookies(declaration::parse(key, value, None)?),
        "socialPlugins" => {
            return Err(ConfigError::at(
                key,
                "is replaced by `removeServices`: the plugins are the services facebook, instagram and linkedin; \
                 list the ones to drop, for example \"removeServices\": [\"instagram\"]"
                    .to_string(),
            ))
        }
        _ => {
            return Err(ConfigError::at(
                key,
                ["unknown key `", key, "`; known keys are ", KEYS].concat(),
            ));
        }
    })
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

fn privacy_policy(value: &Value) -> Result<[Option<String>; 3], ConfigError> {
    const PATH: &str = "privacyPolicy";
    match value {
        Value::Str(_) => {
            let url = check::link(PATH, value)?;
            Ok([Some(url.clone()), Some(url.clone()), Some(url)])
        }
        Value::Object(fields) if !fields.is_empty() => {
            let mut out = [None, None, None];
            for (key, value) in fields {
                let lang = Lang::from_code(key).ok_or_else(|| {
                    let problem = ["has unknown language `", key, "`; use \"fi\", \"en\" or \"sv\""].concat();
                    ConfigError::at(PATH, problem)
                })?;
                out[lang.index()] = Some(check::link(&check::field(PATH, key), value)?);
            }
            Ok(out)
        }
        Value::Object(_) => Err(ConfigError::at(PATH, "must name at least one language".to_string())),
        other => Err(type_error(PATH, "a URL or an object of URLs by language", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::Category;

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
        assert_eq!(fi.privacy_policy_url(Lang::Fi), "/tietosuojaseloste");
        // No English page on diffo.fi: link the Finnish one.
        assert_eq!(fi.privacy_policy_url(Lang::En), "/tietosuojaseloste");
        assert_eq!(
            SiteConfig::builtin(Site::DiffoSe).unwrap().privacy_policy_url(Lang::Sv),
            "/integritetspolicy"
        );
        let ids: Vec<&str> = fi.services.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "google-analytics",
                "meta-pixel",
                "facebook",
                "instagram",
                "linkedin",
                "youtube"
            ]
        );
        let ga = &fi.services[0];
        assert_eq!(ga.scripts, ["https://www.googletagmanager.com/gtag/js?id=G-DIFFOFI00"]);
        for site in Site::ALL {
            let c = SiteConfig::builtin(site).unwrap();
            assert_eq!(c.default_lang, site.default_lang());
            assert!(is_pixel_id(c.meta_pixel.as_deref().unwrap()));
            assert_eq!(c.lifetime_months, 12);
            assert_eq!(c.revision, 1);
            assert!(c.reload_on_withdraw && !c.meta_automatic_matching);
            // Every category has a service or a declared entry, and the
            // necessary one lists the consent record itself.
            for category in Category::ALL {
                assert!(
                    c.declaration().any(|(_, e)| e.category == category),
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
            // Every service names its company, says where data goes, and
            // declares what it sets; Google Analytics declares _gid too.
            for s in &c.services {
                assert!(
                    !s.company.is_empty() && s.privacy_policy.starts_with("https://"),
                    "{}",
                    s.id
                );
                assert_eq!(s.transfer, Some(crate::service::Transfer::UsDpf), "{}", s.id);
                assert!(!s.cookies.is_empty(), "{}", s.id);
            }
            assert!(c.services[0].cookies.iter().any(|e| e.name == "_gid"));
            assert_eq!(
                c.recipients(false),
                [
                    "Google Ireland Limited",
                    "Meta Platforms Ireland Limited",
                    "LinkedIn Ireland Unlimited Company"
                ]
            );
        }
    }

    fn applied(json: &str) -> SiteConfig {
        let mut c = SiteConfig::builtin(Site::DiffoSolutions).unwrap();
        c.apply_json(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        c
    }

    fn ids(c: &SiteConfig) -> Vec<&str> {
        c.services.iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn applies_every_key() {
        let c = applied(
            r#"{"revision": 4, "defaultLanguage": "sv", "privacyPolicy": {"fi": "/tietosuoja", "sv": "https://diffo.se/p"},
                "googleAnalytics": "G-ABCD1234", "metaPixel": null, "removeServices": ["instagram"],
                "consentLifetimeMonths": 6}"#,
        );
        assert_eq!(c.revision, 4);
        assert_eq!(c.default_lang, Lang::Sv);
        assert_eq!(c.privacy_policy_url(Lang::Fi), "/tietosuoja");
        assert_eq!(c.privacy_policy_url(Lang::En), "https://diffo.se/p");
        assert_eq!(
            c.services[0].scripts,
            ["https://www.googletagmanager.com/gtag/js?id=G-ABCD1234"]
        );
        assert_eq!(c.meta_pixel, None);
        assert_eq!(
            ids(&c),
            ["google-analytics", "facebook", "linkedin", "youtube"],
            "no pixel, no Instagram"
        );
        assert_eq!(c.lifetime_months, 6);
        assert_eq!(applied("{}"), SiteConfig::builtin(Site::DiffoSolutions).unwrap());
        assert_eq!(applied(r#"{"privacyPolicy": "/p"}"#).privacy_policy_url(Lang::Sv), "/p");
        assert_eq!(ids(&applied(r#"{"googleAnalytics": null}"#))[0], "meta-pixel");
    }

    #[test]
    fn services_are_added_replaced_and_removed() {
        let insight = crate::service::tests::INSIGHT;
        let c = applied(&format!(r#"{{"services": [{insight}]}}"#));
        assert_eq!(ids(&c).last(), Some(&"linkedin-insight"), "added at the end");
        assert_eq!(c.recipients(false).len(), 3, "LinkedIn's company is there already");
        // An entry with a built-in's id replaces it where it stands.
        let replaced = insight
            .replace("linkedin-insight", "youtube")
            .replace(r#""category": "marketing""#, r#""category": "social""#);
        let c = applied(&format!(r#"{{"services": [{replaced}]}}"#));
        assert_eq!(ids(&c), ids(&SiteConfig::builtin(Site::DiffoSolutions).unwrap()));
        assert_eq!(c.services[5].name, "LinkedIn Insight Tag");
        // Removed, then the rest stand.
        let c = applied(r#"{"removeServices": ["youtube", "facebook"]}"#);
        assert_eq!(ids(&c), ["google-analytics", "meta-pixel", "instagram", "linkedin"]);
        // Settings apply in document order.
        let c = applied(&format!(
            r#"{{"removeServices": ["linkedin"], "services": [{insight}]}}"#
        ));
        assert!(c.service_index("linkedin").is_none() && c.service_index("linkedin-insight").is_some());
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
             privacyPolicy, googleAnalytics, metaPixel, services, removeServices, consentLifetimeMonths, \
             reloadOnWithdraw, metaAutomaticMatching, cookies",
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
            r#"{"socialPlugins": ["facebook"]}"#,
            "invalid config: `socialPlugins` is replaced by `removeServices`: the plugins are the services facebook, \
             instagram and linkedin; list the ones to drop, for example \"removeServices\": [\"instagram\"]",
        );
        refused(
            r#"{"removeServices": ["tiktok"]}"#,
            "invalid config: `removeServices[0]` names \"tiktok\", which is not a service of this site (it has \
             google-analytics, meta-pixel, facebook, instagram, linkedin, youtube)",
        );
        refused(
            r#"{"removeServices": ["google-analytics"], "googleAnalytics": "G-ABCD1234"}"#,
            "invalid config: `googleAnalytics` sets the script of the service `google-analytics`, which this config has removed",
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
    fn a_meta_pixel_service_needs_a_pixel_id() {
        let mut c = SiteConfig::bare(Site::DiffoFi);
        let pixel = crate::service::tests::INSIGHT
            .replace("linkedin-insight", "my-pixel")
            .replace(r#""transfer": "us-dpf""#, r#""integration": "meta-pixel""#);
        let err = c.apply_json(&format!(r#"{{"services": [{pixel}]}}"#)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid config: `metaPixel` must be set: the service `my-pixel` has the meta-pixel integration"
        );
        c.apply_json(&format!(r#"{{"services": [{pixel}], "metaPixel": "123456"}}"#))
            .unwrap();
        // Dropping the pixel id drops the services that need it.
        c.apply_json(r#"{"metaPixel": null}"#).unwrap();
        assert!(c.services.is_empty());
    }

    #[test]
    fn ids_and_pixels() {
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
    }
}
