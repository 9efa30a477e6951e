//! Tests of the whole extractor: cue kinds, conditional split, reported speech, not-proposed kinds,
//! the seed article, the fixture articles (precision/recall) and property tests.

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn run(text: &str) -> Vec<Candidate> {
    extract(text, d(2015, 5, 26), &Lexicon::builtin())
}

#[test]
fn smoke() {
    let c = run("Kerry had said during his visit that the sanctions against Russia would be rolled back \"if and when\" the Minsk agreement is implemented.");
    for x in &c {
        eprintln!("{}", serde_json::to_string_pretty(x).unwrap_or_default());
    }
}
