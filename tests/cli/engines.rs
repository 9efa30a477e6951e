//! The conformance suite: the same commands on both engines, a SQLite file and a
//! PostgreSQL database, with the same output expected from each.
//!
//! PostgreSQL comes from `HINDSIGHT_TEST_PG` (a connection URL, e.g.
//! `postgres://postgres@127.0.0.1:5432/test`); each test gets a schema of its own there,
//! dropped afterwards. Where the variable is unset the PostgreSQL half is skipped with a
//! visible `SKIPPED` line; where it is set but no server answers, the tests fail. Each test
//! that ran on PostgreSQL appends its name to the file `HINDSIGHT_TEST_PG_LOG` names, if
//! any, so that CI can say how many ran.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::common::Env;

/// A schema of its own on the test server, dropped with this value.
struct PgSchema {
    admin: postgres::Client,
    schema: String,
    base: String,
}

static NEXT_SCHEMA: AtomicU32 = AtomicU32::new(0);

/// Says on the terminal that `test` did not run on PostgreSQL. Written to stderr itself,
/// past the test harness's capture, so that a passing run still shows it.
fn skipped(test: &str) {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test} on PostgreSQL: HINDSIGHT_TEST_PG is not set"
    );
}

fn server() -> Option<String> {
    std::env::var("HINDSIGHT_TEST_PG")
        .ok()
        .filter(|v| !v.trim().is_empty())
}

impl PgSchema {
    fn new(base: &str) -> PgSchema {
        let mut admin = postgres::Client::connect(base, postgres::NoTls).unwrap_or_else(|e| {
            panic!("HINDSIGHT_TEST_PG={base}, but the server cannot be reached: {e}")
        });
        let schema = format!(
            "hs_test_{}_{}",
            std::process::id(),
            NEXT_SCHEMA.fetch_add(1, Ordering::SeqCst)
        );
        admin
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .expect("create the test schema");
        PgSchema {
            admin,
            schema,
            base: base.to_string(),
        }
    }

    /// The role the URL connects as: who the records made through it are stamped with.
    fn role(&mut self) -> String {
        self.admin
            .query_one("SELECT CAST(current_user AS TEXT)", &[])
            .expect("current_user")
            .get(0)
    }

    /// The URL of this schema's ledger, as `--db` takes it.
    fn url(&self) -> String {
        self.url_as(None)
    }

    /// The same, connecting as `user` instead of the URL's own.
    fn url_as(&self, user: Option<&str>) -> String {
        let mut base = self.base.clone();
        if let (Some(user), Some(at)) = (user, base.find("://")) {
            let rest = &base[at + 3..];
            let host = rest.split_once('@').map_or(rest, |(_, h)| h);
            base = format!("{}{user}@{host}", &base[..at + 3]);
        }
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}options=-csearch_path%3D{}", self.schema)
    }

    /// Runs `sql` in this schema as the server's administrator, with the append-only
    /// triggers switched off: what someone with the database's keys could do.
    fn tamper(&mut self, sql: &str) {
        self.admin
            .batch_execute(&format!(
                "SET search_path TO {}; SET session_replication_role = replica; {sql}; RESET session_replication_role",
                self.schema
            ))
            .unwrap_or_else(|e| panic!("tampering SQL runs: {sql}: {e}"));
    }

    /// Runs `sql` in this schema as `role` (SET ROLE): what that role may do.
    fn as_role(&mut self, role: &str, sql: &str) -> Result<(), String> {
        let result = self.admin.batch_execute(&format!(
            "SET search_path TO {}; SET ROLE {role}; {sql}",
            self.schema
        ));
        self.admin
            .batch_execute("RESET ROLE")
            .expect("reset the role");
        result.map_err(|e| {
            e.as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_string())
        })
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let _ = self
            .admin
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
    }
}

/// One ledger of the suite: a SQLite file, or a PostgreSQL schema.
struct Ledger {
    env: Env,
    pg: Option<PgSchema>,
}

impl Ledger {
    fn name(&self) -> &'static str {
        if self.pg.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
    }

    /// Edits the tables behind hindsight's back.
    fn tamper(&mut self, sql: &str) {
        match &mut self.pg {
            Some(pg) => pg.tamper(sql),
            None => {
                let conn = rusqlite::Connection::open(self.env.db()).expect("open ledger");
                // As on PostgreSQL, the history's guards are switched off first.
                conn.execute_batch(&format!(
                    "PRAGMA foreign_keys = OFF; DROP TRIGGER IF EXISTS events_no_update;
                     DROP TRIGGER IF EXISTS events_no_delete; {sql}"
                ))
                .unwrap_or_else(|e| panic!("tampering SQL runs: {sql}: {e}"));
            }
        }
    }
}

/// A fresh empty ledger on every engine available to `test`. Where PostgreSQL runs, the
/// SQLite ledger records as the role the server's ledger connects as
/// (`HINDSIGHT_USER`), so that both print the same names.
fn ledgers(test: &str) -> Vec<Ledger> {
    let mut out = vec![Ledger {
        env: Env::new(),
        pg: None,
    }];
    match server() {
        Some(base) => {
            let mut pg = PgSchema::new(&base);
            out[0].env.user = pg.role();
            out.push(Ledger {
                env: Env::with_target(&pg.url()),
                pg: Some(pg),
            });
            if let Ok(log) = std::env::var("HINDSIGHT_TEST_PG_LOG") {
                use std::io::Write;
                if let Ok(mut f) = std::fs::OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(log)
                {
                    let _ = writeln!(f, "postgres {test}");
                }
            }
        }
        None => skipped(test),
    }
    out
}

