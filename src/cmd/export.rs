//! `hindsight export`: the whole ledger as JSON Lines (every field, history included), as
//! a flat CSV of forecasts, or the open claims as an iCalendar file of reminders.

use std::io::Write;

use clap::Args;

use super::Ctx;
use crate::error::Refused;
use crate::interchange;
use crate::render::ics::{calendar, DueClaim};
use crate::store::{ClaimFilter, Window};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Jsonl,
    Csv,
    /// iCalendar (RFC 5545): an all-day event per open claim on the day it is due.
    Ics,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExportFormat,
    /// Write to this file (replaced only once the export is complete) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// The open claims as a calendar of the days they are due.
fn ics(db: &crate::store::Db<'_>, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<String> {
    let rows = db.list(&ClaimFilter {
        window: Some(Window::Open),
        ..Default::default()
    })?;
    let mut claims = Vec::with_capacity(rows.len());
    for r in rows {
        let criteria = db.claim(&r.key)?.and_then(|row| row.claim.criteria);
        claims.push(DueClaim {
            key: r.key,
            statement: r.statement,
            criteria,
            due: r.resolve_by,
            postponed_from: r.postponed_from,
            source: r.source,
            tags: r.tags,
        });
    }
    let origin = db.origin()?.unwrap_or_default();
    Ok(calendar(&claims, &origin, now))
}

fn write_all(
    format: ExportFormat,
    store: &crate::store::Store,
    now: chrono::DateTime<chrono::Utc>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let db = store.read()?;
    match format {
        ExportFormat::Jsonl => interchange::jsonl::export(&db, out)?,
        ExportFormat::Csv => interchange::csv::export(&db, out)?,
        ExportFormat::Ics => out.write_all(ics(&db, now)?.as_bytes())?,
    }
    out.flush()?;
    Ok(())
}

pub fn run(a: ExportArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let store = ctx.open()?;
    match &a.output {
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            write_all(a.format, &store, ctx.now, &mut out)
        }
        Some(path) => {
            let cannot = |e: std::io::Error| {
                Refused(format!("--output: cannot write '{}': {e}", path.display()))
            };
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let tmp = tempfile::NamedTempFile::new_in(dir).map_err(cannot)?;
            let mut out = std::io::BufWriter::new(tmp);
            write_all(a.format, &store, ctx.now, &mut out)?;
            let tmp = out.into_inner().map_err(|e| cannot(e.into_error()))?;
            tmp.persist(path).map_err(|e| cannot(e.error))?;
            Ok(())
        }
    }
}
