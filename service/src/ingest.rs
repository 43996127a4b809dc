//! `POST /v1/events`: the banner's events, checked, then written durably.
//!
//! The order of the checks makes refusals cheap: the origin (403), the rate limit (429),
//! the declared size (413), the type (415), the body read up to the limit (413), the
//! event itself (400), the origin against the event's site (403). Only then is the event
//! stamped with the server's time and handed to the writer; the answer is 204 once it is
//! committed. A refused event leaves no trace, and no cookie is ever set here.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::error::AppError;
use crate::event::{self, MAX_BODY};
use crate::store::Stamped;
use crate::time::now_ms;
use crate::writer::WriteError;
use crate::AppState;

/// `POST /v1/events`.
pub async fn events(State(state): State<AppState>, request: Request) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let sites = origin
        .as_ref()
        .and_then(|o| o.to_str().ok())
        .and_then(|o| state.origins.get(o))
        .cloned();
    let result = accept(&state, request, sites.as_deref()).await;
    let mut response = match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    };
    cors(response.headers_mut(), origin.filter(|_| sites.is_some()));
    response
}

async fn accept(state: &AppState, request: Request, sites: Option<&[Arc<str>]>) -> Result<(), AppError> {
    let Some(sites) = sites else {
        return Err(AppError::Forbidden(
            "the Origin header is missing or not an allowed origin".to_string(),
        ));
    };
    let (parts, body) = request.into_parts();
    if let Some(limiter) = &state.limiter {
        limiter
            .check(&state.client(&parts), Instant::now())
            .map_err(AppError::TooManyRequests)?;
    }
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY as u64) {
        return Err(AppError::PayloadTooLarge(MAX_BODY));
    }
    if !accepted_type(&parts.headers) {
        return Err(AppError::UnsupportedMediaType);
    }
    let body = read_limited(body).await?;
    let event = event::parse(&body, &state.config).map_err(AppError::BadRequest)?;
    let site = &event.context().site;
    if !sites.contains(site) {
        return Err(AppError::Forbidden(format!(
            "this origin may not send events for the site {site:?}"
        )));
    }
    match state
        .writer
        .write(Stamped {
            time_ms: now_ms(),
            event,
        })
        .await
    {
        Ok(()) => Ok(()),
        Err(WriteError::Stopped) => Err(AppError::Unavailable),
        Err(WriteError::Failed) => Err(AppError::Internal("the event's batch was not written".to_string())),
    }
}

/// `text/plain` (what `navigator.sendBeacon` sends for a string) or `application/json`.
fn accepted_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("text/plain") || essence.eq_ignore_ascii_case("application/json")
}

/// Reads at most [`MAX_BODY`] bytes; a longer body is refused without reading the rest.
async fn read_limited(body: Body) -> Result<Vec<u8>, AppError> {
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes().to_vec()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(AppError::PayloadTooLarge(MAX_BODY)),
        Err(_) => Err(AppError::BadRequest("the body could not be read".to_string())),
    }
}

/// `OPTIONS /v1/events`: the CORS preflight, for allowed origins only.
pub async fn preflight(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let origin = headers
        .get(header::ORIGIN)
        .filter(|o| o.to_str().is_ok_and(|o| state.origins.contains_key(o)));
    let mut response = match origin {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => AppError::Forbidden("not an allowed origin".to_string()).into_response(),
    };
    let allowed = origin.is_some();
    cors(response.headers_mut(), origin.cloned());
    if allowed {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST"));
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("content-type"),
        );
        headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    }
    response
}

/// Adds `Vary: Origin`, and `Access-Control-Allow-Origin` for an allowed origin.
pub(crate) fn cors(headers: &mut HeaderMap, allowed_origin: Option<HeaderValue>) {
    headers.append(header::VARY, HeaderValue::from_static("origin"));
    if let Some(origin) = allowed_origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
}