/// The PostgreSQL ledger alone, for a test of what only PostgreSQL does (with the
/// server's URL); None, after saying so, where no server is configured.
fn postgres_only(test: &str) -> Option<(Ledger, String)> {
    let Some(base) = server() else {
        skipped(test);
        return None;
    };
    let l = ledgers(test).pop().filter(|l| l.pg.is_some())?;
    Some((l, base))
}

/// What a command printed and how it ended, for comparing engines.
fn run(env: &Env, args: &[&str]) -> (Option<i32>, String, String) {
    let out = env.cmd().args(args).output().expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `script` on every ledger and checks each engine printed what SQLite printed;
/// returns SQLite's outputs.
fn same_everywhere(test: &str, script: &[Vec<&str>]) -> Vec<(Option<i32>, String, String)> {
    let mut first: Option<Vec<(Option<i32>, String, String)>> = None;
    for l in ledgers(test) {
        let outputs: Vec<_> = script.iter().map(|args| run(&l.env, args)).collect();
        match &first {
            None => first = Some(outputs),
            Some(expected) => {
                for ((args, got), want) in script.iter().zip(&outputs).zip(expected) {
                    assert_eq!(got, want, "{args:?} on {} differs from SQLite", l.name());
                }
            }
        }
    }
    first.expect("SQLite always runs")
}

fn words(s: &str) -> Vec<&str> {
    s.split(' ').collect()
}

/// Commands that use every kind of record: sources with authors, claims with tags, a
/// condition and a quote, forecasts by several people, revisions, a postponement, a
/// resolution recorded twice.
fn seed_script() -> Vec<Vec<&'static str>> {
    vec![
        vec![
            "source",
            "add",
            "--title",
            "Outlook",
            "--author",
            "A. Writer",
            "--author",
            "B. Writer",
            "--publisher",
            "P",
            "--published",
            "2026-01-01",
        ],
        words(
            "add Reserves-fall --by 2027-12-31 --source s1 --tag fx --criteria IMF --key reserves",
        ),
        words("add Peg-goes --by 2026-06-30 --if reserves --tag fx --tag economy"),
        words("add Unions-strike --by 2026-03-31 --tag labour"),
        words("forecast reserves --p 0.6 --forecaster ana --at 2026-01-02"),
        words("forecast c2 --p 0.3 --forecaster ben --at 2026-01-03"),
        words("forecast reserves --p 0.65 --forecaster ben --at 2026-01-04"),
        words("forecast reserves --p 0.7 --forecaster ana --at 2026-02-01 --note revised"),
        words("forecast c3 --p likely --forecaster ana --at 2026-01-05"),
        words("postpone c3 --to 2026-12-31 --note waiting"),
        words("resolve reserves yes --on 2026-06-01 --evidence statement"),
        words("resolve reserves no --on 2026-06-02 --note corrected"),
        words("resolve c2 no --on 2026-07-01"),
    ]
}

#[test]
fn every_command_prints_the_same_on_both_engines() {
    // A file to import, dry and then for real, on each engine.
    let files = tempfile::tempdir().expect("temp dir");
    let more = files.path().join("more.jsonl");
    std::fs::write(
        &more,
        concat!(
            r#"{"type":"claim","key":"imp1","statement":"Imported claim","resolve_by":"2027-06-30","tags":["fx"]}"#,
            "\n",
            r#"{"type":"forecast","claim":"imp1","forecaster":"zoe","p":0.3,"made_at":"2026-02-01T00:00:00Z"}"#,
            "\n",
            r#"{"type":"forecast","claim":"c3","forecaster":"zoe","p":0.6,"made_at":"2026-02-02T00:00:00Z"}"#,
            "\n",
        ),
    )
    .expect("write");
    let more = more.display().to_string();
    let mut script = seed_script();
    script.push(vec!["import", "--dry-run", &more]);
    script.push(words("verify --head"));
    script.push(vec!["import", &more]);
    for args in [
        "list",
        "list --json",
        "list --open",
        "list --due --within 60d",
        "list --overdue",
        "list --due --within 500d --limit 1",
        "list --resolved",
        "list --tag fx",
        "list --forecaster ana",
        "list --source s1",
        "show reserves",
        "show c3 --json",
        "source list",
        "source show s1",
        "log",
        "log reserves",
        "log --limit 2 --json",
        "report",
        "report --format json --resamples 0",
        "report --by tag --format csv",
        "report --as-of 2026-06-01 --format json --resamples 0",
        "report --rule time-avg --format json --resamples 0",
        "compare ana ben",
        "due --within 400d",
        "export",
        "export --format csv",
        "verify",
        "verify --head",
    ] {
        script.push(words(args));
    }
    let outputs = same_everywhere("every_command_prints_the_same_on_both_engines", &script);
    for ((code, _, err), args) in outputs.iter().zip(&script) {
        // `due` exits 10 when claims are due; everything else succeeds.
        let want = if args[0] == "due" { 10 } else { 0 };
        assert_eq!(*code, Some(want), "{args:?}: {err}");
    }
    let verify = &outputs[outputs.len() - 2].1;
    assert!(verify.starts_with("ok: 16 events"), "{verify}");
    // The dry run changed nothing: the head after it is the seeded ledger's.
    let seeded = seed_script().len();
    assert!(
        outputs[seeded]
            .1
            .contains("would add 0 sources, 1 claims, 2 forecasts"),
        "{}",
        outputs[seeded].1
    );
}

