//! The embedded store: one SQLite file, created and migrated on open.
//!
//! One connection writes (in WAL mode with `synchronous=FULL`, so a committed batch
//! survives a crash or power loss); a few more, kept for reuse, read at the same time
//! without waiting for the writer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{DailyRow, Recorded, Stamped, StatsQuery, Store, StoreError};
use crate::event::{Categories, Decision, DecisionKind, Event, Layer};
use crate::lang::Lang;
use crate::stats::Counts;
use crate::time::Day;

/// The schema's migrations, in order: `migrations/NNNN_name.sql`. The database's
/// `PRAGMA user_version` is the number of them applied.
pub const MIGRATIONS: &[(&str, &str)] = &[("0001_init.sql", include_str!("../../migrations/0001_init.sql"))];

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

/// Writes one decision row: see [`insert_decision`].
pub const INSERT_DECISION: &str = "INSERT INTO decisions \
     (consent_id, time_ms, event, site, lang, revision, texts, layer, analytics, marketing, social) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

/// Adds one day's counts for a site and language: see [`add_daily`].
pub const ADD_DAILY: &str = "INSERT INTO daily \
     (day, site, lang, shown, accept_all, reject_all, custom, withdraw, analytics, marketing, social) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
     ON CONFLICT (day, site, lang) DO UPDATE SET \
     shown = shown + excluded.shown, accept_all = accept_all + excluded.accept_all, \
     reject_all = reject_all + excluded.reject_all, custom = custom + excluded.custom, \
     withdraw = withdraw + excluded.withdraw, analytics = analytics + excluded.analytics, \
     marketing = marketing + excluded.marketing, social = social + excluded.social";

/// Runs [`INSERT_DECISION`] for decision `d` received at `time_ms`. The
/// benchmark seeds its database with this too, so it writes what the service does.
pub fn insert_decision(insert: &mut rusqlite::Statement<'_>, time_ms: i64, d: &Decision) -> rusqlite::Result<()> {
    let context = &d.context;
    insert.execute(params![
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
    ])?;
    Ok(())
}

/// Runs [`ADD_DAILY`]: adds `c` to the counts of `day`, `site` and `lang`.
pub fn add_daily(
    add: &mut rusqlite::Statement<'_>,
    day: Day,
    site: &str,
    lang: Lang,
    c: &Counts,
) -> rusqlite::Result<()> {
    add.execute(params![
        day.to_string(),
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
    Ok(())
}

impl Store for SqliteStore {
    fn append(&self, batch: &[Stamped]) -> Result<(), StoreError> {
        let mut conn = self.writer();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut daily: HashMap<(Day, &str, Lang), Counts> = HashMap::new();
        {
            let mut insert = tx.prepare_cached(INSERT_DECISION)?;
            for Stamped { time_ms, event } in batch {
                let context = event.context();
                daily
                    .entry((Day::of_ms(*time_ms), &context.site, context.lang))
                    .or_default()
                    .add(event);
                if let Event::Decision(d) = event {
                    insert_decision(&mut insert, *time_ms, d)?;
                }
            }
            let mut add = tx.prepare_cached(ADD_DAILY)?;
            for ((day, site, lang), counts) in &daily {
                add_daily(&mut add, *day, site, *lang, counts)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn receipt(&self, id: &str) -> Result<Vec<Recorded>, StoreError> {
        let rows = self.read(|conn| {
            let mut select = conn.prepare_cached(
                "SELECT event, time_ms, site, lang, revision, texts, layer, analytics, marketing, social \
                 FROM decisions WHERE consent_id = ?1 ORDER BY seq",
            )?;
            let rows = select.query_map([id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, u16>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, String>(6)?,
                    Categories {
                        analytics: row.get(7)?,
                        marketing: row.get(8)?,
                        social: row.get(9)?,
                    },
                ))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        rows.into_iter()
            .map(|(event, time_ms, site, lang, revision, texts, layer, categories)| {
                Ok(Recorded {
                    kind: DecisionKind::from_name(&event).ok_or_else(|| bad_row("event", &event))?,
                    time_ms,
                    site,
                    lang: Lang::from_code(&lang).ok_or_else(|| bad_row("lang", &lang))?,
                    revision,
                    texts,
                    layer: Layer::from_name(&layer).ok_or_else(|| bad_row("layer", &layer))?,
                    categories,
                })
            })
            .collect()
    }

    fn stats(&self, query: &StatsQuery) -> Result<Vec<DailyRow>, StoreError> {
        let rows = self.read(|conn| {
            let mut select = conn.prepare_cached(
                "SELECT day, site, lang, shown, accept_all, reject_all, custom, withdraw, analytics, marketing, social \
                 FROM daily WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR site = ?3) AND (?4 IS NULL OR lang = ?4) \
                 ORDER BY day, site, lang",
            )?;
            let params = params![
                query.from.to_string(),
                query.to.to_string(),
                query.site.as_deref(),
                query.lang.map(Lang::code)
            ];
            let rows = select.query_map(params, |row| {
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
                    },
                ))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
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
            let conn = self.writer();
            // Nothing old left is the common case: one indexed look-up.
            let any: Option<i64> = conn
                .query_row(
                    "SELECT seq FROM decisions WHERE time_ms < ?1 LIMIT 1",
                    [before_ms],
                    |row| row.get(0),
                )
                .optional()?;
            if any.is_none() {
                return Ok(deleted);
            }
            let n = conn
                .prepare_cached(
                    "DELETE FROM decisions WHERE seq IN (SELECT seq FROM decisions WHERE time_ms < ?1 LIMIT ?2)",
                )?
                .execute(params![before_ms, PURGE_STEP])?;
            deleted += n as u64;
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
    use crate::event::{Categories, ConsentId, Context, Decision, Texts};
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
            }),
        }
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
    fn purging_works_in_steps() {
        let (_dir, store) = open();
        let batch: Vec<Stamped> = (0..(PURGE_STEP as i64 * 2 + 10))
            .map(|i| decided(i, ID, DecisionKind::AcceptAll, [true; 3]))
            .collect();
        store.append(&batch).unwrap();
        assert_eq!(store.purge(i64::MAX).unwrap(), batch.len() as u64);
        assert!(store.receipt(ID).unwrap().is_empty());
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
            decided(MARCH_1, ID, DecisionKind::AcceptAll, [true; 3]),
            decided(MARCH_1, OTHER, DecisionKind::Withdraw, [false; 3]),
        ];
        assert!(store.append(&batch).is_err());
        assert!(store.receipt(ID).unwrap().is_empty());
        assert!(all_days(&store).is_empty());
        // The store still works.
        store.append(&batch[..2]).unwrap();
        assert_eq!(all_days(&store)[0].counts.shown, 1);
    }
}
