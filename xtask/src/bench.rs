//! `cargo xtask bench [--runs N]`: builds the banner, then runs
//! `tools/bench.mjs`, which loads it side by side with vanilla-cookieconsent
//! 3.1.0 in headless Chromium (time to a visible banner at 1x and 4x CPU,
//! blocking time, layout shift, a return visitor's gtag.js, bytes) and writes
//! `target/bench/bench.md` and `bench.json`. The exit status is the harness's:
//! 0 when every target is met, 1 when one is missed, 2 when it could not run.

use crate::{bundle, root, tools};
use std::process::{Command, ExitCode};

/// Iterations when `--runs` is not given: about four minutes on two cores.
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

/// Installs what is missing, builds the banner, and returns the harness's
/// command line.
fn command(args: &[String]) -> Result<Command, String> {
    let runs = runs(args)?;
    tools::ensure_build_tools()?; // the npm packages among them
    tools::ensure_test_tools()?;
    let built = bundle::build()?;
    // What a first-time visitor downloads, whatever the bundle is made of.
    let files = built
        .files
        .iter()
        .map(|f| match f.to_str() {
            Some(s) if !s.contains(',') => Ok(s),
            _ => Err(format!("{}: the bench needs a UTF-8 path without commas", f.display())),
        })
        .collect::<Result<Vec<_>, _>>()?
        .join(",");
    let root = root();
    let mut command = Command::new("node");
    command
        .arg(root.join("tools/bench.mjs"))
        .arg("--dist")
        .arg(root.join("target/www/consent"))
        .arg("--ours-files")
        .arg(files)
        .arg("--runs")
        .arg(runs.to_string())
        .arg("--out")
        .arg(root.join("target/bench"))
        .current_dir(&root);
    Ok(command)
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
