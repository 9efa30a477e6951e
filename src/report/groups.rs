//! A report's groups: the scored pairs of a query, grouped by forecaster, author, tag, …,
//! each with its metrics, intervals, CORP calibration and platform scores. Every report
//! output (`report` in all formats, `chart`, the HTML page, `demo`) is made from these.

use rustc_hash::FxHashMap;
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::columns::COLUMNS;
use super::{
    each_scored_claim, group_keys, load, read, GroupBy, GroupKey, Query, ReportClaim, Scoring,
    Wanted, SPLIT_FROM,
};
use crate::score::{self, Corp, Intervals, Metrics, PairScore, Resampling};
use crate::store::{Db, StoreError};

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

/// Refuses a number of calibration bins outside 1..=[`score::MAX_BINS`].
fn check_bins(bins: usize) -> anyhow::Result<()> {
    if !(1..=score::MAX_BINS).contains(&bins) {
        return Err(crate::domain::InputError::new(
            "--bins",
            &bins.to_string(),
            &format!("expected a whole number from 1 to {}", score::MAX_BINS),
        )
        .into());
    }
    Ok(())
}

/// Scores what `q` covers on `db` (one read snapshot: the caller's) and groups it `by`,
/// with `bins` calibration bins and the intervals and bands `resampling` asks for; the
/// scored items come too, for outputs that show pairs (the HTML page, the history
/// chart). [`compute_groups`] gives the same groups without holding the items.
pub fn compute(
    db: &Db<'_>,
    q: &Query,
    by: GroupBy,
    bins: usize,
    resampling: &Resampling,
) -> anyhow::Result<(Scoring, Vec<Group>)> {
    check_bins(bins)?;
    check_filters(db, q)?;
    let scoring = load(db, q)?;
    let key_order = key_order(&scoring.claims, resampling);
    let mut fold = Fold::new(by, &scoring.claims, resampling, &key_order);
    for it in &scoring.items {
        fold.add(it.claim, &it.score, &it.platform);
    }
    let groups = fold.finish(bins, resampling);
    Ok((scoring, groups))
}

/// The groups of [`compute`], folded claim by claim as the pairs are scored: no pair is
/// kept once it has been added to its groups.
pub fn compute_groups(
    db: &Db<'_>,
    q: &Query,
    by: GroupBy,
    bins: usize,
    resampling: &Resampling,
) -> anyhow::Result<Vec<Group>> {
    check_bins(bins)?;
    check_filters(db, q)?;
    Ok(folded_groups(db, q, by, bins, resampling, SPLIT_FROM)?)
}

/// The groups of [`compute_groups`], the claims scored on several threads from
/// `split_from` forecasts on.
pub(super) fn folded_groups(
    db: &Db<'_>,
    q: &Query,
    by: GroupBy,
    bins: usize,
    resampling: &Resampling,
    split_from: i64,
) -> Result<Vec<Group>, StoreError> {
    let wanted = Wanted {
        statements: false,
        tags: by == GroupBy::Tag,
    };
    let read = read(db, q, split_from, wanted)?;
    let claims = &read.claims;
    let key_order = key_order(claims, resampling);
    let folds = each_scored_claim(
        db,
        q,
        &read,
        split_from,
        || Fold::new(by, claims, resampling, &key_order),
        |fold, i, scored| {
            for s in scored.iter().filter(|s| q.shows(&s.score.forecaster)) {
                fold.add(i, &s.score, &s.platform);
            }
        },
    )?;
    let mut folds = folds.into_iter();
    let Some(mut fold) = folds.next() else {
        return Ok(Vec::new());
    };
    for other in folds {
        fold.merge(other);
    }
    Ok(fold.finish(bins, resampling))
}

/// A report's groups being filled pair by pair: each group's label, its place in the
/// report and its [`score::Tally`].
struct Fold<'a> {
    by: GroupBy,
    claims: &'a [ReportClaim],
    resampling: &'a Resampling,
    /// Each claim's place in claim-key order (see [`key_order`]).
    key_order: &'a [u32],
    slots: FxHashMap<String, u32>,
    keys: Vec<GroupKey>,
    tallies: Vec<score::Tally>,
    /// The claim last added and its groups, when they depend on the claim only.
    current: Option<(usize, Vec<u32>)>,
    horizons: [Option<u32>; 4],
}

/// Each claim's place in claim-key order (what the bootstrap draws from), or nothing
/// with resampling off.
fn key_order(claims: &[ReportClaim], resampling: &Resampling) -> Vec<u32> {
    if resampling.resamples == 0 {
        return Vec::new();
    }
    let mut by_key: Vec<u32> = (0..claims.len() as u32).collect();
    by_key.sort_by(|&a, &b| {
        claims[a as usize]
            .facts
            .key
            .cmp(&claims[b as usize].facts.key)
    });
    let mut places = vec![0; claims.len()];
    for (place, &i) in by_key.iter().enumerate() {
        places[i as usize] = place as u32;
    }
    places
}

