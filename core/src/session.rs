//! One page view's consent state, and what each visitor action changes.
//!
//! [`Session`] is the banner's state machine. The edge creates it with what
//! it read from the page and storage, feeds it [`Action`]s (clicks, key
//! presses, API calls) and carries out the [`Effects`] it returns: commands
//! for the tracker gate, a record to store, whether to re-render the dialog
//! and where to put focus. Nothing here touches the page, so every rule of
//! the dialog (no consent from closing, the reopen control after a decision,
//! the same id when a visitor changes their mind) is tested on the host.

use crate::action::{Action, Focus, Layer};
use crate::category::Category;
use crate::config::SiteConfig;
use crate::consent::{Consent, Switch};
use crate::event::{self, Source};
use crate::gate::{self, Command};
use crate::id::ConsentId;
use crate::lang::{negotiate, Lang, LangHints};
use crate::model::{DeclarationModel, EmbedModel, SettingsModel};
use crate::prelude::*;
use crate::record::{parse_stored, ConsentRecord};
use crate::time::Timestamp;
use crate::validity::{assess, AskReason, Verdict};

/// What the edge must do after [`Session::start`] or [`Session::handle`]:
/// a complete value, which [`crate::protocol::encode`] writes as the
/// effects object without asking the session anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effects {
    /// Console lines: a start's word on what it found in storage.
    pub log: Vec<(Level, String)>,
    /// A decision was made: the new record to write under the storage key
    /// (and to announce, with `diffo-consent:change`).
    pub store: Option<String>,
    /// An event for the consent log (see [`crate::event`]).
    pub report: Option<String>,
    /// What the dialog shows now, if that changed.
    pub show: Option<Show>,
    /// Where focus goes after showing it.
    pub focus: Focus,
    /// A switch changed the draft: every switch of the settings layer, as
    /// the draft has it (a category's switch turns all of its services').
    pub switches: Option<Switches>,
    /// Tracker gate commands, in order.
    pub commands: Vec<Command>,
    /// The page's own views of the consent (the `data-consent-declaration`
    /// tables, the embed placeholders) may have changed: render them again.
    pub refresh: bool,
}

/// A console line's level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// `console.info`.
    Info,
    /// `console.warn`.
    Warn,
}

/// What the dialog shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Show {
    /// The first layer or the reopen control (or nothing): markup.
    Markup(String),
    /// The settings layer, which the extra module renders from this model.
    Settings(SettingsModel),
}

/// The settings layer's switches: each optional category's state, and each
/// service's, in the config's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Switches {
    /// Each optional category: on, off, or mixed.
    pub categories: Vec<(Category, Switch)>,
    /// Each service by id: on or off.
    pub services: Vec<(String, bool)>,
}

/// What an action changed, before the session describes it as [`Effects`].
struct Outcome {
    commands: Vec<Command>,
    store: Option<String>,
    /// The dialog changed: show it again.
    render: bool,
    /// The draft changed: set the switches.
    switches: bool,
    focus: Focus,
    refresh: bool,
    report: Option<String>,
}

impl Outcome {
    fn none() -> Outcome {
        Outcome {
            commands: Vec::new(),
            store: None,
            render: false,
            switches: false,
            focus: Focus::Keep,
            refresh: false,
            report: None,
        }
    }

    fn render(focus: Focus) -> Outcome {
        Outcome {
            render: true,
            focus,
            ..Outcome::none()
        }
    }
}

/// The consent state of one page view.
#[derive(Clone, Debug)]
pub struct Session {
    config: SiteConfig,
    record: Option<ConsentRecord>,
    /// The decision in force against the config's services: what `record`
    /// allows, or nothing.
    allowed: Consent,
    /// The id and first decision time of an earlier decision that no longer
    /// holds (expired, or an older revision), so that a new decision
    /// continues the same history.
    earlier: Option<(ConsentId, Timestamp)>,
    ran: Consent,
    layer: Layer,
    lang: Lang,
    chosen_lang: Option<Lang>,
    draft: Consent,
    /// The browser sends Global Privacy Control: accept all leaves
    /// marketing and social media off, and the dialog says so.
    gpc: bool,
    /// The visitor decided on an older policy revision: the dialog says the
    /// policy changed.
    policy_changed: bool,
}

