//! Where the ledger lives: one SQLite file (or memory), or a PostgreSQL database shared
//! by a team; opened, upgraded and guarded here.
//!
//! Only this module and its children speak SQL, through [`sql::Conn`], which runs the same
//! statements on either engine. Callers get a [`Db`] handle for reads and run writes
//! through [`Store::write`], which wraps them in one transaction: either everything a
//! command writes lands, or nothing does. On SQLite the transaction takes the file's one
//! write lock up front; on PostgreSQL it takes an advisory lock for the ledger, so that
//! writers on several machines append to the history one after another.

mod bulk;
mod events;
mod genesis;
mod open;
mod pg;
mod queries;
mod scan;
pub mod schema;
pub(crate) mod sql;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

pub use bulk::IndexDef;
pub use events::{Head, StoredEvent, Verdict};
pub use pg::is_url as is_postgres_url;
pub use queries::{ClaimFilter, ClaimRow, Db, ListRow, Table, Window};
pub use scan::{CountedRef, ForecastRef, ForecastScan, ScoringClaim, SourceFacts};
pub use sql::Engine;

use sql::{Conn, PgConn};

/// Why a database could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "database {path}: not a hindsight/SQLite database ({reason}); the file was left unchanged"
    )]
    NotADatabase { path: String, reason: String },
    #[error("database: schema version {found} is newer than this hindsight knows ({known}); upgrade hindsight; the ledger was left unchanged")]
    TooNew { found: usize, known: usize },
    #[error("database schema: {0}")]
    Schema(String),
    #[error("database {path}: {message}")]
    Open { path: String, message: String },
    #[error("database {path}: cannot write: {reason}; nothing was written")]
    Unwritable { path: String, reason: String },
    #[error(
        "database: the disk is full ({0}); the transaction was rolled back, nothing was written"
    )]
    Full(rusqlite::Error),
    #[error("database: {0}")]
    Sqlite(rusqlite::Error),
    #[error("database: {}", pg::message(.0))]
    Postgres(postgres::Error),
    #[error("database: stored value is corrupt: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Unsupported(String),
    /// A value the user gave the store (`HINDSIGHT_USER`) that it cannot accept.
    #[error(transparent)]
    Input(#[from] crate::domain::InputError),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::Full(e),
            _ => StoreError::Sqlite(e),
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        StoreError::Postgres(e)
    }
}

impl StoreError {
    fn from_open(e: rusqlite::Error) -> StoreError {
        StoreError::from(e)
    }
}

/// What [`Store::compact`] did: the file's size (with its write-ahead log) before and
/// after, and whether another process reading the ledger kept the space from coming back
/// yet.
#[derive(Debug, Clone, Copy)]
pub struct Compacted {
    pub before: u64,
    pub after: u64,
    pub pending: bool,
}

/// The connection a [`Store`] holds.
enum Handle {
    Lite(Connection),
    Pg(Box<PgConn>),
}

/// An open ledger.
pub struct Store {
    conn: Handle,
    /// The file, for messages (None in memory and on PostgreSQL).
    path: Option<PathBuf>,
    /// The time of this run, stamped on the events written through this store.
    now: DateTime<Utc>,
    /// Held while this process imports (see `bulk`): other writers wait for it.
    import_lock: Option<std::fs::File>,
    /// Who records through this store (see [`local_user`] and [`Store::open_postgres`]),
    /// stamped on every record written without a `recorded_by` of its own.
    who: Option<Arc<str>>,
}

/// The variable that names who records through a SQLite ledger.
pub const USER_ENV: &str = "HINDSIGHT_USER";

