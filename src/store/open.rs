//! The open claims by due date (`open_claims`, migration 6): a table kept up to date by
//! `insert_claim`, `insert_resolution` and `insert_postponement`, so that `list --due`
//! reads only the claims it lists; with each claim's forecasts summed up (migration 10:
//! their number and the latest), brought up to date for the claims `insert_forecast`
//! marked before the transaction commits. It holds nothing of its own, so
//! `verify` checks it against the claims, resolutions, postponements and forecasts it comes from;
//! likewise the forecasters' names (`forecasters`, migration 6), each added with its
//! first forecast, and the id of that forecast (`first_forecasts`, migration 9), which
//! format 4 payloads name returning forecasters by.

use rustc_hash::{FxHashMap, FxHashSet};

use super::events::Verdict;
use super::queries::{Db, LIST_CHUNK};
use super::sql::{args, Arg, Raw};
use super::StoreError;

/// What `open_claims` says of a claim's forecasts, as `forecasts` has them: how many, and
/// the latest (latest made_at, ties to the highest id), for the claims `{ids}` names. The
/// latest is found in the index (claim, forecaster, made_at), which holds each forecast's
/// id, so that only its own row is read.
const SUMMARY: &str = "UPDATE open_claims SET
    forecast_count = (SELECT count(*) FROM forecasts f WHERE f.claim_id = open_claims.claim_id),
    (latest_id, latest_p, latest_forecaster_id, latest_made_at, latest_recorded_at) =
        (SELECT f.id, f.p, f.forecaster_id, f.made_at, f.recorded_at FROM forecasts f
          WHERE f.id = (SELECT g.id FROM forecasts g WHERE g.claim_id = open_claims.claim_id
                         ORDER BY g.made_at DESC, g.id DESC LIMIT 1))
  WHERE claim_id IN ({ids})";

impl Db<'_> {
    /// Brings up to date the forecast summary in `open_claims` of every claim that gained a
    /// forecast through this handle (a resolved claim has no row to update): a few hundred
    /// claims to a statement, so that an import of a million forecasts runs a few hundred
    /// statements at its end rather than one a forecast. `Store::write` calls it before
    /// committing, and `list` before reading the summaries; on a handle that only reads
    /// there is nothing to do.
    pub(super) fn settle_open_claims(&self) -> Result<(), StoreError> {
        for chunk in self.take_stale_open().chunks(LIST_CHUNK) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("?{i}")).collect();
            let ids: Vec<Arg<'_>> = chunk.iter().map(|&id| Arg::Int(Some(id))).collect();
            self.conn()
                .execute(&SUMMARY.replace("{ids}", &marks.join(", ")), &ids)?;
        }
        Ok(())
    }

    /// Notes in `v` every open claim whose forecast summary in `open_claims` is not what
    /// its forecasts say: another number of them, another latest, or other values copied
    /// from the latest.
    pub(super) fn verify_open_summaries(&self, v: &mut Verdict) -> Result<(), StoreError> {
        self.conn().each(
            "SELECT x.key, x.n, x.listed_n, x.latest, x.listed,
                    CASE WHEN x.latest_p IS NOT DISTINCT FROM l.p
                          AND x.latest_forecaster_id IS NOT DISTINCT FROM l.forecaster_id
                          AND x.latest_made_at IS NOT DISTINCT FROM l.made_at
                          AND x.latest_recorded_at IS NOT DISTINCT FROM l.recorded_at
                         THEN 1 ELSE 0 END
               FROM (SELECT o.claim_id, c.key, o.forecast_count AS listed_n,
                            (SELECT count(*) FROM forecasts f WHERE f.claim_id = o.claim_id) AS n,
                            (SELECT f.id FROM forecasts f WHERE f.claim_id = o.claim_id
                              ORDER BY f.made_at DESC, f.id DESC LIMIT 1) AS latest,
                            o.latest_id AS listed, o.latest_p, o.latest_forecaster_id,
                            o.latest_made_at, o.latest_recorded_at
                       FROM open_claims o JOIN claims c ON c.id = o.claim_id) x
               LEFT JOIN forecasts l ON l.id = x.latest
              WHERE x.listed_n <> x.n OR x.listed IS DISTINCT FROM x.latest
                 OR x.latest_p IS DISTINCT FROM l.p
                 OR x.latest_forecaster_id IS DISTINCT FROM l.forecaster_id
                 OR x.latest_made_at IS DISTINCT FROM l.made_at
                 OR x.latest_recorded_at IS DISTINCT FROM l.recorded_at
              ORDER BY x.claim_id",
            args![],
            |r| {
                let key: String = r.get(0)?;
                let (n, listed_n): (i64, i64) = (r.get(1)?, r.get(2)?);
                let (latest, listed): (Option<i64>, Option<i64>) = (r.get(3)?, r.get(4)?);
                let forecast = |id: Option<i64>| id.map_or("none".to_string(), |id| format!("#{id}"));
                let message = if n != listed_n {
                    format!(
                        "open_claims: claim '{key}' has {n} forecasts, but the table of open claims counts {listed_n}"
                    )
                } else if latest != listed {
                    format!(
                        "open_claims: the latest forecast of claim '{key}' is {}, but the table of open claims names {}",
                        forecast(latest),
                        forecast(listed)
                    )
                } else {
                    format!(
                        "open_claims: the table of open claims copies the latest forecast of claim '{key}' ({}) wrongly",
                        forecast(latest)
                    )
                };
                v.note(message);
                Ok(())
            },
        )
    }

    /// Notes in `v` every claim that `open_claims` lists wrongly: open but missing, listed
    /// with another date, or listed although resolved or unknown.
    pub(super) fn verify_open_claims(&self, v: &mut Verdict) -> Result<(), StoreError> {
        self.conn().each(
            "WITH expected AS (
                 SELECT c.id AS claim_id,
                        coalesce((SELECT p.resolve_by FROM postponements p WHERE p.claim_id = c.id
                                   ORDER BY p.id DESC LIMIT 1), c.resolve_by) AS due
                   FROM claims c
                  WHERE NOT EXISTS (SELECT 1 FROM resolutions r WHERE r.claim_id = c.id))
             SELECT e.claim_id, (SELECT key FROM claims WHERE id = e.claim_id), e.due, o.due
               FROM expected e LEFT JOIN open_claims o ON o.claim_id = e.claim_id
              WHERE o.due IS DISTINCT FROM e.due
             UNION ALL
             SELECT o.claim_id, (SELECT key FROM claims WHERE id = o.claim_id), NULL, o.due
               FROM open_claims o
              WHERE o.claim_id NOT IN (SELECT claim_id FROM expected)
              ORDER BY 1",
            args![],
            |r| {
            let id: i64 = r.get(0)?;
            let key: Option<String> = r.get(1)?;
            let claim = match key {
                Some(k) => format!("claim '{k}'"),
                None => format!("claim #{id}, which does not exist,"),
            };
            let expected: Option<String> = r.get(2)?;
            let listed: Option<String> = match r.raw(3)? {
                Raw::Text(t) => Some(t.to_string()),
                _ => None,
            };
            let message = match (expected, listed) {
                (Some(e), None) => format!(
                    "open_claims: {claim} is open and due {e}, but the table of open claims does not list it"
                ),
                (Some(e), Some(l)) => format!(
                    "open_claims: {claim} is due {e}, but the table of open claims lists it as due {l}"
                ),
                (None, _) => format!(
                    "open_claims: {claim} is listed as open, but it is resolved or unknown"
                ),
            };
            v.note(message);
            Ok(())
            },
        )
    }
}

