//! `hindsight export`: the whole ledger as JSON Lines (every field, history included) or as
//! a flat CSV of forecasts.

use std::io::Write;

use clap::Args;

use super::Ctx;
use crate::error::Refused;
use crate::interchange;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Jsonl,
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExportFormat,
    /// Write to this file (replaced only once the export is complete) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

fn write_all(
    format: ExportFormat,
    store: &crate::store::Store,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let db = store.read()?;
    match format {
        ExportFormat::Jsonl => interchange::jsonl::export(&db, out)?,
        ExportFormat::Csv => interchange::csv::export(&db, out)?,
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
            write_all(a.format, &store, &mut out)
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
            write_all(a.format, &store, &mut out)?;
            let tmp = out.into_inner().map_err(|e| cannot(e.into_error()))?;
            tmp.persist(path).map_err(|e| cannot(e.error))?;
            Ok(())
        }
    }
}
