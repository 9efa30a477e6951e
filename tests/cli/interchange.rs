//! Export, import and the worked example, from the binary.

use crate::common::{Env, ARTICLE};

/// A ledger that uses every feature: a source with text, a condition, tags, quotes,
/// revisions, and a claim resolved twice.
fn full() -> Env {
    let env = Env::new();
    std::fs::write(env.path("a.txt"), ARTICLE).unwrap();
    env.ok(&[
        "source",
        "add",
        "--title",
        "Outlook",
        "--author",
        "A",
        "--author",
        "B",
        "--publisher",
        "P",
        "--url",
        "https://example.org/x",
        "--published",
        "2015-05-26",
        "--text",
        "a.txt",
    ]);
    env.ok(&["source", "add", "--title", "Bare source"]);
    env.ok(&[
        "add",
        "Reserves fall",
        "--key",
        "reserves",
        "--by",
        "2016-12-31",
        "--source",
        "s1",
        "--tag",
        "fx",
        "--criteria",
        "IMF data",
        "--p",
        "0.4",
        "--forecaster",
        "author",
        "--at",
        "2015-05-26",
    ]);
    env.ok(&[
        "add",
        "Peg abandoned",
        "--by",
        "2016-12-31",
        "--source",
        "s1",
        "--if",
        "reserves",
        "--quote",
        "the currency peg would be abandoned",
        "--tag",
        "fx",
        "--tag",
        "policy",
    ]);
    env.ok(&[
        "forecast",
        "c2",
        "--p",
        "0.9",
        "--forecaster",
        "author",
        "--at",
        "2015-05-26",
        "--note",
        "\"would\"",
    ]);
    env.ok(&[
        "forecast",
        "c2",
        "--p",
        "0.7",
        "--forecaster",
        "author",
        "--at",
        "2015-06-01T12:30:00+02:00",
    ]);
    env.ok(&["forecast", "reserves", "--p", "35%", "--forecaster", "me"]);
    env.ok(&[
        "resolve",
        "reserves",
        "yes",
        "--on",
        "2026-11-01",
        "--evidence",
        "https://example.org/imf",
    ]);
    env.ok(&[
        "resolve",
        "reserves",
        "no",
        "--on",
        "2026-11-02",
        "--note",
        "revised data",
    ]);
    env.ok(&["resolve", "c2", "annulled", "--on", "2026-11-02"]);
    env
}

#[test]
fn round_trip_is_byte_identical() {
    let a = full();
    let first = a.ok(&["export"]);
    assert_eq!(first.lines().count(), 2 + 2 + 4 + 3);
    std::fs::write(a.path("ledger.jsonl"), format!("{first}\n")).unwrap();
    let b = Env::new();
    b.ok(&["import", a.path("ledger.jsonl").to_str().unwrap()]);
    assert_eq!(b.ok(&["export"]), first);
    // Importing the same file again changes nothing.
    let before = b.dump();
    b.ok(&["import", a.path("ledger.jsonl").to_str().unwrap()]);
    assert_eq!(b.dump(), before);
    // And the file route through -o gives the same bytes.
    b.ok(&["export", "-o", "again.jsonl"]);
    assert_eq!(
        std::fs::read_to_string(b.path("again.jsonl")).unwrap(),
        format!("{first}\n")
    );
}

