//! The dialog's languages and how one is chosen for a visitor.

/// A language the dialog is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// Finnish.
    Fi,
    /// English.
    En,
    /// Swedish.
    Sv,
}

impl Lang {
    /// Every language, in the order the language switch shows them.
    pub const ALL: [Lang; 3] = [Lang::Fi, Lang::En, Lang::Sv];

    /// Its position in [`Lang::ALL`], which is how texts per language are
    /// kept (`[fi, en, sv]`).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The BCP 47 code: `fi`, `en` or `sv`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::En => "en",
            Lang::Sv => "sv",
        }
    }

    /// The language with exactly this code.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language of a BCP 47 tag such as `fi-FI`, `sv_FI` or `EN-gb`,
    /// judged by its primary subtag alone (so `fil`, Filipino, is not Finnish).
    ///
    /// ```
    /// use diffo_consent_core::lang::Lang;
    /// assert_eq!(Lang::from_tag("sv-FI"), Some(Lang::Sv));
    /// assert_eq!(Lang::from_tag("fil"), None);
    /// ```
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim_ascii().split(['-', '_']).next().unwrap_or("");
        Lang::ALL.into_iter().find(|l| primary.eq_ignore_ascii_case(l.code()))
    }

    /// The language's own name for itself, as the language switch shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Fi => "Suomi",
            Lang::En => "English",
            Lang::Sv => "Svenska",
        }
    }
}

/// Everything the edge knows about which language a visitor wants, in order
/// of precedence.
#[derive(Clone, Debug, Default)]
pub struct LangHints<'a> {
    /// The visitor picked a language in the dialog (now or on an earlier page).
    pub chosen: Option<Lang>,
    /// The `data-lang` attribute of the script tag: the site editor's choice.
    pub script_attr: Option<&'a str>,
    /// The page's `<html lang>`.
    pub html_lang: Option<&'a str>,
    /// The site's default language.
    pub site_default: Option<Lang>,
    /// `navigator.languages`, most preferred first, joined with commas.
    pub browser: &'a str,
}

/// Picks the dialog language: the visitor's explicit choice, else the site
/// editor's `data-lang`, else the page's `<html lang>`, else the site's
/// default, else the first supported browser language, else English.
/// Values that are not Finnish, English or Swedish are skipped, not errors.
// A closure pattern rather than `','`: the `char` searcher's fast path
// brings panicking (hence formatting) code into the first-visit module.
#[allow(clippy::manual_pattern_char_comparison)]
pub fn negotiate(hints: &LangHints<'_>) -> Lang {
    hints
        .chosen
        .or_else(|| hints.script_attr.and_then(Lang::from_tag))
        .or_else(|| hints.html_lang.and_then(Lang::from_tag))
        .or(hints.site_default)
        .or_else(|| hints.browser.split(|c| c == ',').find_map(Lang::from_tag))
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        for (tag, lang) in [
            ("fi", Some(Lang::Fi)),
            ("fi-FI", Some(Lang::Fi)),
            ("FI", Some(Lang::Fi)),
            ("sv-FI", Some(Lang::Sv)),
            ("sv_SE", Some(Lang::Sv)),
            (" en-GB ", Some(Lang::En)),
            ("en-US-x-twain", Some(Lang::En)),
            ("fil", None),
            ("fin", None),
            ("se", None),
            ("nb-NO", None),
            ("", None),
            ("-fi", None),
        ] {
            assert_eq!(Lang::from_tag(tag), lang, "{tag:?}");
        }
    }

    fn check(
        chosen: Option<Lang>,
        attr: Option<&str>,
        html: Option<&str>,
        site: Option<Lang>,
        browser: &[&str],
        expected: Lang,
    ) {
        let browser = browser.join(",");
        let hints = LangHints {
            chosen,
            script_attr: attr,
            html_lang: html,
            site_default: site,
            browser: &browser,
        };
        assert_eq!(negotiate(&hints), expected, "{hints:?}");
    }

    #[test]
    fn negotiation_order() {
        use Lang::*;
        // The visitor's explicit choice beats everything.
        check(Some(Sv), Some("fi"), Some("en"), Some(Fi), &["en"], Sv);
        // Then the site editor's data-lang.
        check(None, Some("en"), Some("fi"), Some(Fi), &["sv"], En);
        // An unsupported data-lang falls through to <html lang>.
        check(None, Some("de"), Some("sv-FI"), Some(Fi), &[], Sv);
        // <html lang> beats the site default.
        check(None, None, Some("en"), Some(Fi), &["fi"], En);
        // An unsupported <html lang> falls through to the site default.
        check(None, None, Some("de-DE"), Some(Sv), &["en"], Sv);
        check(None, None, Some(""), Some(Fi), &[], Fi);
        // Without a site default, the first supported browser language.
        check(None, None, None, None, &["de-DE", "sv-SE", "fi"], Sv);
        // Nothing usable: English.
        check(None, None, Some("de"), None, &["de", "fr"], En);
        check(None, None, None, None, &[], En);
    }
}
