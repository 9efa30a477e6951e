//! The schema comes only from the numbered files in `migrations/sqlite/` and
//! `migrations/postgres/`, embedded at build time and applied in order: on SQLite by
//! rusqlite_migration, with the number kept in SQLite's `user_version`; on PostgreSQL by
//! [`upgrade_postgres`], with the number kept in the table `hindsight_schema`. A database
//! newer than this binary is refused untouched.
//!
//! A migration that needs more than SQL gets a Rust hook, attached here by its number:
//! migration 2 (the history) writes the first events for the rows already in the ledger,
//! since SQL cannot compute their hashes (`store::genesis`, frozen on the schema of that
//! time, since it runs before every later migration).

use chrono::{DateTime, Utc};
use include_dir::{include_dir, Dir};
use rusqlite::{Connection, Transaction};
use rusqlite_migration::{HookError, HookResult, Migrations, M};

use super::sql::{args, Conn, PgConn};
use super::StoreError;

/// The number of the migration that creates the events table.
const EVENTS_MIGRATION: usize = 2;

static MIGRATIONS_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/migrations/sqlite");
static PG_MIGRATIONS_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/migrations/postgres");

/// The `.sql` files of `dir` by their `NNNN_` number, checked to run 1, 2, 3… without gaps.
fn numbered(dir: &'static Dir<'static>) -> Result<Vec<(usize, &'static str, String)>, StoreError> {
    let mut files = Vec::new();
    for file in dir.files() {
        let name = file.path().to_str().unwrap_or_default();
        if !name.ends_with(".sql") {
            continue;
        }
        let number = name
            .split_once('_')
            .and_then(|(n, _)| n.parse::<usize>().ok())
            .ok_or_else(|| {
                StoreError::Schema(format!("migration file {name} has no NNNN_ prefix"))
            })?;
        let sql = file
            .contents_utf8()
            .ok_or_else(|| StoreError::Schema(format!("migration file {name} is not UTF-8")))?;
        files.push((number, sql, name.to_string()));
    }
    files.sort_by_key(|(n, _, _)| *n);
    for (i, (n, _, _)) in files.iter().enumerate() {
        if *n != i + 1 {
            return Err(StoreError::Schema(format!(
                "migrations must be numbered 1, 2, 3… without gaps; found {n} at position {}",
                i + 1
            )));
        }
    }
    Ok(files)
}

/// The embedded migrations, ordered by their `NNNN_` prefix, with their hooks. The numbers
/// must run 1, 2, 3… without gaps; a unit test checks it so a misnamed file fails the
/// build's tests. `now` is the time the hooks stamp on what they write.
pub fn migrations(now: DateTime<Utc>) -> Result<Migrations<'static>, StoreError> {
    Ok(Migrations::new(
        numbered(&MIGRATIONS_DIR)?
            .into_iter()
            .map(|(n, sql, _)| match n {
                EVENTS_MIGRATION => M::up_with_hook(sql, move |tx: &Transaction| -> HookResult {
                    super::genesis::write(tx, now)
                        .map_err(|e| HookError::Hook(format!("writing the first events: {e}")))
                }),
                _ => M::up(sql),
            })
            .collect(),
    ))
}

/// The schema version this binary writes.
pub fn latest_version() -> usize {
    MIGRATIONS_DIR
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "sql"))
        .count()
}

