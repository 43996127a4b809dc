//! Counts and rates: what the dashboard, `/v1/stats`, `/v1/stats.csv` and
//! `/v1/stats/services.csv` show.
//!
//! Definitions (the same everywhere):
//!
//! - *decisions* = accept all + reject all + custom. Withdrawals are counted apart.
//! - *interaction rate* = decisions / banners shown.
//! - *accept-all, reject-all, custom and withdraw rates* = that count / decisions.
//! - *opt-in rate* of a category = decisions (other than withdrawals) that granted it /
//!   decisions.
//! - *opt-in rate* of a service = decisions (other than withdrawals) that granted it /
//!   decisions (other than withdrawals) that named it. Only version 2 decisions name
//!   services, so a service's rate is of those alone.
//!
//! Rates are percentages rounded half up to one decimal, computed in integers; a rate
//! whose denominator is 0 has no value (`null` in JSON, empty in CSV, "–" on the page).
//!
//! The JSON of `/v1/stats` has a row per day, site and language with the [`COLUMNS`] as
//! keys, and the totals of the selection; each row and the totals also have `services`,
//! an object of the services named in it by id, each with the last three
//! [`SERVICE_COLUMNS`] (`{"google-analytics": {"decisions": 3, "granted": 2,
//! "opt_in_rate": 66.7}}`, `{}` when none was named). `/v1/stats.csv` has the rows
//! without services, as before version 2; `/v1/stats/services.csv` has one row per day,
//! site, language and service with the [`SERVICE_COLUMNS`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use crate::config::Config;
use crate::event::{DecisionKind, Event, ServiceId, Services, Sites};
use crate::lang::Lang;
use crate::store::{DailyRow, StatsQuery};
use crate::time::Day;

/// The longest range of days a query may cover: five years (with up to two leap days).
pub const MAX_RANGE_DAYS: i64 = 5 * 365 + 2;

/// The default range: the last 30 days, today included.
pub const DEFAULT_RANGE_DAYS: i64 = 30;

/// What happened on one day, site and language (or a sum of those).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Banners shown.
    pub shown: u64,
    /// "Accept all" decisions.
    pub accept_all: u64,
    /// "Reject all" decisions.
    pub reject_all: u64,
    /// Custom choices saved.
    pub custom: u64,
    /// Withdrawals.
    pub withdraw: u64,
    /// Decisions (other than withdrawals) that granted analytics.
    pub analytics: u64,
    /// Decisions (other than withdrawals) that granted marketing.
    pub marketing: u64,
    /// Decisions (other than withdrawals) that granted social media.
    pub social: u64,
    /// Per service: the decisions (other than withdrawals) that named it and those that
    /// granted it. Only version 2 decisions name services.
    pub services: BTreeMap<ServiceId, ServiceCounts>,
}

/// What the decisions (other than withdrawals) said about one service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServiceCounts {
    /// Decisions that named the service.
    pub decisions: u64,
    /// Of those, the decisions that granted it.
    pub granted: u64,
}

impl ServiceCounts {
    /// The service's opt-in rate: granted / decisions.
    pub fn rate(&self) -> Rate {
        Rate::of(self.granted, self.decisions)
    }

    /// Adds other counts to these.
    pub fn merge(&mut self, other: &ServiceCounts) {
        self.decisions += other.decisions;
        self.granted += other.granted;
    }
}

impl Counts {
    /// Counts one event.
    pub fn add(&mut self, event: &Event) {
        let Event::Decision(decision) = event else {
            self.shown += 1;
            return;
        };
        match decision.kind {
            DecisionKind::Withdraw => {
                self.withdraw += 1;
                return;
            }
            DecisionKind::AcceptAll => self.accept_all += 1,
            DecisionKind::RejectAll => self.reject_all += 1,
            DecisionKind::Custom => self.custom += 1,
        }
        let c = decision.categories;
        self.analytics += u64::from(c.analytics);
        self.marketing += u64::from(c.marketing);
        self.social += u64::from(c.social);
        for (id, granted) in decision.services.iter().flat_map(Services::iter) {
            let counts = self.services.entry(id.clone()).or_default();
            counts.decisions += 1;
            counts.granted += u64::from(granted);
        }
    }

