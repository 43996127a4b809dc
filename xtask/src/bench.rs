//! `cargo xtask bench [--runs N]`: builds the banner, then runs
//! `tools/bench.mjs`, which loads it side by side with vanilla-cookieconsent
//! 3.1.0 in headless Chromium (time to a visible banner at 1x and 4x CPU,
//! blocking time, layout shift, "accept all" pressed in the first visible
//! frame until the banner is gone and the choice stored, a return visitor's
//! gtag.js, the bytes fetched by each stage of a visit) and writes
//! `target/bench/bench.md` and `bench.json`. The bytes of both banners are
//! weighed here, by the size budget's own measure (`size::measure`), and
//! handed over in `target/bench/sizes.json`. The exit status is the harness's:
//! 0 when every target is met, 1 when one is missed, 2 when it could not run.

use crate::{bundle, root, size, tools};
use diffo_consent_core::json::ObjectWriter;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

/// Iterations when `--runs` is not given: about six minutes on two cores (the
/// click loads add a fifth of a run).
const DEFAULT_RUNS: u32 = 15;

/// Runs the bench and exits with its status.
pub fn run(args: &[String]) -> ExitCode {
    match command(args) {
        Ok(mut command) => status(&mut command),
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::from(2)
        }
    }
}

/// What a first-time visitor downloads to see vanilla-cookieconsent's banner,
/// from its npm package: the UMD build and the stylesheet.
const THEIR_FILES: [&str; 2] = ["cookieconsent.umd.js", "cookieconsent.css"];

/// Installs what is missing, builds the banner, weighs both banners' files
/// and returns the harness's command line.
fn command(args: &[String]) -> Result<Command, String> {
    let runs = runs(args)?;
    tools::ensure_build_tools()?; // the npm packages among them
    tools::ensure_test_tools()?;
    let built = bundle::build()?;
    let root = root();
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    // The same measure as the size budget's, for both banners.
    let theirs: Vec<PathBuf> = THEIR_FILES
        .iter()
        .map(|f| root.join("node_modules/vanilla-cookieconsent/dist").join(f))
        .collect();
    let sizes = ObjectWriter::new()
        .raw("ours", &weigh(&built.files)?)
        .raw("theirs", &weigh(&theirs)?)
        .finish();
    let sizes_file = out.join("sizes.json");
    std::fs::write(&sizes_file, sizes).map_err(|e| format!("{}: {e}", sizes_file.display()))?;
    let mut command = Command::new("node");
    command
        .arg(root.join("tools/bench.mjs"))
        .arg("--dist")
        .arg(root.join("target/www/consent"))
        .arg("--sizes")
        .arg(sizes_file)
        .arg("--runs")
        .arg(runs.to_string())
        .arg("--out")
        .arg(out)
        .current_dir(&root);
    Ok(command)
}

/// `[{"path", "raw", "gzip", "brotli"}, …]` of `files`, measured by
/// [`size::measure`].
fn weigh(files: &[PathBuf]) -> Result<String, String> {
    let mut rows = Vec::new();
    for file in files {
        let bytes = std::fs::read(file).map_err(|e| format!("{}: {e} (npm ci installs it)", file.display()))?;
        let path = file
            .to_str()
            .ok_or_else(|| format!("{}: the bench needs UTF-8 paths", file.display()))?;
        let s = size::measure(&bytes);
        rows.push(
            ObjectWriter::new()
                .str("path", path)
                .int("raw", s.raw as i64)
                .int("gzip", s.gzip as i64)
                .int("brotli", s.brotli as i64)
                .finish(),
        );
    }
    Ok(["[", &rows.join(","), "]"].concat())
}

/// `--runs N`, or the default.
fn runs(args: &[String]) -> Result<u32, String> {
    match args {
        [] => Ok(DEFAULT_RUNS),
        [flag, n] if flag == "--runs" => n
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("--runs needs a whole number above 0, not `{n}`")),
        _ => Err(format!(
            "unexpected arguments `{}`; usage: cargo xtask bench [--runs N]",
            args.join(" ")
        )),
    }
}

fn status(command: &mut Command) -> ExitCode {
    eprintln!(
        "$ node {}",
        command
            .get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    match command.status() {
        Ok(s) => ExitCode::from(s.code().unwrap_or(2).clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("xtask: could not run node: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn runs_defaults_and_parses() {
        assert_eq!(runs(&[]), Ok(DEFAULT_RUNS));
        assert_eq!(runs(&args(&["--runs", "5"])), Ok(5));
    }

    #[test]
    fn runs_refuses_what_it_cannot_use() {
        assert!(runs(&args(&["--runs", "0"])).is_err());
        assert!(runs(&args(&["--runs", "many"])).is_err());
        assert!(runs(&args(&["--runs"])).is_err());
        assert!(runs(&args(&["--fast"])).is_err());
    }
}
