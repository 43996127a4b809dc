//! Builds what a site serves under `/consent/`: `consent.js` (the edge, the
//! files of `www/edge/` concatenated, with the stylesheet, the
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
    std::fs::create_dir_all(&gen).map_err(|e| format!("{}: {e}", gen.display()))?;
    let out = target.join("www/consent");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let wasm = out.join("consent.wasm");
    optimise(&target.join("wasm32-unknown-unknown/release/diffo_consent.wasm"), &wasm)?;
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

    let edge = edge_source()?;
    let css = String::from_utf8(read(&root.join("www/consent.css"))?).map_err(|e| e.to_string())?;
    let versioned = |name: &str, path: &std::path::Path| read(path).map(|b| format!("{name}?v={:016x}", fnv1a(&b)));
    let source = assemble(
        &edge,
        &Values {
            css: &minify_css(&css).map_err(|e| format!("www/consent.css: {e}"))?,
            wasm_url: &versioned("consent.wasm", &wasm)?,
            extra_url: &versioned("consent-extra.wasm", &extra)?,
            first_module: &byte_string(&read(&first)?),
            first_visits: &diffo_consent::first_visits(),
            first_decisions: &diffo_consent::first_decisions(),
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

/// A stylesheet minified by lightningcss.
fn minify_css(text: &str) -> Result<String, String> {
    use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
    let mut sheet = StyleSheet::parse(text, ParserOptions::default()).map_err(|e| e.to_string())?;
    sheet.minify(MinifyOptions::default()).map_err(|e| e.to_string())?;
    let printed = sheet
        .to_css(PrinterOptions {
            minify: true,
            ..PrinterOptions::default()
        })
        .map_err(|e| e.to_string())?;
    Ok(printed.code)
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

/// An array of JavaScript strings.
fn js_strings(items: &[String]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(&mut out, item);
    }
    out.push(']');
    out
}

/// The edge's files in `www/edge/`, in the order they are concatenated:
/// `state.js` declares what the others share, and the statements that run
/// at once (opening storage, the first visit, starting the banner module,
/// `window.diffoConsent`) come in this order.
const EDGE_FILES: [&str; 9] = [
    "state.js",
    "storage.js",
    "modules.js",
    "commands.js",
    "page.js",
    "dialog.js",
    "effects.js",
    "boot.js",
    "api.js",
];

/// The edge: its files concatenated into one strict-mode function.
fn edge_source() -> Result<String, String> {
    let mut out = String::from(
        "/*! diffo-consent | cookie consent and tracker gate for the Diffo sites */\n(function () {\n'use strict';\n",
    );
    for name in EDGE_FILES {
        let path = root().join("www/edge").join(name);
        out.push_str(&String::from_utf8(read(&path)?).map_err(|e| format!("{}: {e}", path.display()))?);
        out.push('\n');
    }
    out.push_str("})();\n");
    Ok(out)
}

/// An array of JavaScript strings in which a string that came before is
/// written as the number of its first place instead.
fn js_strings_once(items: &[String]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match items.iter().position(|other| other == item) {
            Some(first) if first < i => out.push_str(&first.to_string()),
            _ => write_str(&mut out, item),
        }
    }
    out.push(']');
    out
}

/// What goes into the edge's placeholders.
struct Values<'a> {
    css: &'a str,
    wasm_url: &'a str,
    extra_url: &'a str,
    /// `consent-first.wasm`, as a JavaScript string (see [`byte_string`]).
    first_module: &'a str,
    /// The effects of every first visit, in order.
    first_visits: &'a [String],
    /// The first layer's decisions on every first visit, as templates.
    first_decisions: &'a [String],
}

/// Fills the edge's placeholders. Each must appear exactly once, so that a
/// renamed placeholder is a build error rather than a broken banner.
fn assemble(edge: &str, values: &Values<'_>) -> Result<String, String> {
    let mut out = edge.to_string();
    for (placeholder, value) in [
        ("'@STORAGE_KEY@'", js_string(STORAGE_KEY)),
        ("'@CSS@'", js_string(values.css)),
        ("'@WASM@'", js_string(values.wasm_url)),
        ("'@EXTRA@'", js_string(values.extra_url)),
        ("'@FIRST_MODULE@'", values.first_module.to_string()),
        ("'@FIRST_VISITS@'", js_strings(values.first_visits)),
        ("'@FIRST_DECISIONS@'", js_strings_once(values.first_decisions)),
    ] {
        if out.matches(placeholder).count() != 1 {
            return Err(format!("the edge (www/edge/) must contain {placeholder} exactly once"));
        }
        out = out.replacen(placeholder, &value, 1);
    }
    Ok(out)
}

