//! One module per subcommand. Each defines its clap arguments (doc comments become
//! `--help`) and a `run` that parses values, calls the ledger or the scoring core, and
//! renders the result. `Ctx` carries what every command shares: the time and the ledger.

pub mod add;
pub mod backup;
pub mod chart;
pub mod compact;
pub mod compare;
pub mod completions;
pub mod demo;
pub mod due;
pub mod export;
pub mod extract;
pub mod filters;
pub mod forecast;
pub mod html;
pub mod import;
pub mod list;
pub mod log;
pub mod man;
pub mod postpone;
pub mod report;
pub mod resolve;
pub mod review;
pub mod show;
pub mod source;
pub mod verify;

use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};

use crate::error::Refused;
use crate::store::Store;

/// What every command is given.
pub struct Ctx {
    /// The one "now" of this run (see `clock`).
    pub now: DateTime<Utc>,
    /// `--db` or `HINDSIGHT_DB`, if given.
    pub db: Option<PathBuf>,
    /// Whether `db` came from the `--db` flag itself (not the environment).
    pub db_from_flag: bool,
}

impl Ctx {
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    /// Opens the ledger this run works on.
    pub fn open(&self) -> anyhow::Result<Store> {
        if let Some(url) = self.postgres() {
            return Store::open_postgres(url, self.now).map_err(Into::into);
        }
        Store::open(&self.path()?, self.now).map_err(Into::into)
    }

    /// The PostgreSQL database named by `--db` or `HINDSIGHT_DB` (`postgres://…`, or
    /// `postgres:` for the one the `PG*` variables name), if that is what they name.
    pub fn postgres(&self) -> Option<&str> {
        self.db
            .as_deref()
            .and_then(|p| p.to_str())
            .filter(|s| crate::store::is_postgres_url(s))
    }

    /// The ledger's file: `--db`, `HINDSIGHT_DB`, or the default place.
    pub fn path(&self) -> anyhow::Result<PathBuf> {
        match &self.db {
            Some(p) => Ok(p.clone()),
            None => Ok(crate::paths::default_db()?),
        }
    }

    /// The ledger for a command that must not create one: where no file exists yet, an
    /// empty ledger in memory stands in for it (what a new file would hold).
    pub fn open_without_creating(&self) -> anyhow::Result<Store> {
        if self.postgres().is_some() {
            // A database exists already; only hindsight's tables may be new in it.
            return self.open();
        }
        let path = self.path()?;
        if path.exists() {
            Store::open(&path, self.now).map_err(Into::into)
        } else {
            Store::open_in_memory(self.now).map_err(Into::into)
        }
    }
}

/// The default forecaster's name: `HINDSIGHT_FORECASTER`, else "me".
pub fn default_forecaster() -> String {
    std::env::var("HINDSIGHT_FORECASTER")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "me".to_string())
}

/// The forecaster a command acts for: `given` (from `--forecaster`), else the default,
/// read through the one rule for names (trimmed, no control characters).
pub fn forecaster_arg(given: Option<&str>) -> Result<String, crate::domain::InputError> {
    match given {
        Some(name) => crate::domain::validate::forecaster("--forecaster", name),
        None => crate::domain::validate::forecaster("HINDSIGHT_FORECASTER", &default_forecaster()),
    }
}

/// Reads a text file named on the command line, or standard input for "-".
pub fn read_text_arg(field: &str, path: &str) -> anyhow::Result<String> {
    let bytes = if path == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .with_context(|| format!("{field}: reading standard input"))?;
        buf
    } else {
        std::fs::read(path).map_err(|e| Refused(format!("{field}: cannot read '{path}': {e}")))?
    };
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            crate::render::note(&format!(
                "warning: {field}: '{path}' is not valid UTF-8; invalid bytes were replaced with U+FFFD"
            ));
            Ok(String::from_utf8_lossy(e.as_bytes()).into_owned())
        }
    }
}