    /// Adds other counts to these.
    pub fn merge(&mut self, other: &Counts) {
        self.shown += other.shown;
        self.accept_all += other.accept_all;
        self.reject_all += other.reject_all;
        self.custom += other.custom;
        self.withdraw += other.withdraw;
        self.analytics += other.analytics;
        self.marketing += other.marketing;
        self.social += other.social;
        for (id, counts) in &other.services {
            self.services.entry(id.clone()).or_default().merge(counts);
        }
    }

    /// Decisions: accept all + reject all + custom (withdrawals excluded).
    pub fn decisions(&self) -> u64 {
        self.accept_all + self.reject_all + self.custom
    }

    /// The rates, as defined in the module's documentation.
    pub fn rates(&self) -> Rates {
        let decisions = self.decisions();
        Rates {
            interaction: Rate::of(decisions, self.shown),
            accept_all: Rate::of(self.accept_all, decisions),
            reject_all: Rate::of(self.reject_all, decisions),
            custom: Rate::of(self.custom, decisions),
            withdraw: Rate::of(self.withdraw, decisions),
            analytics: Rate::of(self.analytics, decisions),
            marketing: Rate::of(self.marketing, decisions),
            social: Rate::of(self.social, decisions),
        }
    }
}

/// The rates of some counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// Decisions / shown.
    pub interaction: Rate,
    /// Accept all / decisions.
    pub accept_all: Rate,
    /// Reject all / decisions.
    pub reject_all: Rate,
    /// Custom / decisions.
    pub custom: Rate,
    /// Withdrawals / decisions.
    pub withdraw: Rate,
    /// Analytics granted / decisions.
    pub analytics: Rate,
    /// Marketing granted / decisions.
    pub marketing: Rate,
    /// Social media granted / decisions.
    pub social: Rate,
}

impl Rates {
    /// The rates in the order of their columns ([`COLUMNS`] and the dashboard's):
    /// interaction, accept all, reject all, custom, withdrawal, analytics, marketing,
    /// social media.
    pub fn in_order(self) -> [Rate; 8] {
        [
            self.interaction,
            self.accept_all,
            self.reject_all,
            self.custom,
            self.withdraw,
            self.analytics,
            self.marketing,
            self.social,
        ]
    }
}

/// A percentage in tenths (`123` is 12.3 %), or none when its denominator is 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate(pub Option<u64>);

impl Rate {
    /// `part / whole` as a percentage rounded half up to tenths.
    pub fn of(part: u64, whole: u64) -> Rate {
        if whole == 0 {
            return Rate(None);
        }
        let (part, whole) = (u128::from(part), u128::from(whole));
        let tenths = (part * 2000 + whole) / (2 * whole);
        Rate(Some(u64::try_from(tenths).unwrap_or(u64::MAX)))
    }

    /// The percentage with one decimal and a dot, without a sign (`12.3`), or `""`.
    pub fn plain(self) -> String {
        self.0.map(|t| format!("{}.{}", t / 10, t % 10)).unwrap_or_default()
    }

    /// The percentage as a JSON number, or `null`.
    pub fn json(self) -> Value {
        // Tenths divided by ten print as the shortest decimal, so 123 is exactly `12.3`.
        self.0.map_or(Value::Null, |t| json!(t as f64 / 10.0))
    }
}

/// The columns of a stats row, in order: the names in the CSV header and the JSON keys.
pub const COLUMNS: [&str; 20] = [
    "day",
    "site",
    "lang",
    "shown",
    "decisions",
    "accept_all",
    "reject_all",
    "custom",
    "withdraw",
    "analytics_granted",
    "marketing_granted",
    "social_granted",
    "interaction_rate",
    "accept_all_rate",
    "reject_all_rate",
    "custom_rate",
    "withdraw_rate",
    "analytics_rate",
    "marketing_rate",
    "social_rate",
];

/// The columns of a row of the counts per service, in order: the names in the CSV
/// header, and (the last three) the keys of each service in the JSON.
pub const SERVICE_COLUMNS: [&str; 7] = ["day", "site", "lang", "service", "decisions", "granted", "opt_in_rate"];

/// How many of [`SERVICE_COLUMNS`] say where (day, site, language, service); the rest are
/// the numbers.
const SERVICE_KEYS: usize = 4;

/// One value of a row.
enum Field<'a> {
    Text(&'a str),
    Count(u64),
    Rate(Rate),
}

