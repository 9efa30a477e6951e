//! Large imports: the forecast indexes set aside and rebuilt, repeats recognised without
//! them, errors past the first batch of lines, and reports that read forecasts in
//! recording order giving what the claim-by-claim order gives.

use crate::common::Env;

/// Name and SQL of every index in the ledger file, sorted.
fn indexes(env: &Env) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(env.db()).expect("open ledger");
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        .expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn claim(key: &str) -> String {
    format!(
        r#"{{"type":"claim","key":"{key}","statement":"Claim {key}","resolve_by":"2020-12-31","recorded_at":"2019-01-01T00:00:00Z"}}"#
    )
}

fn forecast(claim: &str, who: &str, p: f64, made_at: &str) -> String {
    format!(
        r#"{{"type":"forecast","claim":"{claim}","forecaster":"{who}","p":{p},"made_at":"{made_at}","recorded_at":"{made_at}"}}"#
    )
}

fn write_lines(env: &Env, name: &str, lines: &[String]) -> String {
    let path = env.path(name);
    std::fs::write(&path, lines.join("\n") + "\n").expect("write file");
    path.display().to_string()
}

#[test]
fn a_large_import_leaves_the_same_indexes_as_a_new_ledger() {
    let fresh = Env::new();
    fresh.ok(&["list"]);
    let env = Env::new();
    let mut lines = vec![claim("a"), claim("b")];
    for i in 0..300 {
        let at = format!("2019-02-{:02}T10:{:02}:00Z", 1 + i % 28, i % 60);
        lines.push(forecast(
            if i % 2 == 0 { "a" } else { "b" },
            &format!("f{}", i % 7),
            0.5,
            &at,
        ));
    }
    let file = write_lines(&env, "in.jsonl", &lines);
    env.ok(&["import", &file]);
    assert_eq!(indexes(&env), indexes(&fresh));
    // Importing the same file again changes nothing, now through the indexes.
    let out = env.cmd().args(["import", &file]).output().expect("runs");
    assert!(out.status.success());
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains("0 forecasts") && note.contains("302 already present"),
        "{note}"
    );
    assert_eq!(indexes(&env), indexes(&fresh));
    // The bulk path writes the history like any other write.
    assert!(
        env.ok(&["verify"]).contains("302"),
        "every record has its event"
    );
}

#[test]
fn repeats_within_one_large_import_are_recognised() {
    let env = Env::new();
    let repeated = forecast("a", "ann", 0.7, "2019-03-01T00:00:00Z");
    let lines = vec![
        claim("a"),
        repeated.clone(),
        forecast("a", "ann", 0.8, "2019-03-02T00:00:00Z"),
        repeated,
        forecast("a", "bob", 0.2, "2019-03-02T00:00:00Z"),
    ];
    let file = write_lines(&env, "in.jsonl", &lines);
    let out = env.cmd().args(["import", &file]).output().expect("runs");
    assert!(out.status.success());
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains("3 forecasts") && note.contains("(1 already present)"),
        "{note}"
    );
    let shown = env.ok(&["show", "a", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&shown).expect("json");
    assert_eq!(v["forecasts"].as_array().map(Vec::len), Some(3));
    let fresh = Env::new();
    fresh.ok(&["list"]);
    assert_eq!(indexes(&env), indexes(&fresh));
}

#[test]
fn an_error_past_the_first_batches_names_its_line_and_keeps_nothing() {
    let env = Env::new();
    let mut lines = vec![claim("a")];
    for i in 0..5000 {
        let at = format!(
            "2019-02-01T{:02}:{:02}:{:02}Z",
            i / 3600,
            (i / 60) % 60,
            i % 60
        );
        lines.push(forecast("a", "ann", 0.5, &at));
    }
    lines.push(forecast("missing", "ann", 0.5, "2019-02-02T00:00:00Z"));
    lines.push(forecast("a", "ann", 0.5, "2019-02-03T00:00:00Z"));
    let file = write_lines(&env, "in.jsonl", &lines);
    let err = env.fails(&["import", &file], 1);
    assert!(err.contains("in.jsonl:5002:"), "{err}");
    assert!(err.contains("no claim with key 'missing'"), "{err}");
    assert_eq!(env.ok(&["list", "--json"]), "[]", "nothing imported");
    let fresh = Env::new();
    fresh.ok(&["list"]);
    assert_eq!(indexes(&env), indexes(&fresh));
}

#[test]
fn a_truncated_last_line_is_still_reported_as_such() {
    let env = Env::new();
    let mut text = (0..2500)
        .map(|i| claim(&format!("c{i}")))
        .collect::<Vec<_>>()
        .join("\n");
    text.push_str("\n{\"type\":\"claim\",\"key\":\"cut");
    std::fs::write(env.path("in.jsonl"), text).expect("write");
    let err = env.fails(
        &["import", env.path("in.jsonl").to_str().expect("utf-8")],
        1,
    );
    assert!(err.contains(":2501:") && err.contains("truncated"), "{err}");
}

