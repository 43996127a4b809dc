//! What a first-time visitor downloads to see the banner, in bytes: raw,
//! `gzip -9` and `brotli -q 11`. Bytes are not noisy, so the test command
//! checks them against the budget.

use crate::bundle::Bundle;
use std::io::Write;

/// The most a first-time visitor may download to see the banner, brotli -q 11.
pub const BUDGET_BROTLI: usize = 12 * 1024;

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
            "loaded at the same time, for the buttons and return visits (the banner module):",
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

/// Prints the table and the budget verdict; fails over budget.
pub fn report(bundle: &Bundle) -> Result<(), String> {
    let brotli = table(bundle)?;
    let kib = |n: usize| n as f64 / 1024.0;
    if brotli > BUDGET_BROTLI {
        return Err(format!(
            "the banner weighs {:.1} KiB with brotli, over the budget of {:.0} KiB",
            kib(brotli),
            kib(BUDGET_BROTLI)
        ));
    }
    println!(
        "size budget: {:.1} KiB of {:.0} KiB (brotli -q 11): ok",
        kib(brotli),
        kib(BUDGET_BROTLI)
    );
    Ok(())
}
