//! A ledger you can trust: the history (`log`), `verify` against edits made behind the
//! tool's back, the upgrade of a database made before the history, concurrent writers, a
//! killed import, `backup`, and databases that cannot be written.

use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

use rusqlite::Connection;

use crate::common::{Env, NOW, USER};

/// A small ledger: a source with two authors, two claims (one conditional, with tags),
/// three forecasts and a resolution.
fn seeded() -> Env {
    let env = Env::new();
    env.ok(&[
        "source",
        "add",
        "--title",
        "Outlook",
        "--author",
        "A. Writer",
        "--author",
        "B. Writer",
    ]);
    env.ok(&[
        "add",
        "Reserves fall",
        "--by",
        "2027-12-31",
        "--source",
        "s1",
    ]);
    env.ok(&[
        "add",
        "The peg goes",
        "--by",
        "2027-12-31",
        "--if",
        "c1",
        "--tag",
        "fx",
        "--tag",
        "economy",
    ]);
    env.ok(&[
        "forecast",
        "c1",
        "--p",
        "0.6",
        "--forecaster",
        "ana",
        "--at",
        "2026-01-02",
    ]);
    env.ok(&[
        "forecast",
        "c2",
        "--p",
        "0.3",
        "--forecaster",
        "ben",
        "--at",
        "2026-01-03",
    ]);
    env.ok(&[
        "forecast",
        "c1",
        "--p",
        "0.65",
        "--forecaster",
        "ben",
        "--at",
        "2026-01-04",
    ]);
    env.ok(&[
        "resolve",
        "c1",
        "yes",
        "--on",
        "2026-06-01",
        "--evidence",
        "Bank statement",
    ]);
    env
}

fn sql(env: &Env, statements: &str) {
    let conn = Connection::open(env.db()).expect("open ledger");
    conn.execute_batch(statements).expect("tampering SQL runs");
}

