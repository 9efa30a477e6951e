//! What only PostgreSQL needs: reaching the server named by a connection string (or by
//! the standard `PG*` variables), taking the ledger's write lock, and saying its errors
//! on one line.

use postgres::{Config, NoTls};

use super::sql::{args, Conn, PgConn};
use super::StoreError;

/// Whether `target` (a `--db` value) names a PostgreSQL database rather than a file.
pub fn is_url(target: &str) -> bool {
    ["postgres:", "postgresql:"]
        .iter()
        .any(|p| target.len() >= p.len() && target[..p.len()].eq_ignore_ascii_case(p))
}

/// The standard variable `name`, if set and not empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The connection settings of `target`: a `postgres://` URL, with what it leaves out
/// taken from `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE` and `PGOPTIONS`
/// as libpq would; `postgres:` alone takes them all from there.
pub fn config(target: &str) -> Result<Config, StoreError> {
    let bare = target.trim_end_matches('/');
    let mut config = if bare.eq_ignore_ascii_case("postgres:")
        || bare.eq_ignore_ascii_case("postgresql:")
    {
        Config::new()
    } else {
        target.parse::<Config>().map_err(|e| StoreError::Open {
            path: shown(target),
            message: format!(
                "not a PostgreSQL connection string ({}); expected postgres://USER@HOST:PORT/DATABASE or postgres: with the PG* variables",
                message(&e)
            ),
        })?
    };
    if config.get_hosts().is_empty() {
        let host = env("PGHOST").unwrap_or_else(|| {
            if std::path::Path::new("/var/run/postgresql").is_dir() {
                "/var/run/postgresql".to_string()
            } else {
                "localhost".to_string()
            }
        });
        for h in host.split(',') {
            config.host(h);
        }
    }
    if config.get_ports().is_empty() {
        if let Some(port) = env("PGPORT") {
            let port = port.parse::<u16>().map_err(|_| StoreError::Open {
                path: shown(target),
                message: format!("PGPORT: '{port}' is not a port number (1-65535)"),
            })?;
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| env("USER"))
            .or_else(|| env("LOGNAME"))
            .ok_or_else(|| StoreError::Open {
                path: shown(target),
                message: "no user named: put one in the URL (postgres://USER@HOST/DATABASE) or set PGUSER".into(),
            })?;
        config.user(&user);
    }
    if config.get_password().is_none() {
        if let Some(pw) = env("PGPASSWORD") {
            config.password(pw);
        }
    }
    if config.get_dbname().is_none() {
        if let Some(db) = env("PGDATABASE") {
            config.dbname(&db);
        }
    }
    if config.get_options().is_none() {
        if let Some(options) = env("PGOPTIONS") {
            config.options(&options);
        }
    }
    if config.get_application_name().is_none() {
        config.application_name("hindsight");
    }
    Ok(config)
}

/// `target` as messages show it: without a password.
pub fn shown(target: &str) -> String {
    match (target.find("://"), target.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &target[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &target[..scheme + 3], &target[at..]),
                None => target.to_string(),
            }
        }
        _ => target.to_string(),
    }
}

/// Connects to the database `target` names.
pub fn connect(target: &str) -> Result<PgConn, StoreError> {
    let client = config(target)?
        .connect(NoTls)
        .map_err(|e| StoreError::Open {
            path: shown(target),
            message: format!("cannot connect: {}", message(&e)),
        })?;
    Ok(PgConn::new(client))
}

/// The key of the ledger's advisory lock: one number for hindsight, and the object id of
/// the ledger's `events` table, so that ledgers in different schemas of one database do
/// not wait for each other.
const LOCK_CLASS: i32 = i32::from_be_bytes(*b"hind");

/// The key of the lock an upgrade of the schema holds (with 0: before the tables exist).
pub const MIGRATION_LOCK: i32 = i32::from_be_bytes(*b"hinm");

/// Starts a write transaction and takes the ledger's write lock, waiting for the writer
/// that holds it. The lock is held until the transaction ends, so appends to the history
/// from several machines come one after another, each reading the head the last one left.
/// It is an advisory lock, which a role that may only insert can take, unlike a row lock.
pub fn begin_write(conn: &PgConn) -> Result<(), StoreError> {
    conn.begin("BEGIN ISOLATION LEVEL READ COMMITTED")?;
    let c = Conn::Pg(conn);
    let key = "CAST(?1 AS integer), CAST(CAST(CAST('events' AS regclass) AS oid) AS integer)";
    let locked = c
        .one(
            &format!("SELECT pg_try_advisory_xact_lock({key})"),
            args![LOCK_CLASS],
            |r| r.get::<bool>(0),
        )
        .and_then(|got| {
            if got {
                return Ok(());
            }
            // Another writer (perhaps a long import) holds it: say so, then wait.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "waiting for another writer on the ledger to finish…"
            );
            c.one(
                &format!("SELECT pg_advisory_xact_lock({key})"),
                args![LOCK_CLASS],
                |_| Ok(()),
            )
        });
    locked.inspect_err(|_| {
        let _ = c.end("ROLLBACK");
    })
}

/// A PostgreSQL error on one line: the server's message and its SQLSTATE, or the client's
/// description of what failed.
pub fn message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut m = format!("{} (SQLSTATE {})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                m.push_str(": ");
                m.push_str(detail);
            }
            m.replace('\n', " ")
        }
        None => {
            let mut m = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                m.push_str(": ");
                m.push_str(&s.to_string());
                source = s.source();
            }
            m.replace('\n', " ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("postgres://me@host/db"));
        assert!(is_url("postgresql://host/db"));
        assert!(is_url("postgres:"));
        assert!(is_url("POSTGRES://host/db"));
        assert!(!is_url("postgres.db"));
        assert!(!is_url("./postgres:x"));
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            shown("postgres://me:secret@host/db"),
            "postgres://me:***@host/db"
        );
        assert_eq!(shown("postgres://me@host/db"), "postgres://me@host/db");
        assert_eq!(shown("postgres:"), "postgres:");
    }
}
