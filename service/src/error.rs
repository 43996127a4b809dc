//! The one error type of the HTTP API.
//!
//! A client error answers with its status and a JSON body `{"error": "..."}` that says
//! what to fix. An internal fault is logged with its detail and answers a generic 500:
//! nothing of the database or the code leaks.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::store::StoreError;

/// An API error.
#[derive(Debug)]
pub enum AppError {
    /// 400: the request is malformed; the message says how.
    BadRequest(String),
    /// 401: a login is needed.
    Unauthorized,
    /// 403: the request is not allowed; the message says why.
    Forbidden(String),
    /// 404: nothing there; the message says what.
    NotFound(String),
    /// 413: the body is too large.
    PayloadTooLarge(usize),
    /// 415: the body's type is not accepted.
    UnsupportedMediaType,
    /// 429: over the rate limit; retry after this many seconds.
    TooManyRequests(u64),
    /// 503: the service is shutting down.
    Unavailable,
    /// 500: an internal fault, with the detail for the log.
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        AppError::Internal(format!("store: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let retry_after = match self {
            AppError::TooManyRequests(seconds) => Some(seconds),
            _ => None,
        };
        let (status, message) = match self {
            AppError::BadRequest(message) => (StatusCode::BAD_REQUEST, message),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "login required".to_string()),
            AppError::Forbidden(message) => (StatusCode::FORBIDDEN, message),
            AppError::NotFound(message) => (StatusCode::NOT_FOUND, message),
            AppError::PayloadTooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body is larger than {limit} bytes"),
            ),
            AppError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the body must be text/plain or application/json".to_string(),
            ),
            AppError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "too many requests".to_string()),
            AppError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the service is shutting down".to_string(),
            ),
            AppError::Internal(detail) => {
                tracing::error!("internal error: {detail}");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error".to_string())
            }
        };
        let mut response = (status, axum::Json(json!({ "error": message }))).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
