//! The history's SQL half: appending an event beside every insert, reading the history
//! back for `log`, and `verify`'s two checks (the chain, then every table against the
//! events). The payload, the hash rule and the row comparison are pure, in
//! `domain::event`; the first events of a ledger made before the history are written by
//! `store::genesis`, frozen on migration 2's table.
//!
//! The table (migrations 7 and 9) holds `seq, kind, claim_id, payload, hash`: the kind as
//! a small integer ([`kind_code`]), the hash as its 32 bytes, and no copy of what the
//! payload says. What `log` shows beside the payload (the time appended, the row id, the
//! key) is read from the payload, and the previous hash is the hash of event `seq - 1`.
//! A payload in format 4 names claims, sources and returning forecasters by number:
//! `verify` reads those numbers from the events before ([`ChainNames`]), `log` from the
//! tables ([`TableNames`]).

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use super::queries::Db;
use super::sql::{args, Conn, Engine, PgCursor, Raw, SqlRow};
use super::StoreError;
use crate::domain::event::{
    self, chain_digest, describe, first_difference, hex, image, parse_payload, Cell, Event, Image,
    Kind, Names, PayloadError, Record, Refs, GENESIS,
};
use crate::domain::parse::format_time;

type Result<T> = std::result::Result<T, StoreError>;

/// A kind's code in the events table's `kind` column (schema 9): the most frequent kinds
/// take 0 and 1, which SQLite stores in no bytes.
pub(super) fn kind_code(kind: Kind) -> i64 {
    match kind {
        Kind::Forecast => 0,
        Kind::Claim => 1,
        Kind::Resolution => 2,
        Kind::Postponement => 3,
        Kind::Source => 4,
    }
}

/// The kind a `kind` column's value stands for, if any.
fn kind_of_code(n: i64) -> Option<Kind> {
    Kind::ALL.into_iter().find(|k| kind_code(*k) == n)
}

/// A `kind` column's value as messages and `log` show it: the kind's name, or the value
/// itself when it is no kind's code.
fn kind_column(c: Cell) -> String {
    match c {
        Cell::Int(n) => kind_of_code(n).map_or_else(|| n.to_string(), |k| k.as_str().to_string()),
        Cell::Text(s) => s,
        other => other.to_string(),
    }
}

/// What the numbers of format 4 payloads stand for, learnt from the events read so far in
/// `seq` order: each claim's and source's key by id, and each forecaster's first forecast.
/// `verify` reads the history with it, so that what a payload names by number is what the
/// history itself recorded, whatever the tables say.
#[derive(Default)]
pub(super) struct ChainNames {
    claims: FxHashMap<i64, String>,
    sources: FxHashMap<i64, String>,
    /// The forecaster of each first forecast, by the forecast's id.
    first_names: FxHashMap<i64, String>,
    /// Each forecaster's first forecast, by name.
    firsts: FxHashMap<String, i64>,
}

impl ChainNames {
    /// Learns what `e` records: a claim's or source's key, a forecaster's first forecast.
    fn learn(&mut self, e: &Event) {
        match &e.record {
            Record::Claim(c) => {
                self.claims.insert(e.id, c.key.clone());
            }
            Record::Source(s) => {
                self.sources.insert(e.id, s.key.clone());
            }
            // A forecaster named by their first forecast is known already.
            Record::Forecast(_) if e.refs.forecaster.is_some() => {}
            Record::Forecast(f) => {
                if !self.firsts.contains_key(&f.forecaster) {
                    self.firsts.insert(f.forecaster.clone(), e.id);
                    self.first_names.insert(e.id, f.forecaster.clone());
                }
            }
            Record::Resolution(_) | Record::Postponement(_) => {}
        }
    }
}

impl Names for ChainNames {
    fn claim(&mut self, id: i64) -> Option<String> {
        self.claims.get(&id).cloned()
    }
    fn source(&mut self, id: i64) -> Option<String> {
        self.sources.get(&id).cloned()
    }
    fn first_forecast(&mut self, id: i64) -> Option<String> {
        self.first_names.get(&id).cloned()
    }
}

/// What the numbers of format 4 payloads stand for, looked up in the tables (and a claim
/// missing from its table, in its own event): for `log`, which shows any few events without
/// reading the history before them. Lookups are remembered; the first failure of the
/// database is kept for the caller to return.
/// One row of the history as read, its payload not parsed yet.
struct HistoryRow {
    seq: i64,
    kind: String,
    payload: String,
    prev_hash: String,
    hash: String,
    /// The key of the claim its `claim_id` column names, if that claim still exists.
    column_key: Option<String>,
}

/// The events of [`Db::history_events`], newest first, each parsed when taken.
pub struct HistoryEvents<'a, 'c> {
    rows: std::vec::IntoIter<HistoryRow>,
    names: TableNames<'a, 'c>,
}

impl Iterator for HistoryEvents<'_, '_> {
    type Item = Result<StoredEvent>;

