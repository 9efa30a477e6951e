//! A hermetic environment for running the binary: its own ledger file, a pinned "now",
//! no colour, and no inherited hindsight settings.

use std::path::PathBuf;

use assert_cmd::Command;

pub const NOW: &str = "2026-11-28T10:00:00Z";

/// Who the binary records as on a SQLite ledger (`HINDSIGHT_USER`), so that no output
/// depends on who runs the tests.
pub const USER: &str = "tester";

pub struct Env {
    pub dir: tempfile::TempDir,
    /// The ledger the binary is pointed at instead of the file `db()` (a PostgreSQL URL).
    pub target: Option<String>,
    /// `HINDSIGHT_USER` for the binary: who it records as on SQLite ([`USER`] unless a
    /// test says otherwise).
    pub user: String,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
            target: None,
            user: USER.to_string(),
        }
    }

    /// An environment whose ledger is `target` (e.g. a PostgreSQL URL) instead of a file.
    pub fn with_target(target: &str) -> Env {
        Env {
            target: Some(target.to_string()),
            ..Env::new()
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("ledger.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The binary with this environment's ledger and clock, as a plain process (for tests
    /// that spawn several at once).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin!("hindsight"));
        c.env_remove("HINDSIGHT_FORECASTER")
            .env_remove("COLUMNS")
            .env_remove("XDG_DATA_HOME")
            .env(
                "HINDSIGHT_DB",
                self.target
                    .clone()
                    .unwrap_or_else(|| self.db().display().to_string()),
            )
            .env("HINDSIGHT_NOW", NOW)
            .env("HINDSIGHT_USER", &self.user)
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path())
            .stdin(std::process::Stdio::null());
        c
    }

    /// The same, with assert_cmd's assertions.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// Runs a command whose reader closes its output at once (as `| head -0` would) and
    /// returns how it ended.
    pub fn run_into_closed_pipe(&self, args: &[&str]) -> std::process::Output {
        let mut child = self
            .std_cmd()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawns");
        drop(child.stdout.take());
        child.wait_with_output().expect("runs")
    }

    /// Runs a command that must succeed and returns its stdout, trimmed.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("runs");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8 stdout")
            .trim()
            .to_string()
    }

    /// Runs a command that must fail with `code`; returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.cmd().args(args).output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(code), "{args:?}: stderr {err}");
        assert!(out.stdout.is_empty(), "{args:?} wrote to stdout on failure");
        err
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).expect("valid JSON")
    }

    /// Every row of every table, as text: equal dumps mean an unchanged ledger.
    pub fn dump(&self) -> String {
        let conn = rusqlite::Connection::open(self.db()).expect("open ledger");
        let mut tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("table names");
        tables.retain(|t| !t.starts_with("sqlite_"));
        let mut out = String::new();
        for t in tables {
            let rows = self.dump_rows(&format!("SELECT * FROM \"{t}\" ORDER BY 1"));
            out.push_str(&format!("{t}\n{}\n", rows.join("\n")));
        }
        out
    }

    /// The rows of `query`, each as one line in the form [`Env::dump`] writes.
    pub fn dump_rows(&self, query: &str) -> Vec<String> {
        let conn = rusqlite::Connection::open(self.db()).expect("open ledger");
        let mut stmt = conn.prepare(query).expect("select");
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", r.get_ref(i).map(|v| format!("{v:?}"))))
                .collect();
            Ok(cells.join("|"))
        })
        .and_then(|rows| rows.collect())
        .expect("rows")
    }
}

/// A file with a short article of our own, for quotes.
pub const ARTICLE: &str = "The finance minister met lenders on Monday.\n\
Officials said the currency peg would be abandoned if and when\n  reserves fall below three months of imports.\n\
It remains to be seen how long the truce with the unions will last.\n";
