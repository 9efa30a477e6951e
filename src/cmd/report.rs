//! `hindsight report`: accuracy by forecaster, author, source, publisher, tag, year,
//! horizon or claim, as a table, JSON, CSV or an HTML page. What is scored and how it is
//! grouped is `crate::report`; how it is written is `crate::render::report`.

use clap::Args;

use super::filters::{grouped, scored, Filters, ResampleArgs};
use super::Ctx;
use crate::render;
use crate::render::report::{csv_text, table_text, ReportJson};
use crate::report::GroupBy;
use crate::score;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Html,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// How to group forecasts.
    #[arg(long, value_enum, default_value = "forecaster")]
    pub by: GroupBy,
    #[command(flatten)]
    pub filters: Filters,
    /// Number of equal-width calibration bins (1 to 1000).
    #[arg(long, default_value_t = score::DEFAULT_BINS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=score::MAX_BINS as u64))]
    pub bins: usize,
    #[command(flatten)]
    pub resampling: ResampleArgs,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// With --format csv: one row per calibration bin instead of one per group.
    #[arg(long, conflicts_with = "curve")]
    pub calibration: bool,
    /// With --format csv: one row per point of each group's CORP curve (the forecast,
    /// its recalibrated value, the weight there and the consistency band).
    #[arg(long)]
    pub curve: bool,
    /// Write to this file instead of standard output (needed for --format html).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

pub fn run(a: ReportArgs, ctx: &Ctx) -> anyhow::Result<()> {
    if a.format == Format::Html && a.output.is_none() {
        return Err(crate::error::Refused(
            "--format: html writes a self-contained file; expected -o FILE.html as well".into(),
        )
        .into());
    }
    let store = ctx.open()?;
    // One read snapshot for everything the report shows (the HTML page reads more).
    let db = store.read()?;
    let text = if a.format == Format::Html {
        let (q, scoring, groups) = scored(ctx, &db, &a.filters, a.by, a.bins, &a.resampling)?;
        super::html::page(&db, a.by, &q, &scoring, &groups, &a.resampling)?
    } else {
        // The other formats show groups only: no scored pair is held.
        let (q, groups) = grouped(ctx, &db, &a.filters, a.by, a.bins, &a.resampling)?;
        match a.format {
            Format::Json => {
                let doc = ReportJson {
                    as_of: q.as_of,
                    rule: q.rule,
                    bins: a.bins,
                    by: a.by,
                    live_only: q.live_only,
                    resamples: a.resampling.resamples,
                    seed: a.resampling.seed,
                    groups,
                };
                // Written as it is made (tens of megabytes on a large ledger), never whole.
                return match &a.output {
                    Some(path) => {
                        let file =
                            std::fs::File::create(path).map_err(|e| cannot_write(path, e))?;
                        Ok(render::json_to(file, &doc).map_err(|e| cannot_write(path, e))?)
                    }
                    None => render::json(&doc),
                };
            }
            Format::Csv => csv_text(&groups, a.calibration, a.curve)?,
            Format::Table | Format::Html => table_text(&q.describe(), a.by, &groups),
        }
    };
    match &a.output {
        Some(path) => std::fs::write(path, text.as_bytes()).map_err(|e| cannot_write(path, e))?,
        None if a.format == Format::Table => render::out(&text)?,
        None => render::out_data(&text)?,
    }
    Ok(())
}

/// The refusal of an `--output` file that cannot be written.
fn cannot_write(path: &std::path::Path, e: impl std::fmt::Display) -> crate::error::Refused {
    crate::error::Refused(format!("--output: cannot write '{}': {e}", path.display()))
}