    fn next(&mut self) -> Option<Self::Item> {
        let row = self.rows.next()?;
        let event = parse_payload(&row.payload, &mut self.names);
        if let Err(e) = self.names.check() {
            return Some(Err(e));
        }
        let (recorded_at, row_id, key) = match &event {
            Ok(ev) => (format_time(ev.at), ev.id, ev.record.subject().to_string()),
            Err(_) => (String::new(), 0, row.column_key.unwrap_or_default()),
        };
        Some(Ok(StoredEvent {
            seq: row.seq,
            recorded_at,
            kind: row.kind,
            row_id,
            key,
            payload: row.payload,
            prev_hash: row.prev_hash,
            hash: row.hash,
            event,
        }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rows.size_hint()
    }
}

impl<'c> Db<'c> {
    /// [`Db::history`] as the events are wanted: the rows are read first (the payloads'
    /// numbers are looked up on the same connection), each payload parsed only when its
    /// event is taken, so a caller that writes events out one at a time never holds every
    /// parsed event of a large ledger.
    pub fn history_events<'a>(
        &'a self,
        claim_id: Option<i64>,
        limit: Option<u64>,
    ) -> Result<HistoryEvents<'a, 'c>> {
        self.flush_events()?;
        let limit: i64 = limit
            .and_then(|n| i64::try_from(n).ok())
            .unwrap_or(i64::MAX);
        // Two statements rather than `?1 IS NULL OR claim_id = ?1`, which would keep the
        // planner from the index events_claim.
        let filter = if claim_id.is_some() {
            "WHERE e.claim_id = ?1"
        } else {
            "WHERE ?1 IS NULL"
        };
        let sql = format!(
            "SELECT e.seq, e.kind, e.payload, e.hash,
                    (SELECT p.hash FROM events p WHERE p.seq = e.seq - 1), c.key
               FROM events e LEFT JOIN claims c ON c.id = e.claim_id
              {filter}
              ORDER BY e.seq DESC LIMIT ?2"
        );
        let mut rows = Vec::new();
        self.conn().each(&sql, args![claim_id, limit], |r| {
            let shown = |v: Raw<'_>| stored_hash(v).unwrap_or_else(|what| what);
            let seq: i64 = r.get(0)?;
            let prev_hash = match r.raw(4)? {
                _ if seq == 1 => GENESIS.to_string(),
                Raw::Null => String::new(),
                v => shown(v),
            };
            rows.push(HistoryRow {
                seq,
                kind: kind_column(cell(r, 1)?),
                payload: r.get::<String>(2)?,
                prev_hash,
                hash: shown(r.raw(3)?),
                column_key: r.get::<Option<String>>(5)?,
            });
            Ok(())
        })?;
        Ok(HistoryEvents {
            rows: rows.into_iter(),
            names: TableNames::new(self),
        })
    }
}

pub(super) struct TableNames<'a, 'c> {
    db: &'a Db<'c>,
    claims: FxHashMap<i64, Option<String>>,
    sources: FxHashMap<i64, Option<String>>,
    firsts: FxHashMap<i64, Option<String>>,
    failed: Option<StoreError>,
}

impl<'a, 'c> TableNames<'a, 'c> {
    pub(super) fn new(db: &'a Db<'c>) -> Self {
        TableNames {
            db,
            claims: FxHashMap::default(),
            sources: FxHashMap::default(),
            firsts: FxHashMap::default(),
            failed: None,
        }
    }

    /// The first error a lookup met, if any.
    pub(super) fn check(&mut self) -> Result<()> {
        match self.failed.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn text(&mut self, sql: &str, id: i64) -> Option<String> {
        match self.db.conn().row(sql, args![id], |r| r.get::<String>(0)) {
            Ok(found) => found,
            Err(e) => {
                self.failed.get_or_insert(e);
                None
            }
        }
    }

    /// The key a claim's own event gives it (for a claim deleted from its table).
    fn claim_from_history(&mut self, id: i64) -> Option<String> {
        let payload = self.text(
            &format!(
                "SELECT payload FROM events WHERE claim_id = ?1 AND kind = {} ORDER BY seq LIMIT 1",
                kind_code(Kind::Claim)
            ),
            id,
        )?;
        let value: serde_json::Value = serde_json::from_str(&payload).ok()?;
        let key = match &value {
            serde_json::Value::Array(a) => a.get(4),
            other => other.get("record").and_then(|r| r.get("key")),
        };
        key.and_then(|k| k.as_str()).map(str::to_string)
    }
}

impl Names for TableNames<'_, '_> {
    fn claim(&mut self, id: i64) -> Option<String> {
        if let Some(found) = self.claims.get(&id) {
            return found.clone();
        }
        let found = self
            .text("SELECT key FROM claims WHERE id = ?1", id)
            .or_else(|| self.claim_from_history(id));
        self.claims.insert(id, found.clone());
        found
    }
    fn source(&mut self, id: i64) -> Option<String> {
        if let Some(found) = self.sources.get(&id) {
            return found.clone();
        }
        let found = self.text("SELECT key FROM sources WHERE id = ?1", id);
        self.sources.insert(id, found.clone());
        found
    }
    fn first_forecast(&mut self, id: i64) -> Option<String> {
        if let Some(found) = self.firsts.get(&id) {
            return found.clone();
        }
        let found = self.text(
            "SELECT w.name FROM forecasts f JOIN forecasters w ON w.id = f.forecaster_id
              WHERE f.id = ?1",
            id,
        );
        self.firsts.insert(id, found.clone());
        found
    }
}

/// One event as `log` shows it: the stored columns, and what the payload says about the
/// rest (when the payload cannot be read: an empty time, row id 0, and the key of the
/// claim its `claim_id` names, if any).
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub seq: i64,
    /// When it was appended: the payload's `at`.
    pub recorded_at: String,
    pub kind: String,
    /// The record's id in its table: the payload's `id`.
    pub row_id: i64,
    /// The source's key, or the claim's key.
    pub key: String,
    pub payload: String,
    /// The hash of event `seq - 1` (64 zeros for the first; empty if that event is gone).
    pub prev_hash: String,
    pub hash: String,
    /// The payload read back.
    pub event: std::result::Result<Event, PayloadError>,
}

/// The end of the chain: how many events, and the last one's hash (64 zeros when empty).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Head {
    pub events: u64,
    pub hash: String,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub head: Head,
    /// The first divergence, in words; None for a ledger that matches its history.
    pub first: Option<String>,
    /// How many divergences were found in all.
    pub divergences: u64,
}

impl Verdict {
    pub(super) fn note(&mut self, message: String) {
        self.divergences += 1;
        if self.first.is_none() {
            self.first = Some(message);
        }
    }
}

/// The divergences one table check found, kept apart so that `verify` reports them in
/// the same order whether it checked the tables in one pass or one after another.
#[derive(Debug, Default)]
struct Notes {
    first: Option<String>,
    count: u64,
}

impl Notes {
    fn note(&mut self, message: String) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some(message);
        }
    }
}

/// A stored hash as lowercase hex; a value that is not 32 bytes (the table's check keeps
/// them out) is described instead, and never matches a computed hash.
fn stored_hash(v: Raw<'_>) -> std::result::Result<String, String> {
    match v {
        Raw::Blob(b) if b.len() == 32 => Ok(hex(b)),
        Raw::Blob(b) => Err(format!("a blob of {} bytes", b.len())),
        other => Err(format!("a value of type {}", other.kind())),
    }
}

