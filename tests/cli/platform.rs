//! Issue 12 from the binary: claims that open and close at an instant, unknown fields in
//! imports, and (below) the platform scores and the crowd, checked against values worked
//! out by hand.

use crate::common::Env;

/// A claim that closes at 14:00 on 2025-12-01 and resolves yes on 2025-12-10.
fn windowed() -> Env {
    let env = Env::new();
    env.ok(&[
        "add",
        "The vote passes",
        "--key",
        "vote",
        "--by",
        "2025-12-31",
        "--opens-at",
        "2025-11-01T09:00:00Z",
        "--closes-at",
        "2025-12-01T14:00:00+00:00",
    ]);
    env
}

#[test]
fn add_records_the_window_and_show_gives_it() {
    let env = windowed();
    let shown = env.json(&["show", "vote", "--json"]);
    assert_eq!(shown["opens_at"], "2025-11-01T09:00:00Z");
    assert_eq!(shown["closes_at"], "2025-12-01T14:00:00Z");
    let text = env.ok(&["show", "vote"]);
    assert!(text.contains("opens at    2025-11-01T09:00:00Z"), "{text}");
    assert!(text.contains("closes at   2025-12-01T14:00:00Z"), "{text}");
    // A claim without a window says nothing about one.
    env.ok(&["add", "Plain", "--key", "plain", "--by", "2025-12-31"]);
    let plain = env.json(&["show", "plain", "--json"]);
    assert!(plain.get("opens_at").is_none() && plain.get("closes_at").is_none());
    assert!(env.ok(&["verify"]).contains("ok"), "verify");
}

#[test]
fn verify_rebuilds_the_window_from_the_history() {
    let env = windowed();
    // Moving the close behind hindsight's back is found: the history holds the window.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute(
        "UPDATE claims SET closes_at = '2025-12-31T00:00:00Z' WHERE key = 'vote'",
        [],
    )
    .unwrap();
    drop(conn);
    let err = env.fails(&["verify"], 4);
    assert!(
        err.contains("claim vote: the table says closes_at = \"2025-12-31T00:00:00Z\", the history says \"2025-12-01T14:00:00Z\""),
        "{err}"
    );
}

#[test]
fn closing_before_opening_is_refused() {
    let env = Env::new();
    env.ok(&["add", "Plain", "--key", "plain", "--by", "2025-12-31"]);
    let before = env.dump();
    let err = env.fails(
        &[
            "add",
            "Backwards",
            "--by",
            "2025-12-31",
            "--opens-at",
            "2025-11-02",
            "--closes-at",
            "2025-11-01T23:00:00Z",
        ],
        1,
    );
    assert!(
        err.contains("closes_at")
            && err.contains("2025-11-01T23:00:00Z")
            && err.contains("opens_at 2025-11-02T00:00:00Z"),
        "{err}"
    );
    assert_eq!(env.dump(), before);
    let err = env.fails(
        &["add", "Bad", "--by", "2025-12-31", "--closes-at", "soon"],
        1,
    );
    assert!(err.contains("--closes-at") && err.contains("soon"), "{err}");
}

#[test]
fn forecast_after_the_close_is_refused_naming_the_close() {
    let env = windowed();
    env.ok(&[
        "forecast",
        "vote",
        "--p",
        "0.3",
        "--forecaster",
        "ana",
        "--at",
        "2025-12-01T14:00:00Z",
    ]);
    let before = env.dump();
    let err = env.fails(
        &[
            "forecast",
            "vote",
            "--p",
            "0.9",
            "--forecaster",
            "ana",
            "--at",
            "2025-12-01T14:00:01Z",
        ],
        1,
    );
    assert!(
        err.contains("--at") && err.contains("vote closed at 2025-12-01T14:00:00Z"),
        "{err}"
    );
    assert_eq!(env.dump(), before);
    // `add` with a first forecast after the close it sets: refused, nothing written.
    let err = env.fails(
        &[
            "add",
            "Late",
            "--by",
            "2025-12-31",
            "--closes-at",
            "2025-12-01T14:00:00Z",
            "--p",
            "0.4",
            "--at",
            "2025-12-02",
        ],
        1,
    );
    assert!(err.contains("closed at 2025-12-01T14:00:00Z"), "{err}");
    assert_eq!(env.dump(), before);
}