/// Bytes as a JavaScript string literal: its first character's code is an
/// offset `k`, and each further character's code is a byte plus `k`, modulo
/// 256 (U+0000 to U+00FF), so that `(charCodeAt(i + 1) - k) & 255` reads
/// the bytes back. This compresses about as well as the bytes themselves,
/// where base64 hides their structure from brotli; the offset is the one
/// with which the literal compresses best, as it moves the bytes most
/// common in wasm off the characters that need escapes (the first module:
/// 4,595 bytes with brotli in base64, 3,602 with the best offset).
fn byte_string(bytes: &[u8]) -> String {
    (0..=255u8)
        .map(|k| byte_string_with(bytes, k))
        .min_by_key(|literal| crate::size::measure(literal.as_bytes()).brotli)
        .unwrap_or_default()
}

fn byte_string_with(bytes: &[u8], offset: u8) -> String {
    let shifted: Vec<u8> = core::iter::once(offset)
        .chain(bytes.iter().map(|b| b.wrapping_add(offset)))
        .collect();
    let mut out = String::with_capacity(shifted.len() * 2 + 2);
    out.push('\'');
    for (i, &b) in shifted.iter().enumerate() {
        let digit_follows = shifted.get(i + 1).is_some_and(u8::is_ascii_digit);
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            0 if !digit_follows => out.push_str("\\0"),
            0 => out.push_str("\\x00"),
            // Other characters as they are, as terser prints them: the
            // offset is then chosen on what ships.
            _ => out.push(char::from(b)),
        }
    }
    out.push('\'');
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
            css: "x{}",
            wasm_url: "w.wasm",
            extra_url: "c.wasm",
            first_module: "'\\0asm'",
            first_visits: visits,
            first_decisions: &[],
        }
    }

    #[test]
    fn placeholders_must_each_appear_once() {
        let edge =
            "a='@STORAGE_KEY@';b='@CSS@';c='@WASM@';d='@EXTRA@';e='@FIRST_MODULE@';f='@FIRST_VISITS@';g='@FIRST_DECISIONS@';";
        let visits = [String::from(r#"{"html":"<p>"}"#), String::from("{}")];
        assert_eq!(
            assemble(edge, &values(&visits)).unwrap(),
            r#"a="diffo-consent";b="x{}";c="w.wasm";d="c.wasm";e='\0asm';f=["{\"html\":\"<p>\"}","{}"];g=[];"#
        );
        assert!(assemble("'@CSS@'", &values(&[]))
            .unwrap_err()
            .contains("'@STORAGE_KEY@'"));
        assert!(assemble(&format!("{edge}'@CSS@'"), &values(&[])).is_err());
    }

    #[test]
    fn repeated_strings_are_written_once() {
        let items = ["a", "b", "a", "a"].map(String::from);
        assert_eq!(js_strings_once(&items), r#"["a","b",0,0]"#);
    }

    #[test]
    fn byte_strings_read_back_as_the_bytes() {
        let bytes: Vec<u8> = (0..=255u8).chain([0, b'7', 0, b'x', b'\'', b'\\']).collect();
        let literal = byte_string(&bytes);
        let offset = |read: &[u8]| read[0];
        // The literal as JavaScript reads it, by the rules of its escapes.
        let inner = &literal[1..literal.len() - 1];
        let mut read = Vec::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                read.push(u8::try_from(u32::from(c)).unwrap());
                continue;
            }
            read.push(match chars.next().unwrap() {
                '0' => 0,
                'n' => b'\n',
                'r' => b'\r',
                'x' => u8::from_str_radix(&chars.by_ref().take(2).collect::<String>(), 16).unwrap(),
                other => u8::try_from(u32::from(other)).unwrap(),
            });
        }
        let k = offset(&read);
        let back: Vec<u8> = read[1..].iter().map(|c| c.wrapping_sub(k)).collect();
        assert_eq!(back, bytes);
        let plain = byte_string_with(&[0, b'7', 0], 0);
        assert_eq!(plain, "'\\0\\x007\\0'", "a NUL before a digit is not \\0");
    }

    #[test]
    fn the_edge_source_has_every_placeholder() {
        let edge = edge_source().unwrap();
        assert!(assemble(&edge, &values(&[])).is_ok());
    }
}
