//! Services: the vendors a site uses, described as data.
//!
//! A service is one company's tool on the site: Google Analytics, the Meta
//! Pixel, YouTube's embeds, a LinkedIn Insight Tag a site editor adds. It
//! carries everything the banner needs to tell the visitor about it (name,
//! company, purpose, the vendor's privacy policy, whether data goes to the
//! United States, the cookies it sets) and to gate it (the scripts inserted
//! once it is allowed, the embed hosts it covers, and the consent signals
//! its vendor needs). The visitor allows or refuses each service on its own,
//! or a whole category at once (see [`crate::consent`]).
//!
//! In a config, `"services"` is an array of objects:
//!
//! ```json
//! {"id": "linkedin-insight", "name": "LinkedIn Insight Tag", "company": "LinkedIn Ireland Unlimited Company",
//!  "category": "marketing", "purpose": {"fi": "…", "en": "…", "sv": "…"},
//!  "privacyPolicy": "https://www.linkedin.com/legal/privacy-policy", "transfer": "us-dpf",
//!  "scripts": ["https://snap.licdn.com/li.lms-analytics/insight.min.js"],
//!  "cookies": [{"name": "li_fat_id", "kind": "cookie", "party": "first", "lifetime": "30 days",
//!               "purpose": {"fi": "…", "en": "…", "sv": "…"}}]}
//! ```
//!
//! `hosts` (embed hosts such as `www.youtube-nocookie.com`) and
//! `integration` (`"google-tag"` or `"meta-pixel"`) are optional; so are
//! `scripts`, `cookies` and `transfer` (absent: the data stays in the EU/EEA).
//! A script URL may contain `{locale}`, which becomes the visitor's language
//! as vendors spell it (`fi_FI`, `en_US`, `sv_SE`).

use crate::category::Category;
use crate::check::{self, ConfigError};
use crate::declaration::{self, Entry};
use crate::json::Value;
use crate::lang::Lang;
use crate::prelude::*;

/// The most services a site may have. Choices keep one bit per service.
pub const MAX_SERVICES: usize = 64;

/// A vendor's consent signals, which the gate sends before its scripts run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Integration {
    /// Google's tag (gtag.js or a Tag Manager container): Consent Mode.
    /// An analytics service grants `analytics_storage`, a marketing one
    /// `ad_storage`, `ad_user_data` and `ad_personalization`.
    GoogleTag,
    /// The Meta Pixel: initialised with consent revoked, then granted; the
    /// pixel id is the config's `metaPixel`.
    MetaPixel,
}

impl Integration {
    /// The name in the config.
    pub fn key(self) -> &'static str {
        match self {
            Integration::GoogleTag => "google-tag",
            Integration::MetaPixel => "meta-pixel",
        }
    }
}

/// Where a service sends data beyond the EU and EEA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transfer {
    /// To the United States, to a recipient certified under the EU-US Data
    /// Privacy Framework.
    UsDpf,
}

/// One service of a site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// The service's id: lowercase letters, digits and `-`.
    pub id: String,
    /// Its name, as visitors know it.
    pub name: String,
    /// The legal entity that receives data.
    pub company: String,
    /// The category it belongs to (never necessary).
    pub category: Category,
    /// What it collects and what for, in [`Lang::ALL`] order.
    pub(crate) purpose: [String; 3],
    /// The vendor's privacy policy.
    pub privacy_policy: String,
    /// Where data goes beyond the EU and EEA, if anywhere.
    pub transfer: Option<Transfer>,
    /// Its cookies and storage keys.
    pub cookies: Vec<Entry>,
    /// The scripts inserted once it is allowed (may hold `{locale}`).
    pub scripts: Vec<String>,
    /// The embed hosts it covers, lowercase.
    pub hosts: Vec<String>,
    /// The consent signals its vendor needs.
    pub integration: Option<Integration>,
}

impl Service {
    /// What it collects and what for, in `lang`.
    pub fn purpose(&self, lang: Lang) -> &str {
        &self.purpose[lang.index()]
    }

