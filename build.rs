//! Checks the built-in site configs (`sites/*.json`) with the core's config
//! checker and writes their settings in the compact form the wasm modules
//! read (`diffo_consent_core::wire`), so that neither carries the JSON nor
//! the code that checks it. A mistake in a built-in config fails the build.
//!
//! All three wasm modules use this script. The banner (`diffo-consent`)
//! gets the configs without the cookie declaration's texts, which only the
//! extra module (`diffo-consent-extra`) shows; the extra module also gets its
//! stylesheet, `www/consent-extra.css`, minified; the first-visit module
//! (`diffo-consent-first`) gets only the configs' default languages.

use diffo_consent_core::config::{Site, SiteConfig};
use diffo_consent_core::{css, wire};
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=../sites");
    println!("cargo:rerun-if-changed=sites");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let package = std::env::var("CARGO_PKG_NAME").unwrap_or_default();
    let builtin = |site: Site| {
        SiteConfig::builtin(site)
            .unwrap_or_else(|e| panic!("\n\nsites/common.json or sites/{}.json: {e}\n", site.domain()))
    };
    if package == "diffo-consent-first" {
        // Only the default languages, as indices in `Lang::ALL`.
        let langs: Vec<u8> = Site::ALL
            .iter()
            .map(|&site| {
                let lang = builtin(site).default_lang;
                lang.index() as u8
            })
            .collect();
        std::fs::write(out.join("default-langs"), langs).expect("writing to OUT_DIR");
        return;
    }
    let banner = package == "diffo-consent";
    for site in Site::ALL {
        let config = builtin(site);
        let config = if banner {
            config.without_declaration_texts()
        } else {
            config
        };
        let path = out.join(format!("{}.settings", site.domain()));
        std::fs::write(&path, wire::encode(&config.settings())).expect("writing to OUT_DIR");
    }
    if !banner {
        let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
        let source = manifest.join("../www/consent-extra.css");
        println!("cargo:rerun-if-changed={}", source.display());
        let text = std::fs::read_to_string(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
        std::fs::write(Path::new(&out).join("consent-extra.min.css"), css::minify(&text)).expect("writing to OUT_DIR");
    }
}
