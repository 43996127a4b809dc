//! What to delete when services or categories are refused: the first-party
//! cookies and storage keys the declaration lists for them, on every domain
//! level a vendor may have set them on.
//!
//! Google Analytics sets `_ga` on the highest domain it can (`.diffo.fi` for
//! a visitor on `www.diffo.fi`), so deleting it on the current host alone
//! would leave it in place. The edge cannot see a cookie's domain, only its
//! name, so it tries every level that [`cookie_domains`] names; the browser
//! ignores the levels where the cookie is not.

use crate::category::Category;
use crate::config::SiteConfig;
use crate::consent::Consent;
use crate::declaration::{Entry, Kind, Party};
use crate::prelude::*;

/// The `Domain` values to delete a cookie on, for a page on `hostname`:
/// the host itself and each parent with at least two labels (`diffo.fi`, but
/// not `fi`). An IP address has no parents. The edge also deletes the
/// host-only cookie (no `Domain` at all).
///
/// ```
/// use diffo_consent_core::forget::cookie_domains;
/// assert_eq!(cookie_domains("www.diffo.fi"), ["www.diffo.fi", "diffo.fi"]);
/// assert_eq!(cookie_domains("127.0.0.1"), Vec::<String>::new());
/// ```
pub fn cookie_domains(hostname: &str) -> Vec<String> {
    let host = hostname.trim_end_matches('.').to_ascii_lowercase();
    // A string search would pull panicking slice code into the wasm: bytes.
    let is_ip = host.bytes().all(|b| b.is_ascii_digit() || b == b'.') || host.bytes().any(|b| b == b':');
    if is_ip || host.is_empty() {
        return Vec::new();
    }
    let labels: Vec<&str> = host.split('.').collect();
    (0..labels.len().saturating_sub(1))
        .map(|i| labels[i..].join("."))
        .collect()
}

/// The `Path` values to delete a cookie on, for a page at `pathname`: the
/// root and every directory down to the page itself, as far as ten levels
/// (vendors set their cookies on `/`, but a cookie without a `Path` gets
/// the page's directory).
///
/// ```
/// use diffo_consent_core::forget::cookie_paths;
/// assert_eq!(cookie_paths("/blog/2026/post"), ["/", "/blog", "/blog/2026", "/blog/2026/post"]);
/// ```
pub fn cookie_paths(pathname: &str) -> Vec<String> {
    let mut out = vec!["/".to_string()];
    let mut path = String::new();
    for segment in pathname.split('/').filter(|s| !s.is_empty()).take(10) {
        path.push('/');
        path.push_str(segment);
        out.push(path.clone());
    }
    out
}

/// Which present names to delete.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    /// Cookie names (delete on the host and every domain of [`cookie_domains`]).
    pub cookies: Vec<String>,
    /// `localStorage` keys.
    pub local: Vec<String>,
    /// `sessionStorage` keys.
    pub session: Vec<String>,
}

impl Sweep {
    /// Whether there is nothing to delete.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty() && self.local.is_empty() && self.session.is_empty()
    }
}

