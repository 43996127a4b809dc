//! Compiles the Fluent texts in `locales/{fi,en,sv}/*.ftl` into Rust tables
//! (`$OUT_DIR/texts.rs`, included by `src/texts.rs`).
//!
//! The banner does not ship a Fluent runtime: with its plural rules it would
//! be larger than everything else together. The compiler in
//! `build/locales.rs` fails the build on any broken or missing text.

#[path = "build/locales.rs"]
mod locales;

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../locales");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut sources = Vec::new();
    for lang in locales::LANGS {
        let dir = root.join(lang);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
            .collect();
        files.sort();
        for file in files {
            println!("cargo:rerun-if-changed={}", file.display());
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let name = format!("locales/{lang}/{}", file.file_name().unwrap().to_string_lossy());
            sources.push(locales::Source { lang, name, text });
        }
    }
    match locales::compile(&sources).map(|code| code + &source_hashes(&sources)) {
        Ok(code) => std::fs::write(PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("texts.rs"), code).unwrap(),
        Err(errors) => panic!("\n\nThe texts in locales/ are not valid:\n  {}\n", errors.join("\n  ")),
    }
}

/// `SOURCE_HASH`: per language, FNV-1a (64 bits) over that language's `.ftl`
/// files in name order, as 16 hex digits. The consent log stores it with
/// every decision, so it can be proven which wording a visitor saw.
fn source_hashes(sources: &[locales::Source]) -> String {
    let hashes: Vec<String> = locales::LANGS
        .iter()
        .map(|lang| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for source in sources.iter().filter(|s| s.lang == *lang) {
                for b in source.name.bytes().chain(source.text.bytes()) {
                    h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
                }
            }
            format!("\"{h:016x}\"")
        })
        .collect();
    format!(
        "\n/// Per language (in [`crate::lang::Lang`] order), a hash of all its messages: see `core/build.rs`.\npub const SOURCE_HASH: [&str; 3] = [{}];\n",
        hashes.join(", ")
    )
}
