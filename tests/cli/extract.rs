//! `extract` from the binary: the draft → edit → import workflow, the seed article, odd
//! input, user lexicons, and estimative phrases wherever a probability is accepted.

use crate::common::Env;

const ARTICLE: &str = "Lenders met the finance minister on Monday. Officials said the currency peg would be \
abandoned if and when reserves fall below three months of imports. The central bank is likely to raise \
rates by the end of the year. The government should publish its accounts. It remains to be seen how long \
the truce with the unions will last.\n";

/// Writes `text` to a.txt and records it as a source by A. Writer published 2025-03-02; its key.
fn source_with_text(env: &Env, text: &str) -> String {
    std::fs::write(env.path("a.txt"), text).unwrap();
    env.ok(&[
        "source",
        "add",
        "--title",
        "Article",
        "--author",
        "A. Writer",
        "--published",
        "2025-03-02",
        "--text",
        "a.txt",
    ])
}

#[test]
fn drafts_import_as_claims_and_forecasts() {
    let env = Env::new();
    let s = source_with_text(&env, ARTICLE);
    let drafts = env.ok(&["extract", "a.txt", "--source", &s, "--format", "jsonl"]);
    std::fs::write(env.path("draft.jsonl"), format!("{drafts}\n")).unwrap();
    env.ok(&["import", "draft.jsonl"]);
    let claims = env.json(&["list", "--json"]);
    let claims = claims.as_array().unwrap();
    let find = |word: &str| {
        claims
            .iter()
            .find(|c| c["statement"].as_str().unwrap().contains(word))
    };
    let peg = find("peg").expect("the consequence is a claim");
    let reserves = find("reserves fall").expect("the condition is a claim");
    assert_eq!(peg["condition"], reserves["key"]);
    assert_eq!(
        peg["resolve_by"], "2026-03-02",
        "no time expression: publication + 12 months"
    );
    let rates = find("raise").expect("the likely claim");
    assert_eq!(rates["resolve_by"], "2025-12-31");
    let rates_shown = env.json(&["show", rates["key"].as_str().unwrap(), "--json"]);
    assert_eq!(rates_shown["forecasts"][0]["p"], 0.7);
    assert_eq!(rates_shown["forecasts"][0]["forecaster"], "A. Writer");
    assert_eq!(
        rates_shown["forecasts"][0]["made_at"],
        "2025-03-02T00:00:00Z"
    );
    let truce = find("truce").expect("a hedge is still proposed");
    assert_eq!(truce["forecasts"], 0, "a hedge gets no probability");
    assert!(
        find("publish its accounts").is_none(),
        "a recommendation is not a prediction"
    );
    // The peg is reported speech: the speaker is the forecaster.
    let peg_shown = env.json(&["show", peg["key"].as_str().unwrap(), "--json"]);
    assert_eq!(peg_shown["forecasts"][0]["forecaster"], "Officials");
}

#[test]
fn table_is_the_default_on_a_terminal_and_jsonl_otherwise() {
    let env = Env::new();
    std::fs::write(env.path("a.txt"), ARTICLE).unwrap();
    // Tests capture stdout, so it is not a terminal: JSON Lines.
    let out = env.ok(&["extract", "a.txt", "--published", "2025-03-02"]);
    assert!(
        out.lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "{out}"
    );
    let table = env.ok(&[
        "extract",
        "a.txt",
        "--published",
        "2025-03-02",
        "--format",
        "table",
    ]);
    assert!(
        table.contains("SCORE") && table.contains("hedge"),
        "{table}"
    );
}

