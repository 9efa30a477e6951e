//! Every SQL statement of the ledger's core tables, behind the [`Db`] handle.
//!
//! Each statement is written once for both engines (see `sql`). On SQLite they are
//! prepared through its statement cache, since an import runs the same few of them
//! hundreds of thousands of times. Values always travel as parameters.

use chrono::{DateTime, NaiveDate, Utc};

use super::sql::{args, Arg, Conn, Raw, SqlRow};
use super::StoreError;
use crate::domain::event::{Record, Refs};
use crate::domain::parse::{format_date, format_time};
use crate::domain::{Claim, Forecast, Outcome, Postponement, Resolution, Source};

type Result<T> = std::result::Result<T, StoreError>;

/// A read or write handle on the ledger (a connection or an open transaction), with the
/// time of this run, which the history records as the moment each change was made.
pub struct Db<'c> {
    conn: Conn<'c>,
    now: DateTime<Utc>,
    /// Forecaster ids already looked up or added through this handle, each with the id of
    /// the forecaster's first forecast (None: they have none yet). A handle lives for one
    /// transaction (or one read), so an id here never outlives a rollback.
    forecaster_ids: std::cell::RefCell<rustc_hash::FxHashMap<String, (i64, Option<i64>)>>,
    /// The last event appended through this handle (its seq and hash), so that the next
    /// append need not read it back.
    head: std::cell::RefCell<Option<(i64, String)>>,
    /// Who writes through this handle, stamped on each record inserted without a
    /// `recorded_by` of its own (None: unknown, or a handle for reading).
    who: Option<std::sync::Arc<str>>,
    /// Sources met through this handle: id and publication date by key (sources are
    /// never changed, and this handle's transaction sees all it writes).
    sources: std::cell::RefCell<rustc_hash::FxHashMap<String, (i64, Option<NaiveDate>)>>,
    /// Sources read whole through this handle, by key (an import checks every quoted
    /// claim against its source's text; the same reasons as `sources` keep them valid).
    source_rows: std::cell::RefCell<rustc_hash::FxHashMap<String, Source>>,
    /// Every claim's id by key and key by id, once [`Db::know_all_claims`] has read them
    /// (a bulk import): then a key missing here is a key missing from the ledger.
    claims: std::cell::RefCell<Option<ClaimIndex>>,
    /// Whether `forecaster_ids` holds every forecaster (see [`Db::know_all_claims`]).
    all_forecasters: std::cell::Cell<bool>,
    /// Claims that gained a forecast through this handle, whose summary in `open_claims`
    /// waits for [`Db::settle_open_claims`] (before the commit, or a list in the same
    /// transaction): one statement for them all rather than one per forecast.
    stale_open: std::cell::RefCell<rustc_hash::FxHashSet<i64>>,
    /// Whether events wait in `events_waiting` to be inserted several to a statement (a
    /// SQLite write transaction, which flushes them before it commits); else each is
    /// inserted as it is appended.
    batch_events: std::cell::Cell<bool>,
    /// Events appended through this handle and not yet inserted; see
    /// [`Db::flush_events`].
    events_waiting: std::cell::RefCell<Vec<super::events::WaitingEvent>>,
    /// The statements of the inserts made once a record, kept prepared (SQLite).
    kept: super::sql::Kept<'c>,
}

/// The claims' ids and keys, kept by a bulk import's handle; see [`Db::know_all_claims`].
#[derive(Default)]
struct ClaimIndex {
    ids: rustc_hash::FxHashMap<String, i64>,
    /// Key, and the claim's source's publication date where it was recorded through
    /// this handle (None: not known here, ask the database).
    keys: rustc_hash::FxHashMap<i64, (String, Option<Option<NaiveDate>>)>,
    /// Claims recorded through this handle that have no resolution yet.
    unresolved_here: rustc_hash::FxHashSet<i64>,
}

/// A claim together with its row id, which forecasts and resolutions refer to.
#[derive(Debug, Clone)]
pub struct ClaimRow {
    pub id: i64,
    pub claim: Claim,
}

/// Which claims `list` shows, by state of resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Not resolved yet.
    Open,
    /// Open, and due on or before this date (overdue ones included).
    DueBy(NaiveDate),
    /// Open, and due before this date.
    OverdueAt(NaiveDate),
    /// Resolved at least once.
    Resolved,
}

#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub window: Option<Window>,
    pub source: Option<String>,
    pub tag: Option<String>,
    pub forecaster: Option<String>,
    /// At most this many claims (the first in `list`'s order).
    pub limit: Option<u64>,
}

/// One line of `list`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListRow {
    pub key: String,
    pub statement: String,
    /// When the claim is due: its latest postponement's date, else the date it was
    /// recorded with.
    pub resolve_by: NaiveDate,
    /// The date it was recorded with, when it has been postponed since.
    pub postponed_from: Option<NaiveDate>,
    pub source: Option<String>,
    pub condition: Option<String>,
    pub tags: Vec<String>,
    pub outcome: Option<Outcome>,
    pub resolved_on: Option<NaiveDate>,
    pub forecasts: u64,
    pub latest_p: Option<f64>,
    pub latest_forecaster: Option<String>,
    pub latest_made_at: Option<DateTime<Utc>>,
    pub latest_backfilled: Option<bool>,
}

/// A stored time: RFC 3339 text in most tables, whole seconds since 1970 (INTEGER) in
/// `forecasts` (migration 6).
pub(super) fn time_col(row: &SqlRow<'_>, i: usize) -> Result<DateTime<Utc>> {
    match row.raw(i)? {
        Raw::Int(n) => seconds_time(n).map_err(|e| corrupt(i, e)),
        _ => {
            let s: String = row.get(i)?;
            crate::domain::parse::time("stored time", &s).map_err(|e| corrupt(i, e))
        }
    }
}

