//! The schema comes only from the numbered files in `migrations/`, embedded at build time
//! and applied in order by rusqlite_migration. Their number is the schema version kept in
//! SQLite's `user_version`; a database newer than this binary is refused untouched.
//!
//! A migration that needs more than SQL gets a Rust hook, attached here by its number:
//! migration 2 (the history) writes the first events for the rows already in the ledger,
//! since SQL cannot compute their hashes (`store::genesis`, frozen on the schema of that
//! time, since it runs before every later migration).

use chrono::{DateTime, Utc};
use include_dir::{include_dir, Dir};
use rusqlite::{Connection, Transaction};
use rusqlite_migration::{HookError, HookResult, Migrations, M};

use super::StoreError;

/// The number of the migration that creates the events table.
const EVENTS_MIGRATION: usize = 2;

static MIGRATIONS_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/migrations");

/// The embedded migrations, ordered by their `NNNN_` prefix, with their hooks. The numbers
/// must run 1, 2, 3… without gaps; a unit test checks it so a misnamed file fails the
/// build's tests. `now` is the time the hooks stamp on what they write.
pub fn migrations(now: DateTime<Utc>) -> Result<Migrations<'static>, StoreError> {
    let mut files: Vec<(usize, &'static str)> = Vec::new();
    for file in MIGRATIONS_DIR.files() {
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
        files.push((number, sql));
    }
    files.sort_by_key(|(n, _)| *n);
    for (i, (n, _)) in files.iter().enumerate() {
        if *n != i + 1 {
            return Err(StoreError::Schema(format!(
                "migrations must be numbered 1, 2, 3… without gaps; found {n} at position {}",
                i + 1
            )));
        }
    }
    Ok(Migrations::new(
        files
            .into_iter()
            .map(|(n, sql)| match n {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid_and_numbered() {
        let m = migrations(Utc::now()).expect("numbered migrations");
        m.validate()
            .expect("migrations apply cleanly to an empty database");
        assert!(latest_version() >= 1);
    }
}
