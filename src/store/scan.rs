//! Bulk reads for scoring: every claim's scoring facts, every resolution history, and a
//! stream of forecasts in (claim, forecaster, time) order so that a report over a million
//! forecasts never holds them all at once.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OpenFlags};
use rustc_hash::FxHashMap;

use super::queries::Db;
use super::sql::{args, Arg, Conn, SqlRow};
use super::StoreError;
use crate::domain::{parse, Outcome};

/// What scoring and grouping need to know about a claim.
#[derive(Debug, Clone)]
pub struct ScoringClaim {
    pub id: i64,
    pub key: String,
    /// Read only when the caller asks for it (see [`Db::scoring_claims`]): reports that
    /// show groups never print it.
    pub statement: Option<String>,
    pub resolve_by: NaiveDate,
    /// When forecasting opened and closed, if recorded.
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub condition_id: Option<i64>,
    /// The claim's source, one copy shared by all of its claims.
    pub source: Option<Arc<SourceFacts>>,
    /// In tag order; left empty unless the caller asks for them (see
    /// [`Db::scoring_claims`]): only grouping by tag and the tag filter look at them.
    pub tags: Vec<String>,
}

/// What grouping needs to know about a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFacts {
    pub key: String,
    pub publisher: Option<String>,
    /// In byline order.
    pub authors: Vec<String>,
}

impl ScoringClaim {
    /// The key of the claim's source, if it has one.
    pub fn source_key(&self) -> Option<&str> {
        self.source.as_deref().map(|s| s.key.as_str())
    }
}

/// One forecast as scoring reads it.
#[derive(Debug, Clone)]
pub struct ForecastScan {
    pub claim_id: i64,
    /// The forecaster's name, one copy shared by all of their forecasts in the scan.
    pub forecaster: Arc<str>,
    pub p: f64,
    pub made_at: DateTime<Utc>,
    pub backfilled: bool,
}

/// A claim's optional window instant as stored.
fn opt_time(s: Option<String>) -> Result<Option<DateTime<Utc>>, StoreError> {
    s.map(|s| parse::time("stored time", &s).map_err(|e| corrupt("claim", e)))
        .transpose()
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// One forecast as [`Db::scan_forecasts`] reads it: the forecaster's name is borrowed
/// from the names read once, so a scan of a million forecasts allocates nothing per row.
#[derive(Debug, Clone, Copy)]
pub struct ForecastRef<'r> {
    pub claim_id: i64,
    pub forecaster: &'r str,
    /// The forecaster's id in the ledger (see [`Db::forecaster_names`]).
    pub forecaster_id: u32,
    pub p: f64,
    /// When it was made, in seconds since 1970 (a time the ledger can hold).
    pub made_at: i64,
    pub backfilled: bool,
}

/// One forecast as [`Db::each_forecast_by_id_in_parts`] reads it: a few numbers, its
/// times checked and its forecaster known to the ledger.
#[derive(Debug, Clone, Copy)]
pub struct CountedRef {
    pub claim_id: i64,
    /// The forecaster's id in the ledger (see [`Db::forecaster_names`]).
    pub forecaster_id: u32,
    pub p: f64,
    /// When it was made, in seconds since 1970 (a time the ledger can hold).
    pub made_at: i64,
    /// Recorded more than a day after it was made (see [`crate::domain::is_backfilled`]).
    pub backfilled: bool,
}

fn text_col<'r>(r: &SqlRow<'r>, i: usize, what: &str) -> Result<&'r str, StoreError> {
    r.raw(i)?.as_str().map_err(|e| corrupt(what, e))
}

