//! The dashboard's login: passwords (Argon2), sessions (in memory) and the CSRF check.
//!
//! A session is a random 256-bit token in an `HttpOnly`, `SameSite=Strict` cookie
//! (`Secure` unless configured off). The server keeps only a hash of each token, with its
//! user and expiry, in memory: a restart signs everyone out. Every POST of the dashboard
//! must come from the same origin (its `Origin`, or else `Referer`, names the host the
//! request was sent to), on top of `SameSite=Strict`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use axum::http::{header, HeaderMap};
use blake2::{Blake2s256, Digest};

use crate::config::User;

/// The session cookie's name.
pub const COOKIE: &str = "consent_log_session";

/// How long a session lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// The most sessions kept at once; the oldest is dropped beyond this.
const MAX_SESSIONS: usize = 10_000;

/// The sessions in memory.
#[derive(Default)]
pub struct Sessions {
    by_hash: Mutex<HashMap<[u8; 32], Session>>,
}

struct Session {
    user: String,
    expires: Instant,
}

impl Sessions {
    /// Starts a session for `user`; returns its token (64 hex characters).
    pub fn create(&self, user: &str, now: Instant) -> String {
        let mut bytes = [0; 32];
        getrandom::fill(&mut bytes).expect("the operating system's random source failed");
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut sessions = self.by_hash.lock().unwrap_or_else(|p| p.into_inner());
        sessions.retain(|_, session| session.expires > now);
        if sessions.len() >= MAX_SESSIONS {
            if let Some(oldest) = sessions.iter().min_by_key(|(_, s)| s.expires).map(|(k, _)| *k) {
                sessions.remove(&oldest);
            }
        }
        sessions.insert(
            token_hash(&token),
            Session {
                user: user.to_string(),
                expires: now + SESSION_LIFETIME,
            },
        );
        token
    }

    /// The user of a live session.
    pub fn user(&self, token: &str, now: Instant) -> Option<String> {
        let sessions = self.by_hash.lock().unwrap_or_else(|p| p.into_inner());
        sessions
            .get(&token_hash(token))
            .filter(|s| s.expires > now)
            .map(|s| s.user.clone())
    }

    /// Ends a session.
    pub fn remove(&self, token: &str) {
        self.by_hash
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&token_hash(token));
    }
}

fn token_hash(token: &str) -> [u8; 32] {
    Blake2s256::digest(token.as_bytes()).into()
}

/// The session token in a request's cookies, if any.
pub fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE && !value.is_empty()).then(|| value.to_string())
        })
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        SESSION_LIFETIME.as_secs()
    )
}

/// The `Set-Cookie` value that ends a session.
pub fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}")
}

/// Whether `password` is the password of the user `name`.
///
/// An unknown name costs the same as a known one (a hash is verified either way), so
/// the time taken does not tell which names exist. This is slow on purpose: run it on a
/// blocking thread.
pub fn verify(users: &[User], name: &str, password: &str) -> bool {
    let user = users.iter().find(|u| u.name == name);
    let Some(against) = user.or(users.first()) else {
        return false;
    };
    let Ok(hash) = PasswordHash::new(&against.password_hash) else {
        return false;
    };
    let matches = Argon2::default().verify_password(password.as_bytes(), &hash).is_ok();
    matches && user.is_some()
}

/// Hashes a password with Argon2id and a random salt, as a PHC string for the config.
pub fn hash_password(password: &str) -> Result<String, String> {
    hash_with(password, Params::default(), &random_salt()?)
}

/// Hashes a password with Argon2id (version 0x13) at `params` with `salt`, as a PHC
/// string. The service hashes at the defaults ([`hash_password`]); tests and the
/// benchmark use tiny parameters, so that logging in is quick.
pub fn hash_with(password: &str, params: Params, salt: &[u8]) -> Result<String, String> {
    let salt = SaltString::encode_b64(salt).map_err(|e| e.to_string())?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| e.to_string())
}

/// 16 random bytes for a salt.
pub fn random_salt() -> Result<[u8; 16], String> {
    let mut salt = [0; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("no random salt: {e}"))?;
    Ok(salt)
}

