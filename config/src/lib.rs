//! `consent-config.wasm`: checks a site editor's `data-config` file.
//!
//! Checking a JSON config takes more code than the rest of the banner, and
//! only pages with a `data-config` need it, so it lives in this second,
//! small module that the edge (`www/consent.js`) loads only then. It turns
//! the config's text into either its settings in the compact form the
//! banner reads (`diffo_consent_core::wire`) or the sentence that says what
//! is wrong, which the edge reports before failing closed.
//!
//! The interface is three plain wasm functions, so no generated glue is
//! needed: `input(len)` returns where to write the UTF-8 text, `check(len)`
//! checks it and returns where the answer is, `output_len()` its length. The
//! answer's first byte is 0 (settings follow) or 1 (an error message follows).

#![cfg_attr(target_arch = "wasm32", no_std)]
// `no_mangle` exports are what makes these functions callable from JavaScript.
#![allow(unsafe_code)]

extern crate alloc;

use alloc::vec::Vec;
use diffo_consent_core::config::parse_settings;
use diffo_consent_core::wire;

/// The answer for a config text: `0` and the encoded settings, or `1` and
/// the error message.
pub fn answer(text: &[u8]) -> Vec<u8> {
    let checked = core::str::from_utf8(text)
        .map_err(|_| "invalid config: the file is not UTF-8 text".into())
        .and_then(|text| parse_settings(text).map_err(|e| e.message()));
    match checked {
        Ok(settings) => {
            let mut out = Vec::from([0]);
            out.extend(wire::encode(&settings));
            out
        }
        Err(message) => {
            let mut out = Vec::from([1]);
            out.extend_from_slice(alloc::string::String::as_bytes(&message));
            out
        }
    }
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

    fn with<R>(f: impl FnOnce(&mut (Vec<u8>, Vec<u8>)) -> R) -> R {
        f(&mut BUFFERS.0.borrow_mut())
    }

    /// Makes room for `len` bytes of input and returns where they go.
    #[no_mangle]
    pub extern "C" fn input(len: usize) -> *mut u8 {
        with(|(input, _)| {
            input.clear();
            input.resize(len, 0);
            input.as_mut_ptr()
        })
    }

    /// Checks the first `len` bytes of the input; returns where the answer is.
    #[no_mangle]
    pub extern "C" fn check(len: usize) -> *const u8 {
        with(|(input, output)| {
            *output = super::answer(input.get(..len).unwrap_or_default());
            output.as_ptr()
        })
    }

    /// The length of the last answer.
    #[no_mangle]
    pub extern "C" fn output_len() -> usize {
        with(|(_, output)| output.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_settings_or_the_problem() {
        let ok = answer(br#"{"revision": 2, "metaPixel": null}"#);
        assert_eq!(ok[0], 0);
        assert_eq!(wire::decode(&ok[1..]), parse_settings(r#"{"revision": 2, "metaPixel": null}"#).ok());
        for (text, message) in [
            (&b"{\"revision\": \"2\"}"[..], "invalid config: `revision` must be a whole number, got a string"),
            (b"<html>", "invalid config: invalid JSON at byte 0: unexpected character"),
            (b"{\"a\": \xff}", "invalid config: the file is not UTF-8 text"),
        ] {
            let out = answer(text);
            assert_eq!(out[0], 1);
            assert_eq!(core::str::from_utf8(&out[1..]), Ok(message));
        }
    }
}
