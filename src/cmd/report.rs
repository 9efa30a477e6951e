//! `hindsight report`: accuracy by forecaster, author, source, publisher, tag, year or
//! horizon, as a table, JSON or CSV.

use std::collections::BTreeMap;

use clap::Args;

use super::Ctx;
use crate::domain::parse;
use crate::render;
use crate::report::{self, GroupBy, GroupKey, Query};
use crate::score::{self, CalibrationBin, Corp, Intervals, Metrics, PairScore, Resampling, Rule};

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
            tag: self
                .tag
                .as_deref()
                .map(crate::domain::validate::tag)
                .transpose()?,
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

    /// A one-line description of what was scored, for titles and headers.
    pub fn describe(&self, q: &Query) -> String {
        let mut parts = vec![format!("rule {}", q.rule)];
        if let Some(d) = q.as_of {
            parts.push(format!("as of {}", parse::format_date(d)));
        }
        let mut filters = Vec::new();
        if !q.forecasters.is_empty() {
            filters.push(format!("forecaster {}", q.forecasters.join(", ")));
        }
        if let Some(s) = &q.source {
            filters.push(format!("source {s}"));
        }
        if let Some(t) = &q.tag {
            filters.push(format!("tag {t}"));
        }
        if let Some(d) = q.since {
            filters.push(format!("due from {}", parse::format_date(d)));
        }
        if let Some(d) = q.until {
            filters.push(format!("due until {}", parse::format_date(d)));
        }
        if q.live_only {
            filters.push("live forecasts only".into());
        }
        // Crowds the forecaster filter already names are not said twice.
        let crowds: Vec<&str> = q
            .crowds
            .iter()
            .filter(|c| !q.forecasters.contains(&c.forecaster()))
            .map(|c| c.as_str())
            .collect();
        if !crowds.is_empty() {
            filters.push(format!("crowd {}", crowds.join(", ")));
        }
        if !filters.is_empty() {
            parts.push(filters.join(", "));
        }
        parts.join(" · ")
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

/// One group of a report, as JSON shows it.
#[derive(serde::Serialize)]
pub struct Group {
    pub key: String,
    #[serde(flatten)]
    pub metrics: Metrics,
    /// 95% bootstrap intervals of the mean Brier score and log loss.
    #[serde(flatten)]
    pub intervals: Intervals,
    /// Whether the Brier interval overlaps that of the group with the best (lowest)
    /// Brier score: if so, the two cannot be told apart on this evidence.
    pub overlaps_best: Option<bool>,
    /// CORP calibration: PAV recalibration and the MCB/DSC/UNC decomposition.
    pub corp: Option<Corp>,
    /// Baseline and peer scores and the Brier score relative to the crowd median.
    #[serde(flatten)]
    pub platform: score::PlatformMetrics,
}

#[derive(serde::Serialize)]
pub struct ReportJson {
    pub as_of: Option<chrono::NaiveDate>,
    pub rule: Rule,
    pub bins: usize,
    pub by: GroupBy,
    pub live_only: bool,
    pub resamples: usize,
    pub seed: u64,
    pub groups: Vec<Group>,
}

/// Refuses filters that name what the ledger does not hold. The crowds' names
/// (`crowd:median`, ...) are not in the ledger: [`Filters::query`] turned them into
/// crowds to score.
pub fn check_filters(db: &crate::store::Db<'_>, q: &Query) -> anyhow::Result<()> {
    let real: Vec<String> = q
        .forecasters
        .iter()
        .filter(|f| score::Aggregate::from_forecaster(f).is_none())
        .cloned()
        .collect();
    crate::ledger::check_filters(db, q.source.as_deref(), q.tag.as_deref(), &real)?;
    Ok(())
}

/// Scores what the filters cover and groups it.
pub fn compute(
    ctx: &Ctx,
    store: &crate::store::Store,
    filters: &Filters,
    by: GroupBy,
    bins: usize,
    resampling: &ResampleArgs,
) -> anyhow::Result<(Query, report::Scoring, Vec<Group>)> {
    if !(1..=score::MAX_BINS).contains(&bins) {
        return Err(crate::domain::InputError::new(
            "--bins",
            &bins.to_string(),
            &format!("expected a whole number from 1 to {}", score::MAX_BINS),
        )
        .into());
    }
    let resampling = resampling.resampling()?;
    let q = filters.query(ctx)?;
    let db = store.read()?;
    check_filters(&db, &q)?;
    let scoring = report::load(&db, &q)?;
    drop(db);
    let mut grouped: BTreeMap<GroupKey, Vec<&PairScore>> = BTreeMap::new();
    let mut platform: BTreeMap<GroupKey, Vec<&score::PlatformScore>> = BTreeMap::new();
    for it in &scoring.items {
        for k in report::group_keys(by, &scoring.claims[it.claim], &it.score) {
            grouped.entry(k.clone()).or_default().push(&it.score);
            platform.entry(k).or_default().push(&it.platform);
        }
    }
    let grouped: Vec<(String, Vec<&PairScore>)> =
        grouped.into_iter().map(|((_, key), v)| (key, v)).collect();
    let mut groups = group_all(&grouped, bins, &resampling);
    let marks = score::overlaps_best(
        &groups
            .iter()
            .map(|g| {
                let ci = g.intervals.brier_ci_low.zip(g.intervals.brier_ci_high);
                (g.metrics.brier, ci)
            })
            .collect::<Vec<_>>(),
    );
    for (g, mark) in groups.iter_mut().zip(marks) {
        g.overlaps_best = mark;
    }
    // `group_all` keeps the groups in key order, as `platform` holds them.
    for (g, (_, scores)) in groups.iter_mut().zip(platform) {
        g.platform = score::platform_metrics(scores);
    }
    Ok((q, scoring, groups))
}

/// One group's metrics, CORP calibration and intervals.
fn group(key: &str, items: &[&PairScore], bins: usize, r: &Resampling) -> Group {
    let metrics = score::metrics(items.iter().copied(), bins);
    let obs = score::observations(items.iter().copied());
    Group {
        key: key.to_string(),
        metrics,
        intervals: score::bootstrap(items.iter().copied(), r, key),
        overlaps_best: None,
        corp: score::corp_with_band(&obs, r, key),
        platform: score::PlatformMetrics::default(),
    }
}

/// Every group, computed on as many threads as there are cores: each group draws from
/// its own seeded stream, so the split cannot change a number. Groups come back in the
/// order given.
fn group_all(grouped: &[(String, Vec<&PairScore>)], bins: usize, r: &Resampling) -> Vec<Group> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(grouped.len());
    if threads <= 1 {
        return grouped
            .iter()
            .map(|(k, items)| group(k, items, bins, r))
            .collect();
    }
    // Deal the groups out round-robin so that large and small ones mix.
    let mut slots: Vec<Option<Group>> = (0..grouped.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..grouped.len())
                        .step_by(threads)
                        .map(|i| (i, group(&grouped[i].0, &grouped[i].1, bins, r)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A panic in a worker is a bug; pass it on as one.
            let done = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            for (i, g) in done {
                slots[i] = Some(g);
            }
        }
    });
    slots.into_iter().flatten().collect()
}

