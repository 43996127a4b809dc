//! `cargo xtask`: build, serve, test and measure diffo-consent with nothing
//! but cargo (matklad's xtask pattern). Run `cargo xtask help`.

mod bench;
mod bundle;
mod consent_log;
mod proxy;
mod serve;
mod size;
mod test;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

  demo [--port N]   build the banner and serve the three demo sites on loopback
                    (default port 8080) with the consent log and its dashboard
                    on the next port, printing their URLs
  test              install what the tests need, then run every test: format,
                    lints, host tests, wasm tests in Chromium, the size budget,
                    end-to-end tests in Chromium
  build             build target/www/consent/ (consent.js + consent.wasm)
  size              build, then print the bytes a first-time visitor downloads
  bench [--runs N]  build, then compare the banner with vanilla-cookieconsent
                    in headless Chromium (default 15 runs); writes
                    target/bench/bench.md; exits 1 when a target is missed
  serve [--port N]  serve the demo without building first
  audit URL [--declaration] [--stub-third-parties] [--json]
                    open any page in headless Chromium and report, in plain
                    words, what it loads and sets before consent, after reject
                    and after accept, and whether its consent dialog keeps the
                    rules; exits 1 when a rule is broken. With --declaration:
                    accept everything and compare every cookie and storage
                    key that appears with the page's declaration
                    (window.diffoConsent.declaration()); exits 1 when a name
                    is undeclared or declared with the wrong party
  setup             install the build and test tools only
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => port(&args).and_then(|p| {
            tools::ensure_build_tools()?;
            bundle::build()?;
            serve::run_demo(p)
        }),
        Some("serve") => port(&args).and_then(serve::run_demo),
        Some("build") => tools::ensure_build_tools().and_then(|_| bundle::build()).map(|_| ()),
        Some("size") => tools::ensure_build_tools()
            .and_then(|_| bundle::build())
            .and_then(|b| size::report(&b)),
        Some("setup") => tools::ensure_build_tools()
            .and_then(|_| tools::ensure_test_tools())
            .and_then(|_| tools::ensure_wasm_bindgen())
            .and_then(|_| tools::ensure_engine_tools()),
        Some("test") => test::all(),
        Some("audit") => return audit(&args[1..]),
        Some("bench") => return bench::run(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs tools/audit.mjs with the arguments as given (URL, --declaration,
/// --stub-third-parties, --json; the script checks them) and exits with its
/// status (1: a rule is broken, 2: it could not run).
fn audit(args: &[String]) -> ExitCode {
    let ready = tools::ensure_npm_packages().and_then(|_| tools::ensure_test_tools());
    if let Err(message) = ready {
        eprintln!("\nxtask: {message}");
        return ExitCode::from(2);
    }
    let status = std::process::Command::new("node")
        .arg(root().join("tools/audit.mjs"))
        .args(args)
        .status();
    match status {
        Ok(s) => ExitCode::from(s.code().unwrap_or(2).clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("xtask: could not run node: {e}");
            ExitCode::from(2)
        }
    }
}

fn port(args: &[String]) -> Result<u16, String> {
    match args.iter().position(|a| a == "--port") {
        None => Ok(8080),
        Some(i) => args
            .get(i + 1)
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| "--port needs a number".to_string()),
    }
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Runs a command in the workspace root, echoing it, and fails with its name
/// if it fails.
fn run(program: &str, args: &[&str]) -> Result<(), String> {
    run_with(std::process::Command::new(program).args(args))
}

fn run_with(command: &mut std::process::Command) -> Result<(), String> {
    let shown = format!(
        "{} {}",
        command.get_program().to_string_lossy(),
        command
            .get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    eprintln!("$ {shown}");
    let status = command
        .current_dir(root())
        .status()
        .map_err(|e| format!("could not run `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}
