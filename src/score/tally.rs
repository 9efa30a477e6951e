//! A group's scored pairs folded one at a time, so that a report can score a million
//! pairs without holding them: what the group's metrics, CORP calibration, intervals
//! and platform scores need, and nothing per pair that they do not.
//!
//! Every number comes out bit for bit as from the functions that take the pairs
//! themselves ([`metrics`](super::metrics), [`corp_with_band`](super::corp_with_band),
//! [`bootstrap`](super::bootstrap), [`platform_metrics`](super::platform_metrics),
//! [`bootstrap_platform`](super::bootstrap_platform)): those sort what they sum first,
//! so a group's samples are kept as a count of each distinct `(p, outcome, weight)`
//! and replayed in that order; the intervals need one entry per claim, kept only when
//! resampling is on.

use rustc_hash::FxHashMap;

use super::corp::{self, Corp, Obs};
use super::metrics::{self, Counts, Metrics, Sample};
use super::platform::{platform_metrics_of, PlatformMetrics, PlatformScore};
use super::resample::{
    add_platform, bootstrap_claims, bootstrap_platform_claims, corp_with_band_runs, Intervals,
    PlatformIntervals, Resampling,
};
use super::select::PairScore;
use super::status::Status;

/// One group's pairs, folded. Feed it with [`Tally::add`], pairs of one claim one after
/// the other (as a report scores them, claim by claim), then [`Tally::finish`].
#[derive(Debug, Clone, Default)]
pub struct Tally {
    counts: Counts,
    samples: Samples,
    coverages: Vec<f64>,
    baseline: Vec<f64>,
    peer: Vec<f64>,
    relative_brier: Vec<f64>,
    /// With resampling on: per claim (its place in claim-key order; pairs, Brier sum,
    /// log loss sum) of the scored pairs, and (its place; the sums of
    /// [`add_platform`]) of the pairs with a baseline or peer score.
    resampled: bool,
    claims: Vec<(u32, (f64, f64, f64))>,
    platform_claims: Vec<(u32, [f64; 4])>,
}

/// A group's samples. While each is one `latest` or `first` counts (weight 1, `p` without
/// a sign bit) they are only appended, packed as `p bits << 1 | yes`: a report adds a
/// million pairs to a thousand groups, and a probe into each group's table of counts
/// would miss the cache nearly every time. The first other sample turns them into
/// counts of each distinct `(p bits, w bits, yes)`.
#[derive(Debug, Clone)]
enum Samples {
    Unit(Vec<u64>),
    Counted(FxHashMap<(u64, u64, bool), u64>),
}

impl Default for Samples {
    fn default() -> Self {
        Samples::Unit(Vec::new())
    }
}

const ONE: u64 = 0x3FF0_0000_0000_0000; // 1.0f64.to_bits()

impl Samples {
    fn add(&mut self, p: f64, w: f64, yes: bool) {
        let (p, w) = (p.to_bits(), w.to_bits());
        if let Samples::Unit(keys) = self {
            if w == ONE && p >> 63 == 0 {
                keys.push(p << 1 | u64::from(yes));
                return;
            }
            *self = Samples::Counted(Self::counts_of(keys));
        }
        if let Samples::Counted(counts) = self {
            *counts.entry((p, w, yes)).or_default() += 1;
        }
    }

    fn counts_of(keys: &[u64]) -> FxHashMap<(u64, u64, bool), u64> {
        let mut counts: FxHashMap<(u64, u64, bool), u64> = FxHashMap::default();
        for &k in keys {
            *counts.entry((k >> 1, ONE, k & 1 == 1)).or_default() += 1;
        }
        counts
    }

    fn merge(&mut self, other: Samples) {
        match (&mut *self, other) {
            (Samples::Unit(mine), Samples::Unit(theirs)) => mine.extend(theirs),
            (Samples::Counted(mine), Samples::Counted(theirs)) => {
                for (sample, k) in theirs {
                    *mine.entry(sample).or_default() += k;
                }
            }
            (Samples::Counted(mine), Samples::Unit(theirs)) => {
                for (sample, k) in Self::counts_of(&theirs) {
                    *mine.entry(sample).or_default() += k;
                }
            }
            (Samples::Unit(mine), Samples::Counted(mut theirs)) => {
                for (sample, k) in Self::counts_of(mine) {
                    *theirs.entry(sample).or_default() += k;
                }
                *self = Samples::Counted(theirs);
            }
        }
    }

