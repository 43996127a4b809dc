//! Runs the consent log service (`service/`, binary `consent-log`) next to
//! the demo sites: a config for the three demo origins, a dashboard user, and
//! the process, which stops with the returned guard.

use crate::{root, run};
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The demo's dashboard login.
pub const USER: &str = "marketing";
/// The demo's dashboard password.
pub const PASSWORD: &str = "diffo-demo";

/// The running service; dropping it stops the process.
pub struct ConsentLog {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Drop for ConsentLog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the service is started with.
pub struct Options {
    /// The port of the demo sites, whose origins may post.
    pub site_port: u16,
    /// The service's port (0: any free one).
    pub port: u16,
    /// The database file; `fresh` deletes it first.
    pub database: PathBuf,
    /// Start from an empty database.
    pub fresh: bool,
    /// Events per client and minute (0: no limit).
    pub rate_limit: u32,
}

/// Builds the service and starts it.
pub fn start(options: &Options) -> Result<ConsentLog, String> {
    run(
        "cargo",
        &["build", "--quiet", "-p", "diffo-consent-log", "--bin", "consent-log"],
    )?;
    let binary = root().join("target/debug/consent-log");
    let port = match options.port {
        0 => TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port(),
        port => port,
    };
    let dir = options
        .database
        .parent()
        .expect("a database path in a folder")
        .to_path_buf();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if options.fresh {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", options.database.display()));
        }
    }
    let hash = password_hash(&binary)?;
    let origins = |site: &str| {
        format!(
            "\"{site}\" = [\"http://{site}.localhost:{p}\", \"http://www.{site}.localhost:{p}\"]\n",
            p = options.site_port
        )
    };
    let config = format!(
        "# Written by `cargo xtask`: the consent log of the demo sites.\n\
         listen = \"127.0.0.1:{port}\"\n\
         database = \"{database}\"\n\
         retention_days = 1095\n\
         rate_limit_per_minute = {limit}\n\
         # The demo sites reach the service through their /consent-log/ proxy.\n\
         trust_forwarded_for = true\n\
         # The demo is plain http on loopback.\n\
         secure_cookie = false\n\n\
         [sites]\n{fi}{com}{se}\n\
         [[users]]\n\
         name = \"{USER}\"\n\
         password_hash = \"{hash}\"\n",
        database = options.database.display(),
        limit = options.rate_limit,
        fi = origins("diffo.fi"),
        com = origins("diffosolutions.com"),
        se = origins("diffo.se"),
    );
    let config_path = dir.join(format!("consent-log-{port}.toml"));
    std::fs::write(&config_path, config).map_err(|e| format!("{}: {e}", config_path.display()))?;

    let child = Command::new(&binary)
        .arg("--config")
        .arg(&config_path)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
    let mut log = ConsentLog {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
    };
    let started = Instant::now();
    while TcpStream::connect_timeout(&log.addr, Duration::from_millis(200)).is_err() {
        if let Ok(Some(status)) = log.child.try_wait() {
            return Err(format!(
                "the consent log stopped at start ({status}); its config is {}",
                config_path.display()
            ));
        }
        if started.elapsed() > Duration::from_secs(30) {
            return Err(format!(
                "the consent log did not start listening on {} in 30 s",
                log.addr
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(log)
}

/// The Argon2 hash of the demo password, from the service's own command.
fn password_hash(binary: &std::path::Path) -> Result<String, String> {
    let mut child = Command::new(binary)
        .arg("hash-password")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run {} hash-password: {e}", binary.display()))?;
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let hash = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || !hash.starts_with("$argon2") {
        return Err(format!("consent-log hash-password failed ({})", out.status));
    }
    Ok(hash)
}