/// A time as `forecasts` stores it: whole seconds since 1970-01-01T00:00:00Z.
pub(super) fn time_seconds(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// The time `forecasts` stored as `n` seconds since 1970, if it is one the ledger can hold.
/// A forecaster's first forecast as `first_forecasts` gives it, once checked to be one of
/// theirs: format 4 payloads name a returning forecaster by it, so a row edited to point at
/// someone else's forecast would put the wrong name into every new event for good. Such a
/// ledger is refused until `verify` has been read and the table mended.
fn checked_first(
    name: &str,
    forecaster: i64,
    first: Option<i64>,
    first_by: Option<i64>,
) -> Result<Option<i64>> {
    match first {
        Some(f) if first_by != Some(forecaster) => Err(StoreError::Corrupt(format!(
            "first_forecasts: forecaster '{name}' is listed with forecast #{f}, which is not theirs; \
             run `hindsight verify`"
        ))),
        _ => Ok(first),
    }
}

pub(super) fn seconds_time(n: i64) -> std::result::Result<DateTime<Utc>, String> {
    checked_seconds(n)
        .ok()
        .and_then(|n| DateTime::from_timestamp(n, 0))
        .ok_or_else(|| format!("{n} seconds since 1970 is not a time the ledger can hold"))
}

/// The first and last second the ledger can hold (0000-01-01T00:00:00Z and
/// 9999-12-31T23:59:59Z), as seconds since 1970.
pub(super) const FIRST_SECOND: i64 = -62_167_219_200;
pub(super) const LAST_SECOND: i64 = 253_402_300_799;

/// `n` if it is a second the ledger can hold (see [`seconds_time`]), checked without
/// making a time of it: the report reads two per forecast.
pub(super) fn checked_seconds(n: i64) -> std::result::Result<i64, String> {
    if (FIRST_SECOND..=LAST_SECOND).contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "{n} seconds since 1970 is not a time the ledger can hold"
        ))
    }
}

pub(super) fn date_col(row: &SqlRow<'_>, i: usize) -> Result<NaiveDate> {
    let s: String = row.get(i)?;
    crate::domain::parse::date("stored date", &s).map_err(|e| corrupt(i, e))
}

pub(super) fn opt_time_col(row: &SqlRow<'_>, i: usize) -> Result<Option<DateTime<Utc>>> {
    match row.raw(i)? {
        Raw::Null => Ok(None),
        _ => time_col(row, i).map(Some),
    }
}

fn opt_date_col(row: &SqlRow<'_>, i: usize) -> Result<Option<NaiveDate>> {
    match row.get::<Option<String>>(i)? {
        None => Ok(None),
        Some(s) => crate::domain::parse::date("stored date", &s)
            .map(Some)
            .map_err(|e| corrupt(i, e)),
    }
}

pub(super) fn outcome_col(row: &SqlRow<'_>, i: usize) -> Result<Option<Outcome>> {
    match row.get::<Option<String>>(i)? {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|e| corrupt(i, e)),
    }
}

fn corrupt(i: usize, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {i}: {e}"))
}

fn split_tags(s: Option<String>) -> Vec<String> {
    s.map(|s| s.split('\u{1f}').map(str::to_string).collect())
        .unwrap_or_default()
}

pub(super) const CLAIM_SELECT: &str =
    "SELECT c.id, c.key, c.statement, c.resolve_by, s.key, cc.key, c.quote, c.criteria,
        (SELECT string_agg(tag, '\u{1f}' ORDER BY tag) FROM claim_tags t WHERE t.claim_id = c.id),
        c.created_at, c.recorded_at, c.opens_at, c.closes_at, c.recorded_by
   FROM claims c
   LEFT JOIN sources s ON s.id = c.source_id
   LEFT JOIN claims cc ON cc.id = c.condition_id";

pub(super) fn claim_row(row: &SqlRow<'_>) -> Result<ClaimRow> {
    Ok(ClaimRow {
        id: row.get(0)?,
        claim: Claim {
            key: row.get(1)?,
            statement: row.get(2)?,
            resolve_by: date_col(row, 3)?,
            opens_at: opt_time_col(row, 11)?,
            closes_at: opt_time_col(row, 12)?,
            source: row.get(4)?,
            condition: row.get(5)?,
            quote: row.get(6)?,
            criteria: row.get(7)?,
            tags: split_tags(row.get(8)?),
            created_at: time_col(row, 9)?,
            recorded_at: time_col(row, 10)?,
            recorded_by: row.get(13)?,
        },
    })
}

const SOURCE_SELECT: &str = "SELECT s.id, s.key, s.title, s.publisher, s.url, s.published, s.body, s.body_sha256, s.recorded_at,
        (SELECT string_agg(name, '\u{1f}' ORDER BY position) FROM source_authors a WHERE a.source_id = s.id),
        s.recorded_by
   FROM sources s";

fn source_row(row: &SqlRow<'_>) -> Result<(i64, Source)> {
    Ok((
        row.get(0)?,
        Source {
            key: row.get(1)?,
            title: row.get(2)?,
            publisher: row.get(3)?,
            url: row.get(4)?,
            published: opt_date_col(row, 5)?,
            text: row.get(6)?,
            text_sha256: row.get(7)?,
            recorded_at: time_col(row, 8)?,
            authors: split_tags(row.get(9)?),
            recorded_by: row.get(10)?,
        },
    ))
}

impl<'c> Db<'c> {
    pub(super) fn new(conn: Conn<'c>, now: DateTime<Utc>) -> Self {
        Db {
            conn,
            now,
            forecaster_ids: Default::default(),
            head: Default::default(),
            sources: Default::default(),
            source_rows: Default::default(),
            claims: Default::default(),
            all_forecasters: Default::default(),
            stale_open: Default::default(),
            batch_events: Default::default(),
            events_waiting: Default::default(),
            kept: Default::default(),
            who: None,
        }
    }

    /// The same handle letting appended events wait to be inserted several to a
    /// statement. Only for a SQLite write transaction that calls [`Db::flush_events`]
    /// before it commits (`Store::write`); every read of the history here flushes first.
    pub(super) fn batching_events(self) -> Self {
        self.batch_events.set(matches!(self.conn, Conn::Lite(_)));
        self
    }

    /// The same handle stamping `who` on the records it inserts without a `recorded_by`.
    pub(super) fn recording_as(mut self, who: Option<std::sync::Arc<str>>) -> Self {
        self.who = who;
        self
    }

    /// Who a record was recorded by: the record's own `recorded_by` (an import keeps the
    /// file's), else whoever writes through this handle.
    fn stamp(&self, given: &Option<String>) -> Option<String> {
        given
            .clone()
            .or_else(|| self.who.as_deref().map(str::to_string))
    }

