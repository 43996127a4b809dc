//! The boundary between the wasm modules and their JavaScript edge.
//!
//! The edge (`www/edge/`) does only what JavaScript must: it reads the
//! page, storage, the clock and the random source, and it changes the page.
//! Everything it learns goes in through [`start`], [`act`], [`judge`] and
//! [`forget`] as plain strings; everything it must do comes back as one JSON
//! object of effects, which it carries out literally, in this order, and
//! last, after a `store`, dispatches `diffo-consent:change` with the record:
//!
//! | key       | value                                   | the edge …                                          |
//! |-----------|-----------------------------------------|-----------------------------------------------------|
//! | `error`   | a sentence                              | logs it and does nothing else (fail closed)         |
//! | `log`     | `[["info"\|"warn", sentence], …]`       | writes each line to the console                     |
//! | `store`   | a decision: the record's JSON text      | saves it under the storage key                      |
//! | `report`  | an event's JSON text ([`crate::event`]) | sends it to the consent log, if the page has one    |
//! | `html`    | markup                                  | renders it into the dialog's shadow root            |
//! | `details` | the settings layer's view model         | has the extra module render it, then does the same  |
//! | `focus`   | `"dialog"`, `"restore"`, `"lang:fi"`    | moves focus after rendering (see [`Focus`])         |
//! | `switches`| `{"category":{key:"on"\|"off"\|"mixed"},"service":{id:bool}}` | sets the settings layer's switches to the draft |
//! | `run`     | `[command, …]`                          | carries out each command in order                   |
//! | `refresh` | `true`                                  | renders the `data-consent-declaration` elements     |
//!
//! Commands are arrays: `["gtag", args…]` and `["fbq", args…]` call the
//! vendor queues (an argument `{"$now":1}` stands for `new Date()`, and
//! `{"$now":2}`, also inside an object, for `Date.now()`), `["push",
//! object]` pushes a Tag Manager event onto `dataLayer`, `["load", service,
//! url]` inserts an async script of a service, `["activate", consent]` runs
//! the page's own `text/plain` scripts that [`judge`] allows under the
//! consent, `["forget", consent]` deletes what [`forget`] names for what the
//! consent refuses, `["embeds", model]` has the extra module decide on each
//! gated embed (see [`details`]), and `["reload"]` reloads the page. A
//! consent travels as the compact text of [`Consent::token`], which the
//! edge hands back unread.
//!
//! The extra module (`consent-extra.wasm`) renders the views beyond the
//! first layer from view models through [`crate::details`], and checks a
//! `data-config` (`config::parse_settings`); the first-visit table is
//! [`crate::first`].

use crate::action::{Action, Focus};
use crate::api::parse_consent;
use crate::category::Category;
use crate::config::{Site, SiteConfig};
use crate::consent::{Consent, Switch};
use crate::event::Source;
use crate::gate::{page_script, Arg, Command, PageScript};
use crate::json::{write_str, ObjectWriter};
use crate::lang::{Lang, LangHints};
use crate::num;
use crate::prelude::*;
use crate::session::{Effects, Level, Session, Show, Switches};
use crate::time::Timestamp;

/// What the edge read from the page before starting.
#[derive(Clone, Debug, Default)]
pub struct Page<'a> {
    /// `location.hostname`.
    pub hostname: &'a str,
    /// The script tag's `data-site`.
    pub site_attr: Option<&'a str>,
    /// The script tag's `data-lang`.
    pub lang_attr: Option<&'a str>,
    /// The page's `<html lang>`.
    pub html_lang: Option<&'a str>,
    /// `navigator.languages`, joined with commas.
    pub browser_langs: &'a str,
    /// The settings of the `data-config` file, if the tag names one, as the
    /// extra module (`consent-extra.wasm`) checked and encoded them (see
    /// [`crate::wire`]).
    pub config: Option<&'a [u8]>,
    /// The text under the storage key, if any.
    pub stored: Option<&'a str>,
    /// `navigator.globalPrivacyControl` is true.
    pub gpc: bool,
}

