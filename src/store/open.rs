//! The open claims by due date (`open_claims`, migration 6): a table kept up to date by
//! `insert_claim`, `insert_resolution` and `insert_postponement`, so that `list --due`
//! reads only the claims it lists. It holds nothing of its own, so
//! `verify` checks it against the claims, resolutions and postponements it comes from;
//! likewise the forecasters' names (`forecasters`, migration 6), each added with its
//! first forecast, and the id of that forecast (`first_forecasts`, migration 9), which
//! format 4 payloads name returning forecasters by.

use rustc_hash::{FxHashMap, FxHashSet};

use super::events::Verdict;
use super::queries::Db;
use super::sql::{args, Raw};
use super::StoreError;

impl Db<'_> {
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