    pub(super) fn head_cache(&self) -> std::cell::RefMut<'_, Option<(i64, String)>> {
        self.head.borrow_mut()
    }

    /// [`Conn::insert_later`] through a statement kept prepared for this handle.
    pub(super) fn insert_later(&self, sql: &'static str, args: &[Arg<'_>]) -> Result<i64> {
        self.conn.insert_kept(&self.kept, sql, args)
    }

    /// [`Conn::append_later`] through a statement kept prepared for this handle.
    pub(super) fn append_later(&self, sql: &'static str, args: &[Arg<'_>]) -> Result<()> {
        self.conn.append_kept(&self.kept, sql, args)
    }

    /// Whether appended events may wait (see [`Db::batching_events`]).
    pub(super) fn batches_events(&self) -> bool {
        self.batch_events.get()
    }

    /// The events waiting to be inserted.
    pub(super) fn waiting_events(&self) -> std::cell::RefMut<'_, Vec<super::events::WaitingEvent>> {
        self.events_waiting.borrow_mut()
    }

    /// The connection, for the store's other modules.
    pub(super) fn conn(&self) -> Conn<'c> {
        self.conn
    }

    /// The SQLite connection, for the few callers (tests, benchmarks) that need it.
    ///
    /// # Panics
    /// On a PostgreSQL ledger, which has none.
    pub fn connection(&self) -> &'c rusqlite::Connection {
        self.conn
            .lite()
            .expect("Db::connection is for SQLite ledgers only")
    }

    /// The time of this run (`Ctx.now`), stamped on the events it appends.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The next free generated key of the form `{prefix}{n}` in `table` ("sources" or "claims").
    pub fn next_key(&self, prefix: &str, table: Table) -> Result<String> {
        let (count_sql, exists_sql) = match table {
            Table::Sources => (
                "SELECT coalesce(max(id), 0) FROM sources",
                "SELECT 1 FROM sources WHERE key = ?1",
            ),
            Table::Claims => (
                "SELECT coalesce(max(id), 0) FROM claims",
                "SELECT 1 FROM claims WHERE key = ?1",
            ),
        };
        let mut n: i64 = self.conn.one(count_sql, args![], |r| r.get::<i64>(0))? + 1;
        loop {
            let key = format!("{prefix}{n}");
            let taken = self
                .conn
                .row(exists_sql, args![&key], |_| Ok(()))?
                .is_some();
            if !taken {
                return Ok(key);
            }
            n += 1;
        }
    }

    // ---- sources -------------------------------------------------------------------

    pub fn source_id(&self, key: &str) -> Result<Option<i64>> {
        Ok(self.source_facts(key)?.map(|(id, _)| id))
    }

    /// A source's publication date (the outer `None` when there is no such source): what
    /// recording a claim from it needs, without reading its text.
    pub fn source_published(&self, key: &str) -> Result<Option<Option<NaiveDate>>> {
        Ok(self.source_facts(key)?.map(|(_, published)| published))
    }

    /// A source's id and publication date, read once per handle.
    fn source_facts(&self, key: &str) -> Result<Option<(i64, Option<NaiveDate>)>> {
        if let Some(&facts) = self.sources.borrow().get(key) {
            return Ok(Some(facts));
        }
        let found = self.conn.row(
            "SELECT id, published FROM sources WHERE key = ?1",
            args![Arg::text(key)],
            |r| Ok((r.get::<i64>(0)?, opt_date_col(r, 1)?)),
        )?;
        if let Some(facts) = found {
            self.sources.borrow_mut().insert(key.to_string(), facts);
        }
        Ok(found)
    }

    /// Reads every claim's key and id, and every forecaster, once, so that a bulk import
    /// asks the database nothing about the claims and forecasters it adds: each claim
    /// written through this handle is added, and a key not known is a new one.
    pub fn know_all_claims(&self) -> Result<()> {
        let mut index = ClaimIndex::default();
        self.conn
            .stream("SELECT id, key FROM claims", args![], |r| {
                let (id, key): (i64, String) = (r.get(0)?, r.get(1)?);
                index.ids.insert(key.clone(), id);
                index.keys.insert(id, (key, None));
                Ok(())
            })?;
        *self.claims.borrow_mut() = Some(index);
        let mut names = self.forecaster_ids.borrow_mut();
        self.conn.stream(
            "SELECT w.id, w.name, f.forecast_id, x.forecaster_id FROM forecasters w
               LEFT JOIN first_forecasts f ON f.forecaster_id = w.id
               LEFT JOIN forecasts x ON x.id = f.forecast_id",
            args![],
            |r| {
                let (id, name): (i64, String) = (r.get(0)?, r.get(1)?);
                let first = checked_first(&name, id, r.get(2)?, r.get(3)?)?;
                names.insert(name, (id, first));
                Ok(())
            },
        )?;
        self.all_forecasters.set(true);
        Ok(())
    }

    pub fn source(&self, key: &str) -> Result<Option<Source>> {
        if let Some(s) = self.source_rows.borrow().get(key) {
            return Ok(Some(s.clone()));
        }
        let sql = format!("{SOURCE_SELECT} WHERE s.key = ?1");
        let found = self
            .conn
            .row(&sql, args![Arg::text(key)], source_row)?
            .map(|(_, s)| s);
        if let Some(s) = &found {
            self.source_rows
                .borrow_mut()
                .insert(key.to_string(), s.clone());
        }
        Ok(found)
    }

    /// Every source, oldest record first.
    pub fn sources(&self) -> Result<Vec<Source>> {
        let sql = format!("{SOURCE_SELECT} ORDER BY s.id");
        self.conn
            .rows(&sql, args![], |r| source_row(r).map(|(_, s)| s))
    }

    /// Inserts a source and its authors, and appends its event to the history.
    pub fn insert_source(&self, s: &Source) -> Result<i64> {
        let by = self.stamp(&s.recorded_by);
        let id = self.insert_later(
            "INSERT INTO sources (key, title, publisher, url, published, body, body_sha256, recorded_at, recorded_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            args![
                &s.key,
                &s.title,
                &s.publisher,
                &s.url,
                s.published.map(format_date),
                &s.text,
                &s.text_sha256,
                format_time(s.recorded_at),
                &by,
            ],
        )?;
        for (i, name) in s.authors.iter().enumerate() {
            self.append_later(
                "INSERT INTO source_authors (source_id, position, name) VALUES (?1, ?2, ?3)",
                args![id, i as i64, name],
            )?;
        }
        self.sources
            .borrow_mut()
            .insert(s.key.clone(), (id, s.published));
        let record = Source {
            recorded_by: by,
            ..s.clone()
        };
        self.append_event(id, None, Record::Source(record), Refs::default())?;
        Ok(id)
    }

    // ---- claims --------------------------------------------------------------------

    pub fn claim(&self, key: &str) -> Result<Option<ClaimRow>> {
        let sql = format!("{CLAIM_SELECT} WHERE c.key = ?1");
        self.conn.row(&sql, args![Arg::text(key)], claim_row)
    }

    /// The row id of the claim with this key.
    pub fn claim_id(&self, key: &str) -> Result<Option<i64>> {
        if let Some(index) = &*self.claims.borrow() {
            return Ok(index.ids.get(key).copied());
        }
        self.conn.row(
            "SELECT id FROM claims WHERE key = ?1",
            args![Arg::text(key)],
            |r| r.get(0),
        )
    }

    /// The resolved-on day of the claim's current resolution (the one recorded last).
    pub fn latest_resolved_on(&self, claim_id: i64) -> Result<Option<NaiveDate>> {
        self.conn.row(
            "SELECT resolved_on FROM resolutions WHERE claim_id = ?1 ORDER BY id DESC LIMIT 1",
            args![claim_id],
            |r| date_col(r, 0),
        )
    }

    /// Whether any claim carries this tag.
    pub fn tag_exists(&self, tag: &str) -> Result<bool> {
        self.conn.one(
            "SELECT EXISTS (SELECT 1 FROM claim_tags WHERE tag = ?1)",
            args![Arg::text(tag)],
            |r| r.get(0),
        )
    }

    /// Whether anyone of this name has made a forecast.
    pub fn forecaster_exists(&self, name: &str) -> Result<bool> {
        self.conn.one(
            "SELECT EXISTS (SELECT 1 FROM forecasters WHERE name = ?1)",
            args![Arg::text(name)],
            |r| r.get(0),
        )
    }

    /// The publication date of the source a claim was read in, if it has one.
    pub fn claim_published(&self, claim_id: i64) -> Result<Option<NaiveDate>> {
        if let Some(index) = &*self.claims.borrow() {
            if let Some((_, Some(published))) = index.keys.get(&claim_id) {
                return Ok(*published);
            }
        }
        let published: Option<String> = self
            .conn
            .row(
                "SELECT s.published FROM claims c JOIN sources s ON s.id = c.source_id
                  WHERE c.id = ?1",
                args![claim_id],
                |r| r.get(0),
            )?
            .flatten();
        published
            .map(|d| {
                crate::domain::parse::date("published", &d)
                    .map_err(|e| StoreError::Corrupt(format!("source: {e}")))
            })
            .transpose()
    }

    /// The key of the claim's condition, if it has one (None also for an unknown claim).
    pub fn condition_of(&self, key: &str) -> Result<Option<String>> {
        self.conn.row(
            "SELECT cc.key FROM claims c JOIN claims cc ON cc.id = c.condition_id WHERE c.key = ?1",
            args![Arg::text(key)],
            |r| r.get(0),
        )
    }

    /// Inserts a claim whose source and condition keys the caller has checked exist, with
    /// its tags, and appends its event to the history.
    pub fn insert_claim(&self, c: &Claim) -> Result<i64> {
        let source_id = match &c.source {
            Some(k) => Some(self.source_id(k)?.ok_or_else(|| missing("source", k))?),
            None => None,
        };
        let condition_id = match &c.condition {
            Some(k) => Some(self.claim(k)?.ok_or_else(|| missing("claim", k))?.id),
            None => None,
        };
        let by = self.stamp(&c.recorded_by);
        let id = self.insert_later(
            "INSERT INTO claims (key, statement, quote, criteria, resolve_by, condition_id, source_id, created_at, recorded_at, opens_at, closes_at, recorded_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            args![
                &c.key,
                &c.statement,
                &c.quote,
                &c.criteria,
                format_date(c.resolve_by),
                condition_id,
                source_id,
                format_time(c.created_at),
                format_time(c.recorded_at),
                c.opens_at.map(format_time),
                c.closes_at.map(format_time),
                &by,
            ],
        )?;
        self.append_later(
            "INSERT INTO open_claims (claim_id, due) VALUES (?1, ?2)",
            args![id, format_date(c.resolve_by)],
        )?;
        let tags: std::collections::BTreeSet<&String> = c.tags.iter().collect();
        for t in tags {
            self.append_later(
                "INSERT INTO claim_tags (claim_id, tag) VALUES (?1, ?2)",
                args![id, t],
            )?;
        }
        if let Some(index) = &mut *self.claims.borrow_mut() {
            let published = match &c.source {
                Some(k) => self.source_facts(k)?.map(|(_, p)| p).unwrap_or(None),
                None => None,
            };
            index.ids.insert(c.key.clone(), id);
            index.keys.insert(id, (c.key.clone(), Some(published)));
            index.unresolved_here.insert(id);
        }
        let record = Claim {
            recorded_by: by,
            ..c.clone()
        };
        let refs = Refs {
            claim: condition_id,
            source: source_id,
            forecaster: None,
        };
        self.append_event(id, Some(id), Record::Claim(record), refs)?;
        Ok(id)
    }

    // ---- forecasts and resolutions -------------------------------------------------

    /// A claim's forecasts in the order they were made (ties by the order recorded).
    pub fn forecasts(&self, claim: &ClaimRow) -> Result<Vec<Forecast>> {
        self.conn.rows(
            "SELECT w.name, f.p, f.made_at, f.note, f.recorded_at, f.recorded_by
               FROM forecasts f JOIN forecasters w ON w.id = f.forecaster_id
              WHERE f.claim_id = ?1 ORDER BY f.made_at, f.id",
            args![claim.id],
            |r| {
                Ok(Forecast {
                    claim: claim.claim.key.clone(),
                    forecaster: r.get(0)?,
                    p: r.get(1)?,
                    made_at: time_col(r, 2)?,
                    note: r.get(3)?,
                    recorded_at: time_col(r, 4)?,
                    recorded_by: r.get(5)?,
                })
            },
        )
    }

    /// A claim's resolutions in the order they were recorded; the last is current.
    pub fn resolutions(&self, claim: &ClaimRow) -> Result<Vec<Resolution>> {
        self.resolutions_of(claim.id, &claim.claim.key)
    }

    /// [`Db::resolutions`] of the claim with row id `claim_id` and key `key`.
    pub fn resolutions_of(&self, claim_id: i64, key: &str) -> Result<Vec<Resolution>> {
        if let Some(index) = &*self.claims.borrow() {
            if index.unresolved_here.contains(&claim_id) {
                return Ok(Vec::new());
            }
        }
        self.conn.rows(
            "SELECT outcome, resolved_on, evidence, note, recorded_at, recorded_by FROM resolutions
              WHERE claim_id = ?1 ORDER BY id",
            args![claim_id],
            |r| resolution_row(r, key),
        )
    }

    /// The current resolution: the one recorded last.
    pub fn latest_resolution(&self, claim: &ClaimRow) -> Result<Option<Resolution>> {
        self.conn.row(
            "SELECT outcome, resolved_on, evidence, note, recorded_at, recorded_by FROM resolutions
              WHERE claim_id = ?1 ORDER BY id DESC LIMIT 1",
            args![claim.id],
            |r| resolution_row(r, &claim.claim.key),
        )
    }

    /// Inserts a forecast and appends its event to the history. `f.claim` must be the key
    /// of the claim with row id `claim_id` (callers find the id by that key).
    pub fn insert_forecast(&self, claim_id: i64, f: &Forecast) -> Result<()> {
        debug_assert_eq!(
            self.claim_key(claim_id).ok().as_deref(),
            Some(f.claim.as_str())
        );
        let (forecaster, first) = self.forecaster_id_or_new(&f.forecaster)?;
        let by = self.stamp(&f.recorded_by);
        // −0 is stored as 0: SQLite keeps no sign on a zero it stores, PostgreSQL does, and
        // the same ledger must read back alike on both (in the history too).
        let p = f.p + 0.0;
        let id = self.insert_later(
            "INSERT INTO forecasts (claim_id, forecaster_id, p, made_at, note, recorded_at, recorded_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            args![
                claim_id,
                forecaster,
                p,
                time_seconds(f.made_at),
                &f.note,
                time_seconds(f.recorded_at),
                &by
            ],
        )?;
        if first.is_none() {
            // Their first forecast: its payload gives the name, and later ones this id.
            self.append_later(
                "INSERT INTO first_forecasts (forecaster_id, forecast_id) VALUES (?1, ?2)",
                args![forecaster, id],
            )?;
            if let Some(known) = self.forecaster_ids.borrow_mut().get_mut(&f.forecaster) {
                known.1 = Some(id);
            }
        }
        self.stale_open.borrow_mut().insert(claim_id);
        let record = Forecast {
            claim: f.claim.clone(),
            forecaster: f.forecaster.clone(),
            p,
            made_at: f.made_at,
            note: f.note.clone(),
            recorded_at: f.recorded_at,
            recorded_by: by,
        };
        let refs = Refs {
            claim: Some(claim_id),
            source: None,
            forecaster: first,
        };
        self.append_event(id, Some(claim_id), Record::Forecast(record), refs)
    }

    /// The claims whose summary in `open_claims` is stale, sorted; none are left marked.
    pub(super) fn take_stale_open(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.stale_open.borrow_mut().drain().collect();
        ids.sort_unstable();
        ids
    }

    /// The id of the forecaster of this name, added to `forecasters` on their first
    /// forecast, and the id of that first forecast (None before it is inserted).
    fn forecaster_id_or_new(&self, name: &str) -> Result<(i64, Option<i64>)> {
        if let Some(&known) = self.forecaster_ids.borrow().get(name) {
            return Ok(known);
        }
        let known = self.forecaster_id_or_insert(name)?;
        self.forecaster_ids
            .borrow_mut()
            .insert(name.to_string(), known);
        Ok(known)
    }

    fn forecaster_id_or_insert(&self, name: &str) -> Result<(i64, Option<i64>)> {
        if self.all_forecasters.get() {
            // Every forecaster is in `forecaster_ids`: this is a new one.
            let id = self.insert_later(
                "INSERT INTO forecasters (name) VALUES (?1)",
                args![Arg::text(name)],
            )?;
            return Ok((id, None));
        }
        let found = self.conn.row(
            "SELECT w.id, f.forecast_id, x.forecaster_id FROM forecasters w
               LEFT JOIN first_forecasts f ON f.forecaster_id = w.id
               LEFT JOIN forecasts x ON x.id = f.forecast_id
              WHERE w.name = ?1",
            args![Arg::text(name)],
            |r| {
                let id: i64 = r.get(0)?;
                Ok((id, checked_first(name, id, r.get(1)?, r.get(2)?)?))
            },
        )?;
        if let Some(known) = found {
            return Ok(known);
        }
        let id = self.conn.insert(
            "INSERT INTO forecasters (name) VALUES (?1)",
            args![Arg::text(name)],
        )?;
        Ok((id, None))
    }

    /// The key of the claim with row id `id`, which must exist.
    fn claim_key(&self, id: i64) -> Result<String> {
        if let Some(index) = &*self.claims.borrow() {
            if let Some((key, _)) = index.keys.get(&id) {
                return Ok(key.clone());
            }
        }
        self.conn
            .row("SELECT key FROM claims WHERE id = ?1", args![id], |r| {
                r.get(0)
            })?
            .ok_or_else(|| missing("claim", &format!("#{id}")))
    }

    /// Inserts a resolution and appends its event to the history.
    pub fn insert_resolution(&self, claim_id: i64, r: &Resolution) -> Result<()> {
        let claim = self.claim_key(claim_id)?;
        let recorded_by = self.stamp(&r.recorded_by);
        let id = self.insert_later(
            "INSERT INTO resolutions (claim_id, outcome, resolved_on, evidence, note, recorded_at, recorded_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            args![
                claim_id,
                r.outcome.as_str(),
                format_date(r.resolved_on),
                &r.evidence,
                &r.note,
                format_time(r.recorded_at),
                &recorded_by
            ],
        )?;
        self.conn
            .delete_later("open_claims", "claim_id", claim_id)?;
        if let Some(index) = &mut *self.claims.borrow_mut() {
            index.unresolved_here.remove(&claim_id);
        }
        self.append_event(
            id,
            Some(claim_id),
            Record::Resolution(Resolution {
                claim,
                recorded_by,
                ..r.clone()
            }),
            Refs {
                claim: Some(claim_id),
                ..Refs::default()
            },
        )
    }

    /// Inserts a postponement of a claim the caller has checked, and appends its event.
    pub fn insert_postponement(&self, claim_id: i64, p: &Postponement) -> Result<()> {
        let claim = self.claim_key(claim_id)?;
        let recorded_by = self.stamp(&p.recorded_by);
        let id = self.conn.insert(
            "INSERT INTO postponements (claim_id, resolve_by, note, recorded_at, recorded_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            args![
                claim_id,
                format_date(p.resolve_by),
                &p.note,
                format_time(p.recorded_at),
                &recorded_by
            ],
        )?;
        self.conn.execute(
            "UPDATE open_claims SET due = ?2 WHERE claim_id = ?1",
            args![claim_id, format_date(p.resolve_by)],
        )?;
        self.append_event(
            id,
            Some(claim_id),
            Record::Postponement(Postponement {
                claim,
                recorded_by,
                ..p.clone()
            }),
            Refs {
                claim: Some(claim_id),
                ..Refs::default()
            },
        )
    }

    /// A claim's postponements in the order recorded; `key` is the claim's key.
    pub fn postponements_of(&self, claim_id: i64, key: &str) -> Result<Vec<Postponement>> {
        self.conn.rows(
            "SELECT resolve_by, note, recorded_at, recorded_by FROM postponements
              WHERE claim_id = ?1 ORDER BY id",
            args![claim_id],
            |r| {
                Ok(Postponement {
                    claim: key.to_string(),
                    resolve_by: date_col(r, 0)?,
                    note: r.get(1)?,
                    recorded_at: time_col(r, 2)?,
                    recorded_by: r.get(3)?,
                })
            },
        )
    }

    /// The date the claim's latest postponement moved it to, if it was ever postponed.
    pub fn due_date(&self, claim_id: i64) -> Result<Option<NaiveDate>> {
        self.conn.row(
            "SELECT resolve_by FROM postponements WHERE claim_id = ?1 ORDER BY id DESC LIMIT 1",
            args![claim_id],
            |r| date_col(r, 0),
        )
    }

    /// Whether an identical forecast (same claim, forecaster, probability, times and note)
    /// is already recorded; an import uses it to recognise a record it has seen.
    pub fn has_forecast(
        &self,
        claim_id: i64,
        f: &Forecast,
        recorded_at: Option<DateTime<Utc>>,
    ) -> Result<bool> {
        Ok(self
            .conn
            .row(
                "SELECT 1 FROM forecasts
                  WHERE claim_id = ?1 AND forecaster_id = (SELECT id FROM forecasters WHERE name = ?2)
                    AND made_at = ?3 AND p = ?4 AND note IS NOT DISTINCT FROM ?5
                    AND (?6 IS NULL OR recorded_at = ?6)
                  LIMIT 1",
                args![
                    claim_id,
                    &f.forecaster,
                    time_seconds(f.made_at),
                    f.p,
                    &f.note,
                    recorded_at.map(time_seconds)
                ],
                |_| Ok(()),
            )?
            .is_some())
    }

    // ---- list ----------------------------------------------------------------------

    /// Claims matching `filter`, soonest deadline first (a postponed claim by the date it
    /// was postponed to).
    pub fn list(&self, filter: &ClaimFilter) -> Result<Vec<ListRow>> {
        // Two steps: one statement picks the claims and their order from the claims, their
        // current resolution and postponement and the filters alone; only then are the
        // details (the claim's row, tags, resolution, forecast count and latest forecast)
        // read, for the chosen claims only: with --limit a handful, not all due ones. The
        // details are read a few hundred claims to a statement in the order of their ids,
        // so that a long list reads each page of a table once and in the file's order
        // rather than once per claim in the list's order; they are then put in its order.
        // The open claims' forecasts come summed up with them (`open_claims`, migration
        // 10), unless only one forecaster's count: then, as for the other windows, from
        // the forecasts themselves.
        let summarised = filter.forecaster.is_none()
            && matches!(
                filter.window,
                Some(Window::Open | Window::DueBy(_) | Window::OverdueAt(_))
            );
        self.settle_open_claims()?;
        let names = if summarised {
            Some(self.forecaster_names()?)
        } else {
            None
        };
        let (choose, args) = choose_sql(filter);
        let chosen = self.conn.rows(&choose, &args, |r| {
            Ok(Chosen {
                id: r.get(0)?,
                resolution: r.get(1)?,
                postponed: r.get::<Option<i64>>(2)?.is_some(),
                due: date_col(r, 3)?,
                summary: match &names {
                    Some(names) => Some(summary_cols(r, 4, names)?),
                    None => None,
                },
            })
        })?;
        let mut ids: Vec<i64> = chosen.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        let mut details = self.list_details(&ids)?;
        let resolutions = self.list_resolutions(&chosen)?;
        let mut forecasts = if summarised {
            rustc_hash::FxHashMap::default()
        } else {
            self.list_forecasts(&ids, filter.forecaster.as_deref())?
        };
        let mut out = Vec::with_capacity(chosen.len());
        for c in chosen {
            let d = details
                .remove(&c.id)
                .ok_or_else(|| missing("claim", &format!("#{}", c.id)))?;
            let (outcome, resolved_on) = match c.resolution {
                Some(rid) => *resolutions
                    .get(&rid)
                    .ok_or_else(|| missing("resolution", &format!("#{rid}")))?,
                None => (None, None),
            };
            let (count, latest) = match c.summary {
                Some(summary) => summary,
                None => forecasts.remove(&c.id).unwrap_or((0, None)),
            };
            out.push(ListRow {
                key: d.key,
                statement: d.statement,
                resolve_by: c.due,
                postponed_from: c.postponed.then_some(d.resolve_by),
                source: d.source,
                condition: d.condition,
                tags: d.tags,
                outcome,
                resolved_on,
                forecasts: count,
                latest_p: latest.as_ref().map(|l| l.p),
                latest_made_at: latest.as_ref().map(|l| l.made_at),
                latest_backfilled: latest.as_ref().map(|l| l.backfilled),
                latest_forecaster: latest.map(|l| l.forecaster),
            });
        }
        Ok(out)
    }

    /// Calls `f` on every row of `sql(marks)` for each chunk of `ids`, `marks` being the
    /// chunk's parameters (`?1, ?2, …`) for an `IN (…)`. A few hundred ids to a
    /// statement: on PostgreSQL each statement is a round trip, and a list may name
    /// thousands of claims.
    fn each_chunk(
        &self,
        ids: &[i64],
        sql: impl Fn(&str) -> String,
        mut f: impl FnMut(&SqlRow<'_>) -> Result<()>,
    ) -> Result<()> {
        for chunk in ids.chunks(LIST_CHUNK) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("?{i}")).collect();
            let args: Vec<Arg<'_>> = chunk.iter().map(|&id| Arg::Int(Some(id))).collect();
            self.conn.stream(&sql(&marks.join(", ")), &args, &mut f)?;
        }
        Ok(())
    }

    /// The claim row, source, condition and tags of each claim of `ids` (sorted).
    fn list_details(&self, ids: &[i64]) -> Result<rustc_hash::FxHashMap<i64, ListDetails>> {
        let mut details = rustc_hash::FxHashMap::default();
        details.reserve(ids.len());
        self.each_chunk(
            ids,
            |marks| {
                format!(
                    "SELECT c.id, c.key, c.statement, c.resolve_by, s.key, cc.key
                       FROM claims c
                       LEFT JOIN sources s ON s.id = c.source_id
                       LEFT JOIN claims cc ON cc.id = c.condition_id
                      WHERE c.id IN ({marks})"
                )
            },
            |r| {
                details.insert(
                    r.get(0)?,
                    ListDetails {
                        key: r.get(1)?,
                        statement: r.get(2)?,
                        resolve_by: date_col(r, 3)?,
                        source: r.get(4)?,
                        condition: r.get(5)?,
                        tags: Vec::new(),
                    },
                );
                Ok(())
            },
        )?;
        // In tag order within each claim, as `string_agg(tag ORDER BY tag)` gives them
        // elsewhere (tags compare byte by byte on both engines).
        self.each_chunk(
            ids,
            |marks| {
                format!(
                    "SELECT claim_id, tag FROM claim_tags WHERE claim_id IN ({marks})
                      ORDER BY claim_id, tag"
                )
            },
            |r| {
                let id: i64 = r.get(0)?;
                if let Some(d) = details.get_mut(&id) {
                    d.tags.push(r.get(1)?);
                }
                Ok(())
            },
        )?;
        Ok(details)
    }

    /// The outcome and date of each chosen claim's current resolution, by resolution id.
    fn list_resolutions(
        &self,
        chosen: &[Chosen],
    ) -> Result<rustc_hash::FxHashMap<i64, ListResolution>> {
        let mut rids: Vec<i64> = chosen.iter().filter_map(|c| c.resolution).collect();
        rids.sort_unstable();
        let mut out = rustc_hash::FxHashMap::default();
        self.each_chunk(
            &rids,
            |marks| {
                format!("SELECT id, outcome, resolved_on FROM resolutions WHERE id IN ({marks})")
            },
            |r| {
                out.insert(r.get(0)?, (outcome_col(r, 1)?, opt_date_col(r, 2)?));
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Each claim's number of forecasts and its latest forecast (the latest of
    /// `forecaster`'s, when given), for the claims of `ids` (sorted): one pass over their
    /// entries in the `forecasts_claim` index, which holds the time and id of each, then
    /// the latest forecasts' rows, in the order of their ids.
    fn list_forecasts(
        &self,
        ids: &[i64],
        forecaster: Option<&str>,
    ) -> Result<rustc_hash::FxHashMap<i64, (u64, Option<Latest>)>> {
        let only = match forecaster {
            Some(name) => Some(
                self.conn
                    .row(
                        "SELECT id FROM forecasters WHERE name = ?1",
                        args![Arg::text(name)],
                        |r| r.get::<i64>(0),
                    )?
                    .unwrap_or(-1),
            ),
            None => None,
        };
        // Per claim: how many forecasts, and the (made_at, id) of the latest that counts.
        type Tally = (u64, Option<(i64, i64)>);
        fn merge(counts: &mut rustc_hash::FxHashMap<i64, Tally>, (claim, (n, best)): (i64, Tally)) {
            let entry = counts.entry(claim).or_default();
            entry.0 += n;
            entry.1 = entry.1.max(best);
        }
        let mut counts: rustc_hash::FxHashMap<i64, Tally> = rustc_hash::FxHashMap::default();
        counts.reserve(ids.len());
        // SQLite gives each claim's entries together, so they are tallied on the side and
        // merged once a claim; any order gives the same tallies.
        let mut current: Option<(i64, Tally)> = None;
        let who = if only.is_some() {
            ", forecaster_id"
        } else {
            ""
        };
        self.each_chunk(
            ids,
            |marks| {
                format!(
                    "SELECT claim_id, made_at, id{who} FROM forecasts WHERE claim_id IN ({marks})"
                )
            },
            |r| {
                let claim: i64 = r.get(0)?;
                let tally = match &mut current {
                    Some((id, tally)) if *id == claim => tally,
                    _ => {
                        if let Some(done) = current.take() {
                            merge(&mut counts, done);
                        }
                        &mut current.insert((claim, (0, None))).1
                    }
                };
                tally.0 += 1;
                if let Some(id) = only {
                    if r.get::<i64>(3)? != id {
                        return Ok(());
                    }
                }
                let key = (r.get::<i64>(1)?, r.get::<i64>(2)?);
                if tally.1.is_none_or(|best| key > best) {
                    tally.1 = Some(key);
                }
                Ok(())
            },
        )?;
        if let Some(done) = current.take() {
            merge(&mut counts, done);
        }
        let names = self.forecaster_names()?;
        let mut wanted: Vec<i64> = counts.values().filter_map(|c| c.1).map(|b| b.1).collect();
        wanted.sort_unstable();
        let mut rows: rustc_hash::FxHashMap<i64, Latest> = rustc_hash::FxHashMap::default();
        rows.reserve(wanted.len());
        self.each_chunk(
            &wanted,
            |marks| {
                format!(
                    "SELECT id, p, forecaster_id, made_at, recorded_at FROM forecasts
                      WHERE id IN ({marks})"
                )
            },
            |r| {
                let made_at = time_col(r, 3)?;
                rows.insert(
                    r.get(0)?,
                    Latest {
                        p: r.get(1)?,
                        forecaster: names.get(r.get(2)?)?.to_string(),
                        made_at,
                        backfilled: crate::domain::is_backfilled(made_at, time_col(r, 4)?),
                    },
                );
                Ok(())
            },
        )?;
        counts
            .into_iter()
            .map(|(claim_id, (n, best))| {
                let latest = match best {
                    Some((_, id)) => Some(
                        rows.remove(&id)
                            .ok_or_else(|| missing("forecast", &format!("#{id}")))?,
                    ),
                    None => None,
                };
                Ok((claim_id, (n, latest)))
            })
            .collect()
    }
}

/// The statement that chooses the claims `list` shows and their order (id, current
/// resolution's id, latest postponement's id, due date), with its parameters.
fn choose_sql(filter: &ClaimFilter) -> (String, Vec<Arg<'static>>) {
    let mut args: Vec<Arg<'static>> = Vec::new();
    // The open claims come from `open_claims`, kept by the insert functions with the
    // date each is now due and indexed by it: choosing those due by a date reads only
    // them, in the order listed, so `--limit N` stops after N. The other windows look at
    // every claim with its current resolution and postponement. The open claims are not
    // joined with their rows (each a page read in the list's order): the filters below
    // need only their ids.
    let (mut choose, id, order) = match filter.window {
        Some(Window::Open | Window::DueBy(_) | Window::OverdueAt(_)) => (
            String::from(
                "SELECT o.claim_id, CAST(NULL AS BIGINT) AS rid,
                        (SELECT max(id) FROM postponements y WHERE y.claim_id = o.claim_id) AS ppid,
                        o.due AS due, o.forecast_count, o.latest_p, o.latest_forecaster_id,
                        o.latest_made_at, o.latest_recorded_at
                   FROM open_claims o
                  WHERE 1 = 1",
            ),
            "o.claim_id",
            " ORDER BY o.due, o.claim_id",
        ),
        None | Some(Window::Resolved) => (
            String::from(
                "SELECT c.id, r.id AS rid, pp.id AS ppid, coalesce(pp.resolve_by, c.resolve_by) AS due
                   FROM claims c
                   LEFT JOIN resolutions r ON r.id = (SELECT max(id) FROM resolutions x WHERE x.claim_id = c.id)
                   LEFT JOIN postponements pp ON pp.id = (SELECT max(id) FROM postponements y WHERE y.claim_id = c.id)
                  WHERE 1 = 1",
            ),
            "c.id",
            " ORDER BY due, c.id",
        ),
    };
    match filter.window {
        None | Some(Window::Open) => {}
        Some(Window::Resolved) => choose.push_str(" AND r.id IS NOT NULL"),
        Some(Window::DueBy(d)) => {
            args.push(Arg::Text(Some(format_date(d).into())));
            choose.push_str(&format!(" AND o.due <= ?{}", args.len()));
        }
        Some(Window::OverdueAt(d)) => {
            args.push(Arg::Text(Some(format_date(d).into())));
            choose.push_str(&format!(" AND o.due < ?{}", args.len()));
        }
    }
    if let Some(k) = &filter.source {
        args.push(Arg::Text(Some(k.clone().into())));
        choose.push_str(&format!(
            " AND {id} IN (SELECT s.id FROM claims s
                 WHERE s.source_id = (SELECT id FROM sources WHERE key = ?{}))",
            args.len()
        ));
    }
    if let Some(t) = &filter.tag {
        args.push(Arg::Text(Some(t.clone().into())));
        choose.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM claim_tags t WHERE t.claim_id = {id} AND t.tag = ?{})",
            args.len()
        ));
    }
    if let Some(name) = &filter.forecaster {
        args.push(Arg::Text(Some(name.clone().into())));
        choose.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM forecasts f WHERE f.claim_id = {id}
                AND f.forecaster_id = (SELECT id FROM forecasters WHERE name = ?{}))",
            args.len()
        ));
    }
    choose.push_str(order);
    if let Some(n) = filter.limit {
        args.push(Arg::Int(Some(i64::try_from(n).unwrap_or(i64::MAX))));
        choose.push_str(&format!(" LIMIT ?{}", args.len()));
    }
    (choose, args)
}