impl<'a> Fold<'a> {
    fn new(
        by: GroupBy,
        claims: &'a [ReportClaim],
        resampling: &'a Resampling,
        key_order: &'a [u32],
    ) -> Self {
        Fold {
            by,
            claims,
            resampling,
            key_order,
            slots: FxHashMap::default(),
            keys: Vec::new(),
            tallies: Vec::new(),
            current: None,
            horizons: [None; 4],
        }
    }

    /// Adds the groups of `other`, made over other claims, to these.
    fn merge(&mut self, other: Fold<'_>) {
        for ((order, label), tally) in other.keys.into_iter().zip(other.tallies) {
            let slot = self.slot((order, &label));
            self.tallies[slot as usize].merge(tally);
        }
    }

    /// The group with this key, made if new.
    fn slot(&mut self, (order, label): (u8, &str)) -> u32 {
        if let Some(&slot) = self.slots.get(label) {
            return slot;
        }
        let slot = self.tallies.len() as u32;
        self.slots.insert(label.to_string(), slot);
        self.keys.push((order, label.to_string()));
        self.tallies.push(score::Tally::new(self.resampling));
        slot
    }

    /// Adds a pair of claim `claim` (an index into the claims) to each of its groups
    /// (see [`group_keys`]). A claim's pairs come one after the other.
    fn add(&mut self, claim: usize, pair: &PairScore, platform: &score::PlatformScore) {
        let place = self.key_order.get(claim).copied().unwrap_or(0);
        match self.by {
            GroupBy::Forecaster => {
                let slot = self.slot((0, &pair.forecaster));
                self.tallies[slot as usize].add(place, pair, platform);
            }
            GroupBy::Horizon => {
                let h = score::horizon(pair.horizon_from, self.claims[claim].facts.resolve_by);
                let slot = match self.horizons[h as usize] {
                    Some(slot) => slot,
                    None => {
                        let slot = self.slot((h as u8, h.as_str()));
                        self.horizons[h as usize] = Some(slot);
                        slot
                    }
                };
                self.tallies[slot as usize].add(place, pair, platform);
            }
            _ => {
                if self.current.as_ref().is_none_or(|c| c.0 != claim) {
                    let keys = group_keys(self.by, &self.claims[claim], pair);
                    let slots = keys.iter().map(|(o, l)| self.slot((*o, l))).collect();
                    self.current = Some((claim, slots));
                }
                if let Some((_, slots)) = &self.current {
                    for &slot in slots {
                        self.tallies[slot as usize].add(place, pair, platform);
                    }
                }
            }
        }
    }

    /// Every group in key order with its numbers, and whether its Brier interval
    /// overlaps the best group's.
    fn finish(self, bins: usize, r: &Resampling) -> Vec<Group> {
        let mut groups: Vec<(GroupKey, score::Tally)> =
            self.keys.into_iter().zip(self.tallies).collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        let mut groups = finish_all(groups, bins, r);
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
        groups
    }
}

/// One group's numbers.
fn finish_one(key: String, tally: score::Tally, bins: usize, r: &Resampling) -> Group {
    let s = tally.finish(&key, bins, r);
    Group {
        key,
        metrics: s.metrics,
        intervals: s.intervals,
        overlaps_best: None,
        corp: s.corp,
        platform: s.platform,
        platform_intervals: s.platform_intervals,
    }
}

/// Every group, finished on as many threads as there are cores: each group draws from
/// its own seeded stream, so the split cannot change a number. Groups come back in the
/// order given.
fn finish_all(groups: Vec<(GroupKey, score::Tally)>, bins: usize, r: &Resampling) -> Vec<Group> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(groups.len());
    if threads <= 1 {
        return groups
            .into_iter()
            .map(|((_, key), tally)| finish_one(key, tally, bins, r))
            .collect();
    }
    // Deal the groups out round-robin so that large and small ones mix.
    let n = groups.len();
    let mut hands: Vec<Vec<(usize, String, score::Tally)>> =
        (0..threads).map(|_| Vec::new()).collect();
    for (i, ((_, key), tally)) in groups.into_iter().enumerate() {
        hands[i % threads].push((i, key, tally));
    }
    let mut slots: Vec<Option<Group>> = (0..n).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = hands
            .into_iter()
            .map(|hand| {
                scope.spawn(move || {
                    hand.into_iter()
                        .map(|(i, key, tally)| (i, finish_one(key, tally, bins, r)))
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
