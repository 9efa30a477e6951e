//! Reminders and conventions: `due` and its exit status, postponing, `list --limit`,
//! odds as probabilities, shell completions and the manual page.

use crate::common::Env;

/// Claims around the pinned today (2026-11-28): two overdue, one due today, one next
/// week, one next year, and one overdue but resolved.
fn ledger() -> Env {
    let env = Env::new();
    for (key, by) in [
        ("late", "2026-11-01"),
        ("later", "2026-10-01"),
        ("today", "2026-11-28"),
        ("week", "2026-12-03"),
        ("year", "2027-11-28"),
        ("done", "2026-09-01"),
    ] {
        env.ok(&["add", &format!("Claim {key}"), "--by", by, "--key", key]);
    }
    env.ok(&["resolve", "done", "yes"]);
    env
}

fn due(env: &Env, args: &[&str]) -> (Option<i32>, String, String) {
    let out = env.cmd().arg("due").args(args).output().expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn keys(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

#[test]
fn due_exits_0_when_nothing_is_due_and_10_when_something_is() {
    let env = Env::new();
    assert_eq!(due(&env, &[]), (Some(0), String::new(), String::new()));
    env.ok(&["add", "Far off", "--by", "2027-01-01"]);
    assert_eq!(due(&env, &[]), (Some(0), String::new(), String::new()));

    let env = ledger();
    let (code, out, err) = due(&env, &[]);
    assert_eq!(code, Some(10), "{err}");
    // Most overdue first; the resolved one and the future ones are not due.
    assert_eq!(keys(&out), ["later", "late", "today"]);
    assert!(
        out.contains("58 days overdue") && out.contains("due today"),
        "{out}"
    );
    assert!(
        err.contains("3 claim(s) due") && err.contains("hindsight review"),
        "{err}"
    );

    assert_eq!(
        due(&env, &["--quiet"]),
        (Some(10), String::new(), String::new())
    );
    let (code, out, _) = due(&env, &["--within", "7d"]);
    assert_eq!(
        (code, keys(&out)),
        (Some(10), vec!["later", "late", "today", "week"])
    );

    // Bad input is an error (1), distinct from "some are due" (10).
    let (code, out, err) = due(&env, &["--within", "soon"]);
    assert_eq!((code, out.as_str()), (Some(1), ""));
    assert!(err.contains("--within: invalid value 'soon'"), "{err}");
}

#[test]
fn due_filters_by_tag_and_source() {
    let env = Env::new();
    env.ok(&[
        "add",
        "Tagged",
        "--by",
        "2026-11-01",
        "--tag",
        "econ",
        "--key",
        "a",
    ]);
    env.ok(&["add", "Untagged", "--by", "2026-11-01", "--key", "b"]);
    let (code, out, _) = due(&env, &["--tag", "econ"]);
    assert_eq!((code, keys(&out)), (Some(10), vec!["a"]));
    // A tag no claim carries is a typo to report, not an empty queue.
    let (code, out, err) = due(&env, &["--tag", "nothing"]);
    assert_eq!((code, out.as_str()), (Some(1), ""));
    assert!(err.contains("--tag") && err.contains("nothing"), "{err}");
}

#[test]
fn a_postponed_claim_is_due_again_only_on_its_new_date() {
    let env = ledger();
    let err = env
        .cmd()
        .args(["postpone", "late", "--to", "+2m", "--note", "vote moved"])
        .output()
        .unwrap();
    assert!(err.status.success());
    assert!(String::from_utf8_lossy(&err.stderr)
        .contains("postponed: late to 2027-01-28 (was 2026-11-01, kept in history)"));
    let (_, out, _) = due(&env, &[]);
    assert_eq!(keys(&out), ["later", "today"]);
    let (_, out, _) = due(&env, &["--within", "2m"]);
    assert_eq!(keys(&out), ["later", "today", "week", "late"]);

    // The claim keeps the date it was recorded with; list and show give both.
    let list = env.json(&["list", "--open", "--json"]);
    let late = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "late")
        .unwrap();
    assert_eq!(late["resolve_by"], "2027-01-28");
    assert_eq!(late["postponed_from"], "2026-11-01");
    let shown = env.json(&["show", "late", "--json"]);
    assert_eq!(
        (shown["resolve_by"].as_str(), shown["postponed_to"].as_str()),
        (Some("2026-11-01"), Some("2027-01-28"))
    );
    assert!(env
        .ok(&["show", "late"])
        .contains("2027-01-28 (postponed from 2026-11-01)"));

    // Only later, only open claims; the refusals change nothing.
    let before = env.dump();
    let err = env.fails(&["postpone", "late", "--to", "2027-01-01"], 1);
    assert!(
        err.contains("--to: invalid value '2027-01-01': expected a date after 2027-01-28"),
        "{err}"
    );
    let err = env.fails(&["postpone", "done", "--to", "2030-01-01"], 1);
    assert!(err.contains("claim 'done' was resolved yes"), "{err}");
    env.fails(&["postpone", "nope", "--to", "2030-01-01"], 1);
    assert_eq!(before, env.dump());

    // The history has it, and verify checks it against the table.
    let log = env.json(&["log", "late", "--json"]);
    assert_eq!(log[0]["kind"], "postponement");
    assert_eq!(log[0]["summary"], "postponed to 2027-01-28");
    assert_eq!(log[0]["record"]["note"], "vote moved");
    assert!(env.ok(&["verify"]).starts_with("ok:"));
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute("UPDATE postponements SET resolve_by = '2026-12-01'", [])
        .unwrap();
    drop(conn);
    let err = env.fails(&["verify"], 4);
    assert!(
        err.contains("postponement #1 of claim late: the table says resolve_by"),
        "{err}"
    );
}

#[test]
fn list_limit_keeps_the_most_overdue() {
    let env = ledger();
    let out = env.json(&["list", "--due", "--limit", "2", "--json"]);
    let got: Vec<&str> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(got, ["later", "late"]);
    assert_eq!(
        env.json(&["list", "--limit", "0", "--json"]),
        serde_json::json!([])
    );
}

#[test]
fn odds_and_frequencies_are_probabilities() {
    let env = Env::new();
    env.ok(&["add", "Something", "--by", "2030-01-01", "--key", "c1"]);
    for (said, p) in [
        ("1:4", 0.2),
        ("4 to 1 against", 0.2),
        ("3 to 1 on", 0.75),
        ("1 in 5", 0.2),
        ("evens", 0.5),
    ] {
        env.ok(&["forecast", "c1", "--p", said, "--forecaster", "ana"]);
        let shown = env.json(&["show", "c1", "--json"]);
        let last = shown["forecasts"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["p"].as_f64(), Some(p), "{said}");
    }
    let err = env.fails(&["forecast", "c1", "--p", "4 to 1"], 1);
    assert!(
        err.starts_with("hindsight: error: --p: invalid value '4 to 1': expected"),
        "{err}"
    );
    for form in [
        "20%",
        "1:4",
        "4 to 1 against",
        "3 to 1 on",
        "1 in 5",
        "very likely",
    ] {
        assert!(err.contains(form), "{err}");
    }
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn completions_for_every_shell() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = env.ok(&["completions", shell]);
        for word in ["hindsight", "review", "postpone", "--within"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    assert!(!env.db().exists(), "completions must not create a ledger");
    // The bash script is valid bash, where bash is installed.
    let script = env.path("hindsight.bash");
    std::fs::write(&script, env.ok(&["completions", "bash"])).unwrap();
    match std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => eprintln!("SKIPPED: bash -n on the completion script: bash cannot run ({e})"),
    }
    env.fails(&["completions", "tcsh"], 2);
}

#[test]
fn the_manual_page() {
    let env = Env::new();
    let page = env.ok(&["man"]);
    assert!(page.contains(".TH hindsight 1"), "{page}");
    assert!(page.contains("review") && page.contains("completions"));
    let dir = env.path("man");
    std::fs::create_dir(&dir).unwrap();
    env.ok(&["man", "--dir", dir.to_str().unwrap()]);
    let due = std::fs::read_to_string(dir.join("hindsight-due.1")).unwrap();
    assert!(
        due.contains(".TH hindsight-due 1") && due.contains("\\-\\-quiet"),
        "{due}"
    );
    let err = env.fails(&["man", "--dir", env.path("absent").to_str().unwrap()], 1);
    assert!(err.contains("is not a directory"), "{err}");
}

/// The events of an iCalendar text, read by an independent parser (the `ical` crate), as
/// maps of property name to value.
fn ics_events(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("parses");
    assert!(parser.next().is_none(), "a single calendar");
    let version = cal.properties.iter().find(|p| p.name == "VERSION");
    assert_eq!(version.and_then(|p| p.value.as_deref()), Some("2.0"));
    cal.events
        .iter()
        .map(|e| {
            e.properties
                .iter()
                .map(|p| (p.name.clone(), p.value.clone().unwrap_or_default()))
                .collect()
        })
        .collect()
}

#[test]
fn ics_export_has_an_event_per_open_claim_and_stable_uids() {
    let env = ledger();
    env.ok(&[
        "add",
        "Rates, at last; fall",
        "--by",
        "2027-03-31",
        "--key",
        "rates",
        "--criteria",
        "Central bank statement",
        "--tag",
        "econ",
    ]);
    env.ok(&["postpone", "late", "--to", "2027-01-15"]);
    let first = env.ok(&["export", "--format", "ics"]);
    let events = ics_events(&first);
    // Every open claim, none of the resolved one, in the order they fall due.
    let keys: Vec<&str> = events
        .iter()
        .map(|e| {
            e["SUMMARY"]
                .split(':')
                .next()
                .unwrap()
                .trim_start_matches("Resolve ")
        })
        .collect();
    assert_eq!(keys, ["later", "today", "week", "late", "rates", "year"]);
    let rates = &events[4];
    assert_eq!(rates["DTSTART"], "20270331");
    assert_eq!(rates["DTEND"], "20270401");
    assert!(
        rates["SUMMARY"].contains(r"Rates\, at last\; fall"),
        "{rates:?}"
    );
    assert!(rates["DESCRIPTION"].contains("Criteria: Central bank statement"));
    assert!(rates["DESCRIPTION"].contains("hindsight show rates"));
    assert_eq!(rates["CATEGORIES"], "econ");
    // The postponed claim falls on its new date.
    assert_eq!(events[3]["DTSTART"], "20270115");
    assert!(events[3]["DESCRIPTION"].contains("Postponed from 2026-11-01"));
    // UIDs are unique, and the same on a later export (so a calendar updates, not duplicates).
    let uids: std::collections::BTreeSet<&str> = events.iter().map(|e| e["UID"].as_str()).collect();
    assert_eq!(uids.len(), events.len());
    env.ok(&["resolve", "rates", "no"]);
    let later = env
        .cmd()
        .env("HINDSIGHT_NOW", "2026-12-01T10:00:00Z")
        .args(["export", "--format", "ics"])
        .output()
        .unwrap();
    let again = ics_events(&String::from_utf8(later.stdout).unwrap());
    assert_eq!(again.len(), events.len() - 1);
    for e in &again {
        assert!(uids.contains(e["UID"].as_str()), "{e:?}");
        assert_eq!(e["DTSTAMP"], "20261201T100000Z");
    }
    // Another ledger's claim with the same key gets another UID (ledgers are told apart
    // by their first event, which differs here in its statement).
    let other = Env::new();
    other.ok(&[
        "add",
        "Another ledger's claim",
        "--by",
        "2026-11-01",
        "--key",
        "late",
    ]);
    let theirs = ics_events(&other.ok(&["export", "--format", "ics"]));
    assert_eq!(theirs.len(), 1);
    assert!(theirs.iter().all(|e| !uids.contains(e["UID"].as_str())));
}

#[test]
fn postponements_travel_in_json_lines() {
    let env = ledger();
    env.ok(&[
        "postpone",
        "late",
        "--to",
        "2027-01-15",
        "--note",
        "vote moved",
    ]);
    env.ok(&["postpone", "late", "--to", "2027-02-15"]);
    let exported = env.ok(&["export"]);
    let lines: Vec<&str> = exported.lines().collect();
    let first_postponement = lines
        .iter()
        .position(|l| l.contains(r#""type":"postponement""#))
        .unwrap();
    let first_resolution = lines
        .iter()
        .position(|l| l.contains(r#""type":"resolution""#))
        .unwrap();
    assert!(first_postponement < first_resolution, "{exported}");
    assert!(lines[first_postponement].contains(r#""resolve_by":"2027-01-15","note":"vote moved""#));

    let file = env.path("ledger.jsonl");
    std::fs::write(&file, format!("{exported}\n")).unwrap();
    let copy = Env::new();
    let out = copy
        .cmd()
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2 postponements"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(copy.ok(&["export"]), exported);
    // A second import recognises everything, postponements included.
    let before = copy.dump();
    copy.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(copy.dump(), before);
    assert!(copy.ok(&["verify"]).starts_with("ok:"));
    let (_, out, _) = due(&copy, &["--within", "1y"]);
    assert!(out.contains("late   2027-02-15"), "{out}");
}

#[test]
fn show_gives_the_condition_state() {
    let env = Env::new();
    env.ok(&["add", "Premise", "--by", "2026-11-01", "--key", "a"]);
    env.ok(&[
        "add",
        "Consequence",
        "--by",
        "2026-11-01",
        "--key",
        "b",
        "--if",
        "a",
    ]);
    assert!(env
        .ok(&["show", "b"])
        .contains("a resolves yes (now: not resolved yet)"));
    env.ok(&["resolve", "a", "no", "--on", "2026-11-20"]);
    assert!(env
        .ok(&["show", "b"])
        .contains("a resolves yes (now: no on 2026-11-20)"));
    assert_eq!(
        env.json(&["show", "b", "--json"])["condition_state"],
        "no on 2026-11-20"
    );
    assert_eq!(
        env.json(&["show", "a", "--json"])["condition_state"],
        serde_json::Value::Null
    );
}

#[test]
fn due_still_answers_10_into_a_closed_pipe() {
    let env = Env::new();
    for i in 0..200 {
        env.ok(&["add", &format!("Claim number {i}"), "--by", "2026-01-01"]);
    }
    // Reading nothing: the binary writes into a closed pipe; the claims are due all the same.
    let out = env.run_into_closed_pipe(&["due"]);
    assert_eq!(
        out.status.code(),
        Some(10),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn ics_text_is_clean_escaped_and_valid_on_the_last_storable_day() {
    let env = Env::new();
    env.ok(&[
        "add",
        "Bell\u{7} and \u{1b}[2J",
        "--by",
        "2026-12-20",
        "--tag",
        "t;x,y",
    ]);
    env.ok(&["postpone", "c1", "--to", "9999-12-31"]);
    let text = env.ok(&["export", "--format", "ics"]);
    assert!(
        !text.contains('\u{7}') && !text.contains('\u{1b}'),
        "{text:?}"
    );
    assert!(text.contains("CATEGORIES:t\\;x\\,y"), "{text}");
    let events = ics_events(&text);
    assert_eq!(events[0]["DTSTART"], "99991231");
    // No day after 9999-12-31 to end on: the event has no DTEND (one day by default).
    assert!(!events[0].contains_key("DTEND"), "{:?}", events[0]);
}
