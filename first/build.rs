//! Gives `consent-first.wasm` the little it needs of the built-in site
//! configs (`sites/*.json`), checked by the core's config checker: each
//! site's default language and consent lifetime, one byte per site in the
//! order of `Site::ALL`. A mistake in a built-in config fails the build.

use diffo_consent_core::config::{Site, SiteConfig};
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=../sites");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let configs: Vec<SiteConfig> = Site::ALL
        .iter()
        .map(|&site| {
            SiteConfig::builtin(site)
                .unwrap_or_else(|e| panic!("\n\nsites/common.json or sites/{}.json: {e}\n", site.domain()))
        })
        .collect();
    // The default languages, as indices in `Lang::ALL`.
    let langs: Vec<u8> = configs.iter().map(|c| c.default_lang.index() as u8).collect();
    std::fs::write(out.join("default-langs"), langs).expect("writing to OUT_DIR");
    // The consent lifetimes in months, for the first decisions.
    let lifetimes: Vec<u8> = configs
        .iter()
        .map(|c| u8::try_from(c.lifetime_months).expect("a lifetime of at most 255 months"))
        .collect();
    std::fs::write(out.join("lifetimes"), lifetimes).expect("writing to OUT_DIR");
}