    /// Its scripts, with `{locale}` (once in a URL) as the vendors write
    /// the visitor's language.
    pub fn script_urls(&self, lang: Lang) -> impl Iterator<Item = String> + '_ {
        let locale = match lang {
            Lang::Fi => "fi_FI",
            Lang::En => "en_US",
            Lang::Sv => "sv_SE",
        };
        // A byte search rather than `str::replace`, whose string searcher
        // would bring panicking (hence formatting) code into the banner.
        const MARK: &[u8] = b"{locale}";
        self.scripts.iter().map(move |src| {
            let at = src.as_bytes().windows(MARK.len()).position(|w| w == MARK);
            match at.and_then(|i| Some((src.get(..i)?, src.get(i + MARK.len()..)?))) {
                Some((head, tail)) => [head, locale, tail].concat(),
                None => src.clone(),
            }
        })
    }

    /// Whether an embed from `host` (lowercase) is this service's.
    pub fn covers(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h == host)
    }

    /// This service without what only the settings layer and the cookie
    /// declaration show (name, purposes, policy, embed hosts, third-party
    /// cookies, the cookies' providers and purposes): what the banner module
    /// needs to gate it, delete its first-party cookies and name its company
    /// on the first layer.
    pub fn slim(&self) -> Service {
        Service {
            name: String::new(),
            purpose: Default::default(),
            privacy_policy: String::new(),
            hosts: Vec::new(),
            cookies: self
                .cookies
                .iter()
                .filter(|e| e.party == crate::declaration::Party::First)
                .map(|e| Entry {
                    provider: String::new(),
                    purpose: Default::default(),
                    ..e.clone()
                })
                .collect(),
            ..self.clone()
        }
    }
}

/// Whether `id` is a service id: 1 to 40 lowercase ASCII letters, digits
/// and `-`.
///
/// ```
/// use diffo_consent_core::service::is_id;
/// assert!(is_id("linkedin-insight") && !is_id("LinkedIn") && !is_id(""));
/// ```
pub fn is_id(id: &str) -> bool {
    (1..=40).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

const KEYS: [&str; 11] = [
    "id",
    "name",
    "company",
    "category",
    "purpose",
    "privacyPolicy",
    "transfer",
    "cookies",
    "scripts",
    "hosts",
    "integration",
];

/// A service id at `path`.
fn id(path: &str, value: &Value) -> Result<String, ConfigError> {
    match value {
        Value::Str(s) if is_id(s) => Ok(s.clone()),
        Value::Str(s) => Err(ConfigError::at(
            path,
            [
                "must be a service id (1 to 40 lowercase letters, digits and -), got \"",
                s,
                "\"",
            ]
            .concat(),
        )),
        other => Err(check::type_error(path, "a service id", other)),
    }
}

/// Refuses the first id of `ids` that repeats an earlier one.
fn unique<'a>(path: &str, ids: impl Iterator<Item = &'a str>) -> Result<(), ConfigError> {
    let mut seen: Vec<&str> = Vec::new();
    for (i, id) in ids.enumerate() {
        if seen.contains(&id) {
            return Err(ConfigError::at(
                &check::item(path, i),
                ["repeats the service id \"", id, "\""].concat(),
            ));
        }
        seen.push(id);
    }
    Ok(())
}

/// Reads a config's `"services"` array.
pub fn parse_list(path: &str, value: &Value) -> Result<Vec<Service>, ConfigError> {
    let services = check::list(path, value, "services", parse_one)?;
    unique(path, services.iter().map(|s| s.id.as_str()))?;
    if services.len() > MAX_SERVICES {
        return Err(ConfigError::at(
            path,
            ["has more than ", &crate::num::decimal(MAX_SERVICES as i64), " services"].concat(),
        ));
    }
    Ok(services)
}

