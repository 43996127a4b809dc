//! The visitor's receipt: every decision recorded for a consent id, oldest first.
//!
//! No login: the id is the secret, known only to the visitor's browser. So the answers
//! are never cached (`Cache-Control: no-store`) and the page never sends the URL on as a
//! referrer.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::error::AppError;
use crate::event::{ConsentId, DecisionKind, ServiceId};
use crate::html::{self, escape, Referrer};
use crate::ingest::cors;
use crate::lang::{negotiate, Lang};
use crate::store::Recorded;
use crate::texts::{endonym, Receipt, ReceiptServices};
use crate::time::iso_8601;
use crate::{blocking, AppState};

/// What a look-up found.
enum Found {
    Malformed,
    Nothing,
    Decisions(ConsentId, Vec<Recorded>),
}

async fn look_up(state: &AppState, id: &str) -> Result<Found, AppError> {
    let Some(id) = ConsentId::parse(id) else {
        return Ok(Found::Malformed);
    };
    let store = state.store.clone();
    let decisions = blocking(move || store.receipt(id.as_str())).await?;
    Ok(if decisions.is_empty() {
        Found::Nothing
    } else {
        Found::Decisions(id, decisions)
    })
}

/// The JSON form of a receipt: each decision as recorded, its services by id (granted
/// `true`, refused `false`) or `null` for a version 1 decision.
pub fn to_json(id: &ConsentId, decisions: &[Recorded]) -> Value {
    let decisions: Vec<Value> = decisions
        .iter()
        .map(|d| {
            json!({
                "event": d.kind.as_str(),
                "time": iso_8601(d.time_ms),
                "site": d.site,
                "lang": d.lang.code(),
                "revision": d.revision,
                "texts": d.texts,
                "layer": d.layer.as_str(),
                "categories": {
                    "analytics": d.categories.analytics,
                    "marketing": d.categories.marketing,
                    "social": d.categories.social,
                },
                // `null` for a version 1 decision, which had no choice per service.
                "services": d.services.as_ref().map(|services| {
                    services
                        .iter()
                        .map(|(id, granted)| (id.to_string(), Value::Bool(granted)))
                        .collect::<serde_json::Map<_, _>>()
                }),
            })
        })
        .collect();
    json!({ "id": id.as_str(), "decisions": decisions })
}

/// `GET /v1/receipts/{id}`.
pub async fn json(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let mut response = match look_up(&state, &id).await {
        Ok(Found::Decisions(id, decisions)) => axum::Json(to_json(&id, &decisions)).into_response(),
        Ok(Found::Malformed) => {
            AppError::BadRequest("not a consent id (a lowercase UUID version 4)".to_string()).into_response()
        }
        Ok(Found::Nothing) => AppError::NotFound("no decisions are recorded for this id".to_string()).into_response(),
        Err(e) => e.into_response(),
    };
    let out = response.headers_mut();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    // The banner may show the receipt on the site's own pages.
    cors(out, allowed_origin(&state, &headers));
    response
}

/// `OPTIONS /v1/receipts/{id}`: CORS preflight for the sites' origins.
pub async fn preflight(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let origin = allowed_origin(&state, &headers);
    let mut response = match origin {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => AppError::Forbidden("not an allowed origin".to_string()).into_response(),
    };
    if origin.is_some() {
        response
            .headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET"));
    }
    cors(response.headers_mut(), origin);
    response
}

fn allowed_origin(state: &AppState, headers: &HeaderMap) -> Option<HeaderValue> {
    headers
        .get(header::ORIGIN)
        .filter(|o| o.to_str().is_ok_and(|o| state.origins.contains_key(o)))
        .cloned()
}

/// `GET /receipt/{id}?lang=fi|en|sv`: the receipt as a page. Without a valid `lang`, the
/// language comes from `Accept-Language`, else English.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let asked = params
        .iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::from_code(v));
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let lang = asked.or_else(|| negotiate(accept, &Lang::ALL)).unwrap_or(Lang::En);
    let found = match look_up(&state, &id).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let (status, body) = render(lang, &id, &found);
    html::respond(status, body, Referrer::None)
}

