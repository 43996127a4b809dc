//! `consent-log-bench`: measures the consent log service end to end and prints a
//! Markdown table for the README.
//!
//! ```text
//! cargo build -p diffo-consent-log --release
//! cargo run -p diffo-consent-log --release --bin consent-log-bench -- [--seconds N] [--connections N] [--events N]
//! ```
//!
//! 1. **Ingest.** Starts the release `consent-log` binary found next to this one, on a
//!    free loopback port with a fresh database and no rate limit, and drives it with a
//!    closed loop of keep-alive HTTP/1.1 connections (default 64), each sending valid
//!    events (random v4 ids, mixed kinds, layers, categories and languages, one in three
//!    `shown`; event format version 2, each decision naming its site's services, except
//!    one decision in five in version 1, as from a banner still cached): 2 s of warm-up,
//!    then the measured period (default 10 s). Reports events per second, latency
//!    percentiles and errors, stops the service (SIGTERM) and counts the events in the
//!    database: every acknowledged (204) event, and each of its services, must be there.
//! 2. **Stats.** Seeds a fresh database with `--events` events (default 10,000,000; one in
//!    three `shown`, as in the ingest) over the last 365 days × 3 sites × 3 languages:
//!    schema from the store's migrations, rows by direct SQL in one transaction (see
//!    [`seed`]), daily counts (per service too) summed with the service's own
//!    [`Counts::add`] and checked against the decision rows. Then starts the service on
//!    it, logs in and times a year's `/v1/stats`, `/v1/stats.csv`,
//!    `/v1/stats/services.csv` and `/dashboard`.
//!
//! Exits with status 1 if an acknowledged event is missing or a step fails, 2 for a bad
//! command line.

use std::collections::HashMap;
use std::error::Error;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use argon2::Params;
use diffo_consent_log::auth;
use diffo_consent_log::event::{
    Categories, ConsentId, Context, Decision, DecisionKind, Event, Layer, ServiceId, Services, Texts,
};
use diffo_consent_log::lang::Lang;
use diffo_consent_log::stats::Counts;
use diffo_consent_log::store::sqlite::{self, SqliteStore};
use diffo_consent_log::time::{now_ms, Day, DAY_MS};
use tokio::net::TcpStream;

type BoxResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

const USAGE: &str = "usage: consent-log-bench [--seconds N] [--connections N] [--events N]\n\
     build first: cargo build -p diffo-consent-log --release";

/// The warm-up before the measured period of the ingest.
const WARM_UP: Duration = Duration::from_secs(2);
/// Timed requests per stats endpoint (after one warm-up request).
const STATS_RUNS: usize = 20;
/// The sites of the stats database.
const SITES: [&str; 3] = ["diffo.fi", "diffosolutions.com", "diffo.se"];
/// The services of each site, by the index of [`SITES`], with the category (0 analytics,
/// 1 marketing, 2 social media) each belongs to: a version 2 decision names all of its
/// site's.
const SERVICES: [&[(&str, usize)]; 3] = [
    &[
        ("google-analytics", 0),
        ("meta-pixel", 1),
        ("linkedin-insight", 1),
        ("youtube", 2),
    ],
    &[("google-analytics", 0), ("linkedin-insight", 1), ("linkedin", 2)],
    &[
        ("google-analytics", 0),
        ("meta-pixel", 1),
        ("facebook", 2),
        ("instagram", 2),
        ("youtube", 2),
    ],
];
/// The site and origin of the ingest.
const INGEST_SITE: &str = "diffo.fi";
const INGEST_ORIGIN: &str = "https://www.diffo.fi";
const USER: &str = "bench";
const PASSWORD: &str = "bench-password";

