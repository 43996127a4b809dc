//! The tracker gate: what may run, in which order, for a given consent.
//!
//! Decisions are plain data here. [`on_load`] and [`transition`] return a list
//! of [`Command`]s that the browser glue carries out literally, one module
//! there (`src/inject.rs`) being the only code that inserts scripts. So the
//! rules that matter (nothing of a category before it is allowed, Consent
//! Mode signals before the Google tag, `consent grant` before the pixel's
//! `init`) are tested here on the host.

use crate::category::{Category, Choices};
use crate::config::SiteConfig;
use crate::lang::Lang;
use crate::prelude::*;

/// An argument of a `gtag(…)` or `fbq(…)` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A string.
    Str(String),
    /// A whole number.
    Int(i64),
    /// `true` or `false`.
    Bool(bool),
    /// An object of named arguments.
    Obj(Vec<(&'static str, Arg)>),
    /// `new Date()` at the moment of the call.
    Now,
}

fn s(text: &str) -> Arg {
    Arg::Str(text.to_string())
}

/// One step for the browser glue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Call `gtag(…)`, which pushes onto `window.dataLayer`.
    Gtag(Vec<Arg>),
    /// Call `fbq(…)`, creating Meta's standard command-queue stub first if
    /// the page has none.
    Fbq(Vec<Arg>),
    /// Insert an async `<script src>` for a vendor.
    LoadScript {
        /// The category that allowed it.
        category: Category,
        /// The script URL.
        src: String,
    },
    /// Run the page's own `<script type="text/plain" data-consent>` tags that
    /// the given consent now allows (see [`page_script`]).
    ActivatePageScripts(Choices),
    /// Push an object onto `window.dataLayer` (a Tag Manager event).
    Push(Arg),
    /// Delete the declared first-party cookies and storage keys of every
    /// category the given consent does not allow (see [`crate::forget`]).
    Forget(Choices),
    /// Show the page's gated embeds the given consent allows, and
    /// placeholders for the others (see [`crate::embed`]).
    Embeds(Choices),
    /// Reload the page: something that ran is no longer allowed, and running
    /// code cannot be unloaded.
    Reload,
}

/// The vendor scripts by URL.
pub mod urls {
    /// Google's tag for GA4, followed by the measurement id.
    pub const GTAG: &str = "https://www.googletagmanager.com/gtag/js?id=";
    /// Meta Pixel.
    pub const FBEVENTS: &str = "https://connect.facebook.net/en_US/fbevents.js";
    /// Instagram embeds.
    pub const INSTAGRAM: &str = "https://www.instagram.com/embed.js";
    /// LinkedIn's platform script.
    pub const LINKEDIN: &str = "https://platform.linkedin.com/in.js";

    /// The Facebook SDK in the visitor's language (it renders the buttons).
    pub fn facebook_sdk(lang: super::Lang) -> alloc::string::String {
        let locale = match lang {
            super::Lang::Fi => "fi_FI",
            super::Lang::En => "en_US",
            super::Lang::Sv => "sv_SE",
        };
        ["https://connect.facebook.net/", locale, "/sdk.js#xfbml=1&version=v21.0"].concat()
    }
}

/// Google Consent Mode v2 storage types, all denied until the visitor
/// decides. `wait_for_update` gives the decision time to arrive before a tag
/// already on the page sends anything.
fn consent_default() -> Command {
    let mut fields: Vec<(&'static str, Arg)> = [
        "ad_storage",
        "ad_user_data",
        "ad_personalization",
        "analytics_storage",
        "functionality_storage",
        "personalization_storage",
        "security_storage",
    ]
    .into_iter()
    .map(|k| (k, s("denied")))
    .collect();
    fields.push(("wait_for_update", Arg::Int(500)));
    Command::Gtag(vec![s("consent"), s("default"), Arg::Obj(fields)])
}