/// A line of JSON Lines for a forecast on `vote`.
fn forecast_line(who: &str, p: f64, at: &str) -> String {
    format!(
        r#"{{"type":"forecast","claim":"vote","forecaster":"{who}","p":{p},"made_at":"{at}","recorded_at":"2025-12-20T00:00:00Z"}}"#
    )
}

#[test]
fn imported_forecasts_after_the_close_never_count() {
    let env = windowed();
    let lines = [
        forecast_line("ana", 0.3, "2025-12-01T10:00:00Z"),
        // After the close, but before the resolve-by day ends: imported, never counted.
        forecast_line("ana", 0.9, "2025-12-01T15:00:00Z"),
        forecast_line("bob", 0.8, "2025-12-02T00:00:00Z"),
    ];
    std::fs::write(env.path("late.jsonl"), lines.join("\n")).unwrap();
    env.ok(&["import", "late.jsonl"]);
    env.ok(&["resolve", "vote", "yes", "--on", "2025-12-10"]);
    let report = env.json(&["report", "--format", "json"]);
    let groups = report["groups"].as_array().unwrap();
    // Only ana's 0.3 counts: (1 - 0.3)^2 = 0.49; bob has nothing before the close, so
    // his pair is late: counted, never scored.
    assert_eq!(groups.len(), 2, "{report}");
    assert_eq!(groups[0]["key"], "ana");
    assert_eq!(groups[0]["n"], 1);
    assert!((groups[0]["brier"].as_f64().unwrap() - 0.49).abs() < 1e-12);
    assert_eq!(groups[1]["key"], "bob");
    assert_eq!(
        (&groups[1]["n"], &groups[1]["late"]),
        (&0.into(), &1.into())
    );
    assert!(groups[1]["brier"].is_null() && groups[1]["baseline"].is_null());
}

