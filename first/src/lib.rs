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
//! It also makes a first decision's values: a click on accept all or reject
//! all on an early banner is carried out from a template computed at build
//! time too (`first::first_decisions`), into which the edge puts the consent
//! id and the two times that `decide` writes (`first::decision_values`).
//!
//! The interface is three plain wasm functions: `input(len)` returns where to
//! write `len` bytes, `choose(len)` reads them and returns the index of
//! the first visit, or -1 when the page is not one (the edge then waits for
//! the banner module), and `decide(visit, now)` reads 16 random bytes as
//! input and returns where the values are. It allocates nothing, so it
//! carries no allocator. The input of `choose` is the page's facts in the
//! format every module reads (`protocol::Page::read`). The edge asks only
//! when nothing is stored and there is no `data-config`.

#![cfg_attr(target_arch = "wasm32", no_std)]
// `no_mangle` exports are what make these functions callable from JavaScript.
#![allow(unsafe_code)]

use diffo_consent_core::config::Site;
use diffo_consent_core::first::{decision_values, first_visit, FIRST_VISITS, VALUES_LEN};
use diffo_consent_core::lang::Lang;
use diffo_consent_core::protocol::Page;
use diffo_consent_core::time::Timestamp;

/// The built-in configs' default languages, written by `../build.rs`: one
/// byte per site in the order of `Site::ALL`, the language's index in
/// `Lang::ALL`.
const DEFAULT_LANGS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/default-langs"));

/// The built-in configs' consent lifetimes in months, one byte per site in
/// the order of `Site::ALL`, written by `../build.rs`.
const LIFETIMES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lifetimes"));

fn default_lang(site: Site) -> Lang {
    let at = Site::ALL.iter().position(|s| *s == site).unwrap_or(0);
    let lang = DEFAULT_LANGS.get(at).copied().unwrap_or(0);
    Lang::ALL.get(usize::from(lang)).copied().unwrap_or(Lang::En)
}

/// The index of the first visit the page described by `input` is (see the
/// module docs), or -1.
pub fn choose(input: &[u8]) -> i32 {
    let Ok(text) = core::str::from_utf8(input) else {
        return -1;
    };
    first_visit(&Page::read(text), default_lang).map_or(-1, |i| i as i32)
}

/// The texts that a decision on first visit `visit` made at `now` (ms since
/// the epoch, `Date.now()`) with `random` puts into its template
/// (`first::decision_values`), or `None` for no first visit.
pub fn decide(visit: i32, now: f64, random: [u8; 16]) -> Option<[u8; VALUES_LEN]> {
    let visit = usize::try_from(visit).ok().filter(|v| *v < FIRST_VISITS)?;
    let per_site = FIRST_VISITS / Site::ALL.len();
    let lifetime = LIFETIMES.get(visit / per_site).copied()?;
    Some(decision_values(
        Timestamp::from_date_now(now),
        random,
        u32::from(lifetime),
    ))
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

    struct Output(UnsafeCell<[u8; super::VALUES_LEN]>);
    // SAFETY: as for `Input`.
    unsafe impl Sync for Output {}
    static OUTPUT: Output = Output(UnsafeCell::new([0; super::VALUES_LEN]));

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

    /// Writes the texts of a decision on first visit `visit` at `now`, from
    /// the 16 random bytes the edge wrote as input (see `super::decide`),
    /// and returns where they are (`VALUES_LEN` bytes), or null.
    #[no_mangle]
    pub extern "C" fn decide(visit: i32, now: f64) -> *const u8 {
        // SAFETY: as in `choose`; the output is read by JavaScript only
        // after this call returns.
        let (input, output) = unsafe { (&*INPUT.0.get(), &mut *OUTPUT.0.get()) };
        let mut random = [0u8; 16];
        for (to, from) in random.iter_mut().zip(input.iter()) {
            *to = *from;
        }
        match super::decide(visit, now, random) {
            Some(values) => {
                *output = values;
                output.as_ptr()
            }
            None => core::ptr::null(),
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
    fn decides_with_the_builtin_lifetimes() {
        use diffo_consent_core::first::decision_values;
        for (i, site) in Site::ALL.into_iter().enumerate() {
            let lifetime = SiteConfig::builtin(site).unwrap().lifetime_months;
            let now = Timestamp(1_795_420_800_000);
            assert_eq!(
                decide((i * 6 + 5) as i32, 1_795_420_800_000.0, [7; 16]),
                Some(decision_values(now, [7; 16], lifetime))
            );
        }
        assert_eq!(decide(18, 1.0, [0; 16]), None);
        assert_eq!(decide(-1, 1.0, [0; 16]), None);
        assert_eq!(
            decide(0, f64::NAN, [0; 16]),
            Some(decision_values(Timestamp(0), [0; 16], 12))
        );
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
