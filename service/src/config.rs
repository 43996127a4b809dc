//! The service's configuration: a TOML file, read strictly.
//!
//! `service/consent-log.example.toml` documents every field. An unknown field, a wrong
//! type or an implausible value is an error that names the field; the binary then exits
//! with status 2.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use argon2::PasswordHash;
use serde::Deserialize;

use crate::event::Sites;

/// The checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address the service listens on.
    pub listen: SocketAddr,
    /// The SQLite file (a relative path is relative to the config file's folder).
    pub database: PathBuf,
    /// Decisions older than this many days are deleted (the daily counts stay).
    pub retention_days: u32,
    /// Events accepted per client and minute; 0 turns the limit off.
    pub rate_limit_per_minute: u32,
    /// Whether the client is the first address of `X-Forwarded-For` (behind a proxy).
    pub trust_forwarded_for: bool,
    /// Whether the dashboard's session cookie has the `Secure` flag.
    pub secure_cookie: bool,
    /// The sites, by name, each with the origins allowed to send its events.
    pub sites: BTreeMap<Arc<str>, Vec<String>>,
    /// The dashboard's users.
    pub users: Vec<User>,
}

/// A dashboard user.
#[derive(Clone)]
pub struct User {
    /// The login name.
    pub name: String,
    /// The password's Argon2 hash, as a PHC string.
    pub password_hash: String,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User").field("name", &self.name).finish_non_exhaustive()
    }
}

/// A configuration that cannot be used: what is wrong, naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default = "default_listen")]
    listen: String,
    #[serde(default = "default_database")]
    database: String,
    #[serde(default = "default_retention_days")]
    retention_days: u32,
    #[serde(default = "default_rate_limit")]
    rate_limit_per_minute: u32,
    #[serde(default)]
    trust_forwarded_for: bool,
    #[serde(default = "yes")]
    secure_cookie: bool,
    sites: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    users: Vec<RawUser>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUser {
    name: String,
    password_hash: String,
}

fn default_listen() -> String {
    "127.0.0.1:8081".to_string()
}

fn default_database() -> String {
    "consent-log.sqlite".to_string()
}

fn default_retention_days() -> u32 {
    1095
}

fn default_rate_limit() -> u32 {
    120
}

fn yes() -> bool {
    true
}

/// The longest retention accepted: 30 years.
const MAX_RETENTION_DAYS: u32 = 30 * 366;

impl Config {
    /// Reads and checks the config file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read the config file {}: {e}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new(""));
        Config::parse(&text, base).map_err(|ConfigError(e)| ConfigError(format!("{}: {e}", path.display())))
    }

    /// Checks a config given as TOML text; a relative `database` is taken relative to `base`.
    pub fn parse(text: &str, base: &Path) -> Result<Config, ConfigError> {
        let raw: Raw = toml::from_str(text).map_err(|e| ConfigError(e.to_string().trim_end().to_string()))?;
        let listen = raw.listen.parse().map_err(|_| {
            ConfigError(format!(
                "listen: {:?} is not an address with a port, like \"127.0.0.1:8081\"",
                raw.listen
            ))
        })?;
        if raw.database.trim().is_empty() {
            return Err(ConfigError("database: the path is empty".to_string()));
        }
        let database = base.join(&raw.database);
        if !(1..=MAX_RETENTION_DAYS).contains(&raw.retention_days) {
            return Err(ConfigError(format!(
                "retention_days: must be between 1 and {MAX_RETENTION_DAYS}"
            )));
        }
        if raw.sites.is_empty() {
            return Err(ConfigError("sites: at least one site is needed".to_string()));
        }
        let mut sites = BTreeMap::new();
        for (name, origins) in raw.sites {
            if !is_site_name(&name) {
                return Err(ConfigError(format!(
                    "sites: {name:?} is not a site name (lowercase letters, digits, dots and hyphens)"
                )));
            }
            if origins.is_empty() {
                return Err(ConfigError(format!("sites.\"{name}\": at least one origin is needed")));
            }
            for origin in &origins {
                if !is_origin(origin) {
                    return Err(ConfigError(format!(
                        "sites.\"{name}\": {origin:?} is not an origin like \"https://www.example.com\" (scheme and host in lowercase, optional port, no path)"
                    )));
                }
            }
            sites.insert(Arc::from(name), origins);
        }
        let mut users = Vec::new();
        let mut names = HashSet::new();
        for (i, user) in raw.users.into_iter().enumerate() {
            if user.name.trim().is_empty() || user.name.len() > 100 {
                return Err(ConfigError(format!("users[{i}].name: must be 1 to 100 characters")));
            }
            if !names.insert(user.name.clone()) {
                return Err(ConfigError(format!("users[{i}].name: {:?} is listed twice", user.name)));
            }
            match PasswordHash::new(&user.password_hash) {
                Ok(hash) if hash.algorithm.as_str().starts_with("argon2") => {}
                _ => {
                    return Err(ConfigError(format!(
                        "users[{i}].password_hash: not an Argon2 PHC string (make one with `consent-log hash-password`)"
                    )))
                }
            }
            users.push(User {
                name: user.name,
                password_hash: user.password_hash,
            });
        }
        Ok(Config {
            listen,
            database,
            retention_days: raw.retention_days,
            rate_limit_per_minute: raw.rate_limit_per_minute,
            trust_forwarded_for: raw.trust_forwarded_for,
            secure_cookie: raw.secure_cookie,
            sites,
            users,
        })
    }

    /// Every allowed origin, with the sites it may send events for.
    pub fn origins(&self) -> HashMap<String, Vec<Arc<str>>> {
        let mut origins: HashMap<String, Vec<Arc<str>>> = HashMap::new();
        for (site, list) in &self.sites {
            for origin in list {
                origins.entry(origin.clone()).or_default().push(site.clone());
            }
        }
        origins
    }
}