#[test]
fn charts_and_the_html_page_are_the_same_on_both_engines() {
    let mut pages: Vec<Vec<Vec<u8>>> = Vec::new();
    for l in ledgers("charts_and_the_html_page_are_the_same_on_both_engines") {
        for args in seed_script() {
            l.env.ok(&args);
        }
        l.env.ok(&["chart", "calibration", "-o", "cal.svg"]);
        l.env.ok(&["chart", "history", "-o", "history.svg"]);
        l.env
            .ok(&["report", "--format", "html", "-o", "report.html"]);
        pages.push(
            ["cal.svg", "history.svg", "report.html"]
                .iter()
                .map(|f| std::fs::read(l.env.path(f)).expect("written"))
                .collect(),
        );
    }
    assert!(pages.windows(2).all(|w| w[0] == w[1]), "the files differ");
}

/// A probability of −0 (typed, or in a file) is stored, shown and exported as 0 on both
/// engines: PostgreSQL would keep the sign that SQLite drops.
#[test]
fn a_probability_of_minus_zero_is_zero_on_both_engines() {
    let script: Vec<Vec<&str>> = vec![
        words("add Reserves-fall --by 2027-12-31"),
        words("forecast c1 --p -0 --forecaster ana --at 2026-01-02"),
        words("import minus-zero.jsonl"),
        words("list --open"),
        words("show c1"),
        words("export"),
        words("export --format csv"),
        words("log --json"),
        words("verify"),
    ];
    let line = r#"{"type":"forecast","claim":"c1","forecaster":"ben","p":-0.0,"made_at":"2026-01-03T00:00:00Z","note":null,"recorded_at":"2026-01-03T00:00:00Z"}"#;
    let mut first: Option<Vec<(Option<i32>, String, String)>> = None;
    for l in ledgers("a_probability_of_minus_zero_is_zero_on_both_engines") {
        std::fs::write(l.env.path("minus-zero.jsonl"), format!("{line}\n")).expect("written");
        let outputs: Vec<_> = script.iter().map(|args| run(&l.env, args)).collect();
        let (_, out, err) = &outputs[1];
        let recorded = format!("{out}{err}");
        assert!(
            recorded.contains(" 0% ") && !recorded.contains("-0%"),
            "{recorded}"
        );
        let (_, exported, _) = &outputs[5];
        assert!(exported.contains(r#""p":0.0,"#), "{exported}");
        assert!(!exported.contains("-0.0"), "{} {exported}", l.name());
        match &first {
            None => first = Some(outputs),
            Some(want) => {
                for ((args, got), want) in script.iter().zip(&outputs).zip(want) {
                    assert_eq!(got, want, "{args:?} on {} differs from SQLite", l.name());
                }
            }
        }
    }
}

#[test]
fn backup_copies_either_engine_into_a_file_with_the_same_history() {
    for l in ledgers("backup_copies_either_engine_into_a_file_with_the_same_history") {
        for args in seed_script() {
            l.env.ok(&args);
        }
        let head = l.env.ok(&["verify", "--head"]);
        let (code, _, err) = run(&l.env, &["backup", "copy.db"]);
        assert_eq!(code, Some(0), "{}: {err}", l.name());
        assert!(err.contains(&head), "{}: {err}", l.name());
        let copy = Env::new();
        std::fs::copy(l.env.path("copy.db"), copy.db()).expect("copy");
        assert_eq!(copy.ok(&["verify", "--head"]), head, "{}", l.name());
        assert_eq!(copy.ok(&["export"]), l.env.ok(&["export"]), "{}", l.name());
        assert_eq!(
            copy.ok(&["log", "--json"]),
            l.env.ok(&["log", "--json"]),
            "{}",
            l.name()
        );
    }
}

#[test]
fn bad_input_is_refused_alike_and_nothing_is_written() {
    let mut script = seed_script();
    let bad = [
        "forecast nosuch --p 0.5",
        "forecast reserves --p 1.5",
        "resolve c3 maybe",
        "add Again --key reserves --by 2027-01-01",
        "add Conditional --by 2027-01-01 --if nosuch",
        "postpone reserves --to 2030-01-01",
        "show nosuch",
        "import missing.jsonl",
    ];
    for args in bad {
        script.push(words(args));
    }
    script.push(words("export"));
    let outputs = same_everywhere("bad_input_is_refused_alike_and_nothing_is_written", &script);
    let seeded = seed_script().len();
    for (i, args) in bad.iter().enumerate() {
        let (code, out, err) = &outputs[seeded + i];
        assert_ne!(*code, Some(0), "{args} succeeded");
        assert!(out.is_empty(), "{args} wrote to stdout");
        assert_eq!(err.trim().lines().count(), 1, "{args}: {err}");
    }
    // A file that fails half-way is not half-imported, on either engine.
    let mut histories = Vec::new();
    for l in ledgers("bad_input_is_refused_alike_and_nothing_is_written/import") {
        for args in seed_script() {
            l.env.ok(&args);
        }
        let before = l.env.ok(&["export"]);
        let good = r#"{"type":"forecast","claim":"c3","forecaster":"zoe","p":0.2,"made_at":"2026-01-09T00:00:00Z"}"#;
        let bad = r#"{"type":"forecast","claim":"c3","forecaster":"zoe","p":2,"made_at":"2026-01-10T00:00:00Z"}"#;
        std::fs::write(l.env.path("half.jsonl"), format!("{good}\n{bad}\n")).unwrap();
        let err = l.env.fails(&["import", "half.jsonl"], 1);
        assert!(err.contains("half.jsonl:2: p"), "{}: {err}", l.name());
        assert_eq!(
            l.env.ok(&["export"]),
            before,
            "{} kept half an import",
            l.name()
        );
        // Text PostgreSQL cannot hold (U+0000) is refused on both engines, naming the field.
        for (line, field) in [
            (
                r#"{"type":"claim","key":"nul","statement":"S","resolve_by":"2027-01-01","criteria":"a\u0000b"}"#,
                "criteria",
            ),
            (r#"{"type":"source","key":"s9","title":"T\u0000"}"#, "title"),
            (
                r#"{"type":"forecast","claim":"c3","forecaster":"zoe","p":0.2,"made_at":"2026-01-09T00:00:00Z","note":"\u0000"}"#,
                "note",
            ),
        ] {
            std::fs::write(l.env.path("nul.jsonl"), format!("{line}\n")).unwrap();
            let err = l.env.fails(&["import", "nul.jsonl"], 1);
            assert!(
                err.contains(&format!("nul.jsonl:1: {field}")),
                "{}: {err}",
                l.name()
            );
            assert!(err.contains("U+0000"), "{}: {err}", l.name());
            assert_eq!(l.env.ok(&["export"]), before, "{}", l.name());
        }
        // The failed write used up no ids: the next records get the same ids, and so the
        // same history, on both engines.
        l.env.ok(&[
            "forecast",
            "c3",
            "--p",
            "0.25",
            "--forecaster",
            "zoe",
            "--at",
            "2026-01-11",
        ]);
        l.env
            .ok(&["add", "After-the-failure", "--by", "2027-01-01"]);
        histories.push(l.env.ok(&["log", "--limit", "3", "--json"]));
    }
    assert!(
        histories.windows(2).all(|w| w[0] == w[1]),
        "the engines numbered the records after a failed import differently: {histories:?}"
    );
}

#[test]
fn import_is_idempotent_and_a_ledger_moves_between_engines_unchanged() {
    // The source ledger is always a SQLite file.
    let origin = Env::new();
    for args in seed_script() {
        origin.ok(&args);
    }
    let exported = origin.ok(&["export"]);
    std::fs::write(origin.path("all.jsonl"), format!("{exported}\n")).unwrap();
    let file = origin.path("all.jsonl").display().to_string();
    for l in ledgers("import_is_idempotent_and_a_ledger_moves_between_engines_unchanged") {
        let (code, _, first) = run(&l.env, &["import", &file]);
        assert_eq!(code, Some(0), "{}: {first}", l.name());
        assert!(
            first.contains("(0 already present)"),
            "{}: {first}",
            l.name()
        );
        let (_, _, again) = run(&l.env, &["import", &file]);
        assert!(
            again.starts_with("imported 0 sources, 0 claims, 0 forecasts, 0 resolutions"),
            "{}: {again}",
            l.name()
        );
        assert_eq!(
            l.env.ok(&["export"]),
            exported,
            "{} changed the ledger",
            l.name()
        );
        assert_eq!(
            l.env.ok(&["export", "--format", "csv"]),
            origin.ok(&["export", "--format", "csv"]),
            "{}",
            l.name()
        );
        // And back into a new SQLite file, through a pipe as README shows.
        let back = Env::new();
        let out = l.env.ok(&["export"]);
        back.cmd()
            .args(["import", "-"])
            .write_stdin(format!("{out}\n"))
            .assert()
            .success();
        assert_eq!(back.ok(&["export"]), exported, "back from {}", l.name());
        l.env.ok(&["verify"]);
    }
}

#[test]
fn verify_names_the_same_tampering_on_both_engines() {
    let cases = [
        ("UPDATE forecasts SET p = 0.9 WHERE id = 1", "p"),
        (
            "DELETE FROM forecasts WHERE id = 2",
            "missing from the table",
        ),
        (
            "UPDATE resolutions SET resolved_on = '2025-01-01' WHERE id = 1",
            "resolved_on",
        ),
        ("DELETE FROM claim_tags WHERE tag = 'economy'", "tags"),
        (
            "UPDATE source_authors SET name = 'C. Writer' WHERE position = 1",
            "authors",
        ),
        (
            "UPDATE postponements SET resolve_by = '2030-01-01'",
            "resolve_by",
        ),
        ("DELETE FROM events WHERE seq = 13", "not in the history"),
        ("DELETE FROM events WHERE seq = 4", "jumps"),
        ("UPDATE open_claims SET due = '2031-01-01'", "open_claims"),
        (
            "INSERT INTO forecasters (id, name) VALUES (99, 'ghost')",
            "ghost",
        ),
        (
            "UPDATE forecasts SET recorded_by = 'mallory' WHERE id = 1",
            "recorded_by = \"mallory\"",
        ),
    ];
    for (sql, needle) in cases {
        let mut messages = Vec::new();
        for mut l in ledgers("verify_names_the_same_tampering_on_both_engines") {
            for args in seed_script() {
                l.env.ok(&args);
            }
            l.env.ok(&["verify"]);
            l.tamper(sql);
            let (code, out, err) = run(&l.env, &["verify"]);
            assert_eq!(code, Some(4), "{} after {sql}: {out}{err}", l.name());
            assert!(err.contains(needle), "{} after {sql}: {err}", l.name());
            messages.push(err);
        }
        assert!(
            messages.windows(2).all(|w| w[0] == w[1]),
            "{sql}: the engines say different things: {messages:?}"
        );
    }
}

#[test]
fn the_database_refuses_to_change_the_history() {
    for l in ledgers("the_database_refuses_to_change_the_history") {
        for args in seed_script() {
            l.env.ok(&args);
        }
        for sql in [
            "UPDATE events SET payload = '[]' WHERE seq = 4",
            "DELETE FROM events WHERE seq = 4",
        ] {
            let refused = match &l.pg {
                Some(_) => {
                    let mut admin =
                        postgres::Client::connect(&server().expect("server"), postgres::NoTls)
                            .expect("connect");
                    let schema = l.pg.as_ref().map(|p| p.schema.clone()).unwrap_or_default();
                    admin
                        .batch_execute(&format!("SET search_path TO {schema}; {sql}"))
                        .map_err(|e| {
                            e.as_db_error()
                                .map_or_else(|| e.to_string(), |d| d.message().to_string())
                        })
                }
                None => rusqlite::Connection::open(l.env.db())
                    .expect("open")
                    .execute_batch(sql)
                    .map_err(|e| e.to_string()),
            };
            let err = refused.expect_err(sql);
            assert!(err.contains("append-only"), "{}: {sql}: {err}", l.name());
        }
        l.env.ok(&["verify"]);
    }
}

/// A role of the test server, dropped with this value.
struct Role {
    name: String,
    base: String,
}

impl Role {
    fn new(base: &str, kind: &str, grants: &[String]) -> Role {
        let name = format!(
            "hs_{kind}_{}_{}",
            std::process::id(),
            NEXT_SCHEMA.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = postgres::Client::connect(base, postgres::NoTls).expect("connect");
        admin
            .batch_execute(&format!("CREATE ROLE {name} LOGIN"))
            .expect("create role");
        for g in grants {
            admin
                .batch_execute(&g.replace("{role}", &name))
                .unwrap_or_else(|e| panic!("{g}: {e}"));
        }
        Role {
            name,
            base: base.to_string(),
        }
    }
}

impl Drop for Role {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP OWNED BY {0}; DROP ROLE IF EXISTS {0}",
                self.name
            ));
        }
    }
}

