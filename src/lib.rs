//! The wasm module behind `consent.js`: the pure core, exported to the
//! JavaScript edge (`www/edge/`) through a few functions on text.
//!
//! The edge reads the page, storage, the clock and the random source, passes
//! them in, and carries out the JSON effects that come back (the format is
//! documented in `diffo_consent_core::protocol`). This crate holds the one
//! session of the page view between calls and nothing else; it has no web
//! dependencies, so its functions are tested on the host like the core.
//!
//! The exports are plain wasm functions, as the other two modules', so no
//! generated glue is needed: `input(len)` returns where to write `len`
//! bytes of input, a function works on them and returns where its answer
//! is (0 for none), and `output_len()` gives the answer's length. The input
//! is the call's text arguments as [`fields`]; a time is passed as a
//! number.

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
pub fn record() -> Option<String> {
    slot::with(|s| s.as_ref().and_then(|s| s.record().map(|r| r.to_json())))
}

/// Whether a page script with `data-consent="attr"` may run under the
/// consent of an `activate` command: `"run"`, `"hold"`, or why it never
/// will. Before the banner has started, nothing runs.
pub fn judge(attr: &str, consent: &str) -> String {
    slot::with(|s| match s.as_ref() {
        Some(s) => protocol::judge(s, attr, consent),
        None => String::from("hold"),
    })
}

/// What to delete for what the consent of a `forget` command refuses (see
/// `protocol::forget`); the name lists are joined with newlines.
pub fn forget(hostname: &str, pathname: &str, consent: &str, cookies: &str, local: &str, session: &str) -> String {
    slot::with(|s| match s.as_ref() {
        Some(s) => protocol::forget(s, hostname, pathname, consent, cookies, local, session),
        None => String::from("{}"),
    })
}

/// The view model of a `data-consent-declaration` element, which the
/// extra module renders.
pub fn declaration() -> String {
    slot::with(|s| s.as_ref().map(protocol::declaration_model).unwrap_or_default())
}

/// The text arguments of a call, each as its length (four little-endian
/// bytes; `u32::MAX` for an absent one) and its bytes. Missing or damaged
/// fields are absent.
pub fn fields<const N: usize>(input: &[u8]) -> [Option<&[u8]>; N] {
    let mut out = [None; N];
    let mut rest = input;
    for field in out.iter_mut() {
        let Some((len, tail)) = rest.split_first_chunk::<4>() else {
            break;
        };
        let len = u32::from_le_bytes(*len);
        rest = tail;
        if len == u32::MAX {
            continue;
        }
        let Some((bytes, tail)) = rest.split_at_checked(len as usize) else {
            break;
        };
        *field = Some(bytes);
        rest = tail;
    }
    out
}

/// A field as text (absent when it is not UTF-8).
fn text(field: Option<&[u8]>) -> Option<&str> {
    field.and_then(|bytes| core::str::from_utf8(bytes).ok())
}

/// [`start`] on its input as fields: the facts, the checked config and the
/// stored text.
pub fn start_call(input: &[u8], now: f64) -> Option<String> {
    let [facts, config, stored] = fields(input);
    Some(start(
        text(facts).unwrap_or_default(),
        config.map(Vec::from),
        text(stored).map(String::from),
        now,
    ))
}

/// [`act`] on its input as fields: the action and the random bytes.
pub fn act_call(input: &[u8], now: f64) -> Option<String> {
    let [action, random] = fields(input);
    Some(act(text(action).unwrap_or_default(), now, random.unwrap_or_default()))
}

/// [`judge`] on its input as fields: the attribute and the consent token.
pub fn judge_call(input: &[u8]) -> Option<String> {
    let [attr, consent] = fields(input);
    Some(judge(text(attr).unwrap_or_default(), text(consent).unwrap_or_default()))
}

/// [`forget`] on its input as fields, in the order of its arguments.
pub fn forget_call(input: &[u8]) -> Option<String> {
    let [a, b, c, d, e, f] = fields(input).map(|field| text(field).unwrap_or_default());
    Some(forget(a, b, c, d, e, f))
}