/// Runs `sql` and hands each row to `f`, whose own error type comes back as it was; the
/// rows come through a cursor on PostgreSQL (see [`Conn::stream`]).
fn stream_with<E: From<StoreError>>(
    conn: Conn<'_>,
    sql: &str,
    params: &[Arg<'_>],
    mut f: impl FnMut(&SqlRow<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let mut failed: Option<E> = None;
    let result = conn.stream(sql, params, |r| match f(r) {
        Ok(()) => Ok(()),
        Err(e) => {
            failed = Some(e);
            Err(StoreError::Corrupt("stopped by the reader".into()))
        }
    });
    match failed {
        Some(e) => Err(e),
        None => result.map_err(E::from),
    }
}

/// A forecast's time as `forecasts` stores it (seconds since 1970).
fn seconds_col(r: &SqlRow<'_>, i: usize) -> Result<DateTime<Utc>, StoreError> {
    super::queries::seconds_time(r.get(i)?).map_err(|e| corrupt("forecast", e))
}

/// Like [`seconds_col`], as seconds since 1970.
fn checked_seconds_col(r: &SqlRow<'_>, i: usize) -> Result<i64, StoreError> {
    super::queries::checked_seconds(r.get(i)?).map_err(|e| corrupt("forecast", e))
}

/// Every forecaster's name by id, read once so that a scan of the forecasts reads the
/// small id of each row, not a name.
pub struct Names(Vec<String>);

impl Names {
    /// The names by id: the name of forecaster `id` at index `id`, an empty string where no
    /// forecaster has that id.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }

    pub(super) fn get(&self, id: i64) -> Result<&str, StoreError> {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.0.get(i))
            .filter(|n| !n.is_empty())
            .map(String::as_str)
            .ok_or_else(|| corrupt("forecast", format!("no forecaster {id}")))
    }
}

/// A row of (claim_id, forecaster_id, p, made_at, recorded_at) as a [`CountedRef`]:
/// every row's times and forecaster are checked, whether the caller wants it or not, so
/// that a ledger edited behind hindsight's back is refused as a whole.
fn counted_ref(r: &SqlRow<'_>, names: &Names) -> Result<CountedRef, StoreError> {
    let id: i64 = r.get(1)?;
    names.get(id)?;
    let made_at = checked_seconds_col(r, 3)?;
    let recorded_at = checked_seconds_col(r, 4)?;
    Ok(CountedRef {
        claim_id: r.get(0)?,
        forecaster_id: u32::try_from(id)
            .map_err(|_| corrupt("forecast", format!("no forecaster {id}")))?,
        p: r.get(2)?,
        made_at,
        backfilled: crate::domain::is_backfilled_seconds(made_at, recorded_at),
    })
}

/// A row of (claim_id, forecaster_id, p, made_at, recorded_at) as a [`ForecastRef`].
fn forecast_ref<'n>(r: &SqlRow<'_>, names: &'n Names) -> Result<ForecastRef<'n>, StoreError> {
    let made_at = checked_seconds_col(r, 3)?;
    let recorded_at = checked_seconds_col(r, 4)?;
    let id: i64 = r.get(1)?;
    Ok(ForecastRef {
        claim_id: r.get(0)?,
        forecaster: names.get(id)?,
        forecaster_id: u32::try_from(id)
            .map_err(|_| corrupt("forecast", format!("no forecaster {id}")))?,
        p: r.get(2)?,
        made_at,
        backfilled: crate::domain::is_backfilled_seconds(made_at, recorded_at),
    })
}

impl Db<'_> {
    /// Every forecaster's name, by id.
    pub fn forecaster_names(&self) -> Result<Names, StoreError> {
        let mut names: Vec<String> = Vec::new();
        self.conn().each(
            "SELECT id, name FROM forecasters ORDER BY id",
            args![],
            |r| {
                let id: i64 = r.get(0)?;
                let at = usize::try_from(id)
                    .ok()
                    .filter(|&i| i < names.len() + 1_000_000)
                    .ok_or_else(|| corrupt("forecaster", format!("id {id} out of range")))?;
                if names.len() <= at {
                    names.resize(at + 1, String::new());
                }
                names[at] = r.get(1)?;
                Ok(())
            },
        )?;
        Ok(Names(names))
    }
}

