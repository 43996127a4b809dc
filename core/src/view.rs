//! The dialog's markup, as a string for the shadow root.
//!
//! The markup is a pure function of the [`Session`], so its promises are
//! host tests: equal buttons on the first layer that names every company
//! that receives data, no pre-ticked switch, a label and description for
//! every control, the public `data-action`, `data-category`, `data-service`
//! and `data-lang` hooks, and no inline `style` (the edge
//! styles the shadow root with a constructed stylesheet, so a strict
//! Content-Security-Policy needs no `'unsafe-inline'`).
//!
//! All text passes through [`escape`]; the only other strings are fixed
//! tags and attribute names.

use crate::action::Layer;
use crate::category::Category;
use crate::config::SiteConfig;
use crate::consent::{Consent, Switch};
use crate::declaration::{Entry, Kind, Lifetime, Party};
use crate::embed::Allow;
use crate::lang::Lang;
use crate::num;
use crate::prelude::*;
use crate::record::ConsentRecord;
use crate::service::Service;
use crate::session::Session;
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
        let label = text(self.lang, msg);
        self.button_text(action, &label)
    }

    fn button_text(&mut self, action: &str, label: &str) -> &mut Self {
        self.raw(r#"<button type="button" class="dc-btn" data-action=""#)
            .text(action)
            .raw(r#"">"#)
            .text(label)
            .raw("</button>")
    }
}

/// Renders the first layer, the reopen control, or nothing, as the session
/// says. (The settings layer is rendered by [`settings`] in the extra module.)
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
    pub draft: Consent,
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

/// `text` with a full stop after a name that ends in one ("…from Vimeo.com,
/// Inc..") written once, as every language here writes it. An ellipsis
/// stays.
fn one_full_stop(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dots = 0;
    for c in text.chars() {
        dots = if c == '.' { dots + 1 } else { 0 };
        out.push(c);
        if dots == 2 {
            out.pop();
        } else if dots == 3 {
            // An ellipsis: put back the one taken.
            out.push('.');
        }
    }
    out
}

/// `items` as a list in `lang`: "A, B and C".
fn list(lang: Lang, items: &[&str]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            if i + 1 == items.len() {
                out.push(' ');
                out.push_str(&text(lang, B::ListAnd));
                out.push(' ');
            } else {
                out.push_str(", ");
            }
        }
        out.push_str(item);
    }
    out
}

/// The first layer's account of what consent means: who receives data, and
/// whether it may go to the United States (from the config, so that it
/// stays true when a service is added), how long the choice holds, and
/// where to change it.
fn recipients(h: &mut Html, config: &SiteConfig) {
    let lang = h.lang;
    let all = config.recipients(false);
    let sentence = |msg: B, companies: &[&str]| {
        let list = list(lang, companies);
        one_full_stop(&format(lang, msg, &[(Var::Companies, &list)]))
    };
    if !all.is_empty() {
        let one = all.len() == 1;
        let line = sentence(
            if one {
                B::BannerRecipientsOne
            } else {
                B::BannerRecipients
            },
            &all,
        );
        h.raw(" ").text(&line);
        let us = config.recipients(true);
        if us.len() == all.len() {
            h.raw(" ").msg(if one {
                B::BannerTransferAllOne
            } else {
                B::BannerTransferAll
            });
        } else if !us.is_empty() {
            let line = sentence(
                if us.len() == 1 {
                    B::BannerTransferSomeOne
                } else {
                    B::BannerTransferSome
                },
                &us,
            );
            h.raw(" ").text(&line);
        }
    }
    let months = config.lifetime_months;
    let duration = if months == 1 {
        text(lang, B::DurationMonth)
    } else {
        format(lang, B::DurationMonths, &[(Var::N, &num::decimal(months.into()))])
    };
    let line = format(lang, B::BannerLifetime, &[(Var::Duration, &duration)]);
    h.raw(" ").text(&line);
}