/// Who records through a SQLite ledger opened by this process: `$HINDSIGHT_USER` when set
/// to something other than blanks (trimmed, and refused when it holds control characters,
/// like a forecaster's name), else the operating system's name for the user running it
/// (None if it has none, or one the rule for names refuses). A file ledger cannot tell
/// who opens it, so this is what the user says or the system reports, not a proof.
pub fn local_user() -> Result<Option<String>, crate::domain::InputError> {
    use crate::domain::validate::recorder;
    match std::env::var(USER_ENV) {
        Ok(v) if !v.trim().is_empty() => return recorder(USER_ENV, &v).map(Some),
        Err(std::env::VarError::NotUnicode(v)) => {
            return Err(crate::domain::InputError::new(
                USER_ENV,
                &v.to_string_lossy(),
                "expected a name in UTF-8",
            ))
        }
        _ => {}
    }
    Ok(whoami::username()
        .ok()
        .and_then(|name| recorder("user name", &name).ok()))
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// A file beside the ledger: `path` with `suffix` appended to its name, as SQLite names
/// its `-wal` and `-shm` files ("ledger.db" → "ledger.db-wal").
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Refuses, before SQLite touches it, a file that cannot be a whole SQLite database: wrong
/// magic bytes, or a length that does not match the page size and page count in its header.
/// A truncated copy would otherwise open and fail later, half-way through a command.
///
/// The file can look truncated while another process checkpoints into it (page 1, with the
/// new page count, is written before the pages that extend the file). A checkpoint reads
/// from the write-ahead log, which exists until it is done; so a file that looks truncated
/// while a log lies beside it is left to SQLite, and one without a log is looked at again
/// before it is refused.
fn check_existing_file(path: &Path) -> Result<(), StoreError> {
    let wal = beside(path, "-wal");
    let mut looks = 0;
    loop {
        match check_file_once(path) {
            Err(StoreError::NotADatabase { reason, .. })
                if reason == TRUNCATED && Path::new(&wal).exists() =>
            {
                return Ok(())
            }
            Err(StoreError::NotADatabase { reason, .. }) if reason == TRUNCATED && looks < 3 => {
                looks += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

const TRUNCATED: &str = "it is truncated or damaged";

const READ_ONLY_FOLDER: &str = "the file or its folder is read-only, and SQLite must write \
     beside a WAL-mode ledger even to read it";

fn check_file_once(path: &Path) -> Result<(), StoreError> {
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
        return Err(refuse(TRUNCATED));
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
    /// Opens (creating it and its folders if needed) the ledger at `path`. `now` is the
    /// time of this run (`Ctx.now`): the history records it on every change made through
    /// this store, including the first events an upgrade writes.
    pub fn open(path: &Path, now: DateTime<Utc>) -> Result<Store, StoreError> {
        // A name refused is refused before the file is touched.
        let who = local_user()?;
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
        Store::prepare(conn, Some(path), now, who)
    }

    /// A throwaway ledger in memory (the demo, tests).
    pub fn open_in_memory(now: DateTime<Utc>) -> Result<Store, StoreError> {
        let who = local_user()?;
        Store::prepare(Connection::open_in_memory()?, None, now, who)
    }

    fn prepare(
        mut conn: Connection,
        path: Option<&Path>,
        now: DateTime<Utc>,
        who: Option<String>,
    ) -> Result<Store, StoreError> {
        let shown = path.map(|p| p.display().to_string()).unwrap_or_default();
        let not_db = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
                StoreError::NotADatabase {
                    path: shown.clone(),
                    reason: e.to_string(),
                }
            }
            Some(ErrorCode::ReadOnly) => StoreError::Unwritable {
                path: shown.clone(),
                reason: format!("{READ_ONLY_FOLDER} ({e})"),
            },
            _ if path.is_some() => StoreError::Open {
                path: shown.clone(),
                message: e.to_string(),
            },
            _ => StoreError::from(e),
        };
        // Two processes writing at once wait for each other instead of failing.
        conn.busy_timeout(Duration::from_secs(10)).map_err(not_db)?;
        // Reading the schema version first makes SQLite read the header: a foreign file
        // fails here, before any pragma could write to it.
        conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
            .map_err(not_db)?;
        if path.is_some() {
            // Switching a ledger into WAL mode needs it to itself, and SQLite reports a
            // busy database here without waiting on the busy timeout; so wait here, as
            // long as that timeout, for the other processes opening it at the same time.
            let mut waited = 0;
            loop {
                match conn
                    .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
                {
                    Ok(_) => break,
                    Err(e)
                        if waited < 1000
                            && matches!(
                                e.sqlite_error_code(),
                                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                            ) =>
                    {
                        waited += 1;
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Err(e) => return Err(not_db(e)),
                }
            }
            conn.pragma_update(None, "synchronous", "NORMAL")
                .map_err(not_db)?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(not_db)?;
        schema::upgrade(&mut conn, now).map_err(|e| match (e, path) {
            (StoreError::Schema(message), Some(p)) => StoreError::Open {
                path: p.display().to_string(),
                message: format!("upgrading the schema: {message}"),
            },
            (e, _) => e,
        })?;
        Ok(Store {
            conn: Handle::Lite(conn),
            path: path.map(Path::to_path_buf),
            now,
            import_lock: None,
            who: who.map(Arc::from),
        })
    }

    /// Opens the ledger in the PostgreSQL database `url` names (`postgres://…`, or
    /// `postgres:` alone for the one the standard `PG*` variables name), creating its
    /// tables or upgrading them first. What it records is stamped with the role it
    /// connected as (`current_user`), which the server has authenticated.
    pub fn open_postgres(url: &str, now: DateTime<Utc>) -> Result<Store, StoreError> {
        let conn = pg::connect(url)?;
        schema::upgrade_postgres(&conn, url)?;
        let role: String =
            Conn::Pg(&conn).one("SELECT CAST(current_user AS TEXT)", sql::args![], |r| {
                r.get(0)
            })?;
        let who = crate::domain::validate::recorder("current_user", &role).ok();
        Ok(Store {
            conn: Handle::Pg(Box::new(conn)),
            path: None,
            now,
            import_lock: None,
            who: who.map(Arc::from),
        })
    }

    /// Which engine holds this ledger.
    pub fn engine(&self) -> Engine {
        match self.conn {
            Handle::Lite(_) => Engine::Sqlite,
            Handle::Pg(_) => Engine::Postgres,
        }
    }

    fn conn(&self) -> Conn<'_> {
        match &self.conn {
            Handle::Lite(c) => Conn::Lite(c),
            Handle::Pg(c) => Conn::Pg(c),
        }
    }

    /// The ledger's file (None for a ledger in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// A handle for reading, inside one read transaction: every statement made through
    /// it sees the ledger as it stood at the first one, whatever other processes write
    /// meanwhile (WAL mode keeps that snapshot). The transaction ends when the handle is
    /// dropped. Opened while another read is under way on this store, it joins that one.
    pub fn read(&self) -> Result<Reader<'_>, StoreError> {
        let own = match &self.conn {
            Handle::Lite(c) => {
                let own = c.is_autocommit();
                if own {
                    c.execute_batch("BEGIN DEFERRED")?;
                }
                own
            }
            // REPEATABLE READ: every statement sees the snapshot of the first.
            Handle::Pg(c) => c.begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?,
        };
        Ok(Reader {
            db: Db::new(self.conn(), self.now),
            own,
        })
    }
}

/// A read transaction on the ledger, used as a [`Db`]; see [`Store::read`].
pub struct Reader<'c> {
    db: Db<'c>,
    /// Whether this handle began the transaction (and so ends it).
    own: bool,
}

impl<'c> std::ops::Deref for Reader<'c> {
    type Target = Db<'c>;
    fn deref(&self) -> &Db<'c> {
        &self.db
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if self.own {
            // A read transaction has nothing to keep; ending it cannot lose anything, and
            // if it fails the connection is closed moments later with the process.
            let _ = self.db.conn().end("ROLLBACK");
        }
    }
}

/// Turns a failure to start or commit a write into a message that names the database and
/// says why: read-only, full, or locked by another program for too long.
fn write_error(path: Option<&Path>, e: rusqlite::Error) -> StoreError {
    let path = path
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| ":memory:".to_string());
    let reason = match e.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) => {
            format!("the database file or its folder is read-only, or was opened read-only ({e})")
        }
        Some(ErrorCode::DiskFull) => format!("the disk is full ({e})"),
        Some(ErrorCode::PermissionDenied)
        | Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::SystemIoFailure) => e.to_string(),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            format!("another program kept it locked for longer than the 10 s this waits ({e})")
        }
        _ => return StoreError::from(e),
    };
    StoreError::Unwritable { path, reason }
}

