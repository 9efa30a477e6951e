//! The JSON Lines interchange format: one record per line, sources first, then claims,
//! forecasts and resolutions, each in the order the ledger recorded them. Exporting,
//! importing into an empty ledger and exporting again gives the same bytes.

use std::io::{BufRead, Write};

use anyhow::Context;

use super::{ClaimRecord, ForecastRecord, Importer, Record, ResolutionRecord, SourceRecord};
use crate::domain::parse::{format_date, format_time};
use crate::domain::{Claim, Forecast, Resolution, Source};
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
    })
}

pub fn claim_record(c: Claim) -> Record {
    Record::Claim(ClaimRecord {
        key: c.key,
        statement: c.statement,
        resolve_by: format_date(c.resolve_by),
        source: c.source,
        condition: c.condition,
        quote: c.quote,
        criteria: c.criteria,
        tags: c.tags,
        created_at: Some(format_time(c.created_at)),
        recorded_at: Some(format_time(c.recorded_at)),
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
    db.each_resolution(|r| line(resolution_record(r)))?;
    Ok(())
}

/// Parses one line into a record, with errors that name the field.
pub fn parse_line(text: &str) -> Result<Record, Refused> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Refused(format!("json: invalid JSON: {e}")))?;
    let kind = value.get("type").cloned().ok_or_else(|| {
        Refused("type: missing; expected source, claim, forecast or resolution".into())
    })?;
    match kind.as_str() {
        Some("source" | "claim" | "forecast" | "resolution") => {}
        _ => {
            return Err(Refused(format!(
                "type: invalid value {kind}: expected source, claim, forecast or resolution"
            )))
        }
    }
    serde_json::from_value(value).map_err(|e| Refused(format!("{kind}: {e}").replace('"', "")))
}

/// Reads JSON Lines from `input` and applies each record. Errors carry `LABEL:LINE:`.
pub fn import(
    db: &Db<'_>,
    importer: &mut Importer,
    input: &mut dyn BufRead,
    label: &str,
    progress: &indicatif::ProgressBar,
) -> anyhow::Result<()> {
    let mut buf = String::new();
    let mut number = 0u64;
    loop {
        buf.clear();
        let read = input
            .read_line(&mut buf)
            .map_err(|e| Refused(format!("{label}:{}: cannot read: {e}", number + 1)))?;
        if read == 0 {
            break;
        }
        number += 1;
        progress.inc(read as u64);
        let complete = buf.ends_with('\n');
        let text = buf.trim();
        if text.is_empty() {
            continue;
        }
        let record = parse_line(text).map_err(|e| {
            if complete {
                e
            } else {
                Refused(format!("{} (the last line looks truncated)", e.0))
            }
        });
        let record = record.with_context(|| format!("{label}:{number}"))?;
        importer
            .apply(db, record)
            .with_context(|| format!("{label}:{number}"))?;
    }
    Ok(())
}