/// Every rule and grouping: the report from the one-pass reader (latest, first) must
/// match what the claim-by-claim reader gives, which `time-avg` still uses; both go
/// through the same scoring core, so a difference would come from which forecast each
/// pass keeps. Ties in time, late forecasts and backfilled ones are all present.
#[test]
fn reports_agree_on_ties_late_and_backfilled_forecasts() {
    let env = Env::new();
    let mut lines = vec![claim("a"), claim("b"), claim("c")];
    let same = "2019-06-01T12:00:00Z";
    for (c, who, p, at) in [
        ("a", "ann", 0.6, same),
        ("a", "ann", 0.9, same), // recorded later at the same time: the revision
        ("a", "bob", 0.3, "2019-05-01T00:00:00Z"),
        ("a", "bob", 0.1, "2021-01-02T00:00:00Z"), // after the deadline: never counts
        ("b", "ann", 0.2, "2019-01-05T00:00:00Z"),
        ("b", "cat", 0.5, same),
        ("b", "cat", 0.4, same),
        ("c", "bob", 0.7, "2019-01-02T00:00:00Z"),
    ] {
        lines.push(forecast(c, who, p, at));
    }
    // Backfilled: recorded long after it was made.
    lines.push(
        r#"{"type":"forecast","claim":"c","forecaster":"ann","p":0.35,"made_at":"2019-01-01T00:00:00Z","recorded_at":"2019-09-01T00:00:00Z"}"#
            .to_string(),
    );
    for (c, outcome, on) in [
        ("a", "yes", "2020-06-01"),
        ("b", "no", "2020-03-01"),
        ("c", "yes", "2020-01-01"),
    ] {
        lines.push(format!(
            r#"{{"type":"resolution","claim":"{c}","outcome":"{outcome}","resolved_on":"{on}"}}"#
        ));
    }
    let file = write_lines(&env, "in.jsonl", &lines);
    env.ok(&["import", &file]);
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["report", "--format", "json"];
        all.extend_from_slice(args);
        serde_json::from_str(&env.ok(&all)).expect("json")
    };
    // The latest rule by hand: ann 0.9 on a (yes), 0.2 on b (no), 0.35 on c (yes).
    let latest = json(&["--by", "forecaster"]);
    let ann = &latest["groups"][0];
    assert_eq!(ann["key"], "ann");
    let expected = ((0.9f64 - 1.0).powi(2) + 0.2f64.powi(2) + (0.35f64 - 1.0).powi(2)) / 3.0;
    assert!((ann["brier"].as_f64().expect("brier") - expected).abs() < 1e-12);
    // First: ann's first on a is 0.6 (the earlier record of the tie).
    let first = json(&["--by", "forecaster", "--rule", "first"]);
    let expected = ((0.6f64 - 1.0).powi(2) + 0.2f64.powi(2) + (0.35f64 - 1.0).powi(2)) / 3.0;
    assert!((first["groups"][0]["brier"].as_f64().expect("brier") - expected).abs() < 1e-12);
    // Live only drops ann's backfilled forecast on c.
    let live = json(&["--by", "forecaster", "--live-only"]);
    assert_eq!(live["groups"][0]["n"], 2);
    // cat's tie on b: 0.4, the later record.
    let cat = &latest["groups"][2];
    assert_eq!(cat["key"], "cat");
    assert!((cat["brier"].as_f64().expect("brier") - 0.16).abs() < 1e-12);
}

/// Waits until some process holds the ledger's write lock (a probe with no busy timeout
/// finds it busy), for at most about a minute.
fn until_write_locked(env: &Env) {
    let conn = rusqlite::Connection::open(env.db()).expect("open ledger");
    for _ in 0..6000 {
        match conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK") {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    || e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseLocked) =>
            {
                return
            }
            _ => std::thread::sleep(std::time::Duration::from_millis(10)),
        }
    }
    panic!("the import never took the write lock");
}

#[test]
fn a_writer_waits_for_an_import_however_long_it_takes() {
    use std::io::{BufRead, Write};
    use std::process::Stdio;
    let env = Env::new();
    env.ok(&["add", "X", "--by", "2030-01-01"]);
    // An import from a pipe holds the write lock until its input ends: here, for as long
    // as the test keeps the pipe open.
    let mut import = env
        .std_cmd()
        .args(["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut input = import.stdin.take().expect("stdin");
    writeln!(
        input,
        "{}",
        forecast("c1", "importer", 0.3, "2026-01-01T00:00:00Z")
    )
    .unwrap();
    until_write_locked(&env);
    // A forecast now says it waits for the import (it used to give up after the busy
    // timeout), and the test ends the import only once it has said so.
    let mut writer = env
        .std_cmd()
        .args(["forecast", "c1", "--p", "0.6", "--at", "2026-01-02"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut said = String::new();
    let mut lines = std::io::BufReader::new(writer.stderr.take().expect("stderr")).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) => {
                said.push_str(&line);
                said.push('\n');
                if line.starts_with("waiting for an import into") {
                    break;
                }
            }
            _ => panic!("the forecast did not wait for the import: {said}"),
        }
    }
    writeln!(
        input,
        "{}",
        forecast("c1", "importer", 0.4, "2026-01-03T00:00:00Z")
    )
    .unwrap();
    drop(input);
    let imported = import.wait_with_output().expect("import ends");
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(writer.wait().expect("forecast ends").success(), "{rest:?}");
    let shown = env.json(&["show", "c1", "--json"]);
    assert_eq!(shown["forecasts"].as_array().unwrap().len(), 3, "{shown}");
    env.ok(&["verify"]);
}