/// The fields of a row, in the order of [`COLUMNS`].
fn fields<'a>(day: &'a str, site: &'a str, lang: &'a str, c: &Counts) -> impl Iterator<Item = Field<'a>> {
    [
        Field::Text(day),
        Field::Text(site),
        Field::Text(lang),
        Field::Count(c.shown),
        Field::Count(c.decisions()),
        Field::Count(c.accept_all),
        Field::Count(c.reject_all),
        Field::Count(c.custom),
        Field::Count(c.withdraw),
        Field::Count(c.analytics),
        Field::Count(c.marketing),
        Field::Count(c.social),
    ]
    .into_iter()
    .chain(c.rates().in_order().map(Field::Rate))
}

/// The numbers of one service, in the order of [`SERVICE_COLUMNS`] after the keys.
fn service_fields<'a>(c: &ServiceCounts) -> impl Iterator<Item = Field<'a>> {
    [
        Field::Count(c.decisions),
        Field::Count(c.granted),
        Field::Rate(c.rate()),
    ]
    .into_iter()
}

/// A checked stats query, with the dashboard's UI language when one was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// What to read.
    pub query: StatsQuery,
    /// The `ui` parameter (the dashboard only).
    pub ui: Option<String>,
}

impl Filter {
    /// The site filter as a parameter value: the site's name or `all`.
    pub fn site_param(&self) -> &str {
        self.query.site.as_deref().unwrap_or("all")
    }

    /// The language filter as a parameter value: `fi`, `en`, `sv` or `all`.
    pub fn lang_param(&self) -> &str {
        self.query.lang.map_or("all", Lang::code)
    }

    /// The query string that selects the same numbers (without `ui`), already escaped
    /// for a URL.
    pub fn query_string(&self) -> String {
        format!(
            "from={}&to={}&site={}&lang={}",
            self.query.from,
            self.query.to,
            url_encode(self.site_param()),
            self.lang_param()
        )
    }
}

/// Percent-encodes everything but unreserved characters.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Checks the parameters `from`, `to`, `site`, `lang` (and `ui` when `allow_ui`).
///
/// Missing or empty parameters take their defaults: the 30 days up to `today`, all sites,
/// all languages. The error names the parameter.
pub fn parse_filter(
    params: &[(String, String)],
    config: &Config,
    today: Day,
    allow_ui: bool,
) -> Result<Filter, String> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, value) in params {
        let known = matches!(name.as_str(), "from" | "to" | "site" | "lang") || (allow_ui && name == "ui");
        if !known {
            return Err(format!("unknown parameter `{name}`"));
        }
        if seen.insert(name, value).is_some() {
            return Err(format!("parameter `{name}` is given twice"));
        }
    }
    let get = |name: &str| seen.get(name).copied().filter(|v| !v.is_empty());
    let day = |name: &str| -> Result<Option<Day>, String> {
        get(name)
            .map(|v| Day::parse(v).ok_or_else(|| format!("{name}: {v:?} is not a date YYYY-MM-DD")))
            .transpose()
    };
    let to = day("to")?.unwrap_or(today);
    let from = day("from")?.unwrap_or(to.plus(1 - DEFAULT_RANGE_DAYS));
    if from > to {
        return Err(format!("from ({from}) is after to ({to})"));
    }
    if to.0 - from.0 + 1 > MAX_RANGE_DAYS {
        return Err(format!(
            "the range from {from} to {to} is longer than 5 years ({MAX_RANGE_DAYS} days)"
        ));
    }
    let site = match get("site") {
        None | Some("all") => None,
        Some(name) => Some(
            config
                .site(name)
                .ok_or_else(|| format!("site: unknown site {name:?}"))?
                .to_string(),
        ),
    };
    let lang = match get("lang") {
        None | Some("all") => None,
        Some(code) => Some(Lang::from_code(code).ok_or_else(|| format!("lang: {code:?} is not fi, en, sv or all"))?),
    };
    Ok(Filter {
        query: StatsQuery { from, to, site, lang },
        ui: get("ui").map(str::to_string),
    })
}

/// The sum of all rows.
pub fn total(rows: &[DailyRow]) -> Counts {
    let mut total = Counts::default();
    for row in rows {
        total.merge(&row.counts);
    }
    total
}

/// The rows summed by site and language.
pub fn by_site_and_lang(rows: &[DailyRow]) -> BTreeMap<(String, Lang), Counts> {
    let mut sums: BTreeMap<(String, Lang), Counts> = BTreeMap::new();
    for row in rows {
        sums.entry((row.site.clone(), row.lang)).or_default().merge(&row.counts);
    }
    sums
}