#[test]
fn a_writer_role_adds_records_but_the_database_refuses_it_any_change() {
    let Some((mut l, base)) =
        postgres_only("a_writer_role_adds_records_but_the_database_refuses_it_any_change")
    else {
        return;
    };
    for args in seed_script() {
        l.env.ok(&args);
    }
    let pg = l.pg.as_mut().expect("a PostgreSQL ledger");
    let s = pg.schema.clone();
    let writer = Role::new(
        &base,
        "writer",
        &[
            format!("GRANT USAGE ON SCHEMA {s} TO {{role}}"),
            format!("GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA {s} TO {{role}}"),
            format!("GRANT UPDATE, DELETE ON {s}.open_claims TO {{role}}"),
        ],
    );
    let reader = Role::new(
        &base,
        "reader",
        &[
            format!("GRANT USAGE ON SCHEMA {s} TO {{role}}"),
            format!("GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {{role}}"),
        ],
    );
    let as_writer = Env::with_target(&pg.url_as(Some(&writer.name)));
    as_writer.ok(&["forecast", "c3", "--p", "0.4", "--forecaster", "cy"]);
    as_writer.ok(&["resolve", "c3", "yes", "--on", "2026-11-01"]);
    as_writer.ok(&["add", "Written by the writer", "--by", "2027-01-01"]);
    // What the writer recorded bears its role's name, whatever HINDSIGHT_USER says; what
    // the administrator recorded, the administrator's.
    assert_eq!(as_writer.user, crate::common::USER);
    let admin = pg.role();
    let shown = as_writer.json(&["show", "c3", "--json"]);
    let by = |list: &str| -> Vec<String> {
        shown[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["recorded_by"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(shown["recorded_by"], admin.as_str());
    assert_eq!(by("forecasts").last(), Some(&writer.name));
    assert!(by("forecasts")[..by("forecasts").len() - 1]
        .iter()
        .all(|n| *n == admin));
    assert_eq!(by("resolutions"), std::slice::from_ref(&writer.name));
    // An import keeps the names its file gives, and stamps the importer's on the rest.
    std::fs::write(
        as_writer.path("in.jsonl"),
        "{\"type\":\"claim\",\"key\":\"imp\",\"statement\":\"s\",\"resolve_by\":\"2027-01-01\",\"recorded_by\":\"ana.k\"}\n\
         {\"type\":\"forecast\",\"claim\":\"imp\",\"forecaster\":\"ann\",\"p\":0.4,\"made_at\":\"2026-01-01\"}\n",
    )
    .unwrap();
    as_writer.ok(&["import", "in.jsonl"]);
    let imported = as_writer.json(&["show", "imp", "--json"]);
    assert_eq!(imported["recorded_by"], "ana.k");
    assert_eq!(
        imported["forecasts"][0]["recorded_by"],
        writer.name.as_str()
    );
    for sql in [
        "UPDATE events SET payload = '[]' WHERE seq = 4",
        "DELETE FROM events WHERE seq = 4",
        "UPDATE forecasts SET p = 0.9",
        "DELETE FROM resolutions",
        "TRUNCATE claims CASCADE",
        "DROP TABLE events CASCADE",
    ] {
        let err = pg
            .as_role(&writer.name, sql)
            .expect_err(&format!("the writer role may not run {sql}"));
        assert!(
            err.contains("permission denied") || err.contains("must be owner"),
            "{sql}: {err}"
        );
    }
    let as_reader = Env::with_target(&pg.url_as(Some(&reader.name)));
    assert!(as_reader.ok(&["list"]).contains("Written by the writer"));
    let err = as_reader.fails(&["add", "Read-only", "--by", "2027-01-01"], 3);
    assert!(err.contains("permission denied"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    l.env.ok(&["verify"]);
}

#[test]
fn eight_writers_at_once_leave_one_unbroken_chain() {
    let Some((l, _)) = postgres_only("eight_writers_at_once_leave_one_unbroken_chain") else {
        return;
    };
    const WRITERS: usize = 8;
    const EACH: usize = 6;
    for w in 0..WRITERS {
        l.env.ok(&[
            "add",
            &format!("Claim {w}"),
            "--by",
            "2027-01-01",
            "--key",
            &format!("k{w}"),
        ]);
    }
    // Each writer is a process of its own, as on separate machines: every writer
    // forecasts on every claim, then resolves its own claim.
    std::thread::scope(|scope| {
        for w in 0..WRITERS {
            let env = &l.env;
            scope.spawn(move || {
                for i in 0..EACH {
                    let claim = format!("k{}", (w + i) % WRITERS);
                    let p = format!("0.{}", 1 + (w + i) % 9);
                    let at = format!("2026-01-{:02}", 1 + i);
                    let who = format!("w{w}");
                    env.ok(&[
                        "forecast",
                        &claim,
                        "--p",
                        &p,
                        "--forecaster",
                        &who,
                        "--at",
                        &at,
                    ]);
                }
                env.ok(&["resolve", &format!("k{w}"), "yes", "--on", "2026-06-01"]);
            });
        }
    });
    let verify = l.env.ok(&["verify"]);
    let events = WRITERS + WRITERS * EACH + WRITERS;
    assert!(
        verify.starts_with(&format!("ok: {events} events")),
        "{verify}"
    );
    let log = l.env.json(&["log", "--json"]);
    let seqs: Vec<i64> = log
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    let want: Vec<i64> = (1..=events as i64).rev().collect();
    assert_eq!(seqs, want, "one event per number, none lost");
    let list = l.env.json(&["list", "--json"]);
    for row in list.as_array().expect("array") {
        assert_eq!(row["forecasts"].as_u64(), Some(EACH as u64), "{row}");
        assert_eq!(row["outcome"].as_str(), Some("yes"), "{row}");
    }
}

#[test]
fn a_writer_that_finds_the_ledger_locked_says_so_and_waits() {
    use std::io::BufRead;
    let Some((l, base)) = postgres_only("a_writer_that_finds_the_ledger_locked_says_so_and_waits")
    else {
        return;
    };
    l.env
        .ok(&["add", "Locked-out", "--by", "2027-01-01", "--key", "k"]);
    let schema = l.pg.as_ref().expect("PostgreSQL").schema.clone();
    // Another writer holds the ledger's lock (the key is hindsight's: "hind" and the
    // events table, see store/pg.rs).
    let class = i32::from_be_bytes(*b"hind");
    let mut other = postgres::Client::connect(&base, postgres::NoTls).expect("connect");
    other
        .batch_execute(&format!(
            "SET search_path TO {schema}; BEGIN;
             SELECT pg_advisory_xact_lock({class}, CAST(CAST(CAST('events' AS regclass) AS oid) AS integer))"
        ))
        .expect("take the lock");
    let mut child = l
        .env
        .std_cmd()
        .args(["forecast", "k", "--p", "0.3"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("reads");
    assert!(line.contains("waiting for another writer"), "{line}");
    other.batch_execute("COMMIT").expect("release the lock");
    let status = child.wait().expect("finishes");
    assert!(status.success());
    assert!(l.env.ok(&["verify"]).starts_with("ok: 2 events"));
}

#[test]
fn a_database_written_by_a_newer_hindsight_is_refused_untouched() {
    for mut l in ledgers("a_database_written_by_a_newer_hindsight_is_refused_untouched") {
        for args in seed_script() {
            l.env.ok(&args);
        }
        let before = l.env.ok(&["export"]);
        let version: i64 = match &l.pg {
            Some(_) => 0,
            None => rusqlite::Connection::open(l.env.db())
                .expect("open")
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .expect("the version"),
        };
        match &mut l.pg {
            Some(pg) => pg.tamper("INSERT INTO hindsight_schema (version) VALUES (99)"),
            None => rusqlite::Connection::open(l.env.db())
                .expect("open")
                .pragma_update(None, "user_version", 99)
                .expect("set the version"),
        }
        let err = l.env.fails(&["list"], 3);
        assert!(
            err.contains("schema version 99 is newer")
                && err.contains("the ledger was left unchanged"),
            "{}: {err}",
            l.name()
        );
        match &mut l.pg {
            Some(pg) => pg.tamper("DELETE FROM hindsight_schema WHERE version = 99"),
            None => rusqlite::Connection::open(l.env.db())
                .expect("open")
                .pragma_update(None, "user_version", version)
                .expect("set the version back"),
        }
        assert_eq!(l.env.ok(&["export"]), before, "{}", l.name());
    }
}

/// A PostgreSQL ledger as the previous release (schema 1, payload format 3, kinds by name)
/// left it upgrades in place: the same history and head, a kind code per event, each
/// forecaster's first forecast, and new events chained on in format 4.
#[test]
fn a_schema_1_postgres_ledger_upgrades_and_chains_on_in_format_4() {
    use hindsight::domain::event::{chain_digest, hex, payload, Event, Record, FORMAT_V3, GENESIS};
    use hindsight::domain::{Claim, Forecast};
    let Some((mut l, _)) =
        postgres_only("a_schema_1_postgres_ledger_upgrades_and_chains_on_in_format_4")
    else {
        return;
    };
    let at = |s: &str| hindsight::domain::parse::time("t", s).expect("a time");
    let t = at("2026-01-01T09:00:00Z");
    let forecast = |p: f64, made: &str| {
        Record::Forecast(Forecast {
            claim: "c1".into(),
            forecaster: "ana".into(),
            p,
            made_at: at(made),
            note: None,
            recorded_at: at(made),
            recorded_by: Some("old".into()),
        })
    };
    let records = [
        (
            "claim",
            1,
            Record::Claim(Claim {
                key: "c1".into(),
                statement: "Rates rise".into(),
                resolve_by: chrono::NaiveDate::from_ymd_opt(2027, 12, 31).expect("a date"),
                opens_at: None,
                closes_at: None,
                source: None,
                condition: None,
                quote: None,
                criteria: None,
                tags: vec![],
                created_at: t,
                recorded_at: t,
                recorded_by: Some("old".into()),
            }),
        ),
        ("forecast", 1, forecast(0.7, "2026-01-02T09:00:00Z")),
        ("forecast", 2, forecast(0.6, "2026-01-03T09:00:00Z")),
    ];
    let mut sql = format!(
        "{}
         CREATE TABLE hindsight_schema (version BIGINT NOT NULL);
         INSERT INTO hindsight_schema (version) VALUES (1);
         INSERT INTO claims (id, key, statement, resolve_by, created_at, recorded_at, recorded_by)
              VALUES (1, 'c1', 'Rates rise', '2027-12-31', '2026-01-01T09:00:00Z',
                      '2026-01-01T09:00:00Z', 'old');
         INSERT INTO open_claims (claim_id, due) VALUES (1, '2027-12-31');
         INSERT INTO forecasters (id, name) VALUES (1, 'ana');
         INSERT INTO forecasts (id, claim_id, forecaster_id, p, made_at, note, recorded_at, recorded_by)
              VALUES (1, 1, 1, 0.7, 1767344400, NULL, 1767344400, 'old'),
                     (2, 1, 1, 0.6, 1767430800, NULL, 1767430800, 'old');",
        include_str!("../../migrations/postgres/0001_ledger.sql")
    );
    let mut prev = GENESIS.to_string();
    for (seq, (kind, id, record)) in records.into_iter().enumerate() {
        let e = Event {
            v: FORMAT_V3,
            ..Event::new(id, t, record)
        };
        let text = payload(&e).expect("a payload");
        let hash = chain_digest(&prev, &text);
        prev = hex(&hash);
        sql.push_str(&format!(
            "INSERT INTO events (seq, kind, claim_id, payload, hash)
                  VALUES ({}, '{kind}', 1, '{text}', '\\x{prev}');",
            seq + 1
        ));
    }
    l.pg.as_mut().expect("a PostgreSQL ledger").tamper(&sql);
    assert_eq!(l.env.ok(&["verify", "--head"]), prev);
    assert!(l.env.ok(&["verify"]).starts_with("ok: 3 events"));
    l.env
        .ok(&["forecast", "c1", "--p", "0.5", "--forecaster", "ana"]);
    l.env
        .ok(&["forecast", "c1", "--p", "0.4", "--forecaster", "bo"]);
    let newest = l.env.json(&["log", "--json", "--limit", "2"]);
    let payload = |i: usize| newest[i]["payload"].as_str().expect("text").to_string();
    assert!(
        payload(1).starts_with(r#"[4,"f",3,1795860000,1,1,0.5,1795860000,"#),
        "{}",
        payload(1)
    );
    assert!(
        payload(0).starts_with(r#"[4,"f",4,1795860000,1,"bo",0.4,1795860000,"#),
        "{}",
        payload(0)
    );
    assert_eq!(newest[1]["prev_hash"], prev.as_str());
    assert_eq!(newest[1]["record"]["forecaster"], "ana");
    assert!(l.env.ok(&["verify"]).starts_with("ok: 5 events"));
}

/// The seed ledger with more open claims: one forecast twice at the same moment (the one
/// recorded last is the latest), one without forecasts, one with a first forecast.
fn seed_open_claims(l: &Ledger) {
    for args in seed_script() {
        l.env.ok(&args);
    }
    l.env.ok(&words(
        "forecast c3 --p 0.2 --forecaster zoe --at 2026-01-05",
    ));
    l.env.ok(&words("add Quiet --by 2026-05-01"));
    l.env.ok(&words(
        "add Later --by 2026-09-01 --p 0.4 --forecaster ben --at 2026-01-10",
    ));
}

/// Each open claim's forecasts summed up in `open_claims` (SQLite migration 9, PostgreSQL
/// migration 2): a ledger of the schema before them gains them on upgrade and lists what
/// it listed; new forecasts keep them; `verify` passes, then names each kind of edit.
#[test]
fn open_claims_summaries_upgrade_list_the_same_and_are_verified() {
    let lists = [
        "list",
        "list --json",
        "list --open",
        "list --open --json",
        "list --due --within 400d",
        "list --overdue --json",
        "list --open --limit 1",
        "list --open --forecaster ana",
    ];
    for mut l in ledgers("open_claims_summaries_upgrade_list_the_same_and_are_verified") {
        seed_open_claims(&l);
        let before: Vec<String> = lists.iter().map(|a| l.env.ok(&words(a))).collect();
        // Back to the schema before the summaries: their columns dropped, the version
        // set back (what the previous release left); the next command upgrades it.
        let columns = "forecast_count, latest_id, latest_p, latest_forecaster_id, latest_made_at, latest_recorded_at";
        match &mut l.pg {
            Some(pg) => pg.tamper(&format!(
                "ALTER TABLE open_claims {}; DELETE FROM hindsight_schema WHERE version = 3",
                columns
                    .split(", ")
                    .map(|c| format!("DROP COLUMN {c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => {
                let conn = rusqlite::Connection::open(l.env.db()).expect("open");
                for c in columns.split(", ") {
                    conn.execute_batch(&format!("ALTER TABLE open_claims DROP COLUMN {c}"))
                        .expect("drop a column");
                }
                conn.pragma_update(None, "user_version", 9)
                    .expect("set the version");
            }
        }
        for (args, want) in lists.iter().zip(&before) {
            assert_eq!(&l.env.ok(&words(args)), want, "{}: {args}", l.name());
        }
        assert!(l.env.ok(&["verify"]).starts_with("ok:"), "{}", l.name());
        let version: i64 = match &mut l.pg {
            Some(pg) => pg
                .admin
                .query_one(
                    &format!("SELECT max(version) FROM {}.hindsight_schema", pg.schema),
                    &[],
                )
                .expect("version")
                .get(0),
            None => rusqlite::Connection::open(l.env.db())
                .expect("open")
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .expect("version"),
        };
        assert_eq!(version, if l.pg.is_some() { 3 } else { 10 });
        // A later forecast becomes the latest; an earlier one only counts.
        l.env.ok(&words(
            "forecast c3 --p 0.9 --forecaster ben --at 2026-03-01",
        ));
        l.env.ok(&words(
            "forecast c3 --p 0.1 --forecaster ana --at 2025-12-01",
        ));
        let listed = l.env.json(&words("list --open --json"));
        let c3 = listed
            .as_array()
            .expect("an array")
            .iter()
            .find(|c| c["key"] == "c3")
            .expect("c3 listed");
        assert_eq!(c3["forecasts"], 4, "{}: {c3}", l.name());
        assert_eq!(c3["latest_p"], 0.9, "{}: {c3}", l.name());
        assert_eq!(c3["latest_forecaster"], "ben", "{}: {c3}", l.name());
        assert!(l.env.ok(&["verify"]).starts_with("ok:"), "{}", l.name());
    }
    let cases = [
        (
            "UPDATE open_claims SET forecast_count = forecast_count + 1 WHERE claim_id = 3",
            "open_claims: claim 'c3' has 2 forecasts, but the table of open claims counts 3",
        ),
        (
            "UPDATE open_claims SET latest_id = NULL WHERE claim_id = 3",
            "open_claims: the latest forecast of claim 'c3' is #6, but the table of open claims names none",
        ),
        (
            "UPDATE open_claims SET latest_p = 0.25 WHERE claim_id = 3",
            "open_claims: the table of open claims copies the latest forecast of claim 'c3' (#6) wrongly",
        ),
        (
            "UPDATE open_claims SET latest_recorded_at = latest_recorded_at + 1 WHERE claim_id = 5",
            "open_claims: the table of open claims copies the latest forecast of claim 'c5' (#7) wrongly",
        ),
        (
            "UPDATE open_claims SET forecast_count = 1, latest_id = 1, latest_p = 0.6, latest_forecaster_id = 1, latest_made_at = 0, latest_recorded_at = 0 WHERE claim_id = 4",
            "open_claims: claim 'c4' has 0 forecasts, but the table of open claims counts 1",
        ),
    ];
    for (sql, message) in cases {
        for mut l in ledgers("open_claims_summaries_upgrade_list_the_same_and_are_verified") {
            seed_open_claims(&l);
            l.env.ok(&["verify"]);
            l.tamper(sql);
            let (code, out, err) = run(&l.env, &["verify"]);
            assert_eq!(code, Some(4), "{} after {sql}: {out}{err}", l.name());
            assert!(err.contains(message), "{} after {sql}: {err}", l.name());
        }
    }
}

/// A TLS mode nobody knows is refused before connecting, naming where it came from: the
/// URL's `sslmode`, or the `PGSSLMODE` variable.
#[test]
fn an_unknown_tls_mode_is_refused_under_the_name_it_was_given() {
    let env = Env::new();
    let db = "postgres://me@127.0.0.1:1/db";
    let from_url = env
        .cmd()
        .args(["--db", &format!("{db}?sslmode=sometimes"), "list"])
        .output()
        .expect("runs");
    let from_env = env
        .cmd()
        .env("PGSSLMODE", "sometimes")
        .args(["--db", db, "list"])
        .output()
        .expect("runs");
    for (out, name) in [(from_url, "sslmode"), (from_env, "PGSSLMODE")] {
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!out.status.success(), "{err}");
        assert!(
            err.contains(&format!("{name}: 'sometimes' is not a mode")),
            "{err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}
