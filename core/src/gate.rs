//! The tracker gate: what may run, in which order, for a given consent.
//!
//! Decisions are plain data here. [`on_load`] and [`transition`] return a list
//! of [`Command`]s that the edge (`www/edge/`) carries out literally, it
//! being the only code that inserts scripts. So the rules that matter are
//! tested here on the host: a service's scripts load only once the visitor
//! allowed that service; Consent Mode signals come before any Google tag and
//! follow the Google services allowed (an analytics one grants
//! `analytics_storage` only, and only a marketing one the `ad_*` signals);
//! the Meta Pixel is initialised with consent revoked and then granted.

use crate::category::Category;
use crate::config::{Site, SiteConfig};
use crate::consent::Consent;
use crate::lang::Lang;
use crate::model::EmbedModel;
use crate::prelude::*;
use crate::service::{Integration, Service};

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
    Obj(Vec<(String, Arg)>),
    /// `new Date()` at the moment of the call.
    Now,
    /// `Date.now()` (milliseconds) at the moment of the call.
    NowMs,
}

fn s(text: &str) -> Arg {
    Arg::Str(text.to_string())
}

fn obj(fields: Vec<(&str, Arg)>) -> Arg {
    Arg::Obj(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// One step for the edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Call `gtag(…)`, which pushes onto `window.dataLayer`.
    Gtag(Vec<Arg>),
    /// Call `fbq(…)`, creating Meta's standard command-queue stub first if
    /// the page has none.
    Fbq(Vec<Arg>),
    /// Insert an async `<script src>` of a service.
    LoadScript {
        /// The id of the service that allowed it.
        service: String,
        /// The script URL.
        src: String,
    },
    /// Run the page's own `<script type="text/plain" data-consent>` tags that
    /// the given consent now allows (see [`page_script`]).
    ActivatePageScripts(Consent),
    /// Push an object onto `window.dataLayer` (a Tag Manager event).
    Push(Arg),
    /// Delete the declared first-party cookies and storage keys that the
    /// given consent refuses (see [`crate::forget`]).
    Forget(Consent),
    /// Show the page's gated embeds the given consent allows, and
    /// placeholders for the others (see [`crate::embed`]).
    Embeds(EmbedModel),
    /// Reload the page: something that ran is no longer allowed, and running
    /// code cannot be unloaded.
    Reload,
}

/// Google Consent Mode v2 storage types, all denied until the visitor
/// decides. `wait_for_update` gives the decision time to arrive before a tag
/// already on the page sends anything.
fn consent_default() -> Command {
    let mut fields: Vec<(&str, Arg)> = [
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
    Command::Gtag(vec![s("consent"), s("default"), obj(fields)])
}

/// The Consent Mode signals for `allowed`: `analytics_storage` when a Google
/// service of the analytics category is allowed, the three `ad_*` signals
/// when one of the marketing category is.
fn consent_update(config: &SiteConfig, allowed: Consent) -> Command {
    let granted = |category: Category| {
        config.services.iter().enumerate().any(|(i, svc)| {
            svc.integration == Some(Integration::GoogleTag) && svc.category == category && allowed.allows_service(i)
        })
    };
    let signal = |on: bool| s(if on { "granted" } else { "denied" });
    let ads = granted(Category::Marketing);
    Command::Gtag(vec![
        s("consent"),
        s("update"),
        obj(vec![
            ("ad_storage", signal(ads)),
            ("ad_user_data", signal(ads)),
            ("ad_personalization", signal(ads)),
            ("analytics_storage", signal(granted(Category::Analytics))),
        ]),
    ])
}

/// What runs as soon as the banner starts, before anything is known about
/// the visitor: the Consent Mode default, so that any Google tag on the page
/// starts denied.
pub fn on_load() -> Vec<Command> {
    vec![consent_default()]
}

/// The Tag Manager event that announces a decision: `{event:
/// "diffo_consent_update", diffo_consent: {necessary, analytics, marketing,
/// social, services: {id: bool, …}}}`.
fn data_layer_event(config: &SiteConfig, allowed: Consent) -> Command {
    let mut fields: Vec<(String, Arg)> = Category::ALL
        .iter()
        .map(|&c| (c.key().to_string(), Arg::Bool(allowed.allows(c))))
        .collect();
    let services = config
        .services
        .iter()
        .enumerate()
        .map(|(i, svc)| (svc.id.clone(), Arg::Bool(allowed.allows_service(i))))
        .collect();
    fields.push(("services".to_string(), Arg::Obj(services)));
    Command::Push(obj(vec![
        ("event", s("diffo_consent_update")),
        ("diffo_consent", Arg::Obj(fields)),
    ]))
}

/// The commands for a page view with no decision (yet): the declared
/// cookies of everything optional go, and embeds show placeholders.
pub fn undecided(site: Site, lang: Lang) -> Vec<Command> {
    vec![
        Command::Forget(Consent::NONE),
        Command::Embeds(EmbedModel {
            site,
            lang,
            consent: Consent::NONE,
        }),
    ]
}

/// The commands that take the page from `ran` (what already ran in this
/// page view) to `allowed` (the visitor's consent now).
///
/// Every decision updates the Consent Mode signals, tells Tag Manager, and
/// deletes the declared cookies of what it refuses. Newly allowed services
/// get their vendor set-up and scripts, in the config's order, and embeds
/// load. Anything that ran and is withdrawn gets its signals withdrawn and,
/// unless the site turned it off, a [`Command::Reload`], because running
/// code cannot be stopped; after the reload nothing of it loads.
pub fn transition(config: &SiteConfig, ran: Consent, allowed: Consent, lang: Lang) -> Vec<Command> {
    let mut out = vec![consent_update(config, allowed), data_layer_event(config, allowed)];
    let withdrawn = ran.added_since(allowed);
    let pixel_withdrawn = withdrawn
        .service_indices(&config.services)
        .any(|i| config.services[i].integration == Some(Integration::MetaPixel));
    if pixel_withdrawn && config.meta_pixel.is_some() {
        out.push(Command::Fbq(vec![s("consent"), s("revoke")]));
    }
    let added = allowed.added_since(ran);
    let reload = !withdrawn.is_none() && config.reload_on_withdraw;
    // With a reload coming, what was added loads on the reloaded page.
    if !reload {
        let mut google_ran = ran
            .service_indices(&config.services)
            .any(|i| config.services[i].integration == Some(Integration::GoogleTag));
        for i in added.service_indices(&config.services) {
            vendor_setup(config, &config.services[i], lang, &mut google_ran, &mut out);
        }
        if !added.is_none() {
            out.push(Command::ActivatePageScripts(allowed));
        }
    }
    out.push(Command::Forget(allowed));
    out.push(Command::Embeds(EmbedModel {
        site: config.site,
        lang,
        consent: allowed,
    }));
    if reload {
        out.push(Command::Reload);
    }
    out
}

/// The measurement or container id of a Google tag script: the `id` of
/// `https://www.googletagmanager.com/gtag/js?id=…` or `…/gtm.js?id=…`, as
/// Google's own snippets name it.
fn google_tag_id<'a>(src: &'a str, path: &str) -> Option<&'a str> {
    let rest = src
        .strip_prefix("https://www.googletagmanager.com/")?
        .strip_prefix(path)?;
    let query = rest.strip_prefix('?')?;
    let id = query.split('&').find_map(|pair| pair.strip_prefix("id="))?;
    (!id.is_empty()).then_some(id)
}