/// The present cookies and storage keys that `allowed` refuses, by the
/// declaration's first-party entries: those of a refused service, and the
/// site's own of a refused category. A name that something allowed also
/// declares stays (a Tag Manager container may set `_ga` as Google
/// Analytics does), and names that no entry declares are never touched: the
/// banner deletes only what it knows.
pub fn sweep(config: &SiteConfig, allowed: Consent, cookies: &[&str], local: &[&str], session: &[&str]) -> Sweep {
    let owned = |owner: Option<usize>, e: &Entry| match owner {
        Some(i) => allowed.allows_service(i),
        None => allowed.allows(e.category),
    };
    let (kept, refused): (Vec<_>, Vec<_>) = config
        .declaration()
        .filter(|(_, e)| e.party == Party::First)
        .partition(|(owner, e)| e.category == Category::Necessary || owned(*owner, e));
    let pick = |kind: Kind, present: &[&str]| -> Vec<String> {
        let declared = |entries: &[(Option<usize>, &Entry)], name: &str| {
            entries.iter().any(|(_, e)| e.kind == kind && e.matches(name))
        };
        let mut out: Vec<String> = present
            .iter()
            .filter(|name| declared(&refused, name) && !declared(&kept, name))
            .map(|name| name.to_string())
            .collect();
        out.dedup();
        out
    };
    Sweep {
        cookies: pick(Kind::Cookie, cookies),
        local: pick(Kind::LocalStorage, local),
        session: pick(Kind::SessionStorage, session),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Site, SiteConfig};

    #[test]
    fn path_levels() {
        assert_eq!(cookie_paths("/"), ["/"]);
        assert_eq!(cookie_paths(""), ["/"]);
        assert_eq!(cookie_paths("/tietosuojaseloste"), ["/", "/tietosuojaseloste"]);
        assert_eq!(cookie_paths("/a//b/"), ["/", "/a", "/a/b"]);
        assert_eq!(cookie_paths(&"/x".repeat(50)).len(), 11);
    }

    #[test]
    fn domain_levels() {
        for (host, expected) in [
            ("www.diffo.fi", vec!["www.diffo.fi", "diffo.fi"]),
            ("diffo.fi", vec!["diffo.fi"]),
            ("WWW.Diffo.SE.", vec!["www.diffo.se", "diffo.se"]),
            ("diffo.fi.localhost", vec!["diffo.fi.localhost", "fi.localhost"]),
            (
                "a.b.diffosolutions.com",
                vec!["a.b.diffosolutions.com", "b.diffosolutions.com", "diffosolutions.com"],
            ),
            ("localhost", vec![]),
            ("127.0.0.1", vec![]),
            ("[::1]", vec![]),
            ("", vec![]),
        ] {
            assert_eq!(cookie_domains(host), expected, "{host}");
        }
    }

    /// Which cookies to clear for which consent, with the built-in
    /// declaration.
    #[test]
    fn sweep_table() {
        let config = SiteConfig::builtin(Site::DiffoFi).unwrap();
        let present = [
            "_ga",
            "_ga_DIFFOFI00",
            "_gid",
            "_fbp",
            "_fbc",
            "li_gc",
            "session_id",
            "diffo-consent",
            "_gat",
        ];
        let local = ["diffo-consent", "li_adsId", "theme"];
        let category = |c: Category| Consent::NONE.with_category(&config.services, c, true);
        let ga = ["_ga", "_ga_DIFFOFI00", "_gid"];
        let pixel = ["_fbp", "_fbc"];
        for (allowed, cookies) in [
            (Consent::all(&config.services), vec![]),
            (Consent::NONE, [&ga[..], &pixel].concat()),
            (category(Category::Analytics), pixel.to_vec()),
            (category(Category::Marketing), ga.to_vec()),
            // The social services set no first-party cookie.
            (category(Category::Social), [&ga[..], &pixel].concat()),
        ] {
            let s = sweep(&config, allowed, &present, &local, &[]);
            assert_eq!(s.cookies, cookies, "{}", allowed.token());
            assert!(
                s.local.is_empty() && s.session.is_empty(),
                "nothing declared in storage is refused"
            );
        }
    }

    /// A name declared by a refused service stays while an allowed one
    /// declares it too.
    #[test]
    fn a_name_two_services_declare_stays_while_one_is_allowed() {
        let mut config = SiteConfig::builtin(Site::DiffoFi).unwrap();
        let gtm = crate::service::tests::INSIGHT
            .replace("linkedin-insight", "google-tag-manager")
            .replace(r#""name": "li_fat_id""#, r#""name": "_ga""#);
        config.apply_json(&format!(r#"{{"services": [{gtm}]}}"#)).unwrap();
        let i = config.service_index("google-tag-manager").unwrap();
        let only_gtm = Consent::NONE.with_service(&config.services, i, true);
        let s = sweep(&config, only_gtm, &["_ga", "_gid"], &[], &[]);
        assert_eq!(s.cookies, ["_gid"]);
        let s = sweep(&config, Consent::NONE, &["_ga", "_gid"], &[], &[]);
        assert_eq!(s.cookies, ["_ga", "_gid"]);
    }

    /// The site's own entries follow their category.
    #[test]
    fn the_sites_own_entries_follow_their_category() {
        let mut config = SiteConfig::builtin(Site::DiffoFi).unwrap();
        config
            .apply_json(
                r#"{"cookies": [{"category": "analytics", "name": "diffo_ab", "kind": "localStorage",
                    "provider": "Diffo Solutions Oy", "party": "first", "lifetime": "30 days",
                    "purpose": {"fi": "A/B-testi.", "en": "An A/B test.", "sv": "Ett A/B-test."}}]}"#,
            )
            .unwrap();
        let analytics = Consent::NONE.with_category(&config.services, Category::Analytics, true);
        assert_eq!(
            sweep(&config, Consent::NONE, &[], &["diffo_ab"], &[]).local,
            ["diffo_ab"]
        );
        assert!(sweep(&config, analytics, &[], &["diffo_ab"], &[]).local.is_empty());
    }
}