impl Store {
    /// Runs `f` inside one IMMEDIATE transaction: the write lock is taken up front (so a
    /// concurrent writer waits on the busy timeout rather than failing mid-way), and the
    /// transaction commits only if `f` succeeds. Any error rolls everything back.
    pub fn write<T, E>(&mut self, f: impl FnOnce(&Db<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.refuse_read_only()?;
        self.transaction(f, true)
    }

    /// Runs `f` in a write transaction, then commits it (`keep`) or rolls it back; an
    /// error from `f` always rolls it back.
    fn transaction<T, E>(
        &mut self,
        f: impl FnOnce(&Db<'_>) -> Result<T, E>,
        keep: bool,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let now = self.now;
        let path = self.path.as_deref();
        let who = self.who.clone();
        match &self.conn {
            Handle::Lite(_) => {
                let tx = self.begin_immediate()?;
                let db = Db::new(Conn::Lite(&tx), now)
                    .recording_as(who)
                    .batching_events();
                let value = f(&db)?;
                // What waits to be derived from the writes, in the same transaction, and
                // the events waiting to be inserted.
                db.settle_open_claims()?;
                db.flush_events()?;
                drop(db);
                if keep {
                    tx.commit().map_err(|e| write_error(path, e))?;
                } else {
                    tx.rollback().map_err(StoreError::from)?;
                }
                Ok(value)
            }
            Handle::Pg(c) => {
                pg::begin_write(c)?;
                let db = Db::new(Conn::Pg(c), now).recording_as(who);
                let result = f(&db).and_then(|value| {
                    db.settle_open_claims().map_err(E::from)?;
                    Ok(value)
                });
                drop(db);
                match result {
                    Ok(value) if keep => {
                        Conn::Pg(c).end("COMMIT")?;
                        Ok(value)
                    }
                    Ok(value) => {
                        // A rehearsal sends what waits, so the database checks it as a
                        // real write would have it checked, then undoes it all.
                        let sent = Conn::Pg(c).flush();
                        Conn::Pg(c).end("ROLLBACK")?;
                        sent.map(|()| value).map_err(E::from)
                    }
                    Err(e) => {
                        Conn::Pg(c).end("ROLLBACK")?;
                        Err(e)
                    }
                }
            }
        }
    }

    /// SQLite opens a file it may not write read-only without saying so; a write asks
    /// before starting, so the refusal names the database instead of failing mid-way.
    fn refuse_read_only(&self) -> Result<(), StoreError> {
        let Handle::Lite(conn) = &self.conn else {
            return Ok(()); // PostgreSQL refuses by the role's rights, with its own message
        };
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(StoreError::Unwritable {
                path: self
                    .path
                    .as_deref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| ":memory:".to_string()),
                reason: "the file is read-only for this user".to_string(),
            });
        }
        Ok(())
    }

