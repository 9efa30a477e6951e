//! CORP calibration, consistency bands and bootstrap intervals through the binary.

use crate::common::Env;

/// Forty claims (every third one yes) and four forecasters: `sharp` says 90% or 80% on
/// the yes claims and 10% or 20% on the others, `twin` the same the other way round,
/// `fair` 60% / 40%, and `wild` 20% on the yes claims and 80% on the others. A lone
/// claim is forecast only by `solo`.
fn ledger() -> Env {
    let env = Env::new();
    let mut lines = Vec::new();
    for i in 0..40 {
        let yes = i % 3 == 0;
        lines.push(format!(
            r#"{{"type": "claim", "key": "c{i}", "statement": "Claim {i}", "resolve_by": "2026-01-01"}}"#
        ));
        let (hi, lo) = if i % 2 == 0 { (0.9, 0.8) } else { (0.8, 0.9) };
        for (who, p) in [
            ("sharp", if yes { hi } else { 1.0 - hi }),
            ("twin", if yes { lo } else { 1.0 - lo }),
            ("fair", if yes { 0.6 } else { 0.4 }),
            ("wild", if yes { 0.2 } else { 0.8 }),
        ] {
            lines.push(format!(
                r#"{{"type": "forecast", "claim": "c{i}", "forecaster": "{who}", "p": {p}, "made_at": "2025-06-01T00:00:00Z"}}"#
            ));
        }
        let outcome = if yes { "yes" } else { "no" };
        lines.push(format!(
            r#"{{"type": "resolution", "claim": "c{i}", "outcome": "{outcome}", "resolved_on": "2026-01-01"}}"#
        ));
    }
    lines.push(
        r#"{"type": "claim", "key": "lone", "statement": "Lone", "resolve_by": "2026-01-01"}"#
            .into(),
    );
    lines.push(r#"{"type": "forecast", "claim": "lone", "forecaster": "solo", "p": 0.3, "made_at": "2025-06-01T00:00:00Z"}"#.into());
    lines.push(
        r#"{"type": "resolution", "claim": "lone", "outcome": "no", "resolved_on": "2026-01-01"}"#
            .into(),
    );
    let file = env.path("ledger.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").expect("write the ledger file");
    env.ok(&["import", file.to_str().expect("utf-8 path")]);
    env
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("expected a number, got {v}"))
}

fn group<'a>(report: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    report["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key} in {report}"))
}

#[test]
fn json_has_the_decomposition_curve_band_and_intervals() {
    let env = ledger();
    let v = env.json(&["report", "--format", "json", "--resamples", "300"]);
    assert_eq!(v["resamples"], 300);
    for key in ["sharp", "twin", "fair", "wild"] {
        let g = group(&v, key);
        let corp = &g["corp"];
        for (rule, score) in [("brier", "brier"), ("log_loss", "log_loss")] {
            let d = &corp[rule];
            let rebuilt = f(&d["mcb"]) - f(&d["dsc"]) + f(&d["unc"]);
            assert!((rebuilt - f(&g[score])).abs() < 1e-12, "{key} {rule}: {d}");
            let p = f(&d["mcb_p_value"]);
            assert!((0.0..=1.0).contains(&p));
        }
        let curve = corp["curve"].as_array().expect("curve");
        let n: f64 = curve.iter().map(|pt| f(&pt["n"])).sum();
        assert_eq!(n, 40.0);
        for pt in curve {
            assert!(f(&pt["band_low"]) <= f(&pt["band_high"]));
        }
        let (lo, hi) = (f(&g["brier_ci_low"]), f(&g["brier_ci_high"]));
        // Up to rounding: a forecaster whose every claim scores the same gets a point.
        let brier = f(&g["brier"]);
        assert!(lo <= brier + 1e-12 && brier <= hi + 1e-12, "{key}: {g}");
        assert!(f(&g["log_loss_ci_low"]) <= f(&g["log_loss_ci_high"]));
        // The platform scores get their interval from the same kind of bootstrap.
        let (lo, hi) = (f(&g["baseline_ci_low"]), f(&g["baseline_ci_high"]));
        let baseline = f(&g["baseline"]);
        assert!(lo <= baseline + 1e-9 && baseline <= hi + 1e-9, "{key}: {g}");
        assert!(f(&g["peer_ci_low"]) <= f(&g["peer_ci_high"]), "{key}: {g}");
    }
    // Fair: sorts perfectly, so PAV gives 0 and 1 and the whole Brier score (0.4^2) is
    // miscalibration; the base rate is 14/40.
    let fair = &group(&v, "fair")["corp"];
    assert_eq!(fair["curve"][0]["recalibrated"], 0.0);
    assert_eq!(fair["curve"][1]["recalibrated"], 1.0);
    assert!((f(&fair["brier"]["mcb"]) - 0.16).abs() < 1e-12);
    assert!((f(&fair["brier"]["unc"]) - 0.35 * 0.65).abs() < 1e-12);
    // Wild gets it backwards: PAV pools everything to the base rate, no discrimination,
    // and calibrated forecasts never miscalibrate as much.
    let wild = &group(&v, "wild")["corp"];
    assert!(f(&wild["brier"]["dsc"]).abs() < 1e-12);
    assert_eq!(f(&wild["brier"]["mcb_p_value"]), 0.0);
    // One scored claim: no interval, but a decomposition.
    let solo = group(&v, "solo");
    assert!(solo["brier_ci_low"].is_null() && solo["log_loss_ci_high"].is_null());
    assert!(solo["baseline_ci_low"].is_null() && solo["peer_ci_high"].is_null());
    assert!(solo["overlaps_best"].is_null());
    assert!(solo["corp"]["brier"]["mcb"].is_number());
    // Sharp and twin score alike and overlap; wild's interval lies well above.
    assert_eq!(group(&v, "sharp")["overlaps_best"], true);
    assert_eq!(group(&v, "twin")["overlaps_best"], true);
    assert_eq!(group(&v, "wild")["overlaps_best"], false);
    assert_eq!(group(&v, "fair")["overlaps_best"], false);
}

