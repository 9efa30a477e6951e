//! The history's SQL half: appending an event beside every insert, reading the history
//! back for `log`, writing the first events of a database made before the history
//! existed, and `verify`'s two checks (the chain, then every table against the events).
//! The payload, the hash rule and the row comparison are pure, in `domain::event`.

use std::collections::HashMap;

use rusqlite::types::ValueRef;
use rusqlite::{params, OptionalExtension, Row};

use super::queries::{date_col, outcome_col, time_col, Db};
use super::StoreError;
use crate::domain::event::{
    self, chain_hash, describe, first_difference, image, parse_payload, Cell, Event, Image, Kind,
    Record, GENESIS,
};
use crate::domain::parse::format_time;
use crate::domain::{Claim, Forecast, Outcome, Postponement, Resolution, Source};

type Result<T> = std::result::Result<T, StoreError>;

/// One row of the events table, as stored.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub seq: i64,
    pub recorded_at: String,
    pub kind: String,
    pub row_id: i64,
    pub key: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
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

const EVENT_COLUMNS: &str = "seq, recorded_at, kind, row_id, key, payload, prev_hash, hash";

fn stored_event(r: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        seq: r.get(0)?,
        recorded_at: r.get(1)?,
        kind: r.get(2)?,
        row_id: r.get(3)?,
        key: r.get(4)?,
        payload: r.get(5)?,
        prev_hash: r.get(6)?,
        hash: r.get(7)?,
    })
}

/// A table cell as a comparable value, whatever type it holds.
fn cell(r: &Row<'_>, i: usize) -> rusqlite::Result<Cell> {
    Ok(match r.get_ref(i)? {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(n) => Cell::Int(n),
        ValueRef::Real(x) => Cell::Real(x),
        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Cell::Other(format!("a blob of {} bytes", b.len())),
    })
}

