//! A group's scored pairs folded one at a time, so that a report can score a million
//! pairs without holding them: what the group's metrics, CORP calibration, intervals
//! and platform scores need, and nothing per pair that they do not.
//!
//! Every number comes out bit for bit as from the functions that take the pairs
//! themselves ([`metrics`](super::metrics), [`corp_with_band`](super::corp_with_band),
//! [`bootstrap`](super::bootstrap), [`platform_metrics`](super::platform_metrics),
//! [`bootstrap_platform`](super::bootstrap_platform)): those sum the samples in a
//! canonical order, so a group's samples are kept as a count of each distinct
//! `(p, outcome, weight)` and replayed in that order; coverage and the platform scores
//! are summed exactly ([`ExactSum`]), which no order changes; the intervals need one
//! entry per claim, kept only when resampling is on.

use rustc_hash::FxHashMap;

use super::corp::{self, Corp, Obs};
use super::exact::ExactSum;
use super::metrics::{self, Counts, Metrics, Sample};
use super::platform::{PlatformMetrics, PlatformScore, PlatformSums};
use super::resample::{
    bootstrap_claims, bootstrap_platform_claims, corp_with_band_runs, Intervals, PlatformIntervals,
    Resampling,
};
use super::select::PairScore;
use super::status::Status;

/// One group's pairs, folded. Feed it with [`Tally::add`], pairs of one claim one after
/// the other (as a report scores them, claim by claim), then [`Tally::finish`].
#[derive(Debug, Clone, Default)]
pub struct Tally {
    counts: Counts,
    samples: Samples,
    coverage: ExactSum,
    platform: PlatformSums,
    /// With resampling on: what each claim adds to the group, in the order added.
    resampled: bool,
    claims: Vec<ClaimSums>,
}

/// One claim's pairs in a group, as the bootstrap intervals draw them: the claim's place
/// in claim-key order, how many pairs have a Brier score and log loss and their sums, how
/// many a baseline and a peer score and their sums (as
/// [`add_platform`](super::resample::add_platform) adds them). Counts are whole numbers,
/// kept as such to keep the entry small (48 bytes: a report keeps one per claim and group).
#[derive(Debug, Clone, Copy, Default)]
struct ClaimSums {
    place: u32,
    pairs: u32,
    baseline_n: u32,
    peer_n: u32,
    brier: f64,
    log_loss: f64,
    baseline: f64,
    peer: f64,
}

/// A group's samples, as counts of each distinct `(p bits, w bits, yes)`. A report adds a
/// million pairs to a thousand groups, and a probe into each group's table of counts
/// would miss the cache nearly every time: a `latest` or `first` sample (weight 1, `p`
/// without a sign bit) is appended instead, packed as `p bits << 1 | yes`, and every
/// [`Samples::PENDING`] of them are sorted and counted together, on a table the first
/// probe has brought into the cache. What a group holds is bounded by its distinct
/// samples, not by its pairs.
#[derive(Debug, Clone, Default)]
struct Samples {
    pending: Vec<u64>,
    /// The packed samples counted so far.
    unit: FxHashMap<u64, u64>,
    /// The other samples, each `(p bits, w bits, yes)`.
    counts: FxHashMap<(u64, u64, bool), u64>,
}

const ONE: u64 = 0x3FF0_0000_0000_0000; // 1.0f64.to_bits()

impl Samples {
    /// How many packed samples wait to be counted at most (in tests few, so that
    /// counting part way is exercised).
    const PENDING: usize = if cfg!(test) { 7 } else { 256 };

    fn add(&mut self, p: f64, w: f64, yes: bool) {
        let (p, w) = (p.to_bits(), w.to_bits());
        if w == ONE && p >> 63 == 0 {
            self.pending.push(p << 1 | u64::from(yes));
            if self.pending.len() >= Self::PENDING {
                self.count_pending();
            }
        } else {
            *self.counts.entry((p, w, yes)).or_default() += 1;
        }
    }

