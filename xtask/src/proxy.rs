//! The demo's reverse proxy: every site serves the consent log under
//! `/consent-log/`, as a production site would through its web server, so
//! the banner reports first-party and the visitor's receipt link stays on the
//! site. Like a careful production proxy, it forwards no cookies and passes
//! the client's address in `X-Forwarded-For` (for the service's in-memory
//! rate limit; the service never stores it).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;
use tiny_http::{Header, Request, Response};

/// The request headers passed on; everything else (cookies above all) stays.
const FORWARDED: [&str; 5] = ["Origin", "Content-Type", "Accept", "Accept-Language", "Referer"];

/// The most of a request body read and passed on; the service refuses
/// bodies far smaller than this itself, with its own message.
const MAX_BODY: u64 = 64 * 1024;

/// Forwards `request` (whose path, without the `/consent-log` prefix, is
/// `path`) to the service at `upstream` and returns its answer, or a 502.
pub fn forward(request: &mut Request, upstream: SocketAddr, path: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    match exchange(request, upstream, path) {
        Ok(response) => response,
        Err(e) => {
            Response::from_data(format!("the consent log is not reachable: {e}").into_bytes()).with_status_code(502)
        }
    }
}

fn exchange(
    request: &mut Request,
    upstream: SocketAddr,
    path: &str,
) -> std::io::Result<Response<std::io::Cursor<Vec<u8>>>> {
    let mut body = Vec::new();
    request.as_reader().take(MAX_BODY).read_to_end(&mut body)?;
    // HTTP/1.0, so the answer is never chunked and ends when the connection does.
    let mut head = format!("{} {path} HTTP/1.0\r\nHost: {upstream}\r\n", request.method());
    for h in request.headers() {
        if FORWARDED.iter().any(|name| h.field.equiv(name)) {
            head.push_str(&format!("{}: {}\r\n", h.field, h.value));
        }
    }
    if let Some(client) = request.remote_addr() {
        head.push_str(&format!("X-Forwarded-For: {}\r\n", client.ip()));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()));

    let mut stream = TcpStream::connect_timeout(&upstream, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    parse(&answer).ok_or_else(|| std::io::Error::other("the service's answer is not HTTP"))
}

/// A response from the bytes of an HTTP/1.x answer.
fn parse(answer: &[u8]) -> Option<Response<std::io::Cursor<Vec<u8>>>> {
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&answer[..split]).ok()?;
    let body = answer[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut response = Response::from_data(body).with_status_code(status);
    for line in lines {
        let (name, value) = line.split_once(':')?;
        // tiny_http sets the framing headers itself.
        if ["content-length", "connection", "transfer-encoding", "date", "server"]
            .contains(&name.trim().to_ascii_lowercase().as_str())
        {
            continue;
        }
        response.add_header(Header::from_bytes(name.trim().as_bytes(), value.trim().as_bytes()).ok()?);
    }
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_parsed_with_their_headers_and_body() {
        let response =
            parse(b"HTTP/1.1 303 See Other\r\nLocation: login\r\nContent-Length: 2\r\nSet-Cookie: a=b\r\n\r\nok")
                .expect("an answer");
        assert_eq!(response.status_code().0, 303);
        let names: Vec<String> = response.headers().iter().map(|h| h.field.to_string()).collect();
        assert_eq!(names, ["Location", "Set-Cookie"]);
        assert!(parse(b"garbage").is_none());
    }
}
