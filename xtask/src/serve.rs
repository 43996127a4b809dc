//! A small static server on loopback that plays all three Diffo sites: the
//! site comes from the `Host` header (`diffo.fi.localhost:8080` serves
//! `www/demo/diffo.fi/`), and every site serves the built banner under
//! `/consent/` from `target/www/consent/` and the demo's stylesheet under
//! `/assets/`, and the consent log under `/consent-log/` when it runs.
//! Chromium resolves `*.localhost` to loopback, so no hosts file is needed.

use crate::root;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use tiny_http::{Header, Method, Request, Response, Server};

/// The demo sites, as served.
pub const SITES: [&str; 3] = ["diffo.fi", "diffosolutions.com", "diffo.se"];

/// Starts the server on `127.0.0.1:port` (0: any free port) in background
/// threads and returns the port it listens on.
pub fn start(port: u16) -> Result<u16, String> {
    let server = Server::http(("127.0.0.1", port)).map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(port);
    let server = Arc::new(server);
    for _ in 0..4 {
        let server = server.clone();
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                handle(request);
            }
        });
    }
    Ok(port)
}

/// Serves the demo and its consent log until interrupted.
pub fn run_demo(port: u16) -> Result<(), String> {
    let port = start(port)?;
    let log = crate::consent_log::start(&crate::consent_log::Options {
        site_port: port,
        port: port
            .checked_add(1)
            .ok_or("--port must leave room for the consent log on the next port")?,
        database: root().join("target/demo/consent-log.sqlite"),
        fresh: false,
        rate_limit: 120,
    })?;
    proxy_consent_log(log.addr);
    println!("\nThe demo sites (Ctrl-C to stop):\n");
    for site in SITES {
        println!("  http://{site}.localhost:{port}/");
    }
    println!("\nOpen one in Chromium or Firefox. To see the banner again, clear the site's storage");
    println!("or run `localStorage.clear()` in the console.");
    println!(
        "\nThe marketers' dashboard: http://localhost:{}/dashboard (user `{}`, password `{}`)",
        log.addr.port(),
        crate::consent_log::USER,
        crate::consent_log::PASSWORD
    );
    println!("Every site reaches the consent log under /consent-log/; its data is in target/demo/.");
    loop {
        std::thread::park();
    }
}

/// Where the consent log listens, once it was started: every site then
/// serves it under `/consent-log/` (see [`crate::proxy`]).
static CONSENT_LOG: std::sync::OnceLock<std::net::SocketAddr> = std::sync::OnceLock::new();

/// Serves the consent log at `addr` under `/consent-log/` on every site.
pub fn proxy_consent_log(addr: std::net::SocketAddr) {
    let _ = CONSENT_LOG.set(addr);
}

fn handle(mut request: Request) {
    let forwarded = request.url().strip_prefix("/consent-log").map(str::to_string);
    let response = match (CONSENT_LOG.get(), forwarded) {
        (Some(&upstream), Some(path)) if path.starts_with('/') => crate::proxy::forward(&mut request, upstream, &path),
        _ => respond(&request),
    };
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn respond(request: &Request) -> Response<std::io::Cursor<Vec<u8>>> {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return text(405, "method not allowed");
    }
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_ascii_lowercase())
        .unwrap_or_default();
    let path = request.url().split(['?', '#']).next().unwrap_or("/");
    match resolve(&host, path) {
        Some(file) => match std::fs::read(&file) {
            Ok(bytes) => {
                let (bytes, csp) = with_nonce(bytes);
                let mut response = Response::from_data(bytes)
                    .with_header(header("Content-Type", content_type(&file)))
                    .with_header(header("Cache-Control", "no-cache"));
                if let Some(policy) = csp {
                    response = response.with_header(header("Content-Security-Policy", &policy));
                }
                if path.starts_with("/consent/") {
                    // Lets a sandboxed (opaque-origin) frame load the banner too.
                    response = response.with_header(header("Access-Control-Allow-Origin", "*"));
                }
                response
            }
            Err(_) => text(404, "not found"),
        },
        None => text(404, "not found"),
    }
}

