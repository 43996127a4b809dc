//! The pure core of diffo-consent.
//!
//! Everything here is plain Rust without web dependencies: the consent
//! record and its stored format, whether a stored decision still holds, which
//! scripts may run, the site configs, language choice, the compiled texts and
//! the dialog's markup, and the session that ties them together. Time,
//! randomness and the page are passed in by the browser glue (the crate at
//! the workspace root), so all of it is tested on the host with `cargo test`.
#![deny(missing_docs)]

pub mod api;
pub mod category;
pub mod config;
pub mod gate;
pub mod id;
pub mod json;
pub mod lang;
pub mod num;
pub mod protocol;
pub mod record;
pub mod session;
pub mod texts;
pub mod time;
pub mod validity;
pub mod view;