impl Db<'_> {
    /// Appends the event for a row just inserted (id `id`) holding `record`. Called by the
    /// insert functions themselves, inside the writer's transaction.
    pub(super) fn append_event(&self, id: i64, record: Record) -> Result<()> {
        let e = Event::new(id, self.now(), record.normalised());
        let payload = event::payload(&e)
            .map_err(|err| StoreError::Corrupt(format!("event for {} #{id}: {err}", e.kind)))?;
        let (seq, prev) = self
            .connection()
            .prepare_cached("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .optional()?
            .unwrap_or((0, GENESIS.to_string()));
        let hash = chain_hash(&prev, &payload);
        self.connection()
            .prepare_cached(
                "INSERT INTO events (seq, recorded_at, kind, row_id, key, payload, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                seq + 1,
                format_time(e.at),
                e.kind.as_str(),
                id,
                e.record.subject(),
                payload,
                prev,
                hash
            ])?;
        Ok(())
    }

    /// The number of events and the hash of the last one.
    pub fn head(&self) -> Result<Head> {
        let (n, hash): (i64, Option<String>) = self.connection().query_row(
            "SELECT count(*), (SELECT hash FROM events ORDER BY seq DESC LIMIT 1) FROM events",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Head {
            events: n.try_into().unwrap_or(0),
            hash: hash.unwrap_or_else(|| GENESIS.to_string()),
        })
    }

    /// The history newest first: all of it, or the events of one claim (the claim, its
    /// forecasts and resolutions); at most `limit` events.
    pub fn history(&self, claim: Option<&str>, limit: Option<u64>) -> Result<Vec<StoredEvent>> {
        let limit: i64 = limit.and_then(|n| i64::try_from(n).ok()).unwrap_or(-1);
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events
              WHERE ?1 IS NULL OR (key = ?1 AND kind <> 'source')
              ORDER BY seq DESC LIMIT ?2"
        );
        let mut stmt = self.connection().prepare(&sql)?;
        let rows = stmt.query_map(params![claim, limit], stored_event)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The hash of the ledger's first event, which names the ledger for as long as it
    /// lives (None while it is empty).
    pub fn origin(&self) -> Result<Option<String>> {
        Ok(self
            .connection()
            .query_row("SELECT hash FROM events WHERE seq = 1", [], |r| r.get(0))
            .optional()?)
    }

    /// Whether the history has any event filed under `key` for a claim.
    pub fn history_mentions_claim(&self, key: &str) -> Result<bool> {
        Ok(self
            .connection()
            .query_row(
                "SELECT 1 FROM events WHERE key = ?1 AND kind <> 'source' LIMIT 1",
                [key],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The first events of a ledger made before the history existed: one per row already
    /// there, in id order, sources first, then claims, forecasts and resolutions. (Kinds
    /// added since, such as postponements, have no table yet when this runs.)
    pub(super) fn write_genesis(&self) -> Result<()> {
        for kind in Kind::BEFORE_HISTORY {
            // Streamed: SQLite lets a statement read one table while the same connection
            // appends to another, so even a large ledger is never held in memory.
            self.each_record(kind, |id, r| self.append_event(id, r))?;
        }
        Ok(())
    }

    /// Every row of one kind's table as a domain record, in id order; authors and tags are
    /// read from their own tables, one row per name.
    fn each_record(&self, kind: Kind, mut f: impl FnMut(i64, Record) -> Result<()>) -> Result<()> {
        let conn = self.connection();
        match kind {
            Kind::Source => {
                let mut authors = self.lists(
                    "SELECT source_id, name FROM source_authors ORDER BY source_id, position",
                )?;
                let mut stmt = conn.prepare(
                    "SELECT id, key, title, publisher, url, published, body, body_sha256, recorded_at
                       FROM sources ORDER BY id",
                )?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    let id: i64 = r.get(0)?;
                    let published = match r.get::<_, Option<String>>(5)? {
                        Some(_) => Some(date_col(r, 5)?),
                        None => None,
                    };
                    f(
                        id,
                        Record::Source(Source {
                            key: r.get(1)?,
                            title: r.get(2)?,
                            authors: authors.remove(&id).unwrap_or_default(),
                            publisher: r.get(3)?,
                            url: r.get(4)?,
                            published,
                            text: r.get(6)?,
                            text_sha256: r.get(7)?,
                            recorded_at: time_col(r, 8)?,
                        }),
                    )?;
                }
            }
            Kind::Claim => {
                let mut tags =
                    self.lists("SELECT claim_id, tag FROM claim_tags ORDER BY claim_id, tag")?;
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
                            key: r.get(1)?,
                            statement: r.get(2)?,
                            resolve_by: date_col(r, 3)?,
                            // The genesis runs at migration 2, before claims had a
                            // window (migration 5): there is none to read.
                            opens_at: None,
                            closes_at: None,
                            source: r.get(4)?,
                            condition: r.get(5)?,
                            quote: r.get(6)?,
                            criteria: r.get(7)?,
                            tags: tags.remove(&id).unwrap_or_default(),
                            created_at: time_col(r, 8)?,
                            recorded_at: time_col(r, 9)?,
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
                            claim: r.get(1)?,
                            forecaster: r.get(2)?,
                            p: r.get(3)?,
                            made_at: time_col(r, 4)?,
                            note: r.get(5)?,
                            recorded_at: time_col(r, 6)?,
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
                    f(
                        r.get(0)?,
                        Record::Resolution(Resolution {
                            claim: r.get(1)?,
                            outcome: outcome_col(r, 2)?.unwrap_or(Outcome::Ambiguous),
                            resolved_on: date_col(r, 3)?,
                            evidence: r.get(4)?,
                            note: r.get(5)?,
                            recorded_at: time_col(r, 6)?,
                        }),
                    )?;
                }
            }
            Kind::Postponement => {
                let mut stmt = conn.prepare(
                    "SELECT p.id, c.key, p.resolve_by, p.note, p.recorded_at
                       FROM postponements p JOIN claims c ON c.id = p.claim_id ORDER BY p.id",
                )?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    f(
                        r.get(0)?,
                        Record::Postponement(Postponement {
                            claim: r.get(1)?,
                            resolve_by: date_col(r, 2)?,
                            note: r.get(3)?,
                            recorded_at: time_col(r, 4)?,
                        }),
                    )?;
                }
            }
        }
        Ok(())
    }

    /// (owner id, text) rows grouped into lists, in the query's order.
    fn lists(&self, sql: &str) -> Result<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = self.connection().prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name = match cell(r, 1)? {
                Cell::Text(s) => s,
                other => other.to_string(),
            };
            out.entry(r.get(0)?).or_default().push(name);
        }
        Ok(out)
    }

    // ---- verify ------------------------------------------------------------------------

    /// Recomputes the chain, then rebuilds every table's expected rows from the events and
    /// compares them with the rows there, in id order. Reads only.
    pub fn verify(&self) -> Result<Verdict> {
        let mut v = Verdict {
            head: Head {
                events: 0,
                hash: GENESIS.to_string(),
            },
            first: None,
            divergences: 0,
        };
        self.verify_chain(&mut v)?;
        for kind in Kind::ALL {
            self.verify_table(kind, &mut v)?;
        }
        self.verify_open_claims(&mut v)?;
        Ok(v)
    }

    fn verify_chain(&self, v: &mut Verdict) -> Result<()> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY seq");
        let mut stmt = self.connection().prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut prev_seq = 0i64;
        let mut prev_hash = GENESIS.to_string();
        while let Some(r) = rows.next()? {
            let e = stored_event(r)?;
            v.head.events += 1;
            let parsed = parse_payload(&e.payload);
            let label = match &parsed {
                Ok(ev) => format!(
                    "event {} ({})",
                    e.seq,
                    describe(ev.kind, ev.id, &image(&ev.record))
                ),
                Err(_) => format!("event {}", e.seq),
            };
            if e.seq != prev_seq + 1 {
                let gap = e.seq - prev_seq - 1;
                v.note(if gap > 0 {
                    format!(
                        "the history jumps from event {prev_seq} to event {}: {gap} event(s) were removed",
                        e.seq
                    )
                } else {
                    format!("{label}: its number does not follow event {prev_seq}")
                });
            } else if e.prev_hash != prev_hash {
                v.note(format!(
                    "{label}: it names {} as the hash before it, but the event before it has {}: the history was cut, reordered or rewritten",
                    event::short(&e.prev_hash),
                    event::short(&prev_hash)
                ));
            }
            if chain_hash(&e.prev_hash, &e.payload) != e.hash {
                v.note(format!(
                    "{label}: its hash does not match its content: the event was edited"
                ));
            }
            match parsed {
                Err(err) => v.note(format!(
                    "event {}: its payload is unreadable ({err})",
                    e.seq
                )),
                Ok(ev) => {
                    let columns = [
                        ("kind", e.kind.clone(), ev.kind.as_str().to_string()),
                        ("row_id", e.row_id.to_string(), ev.id.to_string()),
                        ("key", e.key.clone(), ev.record.subject().to_string()),
                        ("recorded_at", e.recorded_at.clone(), format_time(ev.at)),
                    ];
                    if let Some((col, got, want)) = columns.iter().find(|(_, g, w)| g != w) {
                        v.note(format!(
                            "{label}: its {col} column says '{got}' but its payload says '{want}'"
                        ));
                    }
                }
            }
            prev_seq = e.seq;
            prev_hash = e.hash;
        }
        v.head.hash = prev_hash;
        Ok(())
    }

    /// Merges the events of one kind (by row id) with the rows of its table (by id).
    fn verify_table(&self, kind: Kind, v: &mut Verdict) -> Result<()> {
        let mut hstmt = self
            .connection()
            .prepare("SELECT seq, payload FROM events WHERE kind = ?1 ORDER BY row_id, seq")?;
        let mut history = hstmt
            .query_map([kind.as_str()], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?
            .filter_map(|row| match row {
                // Unreadable payloads were reported by the chain check.
                Ok((seq, payload)) => parse_payload(&payload)
                    .ok()
                    .filter(|e| e.kind == kind)
                    .map(|e| Ok((seq, e.id, image(&e.record)))),
                Err(e) => Some(Err(e)),
            })
            .peekable();

        let (mut lists, list_name) = match kind {
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
        };
        let sql = match kind {
            Kind::Source => {
                "SELECT id, key, title, NULL, publisher, url, published, body, body_sha256, recorded_at
                   FROM sources ORDER BY id"
            }
            Kind::Claim => {
                "SELECT c.id, c.key, c.statement, c.resolve_by, c.opens_at, c.closes_at, s.key,
                        cc.key, c.quote, c.criteria, NULL, c.created_at, c.recorded_at
                   FROM claims c
                   LEFT JOIN sources s ON s.id = c.source_id
                   LEFT JOIN claims cc ON cc.id = c.condition_id
                  ORDER BY c.id"
            }
            Kind::Forecast => {
                // Times are stored as seconds (migration 6) and compared as the text the
                // events hold; a value of any other type is shown as it is.
                "SELECT f.id, c.key, (SELECT name FROM forecasters w WHERE w.id = f.forecaster_id),
                        f.p,
                        CASE typeof(f.made_at) WHEN 'integer'
                             THEN strftime('%Y-%m-%dT%H:%M:%SZ', f.made_at, 'unixepoch')
                             ELSE f.made_at END,
                        f.note,
                        CASE typeof(f.recorded_at) WHEN 'integer'
                             THEN strftime('%Y-%m-%dT%H:%M:%SZ', f.recorded_at, 'unixepoch')
                             ELSE f.recorded_at END
                   FROM forecasts f LEFT JOIN claims c ON c.id = f.claim_id ORDER BY f.id"
            }
            Kind::Resolution => {
                "SELECT r.id, c.key, r.outcome, r.resolved_on, r.evidence, r.note, r.recorded_at
                   FROM resolutions r LEFT JOIN claims c ON c.id = r.claim_id ORDER BY r.id"
            }
            Kind::Postponement => {
                "SELECT p.id, c.key, p.resolve_by, p.note, p.recorded_at
                   FROM postponements p LEFT JOIN claims c ON c.id = p.claim_id ORDER BY p.id"
            }
        };
        let names = event::fields(kind);
        let mut tstmt = self.connection().prepare(sql)?;
        let mut table = tstmt
            .query_map([], |r| {
                let id: i64 = r.get(0)?;
                let mut img: Image = Vec::with_capacity(names.len());
                for (i, name) in names.iter().enumerate() {
                    img.push((name, cell(r, i + 1)?));
                }
                Ok((id, img))
            })?
            .peekable();

        let mut last_history_id: Option<(i64, i64)> = None;
        loop {
            let h_id = match history.peek() {
                Some(Ok((_, id, _))) => Some(*id),
                Some(Err(_)) => {
                    if let Some(Err(e)) = history.next() {
                        return Err(e.into());
                    }
                    continue;
                }
                None => None,
            };
            let t_id = match table.peek() {
                Some(Ok((id, _))) => Some(*id),
                Some(Err(_)) => {
                    if let Some(Err(e)) = table.next() {
                        return Err(e.into());
                    }
                    continue;
                }
                None => None,
            };
            match (h_id, t_id) {
                (None, None) => break,
                (Some(h), t) if t.is_none_or(|t| h < t) => {
                    if let Some(Ok((seq, id, img))) = history.next() {
                        match last_history_id {
                            Some((prev_seq, prev_id)) if prev_id == id => v.note(format!(
                                "{} appears twice in the history (events {prev_seq} and {seq})",
                                describe(kind, id, &img)
                            )),
                            _ => v.note(format!(
                                "{} is in the history (event {seq}) but missing from the table: it was deleted behind hindsight's back",
                                describe(kind, id, &img)
                            )),
                        }
                        last_history_id = Some((seq, id));
                    }
                }
                (Some(h), Some(t)) if h == t => {
                    if let (Some(Ok((seq, id, want))), Some(Ok((_, mut got)))) =
                        (history.next(), table.next())
                    {
                        if !list_name.is_empty() {
                            let list = lists.remove(&id).unwrap_or_default();
                            if let Some(slot) = got.iter_mut().find(|(n, _)| *n == list_name) {
                                slot.1 = Cell::List(list);
                            }
                        }
                        if let Some(msg) = first_difference(kind, id, &got, &want) {
                            v.note(msg);
                        }
                        last_history_id = Some((seq, id));
                    }
                }
                _ => {
                    if let Some(Ok((id, mut got))) = table.next() {
                        if !list_name.is_empty() {
                            let list = lists.remove(&id).unwrap_or_default();
                            if let Some(slot) = got.iter_mut().find(|(n, _)| *n == list_name) {
                                slot.1 = Cell::List(list);
                            }
                        }
                        v.note(format!(
                            "{} is in the table but not in the history: it was added behind hindsight's back",
                            describe(kind, id, &got)
                        ));
                    }
                }
            }
        }
        let mut orphans: Vec<i64> = lists.into_keys().collect();
        orphans.sort_unstable();
        for id in orphans {
            let owner = if kind == Kind::Source {
                "source"
            } else {
                "claim"
            };
            v.note(format!(
                "the table of {list_name} has rows for {owner} #{id}, which is in neither the table of {owner}s nor the history"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let e = c.execute("UPDATE events SET key = 'x'", []).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
        assert!(c.execute("DELETE FROM events", []).is_err());
        assert_eq!(s.read().unwrap().head().unwrap().events, 3);
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
            };
            db.insert_postponement(1, &p)
        })
        .unwrap();
        let db = s.read().unwrap();
        let events = db.history(Some("c1"), Some(1)).unwrap();
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