/// The rows summed by day.
pub fn by_day(rows: &[DailyRow]) -> BTreeMap<Day, Counts> {
    let mut sums: BTreeMap<Day, Counts> = BTreeMap::new();
    for row in rows {
        sums.entry(row.day).or_default().merge(&row.counts);
    }
    sums
}

/// The JSON answer of `/v1/stats`: the filter, every row, and the totals, each with its
/// services.
pub fn to_json(filter: &Filter, rows: &[DailyRow]) -> Value {
    let totals = total_fields(filter, &total(rows));
    let rows: Vec<Value> = rows
        .iter()
        .map(|row| {
            let day = row.day.to_string();
            let mut fields = object(&COLUMNS, fields(&day, &row.site, row.lang.code(), &row.counts));
            fields.insert("services".to_string(), services_json(&row.counts));
            Value::Object(fields)
        })
        .collect();
    json!({
        "from": filter.query.from.to_string(),
        "to": filter.query.to.to_string(),
        "site": filter.site_param(),
        "lang": filter.lang_param(),
        "rows": rows,
        "totals": totals,
    })
}

fn total_fields(filter: &Filter, counts: &Counts) -> Value {
    // The totals have no day; site and language are the filter's.
    let mut totals = object(&COLUMNS, fields("", filter.site_param(), filter.lang_param(), counts));
    totals.remove("day");
    totals.insert("services".to_string(), services_json(counts));
    Value::Object(totals)
}

/// The services of `counts` as a JSON object by id.
fn services_json(counts: &Counts) -> Value {
    let services = counts
        .services
        .iter()
        .map(|(id, c)| {
            let numbers = object(&SERVICE_COLUMNS[SERVICE_KEYS..], service_fields(c));
            (id.to_string(), Value::Object(numbers))
        })
        .collect();
    Value::Object(services)
}

fn object<'a>(names: &[&str], values: impl Iterator<Item = Field<'a>>) -> Map<String, Value> {
    let mut map = Map::new();
    for (name, value) in names.iter().zip(values) {
        let value = match value {
            Field::Text(text) => json!(text),
            Field::Count(n) => json!(n),
            Field::Rate(rate) => rate.json(),
        };
        map.insert((*name).to_string(), value);
    }
    map
}

/// The CSV of `/v1/stats.csv` (RFC 4180: CRLF line ends, quoted when needed): a header
/// row and the same rows as the JSON, rates as percentages with a dot, empty when none.
/// The services are in [`to_services_csv`], so that this file stays as it was.
pub fn to_csv(rows: &[DailyRow]) -> String {
    let mut csv = String::with_capacity(64 * (rows.len() + 1));
    csv.push_str(&COLUMNS.join(","));
    csv.push_str("\r\n");
    for row in rows {
        let day = row.day.to_string();
        csv_row(&mut csv, fields(&day, &row.site, row.lang.code(), &row.counts));
    }
    csv
}

/// The CSV of `/v1/stats/services.csv`, as [`to_csv`]: a header row, then one row per
/// day, site, language and service named, in that order.
pub fn to_services_csv(rows: &[DailyRow]) -> String {
    let mut csv = String::with_capacity(48 * (rows.len() + 1));
    csv.push_str(&SERVICE_COLUMNS.join(","));
    csv.push_str("\r\n");
    for row in rows {
        let day = row.day.to_string();
        for (id, c) in &row.counts.services {
            let keys = [
                Field::Text(&day),
                Field::Text(&row.site),
                Field::Text(row.lang.code()),
                Field::Text(id.as_str()),
            ];
            csv_row(&mut csv, keys.into_iter().chain(service_fields(c)));
        }
    }
    csv
}

fn csv_row<'a>(csv: &mut String, fields: impl Iterator<Item = Field<'a>>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            csv.push(',');
        }
        match field {
            Field::Text(text) => csv_field(csv, text),
            Field::Count(n) => {
                let _ = write!(csv, "{n}");
            }
            Field::Rate(rate) => csv.push_str(&rate.plain()),
        }
    }
    csv.push_str("\r\n");
}

