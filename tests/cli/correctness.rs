//! Defects found by trying the tool as a hostile newcomer: input it used to accept that made
//! a ledger unreadable, statuses and outcomes other than the ones recorded, messages that
//! obeyed control characters, filters that swallowed typos, and exit codes that lied.

use crate::common::Env;

/// Every command that only reads, with the arguments that make it read everything.
fn read_commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["list"],
        vec!["list", "--open"],
        vec!["list", "--due"],
        vec!["list", "--overdue"],
        vec!["list", "--resolved"],
        vec!["list", "--json"],
        vec!["show", "c1"],
        vec!["show", "c1", "--json"],
        vec!["source", "list"],
        vec!["source", "show", "s1"],
        vec!["report"],
        vec!["report", "--rule", "time-avg"],
        vec!["report", "--rule", "first", "--format", "json"],
        vec!["report", "--by", "year", "--format", "csv"],
        vec!["report", "--by", "horizon"],
        vec![
            "report",
            "--by",
            "source",
            "--calibration",
            "--format",
            "csv",
        ],
        vec!["compare", "me", "you"],
        vec!["export"],
        vec!["export", "--format", "csv"],
        vec!["log"],
        vec!["verify"],
    ]
}

#[test]
fn the_extreme_storable_dates_are_written_and_every_read_command_reads_them() {
    let env = Env::new();
    let at_end = |args: &[&str]| {
        env.cmd()
            .env("HINDSIGHT_NOW", "9999-12-31T23:59:59Z")
            .args(args)
            .assert()
            .success();
    };
    at_end(&[
        "source",
        "add",
        "--title",
        "From the first day",
        "--published",
        "0000-01-01",
    ]);
    at_end(&[
        "add",
        "Lasts forever",
        "--by",
        "9999-12-31",
        "--source",
        "s1",
    ]);
    at_end(&[
        "add",
        "Decided early",
        "--by",
        "0000-01-02",
        "--source",
        "s1",
    ]);
    for (claim, who, p, at) in [
        ("c1", "me", "0.1", "0000-01-01T00:00:00Z"),
        ("c1", "me", "0.9", "9999-12-31T23:59:59Z"),
        ("c1", "you", "0.4", "0000-01-01T01:30:00+01:00"),
        ("c2", "me", "0.7", "0000-01-01T00:00:00Z"),
        ("c2", "you", "0.2", "0000-01-01T00:00:00Z"),
    ] {
        at_end(&["forecast", claim, "--p", p, "--forecaster", who, "--at", at]);
    }
    at_end(&["resolve", "c2", "yes", "--on", "0000-01-01"]);
    at_end(&["resolve", "c1", "no", "--on", "9999-12-31"]);
    at_end(&["report", "--format", "html", "-o", "r.html"]);
    at_end(&["chart", "calibration", "-o", "c.svg"]);
    at_end(&["chart", "history", "-o", "h.svg"]);
    for args in read_commands() {
        at_end(&args);
        // And on an ordinary day, with the far future still ahead.
        env.ok(&args);
    }
    at_end(&["report", "--as-of", "0000-01-01"]);
    at_end(&["report", "--as-of", "9999-12-31"]);
    at_end(&["list", "--due", "--within", "1d"]);
}