/// Reads a config's `"removeServices"` array of ids.
pub fn parse_ids(path: &str, value: &Value) -> Result<Vec<String>, ConfigError> {
    let ids = check::list(path, value, "service ids", id)?;
    unique(path, ids.iter().map(String::as_str))?;
    Ok(ids)
}

fn parse_one(at: &str, value: &Value) -> Result<Service, ConfigError> {
    let Value::Object(fields) = value else {
        return Err(check::type_error(at, "an object", value));
    };
    check::known_keys(at, fields, &KEYS)?;
    let path = |key: &str| check::field(at, key);
    let required = |key: &str| {
        value
            .get(key)
            .ok_or_else(|| ConfigError::at(&path(key), "is missing".to_string()))
    };
    let id = id(&path("id"), required("id")?)?;
    let name = check::text(&path("name"), required("name")?, 100)?;
    let company = check::text(&path("company"), required("company")?, 200)?;
    let category = match required("category")? {
        Value::Str(s) => Category::from_key(s).filter(|c| *c != Category::Necessary),
        _ => None,
    }
    .ok_or_else(|| {
        ConfigError::at(
            &path("category"),
            "must be \"analytics\", \"marketing\" or \"social\"".to_string(),
        )
    })?;
    let purpose = check::texts(&path("purpose"), required("purpose")?, 1000)?;
    let privacy_policy = check::https_url(&path("privacyPolicy"), required("privacyPolicy")?)?;
    let transfer = match value.get("transfer") {
        None => None,
        Some(Value::Str(s)) if s == "us-dpf" => Some(Transfer::UsDpf),
        Some(_) => {
            return Err(ConfigError::at(
                &path("transfer"),
                "must be \"us-dpf\" (a US recipient under the EU-US Data Privacy Framework), or left out when data stays in the EU/EEA".to_string(),
            ))
        }
    };
    let cookies = match value.get("cookies") {
        Some(v) => declaration::parse(&path("cookies"), v, Some((category, &company)))?,
        None => Vec::new(),
    };
    let scripts = match value.get("scripts") {
        Some(v) => check::list(&path("scripts"), v, "https:// URLs", check::https_url)?,
        None => Vec::new(),
    };
    let hosts = match value.get("hosts") {
        Some(v) => check::list(&path("hosts"), v, "host names", host)?,
        None => Vec::new(),
    };
    let integration = match value.get("integration") {
        None => None,
        Some(Value::Str(s)) if s == "google-tag" => Some(Integration::GoogleTag),
        Some(Value::Str(s)) if s == "meta-pixel" => Some(Integration::MetaPixel),
        Some(_) => {
            return Err(ConfigError::at(
                &path("integration"),
                "must be \"google-tag\" or \"meta-pixel\", or left out".to_string(),
            ))
        }
    };
    match (integration, category) {
        (Some(Integration::GoogleTag), Category::Social) => return Err(ConfigError::at(
            &path("integration"),
            "\"google-tag\" needs the category analytics or marketing (Consent Mode has no signal for social media)"
                .to_string(),
        )),
        (Some(Integration::MetaPixel), c) if c != Category::Marketing => {
            return Err(ConfigError::at(
                &path("integration"),
                "\"meta-pixel\" needs the category marketing".to_string(),
            ))
        }
        _ => {}
    }
    Ok(Service {
        id,
        name,
        company,
        category,
        purpose,
        privacy_policy,
        transfer,
        cookies,
        scripts,
        hosts,
        integration,
    })
}