    /// Each distinct sample with how many times it occurs, in [`metrics::sample_order`].
    fn counted(self) -> Vec<(Sample, u64)> {
        let mut counted: Vec<(Sample, u64)> = match self {
            Samples::Unit(mut keys) => {
                // For p without a sign bit, the order of the bits is `total_cmp`'s, and
                // no before yes: the packed keys sort as `sample_order` does.
                keys.sort_unstable();
                return keys
                    .chunk_by(|a, b| a == b)
                    .map(|run| {
                        let k = run[0];
                        let p = f64::from_bits(k >> 1);
                        (
                            Sample {
                                p,
                                yes: k & 1 == 1,
                                w: 1.0,
                            },
                            run.len() as u64,
                        )
                    })
                    .collect();
            }
            Samples::Counted(counts) => counts
                .into_iter()
                .map(|((p, w, yes), k)| {
                    let (p, w) = (f64::from_bits(p), f64::from_bits(w));
                    (Sample { p, yes, w }, k)
                })
                .collect(),
        };
        // The samples are distinct (each counted once), so no two compare equal.
        counted.sort_unstable_by(|a, b| metrics::sample_order(&a.0, &b.0));
        counted
    }
}

/// What [`Tally::finish`] computes for a group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupScores {
    pub metrics: Metrics,
    pub intervals: Intervals,
    pub corp: Option<Corp>,
    pub platform: PlatformMetrics,
    pub platform_intervals: PlatformIntervals,
}

impl Tally {
    /// An empty group, to be finished with the same resampling `r` (with resampling on
    /// it keeps what the bootstrap intervals need).
    pub fn new(r: &Resampling) -> Self {
        Tally {
            resampled: r.resamples > 0,
            ..Tally::default()
        }
    }

    /// Adds one pair of the claim at `claim` in claim-key order (two claims never share
    /// a place). The pairs of one claim must come one after the other, in the order the
    /// pair-taking functions would see them.
    pub fn add(&mut self, claim: u32, pair: &PairScore, platform: &PlatformScore) {
        // As `metrics`: a late pair counts as late and adds nothing else, a scored one its
        // samples and coverage.
        if pair.late {
            self.counts.late += 1;
        } else {
            match pair.status {
                Status::Scored(yes) => {
                    self.counts.scored += 1;
                    for &(p, w) in pair.samples() {
                        self.samples.add(p, w, yes);
                    }
                    self.coverages.extend(pair.coverage);
                }
                Status::Pending => self.counts.pending += 1,
                Status::Annulled => self.counts.annulled += 1,
                Status::Ambiguous => self.counts.ambiguous += 1,
            }
        }
        self.baseline.extend(platform.baseline);
        self.peer.extend(platform.peer);
        self.relative_brier.extend(platform.relative_brier);
        if !self.resampled {
            return;
        }
        if let (Some(b), Some(l)) = (pair.brier, pair.log_loss) {
            if self.claims.last().is_none_or(|c| c.0 != claim) {
                self.claims.push((claim, (0.0, 0.0, 0.0)));
            }
            if let Some((_, c)) = self.claims.last_mut() {
                c.0 += 1.0;
                c.1 += b;
                c.2 += l;
            }
        }
        if platform.baseline.is_some() || platform.peer.is_some() {
            if self.platform_claims.last().is_none_or(|c| c.0 != claim) {
                self.platform_claims.push((claim, [0.0; 4]));
            }
            if let Some((_, c)) = self.platform_claims.last_mut() {
                add_platform(c, platform);
            }
        }
    }

    /// Adds another tally of the same group, made for the same resampling over other
    /// claims.
    pub fn merge(&mut self, other: Tally) {
        let c = &mut self.counts;
        c.scored += other.counts.scored;
        c.late += other.counts.late;
        c.pending += other.counts.pending;
        c.annulled += other.counts.annulled;
        c.ambiguous += other.counts.ambiguous;
        self.samples.merge(other.samples);
        self.coverages.extend(other.coverages);
        self.baseline.extend(other.baseline);
        self.peer.extend(other.peer);
        self.relative_brier.extend(other.relative_brier);
        self.claims.extend(other.claims);
        self.platform_claims.extend(other.platform_claims);
    }

