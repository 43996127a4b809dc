//! The marketers' side: login, logout, the dashboard page and the stats endpoints.
//!
//! Without a live session nothing here shows data: pages redirect to `login` (303) and
//! `/v1/stats*` answer 401. Every URL written into a page is relative, so the service
//! works under a path prefix.

use std::fmt::Write as _;
use std::time::Instant;

use axum::extract::{FromRequest, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use crate::auth::{self, same_origin};
use crate::chart::{line_chart, Series};
use crate::error::AppError;
use crate::html::{self, escape, Referrer};
use crate::lang::{negotiate, Lang};
use crate::stats::{self, Counts, Filter};
use crate::store::{DailyRow, StatsQuery};
use crate::texts::Dashboard;
use crate::time::{now_ms, Day};
use crate::{blocking, AppState};

/// The query parameters, decoded; a missing query is none.
fn params(query: Option<String>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// The dashboard's language: `ui` when it is `fi` or `en`, else from `Accept-Language`,
/// else English.
fn ui_lang(ui: Option<&str>, headers: &HeaderMap) -> Lang {
    let asked = ui
        .and_then(Lang::from_code)
        .filter(|lang| Dashboard::LANGS.contains(lang));
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    asked
        .or_else(|| negotiate(accept, &Dashboard::LANGS))
        .unwrap_or(Lang::En)
}

fn session_user(state: &AppState, headers: &HeaderMap) -> Option<String> {
    auth::token(headers).and_then(|token| state.sessions.user(&token, Instant::now()))
}

fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, location);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /login`.
pub async fn login_page(RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    let params = params(query);
    let ui = params.iter().find(|(k, _)| k == "ui").map(|(_, v)| v.as_str());
    let t = Dashboard::of(ui_lang(ui, &headers));
    html::respond(StatusCode::OK, login_html(t, None, ""), Referrer::SameOrigin)
}

fn login_html(t: &Dashboard, error: Option<&str>, name: &str) -> String {
    let mut body = format!("<main>\n<h1>{}</h1>\n", escape(t.login_title));
    if let Some(error) = error {
        let _ = writeln!(body, "<p class=\"error\" role=\"alert\">{}</p>", escape(error));
    }
    let _ = write!(
        body,
        "<form class=\"login\" method=\"post\" action=\"login\">\n\
         <input type=\"hidden\" name=\"ui\" value=\"{ui}\">\n\
         <label>{user} <input name=\"name\" autocomplete=\"username\" required value=\"{name}\"></label>\n\
         <label>{password} <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>\n\
         <div><button type=\"submit\">{sign_in}</button></div>\n</form>\n\
         <p><a href=\"login?ui={other}\" lang=\"{other}\">{other_ui}</a></p>\n</main>",
        ui = t.lang.code(),
        user = escape(t.user_name),
        name = escape(name),
        password = escape(t.password),
        sign_in = escape(t.sign_in),
        other = t.other_lang.code(),
        other_ui = escape(t.other_ui),
    );
    html::page(t.lang.code(), t.login_title, "dashboard.css", &body)
}

#[derive(Deserialize)]
struct LoginForm {
    name: String,
    password: String,
    #[serde(default)]
    ui: Option<String>,
}

/// `POST /login` (form: `name`, `password`, optional `ui`).
pub async fn login(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if !same_origin(&parts.headers, state.config.trust_forwarded_for) {
        return AppError::Forbidden("the login form must be sent from this site".to_string()).into_response();
    }
    let headers = parts.headers.clone();
    if let Err(seconds) = state.login_limiter.check(&state.client(&parts), Instant::now()) {
        let t = Dashboard::of(ui_lang(None, &headers));
        let mut response = html::respond(
            StatusCode::TOO_MANY_REQUESTS,
            login_html(t, Some(t.login_throttled), ""),
            Referrer::SameOrigin,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return response;
    }
    let form = match Form::<LoginForm>::from_request(Request::from_parts(parts, body), &()).await {
        Ok(Form(form)) => form,
        Err(e) => {
            return AppError::BadRequest(format!("the login form is incomplete: {}", e.body_text())).into_response()
        }
    };
    let t = Dashboard::of(ui_lang(form.ui.as_deref(), &headers));
    let users = state.config.users.clone();
    let (name, password) = (form.name.clone(), form.password);
    let verified = tokio::task::spawn_blocking(move || auth::verify(&users, &name, &password))
        .await
        .unwrap_or(false);
    if !verified {
        return html::respond(
            StatusCode::FORBIDDEN,
            login_html(t, Some(t.login_failed), &form.name),
            Referrer::SameOrigin,
        );
    }
    let token = state.sessions.create(&form.name, Instant::now());
    let mut response = see_other(&format!("dashboard?ui={}", t.lang.code()));
    if let Ok(cookie) = HeaderValue::from_str(&auth::session_cookie(&token, state.config.secure_cookie)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// `POST /logout`.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !same_origin(&headers, state.config.trust_forwarded_for) {
        return AppError::Forbidden("the logout form must be sent from this site".to_string()).into_response();
    }
    if let Some(token) = auth::token(&headers) {
        state.sessions.remove(&token);
    }
    let mut response = see_other("login");
    if let Ok(cookie) = HeaderValue::from_str(&auth::clear_cookie(state.config.secure_cookie)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// `GET /dashboard?from&to&site&lang&ui`.
pub async fn page(State(state): State<AppState>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    let Some(user) = session_user(&state, &headers) else {
        return see_other("login");
    };
    let params = params(query);
    let ui = params.iter().find(|(k, _)| k == "ui").map(|(_, v)| v.as_str());
    let t = Dashboard::of(ui_lang(ui, &headers));
    let today = Day::of_ms(now_ms());
    let (filter, error) = match stats::parse_filter(&params, &state.config, today, true) {
        Ok(filter) => (filter, None),
        Err(e) => {
            let default = stats::parse_filter(&[], &state.config, today, true).expect("the defaults are valid");
            (default, Some(e))
        }
    };
    let rows = if error.is_some() {
        Vec::new()
    } else {
        let (store, query) = (state.store.clone(), filter.query.clone());
        match blocking(move || store.stats(&query)).await {
            Ok(rows) => rows,
            Err(e) => return e.into_response(),
        }
    };
    let sites: Vec<&str> = state.config.sites.keys().map(|s| &**s).collect();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    html::respond(
        status,
        render(t, &user, &sites, &filter, &rows, error.as_deref()),
        Referrer::SameOrigin,
    )
}

/// The dashboard page: the filter, totals by site and language, the services' opt-in
/// rates, the daily chart and the daily rows (the same as the CSV).
pub fn render(
    t: &Dashboard,
    user: &str,
    sites: &[&str],
    filter: &Filter,
    rows: &[DailyRow],
    error: Option<&str>,
) -> String {
    let StatsQuery { from, to, .. } = filter.query;
    let qs = filter.query_string();
    let total = stats::total(rows);
    let mut b = String::with_capacity(16 * 1024 + rows.len() * 400);
    let _ = write!(
        b,
        "<header class=\"bar\">\n<h1>{title}</h1>\n<p>{signed_in} <strong>{user}</strong></p>\n\
         <p><a href=\"?{qs}&amp;ui={other}\" lang=\"{other}\">{other_ui}</a></p>\n\
         <form method=\"post\" action=\"logout\"><button type=\"submit\" class=\"link\">{sign_out}</button></form>\n</header>\n<main>\n",
        title = escape(t.title),
        signed_in = escape(t.signed_in_as),
        user = escape(user),
        qs = escape(&qs),
        other = t.other_lang.code(),
        other_ui = escape(t.other_ui),
        sign_out = escape(t.sign_out),
    );
    filter_form(&mut b, t, sites, filter);
    if let Some(error) = error {
        let _ = writeln!(
            b,
            "<p class=\"error\" role=\"alert\">{}: {}</p>",
            escape(t.bad_filter),
            escape(error)
        );
    }

    let _ = writeln!(b, "<h2>{} {from} – {to}</h2>", escape(t.summary));
    if rows.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", escape(t.no_data));
    } else {
        open_table(&mut b, t.summary, t.site, &[t.lang_label], &t.columns);
        for ((site, lang), counts) in stats::by_site_and_lang(rows) {
            let _ = write!(
                b,
                "<tr><th scope=\"row\">{}</th><td class=\"text\">{}</td>",
                escape(&site),
                lang.code()
            );
            cells(&mut b, t, &counts);
            b.push_str("</tr>\n");
        }
        let _ = write!(
            b,
            "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"2\">{}</th>",
            escape(t.total)
        );
        cells(&mut b, t, &total);
        b.push_str("</tr></tfoot>\n</table></div>\n");
    }
    let _ = writeln!(b, "<p class=\"definitions\">{}</p>", escape(t.definitions));
    services_table(&mut b, t, &total);

    let _ = writeln!(b, "<h2>{}</h2>", escape(t.chart_title));
    b.push_str("<figure class=\"chart\">\n");
    b.push_str(&chart(t, from, to, rows));
    b.push_str("\n<figcaption><ul class=\"legend\">");
    for (class, name) in ["interaction", "accept", "reject", "custom"]
        .into_iter()
        .zip(&t.columns[2..6])
    {
        let _ = write!(
            b,
            "<li><span class=\"swatch {class}\" aria-hidden=\"true\"></span>{}</li>",
            escape(name)
        );
    }
    b.push_str("</ul></figcaption>\n</figure>\n");

    let _ = writeln!(b, "<h2>{}</h2>", escape(t.daily));
    if !rows.is_empty() {
        open_table(&mut b, t.daily, t.day, &[t.site, t.lang_label], &t.columns);
        for row in rows {
            let _ = write!(
                b,
                "<tr><th scope=\"row\">{}</th><td class=\"text\">{}</td><td class=\"text\">{}</td>",
                row.day,
                escape(&row.site),
                row.lang.code()
            );
            cells(&mut b, t, &row.counts);
            b.push_str("</tr>\n");
        }
        b.push_str("</tbody>\n</table></div>\n");
    } else {
        let _ = writeln!(b, "<p>{}</p>", escape(t.no_data));
    }
    let _ = writeln!(
        b,
        "<p class=\"links\"><a href=\"v1/stats.csv?{qs}\" download>{csv}</a>\
         <a href=\"v1/stats/services.csv?{qs}\" download>{services_csv}</a><a href=\"v1/stats?{qs}\">{json}</a></p>\n</main>",
        qs = escape(&qs),
        csv = escape(t.csv),
        services_csv = escape(t.services_csv),
        json = escape(t.json)
    );
    html::page(t.lang.code(), t.title, "dashboard.css", &b)
}

/// Opens a wide table in a scrolling region of its own, which keyboard users
/// must be able to focus (labelled `label`), up to its body: the head row is
/// `first`, the `text` columns, then the `numbers` (counts and rates).
fn open_table(b: &mut String, label: &str, first: &str, text: &[&str], numbers: &[&str]) {
    let _ = write!(
        b,
        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\"><table>\n<thead><tr><th scope=\"col\">{}</th>",
        escape(label),
        escape(first)
    );
    for head in text {
        let _ = write!(b, "<th scope=\"col\" class=\"text\">{}</th>", escape(head));
    }
    for head in numbers {
        let _ = write!(b, "<th scope=\"col\">{}</th>", escape(head));
    }
    b.push_str("</tr></thead>\n<tbody>\n");
}

/// The services named in the selection, each with its decisions, how many allowed it,
/// and its opt-in rate, beside the categories' rates of the summary.
fn services_table(b: &mut String, t: &Dashboard, total: &Counts) {
    let _ = writeln!(b, "<h2>{}</h2>", escape(t.services));
    if total.services.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", escape(t.no_services));
    } else {
        let [service, numbers @ ..] = &t.service_columns;
        open_table(b, t.services, service, &[], numbers);
        for (id, c) in &total.services {
            let _ = writeln!(
                b,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(id.as_str()),
                t.count(c.decisions),
                t.count(c.granted),
                t.percent(c.rate().0)
            );
        }
        b.push_str("</tbody>\n</table></div>\n");
    }
    let _ = writeln!(b, "<p class=\"definitions\">{}</p>", escape(t.service_definitions));
}

fn filter_form(b: &mut String, t: &Dashboard, sites: &[&str], filter: &Filter) {
    let _ = write!(
        b,
        "<form class=\"filter\" method=\"get\" action=\"dashboard\"><fieldset>\n<legend>{legend}</legend>\n\
         <label>{from_label} <input type=\"date\" name=\"from\" value=\"{from}\" required></label>\n\
         <label>{to_label} <input type=\"date\" name=\"to\" value=\"{to}\" required></label>\n\
         <label>{site_label} <select name=\"site\">",
        legend = escape(t.filter),
        from_label = escape(t.from),
        from = filter.query.from,
        to_label = escape(t.to),
        to = filter.query.to,
        site_label = escape(t.site),
    );
    option(b, "all", t.all, filter.site_param());
    for site in sites {
        option(b, site, site, filter.site_param());
    }
    let _ = write!(
        b,
        "</select></label>\n<label>{} <select name=\"lang\">",
        escape(t.lang_label)
    );
    option(b, "all", t.all, filter.lang_param());
    for lang in Lang::ALL {
        option(b, lang.code(), lang.code(), filter.lang_param());
    }
    let _ = write!(
        b,
        "</select></label>\n<input type=\"hidden\" name=\"ui\" value=\"{}\">\n\
         <button type=\"submit\">{}</button>\n</fieldset></form>\n",
        t.lang.code(),
        escape(t.show)
    );
}

fn option(b: &mut String, value: &str, label: &str, selected: &str) {
    let selected = if value == selected { " selected" } else { "" };
    let _ = write!(
        b,
        "<option value=\"{}\"{selected}>{}</option>",
        escape(value),
        escape(label)
    );
}

fn cells(b: &mut String, t: &Dashboard, c: &Counts) {
    let _ = write!(b, "<td>{}</td><td>{}</td>", t.count(c.shown), t.count(c.decisions()));
    for rate in c.rates().in_order() {
        let _ = write!(b, "<td>{}</td>", t.percent(rate.0));
    }
}

fn chart(t: &Dashboard, from: Day, to: Day, rows: &[DailyRow]) -> String {
    let by_day = stats::by_day(rows);
    let days: Vec<Option<&Counts>> = (from.0..=to.0).map(|d| by_day.get(&Day(d))).collect();
    let values =
        |pick: fn(&Counts) -> Option<u64>| -> Vec<Option<u64>> { days.iter().map(|c| c.and_then(pick)).collect() };
    let series = [
        Series {
            color: "#1b1b1b",
            dash: None,
            values: values(|c| c.rates().interaction.0),
        },
        Series {
            color: "#005a9c",
            dash: None,
            values: values(|c| c.rates().accept_all.0),
        },
        Series {
            color: "#b04000",
            dash: Some("7 4"),
            values: values(|c| c.rates().reject_all.0),
        },
        Series {
            color: "#6a3d9a",
            dash: Some("2 4"),
            values: values(|c| c.rates().custom.0),
        },
    ];
    let desc = format!("{}, {from} – {to}.", t.chart_desc);
    let axis = |tenths: u64| {
        if t.lang == Lang::Fi {
            format!("{}\u{a0}%", tenths / 10)
        } else {
            format!("{}%", tenths / 10)
        }
    };
    line_chart(t.chart_title, &desc, from, to, &series, &axis)
}

/// `GET /v1/stats?from&to&site&lang`: rows per day, site and language, with totals.
pub async fn stats_json(State(state): State<AppState>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    match read_stats(&state, query, &headers).await {
        Ok((filter, rows)) => no_store(axum::Json(stats::to_json(&filter, &rows)).into_response()),
        Err(e) => e.into_response(),
    }
}

/// `GET /v1/stats.csv?from&to&site&lang`: the same rows as CSV, as a download.
pub async fn stats_csv(State(state): State<AppState>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    match read_stats(&state, query, &headers).await {
        Ok((filter, rows)) => csv_download(stats::to_csv(&rows), "consent-stats", &filter),
        Err(e) => e.into_response(),
    }
}

/// `GET /v1/stats/services.csv?from&to&site&lang`: the counts per service of the same
/// rows, one row per day, site, language and service, as a download.
pub async fn stats_services_csv(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    match read_stats(&state, query, &headers).await {
        Ok((filter, rows)) => csv_download(stats::to_services_csv(&rows), "consent-services", &filter),
        Err(e) => e.into_response(),
    }
}

/// A CSV file to download, named `{name}-{from}-{to}.csv`.
fn csv_download(csv: String, name: &str, filter: &Filter) -> Response {
    let mut response = no_store(csv.into_response());
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let disposition = format!(
        "attachment; filename=\"{name}-{}-{}.csv\"",
        filter.query.from, filter.query.to
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn read_stats(
    state: &AppState,
    query: Option<String>,
    headers: &HeaderMap,
) -> Result<(Filter, Vec<DailyRow>), AppError> {
    if session_user(state, headers).is_none() {
        return Err(AppError::Unauthorized);
    }
    let filter = stats::parse_filter(&params(query), &state.config, Day::of_ms(now_ms()), false)
        .map_err(AppError::BadRequest)?;
    let (store, query) = (state.store.clone(), filter.query.clone());
    let rows = blocking(move || store.stats(&query)).await?;
    Ok((filter, rows))
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