impl<'a> Page<'a> {
    /// Reads the page's facts as every module gets them from the edge, one
    /// on each line: `location.hostname`, the script tag's `data-site` and
    /// `data-lang`, the page's `<html lang>`, `navigator.languages` joined
    /// with commas, and `1` when the browser sends Global Privacy Control; an
    /// empty or missing line is absent. The config and the stored text come
    /// apart. It allocates nothing, for `consent-first.wasm`.
    ///
    /// ```
    /// use diffo_consent_core::protocol::Page;
    /// let page = Page::read("www.diffo.fi\n\nsv\n\nfi-FI,fi\n1");
    /// assert_eq!((page.hostname, page.site_attr, page.lang_attr), ("www.diffo.fi", None, Some("sv")));
    /// assert!(page.gpc && page.browser_langs == "fi-FI,fi");
    /// ```
    // A closure pattern rather than `'\n'`: the `char` searcher's fast path
    // brings panicking (hence formatting) code into the first module.
    #[allow(clippy::manual_pattern_char_comparison)]
    pub fn read(text: &'a str) -> Page<'a> {
        let mut lines = text.split(|c| c == '\n');
        let mut next = || lines.next().filter(|line| !line.is_empty());
        Page {
            hostname: next().unwrap_or(""),
            site_attr: next(),
            lang_attr: next(),
            html_lang: next(),
            browser_langs: next().unwrap_or(""),
            gpc: next() == Some("1"),
            config: None,
            stored: None,
        }
    }
}

/// Starts a page view: recognises the site, applies the config, reads the
/// stored decision. `builtin` gives a site's built-in config. Returns the
/// session and the first effects, or the effects `{"error": …}` when the
/// banner must not run (unknown site, unreadable config), in which case
/// nothing at all may load.
pub fn start(
    page: &Page<'_>,
    now: Timestamp,
    builtin: impl Fn(Site) -> Option<SiteConfig>,
) -> (Option<Session>, String) {
    match configure(page, builtin) {
        Ok(config) => {
            let hints = LangHints {
                chosen: None,
                script_attr: page.lang_attr,
                html_lang: page.html_lang,
                site_default: None,
                browser: page.browser_langs,
            };
            let (session, mut effects, report) = Session::start(config, page.stored, now, hints, page.gpc);
            effects.log.extend(report.map(|reason| {
                if reason.is_damage() {
                    (Level::Warn, [&reason.message(), "; asking again"].concat())
                } else {
                    (Level::Info, [&reason.message(), "; asking"].concat())
                }
            }));
            (Some(session), encode(&effects))
        }
        Err(message) => (None, error(&message)),
    }
}

fn configure(page: &Page<'_>, builtin: impl Fn(Site) -> Option<SiteConfig>) -> Result<SiteConfig, String> {
    configured(site_of(page)?, page.config, builtin)
}

/// `site`'s built-in config with the checked `data-config` settings, if any,
/// applied: the config every module works with.
pub(crate) fn configured(
    site: Site,
    config: Option<&[u8]>,
    builtin: impl Fn(Site) -> Option<SiteConfig>,
) -> Result<SiteConfig, String> {
    let mut site_config = builtin(site).ok_or("the built-in config cannot be read")?;
    if let Some(bytes) = config {
        site_config
            .apply_wire(bytes)
            .ok_or("the checked config cannot be read")?;
    }
    Ok(site_config)
}

/// The site a page belongs to: its script tag's `data-site`, or its host.
pub(crate) fn site_named(page: &Page<'_>) -> Option<Site> {
    Site::from_hostname(page.site_attr.unwrap_or(page.hostname))
}

/// [`site_named`], or the sentence that says why the page has no site.
fn site_of(page: &Page<'_>) -> Result<Site, String> {
    site_named(page).ok_or_else(|| match page.site_attr {
        Some(name) => [
            "data-site=\"",
            name,
            "\" is not one of diffo.fi, diffosolutions.com, diffo.se",
        ]
        .concat(),
        None => [
            "this page's host \"",
            page.hostname,
            "\" is not a Diffo site; set data-site=\"diffo.fi\" (or diffosolutions.com, diffo.se) on the script tag",
        ]
        .concat(),
    })
}

/// Reads an action as the edge names it: a `data-action` value
/// (`accept-all`, `reject-all`, `settings`, `reopen`, `save`, `close`), an
/// API call (`open`, `withdraw`, `set:{json}`), `lang:sv`, a switch change
/// (`on:analytics`, `off:service:youtube`), or a placeholder's "always
/// allow" (`allow:social`, `allow:service:youtube`). Service ids are those of
/// `config`.
pub fn parse_action(text: &str, config: &SiteConfig) -> Result<Action, String> {
    let action = match text {
        "accept-all" => Action::AcceptAll,
        "reject-all" => Action::RejectAll,
        "settings" | "reopen" | "open" => Action::OpenSettings,
        "save" => Action::Save,
        "close" => Action::Close,
        "withdraw" => Action::Withdraw,
        _ => {
            let (kind, arg) = text.split_once(':').unwrap_or((text, ""));
            let category = || match Category::from_key(arg) {
                Some(c) if c != Category::Necessary => Ok(c),
                _ => Err(unknown_action(text)),
            };
            let service = || {
                arg.strip_prefix("service:")
                    .and_then(|id| config.service_index(id))
                    .ok_or_else(|| unknown_action(text))
            };
            let is_service = arg.starts_with("service:");
            match kind {
                "set" => Action::Set(parse_consent(arg, &config.services)?),
                "lang" => Action::SwitchLang(Lang::from_code(arg).ok_or_else(|| unknown_action(text))?),
                "allow" if is_service => Action::AllowService(service()?),
                "allow" => Action::Allow(category()?),
                "on" | "off" if is_service => Action::ToggleService(service()?, kind == "on"),
                "on" | "off" => Action::Toggle(category()?, kind == "on"),
                _ => return Err(unknown_action(text)),
            }
        }
    };
    Ok(action)
}

fn unknown_action(text: &str) -> String {
    ["unknown action \"", text, "\""].concat()
}

/// Applies one action and returns its effects, or `{"error": …}` for an
/// action the core does not understand (such as a bad `set()` argument),
/// which then changes nothing.
///
/// An action from a control in the page (a placeholder, a declaration) comes
/// prefixed `page `, a call of `window.diffoConsent` prefixed `api `, so that
/// the consent log can tell where a decision was made.
pub fn act(session: &mut Session, action: &str, now: Timestamp, random: [u8; 16]) -> String {
    let (source, action) = match (action.strip_prefix("page "), action.strip_prefix("api ")) {
        (Some(rest), _) => (Source::Page, rest),
        (_, Some(rest)) => (Source::Api, rest),
        _ => (Source::Dialog, action),
    };
    match parse_action(action, session.config()) {
        Ok(action) => encode(&session.handle_from(action, source, now, random)),
        Err(message) => error(&message),
    }
}

/// The consent of a `forget` or `activate` command, as the edge hands it
/// back. Anything but a token the core wrote is read as no consent at all,
/// so that a damaged one can only delete more and run nothing.
fn consent_of(token: &str) -> Consent {
    Consent::from_token(token).unwrap_or(Consent::NONE)
}

/// What to delete for what `consent` (a token of a `forget` command)
/// refuses, given the page's location and the names present (each list
/// joined with newlines):
/// `{"cookies":[…],"domains":[…],"paths":[…],"local":[…],"session":[…]}`.
/// The edge deletes each cookie on every domain (and host-only) and path.
pub fn forget(
    session: &Session,
    hostname: &str,
    pathname: &str,
    consent: &str,
    cookies: &str,
    local: &str,
    session_keys: &str,
) -> String {
    fn lines(text: &str) -> Vec<&str> {
        text.split('\n').filter(|s| !s.is_empty()).collect()
    }
    let sweep = crate::forget::sweep(
        session.config(),
        consent_of(consent),
        &lines(cookies),
        &lines(local),
        &lines(session_keys),
    );
    let strings = |items: &[String]| array(&items.iter().map(|s| quoted(s)).collect::<Vec<_>>());
    let mut w = ObjectWriter::new();
    if !sweep.cookies.is_empty() {
        w.raw("cookies", &strings(&sweep.cookies))
            .raw("domains", &strings(&crate::forget::cookie_domains(hostname)))
            .raw("paths", &strings(&crate::forget::cookie_paths(pathname)));
    }
    if !sweep.local.is_empty() {
        w.raw("local", &strings(&sweep.local));
    }
    if !sweep.session.is_empty() {
        w.raw("session", &strings(&sweep.session));
    }
    w.finish()
}

/// The `data-consent-declaration` view model, for the extra module.
pub fn declaration_model(session: &Session) -> String {
    session.declaration_model().write()
}

/// The effects object `{"error": message}`.
pub fn error(message: &str) -> String {
    ObjectWriter::new().str("error", message).finish()
}

/// Whether a page script with `data-consent="attr"` may run under
/// `consent` (the token of an `activate` command): `"run"`, `"hold"`, or
/// the reason it never will.
pub fn judge(session: &Session, attr: &str, consent: &str) -> String {
    match page_script(attr, session.config(), consent_of(consent)) {
        PageScript::Run => "run".to_string(),
        PageScript::Hold => "hold".to_string(),
        PageScript::Invalid(why) => why,
    }
}

/// The settings layer's switches as JSON.
fn switches(switches: &Switches) -> String {
    let mut categories = ObjectWriter::new();
    for (c, state) in &switches.categories {
        let state = match state {
            Switch::On => "on",
            Switch::Off => "off",
            Switch::Mixed => "mixed",
        };
        categories.str(c.key(), state);
    }
    let mut services = ObjectWriter::new();
    for (id, on) in &switches.services {
        services.bool(id, *on);
    }
    ObjectWriter::new()
        .raw("category", &categories.finish())
        .raw("service", &services.finish())
        .finish()
}

/// The effects as the JSON object described in the module docs.
pub fn encode(effects: &Effects) -> String {
    let mut w = ObjectWriter::new();
    if !effects.log.is_empty() {
        let lines: Vec<String> = effects
            .log
            .iter()
            .map(|(level, text)| {
                let level = match level {
                    Level::Info => "info",
                    Level::Warn => "warn",
                };
                array(&[quoted(level), quoted(text)])
            })
            .collect();
        w.raw("log", &array(&lines));
    }
    if let Some(text) = &effects.store {
        w.str("store", text);
    }
    if let Some(payload) = &effects.report {
        w.str("report", payload);
    }
    if let Some(show) = &effects.show {
        match show {
            Show::Settings(model) => w.raw("details", &model.write()),
            Show::Markup(html) => w.str("html", html),
        };
        match effects.focus {
            Focus::Keep => {}
            Focus::Dialog => {
                w.str("focus", "dialog");
            }
            Focus::Restore => {
                w.str("focus", "restore");
            }
            Focus::LangButton(lang) => {
                w.str("focus", &["lang:", lang.code()].concat());
            }
        }
    }
    if let Some(states) = &effects.switches {
        w.raw("switches", &switches(states));
    }
    if !effects.commands.is_empty() {
        let commands: Vec<String> = effects.commands.iter().map(command).collect();
        w.raw("run", &array(&commands));
    }
    if effects.refresh {
        w.raw("refresh", "true");
    }
    w.finish()
}

fn command(c: &Command) -> String {
    match c {
        Command::Gtag(args) | Command::Fbq(args) => {
            let name = if matches!(c, Command::Gtag(_)) { "gtag" } else { "fbq" };
            let mut items = vec![quoted(name)];
            items.extend(args.iter().map(arg));
            array(&items)
        }
        Command::LoadScript { service, src } => array(&[quoted("load"), quoted(service), quoted(src)]),
        Command::ActivatePageScripts(allowed) => array(&[quoted("activate"), quoted(&allowed.token())]),
        Command::Push(object) => array(&[quoted("push"), arg(object)]),
        Command::Forget(allowed) => array(&[quoted("forget"), quoted(&allowed.token())]),
        Command::Embeds(model) => array(&[quoted("embeds"), model.write()]),
        Command::Reload => array(&[quoted("reload")]),
    }
}

fn arg(a: &Arg) -> String {
    match a {
        Arg::Str(s) => quoted(s),
        Arg::Int(n) => num::decimal(*n),
        Arg::Bool(b) => (if *b { "true" } else { "false" }).to_string(),
        Arg::Now => r#"{"$now":1}"#.to_string(),
        Arg::NowMs => r#"{"$now":2}"#.to_string(),
        Arg::Obj(fields) => {
            let mut w = ObjectWriter::new();
            for (key, value) in fields {
                w.raw(key, &arg(value));
            }
            w.finish()
        }
    }
}

pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_str(&mut out, s);
    out
}

