//! The pure core of diffo-consent.
//!
//! Everything here is plain Rust without web dependencies: the consent
//! record and its stored format, whether a stored decision still holds, which
//! scripts may run, the site configs, language choice, the compiled texts and
//! the dialog's markup, and the session that ties them together. Time,
//! randomness and the page are passed in by the edge (`www/edge/`,
//! through the three wasm crates: the workspace root, `first/` and
//! `extra/`), so all of it is tested on the host with `cargo test`.
#![deny(missing_docs)]
// No standard library: the wasm module then carries no formatting or
// unwinding machinery. Host tests link std as usual.
#![no_std]
extern crate alloc;
#[cfg(test)]
extern crate std;

/// The `alloc` items every module uses, in place of std's prelude.
mod prelude {
    #[cfg(test)]
    pub use alloc::format;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

pub mod action;
pub mod api;
pub mod category;
pub mod check;
pub mod config;
pub mod consent;
pub mod declaration;
pub mod details;
pub mod embed;
pub mod event;
pub mod first;
pub mod forget;
pub mod gate;
pub mod id;
pub mod json;
pub mod lang;
pub mod model;
pub mod num;
pub mod protocol;
pub mod record;
pub mod service;
pub mod session;
pub mod texts;
pub mod time;
pub mod validity;
pub mod view;
pub mod wire;