impl Db<'_> {
    /// Notes in `v` every name in `forecasters` that no forecast refers to: a name is only
    /// ever added with its first forecast, in the same transaction.
    pub(super) fn verify_forecaster_names(&self, v: &mut Verdict) -> Result<(), StoreError> {
        self.conn().each(
            "SELECT w.name FROM forecasters w
               LEFT JOIN (SELECT DISTINCT forecaster_id FROM forecasts) u ON u.forecaster_id = w.id
              WHERE u.forecaster_id IS NULL ORDER BY w.id",
            args![],
            |r| {
                let name = match r.raw(0)? {
                    Raw::Text(t) => t.to_string(),
                    other => format!("a value of type {}", other.kind()),
                };
                v.note(format!(
                    "forecasters: '{name}' is listed as a forecaster, but no forecast is theirs"
                ));
                Ok(())
            },
        )
    }

    /// Notes in `v` every way `first_forecasts` differs from the history, whose forecasters'
    /// first forecasts are `firsts` (by name): each forecaster must have one row, giving the
    /// id of their first forecast, and no one else any.
    pub(super) fn verify_first_forecasts(
        &self,
        v: &mut Verdict,
        firsts: &FxHashMap<String, i64>,
    ) -> Result<(), StoreError> {
        let mut listed: FxHashSet<String> = FxHashSet::default();
        self.conn().each(
            "SELECT f.forecaster_id, w.name, f.forecast_id FROM first_forecasts f
               LEFT JOIN forecasters w ON w.id = f.forecaster_id ORDER BY f.forecaster_id",
            args![],
            |r| {
                let who: i64 = r.get(0)?;
                let name = match r.raw(1)? {
                    Raw::Text(t) => Some(t.to_string()),
                    _ => None,
                };
                let stored = match r.raw(2)? {
                    Raw::Int(n) => Some(n),
                    _ => None,
                };
                match name.as_ref().and_then(|n| firsts.get(n).map(|first| (n, *first))) {
                    Some((_, first)) if stored == Some(first) => {}
                    Some((n, first)) => v.note(format!(
                        "first_forecasts: {n}'s first forecast is #{first} in the history, but the table says {}",
                        stored.map_or_else(|| "nothing".to_string(), |k| format!("#{k}"))
                    )),
                    None => v.note(format!(
                        "first_forecasts: forecaster #{who} ({}) has a first forecast in the table, but none in the history",
                        name.as_deref().unwrap_or("no name")
                    )),
                }
                if let Some(n) = name {
                    listed.insert(n);
                }
                Ok(())
            },
        )?;
        let mut missing: Vec<(i64, &String)> = firsts
            .iter()
            .filter(|(n, _)| !listed.contains(*n))
            .map(|(n, first)| (*first, n))
            .collect();
        missing.sort();
        for (first, n) in missing {
            v.note(format!(
                "first_forecasts: {n}'s first forecast (#{first} in the history) is missing from the table"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use rusqlite::Connection;

    use super::super::{schema, Store};

    fn rows(conn: &Connection, sql: &str) -> Vec<String> {
        let mut stmt = conn.prepare(sql).expect("query");
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            Ok((0..n)
                .map(|i| match r.get_ref(i) {
                    Ok(rusqlite::types::ValueRef::Text(t)) => {
                        format!("Text({:?})", String::from_utf8_lossy(t))
                    }
                    Ok(v) => format!("{v:?}"),
                    Err(e) => e.to_string(),
                })
                .collect::<Vec<_>>()
                .join("|"))
        })
        .and_then(|rows| rows.collect())
        .expect("rows")
    }

    #[test]
    fn upgrading_to_schema_6_lists_the_open_claims_and_keeps_every_forecast() {
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
        let mut conn = Connection::open_in_memory().unwrap();
        schema::migrations(now)
            .unwrap()
            .to_version(&mut conn, 5)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO claims (id, key, statement, resolve_by, created_at, recorded_at) VALUES
                 (1, 'done', 'A', '2026-01-01', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
                 (2, 'moved', 'B', '2026-02-01', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
                 (3, 'plain', 'C', '2026-03-01', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
             INSERT INTO resolutions (claim_id, outcome, resolved_on, recorded_at)
                 VALUES (1, 'yes', '2026-01-01', '2026-01-02T00:00:00Z');
             INSERT INTO postponements (claim_id, resolve_by, recorded_at) VALUES
                 (2, '2026-05-01', '2026-01-10T00:00:00Z'),
                 (2, '2026-09-01', '2026-04-10T00:00:00Z');
             INSERT INTO forecasts (claim_id, forecaster, p, made_at, note, recorded_at) VALUES
                 (1, 'zoe', 0.5, '2025-02-01T10:00:00Z', NULL, '2025-02-01T10:00:00Z'),
                 (2, 'al', 0.25, '0000-01-01T00:00:00Z', 'first', '2025-02-02T00:00:00Z'),
                 (3, 'zoe', 1.0, '9999-12-31T23:59:59Z', NULL, '9999-12-31T23:59:59Z');",
        )
        .unwrap();
        let store = Store::prepare(conn, None, now, None).unwrap();
        let conn = store.connection();
        assert_eq!(
            rows(conn, "SELECT claim_id, due FROM open_claims ORDER BY due"),
            [
                r#"Integer(3)|Text("2026-03-01")"#,
                r#"Integer(2)|Text("2026-09-01")"#
            ]
        );
        // Names once, in name order; times as seconds, read back as the same instants.
        assert_eq!(
            rows(conn, "SELECT id, name FROM forecasters"),
            [r#"Integer(1)|Text("al")"#, r#"Integer(2)|Text("zoe")"#]
        );
        assert_eq!(
            rows(
                conn,
                "SELECT id, claim_id, forecaster_id, p, made_at, note, recorded_at FROM forecasts"
            ),
            [
                "Integer(1)|Integer(1)|Integer(2)|Real(0.5)|Integer(1738404000)|Null|Integer(1738404000)",
                r#"Integer(2)|Integer(2)|Integer(1)|Real(0.25)|Integer(-62167219200)|Text("first")|Integer(1738454400)"#,
                "Integer(3)|Integer(3)|Integer(2)|Real(1.0)|Integer(253402300799)|Null|Integer(253402300799)",
            ]
        );
        let db = super::super::Db::new(super::super::sql::Conn::Lite(conn), now);
        let claim = db.claim("moved").unwrap().unwrap();
        let forecasts = db.forecasts(&claim).unwrap();
        assert_eq!(forecasts[0].forecaster, "al");
        assert_eq!(
            crate::domain::parse::format_time(forecasts[0].made_at),
            "0000-01-01T00:00:00Z"
        );
    }
}