/// A table cell as a comparable value, whatever type it holds.
fn cell(r: &SqlRow<'_>, i: usize) -> Result<Cell> {
    Ok(match r.raw(i)? {
        Raw::Null => Cell::Null,
        Raw::Int(n) => Cell::Int(n),
        Raw::Real(x) => Cell::Real(x),
        Raw::Text(t) => Cell::Text(t.to_string()),
        Raw::Blob(b) => Cell::Other(format!("a blob of {} bytes", b.len())),
    })
}

/// The SELECT that reads one kind's table for `verify`, columns in the order of
/// [`event::fields`] after the id.
fn table_sql(kind: Kind, engine: Engine) -> &'static str {
    match kind {
        // PostgreSQL's columns hold only integers; they are turned into text as the row
        // is read (see `TableCheck::peek`).
        Kind::Forecast if engine == Engine::Postgres => {
            "SELECT f.id, c.key, (SELECT name FROM forecasters w WHERE w.id = f.forecaster_id),
                        f.p, f.made_at, f.note, f.recorded_at, f.recorded_by
                   FROM forecasts f LEFT JOIN claims c ON c.id = f.claim_id ORDER BY f.id"
        }
        Kind::Source => {
            "SELECT id, key, title, NULL, publisher, url, published, body, body_sha256, recorded_at,
                        recorded_by
                   FROM sources ORDER BY id"
        }
        Kind::Claim => {
            "SELECT c.id, c.key, c.statement, c.resolve_by, c.opens_at, c.closes_at, s.key,
                        cc.key, c.quote, c.criteria, NULL, c.created_at, c.recorded_at, c.recorded_by
                   FROM claims c
                   LEFT JOIN sources s ON s.id = c.source_id
                   LEFT JOIN claims cc ON cc.id = c.condition_id
                  ORDER BY c.id"
        }
        Kind::Forecast => {
            // Times are stored as seconds (migration 6) and compared as the text the
            // events hold; a value of any other type never matches, and says what it is.
            "SELECT f.id, c.key, (SELECT name FROM forecasters w WHERE w.id = f.forecaster_id),
                        f.p,
                        CASE typeof(f.made_at) WHEN 'integer'
                             THEN strftime('%Y-%m-%dT%H:%M:%SZ', f.made_at, 'unixepoch')
                             ELSE 'not seconds but ' || typeof(f.made_at) || ' ' || quote(f.made_at) END,
                        f.note,
                        CASE typeof(f.recorded_at) WHEN 'integer'
                             THEN strftime('%Y-%m-%dT%H:%M:%SZ', f.recorded_at, 'unixepoch')
                             ELSE 'not seconds but ' || typeof(f.recorded_at) || ' ' || quote(f.recorded_at) END,
                        f.recorded_by
                   FROM forecasts f LEFT JOIN claims c ON c.id = f.claim_id ORDER BY f.id"
        }
        Kind::Resolution => {
            "SELECT r.id, c.key, r.outcome, r.resolved_on, r.evidence, r.note, r.recorded_at,
                        r.recorded_by
                   FROM resolutions r LEFT JOIN claims c ON c.id = r.claim_id ORDER BY r.id"
        }
        Kind::Postponement => {
            "SELECT p.id, c.key, p.resolve_by, p.note, p.recorded_at, p.recorded_by
                   FROM postponements p LEFT JOIN claims c ON c.id = p.claim_id ORDER BY p.id"
        }
    }
}

/// How `verify` names an event in a message: "event 4 (forecast #1 on claim c1 by ana)",
/// or "event 4" when its payload cannot be read.
fn label(seq: i64, parsed: &std::result::Result<Event, PayloadError>) -> String {
    match parsed {
        Ok(ev) => format!(
            "event {seq} ({})",
            describe(ev.kind, ev.id, &image(&ev.record))
        ),
        Err(_) => format!("event {seq}"),
    }
}

/// A finding migration 7 kept about a column it dropped (see migrations/sqlite/0007).
struct Finding {
    field: String,
    stored: Option<String>,
    expected: Option<String>,
}

impl Finding {
    fn message(&self, label: &str) -> String {
        let stored = self.stored.as_deref().unwrap_or("nothing");
        let expected = self.expected.as_deref().unwrap_or("nothing");
        let when = "(found when the history was compacted, schema 7)";
        match self.field.as_str() {
            "prev_hash" => format!(
                "{label}: it named {} as the hash before it, but the event before it has {}: the history was cut, reordered or rewritten {when}",
                event::short(stored),
                event::short(expected)
            ),
            "hash" => format!(
                "{label}: its hash was '{stored}', not 64 lowercase hex digits: the event was edited {when}"
            ),
            field => format!(
                "{label}: its {field} column said '{stored}' but its payload says '{expected}' {when}"
            ),
        }
    }
}

/// An event appended and not yet inserted: the columns of its row in `events`.
pub(super) struct WaitingEvent {
    seq: i64,
    kind: i64,
    claim_id: Option<i64>,
    payload: String,
    hash: [u8; 32],
}

/// How many waiting events one statement inserts. A statement's fixed costs (finding the
/// table's last page, opening and closing its cursor, the statement cache) are then paid
/// once for them all rather than once an event.
const EVENTS_PER_INSERT: usize = 100;

const INSERT_EVENT: &str =
    "INSERT INTO events (seq, kind, claim_id, payload, hash) VALUES (?1, ?2, ?3, ?4, ?5)";

/// The statement inserting [`EVENTS_PER_INSERT`] events, made once.
fn insert_events_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let rows: Vec<String> = (0..EVENTS_PER_INSERT)
            .map(|i| {
                let n = 5 * i;
                format!(
                    "(?{}, ?{}, ?{}, ?{}, ?{})",
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    n + 5
                )
            })
            .collect();
        format!(
            "INSERT INTO events (seq, kind, claim_id, payload, hash) VALUES {}",
            rows.join(", ")
        )
    })
}

