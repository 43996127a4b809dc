//! The boundary between the wasm module and its JavaScript edge.
//!
//! The edge (`www/consent.js`) does only what JavaScript must: it reads the
//! page, storage, the clock and the random source, and it changes the page.
//! Everything it learns goes in through [`start`] and [`act`] as plain
//! strings; everything it must do comes back as one JSON object of effects,
//! which it carries out literally, in this order:
//!
//! | key       | value                                   | the edge …                                   |
//! |-----------|-----------------------------------------|----------------------------------------------|
//! | `error`   | a sentence                              | logs it and does nothing else (fail closed)  |
//! | `log`     | `[["info"\|"warn", sentence], …]`       | writes each line to the console              |
//! | `store`   | the record's JSON text                  | saves it under the storage key               |
//! | `html`    | markup                                  | renders it into the shadow root              |
//! | `focus`   | `"dialog"`, `"restore"`, `"lang:fi"`    | moves focus (see [`Focus`])                  |
//! | `run`     | `[command, …]`                          | carries out each tracker command in order    |
//! | `record`  | the record as an object                 | dispatches `diffo-consent:change` with it    |
//!
//! Commands are arrays: `["gtag", args…]` and `["fbq", args…]` call the
//! vendor queues (an argument `{"$now":1}` stands for `new Date()`),
//! `["load", category, url]` inserts an async script, `["activate", mask]`
//! runs the page's own `text/plain` scripts that [`judge`] allows under the
//! category mask (analytics 1, marketing 2, social 4), and `["reload"]`
//! reloads the page.

use crate::api::parse_choices;
use crate::category::{Category, Choices};
use crate::config::{Site, SiteConfig};
use crate::gate::{page_script, Arg, Command, PageScript};
use crate::json::{write_str, ObjectWriter};
use crate::lang::{Lang, LangHints};
use crate::num;
use crate::prelude::*;
use crate::session::{Action, Effects, Focus, Session};
use crate::time::Timestamp;
use crate::wire;

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
    /// config checker (`consent-config.wasm`) encoded them (see [`wire`]).
    pub config: Option<&'a [u8]>,
    /// The text under the storage key, if any.
    pub stored: Option<&'a str>,
}

/// Starts a page view: recognises the site, applies the config, reads the
/// stored decision. `builtin` gives a site's built-in config. Returns the
/// session and the first effects, or the effects `{"error": …}` when the
/// banner must not run (unknown site, unreadable config), in which case
/// nothing at all may load.
pub fn start(page: &Page<'_>, now: Timestamp, builtin: impl Fn(Site) -> Option<SiteConfig>) -> (Option<Session>, String) {
    match configure(page, builtin) {
        Ok(config) => {
            let browser: Vec<String> = page
                .browser_langs
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            let hints = LangHints {
                chosen: None,
                script_attr: page.lang_attr,
                html_lang: page.html_lang,
                site_default: None,
                browser: &browser,
            };
            let (session, effects, report) = Session::start(config, page.stored, now, hints);
            let log = report.map(|reason| {
                if reason.is_damage() {
                    ("warn", [&reason.message(), "; asking again"].concat())
                } else {
                    ("info", [&reason.message(), "; asking"].concat())
                }
            });
            let json = encode(&effects, &session, log.as_slice());
            (Some(session), json)
        }
        Err(message) => (None, error(&message)),
    }
}

fn configure(page: &Page<'_>, builtin: impl Fn(Site) -> Option<SiteConfig>) -> Result<SiteConfig, String> {
    let site = match page.site_attr {
        Some(name) => Site::from_hostname(name).ok_or_else(|| {
            ["data-site=\"", name, "\" is not one of diffo.fi, diffosolutions.com, diffo.se"].concat()
        })?,
        None => Site::from_hostname(page.hostname).ok_or_else(|| {
            [
                "this page's host \"",
                page.hostname,
                "\" is not a Diffo site; set data-site=\"diffo.fi\" (or diffosolutions.com, diffo.se) on the script tag",
            ]
            .concat()
        })?,
    };
    let mut config = builtin(site).ok_or("the built-in config cannot be read")?;
    if let Some(bytes) = page.config {
        for setting in wire::decode(bytes).ok_or("the checked config cannot be read")? {
            config.apply(setting);
        }
    }
    Ok(config)
}

