//! The ledger core end to end: recording, listing, showing, and every refusal leaving the
//! ledger exactly as it was.

use crate::common::{Env, ARTICLE};

/// A ledger with one source (with text), a condition claim and a claim that depends on it.
fn seeded() -> (Env, String, String, String) {
    let env = Env::new();
    std::fs::write(env.path("article.txt"), ARTICLE).unwrap();
    let s = env.ok(&[
        "source",
        "add",
        "--title",
        "Currency outlook",
        "--author",
        "A. Writer",
        "--author",
        "B. Writer",
        "--publisher",
        "Daily Ledger",
        "--url",
        "https://example.org/a",
        "--published",
        "2015-05-26",
        "--text",
        "article.txt",
    ]);
    let cond = env.ok(&[
        "add",
        "Reserves fall below three months of imports",
        "--by",
        "2016-12-31",
        "--source",
        &s,
        "--tag",
        "Economy",
        "--p",
        "40%",
        "--forecaster",
        "author",
        "--at",
        "2015-05-26",
    ]);
    let claim = env.ok(&[
        "add",
        "The currency peg is abandoned",
        "--by",
        "2016-12-31",
        "--source",
        &s,
        "--if",
        &cond,
        "--quote",
        "peg would be abandoned if and when reserves fall",
        "--criteria",
        "Central bank announces a float",
        "--tag",
        "economy",
        "--tag",
        "fx",
    ]);
    (env, s, cond, claim)
}

#[test]
fn add_prints_the_new_key_alone() {
    let (_env, s, cond, claim) = seeded();
    assert_eq!(s, "s1");
    assert_eq!(cond, "c1");
    assert_eq!(claim, "c2");
}

#[test]
fn show_json_has_forecasts_and_full_resolution_history() {
    let (env, _s, cond, _claim) = seeded();
    env.ok(&[
        "forecast",
        &cond,
        "--p",
        "0.55",
        "--forecaster",
        "me",
        "--note",
        "revised",
    ]);
    env.ok(&[
        "resolve",
        &cond,
        "yes",
        "--on",
        "2026-11-01",
        "--evidence",
        "https://example.org/e",
    ]);
    env.ok(&[
        "resolve",
        &cond,
        "no",
        "--on",
        "2026-11-02",
        "--note",
        "misread the data",
    ]);
    let v = env.json(&["show", &cond, "--json"]);
    assert_eq!(v["key"], "c1");
    assert_eq!(v["resolve_by"], "2016-12-31");
    assert_eq!(v["tags"], serde_json::json!(["economy"]));
    assert_eq!(v["status"], "no");
    let f = v["forecasts"].as_array().unwrap();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0]["p"], 0.4);
    assert_eq!(f[0]["made_at"], "2015-05-26T00:00:00Z");
    assert_eq!(f[0]["backfilled"], true);
    assert_eq!(f[1]["backfilled"], false);
    let r = v["resolutions"].as_array().unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["outcome"], "yes");
    assert_eq!(r[0]["current"], false);
    assert_eq!(r[1]["outcome"], "no");
    assert_eq!(r[1]["current"], true);
    let human = env.ok(&["show", &cond]);
    assert!(human.contains("(backfilled)"), "{human}");
    assert!(human.contains("superseded"), "{human}");
}

#[test]
fn list_filters() {
    let (env, s, cond, claim) = seeded();
    let keys = |args: &[&str]| -> Vec<String> {
        env.json(args)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key"].as_str().unwrap().to_string())
            .collect()
    };
    let soon = env.ok(&["add", "Strike ends", "--by", "+10d"]);
    let later = env.ok(&["add", "Budget passes", "--by", "+90d", "--p", "0.6"]);
    assert_eq!(
        keys(&["list", "--json"]),
        [cond.as_str(), claim.as_str(), soon.as_str(), later.as_str()]
    );
    assert_eq!(
        keys(&["list", "--overdue", "--json"]),
        [cond.as_str(), claim.as_str()]
    );
    assert_eq!(
        keys(&["list", "--due", "--json"]),
        [cond.as_str(), claim.as_str(), soon.as_str()]
    );
    assert_eq!(
        keys(&["list", "--due", "--within", "100d", "--json"]),
        [cond.as_str(), claim.as_str(), soon.as_str(), later.as_str()]
    );
    assert_eq!(keys(&["list", "--tag", "fx", "--json"]), [claim.as_str()]);
    assert_eq!(
        keys(&["list", "--source", &s, "--json"]),
        [cond.as_str(), claim.as_str()]
    );
    assert_eq!(
        keys(&["list", "--forecaster", "me", "--json"]),
        [later.as_str()]
    );
    env.ok(&["resolve", &soon, "yes", "--on", "2026-11-20"]);
    assert_eq!(keys(&["list", "--resolved", "--json"]), [soon.as_str()]);
    assert_eq!(
        keys(&["list", "--open", "--json"]),
        [cond.as_str(), claim.as_str(), later.as_str()]
    );
    let table = env.ok(&["list"]);
    assert!(table.lines().all(|l| l.chars().count() <= 100), "{table}");
    assert!(table.contains("40%*"), "backfilled mark missing: {table}");
}