#[test]
fn resampling_is_seeded_and_can_be_switched_off() {
    let env = ledger();
    let args = ["report", "--format", "json", "--resamples", "200"];
    let a = env.ok(&args);
    assert_eq!(a, env.ok(&args), "same seed, same report");
    let other = env.ok(&[&args[..], &["--seed", "7"]].concat());
    assert_ne!(a, other, "another seed draws other resamples");
    let off = env.json(&["report", "--format", "json", "--resamples", "0"]);
    let fair = group(&off, "fair");
    assert!(fair["brier_ci_low"].is_null());
    assert!(fair["corp"]["brier"]["mcb_p_value"].is_null());
    assert!(fair["corp"]["curve"][0]["band_low"].is_null());
    // The decomposition does not depend on resampling.
    let on = serde_json::from_str::<serde_json::Value>(&a).expect("json");
    assert_eq!(
        group(&on, "fair")["corp"]["brier"]["mcb"],
        fair["corp"]["brier"]["mcb"]
    );
    let e = env.fails(&["report", "--resamples", "100001"], 1);
    assert!(e.contains("--resamples") && e.contains("100001"), "{e}");
}

#[test]
fn tables_and_csv_carry_intervals_and_the_mark() {
    let env = ledger();
    let t = env.ok(&["report", "--resamples", "200"]);
    let row = |who: &str| {
        t.lines()
            .find(|l| l.trim_start().starts_with(who))
            .unwrap_or_else(|| panic!("no row for {who}: {t}"))
            .to_string()
    };
    assert!(t.contains("BRIER (95% CI)"), "{t}");
    assert!(row("sharp").contains(" ≈"), "{t}");
    assert!(row("twin").contains(" ≈"), "{t}");
    assert!(!row("wild").contains('≈'), "{t}");
    // Solo has one claim: no interval printed.
    assert!(!row("solo").contains('('), "{t}");
    assert!(t.contains("cannot be told apart"), "{t}");
    assert!(t.lines().all(|l| l.chars().count() <= 120), "{t}");

    let one = env.ok(&["report", "--forecaster", "fair", "--resamples", "100"]);
    assert!(one.contains("CORP calibration"), "{one}");
    assert!(one.contains("Brier = MCB"), "{one}");
    assert!(one.lines().all(|l| l.chars().count() <= 120), "{one}");

    let csv = env.ok(&["report", "--format", "csv", "--resamples", "100"]);
    let header = csv.lines().next().expect("header");
    for col in [
        "brier_ci_low",
        "brier_ci_high",
        "log_loss_ci_low",
        "log_loss_ci_high",
        "overlaps_best",
        "corp_brier_mcb",
        "corp_log_loss_unc",
        "corp_brier_mcb_p",
    ] {
        assert!(header.split(',').any(|c| c == col), "{col} in {header}");
    }
    let curve = env.ok(&["report", "--format", "csv", "--curve", "--resamples", "100"]);
    let mut lines = curve.lines();
    assert_eq!(
        lines.next(),
        Some("key,p,recalibrated,n,band_low,band_high")
    );
    // Four forecast values for sharp, twin; two for fair, wild; one for solo.
    assert_eq!(lines.count(), 13, "{curve}");
}

/// Under `time-avg` each day's standing forecast weighs in, and the split is still exact.
#[test]
fn the_split_is_exact_under_time_average() {
    let env = Env::new();
    let mut lines = Vec::new();
    for i in 0..12 {
        lines.push(format!(
            r#"{{"type": "claim", "key": "t{i}", "statement": "Claim {i}", "resolve_by": "2026-01-01"}}"#
        ));
        // A first call, revised twice at uneven intervals.
        for (day, p) in [
            ("03-01", 0.3 + 0.05 * f64::from(i % 4)),
            ("05-17", 0.5),
            ("09-02", 0.1 * f64::from(i % 9 + 1)),
        ] {
            lines.push(format!(
                r#"{{"type": "forecast", "claim": "t{i}", "forecaster": "ana", "p": {p}, "made_at": "2025-{day}T08:00:00Z"}}"#
            ));
        }
        let outcome = if i % 3 == 1 { "yes" } else { "no" };
        lines.push(format!(
            r#"{{"type": "resolution", "claim": "t{i}", "outcome": "{outcome}", "resolved_on": "2025-11-20"}}"#
        ));
    }
    let file = env.path("t.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").expect("write the ledger file");
    env.ok(&["import", file.to_str().expect("utf-8 path")]);
    let v = env.json(&[
        "report",
        "--format",
        "json",
        "--rule",
        "time-avg",
        "--resamples",
        "50",
    ]);
    let g = group(&v, "ana");
    let corp = &g["corp"];
    for (rule, score) in [("brier", "brier"), ("log_loss", "log_loss")] {
        let d = &corp[rule];
        let rebuilt = f(&d["mcb"]) - f(&d["dsc"]) + f(&d["unc"]);
        assert!((rebuilt - f(&g[score])).abs() < 1e-12, "{rule}: {d}");
    }
    // Weights are days: fractional, and adding up to the number of scored pairs.
    let curve = corp["curve"].as_array().expect("curve");
    let total: f64 = curve.iter().map(|pt| f(&pt["n"])).sum();
    assert!((total - 12.0).abs() < 1e-9, "{total}");
    assert!(curve.iter().any(|pt| f(&pt["n"]).fract() != 0.0));
}
