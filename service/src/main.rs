//! `consent-log`: the consent log service.
//!
//! ```text
//! consent-log --config FILE    serve (the config is documented in consent-log.example.toml)
//! consent-log hash-password    read a password (at a terminal without echo), print its Argon2 PHC hash
//! ```
//!
//! Exit status: 0 after a clean shutdown (SIGINT or SIGTERM), 1 when the database or the
//! listening socket fails, 2 for a bad command line or config.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use diffo_consent_log::config::Config;
use diffo_consent_log::store::sqlite::SqliteStore;
use diffo_consent_log::store::Store;
use diffo_consent_log::{app, auth, retention, writer, AppState};

const USAGE: &str =
    "usage: consent-log --config FILE\n       consent-log hash-password   (asks for the password, or reads a line from stdin)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["--config", path] => serve(Path::new(path)),
        ["hash-password"] => hash_password(),
        ["--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Reads the password from standard input: at a terminal, asked for without echoing it;
/// otherwise the first line (`printf '%s\n' … | consent-log hash-password`).
fn hash_password() -> ExitCode {
    let read = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("password (not shown): ")
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    };
    let line = match read {
        Ok(line) => line,
        Err(e) => {
            eprintln!("consent-log: cannot read the password: {e}");
            return ExitCode::from(2);
        }
    };
    let password = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line);
    if password.is_empty() {
        eprintln!("consent-log: the password is empty");
        return ExitCode::from(2);
    }
    match auth::hash_password(password) {
        Ok(hash) => {
            println!("{hash}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("consent-log: cannot hash the password: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(path: &Path) -> ExitCode {
    tracing_subscriber::fmt().with_target(false).init();
    let config = match Config::load(path) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("consent-log: invalid config: {e}");
            return ExitCode::from(2);
        }
    };
    let store: Arc<dyn Store> = match SqliteStore::open(&config.database) {
        Ok(store) => Arc::new(store),
        Err(e) => {
            tracing::error!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (writer, writer_thread) = writer::spawn(store.clone());
    let listen = config.listen;
    let retention_days = config.retention_days;
    let state = AppState::new(config, store.clone(), writer);
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let purging = tokio::spawn(retention::run(store, retention_days));
        tracing::info!(
            "consent-log listening on http://{}",
            listener.local_addr().unwrap_or(listen)
        );
        let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(listener, service).with_graceful_shutdown(shutdown()).await;
        purging.abort();
        result.map_err(|e| format!("server: {e}"))
    });
    // Every handle to the writer is gone with the server; the last batch is written now.
    drop(runtime);
    let _ = writer_thread.join();
    match served {
        Ok(()) => {
            tracing::info!("consent-log stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
