//! Charts and the HTML report, from the binary.

use crate::common::Env;

fn two_forecasters() -> Env {
    let env = Env::new();
    env.ok(&[
        "source",
        "add",
        "--title",
        "Hostile <b>title</b>",
        "--url",
        "https://example.org/s",
        "--key",
        "s",
    ]);
    for (i, (pa, pb, outcome)) in [
        (0.8, 0.6, "yes"),
        (0.3, 0.5, "no"),
        (0.9, 0.2, "yes"),
        (0.15, 0.4, "no"),
    ]
    .iter()
    .enumerate()
    {
        let key = format!("k{i}");
        let statement = if i == 0 {
            "<script>alert(1)</script> happens".to_string()
        } else {
            format!("Event {i} happens")
        };
        env.ok(&[
            "add",
            &statement,
            "--key",
            &key,
            "--by",
            "2026-01-01",
            "--source",
            "s",
            "--p",
            &pa.to_string(),
            "--forecaster",
            "ana",
            "--at",
            "2025-06-01",
        ]);
        env.ok(&[
            "forecast",
            &key,
            "--p",
            &pb.to_string(),
            "--forecaster",
            "bob",
            "--at",
            "2025-06-01",
        ]);
        env.ok(&[
            "resolve",
            &key,
            outcome,
            "--on",
            &format!("2025-12-0{}", i + 1),
            "--evidence",
            "javascript:alert(2)",
        ]);
    }
    env.ok(&[
        "add",
        "Open question",
        "--by",
        "2030-01-01",
        "--p",
        "0.5",
        "--forecaster",
        "ana",
    ]);
    env
}

#[test]
fn calibration_svg_has_one_series_per_group() {
    let env = two_forecasters();
    env.ok(&["chart", "calibration", "--method", "bins", "-o", "cal.svg"]);
    let svg = std::fs::read_to_string(env.path("cal.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    let series: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|w| w == "series"))
        })
        .collect();
    assert_eq!(series.len(), 2);
    // ana's four forecasts fall in bins 1, 3, 8 and 9; each non-empty bin is one point.
    let points = |i: usize| {
        series[i]
            .descendants()
            .filter(|n| {
                n.attribute("class")
                    .is_some_and(|c| c.split(' ').any(|w| w == "point"))
            })
            .count()
    };
    assert_eq!(points(0) + points(1), 4 + 4);
    assert!(
        svg.contains("rule latest"),
        "title should say what was scored"
    );
}

