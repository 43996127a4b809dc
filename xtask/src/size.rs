//! What a first-time visitor downloads, in bytes: raw, `gzip -9` and
//! `brotli -q 11`. Bytes are not noisy, so the test command checks them
//! against the budgets: what it takes to see the banner and decide on its
//! first layer (`consent.js` alone), and everything a visit can need.

use crate::bundle::Bundle;
use std::io::Write;

/// The most a first-time visitor may download to see the banner and accept
/// or reject all on it, brotli -q 11: vanilla-cookieconsent's whole download.
pub const BUDGET_BROTLI: usize = 13 * 1024 + 512;

/// The target for everything a visit can need (the first layer, the
/// settings, the declaration, placeholders, a `data-config` check), brotli
/// -q 11. Reported, not yet enforced: the modules are far above it.
pub const TARGET_ALL_BROTLI: usize = 24 * 1024;

/// Sizes of one file.
pub struct Sizes {
    /// Uncompressed.
    pub raw: usize,
    /// gzip level 9.
    pub gzip: usize,
    /// brotli quality 11, window 22 (the `brotli` command's defaults).
    pub brotli: usize,
}

/// Measures `bytes`.
pub fn measure(bytes: &[u8]) -> Sizes {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).expect("writing to memory");
    let gzip = gz.finish().expect("writing to memory").len();
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).expect("writing to memory");
    Sizes {
        raw: bytes.len(),
        gzip,
        brotli: br.len(),
    }
}

/// Prints a table of the bundle's files and returns the brotli total.
pub fn table(bundle: &Bundle) -> Result<usize, String> {
    println!("\n{:<14} {:>9} {:>9} {:>11}", "file", "raw", "gzip -9", "brotli -11");
    let (mut raw, mut gzip, mut brotli) = (0, 0, 0);
    for file in &bundle.files {
        let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let s = measure(&bytes);
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        println!("{name:<14} {:>9} {:>9} {:>11}", s.raw, s.gzip, s.brotli);
        raw += s.raw;
        gzip += s.gzip;
        brotli += s.brotli;
    }
    println!("{:<14} {raw:>9} {gzip:>9} {brotli:>11}", "total");
    for (title, file) in [
        (
            "loaded when the browser is idle or something needs it (the banner module: return visits, the settings, page scripts):",
            &bundle.banner,
        ),
        (
            "loaded when first needed (a data-config, the settings, a declaration, embeds):",
            &bundle.extra,
        ),
    ] {
        let s = measure(&std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?);
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        println!("\n{title}");
        println!("{name:<20} {:>9} {:>9} {:>11}", s.raw, s.gzip, s.brotli);
    }
    Ok(brotli)
}

/// Prints the table and the budget verdicts; fails over the first budget.
pub fn report(bundle: &Bundle) -> Result<(), String> {
    let brotli = table(bundle)?;
    let kib = |n: usize| n as f64 / 1024.0;
    let mut all = brotli;
    for file in [&bundle.banner, &bundle.extra] {
        all += measure(&std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?).brotli;
    }
    println!(
        "\neverything a visit can need: {:.1} KiB of the {:.0} KiB target (brotli -q 11): {}",
        kib(all),
        kib(TARGET_ALL_BROTLI),
        if all <= TARGET_ALL_BROTLI { "met" } else { "not met yet" }
    );
    if brotli > BUDGET_BROTLI {
        return Err(format!(
            "the banner and its first decisions weigh {:.1} KiB with brotli, over the budget of {:.1} KiB",
            kib(brotli),
            kib(BUDGET_BROTLI)
        ));
    }
    println!(
        "size budget, to see the banner and decide on it: {:.1} KiB of {:.1} KiB (brotli -q 11): ok",
        kib(brotli),
        kib(BUDGET_BROTLI)
    );
    Ok(())
}