#[test]
fn every_record_type_has_the_documented_fields() {
    let env = full();
    let lines: Vec<serde_json::Value> = env
        .ok(&["export"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let fields = |t: &str| -> Vec<String> {
        let v = lines.iter().find(|v| v["type"] == t).unwrap();
        v.as_object().unwrap().keys().cloned().collect()
    };
    for (t, want) in [
        (
            "source",
            &[
                "key",
                "title",
                "authors",
                "publisher",
                "url",
                "published",
                "recorded_at",
            ][..],
        ),
        (
            "claim",
            &[
                "key",
                "statement",
                "resolve_by",
                "source",
                "condition",
                "quote",
                "criteria",
                "tags",
                "recorded_at",
            ][..],
        ),
        (
            "forecast",
            &["claim", "forecaster", "p", "made_at", "note", "recorded_at"][..],
        ),
        (
            "resolution",
            &[
                "claim",
                "outcome",
                "resolved_on",
                "evidence",
                "note",
                "recorded_at",
            ][..],
        ),
    ] {
        let have = fields(t);
        for f in want {
            assert!(have.iter().any(|h| h == f), "{t} lacks {f}");
        }
    }
}

fn write(env: &Env, name: &str, text: &str) -> String {
    std::fs::write(env.path(name), text).unwrap();
    name.to_string()
}

#[test]
fn a_bad_line_stops_the_import_and_writes_nothing() {
    let good_source = r#"{"type":"source","key":"s","title":"T","published":"2020-01-01"}"#;
    let good_claim =
        r#"{"type":"claim","key":"k","statement":"X","resolve_by":"2021-01-01","source":"s"}"#;
    let good_forecast =
        r#"{"type":"forecast","claim":"k","forecaster":"me","p":0.5,"made_at":"2020-02-01"}"#;
    let cases: Vec<(&str, &str)> = vec![
        (
            r#"{"type":"forecast","claim":"k","forecaster":"me","p":1.5,"made_at":"2020-02-01"}"#,
            "p",
        ),
        (
            r#"{"type":"forecast","claim":"k","forecaster":"me","p":0.5,"made_at":"2020-02-30"}"#,
            "made_at",
        ),
        (
            r#"{"type":"forecast","claim":"nope","forecaster":"me","p":0.5,"made_at":"2020-02-01"}"#,
            "claim",
        ),
        (r#"{"type":"wager","claim":"k"}"#, "type"),
        (
            r#"{"type":"claim","key":"k","statement":"Different","resolve_by":"2021-01-01","source":"s"}"#,
            "statement",
        ),
        (
            r#"{"type":"claim","key":"k2","statement":"Y","resolve_by":"2019-01-01","source":"s"}"#,
            "resolve_by",
        ),
        (
            r#"{"type":"claim","key":"k3","statement":"Y","resolve_by":"2021-01-01","condition":"k3"}"#,
            "condition",
        ),
        (
            r#"{"type":"resolution","claim":"k","outcome":"maybe","resolved_on":"2020-06-01"}"#,
            "outcome",
        ),
        (
            r#"{"type":"claim","key":"k4","statement":"","resolve_by":"2021-01-01"}"#,
            "statement",
        ),
        (r#"{"type":"forecast", "claim": "k""#, "json"),
    ];
    for (bad, field) in cases {
        let env = Env::new();
        env.ok(&["add", "Already here", "--by", "2030-01-01"]);
        let before = env.dump();
        let file = write(
            &env,
            "in.jsonl",
            &format!("{good_source}\n{good_claim}\n{good_forecast}\n{bad}\n"),
        );
        let err = env.fails(&["import", &file], 1);
        assert!(err.contains("in.jsonl:4:"), "{bad}: {err}");
        assert!(err.contains(field), "{bad}: expected field {field}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert_eq!(env.dump(), before, "{bad}: ledger changed");
    }
}

#[test]
fn truncated_last_line_is_named() {
    let env = Env::new();
    let file = write(&env, "cut.jsonl", "{\"type\":\"source\",\"key\":\"s\",\"title\":\"T\"}\n{\"type\":\"claim\",\"key\":\"k\",\"stat");
    let err = env.fails(&["import", &file], 1);
    assert!(
        err.contains("cut.jsonl:2:") && err.contains("truncated"),
        "{err}"
    );
}

#[test]
fn quotes_are_checked_on_import() {
    let env = Env::new();
    let text = serde_json::to_string(ARTICLE).unwrap();
    let file = write(&env, "q.jsonl", &format!(
        "{{\"type\":\"source\",\"key\":\"s\",\"title\":\"T\",\"text\":{text}}}\n{{\"type\":\"claim\",\"key\":\"k\",\"statement\":\"X\",\"resolve_by\":\"2021-01-01\",\"source\":\"s\",\"quote\":\"words never written\"}}\n"));
    let err = env.fails(&["import", &file], 1);
    assert!(err.contains("q.jsonl:2:") && err.contains("quote"), "{err}");
}

#[test]
fn dry_run_reports_and_writes_nothing() {
    let a = full();
    let file = a.path("all.jsonl");
    a.ok(&["export", "-o", file.to_str().unwrap()]);
    let b = Env::new();
    b.ok(&["add", "Something", "--by", "2030-01-01"]);
    let before = b.dump();
    let out = b.ok(&["import", "--dry-run", file.to_str().unwrap()]);
    assert!(
        out.contains("would add 2 sources, 2 claims, 4 forecasts, 3 resolutions"),
        "{out}"
    );
    assert_eq!(b.dump(), before);
}

#[test]
fn import_from_stdin() {
    let a = full();
    let text = a.ok(&["export"]);
    let b = Env::new();
    b.cmd()
        .args(["import", "-"])
        .write_stdin(text.clone())
        .assert()
        .success();
    assert_eq!(b.ok(&["export"]), text);
}

#[test]
fn csv_export_and_import() {
    let a = full();
    let csv = a.ok(&["export", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("claim,statement,resolve_by,condition,tags"),
        "{header}"
    );
    // One row per forecast: reserves has 2, c2 has 2.
    assert_eq!(csv.lines().count(), 1 + 4);
    std::fs::write(a.path("f.csv"), &csv).unwrap();
    let b = Env::new();
    b.ok(&[
        "import",
        "--format",
        "csv",
        a.path("f.csv").to_str().unwrap(),
    ]);
    let v = b.json(&["show", "c2", "--json"]);
    assert_eq!(v["condition"], "reserves");
    assert_eq!(v["forecasts"].as_array().unwrap().len(), 2);
    assert_eq!(v["status"], "annulled");
    let r = b.json(&["show", "reserves", "--json"]);
    assert_eq!(r["resolutions"][0]["outcome"], "no");
    // Idempotent too.
    let before = b.dump();
    b.ok(&[
        "import",
        "--format",
        "csv",
        a.path("f.csv").to_str().unwrap(),
    ]);
    assert_eq!(b.dump(), before);
}

const FATEBOOK: &str = "Question title,Multiple choice option,Forecast created by,Forecast (scale = 0-1),Forecast created at,Question created by,Question created at,Question resolve by,Resolution,Resolved at,Your Brier score for this question,Your relative Brier score for this question,Question notes,Question shared with,Question shared publicly,Question comments,Question tags
\"Will the bridge reopen, as promised?\",,Ana,0.7,2024-04-20 13:05:7,Ana,2024-04-20 13:01:2,2024-06-01 00:00:0,YES,2024-05-20 09:00:0,0.09,,\"Reopens \"\"fully\"\"\",,false,,transport; city
\"Will the bridge reopen, as promised?\",,Ben,0.4,2024-04-21 08:00:15,Ana,2024-04-20 13:01:2,2024-06-01 00:00:0,YES,2024-05-20 09:00:0,,,\"Reopens \"\"fully\"\"\",,false,,transport; city
Who wins the cup?,Reds,Ana,0.6,2024-04-22 10:00:0,Ana,2024-04-22 09:00:0,2024-07-01 00:00:0,Blues,2024-07-01 12:00:0,,,,,false,,sport
Who wins the cup?,Blues,Ana,0.3,2024-04-22 10:00:0,Ana,2024-04-22 09:00:0,2024-07-01 00:00:0,Blues,2024-07-01 12:00:0,,,,,false,,sport
Will it snow in May?,,Ana,0.1,2024-04-23 10:00:0,Ana,2024-04-23 09:00:0,2024-05-31 00:00:0,,,,,,,false,,
";

#[test]
fn fatebook_export_comes_in() {
    let env = Env::new();
    let file = write(&env, "fatebook.csv", FATEBOOK);
    env.ok(&["import", "--format", "fatebook-csv", &file]);
    let claims = env.json(&["list", "--json"]);
    let claims = claims.as_array().unwrap();
    assert_eq!(claims.len(), 4);
    let bridge = claims
        .iter()
        .find(|c| c["statement"] == "Will the bridge reopen, as promised?")
        .unwrap();
    assert_eq!(bridge["outcome"], "yes");
    assert_eq!(bridge["tags"], serde_json::json!(["city", "transport"]));
    assert_eq!(bridge["forecasts"], 2);
    let key = bridge["key"].as_str().unwrap();
    let shown = env.json(&["show", key, "--json"]);
    assert_eq!(shown["forecasts"][0]["made_at"], "2024-04-20T13:05:07Z");
    assert_eq!(
        shown["criteria"],
        "Reopens \"fully\" (asked on Fatebook by Ana)"
    );
    let reds = claims
        .iter()
        .find(|c| c["statement"] == "Who wins the cup? — Reds")
        .unwrap();
    assert_eq!(reds["outcome"], "no");
    let blues = claims
        .iter()
        .find(|c| c["statement"] == "Who wins the cup? — Blues")
        .unwrap();
    assert_eq!(blues["outcome"], "yes");
    let snow = claims
        .iter()
        .find(|c| c["statement"] == "Will it snow in May?")
        .unwrap();
    assert!(snow["outcome"].is_null());
    // Ana: bridge 0.7 yes (0.09), Reds 0.6 no (0.36), Blues 0.3 yes (0.49).
    let report = env.json(&["report", "--format", "json", "--forecaster", "Ana"]);
    let brier = report["groups"][0]["brier"].as_f64().unwrap();
    assert!((brier - (0.09 + 0.36 + 0.49) / 3.0).abs() < 1e-9, "{brier}");
    // Idempotent.
    let before = env.dump();
    env.ok(&["import", "--format", "fatebook-csv", &file]);
    assert_eq!(env.dump(), before);
}

#[test]
fn demo_scores_the_worked_example() {
    let env = Env::new();
    let out = env.ok(&["demo"]);
    assert!(out.contains("sanctions-rolled-back"), "{out}");
    assert!(out.contains("annulled"), "{out}");
    // The author's five scored forecasts, by hand (see examples/README.md):
    //   INF punishment 0.40 no  -> 0.16      Obama veto   0.97 yes -> 0.0009
    //   Iran deal      0.70 yes -> 0.09      arms to China 0.70 yes -> 0.09
    //   Syria deal     0.40 no  -> 0.16      mean = 0.5009 / 5 = 0.10018
    // Sanctions (0.97) is annulled by its failed condition; strategic partners is ambiguous.
    assert!(out.contains(" 5 "), "{out}");
    assert!(out.contains("0.100"), "{out}");
    // The same through the JSON report on a kept ledger.
    let db = env.path("demo.db");
    env.cmd()
        .args(["--db", db.to_str().unwrap(), "demo"])
        .assert()
        .success();
    let v = env.json(&["--db", db.to_str().unwrap(), "report", "--format", "json"]);
    let g = &v["groups"][0];
    assert_eq!(g["n"], 5);
    assert_eq!(g["annulled"], 1);
    assert_eq!(g["ambiguous"], 1);
    assert!((g["brier"].as_f64().unwrap() - 0.10018).abs() < 1e-12);
    // Log loss: -ln(1 - 0.4) twice, -ln 0.97 once, -ln 0.7 twice.
    let ll = (-2.0 * (0.6f64).ln() - (0.97f64).ln() - 2.0 * (0.7f64).ln()) / 5.0;
    assert!((g["log_loss"].as_f64().unwrap() - ll).abs() < 1e-9, "{g}");
    // HINDSIGHT_DB alone never receives the demo.
    env.ok(&["demo"]);
    assert!(!env.db().exists() || env.ok(&["list", "--json"]) == "[]");
}

#[test]
fn seed_quotes_are_found_in_the_article() {
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seed/orf-2015-05-26-kerry-russia.txt"
    );
    let Ok(text) = std::fs::read_to_string(seed) else {
        eprintln!("SKIPPED seed_quotes_are_found_in_the_article: {seed} is absent");
        return;
    };
    let example = include_str!("../../examples/kerry-russia-2015.jsonl");
    // Attach the article as the source's text, then import: every quote must be found in it.
    let mut lines = Vec::new();
    let mut quotes = 0;
    for line in example.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["type"] == "source" {
            v["text"] = serde_json::Value::String(text.clone());
        }
        if v["type"] == "claim" && v["quote"].is_string() {
            quotes += 1;
        }
        lines.push(v.to_string());
    }
    assert!(
        quotes >= 8,
        "the example should quote the article for each claim"
    );
    let env = Env::new();
    let file = write(&env, "with-text.jsonl", &(lines.join("\n") + "\n"));
    env.ok(&["import", &file]);
    let s = env.json(&["source", "show", "orf-2015-kerry-russia", "--json"]);
    assert_eq!(s["text"].as_str().unwrap(), text);
}

#[test]
fn reimport_with_untrimmed_authors_is_recognised() {
    let env = Env::new();
    let file = write(
        &env,
        "s.jsonl",
        "{\"type\":\"source\",\"key\":\"s\",\"title\":\"T\",\"authors\":[\" Ana \",\"Ben\"]}\n",
    );
    env.ok(&["import", &file]);
    let before = env.dump();
    env.ok(&["import", &file]);
    assert_eq!(env.dump(), before);
    assert_eq!(
        env.json(&["source", "show", "s", "--json"])["authors"],
        serde_json::json!(["Ana", "Ben"])
    );
}

// ---- issue 11: hostile and odd files -------------------------------------------------

#[test]
fn null_lists_and_byte_order_marks_are_accepted() {
    // JSON Lines: null for the optional lists, and a BOM before the first record.
    let env = Env::new();
    let file = write(
        &env,
        "bom.jsonl",
        "\u{feff}{\"type\":\"source\",\"key\":\"s\",\"title\":\"T\",\"authors\":null}\n\
         {\"type\":\"claim\",\"key\":\"k\",\"statement\":\"X\",\"resolve_by\":\"2030-01-01\",\"tags\":null}\n",
    );
    env.ok(&["import", &file]);
    assert_eq!(
        env.json(&["source", "show", "s", "--json"])["authors"],
        serde_json::json!([])
    );
    assert_eq!(
        env.json(&["show", "k", "--json"])["tags"],
        serde_json::json!([])
    );

    // CSV: the ledger's own export with a BOM in front comes in whole.
    let a = full();
    let csv = a.ok(&["export", "--format", "csv"]);
    let b = Env::new();
    let file = write(&b, "bom.csv", &format!("\u{feff}{csv}\n"));
    b.ok(&["import", "--format", "csv", &file]);
    assert_eq!(b.json(&["list", "--json"]).as_array().unwrap().len(), 2);

    // Fatebook: the same, with the first column's name in quotes too.
    let c = Env::new();
    let quoted = FATEBOOK.replacen("Question title", "\"Question title\"", 1);
    let file = write(&c, "bom-fatebook.csv", &format!("\u{feff}{quoted}"));
    c.ok(&["import", "--format", "fatebook-csv", &file]);
    assert_eq!(c.json(&["list", "--json"]).as_array().unwrap().len(), 4);
}

#[test]
fn csv_lists_keep_their_semicolons() {
    let env = Env::new();
    env.ok(&[
        "source",
        "add",
        "--title",
        "T",
        "--author",
        "Doe, J.; Roe",
        "--author",
        "Ann",
    ]);
    env.ok(&[
        "add",
        "X",
        "--by",
        "2030-01-01",
        "--source",
        "s1",
        "--tag",
        "r&d;policy",
        "--tag",
        "back\\slash;",
    ]);
    env.ok(&["export", "--format", "csv", "-o", "l.csv"]);
    // Into the same ledger: recognised, nothing changes.
    let before = env.dump();
    env.ok(&["import", "--format", "csv", "l.csv"]);
    assert_eq!(env.dump(), before);
    // Into a fresh one: the same lists.
    let fresh = Env::new();
    std::fs::copy(env.path("l.csv"), fresh.path("l.csv")).unwrap();
    fresh.ok(&["import", "--format", "csv", "l.csv"]);
    assert_eq!(
        fresh.json(&["source", "show", "s1", "--json"])["authors"],
        serde_json::json!(["Doe, J.; Roe", "Ann"])
    );
    assert_eq!(
        fresh.json(&["show", "c1", "--json"])["tags"],
        env.json(&["show", "c1", "--json"])["tags"]
    );
    assert_eq!(
        fresh.json(&["show", "c1", "--json"])["tags"],
        serde_json::json!(["back\\slash;", "r&d;policy"])
    );
}

/// The outcome `list` reports for `key`, and how many resolutions `show` lists.
fn outcome(env: &Env, key: &str) -> (serde_json::Value, usize) {
    let list = env.json(&["list", "--json"]);
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap()
        .clone();
    let shown = env.json(&["show", key, "--json"]);
    (
        row["outcome"].clone(),
        shown["resolutions"].as_array().unwrap().len(),
    )
}

#[test]
fn a_correction_in_an_import_is_kept_and_the_last_line_wins() {
    let claim = r#"{"type":"claim","key":"k","statement":"X","resolve_by":"2020-12-31"}"#;
    let res = |o: &str| {
        format!(r#"{{"type":"resolution","claim":"k","outcome":"{o}","resolved_on":"2020-06-01"}}"#)
    };
    // yes, no, yes in one file: three records, yes current; the same file again adds nothing.
    let env = Env::new();
    let file = write(
        &env,
        "flip.jsonl",
        &format!("{claim}\n{}\n{}\n{}\n", res("yes"), res("no"), res("yes")),
    );
    env.ok(&["import", &file]);
    assert_eq!(outcome(&env, "k"), (serde_json::json!("yes"), 3));
    let before = env.dump();
    env.ok(&["import", &file]);
    assert_eq!(env.dump(), before);

    // The ledger holds yes then no; a file brings yes again: yes becomes current, once.
    let env = Env::new();
    env.ok(&["add", "X", "--key", "k", "--by", "2020-12-31"]);
    env.ok(&["resolve", "k", "yes", "--on", "2020-06-01"]);
    env.ok(&["resolve", "k", "no", "--on", "2020-06-01"]);
    let file = write(&env, "again.jsonl", &format!("{}\n", res("yes")));
    env.ok(&["import", &file]);
    assert_eq!(outcome(&env, "k"), (serde_json::json!("yes"), 3));
    let before = env.dump();
    env.ok(&["import", &file]);
    assert_eq!(env.dump(), before);

    // A resolution waiting for the end of the file still stops a later forecast.
    let env = Env::new();
    let late =
        r#"{"type":"forecast","claim":"k","forecaster":"me","p":0.5,"made_at":"2020-07-01"}"#;
    let file = write(
        &env,
        "late.jsonl",
        &format!("{claim}\n{}\n{late}\n", res("yes")),
    );
    let err = env.fails(&["import", &file], 1);
    assert!(
        err.contains("late.jsonl:3:") && err.contains("made_at"),
        "{err}"
    );
}

#[test]
fn every_export_reimports_into_its_own_ledger_unchanged() {
    let full = full();
    // Free text keeps its spaces through the CSV.
    full.ok(&[
        "forecast",
        "c2",
        "--p",
        "0.6",
        "--forecaster",
        "author",
        "--at",
        "2015-06-02",
        "--note",
        "  spaced  ",
    ]);
    let demo = Env::new();
    demo.ok(&["--db", demo.db().to_str().unwrap(), "demo"]);
    for env in [&full, &demo] {
        for format in ["jsonl", "csv"] {
            env.ok(&["export", "--format", format, "-o", "own"]);
            let before = env.dump();
            let out = env
                .cmd()
                .args(["import", "--format", format, "own"])
                .output()
                .unwrap();
            assert!(out.status.success(), "{format}");
            let said = String::from_utf8_lossy(&out.stderr);
            assert!(
                said.contains("imported 0 sources, 0 claims, 0 forecasts, 0 resolutions"),
                "{format}: {said}"
            );
            assert_eq!(env.dump(), before, "{format}: the ledger changed");
        }
    }
    // The CSV carries every column a fresh ledger needs to give the same CSV back.
    let csv = full.ok(&["export", "--format", "csv"]);
    let fresh = Env::new();
    let file = write(&fresh, "in.csv", &csv);
    fresh.ok(&["import", "--format", "csv", &file]);
    assert_eq!(fresh.ok(&["export", "--format", "csv"]), csv);
}

#[test]
fn a_bad_time_in_the_csv_names_its_column() {
    let a = full();
    let csv = a.ok(&["export", "--format", "csv"]);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for column in [
        "resolution_recorded_at",
        "claim_recorded_at",
        "source_recorded_at",
        "created_at",
    ] {
        let at = header.iter().position(|h| *h == column).unwrap();
        let mut r = ::csv::ReaderBuilder::new().from_reader(csv.as_bytes());
        let mut w = ::csv::Writer::from_writer(Vec::new());
        w.write_record(r.headers().unwrap()).unwrap();
        for row in r.records() {
            let mut row: Vec<String> = row.unwrap().iter().map(str::to_string).collect();
            row[at] = "2026-13-01T00:00:00Z".into();
            w.write_record(&row).unwrap();
        }
        let b = Env::new();
        b.ok(&["add", "Already here", "--by", "2030-01-01"]);
        let before = b.dump();
        std::fs::write(b.path("bad.csv"), w.into_inner().unwrap()).unwrap();
        let err = b.fails(&["import", "--format", "csv", "bad.csv"], 1);
        assert!(
            err.contains("bad.csv:2:") && err.contains(&format!("{column}: invalid value")),
            "{column}: {err}"
        );
        assert_eq!(b.dump(), before);
    }
}

#[test]
fn forecasts_after_mixed_resolutions_meet_the_current_one() {
    // The ledger: k resolved yes on 2020-01-01. The file: no on 2020-09-01 (no recorded
    // time, so it waits), then the stored yes again with its recorded time (present), then
    // a forecast of 2020-05-01: before the current resolution (no, 2020-09-01), so accepted.
    let env = Env::new();
    env.ok(&["add", "X", "--key", "k", "--by", "2020-12-31"]);
    env.ok(&["resolve", "k", "yes", "--on", "2020-01-01"]);
    let file = write(
        &env,
        "mixed.jsonl",
        &[
            r#"{"type":"resolution","claim":"k","outcome":"no","resolved_on":"2020-09-01"}"#,
            &format!(
                r#"{{"type":"resolution","claim":"k","outcome":"yes","resolved_on":"2020-01-01","recorded_at":"{}"}}"#,
                crate::common::NOW
            ),
            r#"{"type":"forecast","claim":"k","forecaster":"me","p":0.5,"made_at":"2020-05-01"}"#,
            "",
        ]
        .join("\n"),
    );
    env.ok(&["import", &file]);
    assert_eq!(outcome(&env, "k"), (serde_json::json!("no"), 2));
    let before = env.dump();
    env.ok(&["import", &file]);
    assert_eq!(env.dump(), before);
}

#[test]
fn a_bad_resolution_is_named_on_its_own_line_though_it_waits() {
    let env = Env::new();
    env.ok(&["add", "X", "--key", "k", "--by", "2030-12-31"]);
    let before = env.dump();
    // Resolved on a day after it was recorded (now): refused at line 1, not at the end of
    // the file, and before the bad forecast on line 2.
    let file = write(
        &env,
        "bad.jsonl",
        "{\"type\":\"resolution\",\"claim\":\"k\",\"outcome\":\"yes\",\"resolved_on\":\"2030-01-01\"}\n\
         {\"type\":\"forecast\",\"claim\":\"k\",\"forecaster\":\"me\",\"p\":7,\"made_at\":\"2020-01-01\"}\n",
    );
    let err = env.fails(&["import", &file], 1);
    assert!(
        err.contains("bad.jsonl:1:") && err.contains("resolved_on"),
        "{err}"
    );
    assert_eq!(env.dump(), before);
}

/// The `recorded_by` of every record in a JSON Lines export, in file order.
fn recorders(jsonl: &str) -> Vec<(String, Option<String>)> {
    jsonl
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                v["type"].as_str().unwrap().to_string(),
                v.get("recorded_by")
                    .map(|b| b.as_str().unwrap().to_string()),
            )
        })
        .collect()
}

#[test]
fn recorded_by_survives_jsonl_export_and_import_and_the_importer_stamps_the_rest() {
    let a = full();
    let first = a.ok(&["export"]);
    assert!(recorders(&first)
        .iter()
        .all(|(_, by)| by.as_deref() == Some("tester")));
    write(&a, "ledger.jsonl", &format!("{first}\n"));
    // Someone else imports it: the file's names stay, and the export is the same bytes.
    let mut b = Env::new();
    b.user = "importer".to_string();
    b.ok(&["import", a.path("ledger.jsonl").to_str().unwrap()]);
    assert_eq!(b.ok(&["export"]), first);
    assert!(b.ok(&["verify"]).starts_with("ok"));

    // A file that names nobody: whoever imports it is named.
    let c = Env::new();
    let file = write(
        &c,
        "anon.jsonl",
        "{\"type\":\"claim\",\"key\":\"k\",\"statement\":\"s\",\"resolve_by\":\"2027-01-01\"}\n\
         {\"type\":\"forecast\",\"claim\":\"k\",\"forecaster\":\"ann\",\"p\":0.4,\"made_at\":\"2026-01-01\",\"recorded_by\":\" Ann \"}\n",
    );
    c.ok(&["import", &file]);
    assert_eq!(
        recorders(&c.ok(&["export"])),
        [
            ("claim".to_string(), Some("tester".to_string())),
            ("forecast".to_string(), Some("Ann".to_string())),
        ]
    );
    // Importing it again finds both present: who recorded them is not part of what a
    // record says, just as its recorded-at time is not when the file leaves it out.
    let before = c.dump();
    c.ok(&["import", &file]);
    assert_eq!(c.dump(), before);
}

#[test]
fn a_bad_recorded_by_in_an_import_is_refused_naming_the_field() {
    let env = Env::new();
    let file = write(
        &env,
        "bad.jsonl",
        "{\"type\":\"claim\",\"key\":\"k\",\"statement\":\"s\",\"resolve_by\":\"2027-01-01\",\"recorded_by\":\"a\\u0007b\"}\n",
    );
    let err = env.fails(&["import", &file], 1);
    assert!(
        err.contains("bad.jsonl:1: recorded_by: invalid value 'a"),
        "{err}"
    );
    let file = write(
        &env,
        "bad.csv",
        "claim,statement,resolve_by,claim_recorded_by\nk,s,2027-01-01,\u{1b}x\n",
    );
    let err = env.fails(&["import", "--format", "csv", &file], 1);
    assert!(
        err.contains("bad.csv:2: claim_recorded_by: invalid value"),
        "{err}"
    );
}

#[test]
fn recorded_by_survives_csv_export_and_import() {
    let mut a = full();
    a.user = "bo".to_string();
    a.ok(&[
        "forecast",
        "c2",
        "--p",
        "0.5",
        "--forecaster",
        "cy",
        "--at",
        "2026-01-05",
    ]);
    let csv = a.ok(&["export", "--format", "csv"]);
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    assert_eq!(
        &header[header.len() - 4..],
        [
            "recorded_by",
            "resolution_recorded_by",
            "claim_recorded_by",
            "source_recorded_by"
        ]
    );
    assert!(csv.contains(",bo,"), "{csv}");
    write(&a, "f.csv", &csv);
    let mut b = Env::new();
    b.user = "importer".to_string();
    b.ok(&[
        "import",
        "--format",
        "csv",
        a.path("f.csv").to_str().unwrap(),
    ]);
    assert_eq!(b.ok(&["export", "--format", "csv"]), csv);
    let shown = b.json(&["show", "c2", "--json"]);
    let by: Vec<&str> = shown["forecasts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["recorded_by"].as_str().unwrap())
        .collect();
    assert!(by.contains(&"bo") && by.contains(&"tester"), "{by:?}");
    assert_eq!(shown["recorded_by"], "tester");
}