pub fn run(a: ReportArgs, ctx: &Ctx) -> anyhow::Result<()> {
    if a.format == Format::Html && a.output.is_none() {
        return Err(crate::error::Refused(
            "--format: html writes a self-contained file; expected -o FILE.html as well".into(),
        )
        .into());
    }
    let store = ctx.open()?;
    let (q, scoring, groups) = compute(ctx, &store, &a.filters, a.by, a.bins, &a.resampling)?;
    let text = match a.format {
        Format::Json => serde_json::to_string_pretty(&ReportJson {
            as_of: q.as_of,
            rule: q.rule,
            bins: a.bins,
            by: a.by,
            live_only: q.live_only,
            resamples: a.resampling.resamples,
            seed: a.resampling.seed,
            groups,
        })?,
        Format::Csv => csv_text(&groups, a.calibration, a.curve)?,
        Format::Table => table_text(&a.filters.describe(&q), a.by, &groups),
        Format::Html => super::html::page(
            &store,
            &a.filters,
            a.by,
            &q,
            &scoring,
            &groups,
            &a.resampling,
        )?,
    };
    match &a.output {
        Some(path) => std::fs::write(path, text.as_bytes()).map_err(|e| {
            crate::error::Refused(format!("--output: cannot write '{}': {e}", path.display()))
        })?,
        None if a.format == Format::Table => render::out(&text)?,
        None => render::out_data(&text)?,
    }
    Ok(())
}