fn vendor_setup(config: &SiteConfig, service: &Service, lang: Lang, google_ran: &mut bool, out: &mut Vec<Command>) {
    let scripts: Vec<String> = service.script_urls(lang).collect();
    match service.integration {
        None => {}
        Some(Integration::GoogleTag) => {
            if !*google_ran {
                out.push(Command::Gtag(vec![s("js"), Arg::Now]));
                *google_ran = true;
            }
            for src in &scripts {
                if let Some(id) = google_tag_id(src, "gtag/js") {
                    let mut call = vec![s("config"), s(id)];
                    if service.category == Category::Analytics {
                        // Measurement only: no Google signals (cross-device
                        // data of logged-in Google users) and nothing for ads.
                        call.push(obj(vec![
                            ("allow_google_signals", Arg::Bool(false)),
                            ("allow_ad_personalization_signals", Arg::Bool(false)),
                        ]));
                    }
                    out.push(Command::Gtag(call));
                } else if google_tag_id(src, "gtm.js").is_some() {
                    // What Tag Manager's snippet pushes before its container.
                    out.push(Command::Push(obj(vec![
                        ("gtm.start", Arg::NowMs),
                        ("event", s("gtm.js")),
                    ])));
                }
            }
        }
        Some(Integration::MetaPixel) => {
            // A checked config has the pixel id; without one the pixel
            // cannot be initialised, so it does not load at all.
            let Some(id) = &config.meta_pixel else {
                return;
            };
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
        }
    }
    for src in scripts {
        out.push(Command::LoadScript {
            service: service.id.clone(),
            src,
        });
    }
}

