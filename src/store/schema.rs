//! The schema comes only from the numbered files in `migrations/`, embedded at build time
//! and applied in order by rusqlite_migration. Their number is the schema version kept in
//! SQLite's `user_version`; a database newer than this binary is refused untouched.

use include_dir::{include_dir, Dir};
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use super::StoreError;

static MIGRATIONS_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/migrations");

/// The embedded migrations, ordered by their `NNNN_` prefix. The numbers must run 1, 2, 3…
/// without gaps; a unit test checks it so a misnamed file fails the build's tests.
pub fn migrations() -> Result<Migrations<'static>, StoreError> {
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
        files.into_iter().map(|(_, sql)| M::up(sql)).collect(),
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
pub fn upgrade(conn: &mut Connection) -> Result<(), StoreError> {
    let found: usize = conn
        .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
        .map_err(StoreError::from_open)?
        .try_into()
        .unwrap_or(usize::MAX);
    let known = latest_version();
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    migrations()?
        .to_latest(conn)
        .map_err(|e| StoreError::Schema(format!("applying migrations: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid_and_numbered() {
        let m = migrations().expect("numbered migrations");
        m.validate()
            .expect("migrations apply cleanly to an empty database");
        assert!(latest_version() >= 1);
    }
}
