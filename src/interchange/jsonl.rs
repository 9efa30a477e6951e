//! The JSON Lines interchange format: one record per line, sources first, then claims,
//! forecasts, postponements and resolutions, each in the order the ledger recorded them
//! (a claim is postponed only while open, so its postponements come before its
//! resolutions). Exporting,
//! importing into an empty ledger and exporting again gives the same bytes.

use std::io::{BufRead, Write};

use anyhow::Context;

use super::{
    ClaimRecord, ForecastRecord, Importer, PostponementRecord, Record, ResolutionRecord,
    SourceRecord,
};
use crate::domain::parse::{format_date, format_time};
use crate::domain::{Claim, Forecast, Postponement, Resolution, Source};
use crate::error::Refused;
use crate::store::Db;

pub fn source_record(s: Source) -> Record {
    Record::Source(SourceRecord {
        key: s.key,
        title: s.title,
        authors: s.authors,
        publisher: s.publisher,
        url: s.url,
        published: s.published.map(format_date),
        text: s.text,
        text_sha256: s.text_sha256,
        recorded_at: Some(format_time(s.recorded_at)),
        recorded_by: s.recorded_by,
    })
}

pub fn claim_record(c: Claim) -> Record {
    Record::Claim(ClaimRecord {
        key: c.key,
        statement: c.statement,
        resolve_by: format_date(c.resolve_by),
        opens_at: c.opens_at.map(format_time),
        closes_at: c.closes_at.map(format_time),
        source: c.source,
        condition: c.condition,
        quote: c.quote,
        criteria: c.criteria,
        tags: c.tags,
        created_at: Some(format_time(c.created_at)),
        recorded_at: Some(format_time(c.recorded_at)),
        recorded_by: c.recorded_by,
    })
}

pub fn forecast_record(f: Forecast) -> Record {
    Record::Forecast(ForecastRecord {
        claim: f.claim,
        forecaster: f.forecaster,
        p: f.p,
        made_at: format_time(f.made_at),
        note: f.note,
        recorded_at: Some(format_time(f.recorded_at)),
        recorded_by: f.recorded_by,
    })
}

pub fn resolution_record(r: Resolution) -> Record {
    Record::Resolution(ResolutionRecord {
        claim: r.claim,
        outcome: r.outcome.as_str().to_string(),
        resolved_on: format_date(r.resolved_on),
        evidence: r.evidence,
        note: r.note,
        recorded_at: Some(format_time(r.recorded_at)),
        recorded_by: r.recorded_by,
    })
}

pub fn postponement_record(p: Postponement) -> Record {
    Record::Postponement(PostponementRecord {
        claim: p.claim,
        resolve_by: format_date(p.resolve_by),
        note: p.note,
        recorded_at: Some(format_time(p.recorded_at)),
        recorded_by: p.recorded_by,
    })
}

/// Writes the whole ledger as JSON Lines, streaming.
pub fn export(db: &Db<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut line = |r: Record| -> anyhow::Result<()> {
        serde_json::to_writer(&mut *out, &r)?;
        out.write_all(b"\n")?;
        Ok(())
    };
    for s in db.sources()? {
        line(source_record(s))?;
    }
    db.each_claim(|c| line(claim_record(c)))?;
    db.each_forecast(|f| line(forecast_record(f)))?;
    db.each_postponement(|p| line(postponement_record(p)))?;
    db.each_resolution(|r| line(resolution_record(r)))?;
    Ok(())
}

const TYPES_ACCEPTED: &str = "expected source, claim, forecast, resolution or postponement";

