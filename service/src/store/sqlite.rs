//! The embedded store: one SQLite file, created and migrated on open.
//!
//! One connection writes (in WAL mode with `synchronous=FULL`, so a committed batch
//! survives a crash or power loss); a few more, kept for reuse, read at the same time
//! without waiting for the writer.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, CachedStatement, Connection, TransactionBehavior};

use super::{DailyRow, Recorded, Stamped, StatsQuery, Store, StoreError};
use crate::event::{Categories, Decision, DecisionKind, Event, Layer, ServiceId, Services};
use crate::lang::Lang;
use crate::stats::{Counts, ServiceCounts};
use crate::time::Day;

/// The schema's migrations, in order: `migrations/NNNN_name.sql`. The database's
/// `PRAGMA user_version` is the number of them applied.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init.sql", include_str!("../../migrations/0001_init.sql")),
    ("0002_services.sql", include_str!("../../migrations/0002_services.sql")),
];

/// How many decisions one purge step deletes, so that ingest is never held up for long.
const PURGE_STEP: u32 = 5000;

/// How many idle reading connections are kept.
const IDLE_READERS: usize = 4;

/// The SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl SqliteStore {
    /// Opens the database at `path`, creating it if needed, and applies the migrations
    /// it lacks.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let mut conn = Connection::open(path)
            .map_err(|e| StoreError(format!("cannot open the database {}: {e}", path.display())))?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError(format!(
                "the database {} cannot use WAL mode (got {mode})",
                path.display()
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        // A decision's services refer to it: with foreign keys on, nothing this
        // connection does can leave services without their decision.
        conn.pragma_update(None, "foreign_keys", true)?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
        })
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable: transactions that
        // did not commit roll back.
        self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        let idle = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                let conn = Connection::open(&self.path)?;
                conn.busy_timeout(Duration::from_secs(10))?;
                conn.pragma_update(None, "query_only", true)?;
                conn
            }
        };
        let result = f(&conn);
        let mut readers = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if readers.len() < IDLE_READERS {
            readers.push(conn);
        }
        Ok(result?)
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let applied: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if applied > MIGRATIONS.len() {
        return Err(StoreError(format!(
            "the database has schema version {applied}, newer than this program's {}",
            MIGRATIONS.len()
        )));
    }
    for (number, (name, sql)) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)
            .map_err(|e| StoreError(format!("migration {name}: {e}")))?;
        tx.pragma_update(None, "user_version", number + 1)?;
        tx.commit()?;
    }
    Ok(())
}

const INSERT_DECISION: &str = "INSERT INTO decisions \
     (consent_id, time_ms, event, site, lang, revision, texts, layer, analytics, marketing, social, version) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

const INSERT_DECISION_SERVICE: &str = "INSERT INTO decision_services (seq, service, granted) VALUES (?1, ?2, ?3)";

const ADD_DAILY: &str = "INSERT INTO daily \
     (day, site, lang, shown, accept_all, reject_all, custom, withdraw, analytics, marketing, social) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
     ON CONFLICT (day, site, lang) DO UPDATE SET \
     shown = shown + excluded.shown, accept_all = accept_all + excluded.accept_all, \
     reject_all = reject_all + excluded.reject_all, custom = custom + excluded.custom, \
     withdraw = withdraw + excluded.withdraw, analytics = analytics + excluded.analytics, \
     marketing = marketing + excluded.marketing, social = social + excluded.social";

const ADD_DAILY_SERVICE: &str = "INSERT INTO daily_services (day, site, lang, service, decisions, granted) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
     ON CONFLICT (day, site, lang, service) DO UPDATE SET \
     decisions = decisions + excluded.decisions, granted = granted + excluded.granted";

/// The statements that write a batch, prepared once per transaction. The benchmark
/// seeds its database with these too, so that it writes what the service does.
pub struct Inserts<'conn> {
    decision: CachedStatement<'conn>,
    decision_service: CachedStatement<'conn>,
    daily: CachedStatement<'conn>,
    daily_service: CachedStatement<'conn>,
}