/// What [`Session::start`] found in storage, for the edge's console message.
pub type StartReport = Option<AskReason>;

impl Session {
    /// Starts a page view: reads the stored text (if any), decides whether
    /// the visitor must be asked, and returns the first effects: the Consent
    /// Mode default, and with a valid decision the trackers it allows.
    pub fn start(
        config: SiteConfig,
        stored: Option<&str>,
        now: Timestamp,
        hints: LangHints<'_>,
        gpc: bool,
    ) -> (Session, Effects, StartReport) {
        let parsed = stored.and_then(|text| parse_stored(text).ok());
        let chosen_lang = hints.chosen.or_else(|| parsed.as_ref().and_then(|r| r.chosen_lang));
        let lang = negotiate(&LangHints {
            chosen: chosen_lang,
            site_default: hints.site_default.or(Some(config.default_lang)),
            ..hints
        });
        let verdict = assess(stored, now, &config);
        let mut session = Session {
            config,
            record: None,
            allowed: Consent::NONE,
            earlier: None,
            ran: Consent::NONE,
            layer: Layer::Banner,
            lang,
            chosen_lang,
            draft: Consent::NONE,
            gpc,
            policy_changed: false,
        };
        let mut effects = Outcome::render(Focus::Dialog);
        effects.refresh = true;
        effects.commands = gate::on_load();
        let report = match verdict {
            Verdict::Valid(mut record) => {
                let services = &session.config.services;
                let allowed = Consent::of_record(record.categories, record.services.as_deref(), services);
                // What the decision means today, as `diffoConsent.get()`
                // shows it: every service of the site, by id.
                record.services = Some(allowed.listed(services));
                effects
                    .commands
                    .extend(gate::transition(&session.config, Consent::NONE, allowed, lang));
                effects.focus = Focus::Keep;
                session.ran = allowed;
                session.allowed = allowed;
                session.layer = Layer::Hidden;
                session.record = Some(record);
                None
            }
            Verdict::Ask(reason) => {
                if !reason.is_damage() {
                    session.earlier = parsed.map(|r| (r.id, r.first_decision));
                }
                session.policy_changed = matches!(reason, AskReason::OlderRevision { .. });
                effects.commands.extend(gate::undecided(session.config.site, lang));
                effects.report = Some(event::shown(&session.config, lang));
                Some(reason)
            }
        };
        let effects = session.describe(effects);
        (session, effects, report)
    }

    /// Applies one action from the dialog (see [`Session::handle_from`]).
    pub fn handle(&mut self, action: Action, now: Timestamp, random: [u8; 16]) -> Effects {
        self.handle_from(action, Source::Dialog, now, random)
    }

    /// Applies one action from `source`. `now` and `random` (16 bytes from
    /// a cryptographic source) are used only when a first decision needs a
    /// new consent id.
    pub fn handle_from(&mut self, action: Action, source: Source, now: Timestamp, random: [u8; 16]) -> Effects {
        let outcome = self.apply(action, source, now, random);
        self.describe(outcome)
    }

