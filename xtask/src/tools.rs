//! Installs what the build and the tests need, when it is missing: the wasm
//! target, the npm
//! tools in `package-lock.json` (binaryen's `wasm-opt`, terser,
//! playwright-core, selenium-webdriver), Debian's Chromium and ChromeDriver
//! and, for the banner module's tests in Chromium, `wasm-bindgen-cli` (its
//! test runner) at exactly the version in `Cargo.lock`,
//! and for the core flows in Firefox and WebKit Debian's firefox-esr,
//! WebKitGTK's WebDriver (with its MiniBrowser) and Xvfb, and geckodriver
//! (`cargo install`).

use crate::{root, run};
use std::process::Command;

/// The wasm target and the npm tools.
pub fn ensure_build_tools() -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_npm_packages()
}

/// Chromium and ChromeDriver for the browser tests.
pub fn ensure_test_tools() -> Result<(), String> {
    apt_install(&[
        ("/usr/bin/chromium", "chromium"),
        ("/usr/bin/chromedriver", "chromium-driver"),
    ])
}

/// The geckodriver that `cargo install` builds when there is none.
const GECKODRIVER: &str = "0.37.0";

/// Firefox ESR and geckodriver, WebKitGTK's WebDriver and MiniBrowser, and
/// Xvfb for it: the core flows in Firefox and WebKit (`tests/engines/`).
pub fn ensure_engine_tools() -> Result<(), String> {
    apt_install(&[
        ("/usr/bin/firefox-esr", "firefox-esr"),
        ("/usr/bin/WebKitWebDriver", "webkit2gtk-driver"),
        // Part of libwebkit2gtk-4.1-0, which webkit2gtk-driver pulls in.
        (
            "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
            "webkit2gtk-driver",
        ),
        ("/usr/bin/Xvfb", "xvfb"),
    ])?;
    ensure_geckodriver()
}

/// Installs the Debian packages of the files that are missing, as root;
/// otherwise says which command would.
fn apt_install(files: &[(&str, &'static str)]) -> Result<(), String> {
    let mut missing: Vec<&str> = Vec::new();
    for &(path, package) in files {
        if !std::path::Path::new(path).exists() && !missing.contains(&package) {
            missing.push(package);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let is_root = output("id", &["-u"]).is_some_and(|id| id.trim() == "0");
    if !is_root {
        return Err(format!(
            "the browser tests need Debian's {0}; install them with `sudo apt-get install -y --no-install-recommends {0}`",
            missing.join(" ")
        ));
    }
    run("apt-get", &["update", "-qq"])?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend(&missing);
    run_env("apt-get", &args, &[("DEBIAN_FRONTEND", "noninteractive")])
}

/// geckodriver, which Debian does not package: on the PATH, or in
/// `~/.cargo/bin` (where `cargo install` puts it, and where the tests look
/// too).
fn ensure_geckodriver() -> Result<(), String> {
    let in_cargo_bin = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".cargo")))
        .is_some_and(|cargo| cargo.join("bin/geckodriver").is_file());
    if in_cargo_bin || output("geckodriver", &["--version"]).is_some() {
        return Ok(());
    }
    eprintln!("geckodriver is needed for the Firefox tests; installing {GECKODRIVER} (cargo install), this takes a few minutes");
    run("cargo", &["install", "geckodriver", "--version", GECKODRIVER])
}

fn run_env(program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let mut command = Command::new(program);
    command.args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    crate::run_with(&mut command)
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).current_dir(root()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    run("rustup", &["target", "add", "wasm32-unknown-unknown"])
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen".to_string())
}

/// wasm-bindgen-cli, whose test runner runs the banner module's tests in
/// Chromium (`tests/web.rs`); the build does not need it.
pub fn ensure_wasm_bindgen() -> Result<(), String> {
    let wanted = locked_wasm_bindgen_version()?;
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(wanted.as_str()) {
        return Ok(());
    }
    eprintln!(
        "wasm-bindgen-cli {wanted} is needed (found: {}); installing, this takes a few minutes",
        have.trim()
    );
    run("cargo", &["install", "wasm-bindgen-cli", "--version", &wanted])
}

pub fn ensure_npm_packages() -> Result<(), String> {
    let root = root();
    let lock = root.join("package-lock.json");
    let stamp = root.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&stamp)) {
        (Ok(l), Ok(s)) => s.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    run("npm", &["ci", "--no-audit", "--no-fund", "--loglevel=error"])
}