#[test]
fn dates_that_would_leave_the_storable_years_are_refused_everywhere() {
    let env = Env::new();
    env.ok(&["add", "A claim", "--by", "2030-01-01"]);
    let before = env.dump();
    // A look-ahead past 9999 looks at everything (it used to match nothing).
    assert!(env
        .ok(&["list", "--due", "--within", "8000y"])
        .contains("c1"));
    let e = env.fails(&["add", "Too far", "--by", "+7974y"], 1);
    assert!(
        e.contains("--by") && e.contains("+7974y") && e.contains("9999"),
        "{e}"
    );
    let e = env.fails(
        &[
            "forecast",
            "c1",
            "--p",
            "0.5",
            "--at",
            "0000-01-01T00:30:00+01:00",
        ],
        1,
    );
    assert!(
        e.contains("--at") && e.contains("0000-01-01T00:30:00+01:00"),
        "{e}"
    );
    std::fs::write(
        env.path("far.jsonl"),
        r#"{"type":"forecast","claim":"c1","forecaster":"me","p":0.5,"made_at":"9999-12-31T23:30:00-01:00"}"#,
    )
    .unwrap();
    let e = env.fails(&["import", "far.jsonl"], 1);
    assert!(
        e.contains("made_at") && e.contains("9999-12-31T23:30:00-01:00"),
        "{e}"
    );
    std::fs::write(
        env.path("far.csv"),
        "type,key,statement,resolve_by\nclaim,c9,Far,10000-01-01\n",
    )
    .unwrap();
    env.fails(&["import", "far.csv", "--format", "csv"], 1);
    assert_eq!(env.dump(), before, "a refused date changed the ledger");
    // The ledger still reads.
    for args in read_commands().into_iter().filter(|a| a[0] != "compare") {
        if args.contains(&"s1") {
            continue;
        }
        env.ok(&args);
    }
}

#[test]
fn show_takes_a_conditional_claims_status_from_the_scoring_rules() {
    let env = Env::new();
    env.ok(&["add", "The premise", "--by", "2026-06-30"]);
    env.ok(&["add", "The consequence", "--by", "2026-06-30", "--if", "c1"]);
    // Pending condition, no forecasts: pending, a documented status (not "open").
    assert_eq!(env.json(&["show", "c2", "--json"])["status"], "pending");
    env.ok(&["resolve", "c2", "yes", "--on", "2026-06-01"]);
    assert_eq!(env.json(&["show", "c2", "--json"])["status"], "pending");
    env.ok(&["resolve", "c1", "no", "--on", "2026-06-02"]);
    // The premise failed: annulled, whatever the claim's own outcome says.
    assert_eq!(env.json(&["show", "c2", "--json"])["status"], "annulled");
    let text = env.ok(&["show", "c2"]);
    assert!(text.contains("status      annulled"), "{text}");
}

#[test]
fn a_resolution_in_the_future_or_before_publication_is_refused() {
    let env = Env::new();
    env.ok(&[
        "source",
        "add",
        "--title",
        "An article",
        "--published",
        "2020-03-01",
    ]);
    env.ok(&[
        "add",
        "Something happens",
        "--by",
        "2027-01-01",
        "--source",
        "s1",
    ]);
    let before = env.dump();
    // Now is pinned at 2026-11-28 (tests/cli/common.rs).
    let e = env.fails(&["resolve", "c1", "no", "--on", "2030-01-01"], 1);
    assert!(
        e.contains("--on: invalid value '2030-01-01'") && e.contains("future"),
        "{e}"
    );
    let e = env.fails(&["resolve", "c1", "no", "--on", "2020-02-29"], 1);
    assert!(e.contains("2020-02-29") && e.contains("2020-03-01"), "{e}");
    std::fs::write(
        env.path("r.jsonl"),
        r#"{"type":"resolution","claim":"c1","outcome":"yes","resolved_on":"2026-12-01"}"#,
    )
    .unwrap();
    let e = env.fails(&["import", "r.jsonl"], 1);
    assert!(e.contains("resolved_on") && e.contains("2026-12-01"), "{e}");
    assert_eq!(env.dump(), before);
    env.ok(&["resolve", "c1", "no", "--on", "2026-11-28"]);
}