fn render(lang: Lang, raw_id: &str, found: &Found) -> (StatusCode, String) {
    let t = Receipt::of(lang);
    let mut body = String::with_capacity(4096);
    body.push_str("<main>\n");
    body.push_str(&format!("<h1>{}</h1>\n", escape(t.title)));
    body.push_str(&format!("<nav class=\"langs\" aria-label=\"{}\">", escape(t.languages)));
    for other in Lang::ALL {
        if other == lang {
            continue;
        }
        body.push_str(&format!(
            "<a href=\"?lang={code}\" lang=\"{code}\" hreflang=\"{code}\">{}</a>",
            escape(endonym(other)),
            code = other.code()
        ));
    }
    body.push_str("</nav>\n");
    let status = match found {
        Found::Malformed => {
            body.push_str(&format!("<p class=\"error\">{}</p>\n", escape(t.bad_id)));
            StatusCode::BAD_REQUEST
        }
        Found::Nothing => {
            body.push_str(&format!(
                "<p>{}: <span class=\"receipt-id\">{}</span></p>\n<p class=\"error\">{}</p>\n",
                escape(t.id),
                escape(raw_id),
                escape(t.not_found)
            ));
            StatusCode::NOT_FOUND
        }
        Found::Decisions(id, decisions) => {
            body.push_str(&format!("<p>{}</p>\n", escape(t.intro)));
            body.push_str(&format!(
                "<p>{}: <strong class=\"receipt-id\">{}</strong></p>\n",
                escape(t.id),
                escape(id.as_str())
            ));
            body.push_str(&format!("<h2>{}</h2>\n<ol class=\"decisions\">\n", escape(t.history)));
            for d in decisions {
                body.push_str(&decision(lang, d));
            }
            body.push_str("</ol>\n");
            body.push_str(&format!(
                "<p>{}</p>\n<p>{}</p>\n",
                escape(t.necessary),
                escape(t.change)
            ));
            StatusCode::OK
        }
    };
    body.push_str("</main>");
    (status, html::page(lang.code(), t.title, "../dashboard.css", &body))
}

