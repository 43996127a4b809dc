//! Every acknowledged event survives SIGKILL.
//!
//! Starts the real binary on loopback, sends decisions from several threads at once,
//! notes which were answered 204, kills the process mid-load (SIGKILL: no shutdown code
//! runs), starts it again on the same database and checks that every acknowledged
//! decision is there: in its receipt, in the table and in the daily counts, and that the
//! services of every version 2 decision were committed with it.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const THREADS: usize = 6;
const PER_THREAD: usize = 5000;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The running service; killed (SIGKILL) when dropped, also when a test fails.
struct Service(Child);

impl Service {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts the service on a free port. A port found free can be taken by another
/// test's service before this one binds it; then this one exits, and another port
/// is tried.
fn start(dir: &Path, run: &str) -> (Service, u16) {
    for _ in 0..5 {
        if let Some(started) = try_start(dir, run, free_port()) {
            return started;
        }
    }
    panic!("the service did not start: {}", log_of(dir, run));
}

fn try_start(dir: &Path, run: &str, port: u16) -> Option<(Service, u16)> {
    let config = dir.join(format!("{run}.toml"));
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\ndatabase = \"log.sqlite\"\nrate_limit_per_minute = 0\n\
             [sites]\n\"diffo.fi\" = [\"https://www.diffo.fi\"]\n"
        ),
    )
    .unwrap();
    let log = std::fs::File::create(dir.join(format!("{run}.log"))).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_consent-log"))
        .arg("--config")
        .arg(&config)
        .stdin(Stdio::null())
        // It logs to standard output.
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut child = Service(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    // Its own word that it listens: a connection alone could reach another test's
    // service, started on the same port a moment earlier.
    let listening = format!("listening on http://127.0.0.1:{port}");
    loop {
        if log_of(dir, run).contains(&listening) {
            return Some((child, port));
        }
        if child.0.try_wait().unwrap().is_some() {
            return None;
        }
        assert!(
            Instant::now() < deadline,
            "the service did not start: {}",
            log_of(dir, run)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn log_of(dir: &Path, run: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{run}.log"))).unwrap_or_default()
}

/// One keep-alive HTTP/1.1 connection.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(port: u16) -> std::io::Result<Client> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        stream.set_nodelay(true)?;
        Ok(Client {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        })
    }

    /// Sends a request and returns the status and body.
    fn send(&mut self, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://www.diffo.fi\r\n\
             Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.writer.write_all(request.as_bytes())?;
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or(std::io::ErrorKind::InvalidData)?;
        let mut length = 0;
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().map_err(|_| std::io::ErrorKind::InvalidData)?;
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

fn id(thread: usize, n: usize) -> String {
    format!("{thread:08x}-0000-4000-8000-{n:012x}")
}

/// The `n`th decision: of every kind in turn, in version 1 and 2 alternately (version 2
/// with two services).
fn decision(id: &str, n: usize) -> String {
    let kind = ["accept_all", "reject_all", "custom", "withdraw"][n % 4];
    let (version, services) = match n % 8 < 4 {
        true => (1, ""),
        false => (2, r#","services":{"google-analytics":true,"youtube":false}"#),
    };
    format!(
        r#"{{"version":{version},"event":"{kind}","id":"{id}","site":"diffo.fi","lang":"fi","revision":1,"texts":"0123456789abcdef","layer":"first","categories":{{"analytics":true,"marketing":false,"social":true}}{services}}}"#
    )
}

#[test]
fn acknowledged_events_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, port) = start(dir.path(), "first");

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    // How each sender ended early, for the message if too few were acknowledged.
    let ended = Arc::new(Mutex::new(Vec::new()));
    let senders: Vec<_> = (0..THREADS)
        .map(|thread| {
            let (acknowledged, stop, ended) = (acknowledged.clone(), stop.clone(), ended.clone());
            std::thread::spawn(move || {
                let mut client = match Client::connect(port) {
                    Ok(client) => client,
                    Err(e) => return ended.lock().unwrap().push(format!("connect: {e}")),
                };
                for n in 0..PER_THREAD {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let id = id(thread, n);
                    match client.send("POST", "/v1/events", &decision(&id, n)) {
                        Ok((204, _)) => acknowledged.lock().unwrap().push(id),
                        Ok((status, body)) => panic!("unexpected {status}: {body}"),
                        // The process was killed.
                        Err(e) => return ended.lock().unwrap().push(format!("event {n}: {e}")),
                    }
                }
            })
        })
        .collect();

    // Kill it mid-load: once a good number of events are acknowledged, while every
    // thread is still sending.
    let deadline = Instant::now() + Duration::from_secs(20);
    while acknowledged.lock().unwrap().len() < 1500 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    // `Child::kill` sends SIGKILL on Unix.
    child.kill();
    stop.store(true, Ordering::Relaxed);
    for sender in senders {
        sender.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 100,
        "too few events before the kill: {} (senders ended: {:?})\n{}",
        acknowledged.len(),
        ended.lock().unwrap(),
        log_of(dir.path(), "first")
    );
    assert!(
        acknowledged.len() < THREADS * PER_THREAD,
        "the load ended before the kill"
    );

    // Start again on the same database: it recovers, and every acknowledged event is there.
    let (mut child, port) = start(dir.path(), "second");
    let mut client = Client::connect(port).unwrap();
    for (i, id) in acknowledged.iter().enumerate() {
        // Every receipt of a sample, and the whole set from the file below.
        if i % 10 == 0 {
            let (status, body) = client.send("GET", &format!("/v1/receipts/{id}"), "").unwrap();
            assert_eq!(status, 200, "{id}: {body}");
            assert!(body.contains(id.as_str()));
        }
    }
    let db = rusqlite::Connection::open(dir.path().join("log.sqlite")).unwrap();
    let stored: HashSet<String> = db
        .prepare("SELECT consent_id FROM decisions")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let lost: Vec<&String> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged events were lost, e.g. {:?}",
        lost.len(),
        acknowledged.len(),
        lost.first()
    );
    // The daily counts were written in the same transactions, so they agree exactly.
    let counted: i64 = db
        .query_row(
            "SELECT SUM(accept_all + reject_all + custom + withdraw) FROM daily",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(counted, stored.len() as i64);
    // Every version 2 decision has both its services, and the counts per service agree
    // with them (withdrawals are not counted).
    let query = |sql: &str| -> i64 { db.query_row(sql, [], |row| row.get(0)).unwrap() };
    let v2 = query("SELECT COUNT(*) FROM decisions WHERE version = 2");
    assert!(v2 > 0);
    assert_eq!(query("SELECT COUNT(*) FROM decision_services"), 2 * v2);
    assert_eq!(
        query("SELECT COUNT(*) FROM decisions d WHERE version = 2 AND (SELECT COUNT(*) FROM decision_services s WHERE s.seq = d.seq) <> 2"),
        0
    );
    assert_eq!(
        query("SELECT COALESCE(SUM(decisions), 0) FROM daily_services"),
        2 * query("SELECT COUNT(*) FROM decisions WHERE version = 2 AND event <> 'withdraw'")
    );
    assert_eq!(
        query("SELECT COALESCE(SUM(granted), 0) FROM daily_services"),
        query("SELECT COUNT(*) FROM decision_services s JOIN decisions d ON d.seq = s.seq WHERE s.granted AND d.event <> 'withdraw'")
    );
    child.kill();
    eprintln!(
        "{} events acknowledged before SIGKILL, {} stored, none lost",
        acknowledged.len(),
        stored.len()
    );
}

#[test]
fn a_bad_config_exits_with_status_2_and_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(
        &config,
        "retention_days = 0\n[sites]\n\"diffo.fi\" = [\"https://diffo.fi\"]\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_consent-log"))
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("retention_days"));
    let output = Command::new(env!("CARGO_BIN_EXE_consent-log"))
        .arg("--nonsense")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn hash_password_prints_a_hash_the_config_accepts() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_consent-log"))
        .arg("hash-password")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"correct horse\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let hash = String::from_utf8(output.stdout).unwrap().trim().to_string();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let users = [diffo_consent_log::config::User {
        name: "anna".to_string(),
        password_hash: hash,
    }];
    assert!(diffo_consent_log::auth::verify(&users, "anna", "correct horse"));
    assert!(!diffo_consent_log::auth::verify(&users, "anna", "correct horse\n"));
}