#[test]
fn seed_article_candidates() {
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seed/orf-2015-05-26-kerry-russia.txt"
    );
    if !std::path::Path::new(seed).exists() {
        eprintln!("SKIPPED seed_article_candidates: {seed} is absent");
        return;
    }
    let env = Env::new();
    let out = env.ok(&[
        "extract",
        seed,
        "--published",
        "2015-05-26",
        "--format",
        "jsonl",
    ]);
    let records: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let claims: Vec<&serde_json::Value> = records.iter().filter(|r| r["type"] == "claim").collect();
    assert!(claims.len() <= 15, "{} candidates", claims.len());
    let has = |words: &[&str]| {
        claims.iter().find(|c| {
            let s = c["statement"].as_str().unwrap().to_lowercase();
            words.iter().all(|w| s.contains(w))
        })
    };
    let sanctions = has(&["sanctions", "rolled back"]).expect("sanctions claim");
    let minsk = has(&["minsk", "implemented"]).expect("Minsk condition");
    assert_eq!(sanctions["condition"], minsk["key"]);
    let normalisation = has(&["normalisation"]).expect("normalisation claim");
    assert!(normalisation["extract"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "hedge_only"));
    has(&["punishing russia"]).expect("INF punishment claim");
    // The drafts import cleanly.
    std::fs::write(env.path("seed.jsonl"), format!("{out}\n")).unwrap();
    env.ok(&["import", "seed.jsonl"]);
}

