//! The words of the pages: the receipt in Finnish, English and Swedish, the dashboard
//! and its login in Finnish and English.
//!
//! The banner's own texts are in `locales/`; these are the service's, short and plain.

use crate::event::{DecisionKind, Layer};
use crate::lang::Lang;

/// The receipt page's words.
pub struct Receipt {
    /// The page's title.
    pub title: &'static str,
    /// What the page shows and what is (not) kept.
    pub intro: &'static str,
    /// Label of the consent id.
    pub id: &'static str,
    /// The heading above the decisions.
    pub history: &'static str,
    /// Necessary cookies are always on.
    pub necessary: &'static str,
    /// How to change the choice.
    pub change: &'static str,
    /// Label of the time.
    pub time: &'static str,
    /// Label of the site.
    pub site: &'static str,
    /// Label of the banner's language.
    pub lang: &'static str,
    /// Label of where the decision was made.
    pub layer: &'static str,
    /// Label of the consent revision.
    pub revision: &'static str,
    /// Label of the texts' hash.
    pub texts: &'static str,
    /// The category names: analytics, marketing, social media.
    pub categories: [&'static str; 3],
    /// A category granted.
    pub allowed: &'static str,
    /// A category refused.
    pub refused: &'static str,
    /// Nothing recorded with the id.
    pub not_found: &'static str,
    /// The id is malformed.
    pub bad_id: &'static str,
    /// The label of the language links.
    pub languages: &'static str,
    /// The names of the banner's languages: fi, en, sv.
    pub lang_names: [&'static str; 3],
    /// The decisions: accept all, reject all, custom, withdraw.
    pub kinds: [&'static str; 4],
    /// The layers: first, settings, embed, declaration, api.
    pub layers: [&'static str; 5],
}

impl Receipt {
    /// The words in `lang`.
    pub fn of(lang: Lang) -> &'static Receipt {
        match lang {
            Lang::Fi => &RECEIPT_FI,
            Lang::En => &RECEIPT_EN,
            Lang::Sv => &RECEIPT_SV,
        }
    }

    /// The name of a decision.
    pub fn kind(&self, kind: DecisionKind) -> &'static str {
        self.kinds[DecisionKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)]
    }

    /// The name of a layer.
    pub fn layer_name(&self, layer: Layer) -> &'static str {
        self.layers[Layer::ALL.iter().position(|l| *l == layer).unwrap_or(0)]
    }

    /// The name of a banner language.
    pub fn lang_name(&self, lang: Lang) -> &'static str {
        self.lang_names[lang.index()]
    }
}

/// The receipt's words that came with event format version 2: the services, and an
/// "accept all" that did not allow everything.
pub struct ReceiptServices {
    /// Label of the services allowed.
    pub allowed: &'static str,
    /// Label of the services not allowed.
    pub refused: &'static str,
    /// An empty list of services.
    pub none: &'static str,
    /// The heading of an "accept all" that did not allow everything: the button chosen.
    pub accept_all_partly: &'static str,
    /// Below that heading: what was allowed, and when that happens.
    pub accept_all_partly_note: &'static str,
}

impl ReceiptServices {
    /// The words for a receipt in `lang`.
    pub fn of(lang: Lang) -> &'static ReceiptServices {
        match lang {
            Lang::Fi => &RECEIPT_SERVICES_FI,
            Lang::En => &RECEIPT_SERVICES_EN,
            Lang::Sv => &RECEIPT_SERVICES_SV,
        }
    }
}

static RECEIPT_SERVICES_FI: ReceiptServices = ReceiptServices {
    allowed: "Sallitut palvelut",
    refused: "Palvelut, joita ei sallittu",
    none: "ei yhtään",
    accept_all_partly: "Valitsit vaihtoehdon ”Hyväksy kaikki”",
    accept_all_partly_note: "Kaikkea ei kuitenkaan sallittu, vaan vain se, mikä on alla merkitty sallituksi. \
                             Näin käy esimerkiksi silloin, kun selaimesi lähettää Global Privacy Control -signaalin, \
                             jota sivusto noudattaa.",
};