fn csv_field(csv: &mut String, text: &str) {
    // A leading =, +, - or @ would be a formula in a spreadsheet; site names never
    // start with one, and quoting does not help there anyway.
    if text.contains([',', '"', '\r', '\n']) {
        csv.push('"');
        csv.push_str(&text.replace('"', "\"\""));
        csv.push('"');
    } else {
        csv.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn rates_round_half_up_in_integers() {
        for (part, whole, expected) in [
            (0, 0, ""),
            (5, 0, ""),
            (0, 7, "0.0"),
            (1, 3, "33.3"),
            (2, 3, "66.7"),
            (1, 8, "12.5"),
            (1, 16, "6.3"),
            (1, 2000, "0.1"),
            (1, 2001, "0.0"),
            (7, 7, "100.0"),
            (3, 2, "150.0"),
            (u64::MAX, u64::MAX, "100.0"),
        ] {
            assert_eq!(Rate::of(part, whole).plain(), expected, "{part}/{whole}");
        }
        assert_eq!(Rate::of(1, 3).json().to_string(), "33.3");
        assert_eq!(Rate::of(1, 1).json().to_string(), "100.0");
        assert_eq!(Rate::of(1, 0).json(), Value::Null);
    }

    fn counts(shown: u64, accept_all: u64, reject_all: u64, custom: u64, withdraw: u64) -> Counts {
        Counts {
            shown,
            accept_all,
            reject_all,
            custom,
            withdraw,
            analytics: accept_all + custom,
            marketing: accept_all,
            social: accept_all,
            services: BTreeMap::new(),
        }
    }

    fn row(day: &str, site: &str, lang: Lang, counts: Counts) -> DailyRow {
        DailyRow {
            day: Day::parse(day).unwrap(),
            site: site.to_string(),
            lang,
            counts,
        }
    }

    #[test]
    fn rates_follow_the_definitions() {
        let r = counts(10, 4, 3, 1, 2).rates();
        assert_eq!(
            r.in_order().map(Rate::plain),
            ["80.0", "50.0", "37.5", "12.5", "25.0", "62.5", "50.0", "50.0"]
        );
        let none = counts(0, 0, 0, 0, 1).rates();
        assert_eq!(none.interaction.plain(), "");
        assert_eq!(none.withdraw.plain(), "");
    }

    fn config() -> Config {
        Config::parse(
            "[sites]\n\"diffo.fi\" = [\"https://diffo.fi\"]\n\"diffo.se\" = [\"https://diffo.se\"]\n",
            Path::new(""),
        )
        .unwrap()
    }

    #[track_caller]
    fn check(query: &str, allow_ui: bool, expected: Result<&str, &str>) {
        let params: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_string(), v.to_string())
            })
            .collect();
        let today = Day::parse("2025-03-31").unwrap();
        let got = parse_filter(&params, &config(), today, allow_ui).map(|f| {
            format!(
                "{} {} {} {} {:?}",
                f.query.from,
                f.query.to,
                f.site_param(),
                f.lang_param(),
                f.ui
            )
        });
        match (&got, expected) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{query}"),
            (Err(got), Err(want)) => assert!(got.contains(want), "{query}\n  error: {got}\n  wanted: {want}"),
            _ => panic!("{query}\n  got {got:?}\n  wanted {expected:?}"),
        }
    }

    #[test]
    fn filters_are_checked_and_defaulted() {
        check("", false, Ok("2025-03-02 2025-03-31 all all None"));
        check("from=&to=&site=&lang=", false, Ok("2025-03-02 2025-03-31 all all None"));
        check(
            "from=2025-01-01&to=2025-01-31&site=diffo.se&lang=sv",
            false,
            Ok("2025-01-01 2025-01-31 diffo.se sv None"),
        );
        check("to=2025-01-31", false, Ok("2025-01-02 2025-01-31 all all None"));
        check(
            "site=all&lang=all&ui=en",
            true,
            Ok("2025-03-02 2025-03-31 all all Some(\"en\")"),
        );
        check("ui=en", false, Err("unknown parameter `ui`"));
        check("page=2", false, Err("unknown parameter `page`"));
        check(
            "from=2025-01-01&from=2025-01-02",
            false,
            Err("parameter `from` is given twice"),
        );
        check(
            "from=2025-1-1",
            false,
            Err("from: \"2025-1-1\" is not a date YYYY-MM-DD"),
        );
        check("to=yesterday", false, Err("to: \"yesterday\" is not a date"));
        check(
            "from=2025-02-01&to=2025-01-01",
            false,
            Err("from (2025-02-01) is after to (2025-01-01)"),
        );
        check(
            "from=2020-01-01&to=2024-12-31",
            false,
            Ok("2020-01-01 2024-12-31 all all None"),
        );
        check("from=2020-01-01&to=2025-01-01", false, Err("longer than 5 years"));
        check("site=example.com", false, Err("site: unknown site \"example.com\""));
        check("lang=de", false, Err("lang: \"de\" is not fi, en, sv or all"));
    }

    #[test]
    fn csv_and_json_carry_the_same_numbers() {
        let rows = vec![
            row("2025-03-01", "diffo.fi", Lang::Fi, counts(10, 4, 3, 1, 2)),
            row("2025-03-01", "diffo.se", Lang::Sv, counts(0, 0, 0, 0, 1)),
            row("2025-03-02", "diffo.fi", Lang::En, counts(3, 1, 0, 0, 0)),
        ];
        let csv = to_csv(&rows);
        assert_eq!(
            csv,
            "day,site,lang,shown,decisions,accept_all,reject_all,custom,withdraw,analytics_granted,marketing_granted,social_granted,\
             interaction_rate,accept_all_rate,reject_all_rate,custom_rate,withdraw_rate,analytics_rate,marketing_rate,social_rate\r\n\
             2025-03-01,diffo.fi,fi,10,8,4,3,1,2,5,4,4,80.0,50.0,37.5,12.5,25.0,62.5,50.0,50.0\r\n\
             2025-03-01,diffo.se,sv,0,0,0,0,0,1,0,0,0,,,,,,,,\r\n\
             2025-03-02,diffo.fi,en,3,1,1,0,0,0,1,1,1,33.3,100.0,0.0,0.0,0.0,100.0,100.0,100.0\r\n"
        );
        let filter = Filter {
            query: StatsQuery {
                from: rows[0].day,
                to: rows[2].day,
                site: None,
                lang: None,
            },
            ui: None,
        };
        let json = to_json(&filter, &rows);
        let as_csv: Vec<String> = json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                COLUMNS
                    .iter()
                    .map(|c| match &row[*c] {
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        Value::Number(n) if c.ends_with("_rate") => format!("{:.1}", n.as_f64().unwrap()),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        assert_eq!(as_csv.join("\r\n") + "\r\n", csv.split_once("\r\n").unwrap().1);
        assert_eq!(json["totals"]["shown"], 13);
        assert_eq!(json["totals"]["decisions"], 9);
        assert_eq!(json["totals"]["interaction_rate"], 69.2);
        assert_eq!(json["totals"]["site"], "all");
        assert!(json["totals"].get("day").is_none());
    }

    fn with_services(mut counts: Counts, services: &[(&str, u64, u64)]) -> Counts {
        for (id, decisions, granted) in services {
            let c = ServiceCounts {
                decisions: *decisions,
                granted: *granted,
            };
            counts.services.insert(ServiceId::parse(id).unwrap(), c);
        }
        counts
    }

    /// Version 1 decisions name no services; withdrawals count for no service; the rate
    /// is of the decisions that named the service.
    #[test]
    fn services_are_counted_from_version_2_decisions_other_than_withdrawals() {
        let body = |event: &str, services: Option<&str>| {
            let mut body = format!(
                r#"{{"version":1,"event":"{event}","id":"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60","site":"diffo.fi","lang":"fi","revision":1,"texts":"0123456789abcdef","layer":"first","categories":{{"analytics":true,"marketing":false,"social":false}}}}"#
            );
            if let Some(services) = services {
                body = body.replace("\"version\":1", "\"version\":2");
                body.insert_str(body.len() - 1, &format!(",\"services\":{services}"));
            }
            body
        };
        let mut counts = Counts::default();
        for (event, services) in [
            ("accept_all", None),
            ("accept_all", Some(r#"{"google-analytics":true,"youtube":true}"#)),
            ("custom", Some(r#"{"google-analytics":true,"youtube":false}"#)),
            ("reject_all", Some(r#"{"google-analytics":false}"#)),
            ("custom", Some("{}")),
            (
                "withdraw",
                Some(r#"{"google-analytics":false,"youtube":false,"meta-pixel":false}"#),
            ),
        ] {
            let event = crate::event::parse(body(event, services).as_bytes(), &config()).unwrap();
            counts.add(&event);
        }
        assert_eq!((counts.decisions(), counts.withdraw, counts.analytics), (5, 1, 5));
        let rates: Vec<String> = counts
            .services
            .iter()
            .map(|(id, c)| format!("{id} {}/{} {}", c.granted, c.decisions, c.rate().plain()))
            .collect();
        assert_eq!(rates, ["google-analytics 2/3 66.7", "youtube 1/2 50.0"]);
        let mut twice = counts.clone();
        twice.merge(&counts);
        assert_eq!(
            twice.services[&ServiceId::parse("youtube").unwrap()],
            ServiceCounts {
                decisions: 4,
                granted: 2
            }
        );
        assert_eq!(ServiceCounts::default().rate(), Rate(None));
    }

    #[test]
    fn services_csv_and_json_carry_the_same_numbers() {
        let rows = vec![
            row(
                "2025-03-01",
                "diffo.fi",
                Lang::Fi,
                with_services(counts(10, 4, 3, 1, 2), &[("google-analytics", 6, 4), ("youtube", 3, 0)]),
            ),
            row("2025-03-01", "diffo.se", Lang::Sv, counts(2, 1, 0, 0, 0)),
            row(
                "2025-03-02",
                "diffo.fi",
                Lang::En,
                with_services(counts(3, 1, 0, 0, 0), &[("google-analytics", 1, 1), ("x", 0, 0)]),
            ),
        ];
        let csv = to_services_csv(&rows);
        assert_eq!(
            csv,
            "day,site,lang,service,decisions,granted,opt_in_rate\r\n\
             2025-03-01,diffo.fi,fi,google-analytics,6,4,66.7\r\n\
             2025-03-01,diffo.fi,fi,youtube,3,0,0.0\r\n\
             2025-03-02,diffo.fi,en,google-analytics,1,1,100.0\r\n\
             2025-03-02,diffo.fi,en,x,0,0,\r\n"
        );
        let filter = Filter {
            query: StatsQuery {
                from: rows[0].day,
                to: rows[2].day,
                site: None,
                lang: None,
            },
            ui: None,
        };
        let json = to_json(&filter, &rows);
        let mut from_json = vec![SERVICE_COLUMNS.join(",")];
        for row in json["rows"].as_array().unwrap() {
            for (id, service) in row["services"].as_object().unwrap() {
                let numbers = SERVICE_COLUMNS[SERVICE_KEYS..].iter().map(|c| match &service[*c] {
                    Value::Null => String::new(),
                    Value::Number(n) if c.ends_with("_rate") => format!("{:.1}", n.as_f64().unwrap()),
                    other => other.to_string(),
                });
                let keys = [&row["day"], &row["site"], &row["lang"]].map(|v| v.as_str().unwrap().to_string());
                from_json.push(
                    keys.into_iter()
                        .chain([id.clone()])
                        .chain(numbers)
                        .collect::<Vec<_>>()
                        .join(","),
                );
            }
        }
        assert_eq!(from_json.join("\r\n") + "\r\n", csv);
        assert_eq!(json["rows"][1]["services"], json!({}));
        assert_eq!(
            json["totals"]["services"],
            json!({
                "google-analytics": {"decisions": 7, "granted": 5, "opt_in_rate": 71.4},
                "x": {"decisions": 0, "granted": 0, "opt_in_rate": null},
                "youtube": {"decisions": 3, "granted": 0, "opt_in_rate": 0.0},
            })
        );
        // The CSV of the daily counts stays as it was before services.
        assert!(!to_csv(&rows).contains("google-analytics"));
        assert_eq!(to_csv(&rows).lines().next().unwrap().split(',').count(), COLUMNS.len());
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut out = String::new();
        for text in ["plain", "a,b", "say \"hi\"", "two\r\nlines"] {
            csv_field(&mut out, text);
            out.push('|');
        }
        assert_eq!(out, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\r\nlines\"|");
    }

    #[test]
    fn sums_by_site_and_day() {
        let rows = vec![
            row("2025-03-01", "diffo.fi", Lang::Fi, counts(10, 4, 3, 1, 2)),
            row("2025-03-02", "diffo.fi", Lang::Fi, counts(3, 1, 0, 0, 0)),
            row("2025-03-02", "diffo.se", Lang::Sv, counts(1, 1, 0, 0, 0)),
        ];
        assert_eq!(total(&rows).shown, 14);
        let by_site = by_site_and_lang(&rows);
        assert_eq!(by_site[&("diffo.fi".to_string(), Lang::Fi)].shown, 13);
        let days = by_day(&rows);
        assert_eq!(days.len(), 2);
        assert_eq!(days[&Day::parse("2025-03-02").unwrap()].accept_all, 2);
    }
}
