//! HTML pages: escaping, the page shell and the headers every page is sent with.
//!
//! Pages load nothing but the service's own stylesheet, have no script and no inline
//! style, and use relative URLs only, so they work under a strict CSP and under any path
//! prefix a reverse proxy mounts the service at.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The Content-Security-Policy of every page: nothing but this service's own files (and
/// same-origin `fetch`, so a signed-in page may read `v1/stats`), no inline script or
/// style, no framing.
pub const CSP: &str = "default-src 'self'; style-src 'self'; object-src 'none'; form-action 'self'; \
                       frame-ancestors 'none'; base-uri 'none'";

/// The stylesheet of every page, served as `/dashboard.css`.
pub const CSS: &str = include_str!("../assets/dashboard.css");

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, for text and attribute values: the
/// banner's own escaping.
pub use diffo_consent_core::view::escape;

/// A whole page. `title` is text (escaped here); `css` is the stylesheet's relative URL;
/// `body` is markup, already escaped.
pub fn page(lang: &str, title: &str, css: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<title>{title}</title>\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        lang = escape(lang),
        title = escape(title),
        css = escape(css),
    )
}

/// Which pages may tell others where a visitor came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Referrer {
    /// The dashboard: same-origin only (form posts then carry an `Origin` to check).
    SameOrigin,
    /// The receipt, whose URL holds the consent id: never.
    None,
}

/// A page response: HTML with the CSP and the other security headers, never cached.
pub fn respond(status: StatusCode, html: String, referrer: Referrer) -> Response {
    let referrer = match referrer {
        Referrer::SameOrigin => "same-origin",
        Referrer::None => "no-referrer",
    };
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// The stylesheet.
pub async fn stylesheet() -> Response {
    let mut response = CSS.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("äö – ok"), "äö – ok");
    }

    #[test]
    fn pages_have_no_inline_style_or_script() {
        let html = page("en", "<T>", "dashboard.css", "<p>x</p>");
        assert!(html.contains("<title>&lt;T&gt;</title>"));
        assert!(!html.contains("<script") && !html.contains("style=") && !html.contains("<style"));
        assert!(!CSS.contains("url(") && !CSS.contains("@import"));
    }
}
