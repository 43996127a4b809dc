//! The dialog's markup, as a string for the shadow root.
//!
//! The markup is a pure function of the [`Session`], so its promises are
//! host tests: equal buttons on the first layer, no pre-ticked switch, a
//! label and description for every control, the public `data-action`,
//! `data-category` and `data-lang` hooks, and no inline `style` (the glue
//! styles the shadow root with a constructed stylesheet, so a strict
//! Content-Security-Policy needs no `'unsafe-inline'`).
//!
//! All text passes through [`escape`]; the only other strings are fixed
//! tags and attribute names.

use crate::category::{Category, Choices};
use crate::config::SiteConfig;
use crate::declaration::{Entry, Kind, Lifetime, Party};
use crate::lang::Lang;
use crate::num;
use crate::prelude::*;
use crate::record::ConsentRecord;
use crate::session::{Layer, Session};
use crate::texts::{banner::Msg as B, details::Msg as D, format, text, Message, Var};
use crate::time::Timestamp;

/// Escapes text for use in HTML content and in double-quoted attributes.
///
/// ```
/// assert_eq!(diffo_consent_core::view::escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

struct Html {
    out: String,
    lang: Lang,
}

impl Html {
    fn raw(&mut self, s: &str) -> &mut Self {
        self.out.push_str(s);
        self
    }

    fn text(&mut self, s: &str) -> &mut Self {
        self.out.push_str(&escape(s));
        self
    }

    fn msg<M: Message>(&mut self, msg: M) -> &mut Self {
        let t = text(self.lang, msg);
        self.text(&t)
    }