#[test]
fn the_window_survives_export_and_import_byte_for_byte() {
    let a = windowed();
    a.ok(&["add", "Plain", "--key", "plain", "--by", "2025-12-31"]);
    let jsonl = a.ok(&["export"]);
    assert!(
        jsonl.contains(r#""opens_at":"2025-11-01T09:00:00Z","closes_at":"2025-12-01T14:00:00Z""#),
        "{jsonl}"
    );
    std::fs::write(a.path("ledger.jsonl"), format!("{jsonl}\n")).unwrap();
    let b = Env::new();
    b.ok(&["import", a.path("ledger.jsonl").to_str().unwrap()]);
    assert_eq!(b.ok(&["export"]), jsonl);
    assert!(b.ok(&["verify"]).contains("ok"));

    let csv = a.ok(&["export", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("claim,statement,resolve_by,condition,")
            && header.ends_with(
                ",source_recorded_at,opens_at,closes_at,recorded_by,resolution_recorded_by,claim_recorded_by,source_recorded_by"
            ),
        "{header}"
    );
    std::fs::write(a.path("ledger.csv"), format!("{csv}\n")).unwrap();
    let c = Env::new();
    c.ok(&[
        "import",
        "--format",
        "csv",
        a.path("ledger.csv").to_str().unwrap(),
    ]);
    assert_eq!(c.ok(&["export", "--format", "csv"]), csv);
    let shown = c.json(&["show", "vote", "--json"]);
    assert_eq!(shown["closes_at"], "2025-12-01T14:00:00Z");
}

#[test]
fn unknown_fields_in_an_import_are_refused_but_drafts_import() {
    let env = Env::new();
    env.ok(&["add", "Plain", "--key", "plain", "--by", "2025-12-31"]);
    let lines = [
        r#"{"type":"claim","key":"k1","statement":"One","resolve_by":"2026-01-01","extract":{"score":0.4,"cues":["will"]}}"#,
        r#"{"type":"claim","key":"k2","statement":"Two","resolve_by":"2026-01-01","closes":"2025-12-01T00:00:00Z"}"#,
    ];
    std::fs::write(env.path("typo.jsonl"), lines.join("\n")).unwrap();
    let before = env.dump();
    let err = env.fails(&["import", "typo.jsonl"], 1);
    assert!(
        err.contains("typo.jsonl:2: closes: unknown field 'closes' (accepted: type, key, statement, resolve_by, opens_at, closes_at,"),
        "{err}"
    );
    assert_eq!(env.dump(), before);
    std::fs::write(env.path("draft.jsonl"), lines[0]).unwrap();
    env.ok(&["import", "draft.jsonl"]);
    assert_eq!(env.json(&["show", "k1", "--json"])["statement"], "One");
}

// ---- baseline, peer, the crowd ----------------------------------------------------------

/// One claim open from 2025-11-01 to its close at 2025-11-11 (10 days), resolved yes:
///   a: 0.5 on Nov 1, revised to 0.8 on Nov 6
///   b: 0.2 on Nov 3
///   c: 0.9 on Nov 9
/// (the same layout as the unit tests in src/score/platform.rs and claim.rs).
fn three() -> Env {
    let env = Env::new();
    env.ok(&[
        "add",
        "The vote passes",
        "--key",
        "vote",
        "--by",
        "2025-12-31",
        "--opens-at",
        "2025-11-01",
        "--closes-at",
        "2025-11-11",
    ]);
    for (who, p, at) in [
        ("a", "0.5", "2025-11-01"),
        ("b", "0.2", "2025-11-03"),
        ("a", "0.8", "2025-11-06"),
        ("c", "0.9", "2025-11-09"),
    ] {
        env.ok(&[
            "forecast",
            "vote",
            "--p",
            p,
            "--forecaster",
            who,
            "--at",
            at,
        ]);
    }
    env.ok(&["resolve", "vote", "yes", "--on", "2025-12-01"]);
    env
}

fn groups(v: &serde_json::Value) -> std::collections::BTreeMap<String, serde_json::Value> {
    v["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| (g["key"].as_str().unwrap().to_string(), g.clone()))
        .collect()
}

fn near(v: &serde_json::Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-6, "got {got}, want {want}");
}

#[test]
fn spot_baseline_peer_and_the_crowd_by_hand() {
    let env = three();
    let v = env.json(&[
        "report",
        "--format",
        "json",
        "--crowd",
        "median",
        "--crowd",
        "mean",
        "--crowd",
        "geo-mean-odds",
    ]);
    let g = groups(&v);
    // Counted: a 0.8, b 0.2, c 0.9. Baseline 100 (log2 p + 1):
    near(&g["a"]["baseline"], 67.807_190_511);
    near(&g["b"]["baseline"], -132.192_809_489);
    near(&g["c"]["baseline"], 84.799_690_655);
    // Peer 100 (ln p - mean of the others' ln p), e.g. for a:
    // 100 (-0.223143551 - (-1.609437912 - 0.105360516) / 2) = 63.4255663
    near(&g["a"]["peer"], 63.425_566_3);
    near(&g["b"]["peer"], -144.518_587_9);
    near(&g["c"]["peer"], 81.093_021_6);
    // The crowd: median 0.8, mean 1.9 / 3, geometric mean of odds
    // 1 / (1 + exp(-(ln 4 + ln 0.25 + ln 9) / 3)) = 0.6753335.
    near(&g["crowd:median"]["mean_p"], 0.8);
    near(&g["crowd:mean"]["mean_p"], 1.9 / 3.0);
    near(&g["crowd:geo-mean-odds"]["mean_p"], 0.675_333_5);
    // The crowd median is compared with all three: 100 (ln 0.8 - (ln 0.8 + ln 0.2 + ln 0.9) / 3)
    // = 100 (-0.223143551 + 1.937941979 / 3) = 100 (-0.223143551 + 0.645980660) = 42.2837109
    near(&g["crowd:median"]["peer"], 42.283_710_9);
    // Brier relative to the crowd median (0.04): a 0, b 0.6, c -0.03.
    near(&g["a"]["relative_brier"], 0.0);
    near(&g["b"]["relative_brier"], 0.6);
    near(&g["c"]["relative_brier"], -0.03);
    near(&g["a"]["baseline_sum"], 67.807_190_511);

    // --forecaster chooses rows, never who a peer score or the crowd is made of.
    let only_a = groups(&env.json(&[
        "report",
        "--format",
        "json",
        "--forecaster",
        "a",
        "--crowd",
        "median",
    ]));
    assert_eq!(
        only_a.keys().collect::<Vec<_>>(),
        ["a", "crowd:median"],
        "{only_a:?}"
    );
    assert_eq!(only_a["a"]["peer"], g["a"]["peer"]);
    assert_eq!(only_a["crowd:median"]["brier"], g["crowd:median"]["brier"]);
    // Naming the crowd is enough to get it.
    let named = groups(&env.json(&["report", "--format", "json", "--forecaster", "crowd:mean"]));
    assert_eq!(named.keys().collect::<Vec<_>>(), ["crowd:mean"]);
}

#[test]
fn time_averaged_scores_by_hand() {
    let env = three();
    let g = groups(&env.json(&[
        "report", "--format", "json", "--rule", "time-avg", "--crowd", "median",
    ]));
    // a: 0.5 for 5 days, 0.8 for 5 days, the whole window.
    near(&g["a"]["brier"], (5.0 * 0.25 + 5.0 * 0.04) / 10.0);
    near(&g["a"]["coverage"], 1.0);
    near(&g["a"]["baseline"], 67.807_190_511 / 2.0);
    // Peer: alone 2 days (0), against b 3 + 3 days, against b and c 2 days:
    // (3 * 0.916290732 + 3 * 1.386294361 + 2 * 0.634255663) / 10 = 0.817626661
    near(&g["a"]["peer"], 81.762_666_1);
    // b stood 8 of the 10 days; its Brier is the mean while it stood, its baseline
    // counts 0 for the two days without a forecast.
    near(&g["b"]["coverage"], 0.8);
    near(&g["b"]["brier"], 0.64);
    near(&g["b"]["baseline"], 0.8 * -132.192_809_489);
    // The crowd median: 0.5, 0.35, 0.5, 0.8 for 2, 3, 3, 2 days;
    // Brier (2 * 0.25 + 3 * 0.4225 + 3 * 0.25 + 2 * 0.04) / 10 = 0.25975.
    near(&g["crowd:median"]["brier"], 0.25975);
    near(&g["a"]["relative_brier"], 0.145 - 0.25975);
    // Peer scores of a claim's forecasters add up to 0 at every instant.
    let total: f64 = ["a", "b", "c"]
        .iter()
        .map(|k| g[*k]["peer"].as_f64().unwrap())
        .sum();
    assert!(total.abs() < 1e-9, "{total}");
}

#[test]
fn by_claim_with_one_forecaster_and_every_format() {
    let env = three();
    let v = env.json(&[
        "report",
        "--format",
        "json",
        "--by",
        "claim",
        "--forecaster",
        "a",
    ]);
    assert_eq!(v["by"], "claim");
    let g = groups(&v);
    assert_eq!(g.keys().collect::<Vec<_>>(), ["vote"]);
    near(&g["vote"]["brier"], 0.04);
    near(&g["vote"]["log_loss"], 0.223_143_551);
    near(&g["vote"]["baseline"], 67.807_190_511);
    near(&g["vote"]["peer"], 63.425_566_3);

    let csv = env.ok(&["report", "--format", "csv", "--by", "claim"]);
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with(
            ",baseline,peer,baseline_ci_low,baseline_ci_high,peer_ci_low,peer_ci_high,baseline_sum,peer_sum,relative_brier"
        ),
        "{header}"
    );
    let table = env.ok(&["report", "--crowd", "median"]);
    assert!(table.contains("BRIER VS CROWD"), "{table}");
    assert!(
        table.lines().any(|l| l.starts_with(" crowd:median")),
        "{table}"
    );
    env.ok(&[
        "report", "--format", "html", "-o", "r.html", "--crowd", "median",
    ]);
    let html = std::fs::read_to_string(env.path("r.html")).unwrap();
    assert!(html.contains("Peer score") && html.contains("crowd:median"));
    let shown = env.json(&["show", "vote", "--json"]);
    let a = &shown["scores"][0];
    assert_eq!(a["forecaster"], "a");
    near(&a["baseline"], 67.807_190_511);
    near(&a["peer"], 63.425_566_3);
}

#[test]
fn compare_and_chart_take_the_crowd() {
    let env = three();
    let v = env.json(&["compare", "a", "crowd:median", "--format", "json"]);
    assert_eq!(v["n"], 1);
    near(&v["brier_a"], 0.04);
    near(&v["brier_b"], 0.04);
    let v = env.json(&["compare", "b", "crowd:mean", "--format", "json"]);
    near(&v["brier_b"], (1.0 - 1.9 / 3.0) * (1.0 - 1.9 / 3.0));
    env.ok(&["chart", "calibration", "--crowd", "median", "-o", "cal.svg"]);
    let svg = std::fs::read_to_string(env.path("cal.svg")).unwrap();
    assert!(svg.contains("crowd:median"), "no crowd series");
    let err = env.fails(&["report", "--crowd", "mode"], 2);
    assert!(err.contains("mode"), "{err}");
    let err = env.fails(&["report", "--forecaster", "crowd:mode"], 1);
    assert!(err.contains("crowd:mode"), "{err}");
}