#[test]
fn a_forecast_from_the_future_is_refused_and_a_late_one_is_flagged() {
    let env = Env::new();
    env.ok(&["add", "Due last year", "--by", "2025-12-31"]);
    let before = env.dump();
    let e = env.fails(&["forecast", "c1", "--p", "0.5", "--at", "2026-11-29"], 1);
    assert!(
        e.contains("--at: invalid value '2026-11-29") && e.contains("future"),
        "{e}"
    );
    // A close before now with no --at: the close is what the user must change.
    let e = env.fails(
        &[
            "add",
            "Closed",
            "--by",
            "2027-01-01",
            "--closes-at",
            "2026-11-01",
            "--p",
            "0.4",
        ],
        1,
    );
    assert!(e.contains("--closes-at: invalid value '2026-11-01'"), "{e}");
    assert_eq!(env.dump(), before);
    let out = env
        .cmd()
        .args(["forecast", "c1", "--p", "0.5"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning") && err.contains("2025-12-31") && err.contains("never counts"),
        "{err}"
    );
    // The same for a first forecast given with `add`.
    let out = env
        .cmd()
        .args([
            "add",
            "Also due last year",
            "--by",
            "2025-12-31",
            "--p",
            "0.5",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("never counts"));
    // A forecast made in time says nothing of the kind.
    let out = env
        .cmd()
        .args(["forecast", "c1", "--p", "0.6", "--at", "2025-06-01"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
}

#[test]
fn control_characters_are_refused_in_names_and_shown_harmlessly_in_text() {
    let env = Env::new();
    for bad in ["\u{1b}[2J", "me\u{202e}", "a\rb"] {
        let e = env.fails(
            &[
                "add",
                "x",
                "--by",
                "2030-01-01",
                "--p",
                "0.5",
                "--forecaster",
                bad,
            ],
            1,
        );
        assert!(e.contains("--forecaster"), "{e}");
        assert!(!e.contains('\u{1b}') && !e.contains('\u{202e}'), "{e:?}");
    }
    let e = env.fails(
        &["add", "x", "--by", "2030-01-01", "--key", "c\u{202e}1"],
        1,
    );
    assert!(!e.contains('\u{202e}'), "{e:?}");
    // Usage errors repeat the value too.
    let e = env.fails(&["report", "--by", "mood\u{202e}\u{1b}[2J"], 2);
    assert!(!e.contains('\u{202e}') && !e.contains('\u{1b}'), "{e:?}");
    assert!(e.contains("mood\\u{202e}"), "{e:?}");
    env.ok(&[
        "add",
        "Screen \u{1b}[2J cleared \u{202e}reversed",
        "--by",
        "2030-01-01",
        "--criteria",
        "Bell\u{7} rings",
    ]);
    for args in [vec!["list"], vec!["show", "c1"], vec!["log"]] {
        let out = env.ok(&args);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}') && !out.contains('\u{7}'),
            "{args:?} printed a control character: {out:?}"
        );
        assert!(out.contains("\\u{1b}"), "{args:?}: {out:?}");
    }
    // Data formats keep the text exactly (their quoting makes it inert).
    let shown = env.json(&["show", "c1", "--json"]);
    assert_eq!(
        shown["statement"],
        "Screen \u{1b}[2J cleared \u{202e}reversed"
    );
}

#[test]
fn forecaster_names_are_trimmed_everywhere_and_compare_needs_two() {
    let env = Env::new();
    env.ok(&[
        "add",
        "x",
        "--by",
        "2026-06-30",
        "--p",
        "0.6",
        "--forecaster",
        " me ",
    ]);
    env.ok(&["forecast", "c1", "--p", "0.7", "--forecaster", "me"]);
    env.ok(&["forecast", "c1", "--p", "0.2", "--forecaster", "you"]);
    std::fs::write(
        env.path("f.jsonl"),
        r#"{"type":"forecast","claim":"c1","forecaster":"  me","p":0.8,"made_at":"2026-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    env.ok(&["import", "f.jsonl"]);
    let shown = env.json(&["show", "c1", "--json"]);
    let names: std::collections::BTreeSet<String> = shown["forecasts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["forecaster"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["me", "you"]);
    env.ok(&["resolve", "c1", "yes"]);
    let report = env.json(&["report", "--format", "json", "--forecaster", " me"]);
    assert_eq!(report["groups"].as_array().unwrap().len(), 1);
    let e = env.fails(&["compare", "me", " me "], 1);
    assert!(e.contains("B") && e.contains("other than"), "{e}");
    env.ok(&["compare", "me", "you"]);
}

#[test]
fn filters_naming_what_the_ledger_does_not_hold_are_errors() {
    let env = Env::new();
    env.ok(&["source", "add", "--title", "T"]);
    env.ok(&[
        "add",
        "x",
        "--by",
        "2026-06-30",
        "--source",
        "s1",
        "--tag",
        "fx",
        "--p",
        "0.5",
    ]);
    for (args, field, value) in [
        (vec!["report", "--source", "nosuch"], "--source", "nosuch"),
        (vec!["report", "--tag", "nosuch"], "--tag", "nosuch"),
        (
            vec!["report", "--forecaster", "nobody"],
            "--forecaster",
            "nobody",
        ),
        (vec!["compare", "me", "nobody"], "--forecaster", "nobody"),
        (vec!["list", "--source", "nosuch"], "--source", "nosuch"),
        (vec!["list", "--tag", "nosuch"], "--tag", "nosuch"),
        (
            vec!["list", "--forecaster", "nobody"],
            "--forecaster",
            "nobody",
        ),
        (
            vec!["chart", "calibration", "--source", "nosuch", "-o", "c.svg"],
            "--source",
            "nosuch",
        ),
    ] {
        let e = env.fails(&args, 1);
        assert!(e.contains(field) && e.contains(value), "{args:?}: {e}");
        assert_eq!(e.trim().lines().count(), 1, "{e}");
    }
    assert!(!env.path("c.svg").exists());
    env.ok(&[
        "report",
        "--source",
        "s1",
        "--tag",
        "FX",
        "--forecaster",
        "me",
    ]);
    env.ok(&[
        "list",
        "--source",
        "s1",
        "--tag",
        "fx",
        "--forecaster",
        "me",
    ]);
}

#[test]
fn exit_codes_mean_what_the_readme_says() {
    let env = Env::new();
    env.ok(&["add", "x", "--by", "2026-06-30"]);
    // Writing to a full output stream is an I/O failure (5), not a database one (3).
    if std::path::Path::new("/dev/full").exists() {
        let out = env
            .std_cmd()
            .args(["export"])
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(5),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        eprintln!("SKIPPED: /dev/full is not on this system");
    }
    // An unreadable standard input (a directory) is I/O too.
    let out = env
        .std_cmd()
        .args(["import", "-"])
        .stdin(std::fs::File::open(env.dir.path()).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Not a database: 3.
    std::fs::write(
        env.path("notes.txt"),
        "just notes, not a ledger at all\n".repeat(20),
    )
    .unwrap();
    env.cmd()
        .args(["--db", "notes.txt", "list"])
        .assert()
        .code(3);
}

#[test]
fn small_things_a_newcomer_trips_on() {
    let env = Env::new();
    // An empty CSV report still has its header.
    let csv = env.ok(&["report", "--format", "csv"]);
    assert!(csv.starts_with("key,n,"), "{csv:?}");
    let csv = env.ok(&["report", "--format", "csv", "--calibration"]);
    assert!(csv.starts_with("key,bin,"), "{csv:?}");
    env.ok(&["add", "x", "--by", "2026-06-30"]);
    // log --limit 0 is refused rather than reported as an empty history.
    env.fails(&["log", "--limit", "0"], 2);
    // An empty quote is no quote.
    let e = env.fails(&["add", "y", "--by", "2026-06-30", "--quote", " "], 1);
    assert!(e.contains("quote"), "{e}");
    // A dry run creates no ledger file.
    std::fs::write(
        env.path("c.jsonl"),
        r#"{"type":"claim","key":"k1","statement":"s","resolve_by":"2027-01-01"}"#,
    )
    .unwrap();
    let fresh = env.path("fresh.db");
    let out = env
        .cmd()
        .args([
            "--db",
            fresh.to_str().unwrap(),
            "import",
            "c.jsonl",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!fresh.exists(), "a dry run created the ledger file");
    env.ok(&["import", "c.jsonl", "--dry-run"]);
    let lock = env.path("ledger.db-import");
    assert!(!lock.exists(), "a dry run left the import lock's file");
    // demo's help does not promise to use HINDSIGHT_DB.
    let help = env.ok(&["demo", "--help"]);
    assert!(!help.contains("[env: HINDSIGHT_DB"), "{help}");
    // Help for every option of list and resolve.
    let help = env.ok(&["list", "--help"]);
    assert!(help.contains("Only claims with this tag"), "{help}");
    let help = env.ok(&["resolve", "--help"]);
    assert!(help.contains("--note <NOTE>     Why"), "{help}");
    // chart history draws no bins, so it offers no --bins.
    let help = env.ok(&["chart", "history", "--help"]);
    assert!(!help.contains("--bins"), "{help}");
    // Keys are limited in characters, not bytes.
    let long = "é".repeat(150);
    env.ok(&["add", "z", "--by", "2026-06-30", "--key", &long]);
    // Tables honour COLUMNS.
    let narrow = env
        .cmd()
        .env("COLUMNS", "50")
        .args(["list"])
        .output()
        .unwrap();
    let text = String::from_utf8(narrow.stdout).unwrap();
    assert!(
        text.lines().all(|l| l.chars().count() <= 50),
        "a line is wider than COLUMNS: {text}"
    );
}

/// The shell block of README's "Five minutes" section, as written.
fn readme_walkthrough() -> String {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("## Five minutes with hindsight")
        .nth(1)
        .expect("README has the walkthrough");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the walkthrough has a shell block");
    block.to_string()
}

#[test]
fn readmes_walkthrough_runs_and_scores_on_any_day() {
    let env = Env::new();
    // An article of our own with the words the walkthrough quotes.
    std::fs::write(
        env.path("article.txt"),
        "Reserves are thin. Officials hinted that the peg would be abandoned if reserves fell further.\n",
    )
    .unwrap();
    let bin = std::path::PathBuf::from(assert_cmd::cargo::cargo_bin!("hindsight"));
    let script = format!("set -e\n{}", readme_walkthrough());
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(env.dir.path())
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", bin.parent().unwrap().display()),
        )
        .env("HINDSIGHT_DB", env.db())
        .env_remove("HINDSIGHT_NOW")
        .env_remove("HINDSIGHT_FORECASTER")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the walkthrough failed: {stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(stdout.contains("status      annulled"), "{stdout}");
    // Both forecast c1, which resolved: the comparison has a claim to compare.
    assert!(
        stdout.contains("1 claims both forecast and scored"),
        "{stdout}"
    );
}

#[test]
fn pairs_whose_forecasts_all_came_late_are_counted_as_late() {
    let env = Env::new();
    env.ok(&["add", "Due last year", "--by", "2025-12-31"]);
    env.ok(&[
        "forecast",
        "c1",
        "--p",
        "0.6",
        "--forecaster",
        "early",
        "--at",
        "2025-06-01",
    ]);
    env.ok(&[
        "forecast",
        "c1",
        "--p",
        "0.9",
        "--forecaster",
        "tardy",
        "--at",
        "2026-02-01",
    ]);
    env.ok(&["resolve", "c1", "yes", "--on", "2026-03-01"]);
    for rule in ["latest", "first", "time-avg"] {
        let r = env.json(&["report", "--format", "json", "--rule", rule]);
        let groups = r["groups"].as_array().unwrap();
        let by = |name: &str| {
            groups
                .iter()
                .find(|g| g["key"] == name)
                .unwrap_or_else(|| panic!("{rule}: no group {name}: {r}"))
                .clone()
        };
        assert_eq!(
            (by("early")["n"].as_u64(), by("early")["late"].as_u64()),
            (Some(1), Some(0))
        );
        assert_eq!(
            (by("tardy")["n"].as_u64(), by("tardy")["late"].as_u64()),
            (Some(0), Some(1))
        );
        assert!(by("tardy")["brier"].is_null());
    }
    let shown = env.ok(&["show", "c1"]);
    assert!(shown.contains("90% (late)"), "{shown}");
    let csv = env.ok(&["report", "--format", "csv"]);
    assert!(csv.lines().any(|l| l.starts_with("tardy,0,1,")), "{csv}");
}