/// A group's metrics as one flat row (calibration left out): a CSV row, and a column of
/// the HTML summary. Its field order is the CSV's column order.
pub fn group_row(g: &Group) -> crate::render::html::HtmlGroup {
    let m = &g.metrics;
    crate::render::html::HtmlGroup {
        key: g.key.clone(),
        n: m.n as u64,
        late: m.late as u64,
        pending: m.pending as u64,
        annulled: m.annulled as u64,
        ambiguous: m.ambiguous as u64,
        brier: m.brier,
        log_loss: m.log_loss,
        mean_p: m.mean_p,
        base_rate: m.base_rate,
        uncertainty: m.uncertainty,
        reliability: m.reliability,
        resolution: m.resolution,
        within_bin_variance: m.within_bin_variance,
        within_bin_covariance: m.within_bin_covariance,
        brier_skill: m.brier_skill,
        discrimination: m.discrimination,
        coverage: m.coverage,
        brier_ci_low: g.intervals.brier_ci_low,
        brier_ci_high: g.intervals.brier_ci_high,
        log_loss_ci_low: g.intervals.log_loss_ci_low,
        log_loss_ci_high: g.intervals.log_loss_ci_high,
        overlaps_best: g.overlaps_best,
        corp_brier_mcb: g.corp.as_ref().map(|c| c.brier.mcb),
        corp_brier_dsc: g.corp.as_ref().map(|c| c.brier.dsc),
        corp_brier_unc: g.corp.as_ref().map(|c| c.brier.unc),
        corp_brier_mcb_p: g.corp.as_ref().and_then(|c| c.brier.mcb_p_value),
        corp_log_loss_mcb: g.corp.as_ref().map(|c| c.log_loss.mcb),
        corp_log_loss_dsc: g.corp.as_ref().map(|c| c.log_loss.dsc),
        corp_log_loss_unc: g.corp.as_ref().map(|c| c.log_loss.unc),
        corp_log_loss_mcb_p: g.corp.as_ref().and_then(|c| c.log_loss.mcb_p_value),
        baseline: g.platform.baseline,
        peer: g.platform.peer,
        baseline_sum: g.platform.baseline_sum,
        peer_sum: g.platform.peer_sum,
        relative_brier: g.platform.relative_brier,
    }
}

/// One point of a group's CORP curve, as a CSV row.
#[derive(serde::Serialize)]
struct CsvCurvePoint<'a> {
    key: &'a str,
    p: f64,
    recalibrated: f64,
    n: f64,
    band_low: Option<f64>,
    band_high: Option<f64>,
}

#[derive(serde::Serialize)]
struct CsvBin<'a> {
    key: &'a str,
    bin: usize,
    lo: f64,
    hi: f64,
    n: f64,
    mean_p: Option<f64>,
    freq: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
}

impl<'a> CsvBin<'a> {
    fn new(key: &'a str, bin: usize, b: &CalibrationBin) -> Self {
        CsvBin {
            key,
            bin,
            lo: b.lo,
            hi: b.hi,
            n: b.n,
            mean_p: b.mean_p,
            freq: b.freq,
            ci_low: b.ci_low,
            ci_high: b.ci_high,
        }
    }
}

fn csv_text(groups: &[Group], calibration: bool, curve: bool) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for g in groups {
        if curve {
            for pt in g.corp.iter().flat_map(|c| &c.curve) {
                w.serialize(CsvCurvePoint {
                    key: &g.key,
                    p: pt.p,
                    recalibrated: pt.recalibrated,
                    n: pt.n,
                    band_low: pt.band_low,
                    band_high: pt.band_high,
                })?;
            }
        } else if calibration {
            for (i, b) in g.metrics.calibration.iter().enumerate() {
                w.serialize(CsvBin::new(&g.key, i, b))?;
            }
        } else {
            w.serialize(group_row(g))?;
        }
    }
    let text = String::from_utf8(w.into_inner()?)?;
    if !text.is_empty() {
        return Ok(text);
    }
    // Nothing to score: still say which columns there would be, so that a script reading
    // the file finds its header.
    let mut w = csv::Writer::from_writer(Vec::new());
    if calibration {
        let bin = CalibrationBin {
            lo: 0.0,
            hi: 1.0,
            n: 0.0,
            mean_p: None,
            freq: None,
            ci_low: None,
            ci_high: None,
        };
        w.serialize(CsvBin::new("", 0, &bin))?;
    } else {
        w.serialize(crate::render::html::HtmlGroup::default())?;
    }
    let sample = String::from_utf8(w.into_inner()?)?;
    Ok(sample
        .lines()
        .next()
        .map(|h| format!("{h}\n"))
        .unwrap_or_default())
}

