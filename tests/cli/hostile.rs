//! Bad input, systematically: arbitrary text fed to every parser and importer (no panic;
//! a value or an error that names what was wrong), and text built to break SQL or quoting
//! carried unchanged through add, show, export and import.

use proptest::prelude::*;

use hindsight::domain::parse;
use hindsight::interchange::{self, Importer};
use hindsight::store::Store;

use crate::common::{Env, NOW};

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc()
}

/// An InputError is clear when it names its field, repeats the value and says what is
/// accepted.
fn clear(e: &parse::InputError, field: &str, value: &str) -> bool {
    e.field == field
        && e.value == value
        && !e.accepted.is_empty()
        && e.to_string()
            .starts_with(&format!("{field}: invalid value"))
}

/// Imports `input` as `format` into a fresh ledger in memory. Returns the error's one-line
/// message, or None when the import succeeded; a success must leave a ledger that verifies.
fn import(format: &str, input: &[u8]) -> Option<String> {
    let mut store = Store::open_in_memory(now()).expect("memory ledger");
    let mut importer = Importer::new(now());
    let result = store.write(|db| -> anyhow::Result<()> {
        let mut reader = input;
        match format {
            "jsonl" => interchange::jsonl::import(
                db,
                &mut importer,
                &mut reader,
                "fuzz.jsonl",
                &indicatif::ProgressBar::hidden(),
            ),
            _ => interchange::csv::import(db, &mut importer, &mut reader, "fuzz.csv"),
        }
    });
    match result {
        Ok(()) => {
            let v = store.read().expect("read").verify().expect("verify runs");
            assert_eq!(
                v.first, None,
                "an import left a ledger that does not verify"
            );
            None
        }
        Err(e) => Some(hindsight::error::one_line(&e)),
    }
}