pub(crate) fn array(items: &[String]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse, Value};
    use crate::record::parse_stored;

    const NOW: Timestamp = Timestamp(1_795_420_800_000);

    fn page<'a>(hostname: &'a str) -> Page<'a> {
        Page {
            hostname,
            browser_langs: "en-US,en",
            ..Page::default()
        }
    }

    fn effects(json: &str) -> Value {
        parse(json).unwrap_or_else(|e| panic!("effects are not JSON ({e}): {json}"))
    }

    fn keys(v: &Value) -> Vec<&str> {
        match v {
            Value::Object(fields) => fields.iter().map(|(k, _)| k.as_str()).collect(),
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn first_visit_renders_the_banner_and_sets_the_default_only() {
        let (session, json) = start(&page("www.diffo.fi"), NOW);
        assert!(session.is_some());
        let e = effects(&json);
        assert_eq!(keys(&e), ["log", "report", "html", "focus", "run", "refresh"]);
        let Some(Value::Str(report)) = e.get("report") else {
            panic!()
        };
        assert!(
            report.starts_with(r#"{"version":2,"event":"shown","site":"diffo.fi","lang":"fi","revision":1,"texts":""#)
        );
        assert_eq!(e.get("focus"), Some(&Value::Str("dialog".into())));
        let Some(Value::Array(run)) = e.get("run") else {
            panic!()
        };
        assert_eq!(run.len(), 3);
        assert!(
            json.contains(
                r#"}],["forget","0.0"],["embeds",{"view":"embed","site":"diffo.fi","lang":"fi","consent":"0.0"}]]"#
            ),
            "{json}"
        );
        assert!(
            json.contains(r#"["gtag","consent","default",{"ad_storage":"denied""#),
            "{json}"
        );
        let Some(Value::Str(html)) = e.get("html") else {
            panic!()
        };
        assert!(html.contains(r#"lang="fi""#), "diffo.fi speaks Finnish by default");
        assert!(json.contains(r#""log":[["info","no stored decision; asking"]]"#));
    }

    fn start(page: &Page<'_>, now: Timestamp) -> (Option<Session>, String) {
        super::start(page, now, |site| SiteConfig::builtin(site).ok())
    }

    fn checked(json: &str) -> Vec<u8> {
        crate::wire::encode(&crate::config::parse_settings(json).unwrap())
    }

    #[test]
    fn a_checked_config_overrides_the_builtin_one() {
        let blob = checked(r#"{"googleAnalytics": "G-REAL1234", "removeServices": ["facebook", "linkedin"]}"#);
        let (session, _) = start(
            &Page {
                config: Some(&blob),
                ..page("diffo.fi")
            },
            NOW,
        );
        let mut session = session.unwrap();
        let json = act(&mut session, "accept-all", NOW, [1; 16]);
        assert!(
            json.contains(r#"["load","google-analytics","https://www.googletagmanager.com/gtag/js?id=G-REAL1234"]"#),
            "{json}"
        );
        assert!(!json.contains("sdk.js") && !json.contains("in.js"), "{json}");
    }

    #[test]
    fn unknown_sites_and_bad_configs_fail_closed() {
        for (p, message) in [
            (page("example.com"), "this page's host \"example.com\" is not a Diffo site; set data-site=\"diffo.fi\" (or diffosolutions.com, diffo.se) on the script tag"),
            (Page { site_attr: Some("diffo.de"), ..page("diffo.fi") }, "data-site=\"diffo.de\" is not one of diffo.fi, diffosolutions.com, diffo.se"),
            (Page { config: Some(b"not checked"), ..page("diffo.se") }, "the checked config cannot be read"),
        ] {
            let (session, json) = start(&p, NOW);
            assert!(session.is_none());
            assert_eq!(effects(&json), Value::Object(vec![("error".into(), Value::Str(message.into()))]));
        }
        // data-site lets a staging host be one of the sites.
        let (session, _) = start(
            &Page {
                site_attr: Some("diffo.se"),
                ..page("staging.example")
            },
            NOW,
        );
        assert_eq!(session.unwrap().lang(), Lang::Sv);
    }

    #[test]
    fn accept_all_encodes_store_render_and_commands() {
        let (session, _) = start(&page("diffosolutions.com"), NOW);
        let mut session = session.unwrap();
        let json = act(&mut session, "accept-all", NOW, [3; 16]);
        let e = effects(&json);
        assert_eq!(keys(&e), ["store", "report", "html", "focus", "run", "refresh"]);
        let Some(Value::Str(report)) = e.get("report") else {
            panic!()
        };
        assert!(report.contains(r#""event":"accept_all","id":""#) && report.contains(r#""layer":"first""#));
        assert!(
            report.contains(r#""services":{"google-analytics":true,"meta-pixel":true,"#),
            "{report}"
        );
        // From the JavaScript API, the same decision is reported as such.
        let api = effects(&act(&mut session, "api set:{\"analytics\":true}", NOW, [3; 16]));
        let Some(Value::Str(report)) = api.get("report") else {
            panic!()
        };
        assert!(
            report.contains(r#""event":"withdraw""#) && report.contains(r#""layer":"api""#),
            "{report}"
        );
        let Some(Value::Str(stored)) = e.get("store") else {
            panic!()
        };
        assert_eq!(parse_stored(stored).unwrap().categories, crate::category::Choices::ALL);
        assert!(json.contains(r#"["gtag","js",{"$now":1}],["gtag","config","G-DIFFOCOM0",{"allow_google_signals":false,"allow_ad_personalization_signals":false}],["load","google-analytics","https://www.googletagmanager.com/gtag/js?id=G-DIFFOCOM0"]"#), "{json}");
        assert!(
            json.contains(r#"["fbq","consent","revoke"],["fbq","set","autoConfig",false,"100000000000002"],["fbq","init","100000000000002"],["fbq","consent","grant"]"#),
            "{json}"
        );
        let all = Consent::all(&session.config().services).token();
        assert!(json.contains(&format!(r#"["activate","{all}"]"#)), "{json}");
    }

    #[test]
    fn actions_from_the_edge() {
        use Action::*;
        let config = SiteConfig::builtin(Site::DiffoFi).unwrap();
        let youtube = config.service_index("youtube").unwrap();
        let marketing = Consent::NONE.with_category(&config.services, Category::Marketing, true);
        for (text, expected) in [
            ("accept-all", Ok(AcceptAll)),
            ("reject-all", Ok(RejectAll)),
            ("settings", Ok(OpenSettings)),
            ("reopen", Ok(OpenSettings)),
            ("open", Ok(OpenSettings)),
            ("save", Ok(Save)),
            ("close", Ok(Close)),
            ("withdraw", Ok(Withdraw)),
            ("lang:sv", Ok(SwitchLang(Lang::Sv))),
            ("on:analytics", Ok(Toggle(Category::Analytics, true))),
            ("off:social", Ok(Toggle(Category::Social, false))),
            ("on:service:youtube", Ok(ToggleService(youtube, true))),
            ("off:service:youtube", Ok(ToggleService(youtube, false))),
            ("allow:social", Ok(Allow(Category::Social))),
            ("allow:service:youtube", Ok(AllowService(youtube))),
            ("set:{\"marketing\":true}", Ok(Set(marketing))),
            ("lang:de", Err("unknown action \"lang:de\"")),
            ("off:necessary", Err("unknown action \"off:necessary\"")),
            ("on:service:tiktok", Err("unknown action \"on:service:tiktok\"")),
            ("allow:service:", Err("unknown action \"allow:service:\"")),
            ("allow:necessary", Err("unknown action \"allow:necessary\"")),
            ("accept", Err("unknown action \"accept\"")),
            ("", Err("unknown action \"\"")),
        ] {
            assert_eq!(
                parse_action(text, &config),
                expected.map_err(str::to_string),
                "{text:?}"
            );
        }
        let (session, _) = start(&page("diffo.fi"), NOW);
        let mut session = session.unwrap();
        let json = act(&mut session, "set:{\"analytics\":\"yes\"}", NOW, [0; 16]);
        assert_eq!(
            json,
            r#"{"error":"diffoConsent.set() takes an object like {analytics: true, marketing: false, social: false, services: {youtube: true}}; \"analytics\" must be true or false, not a string"}"#
        );
        let json = act(&mut session, "set:{\"services\":{\"tiktok\":true}}", NOW, [0; 16]);
        assert!(json.ends_with(r#"unknown service \"tiktok\""}"#), "{json}");
        assert!(session.record().is_none(), "a refused call changes nothing");
    }

    #[test]
    fn switches_follow_the_draft_and_change_nothing_else() {
        let (session, _) = start(&page("diffo.fi"), NOW);
        let mut session = session.unwrap();
        act(&mut session, "settings", NOW, [0; 16]);
        assert_eq!(
            act(&mut session, "on:service:youtube", NOW, [0; 16]),
            r#"{"switches":{"category":{"analytics":"off","marketing":"off","social":"mixed"},"service":{"google-analytics":false,"meta-pixel":false,"facebook":false,"instagram":false,"linkedin":false,"youtube":true}}}"#
        );
        let json = act(&mut session, "on:social", NOW, [0; 16]);
        assert!(
            json.contains(r#""social":"on""#) && json.contains(r#""facebook":true"#),
            "{json}"
        );
        assert!(act(&mut session, "lang:en", NOW, [0; 16]).contains(r#""focus":"lang:en""#));
    }

    #[test]
    fn judge_page_scripts_under_a_consent() {
        let (session, _) = start(&page("diffo.fi"), NOW);
        let session = session.unwrap();
        let services = &session.config().services;
        let analytics = Consent::NONE.with_category(services, Category::Analytics, true).token();
        assert_eq!(judge(&session, "analytics", &analytics), "run");
        assert_eq!(judge(&session, "marketing", &analytics), "hold");
        assert_eq!(judge(&session, "service:google-analytics", &analytics), "run");
        assert_eq!(judge(&session, "tracking", &analytics), "unknown category \"tracking\"");
        assert_eq!(judge(&session, "service:x", &analytics), "unknown service \"x\"");
        // A damaged token runs nothing.
        assert_eq!(judge(&session, "analytics", "7.zz"), "hold");
        assert_eq!(judge(&session, "necessary", "garbage"), "run");
    }

    #[test]
    fn tampered_storage_is_reported_as_a_warning() {
        let (_, json) = start(
            &Page {
                stored: Some("{broken"),
                ..page("diffo.se")
            },
            NOW,
        );
        assert!(
            json.starts_with(
                r#"{"log":[["warn","the stored decision is unreadable (not a consent record); asking again"]]"#
            ),
            "{json}"
        );
    }

    #[test]
    fn forget_names_what_to_delete_and_where() {
        let (session, _) = start(&page("www.diffo.fi"), NOW);
        let session = session.unwrap();
        let analytics = Consent::NONE
            .with_category(&session.config().services, Category::Analytics, true)
            .token();
        let json = forget(
            &session,
            "www.diffo.fi",
            "/blog/post",
            &analytics,
            "_ga\n_ga_DIFFOFI00\n_fbp\ntheme",
            "li_adsId\nx",
            "",
        );
        assert_eq!(
            json,
            r#"{"cookies":["_fbp"],"domains":["www.diffo.fi","diffo.fi"],"paths":["/","/blog","/blog/post"]}"#
        );
        let all = Consent::all(&session.config().services).token();
        assert_eq!(forget(&session, "www.diffo.fi", "/", &all, "_ga\n_fbp", "", ""), "{}");
        // A damaged token forgets as if nothing were allowed.
        assert!(forget(&session, "www.diffo.fi", "/", "x", "_ga", "", "").contains(r#""cookies":["_ga"]"#));
    }
}