pub fn table_text(description: &str, by: GroupBy, groups: &[Group]) -> String {
    let by_name = serde_json::to_value(by)
        .ok()
        .and_then(|v| v.as_str().map(str::to_uppercase))
        .unwrap_or_default();
    // Kept within 100 columns: the late count only where there are late pairs; mean
    // forecast and base rate are in JSON, CSV and HTML (and per bin below for one group).
    let any_late = groups.iter().any(|g| g.metrics.late > 0);
    let mut headers = vec![by_name.as_str(), "N"];
    if any_late {
        headers.push("LATE");
    }
    headers.extend([
        "PEND.",
        "ANNUL.",
        "AMBIG.",
        "BRIER (95% CI)",
        "LOG LOSS (95% CI)",
        "SKILL",
    ]);
    let mut t = render::table::new(&headers);
    // The best group always overlaps itself: mark only when another one does too.
    let marked = groups
        .iter()
        .filter(|g| g.overlaps_best == Some(true))
        .count()
        > 1;
    for g in groups {
        let m = &g.metrics;
        let i = &g.intervals;
        let mark = if marked && g.overlaps_best == Some(true) {
            " ≈"
        } else {
            ""
        };
        let mut row = vec![render::truncate(&g.key, 16), m.n.to_string()];
        if any_late {
            row.push(m.late.to_string());
        }
        row.extend([
            m.pending.to_string(),
            m.annulled.to_string(),
            m.ambiguous.to_string(),
            format!(
                "{}{}{mark}",
                render::metric(m.brier),
                interval(i.brier_ci_low, i.brier_ci_high)
            ),
            format!(
                "{}{}",
                render::metric(m.log_loss),
                interval(i.log_loss_ci_low, i.log_loss_ci_high)
            ),
            render::metric(m.brier_skill),
        ]);
        t.add_row(row);
    }
    let mut text = format!("{description}\n");
    if groups.is_empty() {
        text.push_str("nothing to score: no forecasts match\n");
        return text;
    }
    text.push_str(&render::table::render(&t));
    if marked {
        text.push_str(
            "≈ Brier interval overlaps the best one's: on this evidence the two cannot be told apart\n",
        );
    }
    text.push_str(&platform_table(&by_name, groups));
    if let [only] = groups {
        text.push('\n');
        text.push_str(&calibration_table(&only.metrics));
        if let Some(c) = &only.corp {
            text.push('\n');
            text.push_str(&corp_table(c));
        }
    }
    text
}

/// The platforms' scores of each group, in a table of their own so that the main one
/// stays narrow: Metaculus's baseline and peer scores (means and sums, in points) and the
/// mean Brier score relative to the crowd median's.
fn platform_table(by_name: &str, groups: &[Group]) -> String {
    let mut t = render::table::new(&[
        by_name,
        "BASELINE",
        "PEER",
        "BASELINE SUM",
        "PEER SUM",
        "BRIER VS CROWD",
    ]);
    for g in groups {
        let p = &g.platform;
        t.add_row(vec![
            render::truncate(&g.key, 22),
            render::points(p.baseline),
            render::points(p.peer),
            render::points(p.baseline_sum),
            render::points(p.peer_sum),
            p.relative_brier
                .map(|r| format!("{r:+.3}"))
                .unwrap_or_else(|| "–".into()),
        ]);
    }
    format!(
        "\nscores as platforms publish them (baseline, peer: Metaculus; Brier vs the crowd median)\n{}",
        render::table::render(&t)
    )
}

/// A 95% interval as ` (.051–.146)` (a leading zero dropped to keep tables narrow), or
/// nothing when there is none.
fn interval(low: Option<f64>, high: Option<f64>) -> String {
    let short = |v: f64| {
        let text = render::metric(Some(v));
        match text.strip_prefix("0.") {
            Some(rest) => format!(".{rest}"),
            None => text,
        }
    };
    match (low, high) {
        (Some(l), Some(h)) => format!(" ({}–{})", short(l), short(h)),
        _ => String::new(),
    }
}