/// A JSON string literal for `s`.
fn lit(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn probability_parser(s in any::<String>()) {
        match parse::probability("--p", &s) {
            Ok(p) => prop_assert!((0.0..=1.0).contains(&p)),
            Err(e) => prop_assert!(clear(&e, "--p", &s)),
        }
    }

    #[test]
    fn date_and_time_parsers(s in any::<String>()) {
        match parse::date("--on", &s) {
            Ok(d) => prop_assert_eq!(parse::format_date(d), s.trim()),
            Err(e) => prop_assert!(clear(&e, "--on", &s)),
        }
        if let Err(e) = parse::time("--at", &s) {
            prop_assert!(clear(&e, "--at", &s));
        }
        let today = now().date_naive();
        if let Err(e) = parse::deadline("--by", &s, today) {
            prop_assert!(clear(&e, "--by", &s));
        }
    }

    #[test]
    fn duration_parser(s in any::<String>(), shaped in "[0-9]{0,12}[dwmyqDWMY]?") {
        for input in [&s, &shaped] {
            if let Err(e) = parse::span("--within", input) {
                prop_assert!(clear(&e, "--within", input));
            }
        }
    }

    #[test]
    fn jsonl_line_parser(s in any::<String>()) {
        if let Err(e) = interchange::jsonl::parse_line(&s) {
            let ok_start = ["json:", "type:", "source:", "claim:", "forecast:", "resolution:"];
            prop_assert!(ok_start.iter().any(|p| e.0.starts_with(p)), "{}", e.0);
        }
    }

    #[test]
    fn jsonl_records_with_arbitrary_fields(
        key in any::<String>(),
        text in any::<String>(),
        date in prop_oneof![Just("2030-01-01".to_string()), any::<String>()],
        p in prop_oneof![any::<f64>(), 0.0..=1.0f64],
        kind in 0..4usize,
    ) {
        let p = if p.is_finite() { p.to_string() } else { "0.5".to_string() };
        let lines = [
            format!(r#"{{"type":"source","key":{},"title":{},"authors":[{}]}}"#, lit(&key), lit(&text), lit(&text)),
            format!(r#"{{"type":"claim","key":{},"statement":{},"resolve_by":{},"tags":[{}],"quote":{}}}"#, lit(&key), lit(&text), lit(&date), lit(&text), lit(&text)),
            format!(r#"{{"type":"claim","key":"c1","statement":"x","resolve_by":"2030-01-01"}}
{{"type":"forecast","claim":{},"forecaster":{},"p":{p},"made_at":{},"note":{}}}"#, lit(&key), lit(&text), lit(&date), lit(&text)),
            format!(r#"{{"type":"claim","key":"c1","statement":"x","resolve_by":"2030-01-01"}}
{{"type":"resolution","claim":"c1","outcome":{},"resolved_on":{},"evidence":{}}}"#, lit(&text), lit(&date), lit(&text)),
        ];
        if let Some(msg) = import("jsonl", lines[kind].as_bytes()) {
            prop_assert!(msg.starts_with("fuzz.jsonl:"), "{}", msg);
        }
    }

    #[test]
    fn jsonl_import_of_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Some(msg) = import("jsonl", &bytes) {
            prop_assert!(msg.starts_with("fuzz.jsonl:"), "{}", msg);
        }
    }

    #[test]
    fn csv_import_of_arbitrary_rows(
        cells in proptest::collection::vec(any::<String>(), interchange::csv::COLUMNS.len()),
        raw in any::<String>(),
    ) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(interchange::csv::COLUMNS).unwrap();
        w.write_record(&cells).unwrap();
        let mut good = cells.clone();
        good[0] = "c1".into();
        good[1] = "A statement".into();
        good[2] = "2030-01-01".into();
        w.write_record(&good).unwrap();
        let structured = w.into_inner().unwrap();
        for input in [structured, raw.into_bytes()] {
            if let Some(msg) = import("csv", &input) {
                prop_assert!(msg.starts_with("fuzz.csv:"), "{}", msg);
            }
        }
    }
}

// ---- text that tries to break out of SQL or quoting ------------------------------------

const EVIL: &str = "'); DROP TABLE claims; --";

/// Every text field gets its own variant, so a field copied into another would show.
fn evil(field: &str) -> String {
    format!("{field} \"quoted\" it's; {EVIL}")
}

#[test]
fn hostile_text_round_trips_through_add_show_export_and_import() {
    let env = Env::new();
    let tag = "x');drop-table-claims;--\"q\"";
    let s = env.ok(&[
        "source",
        "add",
        "--title",
        &evil("title"),
        "--author",
        &evil("author one"),
        "--author",
        &evil("author two"),
        "--publisher",
        &evil("publisher"),
        "--url",
        &evil("url"),
    ]);
    let c = env.ok(&[
        "add",
        &evil("statement"),
        "--by",
        "2030-01-01",
        "--source",
        &s,
        "--quote",
        &evil("quote"),
        "--criteria",
        &evil("criteria"),
        "--tag",
        tag,
        "--p",
        "0.4",
        "--forecaster",
        &evil("forecaster"),
        "--at",
        "2026-01-01",
    ]);
    env.ok(&[
        "forecast",
        &c,
        "--p",
        "0.5",
        "--forecaster",
        &evil("forecaster"),
        "--note",
        &evil("note"),
        "--at",
        "2026-01-02",
    ]);
    env.ok(&[
        "resolve",
        &c,
        "yes",
        "--on",
        "2026-06-01",
        "--evidence",
        &evil("evidence"),
        "--note",
        &evil("resolution note"),
    ]);

    let check = |env: &Env| {
        let shown = env.json(&["show", &c, "--json"]);
        assert_eq!(shown["statement"], evil("statement"));
        assert_eq!(shown["quote"], evil("quote"));
        assert_eq!(shown["criteria"], evil("criteria"));
        assert_eq!(shown["tags"], serde_json::json!([tag]));
        assert_eq!(shown["source_title"], evil("title"));
        assert_eq!(shown["forecasts"][0]["forecaster"], evil("forecaster"));
        assert_eq!(shown["forecasts"][1]["note"], evil("note"));
        assert_eq!(shown["resolutions"][0]["evidence"], evil("evidence"));
        assert_eq!(shown["resolutions"][0]["note"], evil("resolution note"));
        let source = env.json(&["source", "show", &s, "--json"]);
        assert_eq!(source["title"], evil("title"));
        assert_eq!(
            source["authors"],
            serde_json::json!([evil("author one"), evil("author two")])
        );
        assert_eq!(source["publisher"], evil("publisher"));
        assert_eq!(source["url"], evil("url"));
        // The human table shows the text too, and every table is still there.
        assert!(env.ok(&["show", &c]).contains(EVIL));
        assert_eq!(env.json(&["list", "--json"]).as_array().unwrap().len(), 1);
        env.ok(&["verify"]);
    };
    check(&env);

    // JSON Lines carries every field: a fresh ledger gets the same records, and exports
    // the same bytes.
    let jsonl = env.ok(&["export"]);
    let copy = Env::new();
    std::fs::write(copy.path("in.jsonl"), &jsonl).unwrap();
    copy.ok(&["import", "in.jsonl"]);
    check(&copy);
    assert_eq!(copy.ok(&["export"]), jsonl);
    // Importing again changes nothing.
    copy.ok(&["import", "in.jsonl"]);
    assert_eq!(copy.ok(&["export"]), jsonl);

    // The flat CSV carries the fields through quoting unchanged, lists too (a ';' inside an
    // author or a tag is escaped).
    let csv = env.ok(&["export", "--format", "csv"]);
    let third = Env::new();
    std::fs::write(third.path("in.csv"), &csv).unwrap();
    third.ok(&["import", "--format", "csv", "in.csv"]);
    let shown = third.json(&["show", &c, "--json"]);
    for (field, value) in [
        ("statement", evil("statement")),
        ("quote", evil("quote")),
        ("criteria", evil("criteria")),
        ("source_title", evil("title")),
    ] {
        assert_eq!(shown[field], value, "{field}");
    }
    assert_eq!(shown["forecasts"][1]["note"], evil("note"));
    assert_eq!(shown["forecasts"][1]["forecaster"], evil("forecaster"));
    assert_eq!(shown["resolutions"][0]["evidence"], evil("evidence"));
    assert_eq!(shown["tags"], serde_json::json!([tag]));
    assert_eq!(
        third.json(&["source", "show", &s, "--json"])["authors"],
        serde_json::json!([evil("author one"), evil("author two")])
    );
    third.ok(&["verify"]);
}