/// A page that contains `{{NONCE}}` is served with a strict
/// Content-Security-Policy and a fresh nonce in its place: the policy of a
/// careful site, which the banner must work under. It allows scripts from the
/// site and with the nonce, the vendors' hosts (the banner decides whether
/// anything from them loads), and styles from the site only.
fn with_nonce(bytes: Vec<u8>) -> (Vec<u8>, Option<String>) {
    const MARK: &[u8] = b"{{NONCE}}";
    if !bytes.windows(MARK.len()).any(|w| w == MARK) {
        return (bytes, None);
    }
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let nonce = format!(
        "{:016x}",
        (time ^ count.rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    );
    let page = String::from_utf8_lossy(&bytes).replace("{{NONCE}}", &nonce);
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}' https://www.googletagmanager.com \
         https://connect.facebook.net https://www.instagram.com https://platform.linkedin.com; style-src 'self'; \
         object-src 'none'; frame-src https://www.youtube-nocookie.com https://www.facebook.com \
         https://www.instagram.com https://www.linkedin.com; img-src 'self' https://www.google-analytics.com \
         https://www.facebook.com; connect-src 'self' https://*.google-analytics.com https://*.analytics.google.com \
         https://www.facebook.com"
    );
    (page.into_bytes(), Some(policy))
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.as_bytes().to_vec())
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

/// The file for a request, or `None`. Paths with `..` or other tricks never
/// leave the served directories.
fn resolve(host: &str, path: &str) -> Option<PathBuf> {
    let relative = Path::new(path.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    if let Ok(asset) = relative.strip_prefix("consent") {
        return existing(root().join("target/www/consent").join(asset));
    }
    if let Ok(asset) = relative.strip_prefix("assets") {
        return existing(root().join("www/demo/assets").join(asset));
    }
    let host = host.split(':').next().unwrap_or("");
    let site = host
        .strip_suffix(".localhost")
        .map(|s| s.strip_prefix("www.").unwrap_or(s));
    let dir = match site {
        Some(site) if SITES.contains(&site) => root().join("www/demo").join(site),
        _ => root().join("www/demo"),
    };
    let base = dir.join(relative);
    if path.ends_with('/') || path.is_empty() {
        return existing(base.join("index.html"));
    }
    existing(base.clone()).or_else(|| existing(base.with_extension("html")))
}

fn existing(path: PathBuf) -> Option<PathBuf> {
    path.is_file().then_some(path)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_pages_get_a_fresh_nonce_and_a_strict_policy() {
        let (page, policy) = with_nonce(b"<script nonce=\"{{NONCE}}\">".to_vec());
        let policy = policy.expect("a policy");
        let page = String::from_utf8(page).unwrap();
        let nonce = &page[15..31];
        assert!(
            policy.contains(&format!("'nonce-{nonce}'")) && policy.contains("style-src 'self';"),
            "{policy}"
        );
        let (again, _) = with_nonce(b"{{NONCE}}".to_vec());
        assert_ne!(String::from_utf8(again).unwrap(), nonce, "a new nonce per response");
        assert_eq!(with_nonce(b"plain".to_vec()), (b"plain".to_vec(), None));
    }

    #[test]
    fn resolves_sites_and_refuses_escapes() {
        let demo = root().join("www/demo");
        assert_eq!(
            resolve("diffo.fi.localhost:8080", "/"),
            Some(demo.join("diffo.fi/index.html"))
        );
        assert_eq!(
            resolve("www.diffo.se.localhost", "/"),
            Some(demo.join("diffo.se/index.html"))
        );
        assert_eq!(
            resolve("diffo.fi.localhost", "/tietosuojaseloste"),
            Some(demo.join("diffo.fi/tietosuojaseloste.html"))
        );
        assert_eq!(resolve("127.0.0.1:8080", "/"), Some(demo.join("index.html")));
        for path in [
            "/../Cargo.toml",
            "/consent/../../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "//etc/passwd",
        ] {
            assert_eq!(resolve("diffo.fi.localhost", path), None, "{path}");
        }
    }
}