fn consent_update(allowed: Choices) -> Command {
    let signal = |on: bool| s(if on { "granted" } else { "denied" });
    Command::Gtag(vec![
        s("consent"),
        s("update"),
        Arg::Obj(vec![
            ("ad_storage", signal(allowed.marketing)),
            ("ad_user_data", signal(allowed.marketing)),
            ("ad_personalization", signal(allowed.marketing)),
            ("analytics_storage", signal(allowed.analytics)),
        ]),
    ])
}

/// What runs as soon as the banner starts, before anything is known about
/// the visitor: the Consent Mode default, so that any Google tag on the page
/// starts denied.
pub fn on_load() -> Vec<Command> {
    vec![consent_default()]
}

/// The Tag Manager event that announces a decision:
/// `{event: "diffo_consent_update", diffo_consent: {necessary, analytics, marketing, social}}`.
fn data_layer_event(allowed: Choices) -> Command {
    let categories = Category::ALL
        .iter()
        .map(|&c| (c.key(), Arg::Bool(allowed.allows(c))))
        .collect();
    Command::Push(Arg::Obj(vec![
        ("event", s("diffo_consent_update")),
        ("diffo_consent", Arg::Obj(categories)),
    ]))
}

/// The commands for a page view with no decision (yet): the declared
/// cookies of every optional category go, and embeds show placeholders.
pub fn undecided() -> Vec<Command> {
    vec![Command::Forget(Choices::NONE), Command::Embeds(Choices::NONE)]
}

/// The commands that take the page from `ran` (the categories whose scripts
/// already ran in this page view) to `allowed` (the visitor's consent now).
///
/// Every decision updates the Consent Mode signals, tells Tag Manager, and
/// deletes the declared cookies of the categories it refuses. Newly allowed
/// categories get their vendor set-up and scripts, and their embeds load. A
/// category that ran and is withdrawn gets its signals withdrawn and, unless
/// the site turned it off, a [`Command::Reload`], because running code
/// cannot be stopped; after the reload nothing of it loads.
pub fn transition(config: &SiteConfig, ran: Choices, allowed: Choices, lang: Lang) -> Vec<Command> {
    let mut out = vec![consent_update(allowed), data_layer_event(allowed)];
    let withdrawn: Vec<Category> = ran.added_since(allowed).collect();
    if withdrawn.contains(&Category::Marketing) && config.meta_pixel.is_some() {
        out.push(Command::Fbq(vec![s("consent"), s("revoke")]));
    }
    let added: Vec<Category> = allowed.added_since(ran).collect();
    let reload = !withdrawn.is_empty() && config.reload_on_withdraw;
    // With a reload coming, what was added loads on the reloaded page.
    if !reload {
        for &category in &added {
            vendor_setup(config, category, lang, &mut out);
        }
        if !added.is_empty() {
            out.push(Command::ActivatePageScripts(allowed));
        }
    }
    out.push(Command::Forget(allowed));
    out.push(Command::Embeds(allowed));
    if reload {
        out.push(Command::Reload);
    }
    out
}

fn vendor_setup(config: &SiteConfig, category: Category, lang: Lang, out: &mut Vec<Command>) {
    let load = |src: String| Command::LoadScript { category, src };
    match category {
        Category::Necessary => {}
        Category::Analytics => {
            if let Some(id) = &config.google_analytics {
                out.push(Command::Gtag(vec![s("js"), Arg::Now]));
                out.push(Command::Gtag(vec![s("config"), s(id)]));
                out.push(load([urls::GTAG, id].concat()));
            }
        }
        Category::Marketing => {
            if let Some(id) = &config.meta_pixel {
                // Initialised with consent revoked, then granted: the pixel
                // sends nothing unless the grant arrives.
                out.push(Command::Fbq(vec![s("consent"), s("revoke")]));
                if !config.meta_automatic_matching {
                    // Off: no automatic advanced matching from form fields and
                    // no automatically detected events.
                    out.push(Command::Fbq(vec![s("set"), s("autoConfig"), Arg::Bool(false), s(id)]));
                }
                out.push(Command::Fbq(vec![s("init"), s(id)]));
                out.push(Command::Fbq(vec![s("consent"), s("grant")]));
                out.push(Command::Fbq(vec![s("track"), s("PageView")]));
                out.push(load(urls::FBEVENTS.to_string()));
            }
        }
        Category::Social => {
            if config.social.facebook {
                out.push(load(urls::facebook_sdk(lang)));
            }
            if config.social.instagram {
                out.push(load(urls::INSTAGRAM.to_string()));
            }
            if config.social.linkedin {
                out.push(load(urls::LINKEDIN.to_string()));
            }
        }
    }
}