/// An embed host: a lowercase DNS name with at least one dot.
fn host(path: &str, value: &Value) -> Result<String, ConfigError> {
    let ok = |s: &str| {
        s.len() <= 253
            && s.contains('.')
            && s.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
    };
    match value {
        Value::Str(s) if ok(s) => Ok(s.clone()),
        Value::Str(s) => Err(ConfigError::at(
            path,
            [
                "must be a lowercase host name such as \"www.youtube.com\", got \"",
                s,
                "\"",
            ]
            .concat(),
        )),
        other => Err(check::type_error(path, "a host name", other)),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::json;

    /// A valid service, as JSON.
    pub(crate) const INSIGHT: &str = r#"{"id": "linkedin-insight", "name": "LinkedIn Insight Tag",
        "company": "LinkedIn Ireland Unlimited Company", "category": "marketing",
        "purpose": {"fi": "Mittaa mainoksia.", "en": "Measures ads.", "sv": "Mäter annonser."},
        "privacyPolicy": "https://www.linkedin.com/legal/privacy-policy", "transfer": "us-dpf",
        "scripts": ["https://snap.licdn.com/li.lms-analytics/insight.min.js"],
        "cookies": [{"name": "li_fat_id", "kind": "cookie", "party": "first", "lifetime": "30 days",
                     "purpose": {"fi": "Tunniste.", "en": "An identifier.", "sv": "En identifierare."}}]}"#;

    fn parse(text: &str) -> Result<Vec<Service>, std::string::String> {
        parse_list("services", &json::parse(text).unwrap()).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_a_service_and_its_cookies() {
        let s = &parse(&format!("[{INSIGHT}]")).unwrap()[0];
        assert_eq!((s.id.as_str(), s.category), ("linkedin-insight", Category::Marketing));
        assert_eq!(s.transfer, Some(Transfer::UsDpf));
        assert_eq!(s.purpose(Lang::Sv), "Mäter annonser.");
        assert_eq!(s.integration, None);
        let cookie = &s.cookies[0];
        assert_eq!(
            (cookie.category, cookie.provider.as_str()),
            (Category::Marketing, "LinkedIn Ireland Unlimited Company"),
            "a service's cookies take its category and company"
        );
        assert!(s.hosts.is_empty());
    }

    #[test]
    fn locale_in_script_urls() {
        let mut s = parse(&format!("[{INSIGHT}]")).unwrap().remove(0);
        s.scripts = vec!["https://connect.facebook.net/{locale}/sdk.js".into()];
        assert_eq!(
            s.script_urls(Lang::Sv).collect::<Vec<_>>(),
            ["https://connect.facebook.net/sv_SE/sdk.js"]
        );
    }

    /// The catalogue checker's errors: each names the key.
    #[test]
    fn catalogue_errors() {
        let with = |from: &str, to: &str| {
            assert!(INSIGHT.contains(from), "{from}");
            format!("[{}]", INSIGHT.replace(from, to))
        };
        for (text, message) in [
            ("{}".to_string(), "`services` must be an array of services, got an object"),
            ("[1]".to_string(), "`services[0]` must be an object, got a number"),
            (
                format!("[{INSIGHT}, {INSIGHT}]"),
                "`services[1]` repeats the service id \"linkedin-insight\"",
            ),
            (
                with(r#""id": "linkedin-insight""#, r#""id": "LinkedIn""#),
                "`services[0].id` must be a service id (1 to 40 lowercase letters, digits and -), got \"LinkedIn\"",
            ),
            (with(r#""id": "linkedin-insight", "#, ""), "`services[0].id` is missing"),
            (
                with(r#""category": "marketing""#, r#""category": "ads""#),
                "`services[0].category` must be \"analytics\", \"marketing\" or \"social\"",
            ),
            (
                with(r#""category": "marketing""#, r#""category": "necessary""#),
                "`services[0].category` must be \"analytics\", \"marketing\" or \"social\"",
            ),
            (
                with(r#"insight.min.js"]"#, r#"insight.min.js", "http://snap.licdn.com/x.js"]"#),
                "`services[0].scripts[1]` must be an https:// URL, got \"http://snap.licdn.com/x.js\"",
            ),
            (
                with(r#""name": "li_fat_id""#, r#""name": "*""#),
                "`services[0].cookies[0].name` must be a cookie or key name, with `*` only at the end, after at least one character",
            ),
            (
                with(r#""name": "li_fat_id""#, r#""name": """#),
                "`services[0].cookies[0].name` must be a non-empty text",
            ),
            (
                with(r#", "sv": "Mäter annonser.""#, ""),
                "`services[0].purpose` needs a text in sv",
            ),
            (
                with(r#""transfer": "us-dpf""#, r#""transfer": "us""#),
                "`services[0].transfer` must be \"us-dpf\" (a US recipient under the EU-US Data Privacy Framework), or left out when data stays in the EU/EEA",
            ),
            (
                with(r#""transfer": "us-dpf""#, r#""integration": "meta-pixel""#).replace(
                    r#""category": "marketing""#,
                    r#""category": "analytics""#,
                ),
                "`services[0].integration` \"meta-pixel\" needs the category marketing",
            ),
            (
                with(r#""transfer": "us-dpf""#, r#""integration": "google-tag""#).replace(
                    r#""category": "marketing""#,
                    r#""category": "social""#,
                ),
                "`services[0].integration` \"google-tag\" needs the category analytics or marketing (Consent Mode has no signal for social media)",
            ),
            (
                with(r#""transfer": "us-dpf""#, r#""integration": "gtm""#),
                "`services[0].integration` must be \"google-tag\" or \"meta-pixel\", or left out",
            ),
            (
                with(r#""transfer": "us-dpf""#, r#""hosts": ["YouTube.com"]"#),
                "`services[0].hosts[0]` must be a lowercase host name such as \"www.youtube.com\", got \"YouTube.com\"",
            ),
            (
                with(r#""transfer": "us-dpf""#, r#""privacyPolicy": "/privacy""#)
                    .replace(r#""privacyPolicy": "https://www.linkedin.com/legal/privacy-policy", "#, ""),
                "`services[0].privacyPolicy` must be an https:// URL, got \"/privacy\"",
            ),
            (
                with(r#""transfer": "us-dpf""#, r#""script": []"#),
                "`services[0].script` is not a known key (id, name, company, category, purpose, privacyPolicy, transfer, cookies, scripts, hosts, integration)",
            ),
            (
                with(r#""kind": "cookie", "#, r#""kind": "cookie", "category": "analytics", "#),
                "`services[0].cookies[0].category` is not a known key (name, kind, provider, party, lifetime, purpose)",
            ),
        ] {
            assert_eq!(parse(&text), Err(format!("invalid config: {message}")), "{text}");
        }
        let many: Vec<std::string::String> = (0..=MAX_SERVICES)
            .map(|i| INSIGHT.replace("linkedin-insight", &format!("s{i}")))
            .collect();
        assert_eq!(
            parse(&format!("[{}]", many.join(","))),
            Err("invalid config: `services` has more than 64 services".to_string())
        );
    }

    #[test]
    fn removed_ids_are_checked() {
        let ids = |text: &str| parse_ids("removeServices", &json::parse(text).unwrap()).map_err(|e| e.to_string());
        assert_eq!(ids(r#"["youtube", "meta-pixel"]"#).unwrap(), ["youtube", "meta-pixel"]);
        assert_eq!(
            ids(r#"["youtube", "youtube"]"#),
            Err("invalid config: `removeServices[1]` repeats the service id \"youtube\"".into())
        );
        assert_eq!(
            ids(r#"[1]"#),
            Err("invalid config: `removeServices[0]` must be a service id, got a number".into())
        );
    }

    #[test]
    fn slim_keeps_what_gates() {
        let s = parse(&format!("[{INSIGHT}]")).unwrap().remove(0);
        let slim = s.slim();
        assert_eq!(
            (slim.id.as_str(), slim.company.as_str()),
            (s.id.as_str(), s.company.as_str())
        );
        assert_eq!((slim.scripts.clone(), slim.transfer), (s.scripts.clone(), s.transfer));
        assert_eq!(slim.cookies[0].name, "li_fat_id");
        assert!(slim.name.is_empty() && slim.cookies[0].provider.is_empty() && slim.purpose(Lang::Fi).is_empty());
    }
}