/// Brings `conn` to the latest schema, or refuses a database from a newer hindsight.
pub fn upgrade(conn: &mut Connection, now: DateTime<Utc>) -> Result<(), StoreError> {
    let found: usize = conn
        .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
        .map_err(StoreError::from_open)?
        .try_into()
        .unwrap_or(usize::MAX);
    let known = latest_version();
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    if found == known {
        return Ok(());
    }
    // Several processes may open a new or old ledger at once. Each migration then takes
    // the write lock up front (IMMEDIATE, waiting on the busy timeout) instead of failing
    // when it upgrades a read lock; one process applies it, and the others, which read the
    // version before it did, fail on tables that now exist: for them, a ledger now at the
    // latest version is success.
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    let result = migrations(now)?.to_latest(conn);
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Deferred);
    match result {
        Ok(()) => Ok(()),
        Err(e) => {
            let now_at: i64 = conn
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(StoreError::from_open)?;
            if usize::try_from(now_at).is_ok_and(|v| v == known) {
                Ok(())
            } else {
                // The error repeats the failing migration's whole SQL; name its file
                // instead (all pending migrations run in one transaction, rolled back).
                let (which, cause) = match e {
                    rusqlite_migration::Error::RusqliteError { query, err } => (
                        MIGRATIONS_DIR
                            .files()
                            .find(|f| f.contents_utf8() == Some(query.as_str()))
                            .map(|f| format!("migration {}", f.path().display()))
                            .unwrap_or_else(|| "a migration".to_string()),
                        err.to_string(),
                    ),
                    other => ("a migration".to_string(), other.to_string()),
                };
                Err(StoreError::Schema(format!(
                    "{which} failed, the file was left unchanged: {cause}"
                )))
            }
        }
    }
}

/// The schema version this binary writes on PostgreSQL.
pub fn latest_postgres_version() -> usize {
    PG_MIGRATIONS_DIR
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "sql"))
        .count()
}

/// The schema version of the PostgreSQL ledger on `conn`: 0 where its tables do not exist
/// yet (in the first schema of the connection's search path).
fn postgres_version(conn: &PgConn) -> Result<usize, StoreError> {
    let c = Conn::Pg(conn);
    let exists = c.one(
        "SELECT to_regclass('hindsight_schema') IS NOT NULL",
        args![],
        |r| r.get::<bool>(0),
    )?;
    if !exists {
        return Ok(0);
    }
    let v: i64 = c.one(
        "SELECT coalesce(max(version), 0) FROM hindsight_schema",
        args![],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(v).unwrap_or(usize::MAX))
}

/// Brings the PostgreSQL ledger on `conn` to the latest schema, or refuses one from a
/// newer hindsight. Pending migrations run in one transaction under the ledger's
/// advisory lock, so that two machines opening a new ledger at once create it once.
pub fn upgrade_postgres(conn: &PgConn, target: &str) -> Result<(), StoreError> {
    let known = latest_postgres_version();
    let found = postgres_version(conn)?;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    if found == known {
        return Ok(());
    }
    let c = Conn::Pg(conn);
    let failed = |what: String, e: StoreError| StoreError::Open {
        path: super::pg::shown(target),
        message: format!("upgrading the schema: {what} failed, nothing was changed: {e}"),
    };
    if c.one("SELECT current_schema() IS NULL", args![], |r| {
        r.get::<bool>(0)
    })? {
        return Err(StoreError::Open {
            path: super::pg::shown(target),
            message: "no schema to create the ledger in: the search_path names none that exists"
                .into(),
        });
    }
    conn.begin("BEGIN")?;
    let result = (|| {
        c.one(
            "SELECT pg_advisory_xact_lock(CAST(?1 AS integer), 0)",
            args![super::pg::MIGRATION_LOCK],
            |_| Ok(()),
        )?;
        c.batch("CREATE TABLE IF NOT EXISTS hindsight_schema (version BIGINT NOT NULL)")?;
        // Read again under the lock: another process may have upgraded meanwhile.
        let found = postgres_version(conn)?;
        if found > known {
            return Err(StoreError::TooNew { found, known });
        }
        for (n, sql, name) in numbered(&PG_MIGRATIONS_DIR)? {
            if n <= found {
                continue;
            }
            c.batch(sql)
                .map_err(|e| failed(format!("migration {name}"), e))?;
            c.execute(
                "INSERT INTO hindsight_schema (version) VALUES (?1)",
                args![n as i64],
            )?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => c.end("COMMIT"),
        Err(e) => {
            let _ = c.end("ROLLBACK");
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_migrations_are_numbered() {
        let files = numbered(&PG_MIGRATIONS_DIR).expect("numbered migrations");
        assert_eq!(files.len(), latest_postgres_version());
        assert!(latest_postgres_version() >= 1);
    }

    #[test]
    fn migrations_are_valid_and_numbered() {
        let m = migrations(Utc::now()).expect("numbered migrations");
        m.validate()
            .expect("migrations apply cleanly to an empty database");
        assert!(latest_version() >= 1);
    }
}
