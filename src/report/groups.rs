//! A report's groups: the scored pairs of a query, grouped by forecaster, author, tag, …,
//! each with its metrics, intervals, CORP calibration and platform scores. Every report
//! output (`report` in all formats, `chart`, the HTML page, `demo`) is made from these.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::columns::COLUMNS;
use super::{group_keys, load, GroupBy, GroupKey, Query, Scoring};
use crate::score::{self, Corp, Intervals, Metrics, PairScore, Resampling};
use crate::store::Db;

/// One group of a report: its key, metrics, intervals, CORP calibration and platform
/// scores. Its data form (JSON) is the key, every column of [`COLUMNS`] in order, then
/// the calibration bins and the CORP curve.
pub struct Group {
    pub key: String,
    pub metrics: Metrics,
    /// 95% bootstrap intervals of the mean Brier score and log loss.
    pub intervals: Intervals,
    /// Whether the Brier interval overlaps that of the group with the best (lowest)
    /// Brier score: if so, the two cannot be told apart on this evidence.
    pub overlaps_best: Option<bool>,
    /// CORP calibration: PAV recalibration and the MCB/DSC/UNC decomposition.
    pub corp: Option<Corp>,
    /// Baseline and peer scores and the Brier score relative to the crowd median.
    pub platform: score::PlatformMetrics,
    /// 95% bootstrap intervals of the mean baseline and peer scores.
    pub platform_intervals: score::PlatformIntervals,
}

impl Serialize for Group {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(COLUMNS.len() + 3))?;
        map.serialize_entry("key", &self.key)?;
        for c in COLUMNS {
            map.serialize_entry(c.name, &(c.value)(self))?;
        }
        map.serialize_entry("calibration", &self.metrics.calibration)?;
        map.serialize_entry("corp", &self.corp)?;
        map.end()
    }
}

/// Refuses filters that name what the ledger does not hold. The crowds' names
/// (`crowd:median`, ...) are not in the ledger: the query turned them into crowds
/// to score.
pub fn check_filters(db: &Db<'_>, q: &Query) -> anyhow::Result<()> {
    let real: Vec<String> = q
        .forecasters
        .iter()
        .filter(|f| score::Aggregate::from_forecaster(f).is_none())
        .cloned()
        .collect();
    crate::ledger::check_filters(db, q.source.as_deref(), q.tag.as_deref(), &real)?;
    Ok(())
}

/// Scores what `q` covers on `db` (one read snapshot: the caller's) and groups it `by`,
/// with `bins` calibration bins and the intervals and bands `resampling` asks for.
pub fn compute(
    db: &Db<'_>,
    q: &Query,
    by: GroupBy,
    bins: usize,
    resampling: &Resampling,
) -> anyhow::Result<(Scoring, Vec<Group>)> {
    if !(1..=score::MAX_BINS).contains(&bins) {
        return Err(crate::domain::InputError::new(
            "--bins",
            &bins.to_string(),
            &format!("expected a whole number from 1 to {}", score::MAX_BINS),
        )
        .into());
    }
    check_filters(db, q)?;
    let scoring = load(db, q)?;
    let mut grouped: BTreeMap<GroupKey, Vec<&PairScore>> = BTreeMap::new();
    let mut platform: BTreeMap<GroupKey, Vec<(&PairScore, &score::PlatformScore)>> =
        BTreeMap::new();
    for it in &scoring.items {
        for k in group_keys(by, &scoring.claims[it.claim], &it.score) {
            grouped.entry(k.clone()).or_default().push(&it.score);
            platform
                .entry(k)
                .or_default()
                .push((&it.score, &it.platform));
        }
    }
    let grouped: Vec<(String, Vec<&PairScore>)> =
        grouped.into_iter().map(|((_, key), v)| (key, v)).collect();
    let mut groups = group_all(&grouped, bins, resampling);
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
        g.platform = score::platform_metrics(scores.iter().map(|s| s.1));
        g.platform_intervals =
            score::bootstrap_platform(scores.iter().copied(), resampling, &g.key);
    }
    Ok((scoring, groups))
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
        platform_intervals: score::PlatformIntervals::default(),
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