    fn count_pending(&mut self) {
        self.pending.sort_unstable();
        for run in self.pending.chunk_by(|a, b| a == b) {
            *self.unit.entry(run[0]).or_default() += run.len() as u64;
        }
        self.pending.clear();
    }

    fn merge(&mut self, other: Samples) {
        for k in other.pending {
            self.pending.push(k);
            if self.pending.len() >= Self::PENDING {
                self.count_pending();
            }
        }
        for (key, k) in other.unit {
            *self.unit.entry(key).or_default() += k;
        }
        for (sample, k) in other.counts {
            *self.counts.entry(sample).or_default() += k;
        }
    }

    /// Each distinct sample with how many times it occurs, in [`metrics::sample_order`].
    fn counted(mut self) -> Vec<(Sample, u64)> {
        self.count_pending();
        // A packed sample has weight 1 and p without a sign bit, a sample in `counts`
        // does not: the two never hold the same sample.
        let unit = self
            .unit
            .into_iter()
            .map(|(key, k)| ((key >> 1, ONE, key & 1 == 1), k));
        let mut counted: Vec<(Sample, u64)> = unit
            .chain(self.counts)
            .map(|((p, w, yes), k)| {
                let (p, w) = (f64::from_bits(p), f64::from_bits(w));
                (Sample { p, yes, w }, k)
            })
            .collect();
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
                    self.coverage.extend(pair.coverage);
                }
                Status::Pending => self.counts.pending += 1,
                Status::Annulled => self.counts.annulled += 1,
                Status::Ambiguous => self.counts.ambiguous += 1,
            }
        }
        self.platform.add(platform);
        if !self.resampled {
            return;
        }
        let scored = pair.brier.zip(pair.log_loss);
        if scored.is_none() && platform.baseline.is_none() && platform.peer.is_none() {
            return;
        }
        if self.claims.last().is_none_or(|c| c.place != claim) {
            self.claims.push(ClaimSums {
                place: claim,
                ..ClaimSums::default()
            });
        }
        if let Some(c) = self.claims.last_mut() {
            if let Some((b, l)) = scored {
                c.pairs = c.pairs.saturating_add(1);
                c.brier += b;
                c.log_loss += l;
            }
            if let Some(b) = platform.baseline {
                c.baseline_n = c.baseline_n.saturating_add(1);
                c.baseline += b;
            }
            if let Some(p) = platform.peer {
                c.peer_n = c.peer_n.saturating_add(1);
                c.peer += p;
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
        self.coverage.merge(&other.coverage);
        self.platform.merge(&other.platform);
        self.claims.extend(other.claims);
    }

    /// The group's metrics with `bins` calibration bins, its CORP calibration, intervals
    /// and platform scores; `key` names its random streams and `r` is the resampling the
    /// tally was made for.
    pub fn finish(self, key: &str, bins: usize, r: &Resampling) -> GroupScores {
        let counted = self.samples.counted();
        let metrics = metrics::from_runs(self.counts, &counted, bins, self.coverage.mean());
        let obs = corp::runs(counted.iter().map(|&(s, k)| {
            let Sample { p, yes, w } = s;
            (Obs { p, yes, w }, k)
        }));
        let corp = corp_with_band_runs(&obs, r, key);
        let mut sums = self.claims;
        sums.sort_by_key(|c| c.place);
        let claims: Vec<(f64, f64, f64)> = sums
            .iter()
            .filter(|c| c.pairs > 0)
            .map(|c| (f64::from(c.pairs), c.brier, c.log_loss))
            .collect();
        let platform_claims: Vec<[f64; 4]> = sums
            .iter()
            .filter(|c| c.baseline_n > 0 || c.peer_n > 0)
            .map(|c| {
                [
                    f64::from(c.baseline_n),
                    c.baseline,
                    f64::from(c.peer_n),
                    c.peer,
                ]
            })
            .collect();
        drop(sums);
        GroupScores {
            metrics,
            intervals: bootstrap_claims(&claims, r, key),
            corp,
            platform: self.platform.metrics(),
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
            let want = Samples { counts: want, ..Samples::default() }.counted();
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
