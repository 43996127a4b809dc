//! Builds what a site serves under `/consent/`: `consent.js` (the edge in
//! `www/consent.js` around the wasm-bindgen glue, with the stylesheet inlined,
//! minified by terser), `consent.wasm` (the release build of the root crate)
//! and `consent-extra.wasm` (`extra/`: the config checker and the views beyond
//! the first layer, loaded when first needed), both optimised by binaryen's
//! `wasm-opt -Oz`.

use crate::{root, run, run_with};
use diffo_consent_core::json::write_str;
use diffo_consent_core::record::STORAGE_KEY;
use std::path::PathBuf;
use std::process::Command;

/// The built files.
pub struct Bundle {
    /// What a first-time visitor downloads to see the banner.
    pub files: Vec<PathBuf>,
    /// The extra module, downloaded only when a page first needs it.
    pub extra: PathBuf,
}

/// The wasm features the Rust toolchain emits for wasm32-unknown-unknown,
/// which `wasm-opt` must be told about.
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-reference-types",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
];

/// Builds `target/www/consent/`.
pub fn build() -> Result<Bundle, String> {
    let root = root();
    let target = root.join("target");
    run(
        "cargo",
        &[
            "build",
            "--quiet",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "diffo-consent",
            "-p",
            "diffo-consent-extra",
        ],
    )?;
    let gen = target.join("consent-gen");
    let raw_wasm = target.join("wasm32-unknown-unknown/release/diffo_consent.wasm");
    run_with(
        Command::new("wasm-bindgen")
            .arg(&raw_wasm)
            .args([
                "--target",
                "no-modules",
                "--no-typescript",
                "--out-name",
                "consent",
                "--out-dir",
            ])
            .arg(&gen),
    )?;
    let out = target.join("www/consent");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let wasm = out.join("consent.wasm");
    optimise(&gen.join("consent_bg.wasm"), &wasm)?;
    let extra = out.join("consent-extra.wasm");
    optimise(
        &target.join("wasm32-unknown-unknown/release/diffo_consent_extra.wasm"),
        &extra,
    )?;

    let glue = String::from_utf8(read(&gen.join("consent.js"))?).map_err(|e| e.to_string())?;
    let edge = String::from_utf8(read(&root.join("www/consent.js"))?).map_err(|e| e.to_string())?;
    let css = String::from_utf8(read(&root.join("www/consent.css"))?).map_err(|e| e.to_string())?;
    let versioned = |name: &str, path: &std::path::Path| read(path).map(|b| format!("{name}?v={:016x}", fnv1a(&b)));
    let source = assemble(
        &edge,
        &glue,
        &diffo_consent_core::css::minify(&css),
        &versioned("consent.wasm", &wasm)?,
        &versioned("consent-extra.wasm", &extra)?,
    )?;
    let unminified = gen.join("consent.full.js");
    std::fs::write(&unminified, source).map_err(|e| e.to_string())?;
    let js = out.join("consent.js");
    run_with(
        Command::new(root.join("node_modules/.bin/terser"))
            .arg(&unminified)
            .args([
                "--compress",
                "passes=2",
                "--mangle",
                "--comments",
                "false",
                "--ecma",
                "2017",
                "-o",
            ])
            .arg(&js),
    )?;
    eprintln!("built {}", out.display());
    Ok(Bundle {
        files: vec![js, wasm],
        extra,
    })
}

fn optimise(input: &std::path::Path, output: &std::path::Path) -> Result<(), String> {
    run_with(
        Command::new(root().join("node_modules/.bin/wasm-opt"))
            .args(["-Oz", "--converge", "--strip-debug", "--strip-producers"])
            .args(WASM_FEATURES)
            .arg(input)
            .arg("-o")
            .arg(output),
    )
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn js_string(s: &str) -> String {
    let mut out = String::new();
    write_str(&mut out, s);
    out
}

/// Fills the edge's placeholders. Each must appear exactly once, so that a
/// renamed placeholder is a build error rather than a broken banner.
fn assemble(edge: &str, glue: &str, css: &str, wasm_url: &str, extra_url: &str) -> Result<String, String> {
    let mut out = edge.to_string();
    for (placeholder, value) in [
        ("'@STORAGE_KEY@'", js_string(STORAGE_KEY)),
        ("'@CSS@'", js_string(css)),
        ("'@WASM@'", js_string(wasm_url)),
        ("'@EXTRA@'", js_string(extra_url)),
        ("/*@GLUE@*/", glue.to_string()),
    ] {
        if out.matches(placeholder).count() != 1 {
            return Err(format!("www/consent.js must contain {placeholder} exactly once"));
        }
        out = out.replacen(placeholder, &value, 1);
    }
    Ok(out)
}

/// A 64-bit FNV-1a hash, for the cache-busting query of the wasm URL.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_must_each_appear_once() {
        let edge = "a='@STORAGE_KEY@';b='@CSS@';c='@WASM@';d='@EXTRA@';/*@GLUE@*/";
        assert_eq!(
            assemble(edge, "let g;", "x{}", "w.wasm", "c.wasm").unwrap(),
            "a=\"diffo-consent\";b=\"x{}\";c=\"w.wasm\";d=\"c.wasm\";let g;"
        );
        assert!(assemble("'@CSS@'", "", "", "", "")
            .unwrap_err()
            .contains("'@STORAGE_KEY@'"));
        assert!(assemble(&format!("{edge}/*@GLUE@*/"), "", "", "", "").is_err());
    }

    #[test]
    fn the_edge_source_has_every_placeholder() {
        let edge = std::fs::read_to_string(root().join("www/consent.js")).unwrap();
        assert!(assemble(&edge, "", "", "", "").is_ok());
    }
}