/// A resolution's outcome and date, as `list` shows them.
type ListResolution = (Option<Outcome>, Option<NaiveDate>);

/// A claim `list` chose, in its order.
struct Chosen {
    id: i64,
    /// Its current resolution (only looked for outside the open windows).
    resolution: Option<i64>,
    /// Whether it has been postponed.
    postponed: bool,
    /// The date it is due.
    due: NaiveDate,
    /// Its number of forecasts and latest forecast, where `open_claims` gave them.
    summary: Option<(u64, Option<Latest>)>,
}

/// A forecast count and latest forecast from `open_claims`' columns from `at` on:
/// forecast_count, latest_p, latest_forecaster_id, latest_made_at, latest_recorded_at.
fn summary_cols(
    r: &SqlRow<'_>,
    at: usize,
    names: &super::scan::Names,
) -> Result<(u64, Option<Latest>)> {
    let count = u64::try_from(r.get::<i64>(at)?)
        .map_err(|_| corrupt(at, "a negative number of forecasts"))?;
    let latest = match r.get::<Option<f64>>(at + 1)? {
        None => None,
        Some(p) => {
            let made_at = time_col(r, at + 3)?;
            Some(Latest {
                p,
                forecaster: names.get(r.get(at + 2)?)?.to_string(),
                made_at,
                backfilled: crate::domain::is_backfilled(made_at, time_col(r, at + 4)?),
            })
        }
    };
    Ok((count, latest))
}

