//! The HTTP service through `app(state)` with `tower::ServiceExt::oneshot`: no socket,
//! a temporary SQLite file per test.

use std::net::SocketAddr;
use std::sync::Arc;

use argon2::Params;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use diffo_consent_log::config::Config;
use diffo_consent_log::store::sqlite::SqliteStore;
use diffo_consent_log::store::{StatsQuery, Store};
use diffo_consent_log::time::Day;
use diffo_consent_log::{app, auth, writer, AppState};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const FI: &str = "https://www.diffo.fi";
const SE: &str = "https://diffo.se";
const HOST: &str = "log.diffo.fi";
const ID: &str = "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60";

struct Harness {
    _dir: tempfile::TempDir,
    state: AppState,
    store: Arc<dyn Store>,
}

/// A password hash with tiny parameters, so that logins in tests are fast.
fn cheap_hash(password: &str) -> String {
    auth::hash_with(password, Params::new(8, 1, 1, None).unwrap(), b"0123456789abcdef").unwrap()
}

fn harness(settings: &str) -> Harness {
    harness_in(tempfile::tempdir().unwrap(), settings)
}

/// The harness with its database in `dir` (`consent-log.sqlite`, opened as it is).
fn harness_in(dir: tempfile::TempDir, settings: &str) -> Harness {
    let text = format!(
        "{settings}\n[sites]\n\"diffo.fi\" = [\"https://www.diffo.fi\", \"https://diffo.fi\"]\n\
         \"diffo.se\" = [\"https://diffo.se\"]\n\
         [[users]]\nname = \"anna\"\npassword_hash = \"{}\"\n",
        cheap_hash("correct horse")
    );
    let config = Config::parse(&text, dir.path()).unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&config.database).unwrap());
    let (writer, _thread) = writer::spawn(store.clone());
    Harness {
        state: AppState::new(config, store.clone(), writer),
        store,
        _dir: dir,
    }
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