/// The plain wasm exports (see the crate's docs).
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod exports {
    use alloc::string::String;
    use alloc::vec::Vec;
    use core::cell::RefCell;

    struct Buffers(RefCell<(Vec<u8>, Option<String>)>);
    // SAFETY: wasm32-unknown-unknown without threads has one thread, so the
    // buffers are never reached from two threads.
    unsafe impl Sync for Buffers {}
    static BUFFERS: Buffers = Buffers(RefCell::new((Vec::new(), None)));

    fn answer(len: usize, work: impl FnOnce(&[u8]) -> Option<String>) -> *const u8 {
        let Ok(mut buffers) = BUFFERS.0.try_borrow_mut() else {
            return core::ptr::null();
        };
        let (input, output) = &mut *buffers;
        *output = work(input.get(..len).unwrap_or_default());
        output.as_ref().map_or(core::ptr::null(), |text| text.as_ptr())
    }

    /// Makes room for `len` bytes of input and returns where they go.
    #[no_mangle]
    pub extern "C" fn input(len: usize) -> *mut u8 {
        let Ok(mut buffers) = BUFFERS.0.try_borrow_mut() else {
            return core::ptr::null_mut();
        };
        buffers.0.clear();
        buffers.0.resize(len, 0);
        buffers.0.as_mut_ptr()
    }

    /// The length of the last answer.
    #[no_mangle]
    pub extern "C" fn output_len() -> usize {
        BUFFERS.0.borrow().1.as_ref().map_or(0, String::len)
    }

    #[export_name = "start"]
    extern "C" fn start(len: usize, now: f64) -> *const u8 {
        answer(len, |input| super::start_call(input, now))
    }

    #[export_name = "act"]
    extern "C" fn act(len: usize, now: f64) -> *const u8 {
        answer(len, |input| super::act_call(input, now))
    }

    #[export_name = "judge"]
    extern "C" fn judge(len: usize) -> *const u8 {
        answer(len, super::judge_call)
    }

    #[export_name = "forget"]
    extern "C" fn forget(len: usize) -> *const u8 {
        answer(len, super::forget_call)
    }

    #[export_name = "record"]
    extern "C" fn record() -> *const u8 {
        answer(0, |_| super::record())
    }

    #[export_name = "declaration"]
    extern "C" fn declaration() -> *const u8 {
        answer(0, |_| Some(super::declaration()))
    }
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

    /// The edge's way of writing fields (www/edge/modules.js).
    fn write(fields: &[Option<&[u8]>]) -> Vec<u8> {
        let mut out = Vec::new();
        for field in fields {
            match field {
                Some(bytes) => {
                    out.extend((bytes.len() as u32).to_le_bytes());
                    out.extend(*bytes);
                }
                None => out.extend(u32::MAX.to_le_bytes()),
            }
        }
        out
    }

    #[test]
    fn fields_are_read_as_written_and_damage_makes_them_absent() {
        let input = write(&[Some(b"diffo.fi"), None, Some(b""), Some(b"\n\x00")]);
        assert_eq!(
            fields::<4>(&input),
            [Some(&b"diffo.fi"[..]), None, Some(&b""[..]), Some(&b"\n\x00"[..])]
        );
        // Fewer fields than asked for, a length past the end, no input.
        assert_eq!(fields::<2>(&write(&[Some(b"a")])), [Some(&b"a"[..]), None]);
        assert_eq!(fields::<1>(&[9, 0, 0, 0, b'a']), [None]);
        assert_eq!(fields::<2>(&[]), [None, None]);
        // Text that is not UTF-8 is absent, so a start without facts fails.
        let started = start_call(&write(&[Some(&[0xff, 0xfe])]), NOW).unwrap();
        assert!(started.starts_with(r#"{"error":"#), "{started}");
    }

    #[test]
    fn the_calls_on_fields_are_the_functions() {
        let facts = "diffo.se.localhost\n\n\nsv\nsv-SE\n";
        let first = start_call(&write(&[Some(facts.as_bytes()), None, None]), NOW).unwrap();
        assert_eq!(first, start(facts, None, None, NOW));
        let accepted = act_call(&write(&[Some(b"accept-all"), Some(&[5; 16])]), NOW + 1.0).unwrap();
        start(facts, None, None, NOW);
        assert_eq!(accepted, act("accept-all", NOW + 1.0, &[5; 16]));
        assert_eq!(judge_call(&write(&[Some(b"analytics"), Some(b"1.1")])).unwrap(), "run");
        let forgot = forget_call(&write(&[
            Some(b"diffo.se.localhost"),
            Some(b"/"),
            Some(b"0.0"),
            Some(b"_ga"),
            None,
        ]));
        assert_eq!(forgot.unwrap(), forget("diffo.se.localhost", "/", "0.0", "_ga", "", ""));
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
