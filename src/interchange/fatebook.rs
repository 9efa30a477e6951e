//! Fatebook's "export all forecasts" CSV: one row per forecast. Each question becomes a
//! claim keyed by its title and creation time (a multiple-choice option becomes its own
//! binary claim "question — option"), each forecaster keeps their name.
//!
//! Assumptions where the format leaves things open (also in README):
//! - times such as `2024-04-20 13:05:7` are read as UTC (the export does not say which
//!   zone it used); a resolve-by may be a date or such a time;
//! - a multiple-choice row resolves yes when its Resolution names its own option (or says
//!   YES), no when it names another option (or says NO);
//! - "Question notes" become the claim's criteria; scores, sharing and comments are not kept.

use std::collections::HashSet;
use std::io::Read;

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::{ClaimRecord, ForecastRecord, Importer, Record, ResolutionRecord};
use crate::domain::parse::{self, format_date, format_time, InputError};
use crate::error::Refused;
use crate::store::Db;

pub const HEADER: [&str; 17] = [
    "Question title",
    "Multiple choice option",
    "Forecast created by",
    "Forecast (scale = 0-1)",
    "Forecast created at",
    "Question created by",
    "Question created at",
    "Question resolve by",
    "Resolution",
    "Resolved at",
    "Your Brier score for this question",
    "Your relative Brier score for this question",
    "Question notes",
    "Question shared with",
    "Question shared publicly",
    "Question comments",
    "Question tags",
];

const TIME_ACCEPTED: &str = "expected a time such as 2024-04-20 13:05:7, or a date";

/// Reads Fatebook's time format, whose fields are not zero-padded.
pub fn parse_time(field: &str, s: &str) -> Result<chrono::DateTime<chrono::Utc>, InputError> {
    let err = || InputError::new(field, s, TIME_ACCEPTED);
    let t = s.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        let utc = parse::truncate_seconds(dt.with_timezone(&chrono::Utc));
        return parse::check_time(field, s, utc);
    }
    let (date_part, time_part) = match t.split_once([' ', 'T']) {
        Some((d, tm)) => (d, Some(tm.trim())),
        None => (t, None),
    };
    let nums = |part: &str, sep: char| -> Option<Vec<u32>> {
        part.split(sep)
            .map(|x| x.trim().parse::<u32>().ok())
            .collect()
    };
    let d = nums(date_part, '-').ok_or_else(err)?;
    let date = match d.as_slice() {
        [y, m, day] => NaiveDate::from_ymd_opt(i32::try_from(*y).map_err(|_| err())?, *m, *day),
        _ => None,
    }
    .ok_or_else(err)?;
    let time = match time_part {
        None => NaiveTime::MIN,
        Some(tp) => {
            let tp = tp.trim_end_matches('Z');
            let v = nums(tp.split('.').next().unwrap_or(tp), ':').ok_or_else(err)?;
            match v.as_slice() {
                [h, m] => NaiveTime::from_hms_opt(*h, *m, 0),
                [h, m, sec] => NaiveTime::from_hms_opt(*h, *m, *sec),
                _ => None,
            }
            .ok_or_else(err)?
        }
    };
    parse::check_time(field, s, NaiveDateTime::new(date, time).and_utc())
}

fn key_for(title: &str, created: &str, option: &str) -> String {
    let digest = crate::ledger::sha256_hex(&format!("{title}\u{1f}{created}\u{1f}{option}"));
    format!("fatebook-{}", &digest[..12])
}