impl Db<'_> {
    /// Appends the event for a row just inserted (id `id`) holding `record`; `claim_id` is
    /// the claim it belongs to (the row itself for a claim, None for a source), and `refs`
    /// the ids of the rows the record names, which the payload gives in their place. Called
    /// by the insert functions themselves, inside the writer's transaction. In a SQLite
    /// write transaction the row may wait to be inserted with others (see
    /// [`Db::flush_events`]).
    pub(super) fn append_event(
        &self,
        id: i64,
        claim_id: Option<i64>,
        record: Record,
        refs: Refs,
    ) -> Result<()> {
        let e = Event::new(id, self.now(), record.normalised()).with_refs(refs);
        let payload = event::payload(&e)
            .map_err(|err| StoreError::Corrupt(format!("event for {} #{id}: {err}", e.kind)))?;
        // The head is read once per handle (one transaction, in which no one else can
        // append), then carried from one append to the next.
        let mut cached = self.head_cache();
        let (seq, prev) = match cached.as_mut() {
            Some((seq, prev)) => (*seq, prev),
            None => {
                let (seq, prev) = self
                    .conn()
                    .row(
                        "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
                        args![],
                        |r| Ok((r.get::<i64>(0)?, stored_hash(r.raw(1)?))),
                    )?
                    .unwrap_or((0, Ok(GENESIS.to_string())));
                let prev = prev.map_err(|what| {
                    StoreError::Corrupt(format!("the hash of event {seq} is {what}, not 32 bytes"))
                })?;
                let (seq, prev) = cached.insert((seq, prev));
                (*seq, prev)
            }
        };
        let hash = chain_digest(prev, &payload);
        // The next event's hash input, written over this one's.
        prev.clear();
        event::push_hex(prev, &hash);
        if let Some(head) = cached.as_mut() {
            head.0 = seq + 1;
        }
        drop(cached);
        let row = WaitingEvent {
            seq: seq + 1,
            kind: kind_code(e.kind),
            claim_id,
            payload,
            hash,
        };
        if !self.batches_events() {
            return self.insert_event(&row);
        }
        let full = {
            let mut waiting = self.waiting_events();
            waiting.push(row);
            waiting.len() >= EVENTS_PER_INSERT
        };
        if full {
            self.flush_events()?;
        }
        Ok(())
    }

    fn insert_event(&self, e: &WaitingEvent) -> Result<()> {
        self.append_later(
            INSERT_EVENT,
            args![e.seq, e.kind, e.claim_id, &e.payload, &e.hash[..]],
        )
    }

    /// Inserts the events waiting (appended in a SQLite write transaction), in the order
    /// appended: [`EVENTS_PER_INSERT`] to a statement, the rest one by one. Everything
    /// that reads the history here calls it first, and `Store::write` before it commits.
    pub(super) fn flush_events(&self) -> Result<()> {
        let mut waiting = std::mem::take(&mut *self.waiting_events());
        let mut chunks = waiting.chunks_exact(EVENTS_PER_INSERT);
        for chunk in &mut chunks {
            let mut params = Vec::with_capacity(5 * chunk.len());
            for e in chunk {
                params.extend_from_slice(args![e.seq, e.kind, e.claim_id, &e.payload, &e.hash[..]]);
            }
            self.append_later(insert_events_sql(), &params)?;
        }
        for e in chunks.remainder() {
            self.insert_event(e)?;
        }
        // The list again, empty, keeping its room for the next events.
        waiting.clear();
        let mut now_waiting = self.waiting_events();
        if now_waiting.is_empty() {
            *now_waiting = waiting;
        }
        Ok(())
    }

    /// The number of events and the hash of the last one.
    pub fn head(&self) -> Result<Head> {
        self.flush_events()?;
        let (n, hash): (i64, Option<std::result::Result<String, String>>) = self.conn().one(
            "SELECT count(*), (SELECT hash FROM events ORDER BY seq DESC LIMIT 1) FROM events",
            args![],
            |r| {
                let hash = match r.raw(1)? {
                    Raw::Null => None,
                    v => Some(stored_hash(v)),
                };
                Ok((r.get(0)?, hash))
            },
        )?;
        let hash = match hash {
            None => GENESIS.to_string(),
            Some(Ok(h)) => h,
            Some(Err(what)) => {
                return Err(StoreError::Corrupt(format!(
                    "the last event's hash is {what}, not 32 bytes"
                )))
            }
        };
        Ok(Head {
            events: n.try_into().unwrap_or(0),
            hash,
        })
    }

    /// The history newest first: all of it, or the events of one claim (by its id: the
    /// claim, its forecasts, resolutions and postponements); at most `limit` events.
    pub fn history(&self, claim_id: Option<i64>, limit: Option<u64>) -> Result<Vec<StoredEvent>> {
        self.history_events(claim_id, limit)?.collect()
    }

    /// The hash of the ledger's first event, which names the ledger for as long as it
    /// lives (None while it is empty).
    pub fn origin(&self) -> Result<Option<String>> {
        self.flush_events()?;
        let hash: Option<Vec<u8>> =
            self.conn()
                .row("SELECT hash FROM events WHERE seq = 1", args![], |r| {
                    r.get(0)
                })?;
        Ok(hash.map(|h| hex(&h)))
    }

    /// The id of the claim whose key is `key` as the history knows it: from the claims
    /// table, or, for a claim deleted from it behind the tool's back, from its event.
    pub fn history_claim_id(&self, key: &str) -> Result<Option<i64>> {
        self.flush_events()?;
        if let Some(id) = self.claim_id(key)? {
            return Ok(Some(id));
        }
        let mut claims = Vec::new();
        self.conn().stream(
            "SELECT claim_id, payload FROM events WHERE kind = ?1 ORDER BY seq",
            args![kind_code(Kind::Claim)],
            |r| {
                claims.push((r.get::<Option<i64>>(0)?, r.get::<String>(1)?));
                Ok(())
            },
        )?;
        let mut names = TableNames::new(self);
        for (claim_id, payload) in claims {
            let parsed = parse_payload(&payload, &mut names);
            names.check()?;
            if let Ok(ev) = parsed {
                if ev.kind == Kind::Claim && ev.record.subject() == key {
                    return Ok(claim_id.or(Some(ev.id)));
                }
            }
        }
        Ok(None)
    }

    /// (owner id, text) rows grouped into lists, in the query's order.
    fn lists(&self, sql: &str) -> Result<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        self.conn().stream(sql, args![], |r| {
            let name = match cell(r, 1)? {
                Cell::Text(s) => s,
                other => other.to_string(),
            };
            out.entry(r.get(0)?).or_default().push(name);
            Ok(())
        })?;
        Ok(out)
    }

    /// The authors (sources) or tags (claims) of each row, and the field they fill.
    fn list_of(&self, kind: Kind) -> Result<(HashMap<i64, Vec<String>>, &'static str)> {
        Ok(match kind {
            Kind::Source => (
                self.lists(
                    "SELECT source_id, name FROM source_authors ORDER BY source_id, position",
                )?,
                "authors",
            ),
            Kind::Claim => (
                self.lists("SELECT claim_id, tag FROM claim_tags ORDER BY claim_id, tag")?,
                "tags",
            ),
            _ => (HashMap::new(), ""),
        })
    }

    /// What migration 7 found in the columns it dropped, by event (normally nothing).
    fn findings(&self) -> Result<HashMap<i64, Vec<Finding>>> {
        let mut out: HashMap<i64, Vec<Finding>> = HashMap::new();
        self.conn().each(
            "SELECT seq, field, CAST(stored AS TEXT), CAST(expected AS TEXT)
               FROM events_findings ORDER BY seq, id",
            args![],
            |r| {
                out.entry(r.get(0)?).or_default().push(Finding {
                    field: r.get(1)?,
                    stored: r.get(2)?,
                    expected: r.get(3)?,
                });
                Ok(())
            },
        )?;
        Ok(out)
    }

    // ---- verify ------------------------------------------------------------------------

    /// Recomputes the chain, then rebuilds every table's expected rows from the events and
    /// compares them with the rows there, in id order. Reads only.
    ///
    /// One pass over the events in `seq` order does both: each kind's events come in
    /// rising id order (ids and events are both appended in the same transaction), so each
    /// is merged with its table read in id order as it comes. A kind whose ids do not rise
    /// (only a history edited behind the tool's back) is checked again afterwards from its
    /// events sorted in memory. Divergences are reported in the same order either way:
    /// the chain's first, then each table's, sources to postponements.
    pub fn verify(&self) -> Result<Verdict> {
        self.flush_events()?;
        let mut v = Verdict {
            head: Head {
                events: 0,
                hash: GENESIS.to_string(),
            },
            first: None,
            divergences: 0,
        };
        let findings = self.findings()?;
        let conn = self.conn();
        let engine = conn.engine();
        // SQLite reads each table through a statement of its own, PostgreSQL through a
        // cursor; both read the six side by side.
        let mut statements = Vec::new();
        let mut events_stmt = None;
        if let Some(lite) = conn.lite() {
            for kind in Kind::ALL {
                statements.push(lite.prepare(table_sql(kind, engine))?);
            }
            events_stmt = Some(lite.prepare(EVENTS_IN_ORDER)?);
        }
        let mut tables = Vec::with_capacity(Kind::ALL.len());
        let mut statements = statements.iter_mut();
        for kind in Kind::ALL {
            tables.push(match (conn, statements.next()) {
                (Conn::Pg(pg), _) => {
                    TableRows::Pg(PgCursor::open(pg, table_sql(kind, engine), args![])?)
                }
                (Conn::Lite(_), Some(stmt)) => TableRows::Lite(stmt.query([])?),
                (Conn::Lite(_), None) => unreachable!("a statement was prepared for every kind"),
            });
        }
        let mut checks = Vec::with_capacity(Kind::ALL.len());
        for (kind, rows) in Kind::ALL.into_iter().zip(tables) {
            let (lists, list_name) = self.list_of(kind)?;
            checks.push(TableCheck::new(kind, rows, lists, list_name));
        }

        let mut rows = match (conn, events_stmt.as_mut()) {
            (Conn::Lite(_), Some(stmt)) => TableRows::Lite(stmt.query([])?),
            (Conn::Pg(pg), _) => TableRows::Pg(PgCursor::open(pg, EVENTS_IN_ORDER, args![])?),
            (Conn::Lite(_), None) => unreachable!("the events statement was prepared"),
        };
        let mut prev_seq = 0i64;
        let mut prev_hash = GENESIS.to_string();
        // Each claim's id by key, from the claim events met so far: what the claim_id
        // column of its later events must say.
        let mut claim_ids: FxHashMap<String, i64> = FxHashMap::default();
        // What format 4 payloads name by number, from the events before each.
        let mut names = ChainNames::default();
        while let Some((seq, kind_column, claim_column, payload, matches, hash)) =
            rows.next_with(|r| {
                let seq: i64 = r.get(0)?;
                let kind_column = kind_column(cell(r, 1)?);
                let payload: String = r.get(3)?;
                let stored = r.raw(4)?;
                let matches = match stored {
                    Raw::Blob(b) => chain_digest(&prev_hash, &payload)[..] == *b,
                    _ => false,
                };
                Ok((
                    seq,
                    kind_column,
                    cell(r, 2)?,
                    payload,
                    matches,
                    stored_hash(stored),
                ))
            })?
        {
            v.head.events += 1;
            let parsed = parse_payload(&payload, &mut names);
            if let Ok(ev) = &parsed {
                names.learn(ev);
            }
            if seq != prev_seq + 1 {
                let gap = seq - prev_seq - 1;
                v.note(if gap > 0 {
                    format!(
                        "the history jumps from event {prev_seq} to event {seq}: {gap} event(s) were removed"
                    )
                } else {
                    format!(
                        "{}: its number does not follow event {prev_seq}",
                        label(seq, &parsed)
                    )
                });
                // With the event before it gone, this one's link cannot be checked.
            } else {
                match &hash {
                    Ok(_) if matches => {}
                    Ok(_) => v.note(format!(
                        "{}: its hash does not match its content and the hash before it: the event was edited, or the one before it was",
                        label(seq, &parsed)
                    )),
                    Err(what) => v.note(format!(
                        "{}: its hash is {what}, not 32 bytes: the event was edited",
                        label(seq, &parsed)
                    )),
                }
            }
            for f in findings.get(&seq).into_iter().flatten() {
                v.note(f.message(&label(seq, &parsed)));
            }
            match &parsed {
                Err(err) => v.note(format!("event {seq}: its payload is unreadable ({err})")),
                Ok(ev) => {
                    let expected_claim = match &ev.record {
                        Record::Source(_) => Ok(None),
                        Record::Claim(c) => {
                            claim_ids.insert(c.key.clone(), ev.id);
                            Ok(Some(ev.id))
                        }
                        // Format 4 names the claim by the id its event gave it.
                        _ if ev.refs.claim.is_some() => Ok(ev.refs.claim),
                        other => claim_ids
                            .get(other.subject())
                            .map(|id| Some(*id))
                            .ok_or(other.subject()),
                    };
                    let want_kind = ev.kind.as_str();
                    let want_claim = |id: Option<i64>| id.map_or(Cell::Null, Cell::Int);
                    if kind_column != want_kind {
                        v.note(format!(
                            "{}: its kind column says '{kind_column}' but its payload says '{want_kind}'",
                            label(seq, &parsed)
                        ));
                    } else {
                        match expected_claim {
                            Ok(id) if claim_column == want_claim(id) => {}
                            Ok(id) => v.note(format!(
                                "{}: its claim_id column says {claim_column} but the history gives its claim the id {}",
                                label(seq, &parsed),
                                want_claim(id)
                            )),
                            Err(key) => v.note(format!(
                                "{}: no event before it records its claim {key}",
                                label(seq, &parsed)
                            )),
                        }
                    }
                    if let Some(check) = checks.iter_mut().find(|c| c.kind == ev.kind) {
                        check.offer(seq, ev.id, image(&ev.record))?;
                    }
                }
            }
            prev_seq = seq;
            prev_hash = hash.unwrap_or_default();
        }
        v.head.hash = prev_hash;
        drop(rows);

        let mut notes = Vec::with_capacity(checks.len());
        for mut check in checks {
            if check.in_order {
                check.finish()?;
                notes.push(check.notes);
            } else {
                notes.push(self.verify_table_sorted(check.kind)?);
            }
        }
        for n in notes {
            if let Some(first) = n.first {
                if v.first.is_none() {
                    v.first = Some(first);
                }
            }
            v.divergences += n.count;
        }
        // Derived from the tables just checked against the history.
        self.verify_open_claims(&mut v)?;
        self.verify_open_summaries(&mut v)?;
        self.verify_forecaster_names(&mut v)?;
        self.verify_first_forecasts(&mut v, &names.firsts)?;
        Ok(v)
    }

    /// One kind's table check from its events sorted in memory by id, for a history whose
    /// ids of that kind do not rise with `seq`.
    fn verify_table_sorted(&self, kind: Kind) -> Result<Notes> {
        self.flush_events()?;
        let mut events: Vec<(i64, i64, Image)> = Vec::new();
        let mut names = ChainNames::default();
        self.conn().stream(
            "SELECT seq, payload FROM events ORDER BY seq",
            args![],
            |r| {
                let payload: String = r.get(1)?;
                // Unreadable payloads were reported by the chain check.
                if let Ok(ev) = parse_payload(&payload, &mut names) {
                    names.learn(&ev);
                    if ev.kind == kind {
                        events.push((ev.id, r.get(0)?, image(&ev.record)));
                    }
                }
                Ok(())
            },
        )?;
        events.sort_by_key(|(id, seq, _)| (*id, *seq));
        let conn = self.conn();
        let sql = table_sql(kind, conn.engine());
        let mut tstmt = match conn.lite() {
            Some(lite) => Some(lite.prepare(sql)?),
            None => None,
        };
        let rows = match (conn, tstmt.as_mut()) {
            (Conn::Lite(_), Some(stmt)) => TableRows::Lite(stmt.query([])?),
            (Conn::Pg(pg), _) => TableRows::Pg(PgCursor::open(pg, sql, args![])?),
            (Conn::Lite(_), None) => unreachable!("the table's statement was prepared"),
        };
        let (lists, list_name) = self.list_of(kind)?;
        let mut check = TableCheck::new(kind, rows, lists, list_name);
        for (id, seq, img) in events {
            check.offer(seq, id, img)?;
        }
        check.finish()?;
        Ok(check.notes)
    }
}

