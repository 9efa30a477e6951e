//! Migration 2's hook: the first events of a ledger made before the history existed
//! (schema version 1), one per row already there, in id order: all sources, then claims,
//! forecasts and resolutions.
//!
//! Frozen on purpose. The hook runs with whatever hindsight opens an old ledger, on the
//! schema exactly as migrations 1 and 2 left it, before any later migration has run. So
//! this module has its own SQL: it reads the schema-1 tables (text times, the forecaster's
//! name in `forecasts`) and writes the events table of migration 2 (`seq, recorded_at,
//! kind, row_id, key, payload, prev_hash, hash`, hashes as hex text), in payload format
//! version 1. Later migrations (7: the compact history) convert what it wrote like any
//! other old history. Never make it follow a later schema: change a later migration instead.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::StoreError;
use crate::domain::event::{self, chain_hash, Event, Kind, Record, GENESIS};
use crate::domain::parse::format_time;
use crate::domain::{Claim, Forecast, Outcome, Resolution, Source};

type Result<T> = std::result::Result<T, StoreError>;

/// Appends events to migration 2's table, carrying the chain's end from one to the next.
struct Writer<'c> {
    conn: &'c Connection,
    now: DateTime<Utc>,
    seq: i64,
    prev: String,
}

impl Writer<'_> {
    fn append(&mut self, id: i64, record: Record) -> Result<()> {
        let e = Event::new_v1(id, self.now, record.normalised());
        let payload = event::payload(&e)
            .map_err(|err| StoreError::Corrupt(format!("event for {} #{id}: {err}", e.kind)))?;
        let hash = chain_hash(&self.prev, &payload);
        self.seq += 1;
        self.conn
            .prepare_cached(
                "INSERT INTO events (seq, recorded_at, kind, row_id, key, payload, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                self.seq,
                format_time(e.at),
                e.kind.as_str(),
                id,
                e.record.subject(),
                payload,
                self.prev,
                hash
            ])?;
        self.prev = hash;
        Ok(())
    }
}

/// Writes the first events; `now` is the time of the upgrade, each event's `at`.
pub(super) fn write(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    let (seq, prev) = conn
        .query_row(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    let mut w = Writer {
        conn,
        now,
        seq,
        prev,
    };
    for kind in Kind::BEFORE_HISTORY {
        // Streamed: SQLite lets a statement read one table while the same connection
        // appends to another, so even a large ledger is never held in memory.
        each_record(conn, kind, |id, r| w.append(id, r))?;
    }
    Ok(())
}

fn text(r: &Row<'_>, i: usize) -> Result<String> {
    Ok(r.get::<_, String>(i)?)
}

fn time(r: &Row<'_>, i: usize) -> Result<DateTime<Utc>> {
    let s = text(r, i)?;
    crate::domain::parse::time("stored time", &s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn date(r: &Row<'_>, i: usize) -> Result<NaiveDate> {
    let s = text(r, i)?;
    crate::domain::parse::date("stored date", &s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn opt_date(r: &Row<'_>, i: usize) -> Result<Option<NaiveDate>> {
    match r.get::<_, Option<String>>(i)? {
        Some(_) => date(r, i).map(Some),
        None => Ok(None),
    }
}

/// (owner id, text) rows grouped into lists, in the query's order.
fn lists(conn: &Connection, sql: &str) -> Result<HashMap<i64, Vec<String>>> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().push(text(r, 1)?);
    }
    Ok(out)
}

/// Every row of one kind's schema-1 table as a domain record, in id order.
fn each_record(
    conn: &Connection,
    kind: Kind,
    mut f: impl FnMut(i64, Record) -> Result<()>,
) -> Result<()> {
    match kind {
        Kind::Source => {
            let mut authors = lists(
                conn,
                "SELECT source_id, name FROM source_authors ORDER BY source_id, position",
            )?;
            let mut stmt = conn.prepare(
                "SELECT id, key, title, publisher, url, published, body, body_sha256, recorded_at
                   FROM sources ORDER BY id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                f(
                    id,
                    Record::Source(Source {
                        key: text(r, 1)?,
                        title: text(r, 2)?,
                        authors: authors.remove(&id).unwrap_or_default(),
                        publisher: r.get(3)?,
                        url: r.get(4)?,
                        published: opt_date(r, 5)?,
                        text: r.get(6)?,
                        text_sha256: r.get(7)?,
                        recorded_at: time(r, 8)?,
                        recorded_by: None,
                    }),
                )?;
            }
        }
        Kind::Claim => {
            let mut tags = lists(
                conn,
                "SELECT claim_id, tag FROM claim_tags ORDER BY claim_id, tag",
            )?;
            let mut stmt = conn.prepare(
                "SELECT c.id, c.key, c.statement, c.resolve_by, s.key, cc.key, c.quote,
                        c.criteria, c.created_at, c.recorded_at
                   FROM claims c
                   LEFT JOIN sources s ON s.id = c.source_id
                   LEFT JOIN claims cc ON cc.id = c.condition_id
                  ORDER BY c.id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                f(
                    id,
                    Record::Claim(Claim {
                        key: text(r, 1)?,
                        statement: text(r, 2)?,
                        resolve_by: date(r, 3)?,
                        // Schema 1 has no window (it came with migration 5).
                        opens_at: None,
                        closes_at: None,
                        source: r.get(4)?,
                        condition: r.get(5)?,
                        quote: r.get(6)?,
                        criteria: r.get(7)?,
                        tags: tags.remove(&id).unwrap_or_default(),
                        created_at: time(r, 8)?,
                        recorded_at: time(r, 9)?,
                        recorded_by: None,
                    }),
                )?;
            }
        }
        Kind::Forecast => {
            let mut stmt = conn.prepare(
                "SELECT f.id, c.key, f.forecaster, f.p, f.made_at, f.note, f.recorded_at
                   FROM forecasts f JOIN claims c ON c.id = f.claim_id ORDER BY f.id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                f(
                    r.get(0)?,
                    Record::Forecast(Forecast {
                        claim: text(r, 1)?,
                        forecaster: text(r, 2)?,
                        p: r.get(3)?,
                        made_at: time(r, 4)?,
                        note: r.get(5)?,
                        recorded_at: time(r, 6)?,
                        recorded_by: None,
                    }),
                )?;
            }
        }
        Kind::Resolution => {
            let mut stmt = conn.prepare(
                "SELECT r.id, c.key, r.outcome, r.resolved_on, r.evidence, r.note, r.recorded_at
                   FROM resolutions r JOIN claims c ON c.id = r.claim_id ORDER BY r.id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let outcome: Outcome = text(r, 2)?
                    .parse()
                    .map_err(|e| StoreError::Corrupt(format!("resolution outcome: {e}")))?;
                f(
                    r.get(0)?,
                    Record::Resolution(Resolution {
                        claim: text(r, 1)?,
                        outcome,
                        resolved_on: date(r, 3)?,
                        evidence: r.get(4)?,
                        note: r.get(5)?,
                        recorded_at: time(r, 6)?,
                        recorded_by: None,
                    }),
                )?;
            }
        }
        // Postponements came with schema 4: a schema-1 ledger has none.
        Kind::Postponement => {}
    }
    Ok(())
}