    /// Starts the IMMEDIATE transaction of a write. An import holds the write lock far
    /// longer than the busy timeout; unless this process is the import, it first waits for
    /// any import in progress, and waits again for one that took the lock meanwhile, instead
    /// of giving up (see `bulk`).
    fn begin_immediate(&self) -> Result<rusqlite::Transaction<'_>, StoreError> {
        let path = self.path.as_deref();
        let conn = self.connection();
        let other_import = |path: Option<&Path>| match path {
            Some(p) if self.import_lock.is_none() => bulk::wait_for_import(p),
            _ => false,
        };
        loop {
            other_import(path);
            match rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate) {
                Ok(tx) => return Ok(tx),
                Err(e)
                    if matches!(
                        e.sqlite_error_code(),
                        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                    ) && other_import(path) => {}
                Err(e) => return Err(write_error(path, e)),
            }
        }
    }

    /// Rewrites the file without the pages left free inside it (SQLite's VACUUM), as an
    /// upgrade that rebuilds a table leaves them. Waits for an import in progress like a
    /// writer (other writers wait for it on the busy timeout); the content, and so the
    /// history and its head, is unchanged. A ledger in memory has no file: `None`.
    pub fn compact(&mut self) -> Result<Option<Compacted>, StoreError> {
        let (Some(path), Handle::Lite(conn)) = (self.path.clone(), &self.conn) else {
            return Ok(None);
        };
        self.refuse_read_only()?;
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let wal = beside(&path, "-wal");
        let before = size(&path) + size(&wal);
        if self.import_lock.is_none() {
            bulk::wait_for_import(&path);
        }
        conn.execute_batch("VACUUM")
            .map_err(|e| write_error(Some(&path), e))?;
        // In WAL mode the rewritten pages go to the log first; moving them into the file
        // and emptying the log is what gives the space back. Another process still reading
        // keeps the log from being emptied (SQLite then reports the checkpoint busy): the
        // space comes back at a later checkpoint, once it has finished.
        let busy: i64 = conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .map_err(|e| write_error(Some(&path), e))?;
        Ok(Some(Compacted {
            before,
            after: size(&path) + size(&wal),
            pending: busy != 0,
        }))
    }

    /// Runs `f` like [`Store::write`] but always rolls back: a dry run sees every check a
    /// real write would meet, and leaves nothing behind.
    pub fn rehearse<T, E>(&mut self, f: impl FnOnce(&Db<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.transaction(f, false)
    }

    /// Copies the ledger to `dest` with SQLite's online backup, then verifies the copy
    /// and returns what `verify` found there.
    ///
    /// The copy is made in a single backup step, which reads every page inside one read
    /// transaction: in WAL mode other processes keep writing meanwhile, and the copy is the
    /// ledger as it stood when the step began. (Copying in several steps would restart each
    /// time another process wrote, see https://www.sqlite.org/c3ref/backup_finish.html.)
    pub fn backup_to(&self, dest: &Path) -> Result<Verdict, StoreError> {
        use rusqlite::backup::{Backup, StepResult};
        let conn = match &self.conn {
            Handle::Lite(conn) => conn,
            Handle::Pg(_) => return self.copy_to_file(dest),
        };
        let mut out = Connection::open(dest)?;
        out.busy_timeout(Duration::from_secs(10))?;
        {
            let backup = Backup::new(conn, &mut out)?;
            let mut waits = 0;
            loop {
                match backup.step(-1)? {
                    StepResult::Done => break,
                    StepResult::More => {}
                    // Busy or locked: a writer holds a lock the first read needs; wait a
                    // little, for at most about ten seconds in all.
                    _ if waits < 1000 => {
                        waits += 1;
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    _ => {
                        return Err(StoreError::Open {
                            path: dest.display().to_string(),
                            message: "the ledger stayed locked for over 10 s; no copy made"
                                .to_string(),
                        })
                    }
                }
            }
        }
        let db = Db::new(Conn::Lite(&out), self.now);
        db.verify()
    }

    /// Copies a PostgreSQL ledger into a new SQLite file at `dest`, table by table and row
    /// by row with every id, the history included, from one snapshot of the ledger
    /// (others may go on writing); then verifies the copy. The copy has the same history
    /// and head, and every command reads it as it reads the original.
    fn copy_to_file(&self, dest: &Path) -> Result<Verdict, StoreError> {
        use sql::{Arg, Raw};
        let mut copy = Store::open(dest, self.now)?;
        let from = self.read()?;
        let tables: Vec<String> = {
            let c = copy.connection();
            let mut stmt = c.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                  ORDER BY name",
            )?;
            let names = stmt.query_map([], |r| r.get(0))?;
            names.collect::<rusqlite::Result<_>>()?
        };
        copy.write(|to| -> Result<(), StoreError> {
            // Rows come table by table, so references are checked once all are in.
            to.conn().batch("PRAGMA defer_foreign_keys = ON")?;
            for table in &tables {
                let columns: Vec<String> = to.conn().rows(
                    "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
                    sql::args![Arg::text(table)],
                    |r| r.get(0),
                )?;
                let list = columns.join(", ");
                let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let insert = format!("INSERT INTO {table} ({list}) VALUES ({})", marks.join(", "));
                from.conn().stream(
                    &format!("SELECT {list} FROM {table} ORDER BY 1"),
                    sql::args![],
                    |r| {
                        let mut values: Vec<Arg<'_>> = Vec::with_capacity(columns.len());
                        for i in 0..columns.len() {
                            values.push(match r.raw(i)? {
                                Raw::Null => Arg::Int(None),
                                Raw::Int(n) => Arg::Int(Some(n)),
                                Raw::Real(x) => Arg::Real(Some(x)),
                                Raw::Text(t) => Arg::text(t),
                                Raw::Blob(b) => Arg::Blob(Some(std::borrow::Cow::Borrowed(b))),
                            });
                        }
                        to.conn().execute(&insert, &values).map(|_| ())
                    },
                )?;
            }
            Ok(())
        })?;
        drop(from);
        let verdict = copy.read()?.verify();
        verdict
    }

    /// Lets SQLite keep up to `mib` MiB of database pages in memory on this connection
    /// (its default is 2 MiB). A bulk write touches index pages all over the file; with
    /// too small a cache it reads them again and again and spills half-written pages.
    pub fn set_cache_mib(&self, mib: u32) -> Result<(), StoreError> {
        if let Handle::Lite(conn) = &self.conn {
            conn.pragma_update(None, "cache_size", -(i64::from(mib) * 1024))?;
        }
        Ok(())
    }

    /// Keeps SQLite's temporary data in memory on this connection: the sorter that
    /// rebuilds an index and the journal each statement with triggers keeps so that it can
    /// be undone alone. A bulk import writes both by the megabyte; in files they cost a
    /// system call per page.
    pub fn temporary_in_memory(&self) -> Result<(), StoreError> {
        if let Handle::Lite(conn) = &self.conn {
            conn.pragma_update(None, "temp_store", "MEMORY")?;
        }
        Ok(())
    }

    /// The raw SQLite connection, for the few callers (tests, benchmarks) that need it.
    ///
    /// # Panics
    /// On a PostgreSQL ledger, which has none.
    pub fn connection(&self) -> &Connection {
        match &self.conn {
            Handle::Lite(c) => c,
            Handle::Pg(_) => panic!("Store::connection is for SQLite ledgers only"),
        }
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
        let err = Store::open(&path, chrono::Utc::now()).err().unwrap();
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), body);
    }

    #[test]
    fn a_read_sees_one_snapshot_while_another_connection_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let now = chrono::Utc::now();
        let mut writer = Store::open(&path, now).unwrap();
        let reader = Store::open(&path, now).unwrap();
        let r = reader.read().unwrap();
        let events = r.head().unwrap().events;
        assert!(r.sources().unwrap().is_empty());
        let source = crate::domain::Source {
            key: "s1".into(),
            title: "Written meanwhile".into(),
            authors: vec![],
            publisher: None,
            url: None,
            published: None,
            text: None,
            text_sha256: None,
            recorded_at: now,
            recorded_by: None,
        };
        writer
            .write(|db| crate::ledger::record_source(db, source))
            .unwrap();
        // Every later statement of the same read sees the ledger as it first stood.
        assert!(r.sources().unwrap().is_empty());
        assert_eq!(r.head().unwrap().events, events);
        assert_eq!(r.verify().unwrap().first, None);
        drop(r);
        assert_eq!(reader.read().unwrap().sources().unwrap().len(), 1);
    }

    #[test]
    fn new_file_gets_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/ledger.db");
        let store = Store::open(&path, chrono::Utc::now()).unwrap();
        let v: i64 = store
            .connection()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, schema::latest_version());
    }
}
