//! A flat CSV of forecasts for spreadsheets and pandas: one row per forecast with its
//! claim, source and current resolution (a claim nobody forecast gets one row with the
//! forecast columns empty). Import reads the same columns back.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};

use anyhow::Context;

use super::{ClaimRecord, ForecastRecord, Importer, Record, ResolutionRecord, SourceRecord};
use crate::domain::parse::{format_date, format_time};
use crate::domain::{is_backfilled, Source};
use crate::error::Refused;
use crate::store::{Db, StoreError};

/// The columns, in order (README documents each).
pub const COLUMNS: [&str; 24] = [
    "claim",
    "statement",
    "resolve_by",
    "condition",
    "tags",
    "criteria",
    "quote",
    "source",
    "source_title",
    "source_authors",
    "source_publisher",
    "source_url",
    "source_published",
    "forecaster",
    "p",
    "made_at",
    "note",
    "recorded_at",
    "backfilled",
    "outcome",
    "resolved_on",
    "evidence",
    "opens_at",
    "closes_at",
];

/// Lists inside one cell (tags, authors) are joined with this.
const LIST_SEP: &str = "; ";

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// Writes the CSV export, streaming claim by claim.
pub fn export(db: &Db<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    let sources: HashMap<String, Source> = db
        .sources()?
        .into_iter()
        .map(|s| (s.key.clone(), s))
        .collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    db.each_claim(|c| -> anyhow::Result<()> {
        let row = db
            .claim(&c.key)?
            .ok_or_else(|| StoreError::Corrupt(format!("claim {} vanished", c.key)))?;
        let latest = db.latest_resolution(&row)?;
        let src = c.source.as_ref().and_then(|k| sources.get(k));
        let claim_cols = vec![
            c.key.clone(),
            c.statement.clone(),
            format_date(c.resolve_by),
            opt(&c.condition),
            c.tags.join(LIST_SEP),
            opt(&c.criteria),
            opt(&c.quote),
            opt(&c.source),
            src.map(|s| s.title.clone()).unwrap_or_default(),
            src.map(|s| s.authors.join(LIST_SEP)).unwrap_or_default(),
            src.and_then(|s| s.publisher.clone()).unwrap_or_default(),
            src.and_then(|s| s.url.clone()).unwrap_or_default(),
            src.and_then(|s| s.published.map(format_date))
                .unwrap_or_default(),
        ];
        let mut resolution_cols = match &latest {
            Some(r) => vec![
                r.outcome.as_str().to_string(),
                format_date(r.resolved_on),
                opt(&r.evidence),
            ],
            None => vec![String::new(); 3],
        };
        // The claim's window comes last, so that the columns older files have keep their
        // places.
        resolution_cols.extend([
            c.opens_at.map(format_time).unwrap_or_default(),
            c.closes_at.map(format_time).unwrap_or_default(),
        ]);
        let forecasts = db.forecasts(&row)?;
        if forecasts.is_empty() {
            let mut cols = claim_cols.clone();
            cols.extend(vec![String::new(); 6]);
            cols.extend(resolution_cols.clone());
            rows.push(cols);
        }
        for f in forecasts {
            let mut cols = claim_cols.clone();
            cols.extend([
                f.forecaster.clone(),
                f.p.to_string(),
                format_time(f.made_at),
                opt(&f.note),
                format_time(f.recorded_at),
                is_backfilled(f.made_at, f.recorded_at).to_string(),
            ]);
            cols.extend(resolution_cols.clone());
            rows.push(cols);
        }
        for r in rows.drain(..) {
            w.write_record(&r)?;
        }
        Ok(())
    })?;
    w.flush()?;
    Ok(())
}

fn cell<'a>(rec: &'a csv::StringRecord, idx: &HashMap<String, usize>, name: &str) -> &'a str {
    idx.get(name).and_then(|&i| rec.get(i)).unwrap_or("").trim()
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn list(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads the CSV export's columns and applies the records they describe.
pub fn import(
    db: &Db<'_>,
    importer: &mut Importer,
    input: &mut dyn Read,
    label: &str,
) -> anyhow::Result<()> {
    let mut r = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let idx = super::csv_columns(
        &mut r,
        label,
        &["claim", "statement", "resolve_by"],
        "the columns of `hindsight export --format csv`",
    )?;
    let mut seen_sources = HashSet::new();
    let mut seen_claims = HashSet::new();
    // Resolutions wait until every forecast is in: a forecast row may follow the row that
    // carries its claim's outcome.
    let mut resolutions: Vec<(usize, Record)> = Vec::new();
    let mut seen_resolutions = HashSet::new();
    for (i, row) in r.records().enumerate() {
        let line = i + 2;
        let rec = row.map_err(|e| Refused(format!("{label}:{line}: csv: {e}")))?;
        let get = |name: &str| cell(&rec, &idx, name);
        let mut records = Vec::new();
        let source = non_empty(get("source"));
        if let Some(key) = &source {
            if seen_sources.insert(key.clone()) && db.source_id(key)?.is_none() {
                records.push(Record::Source(SourceRecord {
                    key: key.clone(),
                    title: non_empty(get("source_title")).unwrap_or_else(|| key.clone()),
                    authors: list(get("source_authors")),
                    publisher: non_empty(get("source_publisher")),
                    url: non_empty(get("source_url")),
                    published: non_empty(get("source_published")),
                    text: None,
                    text_sha256: None,
                    recorded_at: None,
                }));
            }
        }
        let claim = get("claim").to_string();
        if seen_claims.insert(claim.clone()) {
            records.push(Record::Claim(ClaimRecord {
                key: claim.clone(),
                statement: get("statement").to_string(),
                resolve_by: get("resolve_by").to_string(),
                opens_at: non_empty(get("opens_at")),
                closes_at: non_empty(get("closes_at")),
                source,
                condition: non_empty(get("condition")),
                quote: non_empty(get("quote")),
                criteria: non_empty(get("criteria")),
                tags: list(get("tags")),
                created_at: None,
                recorded_at: None,
            }));
        }
        if let Some(forecaster) = non_empty(get("forecaster")) {
            let p: f64 = get("p")
                .parse()
                .map_err(|_| {
                    crate::domain::InputError::new(
                        "p",
                        get("p"),
                        crate::domain::parse::PROBABILITY_ACCEPTED,
                    )
                })
                .with_context(|| format!("{label}:{line}"))?;
            records.push(Record::Forecast(ForecastRecord {
                claim: claim.clone(),
                forecaster,
                p,
                made_at: get("made_at").to_string(),
                note: non_empty(get("note")),
                recorded_at: non_empty(get("recorded_at")),
            }));
        }
        if let Some(outcome) = non_empty(get("outcome")) {
            if seen_resolutions.insert(claim.clone()) {
                resolutions.push((
                    line,
                    Record::Resolution(ResolutionRecord {
                        claim: claim.clone(),
                        outcome,
                        resolved_on: get("resolved_on").to_string(),
                        evidence: non_empty(get("evidence")),
                        note: None,
                        recorded_at: None,
                    }),
                ));
            }
        }
        for record in records {
            importer
                .apply(db, record)
                .with_context(|| format!("{label}:{line}"))?;
        }
    }
    for (line, record) in resolutions {
        importer
            .apply(db, record)
            .with_context(|| format!("{label}:{line}"))?;
    }
    Ok(())
}