#[test]
fn odd_input_never_fails() {
    let env = Env::new();
    std::fs::write(env.path("empty.txt"), "").unwrap();
    assert_eq!(
        env.ok(&[
            "extract",
            "empty.txt",
            "--published",
            "2025-01-01",
            "--format",
            "jsonl"
        ]),
        ""
    );
    let mut bad =
        b"The plan will fail by 2027.\r\nPrices \xff\xfe will rise next year.\r\n".to_vec();
    bad.extend_from_slice("A \u{fffd} sign will change soon.".as_bytes());
    std::fs::write(env.path("bad.txt"), &bad).unwrap();
    let out = env
        .cmd()
        .args([
            "extract",
            "bad.txt",
            "--published",
            "2025-01-01",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid UTF-8"));
    let huge = "word ".repeat(400_000);
    std::fs::write(env.path("huge.txt"), huge).unwrap();
    env.ok(&[
        "extract",
        "huge.txt",
        "--published",
        "2025-01-01",
        "--format",
        "jsonl",
    ]);
    env.cmd()
        .args([
            "extract",
            "-",
            "--published",
            "2025-01-01",
            "--format",
            "jsonl",
        ])
        .write_stdin("It will rain tomorrow.")
        .assert()
        .success();
}

#[test]
fn user_lexicon_replaces_the_builtin_one() {
    let env = Env::new();
    std::fs::write(
        env.path("a.txt"),
        "The bank is likely to cut rates next year.\n",
    )
    .unwrap();
    std::fs::write(
        env.path("lex.csv"),
        "phrase,point,low,high,source,kind\nlikely,0.6,0.5,0.7,my reading,estimative\n",
    )
    .unwrap();
    let out = env.ok(&[
        "extract",
        "a.txt",
        "--published",
        "2025-01-01",
        "--format",
        "jsonl",
        "--lexicon",
        "lex.csv",
    ]);
    let forecast: serde_json::Value = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|r| r["type"] == "forecast")
        .unwrap();
    assert_eq!(forecast["p"], 0.6);
    assert!(forecast["note"].as_str().unwrap().contains("my reading"));
    std::fs::write(
        env.path("bad.csv"),
        "phrase,point,low,high,source,kind\nlikely,1.6,0.5,0.7,x,estimative\n",
    )
    .unwrap();
    let err = env.fails(
        &[
            "extract",
            "a.txt",
            "--published",
            "2025-01-01",
            "--lexicon",
            "bad.csv",
        ],
        1,
    );
    assert!(err.contains("--lexicon") && err.contains("1.6"), "{err}");
}

#[test]
fn estimative_phrases_are_probabilities() {
    let env = Env::new();
    let c = env.ok(&[
        "add",
        "It rains",
        "--by",
        "2030-01-01",
        "--p",
        "very likely",
    ]);
    let v = env.json(&["show", &c, "--json"]);
    assert_eq!(v["forecasts"][0]["p"], 0.9);
    assert!(v["forecasts"][0]["note"]
        .as_str()
        .unwrap()
        .contains("very likely"));
    env.ok(&["forecast", &c, "--p", "unlikely"]);
    let v = env.json(&["show", &c, "--json"]);
    assert_eq!(v["forecasts"][1]["p"], 0.2);
    let err = env.fails(&["forecast", &c, "--p", "fairly plausible-ish"], 1);
    assert!(err.contains("estimative phrase"), "{err}");
}

#[test]
fn vague_trends_are_hidden_by_default_and_all_shows_them() {
    let env = Env::new();
    std::fs::write(
        env.path("a.txt"),
        "The port authority will open the new terminal in March 2026. The pressure on the harbour will increase.\n",
    )
    .unwrap();
    let args = [
        "extract",
        "a.txt",
        "--published",
        "2025-03-02",
        "--format",
        "jsonl",
    ];
    let out = env.cmd().args(args).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("terminal"), "{stdout}");
    assert!(!stdout.contains("pressure"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--all"), "{stderr}");
    let all = env.ok(&[&args[..], &["--all"]].concat());
    assert!(
        all.contains("pressure") && all.contains("terminal"),
        "{all}"
    );
    // Best first: the dated claim outranks the vague trend.
    assert!(all.find("terminal") < all.find("pressure"), "{all}");
    let low = env.ok(&[&args[..], &["--min-score", "0"]].concat());
    assert_eq!(low, all);
    env.fails(&[&args[..], &["--all", "--min-score", "0.5"]].concat(), 2);
}

#[test]
fn web_text_drafts_import_against_the_original_text() {
    let env = Env::new();
    let text = "Bank holds rates &#8211; for now\n\n\"We are patient,\" Governor Ana Ruiz told reporters on Monday. \
She added that a cut in April was unlikely. Traders at Hale &amp; Moor expect the bank&apos;s rate to fall to 3% by December. \
They said the port would close in 2027.\n";
    let s = source_with_text(&env, text);
    let drafts = env.ok(&["extract", "a.txt", "--source", &s, "--format", "jsonl"]);
    let records: Vec<serde_json::Value> = drafts
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let claim = |word: &str| {
        records
            .iter()
            .find(|r| r["type"] == "claim" && r["statement"].as_str().unwrap().contains(word))
            .unwrap_or_else(|| panic!("no claim with {word}: {drafts}"))
    };
    let april = claim("April");
    assert_eq!(april["extract"]["speaker"], "Ana Ruiz");
    let rate = claim("3%");
    assert!(rate["statement"].as_str().unwrap().contains("bank's rate"));
    // The quote is the original text, entities and all.
    assert!(rate["quote"].as_str().unwrap().contains("&apos;"), "{rate}");
    let forecaster = records
        .iter()
        .find(|r| r["type"] == "forecast" && r["claim"] == april["key"])
        .map(|r| r["forecaster"].clone());
    assert_eq!(forecaster, Some(serde_json::json!("Ana Ruiz")));
    // Reported speech with nobody named is not the author's forecast either.
    let port = claim("port");
    let forecaster = records
        .iter()
        .find(|r| r["type"] == "forecast" && r["claim"] == port["key"])
        .map(|r| r["forecaster"].clone());
    assert_eq!(
        forecaster,
        Some(serde_json::json!("unnamed source, reported by A. Writer"))
    );
    std::fs::write(env.path("d.jsonl"), format!("{drafts}\n")).unwrap();
    env.ok(&["import", "d.jsonl"]);
}

#[test]
fn a_quote_typed_by_hand_matches_across_case_quotes_dashes_and_entities() {
    let env = Env::new();
    let s = source_with_text(
        &env,
        "Officials said \u{201C}The peg would be abandoned\u{201D} \u{2013} Kerry&apos;s view.\n",
    );
    let typed = "\"the peg would be abandoned\" - Kerry's view";
    let c = env.ok(&[
        "add",
        "The peg is abandoned",
        "--by",
        "2026-01-01",
        "--source",
        &s,
        "--quote",
        typed,
    ]);
    let shown = env.json(&["show", &c, "--json"]);
    assert_eq!(shown["quote"], typed, "stored as typed");
    let err = env.fails(
        &[
            "add",
            "x",
            "--by",
            "2026-01-01",
            "--source",
            &s,
            "--quote",
            "the peg would be kept",
        ],
        1,
    );
    assert!(err.contains("quote"), "{err}");
}