static RECEIPT_SERVICES_EN: ReceiptServices = ReceiptServices {
    allowed: "Services allowed",
    refused: "Services not allowed",
    none: "none",
    accept_all_partly: "You chose “Accept all”",
    accept_all_partly_note: "Not everything was allowed, though: only what is marked as allowed below. \
                             This happens, for example, when your browser sends the Global Privacy Control signal, \
                             which the site respects.",
};

static RECEIPT_SERVICES_SV: ReceiptServices = ReceiptServices {
    allowed: "Tillåtna tjänster",
    refused: "Tjänster som inte tillåts",
    none: "inga",
    accept_all_partly: "Du valde ”Godkänn alla”",
    accept_all_partly_note: "Allt tilläts ändå inte, bara det som är markerat som tillåtet nedan. \
                             Det händer till exempel när din webbläsare skickar en Global Privacy Control-signal, \
                             som webbplatsen respekterar.",
};

/// The name of each language in itself, for language links.
pub fn endonym(lang: Lang) -> &'static str {
    match lang {
        Lang::Fi => "Suomeksi",
        Lang::En => "In English",
        Lang::Sv => "På svenska",
    }
}

static RECEIPT_FI: Receipt = Receipt {
    title: "Suostumuskuitti",
    intro: "Tällä sivulla näet evästevalinnat, jotka on tallennettu tällä suostumustunnisteella. \
            Tunniste on tallessa selaimessasi ja tässä suostumuslokissa. Sen yhteyteen ei tallenneta mitään, \
            mistä sinut voisi tunnistaa: ei IP-osoitetta eikä tietoja selaimestasi tai laitteestasi.",
    id: "Suostumustunniste",
    history: "Tallennetut valinnat, vanhin ensin",
    necessary: "Välttämättömät evästeet ovat aina käytössä, koska sivusto ei toimi ilman niitä.",
    change: "Voit muuttaa valintaasi milloin tahansa sivuston Evästeasetukset-painikkeella.",
    time: "Aika (UTC)",
    site: "Sivusto",
    lang: "Kieli",
    layer: "Missä",
    revision: "Käytännön versio",
    texts: "Tekstien versio",
    categories: ["Analytiikka", "Markkinointi", "Sosiaalinen media"],
    allowed: "Sallittu",
    refused: "Ei sallittu",
    not_found: "Tällä tunnisteella ei ole tallennettuja valintoja. Tunniste voi olla virheellinen, tai valinnat on poistettu säilytysajan päätyttyä.",
    bad_id: "Tämä ei ole kelvollinen suostumustunniste.",
    languages: "Kieli",
    lang_names: ["suomi", "englanti", "ruotsi"],
    kinds: [
        "Hyväksyit kaikki evästeet",
        "Hylkäsit kaikki vapaaehtoiset evästeet",
        "Tallensit omat valintasi",
        "Peruit suostumuksesi",
    ],
    layers: [
        "Evästeilmoitus",
        "Evästeasetukset",
        "Upotetun sisällön paikalla ollut ilmoitus",
        "Tietosuojaseloste",
        "Sivuston oma toiminto",
    ],
};

static RECEIPT_EN: Receipt = Receipt {
    title: "Consent receipt",
    intro: "This page shows the cookie choices recorded with this consent ID. \
            The ID is kept in your browser and in this consent log. Nothing that could identify you is stored with it: \
            no IP address, and no user agent or other details of your browser or device.",
    id: "Consent ID",
    history: "Recorded choices, oldest first",
    necessary: "Necessary cookies are always on because the site cannot work without them.",
    change: "You can change your choice at any time with the Cookie settings button on the site.",
    time: "Time (UTC)",
    site: "Site",
    lang: "Language",
    layer: "Where",
    revision: "Policy version",
    texts: "Text version",
    categories: ["Analytics", "Marketing", "Social media"],
    allowed: "Allowed",
    refused: "Not allowed",
    not_found: "No choices are recorded with this ID. The ID may be wrong, or the choices were deleted at the end of the retention period.",
    bad_id: "This is not a valid consent ID.",
    languages: "Language",
    lang_names: ["Finnish", "English", "Swedish"],
    kinds: [
        "You accepted all cookies",
        "You rejected all optional cookies",
        "You saved your own choice",
        "You withdrew your consent",
    ],
    layers: [
        "Cookie banner",
        "Cookie settings",
        "Notice in place of embedded content",
        "Privacy policy",
        "The site's own script",
    ],
};

