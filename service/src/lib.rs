//! The consent log service of diffo-consent.
//!
//! The banner reports what visitors decide (`POST /v1/events`); the service keeps every
//! decision as proof of consent (GDPR Art. 7(1)) and daily counts for the dashboard,
//! shows a visitor the receipt of their choices (`/receipt/{id}`), and shows marketers
//! consent rates behind a login (`/dashboard`, `/v1/stats`).
//!
//! [`app`] builds the whole HTTP service from an [`AppState`]; `main.rs` only reads the
//! config, opens the store and serves it. Tests call [`app`] directly, without a socket.
//!
//! Nothing personal is kept: no IP address, user agent or cookie of a visitor is stored
//! or logged, and times are the server's.

pub mod auth;
pub mod chart;
pub mod config;
pub mod dashboard;
pub mod error;
pub mod event;
pub mod html;
pub mod ingest;
pub mod lang;
pub mod rate_limit;
pub mod receipt;
pub mod retention;
pub mod stats;
pub mod store;
pub mod texts;
pub mod time;
pub mod writer;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::Sessions;
use crate::config::Config;
use crate::rate_limit::RateLimiter;
use crate::store::Store;
use crate::writer::Writer;

/// Login attempts allowed per client and minute.
pub const LOGIN_ATTEMPTS_PER_MINUTE: u32 = 10;

/// Everything the handlers share. Cloning is cheap.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] holds.
pub struct Shared {
    /// The configuration.
    pub config: Config,
    /// Every allowed origin, with the sites it may send events for.
    pub origins: HashMap<String, Vec<Arc<str>>>,
    /// The store, for reads (writes go through the writer).
    pub store: Arc<dyn Store>,
    /// The single writer.
    pub writer: Writer,
    /// The ingest's rate limit, unless turned off.
    pub limiter: Option<RateLimiter>,
    /// The login's rate limit.
    pub login_limiter: RateLimiter,
    /// The dashboard's sessions.
    pub sessions: Sessions,
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// The state for `config`, reading from `store` and writing through `writer`
    /// (see [`writer::spawn`]).
    pub fn new(config: Config, store: Arc<dyn Store>, writer: Writer) -> AppState {
        let now = Instant::now();
        let limiter = (config.rate_limit_per_minute > 0).then(|| RateLimiter::new(config.rate_limit_per_minute, now));
        AppState(Arc::new(Shared {
            origins: config.origins(),
            config,
            store,
            writer,
            limiter,
            login_limiter: RateLimiter::new(LOGIN_ATTEMPTS_PER_MINUTE, now),
            sessions: Sessions::default(),
        }))
    }

    /// Who is asking, for rate limits only: the first `X-Forwarded-For` address when
    /// configured so (behind a reverse proxy), else the peer's address. Never stored.
    pub fn client(&self, parts: &Parts) -> String {
        if self.config.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty());
            if let Some(first) = forwarded {
                return first.to_string();
            }
        }
        match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(peer)) => peer.ip().to_string(),
            None => "unknown".to_string(),
        }
    }
}

/// The whole HTTP service.
///
/// | path | what |
/// | --- | --- |
/// | `POST /v1/events` (and `OPTIONS`) | the banner's events |
/// | `GET /v1/receipts/{id}` | a consent id's decisions as JSON |
/// | `GET /receipt/{id}?lang=` | the same as a page for the visitor |
/// | `GET /login`, `POST /login`, `POST /logout` | the dashboard's login |
/// | `GET /dashboard?from&to&site&lang&ui` | consent rates (login) |
/// | `GET /v1/stats?from&to&site&lang` and `/v1/stats.csv` | the same numbers (login) |
/// | `GET /v1/stats/services.csv?from&to&site&lang` | the counts per service (login) |
/// | `GET /dashboard.css` | the pages' stylesheet |
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/v1/events", post(ingest::events).options(ingest::preflight))
        .route("/v1/receipts/{id}", get(receipt::json).options(receipt::preflight))
        .route("/receipt/{id}", get(receipt::page))
        .route("/login", get(dashboard::login_page).post(dashboard::login))
        .route("/logout", post(dashboard::logout))
        .route("/dashboard", get(dashboard::page))
        .route("/v1/stats", get(dashboard::stats_json))
        .route("/v1/stats.csv", get(dashboard::stats_csv))
        .route("/v1/stats/services.csv", get(dashboard::stats_services_csv))
        .route("/dashboard.css", get(html::stylesheet))
        .fallback(not_found)
        .with_state(state)
}

async fn not_found() -> error::AppError {
    error::AppError::NotFound("no such path".to_string())
}

/// Runs a blocking store call on a blocking thread.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, store::StoreError> + Send + 'static,
) -> Result<T, error::AppError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result.map_err(error::AppError::from),
        Err(e) => Err(error::AppError::Internal(format!("blocking task: {e}"))),
    }
}