impl Sites for Config {
    fn site(&self, name: &str) -> Option<Arc<str>> {
        self.sites.get_key_value(name).map(|(site, _)| site.clone())
    }
}

fn is_site_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
}

/// Whether `text` is a serialized origin as browsers send it: `http(s)://host[:port]`.
fn is_origin(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")) else {
        return false;
    };
    let (host, port) = if let Some(inner) = rest.strip_prefix('[') {
        // An IPv6 literal.
        let Some((address, after)) = inner.split_once(']') else {
            return false;
        };
        if address.is_empty()
            || !address
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase() || c == b':')
        {
            return false;
        }
        match after {
            "" => (None, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (None, Some(port)),
                None => return false,
            },
        }
    } else {
        match rest.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(rest), None),
        }
    };
    let host_ok = host.is_none_or(|host| {
        !host.is_empty()
            && host
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
    });
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|c| c.is_ascii_digit()));
    host_ok && port_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$VMDWaPlHtp3tL4pYhz0EtQ";

    #[track_caller]
    fn check(text: &str, expected: Result<(), &str>) {
        let got = Config::parse(text, Path::new("/srv"));
        match (got, expected) {
            (Ok(_), Ok(())) => {}
            (Err(ConfigError(got)), Err(want)) => {
                assert!(got.contains(want), "{text}\n  error: {got}\n  wanted: {want}")
            }
            (got, _) => panic!("{text}\n  got {got:?}\n  wanted {expected:?}"),
        }
    }

    const SITES: &str = "[sites]\n\"diffo.fi\" = [\"https://www.diffo.fi\", \"https://diffo.fi\"]\n";

    #[test]
    fn the_example_config_is_valid() {
        let text = include_str!("../consent-log.example.toml");
        let config = Config::parse(text, Path::new("/srv")).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8081");
        assert_eq!(config.database, Path::new("/srv/consent-log.sqlite"));
        assert_eq!(config.sites.len(), 3);
        assert_eq!(config.users.len(), 1);
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        let config = Config::parse(SITES, Path::new("/srv")).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8081");
        assert_eq!(config.database, Path::new("/srv/consent-log.sqlite"));
        assert_eq!((config.retention_days, config.rate_limit_per_minute), (1095, 120));
        assert!(!config.trust_forwarded_for && config.secure_cookie && config.users.is_empty());
        assert_eq!(config.origins()["https://diffo.fi"], vec![Arc::<str>::from("diffo.fi")]);
        let absolute = Config::parse(
            &format!("database = \"/var/lib/log.sqlite\"\n{SITES}"),
            Path::new("/srv"),
        )
        .unwrap();
        assert_eq!(absolute.database, Path::new("/var/lib/log.sqlite"));
    }

    #[test]
    fn errors_name_the_field() {
        check(SITES, Ok(()));
        check("", Err("missing field `sites`"));
        check(
            &format!("listen = \"localhost\"\n{SITES}"),
            Err("listen: \"localhost\" is not an address"),
        );
        check(&format!("listen = 8081\n{SITES}"), Err("listen"));
        check(&format!("database = \"\"\n{SITES}"), Err("database: the path is empty"));
        check(
            &format!("retention_days = 0\n{SITES}"),
            Err("retention_days: must be between"),
        );
        check(&format!("retention_days = -1\n{SITES}"), Err("retention_days"));
        check(
            &format!("rate_limit_per_minute = \"many\"\n{SITES}"),
            Err("rate_limit_per_minute"),
        );
        check(
            &format!("secure_cookies = false\n{SITES}"),
            Err("unknown field `secure_cookies`"),
        );
        check("[sites]\n", Err("sites: at least one site"));
        check(
            "[sites]\n\"diffo.fi\" = []\n",
            Err("sites.\"diffo.fi\": at least one origin"),
        );
        check(
            "[sites]\n\"Diffo.fi\" = [\"https://diffo.fi\"]\n",
            Err("sites: \"Diffo.fi\" is not a site name"),
        );
        for origin in [
            "diffo.fi",
            "https://diffo.fi/",
            "https://DIFFO.fi",
            "https://diffo.fi/path",
            "ftp://diffo.fi",
            "https://diffo.fi:",
            "https://",
        ] {
            check(
                &format!("[sites]\n\"diffo.fi\" = [\"{origin}\"]\n"),
                Err("is not an origin"),
            );
        }
        check(
            "[sites]\n\"diffo.fi\" = [\"http://127.0.0.1:8080\", \"http://[::1]:8080\"]\n",
            Ok(()),
        );
        check(
            &format!("{SITES}[[users]]\nname = \"a\"\npassword_hash = \"{HASH}\"\n"),
            Ok(()),
        );
        check(
            &format!("{SITES}[[users]]\nname = \"a\"\npassword_hash = \"secret\"\n"),
            Err("users[0].password_hash: not an Argon2 PHC string"),
        );
        check(
            &format!("{SITES}[[users]]\nname = \"\"\npassword_hash = \"{HASH}\"\n"),
            Err("users[0].name"),
        );
        check(
            &format!("{SITES}[[users]]\nname = \"a\"\npassword_hash = \"{HASH}\"\n[[users]]\nname = \"a\"\npassword_hash = \"{HASH}\"\n"),
            Err("users[1].name: \"a\" is listed twice"),
        );
        check(
            &format!("{SITES}[[users]]\nname = \"a\"\n"),
            Err("missing field `password_hash`"),
        );
    }
}