fn count(db: &Path, table: &str) -> i64 {
    let conn = Connection::open(db).expect("open ledger");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

// ---- log -------------------------------------------------------------------------------

#[test]
fn log_lists_every_change_newest_first() {
    let env = seeded();
    let events = env.json(&["log", "--json"]);
    let events = events.as_array().expect("array");
    assert_eq!(events.len(), 7);
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "resolution",
            "forecast",
            "forecast",
            "forecast",
            "claim",
            "claim",
            "source"
        ]
    );
    let newest = &events[0];
    assert_eq!(newest["seq"], 7);
    assert_eq!(newest["key"], "c1");
    assert_eq!(newest["id"], 1);
    assert_eq!(newest["recorded_at"], NOW);
    assert_eq!(newest["record"]["outcome"], "yes");
    assert_eq!(newest["summary"], "resolved yes on 2026-06-01");
    assert_eq!(newest["prev_hash"], events[1]["hash"]);
    assert_eq!(newest["hash"].as_str().unwrap().len(), 64);
    assert_eq!(
        events[6]["prev_hash"],
        "0000000000000000000000000000000000000000000000000000000000000000"
    );
    assert!(newest["payload"]
        .as_str()
        .unwrap()
        .starts_with(r#"[4,"r",1,"#));
    // Who recorded it ($HINDSIGHT_USER on SQLite), covered by the hash as the payload's
    // last element.
    assert_eq!(newest["recorded_by"], USER);
    assert_eq!(newest["record"]["recorded_by"], USER);
    assert!(newest["payload"]
        .as_str()
        .unwrap()
        .ends_with(r#","tester"]"#));

    // One claim's events, and a limit.
    let c1 = env.json(&["log", "c1", "--json"]);
    let c1: Vec<(&str, i64)> = c1
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["seq"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        c1,
        [
            ("resolution", 7),
            ("forecast", 6),
            ("forecast", 4),
            ("claim", 2)
        ]
    );
    assert_eq!(
        env.json(&["log", "--json", "--limit", "2"])
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let text = env.ok(&["log", "--limit", "3"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0].contains("RECORDED") && lines[0].contains("HASH"));
    assert!(lines[2].contains("resolution") && lines[2].contains("resolved yes on 2026-06-01"));
    assert!(lines[3].contains("ben gives 65%"), "{text}");
    let short = &newest["hash"].as_str().unwrap()[..12];
    assert!(lines[2].contains(short));

    let err = env.fails(&["log", "c99"], 1);
    assert!(err.contains("c99"), "{err}");
}

// ---- verify ----------------------------------------------------------------------------

#[test]
fn verify_passes_on_a_clean_ledger_and_prints_the_head() {
    let env = seeded();
    let out = env.ok(&["verify"]);
    let head = env.ok(&["verify", "--head"]);
    assert_eq!(head.len(), 64);
    assert!(head.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        out,
        format!("ok: 7 events, and every table matches them\nhead {head}")
    );
    let newest = env.json(&["log", "--json", "--limit", "1"]);
    assert_eq!(newest[0]["hash"], head.as_str());
    // A new record moves the head.
    env.ok(&[
        "forecast",
        "c2",
        "--p",
        "0.4",
        "--forecaster",
        "ana",
        "--at",
        "2026-02-01",
    ]);
    assert_ne!(env.ok(&["verify", "--head"]), head);
    // An empty ledger has no events and the genesis hash as head.
    let empty = Env::new();
    assert_eq!(
        empty.ok(&["verify", "--head"]),
        "0000000000000000000000000000000000000000000000000000000000000000"
    );
}

/// Applies `tamper` to a fresh seeded ledger and returns verify's message (exit 4).
fn tampered(tamper: &str) -> String {
    let env = seeded();
    sql(&env, tamper);
    let err = env.fails(&["verify"], 4);
    // --head refuses too: a broken ledger has no head worth publishing.
    env.fails(&["verify", "--head"], 4);
    err
}

#[test]
fn verify_names_an_edited_probability() {
    let err = tampered("UPDATE forecasts SET p = 0.9 WHERE id = 1");
    assert!(
        err.contains(
            "forecast #1 on claim c1 by ana: the table says p = 0.9, the history says 0.6"
        ),
        "{err}"
    );
}

#[test]
fn verify_names_a_deleted_forecast() {
    let err = tampered("DELETE FROM forecasts WHERE id = 2");
    assert!(
        err.contains(
            "forecast #2 on claim c2 by ben is in the history (event 5) but missing from the table"
        ),
        "{err}"
    );
}

#[test]
fn verify_names_a_back_dated_resolution() {
    let err = tampered("UPDATE resolutions SET resolved_on = '2025-01-01' WHERE id = 1");
    assert!(
        err.contains(
            "resolution #1 of claim c1: the table says resolved_on = \"2025-01-01\", the history says \"2026-06-01\""
        ),
        "{err}"
    );
}

#[test]
fn verify_names_a_row_added_without_an_event() {
    let err = tampered(
        "INSERT INTO forecasters (name) VALUES ('eve');
         INSERT INTO forecasts (claim_id, forecaster_id, p, made_at, recorded_at)
         VALUES (1, (SELECT id FROM forecasters WHERE name = 'eve'), 0.99,
                 unixepoch('2026-01-01T00:00:00Z'), unixepoch('2026-01-01T00:00:00Z'))",
    );
    assert!(
        err.contains("forecast #4 on claim c1 by eve is in the table but not in the history"),
        "{err}"
    );
}

#[test]
fn verify_names_edited_authors_and_tags() {
    let err = tampered("UPDATE source_authors SET name = 'C. Writer' WHERE position = 1");
    assert!(
        err.contains(
            "source s1: the table says authors = [\"A. Writer\", \"C. Writer\"], the history says [\"A. Writer\", \"B. Writer\"]"
        ),
        "{err}"
    );
    let err = tampered("DELETE FROM claim_tags WHERE tag = 'fx'");
    assert!(
        err.contains(
            "claim c2: the table says tags = [\"economy\"], the history says [\"economy\", \"fx\"]"
        ),
        "{err}"
    );
    let err = tampered("UPDATE claims SET condition_id = NULL WHERE key = 'c2'");
    assert!(
        err.contains("claim c2: the table says condition = nothing, the history says \"c1\""),
        "{err}"
    );
}

#[test]
fn events_cannot_be_changed_without_dropping_the_guards() {
    let env = seeded();
    let conn = Connection::open(env.db()).unwrap();
    for statement in [
        "UPDATE events SET payload = '{}' WHERE seq = 4",
        "DELETE FROM events WHERE seq = 4",
    ] {
        let e = conn.execute(statement, []).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{statement}: {e}");
    }
    drop(conn);
    env.ok(&["verify"]);
}

#[test]
fn verify_names_a_removed_event() {
    let err = tampered("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 4");
    assert!(
        err.contains("the history jumps from event 3 to event 5: 1 event(s) were removed"),
        "{err}"
    );
    // Removing the newest event leaves a row the history does not know.
    let err = tampered("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 7");
    assert!(
        err.contains("resolution #1 of claim c1 is in the table but not in the history"),
        "{err}"
    );
}

#[test]
fn verify_names_an_edited_event() {
    // Editing the history to agree with an edited table breaks the chain. (p is the
    // seventh element of a version 2 forecast payload.)
    let err = tampered(
        "DROP TRIGGER events_no_update;
         UPDATE events SET payload = replace(payload, ',0.6,', ',0.9,') WHERE seq = 4;
         UPDATE forecasts SET p = 0.9 WHERE id = 1;",
    );
    assert!(
        err.contains(
            "event 4 (forecast #1 on claim c1 by ana): its hash does not match its content"
        ),
        "{err}"
    );
    // Recomputing that event's hash moves the break to the next link. (The table keeps
    // no prev_hash column since schema 7: the hash before event 4 is event 3's, and the
    // hash is stored as its 32 bytes.)
    let env = seeded();
    let conn = Connection::open(env.db()).unwrap();
    conn.execute_batch("DROP TRIGGER events_no_update").unwrap();
    let prev: String = conn
        .query_row(
            "SELECT lower(hex(hash)) FROM events WHERE seq = 3",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let payload: String = conn
        .query_row("SELECT payload FROM events WHERE seq = 4", [], |r| r.get(0))
        .unwrap();
    let forged = payload.replace(",0.6,", ",0.9,");
    assert_ne!(forged, payload);
    let hash = hindsight::domain::event::chain_digest(&prev, &forged);
    conn.execute(
        "UPDATE events SET payload = ?1, hash = ?2 WHERE seq = 4",
        rusqlite::params![forged, &hash[..]],
    )
    .unwrap();
    conn.execute("UPDATE forecasts SET p = 0.9 WHERE id = 1", [])
        .unwrap();
    drop(conn);
    let err = env.fails(&["verify"], 4);
    assert!(
        err.contains("event 5 (forecast #2 on claim c2 by ben): its hash does not match"),
        "{err}"
    );
}

#[test]
fn a_probability_of_seventeen_digits_verifies_and_exports_unchanged() {
    // The shortest decimal of this double has 17 significant digits; JSON's default float
    // reader (serde_json without float_roundtrip) read it back as the next double up, so
    // verify reported the table and the history apart, and an import stored another p.
    let env = Env::new();
    env.ok(&["add", "It rains", "--by", "2027-12-31"]);
    env.ok(&[
        "forecast",
        "c1",
        "--p",
        "0.20430125872095606",
        "--at",
        "2026-01-02",
    ]);
    assert!(env.ok(&["verify"]).starts_with("ok: 2 events"));
    let exported = env.ok(&["export"]);
    assert!(
        exported.contains(r#""p":0.20430125872095606,"#),
        "{exported}"
    );
    let copy = Env::new();
    let file = copy.path("ledger.jsonl");
    std::fs::write(&file, &exported).unwrap();
    copy.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(copy.ok(&["export"]), exported);
    copy.ok(&["verify"]);
}

// ---- upgrading a database made before the history --------------------------------------

#[test]
fn a_version_1_ledger_gains_its_history_and_loses_nothing() {
    let env = Env::new();
    let conn = Connection::open(env.db()).unwrap();
    conn.execute_batch(include_str!("../../migrations/sqlite/0001_ledger.sql"))
        .unwrap();
    conn.execute_batch(
        "PRAGMA user_version = 1;
         INSERT INTO sources (id, key, title, publisher, url, published, recorded_at)
              VALUES (1, 's1', 'Old article', 'Paper', 'https://example.org', '2015-05-26', '2015-06-01T08:00:00Z');
         INSERT INTO source_authors VALUES (1, 0, 'Z. Last'), (1, 1, 'A. First');
         INSERT INTO claims (id, key, statement, quote, criteria, resolve_by, condition_id, source_id, created_at, recorded_at)
              VALUES (1, 'c1', 'Talks resume', NULL, 'A meeting', '2016-01-01', NULL, 1, '2015-06-01T08:00:00Z', '2015-06-01T08:00:00Z'),
                     (2, 'c2', 'A deal is signed', 'a deal', NULL, '2016-06-01', 1, 1, '2015-06-01T08:00:00Z', '2015-06-01T08:00:00Z');
         INSERT INTO claim_tags VALUES (2, 'diplomacy'), (2, 'deals');
         INSERT INTO forecasts (claim_id, forecaster, p, made_at, note, recorded_at)
              VALUES (1, 'ana', 0.7, '2015-06-01T08:00:00Z', 'first', '2015-06-01T08:00:00Z'),
                     (2, 'ana', 0.25, '2015-06-02T08:00:00Z', NULL, '2015-06-02T08:00:00Z'),
                     (1, 'ben', 0.55, '2015-06-03T08:00:00Z', NULL, '2015-06-03T08:00:00Z');
         INSERT INTO resolutions (claim_id, outcome, resolved_on, evidence, note, recorded_at)
              VALUES (1, 'yes', '2015-12-01', 'News', NULL, '2015-12-02T08:00:00Z'),
                     (1, 'no', '2015-12-01', 'Correction', 'misread', '2015-12-03T08:00:00Z');",
    )
    .unwrap();
    drop(conn);
    let before = env.dump();

    let out = env.ok(&["verify"]);
    assert!(out.starts_with("ok: 8 events"), "{out}");
    // Every old row is still there, unchanged; only the events table (and the empty
    // table of postponements, schema 4) was added, and the claims gained an empty window
    // (schema 5: opens_at, closes_at).
    let mut after = sections(&env.dump());
    assert!(after.remove("events").is_some());
    without_recorded_by(&env, &mut after);
    assert_eq!(after.remove("postponements"), Some(vec![String::new()]));
    let empty_window = format!("|{0}|{0}", r#"Ok("Null")"#);
    for row in after.get_mut("claims").unwrap() {
        *row = row
            .strip_suffix(&empty_window)
            .unwrap_or_else(|| panic!("claim row without an empty window: {row}"))
            .to_string();
    }
    // Schema 6 keeps each forecaster's name once and a forecast's times as seconds, and
    // lists the open claims by due date: read back in the old form, the forecasts are
    // the same rows.
    assert_eq!(
        after.remove("forecasters"),
        Some(env.dump_rows("SELECT 1, 'ana' UNION ALL SELECT 2, 'ben'"))
    );
    // Schema 9 sums up each open claim's forecasts there: one, made 2015-06-02T08:00:00Z.
    assert_eq!(
        after.remove("open_claims"),
        Some(env.dump_rows("SELECT 2, '2016-06-01', 1, 2, 0.25, 1, 1433232000, 1433232000"))
    );
    after.insert("forecasts".into(), forecasts_as_before_schema_6(&env));
    assert_eq!(sections(&before), after);
    let conn = Connection::open(env.db()).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert!(version >= 2);
    drop(conn);

    // The first events are the old rows in id order, sources first, stamped with the
    // time of the upgrade; their records carry the rows' own times.
    let log = env.json(&["log", "--json"]);
    let mut order: Vec<(String, i64)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                e["id"].as_i64().unwrap(),
            )
        })
        .collect();
    order.reverse();
    let expected: Vec<(String, i64)> = [
        ("source", 1),
        ("claim", 1),
        ("claim", 2),
        ("forecast", 1),
        ("forecast", 2),
        ("forecast", 3),
        ("resolution", 1),
        ("resolution", 2),
    ]
    .iter()
    .map(|(k, i)| (k.to_string(), *i))
    .collect();
    assert_eq!(order, expected);
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["recorded_at"] == NOW));
    assert_eq!(
        log[7]["record"]["authors"],
        serde_json::json!(["Z. Last", "A. First"])
    );
    assert_eq!(
        log[5]["record"]["tags"],
        serde_json::json!(["deals", "diplomacy"])
    );
    assert_eq!(log[5]["record"]["condition"], "c1");
    assert_eq!(log[0]["record"]["note"], "misread");

    // The old data reads as before, and new records chain on.
    let shown = env.json(&["show", "c1", "--json"]);
    assert_eq!(shown["forecasts"].as_array().unwrap().len(), 2);
    assert_eq!(shown["resolutions"].as_array().unwrap().len(), 2);
    env.ok(&[
        "forecast",
        "c2",
        "--p",
        "0.3",
        "--forecaster",
        "cy",
        "--at",
        "2015-07-01",
    ]);
    env.ok(&["verify"]);
}

// ---- upgrading a database written before the compact history (schema 5) --------------

/// The version 1 payloads a schema-5 hindsight wrote for the rows of [`schema_5_ledger`],
/// in the order it appended them, byte for byte.
const V1_PAYLOADS: [&str; 7] = [
    r#"{"v":1,"kind":"source","id":1,"at":"2026-01-01T09:00:00Z","record":{"key":"s1","title":"Outlook","authors":["A. Writer"],"publisher":null,"url":null,"published":"2026-01-01","text":null,"text_sha256":null,"recorded_at":"2026-01-01T09:00:00Z"}}"#,
    r#"{"v":1,"kind":"claim","id":1,"at":"2026-01-01T09:00:00Z","record":{"key":"c1","statement":"Rates rise","resolve_by":"2026-12-31","source":"s1","condition":null,"quote":null,"criteria":null,"tags":[],"created_at":"2026-01-01T09:00:00Z","recorded_at":"2026-01-01T09:00:00Z"}}"#,
    r#"{"v":1,"kind":"claim","id":2,"at":"2026-01-01T09:00:00Z","record":{"key":"c2","statement":"The vote passes","resolve_by":"2026-11-30","opens_at":"2026-01-02T00:00:00Z","closes_at":"2026-11-01T00:00:00Z","source":"s1","condition":"c1","quote":null,"criteria":"Official count","tags":["politics"],"created_at":"2026-01-01T09:00:00Z","recorded_at":"2026-01-01T09:00:00Z"}}"#,
    r#"{"v":1,"kind":"forecast","id":1,"at":"2026-01-02T08:00:00Z","record":{"claim":"c1","forecaster":"ana","p":0.7,"made_at":"2026-01-02T08:00:00Z","note":"first","recorded_at":"2026-01-02T08:00:00Z"}}"#,
    r#"{"v":1,"kind":"forecast","id":2,"at":"2026-01-03T08:00:00Z","record":{"claim":"c2","forecaster":"ben","p":0.25,"made_at":"2026-01-03T08:00:00Z","note":null,"recorded_at":"2026-01-03T08:00:00Z"}}"#,
    r#"{"v":1,"kind":"resolution","id":1,"at":"2026-03-02T08:00:00Z","record":{"claim":"c1","outcome":"yes","resolved_on":"2026-03-01","evidence":"News","note":null,"recorded_at":"2026-03-02T08:00:00Z"}}"#,
    r#"{"v":1,"kind":"postponement","id":1,"at":"2026-03-03T08:00:00Z","record":{"claim":"c2","resolve_by":"2027-01-31","note":"recount","recorded_at":"2026-03-03T08:00:00Z"}}"#,
];

/// A ledger as a schema-5 hindsight (the release before the compact history) left it:
/// the schema of migrations 1 to 5, a row of every kind, and their events in the table of
/// those days (hex hashes, prev_hash, recorded_at, row_id and key columns). `tamper` runs
/// last, still on that schema. Returns the hex hash of each event.
fn schema_5_ledger(env: &Env, tamper: &str) -> Vec<String> {
    let conn = Connection::open(env.db()).unwrap();
    for sql in [
        include_str!("../../migrations/sqlite/0001_ledger.sql"),
        include_str!("../../migrations/sqlite/0002_events.sql"),
        include_str!("../../migrations/sqlite/0003_drop_forecaster_index.sql"),
        include_str!("../../migrations/sqlite/0004_postponements.sql"),
        include_str!("../../migrations/sqlite/0005_claim_window.sql"),
    ] {
        conn.execute_batch(sql).unwrap();
    }
    conn.execute_batch(
        "PRAGMA user_version = 5;
         INSERT INTO sources (id, key, title, publisher, url, published, body, body_sha256, recorded_at)
              VALUES (1, 's1', 'Outlook', NULL, NULL, '2026-01-01', NULL, NULL, '2026-01-01T09:00:00Z');
         INSERT INTO source_authors VALUES (1, 0, 'A. Writer');
         INSERT INTO claims (id, key, statement, quote, criteria, resolve_by, condition_id, source_id,
                             created_at, recorded_at, opens_at, closes_at)
              VALUES (1, 'c1', 'Rates rise', NULL, NULL, '2026-12-31', NULL, 1,
                      '2026-01-01T09:00:00Z', '2026-01-01T09:00:00Z', NULL, NULL),
                     (2, 'c2', 'The vote passes', NULL, 'Official count', '2026-11-30', 1, 1,
                      '2026-01-01T09:00:00Z', '2026-01-01T09:00:00Z', '2026-01-02T00:00:00Z', '2026-11-01T00:00:00Z');
         INSERT INTO claim_tags VALUES (2, 'politics');
         INSERT INTO forecasts (id, claim_id, forecaster, p, made_at, note, recorded_at)
              VALUES (1, 1, 'ana', 0.7, '2026-01-02T08:00:00Z', 'first', '2026-01-02T08:00:00Z'),
                     (2, 2, 'ben', 0.25, '2026-01-03T08:00:00Z', NULL, '2026-01-03T08:00:00Z');
         INSERT INTO resolutions (id, claim_id, outcome, resolved_on, evidence, note, recorded_at)
              VALUES (1, 1, 'yes', '2026-03-01', 'News', NULL, '2026-03-02T08:00:00Z');
         INSERT INTO postponements (id, claim_id, resolve_by, note, recorded_at)
              VALUES (1, 2, '2027-01-31', 'recount', '2026-03-03T08:00:00Z');",
    )
    .unwrap();
    let columns = [
        ("2026-01-01T09:00:00Z", "source", 1, "s1"),
        ("2026-01-01T09:00:00Z", "claim", 1, "c1"),
        ("2026-01-01T09:00:00Z", "claim", 2, "c2"),
        ("2026-01-02T08:00:00Z", "forecast", 1, "c1"),
        ("2026-01-03T08:00:00Z", "forecast", 2, "c2"),
        ("2026-03-02T08:00:00Z", "resolution", 1, "c1"),
        ("2026-03-03T08:00:00Z", "postponement", 1, "c2"),
    ];
    let mut prev = "0".repeat(64);
    let mut hashes = Vec::new();
    for (i, (payload, (at, kind, row_id, key))) in V1_PAYLOADS.iter().zip(columns).enumerate() {
        let hash = hindsight::domain::event::chain_hash(&prev, payload);
        conn.execute(
            "INSERT INTO events (seq, recorded_at, kind, row_id, key, payload, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![i as i64 + 1, at, kind, row_id, key, payload, prev, hash],
        )
        .unwrap();
        prev = hash.clone();
        hashes.push(hash);
    }
    conn.execute_batch(tamper).unwrap();
    hashes
}

#[test]
fn a_schema_5_ledger_upgrades_in_place_and_verifies() {
    let env = Env::new();
    let hashes = schema_5_ledger(&env, "");
    let before = sections(&env.dump());

    // The chain and its head are unchanged: a head published before the upgrade still
    // names the same event.
    let out = env.ok(&["verify"]);
    assert_eq!(
        out,
        format!(
            "ok: 7 events, and every table matches them\nhead {}",
            hashes[6]
        )
    );
    let mut after = sections(&env.dump());
    assert!(after.remove("events").is_some());
    // Schema 8: nobody is known to have recorded the old rows.
    without_recorded_by(&env, &mut after);
    // Schema 6: names once, forecast times in seconds, the open claims by due date.
    assert_eq!(
        after.remove("forecasters"),
        Some(env.dump_rows("SELECT 1, 'ana' UNION ALL SELECT 2, 'ben'"))
    );
    // Schema 9 sums up each open claim's forecasts there: one, by ben.
    assert_eq!(
        after.remove("open_claims"),
        Some(env.dump_rows("SELECT 2, '2027-01-31', 1, 2, 0.25, 2, 1767427200, 1767427200"))
    );
    after.insert("forecasts".into(), forecasts_as_before_schema_6(&env));
    let mut unchanged = before.clone();
    unchanged.remove("events");
    assert_eq!(after, unchanged);
    let conn = Connection::open(env.db()).unwrap();
    let findings: i64 = conn
        .query_row("SELECT count(*) FROM events_findings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(findings, 0);
    let claim_ids: Vec<Option<i64>> = conn
        .prepare("SELECT claim_id FROM events ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        claim_ids,
        [None, Some(1), Some(2), Some(1), Some(2), Some(1), Some(2)]
    );
    drop(conn);

    // log shows every old event as before: payload, hashes, time, id and key.
    let log = env.json(&["log", "--json"]);
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 7);
    for (i, e) in log.iter().rev().enumerate() {
        assert_eq!(e["seq"], i as i64 + 1);
        assert_eq!(e["payload"], V1_PAYLOADS[i]);
        assert_eq!(e["hash"], hashes[i].as_str());
        let prev = if i == 0 {
            "0".repeat(64)
        } else {
            hashes[i - 1].clone()
        };
        assert_eq!(e["prev_hash"], prev.as_str());
        let old: serde_json::Value = serde_json::from_str(V1_PAYLOADS[i]).unwrap();
        assert_eq!(e["recorded_at"], old["at"]);
        assert_eq!(e["id"], old["id"]);
        assert_eq!(e["kind"], old["kind"]);
        assert_eq!(e["record"], old["record"]);
    }
    assert_eq!(log[0]["key"], "c2");
    assert_eq!(log[6]["key"], "s1");
    let c2: Vec<i64> = env
        .json(&["log", "c2", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(c2, [7, 5, 3]);

    // Old events name nobody as their recorder.
    assert!(log.iter().all(|e| e["recorded_by"].is_null()));

    // New events chain on in format version 4, naming who recorded them.
    env.ok(&[
        "forecast",
        "c1",
        "--p",
        "0.4",
        "--forecaster",
        "cy",
        "--at",
        "2026-02-01",
    ]);
    let newest = env.json(&["log", "--json", "--limit", "1"]);
    assert!(newest[0]["payload"]
        .as_str()
        .unwrap()
        .starts_with(r#"[4,"f",3,"#));
    assert_eq!(newest[0]["recorded_by"], USER);
    assert_eq!(newest[0]["prev_hash"], hashes[6].as_str());
    assert!(env.ok(&["verify"]).starts_with("ok: 8 events"));
}

#[test]
fn what_the_dropped_columns_said_wrongly_is_still_found_after_the_upgrade() {
    // Each of these edits only a column that schema 7 drops; today's verify names each.
    for (tamper, found) in [
        (
            "UPDATE events SET prev_hash = hash WHERE seq = 4",
            "event 4 (forecast #1 on claim c1 by ana): it named",
        ),
        (
            "UPDATE events SET row_id = 9 WHERE seq = 5",
            "event 5 (forecast #2 on claim c2 by ben): its row_id column said '9' but its payload says '2'",
        ),
        (
            "UPDATE events SET recorded_at = '2025-01-01T00:00:00Z' WHERE seq = 6",
            "event 6 (resolution #1 of claim c1): its recorded_at column said '2025-01-01T00:00:00Z' but its payload says '2026-03-02T08:00:00Z'",
        ),
        (
            "UPDATE events SET key = 's2' WHERE seq = 1",
            "event 1 (source s1): its key column said 's2' but its payload says 's1'",
        ),
        (
            "UPDATE events SET hash = upper(hash) WHERE seq = 7",
            "event 7 (postponement #1 of claim c2): its hash was '",
        ),
    ] {
        let env = Env::new();
        schema_5_ledger(&env, &format!("DROP TRIGGER events_no_update; {tamper}"));
        let err = env.fails(&["verify"], 4);
        assert!(err.contains(found), "{tamper}: {err}");
        assert!(err.contains("(found when the history was compacted, schema 7)"), "{err}");
    }
}

/// A dump (see `Env::dump`) split into its tables' rows.
/// The forecasts of a ledger upgraded to schema 6 or later, read back in the form schema 5
/// stored them (forecaster names, RFC 3339 times), as [`Env::dump`] lists rows.
/// The dump's record tables as they were before schema 8, which gave each of them a
/// `recorded_by` column: checks that it is NULL (unknown) in every upgraded row, and
/// takes it off the rows.
fn without_recorded_by(env: &Env, tables: &mut std::collections::BTreeMap<String, Vec<String>>) {
    let null = format!("|{}", r#"Ok("Null")"#);
    for t in ["sources", "claims", "resolutions", "postponements"] {
        for row in tables.get_mut(t).into_iter().flatten() {
            if row.is_empty() {
                continue;
            }
            *row = row
                .strip_suffix(&null)
                .unwrap_or_else(|| panic!("{t} row without an unknown recorded_by: {row}"))
                .to_string();
        }
    }
    assert_eq!(
        env.dump_rows("SELECT count(*) FROM forecasts WHERE recorded_by IS NOT NULL"),
        env.dump_rows("SELECT 0")
    );
}

fn forecasts_as_before_schema_6(env: &Env) -> Vec<String> {
    env.dump_rows(
        "SELECT f.id, f.claim_id, w.name, f.p,
                strftime('%Y-%m-%dT%H:%M:%SZ', f.made_at, 'unixepoch'), f.note,
                strftime('%Y-%m-%dT%H:%M:%SZ', f.recorded_at, 'unixepoch')
           FROM forecasts f JOIN forecasters w ON w.id = f.forecaster_id ORDER BY 1",
    )
}

fn sections(dump: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    let tables = [
        "sources",
        "source_authors",
        "claims",
        "claim_tags",
        "forecasters",
        "forecasts",
        "open_claims",
        "resolutions",
        "postponements",
        "events",
    ];
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut current: Option<String> = None;
    for line in dump.lines() {
        if tables.contains(&line) {
            current = Some(line.to_string());
            out.insert(line.to_string(), Vec::new());
        } else if let Some(t) = &current {
            if let Some(rows) = out.get_mut(t) {
                rows.push(line.to_string());
            }
        }
    }
    out
}

// ---- several writers at once -----------------------------------------------------------

/// A thread that runs `n` `forecast` processes one after another as forecaster `w{w}`,
/// with `p(i)` and made-at `at(i)`; it returns the stderr of those that failed.
fn forecast_writer(
    env: &Env,
    w: usize,
    n: usize,
    p: impl Fn(usize) -> String,
    at: impl Fn(usize) -> String,
) -> std::thread::JoinHandle<Vec<String>> {
    let mut cmds: Vec<StdCommand> = (0..n)
        .map(|i| {
            let mut c = env.std_cmd();
            c.args([
                "forecast",
                "c1",
                "--p",
                &p(i),
                "--forecaster",
                &format!("w{w}"),
                "--at",
                &at(i),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
            c
        })
        .collect();
    std::thread::spawn(move || {
        let mut failures = Vec::new();
        for c in cmds.iter_mut() {
            let out = c.output().expect("runs");
            if !out.status.success() {
                failures.push(String::from_utf8_lossy(&out.stderr).to_string());
            }
        }
        failures
    })
}

#[test]
fn four_processes_adding_forecasts_at_once_all_land() {
    let env = Env::new();
    env.ok(&["add", "Shared claim", "--by", "2030-01-01"]);
    let workers: Vec<_> = (0..4)
        .map(|w| {
            forecast_writer(
                &env,
                w,
                25,
                |i| format!("0.{:02}", w * 25 + i),
                |i| format!("2026-01-01T00:{w:02}:{i:02}Z"),
            )
        })
        .collect();
    // Meanwhile two imports of 25 forecasts each.
    let mut imports = Vec::new();
    for k in 0..2 {
        let lines: String = (0..25)
            .map(|i| {
                format!(
                    "{{\"type\":\"forecast\",\"claim\":\"c1\",\"forecaster\":\"imp{k}\",\"p\":0.5,\"made_at\":\"2026-02-01T00:00:{i:02}Z\"}}\n"
                )
            })
            .collect();
        let file = env.path(&format!("imp{k}.jsonl"));
        std::fs::write(&file, lines).unwrap();
        let mut c = env.std_cmd();
        c.arg("import").arg(&file).stderr(Stdio::piped());
        imports.push(c.spawn().expect("spawns"));
    }
    for w in workers {
        let failures = w.join().expect("worker thread");
        assert!(failures.is_empty(), "{failures:?}");
    }
    for i in imports {
        let out = i.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(count(&env.db(), "forecasts"), 150);
    assert_eq!(count(&env.db(), "events"), 151);
    let out = env.ok(&["verify"]);
    assert!(out.starts_with("ok: 151 events"), "{out}");
}

/// Starts `n` processes at once with `args(i)`; returns the stderr of those that failed.
fn all_at_once(env: &Env, n: usize, args: impl Fn(usize) -> Vec<String>) -> Vec<String> {
    let children: Vec<_> = (0..n)
        .map(|i| {
            env.std_cmd()
                .args(args(i))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawns")
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("waits"))
        .filter(|o| !o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stderr).to_string())
        .collect()
}

#[test]
fn processes_creating_or_upgrading_a_ledger_at_once_all_succeed() {
    let forecast = |i: usize| -> Vec<String> {
        ["forecast", "c1", "--p", "0.5", "--forecaster"]
            .iter()
            .map(|s| s.to_string())
            .chain([format!("w{i}"), "--at".into(), "2026-01-01".into()])
            .collect()
    };
    for _ in 0..3 {
        // A ledger that does not exist yet: each process creates the schema or finds it.
        let env = Env::new();
        let failures = all_at_once(&env, 4, |i| {
            vec![
                "add".into(),
                format!("Claim {i}"),
                "--by".into(),
                "2030-01-01".into(),
            ]
        });
        assert!(failures.is_empty(), "{failures:?}");
        assert_eq!(count(&env.db(), "claims"), 4);
        env.ok(&["verify"]);

        // A version 1 ledger in rollback-journal mode, as another tool would leave it:
        // one process upgrades it and switches it to WAL, the others wait for that.
        let env = Env::new();
        let conn = Connection::open(env.db()).unwrap();
        conn.execute_batch(include_str!("../../migrations/sqlite/0001_ledger.sql"))
            .unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO claims (key, statement, resolve_by, created_at, recorded_at)
                  VALUES ('c1', 'Old claim', '2030-01-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        drop(conn);
        let failures = all_at_once(&env, 4, forecast);
        assert!(failures.is_empty(), "{failures:?}");
        assert_eq!(count(&env.db(), "forecasts"), 4);
        let out = env.ok(&["verify"]);
        assert!(out.starts_with("ok: 5 events"), "{out}");
    }
}

// ---- a killed import --------------------------------------------------------------------

#[test]
fn an_import_killed_mid_way_leaves_all_or_nothing() {
    const N: usize = 200_000;
    let env = Env::new();
    env.ok(&["add", "A warm-up claim", "--by", "2030-01-01"]);
    let file = env.path("big.jsonl");
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        for c in 1..=3 {
            writeln!(
                w,
                r#"{{"type":"claim","key":"k{c}","statement":"Claim {c}","resolve_by":"2030-01-01"}}"#
            )
            .unwrap();
        }
        for i in 0..N {
            writeln!(
                w,
                r#"{{"type":"forecast","claim":"k{}","forecaster":"f{}","p":0.{:02},"made_at":"2026-01-{:02}T{:02}:{:02}:{:02}Z","note":"n{i}"}}"#,
                i % 3 + 1,
                i % 500,
                i % 99 + 1,
                1 + i / 86400,
                i / 3600 % 24,
                i / 60 % 60,
                i % 60
            )
            .unwrap();
        }
    }
    let wal = env.path("ledger.db-wal");
    let mut child = env
        .std_cmd()
        .arg("import")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    // Kill once the transaction has spilled into the write-ahead log, or after a bounded
    // wait; either way the assertion below holds for an import that finished or not.
    for _ in 0..3000 {
        let grown = std::fs::metadata(&wal)
            .map(|m| m.len() > 4 << 20)
            .unwrap_or(false);
        if grown || child.try_wait().ok().flatten().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().ok(); // SIGKILL on Unix; fails harmlessly if it already ended
    child.wait().unwrap();

    let forecasts = count(&env.db(), "forecasts");
    let claims = count(&env.db(), "claims");
    eprintln!("after the kill: {claims} claims, {forecasts} forecasts");
    assert!(
        (forecasts == 0 && claims == 1) || (forecasts == N as i64 && claims == 4),
        "a partial import survived: {claims} claims, {forecasts} forecasts"
    );
    let out = env.ok(&["verify"]);
    assert!(out.starts_with("ok: "), "{out}");
    // The ledger is still usable.
    env.ok(&["forecast", "c1", "--p", "0.5", "--at", "2026-01-01"]);
    env.ok(&["verify"]);
}

// ---- backup ----------------------------------------------------------------------------

#[test]
fn backup_copies_a_verified_ledger_and_refuses_to_overwrite() {
    let env = seeded();
    let copy = env.path("copy.db");
    let copy_s = copy.to_str().unwrap();
    let head = env.ok(&["verify", "--head"]);
    env.ok(&["backup", copy_s]);
    let out = env
        .cmd()
        .env("HINDSIGHT_DB", &copy)
        .args(["verify", "--head"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), head);

    let before = std::fs::read(&copy).unwrap();
    let err = env.fails(&["backup", copy_s], 1);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(&copy).unwrap(), before);

    env.ok(&[
        "forecast",
        "c2",
        "--p",
        "0.9",
        "--forecaster",
        "cy",
        "--at",
        "2026-02-02",
    ]);
    env.ok(&["backup", copy_s, "--force"]);
    let out = env
        .cmd()
        .env("HINDSIGHT_DB", &copy)
        .args(["verify"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: 8 events"));

    let ledger = env.db();
    let err = env.fails(&["backup", ledger.to_str().unwrap(), "--force"], 1);
    assert!(err.contains("the ledger itself"), "{err}");
    // No temporary file is left behind.
    let stray: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".hindsight-backup")
        })
        .collect();
    assert!(stray.is_empty());
}

#[test]
fn backup_while_others_write_gives_a_consistent_copy() {
    let env = Env::new();
    env.ok(&["add", "Busy claim", "--by", "2030-01-01"]);
    let writers: Vec<_> = (0..2)
        .map(|w| {
            forecast_writer(
                &env,
                w,
                20,
                |_| "0.5".to_string(),
                |i| format!("2026-01-01T00:00:{i:02}Z"),
            )
        })
        .collect();
    let mut copies = Vec::new();
    for i in 0..5 {
        let copy = env.path(&format!("copy{i}.db"));
        env.ok(&["backup", copy.to_str().unwrap()]);
        copies.push(copy);
    }
    for w in writers {
        let failures = w.join().expect("writer thread");
        assert!(failures.is_empty(), "{failures:?}");
    }
    for copy in copies {
        let out = env
            .cmd()
            .env("HINDSIGHT_DB", &copy)
            .args(["verify"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(count(&env.db(), "forecasts"), 40);
}

// ---- databases that cannot be written --------------------------------------------------

/// Whether this process runs as root (file permissions then do not stop its writes).
fn running_as_root(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir)
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// Whether a user who is neither the owner nor in the group can reach `path`: every folder
/// above it must let others through (o+x). A checkout in a private home or `mktemp -d`
/// folder (mode 700) does not.
fn reachable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.ancestors()
        .skip(1)
        .all(|dir| std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
}

/// The binary, where an unprivileged user can run it. As root the tests run the binary as
/// `nobody`, who may not reach the checkout's target folder, so it is copied into a fresh
/// folder of its own under the temporary directory. None (after saying why on stderr)
/// when that folder is out of reach too.
struct Unprivileged {
    /// Holds the copy; removed on drop.
    _dir: Option<tempfile::TempDir>,
    bin: std::path::PathBuf,
    as_nobody: bool,
}

impl Unprivileged {
    fn new(env: &Env) -> Option<Unprivileged> {
        let built = std::path::PathBuf::from(assert_cmd::cargo::cargo_bin!("hindsight"));
        if !running_as_root(env.dir.path()) {
            return Some(Unprivileged {
                _dir: None,
                bin: built,
                as_nobody: false,
            });
        }
        Unprivileged::copy_of(&built, env.dir.path())
    }

    /// A copy of `built` that `nobody` can run, for a ledger in `ledger_dir`.
    fn copy_of(built: &Path, ledger_dir: &Path) -> Option<Unprivileged> {
        let dir = tempfile::Builder::new()
            .prefix("hindsight-bin")
            .tempdir()
            .expect("temp dir");
        let bin = dir.path().join("hindsight");
        // A hard link needs no file open for writing (see `run`); across file systems, a copy.
        if std::fs::hard_link(built, &bin).is_err() {
            std::fs::copy(built, &bin).expect("copy the binary");
        }
        set_mode(dir.path(), 0o755);
        set_mode(&bin, 0o755);
        for (what, path) in [
            ("the binary's copy", bin.as_path()),
            ("the ledger", ledger_dir),
        ] {
            if !reachable_by_others(path) {
                eprintln!(
                    "skipping: the unprivileged user cannot reach {what} at {} (a folder above it is private)",
                    path.display()
                );
                return None;
            }
        }
        Some(Unprivileged {
            _dir: Some(dir),
            bin,
            as_nobody: true,
        })
    }

    /// Runs the binary with `env`'s settings, as `nobody` when the tests run as root, so
    /// that the kernel, not a flag of ours, refuses the writes.
    ///
    /// The copy was just written by this process, whose other test threads fork children
    /// of their own: a child forked while the copy's file was still open for writing holds
    /// that descriptor until it executes its own program, and meanwhile the kernel refuses
    /// to run the copy ("text file busy"). That window closes by itself, so such a refusal
    /// is tried again.
    fn run(&self, env: &Env, args: &[&str]) -> std::process::Output {
        let mut busy = 0;
        loop {
            match self.command(env, args).output() {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && busy < 1000 => {
                    busy += 1;
                    std::thread::yield_now();
                }
                other => return other.expect("runs"),
            }
        }
    }

    fn command(&self, env: &Env, args: &[&str]) -> StdCommand {
        use std::os::unix::process::CommandExt;
        let template = env.std_cmd();
        let mut c = StdCommand::new(&self.bin);
        for (k, v) in template.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        if let Some(d) = template.get_current_dir() {
            c.current_dir(d);
        }
        c.args(args).stdin(Stdio::null());
        if self.as_nobody {
            c.uid(65534).gid(65534); // nobody / nogroup
        }
        c
    }
}

#[test]
fn the_unprivileged_runs_work_from_a_private_checkout() {
    let env = Env::new();
    if !running_as_root(env.dir.path()) {
        eprintln!("skipping: only root can run the binary as another user");
        return;
    }
    // A checkout inside a private folder, as `mktemp -d` or a home directory makes.
    let private = tempfile::tempdir().unwrap();
    set_mode(private.path(), 0o700);
    let built = private.path().join("target").join("hindsight");
    std::fs::create_dir_all(built.parent().unwrap()).unwrap();
    std::fs::copy(assert_cmd::cargo::cargo_bin!("hindsight"), &built).unwrap();
    set_mode(&built, 0o755);
    let in_place = Unprivileged {
        _dir: None,
        bin: built.clone(),
        as_nobody: true,
    };
    // Run where it was built, nobody cannot even start it: the defect this guards against.
    let err = in_place.command(&env, &["--version"]).output().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied, "{err}");
    let Some(copy) = Unprivileged::copy_of(&built, env.dir.path()) else {
        return;
    };
    let out = copy.run(&env, &["--version"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_read_only_ledger_is_refused_clearly_and_left_unchanged() {
    let env = seeded();
    let before = env.dump();
    let db = env.db();
    let shown = db.display().to_string();

    // The file read-only, its folder writable: reading works, writing is refused.
    set_mode(&db, 0o444);
    set_mode(env.dir.path(), 0o777);
    let Some(runner) = Unprivileged::new(&env) else {
        return;
    };
    let out = runner.run(&env, &["list", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = runner.run(
        &env,
        &["forecast", "c2", "--p", "0.5", "--at", "2026-02-01"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains(&shown) && err.contains("read-only") && err.contains("nothing was written"),
        "{err}"
    );

    // Folder read-only too: SQLite cannot even make its shared-memory file.
    for f in ["ledger.db-wal", "ledger.db-shm"] {
        let _ = std::fs::remove_file(env.path(f));
    }
    set_mode(env.dir.path(), 0o555);
    let big: String = (0..2000)
        .map(|i| {
            format!(
                r#"{{"type":"forecast","claim":"c2","forecaster":"x","p":0.5,"made_at":"2026-02-01T00:{:02}:{:02}Z"}}"#,
                i / 60 % 60,
                i % 60
            ) + "\n"
        })
        .collect();
    let input = std::env::temp_dir().join(format!("hindsight-ro-{}.jsonl", std::process::id()));
    std::fs::write(&input, big).unwrap();
    set_mode(&input, 0o644);
    let out = runner.run(&env, &["import", input.to_str().unwrap()]);
    let _ = std::fs::remove_file(&input);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains(&shown) && err.contains("read-only"), "{err}");

    set_mode(env.dir.path(), 0o755);
    set_mode(&db, 0o644);
    assert_eq!(env.dump(), before);
    env.ok(&["verify"]);
}

#[test]
fn a_full_disk_rolls_the_whole_import_back() {
    // SQLite reports a database that reaches its max_page_count exactly as a full disk
    // (SQLITE_FULL), which exercises the same path without filling a real disk.
    use hindsight::cmd::import::{import_into, ImportFormat};
    let env = seeded();
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    let mut store = hindsight::store::Store::open(&env.db(), now).unwrap();
    let pages: i64 = store
        .connection()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    store
        .connection()
        .pragma_update(None, "max_page_count", pages + 4)
        .unwrap();
    let lines: String = (0..5000)
        .map(|i| {
            format!(
                r#"{{"type":"forecast","claim":"c2","forecaster":"x{i}","p":0.5,"made_at":"2026-02-01T00:00:00Z","note":"{}"}}"#,
                "n".repeat(100)
            ) + "\n"
        })
        .collect();
    let ctx = hindsight::cmd::Ctx {
        now,
        db: Some(env.db()),
        db_from_flag: true,
    };
    let err = import_into(
        &mut store,
        &ctx,
        ImportFormat::Jsonl,
        &mut lines.as_bytes(),
        "full.jsonl",
        None,
        false,
    )
    .unwrap_err();
    let msg = hindsight::error::one_line(&err);
    assert!(
        msg.contains("disk is full") && msg.contains("nothing was written"),
        "{msg}"
    );
    assert_eq!(hindsight::error::exit_code(&err), 3);
    drop(store);
    assert_eq!(count(&env.db(), "forecasts"), 3);
    env.ok(&["verify"]);
}

// ---- the compact forecasts and the open claims (schema 6) -------------------------------

#[test]
fn verify_names_an_edited_forecast_time_stored_in_seconds() {
    let err = tampered("UPDATE forecasts SET made_at = made_at + 60 WHERE id = 1");
    assert!(
        err.contains(
            "the table says made_at = \"2026-01-02T00:01:00Z\", the history says \"2026-01-02T00:00:00Z\""
        ),
        "{err}"
    );
    let err = tampered("UPDATE forecasts SET forecaster_id = (SELECT id FROM forecasters WHERE name = 'ben') WHERE id = 1");
    assert!(
        err.contains("the table says forecaster = \"ben\", the history says \"ana\""),
        "{err}"
    );
}

/// `first_forecasts` edited to point a forecaster at someone else's forecast: new events
/// name returning forecasters by that forecast, so no write may go on trusting it (it would
/// put the wrong name into the history for good). A forecast or an import is refused on
/// one line and nothing is written.
#[test]
fn writes_refuse_a_first_forecast_that_is_someone_elses() {
    let env = seeded();
    sql(
        &env,
        "UPDATE first_forecasts SET forecast_id = 2
          WHERE forecaster_id = (SELECT id FROM forecasters WHERE name = 'ana')",
    );
    let before = count(&env.db(), "events");
    let err = env.fails(&["forecast", "c2", "--p", "0.4", "--forecaster", "ana"], 3);
    assert!(
        err.contains("first_forecasts: forecaster 'ana' is listed with forecast #2"),
        "{err}"
    );
    std::fs::write(
        env.path("more.jsonl"),
        r#"{"type":"forecast","claim":"c2","forecaster":"ana","p":0.4,"made_at":"2026-01-09T00:00:00Z"}"#,
    )
    .expect("written");
    let err = env.fails(&["import", "more.jsonl"], 3);
    assert!(err.contains("first_forecasts"), "{err}");
    assert_eq!(count(&env.db(), "events"), before, "nothing written");
}

/// A forecast whose stored time was edited into something that is not a time the ledger
/// can hold is refused by the report, whichever window it asks for (the database applies
/// the window, but never to a row it cannot judge).
#[test]
fn a_report_refuses_a_forecast_whose_stored_time_is_not_a_time() {
    for edit in [
        "UPDATE forecasts SET made_at = '2015-05-26T00:00:00Z' WHERE id = 2",
        "UPDATE forecasts SET recorded_at = 'yesterday' WHERE id = 2",
        "UPDATE forecasts SET made_at = 999999999999999 WHERE id = 2",
    ] {
        let env = seeded();
        sql(&env, edit);
        for args in [
            &["report"][..],
            &["report", "--rule", "first", "--as-of", "2026-01-01"],
            &["report", "--live-only", "--format", "json"],
        ] {
            let out = env.cmd().args(args).output().expect("runs");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(3), "{edit}: {args:?}: {err}");
            assert!(
                err.contains("stored value is corrupt"),
                "{edit}: {args:?}: {err}"
            );
            assert!(out.stdout.is_empty(), "{edit}: {args:?}");
        }
    }
}

/// A forecast edited to name no forecaster is reported by the report on one line, never
/// scored (the report reads forecasters' ids without their names).
#[test]
fn a_report_refuses_a_forecast_naming_no_forecaster() {
    let env = seeded();
    sql(
        &env,
        "PRAGMA foreign_keys = OFF; UPDATE forecasts SET forecaster_id = 999 WHERE id = 1",
    );
    for args in [
        &["report"][..],
        &["report", "--format", "json", "--rule", "first"],
    ] {
        let out = env.cmd().args(args).output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !matches!(out.status.code(), Some(0) | Some(70)),
            "{args:?}: {err}"
        );
        assert!(err.contains("no forecaster 999"), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

#[test]
fn verify_checks_the_table_of_open_claims() {
    let err = tampered("DELETE FROM open_claims");
    assert!(
        err.contains(
            "open_claims: claim 'c2' is open and due 2027-12-31, but the table of open claims does not list it"
        ),
        "{err}"
    );
    let err = tampered("UPDATE open_claims SET due = '2099-01-01'");
    assert!(
        err.contains(
            "open_claims: claim 'c2' is due 2027-12-31, but the table of open claims lists it as due 2099-01-01"
        ),
        "{err}"
    );
    let err = tampered("INSERT INTO open_claims (claim_id, due) VALUES (1, '2027-12-31')");
    assert!(
        err.contains("open_claims: claim 'c1' is listed as open, but it is resolved or unknown"),
        "{err}"
    );
    // Postponing and resolving keep it right.
    let env = seeded();
    env.ok(&["postpone", "c2", "--to", "2028-06-30"]);
    assert!(env.ok(&["verify"]).starts_with("ok:"));
    env.ok(&["resolve", "c2", "no", "--on", "2026-06-01"]);
    assert!(env.ok(&["verify"]).starts_with("ok:"));
    assert_eq!(count(&env.db(), "open_claims"), 0);
}

#[test]
fn compact_gives_back_the_pages_an_upgrade_left_free_and_changes_nothing() {
    let env = Env::new();
    let hashes = schema_5_ledger(&env, "");
    let head = format!(
        "ok: 7 events, and every table matches them\nhead {}",
        hashes[6]
    );
    assert_eq!(env.ok(&["verify"]), head); // upgrades: schemas 6 and 7 rebuild two tables
    let free = |env: &Env| -> i64 {
        let conn = Connection::open(env.db()).unwrap();
        conn.pragma_query_value(None, "freelist_count", |r| r.get(0))
            .unwrap()
    };
    assert!(free(&env) > 0, "the upgrade left no free page to give back");
    let before = env.dump();
    let out = env.ok(&["compact"]);
    assert!(
        out.starts_with("compacted ") && out.contains(" before, "),
        "{out}"
    );
    assert_eq!(free(&env), 0);
    assert_eq!(env.dump(), before);
    assert_eq!(env.ok(&["verify"]), head);
    // A read-only ledger is refused with the usual message, and stays as it was.
    let env = seeded();
    let before = env.dump();
    set_mode(&env.db(), 0o444);
    set_mode(env.dir.path(), 0o777);
    let Some(runner) = Unprivileged::new(&env) else {
        return;
    };
    let out = runner.run(&env, &["compact"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(env.dump(), before);
}

/// A schema-5 ledger edited behind hindsight's back still upgrades (schema 6 included), and
/// `verify` then names the edit, as the previous release's did.
#[test]
fn an_edited_schema_5_ledger_upgrades_and_verify_names_the_edit() {
    let cases = [
        // Another spelling of the same instant, and a day that does not exist.
        (
            "UPDATE forecasts SET made_at = '2026-01-02 08:00:00' WHERE id = 1",
            "forecast #1 on claim c1 by ana: the table says made_at = \"not seconds but text '2026-01-02 08:00:00'\"",
        ),
        (
            "UPDATE forecasts SET recorded_at = '2026-02-30T08:00:00Z' WHERE id = 2",
            "the table says recorded_at = \"not seconds but text '2026-02-30T08:00:00Z'\"",
        ),
        (
            "UPDATE forecasts SET made_at = 'garbage' WHERE id = 2",
            "made_at = \"not seconds but text 'garbage'\"",
        ),
        // A forecast pointed at a claim that does not exist.
        (
            "PRAGMA foreign_keys = OFF; UPDATE forecasts SET claim_id = 99 WHERE id = 2",
            "forecast #2",
        ),
    ];
    for (tamper, expected) in cases {
        let env = Env::new();
        schema_5_ledger(&env, tamper);
        let err = env.fails(&["verify"], 4);
        assert!(err.contains(expected), "{tamper}: {err}");
    }
}

#[test]
fn verify_names_forecast_times_not_stored_as_seconds_and_names_without_forecasts() {
    let err = tampered("UPDATE forecasts SET made_at = '2026-01-02T00:00:00Z' WHERE id = 1");
    assert!(
        err.contains("made_at = \"not seconds but text '2026-01-02T00:00:00Z'\""),
        "{err}"
    );
    let err = tampered("INSERT INTO forecasters (name) VALUES ('ghost')");
    assert!(
        err.contains("forecasters: 'ghost' is listed as a forecaster, but no forecast is theirs"),
        "{err}"
    );
}

/// An upgrade that cannot go through (a probability the schema refuses, written with the
/// checks switched off) says which migration and why on one line, and changes nothing.
#[test]
fn a_failed_upgrade_names_the_migration_on_one_line_and_changes_nothing() {
    let env = Env::new();
    schema_5_ledger(
        &env,
        "PRAGMA ignore_check_constraints = ON; UPDATE forecasts SET p = 'x' WHERE id = 1",
    );
    let before = env.dump();
    let err = env.fails(&["verify"], 3);
    assert!(
        err.contains(
            "migration 0006_compact_forecasts.sql failed, the file was left unchanged: CHECK constraint failed"
        ),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.len() < 300, "{err}");
    assert_eq!(env.dump(), before);
}

// ---- who recorded what ------------------------------------------------------------------

#[test]
fn hindsight_user_names_who_recorded_each_record_in_log_and_show() {
    let mut env = Env::new();
    env.user = "  Ann Lee ".to_string();
    env.ok(&["add", "Rates rise", "--by", "2027-06-30", "--key", "r"]);
    env.ok(&["forecast", "r", "--p", "0.6", "--forecaster", "ana"]);
    env.user = "bo".to_string();
    env.ok(&["postpone", "r", "--to", "2027-12-31"]);
    env.ok(&["resolve", "r", "no", "--on", "2026-11-28"]);

    // The history: newest first, each event with its recorder (trimmed).
    let log = env.json(&["log", "--json"]);
    let by: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["recorded_by"].as_str().unwrap())
        .collect();
    assert_eq!(by, ["bo", "bo", "Ann Lee", "Ann Lee"]);
    assert_eq!(log[0]["record"]["recorded_by"], "bo");
    let table = env.ok(&["log"]);
    assert!(table.lines().next().unwrap().contains(" BY "), "{table}");
    assert!(table.contains("Ann Lee"), "{table}");

    // show: the claim, each forecast, postponement and resolution.
    let shown = env.json(&["show", "r", "--json"]);
    assert_eq!(shown["recorded_by"], "Ann Lee");
    assert_eq!(shown["forecasts"][0]["recorded_by"], "Ann Lee");
    assert_eq!(shown["postponements"][0]["recorded_by"], "bo");
    assert_eq!(shown["postponements"][0]["resolve_by"], "2027-12-31");
    assert_eq!(shown["resolutions"][0]["recorded_by"], "bo");
    let text = env.ok(&["show", "r"]);
    assert!(text.contains("recorded by Ann Lee"), "{text}");
    assert!(text.contains("POSTPONED TO"), "{text}");
    assert!(env.ok(&["verify"]).starts_with("ok: 4 events"));
}

#[test]
fn a_hindsight_user_with_control_characters_is_refused_naming_it() {
    let mut env = Env::new();
    env.user = "eve\u{1b}[2J".to_string();
    let err = env.fails(&["add", "Rates rise", "--by", "2027-06-30"], 1);
    assert!(
        err.contains("error: HINDSIGHT_USER: invalid value"),
        "{err}"
    );
    assert!(err.contains("control"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    // Refused before the ledger was even created.
    assert!(!env.db().exists());
}

#[test]
fn a_blank_hindsight_user_falls_back_to_the_system_user() {
    let mut env = Env::new();
    env.user = "   ".to_string();
    env.ok(&["add", "Rates rise", "--by", "2027-06-30", "--key", "r"]);
    let shown = env.json(&["show", "r", "--json"]);
    // Whatever the system calls this user (a container may have no name for it: then
    // nobody is named), never the blanks.
    match shown.get("recorded_by") {
        None => {}
        Some(name) => {
            let name = name.as_str().unwrap();
            assert!(!name.trim().is_empty() && name.trim() == name, "{name:?}");
        }
    }
    assert!(env.ok(&["verify"]).starts_with("ok"));
}

#[test]
fn verify_names_an_edited_recorder() {
    let err = tampered("UPDATE forecasts SET recorded_by = 'mallory' WHERE id = 1");
    assert!(
        err.contains(
            "forecast #1 on claim c1 by ana: the table says recorded_by = \"mallory\", the history says \"tester\""
        ),
        "{err}"
    );
    // A name put where none was known is an edit too.
    let err = tampered("UPDATE claims SET recorded_by = NULL WHERE key = 'c2'");
    assert!(
        err.contains("claim c2: the table says recorded_by = nothing, the history says \"tester\""),
        "{err}"
    );
}

/// A ledger as the previous release (schema 7, payload format 2) left it: one source, one
/// claim, one forecast, their events chained, and nobody recorded as their recorder.
/// Writes `records` (id, claim id, record) as the events of a ledger of an older schema
/// (kinds as names), in payload format `v`, chained from the genesis.
fn write_history(
    conn: &Connection,
    v: u32,
    t: chrono::DateTime<chrono::Utc>,
    records: impl IntoIterator<Item = (i64, Option<i64>, hindsight::domain::event::Record)>,
) {
    use hindsight::domain::event::{chain_digest, hex, payload, Event, GENESIS};
    let mut prev = GENESIS.to_string();
    for (seq, (id, claim_id, record)) in records.into_iter().enumerate() {
        let kind = record.kind().as_str();
        let e = Event {
            v,
            ..Event::new(id, t, record)
        };
        let text = payload(&e).unwrap();
        assert!(text.starts_with(&format!("[{v},")), "{text}");
        let hash = chain_digest(&prev, &text);
        conn.execute(
            "INSERT INTO events (seq, kind, claim_id, payload, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![seq as i64 + 1, kind, claim_id, text, &hash[..]],
        )
        .unwrap();
        prev = hex(&hash);
    }
}

fn schema_7_ledger(env: &Env) {
    use hindsight::domain::event::{Record, FORMAT_V2};
    use hindsight::domain::{Claim, Forecast, Source};
    let at = |s: &str| hindsight::domain::parse::time("t", s).unwrap();
    let mut conn = Connection::open(env.db()).unwrap();
    hindsight::store::schema::migrations(at(NOW))
        .unwrap()
        .to_version(&mut conn, 7)
        .unwrap();
    conn.execute_batch(
        "INSERT INTO sources (id, key, title, publisher, url, published, body, body_sha256, recorded_at)
              VALUES (1, 's1', 'Outlook', NULL, NULL, '2026-01-01', NULL, NULL, '2026-01-01T09:00:00Z');
         INSERT INTO claims (id, key, statement, quote, criteria, resolve_by, condition_id, source_id,
                             created_at, recorded_at, opens_at, closes_at)
              VALUES (1, 'c1', 'Rates rise', NULL, NULL, '2027-12-31', NULL, 1,
                      '2026-01-01T09:00:00Z', '2026-01-01T09:00:00Z', NULL, NULL);
         INSERT INTO open_claims (claim_id, due) VALUES (1, '2027-12-31');
         INSERT INTO forecasters (id, name) VALUES (1, 'ana');
         INSERT INTO forecasts (id, claim_id, forecaster_id, p, made_at, note, recorded_at)
              VALUES (1, 1, 1, 0.7, 1767344400, NULL, 1767344400);",
    )
    .unwrap();
    let t = at("2026-01-01T09:00:00Z");
    let records = [
        (
            1,
            None,
            Record::Source(Source {
                key: "s1".into(),
                title: "Outlook".into(),
                authors: vec![],
                publisher: None,
                url: None,
                published: chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
                text: None,
                text_sha256: None,
                recorded_at: t,
                recorded_by: None,
            }),
        ),
        (
            1,
            Some(1),
            Record::Claim(Claim {
                key: "c1".into(),
                statement: "Rates rise".into(),
                resolve_by: chrono::NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
                opens_at: None,
                closes_at: None,
                source: Some("s1".into()),
                condition: None,
                quote: None,
                criteria: None,
                tags: vec![],
                created_at: t,
                recorded_at: t,
                recorded_by: None,
            }),
        ),
        (
            1,
            Some(1),
            Record::Forecast(Forecast {
                claim: "c1".into(),
                forecaster: "ana".into(),
                p: 0.7,
                made_at: at("2026-01-02T09:00:00Z"),
                note: None,
                recorded_at: at("2026-01-02T09:00:00Z"),
                recorded_by: None,
            }),
        ),
    ];
    write_history(&conn, FORMAT_V2, t, records);
}

#[test]
fn a_schema_7_ledger_upgrades_verifies_and_names_nobody_for_its_old_records() {
    let env = Env::new();
    schema_7_ledger(&env);
    let head = env.ok(&["verify", "--head"]);
    assert!(env.ok(&["verify"]).starts_with("ok: 3 events"));
    let version: i64 = Connection::open(env.db())
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 10);
    // Unknown: "–" in tables, null (or absent, for the claim's own fields) in JSON.
    let shown = env.json(&["show", "c1", "--json"]);
    assert!(shown.get("recorded_by").is_none(), "{shown}");
    assert!(shown["forecasts"][0]["recorded_by"].is_null());
    let text = env.ok(&["show", "c1"]);
    assert!(text.contains("recorded by –"), "{text}");
    let log = env.json(&["log", "--json"]);
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["recorded_by"].is_null()));
    assert!(env.ok(&["log"]).contains(" – "));
    // The export of the old records is what it was: no recorded_by anywhere.
    assert!(!env.ok(&["export"]).contains("recorded_by"));
    // New records name their recorder and chain on from the old head.
    env.ok(&["forecast", "c1", "--p", "0.4", "--forecaster", "ben"]);
    let newest = env.json(&["log", "--json", "--limit", "1"]);
    assert_eq!(newest[0]["recorded_by"], USER);
    assert_eq!(newest[0]["prev_hash"], head.as_str());
    assert!(env.ok(&["verify"]).starts_with("ok: 4 events"));
}

/// A ledger as the previous release (schema 8, payload format 3) left it: a source, two
/// claims (the second conditional on the first), three forecasts (ana twice), a resolution
/// and a postponement, their events chained with the kind's name in the `kind` column.
fn schema_8_ledger(env: &Env) {
    use hindsight::domain::event::{Record, FORMAT_V3};
    use hindsight::domain::{Claim, Forecast, Outcome, Postponement, Resolution, Source};
    let at = |s: &str| hindsight::domain::parse::time("t", s).unwrap();
    let mut conn = Connection::open(env.db()).unwrap();
    hindsight::store::schema::migrations(at(NOW))
        .unwrap()
        .to_version(&mut conn, 8)
        .unwrap();
    conn.execute_batch(
        "INSERT INTO sources (id, key, title, publisher, url, published, body, body_sha256, recorded_at, recorded_by)
              VALUES (1, 's1', 'Outlook', NULL, NULL, '2026-01-01', NULL, NULL, '2026-01-01T09:00:00Z', 'old');
         INSERT INTO claims (id, key, statement, quote, criteria, resolve_by, condition_id, source_id,
                             created_at, recorded_at, opens_at, closes_at, recorded_by)
              VALUES (1, 'c1', 'Rates rise', NULL, NULL, '2027-12-31', NULL, 1,
                      '2026-01-01T09:00:00Z', '2026-01-01T09:00:00Z', NULL, NULL, 'old'),
                     (2, 'c2', 'The peg goes', NULL, NULL, '2027-06-30', 1, 1,
                      '2026-01-01T09:00:00Z', '2026-01-01T09:00:00Z', NULL, NULL, 'old');
         INSERT INTO open_claims (claim_id, due) VALUES (2, '2027-09-30');
         INSERT INTO forecasters (id, name) VALUES (1, 'ana'), (2, 'ben');
         INSERT INTO forecasts (id, claim_id, forecaster_id, p, made_at, note, recorded_at, recorded_by)
              VALUES (1, 1, 1, 0.7, 1767344400, NULL, 1767344400, 'old'),
                     (2, 1, 2, 0.4, 1767344400, 'hunch', 1767344400, 'old'),
                     (3, 2, 1, 0.2, 1767344400, NULL, 1767430800, 'old');
         INSERT INTO resolutions (id, claim_id, outcome, resolved_on, evidence, note, recorded_at, recorded_by)
              VALUES (1, 1, 'yes', '2026-03-01', NULL, NULL, '2026-03-02T08:00:00Z', 'old');
         INSERT INTO postponements (id, claim_id, resolve_by, note, recorded_at, recorded_by)
              VALUES (1, 2, '2027-09-30', NULL, '2026-03-03T08:00:00Z', 'old');",
    )
    .unwrap();
    let t = at("2026-01-01T09:00:00Z");
    let old = || Some("old".to_string());
    let claim = |key: &str, statement: &str, by: (i32, u32, u32), condition: Option<&str>| {
        Record::Claim(Claim {
            key: key.into(),
            statement: statement.into(),
            resolve_by: chrono::NaiveDate::from_ymd_opt(by.0, by.1, by.2).unwrap(),
            opens_at: None,
            closes_at: None,
            source: Some("s1".into()),
            condition: condition.map(str::to_string),
            quote: None,
            criteria: None,
            tags: vec![],
            created_at: t,
            recorded_at: t,
            recorded_by: old(),
        })
    };
    let forecast = |claim: &str, who: &str, p: f64, note: Option<&str>, recorded: &str| {
        Record::Forecast(Forecast {
            claim: claim.into(),
            forecaster: who.into(),
            p,
            made_at: at("2026-01-02T09:00:00Z"),
            note: note.map(str::to_string),
            recorded_at: at(recorded),
            recorded_by: old(),
        })
    };
    let records = [
        (
            1,
            None,
            Record::Source(Source {
                key: "s1".into(),
                title: "Outlook".into(),
                authors: vec![],
                publisher: None,
                url: None,
                published: chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
                text: None,
                text_sha256: None,
                recorded_at: t,
                recorded_by: old(),
            }),
        ),
        (1, Some(1), claim("c1", "Rates rise", (2027, 12, 31), None)),
        (
            2,
            Some(2),
            claim("c2", "The peg goes", (2027, 6, 30), Some("c1")),
        ),
        (
            1,
            Some(1),
            forecast("c1", "ana", 0.7, None, "2026-01-02T09:00:00Z"),
        ),
        (
            2,
            Some(1),
            forecast("c1", "ben", 0.4, Some("hunch"), "2026-01-02T09:00:00Z"),
        ),
        (
            3,
            Some(2),
            forecast("c2", "ana", 0.2, None, "2026-01-03T09:00:00Z"),
        ),
        (
            1,
            Some(1),
            Record::Resolution(Resolution {
                claim: "c1".into(),
                outcome: Outcome::Yes,
                resolved_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
                evidence: None,
                note: None,
                recorded_at: at("2026-03-02T08:00:00Z"),
                recorded_by: old(),
            }),
        ),
        (
            1,
            Some(2),
            Record::Postponement(Postponement {
                claim: "c2".into(),
                resolve_by: chrono::NaiveDate::from_ymd_opt(2027, 9, 30).unwrap(),
                note: None,
                recorded_at: at("2026-03-03T08:00:00Z"),
                recorded_by: old(),
            }),
        ),
    ];
    write_history(&conn, FORMAT_V3, t, records);
}

#[test]
fn a_schema_8_ledger_upgrades_keeps_its_history_and_chains_on_in_format_4() {
    let env = Env::new();
    schema_8_ledger(&env);
    let before: Vec<(String, String)> = {
        let conn = Connection::open(env.db()).unwrap();
        let mut stmt = conn
            .prepare("SELECT kind, payload FROM events ORDER BY seq")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let head = env.ok(&["verify", "--head"]);
    assert!(env.ok(&["verify"]).starts_with("ok: 8 events"));
    let conn = Connection::open(env.db()).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 10);
    // Every event kept its payload; the kind column holds the kind's code.
    let after: Vec<(i64, String)> = {
        let mut stmt = conn
            .prepare("SELECT kind, payload FROM events ORDER BY seq")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let codes = [
        ("forecast", 0),
        ("claim", 1),
        ("resolution", 2),
        ("postponement", 3),
        ("source", 4),
    ];
    assert_eq!(after.len(), before.len());
    for ((kind, payload), (code, kept)) in before.iter().zip(&after) {
        assert_eq!(payload, kept);
        assert!(codes.contains(&(kind.as_str(), *code)), "{kind} {code}");
    }
    // Each forecaster's first forecast, by the lowest id.
    let firsts: Vec<(i64, i64)> = {
        let mut stmt = conn
            .prepare("SELECT forecaster_id, forecast_id FROM first_forecasts ORDER BY 1")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(firsts, [(1, 1), (2, 2)]);
    drop(conn);
    // log shows the old events as before.
    let log = env.json(&["log", "--json"]);
    let log = log.as_array().unwrap();
    assert_eq!(log[0]["prev_hash"], log[1]["hash"]);
    assert_eq!(log[0]["hash"], head.as_str());
    assert_eq!(
        log[2]["summary"],
        "ana gives 20% (made 2026-01-02T09:00:00Z)"
    );
    assert_eq!(log[2]["payload"], before[5].1.as_str());
    // New events chain on in format 4: the claim by its id, ana by her first forecast,
    // a newcomer by name.
    env.ok(&[
        "forecast",
        "c2",
        "--p",
        "0.3",
        "--forecaster",
        "ana",
        "--at",
        "2026-04-01",
    ]);
    env.ok(&["forecast", "c2", "--p", "0.6", "--forecaster", "cy"]);
    env.ok(&["forecast", "c2", "--p", "0.5", "--forecaster", "cy"]);
    let newest = env.json(&["log", "--json", "--limit", "3"]);
    let payloads: Vec<&str> = newest
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["payload"].as_str().unwrap())
        .collect();
    assert!(
        payloads[2].starts_with(r#"[4,"f",4,1795860000,2,1,0.3,1775001600,null,1795860000,"#),
        "{payloads:?}"
    );
    assert!(
        payloads[1].starts_with(r#"[4,"f",5,1795860000,2,"cy",0.6,1795860000,"#),
        "{payloads:?}"
    );
    assert!(
        payloads[0].starts_with(r#"[4,"f",6,1795860000,2,5,0.5,1795860000,"#),
        "{payloads:?}"
    );
    assert_eq!(newest[2]["prev_hash"], head.as_str());
    assert_eq!(newest[0]["record"]["forecaster"], "cy");
    assert_eq!(newest[0]["key"], "c2");
    assert!(env.ok(&["verify"]).starts_with("ok: 11 events"));
    let shown = env.json(&["show", "c2", "--json"]);
    assert_eq!(shown["forecasts"].as_array().unwrap().len(), 4);
    // The table of first forecasts is checked against the history.
    Connection::open(env.db())
        .unwrap()
        .execute(
            "UPDATE first_forecasts SET forecast_id = 3 WHERE forecaster_id = 1",
            [],
        )
        .unwrap();
    let err = env.fails(&["verify"], 4);
    assert!(
        err.contains(
            "first_forecasts: ana's first forecast is #1 in the history, but the table says #3"
        ),
        "{err}"
    );
}
