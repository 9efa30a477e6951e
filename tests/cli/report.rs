//! Reports and comparisons from the binary, checked against values worked out by hand.

use crate::common::Env;

/// Two forecasters on three claims; one conditional claim whose condition failed.
///
/// | claim | outcome | ana | bob |
/// | rain  | yes     | 0.8 (revised from 0.4) | 0.6 |
/// | snow  | no      | 0.3 | 0.5 |
/// | gate  | no (condition of `cond`) | – | – |
/// | cond  | yes, but annulled by its condition | 0.9 | – |
/// | open  | pending | 0.5 | – |
fn ledger() -> Env {
    let env = Env::new();
    let s = env.ok(&[
        "source",
        "add",
        "--title",
        "Weather column",
        "--author",
        "Cy",
        "--published",
        "2025-11-01",
    ]);
    env.ok(&[
        "add",
        "Rain on new year's day",
        "--key",
        "rain",
        "--by",
        "2026-01-01",
        "--source",
        &s,
        "--tag",
        "weather",
        "--p",
        "0.4",
        "--forecaster",
        "ana",
        "--at",
        "2025-11-20",
    ]);
    env.ok(&[
        "forecast",
        "rain",
        "--p",
        "0.8",
        "--forecaster",
        "ana",
        "--at",
        "2025-12-01",
    ]);
    env.ok(&[
        "forecast",
        "rain",
        "--p",
        "0.6",
        "--forecaster",
        "bob",
        "--at",
        "2025-12-01",
    ]);
    // Made after the resolve-by date: never counts.
    env.ok(&[
        "add",
        "Snow in February",
        "--key",
        "snow",
        "--by",
        "2026-02-01",
        "--tag",
        "weather",
        "--tag",
        "winter",
        "--p",
        "0.3",
        "--forecaster",
        "ana",
        "--at",
        "2025-12-01",
    ]);
    env.ok(&[
        "forecast",
        "snow",
        "--p",
        "0.5",
        "--forecaster",
        "bob",
        "--at",
        "2025-12-01",
    ]);
    env.ok(&[
        "forecast",
        "snow",
        "--p",
        "0.0",
        "--forecaster",
        "bob",
        "--at",
        "2026-02-05",
    ]);
    env.ok(&[
        "add",
        "The gate opens",
        "--key",
        "gate",
        "--by",
        "2026-06-01",
    ]);
    env.ok(&[
        "add",
        "Crowds come through the gate",
        "--key",
        "cond",
        "--by",
        "2026-06-01",
        "--if",
        "gate",
        "--p",
        "0.9",
        "--forecaster",
        "ana",
        "--at",
        "2025-12-01",
    ]);
    env.ok(&[
        "add",
        "Still open",
        "--key",
        "open",
        "--by",
        "2027-06-01",
        "--p",
        "0.5",
        "--forecaster",
        "ana",
        "--at",
        "2025-12-01",
    ]);
    env.ok(&["resolve", "rain", "yes", "--on", "2026-01-01"]);
    env.ok(&["resolve", "snow", "no", "--on", "2026-02-10"]);
    env.ok(&["resolve", "gate", "no", "--on", "2026-06-01"]);
    env.ok(&["resolve", "cond", "yes", "--on", "2026-06-01"]);
    env
}

fn group<'a>(v: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key}: {v}"))
}