static RECEIPT_SV: Receipt = Receipt {
    title: "Samtyckeskvitto",
    intro: "Här ser du de val om kakor som har sparats med det här samtyckes-id:t. \
            Id:t sparas i din webbläsare och i den här samtyckesloggen. Inget som kan identifiera dig sparas tillsammans \
            med det: ingen IP-adress och ingen användaragent eller andra uppgifter om din webbläsare eller enhet.",
    id: "Samtyckes-id",
    history: "Sparade val, äldst först",
    necessary: "Nödvändiga kakor är alltid på eftersom webbplatsen inte fungerar utan dem.",
    change: "Du kan ändra ditt val när som helst med knappen Kakinställningar på webbplatsen.",
    time: "Tid (UTC)",
    site: "Webbplats",
    lang: "Språk",
    layer: "Var",
    revision: "Policyns version",
    texts: "Textversion",
    categories: ["Analys", "Marknadsföring", "Sociala medier"],
    allowed: "Tillåts",
    refused: "Tillåts inte",
    not_found: "Inga val har sparats med det här id:t. Id:t kan vara fel, eller så har valen raderats när lagringstiden gick ut.",
    bad_id: "Det här är inte ett giltigt samtyckes-id.",
    languages: "Språk",
    lang_names: ["finska", "engelska", "svenska"],
    kinds: [
        "Du godkände alla kakor",
        "Du avvisade alla valfria kakor",
        "Du sparade egna val",
        "Du återkallade ditt samtycke",
    ],
    layers: [
        "Kakbannern",
        "Kakinställningarna",
        "Meddelandet i stället för inbäddat innehåll",
        "Integritetspolicyn",
        "Webbplatsens eget skript",
    ],
};

