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

use crate::category::Category;
use crate::lang::Lang;
use crate::prelude::*;
use crate::session::{Layer, Session};
use crate::texts::{format, text, Msg, Var};

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

    fn msg(&mut self, msg: Msg) -> &mut Self {
        let t = text(self.lang, msg);
        self.text(&t)
    }

    fn button(&mut self, action: &str, msg: Msg) -> &mut Self {
        self.raw(r#"<button type="button" class="dc-btn" data-action=""#)
            .raw(action)
            .raw(r#"">"#)
            .msg(msg)
            .raw("</button>")
    }
}

/// Renders what the session shows: a layer of the dialog, the reopen
/// control, or nothing.
pub fn render(session: &Session) -> String {
    let mut h = Html {
        out: String::with_capacity(4096),
        lang: session.lang(),
    };
    match session.layer() {
        Layer::Banner => banner(&mut h, session),
        Layer::Settings { .. } => settings(&mut h, session),
        Layer::Hidden if session.record().is_some() => reopen(&mut h),
        Layer::Hidden => {}
    }
    h.out
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

fn heading(h: &mut Html, msg: Msg) {
    h.raw(r#"<h2 id="dc-title">"#).msg(msg).raw("</h2>");
}

fn languages(h: &mut Html) {
    let label = text(h.lang, Msg::LanguageSwitchAriaLabel);
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

fn intro(h: &mut Html, session: &Session, msg: Msg) {
    let policy = session.config().privacy_policy_url(h.lang);
    h.raw(r#"<p id="dc-text">"#)
        .msg(msg)
        .raw(r#" <a href=""#)
        .text(policy)
        .raw(r#"">"#)
        .msg(Msg::BannerPolicyLink)
        .raw("</a></p>");
}

fn banner(h: &mut Html, session: &Session) {
    dialog_open(h, "dc-banner", false);
    h.raw(r#"<div class="dc-head">"#);
    heading(h, Msg::BannerTitle);
    languages(h);
    h.raw("</div>");
    intro(h, session, Msg::BannerText);
    h.raw(r#"<div class="dc-actions">"#)
        .button("accept-all", Msg::ButtonAcceptAll)
        .button("reject-all", Msg::ButtonRejectAll)
        .button("settings", Msg::ButtonSettings)
        .raw("</div></section>");
}

fn settings(h: &mut Html, session: &Session) {
    h.raw(r#"<div class="dc-backdrop"></div>"#);
    dialog_open(h, "dc-settings", true);
    h.raw(r#"<div class="dc-head">"#);
    heading(h, Msg::SettingsTitle);
    let close_label = text(h.lang, Msg::ButtonCloseAriaLabel);
    h.raw(r#"<button type="button" class="dc-close" data-action="close" aria-label=""#)
        .text(&close_label)
        .raw(r#"">"#)
        .msg(Msg::ButtonClose)
        .raw("</button></div>");
    languages(h);
    intro(h, session, Msg::SettingsText);
    h.raw(r#"<ul class="dc-cats">"#);
    for category in Category::ALL {
        category_item(h, session, category);
    }
    h.raw("</ul>");
    h.raw(r#"<div class="dc-actions">"#)
        .button("reject-all", Msg::ButtonRejectAll)
        .button("save", Msg::ButtonSave)
        .button("accept-all", Msg::ButtonAcceptAll)
        .raw("</div></section>");
}

fn category_item(h: &mut Html, session: &Session, category: Category) {
    let key = category.key();
    let (label, description) = match category {
        Category::Necessary => (Msg::CategoryNecessaryLabel, Msg::CategoryNecessaryDescription),
        Category::Analytics => (Msg::CategoryAnalyticsLabel, Msg::CategoryAnalyticsDescription),
        Category::Marketing => (Msg::CategoryMarketingLabel, Msg::CategoryMarketingDescription),
        Category::Social => (Msg::CategorySocialLabel, Msg::CategorySocialDescription),
    };
    let services = session.config().services(category);
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
            .msg(Msg::SettingsAlwaysOn)
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
    } else if session.draft().allows(category) {
        h.raw(" checked");
    }
    h.raw(r#"></div><p class="dc-desc" id="dc-d-"#)
        .raw(key)
        .raw(r#"">"#)
        .msg(description)
        .raw("</p>");
    if !services.is_empty() {
        let list = services.join(", ");
        let line = format(h.lang, Msg::SettingsServices, &[(Var::Services, &list)]);
        h.raw(r#"<p class="dc-svc" id="dc-s-"#)
            .raw(key)
            .raw(r#"">"#)
            .text(&line)
            .raw("</p>");
    }
    h.raw("</li>");
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
        .msg(Msg::ReopenButton)
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
        Session::start(SiteConfig::builtin(Site::DiffoFi).unwrap(), None, Timestamp(0), hints).0
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
            assert_eq!(b[0].1, text(lang, Msg::ButtonAcceptAll));
            assert_eq!(b[1].1, text(lang, Msg::ButtonRejectAll));
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
            let markup = s.markup();
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
                Msg::SettingsServices,
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
        let markup = s.markup();
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
        let s = Session::start(config, None, Timestamp(0), LangHints::default()).0;
        assert!(
            s.markup().contains(r#"<a href="/p?a=1&amp;b=&quot;&lt;2&gt;&quot;">"#),
            "{}",
            s.markup()
        );
    }
}
