//! What a large import needs beyond the ordinary statements: setting aside the secondary
//! indexes of `forecasts` and of the history (`events`) while rows stream in, and building
//! them again before commit.
//!
//! Keeping an index up to date costs a random B-tree descent per row, which on a ledger
//! of a million forecasts is most of an import's time; building it once from the finished
//! table is a sort. Both run inside the caller's transaction, so an import that fails
//! leaves the indexes as they were, and other readers never see the table without them.

use rusqlite::OptionalExtension;

use super::queries::Db;
use super::StoreError;

/// A secondary index of `forecasts` or `events`, as its own `CREATE INDEX` statement recorded it in
/// the schema. Only this module makes one, from `sqlite_master`, so whatever indexes the
/// migrations define come back exactly as they were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    name: String,
    sql: String,
}

impl IndexDef {
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// An identifier quoted for SQL (names cannot travel as parameters).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl Db<'_> {
    /// The explicitly created indexes of `forecasts` and `events`, the two tables a large
    /// import grows by one row per record (not the automatic indexes that back a UNIQUE or
    /// PRIMARY KEY constraint, which have no SQL and cannot be dropped). Appending an event
    /// reads only the last row by its primary key, so the history's own indexes can wait.
    pub fn bulk_indexes(&self) -> Result<Vec<IndexDef>, StoreError> {
        let mut stmt = self.connection().prepare(
            "SELECT name, sql FROM sqlite_master
              WHERE type = 'index' AND tbl_name IN ('forecasts', 'events') AND sql IS NOT NULL
              ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(IndexDef {
                name: r.get(0)?,
                sql: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn drop_index(&self, index: &IndexDef) -> Result<(), StoreError> {
        self.connection()
            .execute_batch(&format!("DROP INDEX {}", quoted(&index.name)))?;
        Ok(())
    }

    /// Builds an index again from the statement that first made it. SQLite may sort
    /// with a helper thread per spare core meanwhile (`PRAGMA threads`, for this
    /// connection only).
    pub fn create_index(&self, index: &IndexDef) -> Result<(), StoreError> {
        let helpers = std::thread::available_parallelism().map_or(0, |n| n.get().min(4) - 1);
        self.connection()
            .pragma_update(None, "threads", helpers as i64)?;
        self.connection().execute_batch(&index.sql)?;
        Ok(())
    }

    /// The highest forecast id, about the number of forecasts (0 for none); one B-tree
    /// descent, unlike `count(*)`.
    pub fn max_forecast_id(&self) -> Result<i64, StoreError> {
        Ok(self
            .connection()
            .query_row("SELECT max(id) FROM forecasts", [], |r| {
                r.get::<_, Option<i64>>(0)
            })
            .optional()?
            .flatten()
            .unwrap_or(0))
    }

    /// Calls `f` with the identity of every stored forecast: claim id, forecaster,
    /// made_at as stored, p and note (what [`Db::has_forecast`] compares, recorded_at
    /// aside).
    pub fn each_forecast_identity(
        &self,
        mut f: impl FnMut(i64, &str, &str, f64, Option<&str>),
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .connection()
            .prepare("SELECT claim_id, forecaster, made_at, p, note FROM forecasts")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> Result<&str, StoreError> {
                r.get_ref(i)?
                    .as_str()
                    .map_err(|e| StoreError::Corrupt(format!("forecast: {e}")))
            };
            let note = match r.get_ref(4)? {
                rusqlite::types::ValueRef::Null => None,
                v => Some(
                    v.as_str()
                        .map_err(|e| StoreError::Corrupt(format!("forecast note: {e}")))?,
                ),
            };
            f(r.get(0)?, text(1)?, text(2)?, r.get(3)?, note);
        }
        Ok(())
    }
}