/// The dashboard's and login page's words.
pub struct Dashboard {
    /// The language of these words.
    pub lang: Lang,
    /// The service's name.
    pub title: &'static str,
    /// The login page's title.
    pub login_title: &'static str,
    /// Label of the user name.
    pub user_name: &'static str,
    /// Label of the password.
    pub password: &'static str,
    /// The login button.
    pub sign_in: &'static str,
    /// A failed login (never saying which field was wrong).
    pub login_failed: &'static str,
    /// Too many login attempts.
    pub login_throttled: &'static str,
    /// Before the user's name.
    pub signed_in_as: &'static str,
    /// The logout button.
    pub sign_out: &'static str,
    /// The filter form's legend.
    pub filter: &'static str,
    /// Label of the first day.
    pub from: &'static str,
    /// Label of the last day.
    pub to: &'static str,
    /// Label of the site filter.
    pub site: &'static str,
    /// Label of the language filter.
    pub lang_label: &'static str,
    /// "All" in the filters.
    pub all: &'static str,
    /// The filter's button.
    pub show: &'static str,
    /// The heading of the totals.
    pub summary: &'static str,
    /// The heading of the daily table.
    pub daily: &'static str,
    /// The column of days.
    pub day: &'static str,
    /// The totals row.
    pub total: &'static str,
    /// The columns: shown, decisions, interaction, accept all, reject all, custom,
    /// withdrawn, analytics, marketing, social media.
    pub columns: [&'static str; 10],
    /// What the rates mean.
    pub definitions: &'static str,
    /// The heading of the services' table.
    pub services: &'static str,
    /// Its columns: service, decisions that named it, of those that allowed it, opt-in
    /// rate.
    pub service_columns: [&'static str; 4],
    /// What the services' numbers mean.
    pub service_definitions: &'static str,
    /// No decision in the selection named a service.
    pub no_services: &'static str,
    /// The link to the services' CSV.
    pub services_csv: &'static str,
    /// The chart's title.
    pub chart_title: &'static str,
    /// The chart's description (before the range).
    pub chart_desc: &'static str,
    /// No data in the selection.
    pub no_data: &'static str,
    /// The CSV link.
    pub csv: &'static str,
    /// The JSON link.
    pub json: &'static str,
    /// The other UI language's link text.
    pub other_ui: &'static str,
    /// The other UI language.
    pub other_lang: Lang,
    /// A bad filter.
    pub bad_filter: &'static str,
}

impl Dashboard {
    /// The words in `lang` (Finnish, or English for any other language).
    pub fn of(lang: Lang) -> &'static Dashboard {
        match lang {
            Lang::Fi => &DASHBOARD_FI,
            _ => &DASHBOARD_EN,
        }
    }

    /// The languages the dashboard speaks.
    pub const LANGS: [Lang; 2] = [Lang::Fi, Lang::En];

    /// A count with thousands separators: `12 345` in Finnish, `12,345` in English.
    pub fn count(&self, n: u64) -> String {
        let digits = n.to_string();
        let separator = if self.lang == Lang::Fi { '\u{a0}' } else { ',' };
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(separator);
            }
            out.push(c);
        }
        out
    }

    /// A rate in tenths of a percent: `12,3 %` in Finnish, `12.3%` in English, or `–`.
    pub fn percent(&self, tenths: Option<u64>) -> String {
        match tenths {
            None => "–".to_string(),
            Some(t) if self.lang == Lang::Fi => format!("{},{}\u{a0}%", t / 10, t % 10),
            Some(t) => format!("{}.{}%", t / 10, t % 10),
        }
    }
}

static DASHBOARD_FI: Dashboard = Dashboard {
    lang: Lang::Fi,
    title: "Suostumusloki",
    login_title: "Kirjaudu suostumuslokiin",
    user_name: "Käyttäjätunnus",
    password: "Salasana",
    sign_in: "Kirjaudu",
    login_failed: "Käyttäjätunnus tai salasana on väärin.",
    login_throttled: "Liian monta yritystä. Odota hetki ja yritä uudelleen.",
    signed_in_as: "Kirjautuneena:",
    sign_out: "Kirjaudu ulos",
    filter: "Rajaus",
    from: "Alkaen",
    to: "Päättyen",
    site: "Sivusto",
    lang_label: "Kieli",
    all: "Kaikki",
    show: "Näytä",
    summary: "Yhteenveto",
    daily: "Päivittäin",
    day: "Päivä",
    total: "Yhteensä",
    columns: [
        "Näytetty",
        "Päätökset",
        "Vastausaste",
        "Hyväksy kaikki",
        "Hylkää kaikki",
        "Omat valinnat",
        "Perutut",
        "Analytiikka",
        "Markkinointi",
        "Sosiaalinen media",
    ],
    definitions: "Päätökset = Hyväksy kaikki + Hylkää kaikki + Omat valinnat \
                  (perutut suostumukset lasketaan erikseen). Vastausaste = päätökset / näytetyt bannerit. Muut prosentit ovat osuuksia päätöksistä; \
                  kategorian prosentti kertoo, kuinka suuressa osassa päätöksistä kategoria sallittiin. \
                  – = ei laskettavissa.",
    services: "Palvelut",
    service_columns: ["Palvelu", "Päätökset", "Sallittu", "Suostumusaste"],
    service_definitions: "Palvelun päätökset ovat ne päätökset (perumisia lukuun ottamatta), joissa palvelu oli mukana. \
                          Suostumusaste = päätökset, joissa palvelu sallittiin / palvelun päätökset. \
                          Vanhemman bannerin päätöksissä (tapahtumamuoto 1) ei ole palvelukohtaisia valintoja, \
                          joten ne eivät ole mukana näissä luvuissa.",
    no_services: "Valitun rajauksen päätöksissä ei ole palvelukohtaisia valintoja.",
    services_csv: "Lataa palvelut (CSV)",
    chart_title: "Osuudet päivittäin",
    chart_desc: "Viivakaavio: vastausaste sekä niiden päätösten osuudet, joissa hyväksyttiin kaikki, hylättiin kaikki \
                 tai tallennettiin omat valinnat, prosentteina päivittäin",
    no_data: "Valitulla rajauksella ei ole tietoja.",
    csv: "Lataa CSV",
    json: "JSON",
    other_ui: "In English",
    other_lang: Lang::En,
    bad_filter: "Rajaus ei kelpaa",
};

