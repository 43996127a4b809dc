//! `consent-extra.wasm`: what the banner needs only sometimes.
//!
//! The edge (`www/edge/`) loads this second module when a page first
//! needs it, so that the banner itself stays small:
//!
//! - **checking a `data-config`**: checking a JSON config takes more code
//!   than the rest of the banner; `check` turns the config's text into its
//!   settings in the compact form the banner reads
//!   (`diffo_consent_core::wire`), or the sentence that says what is wrong.
//!   Its input is the page's site (the script tag's `data-site`, else the
//!   host), a newline, and the config's text: the settings are checked on
//!   top of that site's built-in config, as the banner will apply them (a
//!   service to remove must exist, the result must be a config the banner
//!   can run);
//! - **rendering the views that are not the first layer**: `render` turns a
//!   view model from the banner (the settings layer, a
//!   `data-consent-declaration` element, an embed) into markup, and `css`
//!   gives the rules those views need beyond the banner's stylesheet.
//!
//! The interface is plain wasm functions, so no generated glue is needed:
//! `input(len)` returns where to write `len` bytes, `check(len)`,
//! `render(len)` and `css(len)` work on them and return where the answer is, and
//! `output_len()` gives its length. An answer's first byte is 0 (the result
//! follows) or 1 (an error message follows). `render`'s input is the checked
//! config's length as four little-endian bytes, the checked config (empty
//! for none), then the view model's JSON text.

#![cfg_attr(target_arch = "wasm32", no_std)]
// `no_mangle` exports are what make these functions callable from JavaScript.
#![allow(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use diffo_consent_core::config::{parse_settings, Site, SiteConfig};
use diffo_consent_core::{details, wire};

fn answer(result: Result<Vec<u8>, String>) -> Vec<u8> {
    let (status, payload) = match result {
        Ok(bytes) => (0, bytes),
        Err(message) => (1, message.into_bytes()),
    };
    let mut out = Vec::with_capacity(payload.len() + 1);
    out.push(status);
    out.extend(payload);
    out
}

/// Checks a config's text for a site (see the module docs): its settings,
/// or what is wrong.
pub fn check(input: &[u8]) -> Vec<u8> {
    answer(
        core::str::from_utf8(input)
            .map_err(|_| String::from("invalid config: the file is not UTF-8 text"))
            .and_then(|input| {
                let (site, text) = input.split_once('\n').unwrap_or(("", input));
                let settings = parse_settings(text).map_err(|e| e.message())?;
                // An unknown site fails in the banner, with its own message.
                if let Some(site) = Site::from_hostname(site) {
                    let mut config = builtin(site).ok_or_else(|| String::from("the built-in config cannot be read"))?;
                    config.apply_checked(settings.clone()).map_err(|e| e.message())?;
                }
                Ok(wire::encode(&settings))
            }),
    )
}

/// The built-in config of `site`, checked at build time by `../build.rs`.
fn builtin(site: Site) -> Option<SiteConfig> {
    diffo_consent_core::builtin_config!(site)
}

/// The stylesheet of the extra views, `www/consent-extra.css` minified.
pub const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/consent-extra.min.css"));

/// Renders a view model (see the module docs for the input's layout).
pub fn render(input: &[u8]) -> Vec<u8> {
    let split = input.get(..4).and_then(|n| {
        let len = u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as usize;
        Some((input.get(4..4 + len)?, input.get(4 + len..)?))
    });
    answer(match split {
        None => Err(String::from("the request is malformed")),
        Some((config, model)) => core::str::from_utf8(model)
            .map_err(|_| String::from("the view model is not UTF-8 text"))
            .and_then(|model| details::details(model, (!config.is_empty()).then_some(config), builtin))
            .map(String::into_bytes),
    })
}

#[cfg(target_arch = "wasm32")]
mod exports {
    use alloc::vec::Vec;
    use core::cell::RefCell;

