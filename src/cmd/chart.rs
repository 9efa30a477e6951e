//! `hindsight chart calibration|history`: SVG pictures of a report — a reliability
//! diagram, or each group's running mean Brier score over time.

use clap::{Args, Subcommand};

use super::filters::{grouped, scored, Filters, ResampleArgs};
use super::Ctx;
use crate::chart;
use crate::error::Refused;
use crate::render::report::{calibration_series, corp_chart, history_series};
use crate::report::GroupBy;

#[derive(Debug, Subcommand)]
pub enum ChartCmd {
    /// Reliability diagram. By default (--method corp) the forecasts against their
    /// isotonic recalibration with a consistency band; --method bins draws the observed
    /// frequency against the mean forecast per bin, with 95% intervals.
    Calibration(CalibrationArgs),
    /// Running mean Brier score of each group, by date of resolution.
    History(ChartArgs),
}

/// What every chart takes: the series, the filters and the file.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// How to split forecasts into series (at most 16 series; the 8 largest read best).
    #[arg(long, value_enum, default_value = "forecaster")]
    pub by: GroupBy,
    #[command(flatten)]
    pub filters: Filters,
    /// The SVG file to write.
    #[arg(short = 'o', long = "output", value_name = "FILE.svg")]
    pub output: std::path::PathBuf,
}

/// `chart calibration`: the common arguments, and how reliability is drawn.
#[derive(Debug, Args)]
pub struct CalibrationArgs {
    #[command(flatten)]
    pub chart: ChartArgs,
    /// Number of calibration bins (with --method bins).
    #[arg(long, default_value_t = crate::score::DEFAULT_BINS)]
    pub bins: usize,
    /// How `chart calibration` draws reliability: corp (isotonic recalibration, no bins
    /// to choose) or bins (equal-width bins).
    #[arg(long, value_enum, default_value = "corp")]
    pub method: Method,
    #[command(flatten)]
    pub resampling: ResampleArgs,
}

/// How a reliability diagram is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    Corp,
    Bins,
}

pub fn run(cmd: ChartCmd, ctx: &Ctx) -> anyhow::Result<()> {
    let store = ctx.open()?;
    let db = store.read()?;
    let (output, svg) = match cmd {
        ChartCmd::History(a) => {
            // The history needs the scored items only: no resampling.
            let off = ResampleArgs {
                resamples: 0,
                ..ResampleArgs::default()
            };
            let (q, scoring, _) =
                scored(ctx, &db, &a.filters, a.by, crate::score::DEFAULT_BINS, &off)?;
            let svg = chart::history_svg(
                &format!("Running mean Brier score · {}", q.describe()),
                &history_series(&scoring, a.by),
            )?;
            (a.output, svg)
        }
        ChartCmd::Calibration(c) => {
            let a = c.chart;
            let (q, groups) = grouped(ctx, &db, &a.filters, a.by, c.bins, &c.resampling)?;
            let what = q.describe();
            let svg = match c.method {
                Method::Corp => corp_chart(&groups, &what)?,
                Method::Bins => chart::calibration_svg(
                    &format!("Calibration · {what}"),
                    &calibration_series(&groups),
                )?,
            };
            (a.output, svg)
        }
    };
    std::fs::write(&output, svg).map_err(|e| {
        Refused(format!(
            "--output: cannot write '{}': {e}",
            output.display()
        ))
    })?;
    Ok(())
}