fn policy_link(h: &mut Html, config: &SiteConfig) {
    let policy = config.privacy_policy_url(h.lang);
    h.raw(r#" <a href=""#)
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
    h.raw(r#"<p id="dc-text">"#).msg(B::BannerText);
    recipients(h, session.config());
    policy_link(h, session.config());
    h.raw(r#"<div class="dc-actions">"#)
        .button("accept-all", B::ButtonAcceptAll)
        .button("reject-all", B::ButtonRejectAll)
        .button("settings", B::ButtonSettings)
        .raw("</div></section>");
}

/// The settings layer: a modal dialog with, per category, a switch for the
/// whole category, each of its services with a switch of its own, who
/// receives data and the cookies each sets.
pub fn settings(view: &SettingsView<'_>) -> String {
    let mut html = Html {
        out: String::with_capacity(16384),
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
    h.raw(r#"<p id="dc-text">"#).msg(D::SettingsText);
    policy_link(h, view.config);
    h.raw(r#"<ul class="dc-cats">"#);
    for category in Category::ALL {
        category_item(h, view, category);
    }
    h.raw("</ul>");
    if let Some(id) = view.id {
        let line = format(h.lang, D::SettingsConsentId, &[(Var::Id, id)]);
        h.raw(r#"<p class="dc-id">"#).text(&line).raw(" ").msg(D::ConsentIdNote);
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

/// The site's own declared entries of `category`.
fn own_entries(config: &SiteConfig, category: Category) -> Vec<&Entry> {
    config.cookies.iter().filter(|e| e.category == category).collect()
}

/// The services of `category`, with their indices.
fn services_of(config: &SiteConfig, category: Category) -> impl Iterator<Item = (usize, &Service)> {
    config
        .services
        .iter()
        .enumerate()
        .filter(move |(_, s)| s.category == category)
}

fn category_item(h: &mut Html, view: &SettingsView<'_>, category: Category) {
    let key = category.key();
    let (label, description) = category_texts(category);
    let necessary = category == Category::Necessary;
    h.raw(r#"<li class="dc-cat"><div class="dc-cat-head"><label for="dc-c-"#)
        .raw(key)
        .raw(r#"">"#)
        .msg(label)
        .raw("</label>");
    if necessary {
        h.raw(r#"<span class="dc-on" id="dc-on-necessary">"#)
            .msg(D::SettingsAlwaysOn)
            .raw("</span>");
    }
    // A checkbox, not a switch: it has a third, mixed state when some of
    // the category's services are on (the edge sets `indeterminate`).
    h.raw(r#"<input type="checkbox" class="dc-switch" id="dc-c-"#)
        .raw(key)
        .raw(r#"" data-category=""#)
        .raw(key)
        .raw(r#"" aria-describedby="dc-d-"#)
        .raw(key)
        .raw(if necessary { r#" dc-on-necessary""# } else { r#"""# });
    if necessary {
        h.raw(" checked disabled");
    } else {
        match view.draft.switch(&view.config.services, category) {
            Switch::On => h.raw(" checked"),
            Switch::Mixed => h.raw(" data-mixed"),
            Switch::Off => h,
        };
    }
    h.raw(r#"></div><p class="dc-desc" id="dc-d-"#)
        .raw(key)
        .raw(r#"">"#)
        .msg(description)
        .raw("</p>");
    let mut services = services_of(view.config, category).peekable();
    if services.peek().is_some() {
        h.raw(r#"<ul class="dc-svcs">"#);
        for (i, service) in services {
            service_item(h, view, i, service);
        }
        h.raw("</ul>");
    }
    declaration_table(h, &own_entries(view.config, category), true);
    h.raw("</li>");
}

/// Who receives the data of `service`, what for, whether it may go to the
/// United States, and the vendor's privacy policy.
fn service_facts(h: &mut Html, service: &Service) {
    let recipient = format(h.lang, D::ServiceRecipient, &[(Var::Company, &service.company)]);
    let policy = format(h.lang, D::ServicePolicy, &[(Var::Company, &service.company)]);
    let purpose = service.purpose(h.lang);
    h.raw("<p>").text(&recipient).raw("</p><p>").text(purpose).raw("</p>");
    if service.transfer.is_some() {
        h.raw("<p>").msg(D::ServiceTransfer).raw("</p>");
    }
    h.raw(r#"<p><a href=""#)
        .text(&service.privacy_policy)
        .raw(r#"" target="_blank" rel="noopener">"#)
        .text(&policy)
        .raw("</a></p>");
}

fn service_item(h: &mut Html, view: &SettingsView<'_>, i: usize, service: &Service) {
    let id = &service.id;
    h.raw(r#"<li class="dc-svc"><div class="dc-cat-head"><label for="dc-s-"#)
        .text(id)
        .raw(r#"">"#)
        .text(&service.name)
        .raw(r#"</label><input type="checkbox" role="switch" class="dc-switch" id="dc-s-"#)
        .text(id)
        .raw(r#"" data-service=""#)
        .text(id)
        .raw(r#"" aria-describedby="dc-sd-"#)
        .text(id)
        .raw(r#"""#);
    if view.draft.allows_service(i) {
        h.raw(" checked");
    }
    h.raw(r#"></div><div class="dc-desc" id="dc-sd-"#).text(id).raw(r#"">"#);
    service_facts(h, service);
    h.raw("</div>");
    declaration_table(h, &service.cookies.iter().collect::<Vec<_>>(), true);
    h.raw("</li>");
}

/// How long a declared entry lives, in words.
fn lifetime(lang: Lang, lifetime: Lifetime) -> String {
    let (one, many, n) = match lifetime {
        Lifetime::Session => return text(lang, D::LifetimeSession).into_owned(),
        Lifetime::Persistent => return text(lang, D::LifetimePersistent).into_owned(),
        Lifetime::Minutes(n) => (D::LifetimeMinute, D::LifetimeMinutes, n),
        Lifetime::Hours(n) => (D::LifetimeHour, D::LifetimeHours, n),
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

/// Declared cookies and storage as a table; in a `<details>` that starts
/// closed when `folded`. Nothing for no entries.
fn declaration_table(h: &mut Html, entries: &[&Entry], folded: bool) {
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
            (Kind::LocalStorage, Party::First) => D::DeclarationLocalStorage,
            (Kind::LocalStorage, Party::Third) => D::DeclarationLocalStorageThird,
            (Kind::SessionStorage, Party::First) => D::DeclarationSessionStorage,
            (Kind::SessionStorage, Party::Third) => D::DeclarationSessionStorageThird,
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
/// 23 November 2026 in English, 23 november 2026 in Swedish.
fn date(lang: Lang, t: Timestamp) -> String {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const SV: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let (y, m, d) = t.date();
    let mut out = String::new();
    num::push_padded(&mut out, d.into(), 1);
    let month = (m as usize).clamp(1, 12) - 1;
    match lang {
        Lang::Fi => {
            out.push('.');
            num::push_padded(&mut out, m.into(), 1);
            out.push('.');
        }
        Lang::En | Lang::Sv => {
            out.push(' ');
            out.push_str(if lang == Lang::En { EN[month] } else { SV[month] });
            out.push(' ');
        }
    }
    num::push_padded(&mut out, y.into(), 4);
    out
}

/// How a decision stands for a category, in words.
fn state(consent: Consent, config: &SiteConfig, category: Category) -> D {
    match consent.switch(&config.services, category) {
        _ if category == Category::Necessary => D::DeclarationAllowed,
        Switch::On => D::DeclarationAllowed,
        Switch::Off => D::DeclarationRefused,
        Switch::Mixed => D::DeclarationPartly,
    }
}

fn state_of(h: &mut Html, msg: D) {
    h.raw(r#" <span class="dc-state">("#).msg(msg).raw(")</span>");
}

/// The page's `data-consent-declaration` element: the visitor's current
/// choice, consent id and date, buttons to change or withdraw it, and the
/// full declaration by category and service. With the record comes what it
/// allows against the config's services.
pub fn declaration(
    config: &SiteConfig,
    lang: Lang,
    record: Option<(&ConsentRecord, Consent)>,
    receipt: Option<&str>,
) -> String {
    let mut h = Html {
        out: String::with_capacity(16384),
        lang,
    };
    let code = h.lang.code();
    h.raw(r#"<section class="dc-page" lang=""#)
        .raw(code)
        .raw(r#""><h2>"#)
        .msg(D::DeclarationTitle)
        .raw("</h2>");
    match record {
        Some((record, _)) => {
            let when = date(h.lang, record.last_decision);
            let line = format(
                h.lang,
                D::DeclarationChoice,
                &[(Var::Date, &when), (Var::Id, record.id.as_str())],
            );
            h.raw("<p>").text(&line).raw(" ").msg(D::ConsentIdNote);
            receipt_link(&mut h, receipt, record.id.as_str());
            h.raw("</p>");
        }
        None => {
            h.raw("<p>").msg(D::DeclarationNone).raw("</p>");
        }
    }
    // The buttons next to the choice they change, before the long tables.
    h.raw(r#"<div class="dc-actions">"#)
        .button("settings", D::DeclarationChange);
    if record.is_some() {
        h.button("withdraw", D::DeclarationWithdraw);
    }
    h.raw("</div>");
    let allowed = record.map(|(_, consent)| consent);
    for category in Category::ALL {
        let (label, description) = category_texts(category);
        h.raw("<h3>").msg(label);
        if let Some(consent) = allowed {
            state_of(&mut h, state(consent, config, category));
        }
        h.raw("</h3><p>").msg(description).raw("</p>");
        let mut any_service = false;
        for (i, service) in services_of(config, category) {
            any_service = true;
            h.raw("<h4>").text(&service.name);
            if let Some(consent) = allowed {
                let msg = if consent.allows_service(i) {
                    D::DeclarationAllowed
                } else {
                    D::DeclarationRefused
                };
                state_of(&mut h, msg);
            }
            h.raw("</h4>");
            service_facts(&mut h, service);
            declaration_table(&mut h, &service.cookies.iter().collect::<Vec<_>>(), false);
        }
        let own = own_entries(config, category);
        if any_service && !own.is_empty() {
            h.raw("<h4>").msg(D::DeclarationOwn).raw("</h4>");
        }
        declaration_table(&mut h, &own, false);
    }
    h.raw("</section>");
    h.out
}

/// The placeholder of an embed that is not allowed: what it is, who
/// receives data, and the two ways to load it.
pub fn placeholder(lang: Lang, service: &str, company: &str, allow: &Allow) -> String {
    let mut h = Html {
        out: String::with_capacity(1024),
        lang,
    };
    let title = format(lang, D::EmbedTitle, &[(Var::Service, service)]);
    let (action, always) = match allow {
        Allow::Service { id } => (
            ["allow:service:", id].concat(),
            format(lang, D::EmbedAllowService, &[(Var::Service, service)]),
        ),
        Allow::Category(category) => {
            let msg = match category {
                Category::Necessary | Category::Social => D::EmbedAllowSocial,
                Category::Analytics => D::EmbedAllowAnalytics,
                Category::Marketing => D::EmbedAllowMarketing,
            };
            (["allow:", category.key()].concat(), text(lang, msg))
        }
    };
    h.raw(r#"<div class="dc-embed" role="group" lang=""#)
        .raw(lang.code())
        .raw(r#"" aria-label=""#)
        .text(&title)
        .raw(r#""><p class="dc-embed-title">"#)
        .text(&title)
        .raw("</p><p>")
        .text(&one_full_stop(&format(lang, D::EmbedText, &[(Var::Company, company)])))
        .raw(r#"</p><div class="dc-actions">"#)
        .button("embed-once", D::EmbedLoadOnce)
        .button_text(&action, &always)
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
    use crate::action::Action;
    use crate::config::{Site, SiteConfig};
    use crate::lang::LangHints;
    use crate::time::Timestamp;

    fn session_on(site: Site, lang: Lang) -> Session {
        let hints = LangHints {
            chosen: Some(lang),
            ..LangHints::default()
        };
        Session::start(SiteConfig::builtin(site).unwrap(), None, Timestamp(0), hints, false).0
    }

    fn session(lang: Lang) -> Session {
        session_on(Site::DiffoFi, lang)
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

    /// The first layer's text, without tags.
    fn words(markup: &str) -> std::string::String {
        let mut out = std::string::String::new();
        let mut in_tag = false;
        for c in markup.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
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

    /// The first layer names who receives data, that it may go to the
    /// United States, how long the choice holds and where to change it, in
    /// every language.
    #[test]
    fn first_layer_names_the_recipients() {
        for (lang, expected) in [
            (
                Lang::En,
                "Data about your visit then also goes to Google Ireland Limited, Meta Platforms Ireland Limited and \
                 LinkedIn Ireland Unlimited Company. They may transfer the data to the United States under the EU–US \
                 Data Privacy Framework. Your choice holds for 12 months. You can change or withdraw it at any time \
                 under “Cookie settings”.",
            ),
            (
                Lang::Fi,
                "Tällöin tietoja käynnistäsi saavat myös Google Ireland Limited, Meta Platforms Ireland Limited ja \
                 LinkedIn Ireland Unlimited Company. Ne voivat siirtää tietoja Yhdysvaltoihin EU:n ja Yhdysvaltojen \
                 välisen tietosuojakehyksen nojalla. Valintasi on voimassa 12 kuukautta. Voit muuttaa tai perua sen \
                 milloin tahansa kohdasta ”Evästeasetukset”.",
            ),
            (
                Lang::Sv,
                "Uppgifter om ditt besök går då även till Google Ireland Limited, Meta Platforms Ireland Limited och \
                 LinkedIn Ireland Unlimited Company. De kan föra över uppgifterna till USA enligt ramverket för \
                 dataskydd mellan EU och USA. Ditt val gäller i 12 månader. Du kan ändra eller återkalla det när som \
                 helst under ”Kakinställningar”.",
            ),
        ] {
            let markup = session(lang).markup();
            assert!(words(&markup).contains(expected), "{lang:?}: {}", words(&markup));
        }
    }

    #[test]
    fn the_recipients_follow_the_config() {
        let only = |json: &str, lang: Lang| {
            let mut config = SiteConfig::builtin(Site::DiffoSolutions).unwrap();
            config.apply_json(json).unwrap();
            let hints = LangHints {
                chosen: Some(lang),
                ..LangHints::default()
            };
            words(&Session::start(config, None, Timestamp(0), hints, false).0.markup())
        };
        let insight = crate::service::tests::INSIGHT
            .replace(r#", "transfer": "us-dpf""#, "")
            .replace("LinkedIn Ireland Unlimited Company", "Esimerkki Oy");
        let one_google = only(
            r#"{"removeServices": ["meta-pixel", "facebook", "instagram", "linkedin"], "consentLifetimeMonths": 1}"#,
            Lang::Fi,
        );
        assert!(
            one_google.contains(
                "Tällöin tietoja käynnistäsi saa myös Google Ireland Limited. Se voi siirtää tietoja Yhdysvaltoihin"
            ),
            "{one_google}"
        );
        assert!(
            one_google.contains("Valintasi on voimassa 1 kuukauden."),
            "{one_google}"
        );
        let some = only(
            &format!(
                r#"{{"removeServices": ["meta-pixel", "facebook", "instagram", "linkedin"], "services": [{insight}]}}"#
            ),
            Lang::En,
        );
        assert!(
            some.contains(
                "goes to Google Ireland Limited and Esimerkki Oy. Of them, Google Ireland Limited may transfer the data to the United States"
            ),
            "{some}"
        );
        let none = only(
            r#"{"googleAnalytics": null, "metaPixel": null, "removeServices": ["facebook", "instagram", "linkedin", "youtube"]}"#,
            Lang::Sv,
        );
        assert!(!none.contains("går då även till") && !none.contains("USA"), "{none}");
        assert!(none.contains("Ditt val gäller i 12 månader."));
    }

    #[test]
    fn settings_layer_has_a_labelled_switch_per_category_and_service_none_pre_ticked() {
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
            for service in &s.config().services {
                let id = &service.id;
                assert!(markup.contains(&format!(
                    r#"<label for="dc-s-{id}">{}</label><input type="checkbox" role="switch" class="dc-switch" id="dc-s-{id}" data-service="{id}" aria-describedby="dc-sd-{id}">"#,
                    escape(&service.name)
                )), "{id}");
                assert!(
                    markup.contains(&escape(service.purpose(lang))),
                    "{id} purpose in {lang:?}"
                );
                assert!(markup.contains(&format!(r#"<a href="{}" target="_blank""#, service.privacy_policy)));
            }
            assert_eq!(count(&markup, " checked"), 1, "only necessary is on: {markup}");
            assert!(markup.contains(
                r#"data-category="necessary" aria-describedby="dc-d-necessary dc-on-necessary" checked disabled"#
            ));
            let actions: Vec<String> = buttons(&markup).into_iter().map(|(a, _)| a).collect();
            assert_eq!(actions, ["close", "reject-all", "save", "accept-all"]);
            assert_eq!(
                count(&markup, &escape(&text(lang, D::ServiceTransfer))),
                6,
                "every service says where data goes"
            );
            assert!(!markup.contains("style"));
        }
    }

    #[test]
    fn a_category_with_some_services_on_is_mixed() {
        let mut s = session(Lang::En);
        s.handle(Action::OpenSettings, Timestamp(0), [0; 16]);
        let youtube = s.config().service_index("youtube").unwrap();
        s.handle(Action::ToggleService(youtube, true), Timestamp(0), [0; 16]);
        let markup = settings(&s.settings_view());
        assert!(
            markup.contains(r#"data-category="social" aria-describedby="dc-d-social" data-mixed>"#),
            "{markup}"
        );
        assert!(markup.contains(r#"data-service="youtube" aria-describedby="dc-sd-youtube" checked>"#));
        s.handle(Action::Toggle(Category::Social, true), Timestamp(0), [0; 16]);
        let markup = settings(&s.settings_view());
        assert!(markup.contains(r#"data-category="social" aria-describedby="dc-d-social" checked>"#));
        assert_eq!(
            count(&markup, " checked"),
            1 + 1 + 4,
            "necessary, social and its four services"
        );
    }

    #[test]
    fn settings_show_the_stored_choice_after_a_decision() {
        let mut s = session(Lang::En);
        let social = Consent::NONE.with_category(&s.config().services, Category::Social, true);
        s.handle(Action::Set(social), Timestamp(0), [0; 16]);
        let reopen = buttons(&s.markup());
        assert_eq!(reopen.len(), 1);
        assert_eq!(reopen[0].0, "reopen");
        assert!(reopen[0].1.ends_with("<span>Cookie settings</span>"), "{reopen:?}");
        s.handle(Action::OpenSettings, Timestamp(0), [0; 16]);
        let markup = settings(&s.settings_view());
        assert!(markup.contains(r#"data-category="social" aria-describedby="dc-d-social" checked>"#));
        assert!(markup.contains(r#"data-category="analytics" aria-describedby="dc-d-analytics">"#));
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
        let evil = crate::service::tests::INSIGHT.replace("LinkedIn Ireland Unlimited Company", "<b>Evil</b> & Co");
        config
            .apply_json(&format!(
                r#"{{"privacyPolicy": "/p?a=1&b=\"<2>\"", "services": [{evil}]}}"#
            ))
            .unwrap();
        let s = Session::start(config, None, Timestamp(0), LangHints::default(), false).0;
        let markup = s.markup();
        assert!(
            markup.contains(r#"<a href="/p?a=1&amp;b=&quot;&lt;2&gt;&quot;">"#),
            "{markup}"
        );
        assert!(
            markup.contains("&lt;b&gt;Evil&lt;/b&gt; &amp; Co") && !markup.contains("<b>"),
            "{markup}"
        );
        assert!(!settings(&s.settings_view()).contains("<b>"));
    }

    #[test]
    fn settings_declare_every_cookie_under_its_service() {
        for lang in Lang::ALL {
            let mut s = session(lang);
            s.handle(Action::OpenSettings, Timestamp(0), [0; 16]);
            let markup = settings(&s.settings_view());
            let services = s.config().services.len();
            assert_eq!(
                count(&markup, r#"<details class="dc-decl">"#),
                services + 1,
                "one per service, and necessary"
            );
            for (_, e) in s.config().declaration() {
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
            markup.contains("Evästeet ja tallennetut tiedot (3)"),
            "Google Analytics declares three"
        );
        assert!(markup.contains("<td>2 vuotta</td><td>Ensimmäisen osapuolen eväste</td>"));
        assert!(markup.contains("<td>90 päivää</td><td>Kolmannen osapuolen eväste</td>"));
        assert!(markup.contains("<td>24 tuntia</td>"));
        assert!(markup.contains("<td>Kunnes poistat sen</td><td>Kolmannen osapuolen paikallinen tallennustila</td>"));
    }

    #[test]
    fn lifetimes_in_words() {
        for (lang, life, words) in [
            (Lang::Fi, Lifetime::Session, "Kunnes selain suljetaan"),
            (Lang::En, Lifetime::Persistent, "Until you delete it"),
            (Lang::Sv, Lifetime::Minutes(30), "30 minuter"),
            (Lang::Fi, Lifetime::Hours(1), "1 tunti"),
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
        assert!(gpc.contains("marketing and social media stay off unless you turn them on yourself"));
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
            changed.contains("Our privacy policy has changed since your last choice."),
            "{changed}"
        );
    }

    #[test]
    fn after_a_decision_the_settings_say_what_the_consent_id_is_and_link_its_receipt() {
        let mut s = session(Lang::Sv);
        assert!(
            !settings(&s.settings_view()).contains("dc-id"),
            "no id before a decision"
        );
        s.handle(Action::RejectAll, Timestamp(1_795_420_800_000), [7; 16]);
        let id = s.record().unwrap().id.as_str().to_string();
        let plain = settings(&s.settings_view());
        assert!(
            plain.contains(&format!(
                r#"<p class="dc-id">Ditt samtyckes-id är {id}. Det är en slumpmässig kod som sparas i din webbläsare och i vår samtyckeslogg"#
            )),
            "{plain}"
        );
        assert!(!plain.contains("anonym"), "a stable random id is not anonymous");
        let view = SettingsView {
            receipt: Some("/consent-log/receipt/"),
            ..s.settings_view()
        };
        assert!(settings(&view).contains(&format!(
            r#" <a href="/consent-log/receipt/{id}?lang=sv" target="_blank" rel="noopener">Se kvittot på dina val</a></p>"#
        )));
    }

    #[test]
    fn the_page_declaration_shows_the_choice_by_category_and_service() {
        let mut s = session(Lang::Fi);
        let config = s.config().clone();
        let before = declaration(&config, s.lang(), None, None);
        assert!(before.contains("Et ole vielä tehnyt valintaa."));
        assert!(before.contains(r#"data-action="settings""#) && !before.contains(r#"data-action="withdraw""#));
        assert_eq!(count(&before, "<table"), config.services.len() + 1);
        let youtube = config.service_index("youtube").unwrap();
        s.handle(
            Action::Set(Consent::NONE.with_service(&config.services, youtube, true)),
            Timestamp(1_795_420_800_000),
            [9; 16],
        );
        let record = s.record().unwrap();
        let after = declaration(
            &config,
            s.lang(),
            Some((record, s.allowed())),
            Some("/consent-log/receipt/"),
        );
        let id = record.id.as_str().to_string();
        assert!(
            after.contains(&format!(
                "Teit viimeisimmän valintasi 23.11.2026. Suostumustunnisteesi on {id}. Se on satunnainen koodi"
            )),
            "{after}"
        );
        assert!(after.contains(r#"Sosiaalinen media <span class="dc-state">(Osittain sallittu)</span>"#));
        assert!(after.contains(r#"<h4>YouTube <span class="dc-state">(Sallittu)</span></h4>"#));
        assert!(after.contains(r#"<h4>Facebook <span class="dc-state">(Ei sallittu)</span></h4>"#));
        assert!(after.contains(r#"Analytiikka <span class="dc-state">(Ei sallittu)</span>"#));
        assert!(after.contains(r#"data-action="withdraw""#));
        assert!(!after.contains("<details"), "the page shows the tables open");
    }

    #[test]
    fn dates_as_people_write_them() {
        let t = Timestamp(1_795_420_800_000);
        assert_eq!(date(Lang::Fi, t), "23.11.2026");
        assert_eq!(date(Lang::En, t), "23 November 2026");
        assert_eq!(date(Lang::Sv, t), "23 november 2026");
        assert_eq!(date(Lang::Fi, Timestamp(0)), "1.1.1970");
        let sv = declaration(&SiteConfig::builtin(Site::DiffoSe).unwrap(), Lang::Sv, None, None);
        assert!(sv.contains("Du har inte gjort något val ännu."));
    }

    #[test]
    fn a_name_ending_in_a_full_stop_ends_the_sentence_once() {
        assert_eq!(
            one_full_stop("from Vimeo.com, Inc.. If you"),
            "from Vimeo.com, Inc. If you"
        );
        assert_eq!(one_full_stop("Wait... and. Then."), "Wait... and. Then.");
        assert_eq!(one_full_stop("a.b"), "a.b");
        let p = placeholder(Lang::En, "Vimeo", "Vimeo.com, Inc.", &Allow::Category(Category::Social));
        assert!(
            p.contains("<p>This content comes from Vimeo.com, Inc. If you load it, Vimeo.com, Inc. receives"),
            "{p}"
        );
    }

    #[test]
    fn placeholders_name_the_service_and_company() {
        let youtube = Allow::Service { id: "youtube".into() };
        let p = placeholder(Lang::Sv, "YouTube", "Google <Ireland> Limited", &youtube);
        assert!(p.contains(r#"aria-label="Innehåll från YouTube""#));
        assert!(p.contains("Innehållet kommer från Google &lt;Ireland&gt; Limited."));
        assert!(p.contains(r#"data-action="embed-once">Ladda det här en gång</button>"#));
        assert!(p.contains(r#"data-action="allow:service:youtube">Tillåt alltid YouTube</button>"#));
        let m = placeholder(
            Lang::Fi,
            "Google Maps",
            "Google Ireland Limited",
            &Allow::Category(Category::Marketing),
        );
        assert!(m.contains(r#"data-action="allow:marketing">Salli markkinointi aina</button>"#));
        assert!(m.contains("Sisältöä palvelusta Google Maps"), "{m}");
    }
}