    /// The effects of an outcome, described from the state it left.
    fn describe(&self, outcome: Outcome) -> Effects {
        let show = outcome.render.then(|| match self.layer {
            Layer::Settings { .. } => Show::Settings(self.settings_model()),
            _ => Show::Markup(self.markup()),
        });
        let switches = outcome.switches.then(|| Switches {
            categories: Category::OPTIONAL
                .iter()
                .map(|&c| (c, self.draft.switch(&self.config.services, c)))
                .collect(),
            services: self
                .config
                .services
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.clone(), self.draft.allows_service(i)))
                .collect(),
        });
        Effects {
            log: Vec::new(),
            store: outcome.store,
            report: outcome.report,
            focus: if show.is_some() { outcome.focus } else { Focus::Keep },
            show,
            switches,
            commands: outcome.commands,
            refresh: outcome.refresh,
        }
    }

    fn apply(&mut self, action: Action, source: Source, now: Timestamp, random: [u8; 16]) -> Outcome {
        let decide = |s: &mut Session, consent| s.decide(consent, action, source, now, random);
        let services = &self.config.services;
        match action {
            Action::AcceptAll => {
                let mut all = Consent::all(services);
                if self.gpc {
                    all = all.with_category(services, Category::Marketing, false).with_category(
                        services,
                        Category::Social,
                        false,
                    );
                }
                decide(self, all)
            }
            Action::Allow(category) => decide(self, self.allowed.with_category(services, category, true)),
            Action::AllowService(i) => decide(self, self.allowed.with_service(services, i, true)),
            Action::RejectAll | Action::Withdraw => decide(self, Consent::NONE),
            Action::Save => decide(self, self.draft),
            Action::Set(consent) => decide(self, consent),
            Action::OpenSettings => {
                if matches!(self.layer, Layer::Settings { .. }) {
                    return Outcome::render(Focus::Dialog);
                }
                self.draft = self.allowed;
                self.layer = Layer::Settings {
                    over_banner: self.layer == Layer::Banner,
                };
                Outcome::render(Focus::Dialog)
            }
            Action::Close => match self.layer {
                Layer::Settings { over_banner: true } => {
                    self.layer = Layer::Banner;
                    Outcome::render(Focus::Dialog)
                }
                Layer::Settings { over_banner: false } => {
                    self.layer = Layer::Hidden;
                    Outcome::render(Focus::Restore)
                }
                // The first layer cannot be dismissed without a choice.
                Layer::Banner | Layer::Hidden => Outcome::none(),
            },
            Action::Toggle(category, on) => {
                self.draft = self.draft.with_category(services, category, on);
                Outcome {
                    switches: true,
                    ..Outcome::none()
                }
            }
            Action::ToggleService(i, on) => {
                self.draft = self.draft.with_service(services, i, on);
                Outcome {
                    switches: true,
                    ..Outcome::none()
                }
            }
            Action::SwitchLang(lang) => {
                self.lang = lang;
                self.chosen_lang = Some(lang);
                let mut effects = Outcome::render(Focus::LangButton(lang));
                effects.refresh = true;
                // The placeholders speak the new language too.
                effects.commands.push(Command::Embeds(EmbedModel {
                    site: self.config.site,
                    lang,
                    consent: self.allowed,
                }));
                effects
            }
        }
    }

    fn decide(
        &mut self,
        choices: Consent,
        action: Action,
        source: Source,
        now: Timestamp,
        random: [u8; 16],
    ) -> Outcome {
        let (id, first_decision) = match (&self.record, &self.earlier) {
            (Some(r), _) => (r.id.clone(), r.first_decision),
            (None, Some((id, first))) => (id.clone(), *first),
            (None, None) => (ConsentId::from_random(random), now),
        };
        let record = ConsentRecord {
            id,
            categories: choices.categories,
            services: Some(choices.listed(&self.config.services)),
            revision: self.config.revision,
            first_decision: first_decision.min(now),
            last_decision: now,
            expires: now.add_months(self.config.lifetime_months),
            lang: self.lang,
            chosen_lang: self.chosen_lang,
        };
        let commands = gate::transition(&self.config, self.ran, choices, self.lang);
        if !commands.contains(&Command::Reload) {
            self.ran = self.ran.union(choices);
        }
        let store = Some(record.to_json());
        let before = self.record.as_ref().map(|_| self.allowed);
        let kind = event::Kind::of(action, before, choices);
        let layer = event::layer_name(source, action, matches!(self.layer, Layer::Settings { .. }));
        let report = Some(event::decision(
            kind,
            record.id.as_str(),
            &self.config,
            self.lang,
            layer,
            choices,
        ));
        self.record = Some(record);
        self.allowed = choices;
        self.draft = choices;
        let was_open = self.layer != Layer::Hidden;
        self.layer = Layer::Hidden;
        Outcome {
            commands,
            store,
            render: true,
            switches: false,
            focus: if was_open { Focus::Restore } else { Focus::Keep },
            refresh: true,
            report,
        }
    }

    /// The decision in force in this page view, if any.
    pub fn record(&self) -> Option<&ConsentRecord> {
        self.record.as_ref()
    }

    /// What the decision in force allows (nothing without one).
    pub fn allowed(&self) -> Consent {
        self.allowed
    }

    /// The part of the dialog that is showing.
    pub fn layer(&self) -> Layer {
        self.layer
    }

    /// The dialog's language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The switch positions of the settings layer.
    pub fn draft(&self) -> Consent {
        self.draft
    }

    /// The site's settings.
    pub fn config(&self) -> &SiteConfig {
        &self.config
    }

    /// Whether the browser sends Global Privacy Control.
    pub fn gpc(&self) -> bool {
        self.gpc
    }

    /// Whether the visitor is asked again because the policy changed.
    pub fn policy_changed(&self) -> bool {
        self.policy_changed
    }

    /// The markup of the first layer or the reopen control for the current
    /// state (see [`crate::view::render`]); empty while the settings layer
    /// shows, which [`Session::settings_view`] describes.
    pub fn markup(&self) -> String {
        crate::view::render(self)
    }

    /// The settings layer's view model, for the extra module.
    pub fn settings_model(&self) -> SettingsModel {
        SettingsModel {
            site: self.config.site,
            lang: self.lang,
            draft: self.draft,
            gpc: self.gpc,
            policy_changed: self.policy_changed,
            id: self.record.as_ref().map(|r| String::from(r.id.as_str())),
        }
    }

    /// The view model of a `data-consent-declaration` element.
    pub fn declaration_model(&self) -> DeclarationModel {
        DeclarationModel {
            site: self.config.site,
            lang: self.lang,
            record: self.record.as_ref().map(ConsentRecord::to_json),
        }
    }

    /// What the settings layer shows now.
    pub fn settings_view(&self) -> crate::view::SettingsView<'_> {
        crate::view::SettingsView {
            config: &self.config,
            lang: self.lang,
            draft: self.draft,
            gpc: self.gpc,
            policy_changed: self.policy_changed,
            id: self.record.as_ref().map(|r| r.id.as_str()),
            receipt: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::Choices;
    use crate::config::Site;
    use Category::*;

    const NOW: Timestamp = Timestamp(1_795_420_800_000); // 2026-11-23T08:00:00Z
    const LATER: Timestamp = Timestamp(1_795_420_800_000 + 3_600_000);
    const RANDOM: [u8; 16] = [7; 16];

    fn config() -> SiteConfig {
        SiteConfig::builtin(Site::DiffoFi).unwrap()
    }

    fn start(stored: Option<&str>) -> (Session, Effects, StartReport) {
        let hints = LangHints {
            html_lang: Some("fi"),
            ..LangHints::default()
        };
        Session::start(config(), stored, NOW, hints, false)
    }

    fn index(id: &str) -> usize {
        config().service_index(id).unwrap()
    }

    fn category(c: Category) -> Consent {
        Consent::NONE.with_category(&config().services, c, true)
    }

    fn loads(effects: &Effects) -> Vec<&str> {
        effects
            .commands
            .iter()
            .filter_map(|c| match c {
                Command::LoadScript { src, .. } => Some(src.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The services a stored record allows, by id.
    fn granted(record: &ConsentRecord) -> Vec<&str> {
        record
            .services
            .iter()
            .flatten()
            .filter(|(_, on)| *on)
            .map(|(id, _)| id.as_str())
            .collect()
    }

    #[test]
    fn first_visit_asks_and_loads_nothing() {
        let (s, e, report) = start(None);
        assert_eq!(report, Some(AskReason::Missing));
        assert_eq!(s.layer(), Layer::Banner);
        assert_eq!(
            e.commands,
            [gate::on_load(), gate::undecided(Site::DiffoFi, Lang::Fi)].concat(),
            "the Consent Mode default, forgetting refused cookies, placeholders for embeds"
        );
        assert!(e.refresh);
        assert!(e.store.is_none() && e.show.is_some());
        assert_eq!(e.focus, Focus::Dialog);
        assert_eq!(s.lang(), Lang::Fi);
    }

    #[test]
    fn closing_escaping_and_toggling_never_decide() {
        let (mut s, _, _) = start(None);
        for action in [
            Action::Close,
            Action::OpenSettings,
            Action::Toggle(Analytics, true),
            Action::ToggleService(index("youtube"), true),
            Action::SwitchLang(Lang::Sv),
            Action::Close,
            Action::Close,
        ] {
            let e = s.handle(action, LATER, RANDOM);
            let only_views = e.commands.iter().all(|c| matches!(c, Command::Embeds(_)));
            assert!(e.store.is_none() && only_views, "{action:?} decided: {e:?}");
            assert!(s.record().is_none());
        }
        // Back on the first layer, which does not go away without a choice.
        assert_eq!(s.layer(), Layer::Banner);
    }

    #[test]
    fn accept_all_stores_and_loads_everything_once() {
        let (mut s, _, _) = start(None);
        let e = s.handle(Action::AcceptAll, LATER, RANDOM);
        assert!(e.store.is_some() && e.show.is_some());
        assert_eq!(e.focus, Focus::Restore);
        assert_eq!(loads(&e).len(), 5, "gtag, fbevents, three social plugins: {e:?}");
        let stored = e.store.expect("stored");
        let record = parse_stored(&stored).unwrap();
        assert_eq!(record.categories, Choices::ALL);
        assert_eq!(granted(&record).len(), 6, "every service by id");
        assert_eq!(record.id, ConsentId::from_random(RANDOM));
        assert_eq!((record.first_decision, record.last_decision), (LATER, LATER));
        assert_eq!(record.expires, LATER.add_months(12));
        assert_eq!(record.lang, Lang::Fi);
        assert_eq!(s.layer(), Layer::Hidden);
        // Accepting again loads nothing again.
        let again = s.handle(Action::AcceptAll, LATER, [9; 16]);
        assert!(loads(&again).is_empty());
        assert_eq!(parse_stored(again.store.as_deref().unwrap()).unwrap().id, record.id);
    }

    #[test]
    fn custom_choice_through_the_settings_layer() {
        let (mut s, _, _) = start(None);
        s.handle(Action::OpenSettings, LATER, RANDOM);
        assert_eq!(s.draft(), Consent::NONE, "nothing pre-ticked");
        s.handle(Action::Toggle(Marketing, true), LATER, RANDOM);
        s.handle(Action::Toggle(Social, true), LATER, RANDOM);
        let e = s.handle(Action::Toggle(Social, false), LATER, RANDOM);
        assert!(e.switches.is_some(), "the switches follow the draft");
        let e = s.handle(Action::Save, LATER, RANDOM);
        assert_eq!(loads(&e), ["https://connect.facebook.net/en_US/fbevents.js"]);
        assert_eq!(s.allowed(), category(Marketing));
        // Reopening shows the stored choice, and closing hides it again.
        s.handle(Action::OpenSettings, LATER, RANDOM);
        assert_eq!(s.layer(), Layer::Settings { over_banner: false });
        assert_eq!(s.draft(), category(Marketing));
        assert_eq!(s.handle(Action::Close, LATER, RANDOM).focus, Focus::Restore);
        assert_eq!(s.layer(), Layer::Hidden);
    }

    #[test]
    fn one_service_of_a_category() {
        let (mut s, _, _) = start(None);
        s.handle(Action::OpenSettings, LATER, RANDOM);
        s.handle(Action::Toggle(Social, true), LATER, RANDOM);
        s.handle(Action::ToggleService(index("facebook"), false), LATER, RANDOM);
        assert!(!s.draft().allows(Social), "social is no longer on as a whole");
        let e = s.handle(Action::Save, LATER, RANDOM);
        assert_eq!(
            loads(&e),
            [
                "https://www.instagram.com/embed.js",
                "https://platform.linkedin.com/in.js"
            ]
        );
        let record = parse_stored(e.store.as_deref().unwrap()).unwrap();
        assert_eq!(granted(&record), ["instagram", "linkedin", "youtube"]);
        assert!(!record.categories.social);
    }

    #[test]
    fn return_visit_applies_the_stored_choice_without_asking() {
        let (mut first, _, _) = start(None);
        first.handle(Action::OpenSettings, NOW, RANDOM);
        first.handle(Action::Toggle(Analytics, true), NOW, RANDOM);
        first.handle(Action::SwitchLang(Lang::Sv), NOW, RANDOM);
        let stored = first.handle(Action::Save, NOW, RANDOM).store.unwrap();

        let (s, e, report) = start(Some(&stored));
        assert_eq!(report, None);
        assert_eq!(s.layer(), Layer::Hidden);
        assert_eq!(loads(&e), ["https://www.googletagmanager.com/gtag/js?id=G-DIFFOFI00"]);
        assert_eq!(e.commands[0], gate::on_load()[0], "the default comes first");
        assert_eq!(s.lang(), Lang::Sv, "the visitor's language choice beats <html lang>");
        assert!(s.markup().contains(r#"data-action="reopen""#));
    }

    #[test]
    fn a_version_1_record_holds_as_its_categories() {
        let v1 = include_str!("../tests/fixtures/record-v1.json").trim();
        // The fixture's times are of 2026-11-23; decide a day later.
        let (s, e, report) = start(Some(v1));
        assert_eq!(report, None);
        assert_eq!(loads(&e), ["https://www.googletagmanager.com/gtag/js?id=G-DIFFOFI00"]);
        assert_eq!(s.allowed(), category(Analytics));
        // The API sees the services it means today.
        assert_eq!(granted(s.record().unwrap()), ["google-analytics"]);
    }

    #[test]
    fn a_service_the_site_no_longer_has_counts_as_refused_and_the_rest_holds() {
        let stored = {
            let (mut s, _, _) = start(None);
            s.handle(Action::AcceptAll, NOW, RANDOM).store.unwrap()
        };
        let mut fewer = config();
        fewer.apply_json(r#"{"removeServices": ["meta-pixel"]}"#).unwrap();
        let hints = LangHints::default();
        let (s, e, report) = Session::start(fewer.clone(), Some(&stored), NOW, hints.clone(), false);
        assert_eq!(report, None);
        assert_eq!(loads(&e).len(), 4, "gtag and the three plugins: {e:?}");
        assert_eq!(granted(s.record().unwrap()).len(), 5);
        // A service added since is refused until the visitor allows it.
        let mut more = config();
        let insight = crate::service::tests::INSIGHT;
        more.apply_json(&format!(r#"{{"services": [{insight}]}}"#)).unwrap();
        let (s, e, _) = Session::start(more, Some(&stored), NOW, hints, false);
        assert!(!loads(&e).iter().any(|src| src.contains("licdn")), "{e:?}");
        assert!(s.allowed().allows(Marketing), "the category holds as stored");
        assert_eq!(
            s.allowed().switch(&s.config().services, Marketing),
            crate::consent::Switch::Mixed
        );
    }

    #[test]
    fn a_no_stays_a_no_and_withdrawal_keeps_the_id() {
        let (mut s, _, _) = start(None);
        let accepted = parse_stored(&s.handle(Action::AcceptAll, NOW, RANDOM).store.unwrap()).unwrap();
        let e = s.handle(Action::Withdraw, LATER, [1; 16]);
        assert_eq!(e.commands.last(), Some(&Command::Reload));
        assert!(loads(&e).is_empty());
        let withdrawn = parse_stored(&e.store.unwrap()).unwrap();
        assert_eq!(withdrawn.id, accepted.id);
        assert_eq!(withdrawn.categories, Choices::NONE);
        assert!(granted(&withdrawn).is_empty());
        assert_eq!((withdrawn.first_decision, withdrawn.last_decision), (NOW, LATER));

        // After the reload, nothing loads.
        let (_, e, _) = start(Some(&withdrawn.to_json()));
        assert!(loads(&e).is_empty());
        assert!(!e.commands.iter().any(|c| matches!(c, Command::ActivatePageScripts(_))));
    }

    #[test]
    fn an_expired_decision_asks_again_but_keeps_the_history() {
        let (mut s, _, _) = start(None);
        let old = parse_stored(&s.handle(Action::AcceptAll, NOW, RANDOM).store.unwrap()).unwrap();
        let much_later = NOW.add_months(13);
        let hints = LangHints::default();
        let (mut s, e, report) = Session::start(config(), Some(&old.to_json()), much_later, hints, false);
        assert_eq!(report, Some(AskReason::Expired));
        assert!(loads(&e).is_empty());
        let renewed = parse_stored(&s.handle(Action::RejectAll, much_later, [2; 16]).store.unwrap()).unwrap();
        assert_eq!((renewed.id, renewed.first_decision), (old.id, NOW));
    }

    #[test]
    fn a_tampered_record_is_not_trusted_for_anything() {
        let tampered = r#"{"version":2,"categories":{"analytics":true}}"#;
        let (mut s, e, report) = start(Some(tampered));
        assert!(report.unwrap().is_damage());
        assert!(loads(&e).is_empty());
        let fresh = parse_stored(&s.handle(Action::RejectAll, NOW, RANDOM).store.unwrap()).unwrap();
        assert_eq!(fresh.id, ConsentId::from_random(RANDOM));
    }

    #[test]
    fn api_decisions_while_hidden_leave_focus_alone() {
        let (mut s, _, _) = start(None);
        let e = s.handle(Action::Set(category(Social)), NOW, RANDOM);
        assert_eq!(e.focus, Focus::Restore, "the banner was open");
        assert!(s.record().unwrap().categories.social);
        let e = s.handle(Action::Set(Consent::all(&config().services)), NOW, RANDOM);
        assert_eq!(e.focus, Focus::Keep, "nothing was open");
    }

    #[test]
    fn gpc_keeps_marketing_and_social_off_unless_the_visitor_turns_them_on() {
        let hints = LangHints::default();
        let (mut s, _, _) = Session::start(config(), None, NOW, hints.clone(), true);
        assert!(s.gpc());
        let e = s.handle(Action::AcceptAll, NOW, RANDOM);
        assert_eq!(s.allowed(), category(Analytics));
        assert_eq!(loads(&e), ["https://www.googletagmanager.com/gtag/js?id=G-DIFFOFI00"]);
        let (mut s, _, _) = Session::start(config(), None, NOW, hints, true);
        s.handle(Action::OpenSettings, NOW, RANDOM);
        assert_eq!(s.draft(), Consent::NONE);
        s.handle(Action::Toggle(Marketing, true), NOW, RANDOM);
        let e = s.handle(Action::Save, NOW, RANDOM);
        assert!(s.allowed().allows(Marketing), "an explicit choice beats the signal");
        assert!(loads(&e).contains(&"https://connect.facebook.net/en_US/fbevents.js"));
    }

    #[test]
    fn always_allow_adds_one_category_or_one_service() {
        let (mut s, _, _) = start(None);
        s.handle(Action::Set(category(Analytics)), NOW, RANDOM);
        let id = s.record().unwrap().id.clone();
        let e = s.handle(Action::AllowService(index("youtube")), LATER, [4; 16]);
        assert_eq!(granted(s.record().unwrap()), ["google-analytics", "youtube"]);
        assert!(!s.allowed().allows(Social));
        assert_eq!(s.record().unwrap().id, id);
        assert!(loads(&e).is_empty(), "YouTube has no script, only embeds: {e:?}");
        assert!(e.commands.contains(&Command::Embeds(EmbedModel {
            site: Site::DiffoFi,
            lang: s.lang(),
            consent: s.allowed()
        })));
        let e = s.handle(Action::Allow(Social), LATER, [4; 16]);
        assert!(s.allowed().allows(Social));
        assert_eq!(loads(&e).len(), 3, "the social plugins: {e:?}");
    }

    #[test]
    fn a_changed_policy_is_noticed_only_then() {
        let (mut s, _, _) = start(None);
        assert!(!s.policy_changed());
        let stored = s.handle(Action::RejectAll, NOW, RANDOM).store.unwrap();
        let mut revised = config();
        revised.revision = 2;
        let (s, _, report) = Session::start(revised, Some(&stored), LATER, LangHints::default(), false);
        assert_eq!(report, Some(AskReason::OlderRevision { stored: 1, current: 2 }));
        assert!(s.policy_changed());
        assert_eq!(s.layer(), Layer::Banner);
    }
}