/// What `list` shows of a claim's own row.
struct ListDetails {
    key: String,
    statement: String,
    /// The date it was recorded with.
    resolve_by: NaiveDate,
    source: Option<String>,
    condition: Option<String>,
    tags: Vec<String>,
}

/// A claim's latest forecast as `list` shows it.
struct Latest {
    p: f64,
    forecaster: String,
    made_at: DateTime<Utc>,
    backfilled: bool,
}

/// How many ids `list` reads in one statement.
pub(super) const LIST_CHUNK: usize = 500;

/// The two tables whose rows have user-facing keys.
#[derive(Debug, Clone, Copy)]
pub enum Table {
    Sources,
    Claims,
}

/// A resolution row (outcome, resolved_on, evidence, note, recorded_at, recorded_by) of
/// claim `key`.
fn resolution_row(r: &SqlRow<'_>, key: &str) -> Result<Resolution> {
    Ok(Resolution {
        claim: key.to_string(),
        outcome: outcome_col(r, 0)?.unwrap_or(Outcome::Ambiguous),
        resolved_on: date_col(r, 1)?,
        evidence: r.get(2)?,
        note: r.get(3)?,
        recorded_at: time_col(r, 4)?,
        recorded_by: r.get(5)?,
    })
}

fn missing(what: &str, key: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} '{key}' vanished during the write"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_and_last_seconds_are_those_of_years_0000_and_9999() {
        use crate::domain::parse::date_in_range;
        for (n, inside) in [
            (FIRST_SECOND, true),
            (LAST_SECOND, true),
            (FIRST_SECOND - 1, false),
            (LAST_SECOND + 1, false),
        ] {
            let t = DateTime::from_timestamp(n, 0).expect("within chrono's range");
            assert_eq!(date_in_range(t.date_naive()), inside, "{t}");
            assert_eq!(checked_seconds(n).is_ok(), inside);
            assert_eq!(seconds_time(n).is_ok(), inside);
        }
        assert!(seconds_time(i64::MAX).is_err() && checked_seconds(i64::MIN).is_err());
    }
}
