//! Checks the built-in site configs (`sites/*.json`) with the core's config
//! checker and writes their settings in the compact form the banner module
//! reads (`diffo_consent_core::wire`), without the cookie declaration's
//! texts, which only the extra module shows; so the module carries neither
//! the JSON nor the code that checks it. A mistake in a built-in config
//! fails the build. (The extra and first modules have build scripts of
//! their own: `extra/build.rs`, `first/build.rs`.)

use diffo_consent_core::config::{Site, SiteConfig};
use diffo_consent_core::wire;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=sites");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    for site in Site::ALL {
        let config = SiteConfig::builtin(site)
            .unwrap_or_else(|e| panic!("\n\nsites/common.json or sites/{}.json: {e}\n", site.domain()))
            .without_declaration_texts();
        let path = out.join(format!("{}.settings", site.domain()));
        std::fs::write(&path, wire::encode(&config.settings())).expect("writing to OUT_DIR");
    }
}