/// Reads a Fatebook export and applies the claims, forecasts and resolutions in it.
pub fn import(
    db: &Db<'_>,
    importer: &mut Importer,
    input: &mut dyn Read,
    label: &str,
) -> anyhow::Result<()> {
    let input = super::without_bom(input).with_context(|| format!("{label}:1: cannot read"))?;
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let idx = super::csv_columns(
        &mut r,
        label,
        &[
            "Question title",
            "Forecast created by",
            "Forecast (scale = 0-1)",
            "Forecast created at",
            "Question created at",
            "Question resolve by",
        ],
        "Fatebook's export header",
    )?;
    importer.read_from(label);
    let mut seen = HashSet::new();
    let mut resolutions: Vec<(usize, Record)> = Vec::new();
    for (i, row) in r.records().enumerate() {
        let line = i + 2;
        let rec = row.map_err(|e| Refused(format!("{label}:{line}: csv: {e}")))?;
        let get = |name: &str| idx.get(name).and_then(|&i| rec.get(i)).unwrap_or("").trim();
        let at = |field: &'static str| {
            parse_time(field, get(field)).with_context(|| format!("{label}:{line}"))
        };
        let title = get("Question title");
        let option = get("Multiple choice option");
        let created_raw = get("Question created at");
        let key = key_for(title, created_raw, option);
        let statement = if option.is_empty() {
            title.to_string()
        } else {
            format!("{title} — {option}")
        };
        if seen.insert(key.clone()) {
            let created = at("Question created at")?;
            let resolve_by = at("Question resolve by")?;
            let notes = get("Question notes");
            let asked_by = get("Question created by");
            let criteria = match (notes.is_empty(), asked_by.is_empty()) {
                (true, true) => None,
                (false, true) => Some(notes.to_string()),
                (true, false) => Some(format!("Asked on Fatebook by {asked_by}.")),
                (false, false) => Some(format!("{notes} (asked on Fatebook by {asked_by})")),
            };
            let claim = ClaimRecord {
                key: key.clone(),
                statement,
                resolve_by: format_date(resolve_by.date_naive()),
                opens_at: None,
                closes_at: None,
                source: None,
                condition: None,
                quote: None,
                criteria,
                tags: get("Question tags")
                    .split(';')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect(),
                created_at: Some(format_time(created)),
                recorded_at: None,
                recorded_by: None,
            };
            importer.apply_line(db, Record::Claim(claim), line as u64)?;
            let resolution = get("Resolution");
            if !resolution.is_empty() {
                let outcome = match resolution.to_ascii_uppercase().as_str() {
                    "YES" => "yes",
                    "NO" => "no",
                    "AMBIGUOUS" => "ambiguous",
                    _ if !option.is_empty() && resolution.eq_ignore_ascii_case(option) => "yes",
                    _ if !option.is_empty() => "no",
                    _ => {
                        return Err(anyhow::Error::from(InputError::new(
                            "Resolution",
                            resolution,
                            "expected YES, NO, AMBIGUOUS, an option's name, or nothing",
                        ))
                        .context(format!("{label}:{line}")))
                    }
                };
                let on = at("Resolved at")?;
                resolutions.push((
                    line,
                    Record::Resolution(ResolutionRecord {
                        claim: key.clone(),
                        outcome: outcome.to_string(),
                        resolved_on: format_date(on.date_naive()),
                        evidence: None,
                        note: Some("imported from Fatebook".to_string()),
                        recorded_at: None,
                        recorded_by: None,
                    }),
                ));
            }
        }
        let p_raw = get("Forecast (scale = 0-1)");
        let p: f64 = p_raw
            .parse()
            .map_err(|_| {
                InputError::new(
                    "Forecast (scale = 0-1)",
                    p_raw,
                    crate::domain::parse::PROBABILITY_ACCEPTED,
                )
            })
            .with_context(|| format!("{label}:{line}"))?;
        let forecast = ForecastRecord {
            claim: key,
            forecaster: get("Forecast created by").to_string(),
            p,
            made_at: format_time(at("Forecast created at")?),
            note: None,
            recorded_at: None,
            recorded_by: None,
        };
        importer.apply_line(db, Record::Forecast(forecast), line as u64)?;
    }
    for (line, record) in resolutions {
        importer.apply_line(db, record, line as u64)?;
    }
    importer.settle(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fatebook_times_without_padding() {
        assert_eq!(
            format_time(parse_time("t", "2024-04-20 13:05:7").unwrap()),
            "2024-04-20T13:05:07Z"
        );
        assert_eq!(
            format_time(parse_time("t", "2024-4-2 3:5:07").unwrap()),
            "2024-04-02T03:05:07Z"
        );
        assert_eq!(
            format_time(parse_time("t", "2024-04-20").unwrap()),
            "2024-04-20T00:00:00Z"
        );
        assert!(parse_time("t", "2024-02-30 10:00:00").is_err());
        assert!(parse_time("t", "yesterday").is_err());
        assert!(parse_time("t", "2024-04-20 25:00:00").is_err());
    }

    #[test]
    fn keys_are_stable_and_distinct_per_option() {
        let a = key_for("Will it rain?", "2024-04-20 13:05:7", "");
        assert_eq!(a, key_for("Will it rain?", "2024-04-20 13:05:7", ""));
        assert_ne!(a, key_for("Will it rain?", "2024-04-20 13:05:7", "Heavy"));
        assert!(a.starts_with("fatebook-") && a.len() == 21);
    }
}