static DASHBOARD_EN: Dashboard = Dashboard {
    lang: Lang::En,
    title: "Consent log",
    login_title: "Sign in to the consent log",
    user_name: "User name",
    password: "Password",
    sign_in: "Sign in",
    login_failed: "Wrong user name or password.",
    login_throttled: "Too many attempts. Wait a moment and try again.",
    signed_in_as: "Signed in as",
    sign_out: "Sign out",
    filter: "Filter",
    from: "From",
    to: "To",
    site: "Site",
    lang_label: "Language",
    all: "All",
    show: "Show",
    summary: "Summary",
    daily: "By day",
    day: "Day",
    total: "Total",
    columns: [
        "Shown",
        "Decisions",
        "Interaction",
        "Accept all",
        "Reject all",
        "Custom",
        "Withdrawn",
        "Analytics",
        "Marketing",
        "Social media",
    ],
    definitions: "Decisions = accept all + reject all + custom (withdrawals are counted apart). \
                  Interaction = decisions / banners shown. The other percentages are shares of decisions; \
                  for a category, the share of decisions that allowed it. – = cannot be computed.",
    services: "Services",
    service_columns: ["Service", "Decisions", "Allowed", "Opt-in rate"],
    service_definitions: "A service's decisions are those (other than withdrawals) that included it. \
                          Opt-in rate = decisions that allowed the service / the service's decisions. \
                          Decisions from the older banner (event format 1) have no choice per service, \
                          so they are not in these numbers.",
    no_services: "No decision in this selection included a service.",
    services_csv: "Download services (CSV)",
    chart_title: "Daily rates",
    chart_desc: "Line chart: interaction rate and the accept all, reject all and custom rates in percent by day",
    no_data: "No data for this selection.",
    csv: "Download CSV",
    json: "JSON",
    other_ui: "Suomeksi",
    other_lang: Lang::Fi,
    bad_filter: "The filter is not valid",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_per_language() {
        let (fi, en) = (Dashboard::of(Lang::Fi), Dashboard::of(Lang::En));
        assert_eq!(fi.count(1234567), "1\u{a0}234\u{a0}567");
        assert_eq!(en.count(1234567), "1,234,567");
        assert_eq!(en.count(123), "123");
        assert_eq!(en.count(0), "0");
        assert_eq!(fi.percent(Some(123)), "12,3\u{a0}%");
        assert_eq!(en.percent(Some(1000)), "100.0%");
        assert_eq!(en.percent(None), "–");
    }

    #[test]
    fn every_receipt_names_every_kind_and_layer() {
        for lang in Lang::ALL {
            let texts = Receipt::of(lang);
            for kind in DecisionKind::ALL {
                assert!(!texts.kind(kind).is_empty());
            }
            for layer in Layer::ALL {
                assert!(!texts.layer_name(layer).is_empty());
            }
        }
        assert_eq!(
            Receipt::of(Lang::Sv).kind(DecisionKind::Withdraw),
            "Du återkallade ditt samtycke"
        );
        assert_eq!(Receipt::of(Lang::Fi).layer_name(Layer::Api), "Sivuston oma toiminto");
    }
}