fn close(a: &serde_json::Value, b: f64) {
    let a = a.as_f64().unwrap_or_else(|| panic!("not a number: {a}"));
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn report_by_forecaster_matches_hand_values() {
    let env = ledger();
    let v = env.json(&["report", "--format", "json"]);
    assert_eq!(v["rule"], "latest");
    assert_eq!(v["as_of"], "2026-11-28");
    let ana = group(&v, "ana");
    // rain 0.8 yes -> 0.04; snow 0.3 no -> 0.09; cond annulled; open pending.
    assert_eq!(ana["n"], 2);
    assert_eq!(ana["pending"], 1);
    assert_eq!(ana["annulled"], 1);
    close(&ana["brier"], (0.04 + 0.09) / 2.0);
    close(&ana["log_loss"], (-(0.8f64).ln() - (0.7f64).ln()) / 2.0);
    close(&ana["base_rate"], 0.5);
    close(&ana["uncertainty"], 0.25);
    close(&ana["brier_skill"], 1.0 - 0.065 / 0.25);
    close(&ana["discrimination"], 0.8 - 0.3);
    let bob = group(&v, "bob");
    // rain 0.6 -> 0.16; snow 0.5 (the 0.0 came after the cutoff) -> 0.25.
    assert_eq!(bob["n"], 2);
    close(&bob["brier"], (0.16 + 0.25) / 2.0);
    let bins = ana["calibration"].as_array().unwrap();
    assert_eq!(bins.len(), 10);
    assert_eq!(bins[8]["n"], 1.0);
    close(&bins[8]["freq"], 1.0);
    assert!(bins[0]["mean_p"].is_null());
}

#[test]
fn first_rule_holds_the_original_call() {
    let env = ledger();
    let v = env.json(&[
        "report",
        "--format",
        "json",
        "--rule",
        "first",
        "--forecaster",
        "ana",
    ]);
    // rain 0.4 yes -> 0.36; snow 0.3 no -> 0.09.
    close(&group(&v, "ana")["brier"], (0.36 + 0.09) / 2.0);
}

#[test]
fn as_of_reproduces_an_earlier_report() {
    let env = ledger();
    // On 2026-01-15 only rain was resolved; snow was still pending.
    let v = env.json(&["report", "--format", "json", "--as-of", "2026-01-15"]);
    let ana = group(&v, "ana");
    assert_eq!(ana["n"], 1);
    assert_eq!(ana["pending"], 3);
    close(&ana["brier"], 0.04);
    // Before ana's revision (2025-12-01) her standing forecast on rain was 0.4.
    let early = env.json(&["report", "--format", "json", "--as-of", "2025-11-25"]);
    assert_eq!(group(&early, "ana")["n"], 0);
    assert!(early["groups"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["key"] != "bob"));
}

#[test]
fn live_only_drops_backfilled_forecasts() {
    let env = ledger();
    // Every forecast in this ledger was recorded in 2026-11 about 2025: all backfilled.
    let v = env.json(&["report", "--format", "json", "--live-only"]);
    assert!(v["groups"].as_array().unwrap().is_empty(), "{v}");
}

#[test]
fn groupings() {
    let env = ledger();
    let tags = env.json(&["report", "--format", "json", "--by", "tag"]);
    assert_eq!(group(&tags, "weather")["n"], 4);
    assert_eq!(group(&tags, "winter")["n"], 2);
    assert_eq!(group(&tags, "(untagged)")["annulled"], 1);
    // Grouped by forecaster, a report reads the tags only for the filter: it must still
    // see them: the same two scored pairs as grouped by tag above.
    let winter = env.json(&["report", "--format", "json", "--tag", "winter"]);
    let n: u64 = winter["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["n"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 2, "{winter}");
    let authors = env.json(&["report", "--format", "json", "--by", "author"]);
    assert_eq!(group(&authors, "Cy")["n"], 2);
    let years = env.json(&["report", "--format", "json", "--by", "year"]);
    assert_eq!(group(&years, "2026")["n"], 4);
    let horizon = env.json(&["report", "--format", "json", "--by", "horizon"]);
    // ana's rain forecast on 2025-12-01 for 2026-01-01: under three months.
    assert!(group(&horizon, "under 3 months")["n"].as_u64().unwrap() >= 4);
}

#[test]
fn csv_rows_and_bins() {
    let env = ledger();
    let csv = env.ok(&["report", "--format", "csv"]);
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("key,n,late,pending,annulled,ambiguous,brier,log_loss"));
    assert_eq!(lines.count(), 2);
    let bins = env.ok(&["report", "--format", "csv", "--calibration", "--bins", "4"]);
    assert_eq!(bins.lines().count(), 1 + 2 * 4);
    assert!(bins
        .lines()
        .next()
        .unwrap()
        .starts_with("key,bin,lo,hi,n,mean_p,freq,ci_low,ci_high"));
}

#[test]
fn table_shows_calibration_for_one_group() {
    let env = ledger();
    let t = env.ok(&["report", "--forecaster", "ana"]);
    assert!(t.contains("calibration"), "{t}");
    assert!(t.contains('┃'), "{t}");
    assert!(t.lines().all(|l| l.chars().count() <= 120), "{t}");
}

#[test]
fn compare_on_shared_claims() {
    let env = ledger();
    let v = env.json(&["compare", "ana", "bob", "--format", "json"]);
    assert_eq!(v["n"], 2);
    close(&v["brier_a"], 0.065);
    close(&v["brier_b"], 0.205);
    // Paired differences: rain 0.04-0.16 = -0.12, snow 0.09-0.25 = -0.16.
    close(&v["mean_diff"], -0.14);
    let sd = ((0.02f64.powi(2) * 2.0) / 1.0).sqrt();
    close(&v["ci_low"], -0.14 - 1.959963984540054 * sd / 2f64.sqrt());
    assert_eq!(v["a_better"], 2);
    assert_eq!(v["b_better"], 0);
    let table = env.ok(&["compare", "ana", "bob"]);
    assert!(table.contains("mean Brier"), "{table}");
}

#[test]
fn show_gains_scores_once_scored() {
    let env = ledger();
    let v = env.json(&["show", "rain", "--json"]);
    let scores = v["scores"].as_array().unwrap();
    assert_eq!(scores.len(), 2);
    let ana = scores.iter().find(|s| s["forecaster"] == "ana").unwrap();
    close(&ana["p"], 0.8);
    close(&ana["brier"], 0.04);
    close(&ana["log_loss"], -(0.8f64).ln());
    let cond = env.json(&["show", "cond", "--json"]);
    assert_eq!(cond["status"], "annulled");
    assert!(cond["scores"][0]["brier"].is_null());
}

#[test]
fn bad_report_options() {
    let env = ledger();
    // A value outside an option's fixed choices or range is a usage error (exit 2), the
    // same for --by, --rule, --bins and --format; a value that reads wrong is exit 1.
    let e = env.fails(&["report", "--rule", "median"], 2);
    assert!(e.contains("--rule") && e.contains("median"), "{e}");
    let e = env.fails(&["report", "--by", "mood"], 2);
    assert!(e.contains("--by") && e.contains("mood"), "{e}");
    let e = env.fails(&["report", "--bins", "0"], 2);
    assert!(e.contains("--bins"), "{e}");
    let e = env.fails(&["report", "--format", "pdf"], 2);
    assert!(e.contains("--format"), "{e}");
    let e = env.fails(&["report", "--as-of", "2026-02-30"], 1);
    assert!(e.contains("--as-of"), "{e}");
}
