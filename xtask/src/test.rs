//! `cargo xtask test`: every test, after installing what they need.
//!
//! 1. format and lints (`cargo fmt --check`, `cargo clippy -D warnings`);
//! 2. host tests (`cargo test --workspace`);
//! 3. the wasm module's tests in headless Chromium (wasm-bindgen-test);
//! 4. the release bundle against the size budget;
//! 5. end-to-end tests in headless Chromium (`node --test tests/e2e/`)
//!    against the demo server, with every non-loopback request intercepted;
//!    they leave screenshots of the dialog and the dashboard in tests/e2e/artifacts/screenshots/;
//! 6. the core flows in Firefox (firefox-esr, geckodriver) and WebKit
//!    (WebKitGTK's MiniBrowser under Xvfb, WebKitWebDriver), driven over
//!    WebDriver with selenium-webdriver (`node --test tests/engines/`), against
//!    the same demo server, every request recorded by a proxy in the tests'
//!    harness: on each site, the banner's language, nothing third-party before
//!    a decision, accept all and reject all with their return visits, the
//!    settings, a withdrawal, and the wasm module missing.

use crate::{bundle, consent_log, root, run_with, serve, size, tools};
use std::process::Command;

/// Runs every stage; stops at the first failure.
pub fn all() -> Result<(), String> {
    let started = std::time::Instant::now();
    tools::ensure_build_tools()?;
    tools::ensure_test_tools()?;
    tools::ensure_wasm_bindgen()?;
    tools::ensure_engine_tools()?;

    stage("format and lints");
    cmd("cargo fmt --all -- --check")?;
    cmd("cargo clippy --quiet --workspace --all-targets -- -D warnings")?;
    cmd("cargo clippy --quiet -p diffo-consent -p diffo-consent-extra -p diffo-consent-first --target wasm32-unknown-unknown -- -D warnings")?;

    stage("host tests");
    cmd("cargo test --quiet --workspace")?;

    stage("wasm tests in Chromium");
    run_with(
        command("cargo test -p diffo-consent --features std --target wasm32-unknown-unknown --test web")
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("WASM_BINDGEN_TEST_TIMEOUT", "60"),
    )?;

    stage("size budget");
    let built = bundle::build()?;
    size::report(&built)?;

    stage("end-to-end tests in Chromium");
    let port = serve::start(0)?;
    let log = consent_log::start(&consent_log::Options {
        site_port: port,
        port: 0,
        database: root().join("target/e2e/consent-log.sqlite"),
        fresh: true,
        rate_limit: 0,
    })?;
    serve::proxy_consent_log(log.addr);
    eprintln!("demo server on 127.0.0.1:{port}, consent log on {}", log.addr);
    let e2e = root().join("tests/e2e");
    let node_tests = |files: Vec<String>| {
        run_with(
            command("node --test --test-concurrency=1 --test-reporter=spec")
                .args(&files)
                .env("DIFFO_PORT", port.to_string())
                .env("DIFFO_LOG_PORT", log.addr.port().to_string()),
        )
    };
    node_tests(test_files(&e2e)?)?;

    // After the Chromium stage, whose consent-log test wants a fresh log.
    stage("core flows in Firefox and WebKit");
    let engines = std::time::Instant::now();
    node_tests(test_files(&root().join("tests/engines"))?)?;
    eprintln!(
        "core flows in Firefox and WebKit: {:.0} s",
        engines.elapsed().as_secs_f64()
    );

    let shots = e2e.join("artifacts/screenshots");
    let count = std::fs::read_dir(&shots).map(|d| d.count()).unwrap_or(0);
    println!(
        "\n{count} screenshots (the dialog: both layers, three sites, desktop and phone, light and dark; the dashboard) are in {}",
        shots.display()
    );
    println!("all tests passed in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The `*.test.mjs` files of a folder, sorted.
fn test_files(dir: &std::path::Path) -> Result<Vec<String>, String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    Ok(files)
}

/// A command from a line of words (no quoting: the lines here need none).
fn command(line: &str) -> Command {
    let mut words = line.split_whitespace();
    let mut command = Command::new(words.next().expect("a program"));
    command.args(words);
    command
}

fn cmd(line: &str) -> Result<(), String> {
    run_with(&mut command(line))
}

fn stage(name: &str) {
    eprintln!("\n=== {name} ===");
}
