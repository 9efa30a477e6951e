//! The options that choose what a report scores (`Filters`) and how much it resamples
//! (`ResampleArgs`), shared by `report`, `compare`, `chart` and `demo`, and the one call
//! that turns them into scored groups.

use clap::Args;

use super::Ctx;
use crate::domain::parse;
use crate::report::{self, Group, GroupBy, Query, Scoring};
use crate::score::{self, Resampling, Rule};
use crate::store::Db;

/// Filters shared by `report`, `compare` and `chart`.
#[derive(Debug, Args, Clone, Default)]
pub struct Filters {
    /// Only these forecasters (repeat for several).
    #[arg(long = "forecaster", value_name = "NAME")]
    pub forecasters: Vec<String>,
    /// Only claims from this source (key).
    #[arg(long, value_name = "KEY")]
    pub source: Option<String>,
    /// Only claims with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only claims due on or after this date (their resolve-by date).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only claims due on or before this date (their resolve-by date).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Score as the ledger stood at the end of this day: later forecasts are left out and
    /// claims resolved later are pending. Default: today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Which forecast of each forecaster counts: latest, first or time-avg.
    #[arg(long, default_value = "latest", value_name = "RULE",
          value_parser = ["latest", "first", "time-avg"])]
    pub rule: String,
    /// Leave out backfilled forecasts (recorded more than a day after they were made).
    #[arg(long)]
    pub live_only: bool,
    /// Add the crowd as a forecaster, crowd:median, crowd:mean or crowd:geo-mean-odds: on
    /// each claim, that aggregate of every real forecaster's forecasts (repeatable).
    #[arg(long = "crowd", value_name = "AGGREGATE",
          value_parser = ["median", "mean", "geo-mean-odds"])]
    pub crowds: Vec<String>,
}

impl Filters {
    /// The query these filters describe, and the as-of date it uses.
    pub fn query(&self, ctx: &Ctx) -> anyhow::Result<Query> {
        let date = |field: &str, v: &Option<String>| {
            v.as_deref().map(|s| parse::date(field, s)).transpose()
        };
        let rule: Rule = self.rule.parse().map_err(|_| {
            crate::domain::InputError::new(
                "--rule",
                &self.rule,
                "expected latest, first or time-avg",
            )
        })?;
        Ok(Query {
            rule,
            as_of: Some(date("--as-of", &self.as_of)?.unwrap_or(ctx.today())),
            live_only: self.live_only,
            forecasters: self
                .forecasters
                .iter()
                .map(|f| crate::domain::validate::forecaster("--forecaster", f))
                .collect::<Result<_, _>>()?,
            source: self.source.clone(),
            tag: crate::domain::validate::tag_filter(self.tag.as_deref())?,
            since: date("--since", &self.since)?,
            until: date("--until", &self.until)?,
            crowds: self.crowds()?,
        })
    }

    /// The crowds asked for with `--crowd`, and those named with `--forecaster crowd:…`.
    pub fn crowds(&self) -> anyhow::Result<Vec<score::Aggregate>> {
        let mut crowds = Vec::new();
        for c in &self.crowds {
            crowds.push(c.parse::<score::Aggregate>().map_err(|_| {
                crate::domain::InputError::new("--crowd", c, score::Aggregate::ACCEPTED)
            })?);
        }
        crowds.extend(
            self.forecasters
                .iter()
                .filter_map(|f| score::Aggregate::from_forecaster(f.trim())),
        );
        crowds.sort();
        crowds.dedup();
        Ok(crowds)
    }
}

/// How much resampling a report does, shared by `report` and `chart`.
#[derive(Debug, Args, Clone, Copy)]
pub struct ResampleArgs {
    /// Resamples behind the consistency bands, the miscalibration p-values and the 95%
    /// intervals; 0 switches resampling off (faster, no bands or intervals).
    #[arg(long, default_value_t = score::DEFAULT_RESAMPLES, value_name = "N")]
    pub resamples: usize,
    /// Seed of the resamples: the same seed on the same ledger gives the same report.
    #[arg(long, default_value_t = score::DEFAULT_SEED, value_name = "N")]
    pub seed: u64,
}

impl Default for ResampleArgs {
    fn default() -> Self {
        let r = Resampling::default();
        ResampleArgs {
            resamples: r.resamples,
            seed: r.seed,
        }
    }
}

impl ResampleArgs {
    pub fn resampling(&self) -> anyhow::Result<Resampling> {
        if self.resamples > score::MAX_RESAMPLES {
            return Err(crate::domain::InputError::new(
                "--resamples",
                &self.resamples.to_string(),
                &format!(
                    "expected a whole number from 0 (off) to {}",
                    score::MAX_RESAMPLES
                ),
            )
            .into());
        }
        Ok(Resampling {
            resamples: self.resamples,
            seed: self.seed,
        })
    }
}

/// Scores what `filters` cover on `db` (one read snapshot) and groups it `by`.
pub fn scored(
    ctx: &Ctx,
    db: &Db<'_>,
    filters: &Filters,
    by: GroupBy,
    bins: usize,
    resampling: &ResampleArgs,
) -> anyhow::Result<(Query, Scoring, Vec<Group>)> {
    let resampling = resampling.resampling()?;
    let q = filters.query(ctx)?;
    let (scoring, groups) = report::compute(db, &q, by, bins, &resampling)?;
    Ok((q, scoring, groups))
}

/// The groups of [`scored`] alone, for outputs that show no pair (a report's table, CSV
/// and JSON, the calibration chart): no pair is held once it is in its groups.
pub fn grouped(
    ctx: &Ctx,
    db: &Db<'_>,
    filters: &Filters,
    by: GroupBy,
    bins: usize,
    resampling: &ResampleArgs,
) -> anyhow::Result<(Query, Vec<Group>)> {
    let resampling = resampling.resampling()?;
    let q = filters.query(ctx)?;
    let groups = report::compute_groups(db, &q, by, bins, &resampling)?;
    Ok((q, groups))
}