    fn button<M: Message>(&mut self, action: &str, msg: M) -> &mut Self {
        self.raw(r#"<button type="button" class="dc-btn" data-action=""#)
            .raw(action)
            .raw(r#"">"#)
            .msg(msg)
            .raw("</button>")
    }
}

/// Renders the first layer, the reopen control, or nothing, as the session
/// says. (The settings layer is rendered by [`settings`] in the UI module.)
pub fn render(session: &Session) -> String {
    let mut h = Html {
        out: String::with_capacity(2048),
        lang: session.lang(),
    };
    match session.layer() {
        Layer::Banner => banner(&mut h, session),
        Layer::Hidden if session.record().is_some() => reopen(&mut h),
        Layer::Hidden | Layer::Settings { .. } => {}
    }
    h.out
}

/// What the settings layer shows.
#[derive(Clone, Copy, Debug)]
pub struct SettingsView<'a> {
    /// The site's config.
    pub config: &'a SiteConfig,
    /// The dialog's language.
    pub lang: Lang,
    /// The switches' positions.
    pub draft: Choices,
    /// Say that the browser sends Global Privacy Control.
    pub gpc: bool,
    /// Say that the policy changed.
    pub policy_changed: bool,
    /// The consent id of the decision in force, if any.
    pub id: Option<&'a str>,
    /// Where the consent log's receipts are (`…/receipt/`), if it runs.
    pub receipt: Option<&'a str>,
}

/// A link to the receipt of consent `id` in the consent log.
fn receipt_link(h: &mut Html, receipt: Option<&str>, id: &str) {
    if let Some(base) = receipt {
        let code = h.lang.code();
        h.raw(r#" <a href=""#)
            .text(base)
            .text(id)
            .raw("?lang=")
            .raw(code)
            .raw(r#"" target="_blank" rel="noopener">"#)
            .msg(D::ReceiptLink)
            .raw("</a>");
    }
}

fn dialog_open(h: &mut Html, class: &str, modal: bool) {
    let code = h.lang.code();
    h.raw(r#"<section class=""#)
        .raw(class)
        .raw(r#"" role="dialog" aria-modal=""#)
        .raw(if modal { "true" } else { "false" })
        .raw(r#"" aria-labelledby="dc-title" aria-describedby="dc-text" tabindex="-1" lang=""#)
        .raw(code)
        .raw(r#"">"#);
}

fn heading<M: Message>(h: &mut Html, msg: M) {
    h.raw(r#"<h2 id="dc-title">"#).msg(msg).raw("</h2>");
}

fn languages(h: &mut Html) {
    let label = text(h.lang, B::LanguageSwitchAriaLabel);
    h.raw(r#"<div class="dc-langs" role="group" aria-label=""#)
        .text(&label)
        .raw(r#"">"#);
    let current = h.lang;
    for lang in Lang::ALL {
        h.raw(r#"<button type="button" class="dc-lang" data-lang=""#)
            .raw(lang.code())
            .raw(r#"" lang=""#)
            .raw(lang.code())
            .raw(r#"" aria-pressed=""#)
            .raw(if lang == current { "true" } else { "false" })
            .raw(r#"">"#)
            .text(lang.endonym())
            .raw("</button>");
    }
    h.raw("</div>");
}

fn intro<M: Message>(h: &mut Html, config: &SiteConfig, msg: M) {
    let policy = config.privacy_policy_url(h.lang);
    h.raw(r#"<p id="dc-text">"#)
        .msg(msg)
        .raw(r#" <a href=""#)
        .text(policy)
        .raw(r#"">"#)
        .msg(B::BannerPolicyLink)
        .raw("</a></p>");
}

/// The notices that explain why the dialog shows or behaves as it does.
fn notices(h: &mut Html, gpc: bool, policy_changed: bool) {
    if policy_changed {
        h.raw(r#"<p class="dc-notice">"#)
            .msg(B::NoticePolicyChanged)
            .raw("</p>");
    }
    if gpc {
        h.raw(r#"<p class="dc-notice">"#).msg(B::NoticeGpc).raw("</p>");
    }
}

fn banner(h: &mut Html, session: &Session) {
    dialog_open(h, "dc-banner", false);
    h.raw(r#"<div class="dc-head">"#);
    heading(h, B::BannerTitle);
    languages(h);
    h.raw("</div>");
    notices(h, session.gpc(), session.policy_changed());
    intro(h, session.config(), B::BannerText);
    h.raw(r#"<div class="dc-actions">"#)
        .button("accept-all", B::ButtonAcceptAll)
        .button("reject-all", B::ButtonRejectAll)
        .button("settings", B::ButtonSettings)
        .raw("</div></section>");
}

/// The settings layer: a modal dialog with a switch, description, services
/// and cookie declaration per category.
pub fn settings(view: &SettingsView<'_>) -> String {
    let mut html = Html {
        out: String::with_capacity(8192),
        lang: view.lang,
    };
    let h = &mut html;
    h.raw(r#"<div class="dc-backdrop"></div>"#);
    dialog_open(h, "dc-settings", true);
    h.raw(r#"<div class="dc-head">"#);
    heading(h, D::SettingsTitle);
    let close_label = text(h.lang, D::ButtonCloseAriaLabel);
    h.raw(r#"<button type="button" class="dc-close" data-action="close" aria-label=""#)
        .text(&close_label)
        .raw(r#"">"#)
        .msg(D::ButtonClose)
        .raw("</button></div>");
    languages(h);
    notices(h, view.gpc, view.policy_changed);
    intro(h, view.config, D::SettingsText);
    h.raw(r#"<ul class="dc-cats">"#);
    for category in Category::ALL {
        category_item(h, view, category);
    }
    h.raw("</ul>");
    if let Some(id) = view.id {
        let line = format(h.lang, D::SettingsConsentId, &[(Var::Id, id)]);
        h.raw(r#"<p class="dc-id">"#).text(&line);
        receipt_link(h, view.receipt, id);
        h.raw("</p>");
    }
    h.raw(r#"<div class="dc-actions">"#)
        .button("reject-all", B::ButtonRejectAll)
        .button("save", D::ButtonSave)
        .button("accept-all", B::ButtonAcceptAll)
        .raw("</div></section>");
    html.out
}

fn category_texts(category: Category) -> (D, D) {
    match category {
        Category::Necessary => (D::CategoryNecessaryLabel, D::CategoryNecessaryDescription),
        Category::Analytics => (D::CategoryAnalyticsLabel, D::CategoryAnalyticsDescription),
        Category::Marketing => (D::CategoryMarketingLabel, D::CategoryMarketingDescription),
        Category::Social => (D::CategorySocialLabel, D::CategorySocialDescription),
    }
}

fn category_item(h: &mut Html, view: &SettingsView<'_>, category: Category) {
    let key = category.key();
    let (label, description) = category_texts(category);
    let services = view.config.services(category);
    let mut described_by = ["dc-d-", key].concat();
    if category == Category::Necessary {
        described_by.push_str(" dc-on-necessary");
    }
    if !services.is_empty() {
        described_by.push_str(" dc-s-");
        described_by.push_str(key);
    }
    h.raw(r#"<li class="dc-cat"><div class="dc-cat-head"><label for="dc-c-"#)
        .raw(key)
        .raw(r#"">"#)
        .msg(label)
        .raw("</label>");
    if category == Category::Necessary {
        h.raw(r#"<span class="dc-on" id="dc-on-necessary">"#)
            .msg(D::SettingsAlwaysOn)
            .raw("</span>");
    }
    h.raw(r#"<input type="checkbox" role="switch" class="dc-switch" id="dc-c-"#)
        .raw(key)
        .raw(r#"" data-category=""#)
        .raw(key)
        .raw(r#"" aria-describedby=""#)
        .raw(&described_by)
        .raw(r#"""#);
    if category == Category::Necessary {
        h.raw(" checked disabled");
    } else if view.draft.allows(category) {
        h.raw(" checked");
    }
    h.raw(r#"></div><p class="dc-desc" id="dc-d-"#)
        .raw(key)
        .raw(r#"">"#)
        .msg(description)
        .raw("</p>");
    if !services.is_empty() {
        let list = services.join(", ");
        let line = format(h.lang, D::SettingsServices, &[(Var::Services, &list)]);
        h.raw(r#"<p class="dc-svc" id="dc-s-"#)
            .raw(key)
            .raw(r#"">"#)
            .text(&line)
            .raw("</p>");
    }
    declaration_table(h, view.config, category, true);
    h.raw("</li>");
}

/// How long a declared entry lives, in words.
fn lifetime(lang: Lang, lifetime: Lifetime) -> String {
    let (one, many, n) = match lifetime {
        Lifetime::Session => return text(lang, D::LifetimeSession).into_owned(),
        Lifetime::Days(n) => (D::LifetimeDay, D::LifetimeDays, n),
        Lifetime::Months(n) => (D::LifetimeMonth, D::LifetimeMonths, n),
        Lifetime::Years(n) => (D::LifetimeYear, D::LifetimeYears, n),
    };
    if n == 1 {
        text(lang, one).into_owned()
    } else {
        format(lang, many, &[(Var::N, &num::decimal(n.into()))]).into_owned()
    }
}

/// The declared cookies and storage of `category` as a table; in a
/// `<details>` that starts closed when `folded`.
fn declaration_table(h: &mut Html, config: &SiteConfig, category: Category, folded: bool) {
    let entries: Vec<&Entry> = config.cookies.iter().filter(|e| e.category == category).collect();
    if entries.is_empty() {
        return;
    }
    if folded {
        let count = num::decimal(entries.len() as i64);
        let summary = format(h.lang, D::DeclarationSummary, &[(Var::Count, &count)]);
        h.raw(r#"<details class="dc-decl"><summary>"#)
            .text(&summary)
            .raw("</summary>");
    }
    h.raw(r#"<table class="dc-table"><thead><tr>"#);
    for msg in [
        D::DeclarationName,
        D::DeclarationProvider,
        D::DeclarationPurpose,
        D::DeclarationLifetime,
        D::DeclarationType,
    ] {
        h.raw(r#"<th scope="col">"#).msg(msg).raw("</th>");
    }
    h.raw("</tr></thead><tbody>");
    for e in entries {
        let kind = match (e.kind, e.party) {
            (Kind::Cookie, Party::First) => D::DeclarationCookieFirst,
            (Kind::Cookie, Party::Third) => D::DeclarationCookieThird,
            (Kind::LocalStorage, _) => D::DeclarationLocalStorage,
            (Kind::SessionStorage, _) => D::DeclarationSessionStorage,
        };
        let life = lifetime(h.lang, e.lifetime);
        let purpose = e.purpose(h.lang);
        h.raw(r#"<tr><th scope="row"><code>"#)
            .text(&e.name)
            .raw("</code></th><td>")
            .text(&e.provider)
            .raw("</td><td>")
            .text(purpose)
            .raw("</td><td>")
            .text(&life)
            .raw("</td><td>")
            .msg(kind)
            .raw("</td></tr>");
    }
    h.raw("</tbody></table>");
    if folded {
        h.raw("</details>");
    }
}

/// The date of `t` as people write it in `lang`: 23.11.2026 in Finnish,
/// 2026-11-23 in Swedish and English.
fn date(lang: Lang, t: Timestamp) -> String {
    let (y, m, d) = t.date();
    let mut out = String::new();
    if lang == Lang::Fi {
        for (n, sep) in [(d, "."), (m, "."), (y, "")] {
            num::push_padded(&mut out, n.into(), 1);
            out.push_str(sep);
        }
    } else {
        for (n, width, sep) in [(y, 4, "-"), (m, 2, "-"), (d, 2, "")] {
            num::push_padded(&mut out, n.into(), width);
            out.push_str(sep);
        }
    }
    out
}

/// The page's `data-consent-declaration` element: the visitor's current
/// choice, consent id and date, the full declaration by category, and
/// buttons to change or withdraw the choice.
pub fn declaration(config: &SiteConfig, lang: Lang, record: Option<&ConsentRecord>, receipt: Option<&str>) -> String {
    let mut h = Html {
        out: String::with_capacity(8192),
        lang,
    };
    let code = h.lang.code();
    h.raw(r#"<section class="dc-page" lang=""#)
        .raw(code)
        .raw(r#""><h2>"#)
        .msg(D::DeclarationTitle)
        .raw("</h2>");
    match record {
        Some(record) => {
            let when = date(h.lang, record.last_decision);
            let line = format(
                h.lang,
                D::DeclarationChoice,
                &[(Var::Date, &when), (Var::Id, record.id.as_str())],
            );
            h.raw("<p>").text(&line);
            receipt_link(&mut h, receipt, record.id.as_str());
            h.raw("</p>");
        }
        None => {
            h.raw("<p>").msg(D::DeclarationNone).raw("</p>");
        }
    }
    let allowed = record.map(|r| r.choices);
    for category in Category::ALL {
        let (label, description) = category_texts(category);
        h.raw("<h3>").msg(label);
        if let Some(choices) = allowed {
            let state = if choices.allows(category) {
                D::DeclarationAllowed
            } else {
                D::DeclarationRefused
            };
            h.raw(r#" <span class="dc-state">("#).msg(state).raw(")</span>");
        }
        h.raw("</h3><p>").msg(description).raw("</p>");
        declaration_table(&mut h, config, category, false);
    }
    h.raw(r#"<div class="dc-actions">"#)
        .button("settings", D::DeclarationChange);
    if record.is_some() {
        h.button("withdraw", D::DeclarationWithdraw);
    }
    h.raw("</div></section>");
    h.out
}

/// The placeholder of an embed whose category is not allowed: what it is,
/// who receives data, and the two ways to load it.
pub fn placeholder(lang: Lang, service: &str, company: &str, category: Category) -> String {
    let mut h = Html {
        out: String::with_capacity(1024),
        lang,
    };
    let title = format(lang, D::EmbedTitle, &[(Var::Service, service)]);
    let always = match category {
        Category::Necessary | Category::Social => D::EmbedAllowSocial,
        Category::Analytics => D::EmbedAllowAnalytics,
        Category::Marketing => D::EmbedAllowMarketing,
    };
    h.raw(r#"<div class="dc-embed" role="group" lang=""#)
        .raw(lang.code())
        .raw(r#"" aria-label=""#)
        .text(&title)
        .raw(r#""><p class="dc-embed-title">"#)
        .text(&title)
        .raw("</p><p>")
        .text(&format(lang, D::EmbedText, &[(Var::Company, company)]))
        .raw(r#"</p><div class="dc-actions">"#)
        .button("embed-once", D::EmbedLoadOnce)
        .button(&["allow:", category.key()].concat(), always)
        .raw("</div></div>");
    h.out
}

/// A cookie, drawn with a path so no image request is needed.
const COOKIE_ICON: &str = r#"<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="M12 2a10 10 0 1 0 10 10 4 4 0 0 1-5-5 4 4 0 0 1-5-5Zm-3.5 7a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3Zm7 5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3Zm-6 2a1 1 0 1 1 0 2 1 1 0 0 1 0-2Z"/></svg>"#;

fn reopen(h: &mut Html) {
    let code = h.lang.code();
    h.raw(r#"<button type="button" class="dc-reopen" data-action="reopen" lang=""#)
        .raw(code)
        .raw(r#"">"#)
        .raw(COOKIE_ICON)
        .raw("<span>")
        .msg(B::ReopenButton)
        .raw("</span></button>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::Choices;
    use crate::config::{Site, SiteConfig};
    use crate::lang::LangHints;
    use crate::session::Action;
    use crate::time::Timestamp;

    fn session(lang: Lang) -> Session {
        let hints = LangHints {
            chosen: Some(lang),
            ..LangHints::default()
        };
        Session::start(
            SiteConfig::builtin(Site::DiffoFi).unwrap(),
            None,
            Timestamp(0),
            hints,
            false,
        )
        .0
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    /// Buttons by data-action, in order, with their text.
    fn buttons(markup: &str) -> Vec<(String, String)> {
        markup
            .split(r#"data-action=""#)
            .skip(1)
            .map(|rest| {
                let action = rest.split('"').next().unwrap().to_string();
                let text = rest
                    .split_once('>')
                    .unwrap()
                    .1
                    .split("</button>")
                    .next()
                    .unwrap()
                    .to_string();
                (action, text)
            })
            .collect()
    }

    #[test]
    fn first_layer_offers_three_equal_choices_in_every_language() {
        for lang in Lang::ALL {
            let markup = session(lang).markup();
            let b = buttons(&markup);
            let actions: Vec<&str> = b.iter().map(|(a, _)| a.as_str()).collect();
            assert_eq!(actions, ["accept-all", "reject-all", "settings"], "{markup}");
            // Same element, same class: the stylesheet cannot tell them apart.
            assert_eq!(
                count(&markup, r#"<button type="button" class="dc-btn" data-action=""#),
                3
            );
            assert!(markup.contains(&format!(r#"lang="{}""#, lang.code())));
            assert_eq!(b[0].1, text(lang, B::ButtonAcceptAll));
            assert_eq!(b[1].1, text(lang, B::ButtonRejectAll));
            assert!(markup.contains(r#"<a href="/tietosuojaseloste">"#));
            assert!(markup.contains(r#"aria-modal="false""#));
            assert!(!markup.contains("style"), "no inline styles");
            for l in Lang::ALL {
                let pressed = if l == lang { "true" } else { "false" };
                assert!(markup.contains(&format!(
                    r#"data-lang="{}" lang="{}" aria-pressed="{pressed}""#,
                    l.code(),
                    l.code()
                )));
            }
        }
    }

    #[test]
    fn settings_layer_has_a_labelled_switch_per_category_none_pre_ticked() {
        for lang in Lang::ALL {
            let mut s = session(lang);
            s.handle(Action::OpenSettings, Timestamp(0), [0; 16]);
            let markup = settings(&s.settings_view());
            assert!(markup.contains(r#"aria-modal="true""#));
            for c in Category::ALL {
                let key = c.key();
                assert_eq!(count(&markup, &format!(r#"data-category="{key}""#)), 1, "{key}");
                assert!(
                    markup.contains(&format!(r#"<label for="dc-c-{key}">"#)),
                    "{key} labelled"
                );
                assert!(markup.contains(&format!(r#"id="dc-d-{key}""#)), "{key} described");
            }
            assert_eq!(count(&markup, " checked"), 1, "only necessary is on: {markup}");
            assert!(markup.contains(
                r#"data-category="necessary" aria-describedby="dc-d-necessary dc-on-necessary" checked disabled"#
            ));
            let actions: Vec<String> = buttons(&markup).into_iter().map(|(a, _)| a).collect();
            assert_eq!(actions, ["close", "reject-all", "save", "accept-all"]);
            assert!(markup.contains(&escape(&format(
                lang,
                D::SettingsServices,
                &[(Var::Services, "Google Analytics")]
            ))));
            assert!(!markup.contains("style"));
        }
    }

    #[test]
    fn settings_show_the_stored_choice_after_a_decision() {
        let mut s = session(Lang::En);
        s.handle(
            Action::Set(Choices::NONE.with(Category::Social, true)),
            Timestamp(0),
            [0; 16],
        );
        let reopen = buttons(&s.markup());
        assert_eq!(reopen.len(), 1);
        assert_eq!(reopen[0].0, "reopen");
        assert!(reopen[0].1.ends_with("<span>Cookie settings</span>"), "{reopen:?}");
        s.handle(Action::OpenSettings, Timestamp(0), [0; 16]);
        let markup = settings(&s.settings_view());
        assert!(markup.contains(r#"data-category="social" aria-describedby="dc-d-social dc-s-social" checked>"#));
        assert!(markup.contains(r#"data-category="analytics" aria-describedby="dc-d-analytics dc-s-analytics">"#));
    }

    #[test]
    fn nothing_renders_before_a_decision_when_hidden() {
        let hints = LangHints::default();
        let stored = {
            let mut s = session(Lang::Fi);
            s.handle(Action::RejectAll, Timestamp(1_795_420_800_000), [0; 16])
                .store
                .unwrap()
        };
        let (s, _, _) = Session::start(
            SiteConfig::builtin(Site::DiffoFi).unwrap(),
            Some(&stored),
            Timestamp(1_795_420_800_001),
            hints,
            false,
        );
        assert_eq!(s.layer(), Layer::Hidden);
        assert!(s
            .markup()
            .starts_with(r#"<button type="button" class="dc-reopen" data-action="reopen" lang="fi">"#));
    }

    #[test]
    fn config_text_is_escaped() {
        let mut config = SiteConfig::builtin(Site::DiffoSe).unwrap();
        config.apply_json(r#"{"privacyPolicy": "/p?a=1&b=\"<2>\""}"#).unwrap();
        let s = Session::start(config, None, Timestamp(0), LangHints::default(), false).0;
        assert!(
            s.markup().contains(r#"<a href="/p?a=1&amp;b=&quot;&lt;2&gt;&quot;">"#),
            "{}",
            s.markup()
        );
    }

    #[test]
    fn settings_declare_every_cookie_by_category() {
        for lang in Lang::ALL {
            let mut s = session(lang);
            s.handle(Action::OpenSettings, Timestamp(0), [0; 16]);
            let markup = settings(&s.settings_view());
            assert_eq!(count(&markup, r#"<details class="dc-decl">"#), 4, "one per category");
            for e in &s.config().cookies {
                assert!(
                    markup.contains(&format!("<code>{}</code>", escape(&e.name))),
                    "{}",
                    e.name
                );
                assert!(markup.contains(&escape(e.purpose(lang))), "{} in {lang:?}", e.name);
            }
            // The necessary category declares the consent record itself.
            let necessary = markup.split(r#"data-category="analytics""#).next().unwrap();
            assert!(necessary.contains("<code>diffo-consent</code>"));
        }
        let mut s = session(Lang::Fi);
        s.handle(Action::OpenSettings, Timestamp(0), [0; 16]);
        let markup = settings(&s.settings_view());
        assert!(
            markup.contains("Evästeet ja tallennetut tiedot (2)"),
            "analytics declares two"
        );
        assert!(markup.contains("<td>2 vuotta</td><td>Eväste, tämä sivusto</td>"));
        assert!(markup.contains("<td>3 kuukautta</td><td>Eväste, kolmas osapuoli</td>"));
        assert!(markup.contains("<td>1 vuosi</td>"));
    }

    #[test]
    fn lifetimes_in_words() {
        for (lang, life, words) in [
            (Lang::Fi, Lifetime::Session, "Kunnes selain suljetaan"),
            (Lang::Fi, Lifetime::Days(1), "1 päivä"),
            (Lang::Fi, Lifetime::Days(30), "30 päivää"),
            (Lang::Sv, Lifetime::Months(1), "1 månad"),
            (Lang::Sv, Lifetime::Months(13), "13 månader"),
            (Lang::En, Lifetime::Years(1), "1 year"),
            (Lang::En, Lifetime::Years(2), "2 years"),
        ] {
            assert_eq!(lifetime(lang, life), words);
        }
    }

    #[test]
    fn notices_for_gpc_and_a_changed_policy() {
        let hints = || LangHints {
            chosen: Some(Lang::En),
            ..LangHints::default()
        };
        let config = SiteConfig::builtin(Site::DiffoFi).unwrap();
        let plain = Session::start(config.clone(), None, Timestamp(0), hints(), false)
            .0
            .markup();
        assert!(!plain.contains("dc-notice"));
        let gpc = Session::start(config.clone(), None, Timestamp(0), hints(), true)
            .0
            .markup();
        assert!(gpc.contains("Global Privacy Control"));
        let stored = {
            let mut s = session(Lang::En);
            s.handle(Action::AcceptAll, Timestamp(1_795_420_800_000), [0; 16])
                .store
                .unwrap()
        };
        let mut revised = config;
        revised.revision = 2;
        let later = Timestamp(1_795_420_800_001);
        let changed = Session::start(revised, Some(&stored), later, hints(), false).0.markup();
        assert!(
            changed.contains("Our privacy policy has changed since you last chose."),
            "{changed}"
        );
    }

    #[test]
    fn after_a_decision_the_settings_show_the_consent_id_and_link_its_receipt() {
        let mut s = session(Lang::Sv);
        assert!(
            !settings(&s.settings_view()).contains("dc-id"),
            "no id before a decision"
        );
        s.handle(Action::RejectAll, Timestamp(1_795_420_800_000), [7; 16]);
        let id = s.record().unwrap().id.as_str().to_string();
        let plain = settings(&s.settings_view());
        assert!(
            plain.contains(&format!(r#"<p class="dc-id">Ditt anonyma samtyckes-id är {id}.</p>"#)),
            "{plain}"
        );
        let view = SettingsView {
            receipt: Some("/consent-log/receipt/"),
            ..s.settings_view()
        };
        assert!(settings(&view).contains(&format!(
            r#"{id}. <a href="/consent-log/receipt/{id}?lang=sv" target="_blank" rel="noopener">Se kvittot på dina val</a></p>"#
        )));
    }

    #[test]
    fn the_page_declaration_shows_the_choice_id_and_date() {
        let mut s = session(Lang::Fi);
        let before = declaration(s.config(), s.lang(), s.record(), None);
        assert!(before.contains("Et ole vielä tehnyt valintaa."));
        assert!(before.contains(r#"data-action="settings""#) && !before.contains(r#"data-action="withdraw""#));
        assert_eq!(count(&before, "<table"), 4);
        s.handle(
            Action::Set(Choices::NONE.with(Category::Social, true)),
            Timestamp(1_795_420_800_000),
            [9; 16],
        );
        let after = declaration(s.config(), s.lang(), s.record(), Some("/consent-log/receipt/"));
        let id = s.record().unwrap().id.as_str().to_string();
        assert!(
            after.contains(&format!(
                "Teit viimeisimmän valintasi 23.11.2026. Anonyymi suostumustunnisteesi on {id}."
            )),
            "{after}"
        );
        assert!(after.contains(r#"Sosiaalinen media <span class="dc-state">(Sallittu)</span>"#));
        assert!(after.contains(r#"Analytiikka <span class="dc-state">(Ei sallittu)</span>"#));
        assert!(after.contains(r#"data-action="withdraw""#));
        assert!(!after.contains("<details"), "the page shows the tables open");
        assert_eq!(date(Lang::Sv, Timestamp(1_795_420_800_000)), "2026-11-23");
        assert_eq!(date(Lang::Fi, Timestamp(0)), "1.1.1970");
    }

    #[test]
    fn placeholders_name_the_service_and_company() {
        let p = placeholder(Lang::Sv, "YouTube", "Google <Ireland> Limited", Category::Social);
        assert!(p.contains(r#"aria-label="Innehåll från YouTube""#));
        assert!(p.contains("Innehållet kommer från Google &lt;Ireland&gt; Limited."));
        assert!(p.contains(r#"data-action="embed-once">Ladda det här en gång</button>"#));
        assert!(p.contains(r#"data-action="allow:social">Tillåt alltid sociala medier</button>"#));
        let m = placeholder(Lang::Fi, "Esimerkki", "Esimerkki Oy", Category::Marketing);
        assert!(m.contains(r#"data-action="allow:marketing">Salli markkinointi aina</button>"#));
        assert!(m.contains("Esimerkki-sisältö"));
    }
}