/// Reads an action as the edge names it: a `data-action` value
/// (`accept-all`, `reject-all`, `settings`, `reopen`, `save`, `close`), an
/// API call (`open`, `withdraw`, `set:{json}`), `lang:sv`, or a switch
/// change (`on:analytics`, `off:analytics`).
pub fn parse_action(text: &str) -> Result<Action, String> {
    let action = match text {
        "accept-all" => Action::AcceptAll,
        "reject-all" => Action::RejectAll,
        "settings" | "reopen" | "open" => Action::OpenSettings,
        "save" => Action::Save,
        "close" => Action::Close,
        "withdraw" => Action::Withdraw,
        _ => {
            let (kind, arg) = text.split_once(':').unwrap_or((text, ""));
            match kind {
                "set" => Action::Set(parse_choices(arg)?),
                "lang" => Action::SwitchLang(Lang::from_code(arg).ok_or_else(|| unknown_action(text))?),
                "on" | "off" => match Category::from_key(arg) {
                    Some(c) if c != Category::Necessary => Action::Toggle(c, kind == "on"),
                    _ => return Err(unknown_action(text)),
                },
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
pub fn act(session: &mut Session, action: &str, now: Timestamp, random: [u8; 16]) -> String {
    match parse_action(action) {
        Ok(action) => {
            let effects = session.handle(action, now, random);
            encode(&effects, session, &[])
        }
        Err(message) => error(&message),
    }
}

/// The effects object `{"error": message}`.
pub fn error(message: &str) -> String {
    ObjectWriter::new().str("error", message).finish()
}

/// The category mask of `choices`: analytics 1, marketing 2, social 4.
pub fn mask(choices: Choices) -> u8 {
    u8::from(choices.analytics) | u8::from(choices.marketing) << 1 | u8::from(choices.social) << 2
}

/// Whether a page script with `data-consent="attr"` may run under `mask`:
/// `"run"`, `"hold"`, or the reason it never will.
pub fn judge(attr: &str, mask: u8) -> String {
    let allowed = Choices {
        analytics: mask & 1 != 0,
        marketing: mask & 2 != 0,
        social: mask & 4 != 0,
    };
    match page_script(attr, allowed) {
        PageScript::Run => "run".to_string(),
        PageScript::Hold => "hold".to_string(),
        PageScript::Invalid(why) => why,
    }
}

/// The effects as the JSON object described in the module docs.
pub fn encode(effects: &Effects, session: &Session, log: &[(&str, String)]) -> String {
    let mut w = ObjectWriter::new();
    if !log.is_empty() {
        let lines: Vec<String> = log
            .iter()
            .map(|(level, text)| array(&[quoted(level), quoted(text)]))
            .collect();
        w.raw("log", &array(&lines));
    }
    if let Some(text) = &effects.store {
        w.str("store", text);
    }
    if effects.render {
        w.str("html", &session.markup());
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
    if !effects.commands.is_empty() {
        let commands: Vec<String> = effects.commands.iter().map(command).collect();
        w.raw("run", &array(&commands));
    }
    if effects.changed {
        if let Some(record) = session.record() {
            w.raw("record", &record.to_json());
        }
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
        Command::LoadScript { category, src } => array(&[quoted("load"), quoted(category.key()), quoted(src)]),
        Command::ActivatePageScripts(allowed) => array(&[quoted("activate"), num::decimal(mask(*allowed).into())]),
        Command::Reload => array(&[quoted("reload")]),
    }
}

fn arg(a: &Arg) -> String {
    match a {
        Arg::Str(s) => quoted(s),
        Arg::Int(n) => num::decimal(*n),
        Arg::Now => r#"{"$now":1}"#.to_string(),
        Arg::Obj(fields) => {
            let mut w = ObjectWriter::new();
            for (key, value) in fields {
                w.raw(key, &arg(value));
            }
            w.finish()
        }
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_str(&mut out, s);
    out
}

fn array(items: &[String]) -> String {
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
        assert_eq!(keys(&e), ["log", "html", "focus", "run"]);
        assert_eq!(e.get("focus"), Some(&Value::Str("dialog".into())));
        let Some(Value::Array(run)) = e.get("run") else {
            panic!()
        };
        assert_eq!(run.len(), 1);
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
        wire::encode(&crate::config::parse_settings(json).unwrap())
    }

    #[test]
    fn a_checked_config_overrides_the_builtin_one() {
        let blob = checked(r#"{"googleAnalytics": "G-REAL1234", "socialPlugins": []}"#);
        let (session, _) = start(&Page { config: Some(&blob), ..page("diffo.fi") }, NOW);
        let mut session = session.unwrap();
        let json = act(&mut session, "accept-all", NOW, [1; 16]);
        assert!(json.contains(r#"["load","analytics","https://www.googletagmanager.com/gtag/js?id=G-REAL1234"]"#), "{json}");
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
    fn accept_all_encodes_store_render_commands_and_record() {
        let (session, _) = start(&page("diffosolutions.com"), NOW);
        let mut session = session.unwrap();
        let json = act(&mut session, "accept-all", NOW, [3; 16]);
        let e = effects(&json);
        assert_eq!(keys(&e), ["store", "html", "focus", "run", "record"]);
        let Some(Value::Str(stored)) = e.get("store") else {
            panic!()
        };
        assert_eq!(parse_stored(stored).unwrap().choices, Choices::ALL);
        assert_eq!(
            e.get("record"),
            Some(&parse(stored).unwrap()),
            "the event carries the stored record"
        );
        assert!(json.contains(r#"["gtag","js",{"$now":1}],["gtag","config","G-DIFFOCOM0"],["load","analytics","https://www.googletagmanager.com/gtag/js?id=G-DIFFOCOM0"]"#), "{json}");
        assert!(
            json.contains(r#"["fbq","consent","grant"],["fbq","init","100000000000002"]"#),
            "{json}"
        );
        assert!(json.contains(r#"["activate",7]"#));
    }

    #[test]
    fn actions_from_the_edge() {
        use Action::*;
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
            (
                "set:{\"marketing\":true}",
                Ok(Set(Choices::NONE.with(Category::Marketing, true))),
            ),
            ("lang:de", Err("unknown action \"lang:de\"")),
            ("off:necessary", Err("unknown action \"off:necessary\"")),
            ("accept", Err("unknown action \"accept\"")),
            ("", Err("unknown action \"\"")),
        ] {
            assert_eq!(parse_action(text), expected.map_err(str::to_string), "{text:?}");
        }
        let (session, _) = start(&page("diffo.fi"), NOW);
        let mut session = session.unwrap();
        let json = act(&mut session, "set:{\"analytics\":\"yes\"}", NOW, [0; 16]);
        assert_eq!(
            json,
            r#"{"error":"diffoConsent.set() takes an object like {analytics: true, marketing: false, social: false}; \"analytics\" must be true or false, not a string"}"#
        );
        assert!(session.record().is_none(), "a refused call changes nothing");
    }

    #[test]
    fn toggles_change_nothing_visible() {
        let (session, _) = start(&page("diffo.fi"), NOW);
        let mut session = session.unwrap();
        act(&mut session, "settings", NOW, [0; 16]);
        assert_eq!(act(&mut session, "on:social", NOW, [0; 16]), "{}");
        assert!(act(&mut session, "lang:en", NOW, [0; 16]).contains(r#""focus":"lang:en""#));
    }

    #[test]
    fn judge_and_mask() {
        assert_eq!(mask(Choices::NONE), 0);
        assert_eq!(mask(Choices::ALL), 7);
        assert_eq!(mask(Choices::NONE.with(Category::Marketing, true)), 2);
        assert_eq!(judge("analytics", 1), "run");
        assert_eq!(judge("analytics", 6), "hold");
        assert_eq!(judge("social marketing", 6), "run");
        assert_eq!(judge("tracking", 7), "unknown category \"tracking\"");
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
}
