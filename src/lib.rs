//! The wasm module behind `consent.js`: the pure core, exported to the
//! JavaScript edge (`www/edge/`) through four string functions.
//!
//! The edge reads the page, storage, the clock and the random source, passes
//! them in, and carries out the JSON effects that come back (the format is
//! documented in `diffo_consent_core::protocol`). This crate holds the one
//! session of the page view between calls and nothing else; it has no web
//! dependencies, so its functions are tested on the host like the core.

// The release module has no standard library, so it carries no formatting
// or unwinding machinery; a panic (there should be none) traps. The `std`
// feature brings std back for the wasm tests, whose harness needs it.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use diffo_consent_core::config::{Site, SiteConfig};
use diffo_consent_core::protocol::{self, Page};
use diffo_consent_core::time::Timestamp;
use wasm_bindgen::prelude::*;

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// A small allocator: the banner allocates little and lives one page view,
/// and the default allocator would be a fifth of the module.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
#[allow(unsafe_code)]
// SAFETY: wasm32-unknown-unknown without threads runs on one thread only.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// The one session of the page view, kept between calls from the edge.
mod slot {
    use diffo_consent_core::session::Session;

    #[cfg(target_arch = "wasm32")]
    pub fn with<R>(f: impl FnOnce(&mut Option<Session>) -> R) -> R {
        struct Slot(core::cell::RefCell<Option<Session>>);
        // SAFETY: wasm32-unknown-unknown without threads has one thread, so
        // the slot is never reached from two threads.
        #[allow(unsafe_code)]
        unsafe impl Sync for Slot {}
        static SESSION: Slot = Slot(core::cell::RefCell::new(None));
        // The edge never calls in while a call runs, so the borrow is free.
        match SESSION.0.try_borrow_mut() {
            Ok(mut session) => f(&mut session),
            Err(_) => f(&mut None),
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn with<R>(f: impl FnOnce(&mut Option<Session>) -> R) -> R {
        std::thread_local! {
            static SESSION: core::cell::RefCell<Option<Session>> = const { core::cell::RefCell::new(None) };
        }
        SESSION.with(|s| f(&mut s.borrow_mut()))
    }
}

/// The built-in config of `site`, checked at build time by `build.rs`.
fn builtin(site: Site) -> Option<SiteConfig> {
    diffo_consent_core::builtin_config!(site)
}

/// The effects of [`start`] for every first visit (see
/// `diffo_consent_core::first::first_visits`), which `cargo xtask build`
/// writes into `consent.js` so that a first-time visitor sees the banner
/// before this module arrives. Not exported: it runs at build time.
#[cfg(not(target_arch = "wasm32"))]
pub fn first_visits() -> Vec<String> {
    diffo_consent_core::first::first_visits(builtin)
}

/// The first layer's decisions on every first visit, as templates (see
/// `diffo_consent_core::first::first_decisions`), which `cargo xtask build`
/// writes into `consent.js` so that a first-time visitor's click takes
/// effect before this module arrives. Not exported: it runs at build time.
#[cfg(not(target_arch = "wasm32"))]
pub fn first_decisions() -> Vec<String> {
    diffo_consent_core::first::first_decisions(builtin)
}

/// Starts the page view and returns the first effects. `facts` are the
/// page's facts, one on each line (`protocol::Page::read`); `config` is what
/// the config checker made of the `data-config` file; `stored` the text
/// under the storage key; `now` is `Date.now()`.
#[wasm_bindgen]
pub fn start(facts: &str, config: Option<Vec<u8>>, stored: Option<String>, now: f64) -> String {
    let page = Page {
        config: config.as_deref(),
        stored: stored.as_deref(),
        ..Page::read(facts)
    };
    let (session, effects) = protocol::start(&page, Timestamp::from_date_now(now), builtin);
    slot::with(|s| *s = session);
    effects
}

/// Applies one action (see `protocol::parse_action`) and returns its
/// effects. `random` is 16 bytes from `crypto.getRandomValues`.
#[wasm_bindgen]
pub fn act(action: &str, now: f64, random: &[u8]) -> String {
    let mut bytes = [0u8; 16];
    for (to, from) in bytes.iter_mut().zip(random) {
        *to = *from;
    }
    slot::with(|s| match s.as_mut() {
        Some(session) => protocol::act(session, action, Timestamp::from_date_now(now), bytes),
        None => protocol::error("the banner has not started"),
    })
}

/// The decision in force as JSON text, or `undefined`.
#[wasm_bindgen]
pub fn record() -> Option<String> {
    slot::with(|s| s.as_ref().and_then(|s| s.record().map(|r| r.to_json())))
}

/// Whether a page script with `data-consent="attr"` may run under the
/// consent of an `activate` command: `"run"`, `"hold"`, or why it never
/// will. Before the banner has started, nothing runs.
#[wasm_bindgen]
pub fn judge(attr: &str, consent: &str) -> String {
    slot::with(|s| match s.as_ref() {
        Some(s) => protocol::judge(s, attr, consent),
        None => String::from("hold"),
    })
}

/// What to delete for what the consent of a `forget` command refuses (see
/// `protocol::forget`); the name lists are joined with newlines.
#[wasm_bindgen]
pub fn forget(hostname: &str, pathname: &str, consent: &str, cookies: &str, local: &str, session: &str) -> String {
    slot::with(|s| match s.as_ref() {
        Some(s) => protocol::forget(s, hostname, pathname, consent, cookies, local, session),
        None => String::from("{}"),
    })
}

/// The view model of a `data-consent-declaration` element, which the
/// extra module renders.
#[wasm_bindgen]
pub fn declaration() -> String {
    slot::with(|s| s.as_ref().map(protocol::declaration_model).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_795_420_800_000.0;

    #[test]
    fn a_page_view_through_the_exports() {
        let first = start("diffo.se.localhost\n\n\nsv\nsv-SE\n", None, None, NOW);
        assert!(first.contains(r#"lang=\"sv\""#), "{first}");
        assert_eq!(record(), None);
        let accepted = act("accept-all", NOW + 1.0, &[5; 16]);
        assert!(accepted.contains(r#""store":"#));
        let stored = record().expect("a record after accepting");
        assert!(stored.contains(r#""analytics":true"#));
        // A return visit with that record loads the trackers without asking.
        let again = start("diffo.se.localhost", None, Some(stored), NOW + 2.0);
        assert!(
            again.contains(r#"["load","google-analytics","#) && !again.contains(r#""focus""#),
            "{again}"
        );
        assert_eq!(judge("analytics", "1.1"), "run");
        assert_eq!(judge("analytics", "0.0"), "hold");
    }

    /// What `cargo xtask build` writes into `consent.js` for first visits is
    /// what this module's `start` returns for them.
    #[test]
    fn first_visits_are_what_this_module_starts_with() {
        let all = first_visits();
        let page = |site: usize, lang: usize, gpc: bool| &all[(site * 3 + lang) * 2 + usize::from(gpc)];
        for (host, html, site, lang) in [("www.diffo.fi", "fi", 0, 0), ("diffo.se.localhost", "en", 2, 1)] {
            for gpc in [false, true] {
                let started = start(
                    &format!("{host}\n\n\n{html}\n\n{}", if gpc { "1" } else { "" }),
                    None,
                    None,
                    NOW,
                );
                assert_eq!(&started, page(site, lang, gpc));
            }
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        start("diffo.fi", None, Some("\u{0}".into()), NOW);
        // Too few random bytes still make a valid (if less random) id.
        assert!(act("reject-all", NOW, &[1, 2]).contains(r#""store""#));
        let failed = start("example.org", None, None, NOW);
        assert!(failed.starts_with(r#"{"error":"#));
        assert_eq!(
            act("accept-all", NOW, &[0; 16]),
            r#"{"error":"the banner has not started"}"#
        );
    }
}
