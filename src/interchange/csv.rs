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

/// The columns, in order (README documents each). The last eleven came later and carry what
/// a re-import needs to recognise every record (a resolution's note and recorded-at time),
/// the claim's and source's own times, the claim's window (`opens_at`, `closes_at`), then
/// who recorded the forecast, the resolution, the claim and the source (empty when
/// unknown); a file without them still imports.
pub const COLUMNS: [&str; 33] = [
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
    "resolution_note",
    "resolution_recorded_at",
    "created_at",
    "claim_recorded_at",
    "source_recorded_at",
    "opens_at",
    "closes_at",
    "recorded_by",
    "resolution_recorded_by",
    "claim_recorded_by",
    "source_recorded_by",
];

/// Lists inside one cell (tags, authors) are joined with this; a `;` or `\` inside an item
/// is written with a backslash before it, so that the list splits back into the same items.
const LIST_SEP: &str = "; ";

/// One cell for a list: items joined with [`LIST_SEP`], their own `;` and `\` escaped.
pub fn join_list(items: &[String]) -> String {
    let escaped: Vec<String> = items
        .iter()
        .map(|item| item.replace('\\', "\\\\").replace(';', "\\;"))
        .collect();
    escaped.join(LIST_SEP)
}

/// The items of a list cell: split at each `;` not escaped by a backslash, trimmed, empty
/// ones dropped. Only `\;` and `\\` are escapes; any other backslash is kept as written
/// (as in a file exported before lists were escaped).
pub fn split_list(cell: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some(';' | '\\')) => {
                item.extend(chars.next());
            }
            ';' => items.push(std::mem::take(&mut item)),
            c => item.push(c),
        }
    }
    items.push(item);
    items
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

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
            join_list(&c.tags),
            opt(&c.criteria),
            opt(&c.quote),
            opt(&c.source),
            src.map(|s| s.title.clone()).unwrap_or_default(),
            src.map(|s| join_list(&s.authors)).unwrap_or_default(),
            src.and_then(|s| s.publisher.clone()).unwrap_or_default(),
            src.and_then(|s| s.url.clone()).unwrap_or_default(),
            src.and_then(|s| s.published.map(format_date))
                .unwrap_or_default(),
        ];
        let resolution_cols = match &latest {
            Some(r) => vec![
                r.outcome.as_str().to_string(),
                format_date(r.resolved_on),
                opt(&r.evidence),
            ],
            None => vec![String::new(); 3],
        };
        let tail = [
            latest
                .as_ref()
                .and_then(|r| r.note.clone())
                .unwrap_or_default(),
            latest
                .as_ref()
                .map(|r| format_time(r.recorded_at))
                .unwrap_or_default(),
            format_time(c.created_at),
            format_time(c.recorded_at),
            src.map(|s| format_time(s.recorded_at)).unwrap_or_default(),
            c.opens_at.map(format_time).unwrap_or_default(),
            c.closes_at.map(format_time).unwrap_or_default(),
        ];
        // Who recorded the resolution, the claim and the source; the forecast's own
        // `recorded_by` comes first, in its row.
        let by_tail = [
            latest
                .as_ref()
                .and_then(|r| r.recorded_by.clone())
                .unwrap_or_default(),
            opt(&c.recorded_by),
            src.and_then(|s| s.recorded_by.clone()).unwrap_or_default(),
        ];
        let forecasts = db.forecasts(&row)?;
        if forecasts.is_empty() {
            let mut cols = claim_cols.clone();
            cols.extend(vec![String::new(); 6]);
            cols.extend(resolution_cols.clone());
            cols.extend(tail.clone());
            cols.push(String::new());
            cols.extend(by_tail.clone());
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
            cols.extend(tail.clone());
            cols.push(opt(&f.recorded_by));
            cols.extend(by_tail.clone());
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

/// A cell as written: free text (a statement, a note) keeps its spaces, which are part of
/// what a re-import compares.
fn cell<'a>(rec: &'a csv::StringRecord, idx: &HashMap<String, usize>, name: &str) -> &'a str {
    idx.get(name).and_then(|&i| rec.get(i)).unwrap_or("")
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Reads the CSV export's columns and applies the records they describe.
pub fn import(
    db: &Db<'_>,
    importer: &mut Importer,
    input: &mut dyn Read,
    label: &str,
) -> anyhow::Result<()> {
    let input = super::without_bom(input).with_context(|| format!("{label}:1: cannot read"))?;
    let mut r = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let idx = super::csv_columns(
        &mut r,
        label,
        &["claim", "statement", "resolve_by"],
        "the columns of `hindsight export --format csv`",
    )?;
    importer.read_from(label);
    let mut seen_sources = HashSet::new();
    let mut seen_claims = HashSet::new();
    // Resolutions wait until every forecast is in: a forecast row may follow the row that
    // carries its claim's outcome.
    let mut resolutions: Vec<(usize, Record)> = Vec::new();
    let mut seen_resolutions = HashSet::new();
    for (i, row) in r.records().enumerate() {
        let line = i + 2;
        let rec = row.map_err(|e| Refused(format!("{label}:{line}: csv: {e}")))?;
        let text = |name: &str| cell(&rec, &idx, name);
        // Keys, dates, numbers and outcomes: a stray space from a spreadsheet is not data.
        let get = |name: &str| text(name).trim();
        // A time column other than the forecast's own: checked here, so that an error names
        // the column (the record's field is plain `recorded_at`).
        let time = |name: &str| -> anyhow::Result<Option<String>> {
            let v = non_empty(get(name));
            if let Some(t) = &v {
                crate::domain::parse::time(name, t).with_context(|| format!("{label}:{line}"))?;
            }
            Ok(v)
        };
        // Who recorded a record: checked here too, so that an error names the column.
        let by = |name: &str| -> anyhow::Result<Option<String>> {
            non_empty(get(name))
                .map(|n| crate::domain::validate::recorder(name, &n))
                .transpose()
                .with_context(|| format!("{label}:{line}"))
        };
        let mut records = Vec::new();
        let source = non_empty(get("source"));
        if let Some(key) = &source {
            if seen_sources.insert(key.clone()) && db.source_id(key)?.is_none() {
                records.push(Record::Source(SourceRecord {
                    key: key.clone(),
                    title: non_empty(text("source_title")).unwrap_or_else(|| key.clone()),
                    authors: split_list(get("source_authors")),
                    publisher: non_empty(text("source_publisher")),
                    url: non_empty(text("source_url")),
                    published: non_empty(get("source_published")),
                    text: None,
                    text_sha256: None,
                    recorded_at: time("source_recorded_at")?,
                    recorded_by: by("source_recorded_by")?,
                }));
            }
        }
        let claim = get("claim").to_string();
        if seen_claims.insert(claim.clone()) {
            records.push(Record::Claim(ClaimRecord {
                key: claim.clone(),
                statement: text("statement").to_string(),
                resolve_by: get("resolve_by").to_string(),
                opens_at: non_empty(get("opens_at")),
                closes_at: non_empty(get("closes_at")),
                source,
                condition: non_empty(get("condition")),
                quote: non_empty(text("quote")),
                criteria: non_empty(text("criteria")),
                tags: split_list(get("tags")),
                created_at: time("created_at")?,
                recorded_at: time("claim_recorded_at")?,
                recorded_by: by("claim_recorded_by")?,
            }));
        }
        // A forecast row names its forecaster; the name is kept as written.
        if !get("forecaster").is_empty() {
            let forecaster = text("forecaster").to_string();
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
                note: non_empty(text("note")),
                recorded_at: non_empty(get("recorded_at")),
                recorded_by: by("recorded_by")?,
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
                        evidence: non_empty(text("evidence")),
                        note: non_empty(text("resolution_note")),
                        recorded_at: time("resolution_recorded_at")?,
                        recorded_by: by("resolution_recorded_by")?,
                    }),
                ));
            }
        }
        for record in records {
            importer.apply_line(db, record, line as u64)?;
        }
    }
    for (line, record) in resolutions {
        importer.apply_line(db, record, line as u64)?;
    }
    importer.settle(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn lists_split_into_what_was_joined() {
        for items in [
            v(&["Doe, J.; Roe", "Ann"]),
            v(&["r&d;policy"]),
            v(&["back\\slash", "semi;", ";", "\\;", "\\"]),
            v(&["plain", "two words"]),
        ] {
            assert_eq!(split_list(&join_list(&items)), items, "{items:?}");
        }
        assert_eq!(join_list(&v(&["a;b", "c"])), "a\\;b; c");
    }

    #[test]
    fn unescaped_cells_read_as_before() {
        assert_eq!(split_list("fx; policy;;"), v(&["fx", "policy"]));
        assert_eq!(split_list(r"C:\dir; x"), v(&[r"C:\dir", "x"]));
        assert!(split_list("").is_empty());
    }
}