/// Whether a state-changing request comes from a page of this service: its `Origin`
/// (or, without one, its `Referer`) names the host it was sent to.
///
/// The host is the `Host` header, or the first `X-Forwarded-Host` when forwarded headers
/// are trusted (behind a reverse proxy that rewrites `Host`).
pub fn same_origin(headers: &HeaderMap, trust_forwarded: bool) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = trust_forwarded
        .then(|| {
            text("x-forwarded-host")
                .and_then(|v| v.split(',').next())
                .map(str::trim)
        })
        .flatten()
        .or_else(|| text("host"));
    let source = text("origin").or_else(|| text("referer"));
    let (Some(host), Some(source)) = (host, source) else {
        return false;
    };
    let Some(rest) = source
        .strip_prefix("https://")
        .or_else(|| source.strip_prefix("http://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty() && authority.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    /// A hash with tiny parameters, so that tests stay fast.
    pub fn cheap_hash(password: &str) -> String {
        hash_with(password, Params::new(8, 1, 1, None).unwrap(), b"0123456789abcdef").unwrap()
    }

    #[test]
    fn passwords_verify_only_for_their_user() {
        let users = vec![
            User {
                name: "anna".to_string(),
                password_hash: cheap_hash("correct horse"),
            },
            User {
                name: "ben".to_string(),
                password_hash: cheap_hash("battery staple"),
            },
        ];
        assert!(verify(&users, "anna", "correct horse"));
        assert!(verify(&users, "ben", "battery staple"));
        assert!(!verify(&users, "anna", "battery staple"));
        assert!(!verify(&users, "ben", "correct horse"));
        assert!(!verify(&users, "Anna", "correct horse"));
        // An unknown name with the first user's password still fails.
        assert!(!verify(&users, "nobody", "correct horse"));
        assert!(!verify(&[], "anna", "correct horse"));
    }

    #[test]
    fn sessions_expire_and_end() {
        let sessions = Sessions::default();
        let t0 = Instant::now();
        let token = sessions.create("anna", t0);
        assert_eq!(token.len(), 64);
        assert_eq!(sessions.user(&token, t0).as_deref(), Some("anna"));
        assert_eq!(sessions.user(&token, t0 + SESSION_LIFETIME), None);
        assert_eq!(sessions.user("0".repeat(64).as_str(), t0), None);
        sessions.remove(&token);
        assert_eq!(sessions.user(&token, t0), None);
        assert_ne!(sessions.create("anna", t0), sessions.create("anna", t0));
    }

    #[test]
    fn cookies_are_read_and_written() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; consent_log_session=abc; b=2"),
        );
        assert_eq!(token(&headers).as_deref(), Some("abc"));
        assert_eq!(token(&HeaderMap::new()), None);
        assert_eq!(
            session_cookie("abc", true),
            "consent_log_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200; Secure"
        );
        assert_eq!(
            clear_cookie(false),
            "consent_log_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
        );
    }

    #[track_caller]
    fn check_origin(pairs: &[(&'static str, &'static str)], trust: bool, expected: bool) {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        assert_eq!(same_origin(&headers, trust), expected, "{pairs:?}");
    }

    #[test]
    fn posts_must_come_from_the_same_origin() {
        check_origin(
            &[("host", "log.diffo.fi"), ("origin", "https://log.diffo.fi")],
            false,
            true,
        );
        check_origin(
            &[("host", "127.0.0.1:8081"), ("origin", "http://127.0.0.1:8081")],
            false,
            true,
        );
        check_origin(
            &[
                ("host", "log.diffo.fi"),
                ("referer", "https://log.diffo.fi/consent-log/login"),
            ],
            false,
            true,
        );
        check_origin(
            &[("host", "log.diffo.fi"), ("origin", "https://evil.example")],
            false,
            false,
        );
        check_origin(
            &[
                ("host", "log.diffo.fi"),
                ("origin", "https://log.diffo.fi.evil.example"),
            ],
            false,
            false,
        );
        check_origin(&[("host", "log.diffo.fi"), ("origin", "null")], false, false);
        check_origin(&[("host", "log.diffo.fi")], false, false);
        check_origin(&[("origin", "https://log.diffo.fi")], false, false);
        check_origin(
            &[
                ("host", "127.0.0.1:8081"),
                ("x-forwarded-host", "log.diffo.fi"),
                ("origin", "https://log.diffo.fi"),
            ],
            true,
            true,
        );
        check_origin(
            &[
                ("host", "127.0.0.1:8081"),
                ("x-forwarded-host", "log.diffo.fi"),
                ("origin", "https://log.diffo.fi"),
            ],
            false,
            false,
        );
    }
}