impl<'conn> Inserts<'conn> {
    /// Prepares the statements on `conn` (usually a transaction).
    pub fn prepare(conn: &'conn Connection) -> rusqlite::Result<Inserts<'conn>> {
        Ok(Inserts {
            decision: conn.prepare_cached(INSERT_DECISION)?,
            decision_service: conn.prepare_cached(INSERT_DECISION_SERVICE)?,
            daily: conn.prepare_cached(ADD_DAILY)?,
            daily_service: conn.prepare_cached(ADD_DAILY_SERVICE)?,
        })
    }

    /// Writes decision `d`, received at `time_ms`, and the services it names.
    pub fn decision(&mut self, time_ms: i64, d: &Decision) -> rusqlite::Result<()> {
        let context = &d.context;
        let seq = self.decision.insert(params![
            d.id.as_str(),
            time_ms,
            d.kind.as_str(),
            &*context.site,
            context.lang.code(),
            context.revision,
            context.texts.as_str(),
            d.layer.as_str(),
            d.categories.analytics,
            d.categories.marketing,
            d.categories.social,
            d.version(),
        ])?;
        for (service, granted) in d.services.iter().flat_map(Services::iter) {
            self.decision_service.execute(params![seq, service.as_str(), granted])?;
        }
        Ok(())
    }

    /// Adds `c` to the counts of `day`, `site` and `lang`, and to those of each of its
    /// services.
    pub fn daily(&mut self, day: Day, site: &str, lang: Lang, c: &Counts) -> rusqlite::Result<()> {
        let day = day.to_string();
        self.daily.execute(params![
            day,
            site,
            lang.code(),
            c.shown,
            c.accept_all,
            c.reject_all,
            c.custom,
            c.withdraw,
            c.analytics,
            c.marketing,
            c.social,
        ])?;
        for (service, counts) in &c.services {
            self.daily_service.execute(params![
                day,
                site,
                lang.code(),
                service.as_str(),
                counts.decisions,
                counts.granted
            ])?;
        }
        Ok(())
    }
}

impl Store for SqliteStore {
    fn append(&self, batch: &[Stamped]) -> Result<(), StoreError> {
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut daily: HashMap<(Day, &str, Lang), Counts> = HashMap::new();
        {
            let mut inserts = Inserts::prepare(&tx)?;
            for Stamped { time_ms, event } in batch {
                let context = event.context();
                daily
                    .entry((Day::of_ms(*time_ms), &context.site, context.lang))
                    .or_default()
                    .add(event);
                if let Event::Decision(d) = event {
                    inserts.decision(*time_ms, d)?;
                }
            }
            for ((day, site, lang), counts) in &daily {
                inserts.daily(*day, site, *lang, counts)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn receipt(&self, id: &str) -> Result<Vec<Recorded>, StoreError> {
        let (rows, services) = self.read(|conn| {
            // One read transaction: a purge between the two reads cannot split a decision
            // from its services.
            let tx = conn.unchecked_transaction()?;
            let mut select = tx.prepare_cached(
                "SELECT seq, event, time_ms, site, lang, revision, texts, layer, analytics, marketing, social, version \
                 FROM decisions WHERE consent_id = ?1 ORDER BY seq",
            )?;
            let rows = select
                .query_map([id], |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, i64>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, u16>(5)?,
                        row.get::<_, String>(6)?,
                        row.get::<_, String>(7)?,
                        Categories {
                            analytics: row.get(8)?,
                            marketing: row.get(9)?,
                            social: row.get(10)?,
                        },
                        row.get::<_, u32>(11)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut select = tx.prepare_cached(
                "SELECT s.seq, s.service, s.granted FROM decisions d JOIN decision_services s ON s.seq = d.seq \
                 WHERE d.consent_id = ?1 ORDER BY s.seq, s.service",
            )?;
            let services = select
                .query_map([id], |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, bool>(2)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((rows, services))
        })?;
        let mut by_seq: HashMap<i64, Vec<(ServiceId, bool)>> = HashMap::new();
        for (seq, service, granted) in services {
            let id = ServiceId::parse(&service).ok_or_else(|| bad_row("service", &service))?;
            by_seq.entry(seq).or_default().push((id, granted));
        }
        rows.into_iter()
            .map(
                |(seq, event, time_ms, site, lang, revision, texts, layer, categories, version)| {
                    let named = by_seq.remove(&seq);
                    let services = match (version, named) {
                        (1, None) => None,
                        (2, named) => Some(Services::new(named.unwrap_or_default()).map_err(StoreError)?),
                        (1, Some(_)) => return Err(bad_row("services of the version 1 decision", &seq.to_string())),
                        (other, _) => return Err(bad_row("version", &other.to_string())),
                    };
                    Ok(Recorded {
                        kind: DecisionKind::from_name(&event).ok_or_else(|| bad_row("event", &event))?,
                        time_ms,
                        site,
                        lang: Lang::from_code(&lang).ok_or_else(|| bad_row("lang", &lang))?,
                        revision,
                        texts,
                        layer: Layer::from_name(&layer).ok_or_else(|| bad_row("layer", &layer))?,
                        categories,
                        services,
                    })
                },
            )
            .collect()
    }

    fn stats(&self, query: &StatsQuery) -> Result<Vec<DailyRow>, StoreError> {
        let (rows, services) = self.read(|conn| {
            // One read transaction, so that the counts per service are those of the same
            // batches as the daily counts.
            let tx = conn.unchecked_transaction()?;
            let params = params![
                query.from.to_string(),
                query.to.to_string(),
                query.site.as_deref(),
                query.lang.map(Lang::code)
            ];
            let mut select = tx.prepare_cached(
                "SELECT day, site, lang, shown, accept_all, reject_all, custom, withdraw, analytics, marketing, social \
                 FROM daily WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR site = ?3) AND (?4 IS NULL OR lang = ?4) \
                 ORDER BY day, site, lang",
            )?;
            let rows = select
                .query_map(params, |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        Counts {
                            shown: row.get(3)?,
                            accept_all: row.get(4)?,
                            reject_all: row.get(5)?,
                            custom: row.get(6)?,
                            withdraw: row.get(7)?,
                            analytics: row.get(8)?,
                            marketing: row.get(9)?,
                            social: row.get(10)?,
                            services: BTreeMap::new(),
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut select = tx.prepare_cached(
                "SELECT day, site, lang, service, decisions, granted FROM daily_services \
                 WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR site = ?3) AND (?4 IS NULL OR lang = ?4)",
            )?;
            let services = select
                .query_map(params, |row| {
                    Ok((
                        (
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, String>(2)?,
                        ),
                        row.get::<_, String>(3)?,
                        ServiceCounts {
                            decisions: row.get(4)?,
                            granted: row.get(5)?,
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((rows, services))
        })?;
        let mut rows = rows;
        let index: HashMap<(&str, &str, &str), usize> = rows
            .iter()
            .enumerate()
            .map(|(i, (day, site, lang, _))| ((day.as_str(), site.as_str(), lang.as_str()), i))
            .collect();
        let mut placed = Vec::with_capacity(services.len());
        for ((day, site, lang), service, counts) in services {
            // Every decision also counts in `daily`, so its day, site and language are there.
            let Some(&i) = index.get(&(day.as_str(), site.as_str(), lang.as_str())) else {
                return Err(bad_row(
                    "per-service counts without daily counts on",
                    &format!("{day} {site} {lang}"),
                ));
            };
            let id = ServiceId::parse(&service).ok_or_else(|| bad_row("service", &service))?;
            placed.push((i, id, counts));
        }
        drop(index);
        for (i, id, counts) in placed {
            rows[i].3.services.insert(id, counts);
        }
        rows.into_iter()
            .map(|(day, site, lang, counts)| {
                Ok(DailyRow {
                    day: Day::parse(&day).ok_or_else(|| bad_row("day", &day))?,
                    site,
                    lang: Lang::from_code(&lang).ok_or_else(|| bad_row("lang", &lang))?,
                    counts,
                })
            })
            .collect()
    }

    fn purge(&self, before_ms: i64) -> Result<u64, StoreError> {
        let mut deleted = 0;
        loop {
            let mut conn = self.writer();
            // A step is one transaction: the decisions it picks and their services go
            // together, or neither.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let seqs: Vec<i64> = tx
                .prepare_cached("SELECT seq FROM decisions WHERE time_ms < ?1 LIMIT ?2")?
                .query_map(params![before_ms, PURGE_STEP], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            // Nothing old left is the common case: one indexed look-up.
            if seqs.is_empty() {
                return Ok(deleted);
            }
            {
                let mut services = tx.prepare_cached("DELETE FROM decision_services WHERE seq = ?1")?;
                let mut decision = tx.prepare_cached("DELETE FROM decisions WHERE seq = ?1")?;
                for seq in &seqs {
                    services.execute([seq])?;
                    decision.execute([seq])?;
                }
            }
            tx.commit()?;
            deleted += seqs.len() as u64;
        }
    }
}

fn bad_row(column: &str, value: &str) -> StoreError {
    StoreError(format!("unexpected {column} {value:?} in the database"))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::event::{Categories, ConsentId, Context, Decision, ServiceId, Services, Texts};
    use crate::retention;
    use crate::time::DAY_MS;

    const ID: &str = "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60";
    const OTHER: &str = "0b7e2f4c-1a2b-4c3d-8e9f-a0b1c2d3e4f5";
    /// 2025-03-01T00:00:00Z.
    const MARCH_1: i64 = 1_740_787_200_000;

    fn context(site: &str, lang: Lang) -> Context {
        Context {
            site: Arc::from(site),
            lang,
            revision: 1,
            texts: Texts::parse("0123456789abcdef").unwrap(),
        }
    }

    fn shown(time_ms: i64, site: &str, lang: Lang) -> Stamped {
        Stamped {
            time_ms,
            event: Event::Shown(context(site, lang)),
        }
    }

    fn decided(time_ms: i64, id: &str, kind: DecisionKind, granted: [bool; 3]) -> Stamped {
        Stamped {
            time_ms,
            event: Event::Decision(Decision {
                id: ConsentId::parse(id).unwrap(),
                kind,
                context: context("diffo.fi", Lang::Fi),
                layer: Layer::First,
                categories: Categories {
                    analytics: granted[0],
                    marketing: granted[1],
                    social: granted[2],
                },
                services: None,
            }),
        }
    }

    /// A version 2 decision: `decided` with services (`"google-analytics:1"` grants,
    /// `"meta-pixel:0"` refuses).
    fn decided_v2(time_ms: i64, id: &str, kind: DecisionKind, granted: [bool; 3], services: &[&str]) -> Stamped {
        let mut stamped = decided(time_ms, id, kind, granted);
        if let Event::Decision(d) = &mut stamped.event {
            d.services = Some(parse_services(services));
        }
        stamped
    }

    fn parse_services(services: &[&str]) -> Services {
        let pairs = services
            .iter()
            .map(|s| {
                let (id, granted) = s.split_once(':').unwrap();
                (ServiceId::parse(id).unwrap(), granted == "1")
            })
            .collect();
        Services::new(pairs).unwrap()
    }

    /// The counts per service of every day, as `"day service decisions/granted"`.
    fn service_days(store: &SqliteStore) -> Vec<String> {
        all_days(store)
            .iter()
            .flat_map(|r| {
                r.counts
                    .services
                    .iter()
                    .map(move |(id, c)| format!("{} {} {}/{}", r.day, id, c.decisions, c.granted))
            })
            .collect()
    }

    fn count(store: &SqliteStore, table: &str) -> i64 {
        store
            .writer()
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    fn open() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("log.sqlite")).unwrap();
        (dir, store)
    }

    fn all_days(store: &SqliteStore) -> Vec<DailyRow> {
        let query = StatsQuery {
            from: Day(0),
            to: Day(100_000),
            site: None,
            lang: None,
        };
        store.stats(&query).unwrap()
    }

    #[test]
    fn a_batch_is_stored_and_counted() {
        let (_dir, store) = open();
        store
            .append(&[
                shown(MARCH_1 + 1000, "diffo.fi", Lang::Fi),
                shown(MARCH_1 + 2000, "diffo.fi", Lang::Fi),
                shown(MARCH_1 + 3000, "diffo.se", Lang::Sv),
                decided(MARCH_1 + 4000, ID, DecisionKind::Custom, [true, false, true]),
                decided(MARCH_1 + DAY_MS, ID, DecisionKind::Withdraw, [false, false, false]),
                decided(MARCH_1 + DAY_MS + 1, OTHER, DecisionKind::AcceptAll, [true, true, true]),
            ])
            .unwrap();
        store
            .append(&[decided(MARCH_1 + 5000, OTHER, DecisionKind::RejectAll, [false; 3])])
            .unwrap();

        let receipt = store.receipt(ID).unwrap();
        assert_eq!(
            receipt.iter().map(|r| r.kind).collect::<Vec<_>>(),
            [DecisionKind::Custom, DecisionKind::Withdraw]
        );
        assert_eq!(receipt[0].time_ms, MARCH_1 + 4000);
        assert_eq!(
            receipt[0].categories,
            Categories {
                analytics: true,
                marketing: false,
                social: true
            }
        );
        assert_eq!(
            (receipt[0].site.as_str(), receipt[0].lang, receipt[0].revision),
            ("diffo.fi", Lang::Fi, 1)
        );
        assert_eq!(
            (receipt[0].texts.as_str(), receipt[0].layer),
            ("0123456789abcdef", Layer::First)
        );
        assert_eq!(store.receipt(OTHER).unwrap().len(), 2);
        assert!(store
            .receipt("0b7e2f4c-1a2b-4c3d-8e9f-000000000000")
            .unwrap()
            .is_empty());

        let days = all_days(&store);
        let summary: Vec<String> = days
            .iter()
            .map(|r| {
                let c = &r.counts;
                format!(
                    "{} {} {} shown={} aa={} ra={} cu={} wd={} a={} m={} s={}",
                    r.day,
                    r.site,
                    r.lang.code(),
                    c.shown,
                    c.accept_all,
                    c.reject_all,
                    c.custom,
                    c.withdraw,
                    c.analytics,
                    c.marketing,
                    c.social
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                "2025-03-01 diffo.fi fi shown=2 aa=0 ra=1 cu=1 wd=0 a=1 m=0 s=1",
                "2025-03-01 diffo.se sv shown=1 aa=0 ra=0 cu=0 wd=0 a=0 m=0 s=0",
                "2025-03-02 diffo.fi fi shown=0 aa=1 ra=0 cu=0 wd=1 a=1 m=1 s=1",
            ]
        );
        let only = |site: Option<&str>, lang: Option<Lang>, from: i64, to: i64| {
            let query = StatsQuery {
                from: Day::of_ms(from),
                to: Day::of_ms(to),
                site: site.map(str::to_string),
                lang,
            };
            store.stats(&query).unwrap().len()
        };
        assert_eq!(only(Some("diffo.se"), None, MARCH_1, MARCH_1 + DAY_MS), 1);
        assert_eq!(only(None, Some(Lang::Fi), MARCH_1, MARCH_1 + DAY_MS), 2);
        assert_eq!(only(None, None, MARCH_1 + DAY_MS, MARCH_1 + DAY_MS), 1);
        assert_eq!(only(None, Some(Lang::En), MARCH_1, MARCH_1 + DAY_MS), 0);
    }

    #[test]
    fn services_are_stored_with_their_decisions_and_counted() {
        let (_dir, store) = open();
        store
            .append(&[
                // Version 1 names no services: it counts for its categories only.
                decided(MARCH_1, OTHER, DecisionKind::AcceptAll, [true; 3]),
                decided_v2(
                    MARCH_1 + 1,
                    ID,
                    DecisionKind::Custom,
                    [true, false, false],
                    &["linkedin-insight:0", "google-analytics:1"],
                ),
                decided_v2(
                    MARCH_1 + 2,
                    "9d8c7b6a-5f4e-4d3c-ab2a-1f0e9d8c7b6a",
                    DecisionKind::RejectAll,
                    [false; 3],
                    &["google-analytics:0"],
                ),
                // A site without services.
                decided_v2(
                    MARCH_1 + 3,
                    "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5",
                    DecisionKind::AcceptAll,
                    [true; 3],
                    &[],
                ),
            ])
            .unwrap();
        store
            .append(&[
                // A withdrawal is kept with its services but not counted for them.
                decided_v2(
                    MARCH_1 + DAY_MS,
                    ID,
                    DecisionKind::Withdraw,
                    [false; 3],
                    &["google-analytics:0", "linkedin-insight:0"],
                ),
                decided_v2(
                    MARCH_1 + DAY_MS + 1,
                    OTHER,
                    DecisionKind::AcceptAll,
                    [true; 3],
                    &["google-analytics:1", "youtube:1"],
                ),
            ])
            .unwrap();

        let receipt = store.receipt(ID).unwrap();
        assert_eq!(receipt.len(), 2);
        assert_eq!(
            receipt[0].services,
            Some(parse_services(&["google-analytics:1", "linkedin-insight:0"]))
        );
        assert_eq!(
            receipt[1].services,
            Some(parse_services(&["google-analytics:0", "linkedin-insight:0"]))
        );
        let other = store.receipt(OTHER).unwrap();
        assert_eq!(other[0].services, None, "version 1");
        assert_eq!(other[1].services.as_ref().map(Services::len), Some(2));
        let none = store.receipt("0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5").unwrap();
        assert_eq!(none[0].services, Some(Services::default()), "version 2, no services");

        assert_eq!(
            service_days(&store),
            [
                "2025-03-01 google-analytics 2/1",
                "2025-03-01 linkedin-insight 1/0",
                "2025-03-02 google-analytics 1/1",
                "2025-03-02 youtube 1/1",
            ]
        );
        // The categories count every version alike.
        let days = all_days(&store);
        assert_eq!((days[0].counts.accept_all, days[0].counts.analytics), (2, 3));
        assert_eq!((days[1].counts.withdraw, days[1].counts.accept_all), (1, 1));
        // Filters apply to the counts per service as to the daily counts.
        let query = StatsQuery {
            from: Day::of_ms(MARCH_1 + DAY_MS),
            to: Day::of_ms(MARCH_1 + DAY_MS),
            site: Some("diffo.fi".to_string()),
            lang: Some(Lang::Fi),
        };
        let rows = store.stats(&query).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].counts.services.len(), 2);
        let query = StatsQuery {
            lang: Some(Lang::En),
            ..query
        };
        assert!(store.stats(&query).unwrap().is_empty());
    }

    #[test]
    fn retention_deletes_old_decisions_and_keeps_the_counts() {
        let (_dir, store) = open();
        let old = MARCH_1 - 400 * DAY_MS;
        store
            .append(&[
                decided(old, ID, DecisionKind::AcceptAll, [true; 3]),
                decided(old + 1, OTHER, DecisionKind::RejectAll, [false; 3]),
                shown(old, "diffo.fi", Lang::Fi),
                decided(MARCH_1, ID, DecisionKind::Withdraw, [false; 3]),
            ])
            .unwrap();
        let counts_before = all_days(&store);
        // A year's retention on 2025-03-01 deletes what is older than 2024-03-01.
        assert_eq!(retention::purge(&store, MARCH_1 + 1, 365).unwrap(), 2);
        assert_eq!(
            store.receipt(ID).unwrap().iter().map(|r| r.kind).collect::<Vec<_>>(),
            [DecisionKind::Withdraw]
        );
        assert!(store.receipt(OTHER).unwrap().is_empty());
        assert_eq!(all_days(&store), counts_before);
        assert_eq!(retention::purge(&store, MARCH_1 + 1, 365).unwrap(), 0);
        // The cut-off is exact to the millisecond.
        assert_eq!(store.purge(MARCH_1).unwrap(), 0);
        assert_eq!(store.purge(MARCH_1 + 1).unwrap(), 1);
    }

    #[test]
    fn retention_deletes_services_with_their_decisions_and_keeps_their_counts() {
        let (_dir, store) = open();
        let old = MARCH_1 - 400 * DAY_MS;
        store
            .append(&[
                decided_v2(
                    old,
                    ID,
                    DecisionKind::AcceptAll,
                    [true; 3],
                    &["google-analytics:1", "youtube:1"],
                ),
                decided_v2(
                    old + 1,
                    OTHER,
                    DecisionKind::Custom,
                    [true, false, false],
                    &["google-analytics:1"],
                ),
                decided_v2(
                    MARCH_1,
                    ID,
                    DecisionKind::Withdraw,
                    [false; 3],
                    &["google-analytics:0", "youtube:0"],
                ),
            ])
            .unwrap();
        let counts_before = all_days(&store);
        assert_eq!(count(&store, "decision_services"), 5);
        assert_eq!(retention::purge(&store, MARCH_1 + 1, 365).unwrap(), 2);
        assert_eq!(count(&store, "decision_services"), 2);
        let orphans: i64 = store
            .writer()
            .query_row(
                "SELECT COUNT(*) FROM decision_services WHERE seq NOT IN (SELECT seq FROM decisions)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0);
        let receipt = store.receipt(ID).unwrap();
        assert_eq!(receipt.len(), 1);
        assert_eq!(
            receipt[0].services,
            Some(parse_services(&["google-analytics:0", "youtube:0"]))
        );
        assert_eq!(all_days(&store), counts_before, "the counts per service stay too");
        assert_eq!(count(&store, "daily_services"), 2);
        // The foreign key holds on the writer: a decision cannot go while its services stay.
        assert!(store.writer().execute("DELETE FROM decisions", []).is_err());
        assert_eq!(count(&store, "decisions"), 1);
    }

    #[test]
    fn purging_works_in_steps() {
        let (_dir, store) = open();
        let batch: Vec<Stamped> = (0..(PURGE_STEP as i64 * 2 + 10))
            .map(|i| match i % 2 {
                0 => decided(i, ID, DecisionKind::AcceptAll, [true; 3]),
                _ => decided_v2(i, ID, DecisionKind::AcceptAll, [true; 3], &["youtube:1"]),
            })
            .collect();
        store.append(&batch).unwrap();
        assert_eq!(store.purge(i64::MAX).unwrap(), batch.len() as u64);
        assert!(store.receipt(ID).unwrap().is_empty());
        assert_eq!(count(&store, "decision_services"), 0);
        assert_eq!(all_days(&store)[0].counts.accept_all, batch.len() as u64);
    }

    #[test]
    fn reopening_keeps_data_and_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.sqlite");
        SqliteStore::open(&path)
            .unwrap()
            .append(&[decided(MARCH_1, ID, DecisionKind::AcceptAll, [true; 3])])
            .unwrap();
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.receipt(ID).unwrap().len(), 1);
        let version: usize = store
            .writer()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len());
        let mode: String = store
            .writer()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let sync: i64 = store
            .writer()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!((mode.as_str(), sync), ("wal", 2), "WAL with synchronous=FULL");
        // A database from a newer program is refused, not damaged.
        store.writer().pragma_update(None, "user_version", 99).unwrap();
        drop(store);
        assert!(SqliteStore::open(&path).err().unwrap().0.contains("schema version 99"));
    }

    /// A database written before services (only 0001 applied) is migrated on open: its
    /// decisions and counts stay as they were, read as version 1, and version 2 events
    /// are stored beside them.
    #[test]
    fn a_database_from_before_services_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.sqlite");
        {
            let old = Connection::open(&path).unwrap();
            old.execute_batch(MIGRATIONS[0].1).unwrap();
            old.pragma_update(None, "user_version", 1).unwrap();
            old.execute(
                "INSERT INTO decisions (consent_id, time_ms, event, site, lang, revision, texts, layer, \
                 analytics, marketing, social) VALUES (?1, ?2, 'custom', 'diffo.fi', 'fi', 1, \
                 '0123456789abcdef', 'settings', 1, 0, 1)",
                params![ID, MARCH_1],
            )
            .unwrap();
            old.execute(
                "INSERT INTO daily (day, site, lang, custom, analytics, social) VALUES ('2025-03-01', 'diffo.fi', 'fi', 1, 1, 1)",
                [],
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let version: usize = store
            .writer()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 2);
        let receipt = store.receipt(ID).unwrap();
        assert_eq!(receipt.len(), 1);
        assert_eq!(
            (receipt[0].kind, receipt[0].layer, receipt[0].time_ms),
            (DecisionKind::Custom, Layer::Settings, MARCH_1)
        );
        assert_eq!(
            receipt[0].categories,
            Categories {
                analytics: true,
                marketing: false,
                social: true
            }
        );
        assert_eq!(receipt[0].services, None, "stored before services: version 1");

        store
            .append(&[decided_v2(
                MARCH_1 + 1,
                ID,
                DecisionKind::Withdraw,
                [false; 3],
                &["google-analytics:0"],
            )])
            .unwrap();
        store
            .append(&[decided_v2(
                MARCH_1 + 2,
                OTHER,
                DecisionKind::AcceptAll,
                [true; 3],
                &["google-analytics:1"],
            )])
            .unwrap();
        let receipt = store.receipt(ID).unwrap();
        assert_eq!(receipt.len(), 2);
        assert_eq!(receipt[1].services, Some(parse_services(&["google-analytics:0"])));
        let days = all_days(&store);
        assert_eq!(days.len(), 1);
        let c = &days[0].counts;
        assert_eq!((c.custom, c.withdraw, c.accept_all, c.analytics), (1, 1, 1, 2));
        assert_eq!(service_days(&store), ["2025-03-01 google-analytics 1/1"]);
    }

    #[test]
    fn every_migration_file_is_applied_in_order() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|(name, _)| *name).collect();
        assert_eq!(files, listed);
        for (i, name) in listed.iter().enumerate() {
            assert!(name.starts_with(&format!("{:04}_", i + 1)), "{name}");
        }
    }

    #[test]
    fn a_failed_batch_stores_nothing() {
        let (_dir, store) = open();
        store.writer().execute_batch("CREATE TRIGGER no_withdraw BEFORE INSERT ON decisions WHEN NEW.event = 'withdraw' BEGIN SELECT RAISE(ABORT, 'refused'); END").unwrap();
        let batch = [
            shown(MARCH_1, "diffo.fi", Lang::Fi),
            decided_v2(MARCH_1, ID, DecisionKind::AcceptAll, [true; 3], &["youtube:1"]),
            decided(MARCH_1, OTHER, DecisionKind::Withdraw, [false; 3]),
        ];
        assert!(store.append(&batch).is_err());
        assert!(store.receipt(ID).unwrap().is_empty());
        assert!(all_days(&store).is_empty());
        assert_eq!(count(&store, "decision_services"), 0);
        assert_eq!(count(&store, "daily_services"), 0);
        // The store still works.
        store.append(&batch[..2]).unwrap();
        assert_eq!(all_days(&store)[0].counts.shown, 1);
        assert_eq!(service_days(&store), ["2025-03-01 youtube 1/1"]);
    }
}