/// The history in order, as `verify` reads it.
const EVENTS_IN_ORDER: &str = "SELECT seq, kind, claim_id, payload, hash FROM events ORDER BY seq";

/// A query's rows read one at a time: a SQLite statement's, or a PostgreSQL cursor's.
enum TableRows<'s> {
    Lite(rusqlite::Rows<'s>),
    Pg(PgCursor<'s>),
}

impl TableRows<'_> {
    /// The next row, read by `f`; None at the end.
    fn next_with<T>(&mut self, f: impl FnOnce(&SqlRow<'_>) -> Result<T>) -> Result<Option<T>> {
        match self {
            TableRows::Lite(rows) => match rows.next()? {
                Some(r) => f(&SqlRow::Lite(r)).map(Some),
                None => Ok(None),
            },
            TableRows::Pg(cursor) => match cursor.next_row()? {
                Some(r) => f(&SqlRow::Pg(&r)).map(Some),
                None => Ok(None),
            },
        }
    }
}

/// A forecast's time as `verify` compares it: seconds since 1970 as the history's text.
fn time_cell(c: Cell) -> Cell {
    match c {
        Cell::Int(n) => match super::queries::seconds_time(n) {
            Ok(t) => Cell::Text(format_time(t)),
            Err(e) => Cell::Text(format!("not a time: {e}")),
        },
        other => other,
    }
}

/// One kind's table merged with its events, both in id order: a row with no event, an
/// event with no row, two events for one row and any field that differs are divergences.
struct TableCheck<'s> {
    kind: Kind,
    rows: TableRows<'s>,
    /// The next table row, read ahead.
    ahead: Option<(i64, Image)>,
    /// Whether `ahead` holds the next row (or the table's end, as None).
    read: bool,
    /// Authors or tags by owner id, taken as their rows are met; what is left are orphans.
    lists: HashMap<i64, Vec<String>>,
    list_name: &'static str,
    /// The last event offered: its seq and row id.
    last: Option<(i64, i64)>,
    /// False once an event's id came below the one before it.
    in_order: bool,
    notes: Notes,
}

