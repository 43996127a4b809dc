//! Checks the built-in site configs (`sites/*.json`) with the core's config
//! checker and writes their full settings, declaration texts included, in
//! the compact form the module reads (`diffo_consent_core::wire`); and
//! minifies the stylesheet of the extra views, `www/consent-extra.css`, with
//! lightningcss. A mistake in a built-in config fails the build.

use diffo_consent_core::config::{Site, SiteConfig};
use diffo_consent_core::wire;
use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=../sites");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    for site in Site::ALL {
        let config = SiteConfig::builtin(site)
            .unwrap_or_else(|e| panic!("\n\nsites/common.json or sites/{}.json: {e}\n", site.domain()));
        let path = out.join(format!("{}.settings", site.domain()));
        std::fs::write(&path, wire::encode(&config.settings())).expect("writing to OUT_DIR");
    }
    let source =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("../www/consent-extra.css");
    println!("cargo:rerun-if-changed={}", source.display());
    let text = std::fs::read_to_string(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let mut sheet =
        StyleSheet::parse(&text, ParserOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    sheet
        .minify(MinifyOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let css = sheet
        .to_css(PrinterOptions {
            minify: true,
            ..PrinterOptions::default()
        })
        .unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    std::fs::write(out.join("consent-extra.min.css"), css.code).expect("writing to OUT_DIR");
}
