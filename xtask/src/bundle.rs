//! Builds what a site serves under `/consent/`: `consent.js` (the edge in
//! `www/consent.js` around the wasm-bindgen glue, with the stylesheet, the
//! first visits' effects and `consent-first.wasm` inlined, minified by
//! terser), `consent.wasm` (the release build of the root crate) and
//! `consent-extra.wasm` (`extra/`: the config checker and the views beyond
//! the first layer, loaded when first needed), all optimised by binaryen's
//! `wasm-opt -Oz`.
//!
//! A first-time visitor sees the banner with `consent.js` alone: the banner
//! module's effects for every first visit are computed here, on the host,
//! by the same code (`diffo_consent::first_visits`), and the few-kilobyte
//! `consent-first.wasm` inside `consent.js` names the one that fits the
//! page. `consent.wasm` loads at the same time and takes over.

use crate::{root, run, run_with};
use diffo_consent_core::json::write_str;
use diffo_consent_core::record::STORAGE_KEY;
use std::path::PathBuf;
use std::process::Command;

/// The built files.
pub struct Bundle {
    /// What a first-time visitor downloads to see the banner.
    pub files: Vec<PathBuf>,
    /// The banner module, downloaded at the same time, which the buttons
    /// (and a return visit) need.
    pub banner: PathBuf,
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
            "-p",
            "diffo-consent-first",
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
    let first = gen.join("consent-first.wasm");
    optimise(
        &target.join("wasm32-unknown-unknown/release/diffo_consent_first.wasm"),
        &first,
    )?;

    let glue = String::from_utf8(read(&gen.join("consent.js"))?).map_err(|e| e.to_string())?;
    let edge = String::from_utf8(read(&root.join("www/consent.js"))?).map_err(|e| e.to_string())?;
    let css = String::from_utf8(read(&root.join("www/consent.css"))?).map_err(|e| e.to_string())?;
    let versioned = |name: &str, path: &std::path::Path| read(path).map(|b| format!("{name}?v={:016x}", fnv1a(&b)));
    let source = assemble(
        &edge,
        &Values {
            glue: &glue,
            css: &diffo_consent_core::css::minify(&css),
            wasm_url: &versioned("consent.wasm", &wasm)?,
            extra_url: &versioned("consent-extra.wasm", &extra)?,
            first_module: &base64(&read(&first)?),
            first_visits: &diffo_consent::first_visits(),
        },
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
        files: vec![js],
        banner: wasm,
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

/// What goes into the edge's placeholders.
struct Values<'a> {
    glue: &'a str,
    css: &'a str,
    wasm_url: &'a str,
    extra_url: &'a str,
    /// `consent-first.wasm`, in base64.
    first_module: &'a str,
    /// The effects of every first visit, in order.
    first_visits: &'a [String],
}

/// Fills the edge's placeholders. Each must appear exactly once, so that a
/// renamed placeholder is a build error rather than a broken banner.
fn assemble(edge: &str, values: &Values<'_>) -> Result<String, String> {
    let mut visits = String::from("[");
    for (i, effects) in values.first_visits.iter().enumerate() {
        if i > 0 {
            visits.push(',');
        }
        write_str(&mut visits, effects);
    }
    visits.push(']');
    let mut out = edge.to_string();
    for (placeholder, value) in [
        ("'@STORAGE_KEY@'", js_string(STORAGE_KEY)),
        ("'@CSS@'", js_string(values.css)),
        ("'@WASM@'", js_string(values.wasm_url)),
        ("'@EXTRA@'", js_string(values.extra_url)),
        ("'@FIRST_MODULE@'", js_string(values.first_module)),
        ("'@FIRST_VISITS@'", visits),
        ("/*@GLUE@*/", values.glue.to_string()),
    ] {
        if out.matches(placeholder).count() != 1 {
            return Err(format!("www/consent.js must contain {placeholder} exactly once"));
        }
        out = out.replacen(placeholder, &value, 1);
    }
    Ok(out)
}

/// Standard base64, with padding.
fn base64(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(DIGITS[(n >> (18 - 6 * i)) as usize & 63])
            } else {
                '='
            });
        }
    }
    out
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

    fn values<'a>(visits: &'a [String]) -> Values<'a> {
        Values {
            glue: "let g;",
            css: "x{}",
            wasm_url: "w.wasm",
            extra_url: "c.wasm",
            first_module: "AGFzbQ==",
            first_visits: visits,
        }
    }

    #[test]
    fn placeholders_must_each_appear_once() {
        let edge =
            "a='@STORAGE_KEY@';b='@CSS@';c='@WASM@';d='@EXTRA@';e='@FIRST_MODULE@';f='@FIRST_VISITS@';/*@GLUE@*/";
        let visits = [String::from(r#"{"html":"<p>"}"#), String::from("{}")];
        assert_eq!(
            assemble(edge, &values(&visits)).unwrap(),
            r#"a="diffo-consent";b="x{}";c="w.wasm";d="c.wasm";e="AGFzbQ==";f=["{\"html\":\"<p>\"}","{}"];let g;"#
        );
        assert!(assemble("'@CSS@'", &values(&[]))
            .unwrap_err()
            .contains("'@STORAGE_KEY@'"));
        assert!(assemble(&format!("{edge}/*@GLUE@*/"), &values(&[])).is_err());
    }

    #[test]
    fn base64_is_standard() {
        for (bytes, text) in [
            (&b""[..], ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"\0asm\xff", "AGFzbf8="),
        ] {
            assert_eq!(base64(bytes), text);
        }
    }

    #[test]
    fn the_edge_source_has_every_placeholder() {
        let edge = std::fs::read_to_string(root().join("www/consent.js")).unwrap();
        assert!(assemble(&edge, &values(&[])).is_ok());
    }
}