/// One decision: what the visitor did, and every fact recorded with it.
fn decision(lang: Lang, d: &Recorded) -> String {
    let t = Receipt::of(lang);
    let s = ReceiptServices::of(lang);
    let yes_no = |granted: bool| if granted { t.allowed } else { t.refused };
    let c = d.categories;
    // "Accept all" allows everything unless the banner held something back (Global
    // Privacy Control keeps marketing off); then saying so would be false.
    let all_granted = c.analytics
        && c.marketing
        && c.social
        && d.services
            .as_ref()
            .is_none_or(|services| services.refused().next().is_none());
    let mut out = String::from("<li>\n");
    if d.kind == DecisionKind::AcceptAll && !all_granted {
        out.push_str(&format!(
            "<h3>{}</h3>\n<p>{}</p>\n",
            escape(s.accept_all_partly),
            escape(s.accept_all_partly_note)
        ));
    } else {
        out.push_str(&format!("<h3>{}</h3>\n", escape(t.kind(d.kind))));
    }
    out.push_str("<dl class=\"facts\">\n");
    let fact = |out: &mut String, label: &str, value: &str, class: &str| {
        out.push_str(&format!(
            "<dt>{}</dt><dd{class}>{}</dd>\n",
            escape(label),
            escape(value)
        ));
    };
    let time = iso_8601(d.time_ms)
        .chars()
        .take(19)
        .collect::<String>()
        .replace('T', " ");
    fact(&mut out, t.time, &time, "");
    fact(&mut out, t.site, &d.site, "");
    fact(&mut out, t.lang, t.lang_name(d.lang), "");
    fact(&mut out, t.layer, t.layer_name(d.layer), "");
    fact(&mut out, t.categories[0], yes_no(c.analytics), "");
    fact(&mut out, t.categories[1], yes_no(c.marketing), "");
    fact(&mut out, t.categories[2], yes_no(c.social), "");
    // A version 1 decision had no choice per service, and a site without services has
    // none to list: either way the categories above say it all.
    if let Some(services) = d.services.as_ref().filter(|services| !services.is_empty()) {
        for (label, ids) in [
            (s.allowed, services.granted().map(ServiceId::as_str).collect::<Vec<_>>()),
            (s.refused, services.refused().map(ServiceId::as_str).collect()),
        ] {
            let value = if ids.is_empty() {
                format!("<dd>{}</dd>", escape(s.none))
            } else {
                format!("<dd class=\"code\">{}</dd>", escape(&ids.join(", ")))
            };
            out.push_str(&format!("<dt>{}</dt>{value}\n", escape(label)));
        }
    }
    fact(&mut out, t.revision, &d.revision.to_string(), "");
    fact(&mut out, t.texts, &d.texts, " class=\"code\"");
    out.push_str("</dl>\n</li>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Categories, Layer, Services};

    fn recorded(kind: DecisionKind, time_ms: i64, analytics: bool) -> Recorded {
        Recorded {
            kind,
            time_ms,
            site: "diffo.fi".to_string(),
            lang: Lang::Fi,
            revision: 2,
            texts: "0123456789abcdef".to_string(),
            layer: Layer::Settings,
            categories: Categories {
                analytics,
                marketing: false,
                social: false,
            },
            services: None,
        }
    }

    const ID: &str = "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60";

    /// `recorded` with the categories `granted` and the services `"id:1"` (granted) or
    /// `"id:0"` (refused), as a version 2 decision.
    fn recorded_v2(kind: DecisionKind, granted: [bool; 3], services: &[&str]) -> Recorded {
        let pairs = services
            .iter()
            .map(|s| {
                let (id, granted) = s.split_once(':').unwrap();
                (ServiceId::parse(id).unwrap(), granted == "1")
            })
            .collect();
        Recorded {
            categories: Categories {
                analytics: granted[0],
                marketing: granted[1],
                social: granted[2],
            },
            services: Some(Services::new(pairs).unwrap()),
            ..recorded(kind, 1_740_830_400_000, granted[0])
        }
    }

    fn page_of(lang: Lang, decisions: Vec<Recorded>) -> String {
        let found = Found::Decisions(ConsentId::parse(ID).unwrap(), decisions);
        let (status, page) = render(lang, ID, &found);
        assert_eq!(status, StatusCode::OK);
        page
    }

    #[test]
    fn services_are_listed_in_json_and_on_the_page() {
        let id = ConsentId::parse(ID).unwrap();
        let decisions = vec![
            recorded(DecisionKind::Custom, 1_740_830_400_000, true),
            recorded_v2(
                DecisionKind::Custom,
                [true, false, false],
                &["youtube:0", "google-analytics:1", "linkedin-insight:0"],
            ),
            recorded_v2(DecisionKind::RejectAll, [false; 3], &["google-analytics:0"]),
            recorded_v2(DecisionKind::AcceptAll, [true; 3], &[]),
        ];
        let json = to_json(&id, &decisions);
        assert_eq!(json["decisions"][0]["services"], Value::Null, "version 1");
        assert_eq!(
            json["decisions"][1]["services"],
            json!({"google-analytics": true, "linkedin-insight": false, "youtube": false})
        );
        assert_eq!(json["decisions"][3]["services"], json!({}));

        let page = page_of(Lang::En, decisions.clone());
        let items: Vec<&str> = page.split("<li>").skip(1).collect();
        assert_eq!(items.len(), 4);
        assert!(!items[0].contains("Services"), "version 1 lists no services");
        assert!(
            items[1].contains(
                "<dt>Social media</dt><dd>Not allowed</dd>\n\
                 <dt>Services allowed</dt><dd class=\"code\">google-analytics</dd>\n\
                 <dt>Services not allowed</dt><dd class=\"code\">linkedin-insight, youtube</dd>\n\
                 <dt>Policy version</dt>"
            ),
            "{}",
            items[1]
        );
        assert!(
            items[2].contains("<dt>Services allowed</dt><dd>none</dd>\n<dt>Services not allowed</dt><dd class=\"code\">google-analytics</dd>"),
            "{}",
            items[2]
        );
        assert!(!items[3].contains("Services"), "a site without services lists none");
        assert!(items[3].contains("<h3>You accepted all cookies</h3>"));

        let page = page_of(Lang::Fi, decisions.clone());
        assert!(page.contains(
            "<dt>Sallitut palvelut</dt><dd class=\"code\">google-analytics</dd>\n\
             <dt>Palvelut, joita ei sallittu</dt><dd class=\"code\">linkedin-insight, youtube</dd>"
        ));
        assert!(page.contains("<dt>Sallitut palvelut</dt><dd>ei yhtään</dd>"));
        let page = page_of(Lang::Sv, decisions);
        assert!(page.contains(
            "<dt>Tillåtna tjänster</dt><dd class=\"code\">google-analytics</dd>\n\
             <dt>Tjänster som inte tillåts</dt><dd class=\"code\">linkedin-insight, youtube</dd>"
        ));
        assert!(page.contains("<dt>Tillåtna tjänster</dt><dd>inga</dd>"));
    }

    /// An "accept all" that did not allow everything (Global Privacy Control keeps
    /// marketing off) names the button and says that not everything was allowed.
    #[test]
    fn an_accept_all_that_held_something_back_does_not_claim_everything() {
        let partly = [
            recorded_v2(DecisionKind::AcceptAll, [true, false, true], &["google-analytics:1"]),
            recorded_v2(
                DecisionKind::AcceptAll,
                [true; 3],
                &["google-analytics:1", "meta-pixel:0"],
            ),
            Recorded {
                categories: Categories {
                    analytics: true,
                    marketing: false,
                    social: false,
                },
                ..recorded(DecisionKind::AcceptAll, 1_740_830_400_000, true)
            },
        ];
        for d in partly {
            let en = page_of(Lang::En, vec![d.clone()]);
            assert!(en.contains("<h3>You chose “Accept all”</h3>"), "{en}");
            assert!(en.contains(
                "<p>Not everything was allowed, though: only what is marked as allowed below. This happens, \
                 for example, when your browser sends the Global Privacy Control signal, which the site respects.</p>"
            ));
            assert!(!en.contains("You accepted all cookies"));
            let fi = page_of(Lang::Fi, vec![d.clone()]);
            assert!(fi.contains("<h3>Valitsit vaihtoehdon ”Hyväksy kaikki”</h3>"), "{fi}");
            assert!(fi.contains("<p>Kaikkea ei kuitenkaan sallittu, vaan vain se, mikä on alla merkitty sallituksi."));
            assert!(!fi.contains("Hyväksyit kaikki evästeet"));
            let sv = page_of(Lang::Sv, vec![d]);
            assert!(sv.contains("<h3>Du valde ”Godkänn alla”</h3>"), "{sv}");
            assert!(!sv.contains("Du godkände alla kakor"));
        }
        let all = recorded_v2(DecisionKind::AcceptAll, [true; 3], &["google-analytics:1"]);
        let fi = page_of(
            Lang::Fi,
            vec![all, recorded(DecisionKind::AcceptAll, 1_740_830_400_000, true)],
        );
        assert_eq!(fi.matches("<h3>Hyväksyit kaikki evästeet</h3>").count(), 1, "{fi}");
    }

    #[test]
    fn json_lists_every_decision_in_order() {
        let id = ConsentId::parse(ID).unwrap();
        let json = to_json(
            &id,
            &[
                recorded(DecisionKind::Custom, 1_740_830_400_123, true),
                recorded(DecisionKind::Withdraw, 1_740_830_500_000, false),
            ],
        );
        assert_eq!(json["id"], ID);
        assert_eq!(json["decisions"][0]["event"], "custom");
        assert_eq!(json["decisions"][0]["time"], "2025-03-01T12:00:00.123Z");
        assert_eq!(json["decisions"][0]["layer"], "settings");
        assert_eq!(
            json["decisions"][0]["categories"],
            json!({"analytics": true, "marketing": false, "social": false})
        );
        assert_eq!(json["decisions"][1]["event"], "withdraw");
        assert_eq!(json["decisions"][1]["revision"], 2);
    }

    #[test]
    fn the_page_speaks_each_language() {
        let id = ConsentId::parse(ID).unwrap();
        let found = Found::Decisions(id, vec![recorded(DecisionKind::Custom, 1_740_830_400_000, true)]);
        for (lang, words) in [
            (
                Lang::Fi,
                [
                    "Suostumuskuitti",
                    "Tallensit omat valintasi",
                    "Analytiikka</dt><dd>Sallittu",
                    "Markkinointi</dt><dd>Ei sallittu",
                    "Evästeasetukset",
                ],
            ),
            (
                Lang::En,
                [
                    "Consent receipt",
                    "You saved your own choice",
                    "Analytics</dt><dd>Allowed",
                    "Marketing</dt><dd>Not allowed",
                    "Cookie settings",
                ],
            ),
            (
                Lang::Sv,
                [
                    "Samtyckeskvitto",
                    "Du sparade egna val",
                    "Analys</dt><dd>Tillåts",
                    "Marknadsföring</dt><dd>Tillåts inte",
                    "Kakinställningarna",
                ],
            ),
        ] {
            let (status, page) = render(lang, ID, &found);
            assert_eq!(status, StatusCode::OK);
            assert!(page.contains(&format!("<html lang=\"{}\">", lang.code())));
            for word in words {
                assert!(page.contains(word), "{lang:?}: {word}\n{page}");
            }
            assert!(page.contains("2025-03-01 12:00:00"));
            assert!(page.contains("href=\"../dashboard.css\""));
            assert!(
                !page.contains("href=\"/") && !page.contains("src="),
                "relative URLs only"
            );
        }
        let (status, page) = render(Lang::En, "<script>", &Found::Malformed);
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("This is not a valid consent ID.") && !page.contains("<script>"));
        let (status, page) = render(Lang::Sv, ID, &Found::Nothing);
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(page.contains("Inga val har sparats"));
    }

    /// The id is pseudonymous and kept in two places; the pages say so, and Finnish
    /// calls it by one name.
    #[test]
    fn the_pages_say_where_the_id_is_kept() {
        let id = ConsentId::parse(ID).unwrap();
        let found = Found::Decisions(id, vec![recorded(DecisionKind::Custom, 1_740_830_400_000, true)]);
        for (lang, kept) in [
            (
                Lang::Fi,
                "Tunniste on tallessa selaimessasi ja tässä suostumuslokissa. Sen yhteyteen ei tallenneta mitään, \
                 mistä sinut voisi tunnistaa: ei IP-osoitetta eikä tietoja selaimestasi tai laitteestasi.",
            ),
            (
                Lang::En,
                "The ID is kept in your browser and in this consent log. Nothing that could identify you is stored \
                 with it: no IP address, and no user agent or other details of your browser or device.",
            ),
        ] {
            let pages = [
                render(lang, ID, &found).1,
                render(lang, ID, &Found::Nothing).1,
                render(lang, "x", &Found::Malformed).1,
            ];
            assert!(pages[0].contains(kept), "{lang:?}\n{}", pages[0]);
            for page in &pages {
                assert!(!page.to_lowercase().contains("anonym"), "{lang:?}\n{page}");
                assert!(!page.contains("only in your browser"), "{page}");
                if lang == Lang::Fi {
                    assert!(!page.contains("tunnus") && !page.contains("Tunnus"), "{page}");
                    assert!(page.contains("uostumustunniste"), "{page}");
                }
            }
        }
    }
}
