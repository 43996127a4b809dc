//! `consent-first.wasm`: which first visit a page is.
//!
//! A first-time visitor should see the banner as soon as `consent.js` has
//! arrived, not after the banner module (`consent.wasm`) has too. The first
//! visits are few: one per site, language and Global Privacy Control signal.
//! At build time the banner module's own `start` gives the effects of each
//! (`diffo_consent_core::protocol::first_visits`), and `cargo xtask build`
//! writes them into `consent.js` with this module, which is small enough to
//! travel inside it. At run time this module names the first visit that
//! fits the page (`protocol::first_visit`: the site, then the language
//! negotiated as the banner module would), the edge carries out its effects,
//! and the banner module, once here, takes over the page view.
//!
//! The interface is two plain wasm functions: `input(len)` returns where to
//! write `len` bytes, and `choose(len)` reads them and returns the index of
//! the first visit, or -1 when the page is not one (the edge then waits for
//! the banner module). It allocates nothing, so it carries no allocator. The input is the page's facts, each on its own line:
//! `location.hostname`, the script tag's `data-site` and `data-lang`, the
//! page's `<html lang>`, `navigator.languages` joined with commas, and `1`
//! when the browser sends Global Privacy Control; an empty line is absent.
//! The edge asks only when nothing is stored and there is no `data-config`.

#![cfg_attr(target_arch = "wasm32", no_std)]
// `no_mangle` exports are what make these functions callable from JavaScript.
#![allow(unsafe_code)]

use diffo_consent_core::config::Site;
use diffo_consent_core::lang::Lang;
use diffo_consent_core::protocol::{first_visit, Page};

/// The built-in configs' default languages, written by `../build.rs`: one
/// byte per site in the order of `Site::ALL`, the language's index in
/// `Lang::ALL`.
const DEFAULT_LANGS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/default-langs"));

fn default_lang(site: Site) -> Lang {
    let at = Site::ALL.iter().position(|s| *s == site).unwrap_or(0);
    let lang = DEFAULT_LANGS.get(at).copied().unwrap_or(0);
    Lang::ALL.get(usize::from(lang)).copied().unwrap_or(Lang::En)
}

/// The index of the first visit the page described by `input` is (see the
/// module docs), or -1.
// A closure pattern rather than `'\n'`: the `char` searcher's fast path
// brings panicking (hence formatting) code into this module.
#[allow(clippy::manual_pattern_char_comparison)]
pub fn choose(input: &[u8]) -> i32 {
    let Ok(text) = core::str::from_utf8(input) else {
        return -1;
    };
    let mut lines = text.split(|c| c == '\n');
    let mut next = || lines.next().filter(|line| !line.is_empty());
    let page = Page {
        hostname: next().unwrap_or(""),
        site_attr: next(),
        lang_attr: next(),
        html_lang: next(),
        browser_langs: next().unwrap_or(""),
        gpc: next() == Some("1"),
        config: None,
        stored: None,
    };
    first_visit(&page, default_lang).map_or(-1, |i| i as i32)
}

#[cfg(target_arch = "wasm32")]
mod exports {
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;

    /// The core links the `alloc` crate, which needs an allocator, but
    /// nothing this module runs allocates: one that never gives memory.
    struct NoMemory;
    // SAFETY: returning null is how an allocator says it has no memory.
    unsafe impl GlobalAlloc for NoMemory {
        unsafe fn alloc(&self, _: Layout) -> *mut u8 {
            core::ptr::null_mut()
        }
        unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
    }
    #[global_allocator]
    static ALLOCATOR: NoMemory = NoMemory;

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        core::arch::wasm32::unreachable()
    }

    /// The most input there is room for; a page whose facts are longer is
    /// not a first visit (the edge then waits for the banner module).
    const ROOM: usize = 2048;

    struct Input(UnsafeCell<[u8; ROOM]>);
    // SAFETY: wasm32-unknown-unknown without threads has one thread, so the
    // buffer is never reached from two threads.
    unsafe impl Sync for Input {}
    static INPUT: Input = Input(UnsafeCell::new([0; ROOM]));

    /// Where to write `len` bytes of input, or null if they do not fit.
    #[no_mangle]
    pub extern "C" fn input(len: usize) -> *mut u8 {
        if len > ROOM {
            return core::ptr::null_mut();
        }
        INPUT.0.get().cast()
    }

    /// The first visit the input describes, or -1.
    #[no_mangle]
    pub extern "C" fn choose(len: usize) -> i32 {
        // SAFETY: JavaScript wrote the input before this call, and nothing
        // else touches the buffer while it runs.
        let input = unsafe { &*INPUT.0.get() };
        match input.get(..len) {
            Some(input) => super::choose(input),
            None => -1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diffo_consent_core::config::SiteConfig;

    #[test]
    fn the_default_languages_are_the_builtin_configs() {
        for site in Site::ALL {
            assert_eq!(default_lang(site), SiteConfig::builtin(site).unwrap().default_lang);
        }
    }

    #[test]
    fn chooses_from_the_page_facts() {
        let index = |site: usize, lang: usize, gpc: bool| ((site * 3 + lang) * 2 + usize::from(gpc)) as i32;
        assert_eq!(choose(b"www.diffo.fi\n\n\n\nen-US,en\n"), index(0, 0, false));
        assert_eq!(choose(b"diffo.fi.localhost\n\n\nen\n\n1"), index(0, 1, true));
        assert_eq!(choose(b"localhost\ndiffo.se\n\n\nfi\n"), index(2, 2, false));
        assert_eq!(choose(b"diffosolutions.com\n\nsv-FI\nfi\n\n"), index(1, 2, false));
        assert_eq!(choose(b"example.org\n\n\n\n\n"), -1);
        assert_eq!(choose(b"diffo.fi\nexample.org\n\n\n\n"), -1);
        assert_eq!(choose(b"\xff"), -1);
        assert_eq!(choose(b""), -1);
    }
}