    /// The group's metrics with `bins` calibration bins, its CORP calibration, intervals
    /// and platform scores; `key` names its random streams and `r` is the resampling the
    /// tally was made for.
    pub fn finish(self, key: &str, bins: usize, r: &Resampling) -> GroupScores {
        let counted = self.samples.counted();
        let coverage = metrics::sorted_mean(self.coverages);
        let metrics = metrics::from_runs(self.counts, &counted, bins, coverage);
        let obs = corp::runs(counted.iter().map(|&(s, k)| {
            let Sample { p, yes, w } = s;
            (Obs { p, yes, w }, k)
        }));
        let corp = corp_with_band_runs(&obs, r, key);
        let mut claims = self.claims;
        claims.sort_by_key(|c| c.0);
        let claims: Vec<(f64, f64, f64)> = claims.into_iter().map(|c| c.1).collect();
        let mut platform_claims = self.platform_claims;
        platform_claims.sort_by_key(|c| c.0);
        let platform_claims: Vec<[f64; 4]> = platform_claims.into_iter().map(|c| c.1).collect();
        GroupScores {
            metrics,
            intervals: bootstrap_claims(&claims, r, key),
            corp,
            platform: platform_metrics_of(self.baseline, self.peer, self.relative_brier),
            platform_intervals: bootstrap_platform_claims(&platform_claims, r, key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{
        bootstrap, bootstrap_platform, corp_with_band, metrics, observations, platform_metrics,
        score_pair, Pair, Rule,
    };
    use chrono::{DateTime, TimeZone, Utc};
    use proptest::prelude::*;
    use std::sync::Arc;

    fn t(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::hours(hour.into())
    }

    /// (claim, status code, forecasts as (hour, p in twentieths), platform scores)
    type Spec = (
        usize,
        u8,
        Vec<(u32, u32)>,
        (Option<i8>, Option<i8>, Option<i8>),
    );

    fn status(code: u8) -> Status {
        match code {
            0 => Status::Scored(true),
            1 => Status::Scored(false),
            2 => Status::Pending,
            3 => Status::Annulled,
            _ => Status::Ambiguous,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Samples appended, counted or both, in one tally or two merged, come out as the
        /// same counts in the same order: zeros of either sign and weights other than 1
        /// included.
        #[test]
        fn samples_count_alike_however_they_are_kept(
            samples in proptest::collection::vec(
                (prop_oneof![Just(0.0f64), Just(-0.0f64), Just(0.35), Just(1.0), 0.0f64..1.0],
                 prop_oneof![4 => Just(1.0f64), 1 => Just(0.5), 1 => Just(0.25)],
                 any::<bool>()),
                0..60),
            split in 0usize..60,
            swap in any::<bool>(),
        ) {
            let mut want: FxHashMap<(u64, u64, bool), u64> = FxHashMap::default();
            for &(p, w, yes) in &samples {
                *want.entry((p.to_bits(), w.to_bits(), yes)).or_default() += 1;
            }
            let want = Samples::Counted(want).counted();
            let split = split.min(samples.len());
            let (mut a, mut b) = (Samples::default(), Samples::default());
            for &(p, w, yes) in &samples[..split] {
                a.add(p, w, yes);
            }
            for &(p, w, yes) in &samples[split..] {
                b.add(p, w, yes);
            }
            if swap {
                std::mem::swap(&mut a, &mut b);
            }
            a.merge(b);
            let bits = |c: &[(Sample, u64)]| -> Vec<(u64, u64, bool, u64)> {
                c.iter().map(|(s, k)| (s.p.to_bits(), s.w.to_bits(), s.yes, *k)).collect()
            };
            prop_assert_eq!(bits(&a.counted()), bits(&want));
        }

        /// A tally fed pair by pair gives, bit for bit, what the functions that take the
        /// whole group's pairs give.
        #[test]
        fn a_tally_gives_what_the_pair_functions_give(
            specs in proptest::collection::vec(
                (0usize..6, 0u8..5, proptest::collection::vec((0u32..30, 0u32..=20), 1..4),
                 (proptest::option::of(-100i8..100), proptest::option::of(-100i8..100),
                  proptest::option::of(-100i8..100))),
                0..50),
            rule in prop_oneof![Just(Rule::Latest), Just(Rule::First), Just(Rule::TimeAvg)],
            resamples in prop_oneof![Just(0usize), Just(25)],
            bins in 1usize..12,
        ) {
            let mut specs: Vec<Spec> = specs;
            // The pairs of one claim come together, as a report feeds them.
            specs.sort_by_key(|s| s.0);
            let r = Resampling { resamples, seed: 3 };
            let mut pairs: Vec<(usize, PairScore, PlatformScore)> = Vec::new();
            for (claim, code, forecasts, (b, p, rb)) in specs {
                let pair = Pair {
                    claim: Arc::from(format!("c{claim}").as_str()),
                    forecaster: Arc::from("f"),
                    status: status(code),
                    cutoff: t(20),
                    opened: t(2),
                    forecasts: forecasts.iter().map(|&(h, p)| (t(h), f64::from(p) / 20.0)).collect(),
                };
                let Some(score) = score_pair(&pair, rule) else { continue };
                let platform = PlatformScore {
                    baseline: b.map(|x| f64::from(x) / 7.0),
                    peer: p.map(|x| f64::from(x) / 3.0),
                    relative_brier: rb.map(|x| f64::from(x) / 11.0),
                };
                pairs.push((claim, score, platform));
            }
            let mut tally = Tally::new(&r);
            for (claim, score, platform) in &pairs {
                tally.add(*claim as u32, score, platform);
            }
            let got = tally.finish("g", bins, &r);
            let scores: Vec<&PairScore> = pairs.iter().map(|x| &x.1).collect();
            let want = GroupScores {
                metrics: metrics(scores.iter().copied(), bins),
                intervals: bootstrap(scores.iter().copied(), &r, "g"),
                corp: corp_with_band(&observations(scores.iter().copied()), &r, "g"),
                platform: platform_metrics(pairs.iter().map(|x| &x.2)),
                platform_intervals: bootstrap_platform(pairs.iter().map(|x| (&x.1, &x.2)), &r, "g"),
            };
            // Debug prints each number in full, so equal text is equal bits.
            prop_assert_eq!(format!("{got:?}"), format!("{want:?}"));
        }
    }
}
