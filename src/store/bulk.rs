//! What a large import needs beyond the ordinary statements: setting aside the secondary
//! indexes of `forecasts` and of the history (`events`) while rows stream in, and building
//! them again before commit; and making other writers wait for it.
//!
//! An import is one transaction, however long the file, so that it lands whole or not at
//! all and readers never see half of it. It holds SQLite's write lock all that time, longer
//! than the busy timeout other writers wait on. So an import also holds an advisory lock
//! on a file beside the ledger (`LEDGER-import`), and a writer that finds that lock held
//! waits until it is released (the import committed, failed, or its process ended), then
//! starts its own transaction. The operating system releases the lock with the process, so
//! a killed import never leaves writers waiting; the file itself stays, empty.
//!
//! Keeping an index up to date costs a random B-tree descent per row, which on a ledger
//! of a million forecasts is most of an import's time; building it once from the finished
//! table is a sort. Both run inside the caller's transaction, so an import that fails
//! leaves the indexes as they were, and other readers never see the table without them.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::queries::Db;
use super::sql::args;
use super::{Store, StoreError};

/// The file an import holds locked: the ledger's path with `-import` appended, as SQLite
/// names its `-wal` and `-shm` files.
fn import_lock_path(ledger: &Path) -> PathBuf {
    super::beside(ledger, "-import")
}

/// A line on stderr while this process waits on another: without it a command that waits
/// for a long import would look hung.
fn say_waiting(what: &str, ledger: &Path) {
    let _ = writeln!(
        std::io::stderr(),
        "waiting for {what} into {} to finish…",
        ledger.display()
    );
}

/// If another process's import holds `ledger`'s import lock, says so and waits until it is
/// released. Returns whether it waited. Where the lock file is absent, cannot be opened or
/// cannot be locked, there is nothing to wait for here (writers still wait on SQLite's busy
/// timeout).
pub(super) fn wait_for_import(ledger: &Path) -> bool {
    let Ok(file) = File::open(import_lock_path(ledger)) else {
        return false;
    };
    match file.try_lock_shared() {
        Ok(()) => false,
        Err(std::fs::TryLockError::WouldBlock) => {
            say_waiting("an import", ledger);
            file.lock_shared().is_ok()
        }
        Err(std::fs::TryLockError::Error(_)) => false,
    }
    // The lock, if taken, goes with `file`: waiting was all it was for.
}

impl Store {
    /// Announces a long write: takes this ledger's import lock (waiting for another import
    /// to finish first) and keeps it until the store is dropped, so that writers in other
    /// processes wait for this one instead of failing after the busy timeout. Call it
    /// before [`Store::write`]. Where the lock file cannot be made (a read-only folder,
    /// where the write fails anyway), the import goes ahead without it.
    pub fn hold_for_import(&mut self) {
        let Some(ledger) = self.path.clone() else {
            return;
        };
        let lock_path = import_lock_path(&ledger);
        // Made by whoever imports first; another user sharing the ledger may only be able
        // to read it, which is enough to lock it.
        let Ok(file) = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .or_else(|_| File::open(&lock_path))
        else {
            return;
        };
        let locked = match file.try_lock() {
            Ok(()) => true,
            Err(std::fs::TryLockError::WouldBlock) => {
                say_waiting("another import", &ledger);
                file.lock().is_ok()
            }
            Err(std::fs::TryLockError::Error(_)) => false,
        };
        if locked {
            self.import_lock = Some(file);
        }
    }
}

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
    ///
    /// On PostgreSQL there are none to set aside (the engine keeps its indexes up to date
    /// well enough, and the writer role may not drop them): an empty list.
    pub fn bulk_indexes(&self) -> Result<Vec<IndexDef>, StoreError> {
        let Some(conn) = self.conn().lite() else {
            return Ok(Vec::new());
        };
        let mut stmt = conn.prepare(
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
        self.conn()
            .batch(&format!("DROP INDEX {}", quoted(&index.name)))
    }

    /// Builds an index again from the statement that first made it. SQLite may sort
    /// with a helper thread per spare core meanwhile (`PRAGMA threads`, for this
    /// connection only).
    pub fn create_index(&self, index: &IndexDef) -> Result<(), StoreError> {
        // The index is built from the rows there: the events waiting go in first.
        self.flush_events()?;
        let helpers = std::thread::available_parallelism().map_or(0, |n| n.get().min(4) - 1);
        if let Some(conn) = self.conn().lite() {
            conn.pragma_update(None, "threads", helpers as i64)?;
        }
        self.conn().batch(&index.sql)
    }

    /// The highest forecast id, about the number of forecasts (0 for none); one B-tree
    /// descent, unlike `count(*)`.
    pub fn max_forecast_id(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .row("SELECT max(id) FROM forecasts", args![], |r| {
                r.get::<Option<i64>>(0)
            })?
            .flatten()
            .unwrap_or(0))
    }

    /// Calls `f` with the identity of every stored forecast: claim id, forecaster,
    /// made_at in seconds since 1970 as stored, p and note (what [`Db::has_forecast`]
    /// compares, recorded_at aside).
    pub fn each_forecast_identity(
        &self,
        mut f: impl FnMut(i64, &str, i64, f64, Option<&str>),
    ) -> Result<(), StoreError> {
        let names = self.forecaster_names()?;
        self.conn().stream(
            "SELECT claim_id, forecaster_id, made_at, p, note FROM forecasts",
            args![],
            |r| {
                let note = match r.raw(4)? {
                    super::sql::Raw::Null => None,
                    v => Some(
                        v.as_str()
                            .map_err(|e| StoreError::Corrupt(format!("forecast note: {e}")))?,
                    ),
                };
                f(r.get(0)?, names.get(r.get(1)?)?, r.get(2)?, r.get(3)?, note);
                Ok(())
            },
        )
    }
}