struct Options {
    seconds: u64,
    connections: usize,
    events: u64,
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("consent-log-bench: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("consent-log-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        seconds: 10,
        connections: 64,
        events: 10_000_000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--help" || arg == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        let number: u64 = value
            .replace('_', "")
            .parse()
            .map_err(|_| format!("{arg}: {value:?} is not a number"))?;
        if number == 0 {
            return Err(format!("{arg} must be at least 1"));
        }
        match arg.as_str() {
            "--seconds" => options.seconds = number,
            "--connections" => options.connections = number as usize,
            "--events" => options.events = number,
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    Ok(options)
}

/// Runs both parts and prints the table; `false` if an acknowledged event was lost.
fn run(options: &Options) -> BoxResult<bool> {
    let started = Instant::now();
    let service = std::env::current_exe()?.with_file_name("consent-log");
    if !service.exists() {
        return Err(format!(
            "{} is missing: build both binaries with `cargo build -p diffo-consent-log --release`",
            service.display()
        )
        .into());
    }
    let dir = std::env::temp_dir().join(format!("consent-log-bench-{}-{}", std::process::id(), now_ms()));
    std::fs::create_dir_all(&dir)?;
    let result = run_in(options, &service, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    let (rows, ok) = result?;
    let command = format!(
        "cargo run -p diffo-consent-log --release --bin consent-log-bench -- --seconds {} --connections {} --events {}",
        options.seconds, options.connections, options.events
    );
    println!("\n`{command}` ({} s in all)\n", started.elapsed().as_secs());
    println!("| measure | result | target |\n| --- | --- | --- |");
    for (measure, result, target) in rows {
        println!("| {measure} | {result} | {target} |");
    }
    Ok(ok)
}

type Row = (String, String, String);

fn row(measure: impl Into<String>, result: impl Into<String>, target: impl Into<String>) -> Row {
    (measure.into(), result.into(), target.into())
}

fn run_in(options: &Options, service: &Path, dir: &Path) -> BoxResult<(Vec<Row>, bool)> {
    let mut rows = Vec::new();
    let ingest = ingest(options, service, &dir.join("ingest"))?;
    let ok = ingest.lost == 0;
    let seconds = options.seconds;
    let connections = options.connections;
    rows.push(row(
        format!("ingest, events/s ({connections} connections, {seconds} s)"),
        thousands(ingest.measured as f64 / seconds as f64),
        "≥ 20,000",
    ));
    for (name, value, target) in [
        ("p50", ingest.p50, ""),
        ("p90", ingest.p90, ""),
        ("p99", ingest.p99, "< 25 ms"),
        ("max", ingest.max, ""),
    ] {
        rows.push(row(format!("ingest latency, {name}"), ms(value), target));
    }
    rows.push(row(
        "ingest errors (non-204 or failed requests)",
        thousands(ingest.errors as f64),
        "0",
    ));
    rows.push(row(
        format!(
            "acknowledged events lost (of {} acknowledged, warm-up included)",
            thousands(ingest.acknowledged as f64)
        ),
        if ingest.lost == 0 {
            "0".to_string()
        } else {
            format!("**{}**", ingest.lost)
        },
        "0",
    ));
    let stats = stats(options, service, &dir.join("stats"))?;
    rows.push(row(
        format!(
            "seeding {} events ({} decision rows; direct SQL, one transaction, schema from the migrations)",
            thousands(options.events as f64),
            thousands(stats.decisions as f64),
        ),
        format!(
            "{:.0} s ({} events/s)",
            stats.seed_seconds,
            thousands(options.events as f64 / stats.seed_seconds)
        ),
        "",
    ));
    for (path, times) in &stats.timings {
        rows.push(row(
            format!("GET {path}, 365 days × 3 sites × 3 languages: median / max"),
            format!("{} / {}", ms(median(times)), ms(*times.iter().max().unwrap_or(&0))),
            "< 200 ms",
        ));
    }
    Ok((rows, ok))
}

// ---------------------------------------------------------------------------------
// The service process.

/// The running service; killed when dropped (also on an error).
struct Service {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn start(binary: &Path, dir: &Path, database: &Path, extra: &str) -> BoxResult<Service> {
    let port = free_port()?;
    let config = dir.join("consent-log.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\ndatabase = {:?}\nrate_limit_per_minute = 0\nsecure_cookie = false\n{extra}",
            database.display().to_string()
        ),
    )?;
    let log = dir.join("consent-log.log");
    let child = Command::new(binary)
        .arg("--config")
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log)?)
        .spawn()?;
    let mut service = Service { child, port, log };
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if service.child.try_wait()?.is_some() || Instant::now() > deadline {
            return Err(format!("the service did not start:\n{}", service.log_text()).into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(service)
}

impl Service {
    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Stops the service with SIGTERM (a graceful shutdown that writes the last batch),
    /// or SIGKILL after 30 s.
    fn stop(&mut self) -> BoxResult<()> {
        let term = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        if term.is_ok_and(|s| s.success()) {
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                if let Some(status) = self.child.try_wait()? {
                    if !status.success() {
                        eprintln!("the service exited with {status}:\n{}", self.log_text());
                    }
                    return Ok(());
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        eprintln!("the service did not stop on SIGTERM; killing it");
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------
// A minimal HTTP/1.1 client over one keep-alive connection.

struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Connection {
    async fn open(port: u16) -> io::Result<Connection> {
        let stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            buf: Vec::with_capacity(4096),
        })
    }

    async fn write_all(&self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            self.stream.writable().await?;
            match self.stream.try_write(data) {
                Ok(n) => data = &data[n..],
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Reads more bytes into the buffer; an error at the end of the stream.
    async fn fill(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            self.stream.readable().await?;
            match self.stream.try_read(&mut chunk) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Sends a whole request and reads its response (Content-Length or chunked body).
    async fn send(&mut self, request: &[u8]) -> io::Result<Response> {
        self.write_all(request).await?;
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i;
            }
            self.fill().await?;
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        self.buf.drain(..head_end + 4);
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .ok_or(io::ErrorKind::InvalidData)?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
            .collect();
        let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            self.chunked().await?
        } else {
            let length: usize = match header("content-length") {
                Some(v) => v.parse().map_err(|_| io::ErrorKind::InvalidData)?,
                None => 0,
            };
            self.take(length).await?
        };
        Ok(Response { status, headers, body })
    }

    async fn take(&mut self, length: usize) -> io::Result<Vec<u8>> {
        while self.buf.len() < length {
            self.fill().await?;
        }
        Ok(self.buf.drain(..length).collect())
    }

    async fn chunked(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(i) = find(&self.buf, b"\r\n") {
                    break i;
                }
                self.fill().await?;
            };
            let line = String::from_utf8_lossy(&self.buf[..line_end]).into_owned();
            self.buf.drain(..line_end + 2);
            let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| io::ErrorKind::InvalidData)?;
            // The chunk and its CRLF (the last, empty chunk: just the final CRLF).
            let chunk = self.take(size + 2).await?;
            if size == 0 {
                return Ok(body);
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------------
// Random events.

/// xorshift64*: fast, and good enough for ids and choices in a benchmark.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed).expect("no random seed");
        Rng(u64::from_le_bytes(seed) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A random UUID version 4, lowercase and hyphenated.
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        let hex = format!("{a:016x}{b:016x}");
        let variant = ['8', '9', 'a', 'b'][(b >> 62) as usize];
        format!(
            "{}-{}-4{}-{variant}{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[13..16],
            &hex[17..20],
            &hex[20..32]
        )
    }

    /// One event on site `SITES[site]`: a third `shown`, the rest decisions of every
    /// kind, layer and choice; of those, four in five in version 2 with the site's
    /// services (each granted only with its category, and in a custom choice not always
    /// then).
    fn event(&mut self, sites: &[Arc<str>], site: usize, lang: Lang) -> Event {
        let site_name = sites[site].clone();
        let site = SERVICES[site];
        let context = Context {
            site: site_name,
            lang,
            revision: 1 + self.below(3) as u16,
            texts: Texts::parse("0123456789abcdef").expect("valid texts"),
        };
        if self.below(3) == 0 {
            return Event::Shown(context);
        }
        let kind = [
            DecisionKind::AcceptAll,
            DecisionKind::AcceptAll,
            DecisionKind::RejectAll,
            DecisionKind::Custom,
            DecisionKind::Custom,
            DecisionKind::Withdraw,
        ][self.below(6) as usize];
        let categories = match kind {
            DecisionKind::AcceptAll => [true; 3],
            DecisionKind::RejectAll | DecisionKind::Withdraw => [false; 3],
            DecisionKind::Custom => {
                let bits = self.below(8);
                [bits & 1 != 0, bits & 2 != 0, bits & 4 != 0]
            }
        };
        let services = (self.below(5) != 0).then(|| {
            let pairs = site
                .iter()
                .map(|(id, category)| {
                    let granted = categories[*category] && (kind != DecisionKind::Custom || self.below(4) != 0);
                    (ServiceId::parse(id).expect("a valid service id"), granted)
                })
                .collect();
            Services::new(pairs).expect("valid services")
        });
        Event::Decision(Decision {
            id: ConsentId::parse(&self.uuid()).expect("a valid v4 id"),
            kind,
            context,
            layer: Layer::ALL[self.below(Layer::ALL.len() as u64) as usize],
            categories: Categories {
                analytics: categories[0],
                marketing: categories[1],
                social: categories[2],
            },
            services,
        })
    }
}

/// The event's JSON, as the banner sends it.
fn to_json(event: &Event) -> String {
    let c = event.context();
    let common = format!(
        r#""site":"{}","lang":"{}","revision":{},"texts":"{}""#,
        c.site,
        c.lang.code(),
        c.revision,
        c.texts.as_str()
    );
    match event {
        Event::Shown(_) => format!(r#"{{"version":2,"event":"shown",{common}}}"#),
        Event::Decision(d) => {
            let services = d.services.as_ref().map(|services| {
                let pairs: Vec<String> = services
                    .iter()
                    .map(|(id, granted)| format!("\"{id}\":{granted}"))
                    .collect();
                format!(r#","services":{{{}}}"#, pairs.join(","))
            });
            format!(
                r#"{{"version":{},"event":"{}","id":"{}",{common},"layer":"{}","categories":{{"analytics":{},"marketing":{},"social":{}}}{}}}"#,
                d.version(),
                d.kind.as_str(),
                d.id,
                d.layer.as_str(),
                d.categories.analytics,
                d.categories.marketing,
                d.categories.social,
                services.unwrap_or_default()
            )
        }
    }
}

// ---------------------------------------------------------------------------------
// Part 1: ingest.

struct IngestResult {
    /// 204s completed in the measured period.
    measured: u64,
    /// Every 204, warm-up included.
    acknowledged: u64,
    errors: u64,
    p50: u32,
    p90: u32,
    p99: u32,
    max: u32,
    lost: i64,
}

#[derive(Default)]
struct Load {
    latencies_us: Vec<u32>,
    measured: u64,
    decisions: u64,
    /// The services named by the acknowledged decisions.
    services: u64,
    shown: u64,
    errors: u64,
    first_error: Option<String>,
}

fn ingest(options: &Options, binary: &Path, dir: &Path) -> BoxResult<IngestResult> {
    std::fs::create_dir_all(dir)?;
    let database = dir.join("ingest.sqlite");
    let mut service = start(
        binary,
        dir,
        &database,
        &format!("[sites]\n\"{INGEST_SITE}\" = [\"{INGEST_ORIGIN}\"]\n"),
    )?;
    eprintln!(
        "ingest: {} connections, {} s warm-up + {} s measured ...",
        options.connections,
        WARM_UP.as_secs(),
        options.seconds
    );
    // One thread is plenty to drive the load and leaves the other core to the service.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let begin = Instant::now();
    let measure_from = begin + WARM_UP;
    let measure_to = measure_from + Duration::from_secs(options.seconds);
    let port = service.port;
    let loads: Vec<Load> = runtime.block_on(async move {
        let tasks: Vec<_> = (0..options.connections)
            .map(|_| tokio::spawn(load(port, measure_from, measure_to)))
            .collect();
        let mut loads = Vec::new();
        for task in tasks {
            loads.push(task.await.unwrap_or_default());
        }
        loads
    });
    drop(runtime);
    service.stop()?;

    let mut all = Load::default();
    for load in loads {
        all.latencies_us.extend(load.latencies_us);
        all.measured += load.measured;
        all.decisions += load.decisions;
        all.services += load.services;
        all.shown += load.shown;
        all.errors += load.errors;
        all.first_error = all.first_error.or(load.first_error);
    }
    if let Some(e) = &all.first_error {
        eprintln!("ingest: first error: {e}");
    }
    all.latencies_us.sort_unstable();
    let percentile = |q: f64| -> u32 {
        let n = all.latencies_us.len();
        if n == 0 {
            return 0;
        }
        let i = ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
        all.latencies_us[i]
    };

    let db = rusqlite::Connection::open(&database)?;
    let rows: i64 = db.query_row("SELECT COUNT(*) FROM decisions", [], |r| r.get(0))?;
    let (shown, decided): (i64, i64) = db.query_row(
        "SELECT COALESCE(SUM(shown), 0), COALESCE(SUM(accept_all + reject_all + custom + withdraw), 0) FROM daily",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let services: i64 = db.query_row("SELECT COUNT(*) FROM decision_services", [], |r| r.get(0))?;
    let acknowledged = all.decisions + all.shown;
    let stored = rows + shown;
    eprintln!(
        "ingest: acknowledged {} decisions (naming {} services) + {} shown; stored {rows} decision rows \
         (daily counts {decided}, {services} services) + {shown} shown",
        all.decisions, all.services, all.shown
    );
    if decided != rows {
        eprintln!("ingest: the daily counts ({decided}) disagree with the decision rows ({rows})");
    }
    if services < all.services as i64 {
        eprintln!(
            "ingest: {} acknowledged services are missing",
            all.services as i64 - services
        );
    }
    // A decision without its services counts as lost, as it is no longer whole.
    let lost = (all.decisions as i64 - rows).max(0)
        + (all.shown as i64 - shown).max(0)
        + (all.services as i64 - services).max(0);
    if lost == 0 {
        eprintln!("ingest: lost: 0 ({stored} stored of {acknowledged} acknowledged)");
    } else {
        eprintln!("ingest: LOST {lost} acknowledged events ({stored} stored of {acknowledged} acknowledged)");
    }
    Ok(IngestResult {
        measured: all.measured,
        acknowledged,
        errors: all.errors,
        p50: percentile(0.50),
        p90: percentile(0.90),
        p99: percentile(0.99),
        max: all.latencies_us.last().copied().unwrap_or(0),
        lost,
    })
}

/// One connection's closed loop: send, wait for the answer, repeat until `to`.
async fn load(port: u16, from: Instant, to: Instant) -> Load {
    let mut result = Load::default();
    let mut rng = Rng::new();
    let sites: Vec<Arc<str>> = SITES.iter().map(|s| Arc::from(*s)).collect();
    let site = SITES.iter().position(|s| *s == INGEST_SITE).unwrap_or(0);
    let mut connection = None;
    while Instant::now() < to {
        let conn = match &mut connection {
            Some(conn) => conn,
            None => match Connection::open(port).await {
                Ok(conn) => connection.insert(conn),
                Err(e) => {
                    result.errors += 1;
                    result.first_error.get_or_insert(format!("connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let lang = Lang::ALL[rng.below(3) as usize];
        let event = rng.event(&sites, site, lang);
        let body = to_json(&event);
        let request = format!(
            "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {INGEST_ORIGIN}\r\n\
             Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let sent = Instant::now();
        let response = conn.send(request.as_bytes()).await;
        let done = Instant::now();
        match response {
            Ok(response) if response.status == 204 => {
                match &event {
                    Event::Shown(_) => result.shown += 1,
                    Event::Decision(d) => {
                        result.decisions += 1;
                        result.services += d.services.as_ref().map_or(0, |s| s.len() as u64);
                    }
                }
                if done >= from && done < to {
                    result.measured += 1;
                    let us = done.duration_since(sent).as_micros();
                    result.latencies_us.push(u32::try_from(us).unwrap_or(u32::MAX));
                }
            }
            Ok(response) => {
                result.errors += 1;
                result
                    .first_error
                    .get_or_insert_with(|| format!("{}: {}", response.status, String::from_utf8_lossy(&response.body)));
            }
            Err(e) => {
                result.errors += 1;
                result.first_error.get_or_insert(format!("request: {e}"));
                connection = None;
            }
        }
    }
    result
}

// ---------------------------------------------------------------------------------
// Part 2: stats over a big database.

struct StatsResult {
    seed_seconds: f64,
    decisions: u64,
    /// Each path with its timed durations in microseconds.
    timings: Vec<(String, Vec<u32>)>,
}

fn stats(options: &Options, binary: &Path, dir: &Path) -> BoxResult<StatsResult> {
    std::fs::create_dir_all(dir)?;
    let database = dir.join("stats.sqlite");
    let today = Day::of_ms(now_ms());
    let first = today.plus(-364);
    let seeding = Instant::now();
    let decisions = seed(&database, options.events, first)?;
    let seed_seconds = seeding.elapsed().as_secs_f64();

    let hash = cheap_hash(PASSWORD)?;
    let sites: String = SITES
        .iter()
        .map(|site| format!("\"{site}\" = [\"https://www.{site}\"]\n"))
        .collect();
    let mut service = start(
        binary,
        dir,
        &database,
        &format!("[sites]\n{sites}[[users]]\nname = \"{USER}\"\npassword_hash = \"{hash}\"\n"),
    )?;
    let port = service.port;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let range = format!("from={first}&to={today}");
    let timings = runtime.block_on(async {
        let mut conn = Connection::open(port).await?;
        let cookie = login(&mut conn, port).await?;
        let mut timings = Vec::new();
        for path in ["/v1/stats", "/v1/stats.csv", "/v1/stats/services.csv", "/dashboard"] {
            let target = format!("{path}?{range}");
            let request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n\r\n");
            let mut times = Vec::with_capacity(STATS_RUNS);
            for run in 0..=STATS_RUNS {
                let sent = Instant::now();
                let response = conn.send(request.as_bytes()).await?;
                let took = sent.elapsed().as_micros();
                if response.status != 200 {
                    return Err(format!(
                        "GET {target}: {} {}",
                        response.status,
                        String::from_utf8_lossy(&response.body)
                    )
                    .into());
                }
                if run == 0 {
                    eprintln!("stats: GET {target}: {} bytes", response.body.len());
                } else {
                    times.push(u32::try_from(took).unwrap_or(u32::MAX));
                }
            }
            timings.push((path.to_string(), times));
        }
        BoxResult::Ok(timings)
    })?;
    drop(runtime);
    service.stop()?;
    Ok(StatsResult {
        seed_seconds,
        decisions,
        timings,
    })
}

/// A PHC hash of `password` with tiny Argon2 parameters, so that the login is quick.
fn cheap_hash(password: &str) -> BoxResult<String> {
    let params = Params::new(8, 1, 1, None).map_err(|e| e.to_string())?;
    Ok(auth::hash_with(password, params, &auth::random_salt()?)?)
}

/// Logs in; returns the `Cookie` header's value for the session.
async fn login(conn: &mut Connection, port: u16) -> BoxResult<String> {
    let body = format!("name={USER}&password={PASSWORD}");
    let request = format!(
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let response = conn.send(request.as_bytes()).await?;
    let cookie = response
        .headers
        .iter()
        .find(|(name, _)| name == "set-cookie")
        .and_then(|(_, value)| value.split(';').next())
        .filter(|_| response.status == 303)
        .ok_or_else(|| {
            format!(
                "the login failed: {} {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            )
        })?;
    Ok(cookie.to_string())
}

/// Writes `events` events over the 365 days from `first` (3 sites × 3 languages, times
/// spread over each day); checks them and returns how many decisions were stored.
///
/// The schema comes from the store's own migrations ([`SqliteStore::open`]). The rows
/// are then written with direct SQL, much faster than `Store::append` (whose batches
/// are durable one by one): in one transaction, without journal or fsync, with the two
/// indexes of `decisions` dropped and created again (with their SQL from the schema)
/// at the end. The rows are those `append` writes, through the same
/// [`sqlite::Inserts`]: decisions with their services, and daily counts (per service
/// too) summed with the service's own [`Counts::add`], which the check below compares
/// with the decision rows (day by day for the categories, in total per service).
fn seed(path: &Path, events: u64, first: Day) -> BoxResult<u64> {
    drop(SqliteStore::open(path)?);
    let mut db = rusqlite::Connection::open(path)?;
    let _: String = db.query_row("PRAGMA journal_mode = OFF", [], |r| r.get(0))?;
    db.pragma_update(None, "synchronous", "OFF")?;
    db.pragma_update(None, "cache_size", -1_000_000)?;
    let indexes: Vec<(String, String)> = db
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'decisions' AND sql IS NOT NULL",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let sites: Vec<Arc<str>> = SITES.iter().map(|s| Arc::from(*s)).collect();
    let mut rng = Rng::new();
    let mut expected = Counts::default();
    let mut daily: HashMap<(Day, usize, Lang), Counts> = HashMap::new();
    let mut service_rows = 0u64;
    let started = Instant::now();
    let tx = db.transaction()?;
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX {name}"))?;
    }
    {
        let mut inserts = sqlite::Inserts::prepare(&tx)?;
        let mut written = 0u64;
        let days = 365;
        for d in 0..days {
            let day = first.plus(d as i64);
            let n = events / days + u64::from(d < events % days);
            for i in 0..n {
                let time_ms = day.start_ms() + (i as i64 * DAY_MS) / n as i64;
                let site = rng.below(3) as usize;
                let lang = Lang::ALL[rng.below(3) as usize];
                let event = rng.event(&sites, site, lang);
                expected.add(&event);
                if let Event::Decision(d) = &event {
                    service_rows += d.services.as_ref().map_or(0, |s| s.len() as u64);
                }
                daily.entry((Day::of_ms(time_ms), site, lang)).or_default().add(&event);
                if let Event::Decision(d) = &event {
                    inserts.decision(time_ms, d)?;
                }
                written += 1;
                if written % 1_000_000 == 0 {
                    let secs = started.elapsed().as_secs_f64();
                    eprintln!(
                        "stats: seeded {} of {} events in {secs:.0} s ({} events/s)",
                        thousands(written as f64),
                        thousands(events as f64),
                        thousands(written as f64 / secs)
                    );
                }
            }
        }
        for ((day, site, lang), counts) in &daily {
            inserts.daily(*day, SITES[*site], *lang, counts)?;
        }
    }
    eprintln!(
        "stats: rows written in {:.0} s; creating the indexes ...",
        started.elapsed().as_secs_f64()
    );
    for (_, sql) in &indexes {
        tx.execute_batch(sql)?;
    }
    tx.commit()?;
    eprintln!(
        "stats: committed in {:.0} s; checking ...",
        started.elapsed().as_secs_f64()
    );
    drop(db);

    // The daily counts must agree with what was generated and with the decision rows.
    let db = rusqlite::Connection::open(path)?;
    let rows: u64 = db.query_row("SELECT COUNT(*) FROM decisions", [], |r| r.get(0))?;
    let sums: [u64; 8] = db.query_row(
        "SELECT SUM(shown), SUM(accept_all), SUM(reject_all), SUM(custom), SUM(withdraw), \
         SUM(analytics), SUM(marketing), SUM(social) FROM daily",
        [],
        |r| {
            let mut sums = [0u64; 8];
            for (i, sum) in sums.iter_mut().enumerate() {
                *sum = r.get(i)?;
            }
            Ok(sums)
        },
    )?;
    let e = expected;
    let wanted = [
        e.shown,
        e.accept_all,
        e.reject_all,
        e.custom,
        e.withdraw,
        e.analytics,
        e.marketing,
        e.social,
    ];
    let daily_rows: u64 = db.query_row("SELECT COUNT(*) FROM daily", [], |r| r.get(0))?;
    // Day by day, site by site and language by language, as `Store::append` counts.
    let mismatched: u64 = db.query_row(
        "SELECT COUNT(*) FROM daily d LEFT JOIN ( \
           SELECT date(time_ms / 1000, 'unixepoch') AS day, site, lang, \
             SUM(event = 'accept_all') AS aa, SUM(event = 'reject_all') AS ra, SUM(event = 'custom') AS cu, \
             SUM(event = 'withdraw') AS wd, SUM(analytics AND event <> 'withdraw') AS an, \
             SUM(marketing AND event <> 'withdraw') AS ma, SUM(social AND event <> 'withdraw') AS so \
           FROM decisions GROUP BY 1, 2, 3) x USING (day, site, lang) \
         WHERE COALESCE(x.aa, 0) <> d.accept_all OR COALESCE(x.ra, 0) <> d.reject_all \
           OR COALESCE(x.cu, 0) <> d.custom OR COALESCE(x.wd, 0) <> d.withdraw \
           OR COALESCE(x.an, 0) <> d.analytics OR COALESCE(x.ma, 0) <> d.marketing OR COALESCE(x.so, 0) <> d.social",
        [],
        |r| r.get(0),
    )?;
    if mismatched > 0 {
        return Err(format!("{mismatched} daily rows disagree with the decisions").into());
    }
    if sums != wanted || rows != e.decisions() + e.withdraw {
        return Err(
            format!("the seeded database is inconsistent: daily {sums:?}, wanted {wanted:?}, {rows} rows").into(),
        );
    }
    // Per service: the daily counts, what was generated, and the decisions' own rows
    // (withdrawals are stored with their services but not counted for them).
    let per_service = |sql: &str| -> BoxResult<Vec<(String, u64, u64)>> {
        Ok(db
            .prepare(sql)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?)
    };
    let counted = per_service(
        "SELECT service, SUM(decisions), SUM(granted) FROM daily_services GROUP BY service ORDER BY service",
    )?;
    let from_rows = per_service(
        "SELECT s.service, COUNT(*), SUM(s.granted) FROM decision_services s JOIN decisions d ON d.seq = s.seq \
         WHERE d.event <> 'withdraw' GROUP BY s.service ORDER BY s.service",
    )?;
    let generated: Vec<(String, u64, u64)> = e
        .services
        .iter()
        .map(|(id, c)| (id.to_string(), c.decisions, c.granted))
        .collect();
    let stored_services: u64 = db.query_row("SELECT COUNT(*) FROM decision_services", [], |r| r.get(0))?;
    if counted != generated || from_rows != generated || stored_services != service_rows {
        return Err(format!(
            "the seeded services are inconsistent: daily {counted:?}, rows {from_rows:?}, wanted {generated:?}; \
             {stored_services} service rows, wanted {service_rows}"
        )
        .into());
    }
    eprintln!(
        "stats: seeded {} events ({rows} decision rows, {stored_services} of their services, {} shown, \
         {daily_rows} daily rows) in {:.0} s; counts consistent",
        thousands(events as f64),
        e.shown,
        started.elapsed().as_secs_f64()
    );
    Ok(rows)
}

// ---------------------------------------------------------------------------------
// Formatting.

fn median(times: &[u32]) -> u32 {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or(0)
}

/// Microseconds as milliseconds.
fn ms(us: u32) -> String {
    let ms = f64::from(us) / 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// A whole number with thousands separators: 37,480.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        let _ = out.write_char(c);
    }
    out
}