impl<'s> TableCheck<'s> {
    fn new(
        kind: Kind,
        rows: TableRows<'s>,
        lists: HashMap<i64, Vec<String>>,
        list_name: &'static str,
    ) -> TableCheck<'s> {
        TableCheck {
            kind,
            rows,
            ahead: None,
            read: false,
            lists,
            list_name,
            last: None,
            in_order: true,
            notes: Notes::default(),
        }
    }

    /// The id of the next table row (None at the end), reading it if need be.
    fn peek(&mut self) -> Result<Option<i64>> {
        if !self.read {
            let names = event::fields(self.kind);
            let kind = self.kind;
            self.ahead = self.rows.next_with(|r| {
                let id: i64 = r.get(0)?;
                let mut img: Image = Vec::with_capacity(names.len());
                for (i, name) in names.iter().enumerate() {
                    let c = cell(r, i + 1)?;
                    let c = match (kind, *name) {
                        (Kind::Forecast, "made_at" | "recorded_at") => time_cell(c),
                        _ => c,
                    };
                    img.push((name, c));
                }
                Ok((id, img))
            })?;
            self.read = true;
        }
        Ok(self.ahead.as_ref().map(|(id, _)| *id))
    }

    /// Takes the row `peek` read, its authors or tags filled in.
    fn take(&mut self) -> Option<(i64, Image)> {
        self.read = false;
        let (id, mut img) = self.ahead.take()?;
        if !self.list_name.is_empty() {
            let list = self.lists.remove(&id).unwrap_or_default();
            if let Some(slot) = img.iter_mut().find(|(n, _)| *n == self.list_name) {
                slot.1 = Cell::List(list);
            }
        }
        Some((id, img))
    }

    fn row_without_event(&mut self) {
        if let Some((id, got)) = self.take() {
            self.notes.note(format!(
                "{} is in the table but not in the history: it was added behind hindsight's back",
                describe(self.kind, id, &got)
            ));
        }
    }

    /// The next event of this kind, in id order.
    fn offer(&mut self, seq: i64, id: i64, want: Image) -> Result<()> {
        if !self.in_order {
            return Ok(());
        }
        if self.last.is_some_and(|(_, last)| id < last) {
            self.in_order = false;
            return Ok(());
        }
        while self.peek()?.is_some_and(|t| t < id) {
            self.row_without_event();
        }
        if self.peek()? == Some(id) {
            if let Some((_, got)) = self.take() {
                if let Some(msg) = first_difference(self.kind, id, &got, &want) {
                    self.notes.note(msg);
                }
            }
        } else {
            let message = match self.last {
                Some((prev_seq, prev_id)) if prev_id == id => format!(
                    "{} appears twice in the history (events {prev_seq} and {seq})",
                    describe(self.kind, id, &want)
                ),
                _ => format!(
                    "{} is in the history (event {seq}) but missing from the table: it was deleted behind hindsight's back",
                    describe(self.kind, id, &want)
                ),
            };
            self.notes.note(message);
        }
        self.last = Some((seq, id));
        Ok(())
    }

    /// The rows after the last event, then author or tag rows that belong to no row.
    fn finish(&mut self) -> Result<()> {
        while self.peek()?.is_some() {
            self.row_without_event();
        }
        let mut orphans: Vec<i64> = std::mem::take(&mut self.lists).into_keys().collect();
        orphans.sort_unstable();
        let owner = if self.kind == Kind::Source {
            "source"
        } else {
            "claim"
        };
        for id in orphans {
            self.notes.note(format!(
                "the table of {} has rows for {owner} #{id}, which is in neither the table of {owner}s nor the history",
                self.list_name
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{chain_digest, chain_hash, hex};
    use crate::domain::{Claim, Forecast, Postponement};
    use crate::store::Store;
    use chrono::{TimeZone, Utc};

    fn store() -> Store {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap();
        Store::open_in_memory(now).unwrap()
    }

    fn forecast(p: f64) -> Forecast {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
        Forecast {
            claim: "c1".into(),
            forecaster: "ana".into(),
            p,
            made_at: t,
            note: None,
            recorded_at: t,
            recorded_by: None,
        }
    }

    fn seeded() -> Store {
        let mut s = store();
        s.write(|db| -> Result<()> {
            let t = Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
            let id = db.insert_claim(&Claim {
                key: "c1".into(),
                statement: "It rains".into(),
                resolve_by: t.date_naive(),
                opens_at: None,
                closes_at: None,
                source: None,
                condition: None,
                quote: None,
                criteria: None,
                tags: vec!["wx".into()],
                created_at: t,
                recorded_at: t,
                recorded_by: None,
            })?;
            db.insert_forecast(id, &forecast(0.6))?;
            db.insert_forecast(id, &forecast(0.7))?;
            Ok(())
        })
        .unwrap();
        s
    }

    #[test]
    fn every_insert_appends_a_chained_event() {
        let s = seeded();
        let db = s.read().unwrap();
        let events = db.history(None, None).unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].kind, "forecast");
        assert_eq!(events[2].prev_hash, GENESIS);
        assert_eq!(events[1].prev_hash, events[2].hash);
        assert_eq!(
            events[0].hash,
            chain_hash(&events[0].prev_hash, &events[0].payload)
        );
        let v = db.verify().unwrap();
        assert_eq!(v.first, None);
        assert_eq!(v.head.events, 3);
        assert_eq!(v.head.hash, events[0].hash);
        assert_eq!(db.head().unwrap(), v.head);
    }

    #[test]
    fn events_waiting_in_a_write_are_read_and_committed_in_order() {
        // More events than one batched statement takes, and a remainder: reads inside the
        // same write see them all, and so does the ledger after the commit.
        let n = 2 * EVENTS_PER_INSERT + 7;
        let mut s = seeded();
        let inside = s
            .write(|db| -> Result<(Head, Verdict)> {
                let id = db.claim("c1")?.map(|c| c.id).unwrap_or_default();
                for i in 0..n {
                    db.insert_forecast(id, &forecast(i as f64 / n as f64))?;
                }
                let head = db.head()?;
                Ok((head, db.verify()?))
            })
            .unwrap();
        let (head, verdict) = inside;
        assert_eq!(head.events, (3 + n) as u64);
        // (The chain only: the summaries in open_claims are settled at the commit.)
        assert_eq!(verdict.head, head);
        let db = s.read().unwrap();
        let events = db.history(None, None).unwrap();
        assert_eq!(events.len(), 3 + n);
        for pair in events.windows(2) {
            assert_eq!(pair[0].seq, pair[1].seq + 1);
            assert_eq!(pair[0].prev_hash, pair[1].hash);
        }
        assert_eq!(db.head().unwrap(), head);
        assert_eq!(db.verify().unwrap().first, None);
    }

    #[test]
    fn an_edited_probability_is_named() {
        let s = seeded();
        s.connection()
            .execute("UPDATE forecasts SET p = 0.9 WHERE id = 1", [])
            .unwrap();
        let v = s.read().unwrap().verify().unwrap();
        assert_eq!(
            v.first.as_deref(),
            Some("forecast #1 on claim c1 by ana: the table says p = 0.9, the history says 0.6")
        );
        assert_eq!(v.divergences, 1);
    }

    #[test]
    fn events_refuse_update_and_delete() {
        let s = seeded();
        let c = s.connection();
        // (Before schema 7 this edited the `key` column, which the compact table no longer has.)
        let e = c
            .execute("UPDATE events SET kind = 'claim'", [])
            .unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
        assert!(c.execute("DELETE FROM events", []).is_err());
        assert_eq!(s.read().unwrap().head().unwrap().events, 3);
    }

    #[test]
    fn edited_kind_and_claim_id_columns_are_named() {
        let s = seeded();
        s.connection()
            .execute_batch(
                "DROP TRIGGER events_no_update; UPDATE events SET claim_id = 7 WHERE seq = 2",
            )
            .unwrap();
        let v = s.read().unwrap().verify().unwrap();
        assert_eq!(
            v.first.as_deref(),
            Some("event 2 (forecast #1 on claim c1 by ana): its claim_id column says 7 but the history gives its claim the id 1")
        );
        assert_eq!(v.divergences, 1);
        let s = seeded();
        s.connection()
            .execute_batch(
                "DROP TRIGGER events_no_update; UPDATE events SET kind = 2 WHERE seq = 3",
            )
            .unwrap();
        let v = s.read().unwrap().verify().unwrap();
        assert_eq!(
            v.first.as_deref(),
            Some("event 3 (forecast #2 on claim c1 by ana): its kind column says 'resolution' but its payload says 'forecast'")
        );
    }

    #[test]
    fn an_event_repeated_out_of_order_is_found() {
        // A forged event 4 repeats forecast #1, correctly chained: forecast ids in seq
        // order are then 1, 2, 1, and verify sorts them before merging with the table.
        let s = seeded();
        let (payload, prev): (String, Vec<u8>) = s
            .connection()
            .query_row(
                "SELECT (SELECT payload FROM events WHERE seq = 2), hash FROM events WHERE seq = 3",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let hash = chain_digest(&hex(&prev), &payload);
        s.connection()
            .execute(
                "INSERT INTO events (seq, kind, claim_id, payload, hash) VALUES (4, 0, 1, ?1, ?2)",
                rusqlite::params![payload, &hash[..]],
            )
            .unwrap();
        let v = s.read().unwrap().verify().unwrap();
        assert_eq!(
            v.first.as_deref(),
            Some("forecast #1 on claim c1 by ana appears twice in the history (events 2 and 4)")
        );
        assert_eq!(v.divergences, 1);
        assert_eq!(v.head.events, 4);
    }

    #[test]
    fn log_reads_time_id_key_and_previous_hash_from_the_chain() {
        let s = seeded();
        let db = s.read().unwrap();
        let all = db.history(None, None).unwrap();
        let newest = &all[0];
        assert_eq!(
            (newest.seq, newest.row_id, newest.key.as_str()),
            (3, 2, "c1")
        );
        assert_eq!(newest.recorded_at, "2026-11-28T10:00:00Z");
        assert_eq!(newest.prev_hash, all[1].hash);
        assert_eq!(db.origin().unwrap().as_deref(), Some(all[2].hash.as_str()));
        assert_eq!(db.history_claim_id("c1").unwrap(), Some(1));
        assert_eq!(db.history_claim_id("c9").unwrap(), None);
        // The claim's row gone, its history still finds it.
        s.connection()
            .execute_batch(
                "PRAGMA foreign_keys = OFF; DELETE FROM forecasts; DELETE FROM claim_tags; DELETE FROM open_claims;
                 DELETE FROM claims;",
            )
            .unwrap();
        let db = s.read().unwrap();
        assert_eq!(db.history_claim_id("c1").unwrap(), Some(1));
        assert_eq!(db.history(Some(1), None).unwrap().len(), 3);
    }

    #[test]
    fn postponements_are_chained_and_verified() {
        let mut s = seeded();
        s.write(|db| -> Result<()> {
            let p = Postponement {
                claim: "c1".into(),
                resolve_by: chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
                note: Some("later".into()),
                recorded_at: Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap(),
                recorded_by: None,
            };
            db.insert_postponement(1, &p)
        })
        .unwrap();
        let db = s.read().unwrap();
        let events = db.history(Some(1), Some(1)).unwrap();
        assert_eq!(events[0].kind, "postponement");
        assert_eq!(db.verify().unwrap().first, None);
        assert_eq!(
            db.due_date(1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2027, 3, 1)
        );
        s.connection()
            .execute("UPDATE postponements SET resolve_by = '2030-01-01'", [])
            .unwrap();
        let v = s.read().unwrap().verify().unwrap();
        assert_eq!(
            v.first.as_deref(),
            Some("postponement #1 of claim c1: the table says resolve_by = \"2030-01-01\", the history says \"2027-03-01\"")
        );
    }

    #[test]
    fn tag_and_orphan_rows_are_found() {
        let s = seeded();
        s.connection()
            .execute(
                "INSERT INTO claim_tags (claim_id, tag) VALUES (1, 'extra')",
                [],
            )
            .unwrap();
        let v = s.read().unwrap().verify().unwrap();
        assert_eq!(
            v.first.as_deref(),
            Some("claim c1: the table says tags = [\"extra\", \"wx\"], the history says [\"wx\"]")
        );
        let s = seeded();
        s.connection()
            .execute_batch(
                "PRAGMA foreign_keys = OFF; INSERT INTO claim_tags (claim_id, tag) VALUES (7, 'x');",
            )
            .unwrap();
        let v = s.read().unwrap().verify().unwrap();
        assert!(v.first.unwrap().contains("claim #7"));
    }
}