    #[global_allocator]
    // SAFETY: wasm32-unknown-unknown without threads runs on one thread only.
    static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
        unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        core::arch::wasm32::unreachable()
    }

    struct Buffers(RefCell<(Vec<u8>, Vec<u8>)>);
    // SAFETY: wasm32-unknown-unknown without threads has one thread, so the
    // buffers are never reached from two threads.
    unsafe impl Sync for Buffers {}
    static BUFFERS: Buffers = Buffers(RefCell::new((Vec::new(), Vec::new())));

    fn answer(len: usize, work: fn(&[u8]) -> Vec<u8>) -> *const u8 {
        let mut buffers = BUFFERS.0.borrow_mut();
        let (input, output) = &mut *buffers;
        *output = work(input.get(..len).unwrap_or_default());
        output.as_ptr()
    }

    /// Makes room for `len` bytes of input and returns where they go.
    #[no_mangle]
    pub extern "C" fn input(len: usize) -> *mut u8 {
        let mut buffers = BUFFERS.0.borrow_mut();
        buffers.0.clear();
        buffers.0.resize(len, 0);
        buffers.0.as_mut_ptr()
    }

    /// Checks the config text in the input.
    #[no_mangle]
    pub extern "C" fn check(len: usize) -> *const u8 {
        answer(len, super::check)
    }

    /// Renders the request in the input.
    #[no_mangle]
    pub extern "C" fn render(len: usize) -> *const u8 {
        answer(len, super::render)
    }

    /// The extra views' stylesheet.
    #[no_mangle]
    pub extern "C" fn css(len: usize) -> *const u8 {
        answer(len, |_| super::answer(Ok(Vec::from(super::CSS.as_bytes()))))
    }

    /// The length of the last answer.
    #[no_mangle]
    pub extern "C" fn output_len() -> usize {
        BUFFERS.0.borrow().1.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_answers_settings_or_the_problem() {
        let ok = check(b"diffo.fi\n{\"revision\": 2, \"metaPixel\": null}");
        assert_eq!(ok[0], 0);
        assert_eq!(
            wire::decode(&ok[1..]),
            parse_settings(r#"{"revision": 2, "metaPixel": null}"#).ok()
        );
        for (text, message) in [
            (
                &b"diffo.fi\n{\"revision\": \"2\"}"[..],
                "invalid config: `revision` must be a whole number, got a string",
            ),
            (
                b"diffo.fi\n<html>",
                "invalid config: invalid JSON at byte 0: unexpected character",
            ),
            (b"diffo.fi\n{\"a\": \xff}", "invalid config: the file is not UTF-8 text"),
            // Checked against the site's built-in config.
            (
                b"www.diffo.se\n{\"removeServices\": [\"vimeo\"]}",
                "invalid config: `removeServices[0]` names \"vimeo\", which is not a service of this site (it has \
                 google-analytics, meta-pixel, facebook, instagram, linkedin, youtube)",
            ),
        ] {
            let out = check(text);
            assert_eq!(out[0], 1);
            assert_eq!(core::str::from_utf8(&out[1..]), Ok(message));
        }
    }

    fn request(config: &[u8], model: &str) -> Vec<u8> {
        let mut out = (config.len() as u32).to_le_bytes().to_vec();
        out.extend_from_slice(config);
        out.extend_from_slice(model.as_bytes());
        out
    }

    #[test]
    fn render_answers_markup_or_the_problem() {
        let model =
            r#"{"view":"settings","site":"diffo.fi","lang":"en","draft":"1.1","gpc":false,"policyChanged":false}"#;
        let out = render(&request(&[], model));
        assert_eq!(out[0], 0);
        let html = String::from_utf8(out[1..].to_vec()).unwrap();
        assert!(
            html.contains(r#"data-category="analytics" aria-describedby="dc-d-analytics" checked>"#),
            "{html}"
        );
        // The built-in declaration with its texts, which the banner leaves out.
        assert!(html.contains("Gives your browser a random identifier so that your visits can be counted"));
        let checked = check(b"diffo.fi\n{\"removeServices\": [\"facebook\"]}");
        assert_eq!(checked[0], 0);
        let html = String::from_utf8(render(&request(&checked[1..], model))[1..].to_vec()).unwrap();
        assert!(html.contains(r#"data-service="instagram""#) && !html.contains(r#"data-service="facebook""#));
        assert_eq!(render(&[1, 0]), [&[1][..], b"the request is malformed"].concat());
        assert_eq!(render(&request(&[], "{}"))[0], 1);
    }
}