#[test]
fn long_statements_are_truncated_to_fit() {
    let env = Env::new();
    let long = "word ".repeat(60);
    env.ok(&["add", &long, "--by", "2030-01-01", "--p", "0.5"]);
    let table = env.ok(&["list"]);
    assert!(table.contains('…'));
    assert!(table.lines().all(|l| l.chars().count() <= 100), "{table}");
}

#[test]
fn sources_list_and_show() {
    let (env, s, _, _) = seeded();
    let v = env.json(&["source", "list", "--json"]);
    assert_eq!(v[0]["key"], "s1");
    assert_eq!(
        v[0]["authors"],
        serde_json::json!(["A. Writer", "B. Writer"])
    );
    assert_eq!(v[0]["has_text"], true);
    assert_eq!(v[0]["text_sha256"].as_str().unwrap().len(), 64);
    let one = env.json(&["source", "show", &s, "--json"]);
    assert_eq!(one["text"], crate::common::ARTICLE);
    assert_eq!(one["claims"], serde_json::json!(["c1", "c2"]));
}

/// Each refusal: exit 1, one line naming the field and the value, nothing written.
#[test]
fn bad_input_is_refused_and_nothing_changes() {
    let (env, s, cond, claim) = seeded();
    env.ok(&["resolve", &cond, "no", "--on", "2016-06-01"]);
    let before = env.dump();
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (vec!["forecast", &claim, "--p", "1.5"], &["--p", "1.5"]),
        (vec!["forecast", &claim, "--p", "-0.1"], &["--p", "-0.1"]),
        (
            vec!["forecast", &claim, "--p", "likely-ish"],
            &["--p", "likely-ish"],
        ),
        (
            vec!["add", "x", "--by", "2015-02-30"],
            &["--by", "2015-02-30"],
        ),
        (
            vec!["add", "x", "--by", "next week"],
            &["--by", "next week"],
        ),
        (
            vec!["forecast", &claim, "--p", "0.5", "--at", "2015-13-01"],
            &["--at", "2015-13-01"],
        ),
        (vec!["forecast", "c99", "--p", "0.5"], &["claim", "c99"]),
        (
            vec!["add", "x", "--by", "2016-01-01", "--source", "s9"],
            &["source", "s9"],
        ),
        (
            vec!["add", "x", "--by", "2016-01-01", "--if", "c77"],
            &["condition", "c77"],
        ),
        (vec!["resolve", &claim, "perhaps"], &["outcome", "perhaps"]),
        (vec!["resolve", "c42", "yes"], &["claim", "c42"]),
        (
            vec!["forecast", &cond, "--p", "0.5", "--at", "2016-06-02"],
            &["made_at", "2016-06-01"],
        ),
        (
            vec![
                "add",
                "x",
                "--by",
                "2016-01-01",
                "--key",
                "c9",
                "--if",
                "c9",
            ],
            &["condition", "c9"],
        ),
        (
            vec!["add", "x", "--by", "2015-05-01", "--source", &s],
            &["resolve_by", "2015-05-01"],
        ),
        (
            vec![
                "add",
                "x",
                "--by",
                "2016-01-01",
                "--source",
                &s,
                "--quote",
                "the peg is dead",
            ],
            &["quote", "the peg is dead"],
        ),
        (vec!["add", "   ", "--by", "2016-01-01"], &["statement"]),
        (
            vec!["add", "x", "--by", "2016-01-01", "--key", &claim],
            &["key", "c2"],
        ),
        (
            vec!["add", "x", "--by", "2016-01-01", "--p", "2"],
            &["--p", "2"],
        ),
        (
            vec!["source", "add", "--title", "T", "--published", "2015-02-29"],
            &["--published", "2015-02-29"],
        ),
        (
            vec!["source", "add", "--title", "T", "--text", "missing.txt"],
            &["--text", "missing.txt"],
        ),
    ];
    for (args, must_mention) in cases {
        let err = env.fails(&args, 1);
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{args:?}: not one line: {err}"
        );
        for m in must_mention {
            assert!(
                err.contains(m),
                "{args:?}: error does not mention {m}: {err}"
            );
        }
        assert_eq!(env.dump(), before, "{args:?} changed the ledger");
    }
}