async fn send(h: &Harness, request: Request<Body>) -> Answer {
    let response = app(h.state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

fn event(origin: Option<&str>, content_type: &str, body: &str) -> Request<Body> {
    let mut request = Request::post("/v1/events").header(header::CONTENT_TYPE, content_type);
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

fn beacon(body: &str) -> Request<Body> {
    event(Some(FI), "text/plain;charset=UTF-8", body)
}

fn shown(site: &str, lang: &str) -> String {
    format!(
        r#"{{"version":1,"event":"shown","site":"{site}","lang":"{lang}","revision":1,"texts":"0123456789abcdef"}}"#
    )
}

fn decision(event: &str, id: &str, granted: [bool; 3]) -> String {
    format!(
        r#"{{"version":1,"event":"{event}","id":"{id}","site":"diffo.fi","lang":"fi","revision":1,"texts":"0123456789abcdef","layer":"first","categories":{{"analytics":{},"marketing":{},"social":{}}}}}"#,
        granted[0], granted[1], granted[2]
    )
}

/// A version 2 decision: `services` is the JSON object, e.g. `{"youtube":true}`.
fn decision_v2(event: &str, id: &str, granted: [bool; 3], services: &str) -> String {
    decision(event, id, granted)
        .replacen("\"version\":1", "\"version\":2", 1)
        .replacen("}}", &format!("}},\"services\":{services}}}"), 1)
}

/// A core fixture with its `HASH` replaced.
fn fixture(text: &str) -> String {
    text.trim().replace("HASH", "0123456789abcdef")
}

fn everything(h: &Harness) -> (u64, u64) {
    let rows = h
        .store
        .stats(&StatsQuery {
            from: Day(0),
            to: Day(100_000),
            site: None,
            lang: None,
        })
        .unwrap();
    let shown = rows.iter().map(|r| r.counts.shown).sum();
    let decided = rows.iter().map(|r| r.counts.decisions() + r.counts.withdraw).sum();
    (shown, decided)
}

fn get(path: &str) -> axum::http::request::Builder {
    Request::get(path).header(header::HOST, HOST)
}

/// A GET of `path` with the session cookie `session`.
async fn get_as(h: &Harness, path: &str, session: &str) -> Answer {
    send(
        h,
        get(path).header(header::COOKIE, session).body(Body::empty()).unwrap(),
    )
    .await
}

async fn log_in(h: &Harness) -> String {
    let answer = send(h, login("anna", "correct horse", Some("https://log.diffo.fi"))).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let cookie = answer.header("set-cookie");
    cookie.split(';').next().unwrap().to_string()
}

fn login(name: &str, password: &str, origin: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/login")
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    let body = format!("name={name}&password={}&ui=en", password.replace(' ', "+"));
    request.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn every_event_kind_is_acknowledged_and_counted() {
    let h = harness("");
    let events = [
        shown("diffo.fi", "fi"),
        decision("accept_all", ID, [true; 3]),
        decision("reject_all", "0b7e2f4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5", [false; 3]),
        decision("custom", "9d8c7b6a-5f4e-4d3c-ab2a-1f0e9d8c7b6a", [true, false, false]),
        decision("withdraw", ID, [false; 3]),
    ];
    for body in &events {
        let answer = send(&h, beacon(body)).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{body}: {}", answer.body);
        assert_eq!(answer.header("access-control-allow-origin"), FI);
        assert_eq!(answer.header("vary"), "origin");
        assert_eq!(answer.header("set-cookie"), "");
    }
    let answer = send(&h, event(Some(SE), "application/json", &shown("diffo.se", "sv"))).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(everything(&h), (2, 4));

    let receipt = send(&h, get(&format!("/v1/receipts/{ID}")).body(Body::empty()).unwrap()).await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert_eq!(receipt.header("cache-control"), "no-store");
    let json = receipt.json();
    assert_eq!(json["id"], ID);
    let kinds: Vec<&str> = json["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["accept_all", "withdraw"]);
    assert!(json["decisions"][0]["time"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn version_2_events_are_stored_with_their_services_beside_version_1() {
    let h = harness("");
    for body in [
        fixture(include_str!("../../core/tests/fixtures/event-v2-shown.json")),
        fixture(include_str!("../../core/tests/fixtures/event-v2-decision.json")),
        fixture(include_str!("../../core/tests/fixtures/event-v1-shown.json")),
        decision("accept_all", "0b7e2f4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5", [true; 3]),
        decision_v2("reject_all", "9d8c7b6a-5f4e-4d3c-ab2a-1f0e9d8c7b6a", [false; 3], "{}"),
    ] {
        let answer = send(&h, beacon(&body)).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{body}: {}", answer.body);
    }
    assert_eq!(everything(&h), (2, 3));
    let receipt = h.store.receipt(ID).unwrap();
    let services = receipt[0].services.as_ref().unwrap();
    assert_eq!(
        services.iter().map(|(id, g)| format!("{id}:{g}")).collect::<Vec<_>>(),
        ["google-analytics:true", "linkedin-insight:false"]
    );
    assert_eq!(
        h.store.receipt("0b7e2f4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5").unwrap()[0].services,
        None
    );

    // The receipt lists them, as JSON and on the page.
    let json = send(&h, get(&format!("/v1/receipts/{ID}")).body(Body::empty()).unwrap()).await;
    assert_eq!(
        json.json()["decisions"][0]["services"],
        serde_json::json!({"google-analytics": true, "linkedin-insight": false})
    );
    let v1 = send(
        &h,
        get("/v1/receipts/0b7e2f4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(v1.json()["decisions"][0]["services"], Value::Null);
    let page = send(&h, get(&format!("/receipt/{ID}?lang=en")).body(Body::empty()).unwrap()).await;
    assert!(page.body.contains(
        "<dt>Services allowed</dt><dd class=\"code\">google-analytics</dd>\n\
         <dt>Services not allowed</dt><dd class=\"code\">linkedin-insight</dd>"
    ));
    let page = send(&h, get(&format!("/receipt/{ID}?lang=fi")).body(Body::empty()).unwrap()).await;
    assert!(page
        .body
        .contains("<dt>Sallitut palvelut</dt><dd class=\"code\">google-analytics</dd>"));

    // Bad version 2 events get 400 naming the problem, and leave nothing.
    let v2 = fixture(include_str!("../../core/tests/fixtures/event-v2-decision.json"));
    let services = r#"{"google-analytics":true,"linkedin-insight":false}"#;
    for (body, message) in [
        (
            v2.replace(&format!(",\"services\":{services}"), ""),
            "missing field `services` (required for \"custom\" in version 2)",
        ),
        (
            v2.replace(services, r#"{"youtube":true,"youtube":true}"#),
            "duplicate service `youtube`",
        ),
        (
            v2.replace(services, r#"{"YouTube":true}"#),
            "service id \"YouTube\" is not 1 to 40 lowercase letters, digits or hyphens",
        ),
        (
            v2.replace(services, r#"{"youtube":"yes"}"#),
            "expected true or false for service `youtube`",
        ),
        (v2.replace(services, "null"), "invalid type: null"),
        (v2.replace("\"version\":2", "\"version\":1"), "unknown field `services`"),
        (v2.replace("\"version\":2", "\"version\":3"), "unsupported version 3"),
    ] {
        let answer = send(&h, beacon(&body)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        let error = answer.json()["error"].as_str().unwrap().to_string();
        assert!(error.contains(message), "{error}");
    }
    assert_eq!(everything(&h), (2, 3));
}

/// A database from before services (only migration 0001 applied, with a version 1
/// decision in it) is migrated when the service opens it: the decision and its counts
/// survive, and version 2 events are taken beside it.
#[tokio::test]
async fn a_database_from_before_services_is_migrated_and_takes_version_2() {
    let dir = tempfile::tempdir().unwrap();
    {
        let old = rusqlite::Connection::open(dir.path().join("consent-log.sqlite")).unwrap();
        old.execute_batch(include_str!("../migrations/0001_init.sql")).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        old.execute_batch(&format!(
            "INSERT INTO decisions (consent_id, time_ms, event, site, lang, revision, texts, layer, analytics, marketing, social) \
             VALUES ('{ID}', 1740830400000, 'accept_all', 'diffo.fi', 'fi', 1, '0123456789abcdef', 'first', 1, 1, 1); \
             INSERT INTO daily (day, site, lang, shown, accept_all, analytics, marketing, social) \
             VALUES ('2025-03-01', 'diffo.fi', 'fi', 1, 1, 1, 1, 1);"
        ))
        .unwrap();
    }
    let h = harness_in(dir, "");
    let receipt = send(&h, get(&format!("/v1/receipts/{ID}")).body(Body::empty()).unwrap()).await;
    assert_eq!(receipt.status, StatusCode::OK);
    let json = receipt.json();
    assert_eq!(json["decisions"][0]["event"], "accept_all");
    assert_eq!(json["decisions"][0]["time"], "2025-03-01T12:00:00.000Z");
    assert_eq!(json["decisions"][0]["services"], Value::Null);

    let withdraw = decision_v2("withdraw", ID, [false; 3], r#"{"google-analytics":false}"#);
    assert_eq!(send(&h, beacon(&withdraw)).await.status, StatusCode::NO_CONTENT);
    let other = decision_v2(
        "custom",
        "0b7e2f4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5",
        [true, false, false],
        r#"{"google-analytics":true}"#,
    );
    assert_eq!(send(&h, beacon(&other)).await.status, StatusCode::NO_CONTENT);
    let json = send(&h, get(&format!("/v1/receipts/{ID}")).body(Body::empty()).unwrap())
        .await
        .json();
    let decisions = json["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[1]["services"], serde_json::json!({"google-analytics": false}));

    let session = log_in(&h).await;
    let stats = get_as(&h, "/v1/stats?from=2025-03-01", &session).await.json();
    assert_eq!(stats["rows"][0]["day"], "2025-03-01");
    assert_eq!(stats["rows"][0]["accept_all"], 1, "the old counts stay");
    assert_eq!(
        stats["totals"]["services"],
        serde_json::json!({"google-analytics": {"decisions": 1, "granted": 1, "opt_in_rate": 100.0}})
    );
    assert_eq!(stats["totals"]["decisions"], 2);
    assert_eq!(stats["totals"]["withdraw"], 1);
}

#[tokio::test]
async fn only_the_sites_origins_may_post() {
    let h = harness("");
    let body = decision("accept_all", ID, [true; 3]);
    for origin in [
        None,
        Some("https://evil.example"),
        Some("https://www.diffo.fi.evil.example"),
        Some("null"),
    ] {
        let answer = send(&h, event(origin, "text/plain", &body)).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{origin:?}");
        assert_eq!(answer.header("access-control-allow-origin"), "", "{origin:?}");
        assert!(answer.json()["error"].as_str().unwrap().contains("Origin"));
    }
    // An allowed origin, but of another site.
    let answer = send(&h, event(Some(SE), "text/plain", &body)).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.json()["error"].as_str().unwrap().contains("\"diffo.fi\""));
    assert_eq!(everything(&h), (0, 0));

    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/v1/events")
            .header(header::ORIGIN, origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::empty())
            .unwrap()
    };
    let answer = send(&h, preflight("https://diffo.fi")).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(answer.header("access-control-allow-origin"), "https://diffo.fi");
    assert_eq!(answer.header("access-control-allow-methods"), "POST");
    assert_eq!(answer.header("access-control-allow-headers"), "content-type");
    assert_eq!(answer.header("vary"), "origin");
    let answer = send(&h, preflight("https://evil.example")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.header("access-control-allow-origin"), "");
}

#[tokio::test]
async fn bad_events_are_refused_and_leave_nothing() {
    let h = harness("");
    for (body, status, message) in [
        (r#"{"version":1}"#.to_string(), StatusCode::BAD_REQUEST, "missing field"),
        (
            shown("example.com", "fi"),
            StatusCode::BAD_REQUEST,
            "unknown site \"example.com\"",
        ),
        (
            shown("diffo.fi", "fi").replace("\"version\":1", "\"version\":1,\"ip\":\"192.0.2.1\""),
            StatusCode::BAD_REQUEST,
            "unknown field `ip`",
        ),
        (
            decision("accept_all", ID, [true; 3]).replace("\"social\"", "\"ads\""),
            StatusCode::BAD_REQUEST,
            "unknown category `ads`",
        ),
        (
            decision("accept_all", &ID.to_uppercase(), [true; 3]),
            StatusCode::BAD_REQUEST,
            "UUID",
        ),
        (
            decision("accept_all", ID, [true; 3]).replace("0123456789abcdef", "xyz"),
            StatusCode::BAD_REQUEST,
            "texts",
        ),
    ] {
        let answer = send(&h, beacon(&body)).await;
        assert_eq!(answer.status, status, "{body}");
        assert!(
            answer.json()["error"].as_str().unwrap().contains(message),
            "{}",
            answer.body
        );
        assert_eq!(
            answer.header("access-control-allow-origin"),
            FI,
            "the banner may read why"
        );
    }
    for content_type in ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        let answer = send(&h, event(Some(FI), content_type, &shown("diffo.fi", "fi"))).await;
        assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type}");
    }
    let no_type = Request::post("/v1/events")
        .header(header::ORIGIN, FI)
        .body(Body::from(shown("diffo.fi", "fi")))
        .unwrap();
    assert_eq!(send(&h, no_type).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(everything(&h), (0, 0));
}

#[tokio::test]
async fn oversized_bodies_get_413_and_other_methods_405() {
    let h = harness("");
    let big = format!("{}{}", shown("diffo.fi", "fi"), " ".repeat(9000));
    // Declared too large: refused before reading.
    let declared = Request::post("/v1/events")
        .header(header::ORIGIN, FI)
        .header(header::CONTENT_TYPE, "text/plain")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big.clone()))
        .unwrap();
    let answer = send(&h, declared).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.json()["error"].as_str().unwrap().contains("4096"));
    // Not declared: refused once the limit is passed.
    assert_eq!(send(&h, beacon(&big)).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(everything(&h), (0, 0));
    // A decision with the most services, and whitespace up to the limit, is taken; one
    // byte more is not.
    let most: Vec<String> = (0..64)
        .map(|i| format!("\"service-{i:02}{}\":false", "x".repeat(29)))
        .collect();
    let largest = decision_v2("reject_all", ID, [false; 3], &format!("{{{}}}", most.join(",")));
    assert!(largest.len() > 3300, "{}", largest.len());
    let padded = format!("{largest}{}", " ".repeat(4096 - largest.len()));
    assert_eq!(send(&h, beacon(&padded)).await.status, StatusCode::NO_CONTENT);
    let over = format!("{padded} ");
    assert_eq!(send(&h, beacon(&over)).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(everything(&h), (0, 1));

    for method in [Method::GET, Method::PUT, Method::DELETE] {
        let request = Request::builder()
            .method(method.clone())
            .uri("/v1/events")
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            send(&h, request).await.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
    }
    assert_eq!(
        send(&h, get("/nowhere").body(Body::empty()).unwrap()).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_rate_limit_answers_429_per_client() {
    let h = harness("rate_limit_per_minute = 3\ntrust_forwarded_for = true");
    let from = |client: &str| {
        let mut request = beacon(&shown("diffo.fi", "fi"));
        request.headers_mut().insert("x-forwarded-for", client.parse().unwrap());
        request
    };
    for _ in 0..3 {
        assert_eq!(
            send(&h, from("192.0.2.1, 10.0.0.1")).await.status,
            StatusCode::NO_CONTENT
        );
    }
    let answer = send(&h, from("192.0.2.1")).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.header("retry-after"), "20");
    assert_eq!(send(&h, from("192.0.2.2")).await.status, StatusCode::NO_CONTENT);
    assert_eq!(everything(&h), (4, 0));

    // Without trusting the proxy, the peer address counts and the header is ignored.
    let h = harness("rate_limit_per_minute = 1");
    let peer = |client: &str| {
        let mut request = from(client);
        request
            .extensions_mut()
            .insert(ConnectInfo("198.51.100.7:5000".parse::<SocketAddr>().unwrap()));
        request
    };
    assert_eq!(send(&h, peer("192.0.2.1")).await.status, StatusCode::NO_CONTENT);
    assert_eq!(send(&h, peer("192.0.2.2")).await.status, StatusCode::TOO_MANY_REQUESTS);

    let h = harness("rate_limit_per_minute = 0");
    for _ in 0..20 {
        assert_eq!(
            send(&h, beacon(&shown("diffo.fi", "fi"))).await.status,
            StatusCode::NO_CONTENT
        );
    }
}

#[tokio::test]
async fn the_dashboard_and_stats_need_a_login() {
    let h = harness("");
    let answer = send(&h, get("/dashboard").body(Body::empty()).unwrap()).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "login");
    for path in [
        "/v1/stats",
        "/v1/stats.csv",
        "/v1/stats/services.csv",
        "/v1/stats?from=2025-01-01",
    ] {
        let answer = send(&h, get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    // A made-up session is no session.
    let forged = get("/v1/stats").header(header::COOKIE, format!("consent_log_session={}", "a".repeat(64)));
    assert_eq!(
        send(&h, forged.body(Body::empty()).unwrap()).await.status,
        StatusCode::UNAUTHORIZED
    );

    let page = send(
        &h,
        get("/login")
            .header(header::ACCEPT_LANGUAGE, "fi")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("<form class=\"login\" method=\"post\" action=\"login\">"));
    assert!(page.body.contains("Käyttäjätunnus"));
    assert!(page.header("content-security-policy").contains("default-src 'self'"));
}

#[tokio::test]
async fn a_wrong_password_fails_without_saying_which_field() {
    let h = harness("");
    let wrong_password = send(&h, login("anna", "wrong", Some("https://log.diffo.fi"))).await;
    let wrong_name = send(&h, login("anne", "correct horse", Some("https://log.diffo.fi"))).await;
    for answer in [&wrong_password, &wrong_name] {
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(answer.header("set-cookie"), "");
        assert!(answer.body.contains("Wrong user name or password."));
    }
    assert_eq!(wrong_password.body.replace("anna", "anne"), wrong_name.body);
    // Cross-site or origin-less posts are refused before the password is looked at.
    assert_eq!(
        send(&h, login("anna", "correct horse", Some("https://evil.example")))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let answer = send(&h, login("anna", "correct horse", None)).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.header("set-cookie"), "");
}

#[tokio::test]
async fn logins_are_throttled() {
    let h = harness("");
    for _ in 0..diffo_consent_log::LOGIN_ATTEMPTS_PER_MINUTE {
        assert_eq!(
            send(&h, login("anna", "wrong", Some("https://log.diffo.fi")))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
    let answer = send(&h, login("anna", "correct horse", Some("https://log.diffo.fi"))).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!answer.header("retry-after").is_empty());
    assert_eq!(answer.header("set-cookie"), "");
}

#[tokio::test]
async fn the_right_password_opens_a_session_until_logout() {
    let h = harness("");
    let answer = send(&h, login("anna", "correct horse", Some("https://log.diffo.fi"))).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "dashboard?ui=en");
    let cookie = answer.header("set-cookie");
    for attribute in [
        "consent_log_session=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
        "Secure",
    ] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let session = cookie.split(';').next().unwrap().to_string();
    assert_eq!(session.len(), "consent_log_session=".len() + 64);

    let page = get_as(&h, "/dashboard", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Signed in as <strong>anna</strong>"));
    let stats = get_as(&h, "/v1/stats", &session).await;
    assert_eq!(stats.status, StatusCode::OK);

    let logout = Request::post("/logout")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, "https://log.diffo.fi")
        .header(header::COOKIE, &session)
        .body(Body::empty())
        .unwrap();
    let answer = send(&h, logout).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), "login");
    assert!(answer.header("set-cookie").contains("Max-Age=0"));
    let stats = get_as(&h, "/v1/stats", &session).await;
    assert_eq!(stats.status, StatusCode::UNAUTHORIZED);

    let h = harness("secure_cookie = false");
    let answer = send(&h, login("anna", "correct horse", Some("https://log.diffo.fi"))).await;
    assert!(!answer.header("set-cookie").contains("Secure"));
}

#[tokio::test]
async fn csv_has_the_same_numbers_as_json_and_the_dashboard() {
    let h = harness("");
    for body in [
        shown("diffo.fi", "fi"),
        shown("diffo.fi", "fi"),
        shown("diffo.fi", "en"),
        decision("accept_all", ID, [true; 3]),
        decision("custom", "9d8c7b6a-5f4e-4d3c-ab2a-1f0e9d8c7b6a", [true, false, false]),
        decision("reject_all", "0b7e2f4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5", [false; 3]),
    ] {
        assert_eq!(send(&h, beacon(&body)).await.status, StatusCode::NO_CONTENT);
    }
    let session = log_in(&h).await;

    let json = get_as(&h, "/v1/stats", &session).await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(json.header("cache-control"), "no-store");
    let json = json.json();
    let csv = get_as(&h, "/v1/stats.csv", &session).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert!(csv
        .header("content-disposition")
        .starts_with("attachment; filename=\"consent-stats-"));

    let mut lines = csv.body.split("\r\n");
    let columns: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{json}");
    for (row, line) in rows.iter().zip(lines.by_ref()) {
        let from_json: Vec<String> = columns
            .iter()
            .map(|c| match &row[*c] {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                Value::Number(n) if c.ends_with("_rate") => format!("{:.1}", n.as_f64().unwrap()),
                other => other.to_string(),
            })
            .collect();
        assert_eq!(line, from_json.join(","));
    }
    assert_eq!(
        lines.collect::<Vec<_>>(),
        [""],
        "nothing after the rows but the final CRLF"
    );
    let fi = rows.iter().find(|r| r["lang"] == "fi").unwrap();
    assert_eq!((fi["shown"].as_u64(), fi["decisions"].as_u64()), (Some(2), Some(3)));
    assert_eq!(fi["interaction_rate"], 150.0);
    assert_eq!(fi["accept_all_rate"], 33.3);
    assert_eq!(fi["analytics_rate"], 66.7);
    assert_eq!(json["totals"]["shown"], 3);
    assert_eq!(json["totals"]["interaction_rate"], 100.0);

    // Filters narrow both the same way.
    let today = json["to"].as_str().unwrap().to_string();
    let query = format!("?from={today}&to={today}&site=diffo.fi&lang=en");
    let narrow = get_as(&h, &format!("/v1/stats{query}"), &session).await.json();
    assert_eq!(narrow["rows"].as_array().unwrap().len(), 1);
    assert_eq!(
        get_as(&h, &format!("/v1/stats.csv{query}"), &session)
            .await
            .body
            .split("\r\n")
            .count(),
        3
    );

    // The dashboard shows the same numbers, with the CSV link for the same filter.
    let page = get_as(&h, &format!("/dashboard{query}&ui=en"), &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!(
        "href=\"v1/stats.csv?from={today}&amp;to={today}&amp;site=diffo.fi&amp;lang=en\""
    )));
    let page = get_as(&h, "/dashboard?ui=en", &session).await;
    assert!(
        page.body.contains("<td>3</td><td>3</td><td>100.0%</td><td>33.3%</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<svg") && page.body.contains("<title id=\"chart-title\">Daily rates</title>"));
    let csp = page.header("content-security-policy");
    assert!(csp.contains("default-src 'self'") && csp.contains("style-src 'self'"));
    assert!(!page.body.contains("<script") && !page.body.contains("style=") && !page.body.contains("<style"));
    assert!(
        !page.body.contains("href=\"/") && !page.body.contains("action=\"/"),
        "relative URLs only"
    );
    let finnish = get_as(&h, "/dashboard?ui=fi", &session).await;
    assert!(finnish.body.contains("<html lang=\"fi\">") && finnish.body.contains("100,0\u{a0}%"));
    assert!(finnish.body.contains("<th scope=\"col\">Sosiaalinen media</th>"));
    assert!(!finnish.body.contains(">Some<"));
}

/// A mix of version 1 and 2 decisions, withdrawals included: the counts per service
/// and their opt-in rates, the same on the dashboard, in the JSON and in the CSV.
#[tokio::test]
async fn services_are_counted_and_shown_on_the_dashboard_json_and_csv() {
    let h = harness("");
    let ids = [
        "0b7e2f4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5",
        "9d8c7b6a-5f4e-4d3c-ab2a-1f0e9d8c7b6a",
        "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
    ];
    for body in [
        shown("diffo.fi", "fi"),
        // Version 1: counts for its categories, names no service.
        decision("accept_all", ID, [true; 3]),
        decision_v2(
            "accept_all",
            ids[0],
            [true, false, false],
            r#"{"google-analytics":true,"meta-pixel":false}"#,
        ),
        decision_v2(
            "custom",
            ids[1],
            [true, false, true],
            r#"{"google-analytics":true,"youtube":true,"meta-pixel":false}"#,
        ),
        decision_v2("reject_all", ids[2], [false; 3], r#"{"google-analytics":false}"#),
        decision_v2("custom", ids[3], [false; 3], "{}"),
        // A withdrawal names services but counts for none of them.
        decision_v2(
            "withdraw",
            ids[1],
            [false; 3],
            r#"{"google-analytics":false,"youtube":false,"linkedin-insight":false}"#,
        ),
    ] {
        assert_eq!(send(&h, beacon(&body)).await.status, StatusCode::NO_CONTENT, "{body}");
    }
    let session = log_in(&h).await;

    let json = get_as(&h, "/v1/stats", &session).await.json();
    let expected = serde_json::json!({
        "google-analytics": {"decisions": 3, "granted": 2, "opt_in_rate": 66.7},
        "meta-pixel": {"decisions": 2, "granted": 0, "opt_in_rate": 0.0},
        "youtube": {"decisions": 1, "granted": 1, "opt_in_rate": 100.0},
    });
    assert_eq!(json["totals"]["services"], expected, "{json}");
    assert_eq!(json["rows"][0]["services"], expected);
    assert_eq!(json["totals"]["decisions"], 5);
    assert_eq!(json["totals"]["withdraw"], 1);
    assert_eq!(json["totals"]["analytics_granted"], 3);

    let csv = get_as(&h, "/v1/stats/services.csv", &session).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(csv.header("cache-control"), "no-store");
    assert!(csv
        .header("content-disposition")
        .starts_with("attachment; filename=\"consent-services-"));
    let today = json["to"].as_str().unwrap();
    assert_eq!(
        csv.body,
        format!(
            "day,site,lang,service,decisions,granted,opt_in_rate\r\n\
             {today},diffo.fi,fi,google-analytics,3,2,66.7\r\n\
             {today},diffo.fi,fi,meta-pixel,2,0,0.0\r\n\
             {today},diffo.fi,fi,youtube,1,1,100.0\r\n"
        )
    );
    // The daily CSV is as it was: no services in it.
    let daily = get_as(&h, "/v1/stats.csv", &session).await;
    assert!(daily.body.starts_with("day,site,lang,shown,decisions,"));
    assert!(!daily.body.contains("google-analytics"));
    // Filters narrow the services too.
    let other = get_as(&h, "/v1/stats/services.csv?lang=en", &session).await;
    assert_eq!(other.body, "day,site,lang,service,decisions,granted,opt_in_rate\r\n");
    let other = get_as(&h, "/v1/stats?site=diffo.se", &session).await.json();
    assert_eq!(other["totals"]["services"], serde_json::json!({}));
    let bad = get_as(&h, "/v1/stats/services.csv?lang=de", &session).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let page = get_as(&h, "/dashboard?ui=en", &session).await;
    assert!(page.body.contains("<h2>Services</h2>"), "{}", page.body);
    for row in [
        "<tr><th scope=\"row\">google-analytics</th><td>3</td><td>2</td><td>66.7%</td></tr>",
        "<tr><th scope=\"row\">meta-pixel</th><td>2</td><td>0</td><td>0.0%</td></tr>",
        "<tr><th scope=\"row\">youtube</th><td>1</td><td>1</td><td>100.0%</td></tr>",
    ] {
        assert!(page.body.contains(row), "{row}\n{}", page.body);
    }
    assert!(!page.body.contains("linkedin-insight"), "only withdrawals named it");
    assert!(page.body.contains("<th scope=\"col\">Opt-in rate</th>"));
    assert!(page.body.contains(&format!(
        "href=\"v1/stats/services.csv?from={}&amp;to={today}&amp;site=all&amp;lang=all\" download",
        json["from"].as_str().unwrap()
    )));
    assert!(!page.body.contains("<script") && !page.body.contains("style=") && !page.body.contains("href=\"/"));
    let finnish = get_as(&h, "/dashboard?ui=fi", &session).await;
    assert!(finnish.body.contains("<h2>Palvelut</h2>"));
    assert!(finnish
        .body
        .contains("<tr><th scope=\"row\">google-analytics</th><td>3</td><td>2</td><td>66,7\u{a0}%</td></tr>"));
    assert!(finnish.body.contains("<th scope=\"col\">Suostumusaste</th>"));
    let empty = get_as(&h, "/dashboard?ui=en&site=diffo.se", &session).await;
    assert!(empty
        .body
        .contains("<p>No decision in this selection included a service.</p>"));
}

#[tokio::test]
async fn bad_stats_parameters_get_400() {
    let h = harness("");
    let session = log_in(&h).await;
    for (query, message) in [
        ("from=2025-13-01", "from: \"2025-13-01\" is not a date"),
        ("from=2019-01-01&to=2025-01-01", "longer than 5 years"),
        ("from=2025-02-01&to=2025-01-01", "is after"),
        ("site=example.com", "unknown site"),
        ("lang=de", "lang"),
        ("ui=fi", "unknown parameter `ui`"),
    ] {
        let answer = get_as(&h, &format!("/v1/stats?{query}"), &session).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            answer.json()["error"].as_str().unwrap().contains(message),
            "{}",
            answer.body
        );
    }
    let page = get_as(&h, "/dashboard?from=nope&ui=en", &session).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page
        .body
        .contains("The filter is not valid: from: &quot;nope&quot; is not a date"));
}

#[tokio::test]
async fn the_receipt_page_speaks_the_visitors_language() {
    let h = harness("");
    assert_eq!(
        send(&h, beacon(&decision("custom", ID, [true, false, true])))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let page = |path: &str, accept: &str| {
        get(path)
            .header(header::ACCEPT_LANGUAGE, accept)
            .body(Body::empty())
            .unwrap()
    };

    let answer = send(&h, page(&format!("/receipt/{ID}"), "fi-FI,fi;q=0.9,en;q=0.8")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.contains("<html lang=\"fi\">") && answer.body.contains("Tallensit omat valintasi"));
    assert_eq!(answer.header("referrer-policy"), "no-referrer");
    assert_eq!(answer.header("cache-control"), "no-store");
    assert!(answer.header("content-security-policy").contains("default-src 'self'"));
    let answer = send(&h, page(&format!("/receipt/{ID}?lang=sv"), "fi")).await;
    assert!(answer.body.contains("<html lang=\"sv\">") && answer.body.contains("Du sparade egna val"));
    let answer = send(&h, page(&format!("/receipt/{ID}?lang=xx"), "de")).await;
    assert!(answer.body.contains("<html lang=\"en\">") && answer.body.contains("You saved your own choice"));

    let unknown = send(&h, page("/receipt/0b7e2f4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5", "en")).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let malformed = send(&h, page("/receipt/%3Cscript%3E", "en")).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert!(!malformed.body.contains("<script>"));

    let json = send(&h, get("/v1/receipts/not-an-id").body(Body::empty()).unwrap()).await;
    assert_eq!(json.status, StatusCode::BAD_REQUEST);
    assert!(json.json()["error"].as_str().unwrap().contains("UUID"));
    let json = send(
        &h,
        get("/v1/receipts/0b7e2f4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(json.status, StatusCode::NOT_FOUND);

    let css = send(&h, get("/dashboard.css").body(Body::empty()).unwrap()).await;
    assert_eq!(css.header("content-type"), "text/css; charset=utf-8");
}
