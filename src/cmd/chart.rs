//! `hindsight chart calibration|history`: SVG pictures of a report — a reliability
//! diagram, or each group's running mean Brier score over time.

use std::collections::BTreeMap;

use clap::{Args, Subcommand};

use super::report::{compute, Filters, Group, ResampleArgs};
use super::Ctx;
use crate::chart::{self, CalibrationSeries, CorpSeries, HistorySeries};
use crate::error::Refused;
use crate::report::{group_keys, GroupBy, Scoring};

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

/// The groups a chart shows: those with scored pairs, largest first when there are more
/// than the chart can tell apart.
fn chosen(groups: &[Group]) -> Vec<&Group> {
    let mut chosen: Vec<&Group> = groups.iter().filter(|g| g.metrics.n > 0).collect();
    chosen.sort_by(|a, b| b.metrics.n.cmp(&a.metrics.n).then(a.key.cmp(&b.key)));
    chosen.truncate(chart::MAX_SERIES);
    chosen
}

/// The CORP curves of a report's groups, chosen as for [`calibration_series`].
pub fn corp_series(groups: &[Group]) -> Vec<CorpSeries> {
    chosen(groups)
        .into_iter()
        .map(|g| CorpSeries {
            label: format!("{} (n = {})", g.key, g.metrics.n),
            curve: g.corp.as_ref().map(|c| c.curve.clone()).unwrap_or_default(),
        })
        .collect()
}

/// The CORP diagram of a report's groups.
pub fn corp_chart(groups: &[Group], what: &str) -> anyhow::Result<String> {
    Ok(chart::corp_svg(
        &format!("CORP reliability diagram · {what}"),
        &corp_series(groups),
    )?)
}

/// The calibration series of a report's groups, largest groups first when there are
/// more than the chart can tell apart.
pub fn calibration_series(groups: &[Group]) -> Vec<CalibrationSeries> {
    chosen(groups)
        .into_iter()
        .map(|g| CalibrationSeries {
            label: format!("{} (n = {})", g.key, g.metrics.n),
            bins: g.metrics.calibration.clone(),
        })
        .collect()
}

/// Each group's running mean Brier score, one point per date on which claims resolved.
pub fn history_series(scoring: &Scoring, by: GroupBy) -> Vec<HistorySeries> {
    let mut per_group: BTreeMap<String, BTreeMap<chrono::NaiveDate, Vec<f64>>> = BTreeMap::new();
    for item in &scoring.items {
        let claim = &scoring.claims[item.claim];
        let (Some(brier), Some(on)) = (item.score.brier, claim.resolved_on) else {
            continue;
        };
        for (_, key) in group_keys(by, claim, &item.score) {
            per_group
                .entry(key)
                .or_default()
                .entry(on)
                .or_default()
                .push(brier);
        }
    }
    let mut series: Vec<HistorySeries> = per_group
        .into_iter()
        .map(|(label, days)| {
            let (mut sum, mut n) = (0.0, 0usize);
            let points = days
                .into_iter()
                .map(|(day, scores)| {
                    sum += scores.iter().sum::<f64>();
                    n += scores.len();
                    (day, sum / n as f64)
                })
                .collect();
            HistorySeries { label, points }
        })
        .collect();
    series.sort_by_key(|s| std::cmp::Reverse(s.points.len()));
    series.truncate(chart::MAX_SERIES);
    series
}

pub fn run(cmd: ChartCmd, ctx: &Ctx) -> anyhow::Result<()> {
    let store = ctx.open()?;
    let (output, svg) = match cmd {
        ChartCmd::History(a) => {
            // The history needs the scored items only: no resampling.
            let off = ResampleArgs {
                resamples: 0,
                ..ResampleArgs::default()
            };
            let (q, scoring, _) = compute(
                ctx,
                &store,
                &a.filters,
                a.by,
                crate::score::DEFAULT_BINS,
                &off,
            )?;
            let svg = chart::history_svg(
                &format!("Running mean Brier score · {}", a.filters.describe(&q)),
                &history_series(&scoring, a.by),
            )?;
            (a.output, svg)
        }
        ChartCmd::Calibration(c) => {
            let a = c.chart;
            let (q, _, groups) = compute(ctx, &store, &a.filters, a.by, c.bins, &c.resampling)?;
            let what = a.filters.describe(&q);
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