/// One group's CORP calibration: the PAV steps (runs of forecast values that share one
/// recalibrated value), and the decomposition of both scores.
pub fn corp_table(c: &Corp) -> String {
    let mut t = render::table::new(&["FORECASTS", "N", "RECALIBRATED"]);
    let mut start = 0;
    while start < c.curve.len() {
        let r = c.curve[start].recalibrated;
        let end = c.curve[start..]
            .iter()
            .position(|pt| pt.recalibrated != r)
            .map_or(c.curve.len(), |k| start + k);
        let (lo, hi) = (c.curve[start].p, c.curve[end - 1].p);
        let n: f64 = c.curve[start..end].iter().map(|pt| pt.n).sum();
        let range = if lo == hi {
            render::percent(lo)
        } else {
            format!("{}–{}", render::percent(lo), render::percent(hi))
        };
        t.add_row(vec![range, render::count(n), render::percent(r)]);
        start = end;
    }
    let mut out = String::from("CORP calibration (isotonic recalibration of the forecasts)\n");
    out.push_str(&render::table::render(&t));
    for (name, d) in [("Brier", &c.brier), ("log loss", &c.log_loss)] {
        out.push_str(&format!(
            "{name} = MCB {} − DSC {} + UNC {}",
            render::metric(Some(d.mcb)),
            render::metric(Some(d.dsc)),
            render::metric(Some(d.unc)),
        ));
        if let Some(p) = d.mcb_p_value {
            out.push_str(&format!(" · MCB p-value {p:.3}"));
        }
        out.push('\n');
    }
    out.push_str(
        "MCB miscalibration, DSC discrimination, UNC uncertainty (always saying the base rate)\n",
    );
    if c.resamples > 0 {
        out.push_str(&format!(
            "p-value: share of {} resamples drawn as if the forecasts were calibrated that miscalibrate as much\n",
            c.resamples
        ));
    }
    out
}

/// The calibration of one group, one line per bin, with a bar of the observed frequency
/// and a tick where the mean forecast lies.
pub fn calibration_table(m: &Metrics) -> String {
    const BAR: usize = 20;
    let mut t = render::table::new(&[
        "BIN",
        "N",
        "MEAN P",
        "OBSERVED",
        "95% CI",
        "OBSERVED (█) VS FORECAST (┃)",
    ]);
    for b in &m.calibration {
        let bar = match (b.freq, b.mean_p) {
            (Some(f), Some(p)) => {
                let filled = (f * BAR as f64).round() as usize;
                let tick = ((p * BAR as f64).round() as usize).min(BAR - 1);
                (0..BAR)
                    .map(|i| {
                        if i == tick {
                            '┃'
                        } else if i < filled {
                            '█'
                        } else {
                            '·'
                        }
                    })
                    .collect()
            }
            _ => String::new(),
        };
        let ci = match (b.ci_low, b.ci_high) {
            (Some(l), Some(h)) => {
                format!("{}–{}", render::percent_round(l), render::percent_round(h))
            }
            _ => String::new(),
        };
        t.add_row(vec![
            format!(
                "{}–{}",
                render::percent_round(b.lo),
                render::percent_round(b.hi)
            ),
            render::count(b.n),
            b.mean_p.map(render::percent_round).unwrap_or_default(),
            b.freq.map(render::percent_round).unwrap_or_default(),
            ci,
            bar,
        ]);
    }
    let mut out = String::from("calibration\n");
    out.push_str(&render::table::render(&t));
    out.push_str(&format!(
        "reliability {} · resolution {} · uncertainty {} · within-bin variance {} · within-bin covariance {}\n",
        render::metric(m.reliability),
        render::metric(m.resolution),
        render::metric(m.uncertainty),
        render::metric(m.within_bin_variance),
        render::metric(m.within_bin_covariance),
    ));
    if let Some(d) = m.discrimination {
        out.push_str(&format!(
            "discrimination {d:.3} (mean p on yes minus mean p on no)\n"
        ));
    }
    if let Some(c) = m.coverage {
        out.push_str(&format!(
            "coverage {:.0}% of the open time had a standing forecast\n",
            c * 100.0
        ));
    }
    out
}