#[test]
fn a_condition_chain_cannot_loop() {
    let env = Env::new();
    let a = env.ok(&["add", "A happens", "--by", "2030-01-01"]);
    let b = env.ok(&["add", "B happens", "--by", "2030-01-01", "--if", &a]);
    let c = env.ok(&["add", "C happens", "--by", "2030-01-01", "--if", &b]);
    assert_eq!(c, "c3");
    let err = env.fails(
        &["add", "D", "--by", "2030-01-01", "--key", "d", "--if", "d"],
        1,
    );
    assert!(err.contains("cycle"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    env.cmd().args(["add", "x"]).assert().code(2);
    env.cmd()
        .args(["list", "--open", "--resolved"])
        .assert()
        .code(2);
    env.cmd().args(["frobnicate"]).assert().code(2);
}

#[test]
fn closed_pipe_is_not_an_error() {
    let env = Env::new();
    for i in 0..40 {
        env.ok(&["add", &format!("Claim number {i}"), "--by", "2030-01-01"]);
    }
    // Reading nothing: the binary writes into a closed pipe and must still exit 0.
    let out = env.run_into_closed_pipe(&["list", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Output larger than the writer's buffer reaches the closed pipe while the JSON is being
/// made, not at the end: still no error.
#[test]
fn closed_pipe_is_not_an_error_in_the_middle_of_json() {
    let env = Env::new();
    let lines: String = (0..400)
        .map(|i| {
            format!(
                "{{\"type\":\"claim\",\"key\":\"k{i}\",\"statement\":\"Claim number {i}\",\"resolve_by\":\"2030-01-01\"}}\n\
                 {{\"type\":\"forecast\",\"claim\":\"k{i}\",\"forecaster\":\"ana\",\"p\":0.25,\"made_at\":\"2026-01-02T00:00:00Z\"}}\n"
            )
        })
        .collect();
    std::fs::write(env.path("many.jsonl"), lines).expect("written");
    env.ok(&["import", "many.jsonl"]);
    for args in [
        &["list", "--json"][..],
        &["log", "--json"],
        &["report", "--by", "claim", "--format", "json"],
    ] {
        let out = env.run_into_closed_pipe(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn non_database_files_are_refused_untouched() {
    let env = Env::new();
    let text = env.path("notes.txt");
    std::fs::write(&text, "just some notes\n".repeat(100)).unwrap();
    let before = std::fs::read(&text).unwrap();
    let err = env.fails(&["--db", text.to_str().unwrap(), "list"], 3);
    assert!(err.contains("not a hindsight/SQLite database"), "{err}");
    assert_eq!(std::fs::read(&text).unwrap(), before);

    // A real ledger cut short.
    env.ok(&["add", "Something", "--by", "2030-01-01"]);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    let full = std::fs::read(env.db()).unwrap();
    let cut = env.path("cut.db");
    std::fs::write(&cut, &full[..full.len() / 2 + 100]).unwrap();
    let before = std::fs::read(&cut).unwrap();
    env.fails(&["--db", cut.to_str().unwrap(), "list"], 3);
    assert_eq!(std::fs::read(&cut).unwrap(), before);
}

#[test]
fn newer_schema_is_refused_untouched() {
    let env = Env::new();
    env.ok(&["add", "Something", "--by", "2030-01-01"]);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    let before = env.dump();
    let err = env.fails(&["list"], 3);
    assert!(err.contains("newer"), "{err}");
    assert_eq!(env.dump(), before);
}

#[test]
fn database_location_rules() {
    let env = Env::new();
    // XDG_DATA_HOME when neither --db nor HINDSIGHT_DB is given.
    let data = env.path("xdg");
    env.cmd()
        .env_remove("HINDSIGHT_DB")
        .env("XDG_DATA_HOME", &data)
        .args(["add", "X", "--by", "2030-01-01"])
        .assert()
        .success();
    assert!(data.join("hindsight/ledger.db").exists());
    // --db wins over HINDSIGHT_DB.
    let explicit = env.path("deep/er/explicit.db");
    env.ok(&[
        "--db",
        explicit.to_str().unwrap(),
        "add",
        "Y",
        "--by",
        "2030-01-01",
    ]);
    assert!(explicit.exists());
    assert!(!env.db().exists());
}

#[test]
fn forecaster_defaults_from_environment() {
    let env = Env::new();
    let c = env.ok(&["add", "X", "--by", "2030-01-01"]);
    env.cmd()
        .env("HINDSIGHT_FORECASTER", "ana")
        .args(["forecast", &c, "--p", "0.3"])
        .assert()
        .success();
    env.ok(&["forecast", &c, "--p", "0.4"]);
    let v = env.json(&["show", &c, "--json"]);
    assert_eq!(v["forecasts"][0]["forecaster"], "ana");
    assert_eq!(v["forecasts"][1]["forecaster"], "me");
}