/// A line that begins `{"type":"<kind>",`, as `export` and the generator write every line,
/// deserialised straight into its kind's record from the fields after the type. Serde
/// reads an internally tagged enum by first buffering the whole object (to find the tag
/// wherever it is), which cost more than the parsing itself. None for any other line, or
/// one this way refuses: those go the general way, which decides what a line means.
fn parse_type_first(text: &str) -> Option<Record> {
    let rest = text.strip_prefix(r#"{"type":""#)?;
    let (kind, fields) = rest.split_once("\",")?;
    let mut object = String::with_capacity(fields.len() + 1);
    object.push('{');
    object.push_str(fields);
    Some(match kind {
        "forecast" => Record::Forecast(serde_json::from_str(&object).ok()?),
        "claim" => Record::Claim(serde_json::from_str(&object).ok()?),
        "resolution" => Record::Resolution(serde_json::from_str(&object).ok()?),
        "source" => Record::Source(serde_json::from_str(&object).ok()?),
        "postponement" => Record::Postponement(serde_json::from_str(&object).ok()?),
        _ => return None,
    })
}

/// Parses one line into a record, with errors that name the field.
pub fn parse_line(text: &str) -> Result<Record, Refused> {
    // A well-formed line deserialises straight into its record; only a line that fails
    // goes the slower way through a JSON value, which finds the field to name. Both ways
    // give the same record for any line the direct way accepts (a unit test checks the
    // shapes that differ: duplicate and unknown fields).
    if let Some(record) = parse_type_first(text) {
        return Ok(record);
    }
    if let Ok(record) = serde_json::from_str::<Record>(text) {
        return Ok(record);
    }
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Refused(format!("json: invalid JSON: {e}")))?;
    let kind = value
        .get("type")
        .cloned()
        .ok_or_else(|| Refused(format!("type: missing; {TYPES_ACCEPTED}")))?;
    let Some(accepted) = kind.as_str().and_then(super::accepted_fields) else {
        return Err(Refused(format!(
            "type: invalid value {kind}: {TYPES_ACCEPTED}"
        )));
    };
    if let Some(object) = value.as_object_mut() {
        if kind.as_str() == Some("claim") {
            object.remove(super::DRAFT_FIELD);
        }
        if let Some(unknown) = object
            .keys()
            .find(|k| k.as_str() != "type" && !accepted.contains(&k.as_str()))
        {
            return Err(Refused(format!(
                "{unknown}: unknown field '{unknown}' (accepted: type, {})",
                accepted.join(", ")
            )));
        }
    }
    serde_json::from_value(value).map_err(|e| Refused(format!("{kind}: {e}").replace('"', "")))
}

/// Lines as read, before parsing: their text end to end in one buffer (one allocation
/// per batch, not per line), and where each starts and ends.
#[derive(Default)]
struct Lines {
    text: String,
    /// Line number, end offset in `text`, and whether the line ended with a newline (a
    /// last line without one may be cut short). Each line starts where the previous ends.
    ends: Vec<(u64, usize, bool)>,
}

/// A line's record, or why it has none; blank lines give nothing.
type Parsed = (u64, Option<Result<Record, Refused>>);

fn parse_lines(lines: Lines) -> Vec<Parsed> {
    let mut start = 0;
    let mut out = Vec::with_capacity(lines.ends.len());
    for &(number, end, complete) in &lines.ends {
        let mut text = &lines.text[start..end];
        start = end;
        if number == 1 {
            // A UTF-8 byte-order mark, as some editors write, is not part of the first record.
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }
        let text = text.trim();
        if text.is_empty() {
            out.push((number, None));
            continue;
        }
        let record = parse_line(text).map_err(|e| {
            if complete {
                e
            } else {
                Refused(format!("{} (the last line looks truncated)", e.0))
            }
        });
        out.push((number, Some(record)));
    }
    out
}

/// Lines handed to the parsing thread at a time, and batches in flight at once.
const BATCH: usize = 1024;
const IN_FLIGHT: usize = 3;

