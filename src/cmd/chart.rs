//! `hindsight chart calibration|history`: SVG pictures of a report — a reliability
//! diagram, or each group's running mean Brier score over time.

use std::collections::BTreeMap;

use clap::{Args, Subcommand};

use super::report::{compute, Filters, Group};
use super::Ctx;
use crate::chart::{self, CalibrationSeries, HistorySeries};
use crate::error::Refused;
use crate::report::{group_keys, GroupBy, Scoring};

#[derive(Debug, Subcommand)]
pub enum ChartCmd {
    /// Observed frequency against mean forecast per bin, with 95% intervals and counts.
    Calibration(ChartArgs),
    /// Running mean Brier score of each group, by date of resolution.
    History(ChartArgs),
}

#[derive(Debug, Args)]
pub struct ChartArgs {
    /// How to split forecasts into series (at most 16 series; the 8 largest read best).
    #[arg(long, value_enum, default_value = "forecaster")]
    pub by: GroupBy,
    #[command(flatten)]
    pub filters: Filters,
    /// Number of calibration bins.
    #[arg(long, default_value_t = crate::score::DEFAULT_BINS)]
    pub bins: usize,
    #[command(flatten)]
    pub resampling: super::report::ResampleArgs,
    /// The SVG file to write.
    #[arg(short = 'o', long = "output", value_name = "FILE.svg")]
    pub output: std::path::PathBuf,
}

/// The calibration series of a report's groups, largest groups first when there are
/// more than the chart can tell apart.
pub fn calibration_series(groups: &[Group]) -> Vec<CalibrationSeries> {
    let mut chosen: Vec<&Group> = groups.iter().filter(|g| g.metrics.n > 0).collect();
    chosen.sort_by(|a, b| b.metrics.n.cmp(&a.metrics.n).then(a.key.cmp(&b.key)));
    chosen.truncate(chart::MAX_SERIES);
    chosen
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
    let (a, history) = match cmd {
        ChartCmd::Calibration(a) => (a, false),
        ChartCmd::History(a) => (a, true),
    };
    let store = ctx.open()?;
    let (q, scoring, groups) = compute(ctx, &store, &a.filters, a.by, a.bins, &a.resampling)?;
    let what = a.filters.describe(&q);
    let svg = if history {
        chart::history_svg(
            &format!("Running mean Brier score · {what}"),
            &history_series(&scoring, a.by),
        )?
    } else {
        chart::calibration_svg(
            &format!("Calibration · {what}"),
            &calibration_series(&groups),
        )?
    };
    std::fs::write(&a.output, svg).map_err(|e| {
        Refused(format!(
            "--output: cannot write '{}': {e}",
            a.output.display()
        ))
    })?;
    Ok(())
}