impl Db<'_> {
    /// Every claim with its source, in id order, each table read once in order; the
    /// statements only `with_statements`, the tags (in tag order) only `with_tags`.
    pub fn scoring_claims(
        &self,
        with_statements: bool,
        with_tags: bool,
    ) -> Result<Vec<ScoringClaim>, StoreError> {
        let conn = self.conn();
        // Sources: key, publisher and authors in byline order.
        let mut sources: FxHashMap<i64, SourceFacts> = FxHashMap::default();
        conn.stream("SELECT id, key, publisher FROM sources", args![], |r| {
            let facts = SourceFacts {
                key: r.get(1)?,
                publisher: r.get(2)?,
                authors: Vec::new(),
            };
            sources.insert(r.get(0)?, facts);
            Ok(())
        })?;
        conn.stream(
            "SELECT source_id, name FROM source_authors ORDER BY source_id, position",
            args![],
            |r| {
                if let Some(s) = sources.get_mut(&r.get::<i64>(0)?) {
                    s.authors.push(r.get(1)?);
                }
                Ok(())
            },
        )?;
        let sources: FxHashMap<i64, Arc<SourceFacts>> = sources
            .into_iter()
            .map(|(id, s)| (id, Arc::new(s)))
            .collect();
        let sql = if with_statements {
            "SELECT id, key, resolve_by, condition_id, source_id, opens_at, closes_at, statement
               FROM claims ORDER BY id"
        } else {
            "SELECT id, key, resolve_by, condition_id, source_id, opens_at, closes_at
               FROM claims ORDER BY id"
        };
        let mut out: Vec<ScoringClaim> = Vec::new();
        conn.stream(sql, args![], |r| {
            let by = text_col(r, 2, "claim")?;
            let source = match r.get::<Option<i64>>(4)? {
                Some(id) => sources.get(&id).cloned(),
                None => None,
            };
            out.push(ScoringClaim {
                id: r.get(0)?,
                key: r.get(1)?,
                statement: if with_statements {
                    Some(r.get(7)?)
                } else {
                    None
                },
                resolve_by: parse::date("resolve_by", by).map_err(|e| corrupt("claim", e))?,
                opens_at: opt_time(r.get(5)?)?,
                closes_at: opt_time(r.get(6)?)?,
                condition_id: r.get(3)?,
                source,
                tags: Vec::new(),
            });
            Ok(())
        })?;
        if !with_tags {
            return Ok(out);
        }
        // Tags in (claim, tag) order, the table's own key: one pass beside the claims.
        let mut at = 0usize;
        conn.stream(
            "SELECT claim_id, tag FROM claim_tags ORDER BY claim_id, tag",
            args![],
            |r| {
                let claim_id: i64 = r.get(0)?;
                while at < out.len() && out[at].id < claim_id {
                    at += 1;
                }
                if let Some(c) = out.get_mut(at).filter(|c| c.id == claim_id) {
                    c.tags.push(r.get(1)?);
                }
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Each claim's resolutions as (outcome, resolved_on), in recording order, read in
    /// one pass over the table.
    pub fn resolution_histories(
        &self,
    ) -> Result<FxHashMap<i64, Vec<(Outcome, NaiveDate)>>, StoreError> {
        let mut out: FxHashMap<i64, Vec<(Outcome, NaiveDate)>> = FxHashMap::default();
        self.conn().stream(
            "SELECT claim_id, outcome, resolved_on FROM resolutions ORDER BY id",
            args![],
            |r| {
                let outcome = text_col(r, 1, "resolution")?;
                let on = text_col(r, 2, "resolution")?;
                out.entry(r.get(0)?).or_default().push((
                    outcome.parse().map_err(|e| corrupt("resolution", e))?,
                    parse::date("resolved_on", on).map_err(|e| corrupt("resolution", e))?,
                ));
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Streams every forecast in the order recorded (by id), the table's own order, so
    /// the scan reads the file front to back; scoring rules that keep one forecast per
    /// pair use it (see [`Db::scan_forecasts`] for the (claim, forecaster, time) order).
    ///
    /// From `split_from` forecasts on, they are split into consecutive ranges of ids read
    /// at the same time, one per core (up to four), each on a thread with its own
    /// read-only connection to the same file, while this thread runs `alongside` (which
    /// may read on this connection: the caller's other reads of the same snapshot).
    /// Each range gets its own state from `start`; the states come back in id order, so a
    /// caller can combine them as one pass in recording order would. A ledger in memory
    /// or on PostgreSQL, a small one, or a file a second connection cannot open is read
    /// in one range on this connection, after `alongside`. Like the other reads of a
    /// report, each range is its own statement.
    pub fn each_forecast_by_id_in_parts<S: Send, R>(
        &self,
        split_from: i64,
        start: impl Fn() -> S + Sync,
        visit: impl Fn(&mut S, CountedRef) -> Result<(), StoreError> + Sync,
        alongside: impl FnOnce() -> Result<R, StoreError>,
    ) -> Result<(Vec<S>, R), StoreError> {
        let conn = self.conn();
        let (low, high): (i64, i64) = conn.one(
            // Two scalar subqueries: SQLite answers a lone min() or max() of the row id from
            // the ends of the table, but both in one SELECT by scanning every row.
            "SELECT coalesce((SELECT min(id) FROM forecasts), 0),
                    coalesce((SELECT max(id) FROM forecasts), 0)",
            args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let names = self.forecaster_names()?;
        let names = &names;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        // Only a SQLite file can be read on several connections at once.
        let path = conn
            .lite()
            .and_then(|c| c.path())
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        let parts = match path {
            Some(_) if cores > 1 && high - low >= split_from => cores as i64,
            _ => 1,
        };
        // Part k covers ids in (bounds[k], bounds[k + 1]]; the last ends at the highest id
        // this connection sees. The other connections read outside this one's snapshot,
        // but forecasts are never updated or deleted and a new one always gets a higher
        // id, so up to that id they see exactly the rows this one does.
        let step = (high - low) / parts + 1;
        let bounds: Vec<i64> = (0..parts).map(|k| low - 1 + k * step).collect();
        let read = |db: Conn<'_>, k: usize, state: &mut S| -> Result<(), StoreError> {
            let upper = bounds.get(k + 1).copied().unwrap_or(high);
            db.stream(
                "SELECT claim_id, forecaster_id, p, made_at, recorded_at FROM forecasts
                  WHERE id > ?1 AND id <= ?2 ORDER BY id",
                args![bounds[k], upper],
                |r| visit(state, counted_ref(r, names)?),
            )
        };
        let open = |path: &str| -> rusqlite::Result<Connection> {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI;
            let db = Connection::open_with_flags(path, flags)?;
            db.busy_timeout(std::time::Duration::from_secs(10))?;
            Ok(db)
        };
        let others = match &path {
            Some(path) if parts > 1 => (0..parts)
                .map(|_| open(path))
                .collect::<rusqlite::Result<Vec<_>>>()
                .ok(),
            _ => None,
        };
        let Some(others) = others else {
            // Every range in turn on this connection, as one state.
            let done = alongside()?;
            let mut state = start();
            for k in 0..bounds.len() {
                read(conn, k, &mut state)?;
            }
            return Ok((vec![state], done));
        };
        std::thread::scope(|scope| {
            let helpers: Vec<_> = others
                .into_iter()
                .enumerate()
                .map(|(i, db)| {
                    let (read, start) = (&read, &start);
                    scope.spawn(move || -> Result<S, StoreError> {
                        let mut state = start();
                        read(Conn::Lite(&db), i, &mut state)?;
                        Ok(state)
                    })
                })
                .collect();
            let done = alongside()?;
            let mut states = Vec::with_capacity(helpers.len());
            for (i, h) in helpers.into_iter().enumerate() {
                let state = match h.join() {
                    Ok(Ok(state)) => state,
                    // Whatever stopped the other connection, read its part on this one:
                    // a real problem with the data shows up here too.
                    _ => {
                        let mut state = start();
                        read(conn, i, &mut state)?;
                        state
                    }
                };
                states.push(state);
            }
            Ok((states, done))
        })
    }

    /// The id of every claim, in id order.
    pub fn claim_ids(&self) -> Result<Vec<i64>, StoreError> {
        let mut ids = Vec::new();
        self.conn()
            .stream("SELECT id FROM claims ORDER BY id", args![], |r| {
                ids.push(r.get(0)?);
                Ok(())
            })?;
        Ok(ids)
    }

    /// Streams every forecast (of one claim when `claim_id` is given) ordered by claim,
    /// forecaster and time, calling `f` on each.
    pub fn scan_forecasts<E: From<StoreError>>(
        &self,
        claim_id: Option<i64>,
        mut f: impl FnMut(ForecastScan) -> Result<(), E>,
    ) -> Result<(), E> {
        // The index gives each claim's forecasts by forecaster id; they are passed on by
        // forecaster name, as reports list them, one claim at a time (a stable sort keeps
        // each forecaster's own order by time).
        let sql = match claim_id {
            Some(_) => {
                "SELECT claim_id, forecaster_id, p, made_at, recorded_at FROM forecasts
                  WHERE claim_id = ?1 ORDER BY claim_id, forecaster_id, made_at, id"
            }
            None => {
                "SELECT claim_id, forecaster_id, p, made_at, recorded_at FROM forecasts
                  ORDER BY claim_id, forecaster_id, made_at, id"
            }
        };
        let names = self.forecaster_names()?;
        let shared: Vec<Arc<str>> = names.0.iter().map(|n| Arc::from(n.as_str())).collect();
        let params = match claim_id {
            Some(id) => vec![Arg::Int(Some(id))],
            None => vec![],
        };
        let mut claim: Vec<ForecastRef<'_>> = Vec::new();
        let mut flush = |claim: &mut Vec<ForecastRef<'_>>| -> Result<(), E> {
            claim.sort_by(|a, b| a.forecaster.cmp(b.forecaster));
            for x in claim.drain(..) {
                f(ForecastScan {
                    claim_id: x.claim_id,
                    // `forecast_ref` found the id in `names`, so it indexes `shared` too.
                    forecaster: shared[x.forecaster_id as usize].clone(),
                    p: x.p,
                    made_at: super::queries::seconds_time(x.made_at)
                        .map_err(|e| corrupt("forecast", e))?,
                    backfilled: x.backfilled,
                })?;
            }
            Ok(())
        };
        stream_with::<E>(self.conn(), sql, &params, |r| {
            let x = forecast_ref(r, &names)?;
            if claim.last().is_some_and(|last| last.claim_id != x.claim_id) {
                flush(&mut claim)?;
            }
            claim.push(x);
            Ok(())
        })?;
        flush(&mut claim)
    }
}

impl Db<'_> {
    /// Streams every claim in the order recorded (a condition always precedes the claims
    /// that depend on it, since it had to exist first).
    pub fn each_claim<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(crate::domain::Claim) -> Result<(), E>,
    ) -> Result<(), E> {
        let sql = format!("{} ORDER BY c.id", super::queries::CLAIM_SELECT);
        stream_with(self.conn(), &sql, args![], |r| {
            f(super::queries::claim_row(r)?.claim)
        })
    }

    /// Every claim's key by row id, for streams that name claims by key: one pass over
    /// the claims instead of a lookup per row, which on a large ledger would jump about
    /// the claims table once per forecast.
    fn claim_keys(&self) -> Result<FxHashMap<i64, String>, StoreError> {
        let mut keys = FxHashMap::default();
        self.conn()
            .stream("SELECT id, key FROM claims", args![], |r| {
                keys.insert(r.get(0)?, r.get(1)?);
                Ok(())
            })?;
        Ok(keys)
    }

    /// Streams every forecast in the order recorded.
    pub fn each_forecast<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(crate::domain::Forecast) -> Result<(), E>,
    ) -> Result<(), E> {
        let keys = self.claim_keys()?;
        let names = self.forecaster_names()?;
        let sql = "SELECT claim_id, forecaster_id, p, made_at, note, recorded_at, recorded_by
                   FROM forecasts ORDER BY id";
        stream_with(self.conn(), sql, args![], |r| {
            let forecast = (|| -> Result<crate::domain::Forecast, StoreError> {
                let claim_id: i64 = r.get(0)?;
                Ok(crate::domain::Forecast {
                    claim: keys
                        .get(&claim_id)
                        .cloned()
                        .ok_or_else(|| corrupt("forecast", format!("no claim {claim_id}")))?,
                    forecaster: names.get(r.get(1)?)?.to_string(),
                    p: r.get(2)?,
                    made_at: seconds_col(r, 3)?,
                    note: r.get(4)?,
                    recorded_at: seconds_col(r, 5)?,
                    recorded_by: r.get(6)?,
                })
            })()?;
            f(forecast)
        })
    }

    /// Streams every postponement in the order recorded.
    pub fn each_postponement<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(crate::domain::Postponement) -> Result<(), E>,
    ) -> Result<(), E> {
        let sql = "SELECT c.key, p.resolve_by, p.note, p.recorded_at, p.recorded_by
                   FROM postponements p JOIN claims c ON c.id = p.claim_id ORDER BY p.id";
        stream_with(self.conn(), sql, args![], |r| {
            let p = (|| -> Result<crate::domain::Postponement, StoreError> {
                Ok(crate::domain::Postponement {
                    claim: r.get(0)?,
                    resolve_by: super::queries::date_col(r, 1)?,
                    note: r.get(2)?,
                    recorded_at: super::queries::time_col(r, 3)?,
                    recorded_by: r.get(4)?,
                })
            })()?;
            f(p)
        })
    }

    /// Streams every resolution in the order recorded (so each claim's history keeps its order).
    pub fn each_resolution<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(crate::domain::Resolution) -> Result<(), E>,
    ) -> Result<(), E> {
        let sql = "SELECT c.key, r.outcome, r.resolved_on, r.evidence, r.note, r.recorded_at,
                          r.recorded_by
                   FROM resolutions r JOIN claims c ON c.id = r.claim_id ORDER BY r.id";
        stream_with(self.conn(), sql, args![], |r| {
            let res = (|| -> Result<crate::domain::Resolution, StoreError> {
                Ok(crate::domain::Resolution {
                    claim: r.get(0)?,
                    outcome: super::queries::outcome_col(r, 1)?.unwrap_or(Outcome::Ambiguous),
                    resolved_on: super::queries::date_col(r, 2)?,
                    evidence: r.get(3)?,
                    note: r.get(4)?,
                    recorded_at: super::queries::time_col(r, 5)?,
                    recorded_by: r.get(6)?,
                })
            })()?;
            f(res)
        })
    }
}