#[test]
fn corp_calibration_is_the_default_with_steps_band_and_histogram() {
    let env = two_forecasters();
    env.ok(&[
        "chart",
        "calibration",
        "--resamples",
        "100",
        "-o",
        "corp.svg",
    ]);
    let svg = std::fs::read_to_string(env.path("corp.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    let count = |class: &str| {
        doc.descendants()
            .filter(|n| {
                n.attribute("class")
                    .is_some_and(|c| c.split(' ').any(|w| w == class))
            })
            .count()
    };
    assert!(svg.contains("CORP reliability diagram"), "{svg}");
    assert_eq!(count("series"), 2);
    assert_eq!(count("band"), 2, "one consistency band per forecaster");
    // Each forecaster gave four distinct probabilities: one point each.
    assert_eq!(count("point"), 8);
    assert!(count("bar") >= 2, "histogram of forecasts");
    // Without resamples there is no band, and the bins method draws no band either.
    env.ok(&[
        "chart",
        "calibration",
        "--resamples",
        "0",
        "-o",
        "plain.svg",
    ]);
    let plain = std::fs::read_to_string(env.path("plain.svg")).unwrap();
    assert!(!plain.contains("class=\"band"));
    env.ok(&["chart", "calibration", "--method", "bins", "-o", "bins.svg"]);
    let bins = std::fs::read_to_string(env.path("bins.svg")).unwrap();
    assert!(!bins.contains("CORP") && !bins.contains("class=\"band"));
    let e = env.fails(
        &["chart", "calibration", "--method", "deciles", "-o", "x.svg"],
        2,
    );
    assert!(e.contains("--method"), "{e}");
    // The HTML page draws and explains the CORP diagram.
    env.ok(&[
        "report",
        "--format",
        "html",
        "--resamples",
        "100",
        "-o",
        "r.html",
    ]);
    let html = std::fs::read_to_string(env.path("r.html")).unwrap();
    assert!(html.contains("CORP reliability diagram"));
    assert!(html.contains("isotonic regression") && html.contains("Dimitriadis"));
    assert!(html.contains("Brier score, 95% interval"));
    assert!(html.contains("100 resamples, seed 2021"));
}

#[test]
fn history_svg_parses() {
    let env = two_forecasters();
    env.ok(&["chart", "history", "--by", "forecaster", "-o", "hist.svg"]);
    let svg = std::fs::read_to_string(env.path("hist.svg")).unwrap();
    roxmltree::Document::parse(&svg).expect("valid XML");
    assert!(svg.contains("ana") && svg.contains("bob"));
    // Bins and resamples mean nothing to a history: not offered.
    for option in ["--bins", "--resamples", "--method"] {
        let e = env.fails(&["chart", "history", option, "5", "-o", "h.svg"], 2);
        assert!(e.contains(option), "{e}");
    }
}

#[test]
fn html_report_is_self_contained_and_escaped() {
    let env = two_forecasters();
    env.ok(&["report", "--format", "html", "-o", "r.html"]);
    let html = std::fs::read_to_string(env.path("r.html")).unwrap();
    for k in [
        "Event 1 happens",
        "Event 2 happens",
        "Event 3 happens",
        "Open question",
    ] {
        assert!(html.contains(k), "missing claim {k}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        !html.to_lowercase().contains("<script"),
        "a script tag reached the page"
    );
    assert!(!html.contains("href=\"javascript:"), "unsafe link");
    assert!(html.contains("Hostile &lt;b&gt;title&lt;/b&gt;"));
    assert!(html.contains("https://example.org/s"));
    assert!(!html.contains("src=\"http"), "external resource");
    assert!(html.contains("<svg"), "calibration chart inline");
    assert!(html.contains("rule") && html.contains("2026-11-28"));
}

#[test]
fn html_needs_an_output_file() {
    let env = two_forecasters();
    let err = env.fails(&["report", "--format", "html"], 1);
    assert!(err.contains("-o"), "{err}");
}

#[test]
fn demo_renders_as_html() {
    let env = Env::new();
    let db = env.path("demo.db");
    let db = db.to_str().unwrap();
    env.ok(&["--db", db, "demo"]);
    env.ok(&["--db", db, "report", "--format", "html", "-o", "demo.html"]);
    let html = std::fs::read_to_string(env.path("demo.html")).unwrap();
    assert!(
        html.contains("annulled (condition failed; own outcome no)"),
        "conditional claim shown annulled"
    );
    assert!(html.contains("Observer Research Foundation") || html.contains("Kerry"));
}

/// Issue 11, item 5: the HTML page as of a past date shows only what was known then.
#[test]
fn html_report_respects_as_of() {
    let env = Env::new();
    for key in ["early", "late"] {
        env.ok(&[
            "add",
            &format!("The {key} event happens"),
            "--key",
            key,
            "--by",
            "2026-09-01",
            "--p",
            "0.7",
            "--forecaster",
            "ana",
            "--at",
            "2026-01-10",
        ]);
    }
    // Early: no on 1 March, corrected to yes on 1 August (with other evidence).
    for (outcome, on, evidence) in [
        ("no", "2026-03-01", "https://example.org/march"),
        ("yes", "2026-08-01", "https://example.org/august"),
    ] {
        env.ok(&[
            "resolve",
            "early",
            outcome,
            "--on",
            on,
            "--evidence",
            evidence,
        ]);
    }
    // Late: resolved only in August.
    env.ok(&[
        "resolve",
        "late",
        "yes",
        "--on",
        "2026-08-01",
        "--evidence",
        "https://example.org/late-news",
    ]);
    let out = env.path("april.html");
    env.ok(&[
        "report",
        "--format",
        "html",
        "--as-of",
        "2026-04-01",
        "--resamples",
        "50",
        "-o",
        out.to_str().expect("utf-8 path"),
    ]);
    let html = std::fs::read_to_string(&out).expect("page written");
    assert!(html.contains("example.org/march"), "{html}");
    for later in [
        "example.org/august",
        "example.org/late-news",
        "condition pending",
    ] {
        assert!(!html.contains(later), "{later} leaked into the April page");
    }
    // The same page today shows the August outcomes.
    let now = env.path("now.html");
    env.ok(&[
        "report",
        "--format",
        "html",
        "--resamples",
        "50",
        "-o",
        now.to_str().expect("utf-8 path"),
    ]);
    let html = std::fs::read_to_string(&now).expect("page written");
    assert!(html.contains("example.org/august") && html.contains("example.org/late-news"));
}
