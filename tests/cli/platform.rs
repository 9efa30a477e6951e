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
    // Only ana's 0.3 counts: (1 - 0.3)^2 = 0.49; bob has nothing before the close.
    assert_eq!(groups.len(), 1, "{report}");
    assert_eq!(groups[0]["key"], "ana");
    assert!((groups[0]["brier"].as_f64().unwrap() - 0.49).abs() < 1e-12);
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
            && header.ends_with(",evidence,opens_at,closes_at"),
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