/// Reads JSON Lines from `input` and applies each record. Errors carry `LABEL:LINE:`.
///
/// Parsing runs on a second thread while this one writes to the ledger: the two take
/// about as long as each other on a large file. Records are still applied one at a
/// time in file order, and the first bad line stops the import as before.
pub fn import(
    db: &Db<'_>,
    importer: &mut Importer,
    input: &mut dyn BufRead,
    label: &str,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<()> {
    importer.read_from(label);
    std::thread::scope(|scope| {
        let (to_parser, lines) = std::sync::mpsc::sync_channel::<Lines>(IN_FLIGHT + 1);
        let (to_writer, parsed) = std::sync::mpsc::sync_channel::<Vec<Parsed>>(IN_FLIGHT + 1);
        std::thread::Builder::new()
            .name("parse".into())
            .spawn_scoped(scope, move || {
                for batch in lines {
                    if to_writer.send(parse_lines(batch)).is_err() {
                        break; // the writer stopped at an error
                    }
                }
            })
            .context("starting the parsing thread")?;
        let apply_next = |importer: &mut Importer| -> anyhow::Result<()> {
            let batch = parsed
                .recv()
                .map_err(|_| anyhow::anyhow!("{label}: the parsing thread stopped"))?;
            for (number, record) in batch {
                let Some(record) = record else { continue };
                let record = record.with_context(|| format!("{label}:{number}"))?;
                importer.apply_line(db, record, number)?;
            }
            Ok(())
        };
        let mut number = 0u64;
        let mut in_flight = 0usize;
        let mut finished = false;
        let mut read_error = None;
        while !finished {
            let mut batch = Lines::default();
            while batch.ends.len() < BATCH {
                match input.read_line(&mut batch.text) {
                    Ok(0) => {
                        finished = true;
                        break;
                    }
                    Ok(read) => {
                        number += 1;
                        progress.inc(read as u64);
                        let complete = batch.text.ends_with('\n');
                        batch.ends.push((number, batch.text.len(), complete));
                    }
                    Err(e) => {
                        let at = format!("{label}:{}: cannot read", number + 1);
                        // Text that is not UTF-8 is the file's fault (input); any other
                        // failure is the stream's (I/O).
                        read_error = Some(if e.kind() == std::io::ErrorKind::InvalidData {
                            anyhow::Error::from(Refused(format!("{at}: {e}")))
                        } else {
                            anyhow::Error::from(e).context(at)
                        });
                        finished = true;
                        break;
                    }
                }
            }
            if !batch.ends.is_empty() {
                to_parser
                    .send(batch)
                    .map_err(|_| anyhow::anyhow!("{label}: the parsing thread stopped"))?;
                in_flight += 1;
            }
            if in_flight >= IN_FLIGHT {
                apply_next(importer)?;
                in_flight -= 1;
            }
        }
        drop(to_parser);
        // The lines before a read error count first: one of them may be the first error.
        for _ in 0..in_flight {
            apply_next(importer)?;
        }
        match read_error {
            Some(e) => Err(e),
            None => importer.settle(db),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slow path alone, as `parse_line` was before its fast path.
    fn via_value(text: &str) -> Result<Record, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    #[test]
    fn fast_and_slow_paths_agree() {
        let lines = [
            r#"{"type":"forecast","claim":"c1","forecaster":"ann","p":0.7,"made_at":"2020-01-01T00:00:00Z"}"#,
            r#"{"claim":"c1","type":"forecast","forecaster":"ann","p":1,"made_at":"2020-01-01","note":null}"#,
            r#"{"type":"forecast","claim":"c\u00e9","forecaster":"a\"b","p":1e-3,"made_at":"2020-01-01T00:00:00+02:00","recorded_at":"2020-01-02T00:00:00Z"}"#,
            r#"{"type":"claim","key":"k","statement":"s","resolve_by":"2020-01-01","tags":["a","b"]}"#,
            r#"{"type":"source","key":"s","title":"t","authors":[],"text":"x"}"#,
            r#"{"type":"resolution","claim":"k","outcome":"yes","resolved_on":"2020-01-01","evidence":null}"#,
            // Null lists, as README allows for every optional field.
            r#"{"type":"claim","key":"k","statement":"s","resolve_by":"2020-01-01","tags":null}"#,
            r#"{"type":"source","key":"s","title":"t","authors":null}"#,
            // Duplicate fields: a JSON value keeps the last; the direct way refuses, so the
            // line falls back to the slow way and keeps the last too.
            r#"{"type":"forecast","claim":"c1","claim":"c2","forecaster":"ann","p":0.7,"made_at":"2020-01-01"}"#,
            // The type first, then space, numbers of every form, escapes and every kind.
            r#"{"type":"forecast", "claim":"c1" ,"forecaster":"ann","p":-0,"made_at":"2020-01-01"}"#,
            r#"{"type":"forecast","claim":"c1","forecaster":"ann","p":1E0,"made_at":"2020-01-01","note":"a\"\u00e9\n","recorded_by":null}"#,
            r#"{"type":"postponement","claim":"k","resolve_by":"2021-01-01","note":null}"#,
        ];
        for line in lines {
            assert_eq!(parse_line(line).ok(), via_value(line).ok(), "{line}");
            assert!(parse_line(line).is_ok(), "{line}");
        }
        // Lines the direct way refuses are read (or refused) the general way, as before it.
        for line in [
            r#"{"type":"forecast","type":"claim","key":"k","statement":"s","resolve_by":"2020-01-01"}"#,
            r#"{"type":"forecast","claim":"c1","forecaster":"ann","p":0.7}"#,
            r#"{"type":"Forecast","claim":"c1","forecaster":"ann","p":0.7,"made_at":"2020-01-01"}"#,
            r#"{"type":"forecast",}"#,
            r#"{"type":"claim","key":"k","statement":"s","resolve_by":"2020-01-01","extract":{}}"#,
        ] {
            assert!(parse_type_first(line).is_none(), "{line}");
        }
        assert!(matches!(
            parse_line(lines[8]),
            Ok(Record::Forecast(ForecastRecord { ref claim, .. })) if claim == "c2"
        ));
    }

    #[test]
    fn unknown_fields_are_refused_but_drafts_keep_their_extract_object() {
        let e = parse_line(r#"{"type":"forecast","claim":"c1","forecaster":"ann","p":0.7,"made_at":"2020-01-01","note":null,"prob":0.8}"#)
            .unwrap_err();
        assert_eq!(
            e.0,
            "prob: unknown field 'prob' (accepted: type, claim, forecaster, p, made_at, note, recorded_at, recorded_by)"
        );
        let e = parse_line(r#"{"type":"claim","key":"k","statement":"s","resolve_by":"2020-01-01","closes":"2019-12-01"}"#)
            .unwrap_err();
        assert!(e.0.starts_with("closes: unknown field 'closes' (accepted: type, key, statement, resolve_by, opens_at, closes_at,"), "{}", e.0);
        let draft = r#"{"type":"claim","key":"k","statement":"s","resolve_by":"2020-01-01","extract":{"score":0.5,"cues":["will"]}}"#;
        assert!(
            matches!(parse_line(draft), Ok(Record::Claim(ClaimRecord { ref key, .. })) if key == "k")
        );
        // Only claim lines carry drafts' details.
        let e = parse_line(r#"{"type":"resolution","claim":"k","outcome":"yes","resolved_on":"2020-01-01","extract":{}}"#)
            .unwrap_err();
        assert!(e.0.starts_with("extract: unknown field"), "{}", e.0);
    }

    #[test]
    fn accepted_fields_are_the_records_fields() {
        let line = r#"{"type":"claim","key":"k","statement":"s","resolve_by":"2020-01-01","opens_at":"2019-01-01T00:00:00Z","closes_at":"2019-06-01T00:00:00Z","source":"s","condition":"c","quote":"q","criteria":"x","tags":[],"created_at":"2019-01-01T00:00:00Z","recorded_at":"2019-01-01T00:00:00Z","recorded_by":"ann"}"#;
        let samples = [
            r#"{"type":"source","key":"s","title":"t","authors":[],"publisher":"p","url":"u","published":"2020-01-01","text":"x","text_sha256":"h","recorded_at":"2020-01-01T00:00:00Z","recorded_by":"ann"}"#,
            line,
            r#"{"type":"forecast","claim":"c1","forecaster":"ann","p":0.7,"made_at":"2020-01-01","note":"n","recorded_at":"2020-01-01T00:00:00Z","recorded_by":"ann"}"#,
            r#"{"type":"resolution","claim":"k","outcome":"yes","resolved_on":"2020-01-01","evidence":"e","note":"n","recorded_at":"2020-01-01T00:00:00Z","recorded_by":"ann"}"#,
            r#"{"type":"postponement","claim":"k","resolve_by":"2021-01-01","note":"n","recorded_at":"2020-01-01T00:00:00Z","recorded_by":"ann"}"#,
        ];
        for text in samples {
            let record = parse_line(text).unwrap();
            let value = serde_json::to_value(&record).unwrap();
            let keys: Vec<&str> = value
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let kind = value["type"].as_str().unwrap();
            let mut want = vec!["type"];
            want.extend(super::super::accepted_fields(kind).unwrap());
            let (mut a, mut b) = (keys.clone(), want.clone());
            a.sort();
            b.sort();
            assert_eq!(a, b, "{kind}");
        }
    }

    #[test]
    fn errors_still_name_the_field() {
        let e = parse_line(r#"{"type":"forecast","claim":"c1","forecaster":"ann","p":"high","made_at":"2020-01-01"}"#)
            .unwrap_err();
        assert!(e.0.starts_with("forecast: invalid type"), "{}", e.0);
        let e = parse_line(r#"{"type":"guess"}"#).unwrap_err();
        assert!(e.0.starts_with("type: invalid value"), "{}", e.0);
        let e = parse_line("{not json").unwrap_err();
        assert!(e.0.starts_with("json: invalid JSON"), "{}", e.0);
    }
}