/// What to do with one page script marked `data-consent="…"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageScript {
    /// Everything it names is allowed: run it.
    Run,
    /// Something it names is not allowed (yet): leave it inert.
    Hold,
    /// It names something that is neither a category nor a service of the
    /// site: never run it, and tell the site editor.
    Invalid(String),
}

/// Judges a page script's `data-consent` value: a category key
/// (`analytics`) or a service (`service:linkedin-insight`), or several
/// separated by spaces when the script needs all of them.
///
/// ```
/// use diffo_consent_core::config::{Site, SiteConfig};
/// use diffo_consent_core::category::Category;
/// use diffo_consent_core::consent::Consent;
/// use diffo_consent_core::gate::{page_script, PageScript};
/// let config = SiteConfig::builtin(Site::DiffoFi).unwrap();
/// let analytics = Consent::NONE.with_category(&config.services, Category::Analytics, true);
/// assert_eq!(page_script("analytics", &config, analytics), PageScript::Run);
/// assert_eq!(page_script("analytics service:meta-pixel", &config, analytics), PageScript::Hold);
/// ```
pub fn page_script(attr: &str, config: &SiteConfig, allowed: Consent) -> PageScript {
    let mut names = attr.split_ascii_whitespace().peekable();
    if names.peek().is_none() {
        return PageScript::Invalid("an empty data-consent attribute".to_string());
    }
    let mut run = true;
    for name in names {
        if let Some(id) = name.strip_prefix("service:") {
            match config.service_index(id) {
                Some(i) => run &= allowed.allows_service(i),
                None => return PageScript::Invalid(["unknown service \"", id, "\""].concat()),
            }
            continue;
        }
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
    use Category::*;

    fn config() -> SiteConfig {
        SiteConfig::builtin(Site::DiffoFi).unwrap()
    }

    fn category(c: Category) -> Consent {
        Consent::NONE.with_category(&config().services, c, true)
    }

    fn service(id: &str) -> Consent {
        let config = config();
        Consent::NONE.with_service(&config.services, config.service_index(id).unwrap(), true)
    }

    /// Short names for commands, so the expected sequences read as a list.
    fn describe(commands: &[Command]) -> Vec<String> {
        commands
            .iter()
            .map(|c| match c {
                Command::Gtag(args) => format!("gtag {}", describe_args(args)),
                Command::Fbq(args) => format!("fbq {}", describe_args(args)),
                Command::LoadScript { service, src } => format!("load {service} {src}"),
                Command::ActivatePageScripts(_) => "page scripts".to_string(),
                Command::Push(arg) => format!("push {}", describe_args(std::slice::from_ref(arg))),
                Command::Forget(c) => format!("forget {}", c.token()),
                Command::Embeds(m) => format!("embeds {}", m.consent.token()),
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
                Arg::NowMs => "now-ms".to_string(),
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

    /// The loads, Consent Mode update and vendor calls of a decision,
    /// without the Tag Manager event, forgetting and embeds.
    fn essentials(config: &SiteConfig, ran: Consent, allowed: Consent) -> Vec<String> {
        describe(&transition(config, ran, allowed, Lang::Fi))
            .into_iter()
            .filter(|c| {
                !c.starts_with("push {event=diffo_consent_update")
                    && !c.starts_with("forget")
                    && !c.starts_with("embeds")
            })
            .collect()
    }

    fn update(analytics: bool, ads: bool) -> String {
        let g = |on: bool| if on { "granted" } else { "denied" };
        format!(
            "gtag consent update {{ad_storage={a},ad_user_data={a},ad_personalization={a},analytics_storage={}}}",
            g(analytics),
            a = g(ads)
        )
    }

    const GA: [&str; 3] = [
        "gtag js now",
        "gtag config G-DIFFOFI00 {allow_google_signals=false,allow_ad_personalization_signals=false}",
        "load google-analytics https://www.googletagmanager.com/gtag/js?id=G-DIFFOFI00",
    ];
    const PIXEL: [&str; 6] = [
        "fbq consent revoke",
        "fbq set autoConfig false 100000000000001",
        "fbq init 100000000000001",
        "fbq consent grant",
        "fbq track PageView",
        "load meta-pixel https://connect.facebook.net/en_US/fbevents.js",
    ];
    const FACEBOOK: &str = "load facebook https://connect.facebook.net/fi_FI/sdk.js#xfbml=1&version=v21.0";
    const INSTAGRAM: &str = "load instagram https://www.instagram.com/embed.js";
    const LINKEDIN: &str = "load linkedin https://platform.linkedin.com/in.js";

    fn list(parts: &[&[&str]]) -> Vec<String> {
        parts.concat().into_iter().map(str::to_string).collect()
    }

    #[test]
    fn consent_default_denies_all_seven_types_first() {
        assert_eq!(
            describe(&on_load()),
            ["gtag consent default {ad_storage=denied,ad_user_data=denied,ad_personalization=denied,analytics_storage=denied,\
              functionality_storage=denied,personalization_storage=denied,security_storage=denied,wait_for_update=500}"]
        );
    }

    /// Each built-in service allowed alone loads exactly its own scripts,
    /// and only a Google service moves a Consent Mode signal.
    #[test]
    fn per_service_decision_table() {
        let c = config();
        let n = Consent::NONE;
        let u = |a, m| update(a, m);
        for (allowed, expected) in [
            (n, list(&[&[&u(false, false)]])),
            (
                service("google-analytics"),
                list(&[&[&u(true, false)], &GA, &["page scripts"]]),
            ),
            (
                service("meta-pixel"),
                list(&[&[&u(false, false)], &PIXEL, &["page scripts"]]),
            ),
            (
                service("facebook"),
                list(&[&[&u(false, false)], &[FACEBOOK], &["page scripts"]]),
            ),
            (
                service("instagram"),
                list(&[&[&u(false, false)], &[INSTAGRAM], &["page scripts"]]),
            ),
            (
                service("linkedin"),
                list(&[&[&u(false, false)], &[LINKEDIN], &["page scripts"]]),
            ),
            // YouTube has embeds, no script.
            (service("youtube"), list(&[&[&u(false, false)], &["page scripts"]])),
            (
                category(Social),
                list(&[&[&u(false, false)], &[FACEBOOK, INSTAGRAM, LINKEDIN], &["page scripts"]]),
            ),
            (
                Consent::all(&c.services),
                list(&[
                    &[&u(true, false)],
                    &GA,
                    &PIXEL,
                    &[FACEBOOK, INSTAGRAM, LINKEDIN],
                    &["page scripts"],
                ]),
            ),
        ] {
            assert_eq!(essentials(&c, n, allowed), expected, "{}", allowed.token());
        }
    }

    #[test]
    fn google_analytics_alone_grants_no_ad_signal() {
        let c = config();
        let all = essentials(&c, Consent::NONE, Consent::all(&c.services));
        assert!(all.contains(&update(true, false)), "{all:?}");
        assert!(!all.iter().any(|x| x.contains("ad_storage=granted")));
    }

    #[test]
    fn a_google_advertising_service_grants_the_ad_signals() {
        let mut c = config();
        let ads = crate::service::tests::INSIGHT
            .replace("linkedin-insight", "google-ads")
            .replace(r#""transfer": "us-dpf""#, r#""integration": "google-tag""#)
            .replace(
                "https://snap.licdn.com/li.lms-analytics/insight.min.js",
                "https://www.googletagmanager.com/gtag/js?id=AW-123456",
            );
        c.apply_json(&format!(r#"{{"services": [{ads}]}}"#)).unwrap();
        let i = c.service_index("google-ads").unwrap();
        let allowed = Consent::NONE.with_service(&c.services, i, true);
        assert_eq!(
            essentials(&c, Consent::NONE, allowed),
            list(&[
                &[&update(false, true)],
                &[
                    "gtag js now",
                    "gtag config AW-123456",
                    "load google-ads https://www.googletagmanager.com/gtag/js?id=AW-123456",
                    "page scripts"
                ]
            ])
        );
        // With Google Analytics already running, gtag('js') is not repeated.
        let ga = service("google-analytics");
        let more = essentials(&c, ga, ga.with_service(&c.services, i, true));
        assert_eq!(
            more.iter().filter(|x| x.as_str() == "gtag js now").count(),
            0,
            "{more:?}"
        );
    }

    #[test]
    fn a_tag_manager_container_gets_its_start_event_before_it_loads() {
        let mut c = config();
        let gtm = crate::service::tests::INSIGHT
            .replace("linkedin-insight", "google-tag-manager")
            .replace(r#""category": "marketing""#, r#""category": "analytics""#)
            .replace(r#""transfer": "us-dpf""#, r#""integration": "google-tag""#)
            .replace(
                "https://snap.licdn.com/li.lms-analytics/insight.min.js",
                "https://www.googletagmanager.com/gtm.js?id=GTM-ABC123",
            );
        c.apply_json(&format!(r#"{{"services": [{gtm}], "googleAnalytics": null}}"#))
            .unwrap();
        let allowed = Consent::NONE.with_category(&c.services, Analytics, true);
        assert_eq!(
            essentials(&c, Consent::NONE, allowed),
            list(&[
                &[&update(true, false)],
                &[
                    "gtag js now",
                    "push {gtm.start=now-ms,event=gtm.js}",
                    "load google-tag-manager https://www.googletagmanager.com/gtm.js?id=GTM-ABC123",
                    "page scripts"
                ]
            ])
        );
    }

    #[test]
    fn the_tag_manager_event_carries_categories_and_services() {
        let c = config();
        let commands = describe(&transition(&c, Consent::NONE, service("youtube"), Lang::Fi));
        assert_eq!(
            commands[1],
            "push {event=diffo_consent_update,diffo_consent={necessary=true,analytics=false,marketing=false,social=false,\
             services={google-analytics=false,meta-pixel=false,facebook=false,instagram=false,linkedin=false,youtube=true}}}"
        );
    }

    #[test]
    fn adding_loads_only_what_is_new_and_withdrawing_reloads() {
        let c = config();
        let ga = service("google-analytics");
        let two = ga.with_category(&c.services, Marketing, true);
        assert_eq!(
            essentials(&c, ga, two),
            list(&[&[&update(true, false)], &PIXEL, &["page scripts"]])
        );
        // Saving the same choice again loads nothing twice.
        assert_eq!(essentials(&c, ga, ga), [update(true, false)]);
        // Withdrawing something that ran: signals down, cookies gone, reload;
        // a service added at the same time loads after the reload.
        let all = Consent::all(&c.services);
        let commands = describe(&transition(&c, ga, service("linkedin"), Lang::Fi));
        assert_eq!(commands.last().map(String::as_str), Some("reload"));
        assert!(!commands.iter().any(|x| x.starts_with("load")), "{commands:?}");
        let commands = describe(&transition(&c, all, category(Social), Lang::Fi));
        assert!(commands.contains(&"fbq consent revoke".to_string()));
        assert_eq!(commands.last().map(String::as_str), Some("reload"));
        // Forgetting and embeds follow the consent now.
        let token = category(Social).token();
        assert!(commands.contains(&format!("forget {token}")) && commands.contains(&format!("embeds {token}")));
    }

    #[test]
    fn withdrawal_without_reload_when_the_site_says_so() {
        let mut c = config();
        c.apply_json(r#"{"reloadOnWithdraw": false}"#).unwrap();
        let commands = describe(&transition(
            &c,
            service("google-analytics"),
            service("instagram"),
            Lang::Fi,
        ));
        assert!(!commands.contains(&"reload".to_string()));
        assert!(commands.contains(&INSTAGRAM.to_string()), "{commands:?}");
    }

    #[test]
    fn automatic_matching_only_when_the_site_asks() {
        let mut c = config();
        c.apply_json(r#"{"metaAutomaticMatching": true}"#).unwrap();
        let commands = essentials(&c, Consent::NONE, service("meta-pixel"));
        assert!(!commands.iter().any(|x| x.contains("autoConfig")), "{commands:?}");
        assert!(commands.contains(&"fbq init 100000000000001".to_string()));
    }

    #[test]
    fn facebook_sdk_speaks_the_visitors_language() {
        let c = SiteConfig::builtin(Site::DiffoSe).unwrap();
        let i = c.service_index("facebook").unwrap();
        let cmds = transition(
            &c,
            Consent::NONE,
            Consent::NONE.with_service(&c.services, i, true),
            Lang::Sv,
        );
        assert!(describe(&cmds)
            .contains(&"load facebook https://connect.facebook.net/sv_SE/sdk.js#xfbml=1&version=v21.0".to_string()));
    }

    #[test]
    fn google_tag_ids_come_from_the_script_url() {
        for (src, path, id) in [
            (
                "https://www.googletagmanager.com/gtag/js?id=G-ABC",
                "gtag/js",
                Some("G-ABC"),
            ),
            (
                "https://www.googletagmanager.com/gtag/js?l=dl&id=AW-1",
                "gtag/js",
                Some("AW-1"),
            ),
            (
                "https://www.googletagmanager.com/gtm.js?id=GTM-X",
                "gtm.js",
                Some("GTM-X"),
            ),
            ("https://www.googletagmanager.com/gtag/js?id=", "gtag/js", None),
            ("https://www.googletagmanager.com/gtag/js", "gtag/js", None),
            ("https://evil.example/gtag/js?id=G-ABC", "gtag/js", None),
            ("https://www.googletagmanager.com/gtm.js?id=GTM-X", "gtag/js", None),
        ] {
            assert_eq!(google_tag_id(src, path), id, "{src}");
        }
    }

    #[test]
    fn page_script_table() {
        use PageScript::*;
        let c = config();
        let a = category(Analytics);
        for (attr, allowed, expected) in [
            ("analytics", a, Run),
            ("analytics", Consent::NONE, Hold),
            ("marketing", a, Hold),
            ("social", Consent::all(&c.services), Run),
            ("necessary", Consent::NONE, Run),
            (" analytics  marketing ", a, Hold),
            ("analytics marketing", Consent::all(&c.services), Run),
            ("service:google-analytics", a, Run),
            ("service:youtube", a, Hold),
            ("service:youtube", service("youtube"), Run),
            // One service of a category is not the category.
            ("social", service("youtube"), Hold),
            ("analytics service:youtube", a.union(service("youtube")), Run),
            (
                "",
                Consent::all(&c.services),
                Invalid("an empty data-consent attribute".into()),
            ),
            (
                "ads",
                Consent::all(&c.services),
                Invalid("unknown category \"ads\"".into()),
            ),
            (
                "Analytics",
                Consent::all(&c.services),
                Invalid("unknown category \"Analytics\"".into()),
            ),
            (
                "analytics ads",
                Consent::all(&c.services),
                Invalid("unknown category \"ads\"".into()),
            ),
            (
                "service:tiktok",
                Consent::all(&c.services),
                Invalid("unknown service \"tiktok\"".into()),
            ),
            (
                "service:",
                Consent::all(&c.services),
                Invalid("unknown service \"\"".into()),
            ),
        ] {
            assert_eq!(
                page_script(attr, &c, allowed),
                expected,
                "{attr:?} with {}",
                allowed.token()
            );
        }
    }
}
