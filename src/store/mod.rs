//! Where the ledger lives: one SQLite file (or memory), opened, upgraded and guarded here.
//!
//! Only this module and its children speak SQL. Callers get a [`Db`] handle for reads and
//! run writes through [`Store::write`], which wraps them in one IMMEDIATE transaction:
//! either everything a command writes lands, or nothing does.

mod bulk;
mod queries;
mod scan;
pub mod schema;

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use bulk::IndexDef;
pub use queries::{ClaimFilter, ClaimRow, Db, ListRow, Table, Window};
pub use scan::{ForecastRef, ForecastScan, ScoringClaim};

/// Why a database could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "database {path}: not a hindsight/SQLite database ({reason}); the file was left unchanged"
    )]
    NotADatabase { path: String, reason: String },
    #[error("database: schema version {found} is newer than this hindsight knows ({known}); upgrade hindsight, the file was left unchanged")]
    TooNew { found: usize, known: usize },
    #[error("database schema: {0}")]
    Schema(String),
    #[error("database {path}: {message}")]
    Open { path: String, message: String },
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database: stored value is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    fn from_open(e: rusqlite::Error) -> StoreError {
        StoreError::Sqlite(e)
    }
}

/// An open ledger.
pub struct Store {
    conn: Connection,
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Refuses, before SQLite touches it, a file that cannot be a whole SQLite database: wrong
/// magic bytes, or a length that does not match the page size and page count in its header.
/// A truncated copy would otherwise open and fail later, half-way through a command.
fn check_existing_file(path: &Path) -> Result<(), StoreError> {
    let shown = path.display().to_string();
    let refuse = |reason: &str| StoreError::NotADatabase {
        path: shown.clone(),
        reason: reason.to_string(),
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(_) => return Ok(()), // absent: it will be created
    };
    if meta.is_dir() {
        return Err(refuse("it is a directory"));
    }
    let len = meta.len();
    if len == 0 {
        return Ok(()); // an empty file is a valid, empty SQLite database
    }
    let mut header = [0u8; 100];
    let mut f = std::fs::File::open(path).map_err(|e| StoreError::Open {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let got = read_up_to(&mut f, &mut header).map_err(|e| StoreError::Open {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    if got < 100 || &header[..16] != SQLITE_MAGIC {
        return Err(refuse("it does not start with the SQLite header"));
    }
    // Header layout: https://www.sqlite.org/fileformat.html §1.3 (page size at offset 16,
    // big-endian, 1 meaning 65536; page count at offset 28).
    let raw = u32::from(u16::from_be_bytes([header[16], header[17]]));
    let page = if raw == 1 { 65536 } else { raw };
    if page < 512 || !page.is_power_of_two() {
        return Err(refuse("its header has an invalid page size"));
    }
    let pages = u32::from_be_bytes([header[28], header[29], header[30], header[31]]);
    // The page count is only trustworthy when the "version-valid-for" number (offset 92)
    // equals the change counter (offset 24).
    let count_valid = header[24..28] == header[92..96];
    let page = u64::from(page);
    if len % page != 0 || (count_valid && pages > 0 && len < u64::from(pages) * page) {
        return Err(refuse("it is truncated or damaged"));
    }
    Ok(())
}

fn read_up_to(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut total = 0;
    while total < buf.len() {
        match f.read(&mut buf[total..])? {
            0 => break,
            n => total += n,
        }
    }
    Ok(total)
}

impl Store {
    /// Opens (creating it and its folders if needed) the ledger at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        check_existing_file(path)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Open {
                path: parent.display().to_string(),
                message: format!("cannot create folder: {e}"),
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| StoreError::Open {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Store::prepare(conn, Some(path))
    }

    /// A throwaway ledger in memory (the demo, tests).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::prepare(Connection::open_in_memory()?, None)
    }

    fn prepare(mut conn: Connection, path: Option<&Path>) -> Result<Store, StoreError> {
        let shown = path.map(|p| p.display().to_string()).unwrap_or_default();
        let not_db = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase)
            | Some(rusqlite::ErrorCode::DatabaseCorrupt) => StoreError::NotADatabase {
                path: shown.clone(),
                reason: e.to_string(),
            },
            _ => StoreError::Sqlite(e),
        };
        // Two processes writing at once wait for each other instead of failing.
        conn.busy_timeout(Duration::from_secs(10)).map_err(not_db)?;
        // Reading the schema version first makes SQLite read the header: a foreign file
        // fails here, before any pragma could write to it.
        conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
            .map_err(not_db)?;
        if path.is_some() {
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
                .map_err(not_db)?;
            conn.pragma_update(None, "synchronous", "NORMAL")
                .map_err(not_db)?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(not_db)?;
        schema::upgrade(&mut conn)?;
        Ok(Store { conn })
    }

    /// A handle for reading.
    pub fn read(&self) -> Db<'_> {
        Db::new(&self.conn)
    }

    /// Runs `f` inside one IMMEDIATE transaction: the write lock is taken up front (so a
    /// concurrent writer waits on the busy timeout rather than failing mid-way), and the
    /// transaction commits only if `f` succeeds. Any error rolls everything back.
    pub fn write<T, E>(&mut self, f: impl FnOnce(&Db<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let value = f(&Db::new(&tx))?;
        tx.commit().map_err(StoreError::from)?;
        Ok(value)
    }

    /// Runs `f` like [`Store::write`] but always rolls back: a dry run sees every check a
    /// real write would meet, and leaves nothing behind.
    pub fn rehearse<T, E>(&mut self, f: impl FnOnce(&Db<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let value = f(&Db::new(&tx))?;
        tx.rollback().map_err(StoreError::from)?;
        Ok(value)
    }

    /// Copies the ledger to `dest` with SQLite's online backup, which yields to writers
    /// and gives a consistent snapshot.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        let mut out = Connection::open(dest)?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut out)?;
        backup.run_to_completion(256, Duration::from_millis(5), None)?;
        Ok(())
    }

    /// Lets SQLite keep up to `mib` MiB of database pages in memory on this connection
    /// (its default is 2 MiB). A bulk write touches index pages all over the file; with
    /// too small a cache it reads them again and again and spills half-written pages.
    pub fn set_cache_mib(&self, mib: u32) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "cache_size", -(i64::from(mib) * 1024))?;
        Ok(())
    }

    /// The raw connection, for the few callers (tests, benchmarks) that need it.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_file_refused_and_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        let body = b"these are my notes, not a database\n".repeat(20);
        std::fs::write(&path, &body).unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), body);
    }

    #[test]
    fn new_file_gets_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/ledger.db");
        let store = Store::open(&path).unwrap();
        let v: i64 = store
            .connection()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, schema::latest_version());
    }
}