/// What to do with one page script marked `data-consent="…"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageScript {
    /// Every category it names is allowed: run it.
    Run,
    /// Some category it names is not allowed (yet): leave it inert.
    Hold,
    /// It names something that is not a category: never run it, and tell
    /// the site editor.
    Invalid(String),
}

/// Judges a page script's `data-consent` value: one category key, or several
/// separated by spaces when the script needs all of them.
///
/// ```
/// use diffo_consent_core::category::Choices;
/// use diffo_consent_core::gate::{page_script, PageScript};
/// let analytics_only = Choices { analytics: true, ..Choices::NONE };
/// assert_eq!(page_script("analytics", analytics_only), PageScript::Run);
/// assert_eq!(page_script("analytics marketing", analytics_only), PageScript::Hold);
/// ```
pub fn page_script(attr: &str, allowed: Choices) -> PageScript {
    let mut names = attr.split_ascii_whitespace().peekable();
    if names.peek().is_none() {
        return PageScript::Invalid("an empty data-consent attribute".to_string());
    }
    let mut run = true;
    for name in names {
        match Category::from_key(name) {
            Some(c) => run &= allowed.allows(c),
            None => return PageScript::Invalid(["unknown category \"", name, "\""].concat()),
        }
    }
    if run {
        PageScript::Run
    } else {
        PageScript::Hold
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Site;

    fn only(c: Category) -> Choices {
        Choices::NONE.with(c, true)
    }

    /// Short names for commands, so the expected sequences read as a list.
    fn describe(commands: &[Command]) -> Vec<String> {
        commands
            .iter()
            .map(|c| match c {
                Command::Gtag(args) => format!("gtag {}", describe_args(args)),
                Command::Fbq(args) => format!("fbq {}", describe_args(args)),
                Command::LoadScript { category, src } => format!("load {} {src}", category.key()),
                Command::ActivatePageScripts(_) => "page scripts".to_string(),
                Command::Push(arg) => format!("push {}", describe_args(std::slice::from_ref(arg))),
                Command::Forget(c) => format!("forget {}", crate::protocol::mask(*c)),
                Command::Embeds(c) => format!("embeds {}", crate::protocol::mask(*c)),
                Command::Reload => "reload".to_string(),
            })
            .collect()
    }

    fn describe_args(args: &[Arg]) -> String {
        args.iter()
            .map(|a| match a {
                Arg::Str(s) => s.clone(),
                Arg::Int(n) => n.to_string(),
                Arg::Bool(b) => b.to_string(),
                Arg::Now => "now".to_string(),
                Arg::Obj(fields) => {
                    let inner: Vec<String> = fields
                        .iter()
                        .map(|(k, v)| format!("{k}={}", describe_args(std::slice::from_ref(v))))
                        .collect();
                    format!("{{{}}}", inner.join(","))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn check(ran: Choices, allowed: Choices, expected: &[&str]) {
        let config = SiteConfig::builtin(Site::DiffoFi).unwrap();
        assert_eq!(
            describe(&transition(&config, ran, allowed, Lang::Fi)),
            expected,
            "{ran:?} -> {allowed:?}"
        );
    }

    const UPDATE_NONE: &str = "gtag consent update {ad_storage=denied,ad_user_data=denied,ad_personalization=denied,analytics_storage=denied}";
    const UPDATE_ANALYTICS: &str =
        "gtag consent update {ad_storage=denied,ad_user_data=denied,ad_personalization=denied,analytics_storage=granted}";
    const UPDATE_MARKETING: &str =
        "gtag consent update {ad_storage=granted,ad_user_data=granted,ad_personalization=granted,analytics_storage=denied}";
    const UPDATE_ALL: &str = "gtag consent update {ad_storage=granted,ad_user_data=granted,ad_personalization=granted,analytics_storage=granted}";

    #[test]
    fn consent_default_denies_all_seven_types_first() {
        assert_eq!(
            describe(&on_load()),
            ["gtag consent default {ad_storage=denied,ad_user_data=denied,ad_personalization=denied,analytics_storage=denied,\
              functionality_storage=denied,personalization_storage=denied,security_storage=denied,wait_for_update=500}"]
        );
    }

    /// The commands of a decision: the update, the Tag Manager event, then
    /// `middle`, then forgetting and embeds for the allowed `mask`, then `tail`.
    fn decision(update: &str, allowed: Choices, middle: &[&str], tail: &[&str]) -> Vec<String> {
        let flag = |c: Category| allowed.allows(c);
        let push = format!(
            "push {{event=diffo_consent_update,diffo_consent={{necessary=true,analytics={},marketing={},social={}}}}}",
            flag(Category::Analytics),
            flag(Category::Marketing),
            flag(Category::Social)
        );
        let mask = crate::protocol::mask(allowed);
        let mut out = vec![update.to_string(), push];
        out.extend(middle.iter().map(|s| s.to_string()));
        out.push(format!("forget {mask}"));
        out.push(format!("embeds {mask}"));
        out.extend(tail.iter().map(|s| s.to_string()));
        out
    }

    fn check_decision(ran: Choices, allowed: Choices, update: &str, middle: &[&str], tail: &[&str]) {
        let expected = decision(update, allowed, middle, tail);
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        check(ran, allowed, &expected);
    }

    #[test]
    fn script_decision_table() {
        use Category::*;
        let ga = [
            "gtag js now",
            "gtag config G-DIFFOFI00",
            "load analytics https://www.googletagmanager.com/gtag/js?id=G-DIFFOFI00",
        ];
        let pixel = [
            "fbq consent revoke",
            "fbq set autoConfig false 100000000000001",
            "fbq init 100000000000001",
            "fbq consent grant",
            "fbq track PageView",
            "load marketing https://connect.facebook.net/en_US/fbevents.js",
        ];
        let social = [
            "load social https://connect.facebook.net/fi_FI/sdk.js#xfbml=1&version=v21.0",
            "load social https://www.instagram.com/embed.js",
            "load social https://platform.linkedin.com/in.js",
        ];
        let n = Choices::NONE;
        let scripts = ["page scripts"];
        // Reject all: the signals stay denied, and refused cookies go.
        check_decision(n, n, UPDATE_NONE, &[], &[]);
        // Each category alone loads exactly its own vendors.
        check_decision(n, only(Analytics), UPDATE_ANALYTICS, &[&ga[..], &scripts].concat(), &[]);
        check_decision(
            n,
            only(Marketing),
            UPDATE_MARKETING,
            &[&pixel[..], &scripts].concat(),
            &[],
        );
        check_decision(n, only(Social), UPDATE_NONE, &[&social[..], &scripts].concat(), &[]);
        // Accept all.
        check_decision(
            n,
            Choices::ALL,
            UPDATE_ALL,
            &[&ga[..], &pixel, &social, &scripts].concat(),
            &[],
        );
        // Adding a category to one that ran loads only the new one.
        let two = Choices::ALL.with(Social, false);
        check_decision(only(Analytics), two, UPDATE_ALL, &[&pixel[..], &scripts].concat(), &[]);
        // Saving the same choice again loads nothing twice.
        check_decision(only(Analytics), only(Analytics), UPDATE_ANALYTICS, &[], &[]);
        // Withdrawing something that ran: signals down, cookies gone, reload;
        // a category added at the same time loads after the reload.
        check_decision(only(Analytics), n, UPDATE_NONE, &[], &["reload"]);
        check_decision(only(Analytics), only(Social), UPDATE_NONE, &[], &["reload"]);
        check_decision(
            Choices::ALL,
            only(Social),
            UPDATE_NONE,
            &["fbq consent revoke"],
            &["reload"],
        );
    }

    #[test]
    fn withdrawal_without_reload_when_the_site_says_so() {
        let mut config = SiteConfig::builtin(Site::DiffoFi).unwrap();
        config.apply_json(r#"{"reloadOnWithdraw": false}"#).unwrap();
        let commands = describe(&transition(
            &config,
            only(Category::Analytics),
            only(Category::Social),
            Lang::Fi,
        ));
        assert!(!commands.contains(&"reload".to_string()));
        assert!(
            commands.contains(&"load social https://www.instagram.com/embed.js".to_string()),
            "{commands:?}"
        );
        assert!(commands.contains(&"forget 4".to_string()));
    }

    #[test]
    fn automatic_matching_only_when_the_site_asks() {
        let mut config = SiteConfig::builtin(Site::DiffoFi).unwrap();
        config.apply_json(r#"{"metaAutomaticMatching": true}"#).unwrap();
        let commands = describe(&transition(&config, Choices::NONE, only(Category::Marketing), Lang::Fi));
        assert!(!commands.iter().any(|c| c.contains("autoConfig")), "{commands:?}");
        assert!(commands.contains(&"fbq init 100000000000001".to_string()));
    }

    #[test]
    fn unconfigured_vendors_load_nothing() {
        let mut config = SiteConfig::builtin(Site::DiffoSe).unwrap();
        config
            .apply_json(r#"{"googleAnalytics": null, "metaPixel": null, "socialPlugins": ["linkedin"]}"#)
            .unwrap();
        assert_eq!(
            describe(&transition(&config, Choices::NONE, Choices::ALL, Lang::Sv)),
            decision(
                UPDATE_ALL,
                Choices::ALL,
                &["load social https://platform.linkedin.com/in.js", "page scripts"],
                &[]
            )
        );
        // Without a pixel there is nothing to revoke.
        assert_eq!(
            describe(&transition(&config, Choices::ALL, Choices::NONE, Lang::Sv)),
            decision(UPDATE_NONE, Choices::NONE, &[], &["reload"])
        );
    }

    #[test]
    fn facebook_sdk_speaks_the_visitors_language() {
        let config = SiteConfig::builtin(Site::DiffoSe).unwrap();
        let cmds = transition(&config, Choices::NONE, only(Category::Social), Lang::Sv);
        assert!(describe(&cmds)
            .contains(&"load social https://connect.facebook.net/sv_SE/sdk.js#xfbml=1&version=v21.0".to_string()));
    }

    #[test]
    fn page_script_table() {
        use PageScript::*;
        let a = only(Category::Analytics);
        for (attr, allowed, expected) in [
            ("analytics", a, Run),
            ("analytics", Choices::NONE, Hold),
            ("marketing", a, Hold),
            ("social", Choices::ALL, Run),
            ("necessary", Choices::NONE, Run),
            (" analytics  marketing ", a, Hold),
            ("analytics marketing", Choices::ALL, Run),
            ("", Choices::ALL, Invalid("an empty data-consent attribute".into())),
            ("ads", Choices::ALL, Invalid("unknown category \"ads\"".into())),
            (
                "Analytics",
                Choices::ALL,
                Invalid("unknown category \"Analytics\"".into()),
            ),
            (
                "analytics ads",
                Choices::ALL,
                Invalid("unknown category \"ads\"".into()),
            ),
        ] {
            assert_eq!(page_script(attr, allowed), expected, "{attr:?} with {allowed:?}");
        }
    }
}
